//! URL recognition as twitter-text 3.1.0 does it, for rule R7 of
//! `shared/reference/hashtag-rules.md`: a hashtag that overlaps a URL is
//! dropped, so `http://x.com/#BCSM` and `cancer.org/#BCSM` yield nothing.
//!
//! twitter-text finds URLs with one global regex (`extractUrl`): a preceding
//! character, an optional `http://`/`https://`, a domain of dot-separated
//! labels ending in a known top-level domain ([`super::tld`]) or a punycode
//! label, an optional port, path and query. Each match is then checked: the
//! URL must be at most 4096 UTF-16 units and every domain label at most 63
//! characters once punycode-encoded; a URL without a scheme must not follow
//! `-`, `_`, `.` or `/`, and is cut down to the ASCII domains inside it, the
//! last one keeping the path; a `t.co` link ends after its slug. A match that
//! fails a check yields no URL but still consumes its text, exactly as the
//! regex's `lastIndex` does. The JavaScript implementation (not the Java or
//! Ruby one) is the reference, down to its quirks: it works in UTF-16 code
//! units, so a URL attempt may start between the two halves of an emoji
//! ("virtual lead" below), and it locates each ASCII domain with `indexOf`,
//! which can find an earlier copy of the same string.
//!
//! Instead of a backtracking regex this is a scanner driven by the dots of
//! the text: every domain has a dot, so [`Urls`] jumps with `memchr` from dot
//! to dot. For a dot it derives what the regex would: the label run that ends
//! there, the places where a match could start, and the longest domain the
//! greedy `subdomain*` would take. Label walks are memoized, so a text of a
//! million labels is still read a bounded number of times. Scanning is lazy:
//! [`Urls::next_before`] goes only as far as the caller's next hashtag.

use std::ops::Range;

use memchr::memchr;

use super::tld;

/// twitter-text's `MAX_URL_LENGTH`, in UTF-16 code units.
const MAX_URL_LENGTH: usize = 4096;
/// twitter-text's `MAX_TCO_SLUG_LENGTH`: a longer `t.co` slug is no URL.
const MAX_TCO_SLUG_LENGTH: usize = 40;
/// The longest DNS label twitter-text's `idna.toAscii` accepts.
const MAX_LABEL_LENGTH: usize = 63;
/// `"https://".len()`, twitter-text's `DEFAULT_PROTOCOL` for the length check.
const DEFAULT_PROTOCOL_LENGTH: usize = 8;

/// The URLs of a text, found lazily in the order twitter-text finds them.
#[derive(Debug, Clone)]
pub(crate) struct Urls<'a> {
    text: &'a str,
    /// The regex's `lastIndex`: no match may use a character before it.
    last_index: usize,
    /// Where the search for the next dot resumes.
    dot_from: usize,
    /// The next dot at or after `dot_from` with its label run, once looked up.
    next_dot: Option<Option<Dot>>,
    /// The last walk of the domain grammar (see [`Urls::chain_after`]).
    chain: Option<Walk>,
    /// The last walk of the ASCII-domain grammar (see [`ascii_tail`]).
    ascii: Option<Walk>,
    /// A match without scheme whose ASCII domains are being handed out.
    pending: Option<Schemeless>,
    /// A URL found but not yet handed out, because it starts too late.
    peeked: Option<Range<usize>>,
}

/// A dot and the run of label characters right before it (not reaching back
/// before `last_index`).
#[derive(Debug, Clone, Copy)]
struct Dot {
    at: usize,
    run_start: usize,
}

/// The result of a walk along a chain of labels, valid for every dot of the
/// chain: `from` is the dot the walk started at, `until` bounds the dots it
/// passed, `best` is the deepest place a domain could end there: the dot
/// before its top-level domain and the end of that domain.
#[derive(Debug, Clone, Copy)]
struct Walk {
    from: usize,
    until: usize,
    limit: usize,
    best: Option<(usize, usize)>,
}

/// One match of the URL regex, before the checks.
#[derive(Debug, Clone)]
struct Match {
    /// Start of the URL: the scheme, or the domain. For a virtual lead, the
    /// end of the emoji whose second half starts the domain.
    start: usize,
    /// Length of the scheme, 0 if none.
    scheme: usize,
    /// The domain, without the virtual lead.
    domain: Range<usize>,
    /// The lone low surrogate JavaScript sees before `domain`, if the match
    /// starts inside an astral character.
    lead: Option<u16>,
    /// Whether the character before the match is `-`, `_`, `.` or `/`,
    /// which rules out a URL without scheme.
    bad_before: bool,
    /// Whether the match has a path (even a lone `/`).
    path: bool,
    /// End of the whole match.
    end: usize,
}

