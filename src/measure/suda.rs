//! Special uniques: minimal sample uniques (SUDA2), SUDA and DIS-SUDA
//! scores, and the sweep over small QI subsets (docs/metrics.md, "SUDA2 special uniques" and "QI-subset sweep").
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

use crate::engine::classes::{group_with, ClassTable, Rows, Want};

/// A set of QIs: their positions, ascending.
pub type Subset = Vec<usize>;

/// Subsets examined at most by the subset sweep and by SUDA2: each is a
/// roll-up of the class table, and their number grows as C(m, size).
pub const MAX_SUBSETS: u64 = 1 << 20;

/// The number of subsets of `m` QIs with 1..=`max` members (saturating).
pub fn count_subsets(m: usize, max: usize) -> u64 {
    let mut total = 0u64;
    let mut c = 1u128; // C(m, 0)
    for size in 1..=max.min(m) {
        c = c * (m - size + 1) as u128 / size as u128;
        total = total.saturating_add(u64::try_from(c).unwrap_or(u64::MAX));
    }
    total
}

/// For every class of `t`, the size of its class over the QIs in `keep`:
/// one roll-up of the class table.
pub fn sizes_on(t: &ClassTable, keep: &[usize]) -> (Vec<u64>, ClassTable) {
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
    pub attributes: Subset,
    pub k: u64,
    pub sample_uniques: u64,
    /// No proper subset has sample uniques: a smallest combination that
    /// singles people out.
    pub minimal: bool,
}

/// Every subset of the QIs with 1..=`max_size` attributes, by size then
/// position (docs/metrics.md, the subset sweep). The caller keeps the
/// number of subsets within [`MAX_SUBSETS`].
pub fn subset_sweep(t: &ClassTable, max_size: usize) -> Vec<SubsetFigures> {
    let m = t.arity();
    let subsets: Vec<Subset> = (1..=max_size.min(m))
        .flat_map(|s| combinations(m, s))
        .collect();
    let figures: Vec<(u64, u64)> = subsets
        .par_iter()
        .map(|keep| {
            let (_, table) = sizes_on(t, keep);
            let k = table.sizes.iter().copied().min().unwrap_or(0);
            let uniques = table.sizes.iter().filter(|&&s| s == 1).count() as u64;
            (k, uniques)
        })
        .collect();
    let with_uniques: FxHashMap<&Subset, bool> = subsets
        .iter()
        .zip(&figures)
        .map(|(s, &(_, u))| (s, u > 0))
        .collect();
    subsets
        .iter()
        .zip(&figures)
        .map(|(keep, &(k, uniques))| SubsetFigures {
            attributes: keep.clone(),
            k,
            sample_uniques: uniques,
            minimal: uniques > 0
                && one_smaller(keep).all(|sub| !with_uniques.get(&sub).copied().unwrap_or(false)),
        })
        .collect()
}

/// The subsets of `keep` one member smaller.
fn one_smaller(keep: &[usize]) -> impl Iterator<Item = Subset> + '_ {
    (0..keep.len()).map(move |i| {
        let mut s = keep.to_vec();
        s.remove(i);
        s
    })
}

