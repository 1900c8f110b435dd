//! Command-line definitions (clap) and their translation into library
//! configurations. No analysis logic lives here.

pub mod progress;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use kanon::anonymise::local::Recoding;
use kanon::anonymise::search::Metric;
use kanon::anonymise::strategy::{Strategy, TimeLimit};
use kanon::choice::Choice;
use kanon::error::{Error, Result};
use kanon::gate::targets::{BetaKind, DeltaVariant, LKind, Targets};
use kanon::input::{Format, ReadOptions};
use kanon::measure::closeness::Distance;
use kanon::measure::kmap::Estimator as KMapEstimator;
use kanon::run::analyse::{Config, InferenceConfig, MissingAs, SudaConfig};
use kanon::run::config::defaults;
use kanon::run::sql::Dialect;
use kanon::run::suggest::SuppressMode;

/// A clap parser for a library setting: its names in `--help`, its value
/// typed, the names written once in the library.
fn choice<T: Choice + Clone + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::names()).try_map(|s| T::parse(&s))
}

/// The name of a setting's default, for clap's `default_value`.
fn default_name<T: Choice + Default>() -> &'static str {
    T::default().name()
}

/// How re-identifiable is a table of personal data?
#[derive(Debug, Parser)]
#[command(name = "kanon", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Colour in the terminal summary: auto (on a terminal, unless NO_COLOR is set or CLICOLOR=0; CLICOLOR_FORCE forces it), always or never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Equivalence classes, k-anonymity and re-identification risk of a table.
    #[command(visible_alias = "analyze")]
    Analyse(Box<AnalyseArgs>),
    /// Find the least-loss generalisation (hierarchy levels and record suppression) that meets the targets.
    Suggest(Box<SuggestArgs>),
    /// Apply the suggested generalisation and write the anonymised data.
    #[command(visible_alias = "anonymize")]
    Anonymise(Box<AnonymiseArgs>),
    /// Run a policy file (kanon.toml): inputs, columns, targets, reports, baseline; exit 0 pass, 1 a target missed or a gating regression, 2 error.
    Check(Box<CheckArgs>),
    /// Write a starting policy file from the column profile of an input.
    Init(InitArgs),
    /// Link an attacker's table (or an earlier release) to a release: unique matches, expected correct links, group links, baseline-corrected risk; k after composing two releases.
    Link(Box<LinkArgs>),
    /// Profile every column: distinct values, uniqueness, entropy, missing share, and a guessed role (direct identifier, pseudonym, quasi-identifier or sensitive candidate).
    Profile(ProfileArgs),
    /// Print the GROUP BY that makes the frequency table kanon ingests with --count, for the engine where the data lives.
    Sql(SqlArgs),
    /// Write a seeded synthetic census-like table (for benchmarks and demos).
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// Input tables (.csv/.tsv/.txt, .parquet, .arrow/.ipc/.feather, .ndjson/.jsonl), - for CSV on stdin, a directory (a partitioned dataset) or a quoted pattern ('data/*.csv'); several are read as one table.
    #[arg(required = true, num_args = 1..)]
    pub input: Vec<String>,

    /// Read in batches and merge class tables (bounded memory; implied by several files, a directory or a pattern).
    #[arg(long)]
    pub stream: bool,

    /// Megabytes of CSV per batch when streaming.
    #[arg(long, value_name = "MB", default_value_t = defaults::BATCH_MB)]
    pub batch_mb: usize,

    /// Quasi-identifiers, comma-separated (repeatable; write \, for a comma inside a name).
    #[arg(long = "qi", value_name = "COLS", required = true)]
    pub qi: Vec<String>,

    /// Sensitive attributes, comma-separated (carried into the report).
    #[arg(long, value_name = "COLS")]
    pub sensitive: Vec<String>,

    #[command(flatten)]
    pub io: InputArgs,

    /// Missing QI values: a value of their own (ARX), wildcards matching any value (sdcMicro), or both (targets on the worse).
    #[arg(long, value_name = "MODE", default_value = default_name::<MissingAs>(), value_parser = choice::<MissingAs>())]
    pub missing_as: MissingAs,

    /// Column of sampling weights (population records each row stands for).
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// Column of record counts: the input is a frequency table.
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,

    /// Population table with the same quasi-identifiers (journalist and marketer risk).
    #[arg(long, value_name = "FILE")]
    pub population: Option<String>,

    /// A record is at risk when its re-identification risk is above this.
    #[arg(long, value_name = "P", default_value_t = defaults::RISK_THRESHOLD, value_parser = kanon::gate::targets::share)]
    pub risk_threshold: f64,

    #[command(flatten)]
    pub targets: TargetArgs,

    #[command(flatten)]
    pub inference: InferenceArgs,

    #[command(flatten)]
    pub survey: SurveyArgs,

    /// Print the report as JSON (schema in docs/json-schema.md).
    #[arg(long)]
    pub json: bool,

    /// Write per-record risk (row, class_id, class_size, risk) to a CSV or Parquet file.
    #[arg(long, value_name = "FILE")]
    pub records: Option<String>,

    /// Show the quasi-identifier values of the smallest classes.
    #[arg(long)]
    pub show_values: bool,

    /// No progress output on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// Do not profile the other columns for identifiers and undeclared quasi-identifiers.
    #[arg(long)]
    pub no_profile: bool,

    /// Do not compute attribute contribution (saves its roll-ups on tables with millions of classes).
    #[arg(long)]
    pub no_contribution: bool,

    #[command(flatten)]
    pub linkage: AuxArgs,

    /// Write the auditor's report: FILE.html (self-contained, inline SVG charts), FILE.pdf (A4, fonts embedded) or FILE.md; the extension, in any case, sets the format.
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,

    /// Why the table is checked (for example "release of the 2026 survey extract to the CBS"), printed at the head of the report.
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,

    /// Language of the verdicts and the report: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "nl"])]
    pub lang: String,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// Comparison with an earlier report.
