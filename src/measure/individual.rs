//! Benedetti-Franconi individual risk with survey weights (docs/metrics.md, "Benedetti-Franconi individual risk",
//! S8), after Franconi & Polettini, "Individual risk estimation in
//! μ-Argus: a review", PSD 2004, LNCS 3050, and sdcMicro's `indivRisk`
//! ("approx" method).
//!
//! A record in a class with sample size f and weight sum F (p = f/F):
//!
//! * f = 1: r = p/(1 − p) · ln(1/p)
//! * f = 2: r = p/(1 − p) − (p/(1 − p))² · ln(1/p)
//! * f > 2: r = p / (f − (1 − p))
//! * f = F (a census, or no weights): r = 1/f.
//!
//! Expected re-identifications ER = Σ_i r_i; global risk ER / n.

use crate::engine::classes::ClassTable;

/// Individual risk of a record in a class of sample size `f` and
/// population size (weight sum) `big_f`.
pub fn benedetti_franconi(f: u64, big_f: f64) -> f64 {
    let fl = f as f64;
    let p = fl / big_f;
    if p >= 1.0 {
        return 1.0 / fl;
    }
    let odds = p / (1.0 - p);
    match f {
        1 => odds * (1.0 / p).ln(),
        2 => odds - odds * odds * (1.0 / p).ln(),
        _ => p / (fl - (1.0 - p)),
    }
}

/// Per-class risk and the dataset figures.
#[derive(Debug, Clone, PartialEq)]
pub struct IndividualRisk {
    /// Class → risk of each of its records.
    pub per_class: Vec<f64>,
    /// Σ over records.
    pub expected_reidentifications: f64,
    /// ER / n.
    pub global: f64,
    /// Highest record risk.
    pub highest: f64,
}

/// Individual risk of every class, with `population[c]` = F_c.
pub fn individual_risk(t: &ClassTable, population: &[f64]) -> IndividualRisk {
    individual_risk_of(crate::measure::privacy::Frequencies::of(t), population)
}

/// Individual risk from record frequencies f and population frequencies F
/// (sdcMicro's measure_risk on freqCalc's fk and Fk).
pub fn individual_risk_of(
    fr: crate::measure::privacy::Frequencies,
    population: &[f64],
) -> IndividualRisk {
    let per_class: Vec<f64> =
        fr.f.iter()
            .zip(population)
            .map(|(&f, &big_f)| benedetti_franconi(f, big_f))
            .collect();
    let er: f64 = per_class
        .iter()
        .zip(fr.sizes)
        .map(|(&r, &s)| r * s as f64)
        .sum();
    let n = fr.records();
    IndividualRisk {
        highest: per_class.iter().copied().fold(0.0, f64::max),
        global: if n == 0 { 0.0 } else { er / n as f64 },
        expected_reidentifications: er,
        per_class,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_by_hand() {
        // f = 1, F = 4: p = 1/4, r = (1/3)·ln 4.
        assert!((benedetti_franconi(1, 4.0) - 4f64.ln() / 3.0).abs() < 1e-15);
        // f = 2, F = 4: p = 1/2, odds 1: r = 1 − ln 2.
        assert!((benedetti_franconi(2, 4.0) - (1.0 - 2f64.ln())).abs() < 1e-15);
        // f = 3, F = 6: p = 1/2: r = 0.5/(3 − 0.5) = 0.2.
        assert!((benedetti_franconi(3, 6.0) - 0.2).abs() < 1e-15);
        // Census: F = f.
        assert_eq!(benedetti_franconi(4, 4.0), 0.25);
    }

    /// Franconi & Polettini's toy table (sdcmicro/francdat.csv, keys
    /// Key1–Key4, weight w): classes (1,2,5,1) f 2 F 18+92 = 110;
    /// (1,2,1,1) f 2 F 45.5+39 = 84.5; (3,3,1,5) f 1 F 17; (4,3,1,4) f 1
    /// F 541; (4,3,1,1) f 1 F 8; (6,2,1,5) f 1 F 5.
    #[test]
    fn francdat_by_hand() {
        let t = ClassTable {
            keys: vec![vec![0, 1, 2, 3, 4, 5]],
            cards: vec![6],
            sizes: vec![2, 2, 1, 1, 1, 1],
            weights: None,
        };
        let pop = [110.0, 84.5, 17.0, 541.0, 8.0, 5.0];
        let r = individual_risk(&t, &pop);
        let one = |big_f: f64| {
            let p = 1.0 / big_f;
            p / (1.0 - p) * big_f.ln()
        };
        let two = |big_f: f64| {
            let p = 2.0 / big_f;
            let o = p / (1.0 - p);
            o - o * o * (1.0 / p).ln()
        };
        let expect = [
            two(110.0),
            two(84.5),
            one(17.0),
            one(541.0),
            one(8.0),
            one(5.0),
        ];
        for (a, b) in r.per_class.iter().zip(expect) {
            assert!((a - b).abs() < 1e-15);
        }
        let er = 2.0 * expect[0] + 2.0 * expect[1] + expect[2] + expect[3] + expect[4] + expect[5];
        assert!((r.expected_reidentifications - er).abs() < 1e-12);
        assert!((r.global - er / 8.0).abs() < 1e-12);
        // The record of weight 5 (p = 1/5): (1/4)·ln 5 = 0.402.
        assert!((r.highest - 5f64.ln() / 4.0).abs() < 1e-15);
    }
}
