//! `kanon analyse` as a library call: read, encode, group, measure, report.

pub use super::config::{Config, InferenceConfig, MissingAs, SudaConfig};
use super::population::population_sizes;
use super::sensitive::{assess_sensitive, reorder, Assessed};
use super::survey;
use crate::choice::Choice as _;
use crate::engine::classes::{bits_for, group_with, ClassTable, Grouping, Histograms, Rows, Want};
use crate::engine::encode::EncodedColumn;
use crate::error::{Error, Result};
use crate::gate::targets::{
    check, check_inference, check_k_map, check_population, check_presence, BetaKind, DeltaVariant,
    KMapFigure, Measured,
};
use crate::input::columns::{encode_taking, read_counts, read_weights};
use crate::input::{read_table_coded, Table};
use crate::measure::privacy::{below_k_of, class_stats, k_of, sample_uniques_of, Frequencies};
use crate::measure::{presence, risk};
use crate::notice::Notice;
use crate::progress::Progress;
use crate::report::*;
use crate::run::config::defaults as cfg_defaults;
use std::collections::BTreeMap;

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

impl Analysis {
    /// Drop the analysis, its large arrays (the class table, the codes, the
    /// per-class figures) handed back in parallel
    /// ([`crate::engine::bulk::free`]) rather than by one thread at the end
    /// of a run.
    pub fn free(self) {
        use crate::engine::bulk::free;
        let table = self.grouping.table;
        table.keys.into_iter().for_each(free);
        free(table.sizes);
        table.weights.into_iter().for_each(free);
        self.columns.into_iter().for_each(|c| free(c.codes));
        self.per_class.into_iter().for_each(|(_, v)| free(v));
        self.frequencies.into_iter().for_each(free);
    }
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
    // Everything but weights and counts is encoded: read it as codes.
    let numeric: Vec<&String> = cfg.weight.iter().chain(&cfg.count).collect();
    let coded: Vec<String> = cfg
        .columns()
        .into_iter()
        .filter(|c| !numeric.contains(&c))
        .collect();
    let table = read_table_coded(&cfg.input, &cfg.columns(), &coded, &cfg.read, progress)?;
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
        analysis.report.warnings.push(Notice::NotProfiledStdin {
            columns: undeclared.len() as u64,
        });
    } else if cfg.profile_undeclared && !undeclared.is_empty() {
        progress.stage("reading the other columns to profile them");
        let extra = read_table_coded(&cfg.input, &undeclared, &undeclared, &cfg.read, progress)?;
        let notes = profile_columns(cfg, extra, &undeclared, progress)?;
        analysis.report.warnings.extend(notes);
    }
    if cfg.profile_undeclared {
        analysis.report.warnings.extend(not_profiled(unusable));
    }
    Ok(analysis)
}

/// Run an analysis of a whole table in memory (every column of the input,
/// as [`crate::input::typed::from_arrow`] makes it; `cfg.input` is not
/// read): what [`analyse`] does for a file, the columns the configuration
/// does not name profiled from the table itself.
pub fn analyse_whole(cfg: &Config, table: Table, progress: &dyn Progress) -> Result<Analysis> {
    cfg.validate()?;
    let named = table.select(&cfg.columns())?;
    let undeclared: Vec<String> = (table.all_columns.iter())
        .filter(|c| !cfg.columns().contains(c) && !table.unusable.iter().any(|u| &u.0 == *c))
        .cloned()
        .collect();
    let extra = table.select(&undeclared)?;
    let unusable = table.unusable.clone();
    drop(table);
    let mut analysis = analyse_table(cfg, named, progress)?;
    if cfg.profile_undeclared && !undeclared.is_empty() {
        let notes = profile_columns(cfg, extra, &undeclared, progress)?;
        analysis.report.warnings.extend(notes);
    }
    if cfg.profile_undeclared {
        analysis.report.warnings.extend(not_profiled(unusable));
    }
    Ok(analysis)
}

