//! Seeded synthetic exports of health-community posts.
//!
//! [`generate`] makes a realistic-looking export of the kind health analysts
//! feed to hashtrend: steady background tags with a daily cycle and quieter
//! weekends, weekly tweet chats (#HCLDR on Tuesday nights, #BCSM on Monday
//! nights, US Eastern), reposts, spelling variants of the same tag, the usual
//! traps (URL fragments, `#1`, `issue #42`, `C#`, `Q&A`, `<3`), a few exact
//! duplicate rows, and the planted rises listed in [`PLANTED`] that a trending
//! tool should find. [`write_csv`] and [`write_jsonl`] write the posts in the
//! two input formats hashtrend reads. The sample in `data/` is
//! `generate(&SynthOptions::default())`; `data/README.md` describes it.
//!
//! Everything is synthetic: authors, handles and texts are made up.
//!
//! # Determinism
//!
//! The same [`SynthOptions`] give byte-identical output, on every platform
//! and for good: the generator carries its own PRNG (SplitMix64) instead of
//! depending on a random-number crate whose algorithm may change, and uses
//! only integer arithmetic and exactly rounded float operations (no libm).
//! Changing this module's tables or logic does change the output, so treat
//! such a change as a data change and regenerate `data/`.
//!
//! # Example
//!
//! ```
//! use hashtrend::synth::{generate, write_csv, SynthOptions};
//!
//! let posts = generate(&SynthOptions { posts: 500, ..SynthOptions::default() });
//! assert_eq!(posts.len(), 500);
//! let mut csv = Vec::new();
//! write_csv(&posts, &mut csv).unwrap();
//! assert!(csv.starts_with(b"id,created_at,author_id,text\n"));
//! ```

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Weekday};
use serde::Serialize;

/// Posts in the default sample.
const DEFAULT_POSTS: usize = 21_000;
/// Days in the default sample.
const DEFAULT_DAYS: u32 = 75;
/// First day of the default sample.
const DEFAULT_START: NaiveDate = ymd(2024, 4, 1);
/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;
const DAY_SECS: i64 = 86_400;
/// Share of rows that are exact duplicates, in thousandths.
const DUPLICATES_PER_THOUSAND: usize = 3;
/// Authors in the Zipf pool (the flood account comes on top).
const AUTHORS: usize = 4_000;
/// How far back a repost may reach for its original.
const REPOST_WINDOW_SECS: i64 = 2 * DAY_SECS;

/// Options for [`generate`].
///
/// The default makes the sample shipped in `data/`: 21,000 posts, seed 2024,
/// 75 days from 2024-04-01. Planted rises and chats are scaled to the
/// density of posts per day, so a larger `posts` keeps them just as visible;
/// a planted rise whose dates fall outside the range is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthOptions {
    /// Rows to generate, duplicates and reposts included. Default 21,000.
    pub posts: usize,
    /// Seed of the generator. Default 2024.
    pub seed: u64,
    /// First day (UTC) of the export. Default 2024-04-01.
    pub start: NaiveDate,
    /// Number of days covered, from `start`; 0 is treated as 1. Default 75.
    pub days: u32,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            posts: DEFAULT_POSTS,
            seed: 2024,
            start: DEFAULT_START,
            days: DEFAULT_DAYS,
        }
    }
}

/// One generated post, as an export would hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthPost {
    /// Twitter-style snowflake id: `(id >> 22) + 1288834974657` is the
    /// creation time in Unix milliseconds (for instants after 2010-11-04).
    pub id: u64,
    /// Creation time, Unix seconds UTC.
    pub created_at: i64,
    /// The author's numeric id (7 to 10 digits).
    pub author_id: u64,
    /// The text as the author typed it (not HTML-escaped). A repost reads
    /// `RT @handle: <text of the original>`.
    pub text: String,
    /// Whether this post is a repost; true exactly when `repost_of` is set.
    pub is_repost: bool,
    /// For a repost, the id of the original post.
    pub repost_of: Option<u64>,
}

/// The shape of a planted rise, see [`Planted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlantedKind {
    /// A conference: the quiet level until three days before `first`, a
    /// ramp over those three days (1/15, 1/6, 1/3 of `per_day`), `per_day`
    /// from `first` to `last`, then a two-day tail (2/5, 2/15).
    Conference,
    /// Sharp edges: `per_day` from `first` to `last`, the quiet level
    /// otherwise.
    Burst,
    /// An outbreak: about one post on `onset`, growing by `growth_percent`
    /// a day until `peak`, then shrinking by `decline_percent` a day.
    /// `first..=last` are the days around the peak where it stands out.
    Outbreak {
        /// First day with posts.
        onset: NaiveDate,
        /// Day of the highest expected count.
        peak: NaiveDate,
        /// Daily growth before the peak, in percent.
        growth_percent: u32,
        /// Daily decline after the peak, in percent.
        decline_percent: u32,
    },
    /// One account posts `per_day` times a day from `first` to `last` and
    /// nobody reposts it: high by posts, one by distinct authors.
    Flood,
}

/// A rise planted in the generated data, for docs and tests to refer to.
///
/// Counts are for the default [`SynthOptions`] (280 posts a day) and scale
/// with the density of posts per day; each day gets ±10% noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planted {
    /// The tag as usually spelled (some posts use a lowercase variant).
    pub tag: &'static str,
    /// Tags that often appear in the same posts.
    pub companions: &'static [&'static str],
    /// The shape of the rise.
    pub kind: PlantedKind,
    /// First day (UTC) on which the tag stands out.
    pub first: NaiveDate,
    /// Last day (UTC, inclusive) on which the tag stands out.
    pub last: NaiveDate,
    /// Expected posts a day from `first` to `last` (the peak, for an
    /// outbreak), reposts included.
    pub per_day: u32,
    /// Expected posts a day away from the rise.
    pub quiet_per_day: f64,
    /// Each day from `first` to `last` has at least this many times the
    /// median daily count of the days before [`Planted::onset`] (a median
    /// below one counts as one), and the tag is in that day's top 10 by
    /// posts.
    pub multiple: u32,
}

impl Planted {
    /// First day on which the tag departs from its quiet level.
    pub fn onset(&self) -> NaiveDate {
        match self.kind {
            PlantedKind::Conference => self
                .first
                .checked_sub_days(Days::new(3))
                .unwrap_or(self.first),
            PlantedKind::Outbreak { onset, .. } => onset,
            PlantedKind::Burst | PlantedKind::Flood => self.first,
        }
    }

    /// Expected posts with this tag on `date`, before noise, for the
    /// default density of 280 posts a day.
    pub fn expected(&self, date: NaiveDate) -> f64 {
        let quiet = self.quiet_per_day;
        let peak = f64::from(self.per_day);
        let offset = |from: NaiveDate| (date - from).num_days();
        match self.kind {
            PlantedKind::Burst | PlantedKind::Flood => {
                if (self.first..=self.last).contains(&date) {
                    peak
                } else {
                    quiet
                }
            }
            PlantedKind::Conference => {
                let shape = match (offset(self.first), offset(self.last)) {
                    (-3, _) => peak / 15.0,
                    (-2, _) => peak / 6.0,
                    (-1, _) => peak / 3.0,
                    (0.., ..=0) => peak,
                    (_, 1) => peak * 2.0 / 5.0,
                    (_, 2) => peak * 2.0 / 15.0,
                    _ => 0.0,
                };
                shape.max(quiet)
            }
            PlantedKind::Outbreak {
                onset,
                peak: top,
                growth_percent,
                decline_percent,
            } => {
                if date < onset {
                    return quiet;
                }
                // Repeated multiplication rather than powf: libm's pow may
                // differ in the last bit between platforms.
                let growth = f64::from(100 + growth_percent) / 100.0;
                let decline = f64::from(100u32.saturating_sub(decline_percent)) / 100.0;
                let mut value = 1.0;
                let mut day = onset;
                while day < date {
                    value *= if day < top { growth } else { decline };
                    if value < 1e-3 {
                        return quiet;
                    }
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
                value.max(quiet)
            }
        }
    }
}

/// The rises planted in every generated export, in date order of their
/// first stand-out day.
pub const PLANTED: &[Planted] = &[
    Planted {
        tag: "#WorldHealthDay",
        companions: &["#HealthForAll", "#MyHealthMyRight"],
        kind: PlantedKind::Burst,
        first: ymd(2024, 4, 7),
        last: ymd(2024, 4, 7),
        per_day: 100,
        quiet_per_day: 0.05,
        multiple: 50,
    },
    Planted {
        tag: "#MiracleCure",
        companions: &["#Wellness", "#Detox"],
        kind: PlantedKind::Flood,
        first: ymd(2024, 5, 5),
        last: ymd(2024, 5, 5),
        per_day: 150,
        quiet_per_day: 0.0,
        multiple: 100,
    },
    Planted {
        tag: "#MentalHealthAwarenessWeek",
        companions: &["#MentalHealth", "#MHAW"],
        kind: PlantedKind::Burst,
        first: ymd(2024, 5, 13),
        last: ymd(2024, 5, 19),
        per_day: 40,
        quiet_per_day: 0.05,
        multiple: 20,
    },
    Planted {
        tag: "#Measles",
        companions: &["#Vaccines", "#MMR", "#PublicHealth"],
        kind: PlantedKind::Outbreak {
            onset: ymd(2024, 4, 20),
            peak: ymd(2024, 5, 20),
            growth_percent: 12,
            decline_percent: 8,
        },
        first: ymd(2024, 5, 16),
        last: ymd(2024, 5, 24),
        per_day: 30,
        quiet_per_day: 0.0,
        multiple: 10,
    },
    Planted {
        tag: "#ASCO24",
        companions: &["#OncTwitter", "#BCSM", "#LCSM", "#Cancer"],
        kind: PlantedKind::Conference,
        first: ymd(2024, 5, 31),
        last: ymd(2024, 6, 4),
        per_day: 150,
        quiet_per_day: 3.0,
        multiple: 20,
    },
    Planted {
        tag: "#WorldNoTobaccoDay",
        companions: &["#QuitSmoking", "#TobaccoFree"],
        kind: PlantedKind::Burst,
        first: ymd(2024, 5, 31),
        last: ymd(2024, 5, 31),
        per_day: 120,
        quiet_per_day: 0.1,
        multiple: 50,
    },
    Planted {
        tag: "#DrugShortage",
        companions: &["#Ozempic", "#Pharmacy"],
        kind: PlantedKind::Burst,
        first: ymd(2024, 6, 7),
        last: ymd(2024, 6, 9),
        per_day: 80,
        quiet_per_day: 0.1,
        multiple: 40,
    },
];

/// Texts of the planted posts, in the order of [`PLANTED`].
const PLANTED_BODIES: [&[&str]; 7] = [
    &[
        "Health is a right",
        "My health, my right",
        "Health for all",
        "Care for all zip codes",
        "Happy #WorldHealthDay!",
        "Clean air = health",
    ],
    &[
        "Doctors hate this!!!",
        "Cure diabetes in 7 days",
        "DM me the secret",
        "100% natural!!",
        "Pharma hides this",
        "Reverse aging NOW",
        "Link in bio 💊",
    ],
    &[
        "Let's talk anxiety",
        "Movement helps",
        "You're not alone 💚",
        "We listen",
        "20 min walk, better",
        "Ask twice: you ok?",
        "Team wellbeing day",
    ],
    &[
        "Measles case confirmed",
        "Check your MMR",
        "Measles spreads fast",
        "ER exposure alert",
        "2 MMR doses protect",
        "Cases rising",
        "MMR clinic today",
        "Fever + rash? Call",
    ],
    &[
        "Packed plenary",
        "Practice-changing",
        "Poster 412, come by!",
        "Great ADC session",
        "Day 2 takeaways 👇",
        "Advocates front row",
        "Standing room only",
        "Those curves, wow",
        "Live from Chicago",
        "Abstracts out!",
        "Chicago, who's in?",
    ],
    &[
        "Quit today",
        "Protect kids",
        "Day 1 smoke-free 💪",
        "Tobacco harms all",
        "Free quitline",
        "No smoke, no vape",
    ],
    &[
        "Out of stock again",
        "3 pharmacies, none",
        "Patients rationing",
        "Can't find my dose",
        "Call ahead",
        "Shortage again",
    ],
];

/// Creates a date in a constant; an invalid date fails the build.
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("invalid date in a constant"),
    }
}

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea and Flood 2014, constants from Vigna's reference
/// code). We carry our own generator instead of using the `rand` crate
/// because the sample in data/ must stay byte-identical for a given seed
/// forever, and rand documents that `StdRng`'s algorithm may change between
/// versions. For the same reason nothing here calls libm (exp, pow, ln),
/// whose last bit can differ between platforms.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

