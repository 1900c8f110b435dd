//! Names of figures for people. The JSON and the gate name a figure by a
//! key (`highest_prosecutor_risk`, `max_risk`, `risk.prosecutor.average`);
//! a report shows the words below, in English or Dutch, with the figure in
//! its unit: a count as a whole number, a share or a probability as a
//! percentage, anything else with at most four significant digits.

use super::lang::Lang;

/// How a figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of records, classes or values.
    Count,
    /// A share or probability in [0, 1], shown in percent.
    Share,
    /// Any other number (l, t, δ, β, a SUDA score).
    Number,
}

/// The words and unit of a figure's key: an evidence key of a verdict, a
/// target's name (`l[occupation]` names the attribute after the words) or a
/// figure compared with the baseline. An unknown key is shown with its
/// underscores and dots as spaces, never dropped.
pub fn figure(l: Lang, key: &str) -> (String, Unit) {
    let (base, attribute) = match key.split_once('[') {
        Some((b, rest)) => (b, Some(rest.trim_end_matches(']'))),
        None => (key, None),
    };
    let (en, nl, unit) = known(base).unwrap_or(("", "", Unit::Number));
    let words = if en.is_empty() {
        base.replace(['_', '.'], " ")
    } else {
        l.tr(en, nl).to_string()
    };
    match attribute {
        Some(a) => (format!("{words} ({a})"), unit),
        None => (words, unit),
    }
}

fn known(key: &str) -> Option<(&'static str, &'static str, Unit)> {
    use Unit::*;
    Some(match key {
        // Evidence of the verdicts (gate::wp216).
        "k" | "k_anonymity.k" => ("k (smallest class)", "k (kleinste groep)", Count),
        "k_map" => (
            "k-map (smallest population class, or smallest class against k')",
            "k-map (kleinste groep in de populatie, of kleinste groep tegen k')",
            Count,
        ),
        "presence_min" | "presence.min" => (
            "δ-presence, lowest share of a class's population released",
            "δ-aanwezigheid, laagste aandeel van de populatie van een groep dat is vrijgegeven",
            Share,
        ),
        "presence_max" | "presence.max" => (
            "δ-presence, highest share of a class's population released",
            "δ-aanwezigheid, hoogste aandeel van de populatie van een groep dat is vrijgegeven",
            Share,
        ),
        "sample_uniques" | "sample_uniques.count" => (
            "records unique in the table",
            "records uniek in de tabel",
            Count,
        ),
        "sample_uniques.share" | "max_uniques" => {
            ("share of unique records", "aandeel unieke records", Share)
        }
        "records_below_reference_k" | "k_anonymity.records_below_k" => (
            "records in classes smaller than k",
            "records in groepen kleiner dan k",
            Count,
        ),
        "highest_prosecutor_risk" | "risk.prosecutor.highest" | "max_risk" => (
            "highest prosecutor risk",
            "hoogste prosecutor-risico",
            Share,
        ),
        "risk.prosecutor.average" | "max_average_risk" => (
            "average prosecutor risk",
            "gemiddeld prosecutor-risico",
            Share,
        ),
        "risk.prosecutor.records_at_risk" | "max_records_at_risk" => (
            "share of records at risk",
            "aandeel records met risico",
            Share,
        ),
        "risk.journalist.highest" => (
            "highest journalist risk",
            "hoogste journalist-risico",
            Share,
        ),
        "risk.journalist.average" => (
            "average journalist risk",
            "gemiddeld journalist-risico",
            Share,
        ),
        "risk.marketer" => ("marketer risk", "marketer-risico", Share),
        "estimated_population_uniques" => (
            "estimated population uniques",
            "geschatte unieken in de populatie",
            Number,
        ),
        "population.dankar.share" | "max_population_uniqueness" => {
            ("population uniqueness", "uniciteit in de populatie", Share)
        }
        "individual_risk.global" | "max_global_risk" => (
            "global risk (expected re-identifications per record)",
            "globaal risico (verwachte heridentificaties per record)",
            Share,
        ),
        "suda.max_score" | "max_suda_score" => ("highest SUDA score", "hoogste SUDA-score", Number),
        "l_distinct" | "inference_worst_case.l_distinct" => (
            "distinct l-diversity",
            "l-diversiteit (verschillende waarden)",
            Count,
        ),
        "l_entropy" | "inference_worst_case.l_entropy" => {
            ("entropy l-diversity", "l-diversiteit (entropie)", Number)
        }
        "l" => ("l-diversity", "l-diversiteit", Number),
        "t" | "inference_worst_case.t" => ("t-closeness", "t-closeness", Number),
        "delta" | "inference_worst_case.delta_present_values" => {
            ("δ-disclosure", "δ-disclosure", Number)
        }
        "beta" | "inference_worst_case.beta_basic" => ("β-likeness", "β-likeness", Number),
        "alpha" | "inference_worst_case.alpha" => (
            "largest share of one sensitive value in a class (α)",
            "grootste aandeel van één gevoelige waarde in een groep (α)",
            Share,
        ),
        "homogeneous_records" | "inference_worst_case.homogeneous_records" => (
            "records in classes with one sensitive value",
            "records in groepen met één gevoelige waarde",
            Count,
        ),
        "unique_match_rate" | "linkage.unique_match_rate" | "max_unique_match_rate" => (
            "attacker records matching exactly one record",
            "records van de aanvaller die op precies één record passen",
            Share,
        ),
        "expected_correct_links" => (
            "expected correct links",
            "verwachte juiste koppelingen",
            Number,
        ),
        "group_link_rate" => (
            "attacker records linked to one class",
            "records van de aanvaller gekoppeld aan één groep",
            Share,
        ),
        "link_risk" | "linkage.risk.value" | "max_link_risk" => (
            "baseline-corrected link risk",
            "voor de basislijn gecorrigeerd koppelrisico",
            Share,
        ),
        "smallest_match" => (
            "fewest released records an attacker record matches",
            "kleinste aantal vrijgegeven records waarop een record van de aanvaller past",
            Count,
        ),
        "k_intersection" => (
            "k after composing the two releases",
            "k na het combineren van de twee releases",
            Count,
        ),
        "intersection_uniques" => (
            "records unique after composing",
            "records uniek na het combineren",
            Count,
        ),
        _ => return None,
    })
}

