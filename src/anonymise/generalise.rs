//! Generalisations of one quasi-identifier: for each hierarchy level, a
//! map from the column's codes to generalised codes, their labels, and the
//! share of the domain each generalised value covers (for information
//! loss).
//!
//! Sources: an ARX hierarchy file, or a builder spec —
//! `interval:W1,W2,…[,bottom=X][,top=Y]` (numbers into intervals [a, a+W[
//! anchored at 0, with values below X and from Y on coded as `<X`, `>=Y`),
//! `mask:N1,N2,…` (replace the last N characters by `*`),
//! `date:month,year,decade` (ISO dates), `group:N1,N2,…` (consecutive
//! values in the column's order, N at a time) — always topped by `*`. Every value of the column must be covered; otherwise the error
//! names the value, the level and the file. The missing value stays a
//! value of its own at every level below the top.

use rustc_hash::FxHashMap;

use crate::engine::encode::{Dictionary, MISSING_LABEL};
use crate::error::{Error, Result};
use crate::input::hierarchy::Hierarchy;

/// One level of a generalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Column code → generalised code.
    pub map: Vec<u32>,
    /// Generalised code → label.
    pub labels: Vec<String>,
    /// Generalised code → share of the domain it covers (1/|D| for a raw
    /// value, 1 for `*`): ARX's domain share for materialised hierarchies.
    pub share: Vec<f64>,
}

/// All levels of one QI, level 0 being the values themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Generalisation {
    pub name: String,
    pub levels: Vec<Level>,
    /// The column's missing code at level 0, if it has missing values
    /// (at level l it is `levels[l].map[missing]`).
    pub missing: Option<u32>,
}

impl Generalisation {
    /// Highest level.
    pub fn height(&self) -> usize {
        self.levels.len() - 1
    }

    /// Level `a`'s codes mapped to level `b`'s (b ≥ a), from both levels'
    /// maps of the original codes; `None` when level b splits a value of
    /// level a (levels that do not nest), so nothing is rolled up from a.
    pub fn map_between(&self, a: usize, b: usize) -> Option<Vec<u32>> {
        let (low, high) = (&self.levels[a], &self.levels[b]);
        let mut map = vec![u32::MAX; low.labels.len()];
        for (&x, &y) in low.map.iter().zip(&high.map) {
            match map[x as usize] {
                u32::MAX => map[x as usize] = y,
                seen if seen != y => return None,
                _ => {}
            }
        }
        // Codes no original value reaches hold no class: map them anywhere.
        for m in map.iter_mut().filter(|m| **m == u32::MAX) {
            *m = 0;
        }
        Some(map)
    }

    /// The code the missing value has at `level`, if the column has one.
    pub fn missing_at(&self, level: usize) -> Option<u32> {
        self.missing.map(|m| self.levels[level].map[m as usize])
    }

    /// From an ARX hierarchy: the domain D is the hierarchy's rows.
    pub fn from_hierarchy(name: &str, h: &Hierarchy, dict: &Dictionary) -> Result<Self> {
        h.check_covers(name, &dict.labels, dict.missing)?;
        let domain = h.rows.len() as f64;
        let mut levels = vec![identity(dict, 1.0 / domain)];
        for level in 1..=h.height() {
            // Leaves of the hierarchy under each label of this level.
            let mut leaves: FxHashMap<&str, u64> = FxHashMap::default();
            for row in &h.rows {
                *leaves.entry(row[level].as_str()).or_insert(0) += 1;
            }
            let labels: Vec<String> = dict
                .labels
                .iter()
                .enumerate()
                .map(|(c, l)| {
                    if Some(c as u32) == dict.missing {
                        missing_label(level == h.height())
                    } else {
                        h.row_of(l).map_or_else(String::new, |r| r[level].clone())
                    }
                })
                .collect();
            levels.push(level_from_labels(&labels, |label| {
                leaves.get(label).map_or(1.0, |&n| n as f64 / domain)
            }));
        }
        Ok(Generalisation {
            name: name.to_string(),
            levels,
            missing: dict.missing,
        })
    }

