//! Population frequencies F per class: from a population table, from
//! weights or the sample itself, with missing values as values or as
//! wildcards.

use rustc_hash::FxHashMap;

use crate::anonymise::generalise::Generalisation;
use crate::engine::classes::{group, ClassTable, Rows};
use crate::engine::encode::{EncodedColumn, MISSING_LABEL};
use crate::error::{Error, Result};
use crate::input::columns::encode as encode_qis;
use crate::input::{read_table, ReadOptions, Table};
use crate::measure::privacy::Frequencies;
use crate::notice::Notice;
use crate::report::PopulationInfo;

use super::config::{Config, MissingAs};

/// Population frequencies F per class: from a population table, from
/// weights, or the sample itself; with missing values as wildcards
/// (`fr.f` then holds the compatible records), F counts the compatible
/// population records or weights. F is raised to f where it falls short.
pub(super) fn population_sizes(
    cfg: &Config,
    columns: &[EncodedColumn],
    t: &ClassTable,
    fr: Frequencies,
    wildcard_weights: Option<&[f64]>,
    warnings: &mut Vec<Notice>,
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
            warnings.push(Notice::PopulationRaised {
                classes: raised,
                population: path.clone(),
            });
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
            warnings.push(Notice::WeightsRaised { classes: raised });
        }
        return Ok((sizes, "weights".into(), None));
    }
    Ok((as_float(fr.f), "sample".into(), None))
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
    let read_here;
    let table = match &cfg.population_frame {
        Some(frame) => &*frame.0,
        None => {
            read_here = read_table(path, &cfg.qis, &read)?;
            &read_here
        }
    };
    let pop = encode_qis(table, &cfg.qis, &cfg.missing_tokens)?;
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
    let mut info = PopulationInfo {
        path: match &cfg.population_frame {
            Some(frame) => frame.0.source.clone(),
            None => path.to_string(),
        },
        rows: rows as u64,
        matched_rows: matched.iter().filter(|&&m| m).count() as u64,
        outside_rows: 0,
    };
    if wildcard {
        use crate::measure::wildcard::{compatible, View};
        let all: Vec<usize> = (0..t.arity()).collect();
        let sample_missing: Vec<Option<u32>> = sample.iter().map(|c| c.dict.missing).collect();
        let (sample_view, pop_view) = (
            View::of(t, &sample_missing, &all),
            View::of(&p, &pop_missing, &all),
        );
        let (found, _) = compatible(&sample_view, &pop_view);
        let (reached, _) = compatible(&pop_view, &sample_view);
        info.outside_rows = (reached.iter().zip(&p.sizes))
            .filter(|(&r, _)| r == 0)
            .map(|(_, &f)| f)
            .sum();
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
    // Each population row lies in at most one class: the rest in none.
    let inside: u64 = sizes.iter().map(|&f| f as u64).sum();
    info.outside_rows = rows as u64 - inside;
    Ok((sizes, info))
}

/// A population table as the search uses it: its classes with each QI's
/// codes mapped, level by level, onto the sample's (the search's k-map and
/// δ-presence, [`crate::anonymise::population`]), and every value's label
/// per level, to generalise the population as the release is generalised
/// for the analysis of the release.
pub(crate) struct SearchPopulation {
    path: String,
    format: crate::input::Format,
    delimiter: Option<u8>,
    qis: Vec<String>,
    /// The population's QI columns in its own codes.
    columns: Vec<EncodedColumn>,
    /// `labels[q][l][v]`: the label of the population's value v of QI q at
    /// level l.
    labels: Vec<Vec<Vec<String>>>,
    /// `maps[q][l][v]`: the sample's code at level l of the population's
    /// value v of QI q, or one past the level's codes.
    maps: Vec<Vec<Vec<u32>>>,
    /// The population's classes, until the search takes them.
    classes: Option<ClassTable>,
}