/// Profile the `undeclared` columns of `extra` (direct identifiers,
/// pseudonyms, likely quasi-identifiers left out: WP216 mistakes 1 and 5).
fn profile_columns(
    cfg: &Config,
    mut extra: Table,
    undeclared: &[String],
    progress: &dyn Progress,
) -> Result<Vec<Notice>> {
    let total = undeclared.len() as u64;
    progress.stage(&format!("profiling the other {total} columns"));
    let mut profiles = Vec::with_capacity(undeclared.len());
    // Column by column, so the progress moves and one column's codes
    // are dropped before the next is encoded.
    for (i, name) in undeclared.iter().enumerate() {
        progress.work(i as u64, total);
        let tokens = cfg.missing_tokens.as_slice();
        for c in encode_taking(&mut extra, &[(name, tokens)])? {
            let mut counts = vec![0u64; c.dict.len()];
            for &x in &c.codes {
                counts[x as usize] += 1;
            }
            profiles.push(crate::measure::profile::profile_column(&c, &counts));
        }
    }
    progress.work(total, total);
    progress.finish();
    Ok(profile_warnings(&profiles))
}

/// Columns left unprofiled because of their type.
fn not_profiled(unusable: Vec<(String, String)>) -> impl Iterator<Item = Notice> {
    unusable
        .into_iter()
        .map(|(column, kind)| Notice::NotProfiledType {
            column,
            kind: kind.to_string(),
        })
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
        analysis.report.warnings.push(Notice::NotProfiledStreaming);
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
fn profile_warnings(profiles: &[crate::measure::profile::ColumnProfile]) -> Vec<Notice> {
    use crate::measure::profile::Role;
    let mut out = Vec::new();
    for p in profiles {
        let (column, detector) = (p.name.clone(), p.detector.clone());
        match p.role {
            Role::DirectIdentifier => out.push(Notice::DirectIdentifier {
                column,
                detector,
                continuous: p.reason == crate::measure::profile::RoleReason::UniqueContinuous,
            }),
            Role::Pseudonym => out.push(Notice::Pseudonym { column, detector }),
            _ => {}
        }
    }
    let columns: Vec<String> = profiles
        .iter()
        .filter(|p| p.role == Role::QuasiIdentifierCandidate)
        .map(|p| p.name.clone())
        .collect();
    if !columns.is_empty() {
        out.push(Notice::UndeclaredCandidates { columns });
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
    pub notes: Vec<Notice>,
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
    // Ids are encoded without missing tokens: every label is an id.
    let tokens = cfg.missing_tokens.as_slice();
    let release_id = cfg.aux.as_ref().and_then(|a| a.release_id.as_ref());
    let all: Vec<(&String, &[String])> = (cfg.qis.iter().chain(&cfg.sensitive))
        .map(|c| (c, tokens))
        .chain(cfg.person_id.iter().chain(release_id).map(|c| (c, &[][..])))
        .collect();
    let mut table = table;
    let mut columns = encode_taking(&mut table, &all)?;
    let mut ids = columns.split_off(cfg.qis.len() + cfg.sensitive.len());
    let sensitive = columns.split_off(cfg.qis.len());
    let release_ids = release_id.and_then(|_| ids.pop());
    let person = cfg.person_id.as_ref().and_then(|_| ids.pop());
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
        qis: mut columns,
        mut sensitive,
        mut counts,
        weights,
        person,
        release_ids,
    } = prepared;
    progress.stage("grouping into equivalence classes");
    let mut weights = weights_per_row(weights, counts.as_deref());
    order_sensitive(cfg, &meta.source, &mut sensitive)?;
    // Nothing reads the rows' codes, counts or weights again (no sensitive
    // attribute, person id, attacker table or per-record output): the
    // class table consumes them, which keeps them out of the peak.
    let plain = sensitive.is_empty() && person.is_none() && cfg.aux.is_none() && !cfg.row_classes;
    let (grouping, first_histograms) = if plain {
        let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
        let codes = columns
            .iter_mut()
            .map(|c| std::mem::take(&mut c.codes))
            .collect();
        let (counts, weights) = (counts.take(), weights.take());
        let table = crate::engine::classes::group_consuming(codes, &cards, counts, weights);
        let grouping = Grouping {
            table,
            row_class: None,
            members: None,
        };
        (grouping, None)
    } else {
        let rows = Grouped {
            columns: &columns,
            sensitive: &sensitive,
            person: person.as_ref(),
            counts: counts.as_deref(),
            weights: weights.as_deref(),
        };
        group_rows(cfg, &rows)?
    };
    check_k_fits(cfg, grouping.table.records())?;
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
        Some(p) => Some(person_level(p, &columns, &grouping, counts.as_deref())?),
        None => None,
    };
    // Every later figure comes from the class table and the dictionaries;
    // only linkage reads the records' codes again. Releasing them here
    // takes 4 bytes a record and QI off the peak (320 MB for 10M × 8).
    if cfg.aux.is_none() {
        for c in columns.iter_mut() {
            c.codes = Vec::new();
        }
    }
    let t = &grouping.table;
    let fb = Basis::of(cfg, t, &columns);
    let (wild_weights, missing) = (fb.wild_weights(), fb.missing());
    let fr = Frequencies {
        sizes: &t.sizes,
        f: &fb.f,
    };
    let contributions = (!cfg.no_contribution).then(|| {
        progress.stage("attribute contribution");
        risk::contributions(t, missing)
    });
    let weight_sums = wild_weights.or(t.weights.as_deref().filter(|_| missing.is_none()));
    let (sections, per_class) =
        survey_sections(cfg, t, fr, weight_sums, missing, person_level, progress)?;
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
            wild: fb.wild.as_ref(),
            population: &population,
            basis: &basis,
        },
        population_info,
        contributions.as_deref(),
        &inference,
        sections,
        warnings,
        counts.as_deref(),
    );
    let frequencies = fb.missing().is_some().then(|| fb.f.to_vec());
    let release = ReleaseSide {
        meta: &meta,
        ids: release_ids.as_ref(),
        columns: &columns,
        counts: counts.as_deref(),
    };
    finish_report(cfg, &mut report, &release, progress)?;
    Ok(Analysis {
        report,
        grouping,
        columns,
        per_class,
        frequencies,
    })
}