/// The ASCII domains of a match without scheme, handed out one at a time.
#[derive(Debug, Clone)]
struct Schemeless {
    domain_end: usize,
    /// Where the search for the next ASCII domain resumes (the regex's own
    /// `lastIndex` inside the domain).
    cursor: usize,
    /// Where JavaScript's `indexOf` looks from (its `asciiEndPosition`).
    index_from: usize,
    /// The domain found next, already placed where `indexOf` puts it.
    next: Option<Range<usize>>,
    path: bool,
    end: usize,
}

impl<'a> Urls<'a> {
    /// Prepares to find the URLs of `text`. Reads nothing yet.
    pub(crate) fn new(text: &'a str) -> Self {
        Urls {
            text,
            last_index: 0,
            dot_from: 0,
            next_dot: None,
            chain: None,
            ascii: None,
            pending: None,
            peeked: None,
        }
    }

    /// The next URL (a byte range), provided it starts before `limit`.
    ///
    /// Returns `None` when the next URL starts at or after `limit`, or when
    /// there is none; a later call with a larger limit carries on. URLs come
    /// out in order of their start, and the text is read only as far as
    /// needed to know that no earlier URL is left.
    pub(crate) fn next_before(&mut self, limit: usize) -> Option<Range<usize>> {
        let url = match self.peeked.take() {
            Some(url) => url,
            None => self.next_url(limit)?,
        };
        if url.start < limit {
            Some(url)
        } else {
            self.peeked = Some(url);
            None
        }
    }

    /// The next URL, scanning only dots whose URLs could start before
    /// `limit`.
    fn next_url(&mut self, limit: usize) -> Option<Range<usize>> {
        loop {
            if let Some(pending) = self.pending.as_mut() {
                if let Some(url) = pending.next(self.text, &mut self.ascii) {
                    return Some(url);
                }
                self.pending = None;
            }
            let found = self.next_match(limit)?;
            if let Some(url) = self.accept(found) {
                return Some(url);
            }
        }
    }

    /// The next match of the URL regex whose dot's candidates start before
    /// `limit`.
    fn next_match(&mut self, limit: usize) -> Option<Match> {
        loop {
            let dot = self.peek_dot()?;
            // Every match found at this dot starts at its label run or at a
            // scheme right before it; if that is past `limit`, stop here
            // (a `＃` can sit inside a run, so the dot itself may be later).
            if dot.run_start.saturating_sub("https://".len()) >= limit {
                return None;
            }
            self.set_dot_from(dot.at + 1);
            if let Some(found) = self.match_at(dot) {
                self.last_index = found.end;
                self.set_dot_from(found.end);
                return Some(found);
            }
        }
    }

    fn set_dot_from(&mut self, from: usize) {
        self.dot_from = from;
        self.next_dot = None;
    }

    /// The next dot at or after `dot_from`, looked up once.
    fn peek_dot(&mut self) -> Option<Dot> {
        if self.next_dot.is_none() {
            let bytes = self.text.as_bytes();
            let found = bytes
                .get(self.dot_from..)
                .and_then(|rest| memchr(b'.', rest))
                .map(|i| {
                    let at = self.dot_from + i;
                    Dot {
                        at,
                        run_start: label_run_start(self.text, at, self.last_index),
                    }
                });
            self.next_dot = Some(found);
        }
        self.next_dot.flatten()
    }

    /// The regex's first match among the attempts whose first label ends at
    /// `dot`, in the order the regex tries them.
    fn match_at(&mut self, dot: Dot) -> Option<Match> {
        let text = self.text;
        let (d, r0, lo) = (dot.at, dot.run_start, self.last_index);
        if r0 == d {
            return None;
        }
        // What follows the first label is the same for every attempt: a
        // longer domain through later labels, or a top-level domain right
        // after this dot.
        let deeper = self.chain_after(d);
        let here = tld_at(text, d + 1, text.len());
        if deeper.is_none() && here.is_none() {
            return None;
        }
        let run = &text[r0..d];
        let last_underscore = run.rfind('_').map(|i| r0 + i);
        let ends_well = run.chars().next_back().is_some_and(is_domain_char);
        let domain_end = |s: usize, lead: bool| -> Option<usize> {
            let starts_well = lead || text[s..].chars().next().is_some_and(is_domain_char);
            let ends_well = if s == d { lead } else { ends_well };
            if !(starts_well && ends_well) {
                return None;
            }
            // Greedy `subdomain*` prefers taking this label as a subdomain;
            // as the domain name it must not contain `_`.
            deeper.or(if last_underscore.is_some_and(|u| u >= s) {
                None
            } else {
                here
            })
        };

        // With a scheme the match starts before the label run, so it is
        // tried first.
        if let Some(start) = scheme_start(text, r0, lo)
            && let Some(e) = domain_end(r0, false)
        {
            return Some(self.complete(start, r0 - start, r0, None, false, e));
        }
        // Then, character by character, a start right after each allowed
        // preceding character `c`, in the regex's order. It steps through
        // UTF-16 units: an astral `c` first offers a start at its own low
        // surrogate (a domain character to JavaScript), and the `^`
        // alternative at the very start of the text comes after the
        // character-class one of the first unit.
        let first = if r0 > lo {
            text[..r0].char_indices().next_back().map_or(r0, |(i, _)| i)
        } else {
            r0
        };
        for (i, c) in text[first..d].char_indices() {
            let p = first + i;
            let next = p + c.len_utf8();
            let valid = is_valid_preceding(c);
            let astral = c.len_utf8() == 4;
            if valid
                && astral
                && let Some(e) = domain_end(next, true)
            {
                let lead = low_surrogate(c);
                return Some(self.complete(next, 0, next, Some(lead), false, e));
            }
            let after_c = |urls: &Self| {
                if !(valid && next < d) {
                    return None;
                }
                let e = domain_end(next, false)?;
                let bad = matches!(c, '-' | '_' | '.' | '/');
                Some(urls.complete(next, 0, next, None, bad, e))
            };
            if !astral && let Some(found) = after_c(self) {
                return Some(found);
            }
            if p == 0
                && r0 == 0
                && let Some(e) = domain_end(0, false)
            {
                return Some(self.complete(0, 0, 0, None, false, e));
            }
            if astral && let Some(found) = after_c(self) {
                return Some(found);
            }
        }
        None
    }

