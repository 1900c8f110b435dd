//! The words of the WP216 verdicts, in English and Dutch: what
//! `gate::wp216` decided, as the reason a person reads (and the JSON's
//! `reason`).

use crate::gate::wp216::{Assessment, Assessments, LinkFinding, Reason, Which};
use crate::render::lang::Lang;
use crate::report::{Judgement, Wp216};

/// The JSON judgement of one criterion, its reason in `lang`.
pub fn judgement(a: &Assessment, lang: Lang) -> Judgement {
    let mut reason = reason(&a.reason, lang);
    if a.population_uniques {
        reason.push_str(lang.tr(
            "; but population uniques are estimated above zero",
            "; maar het geschatte aantal populatie-unieken is groter dan nul",
        ));
    }
    Judgement {
        verdict: a.verdict,
        evidence: a.evidence.clone(),
        default_rule: a.default_rule,
        reason,
    }
}

/// The three judgements.
pub fn wp216(a: &Assessments, lang: Lang) -> Wp216 {
    Wp216 {
        singling_out: judgement(&a.singling_out, lang),
        linkability: judgement(&a.linkability, lang),
        inference: judgement(&a.inference, lang),
    }
}

/// One or two plain sentences for a reason.
pub fn reason(r: &Reason, lang: Lang) -> String {
    match r {
        Reason::TargetsHold(_) | Reason::TargetsMissed(_) => targets_reason(r, lang),
        Reason::Uniques { .. }
        | Reason::BelowReferenceK { .. }
        | Reason::AtLeastReferenceK { .. } => singling_out_reason(r, lang),
        Reason::NoSensitiveAttribute
        | Reason::Homogeneous { .. }
        | Reason::NearHomogeneous { .. }
        | Reason::NoneNearHomogeneous { .. } => inference_reason(r, lang),
        Reason::NoAttackerTable | Reason::Linkage { .. } | Reason::LinkagePass { .. } => {
            linkability_reason(r, lang)
        }
    }
}

/// Targets set by the user: all hold, or which missed.
fn targets_reason(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (Reason::TargetsHold(which), Lang::En) => {
            format!("every {} target holds", which_name(*which, lang))
        }
        (Reason::TargetsHold(which), Lang::Nl) => format!(
            "elke ingestelde norm voor {} wordt gehaald",
            which_name(*which, lang)
        ),
        (Reason::TargetsMissed(missed), Lang::En) => {
            let lines: Vec<&str> = missed.iter().map(|t| t.message.as_str()).collect();
            format!("target missed: {}", lines.join("; "))
        }
        (Reason::TargetsMissed(missed), Lang::Nl) => {
            let lines: Vec<String> = missed
                .iter()
                .map(|t| crate::render::labels::target_line(lang, t))
                .collect();
            format!("norm niet gehaald: {}", lines.join("; "))
        }
        // `reason` routes each reason to the one function that words it.
        _ => unreachable!("a reason routed to the wrong sentence"),
    }
}

/// Singling out by kanon's default rule.
fn singling_out_reason(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (
            Reason::Uniques {
                uniques,
                records,
                percent,
            },
            Lang::En,
        ) => format!(
            "{uniques} of {records} records ({percent:.1}%) are unique on the quasi-identifiers and can be singled out"
        ),
        (
            Reason::Uniques {
                uniques,
                records,
                percent,
            },
            Lang::Nl,
        ) => format!(
            "{uniques} van de {records} records ({}%) zijn uniek op de quasi-identificatoren en dus herleidbaar",
            lang.num(format!("{percent:.1}"))
        ),
        (Reason::BelowReferenceK { k, reference_k }, Lang::En) => format!(
            "no record is unique, but the smallest class has {k} records, below the reference k of {reference_k} (kanon's default, not a legal threshold)"
        ),
        (Reason::BelowReferenceK { k, reference_k }, Lang::Nl) => format!(
            "geen record is uniek, maar de kleinste groep telt {k} records, minder dan de referentie-k van {reference_k} (standaard van kanon, geen wettelijke norm)"
        ),
        (Reason::AtLeastReferenceK { reference_k }, Lang::En) => format!(
            "every class has at least {reference_k} records (kanon's default reference k)"
        ),
        (Reason::AtLeastReferenceK { reference_k }, Lang::Nl) => format!(
            "elke groep telt minstens {reference_k} records (de standaard referentie-k van kanon)"
        ),
        // `reason` routes each reason to the one function that words it.
        _ => unreachable!("a reason routed to the wrong sentence"),
    }
}

