//! Delimited text (CSV): record boundaries, fields, and the header.
//!
//! The grammar is RFC 4180 with the leniency of common readers: a field that
//! starts with `"` is quoted until a `"` not followed by another `"` (a doubled
//! quote is a literal one), and anything after the closing quote up to the
//! next delimiter is kept literally; a `"` inside an unquoted field is a
//! literal. A record ends at a line feed outside quotes; a carriage return
//! before it is dropped, so CRLF and LF files read alike.
//!
//! The same rules drive [`record_end`], which splits input into chunks for the
//! worker threads, and [`Record::parse`], which reads one record, so chunking
//! can never disagree with parsing.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;

use memchr::{memchr, memchr2};

use crate::diagnostics::SkipReason;
use crate::error::{Error, ErrorKind, Result};
use crate::source::{
    AUTHOR_NAMES, Bad, Columns, Fields, ID_NAMES, Prepared, REPOST_NAMES, RecordPos, Schema,
    TEXT_NAMES, TIME_NAMES, decode, jsonl, non_empty, read_error,
};

/// Finds the end (one past the line feed) of the record starting at `start`,
/// or `None` when the input ends first (an incomplete record).
pub(crate) fn record_end(buf: &[u8], start: usize, delimiter: u8) -> Option<usize> {
    let mut pos = start;
    loop {
        let hit = pos + memchr2(b'"', b'\n', &buf[pos..])?;
        if buf[hit] == b'\n' {
            return Some(hit + 1);
        }
        let at_field_start = hit == start || buf[hit - 1] == delimiter;
        if !at_field_start {
            pos = hit + 1;
            continue;
        }
        pos = quoted_end(buf, hit + 1)?;
    }
}

/// Given the position just after an opening quote, returns the position just
/// after the closing quote, or `None` if the input ends inside the quotes.
fn quoted_end(buf: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let q = pos + memchr(b'"', &buf[pos..])?;
        if buf.get(q + 1) == Some(&b'"') {
            pos = q + 2;
        } else {
            return Some(q + 1);
        }
    }
}

/// One field's place in its record.
#[derive(Debug, Clone, Default)]
struct Field {
    range: Range<usize>,
    /// Quoted and containing a doubled quote (or text after the closing
    /// quote), so the value must be rebuilt rather than borrowed.
    escaped: bool,
}

/// The fields of one record, as ranges into the input (no copying).
#[derive(Debug, Default)]
pub(crate) struct Record {
    fields: Vec<Field>,
    /// Line feeds inside quoted fields, for line numbering.
    pub(crate) inner_newlines: u64,
}

impl Record {
    /// Parses the record `buf[start..end]` (as returned by [`record_end`], or
    /// the rest of the input for a last record without a line feed). Returns
    /// false when a quoted field is not closed.
    pub(crate) fn parse(&mut self, buf: &[u8], start: usize, end: usize, delimiter: u8) -> bool {
        self.fields.clear();
        self.inner_newlines = 0;
        let mut line_end = end;
        if line_end > start && buf[line_end - 1] == b'\n' {
            line_end -= 1;
        }
        let rec = &buf[..line_end];
        let mut pos = start;
        loop {
            if rec.get(pos) == Some(&b'"') {
                let Some(close) = quoted_end(rec, pos + 1) else {
                    return false;
                };
                self.inner_newlines += memchr::memchr_iter(b'\n', &rec[pos..close]).count() as u64;
                let (tail_end, next) = match memchr(delimiter, &rec[close..]) {
                    Some(i) => (close + i, Some(close + i + 1)),
                    None => (strip_cr(rec, close, rec.len()), None),
                };
                let inner = pos + 1..close - 1;
                let escaped = tail_end > close || memchr(b'"', &rec[inner.clone()]).is_some();
                let range = if escaped { pos..tail_end } else { inner };
                self.fields.push(Field { range, escaped });
                match next {
                    Some(n) => pos = n,
                    None => return true,
                }
            } else {
                match memchr(delimiter, &rec[pos..]) {
                    Some(i) => {
                        self.fields.push(Field {
                            range: pos..pos + i,
                            escaped: false,
                        });
                        pos += i + 1;
                    }
                    None => {
                        let e = strip_cr(rec, pos, rec.len());
                        self.fields.push(Field {
                            range: pos..e,
                            escaped: false,
                        });
                        return true;
                    }
                }
            }
        }
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// The raw bytes of field `i`, unquoted; borrowed unless it held doubled
    /// quotes.
    pub(crate) fn field<'a>(&self, buf: &'a [u8], i: usize) -> Option<Cow<'a, [u8]>> {
        let f = self.fields.get(i)?;
        let raw = &buf[f.range.clone()];
        if !f.escaped {
            return Some(Cow::Borrowed(raw));
        }
        // `raw` is `"..."tail`: undo the doubling inside the quotes, keep the tail.
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 1;
        while i < raw.len() {
            let b = raw[i];
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    out.push(b'"');
                    i += 2;
                    continue;
                }
                out.extend_from_slice(&raw[i + 1..]);
                break;
            }
            out.push(b);
            i += 1;
        }
        Some(Cow::Owned(out))
    }
}

