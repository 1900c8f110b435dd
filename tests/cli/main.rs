//! Integration tests that drive the `kanon` binary: exit codes, bad input, every
//! command end to end, golden outputs, the trust cases.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod errors;
mod golden;
mod interface;
mod linkage;
mod policy;
mod profile;
mod report;
mod sql;
mod trust;
mod wp216;
