//! Throughput of hashtag extraction (`hashtrend::hashtag::hashtags`), in
//! bytes of post text per second.
//!
//! `mixed_posts` runs over a corpus built here: English health posts with
//! several tags, links with and without scheme (some with `#` fragments,
//! which send the extractor through URL recognition), tags in other
//! scripts (`#café`, `#健康`, `#здоровье`, `#स्वास्थ्य`) and posts without any
//! tag, as most posts are. `no_hash_sign` is one long text without a hash
//! sign, which should cost little more than a `memchr` pass.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashtrend::hashtag::hashtags;

/// Posts the corpus is made of; `{n}` is replaced by a number so that the
/// posts differ from one another.
const TEMPLATES: &[&str] = &[
    "Huge thanks to everyone at #BCSM tonight! Slides from session {n}: https://t.co/Ab{n}Xy #breastcancer #OncTwitter",
    "New data on #COVID19 boosters in adults over 65 (n={n}). Full paper: https://www.nejm.org/doi/full/10.1056/NEJMoa{n}#article_references #MedTwitter",
    "Reminder: flu shots are free at all county clinics this week. Bring ID and your insurance card if you have one.",
    "Live from #ASCO24/#ESMO24: {n} abstracts on immunotherapy, see asco.org/meetings/#abstracts and #LCSM's recap.",
    "Our nurses worked {n} hours this month. Thank you! #NursesWeek #HealthcareHeroes",
    "Le #café et la #santé : une étude sur {n} patients montre un effet protecteur modeste.",
    "研究によると、毎日{n}歩歩くと#健康 に良い影響があります。 #ウォーキング",
    "Новое исследование о #здоровье сердца: {n} участников, подробнее на minzdrav.gov.ru/news/#heart",
    "#स्वास्थ्य जागरूकता अभियान में आज {n} लोगों ने भाग लिया। #योग",
    "Q&A with Dr. Patel at 8pm ET about managing type 1 diabetes day to day. Questions welcome in the replies.",
    "Study #{n}: #T1D outcomes improved with CGM use (p<0.01). Data: http://clinicaltrials.gov/ct2/show/NCT0{n}?term=#results",
    "Wash your hands, stay home when sick, and check on your neighbours. Small things add up.",
    "Mental health matters every day, not just this week. Call or text 988 if you need to talk. #MentalHealthAwareness #988Day",
    "It&#39;s screening month: book yours at cancer.org/screening #CancerScreening #EarlyDetection #PreventCancer",
];

/// A deterministic corpus of posts, about 1.5 MB.
fn corpus() -> Vec<String> {
    (0..10_000)
        .map(|i| {
            let template = TEMPLATES[(i * 7 + i / TEMPLATES.len()) % TEMPLATES.len()];
            template.replace("{n}", &(1000 + i * 37).to_string())
        })
        .collect()
}

/// About 1 MB of post text without a single hash sign.
fn plain_text() -> String {
    let posts: Vec<&str> = TEMPLATES
        .iter()
        .copied()
        .filter(|t| !t.contains('#'))
        .collect();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1 << 20 {
        text.push_str(posts[i % posts.len()]);
        text.push('\n');
        i += 1;
    }
    text
}

fn extraction(c: &mut Criterion) {
    let posts = corpus();
    let bytes: usize = posts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("mixed_posts", |b| {
        b.iter(|| {
            posts
                .iter()
                .map(|post| hashtags(black_box(post)).count())
                .sum::<usize>()
        })
    });

    let plain = plain_text();
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("no_hash_sign", |b| {
        b.iter(|| hashtags(black_box(&plain)).count())
    });
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
