//! `kanon analyse` as a library call: read, encode, group, measure, report.

use polars::prelude::*;
use rustc_hash::FxHashMap;

use crate::classes::{group, ClassTable, Grouping, Rows};
use crate::encode::{encode_columns, EncodedColumn};
use crate::error::{Error, Result};
use crate::input::{read_table, ReadOptions, Table};
use crate::privacy::{below_k, class_stats, k_anonymity, sample_uniques};
use crate::progress::Progress;
use crate::report::*;
use crate::risk;
use crate::targets::{check, Measured, Targets};

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
        for (i, (name, role)) in roles.iter().enumerate() {
            if let Some((_, first)) = roles[..i].iter().find(|(n, _)| n == name) {
                return Err(Error::usage(if first == role {
                    format!("column '{name}' is named twice as a {role}")
                } else {
                    format!("column '{name}' cannot be both a {first} and a {role}")
                }));
            }
        }
        if !(self.risk_threshold > 0.0 && self.risk_threshold <= 1.0) {
            return Err(Error::usage(format!(
                "--risk-threshold must be above 0 and at most 1, got {}",
                self.risk_threshold
            )));
        }
        self.targets.validate()
    }

    fn columns(&self) -> Vec<String> {
        let mut c = self.qis.clone();
        c.extend(self.sensitive.iter().cloned());
        c.extend(self.weight.iter().cloned());
        c.extend(self.count.iter().cloned());
        c
    }
}

/// The result of an analysis: the report and what per-record output needs.
pub struct Analysis {
    pub report: Report,
    pub grouping: Grouping,
    /// The encoded quasi-identifiers.
    pub columns: Vec<EncodedColumn>,
}

/// Run an analysis.
pub fn analyse(cfg: &Config, progress: &Progress) -> Result<Analysis> {
    cfg.validate()?;
    progress.stage(&format!("reading {}", cfg.input));
    let table = read_table(&cfg.input, &cfg.columns(), &cfg.read)?;
    let counts = match &cfg.count {
        Some(c) => Some(read_counts(&table, c)?),
        None => None,
    };
    let weights = match &cfg.weight {
        Some(w) => Some(read_weights(&table, w)?),
        None => None,
    };
    progress.stage("encoding quasi-identifiers");
    let columns = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
    progress.stage("grouping into equivalence classes");
    // A record of a frequency table stands for `count` records of the same weight.
    let weights = match (weights, &counts) {
        (Some(w), Some(c)) => Some(w.iter().zip(c).map(|(w, &c)| w * c as f64).collect()),
        (w, _) => w,
    };
    let grouping = group_columns(
        &columns,
        counts.as_deref(),
        weights.as_deref(),
        cfg.row_classes,
    );
    let records = grouping.table.records();
    if let Some(k) = cfg.targets.k {
        if k > records {
            return Err(Error::usage(format!(
                "--k {k} is larger than the table ({records} records): no table that small can be {k}-anonymous"
            )));
        }
    }
    progress.stage("attribute contribution");
    let contributions = risk::contributions(&grouping.table);
    progress.stage("measuring risk");
    let mut warnings = Vec::new();
    let (population, basis, population_info) =
        population_sizes(cfg, &columns, &grouping.table, &mut warnings)?;
    let report = build_report(
        cfg,
        &table,
        &columns,
        &grouping.table,
        &population,
        &basis,
        population_info,
        &contributions,
        warnings,
    );
    progress.finish();
    Ok(Analysis {
        report,
        grouping,
        columns,
    })
}

/// Encode the QI columns of a table.
pub fn encode_qis(table: &Table, qis: &[String], tokens: &[String]) -> Result<Vec<EncodedColumn>> {
    let series: Vec<(&str, &Series)> = qis
        .iter()
        .map(|q| Ok((q.as_str(), table.column(q)?)))
        .collect::<Result<_>>()?;
    encode_columns(&table.source, &series, tokens)
}