    /// From a builder spec ([`Generalisation::is_spec`]) or else an ARX
    /// hierarchy file named by `spec`.
    pub fn from_spec_or_file(
        source: &str,
        name: &str,
        spec: &str,
        dict: &Dictionary,
    ) -> Result<Self> {
        if Generalisation::is_spec(spec) {
            Generalisation::from_spec(source, name, spec, dict)
        } else {
            Generalisation::from_hierarchy(name, &Hierarchy::read(spec)?, dict)
        }
    }

    /// Whether `spec` names a builder rather than a file.
    pub fn is_spec(spec: &str) -> bool {
        ["interval:", "mask:", "date:", "group:"]
            .iter()
            .any(|p| spec.starts_with(p))
    }

    /// From a builder spec (`interval:…`, `mask:…`); the domain D is the
    /// column's distinct values.
    pub fn from_spec(source: &str, name: &str, spec: &str, dict: &Dictionary) -> Result<Self> {
        let (kind, args) = spec.split_once(':').unwrap_or((spec, ""));
        let all: Vec<&str> = args
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "*")
            .collect();
        // Options of the interval builder: bottom=X and top=Y code values
        // below X and from Y on into one interval each, at every level.
        let option = |key: &str| -> Result<Option<f64>> {
            all.iter()
                .find_map(|s| s.strip_prefix(key))
                .map(|v| {
                    v.parse::<f64>().map_err(|_| {
                        Error::column(source, name, format!("{key}{v} is not a number"))
                    })
                })
                .transpose()
        };
        let (bottom, top) = (option("bottom=")?, option("top=")?);
        let steps: Vec<&str> = all.iter().copied().filter(|s| !s.contains('=')).collect();
        let bad = |m: String| Error::column(source, name, m);
        let present: Vec<usize> = (0..dict.len())
            .filter(|&c| Some(c as u32) != dict.missing)
            .collect();
        let domain = present.len().max(1) as f64;
        let mut levels = vec![identity(dict, 1.0 / domain)];
        for step in steps {
            let labels: Vec<String> = match kind {
                "interval" => interval_labels(dict, step, bottom, top).map_err(bad)?,
                "mask" => mask_labels(dict, step).map_err(bad)?,
                "date" => date_labels(dict, step).map_err(|e| match e {
                    Ok(m) => bad(m),
                    Err(value) => bad(
                        "a value is not an ISO date (YYYY-MM-DD), which a date hierarchy needs"
                            .into(),
                    )
                    .with_value(value),
                })?,
                "group" => group_labels(dict, &present, step).map_err(bad)?,
                _ => {
                    return Err(bad(format!(
                        "unknown hierarchy builder '{kind}' (expected interval:, mask:, date: or group:, or a file)"
                    )))
                }
            };
            // Share: distinct values that fall under each generalised label.
            let mut under: FxHashMap<String, u64> = FxHashMap::default();
            for &c in &present {
                *under.entry(labels[c].clone()).or_insert(0) += 1;
            }
            levels.push(level_from_labels(&labels, |l| {
                under.get(l).map_or(1.0, |&n| n as f64 / domain)
            }));
        }
        levels.push(level_from_labels(
            &vec!["*".to_string(); dict.len()],
            |_| 1.0,
        ));
        check_coarsens(source, name, &levels)?;
        Ok(Generalisation {
            name: name.to_string(),
            levels,
            missing: dict.missing,
        })
    }
}

impl Generalisation {
    /// Grouping by frequency order: level i keeps the `keep[i]` most
    /// frequent values (ties by value order) and merges the rest into
    /// `(other)`; `keep` must shrink so that levels nest. `freqs[c]` is the
    /// number of records with code c. The domain is the column's values.
    pub fn from_frequencies(name: &str, dict: &Dictionary, freqs: &[u64], keep: &[usize]) -> Self {
        let present: Vec<usize> = (0..dict.len())
            .filter(|&c| Some(c as u32) != dict.missing)
            .collect();
        let domain = present.len().max(1) as f64;
        let mut by_freq = present.clone();
        by_freq.sort_by(|&a, &b| freqs[b].cmp(&freqs[a]).then(a.cmp(&b)));
        let mut levels = vec![identity(dict, 1.0 / domain)];
        for &k in keep {
            let kept: std::collections::BTreeSet<usize> = by_freq.iter().take(k).copied().collect();
            let labels: Vec<String> = (0..dict.len())
                .map(|c| {
                    if Some(c as u32) == dict.missing {
                        MISSING_LABEL.to_string()
                    } else if kept.contains(&c) {
                        dict.labels[c].clone()
                    } else {
                        "(other)".to_string()
                    }
                })
                .collect();
            let others = (present.len() - kept.len().min(present.len())) as f64;
            levels.push(level_from_labels(&labels, |l| {
                if l == "(other)" {
                    others / domain
                } else {
                    1.0 / domain
                }
            }));
        }
        levels.push(level_from_labels(
            &vec!["*".to_string(); dict.len()],
            |_| 1.0,
        ));
        Generalisation {
            name: name.to_string(),
            levels,
            missing: dict.missing,
        }
    }
}

