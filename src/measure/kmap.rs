//! k-map estimated from a sample (docs/metrics.md, "k-map").
//!
//! k-map (Sweeney 2002) asks every released class to match at least k
//! people of the population. Without the population, the population size
//! of a sample class of size f is modelled as Poisson with mean λ = π·k at
//! the boundary (Pannekoek 1999; El Emam & Dankar 2008, JAMIA 15(5)),
//! which turns k-map at significance α into k-anonymity with a derived
//! k' ≤ k. The derivation follows ARX (`criteria/KMap.java`), so that the
//! same inputs give the same k':
//!
//! * Poisson: the smallest c with P(X ≤ c) ≥ 1 − α, then k' = c + 2;
//! * zero-truncated Poisson: the smallest c ≥ 1 with
//!   Σ_{i=1..c} P(X = i)/(1 − P(X = 0)) ≥ 1 − α, then k' = c + 1;
//!
//! the type-I error is 1 minus the probability reached. ARX stops the
//! count when it reaches k ("the dataset then fulfils k-map for sure"),
//! which can return k + 1; kanon caps k' at k, since k-anonymity with k
//! always gives k-map with k (a population class is never smaller than
//! the sample's), and then the error is 0.

use crate::choice::Choice;

/// The model of a class's population size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Estimator {
    /// Poisson (Pannekoek 1999).
    Poisson,
    /// Poisson truncated at zero: a sampled class has at least one
    /// member in the population (El Emam & Dankar 2008).
    #[default]
    ZeroTruncatedPoisson,
}

impl Choice for Estimator {
    const WHAT: &'static str = "k-map estimator";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("poisson", Estimator::Poisson),
        ("zero-truncated-poisson", Estimator::ZeroTruncatedPoisson),
    ];
}

/// The k-anonymity that gives k-map with `k` at significance `alpha`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derived {
    pub k: u64,
    /// The chance that a class of size k' still maps to fewer than k
    /// people.
    pub type1_error: f64,
}

/// P(X = i) for X ~ Poisson(λ), in log space (no overflow for large i).
fn pmf(lambda: f64, i: u64) -> f64 {
    if lambda == 0.0 {
        return if i == 0 { 1.0 } else { 0.0 };
    }
    let i = i as f64;
    (-lambda + i * lambda.ln() - crate::measure::special::ln_gamma(i + 1.0)).exp()
}

/// k' for k-map with `k` at significance `alpha`, π the sampling fraction.
pub fn derive(k: u64, sampling_fraction: f64, alpha: f64, estimator: Estimator) -> Derived {
    let lambda = sampling_fraction * k as f64;
    let threshold = 1.0 - alpha;
    let (mut counter, mut value) = match estimator {
        Estimator::Poisson => (0u64, 0.0),
        Estimator::ZeroTruncatedPoisson => (1u64, 0.0),
    };
    let truncated_mass = 1.0 - pmf(lambda, 0);
    let mut cdf = 0.0;
    let mut reached_k = false;
    while value < threshold {
        match estimator {
            Estimator::Poisson => {
                cdf += pmf(lambda, counter);
                value = cdf;
            }
            Estimator::ZeroTruncatedPoisson => value += pmf(lambda, counter) / truncated_mass,
        }
        counter += 1;
        if counter >= k {
            reached_k = true;
            break;
        }
    }
    let derived = match estimator {
        Estimator::Poisson => counter + 1,
        Estimator::ZeroTruncatedPoisson => counter,
    };
    if reached_k || derived >= k {
        return Derived {
            k,
            type1_error: 0.0,
        };
    }
    Derived {
        k: derived,
        type1_error: (1.0 - value).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand, λ = 0.5 (π = 0.005, k = 100), α = 0.05.
    /// Poisson: P(X ≤ 0) = e^−0.5 = 0.60653, P(X ≤ 1) = 1.5·e^−0.5 =
    /// 0.90980, P(X ≤ 2) = 1.625·e^−0.5 = 0.98561 ≥ 0.95: c = 2, k' = 4,
    /// error 0.01439. Zero-truncated: P(1)/(1 − e^−0.5) = 0.30327/0.39347 =
    /// 0.77075, + P(2)/0.39347 = 0.07582/0.39347 = 0.19269 → 0.96343 ≥ 0.95:
    /// c = 2, k' = 3, error 0.03657.
    #[test]
    fn worked_by_hand() {
        let p = derive(100, 0.005, 0.05, Estimator::Poisson);
        assert_eq!(p.k, 4);
        assert!((p.type1_error - (1.0 - 1.625 * (-0.5f64).exp())).abs() < 1e-12);
        let z = derive(100, 0.005, 0.05, Estimator::ZeroTruncatedPoisson);
        assert_eq!(z.k, 3);
        let e = (-0.5f64).exp();
        let reached = (0.5 * e + 0.125 * e) / (1.0 - e);
        assert!((z.type1_error - (1.0 - reached)).abs() < 1e-12);
    }

    /// ARX's adult cases (TestAnonymizationKMap): the USA population
    /// (317,238,626) and adult's 30,162 records, α = 0.01, zero-truncated:
    /// k = 3 → k' = 2 and k = 1000 → k' = 3 (λ = 0.0951: 0.9528, then
    /// 0.9980 ≥ 0.99), the k-anonymity whose optimum ARX reports.
    #[test]
    fn arx_adult_cases() {
        let pi = 30_162.0 / 317_238_626.0;
        assert_eq!(derive(3, pi, 0.01, Estimator::ZeroTruncatedPoisson).k, 2);
        assert_eq!(derive(1000, pi, 0.01, Estimator::ZeroTruncatedPoisson).k, 3);
    }

    /// k' never exceeds k: at the boundary where ARX's count reaches k,
    /// k-anonymity with k itself is the answer, with no error.
    #[test]
    fn capped_at_k() {
        for k in 1..6 {
            for est in [Estimator::Poisson, Estimator::ZeroTruncatedPoisson] {
                let d = derive(k, 0.9, 0.01, est);
                assert!(d.k <= k, "{k} {est:?} → {}", d.k);
            }
        }
        assert_eq!(derive(1, 0.01, 0.05, Estimator::Poisson).k, 1);
        let full = derive(5, 1.0, 0.01, Estimator::Poisson);
        assert_eq!((full.k, full.type1_error), (5, 0.0));
    }
}
