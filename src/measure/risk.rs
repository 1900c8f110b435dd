//! Re-identification risk models as pure functions of a [`ClassTable`].
//!
//! Attacker models after El Emam & Dankar, "Protecting privacy using
//! k-anonymity", JAMIA 15(5), 2008, and El Emam, *Guide to the
//! De-Identification of Personal Health Information*, 2013, with the
//! summary figures ARX reports (`risk/RiskModelSampleSummary.java`):
//!
//! * **prosecutor** — knows the target is in the table: record risk 1/f_c;
//!   highest 1/min f_c; average (success rate) J/n; records at risk = share
//!   of records with 1/f_c > τ (docs/metrics.md, "Re-identification risk");
//! * **journalist** — matches against the population: record risk 1/F_c
//!   with F_c the population size of the class; highest 1/min F_c; success
//!   rate max(J/Σ_c F_c, (1/n) Σ_c f_c/F_c); records at risk with 1/F_c > τ
//!   (S10);
//! * **marketer** — re-identifies as many as possible: (1/n) Σ_c f_c/F_c.
//!
//! Without population figures F_c = f_c and the three coincide.
//!
//! Attribute contribution: ARX's distinction and separation (Motwani & Xu,
//! "Efficient algorithms for masking and finding quasi-identifiers", 2007),
//! and how many sample uniques vanish when a QI is dropped (docs/metrics.md, "Attribute contribution").

use rayon::prelude::*;

use crate::engine::classes::ClassTable;
use crate::measure::privacy::{ratio, Frequencies};

/// Prosecutor-model figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Prosecutor {
    /// 1 / min f_c.
    pub highest: f64,
    /// J / n: expected share of records re-identified.
    pub average: f64,
    /// Share of records with 1/f_c > τ.
    pub records_at_risk: f64,
    /// Number of records with 1/f_c > τ.
    pub records_at_risk_count: u64,
}

/// Prosecutor risk with threshold `tau` (S4, S11).
pub fn prosecutor(t: &ClassTable, tau: f64) -> Prosecutor {
    prosecutor_of(Frequencies::of(t), tau)
}

/// Prosecutor risk from record frequencies: a record's risk is 1/f, the
/// average the mean over records (J/n when f is the class size).
pub fn prosecutor_of(fr: Frequencies, tau: f64) -> Prosecutor {
    let risky = AtRisk::new(tau);
    let (sizes, freq) = (fr.sizes, fr.f);
    // (smallest f, records, records at risk, Σ s/f) in one pass.
    let (min, n, at_risk, sum) = fold_classes(
        freq.len(),
        |r| {
            let mut a = (u64::MAX, 0u64, 0u64, 0.0f64);
            for (&s, &f) in sizes[r.clone()].iter().zip(&freq[r]) {
                a.0 = a.0.min(f);
                a.1 += s;
                if risky.of_count(f) {
                    a.2 += s;
                }
                a.3 += quotient(s, f as f64);
            }
            a
        },
        |x, y| (x.0.min(y.0), x.1 + y.1, x.2 + y.2, x.3 + y.3),
    )
    .unwrap_or((0, 0, 0, 0.0));
    Prosecutor {
        highest: if min == 0 { 0.0 } else { 1.0 / min as f64 },
        average: if n == 0 { 0.0 } else { sum / n as f64 },
        records_at_risk: ratio(at_risk, n),
        records_at_risk_count: at_risk,
    }
}

/// Classes per part of the per-class passes. Fixed, so that the parts' sums
/// are added in one order, giving the same bytes whatever the threads.
const PART: usize = 1 << 16;

/// `part` over consecutive ranges of `n` classes in parallel, the results
/// joined in class order; `None` without classes.
fn fold_classes<A: Send>(
    n: usize,
    part: impl Fn(std::ops::Range<usize>) -> A + Sync + Send,
    join: impl Fn(A, A) -> A,
) -> Option<A> {
    let parts: Vec<A> = (0..n.div_ceil(PART))
        .into_par_iter()
        .map(|p| part(p * PART..((p + 1) * PART).min(n)))
        .collect();
    parts.into_iter().reduce(join)
}

