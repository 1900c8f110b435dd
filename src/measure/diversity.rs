//! Per-class inference measures over one class's sensitive counts
//! (docs/metrics.md, "Inference"). Each takes the class's counts (and where
//! needed its codes and the table distribution p) and is a pure function.
//!
//! * l-diversity — Machanavajjhala, Kifer, Gehrke & Venkitasubramaniam,
//!   "l-diversity: privacy beyond k-anonymity", ACM TKDD 1(1), 2007:
//!   distinct l (values present), entropy l = exp(H) with
//!   H = −Σ_s q_s ln q_s (reported exactly, not rounded), recursive (c,l):
//!   with counts r_1 ≥ … ≥ r_m, (c,l)-diverse iff r_1 < c (r_l + … + r_m).
//! * δ-disclosure — Brickell & Shmatikov, "The cost of privacy", KDD 2008:
//!   max_s |ln(q_s / p_s)|; strictly, a value of the table absent from the
//!   class gives ln 0 = −∞.
//! * β-likeness — Cao & Karras, "Publishing microdata with a robust privacy
//!   guarantee", PVLDB 5(11), 2012: basic β_c = max over q_s > p_s of
//!   (q_s − p_s)/p_s; enhanced additionally caps each gain at −ln p_s.
//! * (α,k)-anonymity — Wong, Li, Fu & Wang, KDD 2006: the largest share α of
//!   one sensitive value in a class.

/// Number of distinct sensitive values in the class (I2).
pub fn distinct_l(counts: &[u64]) -> u64 {
    counts.iter().filter(|&&n| n > 0).count() as u64
}

/// exp of the Shannon entropy (natural logarithm) of the class (I3).
pub fn entropy_l(counts: &[u64]) -> f64 {
    let f: u64 = counts.iter().sum();
    if f == 0 {
        return 0.0;
    }
    let f = f as f64;
    let h: f64 = counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let q = n as f64 / f;
            -q * q.ln()
        })
        .sum();
    h.exp()
}

/// The largest l for which the class is recursive (c,l)-diverse (I4); 1
/// when it fails at l = 2 or has a single value. The condition weakens as
/// l falls (the tail sum grows), so the largest l is found from the top.
pub fn recursive_l(counts: &[u64], c: f64) -> u64 {
    recursive_l_with(counts, c, &mut Vec::new())
}

/// [`recursive_l`] with a caller's scratch buffer (no allocation per class).
pub fn recursive_l_with(counts: &[u64], c: f64, r: &mut Vec<u64>) -> u64 {
    r.clear();
    r.extend(counts.iter().copied().filter(|&n| n > 0));
    if r.len() < 2 {
        return 1;
    }
    r.sort_unstable_by(|a, b| b.cmp(a));
    // Walk l down from m, growing the tail r_l + … + r_m.
    let mut tail = 0u64;
    for l in (2..=r.len()).rev() {
        tail += r[l - 1];
        if crate::measure::tolerance::below(r[0] as f64, c * tail as f64) {
            return l as u64;
        }
    }
    1
}

/// Largest share of one value in the class, p_max (I1, I8).
pub fn max_share(counts: &[u64]) -> f64 {
    let f: u64 = counts.iter().sum();
    let top = counts.iter().copied().max().unwrap_or(0);
    if f == 0 {
        0.0
    } else {
        top as f64 / f as f64
    }
}

/// δ of a class over the values present in it (ARX, pycanon).
pub fn delta_present(codes: &[u32], counts: &[u64], p: &[f64]) -> f64 {
    let f: u64 = counts.iter().sum();
    codes
        .iter()
        .zip(counts)
        .map(|(&s, &n)| ((n as f64 / f as f64) / p[s as usize]).ln().abs())
        .fold(0.0, f64::max)
}

/// δ of a class by the paper's definition: `None` (infinite) when a value
/// that the table has (p_s > 0) is absent from the class.
pub fn delta_strict(
    codes: &[u32],
    counts: &[u64],
    p: &[f64],
    values_in_table: usize,
) -> Option<f64> {
    (distinct_l(counts) as usize >= values_in_table).then(|| delta_present(codes, counts, p))
}

