//! Inputs larger than memory, and several files read as one table.
//!
//! A class table is a sum (docs/ARCHITECTURE.md, "Mergeable aggregates"): the
//! tables of two parts of the data merge by adding the sizes of equal keys.
//! The streaming reader cuts each input into batches (CSV: chunks of about
//! `batch_bytes`, cut at record ends outside quotes; Parquet, Arrow IPC and
//! NDJSON: one file at a time), encodes every batch's columns with its own
//! dictionary, maps them onto one global dictionary per column, groups the
//! batch on the quasi-identifiers and sensitive attributes together, and
//! merges the batch's class table into the running one. Memory is bounded
//! by one batch plus the class table, whatever the number of rows. At the
//! end the global dictionaries are put in the order the in-memory encoder
//! uses (numbers numerically, text bytewise, missing last), and the merged
//! table is analysed as a frequency table: every figure equals that of the
//! in-memory analysis of the same rows.

use polars::prelude::{DataFrame, IntoColumn, IntoSeries, NamedFrom};
use rustc_hash::FxHashMap;

use crate::engine::classes::{group_consuming, ClassTable};
use crate::engine::encode::{Dictionary, EncodedColumn, ValueKind, MISSING_LABEL};
use crate::error::{Error, Result};
use crate::input::columns::encode as encode_qis;
use crate::input::files::partitions;
use crate::input::{csv, detect_format, read_table, FileInfo, Format, ReadOptions, Table};
use crate::notice::Notice;
use crate::progress::Progress;

/// How the streaming reader cuts its input.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// Approximate bytes of CSV per batch.
    pub batch_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            batch_bytes: DEFAULT_BATCH_MB << 20,
        }
    }
}

/// Batch size when none is asked for, in MiB.
pub const DEFAULT_BATCH_MB: usize = 128;

/// Largest batch, in MiB: a batch is held in memory whole.
pub const MAX_BATCH_MB: usize = 16 << 10;

/// Bytes of a `--batch-mb` value, checked to lie in 1 ..= [`MAX_BATCH_MB`].
pub fn batch_bytes(mb: usize) -> Result<usize> {
    if (1..=MAX_BATCH_MB).contains(&mb) {
        Ok(mb << 20)
    } else {
        Err(Error::usage(format!(
            "--batch-mb must be between 1 and {MAX_BATCH_MB} (MiB of CSV held in memory at once), got {mb}"
        )))
    }
}

/// What the streaming reader did (`input.streaming` in the JSON).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct StreamInfo {
    pub files: Vec<String>,
    pub batches: u64,
    /// Distinct combinations of the grouped columns after the last merge
    /// (the rows of the frequency table analysed).
    pub merged_rows: u64,
}

/// One column's dictionary across batches: first-seen global ids.
#[derive(Default)]
struct GlobalDict {
    labels: Vec<String>,
    numbers: Vec<f64>,
    index: FxHashMap<String, u32>,
    missing: Option<u32>,
    /// Every batch found the column numeric.
    all_numeric: bool,
    kind: Option<ValueKind>,
}

impl GlobalDict {
    fn new() -> Self {
        GlobalDict {
            all_numeric: true,
            ..GlobalDict::default()
        }
    }

    fn card(&self) -> u32 {
        self.labels.len() as u32
    }

    /// Map a batch column's codes onto global ids, in place.
    fn absorb(&mut self, col: &mut EncodedColumn) {
        let d = &col.dict;
        if d.kind != ValueKind::Numeric {
            self.all_numeric = false;
        }
        if matches!(d.kind, ValueKind::Boolean | ValueKind::Date) {
            self.kind = Some(d.kind);
        }
        let remap: Vec<u32> = (0..d.len())
            .map(|c| {
                if d.missing == Some(c as u32) {
                    *self.missing.get_or_insert_with(|| {
                        self.labels.push(MISSING_LABEL.to_string());
                        self.numbers.push(f64::NAN);
                        (self.labels.len() - 1) as u32
                    })
                } else {
                    let label = &d.labels[c];
                    match self.index.get(label) {
                        Some(&g) => g,
                        None => {
                            let g = self.labels.len() as u32;
                            self.labels.push(label.clone());
                            self.numbers
                                .push(d.numbers.as_ref().map_or(f64::NAN, |n| n[c]));
                            self.index.insert(label.clone(), g);
                            g
                        }
                    }
                }
            })
            .collect();
        for c in &mut col.codes {
            *c = remap[*c as usize];
        }
    }

