//! The top-level domains URL recognition knows: a domain, with or without
//! scheme, must end in one of them or in a punycode label (`xn--…`).
//!
//! Generated from `conformance/tld_lib.yml` of twitter-text 3.1.0
//! (github.com/twitter/twitter-text, Copyright 2011 Twitter, Inc., Apache
//! License 2.0): 315 country and 1259 generic domains, 1574 in all. (This
//! is the list twitter-text's npm package 3.1.0 uses; the older bundle
//! `js/pkg/twitter-text-3.1.0.js` lacks `ລາວ`, `ευ` and `البحرين`.)
//!
//! Regenerate with a few lines of Python over that file (PyYAML 6): load it
//! with `yaml.safe_load`, join the `country` and `generic` lists, write the
//! all-ASCII names sorted bytewise into [`ASCII`], and the others into
//! [`NON_ASCII`] next to their case-folded form, sorted by the folded first
//! character and then longest first. Folding is Python's `str.upper` per
//! character, kept only when it is one character and not ASCII for a
//! non-ASCII character, which is how JavaScript's case-insensitive regexes
//! compare; a unit test checks the folded forms against Rust's own case
//! mapping.

/// All-ASCII top-level domains, lowercase, sorted bytewise for binary search.
#[rustfmt::skip]
pub(crate) static ASCII: [&str; 1419] = [
    "aaa", "aarp", "abarth", "abb", "abbott", "abbvie", "abc", "able",
    "abogado", "abudhabi", "ac", "academy", "accenture", "accountant",
    "accountants", "aco", "active", "actor", "ad", "adac", "ads", "adult",
    "ae", "aeg", "aero", "aetna", "af", "afamilycompany", "afl", "africa",
    "ag", "agakhan", "agency", "ai", "aig", "aigo", "airbus", "airforce",
    "airtel", "akdn", "al", "alfaromeo", "alibaba", "alipay", "allfinanz",
    "allstate", "ally", "alsace", "alstom", "am", "americanexpress",
    "americanfamily", "amex", "amfam", "amica", "amsterdam", "an", "analytics",
    "android", "anquan", "anz", "ao", "aol", "apartments", "app", "apple",
    "aq", "aquarelle", "ar", "arab", "aramco", "archi", "army", "arpa", "art",
    "arte", "as", "asda", "asia", "associates", "at", "athleta", "attorney",
    "au", "auction", "audi", "audible", "audio", "auspost", "author", "auto",
    "autos", "avianca", "aw", "aws", "ax", "axa", "az", "azure", "ba", "baby",
    "baidu", "banamex", "bananarepublic", "band", "bank", "bar", "barcelona",
    "barclaycard", "barclays", "barefoot", "bargains", "baseball",
    "basketball", "bauhaus", "bayern", "bb", "bbc", "bbt", "bbva", "bcg",
    "bcn", "bd", "be", "beats", "beauty", "beer", "bentley", "berlin", "best",
    "bestbuy", "bet", "bf", "bg", "bh", "bharti", "bi", "bible", "bid", "bike",
    "bing", "bingo", "bio", "biz", "bj", "bl", "black", "blackfriday",
    "blanco", "blockbuster", "blog", "bloomberg", "blue", "bm", "bms", "bmw",
    "bn", "bnl", "bnpparibas", "bo", "boats", "boehringer", "bofa", "bom",
    "bond", "boo", "book", "booking", "boots", "bosch", "bostik", "boston",
    "bot", "boutique", "box", "bq", "br", "bradesco", "bridgestone",
    "broadway", "broker", "brother", "brussels", "bs", "bt", "budapest",
    "bugatti", "build", "builders", "business", "buy", "buzz", "bv", "bw",
    "by", "bz", "bzh", "ca", "cab", "cafe", "cal", "call", "calvinklein",
    "cam", "camera", "camp", "cancerresearch", "canon", "capetown", "capital",
    "capitalone", "car", "caravan", "cards", "care", "career", "careers",
    "cars", "cartier", "casa", "case", "caseih", "cash", "casino", "cat",
    "catering", "catholic", "cba", "cbn", "cbre", "cbs", "cc", "cd", "ceb",
    "center", "ceo", "cern", "cf", "cfa", "cfd", "cg", "ch", "chanel",
    "channel", "charity", "chase", "chat", "cheap", "chintai", "chloe",
    "christmas", "chrome", "chrysler", "church", "ci", "cipriani", "circle",
    "cisco", "citadel", "citi", "citic", "city", "cityeats", "ck", "cl",
    "claims", "cleaning", "click", "clinic", "clinique", "clothing", "cloud",
    "club", "clubmed", "cm", "cn", "co", "coach", "codes", "coffee", "college",
    "cologne", "com", "comcast", "commbank", "community", "company", "compare",
    "computer", "comsec", "condos", "construction", "consulting", "contact",
    "contractors", "cooking", "cookingchannel", "cool", "coop", "corsica",
    "country", "coupon", "coupons", "courses", "cpa", "cr", "credit",
    "creditcard", "creditunion", "cricket", "crown", "crs", "cruise",
    "cruises", "csc", "cu", "cuisinella", "cv", "cw", "cx", "cy", "cymru",
    "cyou", "cz", "dabur", "dad", "dance", "data", "date", "dating", "datsun",
    "day", "dclk", "dds", "de", "deal", "dealer", "deals", "degree",
    "delivery", "dell", "deloitte", "delta", "democrat", "dental", "dentist",
    "desi", "design", "dev", "dhl", "diamonds", "diet", "digital", "direct",
    "directory", "discount", "discover", "dish", "diy", "dj", "dk", "dm",
    "dnp", "do", "docs", "doctor", "dodge", "dog", "doha", "domains", "doosan",
    "dot", "download", "drive", "dtv", "dubai", "duck", "dunlop", "duns",
    "dupont", "durban", "dvag", "dvr", "dz", "earth", "eat", "ec", "eco",
    "edeka", "edu", "education", "ee", "eg", "eh", "email", "emerck", "energy",
    "engineer", "engineering", "enterprises", "epost", "epson", "equipment",
    "er", "ericsson", "erni", "es", "esq", "estate", "esurance", "et",
    "etisalat", "eu", "eurovision", "eus", "events", "everbank", "exchange",
    "expert", "exposed", "express", "extraspace", "fage", "fail", "fairwinds",
    "faith", "family", "fan", "fans", "farm", "farmers", "fashion", "fast",
    "fedex", "feedback", "ferrari", "ferrero", "fi", "fiat", "fidelity",
    "fido", "film", "final", "finance", "financial", "fire", "firestone",
    "firmdale", "fish", "fishing", "fit", "fitness", "fj", "fk", "flickr",
    "flights", "flir", "florist", "flowers", "flsmidth", "fly", "fm", "fo",
    "foo", "food", "foodnetwork", "football", "ford", "forex", "forsale",
    "forum", "foundation", "fox", "fr", "free", "fresenius", "frl", "frogans",
    "frontdoor", "frontier", "ftr", "fujitsu", "fujixerox", "fun", "fund",
    "furniture", "futbol", "fyi", "ga", "gal", "gallery", "gallo", "gallup",
    "game", "games", "gap", "garden", "gay", "gb", "gbiz", "gd", "gdn", "ge",
    "gea", "gent", "genting", "george", "gf", "gg", "ggee", "gh", "gi", "gift",
    "gifts", "gives", "giving", "gl", "glade", "glass", "gle", "global",
    "globo", "gm", "gmail", "gmbh", "gmo", "gmx", "gn", "godaddy", "gold",
    "goldpoint", "golf", "goo", "goodhands", "goodyear", "goog", "google",
    "gop", "got", "gov", "gp", "gq", "gr", "grainger", "graphics", "gratis",
    "green", "gripe", "grocery", "group", "gs", "gt", "gu", "guardian",
    "gucci", "guge", "guide", "guitars", "guru", "gw", "gy", "hair", "hamburg",
    "hangout", "haus", "hbo", "hdfc", "hdfcbank", "health", "healthcare",
    "help", "helsinki", "here", "hermes", "hgtv", "hiphop", "hisamitsu",
    "hitachi", "hiv", "hk", "hkt", "hm", "hn", "hockey", "holdings", "holiday",
    "homedepot", "homegoods", "homes", "homesense", "honda", "honeywell",
    "horse", "hospital", "host", "hosting", "hot", "hoteles", "hotels",
    "hotmail", "house", "how", "hr", "hsbc", "ht", "htc", "hu", "hughes",
    "hyatt", "hyundai", "ibm", "icbc", "ice", "icu", "id", "ie", "ieee", "ifm",
    "iinet", "ikano", "il", "im", "imamat", "imdb", "immo", "immobilien", "in",
    "inc", "industries", "infiniti", "info", "ing", "ink", "institute",
    "insurance", "insure", "int", "intel", "international", "intuit",
    "investments", "io", "ipiranga", "iq", "ir", "irish", "is", "iselect",
    "ismaili", "ist", "istanbul", "it", "itau", "itv", "iveco", "iwc",
    "jaguar", "java", "jcb", "jcp", "je", "jeep", "jetzt", "jewelry", "jio",
    "jlc", "jll", "jm", "jmp", "jnj", "jo", "jobs", "joburg", "jot", "joy",
    "jp", "jpmorgan", "jprs", "juegos", "juniper", "kaufen", "kddi", "ke",
    "kerryhotels", "kerrylogistics", "kerryproperties", "kfh", "kg", "kh",
    "ki", "kia", "kim", "kinder", "kindle", "kitchen", "kiwi", "km", "kn",
    "koeln", "komatsu", "kosher", "kp", "kpmg", "kpn", "kr", "krd", "kred",
    "kuokgroup", "kw", "ky", "kyoto", "kz", "la", "lacaixa", "ladbrokes",
    "lamborghini", "lamer", "lancaster", "lancia", "lancome", "land",
    "landrover", "lanxess", "lasalle", "lat", "latino", "latrobe", "law",
    "lawyer", "lb", "lc", "lds", "lease", "leclerc", "lefrak", "legal", "lego",
    "lexus", "lgbt", "li", "liaison", "lidl", "life", "lifeinsurance",
    "lifestyle", "lighting", "like", "lilly", "limited", "limo", "lincoln",
    "linde", "link", "lipsy", "live", "living", "lixil", "lk", "llc", "llp",
    "loan", "loans", "locker", "locus", "loft", "lol", "london", "lotte",
    "lotto", "love", "lpl", "lplfinancial", "lr", "ls", "lt", "ltd", "ltda",
    "lu", "lundbeck", "lupin", "luxe", "luxury", "lv", "ly", "ma", "macys",
    "madrid", "maif", "maison", "makeup", "man", "management", "mango", "map",
    "market", "marketing", "markets", "marriott", "marshalls", "maserati",
    "mattel", "mba", "mc", "mcd", "mcdonalds", "mckinsey", "md", "me", "med",
    "media", "meet", "melbourne", "meme", "memorial", "men", "menu", "meo",
    "merckmsd", "metlife", "mf", "mg", "mh", "miami", "microsoft", "mil",
    "mini", "mint", "mit", "mitsubishi", "mk", "ml", "mlb", "mls", "mm", "mma",
    "mn", "mo", "mobi", "mobile", "mobily", "moda", "moe", "moi", "mom",
    "monash", "money", "monster", "montblanc", "mopar", "mormon", "mortgage",
    "moscow", "moto", "motorcycles", "mov", "movie", "movistar", "mp", "mq",
    "mr", "ms", "msd", "mt", "mtn", "mtpc", "mtr", "mu", "museum", "mutual",
    "mutuelle", "mv", "mw", "mx", "my", "mz", "na", "nab", "nadex", "nagoya",
    "name", "nationwide", "natura", "navy", "nba", "nc", "ne", "nec", "net",
    "netbank", "netflix", "network", "neustar", "new", "newholland", "news",
    "next", "nextdirect", "nexus", "nf", "nfl", "ng", "ngo", "nhk", "ni",
    "nico", "nike", "nikon", "ninja", "nissan", "nissay", "nl", "no", "nokia",
    "northwesternmutual", "norton", "now", "nowruz", "nowtv", "np", "nr",
    "nra", "nrw", "ntt", "nu", "nyc", "nz", "obi", "observer", "off", "office",
    "okinawa", "olayan", "olayangroup", "oldnavy", "ollo", "om", "omega",
    "one", "ong", "onion", "onl", "online", "onyourside", "ooo", "open",
    "oracle", "orange", "org", "organic", "orientexpress", "origins", "osaka",
    "otsuka", "ott", "ovh", "pa", "page", "pamperedchef", "panasonic",
    "panerai", "paris", "pars", "partners", "parts", "party", "passagens",
    "pay", "pccw", "pe", "pet", "pf", "pfizer", "pg", "ph", "pharmacy", "phd",
    "philips", "phone", "photo", "photography", "photos", "physio", "piaget",
    "pics", "pictet", "pictures", "pid", "pin", "ping", "pink", "pioneer",
    "pizza", "pk", "pl", "place", "play", "playstation", "plumbing", "plus",
    "pm", "pn", "pnc", "pohl", "poker", "politie", "porn", "post", "pr",
    "pramerica", "praxi", "press", "prime", "pro", "prod", "productions",
    "prof", "progressive", "promo", "properties", "property", "protection",
    "pru", "prudential", "ps", "pt", "pub", "pw", "pwc", "py", "qa", "qpon",
    "quebec", "quest", "qvc", "racing", "radio", "raid", "re", "read",
    "realestate", "realtor", "realty", "recipes", "red", "redstone",
    "redumbrella", "rehab", "reise", "reisen", "reit", "reliance", "ren",
    "rent", "rentals", "repair", "report", "republican", "rest", "restaurant",
    "review", "reviews", "rexroth", "rich", "richardli", "ricoh",
    "rightathome", "ril", "rio", "rip", "rmit", "ro", "rocher", "rocks",
    "rodeo", "rogers", "room", "rs", "rsvp", "ru", "rugby", "ruhr", "run",
    "rw", "rwe", "ryukyu", "sa", "saarland", "safe", "safety", "sakura",
    "sale", "salon", "samsclub", "samsung", "sandvik", "sandvikcoromant",
    "sanofi", "sap", "sapo", "sarl", "sas", "save", "saxo", "sb", "sbi", "sbs",
    "sc", "sca", "scb", "schaeffler", "schmidt", "scholarships", "school",
    "schule", "schwarz", "science", "scjohnson", "scor", "scot", "sd", "se",
    "search", "seat", "secure", "security", "seek", "select", "sener",
    "services", "ses", "seven", "sew", "sex", "sexy", "sfr", "sg", "sh",
    "shangrila", "sharp", "shaw", "shell", "shia", "shiksha", "shoes", "shop",
    "shopping", "shouji", "show", "showtime", "shriram", "si", "silk", "sina",
    "singles", "site", "sj", "sk", "ski", "skin", "sky", "skype", "sl",
    "sling", "sm", "smart", "smile", "sn", "sncf", "so", "soccer", "social",
    "softbank", "software", "sohu", "solar", "solutions", "song", "sony",
    "soy", "space", "spiegel", "sport", "spot", "spreadbetting", "sr", "srl",
    "srt", "ss", "st", "stada", "staples", "star", "starhub", "statebank",
    "statefarm", "statoil", "stc", "stcgroup", "stockholm", "storage", "store",
    "stream", "studio", "study", "style", "su", "sucks", "supplies", "supply",
    "support", "surf", "surgery", "suzuki", "sv", "swatch", "swiftcover",
    "swiss", "sx", "sy", "sydney", "symantec", "systems", "sz", "tab",
    "taipei", "talk", "taobao", "target", "tatamotors", "tatar", "tattoo",
    "tax", "taxi", "tc", "tci", "td", "tdk", "team", "tech", "technology",
    "tel", "telecity", "telefonica", "temasek", "tennis", "teva", "tf", "tg",
    "th", "thd", "theater", "theatre", "tiaa", "tickets", "tienda", "tiffany",
    "tips", "tires", "tirol", "tj", "tjmaxx", "tjx", "tk", "tkmaxx", "tl",
    "tm", "tmall", "tn", "to", "today", "tokyo", "tools", "top", "toray",
    "toshiba", "total", "tours", "town", "toyota", "toys", "tp", "tr", "trade",
    "trading", "training", "travel", "travelchannel", "travelers",
    "travelersinsurance", "trust", "trv", "tt", "tube", "tui", "tunes",
    "tushu", "tv", "tvs", "tw", "tz", "ua", "ubank", "ubs", "uconnect", "ug",
    "uk", "um", "unicom", "university", "uno", "uol", "ups", "us", "uy", "uz",
    "va", "vacations", "vana", "vanguard", "vc", "ve", "vegas", "ventures",
    "verisign", "versicherung", "vet", "vg", "vi", "viajes", "video", "vig",
    "viking", "villas", "vin", "vip", "virgin", "visa", "vision", "vista",
    "vistaprint", "viva", "vivo", "vlaanderen", "vn", "vodka", "volkswagen",
    "volvo", "vote", "voting", "voto", "voyage", "vu", "vuelos", "wales",
    "walmart", "walter", "wang", "wanggou", "warman", "watch", "watches",
    "weather", "weatherchannel", "webcam", "weber", "website", "wed",
    "wedding", "weibo", "weir", "wf", "whoswho", "wien", "wiki", "williamhill",
    "win", "windows", "wine", "winners", "wme", "wolterskluwer", "woodside",
    "work", "works", "world", "wow", "ws", "wtc", "wtf", "xbox", "xerox",
    "xfinity", "xihuan", "xin", "xperia", "xxx", "xyz", "yachts", "yahoo",
    "yamaxun", "yandex", "ye", "yodobashi", "yoga", "yokohama", "you",
    "youtube", "yt", "yun", "za", "zappos", "zara", "zero", "zip", "zippo",
    "zm", "zone", "zuerich", "zw",
];

