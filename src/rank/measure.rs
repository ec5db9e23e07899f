//! The volume measures a ranking can use.

use std::fmt;
use std::str::FromStr;

use crate::count::Tallies;
use crate::error::Error;

/// Which count ranks tags: distinct posts (default), occurrences or
/// distinct authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// Distinct posts containing the tag.
    #[default]
    Posts,
    /// Every use of the tag.
    Occurrences,
    /// Distinct authors who used the tag; resists one account flooding it.
    Authors,
}

impl Measure {
    /// The measure's value in `t`.
    pub fn of(self, t: &Tallies) -> u64 {
        match self {
            Measure::Posts => t.posts,
            Measure::Occurrences => t.occurrences,
            Measure::Authors => t.authors,
        }
    }
}

impl FromStr for Measure {
    type Err = Error;
    fn from_str(s: &str) -> Result<Measure, Error> {
        match s {
            "posts" => Ok(Measure::Posts),
            "occurrences" => Ok(Measure::Occurrences),
            "authors" => Ok(Measure::Authors),
            _ => Err(Error::config(format!(
                "unknown measure \"{s}\": expected posts, occurrences or authors"
            ))),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Measure::Posts => "posts",
            Measure::Occurrences => "occurrences",
            Measure::Authors => "authors",
        })
    }
}