    /// The dictionary in the in-memory encoder's order, and the map from
    /// global ids to its codes.
    fn finish(self) -> (Dictionary, Vec<u32>) {
        let numeric = self.all_numeric && !self.labels.is_empty();
        let mut order: Vec<u32> = (0..self.card())
            .filter(|&i| Some(i) != self.missing)
            .collect();
        if numeric {
            order.sort_by(|&a, &b| {
                self.numbers[a as usize]
                    .total_cmp(&self.numbers[b as usize])
                    .then_with(|| self.labels[a as usize].cmp(&self.labels[b as usize]))
            });
        } else {
            order.sort_by(|&a, &b| self.labels[a as usize].cmp(&self.labels[b as usize]));
        }
        let mut remap = vec![0u32; self.labels.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let present = order.len() as u32;
        if let Some(m) = self.missing {
            remap[m as usize] = present;
        }
        let mut labels: Vec<String> = order
            .iter()
            .map(|&o| self.labels[o as usize].clone())
            .collect();
        let mut numbers: Vec<f64> = order.iter().map(|&o| self.numbers[o as usize]).collect();
        if self.missing.is_some() {
            labels.push(MISSING_LABEL.to_string());
            numbers.push(f64::NAN);
        }
        let kind = self.kind.unwrap_or(if numeric {
            ValueKind::Numeric
        } else {
            ValueKind::Text
        });
        (
            Dictionary {
                kind,
                labels,
                numbers: numeric.then_some(numbers),
                missing: self.missing.map(|_| present),
            },
            remap,
        )
    }
}

/// Rows of a class table over the grouped columns: codes per column,
/// records and weight sums per row.
#[derive(Default)]
struct Classes {
    keys: Vec<Vec<u32>>,
    sizes: Vec<u64>,
    weights: Option<Vec<f64>>,
}

impl Classes {
    fn of(t: ClassTable) -> Classes {
        Classes {
            keys: t.keys,
            sizes: t.sizes,
            weights: t.weights,
        }
    }

    fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Append another table's rows (not merged: equal keys may repeat).
    fn append(&mut self, t: Classes) {
        if self.keys.is_empty() {
            *self = t;
            return;
        }
        for (k, new) in self.keys.iter_mut().zip(t.keys) {
            k.extend(new);
        }
        self.sizes.extend(t.sizes);
        if let (Some(w), Some(new)) = (&mut self.weights, t.weights) {
            w.extend(new);
        }
    }

    /// The rows grouped: distinct keys in code order, QI by QI, their
    /// records and weights added (the rows' codes are consumed).
    fn regroup(self, cards: &[u32]) -> Classes {
        Classes::of(group_consuming(
            self.keys,
            cards,
            Some(self.sizes),
            self.weights,
        ))
    }