/// A target checked, as a person reads it: the measured figure and the
/// limit, "k (kleinste groep) 1 (norm ≥ 5)". English keeps the gate's own
/// line (`TargetCheck::message`), which JSON users read as well.
pub fn target_line(l: Lang, t: &crate::gate::targets::TargetCheck) -> String {
    if l == Lang::En {
        return t.message.clone();
    }
    let (words, unit) = figure(l, &t.name);
    format!(
        "{words} {} ({} {} {})",
        value(l, unit, t.actual),
        l.tr("target", "norm"),
        relation(&t.name),
        value(l, unit, t.limit)
    )
}

/// A figure of a baseline comparison for people: a number rounded in its
/// unit, a WP216 verdict in words, anything else as written.
pub fn compared(l: Lang, unit: Unit, v: &serde_json::Value) -> String {
    use crate::gate::wp216::Verdict;
    if let Some(x) = v.as_f64() {
        return value(l, unit, x);
    }
    match serde_json::from_value::<Verdict>(v.clone()) {
        Ok(Verdict::Pass) => l.tr("pass", "voldoet").into(),
        Ok(Verdict::AtRisk) => l.tr("at risk", "restrisico").into(),
        Ok(Verdict::Fail) => l.tr("fail", "voldoet niet").into(),
        Ok(Verdict::NotAssessed) => l.tr("not assessed", "niet beoordeeld").into(),
        Err(_) => v.as_str().map_or_else(|| v.to_string(), str::to_string),
    }
}

