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
use crate::render::lang::Lang;
use crate::report::Report;

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

const LINK_TARGETS: [&str; 3] = ["max_unique_match_rate", "max_link_risk", "k_intersection"];

const SINGLING_TARGETS: [&str; 4] = ["k", "max_risk", "max_average_risk", "max_records_at_risk"];

/// The verdict when the user set targets for a criterion: `fail` naming
/// each one missed, else `pass`.
fn by_targets(checks: &[&TargetCheck], what: (&str, &str), lang: Lang) -> (Verdict, bool, String) {
    let missed: Vec<&str> = checks
        .iter()
        .filter(|t| !t.met)
        .map(|t| t.message.as_str())
        .collect();
    if missed.is_empty() {
        let reason = match lang {
            Lang::En => format!("every {} target holds", what.0),
            Lang::Nl => format!("elke ingestelde norm voor {} wordt gehaald", what.1),
        };
        (Verdict::Pass, false, reason)
    } else {
        let reason = match lang {
            Lang::En => format!("target missed: {}", missed.join("; ")),
            Lang::Nl => format!("norm niet gehaald: {}", missed.join("; ")),
        };
        (Verdict::Fail, false, reason)
    }
}

/// Judge the three criteria from a finished report.
pub fn assess(r: &Report, lang: Lang) -> Wp216 {
    Wp216 {
        singling_out: singling_out(r, lang),
        linkability: {
            let checks: Vec<&TargetCheck> = r
                .targets
                .iter()
                .filter(|t| LINK_TARGETS.contains(&t.name.as_str()))
                .collect();
            let mut c = linkability(
                r.linkage.as_ref(),
                None,
                &checks,
                r.k_anonymity.reference_k,
                lang,
            );
            if r.linkage.is_none() {
                c.evidence.insert("k".into(), r.k_anonymity.k as f64);
            }
            c
        },
        inference: inference(r, lang),
    }
}

fn singling_out(r: &Report, lang: Lang) -> Criterion {
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
        by_targets(&checks, ("singling-out", "herleidbaarheid"), lang)
    } else if r.sample_uniques.count > 0 {
        let (u, n, p) = (
            r.sample_uniques.count,
            r.input.records,
            100.0 * r.sample_uniques.count as f64 / n.max(1.0),
        );
        let reason = match lang {
            Lang::En => format!(
                "{u} of {n} records ({p:.1}%) are unique on the quasi-identifiers and can be singled out"
            ),
            Lang::Nl => format!(
                "{u} van de {n} records ({}%) zijn uniek op de quasi-identificatoren en dus herleidbaar",
                lang.num(format!("{p:.1}"))
            ),
        };
        (Verdict::Fail, true, reason)
    } else if r.k_anonymity.k < r.k_anonymity.reference_k {
        let (k, rk) = (r.k_anonymity.k, r.k_anonymity.reference_k);
        let reason = match lang {
            Lang::En => format!(
                "no record is unique, but the smallest class has {k} records, below the reference k of {rk} (kanon's default, not a legal threshold)"
            ),
            Lang::Nl => format!(
                "geen record is uniek, maar de kleinste groep telt {k} records, minder dan de referentie-k van {rk} (standaard van kanon, geen wettelijke norm)"
            ),
        };
        (Verdict::AtRisk, true, reason)
    } else {
        let rk = r.k_anonymity.reference_k;
        let reason = match lang {
            Lang::En => {
                format!("every class has at least {rk} records (kanon's default reference k)")
            }
            Lang::Nl => format!(
                "elke groep telt minstens {rk} records (de standaard referentie-k van kanon)"
            ),
        };
        (Verdict::Pass, true, reason)
    };
    if verdict == Verdict::Pass && population_uniques.is_some_and(|pu| pu > 0.0) {
        verdict = Verdict::AtRisk;
        reason.push_str(lang.tr(
            "; but population uniques are estimated above zero",
            "; maar het geschatte aantal populatie-unieken is groter dan nul",
        ));
    }
    Criterion {
        verdict,
        evidence,
        default_rule,
        reason,
    }
}

