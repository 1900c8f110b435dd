//! WP216 verdicts: singling out, linkability and inference, each judged
//! separately from figures the other modules measured (Article 29 Working
//! Party, Opinion 05/2014 on Anonymisation Techniques, §2.2.2 and Table 6).
//! Never a single "anonymous: yes".
//!
//! Rules (docs/wp216.md):
//!
//! * **Singling out** — with targets (`--k`, `--max-risk`,
//!   `--max-average-risk`, `--max-records-at-risk`): `fail` if one is
//!   missed, else `pass`. Without targets, kanon's documented default
//!   (WP216 sets none): `fail` when sample uniques exist, `at_risk` when the
//!   smallest class is below the reference k (⌈1/τ⌉, 5 by default), `pass`
//!   otherwise. Estimated population uniques above zero turn `pass` into
//!   `at_risk`.
//! * **Linkability** — `not_assessed` until an attacker table is given
//!   (linkage attacks are not implemented yet); the reason recalls that
//!   k-anonymous records still link by group (Table 6).
//! * **Inference** — `not_assessed` without a sensitive attribute. With
//!   inference targets: `fail` if one is missed, else `pass`. Without: the
//!   default `fail` when a class holds a single sensitive value (homogeneity
//!   attack), `at_risk` when a value has at least the homogeneity-threshold
//!   share of a class, `pass` otherwise.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::Report;
use crate::targets::TargetCheck;

/// A verdict on one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    AtRisk,
    Fail,
    NotAssessed,
}

/// One criterion's verdict with what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub verdict: Verdict,
    /// The figures the verdict rests on (name → value).
    pub evidence: BTreeMap<String, f64>,
    /// True when kanon's documented defaults were used (no targets given).
    pub default_rule: bool,
    /// One or two plain sentences.
    pub reason: String,
}

/// The three WP216 criteria.
#[derive(Debug, Clone, Serialize)]
pub struct Wp216 {
    pub singling_out: Criterion,
    pub linkability: Criterion,
    pub inference: Criterion,
}

const SINGLING_TARGETS: [&str; 4] = ["k", "max_risk", "max_average_risk", "max_records_at_risk"];

/// The verdict when the user set targets for a criterion: `fail` naming
/// each one missed, else `pass`.
fn by_targets(checks: &[&TargetCheck], what: &str) -> (Verdict, bool, String) {
    let missed: Vec<&str> = checks
        .iter()
        .filter(|t| !t.met)
        .map(|t| t.message.as_str())
        .collect();
    if missed.is_empty() {
        (Verdict::Pass, false, format!("every {what} target holds"))
    } else {
        (
            Verdict::Fail,
            false,
            format!("target missed: {}", missed.join("; ")),
        )
    }
}

/// Judge the three criteria from a finished report.
pub fn assess(r: &Report) -> Wp216 {
    Wp216 {
        singling_out: singling_out(r),
        linkability: Criterion {
            verdict: Verdict::NotAssessed,
            evidence: BTreeMap::from([("k".into(), r.k_anonymity.k as f64)]),
            default_rule: true,
            reason: "no attacker table was given, so linkage was not tested; records of a class of size k \
                     still link to that group with probability 1/k (WP216 Table 6)"
                .into(),
        },
        inference: inference(r),
    }
}

fn singling_out(r: &Report) -> Criterion {
    let n = r.input.records as f64;
    let mut evidence = BTreeMap::from([
        ("k".to_string(), r.k_anonymity.k as f64),
        ("sample_uniques".to_string(), r.sample_uniques.count as f64),
        (
            "records_below_reference_k".to_string(),
            r.k_anonymity.records_below_k as f64,
        ),
        (
            "highest_prosecutor_risk".to_string(),
            r.risk.prosecutor.highest,
        ),
    ]);
    let population_uniques = r.population.as_ref().and_then(|p| p.dankar.count);
    if let Some(pu) = population_uniques {
        evidence.insert("estimated_population_uniques".into(), pu);
    }
    let checks: Vec<_> = r
        .targets
        .iter()
        .filter(|t| SINGLING_TARGETS.contains(&t.name.as_str()))
        .collect();
    let (mut verdict, default_rule, mut reason) = if !checks.is_empty() {
        by_targets(&checks, "singling-out")
    } else if r.sample_uniques.count > 0 {
        (
            Verdict::Fail,
            true,
            format!(
                "{} of {} records ({:.1}%) are unique on the quasi-identifiers and can be singled out",
                r.sample_uniques.count,
                r.input.records,
                100.0 * r.sample_uniques.count as f64 / n.max(1.0)
            ),
        )
    } else if r.k_anonymity.k < r.k_anonymity.reference_k {
        (
            Verdict::AtRisk,
            true,
            format!(
                "no record is unique, but the smallest class has {} records, below the reference k of {} (kanon's default, not a legal threshold)",
                r.k_anonymity.k, r.k_anonymity.reference_k
            ),
        )
    } else {
        (
            Verdict::Pass,
            true,
            format!(
                "every class has at least {} records (kanon's default reference k)",
                r.k_anonymity.reference_k
            ),
        )
    };
    if verdict == Verdict::Pass && population_uniques.is_some_and(|pu| pu > 0.0) {
        verdict = Verdict::AtRisk;
        reason.push_str("; but population uniques are estimated above zero");
    }
    Criterion {
        verdict,
        evidence,
        default_rule,
        reason,
    }
}

fn inference(r: &Report) -> Criterion {
    let Some(w) = &r.inference_worst_case else {
        return Criterion {
            verdict: Verdict::NotAssessed,
            evidence: BTreeMap::new(),
            default_rule: true,
            reason:
                "no sensitive attribute was declared (--sensitive), so inference was not assessed"
                    .into(),
        };
    };
    let evidence = BTreeMap::from([
        ("l_distinct".to_string(), w.l_distinct as f64),
        ("l_entropy".to_string(), w.l_entropy),
        ("t".to_string(), w.t),
        ("alpha".to_string(), w.alpha),
        (
            "homogeneous_records".to_string(),
            w.homogeneous_records as f64,
        ),
    ]);
    let checks: Vec<_> = r
        .targets
        .iter()
        .filter(|t| {
            ["l[", "t[", "delta[", "beta[", "alpha["]
                .iter()
                .any(|p| t.name.starts_with(p))
        })
        .collect();
    let threshold = r
        .inference
        .values()
        .next()
        .map_or(0.9, |i| i.homogeneous_records.threshold);
    let (verdict, default_rule, reason) = if !checks.is_empty() {
        by_targets(&checks, "inference")
    } else if w.homogeneous_records > 0 {
        (
            Verdict::Fail,
            true,
            format!(
                "{} records sit in classes where everyone shares the sensitive value, which membership reveals",
                w.homogeneous_records
            ),
        )
    } else if w.alpha >= threshold {
        (
            Verdict::AtRisk,
            true,
            format!(
                "in some class one sensitive value has a share of {:.0}%, at or above the {:.0}% threshold",
                w.alpha * 100.0,
                threshold * 100.0
            ),
        )
    } else {
        (
            Verdict::Pass,
            true,
            format!(
                "no class has a sensitive value with a share of {:.0}% or more",
                threshold * 100.0
            ),
        )
    };
    Criterion {
        verdict,
        evidence,
        default_rule,
        reason,
    }
}
