//! Population uniqueness: how many of the population's people are unique on
//! the quasi-identifiers, estimated from a sample (docs/metrics.md, "Population uniqueness").
//!
//! Inputs are the sample's class-size histogram n_j (n_1 sample uniques),
//! u = J classes, n records, the population size N and π = n/N.
//!
//! * **Zayatz** (1991): with H(1; N, j, n) the hypergeometric probability
//!   that exactly one member of a size-j class is sampled,
//!   P = (n_1/u)·H(1;N,1,n) / Σ_j (n_j/u)·H(1;N,j,n) and PU = n_1·P/π.
//!   Sample class sizes stand in for population sizes, as in ARX; unlike
//!   ARX, N and n are not cast to 32-bit integers.
//! * **Pitman** (Hoshino 2001, "Applying Pitman's sampling formula to
//!   microdata disclosure risk assessment", JOS 17(4)): maximum-likelihood
//!   (θ, α) of the Ewens–Pitman partition, solved by 2-D Newton–Raphson with
//!   the closed forms of the sums; PU = Γ(θ + 1)/Γ(θ + α) · N^α.
//! * **SNB**, slide negative binomial (Chen & Keller-McNulty 1998,
//!   "Estimation of identification disclosure risk in microdata", JOS
//!   14(1)): population class size F with F − 1 ~ NegBin(a, b), sample size
//!   f | F ~ Bin(F, π); K non-empty classes by Haas et al.'s (1995)
//!   Shlosser-type estimator; (a, b) solve E[#classes of size 1] = n_1 and
//!   E[#classes of size 2] = n_2; PU = K·b^a. Implemented from the paper's
//!   equations, not from ARX's `ModelSNB` (believed mis-coded).
//! * **Dankar's rule** (Dankar, El Emam, Neisa & Roffey 2012, BMC MIDM
//!   12:66): n_1 = 0 → 0; π ≤ 0.1 → Pitman (Zayatz if Pitman has no valid
//!   estimate); π > 0.1 → min(Zayatz, SNB) if SNB is valid, else Zayatz.
//!
//! An estimator without a valid value reports the reason, never 0.

use crate::measure::special::{digamma, ln_gamma, trigamma};

/// The sample as the estimators see it.
#[derive(Debug, Clone)]
pub struct Sample<'a> {
    /// Ascending (class size j, number of classes n_j).
    pub histogram: &'a [(u64, u64)],
    /// Records n.
    pub records: u64,
    /// Population size N (≥ n).
    pub population: f64,
}

impl Sample<'_> {
    fn classes(&self) -> f64 {
        self.histogram.iter().map(|h| h.1 as f64).sum()
    }
    fn n_j(&self, j: u64) -> f64 {
        self.histogram
            .iter()
            .find(|h| h.0 == j)
            .map_or(0.0, |h| h.1 as f64)
    }
    fn pi(&self) -> f64 {
        self.records as f64 / self.population
    }
}

/// An estimate of the number of population uniques, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Estimate {
    Valid(f64),
    Invalid(NoEstimate),
}

/// Why an estimator gives no estimate (the sentence is in `render`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NoEstimate {
    /// N < n.
    PopulationSmallerThanSample,
    /// Every H(1; N, j, n) underflows: all classes exceed N − n + 1.
    ClassesTooLarge,
    /// The model's figure is not in [0, N].
    OutsideRange { model: String, value: f64 },
    /// Pitman needs at least two classes.
    FewerThanTwoClasses,
    /// Pitman's likelihood is largest at α ≤ 0 (slope ∂ℓ/∂α at α = 0).
    PitmanAlphaNotPositive { slope: f64 },
    /// Newton found no stationary point with 0 < α < 1.
    PitmanNoSolution,
    /// SNB needs classes of size 2.
    NoClassesOfSizeTwo,
    /// π = 1.
    Census,
    /// SNB's equations did not converge.
    SnbNoConvergence,
}

impl Estimate {
    pub fn value(&self) -> Option<f64> {
        match self {
            Estimate::Valid(v) => Some(*v),
            Estimate::Invalid(_) => None,
        }
    }
}

