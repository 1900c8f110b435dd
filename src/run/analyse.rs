//! `kanon analyse` as a library call: read, encode, group, measure, report.

use rustc_hash::FxHashMap;

use super::survey;
use crate::engine::classes::{
    bits_for, group, group_with, ClassTable, Grouping, Histograms, Rows, Want,
};
use crate::engine::encode::{EncodedColumn, ValueKind};
use crate::error::{Error, Result};
use crate::gate::targets::{
    check, check_inference, check_population, BetaKind, DeltaVariant, Measured, Targets,
};
use crate::input::columns::{encode as encode_qis, read_counts, read_weights};
use crate::input::hierarchy::Hierarchy;
use crate::input::{read_table, ReadOptions, Table};
use crate::measure::closeness::{Distance, TableDistribution, Tree};
use crate::measure::inference::{assess, Inference, Settings};
use crate::measure::privacy::{below_k_of, class_stats, k_of, sample_uniques_of, Frequencies};
use crate::measure::risk;
use crate::progress::Progress;
use crate::report::*;
use std::collections::BTreeMap;

/// Everything `kanon analyse` needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Path of the input, `-` for CSV on standard input.
    pub input: String,
    pub read: ReadOptions,
    /// Quasi-identifiers, in the order given.
    pub qis: Vec<String>,
    /// Sensitive attributes (checked to exist and carried into the report).
    pub sensitive: Vec<String>,
    /// Values that mean "missing" besides empty cells and nulls.
    pub missing_tokens: Vec<String>,
    /// Column of sampling weights (one per record).
    pub weight: Option<String>,
    /// Column of record counts: the input is a frequency table.
    pub count: Option<String>,
    /// A population table with the same QIs (journalist and marketer risk).
    pub population: Option<String>,
    /// τ: records whose risk is above τ are at risk.
    pub risk_threshold: f64,
    pub targets: Targets,
    /// Show QI values of the smallest classes in the report.
    pub show_values: bool,
    /// Keep each row's class (needed for per-record output).
    pub row_classes: bool,
    /// How the sensitive attributes are assessed.
    pub inference: InferenceConfig,
    /// Population size N (population uniqueness, individual risk).
    pub population_size: Option<f64>,
    /// Sampling fraction π (N = n/π).
    pub sampling_fraction: Option<f64>,
    /// SUDA2 settings; `None` skips SUDA2.
    pub suda: Option<SudaConfig>,
    /// Largest QI subset of the subset sweep; `None` skips the sweep.
    pub subsets: Option<usize>,
    /// Column identifying persons (person-level k).
    pub person_id: Option<String>,
    /// How missing QI values count for singling out.
    pub missing_as: MissingAs,
    /// Profile the columns not named in the configuration and warn about
    /// direct identifiers, pseudonyms and likely quasi-identifiers left out
    /// (WP216 mistakes 1 and 5). Costs a second read of those columns.
    pub profile_undeclared: bool,
    /// An attacker table to link to the input (linkability verdict).
    pub aux: Option<crate::run::link::AuxSpec>,
    /// Linkage targets (with `aux`).
    pub link_targets: crate::run::link::LinkTargets,
    /// Language of the verdicts' reasons (and of reports).
    pub lang: crate::render::lang::Lang,
    /// Further inputs read with `input` as one table.
    pub more_inputs: Vec<String>,
    /// Read in batches even for one file ([`crate::input::stream`]).
    pub stream: bool,
    /// Bytes of CSV per batch when streaming.
    pub batch_bytes: usize,
}

/// Missing QI values as a value of their own (ARX), as wildcards
/// (sdcMicro's freqCalc), or both with targets checked on the worse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingAs {
    #[default]
    Value,
    Wildcard,
    Both,
}

/// Settings of SUDA2.
#[derive(Debug, Clone)]
pub struct SudaConfig {
    /// Largest MSU size searched; all QIs when `None`.
    pub max_size: Option<usize>,
    /// π of the DIS score (sdcMicro's `DisFraction`, 0.01 by default).
    pub dis_fraction: f64,
}

impl Default for SudaConfig {
    fn default() -> Self {
        SudaConfig {
            max_size: None,
            dis_fraction: 0.01,
        }
    }
}

/// Settings of the inference measures.
#[derive(Debug, Clone)]
pub struct InferenceConfig {
    /// c of recursive (c,l)-diversity.
    pub c: f64,
    /// Share of one value from which a class counts as near-homogeneous.
    pub homogeneity_threshold: f64,
    /// t-closeness distance for every attribute, or per attribute; chosen
    /// from the attribute when absent.
    pub distance: Option<Distance>,
    pub distance_for: Vec<(String, Distance)>,
    /// Hierarchy files of sensitive attributes (hierarchical distance).
    pub hierarchies: Vec<(String, String)>,
    /// User-given value orders (ordered distance), low to high.
    pub orders: Vec<(String, Vec<String>)>,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig {
            c: 2.0,
            homogeneity_threshold: 0.9,
            distance: None,
            distance_for: Vec::new(),
            hierarchies: Vec::new(),
            orders: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: String::new(),
            read: ReadOptions::default(),
            qis: Vec::new(),
            sensitive: Vec::new(),
            missing_tokens: Vec::new(),
            weight: None,
            count: None,
            population: None,
            risk_threshold: 0.2,
            targets: Targets::default(),
            show_values: false,
            row_classes: false,
            inference: InferenceConfig::default(),
            population_size: None,
            sampling_fraction: None,
            suda: None,
            subsets: None,
            person_id: None,
            missing_as: MissingAs::Value,
            profile_undeclared: false,
            aux: None,
            link_targets: Default::default(),
            lang: Default::default(),
            more_inputs: Vec::new(),
            stream: false,
            batch_bytes: crate::input::stream::StreamOptions::default().batch_bytes,
        }
    }
}

