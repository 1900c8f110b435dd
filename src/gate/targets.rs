//! Targets a release must meet, and their check.
//!
//! A missed target is a result, not an error: the command exits with 1 and
//! lists every failure. Targets are the user's choice; WP216 sets no
//! thresholds, so kanon gates on nothing unless asked.

use serde::Serialize;

use crate::choice::Choice;
use crate::error::{Error, Result};
use crate::measure::tolerance;

/// Which l-diversity the `l` target means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LKind {
    #[default]
    Distinct,
    Entropy,
    Recursive,
}

/// Which δ-disclosure the `delta` target is checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeltaVariant {
    /// Brickell & Shmatikov's definition: absent values make δ infinite.
    #[default]
    Strict,
    /// Over the values present in each class (ARX, pycanon).
    PresentValues,
}

/// Which β-likeness the `beta` target is checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BetaKind {
    #[default]
    Basic,
    Enhanced,
}

impl Choice for LKind {
    const WHAT: &'static str = "l-diversity kind";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("distinct", LKind::Distinct),
        ("entropy", LKind::Entropy),
        ("recursive", LKind::Recursive),
    ];
}

impl Choice for DeltaVariant {
    const WHAT: &'static str = "δ-disclosure variant";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("strict", DeltaVariant::Strict),
        ("present", DeltaVariant::PresentValues),
    ];
}

impl DeltaVariant {
    /// What the `delta` target means in this variant.
    pub fn criterion(self) -> Criterion {
        match self {
            DeltaVariant::Strict => Criterion::Delta,
            DeltaVariant::PresentValues => Criterion::DeltaPresent,
        }
    }
}

impl Choice for BetaKind {
    const WHAT: &'static str = "β-likeness kind";
    const OPTIONS: &'static [(&'static str, Self)] =
        &[("basic", BetaKind::Basic), ("enhanced", BetaKind::Enhanced)];
}

/// What a target means, written once: on which side of its limit a figure
/// must lie, and whether meeting it survives generalisation. The check of
/// a finished table ([`check`], [`check_inference`], …) and the search
/// (which suppresses a released class that misses one) both ask it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Every class has at least k records.
    K,
    /// Highest, average and share-at-risk prosecutor risk at most a limit.
    MaxRisk,
    MaxAverageRisk,
    MaxRecordsAtRisk,
    /// Share of records unique in the table (in a class of size 1) at
    /// most a limit; merging classes only lowers it.
    MaxUniques,
    /// Every class has at least l well-represented sensitive values.
    L,
    /// t-closeness distance at most t.
    T,
    /// δ-disclosure strictly below δ.
    Delta,
    /// δ-disclosure over the values present in each class (ARX, pycanon),
    /// strictly below δ. Not monotone even without suppression: merging a
    /// class into one that lacks a value brings that value in at a share
    /// that can lie further from the table's than either class's values.
    DeltaPresent,
    /// β-likeness at most β.
    Beta,
    /// No sensitive value above a share α in a class.
    Alpha,
    MaxPopulationUniqueness,
    MaxGlobalRisk,
    MaxSudaScore,
    /// k-map counted in a population table: every class matches at least
    /// K people of the population. Merging classes adds their population
    /// counts, so it is monotone like k, with suppression too.
    KMap,
    /// δ-presence: every class's share of its population released, f/F,
    /// at least δmin ([`Criterion::PresenceMin`]) and at most δmax. A merged
    /// class's (f₁+f₂)/(F₁+F₂) lies between its parts', so both are
    /// monotone without suppression; with it, a class that misses one may
    /// merge with one that meets it and fail together where it alone would
    /// have been suppressed.
    PresenceMin,
    PresenceMax,
}

impl Criterion {
    /// Whether `actual` meets `limit`, floats compared within
    /// [`tolerance`]'s relative tolerance.
    pub fn holds(self, actual: f64, limit: f64) -> bool {
        match self {
            Criterion::K | Criterion::KMap | Criterion::L | Criterion::PresenceMin => {
                tolerance::at_least(actual, limit)
            }
            Criterion::Delta | Criterion::DeltaPresent => tolerance::below(actual, limit),
            _ => tolerance::at_most(actual, limit),
        }
    }