/// The record frequencies every figure uses: class sizes, or with
/// `--missing-as wildcard` the records compatible with each class (and the
/// wildcard figures, reported with `both` too).
struct Basis<'t> {
    wild: Option<(Vec<u64>, Option<Vec<f64>>)>,
    /// The class sizes themselves unless wildcard counts replace them (no
    /// copy of a value per class).
    f: std::borrow::Cow<'t, [u64]>,
    /// Each QI's missing code, when missing values are wildcards.
    missing: Option<Vec<Option<u32>>>,
}

impl<'t> Basis<'t> {
    fn of(cfg: &Config, t: &'t ClassTable, columns: &[EncodedColumn]) -> Basis<'t> {
        let codes: Vec<Option<u32>> = columns.iter().map(|c| c.dict.missing).collect();
        let wild = wildcard(cfg, t, &codes);
        let wildcard_mode = cfg.missing_as == MissingAs::Wildcard;
        let f = match (&wild, wildcard_mode) {
            (Some((f, _)), true) => f.clone().into(),
            _ => t.sizes.as_slice().into(),
        };
        Basis {
            wild,
            f,
            missing: wildcard_mode.then_some(codes),
        }
    }

    fn missing(&self) -> Option<&[Option<u32>]> {
        self.missing.as_deref()
    }

    /// Wildcard weight sums, when missing values are wildcards.
    fn wild_weights(&self) -> Option<&[f64]> {
        self.missing.as_ref()?;
        self.wild.as_ref().and_then(|(_, w)| w.as_deref())
    }
}

/// The analysed table as the release an attacker table is linked to.
struct ReleaseSide<'a> {
    meta: &'a InputMeta,
    ids: Option<&'a EncodedColumn>,
    columns: &'a [EncodedColumn],
    /// Records per row of a frequency table.
    counts: Option<&'a [u64]>,
}

/// The attacker table's linkage, then the WP216 verdicts on the whole report.
fn finish_report(
    cfg: &Config,
    report: &mut Report,
    release: &ReleaseSide,
    progress: &dyn Progress,
) -> Result<()> {
    if let Some(spec) = &cfg.aux {
        progress.stage(&format!("linking {} to the release", spec.path));
        let linkage = link_aux_table(cfg, spec, release)?;
        add_linkage(cfg, report, linkage);
    }
    report.wp216 = Some(judge(report, cfg.lang));
    progress.finish();
    Ok(())
}

