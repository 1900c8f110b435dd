//! # kanon
//!
//! How re-identifiable is a table of personal data, and what to generalise so
//! that it is safe to release. The library reads a table ([`input`]),
//! encodes its quasi-identifiers once into dense integer codes ([`encode`]),
//! groups them into equivalence classes in parallel ([`classes`]) and
//! computes privacy models ([`privacy`]) and re-identification risk
//! ([`risk`]) from the class table. [`analysis`] ties these together into the
//! report ([`report`]) that the `kanon` command prints.

pub mod classes;
pub mod encode;
pub mod error;
pub mod generalise;
pub mod hierarchy;
pub mod input;
pub mod linkage;
pub mod privacy;
pub mod profile;
pub mod radix;
pub mod risk;
pub mod search;
pub mod special;
pub mod sql;
pub mod stream;

pub use error::{Error, Result};
pub mod analysis;
pub mod anonymise;
pub mod assess;
pub mod baseline;
pub mod cli;
pub mod output;
pub mod policy;
pub mod progress;
pub mod records;
pub mod report;
pub mod synth;
pub mod targets;
pub mod tolerance;