    /// Whether a table that meets it still meets it after more
    /// generalisation, so the search may tag every generalisation of a
    /// passing node as passing (and every specialisation of a failing one
    /// as failing). k and the risks are monotone with or without
    /// suppression; the sensitive-attribute targets only without it, as
    /// merging a class that meets them with one that does not can fail
    /// where the suppressed class alone would have been dropped.
    pub fn monotone(self, suppression: bool) -> bool {
        match self {
            // The population models extrapolate from the whole class-size
            // histogram, which merging reshapes; no proof that the estimate
            // only falls, so the search does not rely on it (ARX treats its
            // population-uniqueness model as not monotone too). Safe: tagging
            // then rests on k alone.
            Criterion::DeltaPresent | Criterion::MaxPopulationUniqueness => false,
            Criterion::L
            | Criterion::T
            | Criterion::Delta
            | Criterion::Beta
            | Criterion::Alpha
            | Criterion::PresenceMin
            | Criterion::PresenceMax => !suppression,
            _ => true,
        }
    }
}

/// The targets of `kanon analyse`. `None` means "not checked".
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// Minimum class size (k-anonymity).
    pub k: Option<u64>,
    /// Highest prosecutor risk allowed (1 / smallest class).
    pub max_risk: Option<f64>,
    /// Average prosecutor risk allowed (J / n).
    pub max_average_risk: Option<f64>,
    /// Share of records allowed above the risk threshold.
    pub max_records_at_risk: Option<f64>,
    /// Share of records allowed to be unique (sample uniques).
    pub max_uniques: Option<f64>,
    /// Minimum l of every sensitive attribute, of kind `l_kind`.
    pub l: Option<f64>,
    pub l_kind: LKind,
    /// Maximum t-closeness distance.
    pub t: Option<f64>,
    /// δ-disclosure: every |ln(q/p)| below this.
    pub delta: Option<f64>,
    pub delta_variant: DeltaVariant,
    /// Maximum β.
    pub beta: Option<f64>,
    pub beta_kind: BetaKind,
    /// Maximum share of one sensitive value in a class ((α,k)-anonymity;
    /// the k part is `k`).
    pub alpha: Option<f64>,
    /// Maximum estimated share of population uniques (Dankar's choice).
    pub max_population_uniqueness: Option<f64>,
    /// Maximum Benedetti-Franconi global risk.
    pub max_global_risk: Option<f64>,
    /// Maximum SUDA score of any record.
    pub max_suda_score: Option<f64>,
    /// k-map: every class matches at least this many people of the
    /// population, estimated from the sampling fraction as k-anonymity
    /// with a derived k' ([`crate::measure::kmap`]).
    pub k_map: Option<u64>,
    pub k_map_estimator: crate::measure::kmap::Estimator,
    /// Significance level α of the k-map estimate.
    pub significance: f64,
    /// δ-presence: every class's f/F at least this and at most the next.
    pub presence_min: Option<f64>,
    pub presence_max: Option<f64>,
}

/// α of the k-map estimate unless given (as in ARX's reference cases).
pub const SIGNIFICANCE: f64 = 0.01;

impl Default for Targets {
    fn default() -> Self {
        Targets {
            k: None,
            max_risk: None,
            max_average_risk: None,
            max_records_at_risk: None,
            max_uniques: None,
            l: None,
            l_kind: LKind::default(),
            t: None,
            delta: None,
            delta_variant: DeltaVariant::default(),
            beta: None,
            beta_kind: BetaKind::default(),
            alpha: None,
            max_population_uniqueness: None,
            max_global_risk: None,
            max_suda_score: None,
            k_map: None,
            k_map_estimator: crate::measure::kmap::Estimator::default(),
            significance: SIGNIFICANCE,
            presence_min: None,
            presence_max: None,
        }
    }
}

/// What the k-map target is checked against.
pub enum KMapFigure {
    /// The smallest population class, from a population table.
    Population(f64),
    /// The k' derived from the sampling fraction, and the smallest class.
    Estimated { derived: u64, k: u64 },
    /// Neither a population table nor a population size.
    Missing,
}

/// The k-map target (a missing figure fails it).
pub fn check_k_map(targets: &Targets, figure: KMapFigure) -> Option<TargetCheck> {
    let k_map = targets.k_map?;
    Some(match figure {
        KMapFigure::Population(smallest) => TargetCheck {
            name: "k_map".into(),
            limit: k_map as f64,
            actual: smallest,
            met: Criterion::KMap.holds(smallest, k_map as f64),
            message: format!(
                "k-map: smallest population class {} (target ≥ {k_map})",
                fmt6(smallest)
            ),
        },
        KMapFigure::Estimated { derived: d, k } => TargetCheck {
            name: "k_map".into(),
            limit: d as f64,
            actual: k as f64,
            met: Criterion::K.holds(k as f64, d as f64),
            message: format!(
                "k-map {k_map} (estimated as k-anonymity with k' = {d}): smallest class {k} (target k ≥ {d})"
            ),
        },
        KMapFigure::Missing => TargetCheck {
            name: "k_map".into(),
            limit: k_map as f64,
            actual: f64::NAN,
            met: false,
            message: format!(
                "k-map {k_map}: not computed, needs a population table (--population) or size (--population-size, --sampling-fraction or --weight)"
            ),
        },
    })
}