/// Independent streams, so that tuning one stage leaves the others alone.
const STREAM_AUTHORS: u64 = 1;
const STREAM_SLOTS: u64 = 2;
const STREAM_TEXTS: u64 = 3;

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng {
            state: seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03),
        };
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` by multiply-shift (Lemire); the bias is below
    /// n / 2^64 and doesn't matter here. Returns 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A uniformly chosen element of a non-empty table.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// `x` with ±`spread` relative noise, rounded up or down at random so
    /// that small expectations (0.1 a day) still produce the odd post.
    fn noisy_count(&mut self, x: f64, spread: f64) -> usize {
        let x = (x * (1.0 - spread + 2.0 * spread * self.unit())).max(0.0);
        let floor = x.floor();
        floor as usize + usize::from(self.unit() < x - floor)
    }
}

/// Integer weights for sampling an index, by binary search over the
/// running totals.
#[derive(Debug, Clone)]
struct Weighted {
    totals: Vec<u64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = u64>) -> Self {
        let mut sum = 0u64;
        let totals = weights
            .into_iter()
            .map(|w| {
                sum += w;
                sum
            })
            .collect();
        Weighted { totals }
    }

    fn total(&self) -> u64 {
        self.totals.last().copied().unwrap_or(0)
    }

    /// Callers make sure the total is not zero.
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.below(self.total());
        self.totals
            .partition_point(|&t| t <= u)
            .min(self.totals.len() - 1)
    }
}

/// Picks from `(item, weight)` pairs.
fn pick_weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u64 = items.iter().map(|&(_, w)| u64::from(w)).sum();
    let mut u = rng.below(total);
    for &(item, w) in items {
        if u < u64::from(w) {
            return item;
        }
        u -= u64::from(w);
    }
    items[items.len() - 1].0
}

// ---------------------------------------------------------------------------
// Vocabulary: tags, phrases, decorations
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Cancer,
    Diabetes,
    Mind,
    Infection,
    Teaching,
    System,
    Nursing,
    General,
}

const TOPICS: [Topic; 8] = [
    Topic::Cancer,
    Topic::Diabetes,
    Topic::Mind,
    Topic::Infection,
    Topic::Teaching,
    Topic::System,
    Topic::Nursing,
    Topic::General,
];

/// How a tag gets written.
#[derive(Debug, Clone, Copy)]
enum Spellings {
    /// Explicit variants with weights.
    Fixed(&'static [(&'static str, u32)]),
    /// Usually as given, sometimes all lowercase.
    Usual(&'static str),
}

impl Spellings {
    fn write(self, rng: &mut Rng, out: &mut String) {
        match self {
            Spellings::Fixed(variants) => out.push_str(pick_weighted(rng, variants)),
            Spellings::Usual(tag) if rng.chance(80) => out.push_str(&tag.to_lowercase()),
            Spellings::Usual(tag) => out.push_str(tag),
        }
    }
}

/// The steady background tags: spellings, topic, weight.
const BACKGROUND: &[(Spellings, Topic, u64)] = &[
    (
        Spellings::Fixed(&[("#COVID19", 60), ("#Covid19", 20), ("#covid19", 20)]),
        Topic::Infection,
        9_000,
    ),
    (
        Spellings::Fixed(&[("#MentalHealth", 80), ("#mentalhealth", 20)]),
        Topic::Mind,
        8_000,
    ),
    (Spellings::Usual("#HealthCare"), Topic::System, 6_500),
    (
        Spellings::Fixed(&[("#MedEd", 75), ("#meded", 25)]),
        Topic::Teaching,
        5_000,
    ),
    (
        Spellings::Fixed(&[("#BCSM", 78), ("#bcsm", 15), ("#Bcsm", 5), ("#ＢＣＳＭ", 2)]),
        Topic::Cancer,
        4_500,
    ),
    (
        Spellings::Fixed(&[("#T1D", 75), ("#t1d", 25)]),
        Topic::Diabetes,
        4_500,
    ),
    (Spellings::Usual("#LCSM"), Topic::Cancer, 3_000),
    (
        Spellings::Fixed(&[("#HCLDR", 60), ("#hcldr", 40)]),
        Topic::System,
        3_000,
    ),
    (Spellings::Usual("#DigitalHealth"), Topic::System, 4_000),
    (Spellings::Usual("#MedTwitter"), Topic::Teaching, 5_000),
    (Spellings::Usual("#PublicHealth"), Topic::Infection, 5_500),
    (Spellings::Usual("#Nursing"), Topic::Nursing, 4_000),
    (Spellings::Usual("#Cancer"), Topic::Cancer, 4_500),
    (Spellings::Usual("#Diabetes"), Topic::Diabetes, 3_500),
    (Spellings::Usual("#PatientSafety"), Topic::System, 2_500),
    (Spellings::Usual("#HealthEquity"), Topic::System, 2_500),
    (Spellings::Usual("#AI"), Topic::System, 4_000),
    (Spellings::Usual("#Vaccines"), Topic::Infection, 3_500),
];

/// The long tail, by topic. Weights fall off Zipf-like with the position
/// in the table, interleaved across topics.
#[rustfmt::skip] // A word list reads better packed.
const LONG_TAIL: &[(Topic, &[&str])] = &[
    (
        Topic::Cancer,
        &[
            "#OncTwitter", "#BreastCancer", "#LungCancer", "#ColorectalCancer",
            "#ProstateCancer", "#OvarianCancer", "#Melanoma", "#Leukemia",
            "#Lymphoma", "#Myeloma", "#PancreaticCancer", "#CervicalCancer",
            "#Immunotherapy", "#CancerSurvivor", "#CancerResearch", "#Chemo",
            "#Radiotherapy", "#Oncology", "#MBC", "#TNBC", "#HER2", "#CRCSM",
            "#GYNCSM", "#MMSM", "#BTSM", "#HNCSM", "#AYACSM", "#CancerCare",
            "#Mammogram", "#SkinCancer", "#Sarcoma", "#Glioblastoma",
            "#ClinicalTrials", "#PrecisionMedicine", "#CART", "#HemeOnc",
            "#PalliativeCare", "#Survivorship",
        ],
    ),
    (
        Topic::Diabetes,
        &[
            "#T2D", "#GBDOC", "#DOC", "#Insulin4All", "#CGM", "#InsulinPump",
            "#Endocrinology", "#Obesity", "#Prediabetes", "#DiabetesTech",
            "#Nutrition", "#Type1Diabetes", "#Type2Diabetes", "#LowCarb",
            "#Hypoglycemia", "#A1C", "#Ozempic", "#GLP1", "#WeightLoss",
            "#Metformin", "#WeAreNotWaiting", "#DiabetesAwareness",
        ],
    ),
    (
        Topic::Mind,
        &[
            "#Anxiety", "#Depression", "#PTSD", "#ADHD", "#Autism", "#Bipolar",
            "#OCD", "#EatingDisorders", "#SuicidePrevention", "#Mindfulness",
            "#SelfCare", "#Burnout", "#Therapy", "#Psychiatry", "#Psychology",
            "#Wellbeing", "#Loneliness", "#Grief", "#Addiction", "#Recovery",
            "#Sobriety", "#Schizophrenia", "#PostpartumDepression",
            "#MaternalMentalHealth", "#YouthMentalHealth", "#EndTheStigma",
            "#Sleep", "#Insomnia", "#Resilience", "#PeerSupport",
        ],
    ),
    (
        Topic::Infection,
        &[
            "#LongCovid", "#Flu", "#RSV", "#HIV", "#PrEP", "#Hepatitis", "#HepC",
            "#TB", "#Malaria", "#Mpox", "#AMR", "#Antibiotics", "#HandHygiene",
            "#InfectionControl", "#Epidemiology", "#Pandemic", "#Masks",
            "#Wastewater", "#Immunization", "#VaccinesWork", "#GetVaccinated",
            "#HPV", "#Dengue", "#Cholera", "#Polio", "#BirdFlu", "#H5N1",
            "#Lyme", "#STI", "#SexualHealth", "#GlobalHealth", "#OneHealth",
            "#AirQuality", "#ClimateHealth", "#HeatWave", "#FoodSafety",
            "#ContactTracing", "#EpiTwitter",
        ],
    ),
    (
        Topic::Teaching,
        &[
            "#MedStudent", "#Residency", "#Match2024", "#USMLE", "#FOAMed",
            "#FOAMcc", "#ClinicalPearls", "#JournalClub", "#GrandRounds",
            "#Radiology", "#Cardiology", "#CardioTwitter", "#Nephrology",
            "#NephTwitter", "#EMTwitter", "#EmergencyMedicine", "#CritCare",
            "#Anesthesiology", "#Surgery", "#SoMe4Surgery", "#Pediatrics",
            "#Neurology", "#Dermatology", "#Pathology", "#Hematology",
            "#GITwitter", "#IDTwitter", "#Pharmacology", "#SimEd", "#POCUS",
            "#ECG", "#WomenInMedicine", "#ILookLikeASurgeon",
        ],
    ),
    (
        Topic::System,
        &[
            "#HealthPolicy", "#Medicare", "#Medicaid", "#HealthInsurance",
            "#Telehealth", "#Telemedicine", "#HealthIT", "#EHR",
            "#Interoperability", "#HealthData", "#MachineLearning", "#GenAI",
            "#LLM", "#HealthTech", "#MedTech", "#Wearables", "#Cybersecurity",
            "#PatientExperience", "#PatientEngagement", "#PatientVoice",
            "#PatientsIncluded", "#SharedDecisionMaking", "#ValueBasedCare",
            "#PrimaryCare", "#RuralHealth", "#HealthLiteracy", "#SDOH",
            "#Disparities", "#QualityImprovement", "#Leadership",
            "#Physicians", "#Workforce", "#Accessibility", "#DisabilityRights",
            "#Caregivers", "#HealthCosts", "#PriceTransparency", "#NHS",
        ],
    ),
    (
        Topic::Nursing,
        &[
            "#NursesWeek", "#NurseLife", "#NursingStudent", "#NurseTwitter",
            "#Midwifery", "#NursePractitioner", "#ICUNurse", "#SafeStaffing",
            "#NurseEducation", "#Pharmacists", "#Pharmacy", "#AlliedHealth",
            "#PhysicalTherapy", "#Paramedics", "#EMS",
        ],
    ),
    (
        Topic::General,
        &[
            "#RareDisease", "#Alzheimers", "#Dementia", "#MSResearch",
            "#MultipleSclerosis", "#Sepsis", "#Asthma", "#Epilepsy",
            "#Parkinsons", "#ALS", "#Stroke", "#HeartHealth", "#HeartFailure",
            "#Hypertension", "#Cholesterol", "#COPD", "#CysticFibrosis",
            "#SickleCell", "#Hemophilia", "#Lupus", "#Arthritis",
            "#RheumTwitter", "#Fibromyalgia", "#ChronicPain", "#ChronicIllness",
            "#Spoonie", "#MECFS", "#POTS", "#EDS", "#Migraine", "#Endometriosis",
            "#PCOS", "#Menopause", "#WomensHealth", "#MensHealth",
            "#MaternalHealth", "#Pregnancy", "#Breastfeeding", "#Fertility",
            "#IVF", "#KidneyDisease", "#CKD", "#Dialysis", "#Transplant",
            "#OrganDonation", "#BloodDonation", "#LiverDisease", "#IBD",
            "#Crohns", "#Celiac", "#IBS", "#Allergies", "#Eczema", "#Psoriasis",
            "#HearingLoss", "#Glaucoma", "#EyeHealth", "#OralHealth",
            "#Osteoporosis", "#Exercise", "#Fitness", "#Running", "#Yoga",
            "#HealthyAging", "#Longevity", "#ChildHealth", "#QuitSmoking",
            "#Vaping", "#Opioids", "#Naloxone", "#HarmReduction", "#Concussion",
            "#SportsMed", "#BackPain", "#DownSyndrome", "#CerebralPalsy",
            "#SpinalCordInjury", "#TBI", "#Lymphedema", "#Anemia", "#Thyroid",
            "#Gout", "#Sarcoidosis", "#Scleroderma", "#Vasculitis",
            "#MuscularDystrophy", "#SMA", "#Narcolepsy", "#SleepApnea",
            "#Tinnitus", "#Hospice", "#EndOfLife", "#AdvanceCarePlanning",
            "#Wellness", "#Hydration", "#Health",
        ],
    ),
];

/// Background bodies by topic. Short on purpose: the CSV and JSONL copies
/// of the default sample together must stay under 5 MB.
fn topic_bodies(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Cancer => &[
            "Scan day 🤞",
            "3 years NED!",
            "Chemo 4 done",
            "Tumor board ran long",
            "Ask about trials",
            "Hair's back!",
            "Port out!",
            "Mammogram booked",
            "Results Friday",
            "Stage 4, still here",
            "Rads, week 2 of 5",
            "Onc nurses = gold",
            "Get screened",
            "Tired, hopeful",
            "Rang the bell 🔔",
            "Scanxiety",
        ],
        Topic::Diabetes => &[
            "Low at 3am again",
            "New sensor day",
            "Carb math is hard",
            "Site swap",
            "A1c 6.8!",
            "Insulin prices...",
            "Me & my pump",
            "I <3 my CGM",
            "Juice box time",
            "20 years T1 today",
            "Pizza highs",
            "Good endo visit",
            "Gym lows, ugh",
        ],
        Topic::Mind => &[
            "Check on friends",
            "Therapy helps",
            "Not ok is ok",
            "Day off for me",
            "Burnout is real",
            "Talk to someone 💚",
            "Walked it off",
            "Sleep is care",
            "Anxiety lied",
            "Proud of me",
            "Small steps",
        ],
        Topic::Infection => &[
            "Boosters Sat",
            "Wastewater up",
            "Wash your hands",
            "Masks help",
            "Long COVID is real",
            "Vaccines work",
            "Flu shots, walk-in",
            "Sick? Stay home",
            "Cases up",
            "New variant",
            "Got my shot 💉",
            "Open a window",
        ],
        Topic::Teaching => &[
            "Great grand rounds",
            "Match week!",
            "New case: dx?",
            "Pearl: check K+",
            "Residents rock",
            "Journal club",
            "Q&A at noon",
            "Slides here",
            "Night float, day 5",
            "Passed boards!",
            "Step 1 done",
            "Sim lab day",
            "Learning C#",
        ],
        Topic::System => &[
            "Patients are partners",
            "Access is equity",
            "EHR down again",
            "AI won't replace RNs",
            "Telehealth stays",
            "Listen to patients",
            "Fix prior auth",
            "Co-design!",
            "Our #1 goal: safety",
            "Fixed issue #42",
            "Wait times...",
            "Fix billing",
            "Rural care matters",
            "Q&A: data sharing",
        ],
        Topic::Nursing => &[
            "Thank a nurse",
            "12h shift done",
            "Short-staffed",
            "Nurses rock",
            "Night crew 💙",
            "Proud RN",
            "Coffee, rounds",
            "New grads, go!",
        ],
        Topic::General => &[
            "Know the signs",
            "Early dx matters",
            "Awareness month",
            "Tips & tricks",
            "BP goal <130/80",
            "Support group 7pm",
            "Rare, not alone",
            "Good news",
            "Walk, stretch",
            "#1 tip: sleep",
            "Patient & proud",
            "Prevention > cure",
        ],
    }
}

/// Bodies that fit any topic.
const GENERIC_BODIES: &[&str] = &[
    "Read this 👇",
    "So true",
    "Important",
    "Great work!",
    "Big news",
    "Worth a read",
    "This.",
    "Agree",
    "Thoughts?",
    "Please share",
    "Huge, thanks",
    "Yes!",
    "\"I feel heard.\" Best",
    "She said \"thanks\"",
    "Patients first",
    "Q&A today",
];

/// A few languages besides English: bodies, tag spellings, share of
/// background originals in thousandths.
struct Language {
    bodies: &'static [&'static str],
    tags: &'static [&'static [(&'static str, u32)]],
    per_mille: u64,
}

const LANGUAGES: &[Language] = &[
    Language {
        bodies: &[
            "Cuida tu salud",
            "Vacúnate, es gratis",
            "Gracias, enfermeras",
            "Día de chequeo",
            "La salud es un derecho",
            "Hidrátate bien",
            "Hazte la prueba",
        ],
        tags: &[
            &[("#salud", 60), ("#Salud", 40)],
            &[("#SaludMental", 1)],
            &[("#Vacunas", 1)],
            &[("#cáncer", 1)],
        ],
        per_mille: 35,
    },
    Language {
        bodies: &[
            "Café santé ce soir",
            "Café patients & aidants",
            "Prenez soin de vous",
        ],
        tags: &[&[("#café", 70), ("#cafe\u{301}", 30)], &[("#santé", 1)]],
        per_mille: 8,
    },
    Language {
        bodies: &["毎日歩こう", "早く寝よう", "水を飲もう", "健診に行った"],
        tags: &[&[("#健康", 1)]],
        per_mille: 8,
    },
    Language {
        bodies: &["Берегите себя", "Сон важен", "Пейте воду", "Здоровья всем!"],
        tags: &[&[("#здоровье", 70), ("#Здоровье", 30)]],
        per_mille: 8,
    },
    Language {
        bodies: &["स्वस्थ रहें", "योग करें", "पानी पिएं"],
        tags: &[&[("#स्वास्थ्य", 1)]],
        per_mille: 8,
    },
];

#[rustfmt::skip] // A word list reads better packed.
const EMOJI: &[&str] = &[
    "💪", "❤️", "🙏", "👏", "🎉", "💙", "👩‍⚕️", "💪🏽", "😷", "💉", "🧠", "🎗️", "👇", "😊",
    "🔥", "🤞",
];

/// Links, some with fragments that are not hashtags.
const URLS: &[&str] = &[
    "https://example.org/guide#section",
    "cancer.org/#BCSM",
    "https://example.com/faq#vaccines",
    "example.net/t1d#carbs",
    "https://example.org/a/7Kq2",
    "https://example.com/p/93xZ",
];

/// How many tags an English post gets, with weights (about 15% none).
const TAG_COUNTS: &[(usize, u32)] = &[(0, 18), (1, 52), (2, 22), (3, 6), (4, 2)];

/// How often the decorations appear, in thousandths of posts.
#[derive(Debug, Clone, Copy)]
struct Style {
    mention: u64,
    emoji: u64,
    url: u64,
    newline: u64,
    lead_tag: u64,
    repeat_tag: u64,
}

const PLAIN: Style = Style {
    mention: 40,
    emoji: 80,
    url: 25,
    newline: 7,
    lead_tag: 150,
    repeat_tag: 15,
};
const CHAT: Style = Style {
    mention: 120,
    emoji: 80,
    url: 0,
    newline: 0,
    lead_tag: 0,
    repeat_tag: 0,
};
const SPAM: Style = Style {
    mention: 0,
    emoji: 300,
    url: 400,
    newline: 0,
    lead_tag: 0,
    repeat_tag: 0,
};

/// All background tags with their weights.
struct Vocabulary {
    tags: Vec<(Spellings, Topic)>,
    all: Weighted,
    by_topic: Vec<(Vec<usize>, Weighted)>,
}

impl Vocabulary {
    fn new() -> Self {
        let mut tags: Vec<(Spellings, Topic)> = Vec::new();
        let mut weights: Vec<u64> = Vec::new();
        for &(spellings, topic, weight) in BACKGROUND {
            tags.push((spellings, topic));
            weights.push(weight);
        }
        let groups = LONG_TAIL.len() as u64;
        for (group, &(topic, names)) in LONG_TAIL.iter().enumerate() {
            for (position, &name) in names.iter().enumerate() {
                tags.push((Spellings::Usual(name), topic));
                let rank = position as u64 * groups + group as u64;
                weights.push(12_000 / (rank + 6));
            }
        }
        let by_topic = TOPICS
            .iter()
            .map(|&topic| {
                let members: Vec<usize> = (0..tags.len()).filter(|&i| tags[i].1 == topic).collect();
                let weighted = Weighted::new(members.iter().map(|&i| weights[i]));
                (members, weighted)
            })
            .collect();
        Vocabulary {
            tags,
            all: Weighted::new(weights),
            by_topic,
        }
    }

    fn topic_index(topic: Topic) -> usize {
        TOPICS.iter().position(|&t| t == topic).unwrap_or(0)
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        self.all.sample(rng)
    }

    fn sample_in(&self, rng: &mut Rng, topic: Topic) -> usize {
        let (members, weighted) = &self.by_topic[Self::topic_index(topic)];
        members[weighted.sample(rng)]
    }
}

// ---------------------------------------------------------------------------
// Authors
// ---------------------------------------------------------------------------

#[rustfmt::skip] // A word list reads better packed.
const NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gabe", "Hana", "Ivan", "Jade", "Kofi",
    "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik",
    "Wen", "Yusuf", "Zoe", "Aiko", "Bea", "Carlos", "Dana", "Emeka", "Farah", "Gus", "Ines",
    "Jon", "Kim", "Luis", "Mei", "Noor", "Olu", "Pat", "Raj", "Sara", "Tom", "Val", "Will",
    "Yara", "Zain", "Amir", "Lucia", "Kai", "Maya", "Leo", "Ada", "Noah", "Ruth", "Ike",
    "Sofia", "Hugo", "Iris", "Jo",
];
const ROLE_PREFIXES: &[&str] = &[
    "Dr", "Nurse", "Onc", "Peds", "ER", "T1D", "ICU", "Pharm", "Neuro", "Cardio", "Mama",
];
const ROLE_SUFFIXES: &[&str] = &[
    "MD", "RN", "NP", "PhD", "PA", "_onc", "_rn", "_md", "Health", "Writes", "Runs", "Cares",
];
const PLACES: &[&str] = &[
    "Lakeside",
    "Riverside",
    "Northgate",
    "Maple",
    "Summit",
    "Harbor",
    "Cedar",
    "Oakwood",
    "Valley",
    "Bayview",
    "Pine",
    "Hillcrest",
];
const ORG_SUFFIXES: &[&str] = &["Health", "Hosp", "Clinic", "PH", "Med", "Care", "Nurses"];

/// The pool of authors, with Zipf-like activity: a few very active accounts
/// and a long tail. The flood account comes last and has no weight.
struct Authors {
    ids: Vec<u64>,
    handles: Vec<String>,
    activity: Weighted,
    flood: usize,
}

impl Authors {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed, STREAM_AUTHORS);
        let mut ids = Vec::with_capacity(AUTHORS + 1);
        let mut handles = Vec::with_capacity(AUTHORS + 1);
        let mut seen_ids = HashSet::new();
        let mut seen_handles = HashSet::new();
        while ids.len() < AUTHORS + 1 {
            let id = author_id(&mut rng);
            if seen_ids.insert(id) {
                ids.push(id);
            }
        }
        for i in 0..=AUTHORS {
            let mut handle = if i == AUTHORS {
                "CureAllNow77".to_string()
            } else {
                make_handle(&mut rng)
            };
            while !seen_handles.insert(handle.to_lowercase()) {
                handle.truncate(10);
                handle.push_str(&rng.below(100).to_string());
            }
            handles.push(handle);
        }
        // Zipf-Mandelbrot with an offset of 10: the busiest account writes
        // about 1.7% of the background posts, not 11% as plain Zipf would.
        let activity = Weighted::new((0..=AUTHORS as u64).map(|rank| {
            if rank == AUTHORS as u64 {
                0
            } else {
                1_000_000_000 / (rank + 10)
            }
        }));
        Authors {
            ids,
            handles,
            activity,
            flood: AUTHORS,
        }
    }

    fn zipf(&self, rng: &mut Rng) -> usize {
        self.activity.sample(rng)
    }

    fn uniform(&self, rng: &mut Rng) -> usize {
        rng.index(AUTHORS)
    }
}

/// A pre-snowflake Twitter user id with 7 to 10 digits (10-digit ones stay
/// in the u32 range, as the old ids did).
fn author_id(rng: &mut Rng) -> u64 {
    let (low, high) = pick_weighted(
        rng,
        &[
            ((1_000_000, 10_000_000), 30),
            ((10_000_000, 100_000_000), 35),
            ((100_000_000, 1_000_000_000), 25),
            ((1_000_000_000, 4_294_967_296), 10),
        ],
    );
    low + rng.below(high - low)
}

/// A made-up handle of at most 12 characters (short to save bytes).
fn make_handle(rng: &mut Rng) -> String {
    let name = rng.pick(NAMES);
    let handle = match rng.below(7) {
        0 => format!("Dr{name}{}", rng.pick(NAMES).chars().next().unwrap_or('X')),
        1 | 2 => format!("{name}{}", rng.pick(ROLE_SUFFIXES)),
        3 => format!("{}{name}", rng.pick(ROLE_PREFIXES)),
        4 => format!("{}{}", rng.pick(PLACES), rng.pick(ORG_SUFFIXES)),
        5 => format!("{}_{}", name.to_lowercase(), rng.below(100)),
        _ => format!("{name}{}", rng.pick(NAMES)).to_lowercase(),
    };
    handle.chars().take(12).collect()
}

// ---------------------------------------------------------------------------
// Time: when posts happen
// ---------------------------------------------------------------------------

/// Relative activity per UTC hour, peaking mid-afternoon UTC (late morning
/// in the US, afternoon in Europe).
const HOUR_WEIGHTS: [u64; 24] = [
    9, 7, 5, 4, 3, 3, 4, 6, 8, 10, 12, 14, 16, 18, 19, 20, 19, 18, 17, 16, 15, 14, 12, 10,
];

/// Weekday versus weekend activity for background posts (weekends ~0.7x).
fn day_weight(date: NaiveDate) -> u64 {
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => 7,
        _ => 10,
    }
}

fn day_start(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// A time within `date`, hour drawn by the daily cycle, second uniform.
fn time_in_day(rng: &mut Rng, hours: &Weighted, date: NaiveDate) -> i64 {
    day_start(date) + hours.sample(rng) as i64 * 3600 + rng.below(3600) as i64
}

/// UTC offset of US Eastern time on `date` in hours: daylight time from the
/// second Sunday of March to the first Sunday of November.
fn eastern_offset(date: NaiveDate) -> i64 {
    let nth_sunday = |month: u32, n: u32| {
        NaiveDate::from_weekday_of_month_opt(date.year(), month, Weekday::Sun, n as u8)
    };
    match (nth_sunday(3, 2), nth_sunday(11, 1)) {
        (Some(begin), Some(end)) if date >= begin && date < end => -4,
        _ => -5,
    }
}

/// A weekly tweet chat.
struct Chat {
    /// Local (US Eastern) weekday and start time in minutes after midnight.
    weekday: Weekday,
    start_minute: i64,
    /// Expected posts during the hour at the default density.
    posts: f64,
    /// The host account (an index into the pool).
    host: usize,
    spellings: &'static [(&'static str, u32)],
    host_lines: &'static [&'static str],
    prompt: &'static str,
    answers: &'static [&'static str],
}

const CHATS: &[Chat] = &[
    Chat {
        weekday: Weekday::Tue,
        start_minute: 20 * 60 + 30,
        posts: 45.0,
        host: 3,
        spellings: &[("#hcldr", 75), ("#HCLDR", 25)],
        host_lines: &[
            "Welcome to #hcldr! Intros?",
            "How do we earn trust?",
            "What should AI never do?",
            "One thing to change Monday?",
            "Who is missing from the table?",
            "Thanks all! Transcript soon",
        ],
        prompt: "T",
        answers: &[
            "Listen first",
            "Trust takes time",
            "Share the data",
            "Ask patients, not vendors",
            "Start small",
            "+1 to this",
            "Hi from Ohio! 👋",
            "Lurking tonight",
            "Late, catching up",
        ],
    },
    Chat {
        weekday: Weekday::Mon,
        start_minute: 21 * 60,
        posts: 40.0,
        host: 5,
        spellings: &[("#bcsm", 70), ("#BCSM", 30)],
        host_lines: &[
            "Welcome to #bcsm chat 💗",
            "What helped after dx?",
            "How do you handle scanxiety?",
            "Best advice for new patients?",
            "What should docs ask more?",
            "Thank you all 💗",
        ],
        prompt: "Q",
        answers: &[
            "My sister, every day",
            "Writing it all down",
            "Bring a friend to appts",
            "Ask for a second opinion",
            "Walks and podcasts",
            "Hi all, first time here",
            "Same here 💗",
            "Lurking & learning",
        ],
    },
];

/// Host posts: welcome, three prompts, goodbye, at these minutes.
const CHAT_SCHEDULE: [i64; 5] = [0, 5, 22, 40, 57];

// ---------------------------------------------------------------------------
// Slots: when each post happens and what it is about
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Background,
    Planted(usize),
    /// A chat post `minute` minutes into the chat hour; `host_step` is set
    /// for the host's scheduled posts.
    Chat {
        chat: usize,
        minute: i64,
        host_step: Option<usize>,
    },
}

impl Source {
    /// Which pool of earlier posts a repost of this source draws from.
    fn pool(self) -> usize {
        match self {
            Source::Background => 0,
            Source::Planted(i) => 1 + i,
            Source::Chat { chat, .. } => 1 + PLANTED.len() + chat,
        }
    }

    /// Chance, in thousandths, that a post of this source is a repost.
    fn repost_per_mille(self) -> u64 {
        match self {
            Source::Background => 160,
            Source::Planted(i) => match PLANTED[i].kind {
                PlantedKind::Flood => 0,
                PlantedKind::Conference => 250,
                _ => 200,
            },
            Source::Chat {
                host_step: Some(_), ..
            } => 0,
            Source::Chat { .. } => 120,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    ts: i64,
    source: Source,
}

/// Slots of the planted rises and the chats.
fn special_slots(rng: &mut Rng, dates: &[NaiveDate], scale: f64, hours: &Weighted) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (i, planted) in PLANTED.iter().enumerate() {
        for &date in dates {
            let n = rng.noisy_count(planted.expected(date) * scale, 0.1);
            for _ in 0..n {
                let ts = match planted.kind {
                    // A bot: office hours, 10:00-18:00 UTC.
                    PlantedKind::Flood => day_start(date) + 10 * 3600 + rng.below(8 * 3600) as i64,
                    _ => time_in_day(rng, hours, date),
                };
                slots.push(Slot {
                    ts,
                    source: Source::Planted(i),
                });
            }
        }
    }
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return slots;
    };
    let range = day_start(first)..day_start(last) + DAY_SECS;
    // Chats are local to US Eastern, so look one day either side.
    let local_dates = first.pred_opt().into_iter().chain(dates.iter().copied());
    for date in local_dates {
        for (c, chat) in CHATS.iter().enumerate() {
            if date.weekday() != chat.weekday {
                continue;
            }
            let start = day_start(date) + chat.start_minute * 60 - eastern_offset(date) * 3600;
            if !range.contains(&start) || !range.contains(&(start + 3599)) {
                continue;
            }
            let mut n = rng.noisy_count(chat.posts * scale, 0.2);
            // The host's welcome, prompts and goodbye, unless the export is
            // too thin for a whole chat.
            if n >= CHAT_SCHEDULE.len() {
                for (step, &minute) in CHAT_SCHEDULE.iter().enumerate() {
                    let ts = start + minute * 60 + rng.below(60) as i64;
                    let source = Source::Chat {
                        chat: c,
                        minute,
                        host_step: Some(step),
                    };
                    slots.push(Slot { ts, source });
                }
                n -= CHAT_SCHEDULE.len();
            }
            for _ in 0..n {
                let offset = rng.below(3600) as i64;
                let source = Source::Chat {
                    chat: c,
                    minute: offset / 60,
                    host_step: None,
                };
                slots.push(Slot {
                    ts: start + offset,
                    source,
                });
            }
        }
    }
    slots
}

/// `n` background slots spread over the days by weekday and hour.
fn background_slots(rng: &mut Rng, dates: &[NaiveDate], n: usize, slots: &mut Vec<Slot>) {
    let cells = Weighted::new(
        dates
            .iter()
            .flat_map(|&date| HOUR_WEIGHTS.iter().map(move |&h| day_weight(date) * h)),
    );
    for _ in 0..n {
        let cell = cells.sample(rng);
        let ts = day_start(dates[cell / 24]) + (cell % 24) as i64 * 3600 + rng.below(3600) as i64;
        slots.push(Slot {
            ts,
            source: Source::Background,
        });
    }
}

// ---------------------------------------------------------------------------
// Writing the posts
// ---------------------------------------------------------------------------

/// Turns slots into posts: ids, authors, texts, reposts.
struct Composer {
    rng: Rng,
    vocabulary: Vocabulary,
    authors: Authors,
    ids: HashSet<u64>,
    /// Earlier originals per source pool: (created_at, index into posts).
    originals: Vec<Vec<(i64, usize)>>,
    /// The index of each original's author.
    author_of: Vec<usize>,
}

impl Composer {
    fn new(seed: u64) -> Self {
        Composer {
            rng: Rng::new(seed, STREAM_TEXTS),
            vocabulary: Vocabulary::new(),
            authors: Authors::new(seed),
            ids: HashSet::new(),
            originals: vec![Vec::new(); 1 + PLANTED.len() + CHATS.len()],
            author_of: Vec::new(),
        }
    }

    /// A unique snowflake for an instant within second `ts`: milliseconds
    /// and worker bits at random, sequence mostly zero as in real low-volume
    /// data.
    fn snowflake(&mut self, ts: i64) -> u64 {
        loop {
            let ms = ts * 1000 + self.rng.below(1000) as i64;
            let worker = self.rng.below(1024);
            let sequence = if self.rng.chance(900) {
                0
            } else {
                self.rng.below(8)
            };
            // Wrapping: instants before the Twitter epoch still get unique
            // (if meaningless) ids instead of a panic.
            let id = ((ms.wrapping_sub(TWITTER_EPOCH_MS) as u64) << 22) | (worker << 12) | sequence;
            if self.ids.insert(id) {
                return id;
            }
        }
    }

    fn author(&mut self, source: Source) -> usize {
        match source {
            Source::Planted(i) if PLANTED[i].kind == PlantedKind::Flood => self.authors.flood,
            // Conference buzz comes from everywhere, not just the regulars.
            Source::Planted(i) if PLANTED[i].kind == PlantedKind::Conference => {
                self.authors.uniform(&mut self.rng)
            }
            Source::Chat {
                chat,
                host_step: Some(_),
                ..
            } => CHATS[chat].host,
            _ => self.authors.zipf(&mut self.rng),
        }
    }

    fn post(&mut self, slot: Slot, posts: &[SynthPost]) -> SynthPost {
        let id = self.snowflake(slot.ts);
        let pool = slot.source.pool();
        if self.rng.chance(slot.source.repost_per_mille())
            && let Some(original) = self.repost_target(pool, slot.ts)
        {
            let mut author = self.author(slot.source);
            for _ in 0..8 {
                if author != self.author_of[original] {
                    break;
                }
                author = self.author(slot.source);
            }
            let source = &posts[original];
            let handle = &self.authors.handles[self.author_of[original]];
            return SynthPost {
                id,
                created_at: slot.ts,
                author_id: self.authors.ids[author],
                text: format!("RT @{handle}: {}", source.text),
                is_repost: true,
                repost_of: Some(source.id),
            };
        }
        let author = self.author(slot.source);
        let text = match slot.source {
            Source::Background => self.background_text(),
            Source::Planted(i) => self.planted_text(i),
            Source::Chat {
                chat,
                minute,
                host_step,
            } => self.chat_text(chat, minute, host_step),
        };
        self.originals[pool].push((slot.ts, posts.len()));
        self.author_of.resize(posts.len() + 1, 0);
        self.author_of[posts.len()] = author;
        SynthPost {
            id,
            created_at: slot.ts,
            author_id: self.authors.ids[author],
            text,
            is_repost: false,
            repost_of: None,
        }
    }

    /// An original of the same pool from the last two days, strictly before
    /// `ts` so that the repost sorts after it.
    fn repost_target(&mut self, pool: usize, ts: i64) -> Option<usize> {
        let originals = &self.originals[pool];
        let from = originals.partition_point(|&(t, _)| t < ts - REPOST_WINDOW_SECS);
        let to = originals.partition_point(|&(t, _)| t < ts);
        if from >= to {
            return None;
        }
        let k = from + self.rng.index(to - from);
        Some(originals[k].1)
    }

    fn background_text(&mut self) -> String {
        let mut roll = self.rng.below(1000);
        for language in LANGUAGES {
            if roll < language.per_mille {
                return self.foreign_text(language);
            }
            roll -= language.per_mille;
        }
        let count = pick_weighted(&mut self.rng, TAG_COUNTS);
        let mut chosen: Vec<usize> = Vec::new();
        let mut topic = self.rng.pick(&TOPICS);
        for k in 0..count {
            for _ in 0..4 {
                let tag = if k == 0 {
                    self.vocabulary.sample(&mut self.rng)
                } else if self.rng.chance(550) {
                    self.vocabulary.sample_in(&mut self.rng, topic)
                } else {
                    self.vocabulary.sample(&mut self.rng)
                };
                if !chosen.contains(&tag) {
                    chosen.push(tag);
                    break;
                }
            }
            if k == 0 {
                topic = self.vocabulary.tags[chosen[0]].1;
            }
        }
        let mut tags: Vec<String> = chosen
            .iter()
            .map(|&t| {
                let mut s = String::new();
                self.vocabulary.tags[t].0.write(&mut self.rng, &mut s);
                s
            })
            .collect();
        if let Some(&first) = chosen.first()
            && self.rng.chance(PLAIN.repeat_tag)
        {
            let mut again = String::new();
            self.vocabulary.tags[first]
                .0
                .write(&mut self.rng, &mut again);
            tags.push(again);
        }
        let body = self.english_body(topic);
        self.assemble(&body, &tags, PLAIN)
    }

    fn english_body(&mut self, topic: Topic) -> String {
        let pick = |rng: &mut Rng| {
            if rng.chance(700) {
                rng.pick(topic_bodies(topic))
            } else {
                rng.pick(GENERIC_BODIES)
            }
        };
        let first = pick(&mut self.rng);
        if self.rng.chance(PLAIN.newline) {
            let second = pick(&mut self.rng);
            format!("{first}\n{second}")
        } else {
            first.to_string()
        }
    }

    fn foreign_text(&mut self, language: &Language) -> String {
        let body = self.rng.pick(language.bodies);
        let mut tags = Vec::new();
        if !self.rng.chance(150) {
            tags.push(pick_weighted(&mut self.rng, language.tags[0]).to_string());
            if language.tags.len() > 1 && self.rng.chance(300) {
                let extra = self.rng.pick(&language.tags[1..]);
                tags.push(pick_weighted(&mut self.rng, extra).to_string());
            }
        }
        self.assemble(body, &tags, PLAIN)
    }

    fn planted_text(&mut self, i: usize) -> String {
        let planted = &PLANTED[i];
        let body = self.rng.pick(PLANTED_BODIES[i]);
        let mut tags = Vec::new();
        let lowercase = planted.kind != PlantedKind::Flood && self.rng.chance(120);
        tags.push(if lowercase {
            planted.tag.to_lowercase()
        } else {
            planted.tag.to_string()
        });
        for (k, &companion) in planted.companions.iter().enumerate() {
            if tags.len() < 4 && self.rng.chance(if k == 0 { 550 } else { 200 }) {
                tags.push(companion.to_string());
            }
        }
        let style = if planted.kind == PlantedKind::Flood {
            SPAM
        } else {
            PLAIN
        };
        self.assemble(body, &tags, style)
    }

    fn chat_text(&mut self, c: usize, minute: i64, host_step: Option<usize>) -> String {
        let chat = &CHATS[c];
        let tag = pick_weighted(&mut self.rng, chat.spellings).to_string();
        match host_step {
            Some(0) => chat.host_lines[0].to_string(),
            Some(step) if step + 1 == CHAT_SCHEDULE.len() => {
                format!("{} {tag}", chat.host_lines[chat.host_lines.len() - 1])
            }
            Some(step) => {
                let prompts = &chat.host_lines[1..chat.host_lines.len() - 1];
                let prompt = self.rng.pick(prompts);
                format!("{}{step}: {prompt} {tag}", chat.prompt)
            }
            None => {
                let answer = self.rng.pick(chat.answers);
                let number = CHAT_SCHEDULE[1..].iter().filter(|&&m| m <= minute).count();
                let body = match number {
                    1..=3 if self.rng.chance(700) => format!("A{number}: {answer}"),
                    _ => answer.to_string(),
                };
                self.assemble(&body, &[tag], CHAT)
            }
        }
    }

    /// Body, tags and decorations in one text.
    fn assemble(&mut self, body: &str, tags: &[String], style: Style) -> String {
        let rng = &mut self.rng;
        let mut text = String::with_capacity(64);
        if rng.chance(style.mention) {
            let who = self.authors.zipf(rng);
            text.push('@');
            text.push_str(&self.authors.handles[who]);
            text.push(' ');
        }
        let lead = !tags.is_empty() && rng.chance(style.lead_tag);
        if lead {
            text.push_str(&tags[0]);
            text.push(' ');
        }
        text.push_str(body);
        if rng.chance(style.emoji) {
            text.push(' ');
            text.push_str(rng.pick(EMOJI));
        }
        let url = rng.chance(style.url).then(|| rng.pick(URLS));
        let url_last = rng.chance(500);
        if let Some(url) = url.filter(|_| !url_last) {
            text.push(' ');
            text.push_str(url);
        }
        for tag in &tags[usize::from(lead)..] {
            text.push(' ');
            text.push_str(tag);
        }
        if let Some(url) = url.filter(|_| url_last) {
            text.push(' ');
            text.push_str(url);
        }
        text
    }
}

/// Generates a deterministic, realistic export of health-community posts.
///
/// Returns exactly `options.posts` rows sorted by `created_at`, ties by id.
/// About 0.3% of them are exact duplicates of another row (same id), placed
/// next to it, as overlapping archive pulls produce. The same options always
/// give the same posts; see the module docs. Time and memory grow linearly
/// with `posts` and `days` (the default takes a fraction of a second).
pub fn generate(options: &SynthOptions) -> Vec<SynthPost> {
    if options.posts == 0 {
        return Vec::new();
    }
    let days = options.days.max(1);
    let dates: Vec<NaiveDate> = (0..u64::from(days))
        .map_while(|i| options.start.checked_add_days(Days::new(i)))
        .collect();
    // Planted rises and chats keep their share of the posts at any size.
    let scale = (options.posts as f64 * f64::from(DEFAULT_DAYS))
        / (DEFAULT_POSTS as f64 * dates.len() as f64);
    let duplicates = (options.posts * DUPLICATES_PER_THOUSAND + 500) / 1000;
    let unique = options.posts - duplicates;

    let mut rng = Rng::new(options.seed, STREAM_SLOTS);
    let hours = Weighted::new(HOUR_WEIGHTS);
    let mut slots = special_slots(&mut rng, &dates, scale, &hours);
    if slots.len() > unique {
        // Only for tiny exports: keep a random subset.
        for i in 0..unique {
            let j = i + rng.index(slots.len() - i);
            slots.swap(i, j);
        }
        slots.truncate(unique);
    }
    let background = unique - slots.len();
    background_slots(&mut rng, &dates, background, &mut slots);
    slots.sort_by_key(|slot| slot.ts);

    let mut composer = Composer::new(options.seed);
    let mut posts: Vec<SynthPost> = Vec::with_capacity(options.posts);
    for &slot in &slots {
        let post = composer.post(slot, &posts);
        posts.push(post);
    }
    let mut picked = HashSet::new();
    while picked.len() < duplicates.min(posts.len()) {
        picked.insert(rng.index(posts.len()));
    }
    let mut picked: Vec<usize> = picked.into_iter().collect();
    picked.sort_unstable();
    for i in picked {
        posts.push(posts[i].clone());
    }
    posts.sort_by_key(|post| (post.created_at, post.id));
    posts
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

fn timestamp(secs: i64) -> io::Result<DateTime<chrono::Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("created_at {secs} is outside the range of dates"),
        )
    })
}

/// Writes posts as CSV: header `id,created_at,author_id,text`, `created_at`
/// in RFC 3339 UTC (`2024-04-01T13:05:09Z`), RFC 4180 quoting (a field with
/// `,`, `"`, CR or LF is quoted, quotes doubled), LF line ends. The text is
/// written as typed, without HTML escaping. Output is buffered internally.
///
/// # Errors
///
/// Fails when writing fails, or with `InvalidInput` when a `created_at` is
/// outside chrono's range of dates.
pub fn write_csv<W: Write>(posts: &[SynthPost], w: W) -> io::Result<()> {
    let mut w = BufWriter::new(w);
    w.write_all(b"id,created_at,author_id,text\n")?;
    for post in posts {
        let at = timestamp(post.created_at)?.format("%Y-%m-%dT%H:%M:%SZ");
        write!(w, "{},{at},{},", post.id, post.author_id)?;
        if post.text.contains([',', '"', '\r', '\n']) {
            writeln!(w, "\"{}\"", post.text.replace('"', "\"\""))?;
        } else {
            writeln!(w, "{}", post.text)?;
        }
    }
    w.flush()
}