/// Top-level domains with a non-ASCII character, each with its case-folded
/// form `(as listed, folded)`, sorted by folded first character and, among
/// names with the same first character, longest first.
#[rustfmt::skip]
pub(crate) static NON_ASCII: [(&str, &str); 155] = [
    ("vermögensberatung", "VERMÖGENSBERATUNG"),
    ("vermögensberater", "VERMÖGENSBERATER"),
    ("ελ", "ΕΛ"),
    ("ευ", "ΕΥ"),
    ("бел", "БЕЛ"),
    ("бг", "БГ"),
    ("дети", "ДЕТИ"),
    ("ею", "ЕЮ"),
    ("католик", "КАТОЛИК"),
    ("ком", "КОМ"),
    ("москва", "МОСКВА"),
    ("мкд", "МКД"),
    ("мон", "МОН"),
    ("онлайн", "ОНЛАЙН"),
    ("орг", "ОРГ"),
    ("рус", "РУС"),
    ("рф", "РФ"),
    ("сайт", "САЙТ"),
    ("срб", "СРБ"),
    ("укр", "УКР"),
    ("қаз", "ҚАЗ"),
    ("հայ", "ՀԱՅ"),
    ("קום", "קום"),
    ("السعودية", "السعودية"),
    ("اتصالات", "اتصالات"),
    ("البحرين", "البحرين"),
    ("الجزائر", "الجزائر"),
    ("العليان", "العليان"),
    ("ابوظبي", "ابوظبي"),
    ("ارامكو", "ارامكو"),
    ("الاردن", "الاردن"),
    ("المغرب", "المغرب"),
    ("امارات", "امارات"),
    ("ایران", "ایران"),
    ("بازار", "بازار"),
    ("بھارت", "بھارت"),
    ("بارت", "بارت"),
    ("بيتك", "بيتك"),
    ("تونس", "تونس"),
    ("سودان", "سودان"),
    ("سورية", "سورية"),
    ("شبكة", "شبكة"),
    ("عراق", "عراق"),
    ("عمان", "عمان"),
    ("عرب", "عرب"),
    ("فلسطين", "فلسطين"),
    ("قطر", "قطر"),
    ("كاثوليك", "كاثوليك"),
    ("كوم", "كوم"),
    ("موريتانيا", "موريتانيا"),
    ("موبايلي", "موبايلي"),
    ("مليسيا", "مليسيا"),
    ("موقع", "موقع"),
    ("مصر", "مصر"),
    ("همراه", "همراه"),
    ("پاکستان", "پاکستان"),
    ("ڀارت", "ڀارت"),
    ("कॉम", "कॉम"),
    ("नेट", "नेट"),
    ("भारतम्", "भारतम्"),
    ("भारोत", "भारोत"),
    ("भारत", "भारत"),
    ("संगठन", "संगठन"),
    ("বাংলা", "বাংলা"),
    ("ভারত", "ভারত"),
    ("ভাৰত", "ভাৰত"),
    ("ਭਾਰਤ", "ਭਾਰਤ"),
    ("ભારત", "ભારત"),
    ("ଭାରତ", "ଭାରତ"),
    ("இந்தியா", "இந்தியா"),
    ("இலங்கை", "இலங்கை"),
    ("சிங்கப்பூர்", "சிங்கப்பூர்"),
    ("భారత్", "భారత్"),
    ("ಭಾರತ", "ಭಾರತ"),
    ("ഭാരതം", "ഭാരതം"),
    ("ලංකා", "ලංකා"),
    ("คอม", "คอม"),
    ("ไทย", "ไทย"),
    ("ລາວ", "ລາວ"),
    ("გე", "ᲒᲔ"),
    ("みんな", "みんな"),
    ("クラウド", "クラウド"),
    ("グーグル", "グーグル"),
    ("コム", "コム"),
    ("ストア", "ストア"),
    ("セール", "セール"),
    ("ファッション", "ファッション"),
    ("ポイント", "ポイント"),
    ("世界", "世界"),
    ("中文网", "中文网"),
    ("中信", "中信"),
    ("中国", "中国"),
    ("中國", "中國"),
    ("企业", "企业"),
    ("佛山", "佛山"),
    ("信息", "信息"),
    ("健康", "健康"),
    ("八卦", "八卦"),
    ("公司", "公司"),
    ("公益", "公益"),
    ("台湾", "台湾"),
    ("台灣", "台灣"),
    ("商城", "商城"),
    ("商店", "商店"),
    ("商标", "商标"),
    ("嘉里大酒店", "嘉里大酒店"),
    ("嘉里", "嘉里"),
    ("在线", "在线"),
    ("大众汽车", "大众汽车"),
    ("大拿", "大拿"),
    ("天主教", "天主教"),
    ("娱乐", "娱乐"),
    ("家電", "家電"),
    ("工行", "工行"),
    ("广东", "广东"),
    ("微博", "微博"),
    ("慈善", "慈善"),
    ("我爱你", "我爱你"),
    ("手机", "手机"),
    ("手表", "手表"),
    ("招聘", "招聘"),
    ("政务", "政务"),
    ("政府", "政府"),
    ("新加坡", "新加坡"),
    ("新闻", "新闻"),
    ("时尚", "时尚"),
    ("書籍", "書籍"),
    ("机构", "机构"),
    ("淡马锡", "淡马锡"),
    ("游戏", "游戏"),
    ("澳門", "澳門"),
    ("点看", "点看"),
    ("珠宝", "珠宝"),
    ("移动", "移动"),
    ("组织机构", "组织机构"),
    ("网址", "网址"),
    ("网店", "网店"),
    ("网站", "网站"),
    ("网络", "网络"),
    ("联通", "联通"),
    ("诺基亚", "诺基亚"),
    ("谷歌", "谷歌"),
    ("购物", "购物"),
    ("通販", "通販"),
    ("集团", "集团"),
    ("電訊盈科", "電訊盈科"),
    ("飞利浦", "飞利浦"),
    ("食品", "食品"),
    ("餐厅", "餐厅"),
    ("香格里拉", "香格里拉"),
    ("香港", "香港"),
    ("닷넷", "닷넷"),
    ("닷컴", "닷컴"),
    ("삼성", "삼성"),
    ("한국", "한국"),
];