    /// Adds port, path and query to a match whose domain is
    /// `domain_start..domain_end`.
    fn complete(
        &self,
        start: usize,
        scheme: usize,
        domain_start: usize,
        lead: Option<u16>,
        bad_before: bool,
        domain_end: usize,
    ) -> Match {
        let bytes = self.text.as_bytes();
        let mut end = domain_end;
        if bytes.get(end) == Some(&b':') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        let path = bytes.get(end) == Some(&b'/');
        if path {
            end = path_end(self.text, end + 1);
        }
        if bytes.get(end) == Some(&b'?')
            && let Some(q) = query_end(bytes, end + 1, bytes.len())
        {
            end = q;
        }
        Match {
            start,
            scheme,
            domain: domain_start..domain_end,
            lead,
            bad_before,
            path,
            end,
        }
    }

    /// Runs twitter-text's checks on a match: the URL it yields, if any
    /// (a match without scheme may yield several, handed out through
    /// `pending`).
    fn accept(&mut self, found: Match) -> Option<Range<usize>> {
        if !self.is_valid(&found) {
            return None;
        }
        if found.scheme > 0 {
            return match tco_end(self.text.as_bytes(), found.start + found.scheme, found.end) {
                Tco::No => Some(found.start..found.end),
                Tco::End(end) => Some(found.start..end),
                Tco::SlugTooLong => None,
            };
        }
        if found.bad_before {
            return None;
        }
        let mut schemeless = Schemeless {
            domain_end: found.domain.end,
            cursor: found.domain.start,
            index_from: found.domain.start,
            next: None,
            path: found.path,
            end: found.end,
        };
        schemeless.next = schemeless.find(self.text, &mut self.ascii);
        let first = schemeless.next(self.text, &mut self.ascii)?;
        self.pending = Some(schemeless);
        Some(first)
    }

    /// twitter-text's `isValidUrl`: a domain starting `xn--` must hold an
    /// ASCII domain, every label must be 1 to 63 characters once
    /// punycode-encoded, and the URL at most 4096 UTF-16 units counting the
    /// scheme twice (or `https://` once if it has none).
    fn is_valid(&mut self, found: &Match) -> bool {
        let domain = &self.text[found.domain.clone()];
        if found.lead.is_none()
            && domain.starts_with("xn--")
            && find_ascii_domain(
                self.text,
                found.domain.start,
                found.domain.end,
                &mut self.ascii,
            )
            .is_none()
        {
            return false;
        }
        let mut lead = found.lead;
        for label in domain.split('.') {
            let len = punycode_label_len(lead.take(), label);
            if !(1..=MAX_LABEL_LENGTH).contains(&len) {
                return false;
            }
        }
        let scheme = if found.scheme > 0 {
            found.scheme
        } else {
            DEFAULT_PROTOCOL_LENGTH
        };
        let url = &self.text[found.start..found.end];
        let units =
            usize::from(found.lead.is_some()) + url.chars().map(char::len_utf16).sum::<usize>();
        scheme + units <= MAX_URL_LENGTH
    }