/// Basic β of a class: the largest relative gain (q_s − p_s)/p_s over the
/// values more frequent in the class than in the table; 0 if none is.
pub fn beta_basic(codes: &[u32], counts: &[u64], p: &[f64]) -> f64 {
    let f: u64 = counts.iter().sum();
    codes
        .iter()
        .zip(counts)
        .map(|(&s, &n)| {
            let (q, ps) = (n as f64 / f as f64, p[s as usize]);
            if q > ps {
                (q - ps) / ps
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

/// Whether the class meets enhanced β-likeness's per-value cap: every gain
/// (q_s − p_s)/p_s ≤ −ln p_s. If it does, the class satisfies enhanced
/// β-likeness exactly for β ≥ its basic β; if not, for no β.
pub fn beta_enhanced_feasible(codes: &[u32], counts: &[u64], p: &[f64]) -> bool {
    let f: u64 = counts.iter().sum();
    codes.iter().zip(counts).all(|(&s, &n)| {
        let (q, ps) = (n as f64 / f as f64, p[s as usize]);
        q <= ps || crate::measure::tolerance::at_most((q - ps) / ps, -ps.ln())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_diversity_by_hand() {
        // Counts 3, 2, 1 (f = 6): distinct 3; H = -(1/2 ln 1/2 + 1/3 ln 1/3
        // + 1/6 ln 1/6) = 1.0114042647…, exp(H) = 2.7495…
        let c = [3, 2, 1];
        assert_eq!(distinct_l(&c), 3);
        let h: f64 = -(0.5f64 * 0.5f64.ln()
            + (1.0 / 3.0) * (1.0f64 / 3.0).ln()
            + (1.0 / 6.0) * (1.0f64 / 6.0).ln());
        assert!((entropy_l(&c) - h.exp()).abs() < 1e-12);
        assert!((entropy_l(&c) - 2.749459).abs() < 1e-6);
        // Uniform over 4 values: entropy l is exactly 4.
        assert!((entropy_l(&[5, 5, 5, 5]) - 4.0).abs() < 1e-12);
        assert_eq!(entropy_l(&[7]), 1.0);
    }

    #[test]
    fn recursive_by_the_textbook_definition() {
        // r = 3, 2, 1; c = 2: l = 3 needs 3 < 2·1 (no); l = 2 needs 3 < 2·3 (yes).
        assert_eq!(recursive_l(&[1, 3, 2], 2.0), 2);
        // c = 4: l = 3 needs 3 < 4·1: yes.
        assert_eq!(recursive_l(&[3, 2, 1], 4.0), 3);
        // c = 1: l = 2 needs 3 < 1·3: no -> 1.
        assert_eq!(recursive_l(&[3, 2, 1], 1.0), 1);
        assert_eq!(recursive_l(&[9], 10.0), 1);
        // Machanavajjhala et al.'s reading: equal counts are (c,l)-diverse for c > 1.
        assert_eq!(recursive_l(&[2, 2, 2], 1.5), 3);
    }

    #[test]
    fn delta_and_beta_by_hand() {
        // Table p = (0.5, 0.3, 0.2); class counts over codes 0, 1 = 1, 3 (q = 0.25, 0.75).
        let p = [0.5, 0.3, 0.2];
        let (codes, counts) = ([0u32, 1], [1u64, 3]);
        let d = delta_present(&codes, &counts, &p);
        assert!((d - (0.75f64 / 0.3).ln()).abs() < 1e-12);
        // Value 2 is absent: strict δ is infinite.
        assert_eq!(delta_strict(&codes, &counts, &p, 3), None);
        assert_eq!(delta_strict(&codes, &counts, &p, 2), Some(d));
        // β: only value 1 gains: (0.75 - 0.3)/0.3 = 1.5.
        assert!((beta_basic(&codes, &counts, &p) - 1.5).abs() < 1e-12);
        // Enhanced cap for value 1: -ln 0.3 = 1.204 < 1.5 -> infeasible.
        assert!(!beta_enhanced_feasible(&codes, &counts, &p));
        assert!(beta_enhanced_feasible(&[0, 1, 2], &[5, 3, 2], &p));
        assert_eq!(max_share(&counts), 0.75);
    }
}