impl Config {
    /// Check the configuration before touching any file.
    pub fn validate(&self) -> Result<()> {
        if self.qis.is_empty() {
            return Err(Error::usage("name at least one quasi-identifier with --qi"));
        }
        let mut roles: Vec<(&str, &str)> = Vec::new();
        for q in &self.qis {
            roles.push((q, "quasi-identifier"));
        }
        for s in &self.sensitive {
            roles.push((s, "sensitive attribute"));
        }
        if let Some(w) = &self.weight {
            roles.push((w, "weight column"));
        }
        if let Some(c) = &self.count {
            roles.push((c, "count column"));
        }
        if let Some(p) = &self.person_id {
            roles.push((p, "person-id column"));
        }
        for (i, (name, role)) in roles.iter().enumerate() {
            if let Some((_, first)) = roles[..i].iter().find(|(n, _)| n == name) {
                return Err(Error::usage(if first == role {
                    format!("column '{name}' is named twice as a {role}")
                } else {
                    format!("column '{name}' cannot be both a {first} and a {role}")
                }));
            }
        }
        let inf = &self.inference;
        if !(inf.c > 0.0 && inf.c.is_finite()) {
            return Err(Error::usage(format!(
                "--c must be a positive number, got {}",
                inf.c
            )));
        }
        if !(inf.homogeneity_threshold > 0.0 && inf.homogeneity_threshold <= 1.0) {
            return Err(Error::usage(format!(
                "--homogeneity-threshold must be above 0 and at most 1, got {}",
                inf.homogeneity_threshold
            )));
        }
        let named = inf
            .distance_for
            .iter()
            .map(|d| &d.0)
            .chain(inf.hierarchies.iter().map(|h| &h.0))
            .chain(inf.orders.iter().map(|o| &o.0));
        for attr in named {
            if !self.sensitive.contains(attr) {
                return Err(Error::usage(format!(
                    "'{attr}' is not a sensitive attribute (name it with --sensitive)"
                )));
            }
        }
        if self.targets.has_inference() && self.sensitive.is_empty() {
            return Err(Error::usage(
                "the l, t, delta, beta and alpha targets need a sensitive attribute (--sensitive)",
            ));
        }
        if let Some(s) = &self.suda {
            if !(s.dis_fraction > 0.0 && s.dis_fraction < 1.0) {
                return Err(Error::usage(format!(
                    "--dis-fraction must be between 0 and 1, got {}",
                    s.dis_fraction
                )));
            }
            if s.max_size == Some(0) {
                return Err(Error::usage("--suda-max must be at least 1"));
            }
        }
        if self.subsets == Some(0) {
            return Err(Error::usage("--subsets must be at least 1"));
        }
        // Both enumerate QI subsets, each a roll-up of the class table:
        // refuse before any work what would not finish.
        use crate::measure::suda::{count_subsets, MAX_SUBSETS};
        let m = self.qis.len();
        for (what, fix, size) in [
            ("the subset sweep", "lower --subsets", self.subsets),
            (
                "SUDA2",
                "give --suda-max",
                self.suda.as_ref().map(|s| s.max_size.unwrap_or(m)),
            ),
        ] {
            if let Some(size) = size {
                let n = count_subsets(m, size);
                if n > MAX_SUBSETS {
                    return Err(Error::usage(format!(
                        "{what} over {m} quasi-identifiers up to size {} would examine {n} subsets; \
                         kanon examines at most {MAX_SUBSETS} (the cap): {fix}",
                        size.min(m)
                    )));
                }
            }
        }
        if self.targets.max_suda_score.is_some() && self.suda.is_none() {
            return Err(Error::usage("--max-suda-score needs SUDA2 (--suda)"));
        }
        if !(self.risk_threshold > 0.0 && self.risk_threshold <= 1.0) {
            return Err(Error::usage(format!(
                "--risk-threshold must be above 0 and at most 1, got {}",
                self.risk_threshold
            )));
        }
        self.link_targets.validate()?;
        if self.aux.is_none()
            && (self.link_targets.max_unique_match_rate.is_some()
                || self.link_targets.max_link_risk.is_some())
        {
            return Err(Error::usage(
                "--max-unique-match-rate and --max-link-risk need an attacker table (--aux)",
            ));
        }
        if let Some(a) = &self.aux {
            if a.release_id.is_some() != a.aux_id.is_some() {
                return Err(Error::usage(
                    "ground truth needs both --release-id and --aux-id",
                ));
            }
        }
        self.targets.validate()
    }

    /// Every setting of the analysis, as (name, value) text, for reports.
    pub fn parameters(&self) -> Vec<(String, String)> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
        let num = |o: Option<f64>| o.map_or("—".into(), crate::gate::targets::fmt6);
        let t = &self.targets;
        let mut p: Vec<(String, String)> = vec![
            ("quasi-identifiers".into(), self.qis.join(", ")),
            ("sensitive attributes".into(), self.sensitive.join(", ")),
            ("missing tokens".into(), self.missing_tokens.join(", ")),
            (
                "missing values as".into(),
                format!("{:?}", self.missing_as).to_lowercase(),
            ),
            ("weight column".into(), opt(&self.weight)),
            ("count column".into(), opt(&self.count)),
            ("population table".into(), opt(&self.population)),
            ("population size".into(), num(self.population_size)),
            ("sampling fraction".into(), num(self.sampling_fraction)),
            (
                "risk threshold".into(),
                crate::gate::targets::fmt6(self.risk_threshold),
            ),
            ("person id".into(), opt(&self.person_id)),
            ("target k".into(), t.k.map_or("—".into(), |k| k.to_string())),
            ("target max risk".into(), num(t.max_risk)),
            ("target max average risk".into(), num(t.max_average_risk)),
            (
                "target max records at risk".into(),
                num(t.max_records_at_risk),
            ),
            (
                format!("target l ({:?})", t.l_kind).to_lowercase(),
                num(t.l),
            ),
            ("target t".into(), num(t.t)),
            (
                format!("target δ ({:?})", t.delta_variant).to_lowercase(),
                num(t.delta),
            ),
            (
                format!("target β ({:?})", t.beta_kind).to_lowercase(),
                num(t.beta),
            ),
            ("target α".into(), num(t.alpha)),
            (
                "target max population uniqueness".into(),
                num(t.max_population_uniqueness),
            ),
            ("target max global risk".into(), num(t.max_global_risk)),
            ("target max SUDA score".into(), num(t.max_suda_score)),
            (
                "recursive l: c".into(),
                crate::gate::targets::fmt6(self.inference.c),
            ),
            (
                "homogeneity threshold".into(),
                crate::gate::targets::fmt6(self.inference.homogeneity_threshold),
            ),
            (
                "SUDA2".into(),
                self.suda.as_ref().map_or("off".into(), |s| {
                    format!(
                        "max MSU size {}, DIS fraction {}",
                        s.max_size.map_or("all".into(), |m| m.to_string()),
                        crate::gate::targets::fmt6(s.dis_fraction)
                    )
                }),
            ),
            (
                "QI subsets up to".into(),
                self.subsets.map_or("off".into(), |m| m.to_string()),
            ),
        ];
        for (a, h) in &self.inference.hierarchies {
            p.push((format!("hierarchy of {a}"), h.clone()));
        }
        if let Some(a) = &self.aux {
            p.push(("attacker table".into(), a.path.clone()));
            p.push(("linked on".into(), a.on.join(", ")));
            p.push((
                "release id / attacker id".into(),
                format!("{} / {}", opt(&a.release_id), opt(&a.aux_id)),
            ));
            p.push((
                "target max unique-match rate".into(),
                num(self.link_targets.max_unique_match_rate),
            ));
            p.push((
                "target max link risk".into(),
                num(self.link_targets.max_link_risk),
            ));
        }
        p.push(("language".into(), self.lang.code().into()));
        p
    }

    /// Every path the analysis reads (outputs may not be any of these).
    pub fn read_paths(&self) -> Vec<String> {
        let mut p = vec![self.input.clone()];
        p.extend(self.more_inputs.iter().cloned());
        p.extend(self.population.iter().cloned());
        p.extend(self.inference.hierarchies.iter().map(|h| h.1.clone()));
        if let Some(a) = &self.aux {
            p.push(a.path.clone());
            p.extend(a.hierarchies.iter().map(|h| h.1.clone()));
        }
        p
    }

    fn columns(&self) -> Vec<String> {
        let mut c = self.qis.clone();
        c.extend(self.sensitive.iter().cloned());
        c.extend(self.weight.iter().cloned());
        c.extend(self.count.iter().cloned());
        c.extend(self.person_id.iter().cloned());
        if let Some(id) = self.aux.as_ref().and_then(|a| a.release_id.as_ref()) {
            if !c.contains(id) {
                c.push(id.clone());
            }
        }
        c
    }
}