/// Zayatz's estimate.
pub fn zayatz(s: &Sample<'_>) -> Estimate {
    let (n, big_n) = (s.records as f64, s.population);
    let n1 = s.n_j(1);
    if n1 == 0.0 {
        return Estimate::Valid(0.0);
    }
    if big_n < n {
        return Estimate::Invalid(NoEstimate::PopulationSmallerThanSample);
    }
    // Only ratios of H(1; N, j, n) = j·C(N − j, n − 1)/C(N, n) enter P, and
    // r_j = H(1;N,j,n)/H(1;N,1,n) = j·Π_{i=1}^{j−1} (1 − (n − 1)/(N − i)).
    // Summing log1p terms keeps the relative error near 1e-16 even at
    // N = 10^12, where differences of log-gammas of N cancel to 1e-4.
    let mut ln_r = Vec::with_capacity(s.histogram.len());
    let (mut i, mut ln_prod) = (1u64, 0.0f64);
    for &(j, nj) in s.histogram {
        while i < j {
            let rest = big_n - i as f64;
            ln_prod += if rest <= n - 1.0 {
                f64::NEG_INFINITY
            } else {
                (-(n - 1.0) / rest).ln_1p()
            };
            i += 1;
        }
        ln_r.push((nj as f64).ln() + (j as f64).ln() + ln_prod);
    }
    let top = ln_r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return Estimate::Invalid(NoEstimate::ClassesTooLarge);
    }
    let denominator: f64 = ln_r.iter().map(|t| (t - top).exp()).sum();
    // P = n_1·r_1 / Σ_j n_j·r_j with r_1 = 1.
    let p = (n1.ln() - top).exp() / denominator;
    let pu = n1 * p / s.pi();
    check("Zayatz", pu, big_n)
}

fn check(model: &str, pu: f64, big_n: f64) -> Estimate {
    if pu.is_finite() && pu >= 0.0 && pu <= big_n {
        Estimate::Valid(pu)
    } else {
        Estimate::Invalid(NoEstimate::OutsideRange {
            model: model.to_string(),
            value: pu,
        })
    }
}

/// Pitman's estimate by maximum likelihood (Hoshino 2001).
pub fn pitman(s: &Sample<'_>) -> Estimate {
    let (n, u) = (s.records as f64, s.classes());
    let (n1, n2) = (s.n_j(1), s.n_j(2));
    if n1 == 0.0 {
        return Estimate::Valid(0.0);
    }
    if u < 2.0 {
        return Estimate::Invalid(NoEstimate::FewerThanTwoClasses);
    }
    // ARX's starting point, then a neutral one.
    let c = n1 * (n1 - 1.0) / if n2 == 0.0 { 1.0 } else { n2 };
    let theta0 = (n * u * c - n1 * (n - 1.0) * (2.0 * u + c)) / (2.0 * n1 * u + n1 * c - n * c);
    let alpha0 = (theta0 * (n1 - n) + (n - 1.0) * n1) / (n * u);
    for (theta, alpha) in [(theta0, alpha0), (1.0, 0.5), (10.0, 0.1), (0.1, 0.9)] {
        if let Some((theta, alpha)) = pitman_newton(s, theta, alpha) {
            let ln_pu = ln_gamma(theta + 1.0) - ln_gamma(theta + alpha) + alpha * s.population.ln();
            return check("Pitman", ln_pu.exp(), s.population);
        }
    }
    // No stationary point inside the domain. Where the likelihood falls
    // as α leaves 0, its maximum lies at α ≤ 0: say so.
    match pitman_slope_at_zero(s) {
        Some(slope) if slope <= 0.0 => {
            Estimate::Invalid(NoEstimate::PitmanAlphaNotPositive { slope })
        }
        _ => Estimate::Invalid(NoEstimate::PitmanNoSolution),
    }
}