/// Intervals [a, a+w[ anchored at 0; values below `bottom` and from `top`
/// on into one interval each.
fn interval_labels(
    dict: &Dictionary,
    step: &str,
    bottom: Option<f64>,
    top: Option<f64>,
) -> std::result::Result<Vec<String>, String> {
    let width: f64 = step
        .parse()
        .ok()
        .filter(|w: &f64| *w > 0.0)
        .ok_or_else(|| format!("interval width '{step}' is not a positive number"))?;
    let nums = dict
        .numbers
        .as_ref()
        .ok_or_else(|| "interval hierarchies need a numeric column".to_string())?;
    Ok((0..dict.len())
        .map(|c| {
            let x = nums[c];
            if Some(c as u32) == dict.missing {
                MISSING_LABEL.to_string()
            } else if bottom.is_some_and(|b| x < b) {
                format!("<{}", fmt_num(bottom.unwrap_or(x)))
            } else if top.is_some_and(|t| x >= t) {
                format!(">={}", fmt_num(top.unwrap_or(x)))
            } else {
                let lo = (x / width).floor() * width;
                format!("[{}, {}[", fmt_num(lo), fmt_num(lo + width))
            }
        })
        .collect())
}

/// The last `step` characters of each value replaced by `*`.
fn mask_labels(dict: &Dictionary, step: &str) -> std::result::Result<Vec<String>, String> {
    let n: usize = step
        .parse()
        .map_err(|_| format!("mask length '{step}' is not a whole number"))?;
    Ok(dict
        .labels
        .iter()
        .enumerate()
        .map(|(c, l)| {
            if Some(c as u32) == dict.missing {
                MISSING_LABEL.to_string()
            } else {
                let chars: Vec<char> = l.chars().collect();
                let keep = chars.len().saturating_sub(n);
                chars[..keep].iter().collect::<String>() + &"*".repeat(chars.len() - keep)
            }
        })
        .collect())
}

/// ISO dates cut to the month, the year or the decade. The error is a
/// message, or (inner `Err`) the value that is not an ISO date.
fn date_labels(
    dict: &Dictionary,
    step: &str,
) -> std::result::Result<Vec<String>, std::result::Result<String, String>> {
    let width = match step {
        "month" => 7,
        "year" => 4,
        "decade" => 3,
        other => {
            return Err(Ok(format!(
                "date level '{other}' is not one of month, year, decade"
            )))
        }
    };
    let mut out = Vec::with_capacity(dict.len());
    for (c, l) in dict.labels.iter().enumerate() {
        if Some(c as u32) == dict.missing {
            out.push(MISSING_LABEL.to_string());
            continue;
        }
        let iso = l.len() >= 10
            && l.as_bytes()[4] == b'-'
            && l.as_bytes()[7] == b'-'
            && l[..4].bytes().all(|b| b.is_ascii_digit());
        if !iso {
            return Err(Err(l.clone()));
        }
        out.push(if width == 3 {
            format!("{}0s", &l[..3])
        } else {
            l[..width].to_string()
        });
    }
    Ok(out)
}

/// Consecutive values in the column's order, `step` at a time.
fn group_labels(
    dict: &Dictionary,
    present: &[usize],
    step: &str,
) -> std::result::Result<Vec<String>, String> {
    let size: usize = step
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("group size '{step}' is not a positive whole number"))?;
    let mut out = vec![MISSING_LABEL.to_string(); dict.len()];
    for block in present.chunks(size) {
        let first = &dict.labels[block[0]];
        let last = &dict.labels[block[block.len() - 1]];
        let label = if block.len() == 1 {
            first.clone()
        } else {
            format!("{first}..{last}")
        };
        for &c in block {
            out[c] = label.clone();
        }
    }
    Ok(out)
}

