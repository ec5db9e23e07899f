//! Finding the JSON values of a JSON document without parsing them: the
//! elements of a top-level array, or objects written one after another
//! (pretty-printed, so one object spans many lines).
//!
//! Between values, whitespace and the punctuation of the enclosing array
//! (`[`, `]`, `,`, and a `;` that ends a JavaScript file) are skipped alike,
//! so the scan needs no state beyond the position of a value boundary: every
//! value's end is a place where a chunk may end and the next one begin, and
//! each chunk then parses on its own. A value is found by following strings
//! (with their escapes) and counting nesting depth; it is validated only
//! later, when it is parsed.
//!
//! [`next_value`] drives both the batcher (which cuts input between values,
//! through [`chunk_end`]) and the parser (which walks a chunk value by
//! value), so the two can never disagree on where a value ends.

use std::ops::Range;

use memchr::{memchr2, memchr3};

use crate::source::EXCERPT_BYTES;

/// True for bytes that may sit between values.
fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b';')
}

/// What follows a value boundary.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// A whole value.
    Value(Range<usize>),
    /// A value that the buffer ends inside of (from its start to the end).
    Cut(Range<usize>),
    /// Only separators up to the end of the buffer.
    End,
}

/// The next value of `buf` at or after `from`, which must be a value
/// boundary (the start of the document, or the end of a value).
///
/// `whole` says that `buf` ends on a value boundary (a chunk, or the end of
/// the input), so a number or literal running to its end is complete;
/// otherwise more bytes could extend it and it is [`Next::Cut`].
pub(crate) fn next_value(buf: &[u8], from: usize, whole: bool) -> Next {
    let Some(start) = buf[from..]
        .iter()
        .position(|&b| !is_separator(b))
        .map(|i| from + i)
    else {
        return Next::End;
    };
    let end = match buf[start] {
        b'{' => nested_end(buf, start),
        b'"' => string_end(buf, start + 1),
        // A number, a literal, or garbage: up to the next byte that can
        // end it. It is reported when parsed (a record must be an object).
        _ => buf[start + 1..]
            .iter()
            .position(|&b| is_separator(b) || b == b'{' || b == b'"')
            .map(|i| start + 1 + i)
            .or(whole.then_some(buf.len())),
    };
    match end {
        Some(end) => Next::Value(start..end),
        None => Next::Cut(start..buf.len()),
    }
}

/// The end of the next whole value at or after the boundary `from`, or
/// `None` if the buffer ends first.
pub(crate) fn value_end(buf: &[u8], from: usize) -> Option<usize> {
    match next_value(buf, from, false) {
        Next::Value(r) => Some(r.end),
        Next::Cut(_) | Next::End => None,
    }
}

/// The first place at or after the boundary `from` where a chunk may end,
/// or `None` if the buffer ends first.
///
/// A chunk ends after a value, but not after any value: a diagnostic quotes
/// a record's first line from the chunk it is in, so that quote must not
/// depend on where the chunk ends. A chunk therefore ends after the line
/// feed that follows a value (only separators between), or right after a
/// value at least as long as the quote; short values on a shared line
/// (`1, 2, 3`) never end a chunk.
pub(crate) fn chunk_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    loop {
        let Next::Value(r) = next_value(buf, pos, false) else {
            return None;
        };
        if r.len() >= EXCERPT_BYTES {
            return Some(r.end);
        }
        let rest = &buf[r.end..];
        let seps = rest.iter().position(|&b| !is_separator(b));
        if let Some(nl) = memchr::memchr(b'\n', &rest[..seps.unwrap_or(rest.len())]) {
            return Some(r.end + nl + 1);
        }
        seps?;
        pos = r.end;
    }
}

/// Given the position just after an opening `"`, the position just after
/// the closing one.
fn string_end(buf: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let hit = pos + memchr2(b'"', b'\\', &buf[pos..])?;
        if buf[hit] == b'"' {
            return Some(hit + 1);
        }
        // A backslash escapes the next byte, whatever it is.
        pos = hit + 2;
        if pos > buf.len() {
            return None;
        }
    }
}