/// Group encoded columns into classes.
pub fn group_columns(
    columns: &[EncodedColumn],
    counts: Option<&[u64]>,
    weights: Option<&[f64]>,
    row_classes: bool,
) -> Grouping {
    let codes: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
    let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
    let len = columns.first().map_or(0, |c| c.codes.len());
    group(
        Rows {
            columns: &codes,
            cards: &cards,
            counts,
            weights,
            len,
        },
        row_classes,
    )
}

/// Parse a numeric column cell by cell, naming the row of the first bad cell.
fn numeric_cells(table: &Table, name: &str) -> Result<Vec<f64>> {
    let s = table.column(name)?;
    let source = &table.source;
    if s.dtype() == &DataType::String {
        let ca = s
            .str()
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        ca.iter()
            .enumerate()
            .map(|(i, v)| {
                let row = i as u64 + 1;
                let v =
                    v.ok_or_else(|| Error::cell(source, Some(name), row, "value is missing"))?;
                v.trim().parse::<f64>().map_err(|_| {
                    Error::cell(source, Some(name), row, format!("'{v}' is not a number"))
                })
            })
            .collect()
    } else if s.dtype().is_primitive_numeric() {
        let f = s
            .cast(&DataType::Float64)
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        let ca = f
            .f64()
            .map_err(|e| Error::column(source, name, e.to_string()))?;
        ca.iter()
            .enumerate()
            .map(|(i, v)| {
                v.ok_or_else(|| Error::cell(source, Some(name), i as u64 + 1, "value is missing"))
            })
            .collect()
    } else {
        Err(Error::column(
            source,
            name,
            format!("expected numbers, found values of type {}", s.dtype()),
        ))
    }
}

/// Sampling weights: finite and positive.
fn read_weights(table: &Table, name: &str) -> Result<Vec<f64>> {
    let w = numeric_cells(table, name)?;
    if let Some((i, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0))
    {
        return Err(Error::cell(
            &table.source,
            Some(name),
            i as u64 + 1,
            format!("weight {v} is not a positive number"),
        ));
    }
    Ok(w)
}

/// Record counts of a frequency table: whole numbers ≥ 1.
fn read_counts(table: &Table, name: &str) -> Result<Vec<u64>> {
    numeric_cells(table, name)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            if v.is_finite() && v >= 1.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
                Ok(v as u64)
            } else {
                Err(Error::cell(
                    &table.source,
                    Some(name),
                    i as u64 + 1,
                    format!("count {v} is not a whole number of at least 1"),
                ))
            }
        })
        .collect()
}

/// Population class sizes F_c: from a population table, from weights, or
/// the sample itself.
fn population_sizes(
    cfg: &Config,
    columns: &[EncodedColumn],
    t: &ClassTable,
    warnings: &mut Vec<String>,
) -> Result<(Vec<f64>, String, Option<PopulationInfo>)> {
    if let Some(path) = &cfg.population {
        let (sizes, info, raised) = population_table(cfg, path, columns, t)?;
        if raised > 0 {
            warnings.push(format!(
                "{raised} classes are smaller in the population table {path} than in the sample; \
                 their population size was raised to the sample size (is the sample drawn from it?)"
            ));
        }
        return Ok((sizes, "population_table".into(), Some(info)));
    }
    if let Some((sizes, raised)) = risk::population_from_weights(t) {
        if raised > 0 {
            warnings.push(format!(
                "in {raised} classes the weights sum to less than the number of records; \
                 their population size was raised to the sample size"
            ));
        }
        return Ok((sizes, "weights".into(), None));
    }
    Ok((risk::population_from_sample(t), "sample".into(), None))
}