/// All `size`-member subsets of 0..m in lexicographic order, generated
/// directly (never by filtering the 2^m subsets).
fn combinations(m: usize, size: usize) -> Vec<Subset> {
    let mut out = Vec::new();
    if size == 0 || size > m {
        return out;
    }
    let mut c: Subset = (0..size).collect();
    loop {
        out.push(c.clone());
        // The rightmost position that can still move right.
        let Some(i) = (0..size).rev().find(|&i| c[i] < m - size + i) else {
            return out;
        };
        c[i] += 1;
        for j in i + 1..size {
            c[j] = c[j - 1] + 1;
        }
    }
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

/// Find MSUs up to `max_size` attributes and score them. `f` is each
/// class's record frequency over all QIs (the class sizes, or with
/// `missing` the wildcard frequencies: then a missing value matches every
/// value on every subset too, and a record is unique on a subset when no
/// other record is compatible with it there).
pub fn suda2(
    t: &ClassTable,
    max_size: usize,
    dis_fraction: f64,
    f: &[u64],
    missing: Option<&[Option<u32>]>,
) -> Suda {
    let m = t.arity();
    let max_size = max_size.clamp(1, m.max(1));
    let uniques: Vec<usize> = (0..t.len()).filter(|&c| f[c] == 1).collect();
    let frequencies_on = |keep: &[usize]| -> Vec<u64> {
        match missing {
            Some(missing) => {
                let v = crate::measure::wildcard::View::of(t, missing, keep);
                crate::measure::wildcard::compatible(&v, &v).0
            }
            None => sizes_on(t, keep).0,
        }
    };
    let words = uniques.len().div_ceil(64);
    let factorial = |x: usize| (1..=x).map(|v| v as f64).product::<f64>();
    let mut scores = vec![0.0; t.len()];
    let mut msus = vec![0u32; t.len()];
    let mut by_size = vec![0u64; max_size];
    let mut per_var = vec![0u64; m];
    let mut credit = vec![0.0f64; m];
    let mut previous: FxHashMap<Subset, Vec<u64>> = FxHashMap::default();
    for size in 1..=max_size {
        let subsets = combinations(m, size);
        // Which sample uniques stay unique on each subset (bitset over `uniques`).
        let level: Vec<(Subset, Vec<u64>)> = subsets
            .into_par_iter()
            .map(|keep| {
                let sizes = frequencies_on(&keep);
                let mut bits = vec![0u64; words];
                for (i, &c) in uniques.iter().enumerate() {
                    if sizes[c] == 1 {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                (keep, bits)
            })
            .collect();
        let weight = factorial(m - size);
        for (vars, bits) in &level {
            let parents: Vec<&Vec<u64>> = one_smaller(vars)
                .filter_map(|sub| previous.get(&sub))
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
                    for &q in vars {
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
    let (file_dis, dis_scores) = dis_suda(t, f, &uniques, &scores, m, dis_fraction);
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

/// DIS and DIS-SUDA (Skinner & Elliot 2002): Dis = U·π / (U·π + P·(1 − π))
/// over the uniques U and the records P of frequency 2; per record
/// dis_i = 1 / (1 + (U/Dis − U)/(s_i^Q · A)), Q = 1 + (8 − M)/20,
/// A = Σ_{s_i > 0} s_i^(−Q).
fn dis_suda(
    t: &ClassTable,
    f: &[u64],
    uniques: &[usize],
    scores: &[f64],
    m: usize,
    dis_fraction: f64,
) -> (f64, Vec<f64>) {
    let u = uniques.len() as f64;
    // P: records of frequency 2 (two per class of size 2).
    let pairs: f64 = t
        .sizes
        .iter()
        .zip(f)
        .filter(|&(_, &f)| f == 2)
        .map(|(&s, _)| s as f64)
        .sum();
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
    (file_dis, dis_scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::classes::group;

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
        let s = suda2(&t, 4, 0.01, &t.sizes, None);
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
        let s = suda2(&t, 1, 0.01, &t.sizes, None);
        assert_eq!(s.msus_by_size, vec![0]);
        let s = suda2(&t, 3, 0.01, &t.sizes, None);
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

    /// Missing values as wildcards: on a random table with missing codes,
    /// SUDA2's MSU counts and scores equal a brute force over every subset
    /// and every pair of records (unique on S = no other record agrees with
    /// it on S where both are known), and so does attribute contribution.
    #[test]
    fn wildcard_suda_and_contribution_equal_brute_force() {
        let (m, n) = (5usize, 40usize);
        let cards = [3u32, 4, 5, 6, 8];
        let mut state = 7u64;
        let mut next = |card: u32| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % card as u64) as u32
        };
        // The last code of each QI is the missing value (about 1 in card).
        let rows: Vec<Vec<u32>> = (0..n)
            .map(|_| cards.iter().map(|&c| next(c)).collect())
            .collect();
        let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
        let (t, rc) = table(&refs, &cards);
        let missing: Vec<Option<u32>> = cards.iter().map(|&c| Some(c - 1)).collect();
        let compatible_on = |i: usize, j: usize, keep: &[usize]| {
            keep.iter().all(|&q| {
                let (a, b) = (rows[i][q], rows[j][q]);
                a == b || a == cards[q] - 1 || b == cards[q] - 1
            })
        };
        let freq_on =
            |i: usize, keep: &[usize]| (0..n).filter(|&j| compatible_on(i, j, keep)).count();
        let all: Vec<usize> = (0..m).collect();
        let (f, _) = crate::measure::wildcard::wildcard_frequencies(&t, &missing);
        for (i, &c) in rc.iter().enumerate() {
            assert_eq!(f[c as usize] as usize, freq_on(i, &all), "record {i}");
        }
        let s = suda2(&t, m, 0.01, &f, Some(&missing));
        let factorial = |x: usize| (1..=x).product::<usize>() as f64;
        let mut by_size = vec![0u64; m];
        for (i, &c) in rc.iter().enumerate() {
            let (mut score, mut count) = (0.0, 0u32);
            for size in 1..=m {
                for sub in combinations(m, size) {
                    let unique = freq_on(i, &sub) == 1;
                    let minimal = one_smaller(&sub).all(|p| p.is_empty() || freq_on(i, &p) > 1);
                    if unique && minimal {
                        score += factorial(m - size);
                        count += 1;
                        by_size[size - 1] += 1;
                    }
                }
            }
            assert_eq!(s.scores[c as usize], score, "record {i}");
            assert_eq!(s.msus[c as usize], count, "record {i}");
        }
        assert_eq!(s.msus_by_size, by_size);
        assert!(
            by_size.iter().sum::<u64>() > 0,
            "the table should have MSUs"
        );
        let c = crate::measure::risk::contributions(&t, Some(&missing));
        for (q, c) in c.iter().enumerate() {
            let without: Vec<usize> = all.iter().copied().filter(|&x| x != q).collect();
            let alone = (0..n).filter(|&i| freq_on(i, &[q]) == 1).count() as u64;
            let uniques_without = (0..n).filter(|&i| freq_on(i, &without) == 1).count() as u64;
            assert_eq!(
                (c.uniques_alone, c.uniques_without),
                (alone, uniques_without),
                "QI {q}"
            );
        }
    }
}
