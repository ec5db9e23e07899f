//! Reports: the rows of `top` and `count`, written as a terminal table, CSV
//! or JSON.
//!
//! The columns are a contract that users' scripts depend on:
//! `top` writes `rank,tag,display,posts,occurrences,authors`, `count`
//! writes `bucket,tag,posts,occurrences,authors`, `trending` writes
//! `rank,tag,display,bucket,method,score,observed,expected,posts,authors`
//! and `bursts` writes `tag,start,end,bins,weight`. JSON is an array of
//! objects with the same fields, in the same order (`trending` adds the
//! method's `components`).

mod csv;
mod json;
mod table;
mod trend;

use std::io::Write;
use std::str::FromStr;

use serde::Serialize;

pub use self::csv::CsvWriter;
pub use self::json::JsonWriter;
pub use self::table::TableWriter;
pub use self::trend::{BurstRow, TrendRow, burst_rows, number, trend_rows};
use crate::analyzer::TrendReport;
use crate::error::{Error, ErrorKind, Result};
use crate::rank::{self, Measure};

/// A row that can be written: named columns whose values print as text.
pub trait Row: Serialize {
    /// The column names, in order.
    const COLUMNS: &'static [&'static str];
    /// The values, in column order, as text.
    fn cells(&self) -> Vec<String>;
    /// Whether each column is numeric (right-aligned in tables).
    fn numeric(column: usize) -> bool;
    /// Writes the row as one CSV record. The default goes through
    /// [`Row::cells`]; rows written by the million override it to skip the
    /// per-cell strings.
    fn write_csv<W: Write>(&self, w: &mut ::csv::Writer<W>) -> ::csv::Result<()> {
        w.write_record(self.cells())
    }
}

/// One line of the overall ranking (`hashtrend top`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopRow {
    /// 1-based rank.
    pub rank: usize,
    /// The normalized key, without the hash sign.
    pub tag: String,
    /// The spelling used most often.
    pub display: String,
    /// Distinct posts.
    pub posts: u64,
    /// Every use.
    pub occurrences: u64,
    /// Distinct known authors over the whole run.
    pub authors: u64,
}

impl Row for TopRow {
    const COLUMNS: &'static [&'static str] =
        &["rank", "tag", "display", "posts", "occurrences", "authors"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.rank.to_string(),
            self.tag.clone(),
            self.display.clone(),
            self.posts.to_string(),
            self.occurrences.to_string(),
            self.authors.to_string(),
        ]
    }
    fn numeric(column: usize) -> bool {
        !matches!(column, 1 | 2)
    }
}

/// One (bucket, tag) line of the per-bucket table (`hashtrend count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountRow {
    /// The bucket's start, RFC 3339 in the chosen zone.
    pub bucket: String,
    /// The normalized key, without the hash sign.
    pub tag: String,
    /// Distinct posts.
    pub posts: u64,
    /// Every use.
    pub occurrences: u64,
    /// Distinct known authors in the bucket.
    pub authors: u64,
}

impl Row for CountRow {
    const COLUMNS: &'static [&'static str] = &["bucket", "tag", "posts", "occurrences", "authors"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.bucket.clone(),
            self.tag.clone(),
            self.posts.to_string(),
            self.occurrences.to_string(),
            self.authors.to_string(),
        ]
    }
    fn numeric(column: usize) -> bool {
        column >= 2
    }
    fn write_csv<W: Write>(&self, w: &mut ::csv::Writer<W>) -> ::csv::Result<()> {
        let mut n = [
            itoa::Buffer::new(),
            itoa::Buffer::new(),
            itoa::Buffer::new(),
        ];
        w.write_field(&self.bucket)?;
        w.write_field(&self.tag)?;
        w.write_field(n[0].format(self.posts))?;
        w.write_field(n[1].format(self.occurrences))?;
        w.write_field(n[2].format(self.authors))?;
        w.write_record(None::<&[u8]>)
    }
}

/// The rows of the overall ranking, by `measure`, keeping `top`.
pub fn top_rows(report: &TrendReport, measure: Measure, top: Option<usize>) -> Vec<TopRow> {
    let counts = report.counts();
    rank::top_tags(counts, measure, top)
        .into_iter()
        .map(|r| {
            let info = &counts.tags()[r.tag as usize];
            let t = counts.totals()[r.tag as usize];
            TopRow {
                rank: r.rank,
                tag: info.key.clone(),
                display: info.display.clone(),
                posts: t.posts,
                occurrences: t.occurrences,
                authors: t.authors,
            }
        })
        .collect()
}