impl SearchPopulation {
    /// Read `cfg.population` and place its values in the sample's
    /// hierarchies (`gens`, made from `sources`: a file, a spec or
    /// `auto:…`). A value only the population has gets its ancestors from
    /// the same hierarchy file or spec; one the hierarchy file lacks is an
    /// error naming the population.
    pub(crate) fn read(
        cfg: &Config,
        sample: &[EncodedColumn],
        gens: &[Generalisation],
        sources: &[String],
    ) -> Result<Option<SearchPopulation>> {
        let Some(path) = &cfg.population else {
            return Ok(None);
        };
        let read = ReadOptions {
            format: None,
            delimiter: cfg.read.delimiter,
        };
        let table = read_table(path, &cfg.qis, &read)?;
        let columns = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
        let mut labels = Vec::with_capacity(columns.len());
        let mut maps = Vec::with_capacity(columns.len());
        for (((s, p), g), source) in sample.iter().zip(&columns).zip(gens).zip(sources) {
            let own = own_generalisation(path, &p.name, source, &p.dict)?;
            if let Some(own) = own.as_ref().filter(|o| o.height() != g.height()) {
                return Err(Error::usage(format!(
                    "the hierarchy of '{}' ({source}) has {} levels over the population {path} \
                     but {} over the sample",
                    p.name,
                    own.height() + 1,
                    g.height() + 1
                )));
            }
            let (m, l) = place(s, p, g, own.as_ref());
            maps.push(m);
            labels.push(l);
        }
        let refs: Vec<&[u32]> = columns.iter().map(|c| c.codes.as_slice()).collect();
        let cards: Vec<u32> = columns.iter().map(|c| c.cardinality()).collect();
        let grouped = group(
            Rows {
                columns: &refs,
                cards: &cards,
                counts: None,
                weights: None,
                len: table.rows(),
            },
            false,
        )
        .table;
        Ok(Some(SearchPopulation {
            path: path.clone(),
            format: table.format,
            delimiter: table.delimiter,
            qis: cfg.qis.clone(),
            columns,
            labels,
            maps,
            classes: Some(grouped),
        }))
    }

    /// The search's targets on this population (taken once).
    pub(crate) fn targets(
        &mut self,
        t: &crate::gate::targets::Targets,
    ) -> Option<crate::anonymise::population::PopulationTargets> {
        if t.k_map.is_none() && t.presence_min.is_none() && t.presence_max.is_none() {
            return None;
        }
        Some(crate::anonymise::population::PopulationTargets::new(
            self.classes.take()?,
            self.maps.clone(),
            t.k_map,
            t.presence_min,
            t.presence_max,
        ))
    }

    /// The population with every QI at `levels`, as the release shows it
    /// (a missing value stays missing below the top), without the people
    /// in the sample's classes that `suppressed` (given a class's codes at
    /// `levels`) says are suppressed: the search does not judge them (as
    /// ARX does not), so neither does the analysis of the release.
    pub(crate) fn generalised(
        &self,
        levels: &[usize],
        suppressed: impl Fn(&[u32]) -> bool,
    ) -> Result<Table> {
        use polars::prelude::*;
        let rows = self.columns.first().map_or(0, |c| c.codes.len());
        let mut key = vec![0u32; self.columns.len()];
        let keep: Vec<bool> = (0..rows)
            .map(|r| {
                for (q, col) in self.columns.iter().enumerate() {
                    key[q] = self.maps[q][levels[q]][col.codes[r] as usize];
                }
                !suppressed(&key)
            })
            .collect();
        let mut frame = Vec::with_capacity(self.columns.len());
        for (q, col) in self.columns.iter().enumerate() {
            let at = &self.labels[q][levels[q]];
            let top = levels[q] + 1 == self.labels[q].len();
            let values: StringChunked = (col.codes.iter().zip(&keep))
                .filter(|(_, &k)| k)
                .map(|(&v, _)| {
                    (top || Some(v) != col.dict.missing).then(|| at[v as usize].as_str())
                })
                .collect();
            frame.push(values.with_name(col.name.as_str().into()).into_column());
        }
        let height = keep.iter().filter(|&&k| k).count();
        let frame = DataFrame::new(height, frame)
            .map_err(|e| Error::usage(format!("internal: the generalised population: {e}")))?;
        let left_out = if height < rows {
            format!(", {} people of suppressed classes left out", rows - height)
        } else {
            String::new()
        };
        Ok(Table {
            source: format!("{} (generalised as the release{left_out})", self.path),
            format: self.format,
            delimiter: self.delimiter,
            all_columns: self.qis.clone(),
            frame,
            files: Vec::new(),
            notes: Vec::new(),
            unusable: Vec::new(),
            coded: Vec::new(),
        })
    }
}