/// The longest top-level domain name in [`ASCII`], in bytes.
const MAX_ASCII_LEN: usize = 18;

/// Whether `name`, compared without regard to ASCII case, is in [`ASCII`].
pub(crate) fn is_ascii_tld(name: &[u8]) -> bool {
    if name.is_empty() || name.len() > MAX_ASCII_LEN {
        return false;
    }
    let mut lower = [0u8; MAX_ASCII_LEN];
    let lower = &mut lower[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    // A hash set, built once: a binary search over 1,419 names compared
    // byte strings (memcmp) about ten times per dot in every post.
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static [u8]>> =
        std::sync::LazyLock::new(|| ASCII.iter().map(|t| t.as_bytes()).collect());
    SET.contains(&*lower)
}

/// The byte lengths of the names of [`NON_ASCII`] that `text` starts with,
/// longest first, compared the way a case-insensitive JavaScript regex
/// does.
///
/// Longest first is the order of twitter-text's alternation: its lists are
/// in reverse alphabetical order, so of two names where one extends the
/// other (`भारत`, `भारतम्`; `嘉里`, `嘉里大酒店`) the longer one is tried
/// first, and no other two names share a prefix.
pub(crate) fn non_ascii_prefixes(text: &str) -> impl Iterator<Item = usize> + '_ {
    // The names starting with the text's first character are a run of the
    // sorted list. (An empty text folds to NUL, which starts no name.)
    let first = text.chars().next().map_or('\0', js_fold);
    let first_of = |folded: &str| folded.chars().next();
    let from = NON_ASCII.partition_point(|&(_, folded)| first_of(folded) < Some(first));
    let to = NON_ASCII.partition_point(|&(_, folded)| first_of(folded) <= Some(first));
    NON_ASCII[from..to].iter().filter_map(move |&(_, folded)| {
        let mut have = text.char_indices().skip(1);
        for want in folded.chars().skip(1) {
            match have.next() {
                Some((_, c)) if js_fold(c) == want => {}
                _ => return None,
            }
        }
        Some(have.next().map_or(text.len(), |(i, _)| i))
    })
}

