//! hashtrend turns exported social-media posts into trustworthy hashtag
//! counts and trends, for health analysts.
//!
//! An [`AnalyzerBuilder`] configures a run (buckets, time zones, columns,
//! reposts, duplicates); its [`Analyzer`] reads [`Input`]s, and the
//! [`TrendReport`] it returns holds the [`Counts`] per (bucket, tag), what was
//! skipped and why ([`Diagnostics`]), and a [`Summary`]. [`rank`] orders tags
//! by volume, and [`rank::trend`] by how much they rise now (seven
//! documented methods behind one `TrendScorer` trait); [`report`] writes
//! tables, CSV or JSON.
//!
//! ```
//! use hashtrend::{AnalyzerBuilder, Input};
//!
//! let csv = "id,created_at,author_id,text\n\
//!            1,2024-06-01T09:00:00Z,a,Live from #ASCO24 #BCSM\n\
//!            2,2024-06-01T10:00:00Z,b,#asco24 plenary! #ASCO24 again\n\
//!            2,2024-06-01T10:00:00Z,b,#asco24 plenary! #ASCO24 again\n\
//!            3,2024-06-02T08:00:00Z,a,Not a tag: #1 or page#frag\n";
//! let report = AnalyzerBuilder::new()
//!     .build()
//!     .run(vec![Input::from_reader("posts.csv", std::io::Cursor::new(csv))])?;
//! let asco = report.counts().total("asco24");
//! assert_eq!((asco.posts, asco.occurrences, asco.authors), (2, 3, 2));
//! assert_eq!(report.counts().tags()[report.counts().tag_index("asco24").unwrap() as usize].display, "ASCO24");
//! assert_eq!(report.summary().posts, 3); // the repeated id 2 is counted once
//! # Ok::<(), hashtrend::Error>(())
//! ```
//!
//! # The pipeline, module by module
//!
//! | stage | module | what it does |
//! |---|---|---|
//! | source | [`source`] | reads delimited text, JSON lines and JSON arrays (Twitter, Mastodon, Bluesky, Reddit, any named fields), compressed or not, in chunks on record boundaries; finds the columns |
//! | extract | [`hashtag`] | finds hashtags by the twitter-text rules, as byte spans |
//! | normalize | [`normalize`] | the counting key: NFKC, then Unicode lowercase |
//! | time | [`time`] | parses timestamps; time zones |
//! | bucket | [`bucket`] | cuts time into minutes … months in a zone |
//! | count | [`count`] | per (bucket, tag) posts, occurrences, distinct authors; each tag counted by one thread, nothing merged |
//! | rank | [`rank`] | orders tags by a score, ties by key; [`rank::trend`] scores rises against each tag's history (z-score, EWMA, Poisson, Mastodon's authors score, G², Kleinberg bursts) |
//! | report | [`report`] | table, CSV, JSON |
//!
//! [`analyzer`] runs the stages; [`diagnostics`] keeps what was skipped;
//! [`synth`] generates realistic sample exports.
#![deny(missing_docs)]

pub mod analyzer;
pub mod bucket;
pub mod count;
pub mod diagnostics;
pub mod error;
pub mod hashtag;
pub mod normalize;
pub mod rank;
pub mod report;
pub(crate) mod scan;
pub mod source;
pub mod synth;
pub mod time;

pub use analyzer::{Activity, Analyzer, AnalyzerBuilder, Input, Summary, Timings, TrendReport};
pub use count::{Counts, Tallies};
pub use diagnostics::{Diagnostics, SkipReason};
pub use error::{Error, ErrorKind, Location, Result};