/// The population's own generalisation of one QI, made as the sample's
/// was (`source`); `None` for an automatic grouping by frequency, which
/// depends on the sample's frequencies ([`place`] handles it).
fn own_generalisation(
    path: &str,
    name: &str,
    source: &str,
    dict: &crate::engine::encode::Dictionary,
) -> Result<Option<Generalisation>> {
    let spec = source.strip_prefix("auto:").unwrap_or(source);
    if spec.starts_with("frequent:") {
        return Ok(None);
    }
    Generalisation::from_spec_or_file(path, name, spec, dict)
        .map(Some)
        .map_err(|e| {
            Error::usage(format!(
                "population table {path}: {}",
                e.to_string().trim_end()
            ))
        })
}

/// Per level, each population value's code among the sample's codes of
/// that level (or one past them: no sample value generalises there) and
/// its label. A value the sample has takes the sample's generalisation;
/// one it lacks takes `own`'s label, or for an automatic grouping by
/// frequency `(other)` (it is not among the sample's most frequent).
fn place(
    sample: &EncodedColumn,
    pop: &EncodedColumn,
    g: &Generalisation,
    own: Option<&Generalisation>,
) -> (Vec<Vec<u32>>, Vec<Vec<String>>) {
    let in_sample: FxHashMap<&str, u32> = (sample.dict.labels.iter().enumerate())
        .filter(|(i, _)| Some(*i as u32) != sample.dict.missing)
        .map(|(i, l)| (l.as_str(), i as u32))
        .collect();
    let height = g.height();
    let (mut maps, mut labels) = (Vec::new(), Vec::new());
    for (l, level) in g.levels.iter().enumerate() {
        let absent = level.labels.len() as u32;
        let by_label: FxHashMap<&str, u32> = (level.labels.iter().enumerate())
            .map(|(i, s)| (s.as_str(), i as u32))
            .collect();
        let (mut map, mut names) = (Vec::new(), Vec::new());
        for v in 0..pop.dict.len() as u32 {
            let sample_code = if Some(v) == pop.dict.missing {
                sample.dict.missing
            } else {
                in_sample.get(pop.dict.labels[v as usize].as_str()).copied()
            };
            let (code, name) = match sample_code {
                Some(c) => {
                    let code = level.map[c as usize];
                    (code, level.labels[code as usize].clone())
                }
                None => {
                    let name = if Some(v) == pop.dict.missing {
                        if l == height {
                            level.labels.first().cloned().unwrap_or_default()
                        } else {
                            MISSING_LABEL.to_string()
                        }
                    } else {
                        match own {
                            Some(o) => {
                                let ol = &o.levels[l];
                                ol.labels[ol.map[v as usize] as usize].clone()
                            }
                            None if l == 0 => pop.dict.labels[v as usize].clone(),
                            None if l == height => "*".to_string(),
                            None => "(other)".to_string(),
                        }
                    };
                    (by_label.get(name.as_str()).copied().unwrap_or(absent), name)
                }
            };
            map.push(code);
            names.push(name);
        }
        maps.push(map);
        labels.push(names);
    }
    (maps, labels)
}

/// The sample's class sizes as the population sizes (`F = f`), one per
/// class: filled in parallel on pre-mapped pages, as millions of classes
/// make it a large array.
fn as_float(f: &[u64]) -> Vec<f64> {
    use rayon::prelude::*;
    let mut out = crate::engine::bulk::filled::<f64>(f.len());
    out.par_chunks_mut(1 << 16)
        .zip(f.par_chunks(1 << 16))
        .for_each(|(out, f)| out.iter_mut().zip(f).for_each(|(o, &f)| *o = f as f64));
    out
}
