//! Opening inputs: paths, directories and globs expanded to files; gzip and
//! zstd undone; UTF-16 turned into UTF-8.
//!
//! Compression and UTF-16 are recognized by their first bytes (magic numbers,
//! byte-order marks), never by the file name, so they work on stdin too. A
//! directory is read recursively, in sorted order, taking the files whose
//! extension names a data format ([`DATA_EXTENSIONS`], optionally followed by
//! `.gz`, `.zst` or `.zstd`); other files (a README, a SOURCE.md) are counted
//! as ignored and named in a note.

use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// Extensions of the files read from a directory.
pub const DATA_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "tab", "txt", "psv", "jsonl", "ndjson", "json", "js",
];
/// Compression extensions that may follow a data extension.
const COMPRESSED: &[&str] = &["gz", "zst", "zstd"];

/// The files a command-line path stands for: the file itself, every data
/// file below a directory (recursively, sorted), or the matches of a glob
/// pattern (sorted). Returns the files and the number of non-data files
/// passed over in directories.
pub fn expand(path: &Path) -> Result<(Vec<PathBuf>, usize)> {
    if path.as_os_str() == "-" || path.is_file() {
        return Ok((vec![path.to_path_buf()], 0));
    }
    if path.is_dir() {
        let mut files = Vec::new();
        let mut ignored = 0;
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let p = e.path().unwrap_or(path).to_path_buf();
                Error::new(ErrorKind::Io {
                    path: p,
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("file system loop")),
                })
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            if is_data_file(entry.path()) {
                files.push(entry.into_path());
            } else {
                ignored += 1;
            }
        }
        if files.is_empty() {
            return Err(not_found(
                path,
                format!(
                    "no data files in this directory (looked for {} files, also .gz or .zst)",
                    DATA_EXTENSIONS.join(", ")
                ),
            ));
        }
        return Ok((files, ignored));
    }
    let text = path.to_string_lossy();
    if !path.exists() && text.contains(['*', '?', '[']) {
        let matches = glob::glob(&text)
            .map_err(|e| Error::config(format!("bad glob pattern \"{text}\": {e}")))?;
        let mut files = Vec::new();
        for m in matches {
            let p = m.map_err(|e| {
                let p = e.path().to_path_buf();
                Error::new(ErrorKind::Io {
                    path: p,
                    source: e.into(),
                })
            })?;
            if p.is_file() {
                files.push(p);
            }
        }
        if files.is_empty() {
            return Err(not_found(path, "the pattern matches no file".into()));
        }
        files.sort();
        return Ok((files, 0));
    }
    // Neither a file nor a directory: let opening it report why.
    Ok((vec![path.to_path_buf()], 0))
}

/// An input that names nothing to read: an I/O failure (exit code 1).
fn not_found(path: &Path, message: String) -> Error {
    Error::new(ErrorKind::Io {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::NotFound, message),
    })
}

/// True for a file whose name ends in a data extension, optionally followed
/// by a compression extension.
pub fn is_data_file(path: &Path) -> bool {
    data_path(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DATA_EXTENSIONS.iter().any(|d| d.eq_ignore_ascii_case(e)))
}

/// The path without a trailing compression extension (`posts.csv.gz` →
/// `posts.csv`), to judge the format by.
pub fn data_path(path: &Path) -> &Path {
    let compressed = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSED.iter().any(|c| c.eq_ignore_ascii_case(e)));
    match (compressed, path.file_stem()) {
        (true, Some(stem)) => Path::new(stem),
        _ => path,
    }
}

/// How an input was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Plain bytes.
    Plain,
    /// gzip (every member of a multi-member file is read).
    Gzip,
    /// zstd (windows up to 2 GiB, as Reddit dumps use).
    Zstd,
    /// UTF-16 with a byte-order mark, transcoded to UTF-8.
    Utf16,
}

/// Reads up to `n` bytes from the start of `reader` without losing them:
/// returns them and a reader that yields them again, then the rest.
fn peek(mut reader: Box<dyn Read + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    let again = Box::new(Cursor::new(head.clone()).chain(reader));
    Ok((head, again))
}

/// True when input starting with `head` (its first 4 bytes or all of it)
/// is compressed or UTF-16, so it must be read through [`decode`].
pub fn needs_decoding(head: &[u8]) -> bool {
    head.starts_with(&[0x1F, 0x8B])
        || head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
}

/// Undoes compression and UTF-16 encoding, recognized by the first bytes.
pub fn decode(reader: Box<dyn Read + Send>) -> io::Result<(Box<dyn Read + Send>, Storage)> {
    let (head, reader) = peek(reader, 4)?;
    if head.starts_with(&[0x1F, 0x8B]) {
        let inner: Box<dyn Read + Send> = Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::with_capacity(1 << 16, reader),
        ));
        return Ok((utf16(inner)?.0, Storage::Gzip));
    }
    if head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        let mut dec = zstd::stream::read::Decoder::new(reader)?;
        // Reddit's dumps are written with 2 GiB windows (zstd --long=31).
        dec.window_log_max(31)?;
        let inner: Box<dyn Read + Send> = Box::new(dec);
        return Ok((utf16(inner)?.0, Storage::Zstd));
    }
    utf16(reader)
}

/// Transcodes UTF-16 (recognized by its byte-order mark) to UTF-8.
fn utf16(reader: Box<dyn Read + Send>) -> io::Result<(Box<dyn Read + Send>, Storage)> {
    let (head, reader) = peek(reader, 2)?;
    let encoding = match head.as_slice() {
        [0xFF, 0xFE] => encoding_rs::UTF_16LE,
        [0xFE, 0xFF] => encoding_rs::UTF_16BE,
        _ => return Ok((reader, Storage::Plain)),
    };
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .build(reader);
    Ok((Box::new(decoded), Storage::Utf16))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn read_all(bytes: Vec<u8>) -> (String, Storage) {
        let (mut r, s) = decode(Box::new(Cursor::new(bytes))).unwrap();
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        (out, s)
    }

    #[test]
    fn gzip_with_several_members() {
        let mut all = Vec::new();
        for part in ["a,b\n", "1,#x\n"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            all.extend(e.finish().unwrap());
        }
        assert_eq!(read_all(all), ("a,b\n1,#x\n".to_owned(), Storage::Gzip));
    }

    #[test]
    fn zstd_and_plain() {
        let z = zstd::encode_all(Cursor::new(b"text\n#BCSM\n".to_vec()), 3).unwrap();
        assert_eq!(read_all(z), ("text\n#BCSM\n".to_owned(), Storage::Zstd));
        assert_eq!(read_all(b"x".to_vec()), ("x".to_owned(), Storage::Plain));
        assert_eq!(read_all(Vec::new()), (String::new(), Storage::Plain));
    }

    #[test]
    fn utf16_with_bom_becomes_utf8() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "text\n#健康 😀\n".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(read_all(le).0, "text\n#健康 😀\n");
        assert_eq!(read_all(be).0, "text\n#健康 😀\n");
    }

    #[test]
    fn data_files_by_extension() {
        assert!(is_data_file(Path::new("a/posts.csv")));
        assert!(is_data_file(Path::new("RS_2024-01.ndjson.zst")));
        assert!(is_data_file(Path::new("x.TXT")));
        assert!(!is_data_file(Path::new("SOURCE.md")));
        assert_eq!(
            data_path(Path::new("d/posts.csv.gz")),
            Path::new("posts.csv")
        );
    }
}
