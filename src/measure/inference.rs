//! Inference (WP216's third criterion): what membership of a class reveals
//! about a person's sensitive value. One pass over the classes of a
//! [`Histograms`] computes every measure of docs/metrics.md, "Inference" for one
//! sensitive attribute; the table's figure is the worst class.
//!
//! Per-record attribution (I9): CAP_i = q_{c(i), s_i} (Taub et al.,
//! "Differential correct attribution probability for synthetic data",
//! PSD 2018); an attacker guessing the class's most frequent value is right
//! for max_s n_{c,s} records of class c, against a baseline of guessing the
//! table's most frequent value, p_base = max_s p_s; the baseline-corrected
//! risk is (hit − p_base)/(1 − p_base) as in anonymeter's inference
//! evaluator (Giomi et al., PoPETs 2023).

use rayon::prelude::*;

use super::closeness::{
    equal_distance, hierarchical_distance, ordered_distance, Distance, TableDistribution, Tree,
};
use super::diversity::*;
use crate::engine::classes::Histograms;

/// Classes per parallel block; fixed, so float sums do not depend on the
/// number of threads.
const BLOCK: usize = 4096;

/// Settings of one sensitive attribute's assessment.
pub struct Settings<'a> {
    /// c of recursive (c,l)-diversity.
    pub c: f64,
    /// Records in classes where one value has at least this share count as
    /// (near-)homogeneous.
    pub homogeneity_threshold: f64,
    pub distance: Distance,
    /// Required for [`Distance::Hierarchical`].
    pub tree: Option<&'a Tree>,
    /// Numeric value per code (NaN for missing) for the proximity measures.
    pub numbers: Option<&'a [f64]>,
    /// How many worst classes to list.
    pub worst: usize,
}

/// A class whose sensitive values are most concentrated.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstClass {
    pub class: usize,
    pub size: u64,
    /// Share of its most frequent value.
    pub top_share: f64,
    /// Code of that value.
    pub top_code: u32,
    pub distinct: u64,
}

/// Proximity of numeric sensitive values within classes (I10).
#[derive(Debug, Clone, PartialEq)]
pub struct Proximity {
    /// max − min over the table.
    pub global_range: f64,
    /// Smallest (max − min)/global range over classes.
    pub min_relative_range: f64,
    /// Smallest interquartile range / global range over classes
    /// (nearest-rank quartiles).
    pub min_relative_iqr: f64,
    /// Records in classes whose relative range is at most 0.1.
    pub records_in_narrow_classes: u64,
}

/// Everything measured for one sensitive attribute; dataset figures are
/// the worst over classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    pub records: u64,
    /// Distinct values in the table.
    pub values: usize,
    pub l_distinct: u64,
    pub l_entropy: f64,
    pub l_recursive: u64,
    pub t: f64,
    /// `None`: infinite (a class lacks a value of the table).
    pub delta_strict: Option<f64>,
    pub delta_present: f64,
    pub beta_basic: f64,
    /// `None`: no β satisfies enhanced β-likeness.
    pub beta_enhanced: Option<f64>,
    /// Classes whose gain exceeds −ln p_s for some value.
    pub beta_enhanced_violations: u64,
    /// Largest share of one value in any class.
    pub alpha: f64,
    /// Records and classes with one sensitive value only.
    pub homogeneous_records: u64,
    pub homogeneous_classes: u64,
    /// Records in classes whose top share ≥ the homogeneity threshold.
    pub near_homogeneous_records: u64,
    /// Mean CAP over records.
    pub mean_cap: f64,
    /// Share of records whose value is their class's most frequent one.
    pub hit_rate: f64,
    /// p_base = max_s p_s.
    pub baseline: f64,
    /// (hit − p_base)/(1 − p_base); `None` when p_base = 1.
    pub attribution_risk: Option<f64>,
    pub proximity: Option<Proximity>,
    pub worst: Vec<WorstClass>,
}

