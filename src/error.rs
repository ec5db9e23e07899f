//! The crate's error type: what went wrong, and where.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::diagnostics::SkipReason;

/// Where in the input something was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The input's name as given (a path, or `-` for standard input).
    pub file: String,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// 0-based byte offset of the record's first byte in the (decompressed) input.
    pub byte_offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {})", self.file, self.line, self.byte_offset)
    }
}

/// The kinds of failure. New kinds may be added, so match with a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input could not be opened or read.
    Io {
        /// The input's name.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Writing the output failed (a closed pipe shows up here as
    /// [`io::ErrorKind::BrokenPipe`]).
    Output(io::Error),
    /// A setting was invalid: an unknown time zone, bucket, column, format.
    Config(String),
    /// An input file as a whole is unusable (say, a CSV file without the
    /// columns hashtrend needs).
    Input {
        /// The input's name.
        file: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A record could not be used and strict mode was on.
    Strict {
        /// Where the record is.
        location: Location,
        /// Why it could not be used.
        reason: SkipReason,
        /// What was found.
        detail: String,
    },
}

/// hashtrend's error: a boxed [`ErrorKind`], so that `Result<T, Error>` stays
/// one pointer wide on the happy path.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

impl Error {
    /// Wraps a kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// A configuration error with the given message.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config(message.into()))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// True when the error is a write to a closed pipe (`hashtrend ... | head`),
    /// which a command-line tool should treat as a quiet end.
    pub fn is_broken_pipe(&self) -> bool {
        match self.kind() {
            ErrorKind::Output(e) | ErrorKind::Io { source: e, .. } => {
                e.kind() == io::ErrorKind::BrokenPipe
            }
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ErrorKind::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ErrorKind::Output(e) => write!(f, "writing output: {e}"),
            ErrorKind::Config(m) => f.write_str(m),
            ErrorKind::Input { file, message } => write!(f, "{file}: {message}"),
            ErrorKind::Strict {
                location,
                reason,
                detail,
            } => write!(f, "{location}: {reason}: {detail} (strict mode)"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::Io { source, .. } => Some(source),
            ErrorKind::Output(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
