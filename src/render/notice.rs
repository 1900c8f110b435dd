//! The sentence of each notice ([`crate::notice::Notice`]), in English and
//! Dutch. Values of records never appear: a notice names columns, files and
//! counts only.

use super::lang::Lang;
use crate::measure::linkage::PrecisionBasis;
use crate::measure::population::{DankarRule, NoEstimate};
use crate::notice::Notice;

/// "1 record" / "2 records" and the Dutch equivalent.
fn plural(lang: Lang, n: u64, en: (&str, &str), nl: (&str, &str)) -> String {
    let (one, many) = match lang {
        Lang::En => en,
        Lang::Nl => nl,
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A detector's name in words (`email` → "e-mail addresses").
pub fn detector(lang: Lang, code: &str) -> String {
    let (en, nl) = match code {
        "email" => ("e-mail addresses", "e-mailadressen"),
        "iban" => (
            "IBANs (valid mod-97 check)",
            "IBAN's (geldige mod-97-controle)",
        ),
        "bsn" => (
            "Dutch citizen service numbers (valid 11-test)",
            "burgerservicenummers (geldige elfproef)",
        ),
        "dutch_postcode" => ("Dutch postcodes (1234 AB)", "postcodes (1234 AB)"),
        "phone" => ("phone numbers", "telefoonnummers"),
        "hex_hash" => (
            "hex strings of 32/40/64 digits (MD5/SHA-1/SHA-256 hashes)",
            "hexadecimale reeksen van 32/40/64 tekens (MD5/SHA-1/SHA-256-hashes)",
        ),
        "uuid" => ("UUIDs", "UUID's"),
        "base64_token" => ("base64 tokens", "base64-tokens"),
        "date_of_birth" => (
            "a date of birth (by name and values)",
            "een geboortedatum (naam en waarden)",
        ),
        "unique_per_row" => (
            "a value of its own for almost every record",
            "een eigen waarde voor bijna elk record",
        ),
        other => return other.to_string(),
    };
    lang.tr(en, nl).to_string()
}

fn detected(lang: Lang, d: &Option<String>) -> String {
    d.as_deref()
        .map(|d| format!(" ({})", detector(lang, d)))
        .unwrap_or_default()
}

/// The sentence of one notice.
pub fn say(lang: Lang, n: &Notice) -> String {
    let nl = lang == Lang::Nl;
    match n {
        Notice::FileNotRead { file } => {
            if nl {
                format!("{file}: niet gelezen (geen .csv, .tsv, .txt, .parquet, .arrow, .ipc, .feather, .ndjson of .jsonl, ook niet gezipt)")
            } else {
                format!("{file}: not read (not a .csv, .tsv, .txt, .parquet, .arrow, .ipc, .feather, .ndjson or .jsonl file, nor one of those gzipped)")
            }
        }
        Notice::MultilineRecords {
            file,
            records,
            first_line,
        } => {
            let r = plural(lang, *records, ("record", "records"), ("record", "records"));
            let verb = if *records == 1 { "holds" } else { "hold" };
            if nl {
                format!("{file}: {r} met een regelovergang binnen een veld tussen aanhalingstekens (de eerste op regel {first_line}); als dat niet de bedoeling is, heeft een aanhalingsteken aan het begin van een veld regels samengevoegd")
            } else {
                format!("{file}: {r} {verb} a line break inside a quoted field (the first on line {first_line}); if that is not intended, a quote at the start of a field has joined lines")
            }
        }
        Notice::PopulationRaised {
            classes,
            population,
        } => {
            if nl {
                format!("{classes} klassen zijn in de populatietabel {population} kleiner dan in de steekproef; hun populatiegrootte is verhoogd tot de steekproefgrootte (is de steekproef eruit getrokken?)")
            } else {
                format!("{classes} classes are smaller in the population table {population} than in the sample; their population size was raised to the sample size (is the sample drawn from it?)")
            }
        }
        Notice::WeightsRaised { classes } => {
            if nl {
                format!("in {classes} klassen tellen de gewichten op tot minder dan het aantal records; hun populatiegrootte is verhoogd tot de steekproefgrootte")
            } else {
                format!("in {classes} classes the weights sum to less than the number of records; their population size was raised to the sample size")
            }
        }
        Notice::QiMissing {
            column,
            missing,
            tokens,
            treated_as,
        } => qi_missing(lang, column, *missing, tokens, treated_as),
        Notice::NotProfiledStdin { columns } => {
            if nl {
                format!("{columns} andere kolommen zijn niet op identificatoren onderzocht (standaardinvoer wordt één keer gelezen)")
            } else {
                format!("{columns} other columns were not profiled for identifiers (standard input is read once)")
            }
        }
        Notice::NotProfiledStreaming => lang
            .tr(
                "other columns were not profiled for identifiers (the streaming reader reads the named columns only; run kanon profile on one file)",
                "andere kolommen zijn niet op identificatoren onderzocht (de stroomsgewijze lezer leest alleen de genoemde kolommen; draai kanon profile op één bestand)",
            )
            .to_string(),
        Notice::NotProfiledType { column, kind } => {
            if nl {
                format!("kolom '{column}' is niet onderzocht: waarden van type {kind} zijn niet als waarden te lezen")
            } else {
                format!("column '{column}' was not profiled: values of type {kind} cannot be read as values")
            }
        }
        Notice::DirectIdentifier {
            column,
            detector,
            continuous,
        } => {
            let mut d = detected(lang, detector);
            if *continuous {
                d.push_str(lang.tr(
                    " (continuous values: band or round them)",
                    " (doorlopende waarden: deel ze in klassen of rond ze af)",
                ));
            }
            if nl {
                format!("kolom '{column}' lijkt een directe identificator{d}: verwijder hem vóór publicatie")
            } else {
                format!("column '{column}' looks like a direct identifier{d}: remove it before release")
            }
        }
        Notice::Pseudonym { column, detector } => {
            let d = detected(lang, detector);
            if nl {
                format!("kolom '{column}' lijkt een pseudoniem of hash{d}; gepseudonimiseerde gegevens zijn niet anoniem (WP216 §4)")
            } else {
                format!("column '{column}' looks like a pseudonym or hash{d}; pseudonymised data is not anonymous (WP216 §4)")
            }
        }
        Notice::UndeclaredCandidates { columns } => {
            let c = columns.join(", ");
            if nl {
                format!("niet opgegeven kolommen die een aanvaller kan kennen: {c} — quasi-identificatoren weglaten blaast k op (WP216, fout 1); geef ze op met --qi als ze dat zijn")
            } else {
                format!("columns not declared that an attacker may know: {c} — leaving quasi-identifiers out inflates k (WP216 mistake 1); declare them with --qi if they are")
            }
        }
        Notice::AttackerValuesUnmatched {
            column,
            unmatched,
            distinct,
        } => {
            if nl {
                format!("{unmatched} van {distinct} verschillende waarden van '{column}' in de tabel van de aanvaller komen met geen gepubliceerde waarde overeen (een waarde die de publicatie wegliet, of een label dat kanon niet kan lezen: geef --hierarchy {column}=BESTAND)")
            } else {
                format!("{unmatched} of {distinct} distinct values of '{column}' in the attacker table match no released value (a value the release dropped, or a label kanon cannot read: give --hierarchy {column}=FILE)")
            }
        }
        Notice::PairedByRowPosition => lang
            .tr(
                "the releases were paired by row position (same extract, same row order assumed); give --release-id and --previous-id to pair them by id",
                "de publicaties zijn op rijpositie gekoppeld (zelfde extract en rijvolgorde aangenomen); geef --release-id en --previous-id om op id te koppelen",
            )
            .to_string(),
        Notice::BaselineQisDiffer { baseline, now } => {
            let (b, c) = (baseline.join(", "), now.join(", "));
            if nl {
                format!("de quasi-identificatoren verschillen (basislijn: {b}; nu: {c}): de kengetallen zijn toch vergeleken")
            } else {
                format!("the quasi-identifiers differ (baseline: {b}; now: {c}): figures are compared all the same")
            }
        }
        Notice::BaselineSchemaDiffers => lang
            .tr(
                "the baseline was written with another JSON schema version",
                "de basislijn is met een andere versie van het JSON-schema geschreven",
            )
            .to_string(),
    }
}

fn qi_missing(lang: Lang, column: &str, missing: u64, tokens: &[String], how: &str) -> String {
    let nl = lang == Lang::Nl;
    let extra = if tokens.is_empty() {
        String::new()
    } else {
        format!(" {} {}", lang.tr("or", "of"), tokens.join(", "))
    };
    let treated = match (how, nl) {
        ("wildcard", false) => "they match every value (wildcards) in every frequency and risk figure",
        ("wildcard", true) => "ze passen bij elke waarde (jokers) in elk frequentie- en risicogetal",
        ("both", false) => "the figures treat them as one value of their own; the targets are checked on the worse of that and wildcards",
        ("both", true) => "de kengetallen behandelen ze als een eigen waarde; de normen worden getoetst op het slechtste van dat en jokers",
        (_, false) => "they are treated as one value of their own",
        (_, true) => "ze worden als een eigen waarde behandeld",
    };
    if nl {
        format!("quasi-identificator '{column}' heeft {missing} ontbrekende waarden (leeg, null{extra}); {treated}")
    } else {
        format!("quasi-identifier '{column}' has {missing} missing values (empty, null{extra}); {treated}")
    }
}

/// Why a population-uniqueness estimator has no estimate.
pub fn no_estimate(lang: Lang, why: &NoEstimate) -> String {
    let nl = lang == Lang::Nl;
    match why {
        NoEstimate::PopulationSmallerThanSample => lang
            .tr("population smaller than the sample", "populatie kleiner dan de steekproef")
            .into(),
        NoEstimate::ClassesTooLarge => lang
            .tr(
                "every class is too large for the hypergeometric model",
                "elke klasse is te groot voor het hypergeometrische model",
            )
            .into(),
        NoEstimate::OutsideRange { model, value } => {
            if nl {
                format!("het {model}-model geeft {value}, buiten [0, N]")
            } else {
                format!("the {model} model gives {value}, outside [0, N]")
            }
        }
        NoEstimate::FewerThanTwoClasses => lang
            .tr("fewer than two classes", "minder dan twee klassen")
            .into(),
        NoEstimate::PitmanAlphaNotPositive { slope } => {
            if nl {
                format!("het Pitman-model is niet van toepassing: de aannemelijkheid is het grootst bij α ≤ 0 (∂ℓ/∂α = {slope:.4} bij α = 0), dus minder unieken in de steekproef dan een partitie van een onbegrensde populatie geeft; de schatter vraagt 0 < α < 1")
            } else {
                format!("the Pitman model does not apply: its likelihood is largest at α ≤ 0 (∂ℓ/∂α = {slope:.4} at α = 0), i.e. fewer sample uniques than a partition of an unbounded population gives; the estimator needs 0 < α < 1")
            }
        }
        NoEstimate::PitmanNoSolution => lang
            .tr(
                "the Pitman likelihood equations have no solution with 0 < α < 1 (Newton did not converge)",
                "de aannemelijkheidsvergelijkingen van Pitman hebben geen oplossing met 0 < α < 1 (Newton convergeerde niet)",
            )
            .into(),
        NoEstimate::NoClassesOfSizeTwo => lang
            .tr(
                "no classes of size 2: the SNB equations have no solution",
                "geen klassen van grootte 2: de SNB-vergelijkingen hebben geen oplossing",
            )
            .into(),
        NoEstimate::Census => lang
            .tr(
                "a census (π = 1) needs no population model",
                "een volledige telling (π = 1) heeft geen populatiemodel nodig",
            )
            .into(),
        NoEstimate::SnbNoConvergence => lang
            .tr(
                "the SNB equations did not converge",
                "de SNB-vergelijkingen convergeerden niet",
            )
            .into(),
    }
}

/// The branch of Dankar's rule, with the sampling fraction π.
pub fn dankar_rule(lang: Lang, rule: DankarRule, pi: f64) -> String {
    let nl = lang == Lang::Nl;
    let pi = match lang {
        Lang::En => format!("{pi:.4}"),
        Lang::Nl => format!("{pi:.4}").replace('.', ","),
    };
    match (rule, nl) {
        (DankarRule::NoSampleUniques, false) => {
            "no sample uniques, so no population uniques".into()
        }
        (DankarRule::NoSampleUniques, true) => {
            "geen unieken in de steekproef, dus geen unieken in de populatie".into()
        }
        (DankarRule::SmallFractionPitman, false) => format!("sampling fraction {pi} ≤ 0.1: Pitman"),
        (DankarRule::SmallFractionPitman, true) => format!("steekproeffractie {pi} ≤ 0,1: Pitman"),
        (DankarRule::SmallFractionZayatz, false) => {
            format!("sampling fraction {pi} ≤ 0.1 but Pitman has no valid estimate: Zayatz")
        }
        (DankarRule::SmallFractionZayatz, true) => {
            format!("steekproeffractie {pi} ≤ 0,1 maar Pitman geeft geen geldige schatting: Zayatz")
        }
        (DankarRule::LargeFractionSmaller, false) => {
            format!("sampling fraction {pi} > 0.1: the smaller of Zayatz and SNB")
        }
        (DankarRule::LargeFractionSmaller, true) => {
            format!("steekproeffractie {pi} > 0,1: de kleinste van Zayatz en SNB")
        }
        (DankarRule::LargeFractionZayatz, false) => {
            format!("sampling fraction {pi} > 0.1 and SNB has no valid estimate: Zayatz")
        }
        (DankarRule::LargeFractionZayatz, true) => {
            format!("steekproeffractie {pi} > 0,1 en SNB geeft geen geldige schatting: Zayatz")
        }
    }
}

/// Where population figures come from (`sample`, `weights`,
/// `population_table`, `population_size`, `sampling_fraction`).
pub fn source(lang: Lang, code: &str) -> String {
    let (en, nl) = match code {
        "sample" => ("the sample itself", "de steekproef zelf"),
        "weights" => ("sampling weights", "steekproefgewichten"),
        "population_table" => ("a population table", "een populatietabel"),
        "population_size" => ("the given population size", "de opgegeven populatiegrootte"),
        "sampling_fraction" => ("the sampling fraction", "de steekproeffractie"),
        other => return other.replace('_', " "),
    };
    lang.tr(en, nl).into()
}

/// How journalist risk's population class sizes were found.
pub fn journalist_basis(lang: Lang, basis: &str) -> String {
    let (en, nl) = match basis {
        "population_table" => (
            "population class sizes counted in the population table",
            "populatieklassen geteld in de populatietabel",
        ),
        "weights" => (
            "population class sizes estimated as the sum of sampling weights",
            "populatieklassen geschat als de som van de steekproefgewichten",
        ),
        _ => (
            "no weights or population table given: the sample is taken as the population, so journalist risk equals prosecutor risk",
            "geen gewichten of populatietabel opgegeven: de steekproef geldt als populatie, dus het journalistrisico is gelijk aan het aanklagersrisico",
        ),
    };
    lang.tr(en, nl).into()
}

/// Why a column got its role in the profile.
pub fn role_reason(lang: Lang, c: &crate::measure::profile::ColumnProfile) -> String {
    use crate::measure::profile::RoleReason as R;
    let nl = lang == Lang::Nl;
    let share = c.uniqueness * 100.0;
    let what = || detector(lang, c.detector.as_deref().unwrap_or(""));
    match (c.reason, nl) {
        (R::LooksLike, false) => format!("values look like {}", what()),
        (R::LooksLike, true) => format!("waarden lijken op {}", what()),
        (R::DateOfBirth, _) => what(),
        (R::UniquePerRow, false) => format!("{share:.0}% of records have a value of their own"),
        (R::UniquePerRow, true) => format!("{share:.0}% van de records heeft een eigen waarde"),
        (R::UniqueContinuous, false) => format!(
            "{share:.0}% of records have a value of their own (continuous values: band or round them)"
        ),
        (R::UniqueContinuous, true) => format!(
            "{share:.0}% van de records heeft een eigen waarde (doorlopende waarden: deel ze in klassen of rond ze af)"
        ),
        (R::SensitiveName, false) => {
            "the name suggests a special category or sensitive value".into()
        }
        (R::SensitiveName, true) => {
            "de naam wijst op een bijzondere categorie of gevoelige waarde".into()
        }
        (R::SeveralValues, false) => format!(
            "{} distinct values: combined with others it can single people out",
            c.distinct
        ),
        (R::SeveralValues, true) => format!(
            "{} verschillende waarden: samen met andere kan dit personen herkenbaar maken",
            c.distinct
        ),
        (R::Constant, _) => lang.tr("constant", "constant").into(),
        (R::NoPattern, _) => lang.tr("no pattern found", "geen patroon gevonden").into(),
    }
}

/// How the precision of unique matches (L5) was found, or why not.
pub fn precision_basis(lang: Lang, b: &PrecisionBasis) -> String {
    match b {
        PrecisionBasis::GroundTruth => lang
            .tr("counted against ground-truth ids", "geteld met de echte ids")
            .into(),
        PrecisionBasis::NoUniqueMatches => lang
            .tr("no unique matches", "geen unieke overeenkomsten")
            .into(),
        PrecisionBasis::DisTheta { pi, n1, n2 } => format!(
            "θ = π·n1/(π·n1 + 2(1−π)·n2), π = {pi}, n1 = {n1}, n2 = {n2} {}",
            lang.tr("on the linked columns", "op de gekoppelde kolommen")
        ),
        PrecisionBasis::NoSampleUniques => lang
            .tr(
                "the release has no sample uniques on the linked columns",
                "de publicatie heeft geen unieken op de gekoppelde kolommen",
            )
            .into(),
        PrecisionBasis::NeedsTruthOrFraction => lang
            .tr(
                "needs ground-truth ids (--release-id, --aux-id) or a sampling fraction (--population-size, --sampling-fraction)",
                "vraagt echte ids (--release-id, --aux-id) of een steekproeffractie (--population-size, --sampling-fraction)",
            )
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_differently_in_dutch() {
        let all = [
            Notice::FileNotRead { file: "f".into() },
            Notice::MultilineRecords {
                file: "f".into(),
                records: 1,
                first_line: 3,
            },
            Notice::PopulationRaised {
                classes: 2,
                population: "p.csv".into(),
            },
            Notice::WeightsRaised { classes: 2 },
            Notice::QiMissing {
                column: "age".into(),
                missing: 4,
                tokens: vec!["?".into()],
                treated_as: "both".into(),
            },
            Notice::NotProfiledStdin { columns: 3 },
            Notice::NotProfiledStreaming,
            Notice::NotProfiledType {
                column: "c".into(),
                kind: "list".into(),
            },
            Notice::DirectIdentifier {
                column: "mail".into(),
                detector: Some("email".into()),
                continuous: false,
            },
            Notice::Pseudonym {
                column: "id".into(),
                detector: Some("uuid".into()),
            },
            Notice::UndeclaredCandidates {
                columns: vec!["zip".into()],
            },
            Notice::AttackerValuesUnmatched {
                column: "age".into(),
                unmatched: 1,
                distinct: 9,
            },
            Notice::PairedByRowPosition,
            Notice::BaselineQisDiffer {
                baseline: vec!["a".into()],
                now: vec!["b".into()],
            },
            Notice::BaselineSchemaDiffers,
        ];
        for n in &all {
            let (en, nl) = (say(Lang::En, n), say(Lang::Nl, n));
            assert_ne!(en, nl, "{n:?}");
            assert!(!en.is_empty() && !nl.is_empty());
        }
        let m = say(Lang::En, &all[1]);
        assert_eq!(m, "f: 1 record holds a line break inside a quoted field (the first on line 3); if that is not intended, a quote at the start of a field has joined lines");
        assert!(say(Lang::En, &all[4]).contains("(empty, null or ?)"));
        assert!(say(Lang::Nl, &all[8]).contains("(e-mailadressen)"));
    }
}