    /// The end of the deepest domain reachable through the labels after
    /// `dot`, each a subdomain but the last, which is the domain name before
    /// a top-level domain. Memoized over the chain of labels walked, so that
    /// trying the dots of one chain one after another stays linear.
    fn chain_after(&mut self, dot: usize) -> Option<usize> {
        let text = self.text;
        if let Some(walk) = self.chain
            && walk.from <= dot
            && dot < walk.until
        {
            return walk.best.filter(|&(at, _)| at > dot).map(|(_, end)| end);
        }
        let bytes = text.as_bytes();
        let mut best = None;
        let mut at = dot;
        let until = loop {
            let label = label_at(text, at + 1);
            if label.end == at + 1 || bytes.get(label.end) != Some(&b'.') {
                break label.end;
            }
            if label.well_formed
                && !label.underscore
                && let Some(end) = tld_at(text, label.end + 1, text.len())
            {
                best = Some((label.end, end));
            }
            if !label.well_formed {
                break label.end;
            }
            at = label.end;
        };
        self.chain = Some(Walk {
            from: dot,
            until,
            limit: text.len(),
            best,
        });
        best.map(|(_, end)| end)
    }
}

impl Schemeless {
    /// The next ASCII domain; the last one takes the path and query along.
    fn next(&mut self, text: &str, memo: &mut Option<Walk>) -> Option<Range<usize>> {
        let current = self.next.take()?;
        self.next = self.find(text, memo);
        if self.next.is_none() && self.path {
            Some(current.start..self.end)
        } else {
            Some(current)
        }
    }

    /// Finds the next ASCII domain, then places it with `indexOf` semantics:
    /// the first copy of the same string at or after the end of the
    /// previous one. That is normally the domain itself, but in
    /// `ab.coma中ab.com` it is the `ab.com` at the front.
    fn find(&mut self, text: &str, memo: &mut Option<Walk>) -> Option<Range<usize>> {
        let found = find_ascii_domain(text, self.cursor, self.domain_end, memo)?;
        self.cursor = found.end;
        let needle = &text[found.clone()];
        let at = text[self.index_from..self.domain_end]
            .find(needle)
            .map_or(found.start, |i| self.index_from + i);
        self.index_from = at + needle.len();
        Some(at..self.index_from)
    }
}

/// A label: a run of domain characters, `-` and `_`.
struct Label {
    end: usize,
    /// It starts and ends with a domain character, as a subdomain must.
    well_formed: bool,
    /// It has a `_`, which a domain name (the label before the top-level
    /// domain) must not.
    underscore: bool,
}

/// The label starting at `start`.
fn label_at(text: &str, start: usize) -> Label {
    let mut end = start;
    let mut first = None;
    let mut last = false;
    let mut underscore = false;
    for c in text[start..].chars() {
        if !is_label_char(c) {
            break;
        }
        let domain_char = is_domain_char(c);
        first.get_or_insert(domain_char);
        last = domain_char;
        underscore |= c == '_';
        end += c.len_utf8();
    }
    Label {
        end,
        well_formed: first == Some(true) && last,
        underscore,
    }
}

/// Start of the run of label characters that ends at `end`, not before `lo`.
fn label_run_start(text: &str, end: usize, lo: usize) -> usize {
    let mut start = end;
    for (i, c) in text[lo..end].char_indices().rev() {
        if !is_label_char(c) {
            break;
        }
        start = lo + i;
    }
    start
}

/// If `http://` or `https://` (any case) ends at `domain_start` and may
/// start a match, where it starts.
fn scheme_start(text: &str, domain_start: usize, lo: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let ends_with = |scheme: &[u8]| {
        domain_start >= scheme.len()
            && bytes[domain_start - scheme.len()..domain_start].eq_ignore_ascii_case(scheme)
    };
    let start = if ends_with(b"https://") {
        domain_start - 8
    } else if ends_with(b"http://") {
        domain_start - 7
    } else {
        return None;
    };
    if start == 0 && lo == 0 {
        return Some(0);
    }
    let before = text[..start].chars().next_back()?;
    (start > lo && is_valid_preceding(before)).then_some(start)
}

/// End of the top-level domain at `at` (the regex's `validGTLD |
/// validCCTLD | validPunycode`), looking no further than `limit`.
///
/// A listed domain must not be followed by an ASCII letter or digit, `@`,
/// `+` or `-`; a punycode one (`xn--` and more) needs no such thing.
fn tld_at(text: &str, at: usize, limit: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[..limit];
    if at >= limit {
        return None;
    }
    let free_after = |end: usize| {
        bytes
            .get(end)
            .is_none_or(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'@' | b'+' | b'-')))
    };
    let ascii_end = at
        + bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
    if ascii_end > at && free_after(ascii_end) && tld::is_ascii_tld(&bytes[at..ascii_end]) {
        return Some(ascii_end);
    }
    // Names with non-ASCII characters start with one, but for two German
    // ones (`vermögensberater`, `vermögensberatung`).
    let non_ascii_next = |i: usize| bytes.get(i).is_some_and(|&b| b >= 0x80);
    if (non_ascii_next(at) || (ascii_end > at && non_ascii_next(ascii_end)))
        && let Some(len) =
            tld::non_ascii_prefixes(&text[at..limit]).find(|&len| free_after(at + len))
    {
        return Some(at + len);
    }
    if bytes[at..].len() > 4 && bytes[at..at + 4].eq_ignore_ascii_case(b"xn--") {
        let end = at
            + 4
            + bytes[at + 4..]
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-')
                .count();
        if end > at + 4 {
            return Some(end);
        }
    }
    None
}