/// Class sizes of the sample's classes in a population table with the same
/// QIs. Values are matched by their text; population rows with a value that
/// the sample lacks match no sample class and are left out.
fn population_table(
    cfg: &Config,
    path: &str,
    sample: &[EncodedColumn],
    t: &ClassTable,
) -> Result<(Vec<f64>, PopulationInfo, u64)> {
    let read = ReadOptions {
        format: None,
        delimiter: cfg.read.delimiter,
    };
    let table = read_table(path, &cfg.qis, &read)?;
    let pop = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
    let rows = table.rows();
    let mut keep = vec![true; rows];
    let mut translated: Vec<Vec<u32>> = Vec::with_capacity(sample.len());
    for (s, p) in sample.iter().zip(&pop) {
        let by_label: FxHashMap<&str, u32> = s
            .dict
            .labels
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i as u32) != s.dict.missing)
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        let map: Vec<Option<u32>> = (0..p.dict.len() as u32)
            .map(|c| {
                if Some(c) == p.dict.missing {
                    s.dict.missing
                } else {
                    by_label.get(p.dict.labels[c as usize].as_str()).copied()
                }
            })
            .collect();
        let col: Vec<u32> = p
            .codes
            .iter()
            .zip(keep.iter_mut())
            .map(|(&c, k)| match map[c as usize] {
                Some(x) => x,
                None => {
                    *k = false;
                    0
                }
            })
            .collect();
        translated.push(col);
    }
    let kept: Vec<usize> = (0..rows).filter(|&i| keep[i]).collect();
    let columns: Vec<Vec<u32>> = translated
        .iter()
        .map(|c| kept.iter().map(|&i| c[i]).collect())
        .collect();
    let refs: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
    let p = group(
        Rows {
            columns: &refs,
            cards: &t.cards,
            counts: None,
            weights: None,
            len: kept.len(),
        },
        false,
    )
    .table;
    // Both tables are sorted by key: merge.
    let mut sizes = Vec::with_capacity(t.len());
    let mut raised = 0;
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
        let f = t.sizes[c];
        if found < f {
            raised += 1;
        }
        sizes.push(found.max(f) as f64);
    }
    let info = PopulationInfo {
        path: path.to_string(),
        rows: rows as u64,
        matched_rows: kept.len() as u64,
    };
    Ok((sizes, info, raised))
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    cfg: &Config,
    table: &Table,
    columns: &[EncodedColumn],
    t: &ClassTable,
    population: &[f64],
    basis: &str,
    population_info: Option<PopulationInfo>,
    contributions: &[risk::Contribution],
    mut warnings: Vec<String>,
) -> Report {
    let tau = cfg.risk_threshold;
    let n = t.records();
    let stats = class_stats(t);
    let k = k_anonymity(t);
    let (reference_k, reference_source) = match cfg.targets.k {
        Some(k) => (k, "target"),
        None => ((1.0 / tau).ceil() as u64, "risk_threshold"),
    };
    let below = below_k(t, reference_k);
    let (uniques, uniques_share) = sample_uniques(t);
    let prosecutor = risk::prosecutor(t, tau);
    let journalist = risk::journalist(t, population, tau);
    let marketer = risk::marketer(t, population);

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
                "quasi-identifier '{}' has {missing} missing values (empty, null{}); \
                 they are treated as one value of their own",
                col.name,
                if cfg.missing_tokens.is_empty() {
                    String::new()
                } else {
                    format!(" or {}", cfg.missing_tokens.join(", "))
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

    let measured = Measured {
        k,
        highest_risk: prosecutor.highest,
        average_risk: prosecutor.average,
        records_at_risk: prosecutor.records_at_risk,
        threshold: tau,
    };
    let checks = check(&cfg.targets, &measured);
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
            format: table.format.name().to_string(),
            delimiter: table.delimiter.map(crate::input::csv::delimiter_name),
            rows: table.rows() as u64,
            records: n,
            count_column: cfg.count.clone(),
            weight_column: cfg.weight.clone(),
            population: population_info,
        },
        quasi_identifiers: qis,
        sensitive_attributes: cfg.sensitive.clone(),
        missing_values: MissingInfo {
            tokens: cfg.missing_tokens.clone(),
            treatment: "own_value".into(),
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
        targets_met: checks.iter().all(|c| c.met),
        targets: checks,
        warnings,
    }
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