/// What a class holding a single value s scores, per code: most classes of
/// a risky table are like that, and this makes them O(1).
struct Single {
    t: Vec<f64>,
    delta: Vec<f64>,
    beta: Vec<f64>,
    enhanced_ok: Vec<bool>,
}

impl Single {
    fn new(s: &Settings<'_>, table: &TableDistribution) -> Single {
        let m = table.p.len();
        let (mut t, mut delta, mut beta, mut enhanced_ok) =
            (vec![0.0; m], vec![0.0; m], vec![0.0; m], vec![true; m]);
        for code in 0..m as u32 {
            if table.p[code as usize] == 0.0 {
                continue;
            }
            let (codes, counts) = ([code], [1u64]);
            let i = code as usize;
            t[i] = class_distance(s, &codes, &counts, table);
            delta[i] = delta_present(&codes, &counts, &table.p);
            beta[i] = beta_basic(&codes, &counts, &table.p);
            enhanced_ok[i] = beta_enhanced_feasible(&codes, &counts, &table.p);
        }
        Single {
            t,
            delta,
            beta,
            enhanced_ok,
        }
    }
}

fn class_distance(
    s: &Settings<'_>,
    codes: &[u32],
    counts: &[u64],
    table: &TableDistribution,
) -> f64 {
    match (s.distance, s.tree) {
        (Distance::Ordered, _) => ordered_distance(codes, counts, table),
        (Distance::Hierarchical, Some(tree)) => hierarchical_distance(codes, counts, table, tree),
        _ => equal_distance(codes, counts, table),
    }
}

/// Per-block partial results, merged in block order.
struct Part {
    l_distinct: u64,
    l_entropy: f64,
    l_recursive: u64,
    t: f64,
    delta_strict: Option<f64>,
    delta_present: f64,
    beta_basic: f64,
    beta_violations: u64,
    alpha: f64,
    homogeneous_records: u64,
    homogeneous_classes: u64,
    near_homogeneous_records: u64,
    cap_sum: f64,
    hits: u64,
    min_rel_range: f64,
    min_rel_iqr: f64,
    narrow: u64,
    worst: Vec<WorstClass>,
    /// (top share, size) of the last kept worst class once `worst` is full:
    /// later classes (higher ids) must beat it to enter.
    cutoff: Option<(f64, u64)>,
}

/// Assess one sensitive attribute over every class of `h`.
pub fn assess(h: &Histograms, s: &Settings<'_>) -> Inference {
    let totals = h.totals();
    let table = TableDistribution::new(&totals);
    let records: u64 = totals.iter().sum();
    let range = s.numbers.and_then(|nums| global_range(nums, &totals));
    let single = Single::new(s, &table);
    let parts: Vec<Part> = (0..h.len().div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let classes = b * BLOCK..((b + 1) * BLOCK).min(h.len());
            block(h, s, &table, &single, range, classes)
        })
        .collect();
    let mut acc = Part::empty();
    for p in parts {
        acc.merge(p, s.worst);
    }
    let baseline = table.p.iter().copied().fold(0.0, f64::max);
    let hit_rate = share(acc.hits, records);
    Inference {
        records,
        values: table.present,
        l_distinct: acc.l_distinct,
        l_entropy: acc.l_entropy,
        l_recursive: acc.l_recursive,
        t: acc.t,
        delta_strict: acc.delta_strict,
        delta_present: acc.delta_present,
        beta_basic: acc.beta_basic,
        beta_enhanced: (acc.beta_violations == 0).then_some(acc.beta_basic),
        beta_enhanced_violations: acc.beta_violations,
        alpha: acc.alpha,
        homogeneous_records: acc.homogeneous_records,
        homogeneous_classes: acc.homogeneous_classes,
        near_homogeneous_records: acc.near_homogeneous_records,
        mean_cap: if records == 0 {
            0.0
        } else {
            acc.cap_sum / records as f64
        },
        hit_rate,
        baseline,
        attribution_risk: (baseline < 1.0).then(|| (hit_rate - baseline) / (1.0 - baseline)),
        proximity: range.map(|r| Proximity {
            global_range: r,
            min_relative_range: acc.min_rel_range,
            min_relative_iqr: acc.min_rel_iqr,
            records_in_narrow_classes: acc.narrow,
        }),
        worst: acc.worst,
    }
}

