//! Special uniques: minimal sample uniques (SUDA2), SUDA and DIS-SUDA
//! scores, and the sweep over small QI subsets (metrics.md §3.3, S6, S7).
//!
//! * An **MSU** of a record is a set of its QI values that is unique in the
//!   table while no proper subset is (Elliot et al. 2002; Manning, Haglin &
//!   Keane 2008). Only sample uniques have MSUs. Uniqueness only grows with
//!   more attributes, so a set is minimal iff none of its subsets one
//!   attribute smaller is unique.
//! * **SUDA score**, Elliot's form (sdcMicro's default since 5.0.2):
//!   score_i = Σ_{MSU of i} (M − |MSU|)!, M the number of key variables.
//! * **DIS** (Skinner & Elliot 2002): Dis = U·π / (U·π + P·(1 − π)), U the
//!   sample uniques, P the records in classes of size 2, π `--dis-fraction`.
//!   **DIS-SUDA**: Q = 1 + (8 − M)/20, A = Σ_{i : s_i > 0} s_i^(−Q),
//!   dis_i = 1 / (1 + (U/Dis − U)/(s_i^Q · A)), 0 when s_i = 0.
//!
//! Every subset's uniqueness comes from rolling up the class table (its
//! classes are the rows, their sizes the counts), never from the records.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::classes::{group_with, ClassTable, Rows, Want};

/// For every class of `t`, the size of its class over the QIs in `mask`
/// (bit q set = QI q kept): one roll-up of the class table.
pub fn sizes_on(t: &ClassTable, mask: u64) -> (Vec<u64>, ClassTable) {
    let keep: Vec<usize> = (0..t.arity()).filter(|&q| mask >> q & 1 == 1).collect();
    let columns: Vec<&[u32]> = keep.iter().map(|&q| t.keys[q].as_slice()).collect();
    let cards: Vec<u32> = keep.iter().map(|&q| t.cards[q]).collect();
    let g = group_with(
        Rows {
            columns: &columns,
            cards: &cards,
            counts: Some(&t.sizes),
            weights: None,
            len: t.len(),
        },
        Want {
            row_class: true,
            members: false,
        },
    );
    let rc = g.row_class.unwrap_or_default();
    let sizes = rc.iter().map(|&c| g.table.sizes[c as usize]).collect();
    (sizes, g.table)
}

/// k and sample uniques over one subset of the QIs.
#[derive(Debug, Clone, PartialEq)]
pub struct SubsetFigures {
    /// Positions of the QIs in the subset.
    pub attributes: Vec<usize>,
    pub k: u64,
    pub sample_uniques: u64,
    /// No proper subset has sample uniques: a smallest combination that
    /// singles people out.
    pub minimal: bool,
}

/// Every subset of the QIs with 1..=`max_size` attributes, by size then
/// position (metrics.md S6).
pub fn subset_sweep(t: &ClassTable, max_size: usize) -> Vec<SubsetFigures> {
    let m = t.arity();
    let masks = subsets_by_size(m, max_size.min(m));
    let figures: Vec<(u64, u64, u64)> = masks
        .par_iter()
        .map(|&mask| {
            let (_, table) = sizes_on(t, mask);
            let k = table.sizes.iter().copied().min().unwrap_or(0);
            let uniques = table.sizes.iter().filter(|&&s| s == 1).count() as u64;
            (mask, k, uniques)
        })
        .collect();
    let with_uniques: FxHashMap<u64, bool> = figures.iter().map(|&(m, _, u)| (m, u > 0)).collect();
    figures
        .iter()
        .map(|&(mask, k, uniques)| {
            let minimal = uniques > 0
                && (0..m).filter(|&q| mask >> q & 1 == 1).all(|q| {
                    !with_uniques
                        .get(&(mask & !(1 << q)))
                        .copied()
                        .unwrap_or(false)
                });
            SubsetFigures {
                attributes: (0..m).filter(|&q| mask >> q & 1 == 1).collect(),
                k,
                sample_uniques: uniques,
                minimal,
            }
        })
        .collect()
}

/// Bit masks of all subsets of `m` items with 1..=`max` members, ordered by
/// size, then lexicographically by position.
fn subsets_by_size(m: usize, max: usize) -> Vec<u64> {
    let mut out = Vec::new();
    for size in 1..=max {
        let mut level: Vec<u64> = (0..1u64 << m)
            .filter(|x| x.count_ones() as usize == size)
            .collect();
        level.sort_by_key(|&mask| (0..m).filter(|&q| mask >> q & 1 == 1).collect::<Vec<_>>());
        out.extend(level);
    }
    out
}

