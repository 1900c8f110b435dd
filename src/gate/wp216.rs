//! WP216 verdicts: singling out, linkability and inference, each judged
//! separately from figures the measures produced (Article 29 Working
//! Party, Opinion 05/2014 on Anonymisation Techniques, §2.2.2 and Table 6).
//! Never a single "anonymous: yes". This module decides; the words of each
//! reason are in `render::wp216`.
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
//! * **Linkability** — `not_assessed` without an attacker table (`--aux`)
//!   or an earlier release (`--previous`); the reason recalls that
//!   k-anonymous records still link by group (Table 6). With targets
//!   (`--max-unique-match-rate`, `--max-link-risk`, `--k` of the
//!   intersection): `fail` if one is missed, else `pass`. Without: `fail`
//!   when an attacker record matches exactly one released record or the
//!   composition of two releases leaves a class of one; `at_risk` when some
//!   attacker record matches fewer records than the reference k, or an
//!   intersection class is below it; `pass` otherwise.
//! * **Inference** — `not_assessed` without a sensitive attribute. With
//!   inference targets: `fail` if one is missed, else `pass`. Without: the
//!   default `fail` when a class holds a single sensitive value (homogeneity
//!   attack), `at_risk` when a value has at least the homogeneity-threshold
//!   share of a class, `pass` otherwise.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::gate::targets::TargetCheck;
use crate::measure::linkage::cross::Composition;
use crate::measure::linkage::Linkability;

/// A verdict on one criterion.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    AtRisk,
    Fail,
    NotAssessed,
}

/// The three criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    SinglingOut,
    Linkability,
    Inference,
}

/// Why a verdict was reached: the facts, put into words by the renderer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Every target of the criterion holds.
    TargetsHold(Which),
    /// The targets missed.
    TargetsMissed(Vec<TargetCheck>),
    Uniques {
        uniques: u64,
        records: u64,
        percent: f64,
    },
    BelowReferenceK {
        k: u64,
        reference_k: u64,
    },
    AtLeastReferenceK {
        reference_k: u64,
    },
    NoSensitiveAttribute,
    Homogeneous {
        records: u64,
    },
    NearHomogeneous {
        percent: f64,
        threshold_percent: f64,
    },
    NoneNearHomogeneous {
        threshold_percent: f64,
    },
    NoAttackerTable,
    /// Linkage findings by kanon's default rule: failing ones, else risks.
    Linkage {
        fails: Vec<LinkFinding>,
        risks: Vec<LinkFinding>,
    },
    LinkagePass {
        reference_k: u64,
    },
}

/// One finding of the default linkability rule.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkFinding {
    UniqueMatches {
        matches: u64,
        attackers: u64,
        percent: f64,
    },
    SmallMatches {
        smallest: u64,
        reference_k: u64,
    },
    CompositionUniques {
        records: u64,
    },
    CompositionSmall {
        k: u64,
        reference_k: u64,
    },
}

/// One criterion judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    /// The figures the verdict rests on (name → value).
    pub evidence: BTreeMap<String, f64>,
    /// True when kanon's documented defaults were used (no targets given).
    pub default_rule: bool,
    pub reason: Reason,
    /// A `pass` turned `at_risk` because population uniques are estimated
    /// above zero.
    pub population_uniques: bool,
}

/// The figures the verdicts of an analysis rest on.
pub struct Figures<'a> {
    pub records: u64,
    pub k: u64,
    pub reference_k: u64,
    pub records_below_k: u64,
    pub sample_uniques: u64,
    pub highest_risk: f64,
    /// Population uniques as Dankar's rule estimates them, if computed.
    pub population_uniques: Option<f64>,
    /// The worst inference figures over the sensitive attributes.
    pub inference: Option<InferenceFigures>,
    pub linkage: Option<&'a Linkability>,
    pub targets: &'a [TargetCheck],
}

/// The worst inference figures and the homogeneity threshold.
pub struct InferenceFigures {
    pub l_distinct: u64,
    pub l_entropy: f64,
    pub t: f64,
    pub alpha: f64,
    pub homogeneous_records: u64,
    pub threshold: f64,
}