/// One line of the JSON lines output, in Twitter API v2's shape and field
/// order.
#[derive(Serialize)]
struct Tweet<'a> {
    id: String,
    created_at: String,
    author_id: String,
    text: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referenced_tweets: Option<[Reference; 1]>,
}

#[derive(Serialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
}

/// Escapes `&`, `<` and `>` as Twitter's API does in tweet text (and only
/// those three).
fn html_escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes posts as JSON lines, one Twitter API v2-style tweet per line:
/// `{"id":"…","created_at":"2024-04-01T13:05:09.000Z","author_id":"…","text":"…"}`
/// plus `"referenced_tweets":[{"type":"retweeted","id":"…"}]` for reposts.
/// Ids are strings and the text is HTML-escaped (`&amp;`, `&lt;`, `&gt;`)
/// before JSON encoding, as the real API does. Output is buffered
/// internally.
///
/// # Errors
///
/// Fails when writing fails, or with `InvalidInput` when a `created_at` is
/// outside chrono's range of dates.
pub fn write_jsonl<W: Write>(posts: &[SynthPost], w: W) -> io::Result<()> {
    let mut w = BufWriter::new(w);
    for post in posts {
        let tweet = Tweet {
            id: post.id.to_string(),
            created_at: timestamp(post.created_at)?
                .format("%Y-%m-%dT%H:%M:%S.000Z")
                .to_string(),
            author_id: post.author_id.to_string(),
            text: html_escape(&post.text),
            referenced_tweets: post.repost_of.map(|id| {
                [Reference {
                    kind: "retweeted",
                    id: id.to_string(),
                }]
            }),
        };
        serde_json::to_writer(&mut w, &tweet)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::sync::OnceLock;

    use super::*;

    /// The default sample, generated once for all tests.
    fn sample() -> &'static [SynthPost] {
        static SAMPLE: OnceLock<Vec<SynthPost>> = OnceLock::new();
        SAMPLE.get_or_init(|| generate(&SynthOptions::default()))
    }

    fn csv_bytes(posts: &[SynthPost]) -> Vec<u8> {
        let mut out = Vec::new();
        write_csv(posts, &mut out).unwrap();
        out
    }

    fn jsonl_bytes(posts: &[SynthPost]) -> Vec<u8> {
        let mut out = Vec::new();
        write_jsonl(posts, &mut out).unwrap();
        out
    }

    fn date_of(post: &SynthPost) -> NaiveDate {
        DateTime::from_timestamp(post.created_at, 0)
            .unwrap()
            .date_naive()
    }

    /// Hashtags the naive way (whitespace tokens starting with `#`, letters,
    /// digits and `_` kept, lowercased, digit-only tags dropped), distinct
    /// per post. Good enough to check the planted tags rank.
    fn naive_tags(text: &str) -> Vec<String> {
        let mut tags: Vec<String> = text
            .split_whitespace()
            .filter_map(|word| word.strip_prefix('#'))
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
                    .to_lowercase()
            })
            .filter(|tag| !tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit()))
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    fn median(mut values: Vec<usize>) -> usize {
        values.sort_unstable();
        values.get(values.len() / 2).copied().unwrap_or(0)
    }

    #[test]
    fn same_options_give_identical_bytes() {
        let again = generate(&SynthOptions::default());
        assert_eq!(sample(), &again[..]);
        assert_eq!(csv_bytes(sample()), csv_bytes(&again));
        assert_eq!(jsonl_bytes(sample()), jsonl_bytes(&again));
        let other = generate(&SynthOptions {
            seed: 7,
            ..SynthOptions::default()
        });
        assert_ne!(sample(), &other[..]);
    }

    #[test]
    fn exact_length_and_sorted() {
        let posts = sample();
        assert_eq!(posts.len(), 21_000);
        for pair in posts.windows(2) {
            assert!((pair[0].created_at, pair[0].id) <= (pair[1].created_at, pair[1].id));
        }
        let start = day_start(DEFAULT_START);
        let end = start + i64::from(DEFAULT_DAYS) * DAY_SECS;
        assert!(posts.iter().all(|p| (start..end).contains(&p.created_at)));
    }

    #[test]
    fn ids_unique_except_planted_duplicates() {
        let posts = sample();
        let mut seen: HashMap<u64, usize> = HashMap::new();
        for post in posts {
            *seen.entry(post.id).or_default() += 1;
        }
        // 0.3% of 21,000 rows, each an exact copy right next to its original.
        let repeated: Vec<u64> = seen
            .iter()
            .filter(|&(_, &n)| n > 1)
            .map(|(&id, _)| id)
            .collect();
        assert_eq!(repeated.len(), 63);
        assert!(seen.values().all(|&n| n <= 2));
        let adjacent = posts
            .windows(2)
            .filter(|pair| pair[0].id == pair[1].id)
            .count();
        assert_eq!(adjacent, 63);
        assert!(
            posts
                .windows(2)
                .filter(|p| p[0].id == p[1].id)
                .all(|p| p[0] == p[1])
        );
    }

    #[test]
    fn ids_decode_to_created_at() {
        for post in sample() {
            let ms = (post.id >> 22) as i64 + TWITTER_EPOCH_MS;
            assert_eq!(ms.div_euclid(1000), post.created_at, "{post:?}");
            let digits = post.author_id.to_string().len();
            assert!((7..=10).contains(&digits), "{post:?}");
        }
    }

    #[test]
    fn reposts_quote_an_earlier_original() {
        let posts = sample();
        let by_id: HashMap<u64, &SynthPost> = posts.iter().map(|p| (p.id, p)).collect();
        let reposts: Vec<&SynthPost> = posts.iter().filter(|p| p.is_repost).collect();
        let share = reposts.len() as f64 / posts.len() as f64;
        assert!((0.15..=0.20).contains(&share), "repost share {share}");
        for repost in reposts {
            let original = by_id[&repost.repost_of.unwrap()];
            assert!(!original.is_repost);
            assert!(original.created_at < repost.created_at);
            assert!(repost.created_at - original.created_at <= REPOST_WINDOW_SECS);
            assert_ne!(repost.author_id, original.author_id);
            let rest = repost.text.strip_prefix("RT @").unwrap();
            let (_, quoted) = rest.split_once(": ").unwrap();
            assert_eq!(quoted, original.text);
        }
        assert!(posts.iter().all(|p| p.is_repost == p.repost_of.is_some()));
    }

    #[test]
    fn csv_round_trips_through_the_csv_crate() {
        let posts = sample();
        let bytes = csv_bytes(posts);
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        assert_eq!(
            reader.headers().unwrap(),
            vec!["id", "created_at", "author_id", "text"]
        );
        let mut count = 0;
        let mut newlines = 0;
        for (record, post) in reader.records().zip(posts) {
            let record = record.unwrap();
            assert_eq!(record.len(), 4);
            assert_eq!(record[0].parse::<u64>().unwrap(), post.id);
            let at = DateTime::parse_from_rfc3339(&record[1]).unwrap();
            assert_eq!(at.timestamp(), post.created_at);
            assert!(record[1].ends_with('Z') && record[1].len() == 20);
            assert_eq!(record[2].parse::<u64>().unwrap(), post.author_id);
            assert_eq!(&record[3], post.text);
            newlines += usize::from(post.text.contains('\n'));
            count += 1;
        }
        assert_eq!(count, posts.len());
        // About 0.5% of the texts carry a line break.
        assert!(
            (40..=200).contains(&newlines),
            "{newlines} texts with a newline"
        );
        assert!(!bytes.contains(&b'\r'));
    }

    #[test]
    fn jsonl_parses_and_unescapes_to_the_same_text() {
        let posts = sample();
        let bytes = jsonl_bytes(posts);
        let text = std::str::from_utf8(&bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), posts.len());
        let (mut amp, mut lt, mut gt) = (0, 0, 0);
        for (line, post) in lines.iter().zip(posts) {
            assert!(line.starts_with("{\"id\":\""), "{line}");
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(value["id"], post.id.to_string());
            assert_eq!(value["author_id"], post.author_id.to_string());
            let at = value["created_at"].as_str().unwrap();
            assert!(at.ends_with(".000Z"));
            assert_eq!(
                DateTime::parse_from_rfc3339(at).unwrap().timestamp(),
                post.created_at
            );
            let escaped = value["text"].as_str().unwrap();
            assert!(!escaped.contains('<') && !escaped.contains('>'));
            amp += usize::from(escaped.contains("&amp;"));
            lt += usize::from(escaped.contains("&lt;"));
            gt += usize::from(escaped.contains("&gt;"));
            let plain = escaped
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            assert_eq!(plain, post.text);
            match post.repost_of {
                Some(id) => {
                    assert_eq!(value["referenced_tweets"][0]["type"], "retweeted");
                    assert_eq!(value["referenced_tweets"][0]["id"], id.to_string());
                }
                None => assert!(value.get("referenced_tweets").is_none()),
            }
        }
        assert!(
            amp > 50 && lt > 20 && gt > 10,
            "{amp} with &amp;, {lt} with &lt;, {gt} with &gt;"
        );
    }

    #[test]
    fn planted_rises_stand_out() {
        let posts = sample();
        let dates: Vec<NaiveDate> = (0..DEFAULT_DAYS)
            .map(|i| DEFAULT_START + Days::new(u64::from(i)))
            .collect();
        // Posts per (day, naive tag), for the top-10 check.
        let mut per_day: BTreeMap<NaiveDate, HashMap<String, usize>> = BTreeMap::new();
        for post in posts {
            let day = per_day.entry(date_of(post)).or_default();
            for tag in naive_tags(&post.text) {
                *day.entry(tag).or_default() += 1;
            }
        }
        assert_eq!(PLANTED_BODIES.len(), PLANTED.len());
        for planted in PLANTED {
            let needle = planted.tag.to_lowercase();
            let mut counts: BTreeMap<NaiveDate, usize> = dates.iter().map(|&d| (d, 0)).collect();
            for post in posts {
                if post.text.to_lowercase().contains(&needle) {
                    *counts.get_mut(&date_of(post)).unwrap() += 1;
                }
            }
            let before: Vec<usize> = counts.range(..planted.onset()).map(|(_, &n)| n).collect();
            assert!(!before.is_empty());
            let floor = median(before).max(1) * planted.multiple as usize;
            let key = needle.trim_start_matches('#');
            for (&date, &n) in counts.range(planted.first..=planted.last) {
                assert!(
                    n >= floor,
                    "{} on {date}: {n} posts, want >= {floor}",
                    planted.tag
                );
                let day = &per_day[&date];
                let rank = 1 + day.values().filter(|&&m| m > day[key]).count();
                assert!(rank <= 10, "{} on {date}: rank {rank}", planted.tag);
            }
        }
    }

    #[test]
    fn flood_has_one_author_and_conference_many() {
        let posts = sample();
        let authors = |needle: &str, date: NaiveDate| {
            posts
                .iter()
                .filter(|p| date_of(p) == date && p.text.to_lowercase().contains(needle))
                .map(|p| p.author_id)
                .collect::<HashSet<u64>>()
        };
        let flood = authors("#miraclecure", ymd(2024, 5, 5));
        assert_eq!(flood.len(), 1);
        for day in 0..5 {
            let date = ymd(2024, 5, 31) + Days::new(day);
            let distinct = authors("#asco24", date).len();
            assert!(distinct >= 100, "#ASCO24 on {date}: {distinct} authors");
        }
    }

    #[test]
    fn weekly_chats_spike_in_hourly_counts() {
        let posts = sample();
        let mut hourly: BTreeMap<i64, usize> = BTreeMap::new();
        for post in posts
            .iter()
            .filter(|p| p.text.to_lowercase().contains("#hcldr"))
        {
            *hourly.entry(post.created_at.div_euclid(3600)).or_default() += 1;
        }
        let typical = median(hourly.values().copied().collect());
        let mut chats = 0;
        for date in (0..DEFAULT_DAYS).map(|i| DEFAULT_START + Days::new(u64::from(i))) {
            if date.weekday() != Weekday::Wed {
                continue;
            }
            // 8:30-9:30 pm EDT on Tuesday is 00:30-01:30 UTC on Wednesday.
            let start = day_start(date) + 1800;
            let n = posts
                .iter()
                .filter(|p| (start..start + 3600).contains(&p.created_at))
                .filter(|p| p.text.to_lowercase().contains("#hcldr"))
                .count();
            assert!(
                n >= 25 && n >= 10 * typical,
                "#HCLDR chat on {date}: {n} posts"
            );
            chats += 1;
        }
        assert_eq!(chats, 11);
    }

    #[test]
    fn weekends_are_quieter() {
        let planted: Vec<String> = PLANTED.iter().map(|p| p.tag.to_lowercase()).collect();
        let mut weekday = (0, 0);
        let mut weekend = (0, 0);
        let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for post in sample() {
            let text = post.text.to_lowercase();
            if planted.iter().any(|t| text.contains(t.as_str()))
                || text.contains("#hcldr")
                || text.contains("#bcsm")
            {
                continue;
            }
            *days.entry(date_of(post)).or_default() += 1;
        }
        for (date, n) in days {
            let bucket = match date.weekday() {
                Weekday::Sat | Weekday::Sun => &mut weekend,
                _ => &mut weekday,
            };
            bucket.0 += n;
            bucket.1 += 1;
        }
        let ratio = (weekend.0 as f64 / weekend.1 as f64) / (weekday.0 as f64 / weekday.1 as f64);
        assert!((0.6..=0.8).contains(&ratio), "weekend ratio {ratio}");
    }

    #[test]
    fn quirks_are_present() {
        let posts = sample();
        let all: String = posts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for quirk in [
            "#BCSM",
            "#bcsm",
            "#Bcsm",
            "#ＢＣＳＭ",
            "#T1D",
            "#t1d",
            "#MedEd",
            "#meded",
            "#COVID19",
            "#Covid19",
            "#covid19",
            "#café",
            "#cafe\u{301}",
            "#健康",
            "#здоровье",
            "#Здоровье",
            "#स्वास्थ्य",
            "#salud",
            "#Salud",
            "#MentalHealth",
            "#mentalhealth",
            "https://example.org/guide#section",
            "cancer.org/#BCSM",
            "#1 ",
            "issue #42",
            "C#",
            "Q&A",
            " & ",
            "<3",
            "@",
            "💪",
        ] {
            assert!(all.contains(quirk), "no {quirk:?} in the sample");
        }
        let originals: Vec<&SynthPost> = posts.iter().filter(|p| !p.is_repost).collect();
        let untagged = originals
            .iter()
            .filter(|p| naive_tags(&p.text).is_empty())
            .count();
        let share = untagged as f64 / originals.len() as f64;
        assert!((0.10..=0.20).contains(&share), "untagged share {share}");
        let twice = originals
            .iter()
            .filter(|p| {
                let words: Vec<String> = p
                    .text
                    .split_whitespace()
                    .filter(|w| w.starts_with('#'))
                    .map(|w| w.to_lowercase())
                    .collect();
                words
                    .iter()
                    .enumerate()
                    .any(|(i, w)| words[..i].contains(w))
            })
            .count();
        assert!(twice >= 50, "{twice} posts repeat a tag");
    }

    #[test]
    fn authors_are_zipf_like() {
        let posts = sample();
        let mut per_author: HashMap<u64, usize> = HashMap::new();
        for post in posts {
            *per_author.entry(post.author_id).or_default() += 1;
        }
        let mut counts: Vec<usize> = per_author.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        assert!(
            (2_500..=4_001).contains(&counts.len()),
            "{} authors",
            counts.len()
        );
        // A few very active accounts (the flood account is the first)...
        assert!(
            counts[0] < posts.len() / 20 && counts[5] > 100,
            "{:?}",
            &counts[..10]
        );
        // ... and a long tail.
        assert!(median(counts) <= 3);
    }

    #[test]
    fn tag_tables_are_clean() {
        let vocabulary = Vocabulary::new();
        let mut seen = HashSet::new();
        let planted: Vec<String> = PLANTED.iter().map(|p| p.tag.to_lowercase()).collect();
        for (spellings, _) in &vocabulary.tags {
            let canonical = match spellings {
                Spellings::Fixed(variants) => variants[0].0,
                Spellings::Usual(tag) => tag,
            };
            let lower = canonical.to_lowercase();
            assert!(seen.insert(lower.clone()), "{canonical} twice");
            assert!(
                !planted.iter().any(|t| lower.contains(t.as_str())),
                "{canonical}"
            );
        }
        assert!(
            vocabulary.tags.len() >= 300,
            "{} tags",
            vocabulary.tags.len()
        );
    }

    #[test]
    fn small_and_odd_options() {
        assert!(
            generate(&SynthOptions {
                posts: 0,
                ..SynthOptions::default()
            })
            .is_empty()
        );
        for (posts, days) in [(1, 75), (10, 1), (1_000, 0), (1_000, 3), (2_000, 400)] {
            let options = SynthOptions {
                posts,
                days,
                ..SynthOptions::default()
            };
            let out = generate(&options);
            assert_eq!(out.len(), posts, "{options:?}");
            assert!(
                out.windows(2)
                    .all(|p| (p[0].created_at, p[0].id) <= (p[1].created_at, p[1].id))
            );
        }
    }

    #[test]
    fn eastern_daylight_time_follows_us_rules() {
        assert_eq!(eastern_offset(ymd(2024, 3, 9)), -5);
        assert_eq!(eastern_offset(ymd(2024, 3, 10)), -4);
        assert_eq!(eastern_offset(ymd(2024, 11, 2)), -4);
        assert_eq!(eastern_offset(ymd(2024, 11, 3)), -5);
    }

    #[test]
    fn writers_escape_and_quote() {
        let post = SynthPost {
            id: 1,
            created_at: 1_711_976_709,
            author_id: 1234567,
            text: "Q&A, \"live\" <3\nnext".to_string(),
            is_repost: false,
            repost_of: None,
        };
        let csv = String::from_utf8(csv_bytes(std::slice::from_ref(&post))).unwrap();
        assert_eq!(
            csv,
            "id,created_at,author_id,text\n1,2024-04-01T13:05:09Z,1234567,\"Q&A, \"\"live\"\" <3\nnext\"\n"
        );
        let json = String::from_utf8(jsonl_bytes(&[post])).unwrap();
        assert_eq!(
            json,
            "{\"id\":\"1\",\"created_at\":\"2024-04-01T13:05:09.000Z\",\"author_id\":\"1234567\",\"text\":\"Q&amp;A, \\\"live\\\" &lt;3\\nnext\"}\n"
        );
    }

    #[test]
    fn default_sample_stays_under_five_megabytes() {
        let csv = csv_bytes(sample()).len();
        let jsonl = jsonl_bytes(sample()).len();
        assert!(csv + jsonl < 5_000_000, "csv {csv} + jsonl {jsonl} bytes");
    }
}