fn strip_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CsvSchema {
    delimiter: u8,
    text: usize,
    time: usize,
    author: Option<usize>,
    id: Option<usize>,
    repost: Option<usize>,
    /// The highest column index read: a record with fewer fields is malformed.
    needed: usize,
}

/// Reads the header row (the first record after `start`), reading more of
/// `reader` into `head` until it is whole, and resolves the columns.
pub(crate) fn prepare(
    delimiter: u8,
    start: usize,
    head: &mut Vec<u8>,
    reader: &mut dyn Read,
    columns: &Columns,
    name: &str,
) -> Result<Prepared> {
    let end = loop {
        if let Some(end) = record_end(head, start, delimiter) {
            break end;
        }
        let before = head.len();
        reader
            .take(1 << 20)
            .read_to_end(head)
            .map_err(|e| read_error(e, name))?;
        if head.len() == before {
            break head.len();
        }
    };
    if head[start..end].iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::new(ErrorKind::Input {
            file: name.to_owned(),
            message: "empty input: expected a header row and posts".into(),
        }));
    }
    let mut record = Record::default();
    record.parse(head, start, end, delimiter);
    let header: Vec<String> = (0..record.len())
        .map(|i| {
            let f = record.field(head, i).unwrap_or_default();
            String::from_utf8_lossy(&f).trim().to_owned()
        })
        .collect();
    Ok(Prepared {
        schema: Schema::Csv(CsvSchema::new(&header, delimiter, columns, name)?),
        start: end,
        lines: record.inner_newlines + u64::from(head[end - 1] == b'\n'),
    })
}

fn find_column(header: &[String], wanted: &str) -> Option<usize> {
    header
        .iter()
        .position(|h| h == wanted)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(wanted)))
}

/// Resolves a user-named column: by name, else as a 1-based position.
fn named_column(header: &[String], name: &str, role: &str, file: &str) -> Result<usize> {
    if let Some(i) = find_column(header, name) {
        return Ok(i);
    }
    match name.parse::<usize>() {
        Ok(n) if n >= 1 && n <= header.len() => Ok(n - 1),
        _ => Err(Error::config(format!(
            "{file}: no {role} column named \"{name}\"; the header has: {}",
            header.join(", ")
        ))),
    }
}

fn detect_column(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| find_column(header, n))
}

impl CsvSchema {
    /// Resolves the columns of a CSV file from its header fields.
    pub(crate) fn new(
        header: &[String],
        delimiter: u8,
        columns: &Columns,
        file: &str,
    ) -> Result<Self> {
        let resolve =
            |given: &Option<String>, names: &[&str], role: &str| -> Result<Option<usize>> {
                match given {
                    Some(name) => named_column(header, name, role, file).map(Some),
                    None => Ok(detect_column(header, names)),
                }
            };
        let required =
            |i: Option<usize>, role: &str, names: &[&str], flag: &str| -> Result<usize> {
                i.ok_or_else(|| {
                Error::new(ErrorKind::Input {
                    file: file.to_owned(),
                    message: format!(
                        "no {role} column: looked for {} in the header ({}); name it with {flag}",
                        names.join(", "),
                        header.join(", ")
                    ),
                })
            })
            };
        let text = required(
            resolve(&columns.text, TEXT_NAMES, "text")?,
            "text",
            TEXT_NAMES,
            "--text-column",
        )?;
        let time = required(
            resolve(&columns.time, TIME_NAMES, "time")?,
            "time",
            TIME_NAMES,
            "--time-column",
        )?;
        let author = resolve(&columns.author, AUTHOR_NAMES, "author")?;
        let id = resolve(&columns.id, ID_NAMES, "id")?;
        let repost = detect_column(header, REPOST_NAMES);
        let needed = [Some(text), Some(time), author, id]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0);
        Ok(CsvSchema {
            delimiter,
            text,
            time,
            author,
            id,
            repost,
            needed,
        })
    }
}