/// The three criteria judged.
pub struct Assessments {
    pub singling_out: Assessment,
    pub linkability: Assessment,
    pub inference: Assessment,
}

const LINK_TARGETS: [&str; 3] = ["max_unique_match_rate", "max_link_risk", "k_intersection"];

const SINGLING_TARGETS: [&str; 8] = [
    "k",
    "k_map",
    "presence_min",
    "presence_max",
    "max_risk",
    "max_average_risk",
    "max_records_at_risk",
    "max_uniques",
];

const INFERENCE_TARGETS: [&str; 5] = ["l[", "t[", "delta[", "beta[", "alpha["];

/// The verdict when the user set targets for a criterion: `fail` naming
/// each one missed, else `pass`.
fn by_targets(checks: &[&TargetCheck], which: Which) -> (Verdict, bool, Reason) {
    let missed: Vec<TargetCheck> = checks
        .iter()
        .filter(|t| !t.met)
        .map(|t| (*t).clone())
        .collect();
    if missed.is_empty() {
        (Verdict::Pass, false, Reason::TargetsHold(which))
    } else {
        (Verdict::Fail, false, Reason::TargetsMissed(missed))
    }
}

/// Judge the three criteria.
pub fn assess(f: &Figures) -> Assessments {
    let checks: Vec<&TargetCheck> = f
        .targets
        .iter()
        .filter(|t| LINK_TARGETS.contains(&t.name.as_str()))
        .collect();
    let mut linkability = linkability(f.linkage, None, &checks, f.reference_k);
    if f.linkage.is_none() {
        linkability.evidence.insert("k".into(), f.k as f64);
    }
    Assessments {
        singling_out: singling_out(f),
        linkability,
        inference: inference(f),
    }
}

fn singling_out(f: &Figures) -> Assessment {
    let mut evidence = BTreeMap::from([
        ("k".to_string(), f.k as f64),
        ("sample_uniques".to_string(), f.sample_uniques as f64),
        (
            "records_below_reference_k".to_string(),
            f.records_below_k as f64,
        ),
        ("highest_prosecutor_risk".to_string(), f.highest_risk),
    ]);
    if let Some(pu) = f.population_uniques {
        evidence.insert("estimated_population_uniques".into(), pu);
    }
    let checks: Vec<_> = f
        .targets
        .iter()
        .filter(|t| SINGLING_TARGETS.contains(&t.name.as_str()))
        .collect();
    let (verdict, default_rule, reason) = if !checks.is_empty() {
        by_targets(&checks, Which::SinglingOut)
    } else if f.sample_uniques > 0 {
        let percent = 100.0 * f.sample_uniques as f64 / (f.records as f64).max(1.0);
        let reason = Reason::Uniques {
            uniques: f.sample_uniques,
            records: f.records,
            percent,
        };
        (Verdict::Fail, true, reason)
    } else if f.k < f.reference_k {
        let reason = Reason::BelowReferenceK {
            k: f.k,
            reference_k: f.reference_k,
        };
        (Verdict::AtRisk, true, reason)
    } else {
        let reason = Reason::AtLeastReferenceK {
            reference_k: f.reference_k,
        };
        (Verdict::Pass, true, reason)
    };
    let population_uniques =
        verdict == Verdict::Pass && f.population_uniques.is_some_and(|pu| pu > 0.0);
    Assessment {
        verdict: if population_uniques {
            Verdict::AtRisk
        } else {
            verdict
        },
        evidence,
        default_rule,
        reason,
        population_uniques,
    }
}

