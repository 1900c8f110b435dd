//! Privacy models as pure functions of a [`ClassTable`].
//!
//! Submodules hold the inference models: [`diversity`] (l-diversity,
//! δ-disclosure, β-likeness, (α,k)), [`closeness`] (t-closeness) and
//! [`inference`] (all of them over a class table's sensitive histograms).
//!
//! This module holds the singling-out measures of docs/metrics.md, "Singling out" that follow
//! from class sizes alone: class statistics, k-anonymity , records below
//! k  and sample uniques .
//!
//! k-anonymity: Sweeney, "k-anonymity: a model for protecting privacy",
//! IJUFKS 10(5), 2002 — a table is k-anonymous when every combination of
//! quasi-identifier values occurs at least k times, i.e. min_c f_c ≥ k.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::engine::bulk;
use crate::engine::classes::ClassTable;

/// Summary of the class sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    /// Number of classes J.
    pub count: u64,
    pub min_size: u64,
    pub max_size: u64,
    /// n / J.
    pub mean_size: f64,
    /// Median over classes (the mean of the two middle sizes when J is even).
    pub median_size: f64,
    /// Ascending (size, number of classes of that size) pairs: n_j of docs/metrics.md.
    pub histogram: Vec<(u64, u64)>,
}

/// Class statistics of `t`. An empty table has all figures 0.
pub fn class_stats(t: &ClassTable) -> ClassStats {
    // Most classes are small: their sizes are counted in an array, the
    // rare large ones in a map.
    // Parts of the classes are counted in parallel and their counts added.
    const DENSE: usize = 1 << 12;
    let count_part = |sizes: &[u64]| {
        let mut small = vec![0u64; DENSE];
        let mut large: BTreeMap<u64, u64> = BTreeMap::new();
        for &s in sizes {
            match small.get_mut(s as usize) {
                Some(n) => *n += 1,
                None => *large.entry(s).or_insert(0) += 1,
            }
        }
        (small, large)
    };
    let (small, hist) = t
        .sizes
        .par_chunks(1 << 16)
        .map(count_part)
        .reduce_with(|(mut small, mut large), (s2, l2)| {
            small.iter_mut().zip(s2).for_each(|(a, b)| *a += b);
            l2.into_iter()
                .for_each(|(s, n)| *large.entry(s).or_insert(0) += n);
            (small, large)
        })
        .unwrap_or_else(|| count_part(&[]));
    let histogram: Vec<(u64, u64)> = (small.iter().enumerate())
        .filter(|(_, &n)| n > 0)
        .map(|(s, &n)| (s as u64, n))
        .chain(hist)
        .collect();
    let count = t.len() as u64;
    let records = t.records();
    ClassStats {
        count,
        min_size: histogram.first().map_or(0, |h| h.0),
        max_size: histogram.last().map_or(0, |h| h.0),
        mean_size: if count == 0 {
            0.0
        } else {
            records as f64 / count as f64
        },
        median_size: median(&histogram, count),
        histogram,
    }
}

/// Median of the sizes described by an ascending histogram.
fn median(histogram: &[(u64, u64)], count: u64) -> f64 {
    if count == 0 {
        return 0.0;
    }
    // 0-based ranks of the middle element(s).
    let (lo, hi) = ((count - 1) / 2, count / 2);
    let at = |rank: u64| {
        let mut seen = 0;
        for &(size, n) in histogram {
            seen += n;
            if rank < seen {
                return size;
            }
        }
        0
    };
    (at(lo) + at(hi)) as f64 / 2.0
}

/// Per class, its records and the sample frequency f of each of them:
/// the records it cannot be told apart from. With missing values as a
/// value of their own, f is the class size; as wildcards (sdcMicro's
/// freqCalc), the records compatible with it ([`crate::measure::wildcard`]).
/// Every frequency-based measure is a function of this.
#[derive(Debug, Clone, Copy)]
pub struct Frequencies<'a> {
    pub sizes: &'a [u64],
    pub f: &'a [u64],
}

impl<'a> Frequencies<'a> {
    /// Missing as a value: f = the class size.
    pub fn of(t: &'a ClassTable) -> Self {
        Frequencies {
            sizes: &t.sizes,
            f: &t.sizes,
        }
    }