/// SUDA2 results, per class of the class table (only classes of size 1 —
/// sample uniques — can have MSUs).
#[derive(Debug, Clone, PartialEq)]
pub struct Suda {
    /// M, the number of key variables.
    pub keys: usize,
    /// Largest MSU size searched.
    pub max_size: usize,
    /// Class → SUDA score (Elliot's form).
    pub scores: Vec<f64>,
    /// Class → DIS-SUDA score.
    pub dis_scores: Vec<f64>,
    /// Class → number of MSUs.
    pub msus: Vec<u32>,
    /// MSUs found by size (index 0 = size 1).
    pub msus_by_size: Vec<u64>,
    /// Per key variable: MSUs it occurs in.
    pub msus_per_variable: Vec<u64>,
    /// Per key variable: Σ over records of the score credited to it, over
    /// the total score (adds up to more than 1: an MSU credits each of its
    /// variables).
    pub contribution: Vec<f64>,
    /// File-level DIS.
    pub file_dis: f64,
}

/// Find MSUs up to `max_size` attributes and score them.
pub fn suda2(t: &ClassTable, max_size: usize, dis_fraction: f64) -> Suda {
    let m = t.arity();
    let max_size = max_size.clamp(1, m.max(1));
    let uniques: Vec<usize> = (0..t.len()).filter(|&c| t.sizes[c] == 1).collect();
    let words = uniques.len().div_ceil(64);
    let factorial = |x: usize| (1..=x).map(|v| v as f64).product::<f64>();
    let mut scores = vec![0.0; t.len()];
    let mut msus = vec![0u32; t.len()];
    let mut by_size = vec![0u64; max_size];
    let mut per_var = vec![0u64; m];
    let mut credit = vec![0.0f64; m];
    let mut previous: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
    for size in 1..=max_size {
        let masks: Vec<u64> = subsets_by_size(m, size)
            .into_iter()
            .filter(|x| x.count_ones() as usize == size)
            .collect();
        // Which sample uniques stay unique on each subset (bitset over `uniques`).
        let level: Vec<(u64, Vec<u64>)> = masks
            .par_iter()
            .map(|&mask| {
                let (sizes, _) = sizes_on(t, mask);
                let mut bits = vec![0u64; words];
                for (i, &c) in uniques.iter().enumerate() {
                    if sizes[c] == 1 {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                (mask, bits)
            })
            .collect();
        let weight = factorial(m - size);
        for (mask, bits) in &level {
            let vars: Vec<usize> = (0..m).filter(|&q| mask >> q & 1 == 1).collect();
            let parents: Vec<&Vec<u64>> = vars
                .iter()
                .filter_map(|&q| previous.get(&(mask & !(1 << q))))
                .collect();
            for (w, &word) in bits.iter().enumerate() {
                // Unique here and on no subset one smaller: an MSU.
                let mut minimal = word;
                for p in &parents {
                    minimal &= !p[w];
                }
                while minimal != 0 {
                    let i = w * 64 + minimal.trailing_zeros() as usize;
                    minimal &= minimal - 1;
                    let c = uniques[i];
                    scores[c] += weight;
                    msus[c] += 1;
                    by_size[size - 1] += 1;
                    for &q in &vars {
                        per_var[q] += 1;
                        credit[q] += weight;
                    }
                }
            }
        }
        previous = level.into_iter().collect();
    }
    let total: f64 = scores.iter().sum();
    let contribution = credit
        .iter()
        .map(|&c| if total > 0.0 { c / total } else { 0.0 })
        .collect();
    // DIS-SUDA.
    let u = uniques.len() as f64;
    let pairs = 2.0 * t.sizes.iter().filter(|&&s| s == 2).count() as f64;
    let file_dis = if u == 0.0 {
        0.0
    } else {
        u * dis_fraction / (u * dis_fraction + pairs * (1.0 - dis_fraction))
    };
    let q = 1.0 + (8.0 - m as f64) / 20.0;
    let a: f64 = scores
        .iter()
        .filter(|&&s| s > 0.0)
        .map(|&s| s.powf(-q))
        .sum();
    let dis_scores = scores
        .iter()
        .map(|&s| {
            if s > 0.0 && file_dis > 0.0 {
                1.0 / (1.0 + (u / file_dis - u) / (s.powf(q) * a))
            } else {
                0.0
            }
        })
        .collect();
    Suda {
        keys: m,
        max_size,
        scores,
        dis_scores,
        msus,
        msus_by_size: by_size,
        msus_per_variable: per_var,
        contribution,
        file_dis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::group;

    fn table(rows: &[&[u32]], cards: &[u32]) -> (ClassTable, Vec<u32>) {
        let cols: Vec<Vec<u32>> = (0..cards.len())
            .map(|q| rows.iter().map(|r| r[q]).collect())
            .collect();
        let refs: Vec<&[u32]> = cols.iter().map(Vec::as_slice).collect();
        let g = group(
            Rows {
                columns: &refs,
                cards,
                counts: None,
                weights: None,
                len: rows.len(),
            },
            true,
        );
        (g.table, g.row_class.unwrap())
    }

    /// The IHSN/World Bank SDC practice guide's ten records (Residence,
    /// Gender, Education, Labor; sdcmicro/suda_tiny_a.csv): Elliot scores
    /// 0, 0, 6, 0, 12, 0, 6, 10, 0, 0. Codes: Urban 1 Rural 0; Female 0
    /// Male 1; Post_secondary 0, Prim_complete 1, Prim_incomplete 2,
    /// Sec_complete 3, Sec_incomplete 4; Employed 0, Non-LF 1, Unemployed 2.
    #[test]
    fn practice_guide_example() {
        let rows: [&[u32]; 10] = [
            &[1, 0, 4, 0],
            &[1, 0, 4, 0],
            &[1, 0, 2, 1],
            &[1, 1, 3, 0],
            &[0, 0, 3, 2],
            &[1, 1, 3, 0],
            &[1, 0, 1, 1],
            &[1, 1, 0, 2],
            &[1, 0, 4, 1],
            &[1, 0, 4, 1],
        ];
        let (t, rc) = table(&rows, &[2, 2, 5, 3]);
        let s = suda2(&t, 4, 0.01);
        let per_record: Vec<f64> = rc.iter().map(|&c| s.scores[c as usize]).collect();
        assert_eq!(
            per_record,
            vec![0.0, 0.0, 6.0, 0.0, 12.0, 0.0, 6.0, 10.0, 0.0, 0.0]
        );
        // Record 5 has four MSUs: {Rural}, {Female, Unemployed},
        // {Female, Sec_complete}, {Sec_complete, Unemployed}.
        assert_eq!(s.msus[rc[4] as usize], 4);
        assert_eq!(s.msus_by_size, vec![4, 5, 0, 0]);
        // DIS: U = 4 uniques, P = 6 records in the three pairs, π = 0.01.
        let dis = 4.0 * 0.01 / (4.0 * 0.01 + 6.0 * 0.99);
        assert!((s.file_dis - dis).abs() < 1e-15);
        // DIS-SUDA of record 5: Q = 1.2, A = Σ s^-Q over 6, 12, 6, 10.
        let q = 1.2f64;
        let a: f64 = [6.0f64, 12.0, 6.0, 10.0].iter().map(|s| s.powf(-q)).sum();
        let d5 = 1.0 / (1.0 + (4.0 / dis - 4.0) / (12f64.powf(q) * a));
        assert!((s.dis_scores[rc[4] as usize] - d5).abs() < 1e-15);
        assert_eq!(s.dis_scores[rc[0] as usize], 0.0);
    }

    #[test]
    fn max_size_limits_the_search() {
        let rows: [&[u32]; 4] = [&[0, 0, 0], &[0, 1, 1], &[1, 0, 1], &[1, 1, 0]];
        // Every pair of attributes identifies each record; no single one does.
        let (t, _) = table(&rows, &[2, 2, 2]);
        let s = suda2(&t, 1, 0.01);
        assert_eq!(s.msus_by_size, vec![0]);
        let s = suda2(&t, 3, 0.01);
        assert_eq!(s.msus_by_size, vec![0, 12, 0]);
        // Each record: three 2-MSUs, (3 − 2)! = 1 each.
        assert!(s.scores.iter().all(|&x| x == 3.0));
        let sweep = subset_sweep(&t, 2);
        assert_eq!(sweep.len(), 6);
        assert_eq!(
            (sweep[0].k, sweep[0].sample_uniques, sweep[0].minimal),
            (2, 0, false)
        );
        assert_eq!(
            (
                sweep[3].attributes.clone(),
                sweep[3].sample_uniques,
                sweep[3].minimal
            ),
            (vec![0, 1], 4, true)
        );
    }
}