/// f / F, which is exactly 1 when they are equal (the sample as its own
/// population): no division then.
fn quotient(f: u64, big_f: f64) -> f64 {
    if f as f64 == big_f && f != 0 {
        1.0
    } else {
        f as f64 / big_f
    }
}

/// Whether a record's risk 1/F is above τ (with the tolerance of
/// `tolerance::above`), looked up for the small integer F that most classes
/// have instead of divided.
struct AtRisk {
    tau: f64,
    small: Vec<bool>,
}

impl AtRisk {
    const SMALL: usize = 4096;

    fn new(tau: f64) -> AtRisk {
        let small = (0..Self::SMALL)
            .map(|f| crate::measure::tolerance::above(1.0 / f as f64, tau))
            .collect();
        AtRisk { tau, small }
    }

    fn of_count(&self, f: u64) -> bool {
        match self.small.get(f as usize) {
            Some(&r) => r,
            None => crate::measure::tolerance::above(1.0 / f as f64, self.tau),
        }
    }

    fn of_size(&self, big_f: f64) -> bool {
        if big_f.fract() == 0.0 && big_f >= 0.0 && big_f < Self::SMALL as f64 {
            self.small[big_f as usize]
        } else {
            crate::measure::tolerance::above(1.0 / big_f, self.tau)
        }
    }
}

/// Journalist-model figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Journalist {
    /// 1 / min F_c.
    pub highest: f64,
    /// max(J / Σ F_c, (1/n) Σ f_c / F_c).
    pub average: f64,
    /// Share of records with 1/F_c > τ.
    pub records_at_risk: f64,
    pub records_at_risk_count: u64,
}

/// Journalist risk, given each class's population size `population[c]`
/// (F_c ≥ f_c; see [`population_from_weights`]).
pub fn journalist(t: &ClassTable, population: &[f64], tau: f64) -> Journalist {
    journalist_of(&t.sizes, population, Some(t.len() as u64), tau)
}

/// Journalist risk from the records per class and each class's population
/// frequency F. `classes` is J when the classes partition the records
/// (the success rate is then max(J/ΣF, marketer)); with missing values as
/// wildcards the compatible sets overlap and the rate is the marketer risk.
pub fn journalist_of(
    sizes: &[u64],
    population: &[f64],
    classes: Option<u64>,
    tau: f64,
) -> Journalist {
    let risky = AtRisk::new(tau);
    // (records, smallest F, records at risk, Σ F, Σ f/F) in one pass.
    let (n, min, at_risk, total, sum) = fold_classes(
        sizes.len().min(population.len()),
        |r| {
            let mut a = (0u64, f64::INFINITY, 0u64, 0.0f64, 0.0f64);
            for (&f, &big_f) in sizes[r.clone()].iter().zip(&population[r]) {
                a.0 += f;
                a.1 = a.1.min(big_f);
                if risky.of_size(big_f) {
                    a.2 += f;
                }
                a.3 += big_f;
                a.4 += quotient(f, big_f);
            }
            a
        },
        |x, y| (x.0 + y.0, x.1.min(y.1), x.2 + y.2, x.3 + y.3, x.4 + y.4),
    )
    .unwrap_or((0, f64::INFINITY, 0, 0.0, 0.0));
    let marketer = if n == 0 { 0.0 } else { sum / n as f64 };
    let by_classes = match classes {
        Some(j) if total > 0.0 => j as f64 / total,
        _ => 0.0,
    };
    Journalist {
        highest: if min.is_finite() && min > 0.0 {
            1.0 / min
        } else {
            0.0
        },
        average: by_classes.max(marketer),
        records_at_risk: ratio(at_risk, n),
        records_at_risk_count: at_risk,
    }
}

/// Marketer risk (1/n) Σ_c f_c / F_c.
pub fn marketer(t: &ClassTable, population: &[f64]) -> f64 {
    marketer_of(&t.sizes, population)
}