fn inference(f: &Figures) -> Assessment {
    let Some(w) = &f.inference else {
        return Assessment {
            verdict: Verdict::NotAssessed,
            evidence: BTreeMap::new(),
            default_rule: true,
            reason: Reason::NoSensitiveAttribute,
            population_uniques: false,
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
    let checks: Vec<_> = f
        .targets
        .iter()
        .filter(|t| INFERENCE_TARGETS.iter().any(|p| t.name.starts_with(p)))
        .collect();
    let (verdict, default_rule, reason) = if !checks.is_empty() {
        by_targets(&checks, Which::Inference)
    } else if w.homogeneous_records > 0 {
        let reason = Reason::Homogeneous {
            records: w.homogeneous_records,
        };
        (Verdict::Fail, true, reason)
    } else if w.alpha >= w.threshold {
        let reason = Reason::NearHomogeneous {
            percent: w.alpha * 100.0,
            threshold_percent: w.threshold * 100.0,
        };
        (Verdict::AtRisk, true, reason)
    } else {
        let reason = Reason::NoneNearHomogeneous {
            threshold_percent: w.threshold * 100.0,
        };
        (Verdict::Pass, true, reason)
    };
    Assessment {
        verdict,
        evidence,
        default_rule,
        reason,
        population_uniques: false,
    }
}

/// The linkability verdict from linkage figures (an attacker table, an
/// earlier release, or both) and the linkage targets checked.
pub fn linkability(
    l: Option<&Linkability>,
    c: Option<&Composition>,
    checks: &[&TargetCheck],
    reference_k: u64,
) -> Assessment {
    let assessment = |verdict, evidence, default_rule, reason| Assessment {
        verdict,
        evidence,
        default_rule,
        reason,
        population_uniques: false,
    };
    if l.is_none() && c.is_none() {
        return assessment(
            Verdict::NotAssessed,
            BTreeMap::new(),
            true,
            Reason::NoAttackerTable,
        );
    }
    let mut evidence = BTreeMap::new();
    if let Some(l) = l {
        evidence.insert("unique_match_rate".to_string(), l.unique_match_rate);
        evidence.insert(
            "expected_correct_links".to_string(),
            l.expected_correct_links,
        );
        evidence.insert("group_link_rate".to_string(), l.group_link_rate);
        evidence.insert("link_risk".to_string(), l.risk.value);
        if let Some(m) = l.smallest_match {
            evidence.insert("smallest_match".to_string(), m as f64);
        }
    }
    if let Some(c) = c {
        evidence.insert("k_intersection".to_string(), c.k_intersection as f64);
        evidence.insert(
            "intersection_uniques".to_string(),
            c.intersection_uniques as f64,
        );
    }
    if !checks.is_empty() {
        let (verdict, default_rule, reason) = by_targets(checks, Which::Linkability);
        return assessment(verdict, evidence, default_rule, reason);
    }
    let (fails, risks) = link_findings(l, c, reference_k);
    let verdict = if !fails.is_empty() {
        Verdict::Fail
    } else if !risks.is_empty() {
        Verdict::AtRisk
    } else {
        Verdict::Pass
    };
    let reason = if fails.is_empty() && risks.is_empty() {
        Reason::LinkagePass { reference_k }
    } else {
        Reason::Linkage { fails, risks }
    };
    assessment(verdict, evidence, true, reason)
}

/// What kanon's default rule finds in linkage figures: failing findings,
/// and findings at risk.
fn link_findings(
    l: Option<&Linkability>,
    c: Option<&Composition>,
    reference_k: u64,
) -> (Vec<LinkFinding>, Vec<LinkFinding>) {
    let (mut fails, mut risks) = (Vec::new(), Vec::new());
    if let Some(l) = l {
        if l.unique_matches > 0 {
            fails.push(LinkFinding::UniqueMatches {
                matches: l.unique_matches,
                attackers: l.attacker_records,
                percent: 100.0 * l.unique_match_rate,
            });
        } else if let Some(m) = l.smallest_match.filter(|&m| m < reference_k) {
            risks.push(LinkFinding::SmallMatches {
                smallest: m,
                reference_k,
            });
        }
    }
    if let Some(c) = c {
        if c.k_intersection == 1 {
            fails.push(LinkFinding::CompositionUniques {
                records: c.intersection_uniques,
            });
        } else if c.k_intersection < reference_k {
            risks.push(LinkFinding::CompositionSmall {
                k: c.k_intersection,
                reference_k,
            });
        }
    }
    (fails, risks)
}