/// A utility metric in words, with its `--metric` name.
pub fn metric(l: Lang, m: crate::anonymise::search::Metric) -> String {
    use crate::anonymise::search::Metric;
    use crate::choice::Choice;
    let words = match m {
        Metric::Loss => l.tr("loss", "verlies"),
        Metric::Precision => l.tr("precision loss", "precisieverlies"),
        Metric::MonotonicPrecision => l.tr("monotonic precision loss", "monotoon precisieverlies"),
        Metric::Height => l.tr("generalisation height", "generalisatiehoogte"),
        Metric::Discernibility => l.tr("discernibility", "onderscheidbaarheid"),
        Metric::MonotonicDiscernibility => l.tr(
            "monotonic discernibility (DM*)",
            "monotone onderscheidbaarheid (DM*)",
        ),
        Metric::Aecs => l.tr("average class size", "gemiddelde groepsgrootte"),
        Metric::Entropy => l.tr("non-uniform entropy", "niet-uniforme entropie"),
    };
    format!("{words} (--metric {})", m.name())
}

/// The minimised figure when the summaries do not list it among their
/// utility figures (loss, precision, discernibility, AECS, entropy).
pub fn unlisted_score(
    u: &crate::anonymise::search::Utility,
    m: crate::anonymise::search::Metric,
) -> Option<f64> {
    use crate::anonymise::search::Metric;
    matches!(
        m,
        Metric::MonotonicDiscernibility | Metric::MonotonicPrecision | Metric::Height
    )
    .then(|| u.get(m))
}

/// A t-closeness distance in words.
pub fn distance(l: Lang, d: crate::measure::closeness::Distance) -> &'static str {
    use crate::measure::closeness::Distance;
    match d {
        Distance::Equal => l.tr("equal", "gelijk"),
        Distance::Ordered => l.tr("ordered", "geordend"),
        Distance::Hierarchical => l.tr("hierarchical", "hiërarchisch"),
    }
}

/// How a target's figure must relate to its limit: at least (k, l), below
/// (δ), at most (every other).
pub fn relation(name: &str) -> &'static str {
    match name.split('[').next().unwrap_or_default() {
        "k" | "l" | "k_map" | "presence_min" => "≥",
        "delta" => "<",
        _ => "≤",
    }
}

/// At most four significant digits, trailing zeros dropped, thousands
/// grouped: 0.4648564 → 0.4649, 557.5556 → 557.6, 12345.6 → 12,350.
pub fn sig4(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "—".into()
        } else {
            "∞".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if magnitude < 3 {
        let decimals = (3 - magnitude) as usize;
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        return if s == "-0" { "0".into() } else { s };
    }
    let step = 10f64.powi(magnitude - 3);
    let rounded = (x.abs() / step).round() * step;
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", super::text::group_digits(rounded as u64))
}

/// A figure in its unit and the language's decimal mark.
pub fn value(l: Lang, unit: Unit, x: f64) -> String {
    l.num(match unit {
        Unit::Count if x.is_finite() && x.fract() == 0.0 && x >= 0.0 => {
            super::text::group_digits(x as u64)
        }
        Unit::Share => percent(x),
        _ => sig4(x),
    })
}

/// A share in percent, at most four significant digits: 0.2 → 20%.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{}%", sig4(share * 100.0))
    } else {
        sig4(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(sig4(0.4648564418805119), "0.4649");
        assert_eq!(sig4(557.5556), "557.6");
        assert_eq!(sig4(1.0), "1");
        assert_eq!(sig4(0.5), "0.5");
        assert_eq!(sig4(12345.6), "12,350");
        assert_eq!(sig4(300000.0), "300,000");
        assert_eq!(sig4(-0.00001234567), "-0.00001235");
        assert_eq!(sig4(9999.6), "10,000");
        assert_eq!(sig4(0.0), "0");
        assert_eq!(sig4(f64::INFINITY), "∞");
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.014092), "1.409%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn figures_in_words_and_units() {
        assert_eq!(
            figure(Lang::En, "highest_prosecutor_risk"),
            ("highest prosecutor risk".into(), Unit::Share)
        );
        assert_eq!(
            figure(Lang::Nl, "l[occupation]").0,
            "l-diversiteit (occupation)"
        );
        assert_eq!(figure(Lang::En, "some_new.key").0, "some new key");
        assert_eq!(value(Lang::Nl, Unit::Share, 0.1044), "10,44%");
        assert_eq!(value(Lang::En, Unit::Count, 7528.0), "7,528");
    }
}
