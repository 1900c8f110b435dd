//! Population frequencies F per class: from a population table, from
//! weights or the sample itself, with missing values as values or as
//! wildcards.

use rustc_hash::FxHashMap;

use crate::engine::classes::{group, ClassTable, Rows};
use crate::engine::encode::EncodedColumn;
use crate::error::Result;
use crate::input::columns::encode as encode_qis;
use crate::input::{read_table, ReadOptions};
use crate::measure::privacy::Frequencies;
use crate::notice::Notice;
use crate::report::PopulationInfo;

use super::config::{Config, MissingAs};

/// Population frequencies F per class: from a population table, from
/// weights, or the sample itself; with missing values as wildcards
/// (`fr.f` then holds the compatible records), F counts the compatible
/// population records or weights. F is raised to f where it falls short.
pub(super) fn population_sizes(
    cfg: &Config,
    columns: &[EncodedColumn],
    t: &ClassTable,
    fr: Frequencies,
    wildcard_weights: Option<&[f64]>,
    warnings: &mut Vec<Notice>,
) -> Result<(Vec<f64>, String, Option<PopulationInfo>)> {
    let wildcard = cfg.missing_as == MissingAs::Wildcard;
    let raise = |sizes: Vec<f64>| -> (Vec<f64>, u64) {
        let mut raised = 0;
        let v = sizes
            .into_iter()
            .zip(fr.f)
            .map(|(big_f, &f)| {
                if big_f < f as f64 {
                    raised += 1;
                    f as f64
                } else {
                    big_f
                }
            })
            .collect();
        (v, raised)
    };
    if let Some(path) = &cfg.population {
        let (sizes, info) = population_table(cfg, path, columns, t, wildcard)?;
        let (sizes, raised) = raise(sizes);
        if raised > 0 {
            warnings.push(Notice::PopulationRaised {
                classes: raised,
                population: path.clone(),
            });
        }
        return Ok((sizes, "population_table".into(), Some(info)));
    }
    let weights = if wildcard {
        wildcard_weights
    } else {
        t.weights.as_deref()
    };
    if let Some(w) = weights {
        let (sizes, raised) = raise(w.to_vec());
        if raised > 0 {
            warnings.push(Notice::WeightsRaised { classes: raised });
        }
        return Ok((sizes, "weights".into(), None));
    }
    Ok((
        fr.f.iter().map(|&f| f as f64).collect(),
        "sample".into(),
        None,
    ))
}

/// Population frequency of each sample class, counted in a population
/// table with the same QIs. Values are matched by their text. A population
/// value the sample lacks matches no sample class, except, with
/// `wildcard`, a sample class missing that key; likewise a missing
/// population value matches every value then.
fn population_table(
    cfg: &Config,
    path: &str,
    sample: &[EncodedColumn],
    t: &ClassTable,
    wildcard: bool,
) -> Result<(Vec<f64>, PopulationInfo)> {
    let read = ReadOptions {
        format: None,
        delimiter: cfg.read.delimiter,
    };
    let table = read_table(path, &cfg.qis, &read)?;
    let pop = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
    let rows = table.rows();
    // In the sample's codes; `card` stands for a value the sample lacks,
    // `card + 1` for a missing value when the sample has none.
    let mut matched = vec![true; rows];
    let mut translated: Vec<Vec<u32>> = Vec::with_capacity(sample.len());
    let mut pop_missing = Vec::with_capacity(sample.len());
    for (s, p) in sample.iter().zip(&pop) {
        let card = s.dict.len() as u32;
        let missing = s.dict.missing.unwrap_or(card + 1);
        let by_label: FxHashMap<&str, u32> = s
            .dict
            .labels
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i as u32) != s.dict.missing)
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        let map: Vec<u32> = (0..p.dict.len() as u32)
            .map(|c| match Some(c) == p.dict.missing {
                true => missing,
                false => *by_label
                    .get(p.dict.labels[c as usize].as_str())
                    .unwrap_or(&card),
            })
            .collect();
        let col: Vec<u32> = p
            .codes
            .iter()
            .zip(matched.iter_mut())
            .map(|(&c, m)| {
                let x = map[c as usize];
                *m &= x < card;
                x
            })
            .collect();
        translated.push(col);
        pop_missing.push(Some(missing));
    }
    let refs: Vec<&[u32]> = translated.iter().map(Vec::as_slice).collect();
    let cards: Vec<u32> = t.cards.iter().map(|&c| c + 2).collect();
    let p = group(
        Rows {
            columns: &refs,
            cards: &cards,
            counts: None,
            weights: None,
            len: rows,
        },
        false,
    )
    .table;
    let info = PopulationInfo {
        path: path.to_string(),
        rows: rows as u64,
        matched_rows: matched.iter().filter(|&&m| m).count() as u64,
    };
    if wildcard {
        use crate::measure::wildcard::{compatible, View};
        let all: Vec<usize> = (0..t.arity()).collect();
        let sample_missing: Vec<Option<u32>> = sample.iter().map(|c| c.dict.missing).collect();
        let (found, _) = compatible(
            &View::of(t, &sample_missing, &all),
            &View::of(&p, &pop_missing, &all),
        );
        return Ok((found.into_iter().map(|f| f as f64).collect(), info));
    }
    // Both tables are sorted by key: merge.
    let mut sizes = Vec::with_capacity(t.len());
    let mut j = 0;
    for c in 0..t.len() {
        let key = t.key(c);
        while j < p.len() && p.key(j) < key {
            j += 1;
        }
        let found = if j < p.len() && p.key(j) == key {
            p.sizes[j]
        } else {
            0
        };
        sizes.push(found as f64);
    }
    Ok((sizes, info))
}