/// The result of an analysis: the report and what per-record output needs.
pub struct Analysis {
    pub report: Report,
    pub grouping: Grouping,
    /// The encoded quasi-identifiers.
    pub columns: Vec<EncodedColumn>,
    /// Per-class figures for per-record output: (column name, class → value).
    pub per_class: Vec<(String, Vec<f64>)>,
    /// With missing values as wildcards, each class's record frequency
    /// (compatible records); the risk of a record is its inverse.
    pub frequencies: Option<Vec<u64>>,
}

/// Run an analysis.
pub fn analyse(cfg: &Config, progress: &dyn Progress) -> Result<Analysis> {
    cfg.validate()?;
    let mut inputs = vec![cfg.input.clone()];
    inputs.extend(cfg.more_inputs.iter().cloned());
    let resolved = crate::input::files::resolve(&inputs)?;
    let files = resolved.files;
    if cfg.stream || files.len() > 1 || files[0] != cfg.input {
        let mut analysis = analyse_streaming(cfg, &files, progress)?;
        analysis.report.warnings.extend(resolved.notes);
        return Ok(analysis);
    }
    progress.stage(&format!("reading {}", cfg.input));
    let table = read_table(&cfg.input, &cfg.columns(), &cfg.read)?;
    let undeclared: Vec<String> = table
        .all_columns
        .iter()
        .filter(|c| !cfg.columns().contains(c) && !table.unusable.iter().any(|u| &u.0 == *c))
        .cloned()
        .collect();
    let unusable = table.unusable.clone();
    let mut analysis = analyse_table(cfg, table, progress)?;
    if cfg.profile_undeclared && !undeclared.is_empty() && cfg.input == "-" {
        // Standard input cannot be read twice.
        analysis.report.warnings.push(format!(
            "{} other columns were not profiled for identifiers (standard input is read once)",
            undeclared.len()
        ));
    } else if cfg.profile_undeclared && !undeclared.is_empty() {
        progress.stage("profiling the other columns");
        let extra = read_table(&cfg.input, &undeclared, &cfg.read)?;
        let columns = encode_qis(&extra, &undeclared, &cfg.missing_tokens)?;
        let profiles: Vec<crate::measure::profile::ColumnProfile> = columns
            .iter()
            .map(|c| {
                let mut counts = vec![0u64; c.dict.len()];
                for &x in &c.codes {
                    counts[x as usize] += 1;
                }
                crate::measure::profile::profile_column(c, &counts)
            })
            .collect();
        analysis.report.warnings.extend(profile_warnings(&profiles));
        progress.finish();
    }
    if cfg.profile_undeclared {
        for (name, kind) in unusable {
            analysis.report.warnings.push(format!(
                "column '{name}' was not profiled: values of type {kind} cannot be read as values"
            ));
        }
    }
    Ok(analysis)
}

/// Several files, a directory, a pattern or `--stream`: batches merged
/// into one class table, then analysed as a frequency table.
fn analyse_streaming(cfg: &Config, files: &[String], progress: &dyn Progress) -> Result<Analysis> {
    if files.iter().any(|f| f == "-") {
        return Err(Error::usage(
            "standard input cannot be combined with other inputs or streamed; give a file",
        ));
    }
    check_streamable(cfg)?;
    let options = crate::input::stream::StreamOptions {
        batch_bytes: cfg.batch_bytes.max(1),
    };
    let spec = crate::input::stream::Spec {
        qis: &cfg.qis,
        sensitive: &cfg.sensitive,
        count: cfg.count.as_ref(),
        weight: cfg.weight.as_ref(),
        missing_tokens: &cfg.missing_tokens,
        read: &cfg.read,
    };
    let s = crate::input::stream::prepare(&spec, files, options, progress)?;
    let info = s.info;
    let prepared = Prepared {
        meta: InputMeta {
            source: cfg.input.clone(),
            format: s.format,
            delimiter: s.delimiter,
            rows: s.rows,
            files: s.files,
            notes: s.notes,
        },
        qis: s.qis,
        sensitive: s.sensitive,
        counts: Some(s.counts),
        weights: s.weights,
        person: None,
        release_ids: None,
    };
    let mut analysis = analyse_prepared(cfg, prepared, progress)?;
    if cfg.profile_undeclared {
        analysis.report.warnings.push(
            "other columns were not profiled for identifiers (the streaming reader reads the named columns only; run kanon profile on one file)".into(),
        );
    }
    analysis.report.input.streaming = Some(info);
    Ok(analysis)
}

/// Refuse what needs the rows themselves, which streaming does not keep.
fn check_streamable(cfg: &Config) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::usage(format!(
            "{what} needs every row in memory, which the streaming reader (several files, a directory, a pattern or --stream) does not keep"
        )))
    };
    if cfg.row_classes {
        return refuse("--records");
    }
    if cfg.person_id.is_some() {
        return refuse("--person-id");
    }
    if cfg.aux.is_some() {
        return refuse("--aux");
    }
    Ok(())
}

/// Warnings about columns the analysis did not name (values never shown).
fn profile_warnings(profiles: &[crate::measure::profile::ColumnProfile]) -> Vec<String> {
    use crate::measure::profile::Role;
    let mut out = Vec::new();
    for p in profiles {
        match p.role {
            Role::DirectIdentifier => out.push(format!(
                "column '{}' looks like a direct identifier ({}): remove it before release",
                p.name, p.reason
            )),
            Role::Pseudonym => out.push(format!(
                "column '{}' looks like a pseudonym or hash ({}); pseudonymised data is not anonymous (WP216 §4)",
                p.name, p.reason
            )),
            _ => {}
        }
    }
    let candidates: Vec<&str> = profiles
        .iter()
        .filter(|p| p.role == Role::QuasiIdentifierCandidate)
        .map(|p| p.name.as_str())
        .collect();
    if !candidates.is_empty() {
        out.push(format!(
            "columns not declared that an attacker may know: {} — leaving quasi-identifiers out inflates k (WP216 mistake 1); declare them with --qi if they are",
            candidates.join(", ")
        ));
    }
    out
}

/// Where the analysed records came from (for the report).
#[derive(Debug, Clone)]
pub struct InputMeta {
    /// The input as given (a path, a pattern, `-`).
    pub source: String,
    pub format: String,
    pub delimiter: Option<u8>,
    /// Rows read.
    pub rows: u64,
    /// Every file read, with its size, SHA-256 and rows.
    pub files: Vec<crate::input::FileInfo>,
    /// What the reader noticed (quoted line breaks, files not read).
    pub notes: Vec<String>,
}

