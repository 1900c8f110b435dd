//! Columns of a table read as kanon uses them: encoded into dictionary
//! codes (quasi-identifiers, sensitive attributes, ids), or as numbers
//! (weights) and whole counts (frequency tables), every bad cell named by
//! its row.

use polars::prelude::*;

use super::Table;
use rayon::prelude::*;

use std::borrow::Cow;

use crate::engine::encode::{encode_series, encode_text, EncodedColumn, RawText};
use crate::error::{Error, Result};

/// Where a column to encode comes from: the reader's codes (borrowed,
/// or taken out of the table) or the values.
enum From<'a> {
    Codes(Cow<'a, RawText>),
    Values(&'a Series),
}

/// Encode columns in parallel, each with its own missing tokens.
fn encode_from(source: &str, from: Vec<(&str, &[String], From)>) -> Result<Vec<EncodedColumn>> {
    from.into_par_iter()
        .map(|(name, tokens, f)| match f {
            From::Codes(raw) => Ok(encode_text(name, raw.into_owned(), tokens)),
            From::Values(s) => encode_series(source, name, s, tokens),
        })
        .collect()
}

/// Encode the named columns of a table (in parallel), from the codes the
/// reader made where it made them ([`Table::coded`]), else from the values.
pub fn encode(table: &Table, qis: &[String], tokens: &[String]) -> Result<Vec<EncodedColumn>> {
    let from = qis
        .iter()
        .map(|q| {
            let f = match table.coded(q) {
                Some(raw) => From::Codes(Cow::Borrowed(raw)),
                None => From::Values(table.column(q)?),
            };
            Ok((q.as_str(), tokens, f))
        })
        .collect::<Result<_>>()?;
    encode_from(&table.source, from)
}

/// Encode several columns of a table, each with its own missing tokens,
/// taking the reader's codes out of the table on their last use (so they
/// are rewritten in place, not copied). Same result as [`encode`].
pub fn encode_taking(
    table: &mut Table,
    columns: &[(&String, &[String])],
) -> Result<Vec<EncodedColumn>> {
    let mut owned: Vec<Option<RawText>> = Vec::with_capacity(columns.len());
    for (i, (name, _)) in columns.iter().enumerate() {
        let last = !columns[i + 1..].iter().any(|(n, _)| n == name);
        owned.push(match table.coded.iter().position(|(n, _)| n == *name) {
            Some(at) if last => Some(table.coded.swap_remove(at).1),
            Some(at) => Some(table.coded[at].1.clone()),
            None => None,
        });
    }
    let table = &*table;
    let from = columns
        .iter()
        .zip(owned)
        .map(|((name, tokens), raw)| {
            let f = match raw {
                Some(raw) => From::Codes(Cow::Owned(raw)),
                None => From::Values(table.column(name)?),
            };
            Ok((name.as_str(), *tokens, f))
        })
        .collect::<Result<_>>()?;
    encode_from(&table.source, from)
}

/// Parse a numeric column cell by cell, naming the row of the first bad cell.
fn numeric_cells(table: &Table, name: &str) -> Result<Vec<f64>> {
    let s = table.column(name)?;
    let source = &table.source;
    if s.dtype() == &DataType::String {
        let ca = s
            .str()
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        ca.iter()
            .enumerate()
            .map(|(i, v)| {
                let row = i as u64 + 1;
                let v =
                    v.ok_or_else(|| Error::cell(source, Some(name), row, "value is missing"))?;
                v.trim().parse::<f64>().map_err(|_| {
                    Error::cell(source, Some(name), row, "is not a number").with_value(v)
                })
            })
            .collect()
    } else if s.dtype().is_primitive_numeric() {
        let f = s
            .cast(&DataType::Float64)
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        let ca = f
            .f64()
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        ca.iter()
            .enumerate()
            .map(|(i, v)| {
                v.ok_or_else(|| Error::cell(source, Some(name), i as u64 + 1, "value is missing"))
            })
            .collect()
    } else {
        Err(Error::column(
            source,
            name,
            format!("expected numbers, found values of type {}", s.dtype()),
        ))
    }
}

/// Sampling weights: finite and positive.
pub fn read_weights(table: &Table, name: &str) -> Result<Vec<f64>> {
    let w = numeric_cells(table, name)?;
    if let Some((i, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0))
    {
        return Err(Error::cell(
            &table.source,
            Some(name),
            i as u64 + 1,
            "the weight is not a positive number",
        )
        .with_value(v.to_string()));
    }
    Ok(w)
}

/// Record counts of a frequency table: whole numbers ≥ 1, read as
/// integers (never through a float), with a total that fits 64 bits.
pub fn read_counts(table: &Table, name: &str) -> Result<Vec<u64>> {
    let s = table.column(name)?;
    let source = &table.source;
    let bad = |row: usize, v: String| {
        Error::cell(
            source,
            Some(name),
            row as u64 + 1,
            "the count is not a whole number of at least 1",
        )
        .with_value(v)
    };
    let counts: Vec<u64> = match s.dtype() {
        DataType::String => {
            let ca = s
                .str()
                .map_err(|e| Error::column(source, name, e.to_string()))?;
            ca.iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = v.ok_or_else(|| {
                        Error::cell(source, Some(name), i as u64 + 1, "the count is missing")
                    })?;
                    parse_count(v).ok_or_else(|| bad(i, v.to_string()))
                })
                .collect::<Result<_>>()?
        }
        dt if dt.is_integer() => {
            let ca = s
                .cast(&DataType::String)
                .map_err(|e| Error::column(source, name, e.to_string()))?;
            let ca = ca
                .str()
                .map_err(|e| Error::column(source, name, e.to_string()))?;
            ca.iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = v.ok_or_else(|| {
                        Error::cell(source, Some(name), i as u64 + 1, "the count is missing")
                    })?;
                    parse_count(v).ok_or_else(|| bad(i, v.to_string()))
                })
                .collect::<Result<_>>()?
        }
        _ => numeric_cells(table, name)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                // A float count must be whole and below 2^53, where every
                // whole number is exact.
                if v >= 1.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
                    Ok(v as u64)
                } else {
                    Err(bad(i, v.to_string()))
                }
            })
            .collect::<Result<_>>()?,
    };
    total_records(source, name, &counts)?;
    Ok(counts)
}

/// A count as an integer: digits, optionally followed by `.0…`.
fn parse_count(v: &str) -> Option<u64> {
    let v = v.trim();
    let whole = match v.split_once('.') {
        Some((w, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => w,
        Some(_) => return None,
        None => v,
    };
    whole.parse::<u64>().ok().filter(|&n| n >= 1)
}

/// The number of records the counts stand for, refusing a total beyond
/// 64 bits (which would wrap) with the row where it overflows.
pub fn total_records(source: &str, name: &str, counts: &[u64]) -> Result<u64> {
    let mut total = 0u64;
    for (i, &c) in counts.iter().enumerate() {
        total = total.checked_add(c).ok_or_else(|| {
            Error::cell(
                source,
                Some(name),
                i as u64 + 1,
                format!(
                    "the counts add up to more than {} records, more than kanon can count",
                    u64::MAX
                ),
            )
        })?;
    }
    Ok(total)
}
