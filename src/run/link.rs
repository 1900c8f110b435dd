//! Linkage from files: `kanon link` and `kanon analyse --aux`.

use crate::engine::encode::EncodedColumn;
use crate::error::{Error, Result};
use crate::gate::targets::{at_most, TargetCheck};
use crate::input::hierarchy::Hierarchy;
use crate::input::{read_table, ReadOptions, Table};
use crate::measure::linkage::cover::NodeIndex;
use crate::measure::linkage::cross::{align, compose, Alignment, Composition};
use crate::measure::linkage::{link, LinkInput, Linkability, Truth};
use crate::notice::Notice;
use crate::progress::Progress;

/// An attacker table and how to link it.
#[derive(Debug, Clone, Default)]
pub struct AuxSpec {
    pub path: String,
    /// Columns linked on; empty = every column the release shares with it
    /// (for `analyse --aux`: every shared quasi-identifier).
    pub on: Vec<String>,
    /// Ground-truth id columns in the release and in the attacker table.
    pub release_id: Option<String>,
    pub aux_id: Option<String>,
    /// Hierarchies whose labels the release uses: (column, file).
    pub hierarchies: Vec<(String, String)>,
    /// π of the release (precision of unique matches without ids).
    pub sampling_fraction: Option<f64>,
    /// Column of record counts: the attacker table is a frequency table.
    pub count: Option<String>,
}

/// Linkage targets (exit 1 when missed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkTargets {
    /// L1 at most this share.
    pub max_unique_match_rate: Option<f64>,
    /// L7 risk (point estimate) at most this.
    pub max_link_risk: Option<f64>,
    /// Cross-release: every intersection class at least this size.
    pub k_intersection: Option<u64>,
}

impl LinkTargets {
    pub fn validate(&self) -> Result<()> {
        for (flag, v) in [
            ("--max-unique-match-rate", self.max_unique_match_rate),
            ("--max-link-risk", self.max_link_risk),
        ] {
            if let Some(v) = v {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::usage(format!(
                        "{flag} must be a share between 0 and 1, got {v}"
                    )));
                }
            }
        }
        if self.k_intersection == Some(0) {
            return Err(Error::usage("--k must be at least 1"));
        }
        Ok(())
    }

    /// Check the targets that are set against the figures there are.
    pub fn check(&self, l: Option<&Linkability>, c: Option<&Composition>) -> Vec<TargetCheck> {
        let mut out = Vec::new();
        let missing = "needs an attacker table (--aux)";
        if let Some(limit) = self.max_unique_match_rate {
            let actual = l.map(|l| l.unique_match_rate);
            out.push(at_most(
                "max_unique_match_rate",
                "unique-match rate",
                limit,
                actual,
                missing,
            ));
        }
        if let Some(limit) = self.max_link_risk {
            let actual = l.map(|l| l.risk.value);
            let what = "baseline-corrected linkage risk";
            out.push(at_most("max_link_risk", what, limit, actual, missing));
        }
        if let Some(k) = self.k_intersection {
            out.push(match c {
                Some(c) => TargetCheck {
                    name: "k_intersection".into(),
                    limit: k as f64,
                    actual: c.k_intersection as f64,
                    met: c.k_intersection >= k,
                    message: format!(
                        "k after composing the releases: smallest intersection {} (target k ≥ {k})",
                        c.k_intersection
                    ),
                },
                None => TargetCheck {
                    name: "k_intersection".into(),
                    limit: k as f64,
                    actual: f64::NAN,
                    met: false,
                    message: "k after composing the releases: not computed (needs --previous)"
                        .into(),
                },
            });
        }
        out
    }
}

/// Everything `kanon link` needs.
#[derive(Debug, Clone, Default)]
pub struct LinkConfig {
    pub release: String,
    pub read: ReadOptions,
    /// Column of record counts: the release is a frequency table.
    pub count: Option<String>,
    pub missing_tokens: Vec<String>,
    pub aux: Option<AuxSpec>,
    /// An earlier release of the same extract.
    pub previous: Option<String>,
    /// Id column of the previous release (pairs with `aux.release_id` /
    /// `release_id`).
    pub previous_id: Option<String>,
    pub release_id: Option<String>,
    /// Columns for the cross-release check; empty = all common ones.
    pub on: Vec<String>,
    pub hierarchies: Vec<(String, String)>,
    pub population_size: Option<f64>,
    pub sampling_fraction: Option<f64>,
    pub targets: LinkTargets,
    /// The k below which records count as exposed after composition.
    pub reference_k: u64,
    /// Language of the verdict's reason.
    pub lang: crate::render::lang::Lang,
}