/// The encoded columns an analysis needs: what [`analyse_table`] makes
/// from a table in memory, and what the streaming reader
/// ([`crate::input::stream`]) makes from batches.
pub struct Prepared {
    pub meta: InputMeta,
    /// Quasi-identifiers, in `cfg.qis` order.
    pub qis: Vec<EncodedColumn>,
    /// Sensitive attributes, in `cfg.sensitive` order.
    pub sensitive: Vec<EncodedColumn>,
    /// Records per row (a frequency table).
    pub counts: Option<Vec<u64>>,
    /// Weight per record of each row.
    pub weights: Option<Vec<f64>>,
    pub person: Option<EncodedColumn>,
    /// The release's ground-truth ids (`--aux` with `--release-id`).
    pub release_ids: Option<EncodedColumn>,
}

/// Run an analysis of a table already in memory (it must hold the columns
/// the configuration names; `cfg.input` is not read).
pub fn analyse_table(cfg: &Config, table: Table, progress: &dyn Progress) -> Result<Analysis> {
    cfg.validate()?;
    crate::input::check_columns(&table.source, &cfg.columns(), &table.all_columns)?;
    let counts = match &cfg.count {
        Some(c) => Some(read_counts(&table, c)?),
        None => None,
    };
    let weights = match &cfg.weight {
        Some(w) => Some(read_weights(&table, w)?),
        None => None,
    };
    progress.stage("encoding quasi-identifiers");
    // QIs and sensitive attributes in one parallel pass over the columns.
    let mut both: Vec<String> = cfg.qis.clone();
    both.extend(cfg.sensitive.iter().cloned());
    let mut columns = encode_qis(&table, &both, &cfg.missing_tokens)?;
    let sensitive = columns.split_off(cfg.qis.len());
    let person = match &cfg.person_id {
        Some(p) => encode_qis(&table, std::slice::from_ref(p), &[])?.pop(),
        None => None,
    };
    let release_ids = match cfg.aux.as_ref().and_then(|a| a.release_id.as_ref()) {
        Some(id) => encode_qis(&table, std::slice::from_ref(id), &[])?.pop(),
        None => None,
    };
    let prepared = Prepared {
        meta: InputMeta {
            source: table.source.clone(),
            format: table.format.name().to_string(),
            delimiter: table.delimiter,
            rows: table.rows() as u64,
            files: table.files.clone(),
            notes: table.notes.clone(),
        },
        qis: columns,
        sensitive,
        counts,
        weights,
        person,
        release_ids,
    };
    drop(table);
    analyse_prepared(cfg, prepared, progress)
}

/// Run an analysis of encoded columns.
pub fn analyse_prepared(
    cfg: &Config,
    prepared: Prepared,
    progress: &dyn Progress,
) -> Result<Analysis> {
    let Prepared {
        meta,
        qis: columns,
        mut sensitive,
        counts,
        weights,
        person,
        release_ids,
    } = prepared;
    progress.stage("grouping into equivalence classes");
    // A record of a frequency table stands for `count` records of the same weight.
    let weights = match (weights, &counts) {
        (Some(w), Some(c)) => Some(w.iter().zip(c).map(|(w, &c)| w * c as f64).collect()),
        (w, _) => w,
    };
    for column in &mut sensitive {
        if let Some((_, order)) = cfg.inference.orders.iter().find(|o| o.0 == column.name) {
            reorder(&meta.source, column, order)?;
        }
    }
    // Histograms come from a cheap keys-only sort of (QI codes, value) when
    // both fit in 64 bits and rows carry no counts; else from class members.
    let qi_bits: u32 = columns.iter().map(|c| bits_for(c.cardinality())).sum();
    let by_sort = counts.is_none()
        && sensitive
            .iter()
            .chain(person.iter())
            .all(|s| qi_bits + bits_for(s.cardinality()) <= 64);
    let want = Want {
        row_class: cfg.row_classes,
        members: !(by_sort || sensitive.is_empty() && person.is_none()),
    };
    // With nothing per row to carry, the first sensitive attribute's sort
    // yields the class table too.
    let mut first_histograms = None;
    let grouping = match sensitive.first() {
        Some(s) if by_sort && !want.row_class && weights.is_none() => {
            let codes: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
            let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
            let (h, table) =
                Histograms::by_sort_with_classes(&codes, &cards, &s.codes, s.cardinality())
                    .ok_or_else(|| Error::usage("internal: sensitive key does not fit 64 bits"))?;
            first_histograms = Some(h);
            Grouping {
                table,
                row_class: None,
                members: None,
            }
        }
        _ => group_columns(&columns, counts.as_deref(), weights.as_deref(), want),
    };
    let records = grouping.table.records();
    if let Some(k) = cfg.targets.k {
        if k > records {
            return Err(Error::usage(format!(
                "--k {k} is larger than the table ({records} records): no table that small can be {k}-anonymous"
            )));
        }
    }
    progress.stage("inference measures");
    let inference = assess_sensitive(
        cfg,
        sensitive,
        first_histograms,
        &columns,
        &grouping,
        counts.as_deref(),
    )?;
    let person_level = match &person {
        Some(p) => {
            let h = match &grouping.members {
                Some(m) => Histograms::build(m, &p.codes, p.cardinality(), counts.as_deref()),
                None => {
                    let codes: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
                    let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
                    Histograms::by_sort(&codes, &cards, &p.codes, p.cardinality())
                        .ok_or_else(|| Error::usage("internal: person key does not fit 64 bits"))?
                }
            };
            Some(survey::person_level(p, &h))
        }
        None => None,
    };
    let t = &grouping.table;
    // Missing values as wildcards (sdcMicro's freqCalc): each record's
    // frequency is the records compatible with it. In `wildcard` mode every
    // frequency-based figure uses it; in `both` it is reported beside them.
    let missing_codes: Vec<Option<u32>> = columns.iter().map(|c| c.dict.missing).collect();
    let wild = (cfg.missing_as != MissingAs::Value)
        .then(|| crate::measure::wildcard::wildcard_frequencies(t, &missing_codes));
    let wildcard_mode = cfg.missing_as == MissingAs::Wildcard;
    let (f, wild_weights) = match (&wild, wildcard_mode) {
        (Some((f, w)), true) => (f.clone(), w.as_deref()),
        _ => (t.sizes.clone(), None),
    };
    let fr = Frequencies {
        sizes: &t.sizes,
        f: &f,
    };
    let missing_for = |on: bool| on.then_some(missing_codes.as_slice());
    progress.stage("attribute contribution");
    let contributions = risk::contributions(t, missing_for(wildcard_mode));
    progress.stage("population risk");
    let big_n = survey::population_size(cfg, t)?;
    let population_report = big_n.map(|(n, source)| survey::population_report(t, n, source));
    let weight_sums = if wildcard_mode {
        wild_weights
    } else {
        t.weights.as_deref()
    };
    let individual = survey::individual(fr, weight_sums, big_n.map(|b| b.0));
    if cfg.suda.is_some() {
        progress.stage("SUDA2 special uniques");
    }
    let suda = survey::suda(cfg, t, fr, missing_for(wildcard_mode));
    if cfg.subsets.is_some() {
        progress.stage("QI-subset sweep");
    }
    let subsets = survey::subsets(cfg, t);
    let mut per_class = Vec::new();
    if let Some((r, _)) = &individual {
        per_class.push(("individual_risk".to_string(), r.per_class.clone()));
    }
    if let Some(s) = &suda {
        per_class.push(("suda_score".to_string(), s.scores.clone()));
        per_class.push(("dis_score".to_string(), s.dis_scores.clone()));
    }
    let sections = Sections {
        population: population_report,
        individual: individual
            .as_ref()
            .map(|(r, basis)| survey::individual_info(r, basis, t, cfg.risk_threshold)),
        suda: suda.as_ref().map(|s| survey::suda_info(s, cfg, fr)),
        subsets,
        person_level,
    };
    progress.stage("measuring risk");
    let mut warnings = meta.notes.clone();
    let (population, basis, population_info) =
        population_sizes(cfg, &columns, t, fr, wild_weights, &mut warnings)?;
    let mut report = build_report(
        cfg,
        &meta,
        &columns,
        Measures {
            t,
            fr,
            wild: wild.as_ref(),
            population: &population,
            basis: &basis,
        },
        population_info,
        &contributions,
        &inference,
        sections,
        warnings,
        counts.as_deref(),
    );
    let frequencies = wildcard_mode.then_some(f);
    if let Some(spec) = &cfg.aux {
        progress.stage(&format!("linking {} to the release", spec.path));
        report.linkage = Some(link_aux_table(
            cfg,
            spec,
            &meta,
            release_ids.as_ref(),
            &columns,
        )?);
        let checks = cfg.link_targets.check(report.linkage.as_ref(), None);
        report.targets.extend(checks);
        report.targets_met = report.targets.iter().all(|t| t.met);
    }
    report.wp216 = Some(judge(&report, cfg.lang));
    progress.finish();
    Ok(Analysis {
        report,
        grouping,
        columns,
        per_class,
        frequencies,
    })
}