/// The δ-presence targets on the (smallest, largest) f/F over the classes
/// (`None` without a population, which fails them).
pub fn check_presence(targets: &Targets, range: Option<(f64, f64)>) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    let missing = "needs a population table (--population) or weights (--weight)";
    if let Some(limit) = targets.presence_min {
        out.push(match range {
            Some((lo, _)) => TargetCheck {
                name: "presence_min".into(),
                limit,
                actual: lo,
                met: Criterion::PresenceMin.holds(lo, limit),
                message: format!(
                    "δ-presence: lowest share of a class's population released {} (target ≥ {})",
                    fmt6(lo),
                    fmt6(limit)
                ),
            },
            None => TargetCheck {
                name: "presence_min".into(),
                limit,
                actual: f64::NAN,
                met: false,
                message: format!("δ-presence: not computed, {missing}"),
            },
        });
    }
    if let Some(limit) = targets.presence_max {
        let what = "δ-presence: highest share of a class's population released";
        out.push(at_most(
            "presence_max",
            what,
            limit,
            range.map(|r| r.1),
            missing,
        ));
    }
    out
}

impl Targets {
    /// Reject values out of range.
    pub fn validate(&self) -> Result<()> {
        if self.k == Some(0) {
            return Err(Error::usage("--k must be at least 1"));
        }
        if self.k_map == Some(0) {
            return Err(Error::usage("--k-map must be at least 1"));
        }
        if !(self.significance > 0.0 && self.significance < 1.0) {
            return Err(Error::usage(format!(
                "--significance must lie between 0 and 1, got {}",
                self.significance
            )));
        }
        for (flag, v) in [
            ("--max-risk", self.max_risk),
            ("--max-average-risk", self.max_average_risk),
            ("--max-records-at-risk", self.max_records_at_risk),
            ("--max-uniques", self.max_uniques),
            ("--t", self.t),
            ("--alpha", self.alpha),
            (
                "--max-population-uniqueness",
                self.max_population_uniqueness,
            ),
            ("--max-global-risk", self.max_global_risk),
            ("--presence-min", self.presence_min),
            ("--presence-max", self.presence_max),
        ] {
            if let Some(v) = v {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::usage(format!(
                        "{flag} must be a share between 0 and 1, got {v}"
                    )));
                }
            }
        }
        for (flag, v) in [
            ("--l", self.l),
            ("--delta", self.delta),
            ("--beta", self.beta),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && v > 0.0) {
                    return Err(Error::usage(format!(
                        "{flag} must be a positive number, got {v}"
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == Targets::default()
    }

    /// Whether any target needs a sensitive attribute.
    pub fn has_inference(&self) -> bool {
        self.l.is_some()
            || self.t.is_some()
            || self.delta.is_some()
            || self.beta.is_some()
            || self.alpha.is_some()
    }
}

/// The outcome of one target.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct TargetCheck {
    /// Target name as on the command line, without dashes (`k`, `max_risk`, …).
    pub name: String,
    /// The limit the user set (an integer for k and distinct l).
    #[serde(serialize_with = "crate::json::whole")]
    pub limit: f64,
    /// The measured value.
    #[serde(serialize_with = "crate::json::whole")]
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
    /// Share of records unique in the table.
    pub uniques: f64,
}

/// Check every target that is set.
pub fn check(targets: &Targets, m: &Measured) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    if let Some(k) = targets.k {
        let met = Criterion::K.holds(m.k as f64, k as f64);
        out.push(TargetCheck {
            name: "k".into(),
            limit: k as f64,
            actual: m.k as f64,
            met,
            message: format!("k-anonymity: smallest class {} (target k ≥ {k})", m.k),
        });
    }
    let mut at_most = |c: Criterion, name: &str, what: &str, limit: Option<f64>, actual: f64| {
        if let Some(limit) = limit {
            out.push(TargetCheck {
                name: name.into(),
                limit,
                actual,
                met: c.holds(actual, limit),
                message: format!("{what}: {} (target ≤ {})", fmt6(actual), fmt6(limit)),
            });
        }
    };
    at_most(
        Criterion::MaxRisk,
        "max_risk",
        "highest prosecutor risk",
        targets.max_risk,
        m.highest_risk,
    );
    at_most(
        Criterion::MaxAverageRisk,
        "max_average_risk",
        "average prosecutor risk",
        targets.max_average_risk,
        m.average_risk,
    );
    at_most(
        Criterion::MaxRecordsAtRisk,
        "max_records_at_risk",
        &format!("share of records with risk above {}", fmt6(m.threshold)),
        targets.max_records_at_risk,
        m.records_at_risk,
    );
    at_most(
        Criterion::MaxUniques,
        "max_uniques",
        "share of records unique in the table",
        targets.max_uniques,
        m.uniques,
    );
    out
}