use crate::input::FileInfo;
use crate::report::{CrossRelease, LinkReport};

fn headers(path: &str, read: &ReadOptions) -> Result<Vec<String>> {
    Ok(read_table(path, &[], read)?.all_columns)
}

fn encode(table: &Table, cols: &[String], tokens: &[String]) -> Result<Vec<EncodedColumn>> {
    crate::input::columns::encode(table, cols, tokens)
}

/// The columns both tables have, in the first one's order, ids left out.
fn common(a: &[String], b: &[String], skip: &[&Option<String>]) -> Vec<String> {
    a.iter()
        .filter(|c| b.contains(c) && !skip.iter().any(|s| s.as_deref() == Some(c.as_str())))
        .cloned()
        .collect()
}

fn node_indexes(on: &[String], hierarchies: &[(String, String)]) -> Result<Vec<Option<NodeIndex>>> {
    on.iter()
        .map(|c| {
            hierarchies
                .iter()
                .find(|h| &h.0 == c)
                .map(|h| Hierarchy::read(&h.1).map(|h| NodeIndex::new(&h)))
                .transpose()
        })
        .collect()
}

/// The release side of a linkage: its encoded columns (at least those of
/// `spec.on`, resolved by the caller), ids and records per row.
pub struct ReleaseColumns<'a> {
    pub source: &'a str,
    pub columns: Vec<&'a EncodedColumn>,
    pub ids: Option<&'a EncodedColumn>,
    /// Records per row of a frequency table.
    pub counts: Option<&'a [u64]>,
}

/// Link an attacker table to release columns already encoded.
pub fn link_aux(
    release: &ReleaseColumns,
    spec: &AuxSpec,
    read: &ReadOptions,
    tokens: &[String],
) -> Result<Linkability> {
    let on: Vec<String> = release.columns.iter().map(|c| c.name.clone()).collect();
    let mut wanted = on.clone();
    wanted.extend(spec.aux_id.iter().cloned());
    let mut read_cols = wanted.clone();
    read_cols.extend(spec.count.iter().cloned());
    let table = read_table(&spec.path, &read_cols, read)?;
    let file = table.files.first().cloned();
    let aux_counts = (spec.count.as_ref())
        .map(|c| crate::input::columns::read_counts(&table, c))
        .transpose()?;
    let mut aux = encode(&table, &wanted, tokens)?;
    let aux_ids = spec.aux_id.as_ref().and_then(|_| aux.pop());
    let truth = match (release.ids, &aux_ids) {
        (Some(r), Some(a)) => Some(Truth {
            release_ids: r,
            aux_ids: a,
        }),
        _ => None,
    };
    let mut l = link(&LinkInput {
        release: release.columns.clone(),
        aux: aux.iter().collect(),
        nodes: node_indexes(&on, &spec.hierarchies)?,
        truth,
        release_counts: release.counts,
        aux_counts: aux_counts.as_deref(),
        sampling_fraction: spec.sampling_fraction,
        release_source: release.source,
    })?;
    l.attacker_file = file;
    Ok(l)
}

/// Which columns `analyse --aux` links on: those named, which must be
/// quasi-identifiers, or every quasi-identifier the attacker table has.
pub fn aux_columns(spec: &AuxSpec, qis: &[String], read: &ReadOptions) -> Result<Vec<String>> {
    if !spec.on.is_empty() {
        for c in &spec.on {
            if !qis.contains(c) {
                return Err(Error::usage(format!(
                    "--aux-on names '{c}', which is not a declared quasi-identifier: a column the attacker knows is a quasi-identifier, add it to --qi"
                )));
            }
        }
        return Ok(spec.on.clone());
    }
    let aux = headers(&spec.path, read)?;
    let on = common(qis, &aux, &[&spec.aux_id]);
    if on.is_empty() {
        return Err(Error::file(
            &spec.path,
            format!(
                "the attacker table shares no quasi-identifier with the release (its columns: {})",
                aux.join(", ")
            ),
        ));
    }
    Ok(on)
}