/// The WP216 verdicts on a finished report, in words.
fn judge(r: &Report, lang: crate::render::lang::Lang) -> crate::report::Wp216 {
    use crate::gate::wp216::{assess, Figures, InferenceFigures};
    let inference = r.inference_worst_case.as_ref().map(|w| InferenceFigures {
        l_distinct: w.l_distinct,
        l_entropy: w.l_entropy,
        t: w.t,
        alpha: w.alpha,
        homogeneous_records: w.homogeneous_records,
        threshold: r
            .inference
            .values()
            .next()
            .map_or(0.9, |i| i.homogeneous_records.threshold),
    });
    let figures = Figures {
        records: r.input.records,
        k: r.k_anonymity.k,
        reference_k: r.k_anonymity.reference_k,
        records_below_k: r.k_anonymity.records_below_k,
        sample_uniques: r.sample_uniques.count,
        highest_risk: r.risk.prosecutor.highest,
        population_uniques: r.population.as_ref().and_then(|p| p.dankar.count),
        inference,
        linkage: r.linkage.as_ref(),
        targets: &r.targets,
    };
    crate::render::wp216::wp216(&assess(&figures), lang)
}

/// Link the attacker table of `spec` to the encoded quasi-identifiers.
fn link_aux_table(
    cfg: &Config,
    spec: &crate::run::link::AuxSpec,
    meta: &InputMeta,
    ids: Option<&EncodedColumn>,
    columns: &[EncodedColumn],
) -> Result<crate::measure::linkage::Linkability> {
    use crate::run::link::{aux_columns, link_aux};
    let on = aux_columns(spec, &cfg.qis, &cfg.read)?;
    let release: Vec<&EncodedColumn> = on
        .iter()
        .filter_map(|q| columns.iter().find(|c| &c.name == q))
        .collect();
    let pi = cfg
        .sampling_fraction
        .or(cfg.population_size.map(|n| (meta.rows as f64 / n).min(1.0)));
    let spec = crate::run::link::AuxSpec {
        sampling_fraction: pi,
        ..spec.clone()
    };
    link_aux(
        &meta.source,
        &release,
        ids,
        &spec,
        &cfg.read,
        &cfg.missing_tokens,
    )
}

/// Group encoded columns into classes.
pub fn group_columns(
    columns: &[EncodedColumn],
    counts: Option<&[u64]>,
    weights: Option<&[f64]>,
    want: Want,
) -> Grouping {
    let codes: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
    let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
    let len = columns.first().map_or(0, |c| c.codes.len());
    group_with(
        Rows {
            columns: &codes,
            cards: &cards,
            counts,
            weights,
            len,
        },
        want,
    )
}

/// The report sections of population risk and special uniques.
pub struct Sections {
    pub population: Option<PopulationReport>,
    pub individual: Option<IndividualRiskInfo>,
    pub suda: Option<SudaInfo>,
    pub subsets: Option<Vec<SubsetInfo>>,
    pub person_level: Option<PersonLevelInfo>,
}

/// One sensitive attribute, encoded and assessed.
pub struct Assessed {
    pub column: EncodedColumn,
    pub distance: Distance,
    /// The hierarchy file, for hierarchical distance.
    pub hierarchy: Option<String>,
    pub result: Inference,
}

/// Encode the sensitive attributes and assess each over the classes.
fn assess_sensitive(
    cfg: &Config,
    sensitive: Vec<EncodedColumn>,
    mut first_histograms: Option<Histograms>,
    qis: &[EncodedColumn],
    grouping: &Grouping,
    counts: Option<&[u64]>,
) -> Result<Vec<Assessed>> {
    let inf = &cfg.inference;
    let qi_codes: Vec<&[u32]> = qis.iter().map(|c| c.codes.as_slice()).collect();
    let qi_cards: Vec<u32> = qis.iter().map(|c| c.cardinality()).collect();
    let mut out = Vec::new();
    for column in sensitive {
        let name = column.name.clone();
        let order = inf.orders.iter().find(|o| o.0 == name);
        let hierarchy = inf
            .hierarchies
            .iter()
            .find(|h| h.0 == name)
            .map(|h| h.1.clone());
        let distance = inf
            .distance_for
            .iter()
            .find(|d| d.0 == name)
            .map(|d| d.1)
            .or(inf.distance)
            .unwrap_or(if hierarchy.is_some() {
                Distance::Hierarchical
            } else if order.is_some() || column.dict.kind == ValueKind::Numeric {
                Distance::Ordered
            } else {
                Distance::Equal
            });
        let h = match (first_histograms.take(), &grouping.members) {
            (Some(h), _) => h,
            (None, Some(members)) => {
                Histograms::build(members, &column.codes, column.cardinality(), counts)
            }
            (None, None) => {
                Histograms::by_sort(&qi_codes, &qi_cards, &column.codes, column.cardinality())
                    .ok_or_else(|| {
                        Error::usage("internal: sensitive histogram does not fit a 64-bit key")
                    })?
            }
        };
        let tree = match (distance, &hierarchy) {
            (Distance::Hierarchical, Some(path)) => {
                let hier = Hierarchy::read(path)?;
                let dist = TableDistribution::new(&h.totals());
                Some(Tree::build(
                    &hier,
                    &name,
                    &column.dict.labels,
                    column.dict.missing,
                    &dist,
                )?)
            }
            (Distance::Hierarchical, None) => {
                return Err(Error::usage(format!(
                    "hierarchical t-closeness for '{name}' needs --hierarchy {name}=FILE"
                )))
            }
            _ => None,
        };
        let numbers = column.dict.numbers.clone();
        let result = assess(
            &h,
            &Settings {
                c: inf.c,
                homogeneity_threshold: inf.homogeneity_threshold,
                distance,
                tree: tree.as_ref(),
                numbers: numbers.as_deref().filter(|_| order.is_none()),
                worst: 10,
            },
        );
        out.push(Assessed {
            column,
            distance,
            hierarchy,
            result,
        });
    }
    Ok(out)
}