#[derive(Debug, Args)]
#[command(next_help_heading = "Baseline")]
pub struct BaselineArgs {
    /// The JSON report of the previous release (from --json or a policy's json output): list what got worse.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,

    /// Exit 1 when a figure or verdict got worse than in the baseline.
    #[arg(long, requires = "baseline")]
    pub fail_on_regression: bool,
}

impl BaselineArgs {
    fn pair(&self) -> Option<(String, bool)> {
        self.baseline
            .as_ref()
            .map(|b| (b.clone(), self.fail_on_regression))
    }
}

impl AnalyseArgs {
    /// The check these arguments describe (no policy file).
    pub fn to_check(&self) -> Result<kanon::run::policy::Check> {
        Ok(kanon::run::policy::Check {
            config: self.to_config()?,
            reports: self.report.iter().cloned().collect(),
            purpose: self.purpose.clone(),
            json: None,
            baseline: self.baseline.pair(),
        })
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The policy file.
    #[arg(long, short, value_name = "FILE", default_value = "kanon.toml")]
    pub config: String,

    /// Inputs, overriding the policy's files.
    pub inputs: Vec<String>,

    /// Quasi-identifiers, overriding the policy's.
    #[arg(long = "qi", value_name = "COLS")]
    pub qi: Vec<String>,

    /// Sensitive attributes, overriding the policy's.
    #[arg(long, value_name = "COLS")]
    pub sensitive: Vec<String>,

    /// Column of record counts (the input is a frequency table), overriding the policy's `[input] count`.
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,

    /// Column of sampling weights, overriding the policy's `[input] weight`.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    #[command(flatten)]
    pub targets: TargetArgs,

    /// Target l, overriding the policy's.
    #[arg(long, value_name = "L")]
    pub l: Option<f64>,

    /// Target t, overriding the policy's.
    #[arg(long, value_name = "T", value_parser = kanon::gate::targets::share)]
    pub t: Option<f64>,

    /// Report file (.html, .pdf or .md), in addition to the policy's.
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,

    /// Language of the verdicts and reports, overriding the policy's.
    #[arg(long, value_name = "LANG", value_parser = ["en", "nl"])]
    pub lang: Option<String>,

    /// Why the table is checked, at the head of the reports, overriding the policy's `[report] purpose`.
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,

    #[command(flatten)]
    pub baseline: BaselineArgs,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,

    /// No progress output on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

impl CheckArgs {
    /// The policy with the command line's overrides.
    pub fn to_check(&self) -> Result<kanon::run::policy::Check> {
        let policy = kanon::run::policy::Policy::read(&self.config)?;
        let mut c = policy.resolve(&self.config)?;
        let cfg = &mut c.config;
        if let Some((first, rest)) = self.inputs.split_first() {
            cfg.input = first.clone();
            cfg.more_inputs = rest.to_vec();
        }
        if !self.qi.is_empty() {
            cfg.qis = list(&self.qi);
        }
        if !self.sensitive.is_empty() {
            cfg.sensitive = list(&self.sensitive);
        }
        if self.count.is_some() {
            cfg.count = self.count.clone();
        }
        if self.weight.is_some() {
            cfg.weight = self.weight.clone();
        }
        let t = &mut cfg.targets;
        t.k = self.targets.k.or(t.k);
        t.max_risk = self.targets.max_risk.or(t.max_risk);
        t.max_average_risk = self.targets.max_average_risk.or(t.max_average_risk);
        t.max_records_at_risk = self.targets.max_records_at_risk.or(t.max_records_at_risk);
        t.max_uniques = self.targets.max_uniques.or(t.max_uniques);
        t.l = self.l.or(t.l);
        t.t = self.t.or(t.t);
        if let Some(l) = &self.lang {
            cfg.lang = kanon::render::lang::Lang::parse(l)?;
        }
        if let Some(p) = self.report.as_ref().filter(|p| !c.reports.contains(p)) {
            c.reports.push(p.clone());
        }
        if self.purpose.is_some() {
            c.purpose = self.purpose.clone();
        }
        if let Some(b) = self.baseline.pair() {
            c.baseline = Some(b);
        }
        Ok(c)
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The input whose columns are profiled, as for every other command. (The older form `kanon init POLICY --input INPUT` still works.)
    #[arg(value_name = "INPUT")]
    pub positional: Option<String>,

    /// Where to write the policy.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<String>,

    /// The input, as a flag (the older form).
    #[arg(long, value_name = "FILE")]
    pub input: Option<String>,

    #[command(flatten)]
    pub io: InputArgs,

    /// Overwrite an existing policy file.
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    /// (input, policy file): `kanon init INPUT [--policy FILE]`, or the
    /// older `kanon init [POLICY] --input INPUT`.
    pub fn resolve(&self) -> Result<(String, String)> {
        let default = || "kanon.toml".to_string();
        match (&self.input, &self.positional) {
            (Some(input), policy) => Ok((
                input.clone(),
                self.policy
                    .clone()
                    .or_else(|| policy.clone())
                    .unwrap_or_else(default),
            )),
            (None, Some(input)) => Ok((input.clone(), self.policy.clone().unwrap_or_else(default))),
            (None, None) => Err(Error::usage(
                "kanon init needs the input to profile: kanon init INPUT [--policy kanon.toml]",
            )),
        }
    }
}

/// The attacker-table flags of `analyse`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Linkability (an attacker's table)")]
pub struct AuxArgs {
    /// Attacker table holding some of the quasi-identifiers (raw or generalised): feeds the linkability verdict.
    #[arg(long, value_name = "FILE")]
    pub aux: Option<String>,

    /// Quasi-identifiers the attacker table is linked on (default: every QI it has).
    #[arg(long, value_name = "COLS", requires = "aux")]
    pub aux_on: Vec<String>,

    /// Ground-truth id column of the input (with --aux-id).
    #[arg(long, value_name = "COL", requires = "aux")]
    pub release_id: Option<String>,

    /// Ground-truth id column of the attacker table (with --release-id).
    #[arg(long, value_name = "COL", requires = "aux")]
    pub aux_id: Option<String>,

    /// Hierarchy whose labels the input uses for a QI: COL=FILE (ARX CSV).
    #[arg(long, value_name = "COL=FILE", requires = "aux")]
    pub aux_hierarchy: Vec<String>,

    /// Column of record counts in the attacker table (a frequency table).
    #[arg(long, value_name = "COL", requires = "aux")]
    pub aux_count: Option<String>,

    /// Target: share of attacker records matching exactly one record at most P.
    #[arg(long, value_name = "P", requires = "aux", value_parser = kanon::gate::targets::share)]
    pub max_unique_match_rate: Option<f64>,

    /// Target: baseline-corrected linkage risk at most P.
    #[arg(long, value_name = "P", requires = "aux", value_parser = kanon::gate::targets::share)]
    pub max_link_risk: Option<f64>,
}

impl AuxArgs {
    fn to_spec(&self) -> Result<Option<kanon::run::link::AuxSpec>> {
        let Some(path) = &self.aux else {
            return Ok(None);
        };
        Ok(Some(kanon::run::link::AuxSpec {
            path: path.clone(),
            on: list(&self.aux_on),
            release_id: self.release_id.clone(),
            aux_id: self.aux_id.clone(),
            hierarchies: pairs("--aux-hierarchy", &self.aux_hierarchy)?,
            sampling_fraction: None,
            count: self.aux_count.clone(),
        }))
    }
}

/// Parse repeated `COL=VALUE` flags.
/// `--hierarchy` in every command: `COL=FILE` (or a builder spec where
/// the command takes one) names the value hierarchy of one column; a
/// directory stands for every hierarchy file in it (`COL.csv` or ARX's
/// `NAME_hierarchy_COL.csv`), of which the command takes those for the
/// columns it uses (`keep`: the QIs of `suggest`, the sensitive attributes
/// of `analyse`; every file for `link`). A column named explicitly wins
/// over the directory's file.
fn hierarchies(values: &[String], keep: Option<&[String]>) -> Result<Vec<(String, String)>> {
    let mut explicit = Vec::new();
    let mut from_dirs = Vec::new();
    for v in values {
        if !v.contains('=') && std::path::Path::new(v).is_dir() {
            from_dirs.extend(kanon::input::hierarchy::in_dir(v)?);
        } else {
            let (col, what) = attr_value("--hierarchy", v)?;
            explicit.push((col.to_string(), what.to_string()));
        }
    }
    for (col, file) in from_dirs {
        let used = keep.is_none_or(|k| k.contains(&col));
        if used && !explicit.iter().any(|(c, _)| *c == col) {
            explicit.push((col, file));
        }
    }
    Ok(explicit)
}

fn pairs(flag: &str, values: &[String]) -> Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|v| attr_value(flag, v).map(|(a, b)| (a.to_string(), b.to_string())))
        .collect()
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The release (as published, generalised or not).
    pub release: String,

    /// The attacker's table: some quasi-identifiers, often raw.
    #[arg(long, value_name = "FILE", required_unless_present = "previous")]
    pub aux: Option<String>,

    /// An earlier release of the same extract: link the two and report k after composing them.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<String>,

    /// Columns to link on (default: every column the tables share, ids excluded).
    #[arg(long, value_name = "COLS")]
    pub on: Vec<String>,

    /// Ground-truth id column of the release.
    #[arg(long, value_name = "COL")]
    pub release_id: Option<String>,

    /// Ground-truth id column of the attacker table.
    #[arg(long, value_name = "COL", requires = "release_id")]
    pub aux_id: Option<String>,

    /// Id column of the earlier release (pairs its records with --release-id's).
    #[arg(long, value_name = "COL", requires = "release_id")]
    pub previous_id: Option<String>,

    /// Column of record counts in the release (a frequency table, as `kanon anonymise --count` writes).
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,

    /// Column of record counts in the attacker table (a frequency table).
    #[arg(long, value_name = "COL", requires = "aux")]
    pub aux_count: Option<String>,

    /// Value hierarchy of a column (ARX CSV), whose labels the release may use: COL=FILE, or a directory of COL.csv / NAME_hierarchy_COL.csv files.
    #[arg(long, value_name = "COL=FILE")]
    pub hierarchy: Vec<String>,

    #[command(flatten)]
    pub io: InputArgs,

    /// Population size N of the release (precision of unique matches without ids).
    #[arg(long, value_name = "N")]
    pub population_size: Option<f64>,

    /// Sampling fraction π of the release.
    #[arg(long, value_name = "F", value_parser = kanon::gate::targets::share)]
    pub sampling_fraction: Option<f64>,

    /// Target: share of attacker records matching exactly one record at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_unique_match_rate: Option<f64>,

    /// Target: baseline-corrected linkage risk at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_link_risk: Option<f64>,

    /// Target (with --previous): every intersection of the two releases' classes has at least N records.
    #[arg(long, value_name = "N")]
    pub k: Option<u64>,

    /// Classes below this size count as exposed (kanon's default rule).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub reference_k: u64,

    /// Print JSON (linkability.*, cross_release.*).
    #[arg(long)]
    pub json: bool,

    /// Language of the verdict: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "nl"])]
    pub lang: String,

    /// No progress output on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

impl LinkArgs {
    pub fn to_config(&self) -> Result<kanon::run::link::LinkConfig> {
        let on = list(&self.on);
        Ok(kanon::run::link::LinkConfig {
            release: self.release.clone(),
            read: self.io.read_options()?,
            count: self.count.clone(),
            missing_tokens: self.io.missing_tokens(),
            aux: self.aux.as_ref().map(|a| kanon::run::link::AuxSpec {
                path: a.clone(),
                on: on.clone(),
                release_id: self.release_id.clone(),
                aux_id: self.aux_id.clone(),
                hierarchies: Vec::new(),
                sampling_fraction: None,
                count: self.aux_count.clone(),
            }),
            previous: self.previous.clone(),
            previous_id: self.previous_id.clone(),
            release_id: self.release_id.clone(),
            on,
            hierarchies: hierarchies(&self.hierarchy, None)?,
            population_size: self.population_size,
            sampling_fraction: self.sampling_fraction,
            targets: kanon::run::link::LinkTargets {
                max_unique_match_rate: self.max_unique_match_rate,
                max_link_risk: self.max_link_risk,
                k_intersection: self.k,
            },
            reference_k: self.reference_k,
            lang: kanon::render::lang::Lang::parse(&self.lang)?,
        })
    }
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Target: every class has at least N records (k-anonymity).
    #[arg(long, value_name = "N")]
    pub k: Option<u64>,

    /// Target: highest prosecutor risk at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_risk: Option<f64>,

    /// Target: average prosecutor risk at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_average_risk: Option<f64>,

    /// Target: share of records at risk at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_records_at_risk: Option<f64>,

    /// Target: share of records unique in the table (in a class of one) at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_uniques: Option<f64>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Inference (with --sensitive)")]
pub struct InferenceArgs {
    /// Target: every class has at least L well-represented sensitive values.
    #[arg(long, value_name = "L")]
    pub l: Option<f64>,

    /// Which l-diversity --l means.
    #[arg(long, value_name = "KIND", default_value = default_name::<LKind>(), value_parser = choice::<LKind>())]
    pub l_kind: LKind,

    /// c of recursive (c,l)-diversity.
    #[arg(long, value_name = "C", default_value_t = defaults::RECURSIVE_C)]
    pub c: f64,

    /// Target: t-closeness distance at most T.
    #[arg(long, value_name = "T", value_parser = kanon::gate::targets::share)]
    pub t: Option<f64>,

    /// t-closeness distance, for all attributes or ATTR=DISTANCE (equal, ordered, hierarchical; default from the attribute).
    #[arg(long, value_name = "[ATTR=]DISTANCE")]
    pub t_distance: Vec<String>,

    /// Value hierarchy of a column (ARX CSV): COL=FILE, or a directory of COL.csv / NAME_hierarchy_COL.csv files; analyse uses those of sensitive attributes (hierarchical t-closeness).
    #[arg(long, value_name = "ATTR=FILE")]
    pub hierarchy: Vec<String>,

    /// Order of a sensitive attribute's values, low to high, for ordered t-closeness.
    #[arg(long, value_name = "ATTR=V1,V2,…")]
    pub order: Vec<String>,

    /// Target: δ-disclosure below D.
    #[arg(long, value_name = "D")]
    pub delta: Option<f64>,

    /// δ the --delta target is checked against: strict (the paper) or present (values present in the class, as ARX).
    #[arg(long, value_name = "VARIANT", default_value = default_name::<DeltaVariant>(), value_parser = choice::<DeltaVariant>())]
    pub delta_variant: DeltaVariant,

    /// Target: β-likeness at most B.
    #[arg(long, value_name = "B")]
    pub beta: Option<f64>,

    /// β the --beta target is checked against.
    #[arg(long, value_name = "KIND", default_value = default_name::<BetaKind>(), value_parser = choice::<BetaKind>())]
    pub beta_kind: BetaKind,

    /// Target: no sensitive value has a share above A in any class ((α,k)-anonymity with --k).
    #[arg(long, value_name = "A", value_parser = kanon::gate::targets::share)]
    pub alpha: Option<f64>,

    /// Classes where one value has at least this share count as near-homogeneous.
    #[arg(long, value_name = "P", default_value_t = defaults::HOMOGENEITY_THRESHOLD, value_parser = kanon::gate::targets::share)]
    pub homogeneity_threshold: f64,
}

/// Split `ATTR=VALUE`.
fn attr_value<'a>(flag: &str, s: &'a str) -> Result<(&'a str, &'a str)> {
    s.split_once('=')
        .filter(|(a, v)| !a.is_empty() && !v.is_empty())
        .ok_or_else(|| Error::usage(format!("{flag} expects ATTR=VALUE, got '{s}'")))
}

impl InferenceArgs {
    fn to_config(&self, sensitive: &[String]) -> Result<InferenceConfig> {
        let mut cfg = InferenceConfig {
            c: self.c,
            homogeneity_threshold: self.homogeneity_threshold,
            ..InferenceConfig::default()
        };
        t_options(&mut cfg, &self.t_distance, &self.order)?;
        cfg.hierarchies = hierarchies(&self.hierarchy, Some(sensitive))?;
        Ok(cfg)
    }
}

/// `--t-distance` (for all, or ATTR=DISTANCE) and `--order ATTR=V1,…`.
fn t_options(cfg: &mut InferenceConfig, distances: &[String], orders: &[String]) -> Result<()> {
    for d in distances {
        match d.split_once('=') {
            Some((attr, dist)) => cfg
                .distance_for
                .push((attr.to_string(), Distance::parse(dist)?)),
            None => cfg.distance = Some(Distance::parse(d)?),
        }
    }
    for o in orders {
        let (attr, values) = attr_value("--order", o)?;
        cfg.orders.push((attr.to_string(), split_list(values)));
    }
    Ok(())
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Population risk and special uniques")]
pub struct SurveyArgs {
    /// Population size N (population uniqueness, individual risk).
    #[arg(long, value_name = "N")]
    pub population_size: Option<f64>,

    /// Sampling fraction π (N = records / π).
    #[arg(long, value_name = "F", value_parser = kanon::gate::targets::share)]
    pub sampling_fraction: Option<f64>,

    /// Find minimal sample uniques and SUDA/DIS-SUDA scores (SUDA2).
    #[arg(long)]
    pub suda: bool,

    /// Largest MSU size searched (implies --suda; default: all QIs).
    #[arg(long, value_name = "K")]
    pub suda_max: Option<usize>,

    /// π of the DIS-SUDA score (sdcMicro's DisFraction).
    #[arg(long, value_name = "F", default_value_t = defaults::DIS_FRACTION, value_parser = kanon::gate::targets::share)]
    pub dis_fraction: f64,

    /// k and sample uniques for every QI subset of up to M attributes.
    #[arg(long, value_name = "M", num_args = 0..=1, default_missing_value = "3")]
    pub subsets: Option<usize>,

    /// Column identifying persons: k counted in distinct persons.
    #[arg(long, value_name = "COL")]
    pub person_id: Option<String>,

    /// Target: estimated share of population uniques at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_population_uniqueness: Option<f64>,

    /// Target: Benedetti-Franconi global risk at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_global_risk: Option<f64>,

    /// Target: no record's SUDA score above X.
    #[arg(long, value_name = "X")]
    pub max_suda_score: Option<f64>,

    #[command(flatten)]
    pub k_map: KMapArgs,

    #[command(flatten)]
    pub presence: PresenceArgs,
}

/// The δ-presence targets (analyse and the search share them).
#[derive(Debug, Args)]
pub struct PresenceArgs {
    /// Target (δ-presence): every person of the population in a class of which at least this share is released (needs --population; analyse also takes --weight).
    #[arg(long, value_name = "D", value_parser = kanon::gate::targets::share)]
    pub presence_min: Option<f64>,

    /// Target (δ-presence): in no class more than this share of its population is released (needs --population; analyse also takes --weight).
    #[arg(long, value_name = "D", value_parser = kanon::gate::targets::share)]
    pub presence_max: Option<f64>,
}

/// The k-map target, estimated from the sampling fraction (analyse and
/// the search share it).
#[derive(Debug, Args)]
pub struct KMapArgs {
    /// Target: k-map with K, every class matching at least K people of the population: counted in --population's table, or estimated as k-anonymity with a derived k' (from --population-size, --sampling-fraction or --weight).
    #[arg(long, value_name = "K")]
    pub k_map: Option<u64>,

    /// Model of a class's population size for --k-map.
    #[arg(long, value_name = "MODEL", default_value = default_name::<KMapEstimator>(), value_parser = choice::<KMapEstimator>())]
    pub k_map_estimator: KMapEstimator,

    /// Significance α of the --k-map estimate: the accepted chance that a class maps to fewer than K people.
    #[arg(long, value_name = "ALPHA", default_value_t = kanon::gate::targets::SIGNIFICANCE)]
    pub significance: f64,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Input table (as for analyse).
    pub input: String,

    /// Quasi-identifiers, comma-separated.
    #[arg(long = "qi", value_name = "COLS", required = true)]
    pub qi: Vec<String>,

    /// Target: every released class has at least N records.
    #[arg(long, value_name = "N", required = true)]
    pub k: u64,

    /// Largest share of records that may be suppressed: 0.05 or 5%.
    #[arg(long, value_name = "SHARE", default_value = "0", value_parser = kanon::gate::targets::share)]
    pub suppression: f64,

    /// Value hierarchy of a column: COL=FILE (ARX CSV), COL=interval:W1,W2,…, COL=mask:N1,N2,…, or a directory of COL.csv / NAME_hierarchy_COL.csv files; suggest uses those of QIs (others: automatic).
    #[arg(long, value_name = "COL=FILE|SPEC")]
    pub hierarchy: Vec<String>,

    #[command(flatten)]
    pub io: InputArgs,

    /// Sensitive attributes for the --l and --t targets.
    #[arg(long, value_name = "COLS")]
    pub sensitive: Vec<String>,

    /// Target: every released class has at least L well-represented sensitive values.
    #[arg(long, value_name = "L")]
    pub l: Option<f64>,

    /// Which l-diversity --l means.
    #[arg(long, value_name = "KIND", default_value = default_name::<LKind>(), value_parser = choice::<LKind>())]
    pub l_kind: LKind,

    /// c of recursive (c,l)-diversity.
    #[arg(long, value_name = "C", default_value_t = defaults::RECURSIVE_C)]
    pub c: f64,

    /// Target: t-closeness distance at most T (hierarchical for a sensitive attribute with a --hierarchy, ordered for numbers or with --order, equal otherwise).
    #[arg(long, value_name = "T", value_parser = kanon::gate::targets::share)]
    pub t: Option<f64>,

    /// t-closeness distance: equal, ordered or hierarchical, for all sensitive attributes or ATTR=DISTANCE.
    #[arg(long, value_name = "DISTANCE")]
    pub t_distance: Vec<String>,

    /// Order of a sensitive attribute's values, low to high, for ordered t-closeness.
    #[arg(long, value_name = "ATTR=V1,V2,…")]
    pub order: Vec<String>,

    /// Target: highest prosecutor risk at most P (the same as k ≥ ⌈1/P⌉).
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_risk: Option<f64>,

    /// Target: average prosecutor risk of the released records at most P.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_average_risk: Option<f64>,

    /// Target: share of released records unique among the released (in a class of one) at most P; with k ≥ 2 it is 0.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_uniques: Option<f64>,

    /// Target: share of the population estimated unique (Dankar's choice over the released classes) at most P; needs --population-size or --sampling-fraction.
    #[arg(long, value_name = "P", value_parser = kanon::gate::targets::share)]
    pub max_population_uniqueness: Option<f64>,

    /// Population size N (population uniqueness).
    #[arg(long, value_name = "N")]
    pub population_size: Option<f64>,

    /// Sampling fraction π (N = records / π).
    #[arg(long, value_name = "F", value_parser = kanon::gate::targets::share)]
    pub sampling_fraction: Option<f64>,

    #[command(flatten)]
    pub k_map: KMapArgs,

    /// Population table with the same quasi-identifiers, generalised with the sample's hierarchies: --k-map is counted in it, --presence-min/--presence-max are judged against it, and the release's analysis reports journalist and marketer risk from it.
    #[arg(long, value_name = "FILE")]
    pub population: Option<String>,

    #[command(flatten)]
    pub presence: PresenceArgs,

    /// Target: strict δ-disclosure below D in every released class.
    #[arg(long, value_name = "D")]
    pub delta: Option<f64>,

    /// Target: basic β-likeness at most B in every released class.
    #[arg(long, value_name = "B")]
    pub beta: Option<f64>,

    /// δ the --delta target is checked against: strict (the paper) or present (values present in the class, as ARX).
    #[arg(long, value_name = "VARIANT", default_value = default_name::<DeltaVariant>(), value_parser = choice::<DeltaVariant>())]
    pub delta_variant: DeltaVariant,

    /// β the --beta target is checked against: basic or enhanced.
    #[arg(long, value_name = "KIND", default_value = default_name::<BetaKind>(), value_parser = choice::<BetaKind>())]
    pub beta_kind: BetaKind,

    /// Return within this many seconds (reading included) with the best transformation found; search.stopped says "time_limit".
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,

    /// How to search the lattice: exact, heuristic (with a lower bound and the gap to it), or auto (exact up to 2^24 nodes).
    #[arg(long, value_name = "STRATEGY", default_value = default_name::<Strategy>(), value_parser = choice::<Strategy>())]
    pub strategy: Strategy,

    /// Utility metric to minimise.
    #[arg(long, value_name = "METRIC", default_value = default_name::<Metric>(), value_parser = choice::<Metric>())]
    pub metric: Metric,

    /// global: one hierarchy level per QI for every record; local: each released class at its own levels (top-down specialisation from the top and from the global optimum, the better kept).
    #[arg(long, value_name = "RECODING", default_value = default_name::<Recoding>(), value_parser = choice::<Recoding>())]
    pub recoding: Recoding,

    /// Print JSON (search.levels, search.suppressed, search.loss, …, search.result).
    #[arg(long)]
    pub json: bool,

    /// Missing QI values: a value of their own (ARX), or wildcards matching any value (sdcMicro); `both` searches on the stricter, which is `value`.
    #[arg(long, value_name = "MODE", default_value = default_name::<MissingAs>(), value_parser = choice::<MissingAs>())]
    pub missing_as: MissingAs,

    /// Column of record counts: the input is a frequency table (as `kanon sql` prints it); anonymise keeps the column.
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,

    /// Column of sampling weights: carried into the analysis of the result (journalist and population figures) and kept by anonymise; the search's targets count records.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// Show what one record's values become (search.examples); values are private otherwise.
    #[arg(long)]
    pub show_values: bool,

    /// No progress output on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// Language of the summary and of anonymise's report: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "nl"])]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct AnonymiseArgs {
    #[command(flatten)]
    pub suggest: SuggestArgs,

    /// Output file: .csv, .parquet or .arrow.
    #[arg(long, value_name = "FILE", required = true)]
    pub out: String,

    /// Suppressed records: removed, or kept with every QI set to `*`.
    #[arg(long, value_name = "MODE", default_value = default_name::<SuppressMode>(), value_parser = choice::<SuppressMode>())]
    pub suppress_mode: SuppressMode,

    /// Write the release report (FILE.pdf, FILE.html or FILE.md): the transformation, the suppression, the information loss, the original and the release side by side, and the analysis of the release.
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,

    /// Why the table is released, at the head of the report.
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,

    /// Write every distinct value of each quasi-identifier and its released value as CSV (quasi_identifier, original, released). It holds the data's values.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<String>,
}

impl SuggestArgs {
    pub fn to_plan(&self) -> Result<kanon::run::suggest::Plan> {
        let qis = list(&self.qi);
        if qis.iter().any(|q| q.is_empty()) {
            return Err(Error::usage("--qi contains an empty column name"));
        }
        let sensitive = list(&self.sensitive);
        let used: Vec<String> = qis.iter().chain(&sensitive).cloned().collect();
        let hierarchies = hierarchies(&self.hierarchy, Some(&used))?;
        let mut inference = InferenceConfig {
            c: self.c,
            ..InferenceConfig::default()
        };
        t_options(&mut inference, &self.t_distance, &self.order)?;
        let analysis = Config {
            input: self.input.clone(),
            read: self.io.read_options()?,
            qis,
            missing_tokens: self.io.missing_tokens(),
            sensitive,
            targets: Targets {
                k: Some(self.k),
                max_average_risk: self.max_average_risk,
                max_uniques: self.max_uniques,
                max_population_uniqueness: self.max_population_uniqueness,
                l: self.l,
                l_kind: self.l_kind,
                t: self.t,
                delta: self.delta,
                delta_variant: self.delta_variant,
                beta: self.beta,
                beta_kind: self.beta_kind,
                k_map: self.k_map.k_map,
                k_map_estimator: self.k_map.k_map_estimator,
                significance: self.k_map.significance,
                presence_min: self.presence.presence_min,
                presence_max: self.presence.presence_max,
                ..Targets::default()
            },
            inference,
            population: self.population.clone(),
            show_values: self.show_values,
            missing_as: self.missing_as,
            count: self.count.clone(),
            weight: self.weight.clone(),
            population_size: self.population_size,
            sampling_fraction: self.sampling_fraction,
            lang: kanon::render::lang::Lang::parse(&self.lang)?,
            ..Config::default()
        };
        kanon::run::suggest::Plan::new(
            analysis,
            kanon::run::suggest::SearchSettings {
                hierarchies,
                suppression: self.suppression,
                metric: self.metric,
                strategy: self.strategy,
                time_limit: (self.time_limit)
                    .map(|t| TimeLimit::seconds(crate::started(), t))
                    .transpose()?,
                max_risk: self.max_risk,
                recoding: self.recoding,
            },
        )
    }
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Input table (as for analyse).
    pub input: String,
    #[command(flatten)]
    pub io: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the table: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "nl"])]
    pub lang: String,
}