/// `*` at the top level, the missing label below it.
fn missing_label(top: bool) -> String {
    if top {
        "*".to_string()
    } else {
        MISSING_LABEL.to_string()
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Level 0: every value is its own generalised value.
fn identity(dict: &Dictionary, share: f64) -> Level {
    Level {
        map: (0..dict.len() as u32).collect(),
        labels: dict.labels.clone(),
        share: (0..dict.len())
            .map(|c| {
                if Some(c as u32) == dict.missing {
                    1.0
                } else {
                    share
                }
            })
            .collect(),
    }
}

/// Dense generalised codes in order of first appearance over the column's
/// (sorted) codes, so generalised codes keep the column's order.
fn level_from_labels(labels: &[String], share: impl Fn(&str) -> f64) -> Level {
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut out = Level {
        map: Vec::with_capacity(labels.len()),
        labels: Vec::new(),
        share: Vec::new(),
    };
    for l in labels {
        let next = out.labels.len() as u32;
        let id = *ids.entry(l.as_str()).or_insert_with(|| {
            out.labels.push(l.clone());
            out.share.push(share(l));
            next
        });
        out.map.push(id);
    }
    out
}

/// Each level must merge values of the level below, never split them.
fn check_coarsens(source: &str, name: &str, levels: &[Level]) -> Result<()> {
    for (i, pair) in levels.windows(2).enumerate() {
        let mut up: FxHashMap<u32, u32> = FxHashMap::default();
        for (&lo, &hi) in pair[0].map.iter().zip(&pair[1].map) {
            if let Some(&prev) = up.get(&lo) {
                if prev != hi {
                    // Level 0's labels are values of records: carried, not printed.
                    return Err(Error::column(
                        source,
                        name,
                        format!(
                            "level {} splits a value of level {i} into two (the hierarchy's levels must nest)",
                            i + 1
                        ),
                    )
                    .with_value(format!(
                        "{} → {} and {}",
                        pair[0].labels[lo as usize],
                        pair[1].labels[prev as usize],
                        pair[1].labels[hi as usize]
                    )));
                }
            }
            up.insert(lo, hi);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::encode::encode_series;
    use polars::prelude::*;

    fn dict(values: &[&str]) -> Dictionary {
        let s = Series::new("x".into(), values);
        encode_series("t", "x", &s, &[]).unwrap().dict
    }

    /// Level 1 of "interval:5,10,*" on 23, 27, 31, 45 groups codes
    /// [0, 1, 2, 3] as [0, 1, 2, 3] ([20,25[ [25,30[ [30,35[ [45,50[),
    /// level 2 as [0, 0, 1, 2]: so level 1 → level 2 is [0, 0, 1, 2].
    #[test]
    fn maps_between_nested_levels_or_refuses() {
        let d = dict(&["23", "27", "31", "45"]);
        let mut g = Generalisation::from_spec("t", "age", "interval:5,10,*", &d).unwrap();
        assert_eq!(g.map_between(1, 2), Some(vec![0, 0, 1, 2]));
        assert_eq!(g.map_between(2, 3), Some(vec![0, 0, 0]));
        assert_eq!(g.map_between(0, 0), Some(vec![0, 1, 2, 3]));
        // Levels that cross: level 1 joins 23 and 27, level 2 parts them.
        g.levels[1].map = vec![0, 0, 1, 2];
        g.levels[1].labels.truncate(3);
        g.levels[2].map = vec![0, 1, 1, 2];
        assert_eq!(g.map_between(1, 2), None);
    }

    #[test]
    fn intervals_and_masks() {
        let d = dict(&["23", "27", "31", "45"]);
        let g = Generalisation::from_spec("t", "age", "interval:5,10,*", &d).unwrap();
        assert_eq!(g.height(), 3);
        assert_eq!(
            g.levels[1].labels,
            vec!["[20, 25[", "[25, 30[", "[30, 35[", "[45, 50["]
        );
        assert_eq!(g.levels[2].labels, vec!["[20, 30[", "[30, 40[", "[40, 50["]);
        assert_eq!(g.levels[2].map, vec![0, 0, 1, 2]);
        // [20, 30[ covers 2 of the 4 distinct values.
        assert_eq!(g.levels[2].share[0], 0.5);
        assert_eq!(g.levels[3].labels, vec!["*"]);
        let d = dict(&["1234AB", "1234AC", "1299ZZ"]);
        let g = Generalisation::from_spec("t", "pc", "mask:1,2,4", &d).unwrap();
        assert_eq!(g.levels[1].labels, vec!["1234A*", "1299Z*"]);
        assert_eq!(g.levels[3].labels, vec!["12****"]);
        assert!(Generalisation::from_spec("t", "pc", "interval:5", &d).is_err());
        // Top and bottom coding.
        let d = dict(&["3", "23", "27", "95"]);
        let g =
            Generalisation::from_spec("t", "age", "interval:10,20,bottom=20,top=80", &d).unwrap();
        assert_eq!(g.levels[1].labels, vec!["<20", "[20, 30[", ">=80"]);
        assert_eq!(g.levels[2].labels, vec!["<20", "[20, 40[", ">=80"]);
    }

    #[test]
    fn frequency_grouping() {
        let d = dict(&["a", "b", "c", "d"]);
        // b most frequent, then d, then a and c.
        let g = Generalisation::from_frequencies("x", &d, &[1, 9, 1, 5], &[2, 1]);
        assert_eq!(g.levels[1].labels, vec!["(other)", "b", "d"]);
        assert_eq!(g.levels[1].share, vec![0.5, 0.25, 0.25]);
        assert_eq!(g.levels[2].labels, vec!["(other)", "b"]);
        assert_eq!(g.levels[3].labels, vec!["*"]);
        assert!(check_coarsens("t", "x", &g.levels).is_ok());
    }

    #[test]
    fn dates_and_groups() {
        let d = dict(&["2019-12-31", "2020-01-15", "2020-02-01", "2031-07-04"]);
        let g = Generalisation::from_spec("t", "d", "date:month,year,decade", &d).unwrap();
        assert_eq!(
            g.levels[1].labels,
            vec!["2019-12", "2020-01", "2020-02", "2031-07"]
        );
        assert_eq!(g.levels[2].labels, vec!["2019", "2020", "2031"]);
        assert_eq!(g.levels[3].labels, vec!["2010s", "2020s", "2030s"]);
        assert!(Generalisation::from_spec("t", "d", "date:week", &d).is_err());
        assert!(Generalisation::from_spec("t", "d", "date:year", &dict(&["May 2020"])).is_err());
        let d = dict(&["a", "b", "c", "d", "e"]);
        let g = Generalisation::from_spec("t", "x", "group:2,4", &d).unwrap();
        assert_eq!(g.levels[1].labels, vec!["a..b", "c..d", "e"]);
        assert_eq!(g.levels[2].labels, vec!["a..d", "e"]);
        // Groups of 3 do not nest in groups of 2: a level would split values.
        let e = Generalisation::from_spec("t", "x", "group:2,3", &d)
            .unwrap_err()
            .to_string();
        assert!(e.contains("splits"), "{e}");
    }

    #[test]
    fn arx_hierarchy_levels_and_shares() {
        let h = Hierarchy::parse("h", "a;X;*\nb;X;*\nc;Y;*\nd;Y;*\n").unwrap();
        let d = dict(&["a", "b", "c"]);
        let g = Generalisation::from_hierarchy("q", &h, &d).unwrap();
        assert_eq!(g.levels[1].labels, vec!["X", "Y"]);
        assert_eq!(g.levels[1].map, vec![0, 0, 1]);
        // Y covers 2 of the hierarchy's 4 leaves, though only c occurs.
        assert_eq!(g.levels[1].share, vec![0.5, 0.5]);
        assert_eq!(g.levels[0].share, vec![0.25; 3]);
        let e = Generalisation::from_hierarchy("q", &h, &dict(&["a", "zz"])).unwrap_err();
        // The value is carried, not printed (values are private).
        assert_eq!(e.value(), Some("zz"));
        let e = e.to_string();
        assert!(
            e.contains("not in the hierarchy") && !e.contains("zz"),
            "{e}"
        );
    }
}