/// Re-code a column in a user-given order of its values (low to high);
/// the missing value, if any, stays last.
fn reorder(source: &str, column: &mut EncodedColumn, order: &[String]) -> Result<()> {
    let dict = &column.dict;
    let mut rank = vec![u32::MAX; dict.len()];
    for (i, value) in order.iter().enumerate() {
        match dict.code_of(value) {
            Some(c) if Some(c) != dict.missing => rank[c as usize] = i as u32,
            _ => {}
        }
    }
    if let Some(c) =
        (0..dict.len()).find(|&c| rank[c] == u32::MAX && Some(c as u32) != dict.missing)
    {
        return Err(Error::column(
            source,
            &column.name,
            "a value of the column is missing from the --order list",
        )
        .with_value(dict.labels[c].as_str()));
    }
    // Dense ranks of the values present, in the given order.
    let mut present: Vec<usize> = (0..dict.len())
        .filter(|&c| Some(c as u32) != dict.missing)
        .collect();
    present.sort_by_key(|&c| rank[c]);
    let mut remap = vec![0u32; dict.len()];
    let mut labels = Vec::with_capacity(dict.len());
    for (new, &old) in present.iter().enumerate() {
        remap[old] = new as u32;
        labels.push(dict.labels[old].clone());
    }
    if let Some(m) = dict.missing {
        remap[m as usize] = present.len() as u32;
        labels.push(dict.labels[m as usize].clone());
    }
    let missing = dict.missing.map(|_| present.len() as u32);
    for c in column.codes.iter_mut() {
        *c = remap[*c as usize];
    }
    column.dict.labels = labels;
    column.dict.missing = missing;
    column.dict.numbers = None;
    Ok(())
}

/// Population frequencies F per class: from a population table, from
/// weights, or the sample itself; with missing values as wildcards
/// (`fr.f` then holds the compatible records), F counts the compatible
/// population records or weights. F is raised to f where it falls short.
fn population_sizes(
    cfg: &Config,
    columns: &[EncodedColumn],
    t: &ClassTable,
    fr: Frequencies,
    wildcard_weights: Option<&[f64]>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<f64>, String, Option<PopulationInfo>)> {
    let wildcard = cfg.missing_as == MissingAs::Wildcard;
    let raise = |sizes: Vec<f64>| -> (Vec<f64>, u64) {
        let mut raised = 0;
        let v = sizes
            .into_iter()
            .zip(fr.f)
            .map(|(big_f, &f)| {
                if big_f < f as f64 {
                    raised += 1;
                    f as f64
                } else {
                    big_f
                }
            })
            .collect();
        (v, raised)
    };
    if let Some(path) = &cfg.population {
        let (sizes, info) = population_table(cfg, path, columns, t, wildcard)?;
        let (sizes, raised) = raise(sizes);
        if raised > 0 {
            warnings.push(format!(
                "{raised} classes are smaller in the population table {path} than in the sample; \
                 their population size was raised to the sample size (is the sample drawn from it?)"
            ));
        }
        return Ok((sizes, "population_table".into(), Some(info)));
    }
    let weights = if wildcard {
        wildcard_weights
    } else {
        t.weights.as_deref()
    };
    if let Some(w) = weights {
        let (sizes, raised) = raise(w.to_vec());
        if raised > 0 {
            warnings.push(format!(
                "in {raised} classes the weights sum to less than the number of records; \
                 their population size was raised to the sample size"
            ));
        }
        return Ok((sizes, "weights".into(), None));
    }
    Ok((
        fr.f.iter().map(|&f| f as f64).collect(),
        "sample".into(),
        None,
    ))
}

/// Population frequency of each sample class, counted in a population
/// table with the same QIs. Values are matched by their text. A population
/// value the sample lacks matches no sample class, except, with
/// `wildcard`, a sample class missing that key; likewise a missing
/// population value matches every value then.
fn population_table(
    cfg: &Config,
    path: &str,
    sample: &[EncodedColumn],
    t: &ClassTable,
    wildcard: bool,
) -> Result<(Vec<f64>, PopulationInfo)> {
    let read = ReadOptions {
        format: None,
        delimiter: cfg.read.delimiter,
    };
    let table = read_table(path, &cfg.qis, &read)?;
    let pop = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
    let rows = table.rows();
    // In the sample's codes; `card` stands for a value the sample lacks,
    // `card + 1` for a missing value when the sample has none.
    let mut matched = vec![true; rows];
    let mut translated: Vec<Vec<u32>> = Vec::with_capacity(sample.len());
    let mut pop_missing = Vec::with_capacity(sample.len());
    for (s, p) in sample.iter().zip(&pop) {
        let card = s.dict.len() as u32;
        let missing = s.dict.missing.unwrap_or(card + 1);
        let by_label: FxHashMap<&str, u32> = s
            .dict
            .labels
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i as u32) != s.dict.missing)
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        let map: Vec<u32> = (0..p.dict.len() as u32)
            .map(|c| match Some(c) == p.dict.missing {
                true => missing,
                false => *by_label
                    .get(p.dict.labels[c as usize].as_str())
                    .unwrap_or(&card),
            })
            .collect();
        let col: Vec<u32> = p
            .codes
            .iter()
            .zip(matched.iter_mut())
            .map(|(&c, m)| {
                let x = map[c as usize];
                *m &= x < card;
                x
            })
            .collect();
        translated.push(col);
        pop_missing.push(Some(missing));
    }
    let refs: Vec<&[u32]> = translated.iter().map(Vec::as_slice).collect();
    let cards: Vec<u32> = t.cards.iter().map(|&c| c + 2).collect();
    let p = group(
        Rows {
            columns: &refs,
            cards: &cards,
            counts: None,
            weights: None,
            len: rows,
        },
        false,
    )
    .table;
    let info = PopulationInfo {
        path: path.to_string(),
        rows: rows as u64,
        matched_rows: matched.iter().filter(|&&m| m).count() as u64,
    };
    if wildcard {
        use crate::measure::wildcard::{compatible, View};
        let all: Vec<usize> = (0..t.arity()).collect();
        let sample_missing: Vec<Option<u32>> = sample.iter().map(|c| c.dict.missing).collect();
        let (found, _) = compatible(
            &View::of(t, &sample_missing, &all),
            &View::of(&p, &pop_missing, &all),
        );
        return Ok((found.into_iter().map(|f| f as f64).collect(), info));
    }
    // Both tables are sorted by key: merge.
    let mut sizes = Vec::with_capacity(t.len());
    let mut j = 0;
    for c in 0..t.len() {
        let key = t.key(c);
        while j < p.len() && p.key(j) < key {
            j += 1;
        }
        let found = if j < p.len() && p.key(j) == key {
            p.sizes[j]
        } else {
            0
        };
        sizes.push(found as f64);
    }
    Ok((sizes, info))
}