/// A record of a frequency table stands for `count` records of the same
/// weight: the weight of each row is weight · count.
fn weights_per_row(weights: Option<Vec<f64>>, counts: Option<&[u64]>) -> Option<Vec<f64>> {
    match (weights, counts) {
        (Some(w), Some(c)) => Some(w.iter().zip(c).map(|(w, &c)| w * c as f64).collect()),
        (w, _) => w,
    }
}

/// Sensitive attributes given an order (`--order`) are coded in it.
fn order_sensitive(cfg: &Config, source: &str, sensitive: &mut [EncodedColumn]) -> Result<()> {
    for column in sensitive {
        if let Some((_, order)) = cfg.inference.orders.iter().find(|o| o.0 == column.name) {
            reorder(source, column, order)?;
        }
    }
    Ok(())
}

/// Missing values as wildcards (sdcMicro's freqCalc): each class's record
/// frequency and weight sum over the records compatible with it. In
/// `wildcard` mode every frequency-based figure uses them; in `both` they
/// are reported beside the others.
#[allow(clippy::type_complexity)]
fn wildcard(
    cfg: &Config,
    t: &ClassTable,
    missing: &[Option<u32>],
) -> Option<(Vec<u64>, Option<Vec<f64>>)> {
    (cfg.missing_as != MissingAs::Value)
        .then(|| crate::measure::wildcard::wildcard_frequencies(t, missing))
}

/// No table smaller than k can be k-anonymous: a target k above the
/// records is a usage error, not a missed target.
fn check_k_fits(cfg: &Config, records: u64) -> Result<()> {
    match cfg.targets.k {
        Some(k) if k > records => Err(Error::usage(format!(
            "--k {k} is larger than the table ({records} records): no table that small can be {k}-anonymous"
        ))),
        _ => Ok(()),
    }
}

/// The linkage of an attacker table, and its targets, into the report.
fn add_linkage(cfg: &Config, report: &mut Report, linkage: crate::measure::linkage::Linkability) {
    report.linkage = Some(linkage);
    let checks = cfg.link_targets.check(report.linkage.as_ref(), None);
    report.targets.extend(checks);
    report.targets_met = report.targets.iter().all(|t| t.met);
}

/// The rows to group, and what is carried per row.
struct Grouped<'a> {
    columns: &'a [EncodedColumn],
    sensitive: &'a [EncodedColumn],
    person: Option<&'a EncodedColumn>,
    counts: Option<&'a [u64]>,
    weights: Option<&'a [f64]>,
}

/// Group the rows into classes. Histograms come from a cheap keys-only
/// sort of (QI codes, value) when both fit in 64 bits and rows carry no
/// counts, else from class members; with nothing per row to carry, the
/// first sensitive attribute's sort yields the class table too (and its
/// histograms are returned).
fn group_rows(cfg: &Config, r: &Grouped) -> Result<(Grouping, Option<Histograms>)> {
    let qi_bits: u32 = r.columns.iter().map(|c| bits_for(c.cardinality())).sum();
    let by_sort = r.counts.is_none()
        && r.sensitive
            .iter()
            .chain(r.person)
            .all(|s| qi_bits + bits_for(s.cardinality()) <= 64);
    let want = Want {
        row_class: cfg.row_classes,
        members: !(by_sort || r.sensitive.is_empty() && r.person.is_none()),
    };
    match r.sensitive.first() {
        Some(s) if by_sort && !want.row_class && r.weights.is_none() => {
            let codes: Vec<&[u32]> = r.columns.iter().map(|c| c.codes.as_slice()).collect();
            let cards: Vec<u32> = r.columns.iter().map(|c| c.cardinality()).collect();
            let (h, table) =
                Histograms::by_sort_with_classes(&codes, &cards, &s.codes, s.cardinality())
                    .ok_or_else(|| Error::usage("internal: sensitive key does not fit 64 bits"))?;
            let grouping = Grouping {
                table,
                row_class: None,
                members: None,
            };
            Ok((grouping, Some(h)))
        }
        _ => Ok((group_columns(r.columns, r.counts, r.weights, want), None)),
    }
}