/// The first ASCII domain (`validAsciiDomain`: labels of ASCII letters,
/// digits, `-` and Latin accented letters, then a top-level domain) in
/// `from..limit`.
fn find_ascii_domain(
    text: &str,
    from: usize,
    limit: usize,
    memo: &mut Option<Walk>,
) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut pos = from;
    while let Some(i) = memchr(b'.', &bytes[pos..limit]) {
        let dot = pos + i;
        let mut start = dot;
        for (j, c) in text[pos..dot].char_indices().rev() {
            if !is_ascii_label_char(c) {
                break;
            }
            start = pos + j;
        }
        if start < dot
            && let Some(end) = ascii_tail(text, dot, limit, memo)
        {
            return Some(start..end);
        }
        pos = dot + 1;
    }
    None
}

/// The end of the deepest top-level domain after `dot` or after one of the
/// ASCII labels that follow it, looking no further than `limit`; memoized
/// like [`Urls::chain_after`].
fn ascii_tail(text: &str, dot: usize, limit: usize, memo: &mut Option<Walk>) -> Option<usize> {
    if let Some(walk) = *memo
        && walk.limit == limit
        && walk.from <= dot
        && dot < walk.until
    {
        return walk.best.filter(|&(at, _)| at >= dot).map(|(_, end)| end);
    }
    let bytes = text.as_bytes();
    let mut best = None;
    let mut at = dot;
    let until = loop {
        if let Some(end) = tld_at(text, at + 1, limit) {
            best = Some((at, end));
        }
        let label_end = at
            + 1
            + text[at + 1..limit]
                .chars()
                .take_while(|&c| is_ascii_label_char(c))
                .map(char::len_utf8)
                .sum::<usize>();
        if label_end > at + 1 && label_end < limit && bytes[label_end] == b'.' {
            at = label_end;
        } else {
            break label_end;
        }
    };
    *memo = Some(Walk {
        from: dot,
        until,
        limit,
        best,
    });
    best.map(|(_, end)| end)
}

/// End of a path whose first character (after the `/`) is at `start`.
///
/// The path is a sequence of units, each either path characters and
/// balanced parenthesized groups ending with a path-ending character, or a
/// lone group. (twitter-text pastes the ending-character regex, itself an
/// alternation, unbracketed into the unit regex, which is what makes a
/// group a unit of its own.) So the path runs to its last ending character
/// and any groups right after it: `/a(b)` and `/(b)` are whole, `/.(b)` is
/// just `/`.
fn path_end(text: &str, start: usize) -> usize {
    let mut pos = start;
    let mut end = start;
    // Whether the path up to `pos` is a sequence of whole units.
    let mut whole = true;
    while let Some(c) = text[pos..].chars().next() {
        if c == '(' {
            let Some(after) = parens_end(text, pos) else {
                break;
            };
            pos = after;
        } else if is_path_char(c) {
            pos += c.len_utf8();
            whole = is_path_end_char(c);
        } else {
            break;
        }
        if whole {
            end = pos;
        }
    }
    end
}