fn share(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// max − min of the numeric values present; `None` if none or all equal.
fn global_range(nums: &[f64], totals: &[u64]) -> Option<f64> {
    let present = nums
        .iter()
        .zip(totals)
        .filter(|(x, &t)| t > 0 && !x.is_nan())
        .map(|(x, _)| *x);
    let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    (hi > lo).then_some(hi - lo)
}

fn block(
    h: &Histograms,
    s: &Settings<'_>,
    table: &TableDistribution,
    single: &Single,
    range: Option<f64>,
    classes: std::ops::Range<usize>,
) -> Part {
    let mut p = Part::empty();
    let mut scratch = Vec::new();
    for c in classes {
        let (codes, counts) = h.class(c);
        let f: u64 = counts.iter().sum();
        if f == 0 {
            continue;
        }
        let distinct = distinct_l(counts);
        p.l_distinct = p.l_distinct.min(distinct);
        if distinct == 1 {
            // One value: l = 1 by every definition; the rest per code.
            let i = codes[0] as usize;
            p.l_entropy = p.l_entropy.min(1.0);
            p.l_recursive = 1;
            p.t = p.t.max(single.t[i]);
            if table.present > 1 {
                p.delta_strict = None;
            }
            p.delta_present = p.delta_present.max(single.delta[i]);
            p.beta_basic = p.beta_basic.max(single.beta[i]);
            if !single.enhanced_ok[i] {
                p.beta_violations += 1;
            }
        } else {
            p.l_entropy = p.l_entropy.min(entropy_l(counts));
            p.l_recursive = p
                .l_recursive
                .min(recursive_l_with(counts, s.c, &mut scratch));
            p.t = p.t.max(class_distance(s, codes, counts, table));
            p.delta_strict = match (
                p.delta_strict,
                delta_strict(codes, counts, &table.p, table.present),
            ) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            p.delta_present = p.delta_present.max(delta_present(codes, counts, &table.p));
            p.beta_basic = p.beta_basic.max(beta_basic(codes, counts, &table.p));
            if !beta_enhanced_feasible(codes, counts, &table.p) {
                p.beta_violations += 1;
            }
        }
        // f > 0, so the class has a value; the first of the most frequent.
        let (top_i, top) = counts
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
            .map_or((0, 0), |(i, &n)| (i, n));
        let top_share = top as f64 / f as f64;
        p.alpha = p.alpha.max(top_share);
        if distinct == 1 {
            p.homogeneous_records += f;
            p.homogeneous_classes += 1;
        }
        if top_share >= s.homogeneity_threshold {
            p.near_homogeneous_records += f;
        }
        // Σ_s n_cs · (n_cs / f): each record's CAP summed over the class.
        p.cap_sum += counts.iter().map(|&n| n as f64 * n as f64).sum::<f64>() / f as f64;
        p.hits += top;
        if let (Some(nums), Some(global)) = (s.numbers, range) {
            let spread = if distinct == 1 && !nums[codes[0] as usize].is_nan() {
                Some((0.0, 0.0))
            } else {
                spread(codes, counts, nums)
            };
            if let Some((rel_range, rel_iqr)) = spread {
                let (rr, ri) = (rel_range / global, rel_iqr / global);
                p.min_rel_range = p.min_rel_range.min(rr);
                p.min_rel_iqr = p.min_rel_iqr.min(ri);
                if rr <= 0.1 {
                    p.narrow += f;
                }
            }
        }
        p.push_worst(
            WorstClass {
                class: c,
                size: f,
                top_share,
                top_code: codes[top_i],
                distinct,
            },
            s.worst,
        );
    }
    p
}

/// Range and interquartile range (nearest rank) of a class's numeric
/// values; codes are in value order, missing values (NaN) left out.
fn spread(codes: &[u32], counts: &[u64], nums: &[f64]) -> Option<(f64, f64)> {
    let vals = || {
        codes
            .iter()
            .zip(counts)
            .map(|(&c, &n)| (nums[c as usize], n))
            .filter(|(x, _)| !x.is_nan())
    };
    let f: u64 = vals().map(|v| v.1).sum();
    let (lo, hi) = (vals().next()?.0, vals().next_back()?.0);
    let rank = |q: f64| {
        let r = ((q * f as f64).ceil() as u64).max(1);
        let mut seen = 0;
        vals()
            .find(|&(_, n)| {
                seen += n;
                seen >= r
            })
            .map_or(hi, |v| v.0)
    };
    Some((hi - lo, rank(0.75) - rank(0.25)))
}

impl Part {
    fn empty() -> Part {
        Part {
            l_distinct: u64::MAX,
            l_entropy: f64::INFINITY,
            l_recursive: u64::MAX,
            t: 0.0,
            delta_strict: Some(0.0),
            delta_present: 0.0,
            beta_basic: 0.0,
            beta_violations: 0,
            alpha: 0.0,
            homogeneous_records: 0,
            homogeneous_classes: 0,
            near_homogeneous_records: 0,
            cap_sum: 0.0,
            hits: 0,
            min_rel_range: f64::INFINITY,
            min_rel_iqr: f64::INFINITY,
            narrow: 0,
            worst: Vec::new(),
            cutoff: None,
        }
    }

    /// Keep the `limit` worst classes: highest top share, then smallest,
    /// then first.
    fn push_worst(&mut self, w: WorstClass, limit: usize) {
        if let Some((share, size)) = self.cutoff {
            if w.top_share < share || (w.top_share == share && w.size >= size) {
                return;
            }
        }
        self.worst.push(w);
        if self.worst.len() > 4 * limit.max(1) {
            self.trim_worst(limit);
        }
    }

    fn trim_worst(&mut self, limit: usize) {
        self.worst.sort_by(|a, b| {
            b.top_share
                .total_cmp(&a.top_share)
                .then(a.size.cmp(&b.size))
                .then(a.class.cmp(&b.class))
        });
        self.worst.truncate(limit);
        if self.worst.len() == limit {
            self.cutoff = self.worst.last().map(|w| (w.top_share, w.size));
        }
    }

    fn merge(&mut self, o: Part, limit: usize) {
        self.l_distinct = self.l_distinct.min(o.l_distinct);
        self.l_entropy = self.l_entropy.min(o.l_entropy);
        self.l_recursive = self.l_recursive.min(o.l_recursive);
        self.t = self.t.max(o.t);
        self.delta_strict = match (self.delta_strict, o.delta_strict) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        self.delta_present = self.delta_present.max(o.delta_present);
        self.beta_basic = self.beta_basic.max(o.beta_basic);
        self.beta_violations += o.beta_violations;
        self.alpha = self.alpha.max(o.alpha);
        self.homogeneous_records += o.homogeneous_records;
        self.homogeneous_classes += o.homogeneous_classes;
        self.near_homogeneous_records += o.near_homogeneous_records;
        self.cap_sum += o.cap_sum;
        self.hits += o.hits;
        self.min_rel_range = self.min_rel_range.min(o.min_rel_range);
        self.min_rel_iqr = self.min_rel_iqr.min(o.min_rel_iqr);
        self.narrow += o.narrow;
        self.worst.extend(o.worst);
        self.trim_worst(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::classes::{group_with, Rows, Want};

    fn histograms(qi: &[u32], sens: &[u32], card: u32) -> Histograms {
        let g = group_with(
            Rows {
                columns: &[qi],
                cards: &[*qi.iter().max().unwrap() + 1],
                counts: None,
                weights: None,
                len: qi.len(),
            },
            Want {
                row_class: false,
                members: true,
            },
        );
        Histograms::build(g.members.as_ref().unwrap(), sens, card, None)
    }

    fn settings() -> Settings<'static> {
        Settings {
            c: 2.0,
            homogeneity_threshold: 0.9,
            distance: Distance::Equal,
            tree: None,
            numbers: None,
            worst: 3,
        }
    }

    /// Two classes of 4: A = {x, x, x, x} (homogeneous), B = {x, y, y, z}.
    /// Table: x 5/8, y 2/8, z 1/8.
    #[test]
    fn worked_example() {
        let h = histograms(&[0, 0, 0, 0, 1, 1, 1, 1], &[0, 0, 0, 0, 0, 1, 1, 2], 3);
        let r = assess(&h, &settings());
        assert_eq!((r.l_distinct, r.l_recursive, r.values), (1, 1, 3));
        assert_eq!(r.l_entropy, 1.0);
        // A: ½(|1 − 5/8| + 2/8 + 1/8) = 3/8. B: ½(|1/4 − 5/8| + |1/2 − 1/4| + 0) = 5/16.
        assert!((r.t - 0.375).abs() < 1e-12);
        // A lacks y and z: strict δ infinite. Present δ: A |ln(1/(5/8))| =
        // 0.47; B x |ln((1/4)/(5/8))| = ln 2.5 = 0.92, y and z ln 2 -> ln 2.5.
        assert_eq!(r.delta_strict, None);
        assert!((r.delta_present - 2.5f64.ln()).abs() < 1e-12);
        // β: A x gains (1 − 5/8)/(5/8) = 0.6; B y gains 1.0, z (1/4 − 1/8)/(1/8) = 1.0.
        assert!((r.beta_basic - 1.0).abs() < 1e-12);
        // Enhanced caps: x −ln 5/8 = 0.47 < 0.6 -> class A violates.
        assert_eq!(r.beta_enhanced, None);
        assert_eq!(r.beta_enhanced_violations, 1);
        assert_eq!(r.alpha, 1.0);
        assert_eq!((r.homogeneous_records, r.homogeneous_classes), (4, 1));
        assert_eq!(r.near_homogeneous_records, 4);
        // CAP: A 4·1 = 4; B (1 + 4 + 1)/4 = 1.5; mean 5.5/8.
        assert!((r.mean_cap - 5.5 / 8.0).abs() < 1e-12);
        // Hits: A 4, B 2 -> 6/8; baseline 5/8; risk (0.75 − 0.625)/0.375 = 1/3.
        assert_eq!(r.hit_rate, 0.75);
        assert!((r.attribution_risk.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.worst[0].class, 0);
        assert_eq!(r.worst[0].top_share, 1.0);
    }

    /// Numeric proximity: class A values 10, 11, 12, 13; B 0, 50, 100, 100.
    /// Global range 100; A range 3 -> 0.03; A IQR (nearest rank): Q1 = 10
    /// (rank 1), Q3 = 12 (rank 3) -> 0.02.
    #[test]
    fn proximity_by_hand() {
        let nums = [0.0, 10.0, 11.0, 12.0, 13.0, 50.0, 100.0];
        let h = histograms(&[0, 0, 0, 0, 1, 1, 1, 1], &[1, 2, 3, 4, 0, 5, 6, 6], 7);
        let mut s = settings();
        s.numbers = Some(&nums);
        s.distance = Distance::Ordered;
        let r = assess(&h, &s);
        let p = r.proximity.unwrap();
        assert_eq!(p.global_range, 100.0);
        assert!((p.min_relative_range - 0.03).abs() < 1e-12);
        assert!((p.min_relative_iqr - 0.02).abs() < 1e-12);
        assert_eq!(p.records_in_narrow_classes, 4);
    }

    #[test]
    fn result_does_not_depend_on_block_boundaries() {
        // 10,000 classes of 3 spanning several blocks.
        let qi: Vec<u32> = (0..30_000).map(|i| i / 3).collect();
        let sens: Vec<u32> = (0..30_000).map(|i| (i * 7 % 5) as u32).collect();
        let h = histograms(&qi, &sens, 5);
        let a = assess(&h, &settings());
        let b = assess(&h, &settings());
        assert_eq!(a, b);
        assert_eq!(a.records, 30_000);
    }
}