/// Inference by kanon's default rule.
fn inference_reason(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (Reason::NoSensitiveAttribute, _) => lang
            .tr(
                "no sensitive attribute was declared (--sensitive), so inference was not assessed",
                "er is geen gevoelig attribuut opgegeven (--sensitive), dus deduceerbaarheid is niet beoordeeld",
            )
            .into(),
        (Reason::Homogeneous { records }, Lang::En) => format!(
            "{records} records sit in classes where everyone shares the sensitive value, which membership reveals"
        ),
        (Reason::Homogeneous { records }, Lang::Nl) => format!(
            "{records} records zitten in groepen waarin iedereen dezelfde gevoelige waarde heeft: lidmaatschap van de groep verraadt die waarde"
        ),
        (
            Reason::NearHomogeneous {
                percent,
                threshold_percent,
            },
            Lang::En,
        ) => format!(
            "in some class one sensitive value has a share of {percent:.0}%, at or above the {threshold_percent:.0}% threshold"
        ),
        (
            Reason::NearHomogeneous {
                percent,
                threshold_percent,
            },
            Lang::Nl,
        ) => format!(
            "in een groep heeft één gevoelige waarde een aandeel van {percent:.0}%, op of boven de drempel van {threshold_percent:.0}%"
        ),
        (Reason::NoneNearHomogeneous { threshold_percent }, Lang::En) => format!(
            "no class has a sensitive value with a share of {threshold_percent:.0}% or more"
        ),
        (Reason::NoneNearHomogeneous { threshold_percent }, Lang::Nl) => format!(
            "geen groep heeft een gevoelige waarde met een aandeel van {threshold_percent:.0}% of meer"
        ),
        // `reason` routes each reason to the one function that words it.
        _ => unreachable!("a reason routed to the wrong sentence"),
    }
}

/// Linkability by kanon's default rule.
fn linkability_reason(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (Reason::NoAttackerTable, _) => lang
            .tr(
                "no attacker table was given (--aux), so linkage was not tested; records of a class of size k \
                 still link to that group with probability 1/k (WP216 Table 6)",
                "er is geen aanvallerstabel opgegeven (--aux), dus koppeling is niet getest; records in een groep \
                 van k records blijven met kans 1/k aan die groep koppelbaar (WP216 tabel 6)",
            )
            .into(),
        (Reason::Linkage { fails, risks }, _) => {
            let words = |v: &[LinkFinding]| -> Vec<String> {
                v.iter().map(|f| finding(f, lang)).collect()
            };
            if !fails.is_empty() {
                words(fails).join("; ")
            } else {
                words(risks).join("; ")
                    + lang.tr(
                        " (kanon's default, not a legal threshold)",
                        " (standaard van kanon, geen wettelijke norm)",
                    )
            }
        }
        (Reason::LinkagePass { reference_k }, Lang::En) => format!(
            "every linked attacker record matches at least {reference_k} released records (kanon's default reference k); they still link to their group"
        ),
        (Reason::LinkagePass { reference_k }, Lang::Nl) => format!(
            "elk gekoppeld record van de aanvaller past op minstens {reference_k} vrijgegeven records (de standaard referentie-k van kanon); ze blijven wel aan hun groep koppelbaar"
        ),
        // `reason` routes each reason to the one function that words it.
        _ => unreachable!("a reason routed to the wrong sentence"),
    }
}

fn which_name(which: Which, lang: Lang) -> &'static str {
    match which {
        Which::SinglingOut => lang.tr("singling-out", "herleidbaarheid"),
        Which::Linkability => lang.tr("linkability", "koppelbaarheid"),
        Which::Inference => lang.tr("inference", "deduceerbaarheid"),
    }
}

fn finding(f: &LinkFinding, lang: Lang) -> String {
    match (f, lang) {
        (
            LinkFinding::UniqueMatches {
                matches,
                attackers,
                percent,
            },
            Lang::En,
        ) => format!(
            "{matches} of {attackers} attacker records ({percent:.1}%) match exactly one released record"
        ),
        (
            LinkFinding::UniqueMatches {
                matches,
                attackers,
                percent,
            },
            Lang::Nl,
        ) => format!(
            "{matches} van de {attackers} records van de aanvaller ({}%) passen op precies één vrijgegeven record",
            lang.num(format!("{percent:.1}"))
        ),
        (
            LinkFinding::SmallMatches {
                smallest,
                reference_k,
            },
            Lang::En,
        ) => format!(
            "no attacker record matches one record alone, but some match only {smallest}, below the reference k of {reference_k}"
        ),
        (
            LinkFinding::SmallMatches {
                smallest,
                reference_k,
            },
            Lang::Nl,
        ) => format!(
            "geen record van de aanvaller past op één record alleen, maar sommige op slechts {smallest}, minder dan de referentie-k van {reference_k}"
        ),
        (LinkFinding::CompositionUniques { records }, Lang::En) => format!(
            "composing the two releases singles out {records} records (intersection classes of one)"
        ),
        (LinkFinding::CompositionUniques { records }, Lang::Nl) => format!(
            "het combineren van de twee uitgiften maakt {records} records herleidbaar (doorsneden van één record)"
        ),
        (LinkFinding::CompositionSmall { k, reference_k }, Lang::En) => format!(
            "composing the two releases leaves classes of {k} records, below the reference k of {reference_k}"
        ),
        (LinkFinding::CompositionSmall { k, reference_k }, Lang::Nl) => format!(
            "het combineren van de twee uitgiften laat groepen van {k} records over, minder dan de referentie-k van {reference_k}"
        ),
    }
}
