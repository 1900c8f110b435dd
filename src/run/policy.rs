//! Policy files (`kanon.toml`): everything a CI job checks an extract
//! against, in one reviewed file — inputs, columns, hierarchies, population,
//! targets, the attacker table, report outputs and the baseline. `kanon
//! check --config kanon.toml` runs it; command-line flags override it.
//! `kanon init FILE` writes a starting policy from `kanon profile`'s
//! guesses. Relative paths in a policy are relative to the policy file.
//!
//! WP216 sets no thresholds: the targets in a policy are the organisation's
//! choice, and the example policies in docs/policies/ say so.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::choice::Choice;
use crate::error::{Error, Result};
use crate::gate::targets::Targets;
use crate::input::{Format, ReadOptions};
use crate::render::lang::Lang;
use crate::run::analyse::{Config, InferenceConfig, SudaConfig};
use crate::run::link::{AuxSpec, LinkTargets};

/// A policy file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub input: InputPolicy,
    pub columns: ColumnsPolicy,
    #[serde(default)]
    pub hierarchies: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub population: PopulationPolicy,
    #[serde(default)]
    pub targets: TargetsPolicy,
    pub linkage: Option<LinkagePolicy>,
    #[serde(default)]
    pub report: ReportPolicy,
    pub baseline: Option<BaselinePolicy>,
    #[serde(default)]
    pub options: OptionsPolicy,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputPolicy {
    /// Files, directories or patterns, read as one table.
    pub files: Vec<String>,
    pub format: Option<String>,
    pub delimiter: Option<String>,
    #[serde(default)]
    pub missing: Vec<String>,
    pub count: Option<String>,
    pub weight: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnsPolicy {
    pub quasi_identifiers: Vec<String>,
    #[serde(default)]
    pub sensitive: Vec<String>,
    pub person_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationPolicy {
    pub size: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub sampling_fraction: Option<f64>,
    /// A population table with the same quasi-identifiers.
    pub table: Option<String>,
}

/// A share in the policy file: a number (`0.2`) or a percentage in a
/// string (`"20%"`), read by the one rule of `gate::targets::share`.
fn share<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Share {
        Number(f64),
        Text(String),
    }
    let text = match Share::deserialize(d)? {
        Share::Number(x) => x.to_string(),
        Share::Text(t) => t,
    };
    crate::gate::targets::share(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsPolicy {
    pub k: Option<u64>,
    #[serde(default, deserialize_with = "share")]
    pub max_risk: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_average_risk: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_records_at_risk: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_uniques: Option<f64>,
    pub l: Option<f64>,
    pub l_kind: Option<String>,
    pub c: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub t: Option<f64>,
    pub delta: Option<f64>,
    pub delta_variant: Option<String>,
    pub beta: Option<f64>,
    pub beta_kind: Option<String>,
    #[serde(default, deserialize_with = "share")]
    pub alpha: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_population_uniqueness: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_global_risk: Option<f64>,
    pub max_suda_score: Option<f64>,
    pub k_map: Option<u64>,
    pub k_map_estimator: Option<String>,
    pub significance: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub presence_min: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub presence_max: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_unique_match_rate: Option<f64>,
    #[serde(default, deserialize_with = "share")]
    pub max_link_risk: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkagePolicy {
    pub aux: String,
    #[serde(default)]
    pub on: Vec<String>,
    pub release_id: Option<String>,
    pub aux_id: Option<String>,
    /// The attacker table's column of record counts (a frequency table).
    pub count: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportPolicy {
    pub html: Option<String>,
    pub markdown: Option<String>,
    pub pdf: Option<String>,
    pub json: Option<String>,
    /// Why the data are checked, printed at the head of the reports.
    pub purpose: Option<String>,
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselinePolicy {
    pub file: String,
    #[serde(default)]
    pub fail_on_regression: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionsPolicy {
    #[serde(default, deserialize_with = "share")]
    pub risk_threshold: Option<f64>,
    pub missing_as: Option<String>,
    pub stream: Option<bool>,
    pub batch_mb: Option<usize>,
    pub suda: Option<bool>,
    pub suda_max: Option<usize>,
    pub subsets: Option<usize>,
    #[serde(default, deserialize_with = "share")]
    pub homogeneity_threshold: Option<f64>,
    pub profile: Option<bool>,
    /// Attribute contribution (default true).
    pub contribution: Option<bool>,
}

/// A policy resolved into what `kanon check` runs.
#[derive(Debug, Clone)]
pub struct Check {
    pub config: Config,
    /// The auditor's reports to write, each in the format of its extension
    /// (`render::document::DocFormat`).
    pub reports: Vec<String>,
    /// Why the analysis is made, at the head of the reports.
    pub purpose: Option<String>,
    pub json: Option<String>,
    pub baseline: Option<(String, bool)>,
}

impl Check {
    /// The files the check writes, each with the option that names it.
    pub fn outputs(&self) -> Vec<(&'static str, &str)> {
        let mut o: Vec<(&'static str, &str)> = Vec::new();
        o.extend(self.reports.iter().map(|p| ("--report", p.as_str())));
        o.extend(self.json.as_deref().map(|p| ("the JSON output", p)));
        o
    }
}

/// A named setting of the policy file, its default when absent; an
/// unknown name is an error naming the file and key.
fn choice<T: Choice + Default>(file: &str, key: &str, value: &Option<String>) -> Result<T> {
    match value {
        None => Ok(T::default()),
        Some(v) => T::parse(v).map_err(|_| {
            Error::file(
                file,
                format!("{key} = '{v}': expected one of {}", T::names().join(", ")),
            )
        }),
    }
}

impl Policy {
    /// Read and parse a policy file.
    pub fn read(path: &str) -> Result<Policy> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::file(path, "no such policy file"),
            _ => Error::file(path, format!("cannot read the policy: {e}")),
        })?;
        Policy::parse(path, &text)
    }

    /// Parse policy text; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Policy> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
            let msg = e.message().to_string();
            match line {
                Some(l) => {
                    Error::cell(source, None, l, format!("invalid policy (line {l}): {msg}"))
                }
                None => Error::file(source, format!("invalid policy: {msg}")),
            }
        })
    }

    /// Resolve against the folder of the policy file.
    pub fn resolve(&self, source: &str) -> Result<Check> {
        let base: PathBuf = Path::new(source)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let rel = |p: &str| -> String {
            let path = Path::new(p);
            if path.is_absolute() || p == "-" {
                p.to_string()
            } else {
                base.join(path).to_string_lossy().into_owned()
            }
        };
        if self.input.files.is_empty() {
            return Err(Error::file(
                source,
                "[input] files is empty: name at least one input",
            ));
        }
        let files: Vec<String> = self.input.files.iter().map(|f| rel(f)).collect();
        let t = &self.targets;
        let o = &self.options;
        // Every default is Config's own.
        let defaults = Config::default();
        let read = self.read_options()?;
        let lang = match &self.report.lang {
            Some(l) => Lang::parse(l)?,
            None => Lang::En,
        };
        let config = Config {
            input: files[0].clone(),
            more_inputs: files[1..].to_vec(),
            stream: o.stream.unwrap_or(defaults.stream),
            batch_bytes: match o.batch_mb {
                Some(mb) => crate::input::stream::batch_bytes(mb)?,
                None => defaults.batch_bytes,
            },
            read,
            qis: self.columns.quasi_identifiers.clone(),
            sensitive: self.columns.sensitive.clone(),
            missing_tokens: self.input.missing.clone(),
            weight: self.input.weight.clone(),
            count: self.input.count.clone(),
            population: self.population.table.as_deref().map(rel),
            population_frame: None,
            risk_threshold: o.risk_threshold.unwrap_or(defaults.risk_threshold),
            targets: self.targets(source)?,
            inference: InferenceConfig {
                c: t.c.unwrap_or(defaults.inference.c),
                homogeneity_threshold: o
                    .homogeneity_threshold
                    .unwrap_or(defaults.inference.homogeneity_threshold),
                hierarchies: self
                    .hierarchies
                    .iter()
                    .map(|(a, f)| (a.clone(), rel(f)))
                    .collect(),
                ..defaults.inference.clone()
            },
            population_size: self.population.size,
            sampling_fraction: self.population.sampling_fraction,
            suda: self.suda(),
            subsets: o.subsets,
            person_id: self.columns.person_id.clone(),
            missing_as: choice(source, "missing_as", &o.missing_as)?,
            profile_undeclared: o.profile.unwrap_or(true),
            no_contribution: !o.contribution.unwrap_or(true),
            aux: self.linkage.as_ref().map(|l| AuxSpec {
                path: rel(&l.aux),
                ..self.aux_spec(l)
            }),
            link_targets: LinkTargets {
                max_unique_match_rate: t.max_unique_match_rate,
                max_link_risk: t.max_link_risk,
                k_intersection: None,
            },
            lang,
            show_values: false,
            row_classes: false,
        };
        Ok(Check {
            config,
            reports: [&self.report.html, &self.report.markdown, &self.report.pdf]
                .into_iter()
                .flatten()
                .map(|p| rel(p))
                .collect(),
            purpose: self.report.purpose.clone(),
            json: self.report.json.as_deref().map(rel),
            baseline: self
                .baseline
                .as_ref()
                .map(|b| (rel(&b.file), b.fail_on_regression)),
        })
    }
}

impl Policy {
    /// SUDA2, when `[options]` asks for it.
    fn suda(&self) -> Option<SudaConfig> {
        let o = &self.options;
        (o.suda.unwrap_or(false) || o.suda_max.is_some()).then_some(SudaConfig {
            max_size: o.suda_max,
            ..SudaConfig::default()
        })
    }

    /// The `[input]` table's format and delimiter.
    fn read_options(&self) -> Result<ReadOptions> {
        Ok(ReadOptions {
            format: self
                .input
                .format
                .as_deref()
                .map(Format::parse)
                .transpose()?,
            delimiter: self
                .input
                .delimiter
                .as_deref()
                .map(crate::input::parse_delimiter)
                .transpose()?,
        })
    }

    /// The attacker table of `[linkage]` (its path resolved by the caller).
    fn aux_spec(&self, l: &LinkagePolicy) -> AuxSpec {
        AuxSpec {
            path: l.aux.clone(),
            on: l.on.clone(),
            release_id: l.release_id.clone(),
            aux_id: l.aux_id.clone(),
            hierarchies: Vec::new(),
            sampling_fraction: None,
            count: l.count.clone(),
        }
    }

    /// The `[targets]` table, its choices checked against their names.
    fn targets(&self, source: &str) -> Result<Targets> {
        let t = &self.targets;
        Ok(Targets {
            k: t.k,
            max_risk: t.max_risk,
            max_average_risk: t.max_average_risk,
            max_records_at_risk: t.max_records_at_risk,
            max_uniques: t.max_uniques,
            l: t.l,
            l_kind: choice(source, "l_kind", &t.l_kind)?,
            t: t.t,
            delta: t.delta,
            delta_variant: choice(source, "delta_variant", &t.delta_variant)?,
            beta: t.beta,
            beta_kind: choice(source, "beta_kind", &t.beta_kind)?,
            alpha: t.alpha,
            max_population_uniqueness: t.max_population_uniqueness,
            max_global_risk: t.max_global_risk,
            max_suda_score: t.max_suda_score,
            k_map: t.k_map,
            k_map_estimator: choice(source, "k_map_estimator", &t.k_map_estimator)?,
            significance: t.significance.unwrap_or(crate::gate::targets::SIGNIFICANCE),
            presence_min: t.presence_min,
            presence_max: t.presence_max,
        })
    }
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `input` as the policy at `policy` should name it: relative to the
/// policy's folder when inside it, else absolute.
pub fn path_for_policy(policy: &str, input: &str) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).ok();
    let folder = Path::new(policy)
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(abs);
    match (abs(Path::new(input)), folder) {
        (Some(i), Some(f)) => i
            .strip_prefix(&f)
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_else(|_| i.to_string_lossy().into_owned()),
        _ => input.to_string(),
    }
}

/// A starting policy for `input` from the profile's guesses.
pub fn starting_policy(input: &str, profile: &crate::report::Profile) -> String {
    use crate::measure::profile::Role;
    let of = |role: Role| -> Vec<String> {
        profile
            .columns
            .iter()
            .filter(|c| c.role == role)
            .map(|c| c.name.clone())
            .collect()
    };
    let (qis, sensitive) = (
        of(Role::QuasiIdentifierCandidate),
        of(Role::SensitiveCandidate),
    );
    let mut o = String::new();
    o.push_str(&format!(
        "# kanon policy for {input}, written by `kanon init` from the column profile.\n\
         # Review every line: the roles below are guesses, and the targets are EXAMPLES —\n\
         # WP216 sets no thresholds; choose them for this release and its recipients.\n\
         # Run: kanon check --config THIS_FILE   (exit 0 pass, 1 a target missed, 2 error)\n\n"
    ));
    o.push_str(&format!("[input]\nfiles = [{}]\n", toml_string(input)));
    o.push_str("# missing = [\"?\", \"NA\"]\n# count = \"n\"        # a frequency table\n# weight = \"w\"       # survey weights\n\n");
    o.push_str("[columns]\n");
    o.push_str(&format!(
        "# Facts an attacker may know about a person (guessed: review; leaving one out inflates k)\nquasi_identifiers = {}\n",
        toml_list(&qis)
    ));
    o.push_str(&format!("sensitive = {}\n", toml_list(&sensitive)));
    for c in &profile.columns {
        match c.role {
            Role::DirectIdentifier => o.push_str(&format!(
                "# column {} looks like a direct identifier (detector: {}): remove it before release\n",
                toml_string(&c.name),
                c.detector.as_deref().unwrap_or("-")
            )),
            Role::Pseudonym => o.push_str(&format!(
                "# column {} looks like a pseudonym or hash (detector: {}): pseudonymised data is not anonymous (WP216 §4)\n",
                toml_string(&c.name),
                c.detector.as_deref().unwrap_or("-")
            )),
            _ => {}
        }
    }
    o.push_str(
        "\n[population]\n# size = 17900000          # people the extract is drawn from (population uniqueness)\n\n\
         [targets]   # EXAMPLES, not legal thresholds\nk = 5\nmax_records_at_risk = 0.0\n",
    );
    if !sensitive.is_empty() {
        o.push_str("l = 2\n# t = 0.3\n");
    }
    o.push_str(
        "# max_population_uniqueness = 0.0001\n\n\
         # [linkage]\n# aux = \"register.csv\"     # an attacker's table\n\n\
         [report]\nhtml = \"kanon-report.html\"\npdf = \"kanon-report.pdf\"\njson = \"kanon-report.json\"\nlang = \"en\"\n\n\
         # [baseline]\n# file = \"previous/kanon-report.json\"\n# fail_on_regression = true\n",
    );
    o
}

/// The day a report is made, YYYY-MM-DD in UTC; SOURCE_DATE_EPOCH (the
/// reproducible-builds convention, seconds since 1970) fixes it, so a
/// report can be made again byte for byte.
pub fn report_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil_date(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01, by
/// counting 400-year eras of 146,097 days with years starting in March
/// (so the leap day ends a year): Hinnant, "chrono-compatible low-level
/// date algorithms" (2013).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// What a finished check produced.
pub struct Outcome {
    pub analysis: crate::run::analyse::Analysis,
    /// 0 every target met (and no gating regression), 1 otherwise.
    pub code: u8,
}

/// Run a check: analyse, compare with the baseline, write the report
/// files (each whole or not at all). `command` is recorded in reports.
pub fn execute(
    check: &Check,
    command: &str,
    progress: &dyn crate::progress::Progress,
) -> Result<Outcome> {
    // A report's format comes from its extension: refused before the work.
    let formats = check
        .reports
        .iter()
        .map(|p| Ok((crate::render::document::DocFormat::from_path(p)?, p)))
        .collect::<Result<Vec<_>>>()?;
    let mut analysis = crate::run::analyse::analyse(&check.config, progress)?;
    if let Some((path, gating)) = &check.baseline {
        let current: serde_json::Value = serde_json::from_str(&analysis.report.to_json())
            .map_err(|e| Error::usage(format!("internal: report JSON: {e}")))?;
        let info = crate::gate::baseline::against(path, &current, *gating)?;
        analysis.report.baseline = Some(info);
    }
    let report = &analysis.report;
    if !formats.is_empty() {
        let meta = crate::render::document::Meta {
            lang: check.config.lang,
            command: command.to_string(),
            parameters: check.config.parameters(),
            purpose: check.purpose.clone(),
            date: report_date(),
        };
        for (format, path) in formats {
            progress.stage(&format!("writing the report {path}"));
            let doc = crate::render::document::render(format, report, &meta)
                .map_err(|e| Error::output(path, format!("internal: {e}")))?;
            crate::output::write_atomic(path, |w| {
                std::io::Write::write_all(w, &doc).map_err(|e| e.to_string())
            })?;
        }
    }
    if let Some(path) = &check.json {
        let json = report.to_json();
        crate::output::write_atomic(path, |w| {
            std::io::Write::write_all(w, json.as_bytes()).map_err(|e| e.to_string())
        })?;
    }
    let regressed = report
        .baseline
        .as_ref()
        .is_some_and(|b| b.regressed && b.gating);
    let code = if report.targets_met && !regressed {
        0
    } else {
        1
    };
    Ok(Outcome { analysis, code })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::targets::{BetaKind, DeltaVariant, LKind};
    use crate::run::analyse::MissingAs;

    #[test]
    fn a_policy_resolves_relative_to_its_folder() {
        let p = Policy::parse(
            "conf/kanon.toml",
            "[input]\nfiles = [\"data/x.csv\", \"/abs/y.csv\"]\n[columns]\nquasi_identifiers = [\"a\", \"b\"]\n\
             [targets]\nk = 5\nl_kind = \"entropy\"\n[report]\nhtml = \"out/r.html\"\nlang = \"nl\"\n\
             [baseline]\nfile = \"prev.json\"\nfail_on_regression = true\n",
        )
        .unwrap();
        let c = p.resolve("conf/kanon.toml").unwrap();
        assert_eq!(c.config.input, "conf/data/x.csv");
        assert_eq!(c.config.more_inputs, vec!["/abs/y.csv"]);
        assert_eq!(c.config.targets.k, Some(5));
        assert_eq!(c.config.targets.l_kind, LKind::Entropy);
        assert_eq!(c.config.lang, Lang::Nl);
        assert_eq!(c.reports, ["conf/out/r.html"]);
        // Dates: the epoch, a leap day, the day after a century non-leap year.
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(-25_508), (1900, 3, 1));
        assert_eq!(civil_date(20_790), (2026, 12, 3));
        assert_eq!(c.baseline, Some(("conf/prev.json".into(), true)));
    }

    #[test]
    fn mistakes_name_the_line() {
        let e = Policy::parse(
            "k.toml",
            "[input]\nfiles = [\"x\"]\n[columns]\nquasi_identifiers = [\"a\"]\n[targets]\nkk = 5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("k.toml") && e.contains("line 6") && e.contains("kk"),
            "{e}"
        );
        let p = Policy::parse("k.toml", "[input]\nfiles = [\"x\"]\n[columns]\nquasi_identifiers = [\"a\"]\n[targets]\nl_kind = \"x\"\n").unwrap();
        assert!(p
            .resolve("k.toml")
            .unwrap_err()
            .to_string()
            .contains("l_kind"));
    }

    /// The policy reads its named settings through the same names as the
    /// command line (crate::choice): each name gives its value.
    #[test]
    fn named_settings_take_the_library_names() {
        let resolve = |targets: &str, options: &str| {
            let text = format!(
                "[input]\nfiles = [\"x\"]\n[columns]\nquasi_identifiers = [\"a\"]\n\
                 [targets]\n{targets}\n[options]\n{options}\n"
            );
            Policy::parse("k.toml", &text)
                .unwrap()
                .resolve("k.toml")
                .unwrap()
                .config
        };
        for &(name, v) in DeltaVariant::OPTIONS {
            let c = resolve(&format!("delta_variant = \"{name}\""), "");
            assert_eq!(c.targets.delta_variant, v);
        }
        for &(name, v) in BetaKind::OPTIONS {
            let c = resolve(&format!("beta_kind = \"{name}\""), "");
            assert_eq!(c.targets.beta_kind, v);
        }
        for &(name, v) in MissingAs::OPTIONS {
            let c = resolve("", &format!("missing_as = \"{name}\""));
            assert_eq!(c.missing_as, v);
        }
        let c = resolve("", "");
        assert_eq!(c.targets.beta_kind, BetaKind::default());
    }
}