/// Given the position of an opening `{`, the position just after the
/// bracket that closes it (brackets of either kind count; the parser checks
/// that they match).
fn nested_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    loop {
        // Jump to the next quote or closing bracket; the opening brackets
        // passed on the way are outside strings, so they all count. (A
        // byte-by-byte loop made this scan the slowest part of reading.)
        let hit = pos + memchr3(b'"', b'}', b']', &buf[pos..])?;
        depth += buf[pos..hit]
            .iter()
            .filter(|&&b| b == b'{' || b == b'[')
            .count();
        match buf[hit] {
            b'"' => pos = string_end(buf, hit + 1)?,
            _ => {
                // `depth` is at least 1 here: `buf[start]` is `{`.
                depth -= 1;
                if depth == 0 {
                    return Some(hit + 1);
                }
                pos = hit + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `doc` as text, and whether the last one was cut.
    fn values(doc: &str) -> (Vec<&str>, bool) {
        let b = doc.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            match next_value(b, pos, false) {
                Next::Value(r) => {
                    out.push(&doc[r.clone()]);
                    pos = r.end;
                }
                Next::Cut(r) => {
                    out.push(&doc[r]);
                    return (out, true);
                }
                Next::End => return (out, false),
            }
        }
    }

    #[test]
    fn elements_of_an_array() {
        let doc = "[\n  {\"a\": 1},\n  {\"b\": [1, [2, {\"c\": 3}]]}\n]\n";
        assert_eq!(
            values(doc),
            (vec!["{\"a\": 1}", "{\"b\": [1, [2, {\"c\": 3}]]}"], false)
        );
    }

    #[test]
    fn strings_with_brackets_commas_and_escaped_quotes() {
        let doc = r#"[{"t":"a ] b, c } d { e [","u":"say \"hi\" ]\\"},{"v":"\\\""}]"#;
        let (v, cut) = values(doc);
        assert!(!cut);
        assert_eq!(
            v,
            vec![
                r#"{"t":"a ] b, c } d { e [","u":"say \"hi\" ]\\"}"#,
                r#"{"v":"\\\""}"#
            ]
        );
        for one in v {
            serde_json::from_str::<serde_json::Value>(one).unwrap();
        }
    }

    #[test]
    fn objects_one_after_another_and_a_js_prefix_left_over() {
        let doc = "{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n";
        assert_eq!(
            values(doc),
            (vec!["{\n \"a\": 1\n}", "{\n \"b\": 2\n}"], false)
        );
        // Arrays one after another (a page of statuses per line) and a `;`.
        let doc = "[{\"a\":1}]\n[{\"b\":2},{\"c\":3}];\n";
        assert_eq!(values(doc).0.len(), 3);
    }

    #[test]
    fn scalars_and_garbage_are_values_of_their_own() {
        assert_eq!(
            values("[1, true, \"x\", {}]"),
            (vec!["1", "true", "\"x\"", "{}"], false)
        );
        assert_eq!(values("[1, nul"), (vec!["1", "nul"], true));
        // In a chunk, whose end is a boundary, a number may end the chunk.
        assert_eq!(next_value(b"\n 42", 0, true), Next::Value(2..4));
        assert_eq!(next_value(b"\n 42", 0, false), Next::Cut(2..4));
    }

    #[test]
    fn chunks_end_after_a_line_feed_or_a_long_value() {
        let doc = b"[1, 2,\n 3]\n";
        assert_eq!(chunk_end(doc, 0), Some(7));
        assert_eq!(chunk_end(doc, 7), Some(11));
        let long = format!("[{{\"t\":\"{}\"}},{{}}]", "x".repeat(100));
        assert_eq!(chunk_end(long.as_bytes(), 0), Some(109));
        // A short value whose line goes on: more input is needed.
        assert_eq!(chunk_end(b"[{}, ", 0), None);
    }

    #[test]
    fn a_value_cut_by_the_end_of_the_buffer() {
        for doc in [
            "[{\"a\": [1, 2",
            "[{\"a\": \"x",
            "[{\"a\": \"x\\",
            "[{\"a\": \"x\\\"}]",
        ] {
            let (v, cut) = values(doc);
            assert!(cut, "{doc}");
            assert_eq!(v, vec![&doc[1..]]);
            assert_eq!(value_end(doc.as_bytes(), 0), None);
        }
        assert_eq!(values(" \n],\n"), (vec![], false));
    }

    #[test]
    fn boundaries_do_not_depend_on_where_the_scan_starts() {
        let doc = br#"[{"a":"]"},{"b":{"c":"\""}}, {"d":[]} ]"#;
        let mut ends = Vec::new();
        let mut pos = 0;
        while let Some(end) = value_end(doc, pos) {
            ends.push(end);
            pos = end;
        }
        // Restarting from any boundary finds the same later boundaries.
        for (i, &e) in ends.iter().enumerate() {
            let mut pos = e;
            let mut rest = Vec::new();
            while let Some(end) = value_end(doc, pos) {
                rest.push(end);
                pos = end;
            }
            assert_eq!(rest, ends[i + 1..]);
        }
        assert_eq!(ends.len(), 3);
    }
}
