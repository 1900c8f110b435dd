//! Missing values as wildcards, with the frequency semantics of sdcMicro's
//! `freqCalc` (α_w = 1; metrics.md §2): a missing key value matches every
//! value of that key. A record's frequency is the number (or weight) of
//! records compatible with it: equal on every key where both are known.
//!
//! Records are handled by classes: classes sharing a pattern of missing
//! keys are matched against each pattern's classes on the keys known to
//! both, through a hash of their packed codes. Cost: O(patterns² × classes)
//! with few patterns in practice.

use rustc_hash::FxHashMap;

use crate::classes::{bits_for, ClassTable};

/// Wildcard frequency of every class of `t` (and weight sums when `t` has
/// weights). `missing[q]` is QI q's missing code, if it has one.
pub fn wildcard_frequencies(
    t: &ClassTable,
    missing: &[Option<u32>],
) -> (Vec<u64>, Option<Vec<f64>>) {
    let d = t.arity();
    let pattern = |c: usize| -> u64 {
        (0..d).fold(0u64, |m, q| {
            if missing[q] == Some(t.keys[q][c]) {
                m | 1 << q
            } else {
                m
            }
        })
    };
    let mut by_pattern: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for c in 0..t.len() {
        by_pattern.entry(pattern(c)).or_default().push(c);
    }
    let mut patterns: Vec<(u64, Vec<usize>)> = by_pattern.into_iter().collect();
    patterns.sort_by_key(|p| p.0);
    let mut freq = vec![0u64; t.len()];
    let mut weight = t.weights.as_ref().map(|_| vec![0.0f64; t.len()]);
    let all = if d >= 64 { u64::MAX } else { (1u64 << d) - 1 };
    for (pa, classes_a) in &patterns {
        for (pb, classes_b) in &patterns {
            let known = all & !(pa | pb);
            let keys: Vec<usize> = (0..d).filter(|&q| known >> q & 1 == 1).collect();
            // Packed key of a class on the keys known to both patterns.
            let bits: u32 = keys.iter().map(|&q| bits_for(t.cards[q])).sum();
            let key = |c: usize| -> Vec<u64> {
                if bits <= 64 {
                    vec![keys.iter().fold(0u64, |k, &q| {
                        (k << bits_for(t.cards[q])) | t.keys[q][c] as u64
                    })]
                } else {
                    keys.iter().map(|&q| t.keys[q][c] as u64).collect()
                }
            };
            let mut sums: FxHashMap<Vec<u64>, (u64, f64)> = FxHashMap::default();
            for &c in classes_b {
                let e = sums.entry(key(c)).or_insert((0, 0.0));
                e.0 += t.sizes[c];
                if let Some(w) = &t.weights {
                    e.1 += w[c];
                }
            }
            for &c in classes_a {
                if let Some(&(n, w)) = sums.get(&key(c)) {
                    freq[c] += n;
                    if let Some(wt) = weight.as_mut() {
                        wt[c] += w;
                    }
                }
            }
        }
    }
    (freq, weight)
}

/// Singling-out figures from per-class wildcard frequencies.
#[derive(Debug, Clone, PartialEq)]
pub struct WildcardFigures {
    /// Smallest frequency of any record.
    pub k: u64,
    /// Records compatible with no other record.
    pub sample_uniques: u64,
    /// Records with frequency below the reference k.
    pub records_below_k: u64,
    /// 1 / k.
    pub highest: f64,
    /// Mean over records of 1 / frequency.
    pub average: f64,
    /// Share of records with 1 / frequency > τ.
    pub records_at_risk: f64,
}

pub fn figures(t: &ClassTable, freq: &[u64], reference_k: u64, tau: f64) -> WildcardFigures {
    let n = t.records();
    let k = freq.iter().copied().min().unwrap_or(0);
    let mut uniques = 0;
    let mut below = 0;
    let mut at_risk = 0;
    let mut sum = 0.0;
    for (&f, &size) in freq.iter().zip(&t.sizes) {
        if f == 1 {
            uniques += size;
        }
        if f < reference_k {
            below += size;
        }
        if crate::tolerance::above(1.0 / f as f64, tau) {
            at_risk += size;
        }
        sum += size as f64 / f as f64;
    }
    let share = |x: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    WildcardFigures {
        k,
        sample_uniques: uniques,
        records_below_k: below,
        highest: if k == 0 { 0.0 } else { 1.0 / k as f64 },
        average: if n == 0 { 0.0 } else { sum / n as f64 },
        records_at_risk: share(at_risk),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::{group, Rows};

    /// Keys (a, b), code 9 = missing in both. Records:
    /// (1,1) (1,1) (1,M) (M,2) (2,2) (M,M).
    /// Compatible sets, by hand:
    /// (1,1): (1,1)×2, (1,M), (M,M) -> 4
    /// (1,M): (1,1)×2, (1,M), (M,2), (M,M) -> 5
    /// (M,2): (1,M), (M,2), (2,2), (M,M) -> 4
    /// (2,2): (M,2), (2,2), (M,M) -> 3
    /// (M,M): all 6 (sdcMicro: an all-missing key gets f = n).
    #[test]
    fn freq_calc_semantics_by_hand() {
        let a = [1, 1, 1, 9, 2, 9];
        let b = [1, 1, 9, 2, 2, 9];
        let t = group(
            Rows {
                columns: &[&a, &b],
                cards: &[10, 10],
                counts: None,
                weights: None,
                len: 6,
            },
            false,
        )
        .table;
        let (freq, _) = wildcard_frequencies(&t, &[Some(9), Some(9)]);
        let by_key: Vec<(Vec<u32>, u64)> = (0..t.len()).map(|c| (t.key(c), freq[c])).collect();
        assert_eq!(
            by_key,
            vec![
                (vec![1, 1], 4),
                (vec![1, 9], 5),
                (vec![2, 2], 3),
                (vec![9, 2], 4),
                (vec![9, 9], 6),
            ]
        );
        let f = figures(&t, &freq, 4, 0.3);
        assert_eq!((f.k, f.sample_uniques, f.records_below_k), (3, 0, 1));
        // 1/3 > 0.3 for the (2,2) record only.
        assert!((f.records_at_risk - 1.0 / 6.0).abs() < 1e-15);
        let mean = (2.0 / 4.0 + 1.0 / 5.0 + 1.0 / 4.0 + 1.0 / 3.0 + 1.0 / 6.0) / 6.0;
        assert!((f.average - mean).abs() < 1e-15);
    }
}