fn inference(r: &Report, lang: Lang) -> Criterion {
    let Some(w) = &r.inference_worst_case else {
        return Criterion {
            verdict: Verdict::NotAssessed,
            evidence: BTreeMap::new(),
            default_rule: true,
            reason: lang
                .tr(
                    "no sensitive attribute was declared (--sensitive), so inference was not assessed",
                    "er is geen gevoelig attribuut opgegeven (--sensitive), dus deduceerbaarheid is niet beoordeeld",
                )
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
        by_targets(&checks, ("inference", "deduceerbaarheid"), lang)
    } else if w.homogeneous_records > 0 {
        let h = w.homogeneous_records;
        let reason = match lang {
            Lang::En => format!(
                "{h} records sit in classes where everyone shares the sensitive value, which membership reveals"
            ),
            Lang::Nl => format!(
                "{h} records zitten in groepen waarin iedereen dezelfde gevoelige waarde heeft: lidmaatschap van de groep verraadt die waarde"
            ),
        };
        (Verdict::Fail, true, reason)
    } else if w.alpha >= threshold {
        let (a, t) = (w.alpha * 100.0, threshold * 100.0);
        let reason = match lang {
            Lang::En => format!(
                "in some class one sensitive value has a share of {a:.0}%, at or above the {t:.0}% threshold"
            ),
            Lang::Nl => format!(
                "in een groep heeft één gevoelige waarde een aandeel van {a:.0}%, op of boven de drempel van {t:.0}%"
            ),
        };
        (Verdict::AtRisk, true, reason)
    } else {
        let t = threshold * 100.0;
        let reason = match lang {
            Lang::En => format!("no class has a sensitive value with a share of {t:.0}% or more"),
            Lang::Nl => {
                format!("geen groep heeft een gevoelige waarde met een aandeel van {t:.0}% of meer")
            }
        };
        (Verdict::Pass, true, reason)
    };
    Criterion {
        verdict,
        evidence,
        default_rule,
        reason,
    }
}

/// The linkability verdict from linkage figures (an attacker table, an
/// earlier release, or both) and the linkage targets checked.
pub fn linkability(
    l: Option<&crate::measure::linkage::Linkability>,
    c: Option<&crate::measure::linkage::cross::Composition>,
    checks: &[&TargetCheck],
    reference_k: u64,
    lang: Lang,
) -> Criterion {
    if l.is_none() && c.is_none() {
        return Criterion {
            verdict: Verdict::NotAssessed,
            evidence: BTreeMap::new(),
            default_rule: true,
            reason: lang
                .tr(
                    "no attacker table was given (--aux), so linkage was not tested; records of a class of size k \
                     still link to that group with probability 1/k (WP216 Table 6)",
                    "er is geen aanvallerstabel opgegeven (--aux), dus koppeling is niet getest; records in een groep \
                     van k records blijven met kans 1/k aan die groep koppelbaar (WP216 tabel 6)",
                )
                .into(),
        };
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
        let (verdict, default_rule, reason) =
            by_targets(checks, ("linkability", "koppelbaarheid"), lang);
        return Criterion {
            verdict,
            evidence,
            default_rule,
            reason,
        };
    }
    let mut fails = Vec::new();
    let mut risks = Vec::new();
    if let Some(l) = l {
        let (u, m_a, p) = (
            l.unique_matches,
            l.attacker_records,
            100.0 * l.unique_match_rate,
        );
        if u > 0 {
            fails.push(match lang {
                Lang::En => format!(
                    "{u} of {m_a} attacker records ({p:.1}%) match exactly one released record"
                ),
                Lang::Nl => format!(
                    "{u} van de {m_a} records van de aanvaller ({}%) passen op precies één vrijgegeven record",
                    lang.num(format!("{p:.1}"))
                ),
            });
        } else if let Some(m) = l.smallest_match.filter(|&m| m < reference_k) {
            risks.push(match lang {
                Lang::En => format!(
                    "no attacker record matches one record alone, but some match only {m}, below the reference k of {reference_k}"
                ),
                Lang::Nl => format!(
                    "geen record van de aanvaller past op één record alleen, maar sommige op slechts {m}, minder dan de referentie-k van {reference_k}"
                ),
            });
        }
    }
    if let Some(c) = c {
        let (ku, k) = (c.intersection_uniques, c.k_intersection);
        if k == 1 {
            fails.push(match lang {
                Lang::En => format!(
                    "composing the two releases singles out {ku} records (intersection classes of one)"
                ),
                Lang::Nl => format!(
                    "het combineren van de twee uitgiften maakt {ku} records herleidbaar (doorsneden van één record)"
                ),
            });
        } else if k < reference_k {
            risks.push(match lang {
                Lang::En => format!(
                    "composing the two releases leaves classes of {k} records, below the reference k of {reference_k}"
                ),
                Lang::Nl => format!(
                    "het combineren van de twee uitgiften laat groepen van {k} records over, minder dan de referentie-k van {reference_k}"
                ),
            });
        }
    }
    let (verdict, reason) = if !fails.is_empty() {
        (Verdict::Fail, fails.join("; "))
    } else if !risks.is_empty() {
        (
            Verdict::AtRisk,
            risks.join("; ")
                + lang.tr(
                    " (kanon's default, not a legal threshold)",
                    " (standaard van kanon, geen wettelijke norm)",
                ),
        )
    } else {
        let reason = match lang {
            Lang::En => format!(
                "every linked attacker record matches at least {reference_k} released records (kanon's default reference k); they still link to their group"
            ),
            Lang::Nl => format!(
                "elk gekoppeld record van de aanvaller past op minstens {reference_k} vrijgegeven records (de standaard referentie-k van kanon); ze blijven wel aan hun groep koppelbaar"
            ),
        };
        (Verdict::Pass, reason)
    };
    Criterion {
        verdict,
        evidence,
        default_rule: true,
        reason,
    }
}
