//! `--baseline previous.json`: what got worse since the last release.
//!
//! The previous run's JSON report (from `kanon analyse --json` or `kanon
//! check`) is compared figure by figure with this one: k and l lower,
//! uniques, risks, t, δ, β and linkage rates higher, or a WP216 verdict
//! worse (pass < at_risk < fail) is a regression. A figure absent from
//! either report (not computed) is not compared.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::notice::Notice;
use serde::Serialize;

/// One figure that changed.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Change {
    /// JSON path of the figure (`k_anonymity.k`, `wp216.inference.verdict`).
    pub figure: String,
    pub previous: Value,
    pub current: Value,
}

/// The comparison with a baseline; `baseline` in the JSON.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BaselineInfo {
    pub path: String,
    /// Figures that got worse.
    pub regressions: Vec<Change>,
    /// Figures that got better.
    pub improvements: Vec<Change>,
    pub regressed: bool,
    /// Whether a regression fails the run (`--fail-on-regression`).
    pub gating: bool,
    pub notes: Vec<Notice>,
}

/// Which direction is worse.
#[derive(Clone, Copy)]
enum Worse {
    Lower,
    Higher,
}

/// The figures compared: JSON path and the direction that is worse.
const FIGURES: &[(&str, Worse)] = &[
    ("k_anonymity.k", Worse::Lower),
    ("k_anonymity.records_below_k", Worse::Higher),
    ("sample_uniques.count", Worse::Higher),
    ("sample_uniques.share", Worse::Higher),
    ("risk.prosecutor.highest", Worse::Higher),
    ("risk.prosecutor.average", Worse::Higher),
    ("risk.prosecutor.records_at_risk", Worse::Higher),
    ("risk.journalist.highest", Worse::Higher),
    ("risk.journalist.average", Worse::Higher),
    ("risk.marketer", Worse::Higher),
    ("population.dankar.share", Worse::Higher),
    ("individual_risk.global", Worse::Higher),
    ("suda.max_score", Worse::Higher),
    ("inference_worst_case.l_distinct", Worse::Lower),
    ("inference_worst_case.l_entropy", Worse::Lower),
    ("inference_worst_case.t", Worse::Higher),
    ("inference_worst_case.delta_present_values", Worse::Higher),
    ("inference_worst_case.beta_basic", Worse::Higher),
    ("inference_worst_case.alpha", Worse::Higher),
    ("inference_worst_case.homogeneous_records", Worse::Higher),
    ("linkage.unique_match_rate", Worse::Higher),
    ("linkage.risk.value", Worse::Higher),
];

const VERDICTS: [&str; 3] = ["singling_out", "linkability", "inference"];

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

fn verdict_rank(v: &Value) -> Option<u8> {
    match v.as_str()? {
        "pass" => Some(0),
        "at_risk" => Some(1),
        "fail" => Some(2),
        _ => None,
    }
}

/// Compare two reports given as JSON values.
pub fn compare(previous: &Value, current: &Value) -> (Vec<Change>, Vec<Change>) {
    let (mut worse, mut better) = (Vec::new(), Vec::new());
    let mut push = |figure: String, p: &Value, c: &Value, is_worse: bool| {
        let change = Change {
            figure,
            previous: p.clone(),
            current: c.clone(),
        };
        if is_worse {
            worse.push(change)
        } else {
            better.push(change)
        }
    };
    for &(path, dir) in FIGURES {
        let (Some(p), Some(c)) = (at(previous, path), at(current, path)) else {
            continue;
        };
        let (Some(x), Some(y)) = (p.as_f64(), c.as_f64()) else {
            continue;
        };
        if x != y {
            let is_worse = match dir {
                Worse::Lower => y < x,
                Worse::Higher => y > x,
            };
            push(path.to_string(), p, c, is_worse);
        }
    }
    // Strict δ: finite → infinite is worse.
    if let (Some(p), Some(c)) = (
        at(previous, "inference_worst_case.delta_infinite"),
        at(current, "inference_worst_case.delta_infinite"),
    ) {
        if p != c {
            push(
                "inference_worst_case.delta_infinite".into(),
                p,
                c,
                c.as_bool() == Some(true),
            );
        }
    }
    for name in VERDICTS {
        let path = format!("wp216.{name}.verdict");
        let (Some(p), Some(c)) = (at(previous, &path), at(current, &path)) else {
            continue;
        };
        if let (Some(x), Some(y)) = (verdict_rank(p), verdict_rank(c)) {
            if x != y {
                push(path, p, c, y > x);
            }
        }
    }
    (worse, better)
}