/// What the singling-out and risk figures are computed from.
struct Measures<'a> {
    t: &'a ClassTable,
    /// Records and record frequencies per class (see [`Frequencies`]).
    fr: Frequencies<'a>,
    /// Wildcard frequencies and weight sums (with `--missing-as wildcard|both`).
    wild: Option<&'a (Vec<u64>, Option<Vec<f64>>)>,
    /// Population frequency F per class, and where it comes from.
    population: &'a [f64],
    basis: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    cfg: &Config,
    table: &InputMeta,
    columns: &[EncodedColumn],
    m: Measures,
    population_info: Option<PopulationInfo>,
    contributions: &[risk::Contribution],
    inference: &[Assessed],
    sections: Sections,
    mut warnings: Vec<String>,
    counts: Option<&[u64]>,
) -> Report {
    let Measures {
        t,
        fr,
        wild,
        population,
        basis,
    } = m;
    let tau = cfg.risk_threshold;
    let n = t.records();
    let stats = class_stats(t);
    let wildcard_mode = cfg.missing_as == MissingAs::Wildcard;
    let k = k_of(fr);
    let (reference_k, reference_source) = match cfg.targets.k {
        Some(k) => (k, "target"),
        None => (
            crate::measure::tolerance::ceil(1.0 / tau) as u64,
            "risk_threshold",
        ),
    };
    let below = below_k_of(fr, reference_k);
    let (uniques, uniques_share) = sample_uniques_of(fr);
    let prosecutor = risk::prosecutor_of(fr, tau);
    // Overlapping compatible sets do not partition the records.
    let classes = (!wildcard_mode).then_some(t.len() as u64);
    let journalist = risk::journalist_of(&t.sizes, population, classes, tau);
    let marketer = risk::marketer_of(&t.sizes, population);

    let mut qis = Vec::new();
    for (q, col) in columns.iter().enumerate() {
        let missing: u64 = match col.dict.missing {
            Some(m) => t.keys[q]
                .iter()
                .zip(&t.sizes)
                .filter(|(&c, _)| c == m)
                .map(|(_, &s)| s)
                .sum(),
            None => 0,
        };
        if missing > 0 {
            warnings.push(format!(
                "quasi-identifier '{}' has {missing} missing values (empty, null{}); {}",
                col.name,
                if cfg.missing_tokens.is_empty() {
                    String::new()
                } else {
                    format!(" or {}", cfg.missing_tokens.join(", "))
                },
                match cfg.missing_as {
                    MissingAs::Value => "they are treated as one value of their own",
                    MissingAs::Wildcard => "they match every value (wildcards) in every frequency and risk figure",
                    MissingAs::Both => "the figures treat them as one value of their own; the targets are checked on the worse of that and wildcards",
                }
            ));
        }
        qis.push(QiInfo {
            name: col.name.clone(),
            kind: col.dict.kind,
            distinct: col.cardinality() as u64,
            missing,
        });
    }

    let wildcard = wild.map(|(freq, weighted)| {
        let f = crate::measure::wildcard::figures(t, freq, reference_k, tau);
        WildcardInfo {
            k: f.k,
            sample_uniques: f.sample_uniques,
            records_below_k: f.records_below_k,
            prosecutor_highest: f.highest,
            prosecutor_average: f.average,
            records_at_risk: f.records_at_risk,
            smallest_weighted_frequency: weighted
                .as_ref()
                .map(|w| w.iter().copied().fold(f64::INFINITY, f64::min)),
        }
    });
    let own = Measured {
        k,
        highest_risk: prosecutor.highest,
        average_risk: prosecutor.average,
        records_at_risk: prosecutor.records_at_risk,
        threshold: tau,
    };
    let measured = match (&wildcard, cfg.missing_as) {
        (Some(w), MissingAs::Wildcard) => Measured {
            k: w.k,
            highest_risk: w.prosecutor_highest,
            average_risk: w.prosecutor_average,
            records_at_risk: w.records_at_risk,
            threshold: tau,
        },
        (Some(w), MissingAs::Both) => Measured {
            k: own.k.min(w.k),
            highest_risk: own.highest_risk.max(w.prosecutor_highest),
            average_risk: own.average_risk.max(w.prosecutor_average),
            records_at_risk: own.records_at_risk.max(w.records_at_risk),
            threshold: tau,
        },
        _ => own,
    };
    let mut checks = check(&cfg.targets, &measured);
    checks.extend(check_population(
        &cfg.targets,
        sections.population.as_ref().and_then(|p| p.dankar.share),
        sections.individual.as_ref().map(|i| i.global),
        sections.suda.as_ref().map(|s| s.max_score),
    ));
    for a in inference {
        checks.extend(check_inference(
            &cfg.targets,
            &a.column.name,
            &a.result,
            cfg.inference.c,
        ));
    }
    let inference_map: BTreeMap<String, InferenceInfo> = inference
        .iter()
        .map(|a| {
            (
                a.column.name.clone(),
                inference_info(cfg, a, t, columns, k, counts),
            )
        })
        .collect();
    let note = match basis {
        "population_table" => "population class sizes counted in the population table".to_string(),
        "weights" => "population class sizes estimated as the sum of sampling weights".to_string(),
        _ => "no weights or population table given: the sample is taken as the population, \
              so journalist risk equals prosecutor risk"
            .to_string(),
    };

    Report {
        schema_version: SCHEMA_VERSION,
        kanon_version: env!("CARGO_PKG_VERSION").to_string(),
        input: InputInfo {
            path: table.source.clone(),
            format: table.format.clone(),
            delimiter: table.delimiter.map(crate::input::csv::delimiter_name),
            rows: table.rows,
            files: table.files.clone(),
            records: n,
            count_column: cfg.count.clone(),
            weight_column: cfg.weight.clone(),
            population: population_info,
            streaming: None,
        },
        quasi_identifiers: qis,
        sensitive_attributes: cfg.sensitive.clone(),
        missing_values: MissingInfo {
            tokens: cfg.missing_tokens.clone(),
            treatment: match cfg.missing_as {
                MissingAs::Value => "value",
                MissingAs::Wildcard => "wildcard",
                MissingAs::Both => "both",
            }
            .into(),
            gated_on: match cfg.missing_as {
                MissingAs::Value => "value",
                MissingAs::Wildcard => "wildcard",
                MissingAs::Both => "worse_of_both",
            }
            .into(),
            wildcard,
        },
        classes: ClassesInfo {
            count: stats.count,
            min_size: stats.min_size,
            max_size: stats.max_size,
            mean_size: stats.mean_size,
            median_size: stats.median_size,
            histogram: stats.histogram.iter().map(|&(s, c)| [s, c]).collect(),
            smallest: smallest_classes(t, columns, cfg.show_values, 10),
        },
        k_anonymity: KInfo {
            k,
            reference_k,
            reference_k_source: reference_source.into(),
            records_below_k: below.records,
            share_below_k: below.share,
            classes_below_k: below.classes,
        },
        sample_uniques: UniquesInfo {
            count: uniques,
            share: uniques_share,
        },
        risk: RiskInfo {
            threshold: tau,
            prosecutor: ProsecutorInfo {
                highest: prosecutor.highest,
                average: prosecutor.average,
                records_at_risk: prosecutor.records_at_risk,
                records_at_risk_count: prosecutor.records_at_risk_count,
            },
            journalist: JournalistInfo {
                basis: basis.to_string(),
                note,
                highest: journalist.highest,
                average: journalist.average,
                records_at_risk: journalist.records_at_risk,
                records_at_risk_count: journalist.records_at_risk_count,
            },
            marketer,
        },
        attributes: contributions
            .iter()
            .map(|c| AttributeInfo {
                name: columns[c.position].name.clone(),
                distinct: c.distinct,
                distinction: c.distinction,
                separation: c.separation,
                uniques_alone: c.uniques_alone,
                uniques_without: c.uniques_without,
                uniques_removed: c.uniques_removed,
            })
            .collect(),
        population: sections.population,
        individual_risk: sections.individual,
        suda: sections.suda,
        subsets: sections.subsets,
        person_level: sections.person_level,
        inference_worst_case: worst_case(inference),
        inference: inference_map,
        targets_met: checks.iter().all(|c| c.met),
        wp216: None,
        baseline: None,
        linkage: None,
        targets: checks,
        warnings,
    }
}