/// `kanon link`.
pub fn run_link(cfg: &LinkConfig, progress: &dyn Progress) -> Result<LinkReport> {
    check_link_config(cfg)?;
    progress.stage(&format!("reading {}", cfg.release));
    let (aux_on, prev_on) = link_columns(cfg)?;
    let mut wanted: Vec<String> = aux_on.clone();
    for c in prev_on.iter().chain(cfg.release_id.iter()) {
        if !wanted.contains(c) {
            wanted.push(c.clone());
        }
    }
    let mut read_cols = wanted.clone();
    read_cols.extend(cfg.count.iter().cloned());
    let table = crate::input::read_table_with(&cfg.release, &read_cols, &cfg.read, progress)?;
    let counts = (cfg.count.as_ref())
        .map(|c| crate::input::columns::read_counts(&table, c))
        .transpose()?;
    let encoded = encode(&table, &wanted, &cfg.missing_tokens)?;
    let release = Release {
        table: &table,
        columns: &encoded,
        ids: cfg
            .release_id
            .as_ref()
            .and_then(|id| encoded.iter().find(|c| &c.name == id)),
        counts: counts.as_deref(),
    };
    // n: the release's records (a frequency table's rows stand for more).
    let n = counts
        .as_ref()
        .map_or(table.rows() as u64, |c| c.iter().sum()) as f64;
    let pi = cfg
        .sampling_fraction
        .or(cfg.population_size.map(|big| (n / big).min(1.0)));
    let mut warnings = Vec::new();
    let linkability = match &cfg.aux {
        Some(spec) => {
            progress.stage(&format!("linking {} to the release", spec.path));
            Some(link_attacker(
                cfg,
                spec,
                &release,
                &aux_on,
                pi,
                &mut warnings,
            )?)
        }
        None => None,
    };
    let (cross, previous_info) = match &cfg.previous {
        Some(path) => {
            progress.stage(&format!("composing with {path}"));
            let (c, info) = link_previous(cfg, path, &release, &prev_on, pi, &mut warnings)?;
            (Some(c), info)
        }
        None => (None, None),
    };
    progress.finish();
    let targets = cfg
        .targets
        .check(linkability.as_ref(), cross.as_ref().map(|c| &c.composition));
    let targets_met = targets.iter().all(|t| t.met);
    let assessment = crate::gate::wp216::linkability(
        linkability.as_ref(),
        cross.as_ref().map(|c| &c.composition),
        &targets.iter().collect::<Vec<_>>(),
        cfg.reference_k.max(1),
    );
    let verdict = crate::render::wp216::judgement(&assessment, cfg.lang);
    Ok(LinkReport {
        schema_version: crate::report::SCHEMA_VERSION,
        kanon_version: env!("CARGO_PKG_VERSION").to_string(),
        release: table.files.first().cloned().unwrap_or_else(|| FileInfo {
            path: cfg.release.clone(),
            size: 0,
            sha256: String::new(),
            rows: table.rows() as u64,
        }),
        aux: linkability.as_ref().and_then(|l| l.attacker_file.clone()),
        previous: previous_info,
        linkability,
        cross_release: cross,
        targets,
        targets_met,
        verdict,
        warnings,
    })
}

/// The release as read for linking: its table, encoded columns and ids.
struct Release<'a> {
    table: &'a Table,
    columns: &'a [EncodedColumn],
    ids: Option<&'a EncodedColumn>,
    counts: Option<&'a [u64]>,
}

impl Release<'_> {
    fn pick(&self, names: &[String]) -> Vec<&EncodedColumn> {
        names
            .iter()
            .filter_map(|n| self.columns.iter().find(|c| &c.name == n))
            .collect()
    }
}

fn check_link_config(cfg: &LinkConfig) -> Result<()> {
    cfg.targets.validate()?;
    if cfg.count.is_some() && cfg.previous.is_some() {
        return Err(Error::usage(
            "--previous pairs the records of two releases, and a frequency table (--count) has \
             none: compose the releases' record-level files",
        ));
    }
    if cfg.aux.is_none() && cfg.previous.is_none() {
        return Err(Error::usage(
            "give an attacker table (--aux FILE), an earlier release (--previous FILE), or both",
        ));
    }
    match cfg.sampling_fraction {
        Some(p) if !(p > 0.0 && p <= 1.0) => Err(Error::usage(format!(
            "--sampling-fraction must be above 0 and at most 1, got {p}"
        ))),
        _ => Ok(()),
    }
}

