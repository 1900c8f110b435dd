//! Any bytes as Parquet: an error or a table, never a panic or an abort.
#![no_main]
use kanon::input::{read_bytes, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::init();
    if let Ok(t) = read_bytes("fuzz", Format::Parquet, data, None, &ReadOptions::default()) {
        for c in t.frame.columns() {
            assert_eq!(c.len(), t.rows());
        }
    }
});
