//! # kanon
//!
//! How re-identifiable is a table of personal data, and what to generalise so
//! that it is safe to release. The library is layered; each layer imports
//! only the layers above it in this list (docs/ARCHITECTURE.md):
//!
//! * [`error`], [`choice`], [`progress`], [`notice`], [`json`] — the error
//!   type with its context, named settings, the progress trait a caller
//!   implements, notices as data, and JSON number forms;
//! * [`engine`] — dictionary codes, the parallel radix sort, class tables;
//! * [`input`] — readers (CSV, Parquet, IPC, NDJSON, hierarchies, several
//!   files, streamed batches);
//! * [`measure`] — privacy and risk measures, linkage, column profiles:
//!   pure functions of class tables;
//! * [`gate`] — targets and what they mean, WP216 verdicts;
//! * [`anonymise`] — hierarchies as code maps, the lattice search, applying
//!   a transformation;
//! * [`report`] — the JSON contract;
//! * [`render`] — text, Markdown and HTML for people, in English and Dutch;
//! * [`output`] — writing files whole or not at all;
//! * [`run`] — the use cases (analyse, suggest, anonymise, link, profile,
//!   check, …) as library calls.

pub mod choice;
pub mod error;
pub mod json;
pub mod notice;
pub mod progress;

pub mod anonymise;
pub mod engine;
pub mod gate;
pub mod input;
pub mod measure;
pub mod output;
pub mod render;
pub mod report;
pub mod run;

pub use error::{Error, Result};