/// How to read the input: the flags `analyse`, `suggest`, `anonymise` and
/// `profile` share.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input format, overriding the file extension.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "tsv", "parquet", "ipc", "arrow", "feather", "ndjson", "jsonl"])]
    pub format: Option<String>,

    /// CSV delimiter: a character, or tab, comma, semicolon, pipe (default: detected).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,

    /// Values that mean "missing", comma-separated (empty cells and nulls always do).
    #[arg(long, value_name = "TOKENS")]
    pub missing: Option<String>,
}

impl InputArgs {
    pub fn read_options(&self) -> Result<ReadOptions> {
        Ok(ReadOptions {
            format: self.format.as_deref().map(Format::parse).transpose()?,
            delimiter: self
                .delimiter
                .as_deref()
                .map(kanon::input::parse_delimiter)
                .transpose()?,
        })
    }

    pub fn missing_tokens(&self) -> Vec<String> {
        self.missing.as_deref().map(split_list).unwrap_or_default()
    }
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// SQL dialect of the engine that runs the query.
    #[arg(long, value_name = "DIALECT", value_parser = choice::<Dialect>())]
    pub dialect: Dialect,

    /// Table (or view) holding the records; may be schema-qualified (schema.table).
    #[arg(long, value_name = "NAME")]
    pub table: String,