/// The report section of one sensitive attribute.
fn inference_info(
    cfg: &Config,
    a: &Assessed,
    t: &ClassTable,
    qis: &[EncodedColumn],
    k: u64,
    counts: Option<&[u64]>,
) -> InferenceInfo {
    let r = &a.result;
    let dict = &a.column.dict;
    let n = r.records;
    let share = |x: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let missing = match dict.missing {
        // Records, not rows: a row of a frequency table stands for `count`.
        Some(m) => a
            .column
            .codes
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == m)
            .map(|(i, _)| counts.map_or(1, |k| k[i]))
            .sum(),
        None => 0,
    };
    InferenceInfo {
        kind: dict.kind,
        values: dict.len() as u64,
        missing,
        l_diversity: LDiversityInfo {
            distinct: r.l_distinct,
            entropy: r.l_entropy,
            recursive: RecursiveInfo {
                l: r.l_recursive,
                c: cfg.inference.c,
            },
        },
        t_closeness: TClosenessInfo {
            value: r.t,
            distance: a.distance,
            hierarchy: a.hierarchy.clone(),
        },
        delta_disclosure: DeltaInfo {
            strict: r.delta_strict,
            infinite: r.delta_strict.is_none(),
            present_values: r.delta_present,
            gated_on: match cfg.targets.delta_variant {
                DeltaVariant::Strict => "strict",
                DeltaVariant::PresentValues => "present_values",
            }
            .into(),
        },
        beta_likeness: BetaInfo {
            basic: r.beta_basic,
            enhanced: r.beta_enhanced,
            enhanced_violating_classes: r.beta_enhanced_violations,
            gated_on: match cfg.targets.beta_kind {
                BetaKind::Basic => "basic",
                BetaKind::Enhanced => "enhanced",
            }
            .into(),
        },
        alpha_k: AlphaKInfo { alpha: r.alpha, k },
        homogeneous_records: HomogeneityInfo {
            count: r.homogeneous_records,
            share: share(r.homogeneous_records),
            classes: r.homogeneous_classes,
            threshold: cfg.inference.homogeneity_threshold,
            above_threshold_count: r.near_homogeneous_records,
            above_threshold_share: share(r.near_homogeneous_records),
        },
        attribution: AttributionInfo {
            mean_cap: r.mean_cap,
            hit_rate: r.hit_rate,
            baseline: r.baseline,
            risk: r.attribution_risk,
        },
        proximity: r.proximity.as_ref().map(|p| ProximityInfo {
            global_range: p.global_range,
            min_relative_range: p.min_relative_range,
            min_relative_iqr: p.min_relative_iqr,
            records_in_narrow_classes: p.records_in_narrow_classes,
        }),
        worst_classes: r
            .worst
            .iter()
            .map(|w| WorstClassInfo {
                class_id: w.class as u64,
                size: w.size,
                top_share: w.top_share,
                distinct: w.distinct,
                values: cfg.show_values.then(|| {
                    qis.iter()
                        .zip(&t.keys)
                        .map(|(col, k)| col.dict.labels[k[w.class] as usize].clone())
                        .collect()
                }),
                top_value: cfg
                    .show_values
                    .then(|| dict.labels[w.top_code as usize].clone()),
            })
            .collect(),
    }
}

/// The worst figure of each measure over the sensitive attributes.
fn worst_case(inference: &[Assessed]) -> Option<InferenceWorst> {
    let first = inference.first()?;
    let mut w = InferenceWorst {
        l_distinct: first.result.l_distinct,
        l_entropy: first.result.l_entropy,
        l_recursive: first.result.l_recursive,
        t: first.result.t,
        delta_strict: first.result.delta_strict,
        delta_infinite: first.result.delta_strict.is_none(),
        delta_present_values: first.result.delta_present,
        beta_basic: first.result.beta_basic,
        beta_enhanced: first.result.beta_enhanced,
        alpha: first.result.alpha,
        homogeneous_records: first.result.homogeneous_records,
    };
    for a in &inference[1..] {
        let r = &a.result;
        w.l_distinct = w.l_distinct.min(r.l_distinct);
        w.l_entropy = w.l_entropy.min(r.l_entropy);
        w.l_recursive = w.l_recursive.min(r.l_recursive);
        w.t = w.t.max(r.t);
        w.delta_strict = match (w.delta_strict, r.delta_strict) {
            (Some(x), Some(y)) => Some(x.max(y)),
            _ => None,
        };
        w.delta_infinite = w.delta_strict.is_none();
        w.delta_present_values = w.delta_present_values.max(r.delta_present);
        w.beta_basic = w.beta_basic.max(r.beta_basic);
        w.beta_enhanced = match (w.beta_enhanced, r.beta_enhanced) {
            (Some(x), Some(y)) => Some(x.max(y)),
            _ => None,
        };
        w.alpha = w.alpha.max(r.alpha);
        w.homogeneous_records = w.homogeneous_records.max(r.homogeneous_records);
    }
    Some(w)
}

/// The `limit` smallest classes, smallest first (ties in class order).
fn smallest_classes(
    t: &ClassTable,
    columns: &[EncodedColumn],
    show_values: bool,
    limit: usize,
) -> Vec<SmallClass> {
    // Keep the `limit` smallest (size, class) pairs in a max-heap: O(J log limit).
    let mut heap = std::collections::BinaryHeap::with_capacity(limit + 1);
    for (c, &f) in t.sizes.iter().enumerate() {
        heap.push((f, c));
        if heap.len() > limit {
            heap.pop();
        }
    }
    heap.into_sorted_vec()
        .into_iter()
        .map(|(_, c)| c)
        .map(|c| SmallClass {
            class_id: c as u64,
            size: t.sizes[c],
            values: show_values.then(|| {
                columns
                    .iter()
                    .zip(&t.keys)
                    .map(|(col, k)| col.dict.labels[k[c] as usize].clone())
                    .collect()
            }),
        })
        .collect()
}