/// k in distinct persons, from the person-id histograms of the classes.
fn person_level(
    p: &EncodedColumn,
    columns: &[EncodedColumn],
    grouping: &Grouping,
    counts: Option<&[u64]>,
) -> Result<PersonLevelInfo> {
    let h = match &grouping.members {
        Some(m) => Histograms::build(m, &p.codes, p.cardinality(), counts),
        None => {
            let codes: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
            let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
            Histograms::by_sort(&codes, &cards, &p.codes, p.cardinality())
                .ok_or_else(|| Error::usage("internal: person key does not fit 64 bits"))?
        }
    };
    Ok(survey::person_level(p, &h))
}

/// Population uniqueness, individual risk, SUDA2, the subset sweep and
/// person-level k; and the per-class figures `--records` writes.
#[allow(clippy::type_complexity)]
fn survey_sections(
    cfg: &Config,
    t: &ClassTable,
    fr: Frequencies,
    weight_sums: Option<&[f64]>,
    wildcard_missing: Option<&[Option<u32>]>,
    person_level: Option<PersonLevelInfo>,
    progress: &dyn Progress,
) -> Result<(Sections, Vec<(String, Vec<f64>)>)> {
    progress.stage("population risk");
    let big_n = survey::population_size(cfg, t)?;
    let population = big_n.map(|(n, source)| survey::population_report(t, n, source));
    let individual = survey::individual(fr, weight_sums, big_n.map(|b| b.0));
    if cfg.suda.is_some() {
        progress.stage("SUDA2 special uniques");
    }
    let suda = survey::suda(cfg, t, fr, wildcard_missing);
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
    let k_map = cfg.targets.k_map.map(|k| {
        let t_ = &cfg.targets;
        let pi = big_n.map(|(n, _)| t.records() as f64 / n);
        let derived =
            pi.map(|pi| crate::measure::kmap::derive(k, pi, t_.significance, t_.k_map_estimator));
        crate::report::KMapInfo {
            k,
            method: "estimated".into(),
            smallest_population_class: None,
            estimator: t_.k_map_estimator,
            significance: t_.significance,
            sampling_fraction: pi,
            derived_k: derived.map(|d| d.k),
            type1_error: derived.map(|d| d.type1_error),
        }
    });
    let sections = Sections {
        population,
        k_map,
        individual: individual
            .as_ref()
            .map(|(r, basis)| survey::individual_info(r, basis, t, cfg.risk_threshold)),
        suda: suda.as_ref().map(|s| survey::suda_info(s, cfg, fr)),
        subsets,
        person_level,
    };
    Ok((sections, per_class))
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
            .map_or(cfg_defaults::HOMOGENEITY_THRESHOLD, |i| {
                i.homogeneous_records.threshold
            }),
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
    side: &ReleaseSide,
) -> Result<crate::measure::linkage::Linkability> {
    use crate::run::link::{aux_columns, link_aux, ReleaseColumns};
    let (meta, ids, columns, counts) = (side.meta, side.ids, side.columns, side.counts);
    let on = aux_columns(spec, &cfg.qis, &cfg.read)?;
    let release: Vec<&EncodedColumn> = on
        .iter()
        .filter_map(|q| columns.iter().find(|c| &c.name == q))
        .collect();
    // π = n/N over records (a frequency table's rows stand for more).
    let records = counts.map_or(meta.rows, |c| c.iter().sum());
    let pi = cfg
        .sampling_fraction
        .or(cfg.population_size.map(|n| (records as f64 / n).min(1.0)));
    let spec = crate::run::link::AuxSpec {
        sampling_fraction: pi,
        ..spec.clone()
    };
    let release = ReleaseColumns {
        source: &meta.source,
        columns: release,
        ids,
        counts,
    };
    link_aux(&release, &spec, &cfg.read, &cfg.missing_tokens)
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
    pub k_map: Option<crate::report::KMapInfo>,
    pub individual: Option<IndividualRiskInfo>,
    pub suda: Option<SudaInfo>,
    pub subsets: Option<Vec<SubsetInfo>>,
    pub person_level: Option<PersonLevelInfo>,
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
    contributions: Option<&[risk::Contribution]>,
    inference: &[Assessed],
    mut sections: Sections,
    mut warnings: Vec<Notice>,
    counts: Option<&[u64]>,
) -> Report {
    let (t, fr) = (m.t, m.fr);
    let tau = cfg.risk_threshold;
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
    let risk = risk_info(cfg, &m);
    let qis = qi_infos(cfg, columns, t, &mut warnings);
    let wildcard = m
        .wild
        .map(|(freq, weighted)| wildcard_info(t, freq, weighted.as_deref(), reference_k, tau));
    let (share, records) = (uniques_share, t.records());
    let measured = gated_measures(
        cfg,
        k,
        &risk.prosecutor,
        (share, records),
        wildcard.as_ref(),
    );
    // Against a population table, k-map and δ-presence are counted.
    let counted = m.basis == "population_table";
    if let (true, Some(info)) = (counted, sections.k_map.as_mut()) {
        info.method = "population_table".into();
        info.smallest_population_class = presence::smallest_population_class(m.population);
        (info.sampling_fraction, info.derived_k, info.type1_error) = (None, None, None);
    }
    let outside = population_info.as_ref().map_or(0, |p| p.outside_rows);
    let presence = (m.basis != "sample")
        .then(|| presence::presence(fr.f, m.population))
        .flatten()
        .map(|(min, max)| crate::report::PresenceInfo {
            basis: m.basis.to_string(),
            min: if outside > 0 { 0.0 } else { min },
            max,
            outside_rows: outside,
        });
    let checks = target_checks(cfg, &measured, &sections, inference, presence.as_ref());
    let inference_map: BTreeMap<String, InferenceInfo> = inference
        .iter()
        .map(|a| {
            (
                a.column.name.clone(),
                inference_info(cfg, a, t, columns, k, counts),
            )
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        kanon_version: env!("CARGO_PKG_VERSION").to_string(),
        input: InputInfo {
            path: table.source.clone(),
            format: table.format.clone(),
            delimiter: table.delimiter.map(crate::input::csv::delimiter_name),
            rows: table.rows,
            files: table.files.clone(),
            records: t.records(),
            count_column: cfg.count.clone(),
            weight_column: cfg.weight.clone(),
            population: population_info,
            streaming: None,
        },
        quasi_identifiers: qis,
        sensitive_attributes: cfg.sensitive.clone(),
        missing_values: missing_info(cfg, wildcard),
        classes: classes_info(t, columns, cfg.show_values),
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
        risk,
        attributes: contributions.map(|c| attribute_infos(c, columns)),
        population: sections.population,
        individual_risk: sections.individual,
        suda: sections.suda,
        subsets: sections.subsets,
        person_level: sections.person_level,
        k_map: sections.k_map,
        presence,
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

/// Prosecutor, journalist and marketer risk (S4, S10, S11).
fn risk_info(cfg: &Config, m: &Measures) -> RiskInfo {
    let tau = cfg.risk_threshold;
    let t = m.t;
    let prosecutor = risk::prosecutor_of(m.fr, tau);
    // Overlapping compatible sets do not partition the records.
    let classes = (cfg.missing_as != MissingAs::Wildcard).then_some(t.len() as u64);
    let journalist = risk::journalist_of(&t.sizes, m.population, classes, tau);
    RiskInfo {
        threshold: tau,
        prosecutor: ProsecutorInfo {
            highest: prosecutor.highest,
            average: prosecutor.average,
            records_at_risk: prosecutor.records_at_risk,
            records_at_risk_count: prosecutor.records_at_risk_count,
        },
        journalist: JournalistInfo {
            basis: m.basis.to_string(),
            highest: journalist.highest,
            average: journalist.average,
            records_at_risk: journalist.records_at_risk,
            records_at_risk_count: journalist.records_at_risk_count,
        },
        marketer: risk::marketer_of(&t.sizes, m.population),
    }
}

/// Per QI: kind, distinct values, missing records (with a warning each).
fn qi_infos(
    cfg: &Config,
    columns: &[EncodedColumn],
    t: &ClassTable,
    warnings: &mut Vec<Notice>,
) -> Vec<QiInfo> {
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
            warnings.push(Notice::QiMissing {
                column: col.name.clone(),
                missing,
                tokens: cfg.missing_tokens.clone(),
                treated_as: cfg.missing_as.name().to_string(),
            });
        }
        qis.push(QiInfo {
            name: col.name.clone(),
            kind: col.dict.kind,
            distinct: col.cardinality() as u64,
            missing,
        });
    }
    qis
}

/// The singling-out figures with missing values as wildcards.
fn wildcard_info(
    t: &ClassTable,
    freq: &[u64],
    weighted: Option<&[f64]>,
    reference_k: u64,
    tau: f64,
) -> WildcardInfo {
    let f = crate::measure::wildcard::figures(t, freq, reference_k, tau);
    WildcardInfo {
        k: f.k,
        sample_uniques: f.sample_uniques,
        records_below_k: f.records_below_k,
        prosecutor_highest: f.highest,
        prosecutor_average: f.average,
        records_at_risk: f.records_at_risk,
        smallest_weighted_frequency: weighted
            .map(|w| w.iter().copied().fold(f64::INFINITY, f64::min)),
    }
}

/// The figures the singling-out targets are checked on: the report's own,
/// the wildcard ones, or the worse of both (`--missing-as`).
fn gated_measures(
    cfg: &Config,
    k: u64,
    p: &ProsecutorInfo,
    (uniques, records): (f64, u64),
    wildcard: Option<&WildcardInfo>,
) -> Measured {
    let tau = cfg.risk_threshold;
    let own = Measured {
        k,
        highest_risk: p.highest,
        average_risk: p.average,
        records_at_risk: p.records_at_risk,
        threshold: tau,
        uniques,
    };
    // A record compatible with no other is unique under wildcards.
    let wild_uniques = |w: &WildcardInfo| w.sample_uniques as f64 / records.max(1) as f64;
    match (wildcard, cfg.missing_as) {
        (Some(w), MissingAs::Wildcard) => Measured {
            k: w.k,
            highest_risk: w.prosecutor_highest,
            average_risk: w.prosecutor_average,
            records_at_risk: w.records_at_risk,
            threshold: tau,
            uniques: wild_uniques(w),
        },
        (Some(w), MissingAs::Both) => Measured {
            k: own.k.min(w.k),
            highest_risk: own.highest_risk.max(w.prosecutor_highest),
            average_risk: own.average_risk.max(w.prosecutor_average),
            records_at_risk: own.records_at_risk.max(w.records_at_risk),
            threshold: tau,
            uniques: own.uniques.max(wild_uniques(w)),
        },
        _ => own,
    }
}

/// Every target checked: singling out, population risk, inference.
fn target_checks(
    cfg: &Config,
    measured: &Measured,
    sections: &Sections,
    inference: &[Assessed],
    presence: Option<&crate::report::PresenceInfo>,
) -> Vec<crate::gate::targets::TargetCheck> {
    let mut checks = check(&cfg.targets, measured);
    let k_map = match &sections.k_map {
        Some(info) => match (info.smallest_population_class, info.derived_k) {
            (Some(smallest), _) => KMapFigure::Population(smallest),
            (None, Some(derived)) => KMapFigure::Estimated {
                derived,
                k: measured.k,
            },
            (None, None) => KMapFigure::Missing,
        },
        None => KMapFigure::Missing,
    };
    checks.extend(check_k_map(&cfg.targets, k_map));
    checks.extend(check_presence(
        &cfg.targets,
        presence.map(|p| (p.min, p.max)),
    ));
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
    checks
}

/// How missing values were treated, and the wildcard figures.
fn missing_info(cfg: &Config, wildcard: Option<WildcardInfo>) -> MissingInfo {
    let (treatment, gated_on) = match cfg.missing_as {
        MissingAs::Value => ("value", "value"),
        MissingAs::Wildcard => ("wildcard", "wildcard"),
        MissingAs::Both => ("both", "worse_of_both"),
    };
    MissingInfo {
        tokens: cfg.missing_tokens.clone(),
        treatment: treatment.into(),
        gated_on: gated_on.into(),
        wildcard,
    }
}

/// Class statistics and the smallest classes.
fn classes_info(t: &ClassTable, columns: &[EncodedColumn], show_values: bool) -> ClassesInfo {
    let stats = class_stats(t);
    ClassesInfo {
        count: stats.count,
        min_size: stats.min_size,
        max_size: stats.max_size,
        mean_size: stats.mean_size,
        median_size: stats.median_size,
        histogram: stats.histogram.iter().map(|&(s, c)| [s, c]).collect(),
        smallest: smallest_classes(t, columns, show_values, 10),
    }
}

/// Attribute contribution, by QI name.
fn attribute_infos(
    contributions: &[risk::Contribution],
    columns: &[EncodedColumn],
) -> Vec<AttributeInfo> {
    contributions
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
        .collect()
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
    InferenceInfo {
        kind: dict.kind,
        values: dict.len() as u64,
        missing: missing_records(&a.column, counts),
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
        worst_classes: worst_classes(cfg, a, t, qis),
    }
}

/// Records whose value of `column` is missing (records, not rows: a row
/// of a frequency table stands for `count`).
fn missing_records(column: &EncodedColumn, counts: Option<&[u64]>) -> u64 {
    match column.dict.missing {
        Some(m) => column
            .codes
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == m)
            .map(|(i, _)| counts.map_or(1, |k| k[i]))
            .sum(),
        None => 0,
    }
}