    /// Quasi-identifiers, comma-separated.
    #[arg(long = "qi", value_name = "COLS", required = true)]
    pub qi: Vec<String>,

    /// Sensitive attributes, comma-separated (grouped on too, so their histograms survive).
    #[arg(long, value_name = "COLS")]
    pub sensitive: Vec<String>,

    /// Column of sampling weights (grouped on too).
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// Name of the count column in the result (give it to analyse as --count).
    #[arg(long, value_name = "NAME", default_value = "kanon_count")]
    pub count_column: String,
}

impl SqlArgs {
    pub fn to_spec(&self) -> Result<kanon::run::sql::SqlSpec> {
        Ok(kanon::run::sql::SqlSpec {
            dialect: self.dialect,
            table: self.table.clone(),
            qis: list(&self.qi),
            sensitive: list(&self.sensitive),
            weight: self.weight.clone(),
            count_column: self.count_column.clone(),
        })
    }
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of records.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output file: .csv, .parquet or .arrow.
    #[arg(long, value_name = "FILE")]
    pub out: String,
}

/// Split a comma-separated list; `\,` is a literal comma, and surrounding
/// whitespace is kept (column names are matched exactly).
pub fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                cur.push(',');
                chars.next();
            }
            ',' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn list(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| split_list(v)).collect()
}