/// End of the balanced group opening at `open`: `(` path characters `)`,
/// or one level of nesting, `(a(b)c)`.
fn parens_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let run = |from: usize| {
        from + text[from..]
            .chars()
            .take_while(|&c| is_path_char(c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let inner = run(open + 1);
    match bytes.get(inner) {
        Some(b')') if inner > open + 1 => Some(inner + 1),
        Some(b'(') => {
            let nested = run(inner + 1);
            if nested == inner + 1 || bytes.get(nested) != Some(&b')') {
                return None;
            }
            let after = run(nested + 1);
            (bytes.get(after) == Some(&b')')).then_some(after + 1)
        }
        _ => None,
    }
}

/// End of a query whose first character (after the `?`) is at `start`: the
/// last query-ending character of the run of query characters, if any.
fn query_end(bytes: &[u8], start: usize, limit: usize) -> Option<usize> {
    let mut end = None;
    for (i, &b) in bytes[start..limit].iter().enumerate() {
        if b >= 0x80 || ASCII_CLASSES[b as usize] & QUERY == 0 {
            break;
        }
        if ASCII_CLASSES[b as usize] & QUERY_END != 0 {
            end = Some(start + i + 1);
        }
    }
    end
}

/// What twitter-text's `t.co` rule makes of a URL with scheme.
enum Tco {
    /// Not a `t.co/slug` URL: unchanged.
    No,
    /// A `t.co` URL: it ends after the slug and the query right after it.
    End(usize),
    /// A `t.co` slug longer than 40 characters: no URL at all.
    SlugTooLong,
}

/// Applies the `t.co` rule to the URL `..end` whose scheme ends at
/// `after_scheme`.
fn tco_end(bytes: &[u8], after_scheme: usize, end: usize) -> Tco {
    let rest = &bytes[after_scheme..end];
    if rest.len() < 5 || !rest[..5].eq_ignore_ascii_case(b"t.co/") {
        return Tco::No;
    }
    let slug = rest[5..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if slug == 0 {
        return Tco::No;
    }
    if slug > MAX_TCO_SLUG_LENGTH {
        return Tco::SlugTooLong;
    }
    let mut tco = after_scheme + 5 + slug;
    if bytes.get(tco) == Some(&b'?')
        && tco < end
        && let Some(q) = query_end(bytes, tco + 1, end)
    {
        tco = q;
    }
    Tco::End(tco)
}

/// Length of JavaScript's `punycode.toASCII(label)` (punycode.js 1.4), with
/// the lone surrogate `lead` in front if any; any value above 63 may be
/// returned as 64.
///
/// toASCII splits the label at `。`, `．` and `｡` as well, and encodes
/// each part holding a character outside `\x20..=\x7E` as `xn--` and its
/// Bootstring form.
fn punycode_label_len(lead: Option<u16>, label: &str) -> usize {
    const TOO_LONG: usize = MAX_LABEL_LENGTH + 1;
    let mut total = 0;
    let mut parts = 0;
    let mut lead = lead.map(u32::from);
    for part in label.split(['\u{3002}', '\u{FF0E}', '\u{FF61}']) {
        let mut points = [0u32; MAX_LABEL_LENGTH];
        let mut count = 0;
        for point in lead.take().into_iter().chain(part.chars().map(u32::from)) {
            if count == MAX_LABEL_LENGTH {
                // Each code point costs at least one character.
                return TOO_LONG;
            }
            points[count] = point;
            count += 1;
        }
        let points = &points[..count];
        let plain = points.iter().all(|p| (0x20..=0x7E).contains(p));
        total += if plain {
            count
        } else {
            "xn--".len() + bootstring_len(points)
        };
        parts += 1;
        if total + parts - 1 > MAX_LABEL_LENGTH {
            return TOO_LONG;
        }
    }
    total + parts - 1
}

/// Length of the Bootstring (RFC 3492) encoding of `points`, computed by
/// running the encoder without writing its output.
fn bootstring_len(points: &[u32]) -> usize {
    const BASE: u64 = 36;
    const T_MIN: u64 = 1;
    const T_MAX: u64 = 26;
    let basic = points.iter().filter(|&&p| p < 0x80).count();
    let mut len = basic + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (0x80u64, 0u64, 72u64, basic);
    while handled < points.len() {
        let Some(m) = points
            .iter()
            .map(|&p| u64::from(p))
            .filter(|&p| p >= n)
            .min()
        else {
            break;
        };
        delta += (m - n) * (handled as u64 + 1);
        n = m;
        for &p in points {
            let p = u64::from(p);
            if p < n {
                delta += 1;
            }
            if p == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    len += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                len += 1;
                bias = adapt(delta, handled as u64 + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    len
}

/// Bootstring's bias adaptation (RFC 3492, section 6.1).
fn adapt(delta: u64, points: u64, first: bool) -> u64 {
    const BASE_MINUS_T_MIN: u64 = 35;
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > BASE_MINUS_T_MIN * 26 / 2 {
        delta /= BASE_MINUS_T_MIN;
        k += 36;
    }
    k + (BASE_MINUS_T_MIN + 1) * delta / (delta + 38)
}

/// The low surrogate of an astral character, as JavaScript sees it.
fn low_surrogate(c: char) -> u16 {
    let mut units = [0u16; 2];
    c.encode_utf16(&mut units);
    units[1]
}

// Character classes of the URL regex. JavaScript's `i` flag (without `u`)
// lets a non-ASCII character match a class when its uppercase form does, so
// the Cyrillic and Latin ranges below gain a few characters outside them.

/// Bit of [`ASCII_CLASSES`]: a domain character (not punctuation, space or
/// an invalid character; `"` and `` ` `` are not punctuation to twitter-text).
const DOMAIN: u8 = 1;
/// Bit: a general path character.
const PATH: u8 = 2;
/// Bit: a character a path may end with.
const PATH_END: u8 = 4;
/// Bit: a query character.
const QUERY: u8 = 8;
/// Bit: a character a query may end with.
const QUERY_END: u8 = 16;
/// Bit: a character of an ASCII domain label.
const ASCII_LABEL: u8 = 32;

/// The classes of the ASCII characters.
static ASCII_CLASSES: [u8; 128] = {
    const fn has(set: &[u8], b: u8) -> bool {
        let mut i = 0;
        while i < set.len() {
            if set[i] == b {
                return true;
            }
            i += 1;
        }
        false
    }
    const PUNCT: &[u8] = b"!'#%&()*+,\\-./:;<=>?@[]^_{|}~$";
    const SPACE: &[u8] = b"\t\n\x0B\x0C\r ";
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut class = 0;
        if !has(PUNCT, b) && !has(SPACE, b) {
            class |= DOMAIN;
        }
        if alnum || has(b"!*';:=+,.$/%#[]-_~@|&", b) {
            class |= PATH;
        }
        if alnum || has(b"+-=_#/", b) {
            class |= PATH_END;
        }
        if alnum || has(b"!?*'@();:&=+$/%#[]-_.,~|", b) {
            class |= QUERY;
        }
        if alnum || has(b"-_&=#/", b) {
            class |= QUERY_END;
        }
        if alnum || b == b'-' {
            class |= ASCII_LABEL;
        }
        table[i] = class;
        i += 1;
    }
    table
};

/// `validDomainChars`: anything but punctuation, spaces, U+FFFE, U+FEFF,
/// U+FFFF and the directional marks.
fn is_domain_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_CLASSES[c as usize] & DOMAIN != 0;
    }
    !matches!(
        c,
        '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FFFE}'
            | '\u{FEFF}'
            | '\u{FFFF}'
            | '\u{202A}'..='\u{202E}'
            | '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// A character of a domain label: a domain character, `-` or `_`.
fn is_label_char(c: char) -> bool {
    c == '-' || c == '_' || is_domain_char(c)
}

/// `validUrlPrecedingChars`: what may come right before a URL.
fn is_valid_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            '@' | '$' | '#' | '\u{FF20}' | '\u{FF03}' | '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}'
        ))
}

/// `latinAccentChars` under the `i` flag.
fn is_latin_accent(c: char) -> bool {
    matches!(
        c,
        '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{24F}'
            | '\u{253}'
            | '\u{254}'
            | '\u{256}'
            | '\u{257}'
            | '\u{259}'
            | '\u{25B}'
            | '\u{263}'
            | '\u{268}'
            | '\u{26F}'
            | '\u{272}'
            | '\u{289}'
            | '\u{28B}'
            | '\u{2BB}'
            | '\u{300}'..='\u{36F}'
            | '\u{1E00}'..='\u{1EFF}'
            // Matched through their uppercase forms.
            | '\u{260}'
            | '\u{269}'
            | '\u{275}'
            | '\u{280}'
            | '\u{283}'
            | '\u{288}'
            | '\u{28A}'
            | '\u{28C}'
            | '\u{292}'
            | '\u{399}'
            | '\u{3B9}'
            | '\u{1FBE}'
            | '\u{2C65}'
            | '\u{2C66}'
            | '\u{2C7E}'
            | '\u{2C7F}'
    )
}

/// The Cyrillic block under the `i` flag.
fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4FF}' | '\u{1C80}'..='\u{1C87}')
}