/// The slope ∂ℓ/∂α of Pitman's log-likelihood at α = 0, with θ at Ewens'
/// maximum-likelihood value (the model at α = 0): by the envelope theorem
/// the slope of the profile likelihood there. With
/// ℓ = Σ_{i=1}^{u−1} ln(θ + iα) − Σ_{i=1}^{n−1} ln(θ + i) + Σ_j n_j Σ_{l=1}^{j−1} ln(l − α),
/// the slope is u(u − 1)/(2θ) − Σ_j n_j H_{j−1} (H the harmonic numbers);
/// θ solves u = θ(ψ(θ + n) − ψ(θ)). A slope ≤ 0 puts the maximum at α ≤ 0.
fn pitman_slope_at_zero(s: &Sample<'_>) -> Option<f64> {
    let (n, u) = (s.records as f64, s.classes());
    if !(u > 1.0 && u < n) {
        return None;
    }
    // θ(ψ(θ + n) − ψ(θ)) grows from 1 to n: bisect on ln θ.
    let classes = |theta: f64| theta * (digamma(theta + n) - digamma(theta));
    let (mut lo, mut hi) = (-30.0f64, 30.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if classes(mid.exp()) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let theta = (0.5 * (lo + hi)).exp();
    let harmonic = |m: u64| (1..=m).map(|l| 1.0 / l as f64).sum::<f64>();
    let penalty: f64 = s
        .histogram
        .iter()
        .map(|&(j, nj)| nj as f64 * harmonic(j - 1))
        .sum();
    Some(u * (u - 1.0) / (2.0 * theta) - penalty)
}

/// Solve the two likelihood equations for (θ, α) with 0 < α < 1, θ > −α.
fn pitman_newton(s: &Sample<'_>, mut theta: f64, mut alpha: f64) -> Option<(f64, f64)> {
    if !(theta.is_finite() && alpha.is_finite()) {
        return None;
    }
    alpha = alpha.clamp(1e-6, 1.0 - 1e-6);
    theta = theta.max(-alpha + 1e-6);
    let (n, u) = (s.records as f64, s.classes());
    let big: Vec<(f64, f64)> = s
        .histogram
        .iter()
        .filter(|h| h.0 >= 2)
        .map(|&(j, nj)| (j as f64, nj as f64))
        .collect();
    // F and its Jacobian; the sums over i = 1..u−1 in closed form:
    // S1 = Σ 1/(θ + iα) = (ψ(u + θ/α) − ψ(1 + θ/α))/α, Q = Σ 1/(θ + iα)².
    let eval = |theta: f64, alpha: f64| {
        let r = theta / alpha;
        let s1 = (digamma(u + r) - digamma(1.0 + r)) / alpha;
        let q = (trigamma(1.0 + r) - trigamma(u + r)) / (alpha * alpha);
        let s2 = ((u - 1.0) - theta * s1) / alpha; // Σ i/(θ + iα)
        let t1 = (s1 - theta * q) / alpha; // Σ i/(θ + iα)²
        let t2 = ((u - 1.0) - 2.0 * theta * s1 + theta * theta * q) / (alpha * alpha); // Σ i²/(θ + iα)²
        let rhs2: f64 = big
            .iter()
            .map(|&(j, nj)| nj * (digamma(j - alpha) - digamma(1.0 - alpha)))
            .sum();
        let drhs2: f64 = big
            .iter()
            .map(|&(j, nj)| nj * (trigamma(1.0 - alpha) - trigamma(j - alpha)))
            .sum();
        let f1 = s1 - (digamma(theta + n) - digamma(theta + 1.0));
        let f2 = s2 - rhs2;
        let j11 = -q - (trigamma(theta + n) - trigamma(theta + 1.0));
        let j12 = -t1;
        let j21 = -t1;
        let j22 = -t2 - drhs2;
        ((f1, f2), (j11, j12, j21, j22))
    };
    for _ in 0..200 {
        let ((f1, f2), (a, b, c, d)) = eval(theta, alpha);
        let scale = 1.0 + (u - 1.0);
        if f1.abs() < 1e-10 * scale && f2.abs() < 1e-10 * scale {
            return Some((theta, alpha));
        }
        let det = a * d - b * c;
        if !det.is_finite() || det == 0.0 {
            return None;
        }
        let dt = (d * f1 - b * f2) / det;
        let da = (a * f2 - c * f1) / det;
        // Damped step that keeps (θ, α) in the domain.
        let mut step = 1.0;
        loop {
            let (nt, na) = (theta - step * dt, alpha - step * da);
            if na > 0.0 && na < 1.0 && nt > -na && nt.is_finite() {
                theta = nt;
                alpha = na;
                break;
            }
            step /= 2.0;
            if step < 1e-12 {
                return None;
            }
        }
    }
    None
}

/// The slide negative binomial estimate (Chen & Keller-McNulty 1998).
pub fn snb(s: &Sample<'_>) -> Estimate {
    let pi = s.pi();
    let (n1, n2) = (s.n_j(1), s.n_j(2));
    if n1 == 0.0 {
        return Estimate::Valid(0.0);
    }
    if n2 == 0.0 {
        return Estimate::Invalid(NoEstimate::NoClassesOfSizeTwo);
    }
    if pi >= 1.0 {
        return Estimate::Invalid(NoEstimate::Census);
    }
    let k = snb_classes(s);
    // Solve in (x, y) with a = e^x, b = 1/(1 + e^−y), on log scales.
    let residual = |x: f64, y: f64| -> (f64, f64) {
        let (a, b) = (x.exp(), 1.0 / (1.0 + (-y).exp()));
        let d = 1.0 - (1.0 - pi) * (1.0 - b);
        let e1 =
            k.ln() + pi.ln() + a * (b.ln() - d.ln()) + (a * (1.0 - pi) * (1.0 - b) / d + 1.0).ln();
        let e2 = k.ln() + 2.0 * pi.ln() + a.ln() + a * b.ln() + (1.0 - b).ln()
            - 2f64.ln()
            - (a + 2.0) * d.ln()
            + (2.0 - (1.0 - a) * (1.0 - pi) * (1.0 - b)).ln();
        (e1 - n1.ln(), e2 - n2.ln())
    };
    for &(a0, b0) in &[
        (1.0f64, 0.5f64),
        (0.5, 0.1),
        (2.0, 0.3),
        (0.1, 0.01),
        (5.0, 0.7),
        (0.2, 0.9),
    ] {
        let (mut x, mut y) = (a0.ln(), (b0 / (1.0 - b0)).ln());
        for _ in 0..200 {
            let (r1, r2) = residual(x, y);
            if !(r1.is_finite() && r2.is_finite()) {
                break;
            }
            if r1.abs() < 1e-11 && r2.abs() < 1e-11 {
                let (a, b) = (x.exp(), 1.0 / (1.0 + (-y).exp()));
                return check("SNB", k * b.powf(a), s.population);
            }
            let h = 1e-7;
            let (rx1, rx2) = residual(x + h, y);
            let (ry1, ry2) = residual(x, y + h);
            let (a, b, c, d) = (
                (rx1 - r1) / h,
                (ry1 - r1) / h,
                (rx2 - r2) / h,
                (ry2 - r2) / h,
            );
            let det = a * d - b * c;
            if !det.is_finite() || det == 0.0 {
                break;
            }
            let (dx, dy) = ((d * r1 - b * r2) / det, (a * r2 - c * r1) / det);
            // Damp large steps.
            let len = (dx * dx + dy * dy).sqrt();
            let step = if len > 2.0 { 2.0 / len } else { 1.0 };
            x -= step * dx;
            y -= step * dy;
        }
    }
    Estimate::Invalid(NoEstimate::SnbNoConvergence)
}

/// K, the number of non-empty population classes, by Haas et al.'s (1995)
/// Shlosser-type estimator (as docs/metrics.md, "Population uniqueness" gives it).
fn snb_classes(s: &Sample<'_>) -> f64 {
    let pi = s.pi();
    let (u, n1) = (s.classes(), s.n_j(1));
    let (mut a, mut b, mut c, mut d) = (0.0, 0.0, 0.0, 0.0);
    for &(i, ni) in s.histogram {
        let (i, ni) = (i as f64, ni as f64);
        a += i * pi * pi * (1.0 - pi * pi).powf(i - 1.0) * ni;
        b += (1.0 - pi).powf(i) * ((1.0 + pi).powf(i) - 1.0) * ni;
        c += (1.0 - pi).powf(i) * ni;
        d += i * pi * (1.0 - pi).powf(i - 1.0) * ni;
    }
    u + n1 * (a / b) * (c / d).powi(2)
}

/// Which model Dankar's rule picks, and by which branch of the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub model: String,
    pub estimate: Option<f64>,
    pub rule: DankarRule,
}