/// The columns linked on: with the attacker table, and with the earlier
/// release (those named, or every column the tables share, ids excluded).
fn link_columns(cfg: &LinkConfig) -> Result<(Vec<String>, Vec<String>)> {
    let release_cols = headers(&cfg.release, &cfg.read)?;
    // Ids and count columns are never linked on.
    let ids = [&cfg.release_id, &cfg.previous_id, &cfg.count];
    let aux_on = match &cfg.aux {
        Some(spec) if !spec.on.is_empty() => spec.on.clone(),
        Some(spec) => {
            let aux = headers(&spec.path, &cfg.read)?;
            let mut skip = ids.to_vec();
            skip.push(&spec.aux_id);
            skip.push(&spec.count);
            let on = common(&release_cols, &aux, &skip);
            if on.is_empty() {
                return Err(Error::file(
                    &spec.path,
                    "shares no column with the release: name the columns with --on",
                ));
            }
            on
        }
        None => Vec::new(),
    };
    let prev_on = match &cfg.previous {
        Some(_) if !cfg.on.is_empty() => cfg.on.clone(),
        Some(p) => {
            let on = common(&release_cols, &headers(p, &cfg.read)?, &ids);
            if on.is_empty() {
                return Err(Error::file(p, "shares no column with the release"));
            }
            on
        }
        None => Vec::new(),
    };
    Ok((aux_on, prev_on))
}

/// The attacker table linked to the release, with a warning per column
/// whose attacker values match no released value.
fn link_attacker(
    cfg: &LinkConfig,
    spec: &AuxSpec,
    release: &Release,
    on: &[String],
    pi: Option<f64>,
    warnings: &mut Vec<Notice>,
) -> Result<Linkability> {
    let spec = AuxSpec {
        sampling_fraction: pi,
        hierarchies: cfg.hierarchies.clone(),
        ..spec.clone()
    };
    if spec.aux_id.is_some() != cfg.release_id.is_some() {
        return Err(Error::usage(
            "ground truth needs both --release-id and --aux-id",
        ));
    }
    let columns = ReleaseColumns {
        source: &cfg.release,
        columns: release.pick(on),
        ids: release.ids,
        counts: release.counts,
    };
    let l = link_aux(&columns, &spec, &cfg.read, &cfg.missing_tokens)?;
    for c in &l.columns {
        if c.attacker_values_unmatched > 0 {
            warnings.push(Notice::AttackerValuesUnmatched {
                column: c.name.clone(),
                unmatched: c.attacker_values_unmatched,
                distinct: c.attacker_values,
            });
        }
    }
    Ok(l)
}

/// An earlier release composed with this one (the intersections of their
/// classes) and linked to it as an attacker's table.
fn link_previous(
    cfg: &LinkConfig,
    path: &str,
    release: &Release,
    on: &[String],
    pi: Option<f64>,
    warnings: &mut Vec<Notice>,
) -> Result<(CrossRelease, Option<FileInfo>)> {
    let mut pw = on.to_vec();
    pw.extend(cfg.previous_id.iter().cloned());
    let ptable = read_table(path, &pw, &cfg.read)?;
    let mut pcols = encode(&ptable, &pw, &cfg.missing_tokens)?;
    let pids = cfg.previous_id.as_ref().and_then(|_| pcols.pop());
    let alignment = match (release.ids, &pids) {
        (Some(r), Some(p)) => Alignment::Ids(r, p),
        (None, None) => Alignment::Position,
        _ => {
            return Err(Error::usage(
                "pairing the releases by id needs both --release-id and --previous-id",
            ))
        }
    };
    let rows = release.table.rows();
    let (pairs, by) = align(&alignment, rows, ptable.rows(), &cfg.release, path)?;
    if by == "row_position" {
        warnings.push(Notice::PairedByRowPosition);
    }
    let rsel = release.pick(on);
    let psel: Vec<&EncodedColumn> = pcols.iter().collect();
    let composition = compose(&rsel, &psel, &pairs, by, cfg.reference_k.max(1));
    let linkage = link(&LinkInput {
        release: rsel.clone(),
        aux: psel,
        nodes: node_indexes(on, &cfg.hierarchies)?,
        truth: None,
        release_counts: None,
        aux_counts: None,
        sampling_fraction: pi,
        release_source: &cfg.release,
    })?;
    let cross = CrossRelease {
        composition,
        linkage,
    };
    Ok((cross, ptable.files.first().cloned()))
}
