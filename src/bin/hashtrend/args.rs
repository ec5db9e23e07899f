//! The command line as typed, and its resolution into library settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use hashtrend::bucket::{BucketSpec, Bucketer};
use hashtrend::rank::Measure;
use hashtrend::rank::trend::{TrendOptions, TrendParams};
use hashtrend::report::OutputFormat;
use hashtrend::source::{Columns, Format};
use hashtrend::time::{TimeParser, Zone};
use hashtrend::{AnalyzerBuilder, Error};

/// Hashtag counts and trends from exported social-media posts.
#[derive(Debug, Parser)]
#[command(name = "hashtrend", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank tags over the whole input: rank,tag,display,posts,occurrences,authors.
    Top(TopArgs),
    /// Count each (bucket, tag): bucket,tag,posts,occurrences,authors.
    Count(CountArgs),
    /// Rank the tags rising in one bucket against their own history:
    /// rank,tag,display,bucket,method,score,observed,expected,posts,authors.
    ///
    /// Methods: authors (default; Mastodon's score on distinct authors, peak
    /// decaying with a half-life), change (percent vs the bucket before),
    /// zscore, ewma, poisson (Gnip's), llr (Dunning's G² of the tag's share of
    /// uses), burst (Kleinberg). Only rises rank.
    Trending(TrendingArgs),
    /// List Kleinberg burst intervals of each tag: tag,start,end,bins,weight
    /// (`end` is the start of the burst's last bucket, inclusive).
    Bursts(BurstsArgs),
    /// Read lines of text on stdin; write each line's hashtags as a JSON array.
    ///
    /// Tags are written as typed, without the hash sign (["BCSM","T1D"], [] for
    /// none). Text is taken literally: HTML entities are not decoded.
    Extract,
    /// Write a synthetic, seeded sample of health posts (CSV or JSON lines).
    Sample(SampleArgs),
}

#[derive(Debug, Args)]
pub struct TopArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Keep the first N tags.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Keep the first N tags of each bucket (default: all).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
}

#[derive(Debug, Args)]
pub struct TrendingArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// The bucket to rank: a date (2024-06-01), a date-time, or a bucket start
    /// as `count` prints it (default: the latest bucket if the posts reach into
    /// its last twentieth, else the one before it).
    #[arg(long, value_name = "BUCKET")]
    pub at: Option<String>,
    /// Scoring method: authors, change, zscore, ewma, poisson, llr or burst.
    #[arg(long, value_name = "M", default_value = "authors",
          value_parser = ["change", "zscore", "ewma", "poisson", "authors", "llr", "burst"])]
    pub method: String,
    /// Baseline buckets the ranked one is compared with (--baseline 1 is
    /// Gnip's own Poisson mode and Mastodon's "yesterday").
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub baseline: usize,
    /// Compare with the same hour of day (sub-day buckets) or the same day of
    /// the week (day buckets) instead of the buckets just before.
    #[arg(long)]
    pub seasonal: bool,
    /// Keep the first N tags.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Fewest posts in the bucket for a tag to rank.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_posts: u64,
    /// Fewest distinct authors in the bucket for a tag to rank.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_authors: u64,
    /// Tags never ranked: a file with one tag per line (with or without `#`;
    /// blank lines and lines starting with `//` are skipped).
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<PathBuf>,
    #[command(flatten)]
    pub params: ParamArgs,
}

#[derive(Debug, Args)]
pub struct BurstsArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Only this tag (repeatable; with or without `#`, any case).
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
    #[command(flatten)]
    pub params: ParamArgs,
}

/// The methods' parameters.
#[derive(Debug, Args)]
pub struct ParamArgs {
    /// ewma: weight of the newest value, in (0, 1].
    #[arg(long, value_name = "A", default_value_t = 0.3)]
    pub ewma_alpha: f64,
    /// poisson: level of the central interval.
    #[arg(long, value_name = "L", default_value_t = 0.99)]
    pub poisson_level: f64,
    /// authors: fewest distinct authors for a rise to score.
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub rise_authors: f64,
    /// authors: half-life of a peak score (90s, 30m, 4h, 2d).
    #[arg(long, value_name = "DURATION", default_value = "4h")]
    pub half_life: String,
    /// burst: burst rate over base rate (s > 1).
    #[arg(long, value_name = "S", default_value_t = 2.0)]
    pub burst_s: f64,
    /// burst: cost of entering a burst, times ln(buckets) (γ > 0).
    #[arg(long, value_name = "G", default_value_t = 1.0)]
    pub burst_gamma: f64,
}

