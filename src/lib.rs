//! hashtrend: hashtag counts and trends from exported social-media posts.
#![deny(missing_docs)]

pub mod bucket;
pub mod hashtag;
pub mod normalize;
pub mod synth;
pub mod time;