/// Folds `c` the way a JavaScript regex with the `i` flag and without the
/// `u` flag compares characters (ECMAScript's `Canonicalize`): the uppercase
/// form, unless it is several characters, or unless it would turn a
/// non-ASCII character into an ASCII one.
pub(crate) fn js_fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if !u.is_ascii() => u,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_list_is_sorted_lowercase_and_bounded() {
        assert!(ASCII.windows(2).all(|w| w[0] < w[1]));
        assert!(
            ASCII
                .iter()
                .all(|t| t.bytes().all(|b| b.is_ascii_lowercase()))
        );
        assert_eq!(ASCII.iter().map(|t| t.len()).max(), Some(MAX_ASCII_LEN));
        assert_eq!(ASCII.len() + NON_ASCII.len(), 315 + 1259);
    }

    #[test]
    fn ascii_lookup_ignores_case() {
        for name in ["com", "COM", "Org", "jp", "onion", "travelersinsurance"] {
            assert!(is_ascii_tld(name.as_bytes()), "{name}");
        }
        for name in ["", "comm", "x", "baz", "xn", "travelersinsurancex"] {
            assert!(!is_ascii_tld(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn folded_forms_agree_with_rust_case_mapping() {
        for (name, folded) in NON_ASCII {
            let ours: String = name.chars().map(js_fold).collect();
            assert_eq!(ours, folded, "{name}");
        }
        // Sorted by first character, then longest first.
        let key = |(_, folded): &(&str, &str)| {
            (folded.chars().next(), usize::MAX - folded.chars().count())
        };
        assert!(NON_ASCII.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    }

    #[test]
    fn non_ascii_prefixes_are_longest_first_and_case_insensitive() {
        let all = |text: &str| non_ascii_prefixes(text).collect::<Vec<_>>();
        assert_eq!(all("рф"), ["рф".len()]);
        assert_eq!(all("РФ/путь"), ["РФ".len()]);
        assert_eq!(all("ΕΛ"), ["ΕΛ".len()]);
        assert_eq!(all("भारतम्"), ["भारतम्".len(), "भारत".len()]);
        assert_eq!(all("嘉里大酒店x"), ["嘉里大酒店".len(), "嘉里".len()]);
        assert_eq!(all("VERMÖGENSBERATUNG"), ["VERMÖGENSBERATUNG".len()]);
        assert!(all("р").is_empty());
        assert!(all("").is_empty());
    }

    #[test]
    fn js_fold_keeps_non_ascii_away_from_ascii() {
        assert_eq!(js_fold('a'), 'A');
        assert_eq!(js_fold('ſ'), 'ſ'); // would fold to ASCII `S`
        assert_eq!(js_fold('\u{212A}'), '\u{212A}'); // KELVIN SIGN stays itself
        assert_eq!(js_fold('ß'), 'ß'); // uppercase is two characters
        assert_eq!(js_fold('ж'), 'Ж');
    }
}
