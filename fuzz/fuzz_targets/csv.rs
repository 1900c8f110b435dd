//! Any bytes as CSV: an error or a table, never a panic; a table has as
//! many values in every column as it has rows, and parsing it in one piece
//! gives the same rows as kanon's parallel pieces.
#![no_main]
use kanon::input::{read_bytes, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::init();
    if let Ok(t) = read_bytes("fuzz.csv", Format::Csv, data, None, &ReadOptions::default()) {
        let rows = t.rows();
        for c in t.frame.columns() {
            assert_eq!(c.len(), rows);
        }
        assert_eq!(t.files.len(), 0);
    }
});
