//! Targets a release must meet, and their check.
//!
//! A missed target is a result, not an error: the command exits with 1 and
//! lists every failure. Targets are the user's choice; WP216 sets no
//! thresholds, so kanon gates on nothing unless asked.

use serde::Serialize;

use crate::error::{Error, Result};

/// The targets of `kanon analyse`. `None` means "not checked".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    /// Minimum class size (k-anonymity).
    pub k: Option<u64>,
    /// Highest prosecutor risk allowed (1 / smallest class).
    pub max_risk: Option<f64>,
    /// Average prosecutor risk allowed (J / n).
    pub max_average_risk: Option<f64>,
    /// Share of records allowed above the risk threshold.
    pub max_records_at_risk: Option<f64>,
}

impl Targets {
    /// Reject values out of range.
    pub fn validate(&self) -> Result<()> {
        if self.k == Some(0) {
            return Err(Error::usage("--k must be at least 1"));
        }
        for (flag, v) in [
            ("--max-risk", self.max_risk),
            ("--max-average-risk", self.max_average_risk),
            ("--max-records-at-risk", self.max_records_at_risk),
        ] {
            if let Some(v) = v {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::usage(format!(
                        "{flag} must be a share between 0 and 1, got {v}"
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == Targets::default()
    }
}

/// The outcome of one target.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TargetCheck {
    /// Target name as on the command line, without dashes (`k`, `max_risk`, …).
    pub name: String,
    /// The limit the user set.
    pub limit: f64,
    /// The measured value.
    pub actual: f64,
    pub met: bool,
    /// One line for humans.
    pub message: String,
}

/// The measured figures a target is checked against.
pub struct Measured {
    pub k: u64,
    pub highest_risk: f64,
    pub average_risk: f64,
    pub records_at_risk: f64,
    pub threshold: f64,
}

/// Check every target that is set.
pub fn check(targets: &Targets, m: &Measured) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    if let Some(k) = targets.k {
        let met = m.k >= k;
        out.push(TargetCheck {
            name: "k".into(),
            limit: k as f64,
            actual: m.k as f64,
            met,
            message: format!("k-anonymity: smallest class {} (target k ≥ {k})", m.k),
        });
    }
    let mut at_most = |name: &str, what: &str, limit: Option<f64>, actual: f64| {
        if let Some(limit) = limit {
            out.push(TargetCheck {
                name: name.into(),
                limit,
                actual,
                met: actual <= limit,
                message: format!("{what}: {} (target ≤ {})", fmt6(actual), fmt6(limit)),
            });
        }
    };
    at_most(
        "max_risk",
        "highest prosecutor risk",
        targets.max_risk,
        m.highest_risk,
    );
    at_most(
        "max_average_risk",
        "average prosecutor risk",
        targets.max_average_risk,
        m.average_risk,
    );
    at_most(
        "max_records_at_risk",
        &format!("share of records with risk above {}", fmt6(m.threshold)),
        targets.max_records_at_risk,
        m.records_at_risk,
    );
    out
}

/// Up to six decimals, trailing zeros trimmed.
pub(crate) fn fmt6(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured() -> Measured {
        Measured {
            k: 3,
            highest_risk: 1.0 / 3.0,
            average_risk: 0.1,
            records_at_risk: 0.25,
            threshold: 0.2,
        }
    }

    #[test]
    fn each_target_is_checked() {
        let t = Targets {
            k: Some(3),
            max_risk: Some(0.3),
            max_average_risk: Some(0.1),
            max_records_at_risk: Some(0.2),
        };
        let c = check(&t, &measured());
        let met: Vec<(&str, bool)> = c.iter().map(|c| (c.name.as_str(), c.met)).collect();
        assert_eq!(
            met,
            vec![
                ("k", true),
                ("max_risk", false),
                ("max_average_risk", true),
                ("max_records_at_risk", false)
            ]
        );
        assert!(check(&Targets::default(), &measured()).is_empty());
    }

    #[test]
    fn validation() {
        assert!(Targets {
            k: Some(0),
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(Targets {
            max_risk: Some(1.5),
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(Targets {
            max_risk: Some(0.5),
            ..Default::default()
        }
        .validate()
        .is_ok());
        assert_eq!(fmt6(0.2), "0.2");
        assert_eq!(fmt6(1.0 / 3.0), "0.333333");
        assert_eq!(fmt6(5.0), "5");
    }
}