impl CsvSchema {
    pub(crate) fn for_each_record(
        &self,
        chunk: &[u8],
        f: &mut impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> u64 {
        let mut record = Record::default();
        let mut pos = 0;
        let mut line = 0u64;
        while pos < chunk.len() {
            let end = record_end(chunk, pos, self.delimiter).unwrap_or(chunk.len());
            let at = RecordPos { offset: pos, line };
            let complete = record.parse(chunk, pos, end, self.delimiter);
            let ends_with_lf = chunk[end - 1] == b'\n';
            line += record.inner_newlines + u64::from(ends_with_lf);
            if !complete {
                line = line.max(memchr::memchr_iter(b'\n', &chunk[..end]).count() as u64);
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::MalformedRecord,
                        detail: "a quoted field is not closed before the end of the input".into(),
                    }),
                );
            } else if record.len() == 1
                && record
                    .field(chunk, 0)
                    .is_some_and(|v| v.iter().all(|b| b.is_ascii_whitespace()))
            {
                // A blank line: not a record.
            } else if record.len() <= self.needed {
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::MalformedRecord,
                        detail: format!(
                            "{} fields, expected at least {}",
                            record.len(),
                            self.needed + 1
                        ),
                    }),
                );
            } else {
                let mut lossy = false;
                let mut get = |i: Option<usize>| {
                    i.and_then(|i| record.field(chunk, i))
                        .map(|b| decode(b, &mut lossy))
                        .and_then(non_empty)
                };
                let fields = Fields {
                    text: get(Some(self.text)),
                    time: get(Some(self.time)),
                    author: get(self.author),
                    id: get(self.id),
                    repost: get(self.repost).is_some_and(|v: Cow<'_, str>| jsonl::is_truthy(&v)),
                    lossy,
                    tags: None,
                };
                f(at, Ok(fields));
            }
            pos = end;
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<String> {
        let buf = line.as_bytes();
        let end = record_end(buf, 0, b',').unwrap_or(buf.len());
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b','));
        (0..r.len())
            .map(|i| String::from_utf8(r.field(buf, i).unwrap().into_owned()).unwrap())
            .collect()
    }

    #[test]
    fn plain_and_quoted_fields() {
        assert_eq!(fields("a,b,c\n"), ["a", "b", "c"]);
        assert_eq!(fields("a,,c\r\n"), ["a", "", "c"]);
        assert_eq!(
            fields("\"x, y\",\"say \"\"hi\"\"\",z\n"),
            ["x, y", "say \"hi\"", "z"]
        );
        assert_eq!(fields("\"\",b"), ["", "b"]);
        assert_eq!(fields("ab\"c,d\n"), ["ab\"c", "d"]);
        assert_eq!(fields("\"ab\"c,d\n"), ["abc", "d"]);
    }

    #[test]
    fn embedded_newlines_stay_in_the_record() {
        let buf = b"1,\"line one\nline two\r\n#BCSM\",x\n2,b,c\n";
        let end = record_end(buf, 0, b',').unwrap();
        assert_eq!(&buf[end..], b"2,b,c\n");
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b','));
        assert_eq!(r.inner_newlines, 2);
        assert_eq!(&*r.field(buf, 1).unwrap(), b"line one\nline two\r\n#BCSM");
    }

    #[test]
    fn unterminated_quote_is_incomplete() {
        let buf = b"1,\"never closed\n2,b\n";
        assert_eq!(record_end(buf, 0, b','), None);
        let mut r = Record::default();
        assert!(!r.parse(buf, 0, buf.len(), b','));
    }

    #[test]
    fn other_delimiters() {
        let buf = b"a;\"b;c\";d\n";
        let end = record_end(buf, 0, b';').unwrap();
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b';'));
        assert_eq!(r.len(), 3);
        assert_eq!(&*r.field(buf, 1).unwrap(), b"b;c");
    }
}