/// An upper-limit target; a figure that could not be computed fails and
/// says what it `missing`.
pub(crate) fn at_most(
    name: &str,
    what: &str,
    limit: f64,
    actual: Option<f64>,
    missing: &str,
) -> TargetCheck {
    match actual {
        Some(a) => TargetCheck {
            name: name.into(),
            limit,
            actual: a,
            met: Criterion::MaxGlobalRisk.holds(a, limit),
            message: format!("{what}: {} (target ≤ {})", fmt6(a), fmt6(limit)),
        },
        None => TargetCheck {
            name: name.into(),
            limit,
            actual: f64::NAN,
            met: false,
            message: format!("{what}: not computed, {missing}"),
        },
    }
}

/// Check the population-risk targets. A target whose figure could not be
/// computed (no population size, no valid estimate) fails, and says why.
pub fn check_population(
    targets: &Targets,
    population_uniqueness: Option<f64>,
    global_risk: Option<f64>,
    max_suda: Option<f64>,
) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    for (name, what, limit, actual, missing) in [
        (
            "max_population_uniqueness",
            "estimated share of population uniques",
            targets.max_population_uniqueness,
            population_uniqueness,
            "needs a population size (--population-size, --sampling-fraction or --weight) and a valid estimate",
        ),
        (
            "max_global_risk",
            "Benedetti-Franconi global risk",
            targets.max_global_risk,
            global_risk,
            "needs weights or a population size",
        ),
        ("max_suda_score", "highest SUDA score", targets.max_suda_score, max_suda, "needs --suda"),
    ] {
        if let Some(limit) = limit {
            out.push(at_most(name, what, limit, actual, missing));
        }
    }
    out
}

/// Check the inference targets for one sensitive attribute.
pub fn check_inference(
    targets: &Targets,
    attribute: &str,
    r: &crate::measure::inference::Inference,
    c: f64,
) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    let mut push = |name: &str, limit: f64, actual: f64, met: bool, message: String| {
        out.push(TargetCheck {
            name: format!("{name}[{attribute}]"),
            limit,
            actual,
            met,
            message,
        })
    };
    if let Some(l) = targets.l {
        let (actual, what) = match targets.l_kind {
            LKind::Distinct => (r.l_distinct as f64, "distinct l".to_string()),
            LKind::Entropy => (r.l_entropy, "entropy l".to_string()),
            LKind::Recursive => (r.l_recursive as f64, format!("recursive ({}, l)", fmt6(c))),
        };
        push(
            "l",
            l,
            actual,
            Criterion::L.holds(actual, l),
            format!(
                "{attribute}: {what} {} (target ≥ {})",
                fmt6(actual),
                fmt6(l)
            ),
        );
    }
    if let Some(t) = targets.t {
        push(
            "t",
            t,
            r.t,
            Criterion::T.holds(r.t, t),
            format!(
                "{attribute}: t-closeness {} (target ≤ {})",
                fmt6(r.t),
                fmt6(t)
            ),
        );
    }
    if let Some(d) = targets.delta {
        let (actual, label) = match targets.delta_variant {
            DeltaVariant::Strict => (r.delta_strict.unwrap_or(f64::INFINITY), "strict"),
            DeltaVariant::PresentValues => (r.delta_present, "present values"),
        };
        let criterion = targets.delta_variant.criterion();
        let shown = if actual.is_infinite() {
            "inf".to_string()
        } else {
            fmt6(actual)
        };
        push(
            "delta",
            d,
            actual,
            criterion.holds(actual, d),
            format!(
                "{attribute}: δ-disclosure ({label}) {shown} (target < {})",
                fmt6(d)
            ),
        );
    }
    if let Some(b) = targets.beta {
        let (actual, label) = match targets.beta_kind {
            BetaKind::Basic => (Some(r.beta_basic), "basic"),
            BetaKind::Enhanced => (r.beta_enhanced, "enhanced"),
        };
        let shown = actual.map_or("no β satisfies it".to_string(), fmt6);
        push(
            "beta",
            b,
            actual.unwrap_or(f64::INFINITY),
            actual.is_some_and(|a| Criterion::Beta.holds(a, b)),
            format!(
                "{attribute}: β-likeness ({label}) {shown} (target ≤ {})",
                fmt6(b)
            ),
        );
    }
    if let Some(a) = targets.alpha {
        push(
            "alpha",
            a,
            r.alpha,
            Criterion::Alpha.holds(r.alpha, a),
            format!(
                "{attribute}: largest share of one value in a class {} (target α ≤ {})",
                fmt6(r.alpha),
                fmt6(a)
            ),
        );
    }
    out
}