/// Compare a report (as JSON) with the JSON report at `path`.
pub fn against(path: &str, current: &Value, gating: bool) -> Result<BaselineInfo> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::file(path, "no such baseline file"),
        _ => Error::file(path, format!("cannot read the baseline: {e}")),
    })?;
    let previous: Value = serde_json::from_str(&text).map_err(|e| {
        Error::file(
            path,
            format!(
                "the baseline is not a kanon JSON report: {e} (line {})",
                e.line()
            ),
        )
    })?;
    if previous.get("k_anonymity").is_none() || previous.get("quasi_identifiers").is_none() {
        return Err(Error::file(
            path,
            "the baseline is not a kanon analyse/check JSON report (no k_anonymity)",
        ));
    }
    let mut notes = Vec::new();
    let names = |v: &Value| -> Vec<String> {
        v["quasi_identifiers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|q| q["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (p, c) = (names(&previous), names(current));
    if p != c {
        notes.push(Notice::BaselineQisDiffer {
            baseline: p,
            now: c,
        });
    }
    if previous["schema_version"] != current["schema_version"] {
        notes.push(Notice::BaselineSchemaDiffers);
    }
    let (regressions, improvements) = compare(&previous, current);
    Ok(BaselineInfo {
        path: path.to_string(),
        regressed: !regressions.is_empty(),
        regressions,
        improvements,
        gating,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn worse_and_better_figures() {
        let p = json!({
            "k_anonymity": {"k": 5, "records_below_k": 0},
            "sample_uniques": {"count": 0, "share": 0.0},
            "risk": {"prosecutor": {"highest": 0.2, "average": 0.05}},
            "inference_worst_case": {"l_distinct": 3, "t": 0.2, "delta_infinite": false},
            "population": null,
            "wp216": {"singling_out": {"verdict": "pass"}, "inference": {"verdict": "at_risk"},
                      "linkability": {"verdict": "not_assessed"}}
        });
        let c = json!({
            "k_anonymity": {"k": 2, "records_below_k": 4},
            "sample_uniques": {"count": 0, "share": 0.0},
            "risk": {"prosecutor": {"highest": 0.5, "average": 0.04}},
            "inference_worst_case": {"l_distinct": 4, "t": 0.2, "delta_infinite": true},
            "population": {"dankar": {"share": 0.01}},
            "wp216": {"singling_out": {"verdict": "fail"}, "inference": {"verdict": "pass"},
                      "linkability": {"verdict": "pass"}}
        });
        let (worse, better) = compare(&p, &c);
        let w: Vec<&str> = worse.iter().map(|c| c.figure.as_str()).collect();
        let b: Vec<&str> = better.iter().map(|c| c.figure.as_str()).collect();
        assert_eq!(
            w,
            vec![
                "k_anonymity.k",
                "k_anonymity.records_below_k",
                "risk.prosecutor.highest",
                "inference_worst_case.delta_infinite",
                "wp216.singling_out.verdict"
            ]
        );
        assert_eq!(
            b,
            vec![
                "risk.prosecutor.average",
                "inference_worst_case.l_distinct",
                "wp216.inference.verdict"
            ]
        );
        // Unchanged, absent (population) and not-assessed figures are not listed.
        assert!(compare(&p, &p).0.is_empty() && compare(&p, &p).1.is_empty());
    }
}