/// Marketer risk: the mean over records of 1/F.
pub fn marketer_of(sizes: &[u64], population: &[f64]) -> f64 {
    let (n, sum) = fold_classes(
        sizes.len().min(population.len()),
        |r| {
            let own = sizes[r.clone()].iter().zip(&population[r]);
            own.fold((0u64, 0.0f64), |(n, s), (&f, &big_f)| {
                (n + f, s + quotient(f, big_f))
            })
        },
        |x, y| (x.0 + y.0, x.1 + y.1),
    )
    .unwrap_or((0, 0.0));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// Population class sizes from the sample itself: F_c = f_c.
pub fn population_from_sample(t: &ClassTable) -> Vec<f64> {
    t.sizes.iter().map(|&f| f as f64).collect()
}

/// Population class sizes from survey weights, F_c = Σ w_i over the class,
/// raised to f_c where the weights sum to less (a class cannot be smaller
/// in the population than in the sample). Returns the sizes and the number
/// of classes that were raised.
pub fn population_from_weights(t: &ClassTable) -> Option<(Vec<f64>, u64)> {
    let w = t.weights.as_ref()?;
    let mut raised = 0;
    let sizes = w
        .iter()
        .zip(&t.sizes)
        .map(|(&big_f, &f)| {
            if big_f < f as f64 {
                raised += 1;
                f as f64
            } else {
                big_f
            }
        })
        .collect();
    Some((sizes, raised))
}

/// How one quasi-identifier contributes to singling out.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Position of the QI in the class table.
    pub position: usize,
    /// Distinct values (the missing value counts as one).
    pub distinct: u64,
    /// Distinct values / n (ARX's distinction).
    pub distinction: f64,
    /// Share of record pairs with different values (ARX's separation):
    /// 1 − Σ_v f_v (f_v − 1) / (n (n − 1)); `None` for fewer than 2 records.
    pub separation: Option<f64>,
    /// Records whose value of this QI alone is unique.
    pub uniques_alone: u64,
    /// Sample uniques when this QI is dropped from the QI set.
    pub uniques_without: u64,
    /// Sample uniques that vanish when this QI is dropped.
    pub uniques_removed: u64,
}

/// Attribute contribution of every QI of `t` (docs/metrics.md, "Attribute contribution"). With
/// `missing` codes, missing values are wildcards: uniques are the records
/// compatible with no other, on the QI alone and without it.
pub fn contributions(t: &ClassTable, missing: Option<&[Option<u32>]>) -> Vec<Contribution> {
    let Some(missing) = missing else {
        return contributions_by_class(t);
    };
    let all: Vec<usize> = (0..t.arity()).collect();
    let uniques_on = |keep: &[usize]| -> u64 {
        let v = super::wildcard::View::of(t, missing, keep);
        let (f, _) = super::wildcard::compatible(&v, &v);
        f.iter()
            .zip(&t.sizes)
            .filter(|(&f, _)| f == 1)
            .map(|(_, &s)| s)
            .sum()
    };
    let uniques = uniques_on(&all);
    contributions_by_class(t)
        .into_iter()
        .map(|c| {
            let without: Vec<usize> = all.iter().copied().filter(|&q| q != c.position).collect();
            let uniques_without = uniques_on(&without);
            Contribution {
                uniques_alone: uniques_on(&[c.position]),
                uniques_without,
                uniques_removed: uniques - uniques_without,
                ..c
            }
        })
        .collect()
}

