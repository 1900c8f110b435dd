//! Any CSV as a frequency table (first column the QI, last the count)
//! through the whole analysis: an error or a report, never a panic; the
//! records reported are the sum of the counts.
#![no_main]
use kanon::run::analyse::{analyse_table, Config};
use kanon::input::{read_bytes, Format, ReadOptions};
use kanon::progress::Silent;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::init();
    let Ok(t) = read_bytes("fuzz.csv", Format::Csv, data, None, &ReadOptions::default()) else {
        return;
    };
    if t.all_columns.len() < 2 {
        return;
    }
    let qi = t.all_columns[0].clone();
    let count = t.all_columns[t.all_columns.len() - 1].clone();
    let cfg = Config {
        input: "fuzz.csv".into(),
        qis: vec![qi],
        count: Some(count),
        ..Config::default()
    };
    if let Ok(a) = analyse_table(&cfg, t, &Silent) {
        let r = &a.report;
        assert!(r.input.records >= r.input.rows);
    }
});
