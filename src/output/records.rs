//! Per-record risk output (`--records FILE`): one row per input row with its
//! class and prosecutor risk 1/f_c, plus `individual_risk` (with weights or
//! a population size) and `suda_score`, `dis_score` (with SUDA2), as CSV or
//! Parquet (by extension).

use polars::prelude::*;

use crate::engine::classes::Grouping;
use crate::error::{Error, Result};
use crate::output::write_frame;

/// The per-record table: `row` (1-based input row), `class_id` (as in the
/// report), `class_size` (f_c) and `risk` (1/f_c). With missing values as
/// wildcards, `frequency` holds each record's compatible records f and
/// `risk` is 1/f.
pub fn record_frame(
    grouping: &Grouping,
    per_class: &[(String, Vec<f64>)],
    frequencies: Option<&[u64]>,
) -> Result<DataFrame> {
    let rc = grouping.row_class.as_ref().ok_or_else(|| {
        Error::usage("per-record output needs the row classes (Config::row_classes)")
    })?;
    let sizes = &grouping.table.sizes;
    let rows: Vec<u64> = (1..=rc.len() as u64).collect();
    let size: Vec<u64> = rc.iter().map(|&c| sizes[c as usize]).collect();
    let f: Vec<u64> = match frequencies {
        Some(f) => rc.iter().map(|&c| f[c as usize]).collect(),
        None => size.clone(),
    };
    let risk: Vec<f64> = f.iter().map(|&f| 1.0 / f as f64).collect();
    let mut columns = vec![
        Column::new("row".into(), rows),
        Column::new("class_id".into(), rc.clone()),
        Column::new("class_size".into(), size),
    ];
    if frequencies.is_some() {
        columns.push(Column::new("frequency".into(), f));
    }
    columns.push(Column::new("risk".into(), risk));
    for (name, values) in per_class {
        let v: Vec<f64> = rc.iter().map(|&c| values[c as usize]).collect();
        columns.push(Column::new(name.as_str().into(), v));
    }
    DataFrame::new(rc.len(), columns).map_err(|e| Error::usage(e.to_string()))
}

/// Write the per-record table to `path` (`.parquet` → Parquet, else CSV).
pub fn write_records(
    path: &str,
    grouping: &Grouping,
    per_class: &[(String, Vec<f64>)],
    frequencies: Option<&[u64]>,
) -> Result<()> {
    let mut df = record_frame(grouping, per_class, frequencies)?;
    write_frame(path, &mut df)
}