impl ParamArgs {
    /// The library parameters, checked.
    pub fn resolve(&self) -> Result<TrendParams, Error> {
        let params = TrendParams {
            ewma_alpha: self.ewma_alpha,
            poisson_level: self.poisson_level,
            min_rise_authors: self.rise_authors,
            half_life: seconds(&self.half_life).ok_or_else(|| {
                Error::config(format!(
                    "--half-life: \"{}\" is not a duration such as 90s, 30m, 4h or 2d",
                    self.half_life
                ))
            })?,
            burst_s: self.burst_s,
            burst_gamma: self.burst_gamma,
        };
        params.validate()?;
        Ok(params)
    }
}

/// Seconds in a duration written `<number><s|m|h|d>`.
fn seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let unit = match s.chars().last()? {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        _ => return None,
    };
    let n: f64 = s[..s.len() - 1].trim().parse().ok()?;
    (n > 0.0 && n.is_finite()).then_some(n * unit)
}

impl TrendingArgs {
    /// The ranking options; `zone` reads `--at`.
    pub fn options(&self, zone: Zone, by: Measure) -> Result<TrendOptions, Error> {
        let at = match &self.at {
            Some(s) => Some(
                TimeParser::new(zone, None)
                    .parse(s)
                    .map_err(|e| Error::config(format!("--at: {e}")))?,
            ),
            None => None,
        };
        let ignore = match &self.ignore {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| {
                    Error::new(hashtrend::ErrorKind::Io {
                        path: path.clone(),
                        source: e,
                    })
                })?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .map(tag_key)
                .collect(),
            None => Default::default(),
        };
        Ok(TrendOptions {
            at,
            by,
            baseline: self.baseline,
            seasonal: self.seasonal,
            top: Some(self.top),
            min_posts: self.min_posts,
            min_authors: self.min_authors,
            ignore,
        })
    }
}

/// A tag as typed by a user (`#BCSM`, `bcsm`) as its counting key.
pub fn tag_key(tag: &str) -> String {
    hashtrend::normalize::key(tag.trim().trim_start_matches(['#', '＃']))
}

/// Options shared by the commands that read posts.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files: CSV (header row) or JSON lines; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Bucket size: minute, hour, day, week (ISO, from Monday), month, or
    /// multiples such as 15m (aligned to the hour) or 6h (aligned to local midnight).
    #[arg(long, default_value = "day")]
    pub bucket: String,
    /// Zone in which buckets are cut and labelled: UTC, an offset (+05:30) or an
    /// IANA name (America/New_York, DST-correct).
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Zone of timestamps written without an offset.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub input_tz: String,
    /// strftime format tried first for every timestamp (e.g. "%d.%m.%Y %H:%M").
    #[arg(long, value_name = "FORMAT")]
    pub time_format: Option<String>,
    /// Keep posts at or after this date or date-time (in --tz).
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,
    /// Keep posts before this date-time; a date includes that whole day (in --tz).
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,
    /// Rank by distinct posts, every occurrence, or distinct authors.
    #[arg(long, value_name = "MEASURE", default_value = "posts",
          value_parser = ["posts", "occurrences", "authors"])]
    pub by: String,
    /// Output: table (default on a terminal), csv (default otherwise) or json.
    #[arg(long, value_parser = ["table", "csv", "json"])]
    pub output: Option<String>,
    /// Leave reposts out (RT @name: prefixes, retweeted_status, v2 retweeted
    /// references, is_retweet columns). By default they are counted.
    #[arg(long)]
    pub exclude_reposts: bool,
    /// Count every copy of a repeated post id (by default only the first).
    #[arg(long)]
    pub keep_duplicates: bool,
    /// Fail (exit 2) on the first unusable row instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Text column or JSON path (default: detected: full_text, text, tweet, content, body, message).
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
    /// Time column or JSON path (default: detected: created_at, date, timestamp, time, created_utc).
    #[arg(long, value_name = "NAME")]
    pub time_column: Option<String>,
    /// Author column or JSON path such as user.id_str (default: detected:
    /// author_id, user_id, user, username, user_name, screen_name, author).
    #[arg(long, value_name = "NAME")]
    pub author_column: Option<String>,
    /// Post id column or JSON path (default: detected: id_str, id, tweet_id, post_id).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Input format: csv, tsv, jsonl (one object per line) or json (an array, or
    /// objects pretty-printed one after another; also X archive tweets.js).
    /// Default: from the content and extension.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "tsv", "jsonl", "ndjson", "json", "json-array", "js"])]
    pub format: Option<String>,
    /// Write every skipped row to this CSV file (columns file,line,byte_offset,reason,excerpt).
    #[arg(long, value_name = "FILE")]
    pub skipped: Option<PathBuf>,
    /// Take each post's time from its id, read as a Twitter snowflake id
    /// (for exports without a time column).
    #[arg(long)]
    pub time_from_id: bool,
    /// Where hashtags come from: auto (the platform's own list where the export
    /// has one, such as API entities or a hashtags column, else the text), text, or field.
    #[arg(long, value_name = "SOURCE", default_value = "auto", value_parser = ["auto", "text", "field"])]
    pub tags_from: String,
    /// CSV field delimiter, one character (default: `,`; tab for .tsv).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Read files with plain reads instead of mapping them into memory
    /// (slower; for files another program may truncate while they are read).
    #[arg(long)]
    pub no_mmap: bool,
    /// Print the wall time of each stage (parse, count, write...) to stderr.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of posts.
    #[arg(long, default_value_t = 21_000)]
    pub posts: usize,
    /// Seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// csv or jsonl (Twitter API v2 style, text HTML-escaped).
    #[arg(long, default_value = "csv", value_parser = ["csv", "jsonl"])]
    pub format: String,
    /// Output file (default: stdout).
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// What `RunArgs` resolve to.
pub struct RunConfig {
    pub builder: AnalyzerBuilder,
    pub measure: Measure,
    pub output: OutputFormat,
    pub threads: Option<usize>,
}

