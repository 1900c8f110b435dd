//! Any bytes as an ARX hierarchy file: an error or a hierarchy whose rows
//! all have the same number of levels.
#![no_main]
use kanon::input::hierarchy::Hierarchy;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::init();
    if let Ok(h) = Hierarchy::parse_bytes("fuzz.csv", data) {
        let width = h.rows[0].len();
        assert!(h.rows.iter().all(|r| r.len() == width));
    }
});