/// The branch of Dankar's rule taken (the sentence is in `render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DankarRule {
    /// No sample uniques, so no population uniques.
    NoSampleUniques,
    /// π ≤ 0.1: Pitman.
    SmallFractionPitman,
    /// π ≤ 0.1 but Pitman has no valid estimate: Zayatz.
    SmallFractionZayatz,
    /// π > 0.1: the smaller of Zayatz and SNB.
    LargeFractionSmaller,
    /// π > 0.1 and SNB has no valid estimate: Zayatz.
    LargeFractionZayatz,
}

/// The share of the population estimated unique by Dankar's choice
/// (estimate / N), `None` when the chosen model has no valid estimate:
/// what the `max_population_uniqueness` target is checked on.
pub fn dankar_share(s: &Sample<'_>) -> Option<f64> {
    let (z, p, sn) = (zayatz(s), pitman(s), snb(s));
    dankar(s, &z, &p, &sn).estimate.map(|e| e / s.population)
}

/// Dankar et al.'s (2012) decision rule, as ARX applies it.
pub fn dankar(s: &Sample<'_>, zayatz: &Estimate, pitman: &Estimate, snb: &Estimate) -> Choice {
    let choice = |model: &str, estimate, rule| Choice {
        model: model.into(),
        estimate,
        rule,
    };
    if s.n_j(1) == 0.0 {
        return choice("none", Some(0.0), DankarRule::NoSampleUniques);
    }
    if s.pi() <= 0.1 {
        return match pitman.value() {
            Some(p) => choice("pitman", Some(p), DankarRule::SmallFractionPitman),
            None => choice("zayatz", zayatz.value(), DankarRule::SmallFractionZayatz),
        };
    }
    match (zayatz.value(), snb.value()) {
        (Some(z), Some(sn)) => choice(
            if sn < z { "snb" } else { "zayatz" },
            Some(z.min(sn)),
            DankarRule::LargeFractionSmaller,
        ),
        (z, _) => choice("zayatz", z, DankarRule::LargeFractionZayatz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zayatz's estimate against the exact formula evaluated in rational
    /// arithmetic (Python's fractions: P = n_1·H(1;N,1,n)/Σ_j n_j·H(1;N,j,n)
    /// with H(1;N,j,n) = j·C(N−j, n−1)/C(N, n); for N = 10^6 also from the
    /// binomial coefficients directly), for the histogram 50×1, 20×2, 10×3,
    /// 4×5 (n = 140). Relative error within 1e-12 from N = 10^6 to 10^12.
    #[test]
    fn zayatz_matches_the_exact_formula_for_large_populations() {
        let hist = [(1, 50), (2, 20), (3, 10), (5, 4)];
        for (big_n, exact) in [
            (1e6, 127573.81707282495),
            (1e8, 12755124.836020583),
            (1e10, 1275510226.8768222),
            (1e12, 127551020430.95845),
        ] {
            let s = Sample {
                histogram: &hist,
                records: 140,
                population: big_n,
            };
            let z = zayatz(&s).value().unwrap();
            assert!(
                ((z - exact) / exact).abs() < 1e-12,
                "N = {big_n}: {z} vs {exact}"
            );
        }
    }

    /// A sample with one unique among a hundred classes of five: Ewens'
    /// θ is small and the α-slope of the likelihood negative, so the MLE
    /// lies at α < 0, outside Pitman's estimator.
    #[test]
    fn pitman_says_why_it_does_not_apply() {
        let hist = [(1, 1), (5, 100)];
        let s = Sample {
            histogram: &hist,
            records: 501,
            population: 10_000.0,
        };
        assert!(pitman_slope_at_zero(&s).unwrap() < 0.0);
        match pitman(&s) {
            Estimate::Invalid(NoEstimate::PitmanAlphaNotPositive { slope }) => {
                assert!(slope <= 0.0)
            }
            v => panic!("{v:?}"),
        }
    }

    /// Draw a population from the SNB model itself (F − 1 ~ NegBin(2, b):
    /// the failures before two successes), sample each person with
    /// probability π, and return the sample histogram and the true number
    /// of population uniques.
    fn simulate(classes: usize, b: f64, pi: f64, seed: u64) -> (Vec<(u64, u64)>, u64, f64, u64) {
        let mut rng = crate::engine::splitmix::SplitMix64(seed);
        let mut unit = || rng.unit();
        let mut hist = std::collections::BTreeMap::new();
        let (mut pop, mut n, mut uniques) = (0u64, 0u64, 0u64);
        for _ in 0..classes {
            let mut failures = 0u64;
            let mut successes = 0;
            while successes < 2 {
                if unit() < b {
                    successes += 1;
                } else {
                    failures += 1;
                }
            }
            let big_f = failures + 1;
            pop += big_f;
            if big_f == 1 {
                uniques += 1;
            }
            let f = (0..big_f).filter(|_| unit() < pi).count() as u64;
            if f > 0 {
                *hist.entry(f).or_insert(0u64) += 1;
                n += f;
            }
        }
        (hist.into_iter().collect(), n, pop as f64, uniques)
    }

    /// With π = 0.5 the SNB estimate recovers the population uniques of a
    /// population drawn from its own model (true PU 4,568; the estimate is
    /// within 5 %; an independent scipy solution of the same equations gave
    /// 4,407). At small π the Haas-type estimate of K, and so PU, is biased
    /// upwards (docs/metrics.md; Dankar's rule uses SNB only for π > 0.1).
    #[test]
    fn snb_converges_and_recovers_the_population_uniques() {
        let (hist, n, big_n, true_pu) = simulate(50_000, 0.3, 0.5, 3);
        let s = Sample {
            histogram: &hist,
            records: n,
            population: big_n,
        };
        let est = snb(&s).value().expect("SNB converges on its own model");
        let rel = (est - true_pu as f64).abs() / true_pu as f64;
        assert!(rel < 0.05, "SNB {est} vs true {true_pu}");
        let k = snb_classes(&s);
        assert!((k - 50_000.0).abs() / 50_000.0 < 0.02, "K = {k}");
        // It still converges at π = 0.2.
        let (hist, n, big_n, _) = simulate(50_000, 0.3, 0.2, 1);
        let s = Sample {
            histogram: &hist,
            records: n,
            population: big_n,
        };
        assert!(snb(&s).value().is_some());
    }

    #[test]
    fn pitman_and_zayatz_give_valid_estimates() {
        let (hist, n, big_n, _) = simulate(50_000, 0.3, 0.05, 2);
        let s = Sample {
            histogram: &hist,
            records: n,
            population: big_n,
        };
        for (name, e) in [("pitman", pitman(&s)), ("zayatz", zayatz(&s))] {
            let v = e.value().unwrap_or_else(|| panic!("{name}: {e:?}"));
            assert!(v > 0.0 && v <= big_n, "{name} {v}");
        }
        let choice = dankar(&s, &zayatz(&s), &pitman(&s), &snb(&s));
        assert_eq!(choice.model, "pitman");
    }

    /// A sample whose likelihood peaks at α < 0 (outside Hoshino's model):
    /// no valid Pitman estimate, with the reason; Dankar falls back to Zayatz.
    #[test]
    fn pitman_outside_its_domain_is_reported() {
        let hist = [(1u64, 500u64), (2, 200), (3, 100), (5, 40), (10, 10)];
        let n: u64 = hist.iter().map(|h| h.0 * h.1).sum();
        let s = Sample {
            histogram: &hist,
            records: n,
            population: 1e6,
        };
        match pitman(&s) {
            Estimate::Invalid(NoEstimate::PitmanAlphaNotPositive { slope }) => {
                assert!(slope <= 0.0)
            }
            v => panic!("{v:?}"),
        }
        let choice = dankar(&s, &zayatz(&s), &pitman(&s), &snb(&s));
        assert_eq!(choice.model, "zayatz");
        assert_eq!(choice.rule, DankarRule::SmallFractionZayatz);
    }

    #[test]
    fn no_uniques_and_invalid_cases() {
        let hist = [(2u64, 10u64), (3, 5)];
        let s = Sample {
            histogram: &hist,
            records: 35,
            population: 1000.0,
        };
        assert_eq!(zayatz(&s), Estimate::Valid(0.0));
        assert_eq!(pitman(&s), Estimate::Valid(0.0));
        assert_eq!(dankar(&s, &zayatz(&s), &pitman(&s), &snb(&s)).model, "none");
        let hist = [(1u64, 10u64), (3, 5)];
        let s = Sample {
            histogram: &hist,
            records: 25,
            population: 100.0,
        };
        assert_eq!(snb(&s), Estimate::Invalid(NoEstimate::NoClassesOfSizeTwo));
    }

    /// Zayatz by hand: n = 3 records in classes of size 1 and 2, N = 6.
    /// H(1;6,1,3) = 1·C(5,2)/C(6,3) = 10/20; H(1;6,2,3) = 2·C(4,2)/C(6,3)
    /// = 12/20. P = (½·½)/(½·½ + ½·0.6) = 0.25/0.55; PU = 1·P/(3/6) = 10/11.
    #[test]
    fn zayatz_by_hand() {
        let hist = [(1u64, 1u64), (2, 1)];
        let s = Sample {
            histogram: &hist,
            records: 3,
            population: 6.0,
        };
        let z = zayatz(&s).value().unwrap();
        assert!((z - 10.0 / 11.0).abs() < 1e-12, "{z}");
    }
}