    /// Records n.
    pub fn records(&self) -> u64 {
        bulk::sum(self.sizes)
    }

    /// (records, f) per class.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + 'a {
        self.sizes.iter().copied().zip(self.f.iter().copied())
    }
}

/// The k the table has: the smallest class size . 0 for an empty table.
pub fn k_anonymity(t: &ClassTable) -> u64 {
    k_of(Frequencies::of(t))
}

/// The smallest frequency of any record .
pub fn k_of(fr: Frequencies) -> u64 {
    let min = |r: std::ops::Range<usize>| fr.f[r].iter().copied().min();
    bulk::by_parts(fr.f.len(), min, |a, b| a.min(b).or(a).or(b)).unwrap_or(0)
}

/// Records and classes below a size k .
#[derive(Debug, Clone, PartialEq)]
pub struct BelowK {
    pub k: u64,
    /// Records in classes with f_c < k.
    pub records: u64,
    /// records / n.
    pub share: f64,
    /// Classes with f_c < k.
    pub classes: u64,
}

/// Records in classes smaller than `k` (S2; ARX's records at risk for the
/// threshold 1/k, sdcMicro's `kAnon_violations`).
pub fn below_k(t: &ClassTable, k: u64) -> BelowK {
    below_k_of(Frequencies::of(t), k)
}

/// Records whose frequency is below `k`, and their classes.
pub fn below_k_of(fr: Frequencies, k: u64) -> BelowK {
    let part = |r: std::ops::Range<usize>| {
        (fr.sizes[r.clone()].iter().zip(&fr.f[r]))
            .filter(|&(_, &f)| f < k)
            .fold((0u64, 0u64), |(r, c), (&s, _)| (r + s, c + 1))
    };
    let add = |(r1, c1), (r2, c2)| (r1 + r2, c1 + c2);
    let (records, classes) = bulk::by_parts(fr.f.len(), part, add);
    BelowK {
        k,
        records,
        share: ratio(records, fr.records()),
        classes,
    }
}

/// Sample uniques : records alone in their class, n_1, and n_1 / n.
pub fn sample_uniques(t: &ClassTable) -> (u64, f64) {
    sample_uniques_of(Frequencies::of(t))
}

/// Records of frequency 1, and their share.
pub fn sample_uniques_of(fr: Frequencies) -> (u64, f64) {
    let part = |r: std::ops::Range<usize>| -> u64 {
        (fr.sizes[r.clone()].iter().zip(&fr.f[r]))
            .filter(|&(_, &f)| f == 1)
            .map(|(&s, _)| s)
            .sum()
    };
    let n1 = bulk::by_parts(fr.f.len(), part, |a, b| a + b);
    (n1, ratio(n1, fr.records()))
}

/// a / b, with 0 when b is 0.
pub(crate) fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(sizes: &[u64]) -> ClassTable {
        ClassTable {
            keys: vec![(0..sizes.len() as u32).collect()],
            cards: vec![sizes.len() as u32],
            sizes: sizes.to_vec(),
            weights: None,
        }
    }

    // Worked by hand: sizes 1, 1, 2, 3, 5 -> n = 12, J = 5.
    #[test]
    fn stats_by_hand() {
        let t = table(&[3, 1, 5, 1, 2]);
        let s = class_stats(&t);
        assert_eq!(s.count, 5);
        assert_eq!((s.min_size, s.max_size), (1, 5));
        assert_eq!(s.mean_size, 12.0 / 5.0);
        assert_eq!(s.median_size, 2.0);
        assert_eq!(s.histogram, vec![(1, 2), (2, 1), (3, 1), (5, 1)]);
        assert_eq!(k_anonymity(&t), 1);
        // Below k = 3: the classes of sizes 1, 1 and 2 hold 4 of 12 records.
        let b = below_k(&t, 3);
        assert_eq!((b.records, b.classes), (4, 3));
        assert_eq!(b.share, 4.0 / 12.0);
        assert_eq!(sample_uniques(&t), (2, 2.0 / 12.0));
    }

    #[test]
    fn even_median_and_empty() {
        assert_eq!(class_stats(&table(&[4, 2, 10, 6])).median_size, 5.0);
        let e = class_stats(&table(&[]));
        assert_eq!((e.count, e.min_size, e.median_size), (0, 0, 0.0));
    }
}