    /// Merge `other` into these rows; both distinct and in code order, QI
    /// by QI. In place from the back: the columns grow by `other`'s rows
    /// only, never to a second copy of the table.
    fn merge(&mut self, other: Classes) {
        if other.len() == 0 {
            return;
        }
        if self.len() == 0 {
            *self = other;
            return;
        }
        let (a, b) = (self.len(), other.len());
        for k in &mut self.keys {
            k.resize(a + b, 0);
        }
        self.sizes.resize(a + b, 0);
        if let Some(w) = &mut self.weights {
            w.resize(a + b, 0.0);
        }
        let order = |mine: &[Vec<u32>], i: usize, theirs: &[Vec<u32>], j: usize| {
            let pairs = mine.iter().zip(theirs);
            pairs
                .map(|(x, y)| x[i].cmp(&y[j]))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let (mut i, mut j, mut at) = (a, b, a + b);
        while j > 0 {
            at -= 1;
            let ord = match i {
                0 => std::cmp::Ordering::Less,
                _ => order(&self.keys, i - 1, &other.keys, j - 1),
            };
            if ord.is_ge() {
                i -= 1;
                self.move_row(i, at);
            }
            if ord.is_le() {
                j -= 1;
                self.add_row(&other, j, at, ord.is_eq());
            }
        }
        // Equal keys merged leave a gap between the rows still in place
        // (0..i) and the merged ones (at..): close it.
        if at > i {
            let close = |v: &mut Vec<u32>| {
                v.copy_within(at.., i);
                v.truncate(v.len() - (at - i));
            };
            self.keys.iter_mut().for_each(close);
            self.sizes.copy_within(at.., i);
            self.sizes.truncate(a + b - (at - i));
            if let Some(w) = &mut self.weights {
                w.copy_within(at.., i);
                w.truncate(a + b - (at - i));
            }
        }
    }

    fn move_row(&mut self, from: usize, to: usize) {
        for k in &mut self.keys {
            k[to] = k[from];
        }
        self.sizes[to] = self.sizes[from];
        if let Some(w) = &mut self.weights {
            w[to] = w[from];
        }
    }

    /// Row `j` of `other` into row `to`, added to what is there if `add`.
    fn add_row(&mut self, other: &Classes, j: usize, to: usize, add: bool) {
        if !add {
            for (k, o) in self.keys.iter_mut().zip(&other.keys) {
                k[to] = o[j];
            }
        }
        let keep = |x: u64| if add { x } else { 0 };
        self.sizes[to] = keep(self.sizes[to]) + other.sizes[j];
        if let (Some(w), Some(o)) = (&mut self.weights, &other.weights) {
            w[to] = if add { w[to] + o[j] } else { o[j] };
        }
    }
}

/// The running class table over the grouped columns: the merged classes,
/// and batches' tables waiting to be merged.
struct Merged {
    /// Distinct keys in code order (global ids), QI by QI.
    main: Classes,
    /// Batches' tables appended since the last merge.
    pending: Classes,
    /// Tables in `pending` (one is already distinct and in order).
    pending_tables: usize,
    /// Records so far (the sum of counts), checked against overflow.
    records: u64,
}

impl Merged {
    /// Take a batch's table (distinct, in code order). It is merged at once
    /// when large beside the merged classes; small ones wait until they
    /// add up to a quarter of them, so merging costs a few passes over the
    /// table in all, not one per batch.
    fn add(&mut self, t: Classes, cards: &[u32]) {
        self.pending.append(t);
        self.pending_tables += 1;
        if self.pending.len() >= self.main.len() / 4 {
            self.flush(cards);
        }
    }