/// The per-bucket rows: by bucket, then `measure` descending, then tag;
/// `top` tags per bucket (all when `None`).
pub fn count_rows(report: &TrendReport, measure: Measure, top: Option<usize>) -> Vec<CountRow> {
    let counts = report.counts();
    let mut rows = Vec::with_capacity(counts.cells().len());
    for (bucket, ranked) in rank::top_per_bucket(counts, measure, top) {
        let label = report.bucketer().format(counts.buckets()[bucket as usize]);
        for r in ranked {
            let Some(t) = counts.cell(bucket, r.tag).map(|c| c.tallies) else {
                continue;
            };
            rows.push(CountRow {
                bucket: label.clone(),
                tag: counts.tags()[r.tag as usize].key.clone(),
                posts: t.posts,
                occurrences: t.occurrences,
                authors: t.authors,
            });
        }
    }
    rows
}

/// Writes the per-bucket table as CSV: the same bytes as [`count_rows`]
/// written by [`write()`] with [`OutputFormat::Csv`], without building a row
/// per cell, each bucket formatted on its own thread.
pub fn write_count_csv(
    report: &TrendReport,
    measure: Measure,
    top: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    use rayon::prelude::*;
    let counts = report.counts();
    let cells = counts.cells();
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let bucket = cells[start].bucket;
        let len = cells[start..].partition_point(|c| c.bucket == bucket);
        ranges.push(start..start + len);
        start += len;
    }
    // Every tag key as a CSV field, back to back: rows read them from one
    // small buffer rather than from a string each, far apart.
    let mut keys = Vec::new();
    let mut key_ends = Vec::with_capacity(counts.tags().len() + 1);
    key_ends.push(0);
    for t in counts.tags() {
        csv_field(&mut keys, &t.key);
        key_ends.push(keys.len());
    }
    let format = |range: &std::ops::Range<usize>| -> Vec<u8> {
        let cells = &cells[range.clone()];
        let mut label = Vec::new();
        csv_field(
            &mut label,
            &report
                .bucketer()
                .format(counts.buckets()[cells[0].bucket as usize]),
        );
        let ranked = rank::rank_counts(
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u32, measure.of(&c.tallies))),
            top,
        );
        let mut line = Vec::with_capacity(ranked.len() * 48);
        let mut n = itoa::Buffer::new();
        for r in ranked {
            let c = &cells[r.tag as usize];
            line.extend_from_slice(&label);
            line.push(b',');
            let t = c.tag as usize;
            line.extend_from_slice(&keys[key_ends[t]..key_ends[t + 1]]);
            for v in [c.tallies.posts, c.tallies.occurrences, c.tallies.authors] {
                line.push(b',');
                line.extend_from_slice(n.format(v).as_bytes());
            }
            line.push(b'\n');
        }
        line
    };
    let mut w = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut *out);
    w.write_record(CountRow::COLUMNS).map_err(csv_error)?;
    w.flush().map_err(output_error)?;
    drop(w);
    // A group of buckets (some 64k cells) at a time, so the formatted
    // text in memory stays small however long the table.
    let mut rest = &ranges[..];
    while !rest.is_empty() {
        let mut take = 0;
        let mut size = 0;
        while take < rest.len() && size < 1 << 16 {
            size += rest[take].len();
            take += 1;
        }
        let blocks: Vec<Vec<u8>> = rest[..take].par_iter().map(format).collect();
        for block in blocks {
            out.write_all(&block).map_err(output_error)?;
        }
        rest = &rest[take..];
    }
    out.flush().map_err(output_error)
}

/// Appends `value` as one CSV field, quoted as the `csv` crate quotes by
/// default: only when it holds a comma, a quote or a line break (bucket
/// labels and tag keys never do; the check keeps it right if they did).
fn csv_field(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl FromStr for OutputFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<OutputFormat> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            _ => Err(Error::config(format!(
                "unknown output \"{s}\": expected table, csv or json"
            ))),
        }
    }
}

/// Writes rows in one format. Implemented by [`TableWriter`],
/// [`CsvWriter`] and [`JsonWriter`].
pub trait ReportWriter {
    /// Writes all `rows` (with a header where the format has one).
    fn write_rows<R: Row>(&self, rows: &[R], out: &mut dyn Write) -> Result<()>;
}

/// Writes `rows` to `out` in `format`.
pub fn write<R: Row>(format: OutputFormat, rows: &[R], out: &mut dyn Write) -> Result<()> {
    match format {
        OutputFormat::Table => TableWriter.write_rows(rows, out),
        OutputFormat::Csv => CsvWriter.write_rows(rows, out),
        OutputFormat::Json => JsonWriter.write_rows(rows, out),
    }?;
    out.flush().map_err(output_error)
}

/// Maps a CSV writer's error to an output error.
pub(crate) fn csv_error(e: ::csv::Error) -> Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => output_error(e),
        other => Error::new(ErrorKind::Output(std::io::Error::other(format!(
            "{other:?}"
        )))),
    }
}

pub(crate) fn output_error(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Output(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        for value in [
            "plain",
            "",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "día",
            " x ",
        ] {
            let mut ours = Vec::new();
            csv_field(&mut ours, value);
            let mut w = ::csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            w.write_record([value, "z"]).unwrap();
            let theirs = w.into_inner().unwrap();
            ours.extend_from_slice(b",z\n");
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }
}
