//! Threshold comparisons of figures computed in floating point.
//!
//! A figure such as entropy l = exp(H) is computed through logarithms and
//! lands within a few units in the last place of its true value: a class
//! with 3 equally frequent values has entropy l = 2.9999999999999996, not 3.
//! Comparing such figures with a threshold exactly would fail a class that
//! meets the definition. Every threshold comparison of kanon therefore goes
//! through these functions, which treat values within a relative
//! [`REL_TOL`] of each other as equal; anything further off keeps its
//! side (a class 3e-7 below l still fails). Integer figures (k, class
//! sizes) are compared exactly and never come here.

/// Relative tolerance: far above floating-point noise (~1e-15), far below
/// any difference a user could mean.
pub const REL_TOL: f64 = 1e-9;

fn slack(a: f64, b: f64) -> f64 {
    REL_TOL * a.abs().max(b.abs())
}

/// Equal within the tolerance.
pub fn equal(a: f64, b: f64) -> bool {
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= slack(a, b))
}

/// `actual ≥ limit` (a minimum such as l).
pub fn at_least(actual: f64, limit: f64) -> bool {
    actual >= limit || equal(actual, limit)
}

/// `actual ≤ limit` (a maximum such as t, β, a risk).
pub fn at_most(actual: f64, limit: f64) -> bool {
    actual <= limit || equal(actual, limit)
}

/// `actual < limit` strictly (δ-disclosure, recursive (c,l)): equal values fail.
pub fn below(actual: f64, limit: f64) -> bool {
    actual < limit && !equal(actual, limit)
}

/// `actual > limit` strictly (a record above the risk threshold).
pub fn above(actual: f64, limit: f64) -> bool {
    actual > limit && !equal(actual, limit)
}

/// The smallest integer at least `x`, where `x` within the tolerance of
/// an integer is that integer (⌈1/0.2⌉ = 5 however 1/0.2 rounds).
pub fn ceil(x: f64) -> f64 {
    let r = x.round();
    if equal(x, r) {
        r
    } else {
        x.ceil()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_equal_and_real_differences_are_not() {
        let l3 = (3f64).ln().exp();
        assert_ne!(l3, 3.0, "the floating-point case this module exists for");
        assert!(at_least(l3, 3.0));
        assert!(!at_least(3.0 - 3e-7, 3.0));
        assert!(at_most(0.2 + 1e-16, 0.2));
        assert!(!at_most(0.2 + 1e-6, 0.2));
        // Strict comparisons: the boundary itself is not below or above.
        assert!(!below(0.5, 0.5) && !below(0.5 - 1e-15, 0.5) && below(0.49, 0.5));
        assert!(!above(0.2, 0.2) && !above(1.0 / 5.0, 0.2) && above(0.25, 0.2));
        assert!(at_most(f64::INFINITY, f64::INFINITY) && !at_most(f64::INFINITY, 1.0));
        assert!(!at_least(f64::NAN, 1.0) && !at_most(f64::NAN, 1.0));
        assert_eq!(ceil(1.0 / 0.2), 5.0);
        assert_eq!(ceil(0.29 * 100.0), 29.0);
        assert_eq!(ceil(5.000001), 6.0);
    }
}