/// `validGeneralUrlPathChars`.
fn is_path_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_CLASSES[c as usize] & PATH != 0;
    }
    c == '\u{2013}' || is_cyrillic(c) || is_latin_accent(c)
}

/// `validUrlPathEndingChars`, parentheses aside.
fn is_path_end_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_CLASSES[c as usize] & PATH_END != 0;
    }
    is_cyrillic(c) || is_latin_accent(c)
}

/// A character of `validAsciiDomain`'s labels.
fn is_ascii_label_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_CLASSES[c as usize] & ASCII_LABEL != 0;
    }
    is_latin_accent(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every URL of `text`, as twitter-text's `extractUrls` lists them.
    fn urls(text: &str) -> Vec<&str> {
        let mut found = Urls::new(text);
        std::iter::from_fn(|| found.next_before(usize::MAX))
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn with_and_without_scheme() {
        assert_eq!(
            urls("text http://x.com/oneletterdomain"),
            ["http://x.com/oneletterdomain"]
        );
        assert_eq!(
            urls("foo.com foo.net foo.org foo.edu foo.gov"),
            ["foo.com", "foo.net", "foo.org", "foo.edu", "foo.gov"]
        );
        assert_eq!(
            urls(
                "foo.baz foo.co.jp www.xxxxxxx.baz www.foo.co.uk wwwww.xxxxxxx foo.comm foo.somecom foo.govedu foo.jp"
            ),
            ["foo.co.jp", "www.foo.co.uk", "foo.jp"]
        );
        assert_eq!(
            urls("MLB.tv vine.co twitch.tv t.co"),
            ["MLB.tv", "vine.co", "twitch.tv", "t.co"]
        );
        assert_eq!(urls("test http://a_b.c-d.com"), ["http://a_b.c-d.com"]);
        assert_eq!(
            urls("test http://sub_domain-dash.twitter.com"),
            ["http://sub_domain-dash.twitter.com"]
        );
    }

    #[test]
    fn rejected_domains() {
        assert!(urls("text http://no-tld").is_empty());
        assert!(urls("text http://tld-too-short.x").is_empty());
        assert!(urls("text http://domain.com-that-you-should-have-put-a-space-after").is_empty());
        assert!(urls("text http://domain-dash_2314352345_dfasd.foo-cow_4352.com").is_empty());
        assert!(
            urls("Email me at name.al-lastname@foo.com or name.al+lastname@foo.com").is_empty()
        );
        assert!(urls("Hello http://xn--はじめよう.com/index.html").is_empty());
        let long = format!("http://{}.com/path", "あ".repeat(64));
        assert!(urls(&long).is_empty());
    }

    #[test]
    fn paths_queries_and_parentheses() {
        assert_eq!(
            urls(
                "text http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx"
            ),
            ["http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx"]
        );
        assert_eq!(
            urls("Go to http://example.com/a+ or http://example.com/a-"),
            ["http://example.com/a+", "http://example.com/a-"]
        );
        assert_eq!(urls("see http://x.com/a(b)c). and"), ["http://x.com/a(b)c"]);
        assert_eq!(
            urls("a x.com/x(m[m)(n) x.com/(n) x.com/.%(mm)"),
            ["x.com/x(m[m)(n)", "x.com/(n)", "x.com/"]
        );
        assert_eq!(
            urls("text http://foo.com?#foo text"),
            ["http://foo.com?#foo"]
        );
        assert_eq!(
            urls("http://en.wikipedia.org/wiki/\"#Punctuation"),
            ["http://en.wikipedia.org/wiki/"]
        );
        assert_eq!(
            urls("Go to https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud please"),
            ["https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud"]
        );
    }

    #[test]
    fn cjk_surroundings_split_schemeless_urls() {
        assert_eq!(
            urls(
                "twitter.comこれは日本語です。example.com中国語t.co/abcde한국twitter.com example2.comテストtwitter.com/abcde"
            ),
            [
                "twitter.com",
                "example.com",
                "t.co/abcde",
                "twitter.com",
                "example2.com",
                "twitter.com/abcde"
            ]
        );
    }

    #[test]
    fn tco_slugs() {
        assert_eq!(
            urls(
                "http://t.co/pbY2NfTZ's http://t.co/8MkmHU0k+c http://t.co/8t7G3ddS#a https://t.co/asdfdf?a=b#123"
            ),
            [
                "http://t.co/pbY2NfTZ",
                "http://t.co/8MkmHU0k",
                "http://t.co/8t7G3ddS",
                "https://t.co/asdfdf?a=b#123"
            ]
        );
        let long = format!("http://t.co/{}", "a".repeat(41));
        assert!(urls(&long).is_empty());
    }

    #[test]
    fn preceding_characters() {
        assert_eq!(urls("(http://twitter.com"), ["http://twitter.com"]);
        assert!(urls("#test.com @test.com #http://test.com @http://test.com").is_empty());
        assert!(urls("a_b.com -x.com /x.com").is_empty());
    }

    #[test]
    fn index_of_quirk_places_the_first_copy() {
        // The ASCII domain found is the second `ab.com`; indexOf finds the
        // first one, and the path goes with it.
        let text = "x ab.coma中ab.com/p";
        let mut found = Urls::new(text);
        assert_eq!(found.next_before(usize::MAX), Some(2..text.len()));
    }

    #[test]
    fn lazy_scanning_stops_at_the_limit() {
        let text = "a #x b.com c";
        let mut found = Urls::new(text);
        assert_eq!(found.next_before(2), None);
        assert_eq!(found.next_before(usize::MAX), Some(5..10));
        assert_eq!(found.next_before(usize::MAX), None);
    }

    #[test]
    fn punycode_lengths() {
        // "bücher" is "xn--bcher-kva"; "例え" is "xn--r8jz45g".
        assert_eq!(punycode_label_len(None, "bücher"), 13);
        assert_eq!(punycode_label_len(None, "例え"), 11);
        assert_eq!(punycode_label_len(None, "plain"), 5);
        assert_eq!(punycode_label_len(None, "a。b"), 3);
        assert_eq!(punycode_label_len(None, &"a".repeat(63)), 63);
        assert!(punycode_label_len(None, &"a".repeat(64)) > MAX_LABEL_LENGTH);
    }

    #[test]
    fn pathological_inputs_stay_fast() {
        for unit in [
            "a.", "a.com/", "中", "中.", "a_", "#", ".", "x.co.", "(a", "http://",
        ] {
            let text = unit.repeat(200_000 / unit.len());
            let mut found = Urls::new(&text);
            let mut n = 0;
            while found.next_before(usize::MAX).is_some() {
                n += 1;
            }
            assert!(n <= text.len());
        }
    }
}