impl AnalyseArgs {
    /// The library configuration these arguments describe.
    pub fn to_config(&self) -> Result<Config> {
        let qis = list(&self.qi);
        if qis.iter().any(|q| q.is_empty()) {
            return Err(Error::usage("--qi contains an empty column name"));
        }

        Ok(Config {
            input: self.input[0].clone(),
            more_inputs: self.input[1..].to_vec(),
            stream: self.stream,
            batch_bytes: kanon::input::stream::batch_bytes(self.batch_mb)?,
            read: self.io.read_options()?,
            qis,
            sensitive: list(&self.sensitive),
            missing_tokens: self.io.missing_tokens(),
            weight: self.weight.clone(),
            count: self.count.clone(),
            population: self.population.clone(),
            population_frame: None,
            risk_threshold: self.risk_threshold,
            targets: Targets {
                k: self.targets.k,
                max_risk: self.targets.max_risk,
                max_average_risk: self.targets.max_average_risk,
                max_records_at_risk: self.targets.max_records_at_risk,
                max_uniques: self.targets.max_uniques,
                l: self.inference.l,
                l_kind: self.inference.l_kind,
                t: self.inference.t,
                delta: self.inference.delta,
                delta_variant: self.inference.delta_variant,
                beta: self.inference.beta,
                beta_kind: self.inference.beta_kind,
                alpha: self.inference.alpha,
                max_population_uniqueness: self.survey.max_population_uniqueness,
                max_global_risk: self.survey.max_global_risk,
                max_suda_score: self.survey.max_suda_score,
                k_map: self.survey.k_map.k_map,
                k_map_estimator: self.survey.k_map.k_map_estimator,
                significance: self.survey.k_map.significance,
                presence_min: self.survey.presence.presence_min,
                presence_max: self.survey.presence.presence_max,
            },
            show_values: self.show_values,
            row_classes: self.records.is_some(),
            inference: self.inference.to_config(&list(&self.sensitive))?,
            population_size: self.survey.population_size,
            sampling_fraction: self.survey.sampling_fraction,
            suda: (self.survey.suda || self.survey.suda_max.is_some()).then_some(SudaConfig {
                max_size: self.survey.suda_max,
                dis_fraction: self.survey.dis_fraction,
            }),
            subsets: self.survey.subsets,
            person_id: self.survey.person_id.clone(),
            profile_undeclared: !self.no_profile,
            no_contribution: self.no_contribution,
            missing_as: self.missing_as,
            aux: self.linkage.to_spec()?,
            link_targets: kanon::run::link::LinkTargets {
                max_unique_match_rate: self.linkage.max_unique_match_rate,
                max_link_risk: self.linkage.max_link_risk,
                k_intersection: None,
            },
            lang: kanon::render::lang::Lang::parse(&self.lang)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_unescaped_commas() {
        assert_eq!(split_list("a,b c,d(e)"), vec!["a", "b c", "d(e)"]);
        assert_eq!(split_list("x\\,y,z"), vec!["x,y", "z"]);
        assert_eq!(split_list("?,NA"), vec!["?", "NA"]);
    }

    #[test]
    fn delimiters() {
        assert_eq!(kanon::input::parse_delimiter("tab").unwrap(), b'\t');
        assert_eq!(kanon::input::parse_delimiter(";").unwrap(), b';');
        assert!(kanon::input::parse_delimiter("ab").is_err());
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