fn contributions_by_class(t: &ClassTable) -> Vec<Contribution> {
    let n = t.records();
    let ones = |r: std::ops::Range<usize>| t.sizes[r].iter().filter(|&&s| s == 1).count() as u64;
    let uniques = crate::engine::bulk::by_parts(t.len(), ones, |a, b| a + b);
    // One QI at a time, each step parallel inside: one reduced copy of the
    // keys is alive at once, not one per QI.
    let drop_one = t.drop_one();
    let without: Vec<u64> = (0..t.arity())
        .map(|q| drop_one.uniques_without(q))
        .collect();
    drop_one.free();
    (0..t.arity())
        .into_par_iter()
        .map(|q| {
            let values: Vec<u64> = t.value_counts(q).into_iter().filter(|&f| f > 0).collect();
            // Exact integer pair counts; the division is the only rounding.
            let pairs: u128 = values.iter().map(|&f| f as u128 * (f as u128 - 1)).sum();
            let all = n as u128 * (n as u128).saturating_sub(1);
            let separation = (n >= 2).then(|| 1.0 - pairs as f64 / all as f64);
            let without = without[q];
            Contribution {
                position: q,
                distinct: values.len() as u64,
                distinction: ratio(values.len() as u64, n),
                separation,
                uniques_alone: values.iter().filter(|&&f| f == 1).count() as u64,
                uniques_without: without,
                uniques_removed: uniques - without,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::classes::{group, Rows};

    /// The 7-row table of ARX's examples (`arx-test/test.csv`) on
    /// age × gender × zipcode, by hand:
    /// 34,male,81667 | 45,female,81675 | 66,male,81925 | 70,female,81931 |
    /// 34,female,81931 | 70,male,81931 | 45,male,81931: all 7 classes unique.
    /// On age alone: 34 ×2, 45 ×2, 66 ×1, 70 ×2.
    fn arx_toy() -> ClassTable {
        let age = [0, 1, 2, 3, 0, 3, 1];
        let gender = [1, 0, 1, 0, 0, 1, 1];
        let zip = [0, 1, 2, 3, 3, 3, 3];
        group(
            Rows {
                columns: &[&age, &gender, &zip],
                cards: &[4, 2, 4],
                counts: None,
                weights: None,
                len: 7,
            },
            false,
        )
        .table
    }

    #[test]
    fn prosecutor_on_uniques() {
        let t = arx_toy();
        let p = prosecutor(&t, 0.2);
        assert_eq!(p.highest, 1.0);
        assert_eq!(p.average, 1.0);
        assert_eq!(p.records_at_risk, 1.0);
        let pop = population_from_sample(&t);
        assert_eq!(marketer(&t, &pop), 1.0);
        assert_eq!(journalist(&t, &pop, 0.2).average, 1.0);
    }

    // Sizes 1, 2, 3, 4 (n = 10, J = 4), F = 10, 10, 20, 40 (Σ F = 80):
    // prosecutor highest 1, average 4/10, at risk (τ = 0.3): 1/1 and 1/2 and
    // 1/3 exceed 0.3 -> 6/10. marketer = (1/10 + 2/10 + 3/20 + 4/40)/10 =
    // 0.55/10 = 0.055. journalist highest 1/10, average max(4/80, 0.055) =
    // 0.055, at risk 0 (every 1/F ≤ 0.1).
    #[test]
    fn journalist_and_marketer_by_hand() {
        let t = ClassTable {
            keys: vec![vec![0, 1, 2, 3]],
            cards: vec![4],
            sizes: vec![1, 2, 3, 4],
            weights: Some(vec![10.0, 10.0, 20.0, 40.0]),
        };
        let p = prosecutor(&t, 0.3);
        assert_eq!((p.highest, p.average, p.records_at_risk), (1.0, 0.4, 0.6));
        let (pop, raised) = population_from_weights(&t).unwrap();
        assert_eq!(raised, 0);
        let m = marketer(&t, &pop);
        assert!((m - 0.055).abs() < 1e-15, "{m}");
        let j = journalist(&t, &pop, 0.3);
        assert_eq!(j.highest, 0.1);
        assert!((j.average - 0.055).abs() < 1e-15);
        assert_eq!(j.records_at_risk, 0.0);
    }

    /// The looked-up test of 1/F > τ is the tolerant comparison itself, at
    /// the boundary 1/F = τ too, for counts and non-integer sizes.
    #[test]
    fn lookup_of_risk_above_threshold_is_the_comparison() {
        use crate::measure::tolerance::above;
        for tau in [0.0, 0.05, 0.2, 1.0 / 3.0, 0.5, 1.0] {
            let risky = AtRisk::new(tau);
            for f in 0..6000u64 {
                assert_eq!(risky.of_count(f), above(1.0 / f as f64, tau), "{tau} {f}");
                let big_f = f as f64;
                assert_eq!(risky.of_size(big_f), above(1.0 / big_f, tau));
                assert_eq!(risky.of_size(big_f + 0.5), above(1.0 / (big_f + 0.5), tau));
            }
        }
        // 1/F = τ exactly is not above it.
        assert!(!AtRisk::new(0.2).of_count(5) && AtRisk::new(0.2).of_count(4));
    }

    /// Over many classes (parts summed in parallel) the figures are the
    /// definitions' sums, within rounding.
    #[test]
    fn many_classes_give_the_definitions_figures() {
        let mut rng = crate::engine::splitmix::SplitMix64(11);
        let sizes: Vec<u64> = (0..200_000).map(|_| 1 + rng.next_u64() % 7).collect();
        let pop: Vec<f64> = sizes.iter().map(|&f| f as f64 * 1.5).collect();
        let n: u64 = sizes.iter().sum();
        let fr = Frequencies {
            sizes: &sizes,
            f: &sizes,
        };
        let p = prosecutor_of(fr, 0.2);
        assert_eq!(p.average, sizes.len() as f64 / n as f64);
        let risky: u64 = sizes.iter().filter(|&&f| f < 5).sum();
        assert_eq!(p.records_at_risk_count, risky);
        let j = journalist_of(&sizes, &pop, Some(sizes.len() as u64), 0.2);
        let marketer: f64 = sizes
            .iter()
            .zip(&pop)
            .map(|(&f, &p)| f as f64 / p)
            .sum::<f64>();
        assert!((marketer_of(&sizes, &pop) - marketer / n as f64).abs() < 1e-12);
        let by_classes = sizes.len() as f64 / pop.iter().sum::<f64>();
        assert!((j.average - by_classes.max(marketer / n as f64)).abs() < 1e-12);
        let risky: u64 = sizes.iter().filter(|&&f| (f as f64 * 1.5) < 5.0).sum();
        assert_eq!(j.records_at_risk_count, risky);
        assert_eq!(j.highest, 1.0 / 1.5);
    }

    #[test]
    fn threshold_is_strict() {
        // 1/5 = 0.2 is not above τ = 0.2 (ARX: risk > threshold).
        let t = ClassTable {
            keys: vec![vec![0]],
            cards: vec![1],
            sizes: vec![5],
            weights: None,
        };
        assert_eq!(prosecutor(&t, 0.2).records_at_risk, 0.0);
        assert_eq!(prosecutor(&t, 0.19).records_at_risk, 1.0);
    }

    #[test]
    fn weights_below_sample_size_are_raised() {
        let t = ClassTable {
            keys: vec![vec![0, 1]],
            cards: vec![2],
            sizes: vec![3, 1],
            weights: Some(vec![1.5, 4.0]),
        };
        let (pop, raised) = population_from_weights(&t).unwrap();
        assert_eq!(pop, vec![3.0, 4.0]);
        assert_eq!(raised, 1);
    }

    #[test]
    fn contributions_by_hand() {
        let t = arx_toy();
        let c = contributions(&t, None);
        // age: 4 values; pairs Σ f(f-1) = 2+2+0+2 = 6 of 7·6 = 42.
        assert_eq!(c[0].distinct, 4);
        assert_eq!(c[0].distinction, 4.0 / 7.0);
        assert_eq!(c[0].separation, Some(1.0 - 6.0 / 42.0));
        assert_eq!(c[0].uniques_alone, 1);
        // Without age: (male,81667) (female,81675) (male,81925) unique;
        // (female,81931) ×2, (male,81931) ×2 -> 3 uniques remain, 4 vanish.
        assert_eq!(c[0].uniques_without, 3);
        assert_eq!(c[0].uniques_removed, 4);
        // gender: 3 female, 4 male -> separation 1 - (6 + 12)/42.
        assert_eq!(c[1].separation, Some(1.0 - 18.0 / 42.0));
        // Without gender: 34/81667, 45/81675, 66/81925, 70/81931 ×2,
        // 34/81931, 45/81931 -> 5 uniques.
        assert_eq!(c[1].uniques_without, 5);
        // Without zip: age × gender: 34m, 45f, 66m, 70f, 34f, 70m, 45m all
        // distinct -> 7 uniques, none removed.
        assert_eq!(c[2].uniques_removed, 0);
    }
}