    /// Merge the waiting tables into the classes.
    fn flush(&mut self, cards: &[u32]) {
        let pending = std::mem::take(&mut self.pending);
        let pending = match self.pending_tables {
            0 | 1 => pending,
            _ => pending.regroup(cards),
        };
        self.pending_tables = 0;
        self.main.merge(pending);
    }
}

/// What the streaming reader reads from each file and groups on.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    pub qis: &'a [String],
    pub sensitive: &'a [String],
    /// Column of record counts (frequency tables).
    pub count: Option<&'a String>,
    /// Column of sampling weights.
    pub weight: Option<&'a String>,
    pub missing_tokens: &'a [String],
    pub read: &'a ReadOptions,
}

/// The merged class table of every file, as columns: one row per distinct
/// combination of the QIs and sensitive attributes, with its records.
pub struct Streamed {
    pub qis: Vec<EncodedColumn>,
    pub sensitive: Vec<EncodedColumn>,
    /// Records of each row (the row is a frequency-table row).
    pub counts: Vec<u64>,
    /// Weight per record of each row.
    pub weights: Option<Vec<f64>>,
    /// Data rows read from every file.
    pub rows: u64,
    /// The formats read, joined by `+`.
    pub format: String,
    pub delimiter: Option<u8>,
    pub files: Vec<FileInfo>,
    pub notes: Vec<Notice>,
    pub info: StreamInfo,
}

/// Columns a batch must give, in order: QIs, sensitive, then count and
/// weight (read as numbers, not grouped).
fn wanted(cfg: &Spec) -> Vec<String> {
    let mut w = cfg.qis.to_vec();
    w.extend(cfg.sensitive.iter().cloned());
    w.extend(cfg.count.cloned());
    w.extend(cfg.weight.cloned());
    w
}

/// Read `files` (already resolved) as one table, batch by batch.
pub fn prepare(
    cfg: &Spec,
    files: &[String],
    options: StreamOptions,
    progress: &dyn Progress,
) -> Result<Streamed> {
    let want = wanted(cfg);
    let grouped = cfg.qis.len() + cfg.sensitive.len();
    let mut acc = Accumulated {
        dicts: (0..grouped).map(|_| GlobalDict::new()).collect(),
        merged: Merged {
            main: Classes::default(),
            pending: Classes::default(),
            pending_tables: 0,
            records: 0,
        },
        rows: 0,
        batches: 0,
        formats: Vec::new(),
        delimiter: None,
        files: Vec::new(),
        notes: Vec::new(),
    };
    for file in files {
        let format = detect_format(file, cfg.read)?;
        if !acc.formats.contains(&format.name()) {
            acc.formats.push(format.name());
        }
        match format {
            Format::Csv if file != "-" => {
                stream_csv(cfg, file, &want, options, &mut acc, progress)?
            }
            _ => {
                let table = read_whole(cfg, file, &want)?;
                acc.rows += table.rows() as u64;
                acc.files.extend(table.files.iter().cloned());
                acc.notes.extend(table.notes.iter().cloned());
                batch(cfg, table, &mut acc.dicts, &mut acc.merged, &want)?;
                acc.batches += 1;
            }
        }
    }
    progress.stage("merging the class tables");
    crate::engine::bulk::give_back_freed();
    Ok(finish(cfg, files, acc))
}

/// What the batches have added up to so far.
struct Accumulated {
    dicts: Vec<GlobalDict>,
    merged: Merged,
    rows: u64,
    batches: u64,
    formats: Vec<&'static str>,
    delimiter: Option<u8>,
    files: Vec<FileInfo>,
    notes: Vec<Notice>,
}

/// One CSV file in batches of whole records.
fn stream_csv(
    cfg: &Spec,
    file: &str,
    want: &[String],
    options: StreamOptions,
    acc: &mut Accumulated,
    progress: &dyn Progress,
) -> Result<()> {
    let delimiter = cfg.read.delimiter.or(acc.delimiter);
    // Everything grouped is encoded: read it as codes; counts and weights as text.
    let grouped = cfg.qis.len() + cfg.sensitive.len();
    let numeric = [cfg.count, cfg.weight];
    let coded: Vec<String> = want[..grouped]
        .iter()
        .filter(|c| !numeric.contains(&Some(*c)))
        .cloned()
        .collect();
    let mut reader = csv::Batches::open(file, delimiter, want, &coded, options.batch_bytes)?;
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    progress.stage(&format!("streaming {file} (bytes read)"));
    acc.delimiter = acc.delimiter.or(Some(reader.header.delimiter));
    while let Some(parsed) = reader.next_batch()? {
        let height = parsed.rows as usize;
        let columns = parsed
            .columns
            .into_iter()
            .map(|c| c.into_series().into_column())
            .collect();
        let frame =
            DataFrame::new(height, columns).map_err(|e| Error::file(file, e.to_string()))?;
        let table = Table {
            source: file.to_string(),
            format: Format::Csv,
            delimiter: acc.delimiter,
            all_columns: reader.header.names.clone(),
            frame,
            files: Vec::new(),
            notes: Vec::new(),
            unusable: Vec::new(),
            coded: parsed.coded,
        };
        batch(cfg, table, &mut acc.dicts, &mut acc.merged, want)?;
        acc.batches += 1;
        if size > 0 {
            progress.work_bytes(reader.consumed().min(size), size);
        }
    }
    let (info, multiline, first) = reader.finish();
    if info.rows == 0 {
        return Err(Error::file(file, "the file has a header but no data rows"));
    }
    if let Some(note) = crate::input::multiline_note(file, multiline, first) {
        acc.notes.push(note);
    }
    acc.rows += info.rows;
    acc.files.push(info);
    Ok(())
}

/// A typed file read whole, with the `key=value` folders on its path as
/// columns (a partition key the file also holds is read from the file).
fn read_whole(cfg: &Spec, file: &str, want: &[String]) -> Result<Table> {
    let parts = partitions(file);
    let is_part = |w: &String| parts.iter().any(|(k, _)| k == w);
    let mut cols: Vec<String> = want.iter().filter(|w| !is_part(w)).cloned().collect();
    let mut table = read_table(file, &cols, cfg.read)?;
    let in_file: Vec<String> = want
        .iter()
        .filter(|w| is_part(w) && table.all_columns.contains(w))
        .cloned()
        .collect();
    if !in_file.is_empty() {
        cols.extend(in_file);
        table = read_table(file, &cols, cfg.read)?;
    }
    for (key, value) in &parts {
        if want.contains(key) && !table.all_columns.contains(key) {
            let s = polars::prelude::Series::new(
                key.as_str().into(),
                vec![value.clone(); table.rows()],
            );
            table
                .frame
                .with_column(s.into_column())
                .map_err(|e| Error::file(file, e.to_string()))?;
            table.all_columns.push(key.clone());
        }
    }
    Ok(table)
}

/// The merged table with its dictionaries put in the in-memory encoder's
/// order (global ids → final codes, then grouped again).
fn finish(cfg: &Spec, files: &[String], acc: Accumulated) -> Streamed {
    let Accumulated {
        dicts,
        mut merged,
        rows,
        batches,
        formats,
        delimiter,
        files: read_files,
        notes,
    } = acc;
    let cards: Vec<u32> = dicts.iter().map(GlobalDict::card).collect();
    merged.flush(&cards);
    let mut merged = merged.main;
    if merged.keys.is_empty() {
        merged.keys = vec![Vec::new(); cards.len()];
        merged.weights = cfg.weight.map(|_| Vec::new());
    }
    let mut finished = Vec::new();
    for (q, d) in dicts.into_iter().enumerate() {
        let (dict, remap) = d.finish();
        for c in &mut merged.keys[q] {
            *c = remap[*c as usize];
        }
        finished.push(dict);
    }
    // The final codes put the values in order: the rows (all distinct)
    // are sorted again.
    let cards: Vec<u32> = finished.iter().map(|d| d.len() as u32).collect();
    let mut merged = merged.regroup(&cards);
    let names: Vec<&String> = cfg.qis.iter().chain(cfg.sensitive.iter()).collect();
    let mut columns: Vec<EncodedColumn> = finished
        .into_iter()
        .zip(std::mem::take(&mut merged.keys))
        .zip(names)
        .map(|((dict, codes), name)| EncodedColumn {
            name: name.clone(),
            codes,
            dict,
        })
        .collect();
    let sensitive = columns.split_off(cfg.qis.len());
    let weights = merged.weights.as_ref().map(|w| {
        w.iter()
            .zip(&merged.sizes)
            .map(|(w, &s)| w / s as f64)
            .collect()
    });
    let info = StreamInfo {
        files: files.to_vec(),
        batches,
        merged_rows: merged.sizes.len() as u64,
    };
    Streamed {
        qis: columns,
        sensitive,
        counts: std::mem::take(&mut merged.sizes),
        weights,
        rows,
        format: formats.join("+"),
        delimiter,
        files: read_files,
        notes,
        info,
    }
}

/// Encode one batch, map it onto the global dictionaries, group it and
/// merge it into the running table.
fn batch(
    cfg: &Spec,
    table: Table,
    dicts: &mut [GlobalDict],
    merged: &mut Merged,
    want: &[String],
) -> Result<()> {
    let grouped = dicts.len();
    let mut cols = encode_qis(&table, &want[..grouped], cfg.missing_tokens)?;
    let counts = match cfg.count {
        Some(c) => Some(crate::input::columns::read_counts(&table, c)?),
        None => None,
    };
    let added = counts
        .as_ref()
        .map_or(table.rows() as u64, |c| c.iter().sum());
    merged.records = merged.records.checked_add(added).ok_or_else(|| {
        Error::column(
            &table.source,
            cfg.count.map_or("", String::as_str),
            format!("the counts of all inputs add up to more than {} records, more than kanon can count", u64::MAX),
        )
    })?;
    let weights = match cfg.weight {
        Some(w) => {
            let w = crate::input::columns::read_weights(&table, w)?;
            Some(match &counts {
                Some(c) => w.iter().zip(c).map(|(w, &c)| w * c as f64).collect(),
                None => w,
            })
        }
        None => None,
    };
    drop(table);
    for (d, c) in dicts.iter_mut().zip(&mut cols) {
        d.absorb(c);
    }
    let cards: Vec<u32> = dicts.iter().map(GlobalDict::card).collect();
    let codes: Vec<Vec<u32>> = cols
        .iter_mut()
        .map(|c| std::mem::take(&mut c.codes))
        .collect();
    let t = group_consuming(codes, &cards, counts, weights);
    merged.add(Classes::of(t), &cards);
    Ok(())
}

/// Peak resident memory of this process in bytes (Linux), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Merging sorted tables in place from the back gives what grouping
    /// their rows together gives: equal keys added, at the ends too, and a
    /// table merged into an empty one or an empty one merged.
    #[test]
    fn merging_in_place_is_grouping_the_rows_together() {
        let mut rng = crate::engine::splitmix::SplitMix64(13);
        let cards = [5u32, 3, 70_000];
        let random = |rng: &mut crate::engine::splitmix::SplitMix64, rows: usize| {
            let keys = (cards.iter())
                .map(|&k| {
                    (0..rows)
                        .map(|_| (rng.next_u64() % k.min(4) as u64) as u32)
                        .collect()
                })
                .collect();
            let sizes = (0..rows).map(|_| 1 + rng.next_u64() % 3).collect();
            let weights = Some(
                (0..rows)
                    .map(|_| (rng.next_u64() % 100) as f64 / 4.0)
                    .collect(),
            );
            Classes {
                keys,
                sizes,
                weights,
            }
            .regroup(&cards)
        };
        for (a, b) in [(0, 5), (5, 0), (1, 1), (30, 7), (7, 30), (200, 200)] {
            let (x, y) = (random(&mut rng, a), random(&mut rng, b));
            let mut together = Classes::default();
            together.append(Classes {
                keys: x.keys.clone(),
                sizes: x.sizes.clone(),
                weights: x.weights.clone(),
            });
            together.append(Classes {
                keys: y.keys.clone(),
                sizes: y.sizes.clone(),
                weights: y.weights.clone(),
            });
            let want = together.regroup(&cards);
            let mut got = x;
            got.merge(y);
            assert_eq!(
                (got.keys, got.sizes, got.weights),
                (want.keys, want.sizes, want.weights),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn global_dictionary_orders_like_the_encoder() {
        let mut g = GlobalDict::new();
        let col = |labels: &[&str], codes: Vec<u32>, missing: Option<u32>| EncodedColumn {
            name: "x".into(),
            codes,
            dict: Dictionary {
                kind: ValueKind::Numeric,
                labels: labels.iter().map(|s| s.to_string()).collect(),
                numbers: Some(
                    labels
                        .iter()
                        .map(|s| s.parse().unwrap_or(f64::NAN))
                        .collect(),
                ),
                missing,
            },
        };
        let mut a = col(&["9", "10", MISSING_LABEL], vec![1, 0, 2], Some(2));
        let mut b = col(&["100", "9"], vec![0, 1], None);
        g.absorb(&mut a);
        g.absorb(&mut b);
        // In dictionary order of each batch: 9 → 0, 10 → 1, missing → 2, 100 → 3.
        assert_eq!(a.codes, vec![1, 0, 2]);
        assert_eq!(b.codes, vec![3, 0]);
        let (dict, remap) = g.finish();
        assert_eq!(dict.labels, vec!["9", "10", "100", MISSING_LABEL]);
        assert_eq!(dict.missing, Some(3));
        assert_eq!(remap, vec![0, 1, 3, 2]);
        assert_eq!(dict.kind, ValueKind::Numeric);
    }
}
