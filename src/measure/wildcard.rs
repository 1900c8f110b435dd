//! Missing values as wildcards, with the frequency semantics of sdcMicro's
//! `freqCalc` (α_w = 1; docs/metrics.md, "Values, missing values, weights and counts"): a missing key value matches every
//! value of that key. A record's frequency is the number (or weight) of
//! records compatible with it: equal on every key where both are known.
//!
//! Records are handled by classes: classes sharing a pattern of missing
//! keys are matched against each pattern's classes on the keys known to
//! both, through a hash of their packed codes. Cost: O(patterns² × classes)
//! with few patterns in practice.

use rustc_hash::FxHashMap;

use crate::engine::classes::{bits_for, ClassTable};

/// Classes seen through some of their keys: one entry per class (keys need
/// not be distinct), with each key's missing code.
pub struct View<'a> {
    pub keys: Vec<&'a [u32]>,
    pub cards: Vec<u32>,
    pub missing: Vec<Option<u32>>,
    pub sizes: &'a [u64],
    pub weights: Option<&'a [f64]>,
}

impl<'a> View<'a> {
    /// The classes of `t` on the QIs at `keep`.
    pub fn of(t: &'a ClassTable, missing: &[Option<u32>], keep: &[usize]) -> View<'a> {
        View {
            keys: keep.iter().map(|&q| t.keys[q].as_slice()).collect(),
            cards: keep.iter().map(|&q| t.cards[q]).collect(),
            missing: keep.iter().map(|&q| missing[q]).collect(),
            sizes: &t.sizes,
            weights: t.weights.as_deref(),
        }
    }

    /// The positions whose value is missing in class `c`.
    fn pattern(&self, c: usize) -> Vec<u16> {
        (0..self.keys.len())
            .filter(|&q| self.missing[q] == Some(self.keys[q][c]))
            .map(|q| q as u16)
            .collect()
    }

    fn by_pattern(&self) -> Vec<(Vec<u16>, Vec<usize>)> {
        let mut map: FxHashMap<Vec<u16>, Vec<usize>> = FxHashMap::default();
        for c in 0..self.sizes.len() {
            map.entry(self.pattern(c)).or_default().push(c);
        }
        let mut v: Vec<(Vec<u16>, Vec<usize>)> = map.into_iter().collect();
        v.sort();
        v
    }
}

/// For every class of `a`, the records (and weight) of `b` compatible with
/// it: equal on every key where both are known. `a` and `b` share their
/// codes; a missing value matches every value.
pub fn compatible(a: &View, b: &View) -> (Vec<u64>, Option<Vec<f64>>) {
    let d = a.keys.len();
    let mut freq = vec![0u64; a.sizes.len()];
    let mut weight = b.weights.map(|_| vec![0.0f64; a.sizes.len()]);
    let (pa_all, pb_all) = (a.by_pattern(), b.by_pattern());
    for (pa, classes_a) in &pa_all {
        for (pb, classes_b) in &pb_all {
            let known: Vec<usize> = (0..d)
                .filter(|&q| !pa.contains(&(q as u16)) && !pb.contains(&(q as u16)))
                .collect();
            // Packed key on the keys known to both patterns.
            let bits: u32 = known
                .iter()
                .map(|&q| bits_for(a.cards[q].max(b.cards[q])))
                .sum();
            let key = |v: &View, c: usize| -> Vec<u64> {
                if bits <= 64 {
                    vec![known.iter().fold(0u64, |k, &q| {
                        (k << bits_for(a.cards[q].max(b.cards[q]))) | v.keys[q][c] as u64
                    })]
                } else {
                    known.iter().map(|&q| v.keys[q][c] as u64).collect()
                }
            };
            let mut sums: FxHashMap<Vec<u64>, (u64, f64)> = FxHashMap::default();
            for &c in classes_b {
                let e = sums.entry(key(b, c)).or_insert((0, 0.0));
                e.0 += b.sizes[c];
                if let Some(w) = b.weights {
                    e.1 += w[c];
                }
            }
            for &c in classes_a {
                if let Some(&(n, w)) = sums.get(&key(a, c)) {
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

/// Wildcard frequency of every class of `t` (and weight sums when `t` has
/// weights). `missing[q]` is QI q's missing code, if it has one.
pub fn wildcard_frequencies(
    t: &ClassTable,
    missing: &[Option<u32>],
) -> (Vec<u64>, Option<Vec<f64>>) {
    let all: Vec<usize> = (0..t.arity()).collect();
    let v = View::of(t, missing, &all);
    compatible(&v, &v)
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
        if crate::measure::tolerance::above(1.0 / f as f64, tau) {
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
    use crate::engine::classes::{group, Rows};

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