/// The classes that reveal the most about a sensitive attribute; their
/// values only with `--show-values`.
fn worst_classes(
    cfg: &Config,
    a: &Assessed,
    t: &ClassTable,
    qis: &[EncodedColumn],
) -> Vec<WorstClassInfo> {
    let dict = &a.column.dict;
    a.result
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
        .collect()
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
    // Keep the `limit` smallest (size, class) pairs of each part in a
    // max-heap: once it is full, a pair goes in only if it beats the
    // largest kept, which most classes do not (one comparison each, not a
    // push and a pop). The parts' pairs, merged, hold the `limit` smallest.
    let smallest = |r: std::ops::Range<usize>| {
        let mut heap = std::collections::BinaryHeap::with_capacity(limit + 1);
        for c in r {
            let f = t.sizes[c];
            if heap.len() < limit {
                heap.push((f, c));
            } else if heap.peek().is_some_and(|&top| (f, c) < top) {
                heap.push((f, c));
                heap.pop();
            }
        }
        heap.into_sorted_vec()
    };
    let merge = |a: Vec<(u64, usize)>, b: Vec<(u64, usize)>| {
        let mut both = [a, b].concat();
        both.sort_unstable();
        both.truncate(limit);
        both
    };
    crate::engine::bulk::by_parts(t.len(), smallest, merge)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest classes, smallest first and ties in class order, as a
    /// full sort gives them.
    #[test]
    fn smallest_classes_as_a_sort_gives_them() {
        let mut rng = crate::engine::splitmix::SplitMix64(3);
        // Over 2^16 classes, the parts' smallest are merged.
        for (limit, classes) in [(0usize, 500), (1, 500), (2, 500), (10, 500), (10, 200_000)] {
            let sizes: Vec<u64> = (0..classes)
                .map(|c| match c % 70_001 {
                    // The smallest sizes sit in later parts.
                    69_999 | 70_000 => 1,
                    _ => 2 + rng.next_u64() % 4,
                })
                .collect();
            let t = ClassTable {
                keys: vec![vec![0; sizes.len()]],
                cards: vec![1],
                sizes: sizes.clone(),
                weights: None,
            };
            let got: Vec<(u64, u64)> = smallest_classes(&t, &[], false, limit)
                .iter()
                .map(|s| (s.size, s.class_id))
                .collect();
            let mut want: Vec<(u64, u64)> = (sizes.iter().enumerate())
                .map(|(c, &f)| (f, c as u64))
                .collect();
            want.sort();
            want.truncate(limit);
            assert_eq!(got, want, "limit {limit}");
        }
    }
}
