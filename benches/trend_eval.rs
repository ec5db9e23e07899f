//! The trend methods' evaluation on labelled synthetic series (see
//! `hashtrend::rank::trend::eval`): precision, recall and days to
//! detection of each method at its default threshold, as a Markdown table.
//! Not a timing bench: `cargo bench --bench trend_eval`.

use hashtrend::rank::trend::eval;

fn main() {
    let n = 2000;
    let labelled = eval::series(42, n);
    let figures = eval::evaluate(&labelled, &eval::configurations());
    println!(
        "{n} series of {} days (seed 42): a fifth each noise only, pulses, ramps, level shifts and one-account floods\n",
        eval::DAYS
    );
    println!(
        "| method | series | threshold | precision | recall | pulses | ramps | shifts | days to detect | false alarms / 100 trendless days | floods alarmed |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for f in figures {
        println!(
            "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.2} | {:.3} |",
            f.method,
            f.by,
            if f.method == "burst" {
                "any burst".to_string()
            } else {
                f.threshold.to_string()
            },
            f.precision,
            f.recall,
            f.recall_by_kind[0],
            f.recall_by_kind[1],
            f.recall_by_kind[2],
            f.days_to_detect,
            f.false_alarms_per_100_days,
            f.floods_alarmed
        );
    }
}