/// A share or probability as people write it: `0.2` or `20%` (the same
/// double: 20 / 100 rounds to the nearest double of 0.2), between 0 and 1
/// inclusive. Every share flag and policy key reads it here.
pub fn share(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim();
    let (number, scale) = match t.strip_suffix('%') {
        Some(p) => (p.trim_end(), 100.0),
        None => (t, 1.0),
    };
    match number.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&(v / scale)) => Ok(v / scale),
        Ok(_) => Err(format!(
            "'{text}' is not a share between 0 and 1 (or 0% and 100%)"
        )),
        Err(_) => Err(format!("'{text}' is not a share: write 0.2 or 20%")),
    }
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
            uniques: 0.1,
        }
    }

    #[test]
    fn each_target_is_checked() {
        let t = Targets {
            k: Some(3),
            max_risk: Some(0.3),
            max_average_risk: Some(0.1),
            max_records_at_risk: Some(0.2),
            max_uniques: Some(0.1),
            ..Default::default()
        };
        let c = check(&t, &measured());
        let met: Vec<(&str, bool)> = c.iter().map(|c| (c.name.as_str(), c.met)).collect();
        assert_eq!(
            met,
            vec![
                ("k", true),
                ("max_risk", false),
                ("max_average_risk", true),
                ("max_records_at_risk", false),
                ("max_uniques", true)
            ]
        );
        assert!(check(&Targets::default(), &measured()).is_empty());
    }

    /// Each target at its exact limit: l and k are met there, δ (strict)
    /// is not, the upper limits are; floating-point noise does not matter.
    #[test]
    fn shares_as_decimals_or_percentages() {
        assert_eq!(share("20%"), Ok(0.2));
        assert_eq!(share(" 0.2 "), Ok(0.2));
        assert_eq!(share("5 %"), Ok(0.05));
        assert_eq!(share("100%"), Ok(1.0));
        assert_eq!(share("0"), Ok(0.0));
        assert!(share("120%").is_err() && share("1.5").is_err() && share("-1%").is_err());
        assert!(share("twenty").unwrap_err().contains("20%"));
        assert!(share("NaN").is_err());
    }

    #[test]
    fn criteria_at_their_boundaries() {
        assert!(Criterion::L.holds((3f64).ln().exp(), 3.0));
        assert!(!Criterion::L.holds(3.0 - 3e-7, 3.0));
        assert!(Criterion::K.holds(5.0, 5.0) && !Criterion::K.holds(4.0, 5.0));
        assert!(!Criterion::Delta.holds(0.5, 0.5) && Criterion::Delta.holds(0.49, 0.5));
        for c in [
            Criterion::T,
            Criterion::Beta,
            Criterion::Alpha,
            Criterion::MaxRisk,
        ] {
            assert!(c.holds(0.2, 0.2) && c.holds(0.2 + 1e-16, 0.2) && !c.holds(0.21, 0.2));
        }
        assert!(Criterion::K.monotone(true) && Criterion::L.monotone(false));
        assert!(!Criterion::L.monotone(true) && !Criterion::T.monotone(true));
        assert!(!Criterion::DeltaPresent.monotone(false) && Criterion::Delta.monotone(false));
        assert!(
            !Criterion::DeltaPresent.holds(0.5, 0.5) && Criterion::DeltaPresent.holds(0.4, 0.5)
        );
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