impl RunArgs {
    /// Validates and converts the options, in one place.
    pub fn resolve(&self, stdout_is_terminal: bool) -> Result<RunConfig, Error> {
        let bucket: BucketSpec = self
            .bucket
            .parse()
            .map_err(|e| Error::config(format!("--bucket: {e}")))?;
        let zone: Zone = self
            .tz
            .parse()
            .map_err(|e| Error::config(format!("--tz: {e}")))?;
        let input_zone: Zone = self
            .input_tz
            .parse()
            .map_err(|e| Error::config(format!("--input-tz: {e}")))?;
        let when = TimeParser::new(zone, None);
        let from = match &self.from {
            Some(s) => Some(
                when.parse(s)
                    .map_err(|e| Error::config(format!("--from: {e}")))?,
            ),
            None => None,
        };
        let to = match &self.to {
            Some(s) => {
                let t = when
                    .parse(s)
                    .map_err(|e| Error::config(format!("--to: {e}")))?;
                if is_date_only(s) {
                    // A date means the whole day: stop at the next local midnight.
                    let day = Bucketer::new(BucketSpec::default(), zone);
                    Some(day.next(t))
                } else {
                    Some(t)
                }
            }
            None => None,
        };
        let format: Option<Format> = self.format.as_deref().map(str::parse).transpose()?;
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("\\t") | Some("tab") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(Error::config(format!(
                    "--delimiter: \"{d}\" is not one ASCII character"
                )));
            }
        };
        let mut builder = AnalyzerBuilder::new();
        builder
            .bucket(bucket)
            .zone(zone)
            .input_zone(input_zone)
            .time_format(self.time_format.clone())
            .columns(Columns {
                text: self.text_column.clone(),
                time: self.time_column.clone(),
                author: self.author_column.clone(),
                id: self.id_column.clone(),
            })
            .format(format)
            .delimiter(delimiter)
            .from(from)
            .to(to)
            .exclude_reposts(self.exclude_reposts)
            .keep_duplicates(self.keep_duplicates)
            .strict(self.strict)
            .tags_from(self.tags_from.parse()?)
            .time_from_id(self.time_from_id)
            .mmap(!self.no_mmap);
        let output = match self.output.as_deref() {
            Some(o) => o.parse()?,
            None if stdout_is_terminal => OutputFormat::Table,
            None => OutputFormat::Csv,
        };
        if self.threads == Some(0) {
            return Err(Error::config("--threads: must be at least 1"));
        }
        Ok(RunConfig {
            builder,
            measure: self.by.parse()?,
            output,
            threads: self.threads,
        })
    }
}

fn is_date_only(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}
