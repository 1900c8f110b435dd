//! Linkability (WP216 koppelbaarheid): how well an attacker's table links
//! to a release (docs/metrics.md, "Linkability", L1–L5, L7, L8).
//!
//! The attacker holds a table A sharing the columns Q_A with the release R,
//! often raw where R is generalised. The compatibility set of an attacker
//! record a is C(a) = { r ∈ R : a_q ∈ cover(r_q) for every q ∈ Q_A }
//! ([`cover`]). kanon never compares record pairs: each column's distinct
//! attacker values are resolved once to the release codes that cover them,
//! the release is grouped into its class table over Q_A, and every distinct
//! attacker key walks that sorted table as a trie (one binary search per
//! column and candidate code). Cost: O(|A| + |R|) to encode and group, then
//! O(distinct attacker keys × |Q_A| × log J).

pub mod cover;
pub mod cross;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::engine::classes::{group, ClassTable, Rows};
use crate::engine::encode::EncodedColumn;
use crate::error::{Error, Result};
use cover::{Cover, Label, NodeIndex};

/// z of a two-sided 95 % interval (probit(0.975)).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Per column: attacker code → the release codes compatible with it, or
/// `None` when every release value is (a missing attacker value, `*`).
pub struct ColumnMatch {
    pub lists: Vec<Option<Vec<u32>>>,
}

/// Release labels of one column, indexed for look-ups by raw value.
struct ReleaseIndex {
    labels: Vec<Label>,
    any: Vec<u32>,
    by_text: FxHashMap<String, Vec<u32>>,
    by_number: FxHashMap<u64, Vec<u32>>,
    /// Intervals sorted by lower end, with the running maximum of the upper
    /// end (to stop the backward scan early).
    ranges: Vec<(f64, f64, u32)>,
    max_hi: Vec<f64>,
    /// Masks whose stars are all at the end: (length, fixed prefix).
    trailing_masks: FxHashMap<(usize, String), Vec<u32>>,
    /// Everything else, checked one by one (few in practice).
    other: Vec<u32>,
    /// Codes of `(other)`: chosen for a raw value nothing else covers.
    rest: Vec<u32>,
}

fn num_key(x: f64) -> u64 {
    // -0 and 0 are the same number.
    (if x == 0.0 { 0.0 } else { x }).to_bits()
}

impl ReleaseIndex {
    fn new(labels: Vec<Label>) -> ReleaseIndex {
        let mut ix = ReleaseIndex {
            labels: Vec::new(),
            any: Vec::new(),
            by_text: FxHashMap::default(),
            by_number: FxHashMap::default(),
            ranges: Vec::new(),
            max_hi: Vec::new(),
            trailing_masks: FxHashMap::default(),
            other: Vec::new(),
            rest: Vec::new(),
        };
        for (code, l) in labels.iter().enumerate() {
            let code = code as u32;
            match &l.cover {
                Cover::Any => ix.any.push(code),
                Cover::Other => ix.rest.push(code),
                Cover::Exact => ix.by_text.entry(l.text.clone()).or_default().push(code),
                Cover::Number(x) => ix.by_number.entry(num_key(*x)).or_default().push(code),
                Cover::Leaves(leaves) => {
                    for leaf in leaves {
                        ix.by_text.entry(leaf.clone()).or_default().push(code);
                        if let Ok(x) = leaf.trim().parse::<f64>() {
                            ix.by_number.entry(num_key(x)).or_default().push(code);
                        }
                    }
                }
                Cover::Range { lo, hi, .. } => ix.ranges.push((*lo, *hi, code)),
                Cover::Mask(m) => {
                    let fixed = m.iter().take_while(|c| c.is_some()).count();
                    if m[fixed..].iter().all(Option::is_none) {
                        let prefix: String = m[..fixed].iter().flatten().collect();
                        ix.trailing_masks
                            .entry((m.len(), prefix))
                            .or_default()
                            .push(code);
                    } else {
                        ix.other.push(code);
                    }
                }
                Cover::DatePrefix(_) => ix.other.push(code),
            }
        }
        ix.ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut m = f64::NEG_INFINITY;
        ix.max_hi = ix
            .ranges
            .iter()
            .map(|r| {
                m = m.max(r.1);
                m
            })
            .collect();
        ix.labels = labels;
        ix
    }

    /// Release codes compatible with attacker label `a`; `None` = all.
    fn candidates(&self, a: &Label) -> Option<Vec<u32>> {
        let mut out: Vec<u32> = self.any.clone();
        match &a.cover {
            Cover::Any => return None,
            Cover::Exact | Cover::Number(_) => {
                if let Some(v) = self.by_text.get(&a.text) {
                    out.extend(v);
                }
                if let Cover::Number(x) = a.cover {
                    if let Some(v) = self.by_number.get(&num_key(x)) {
                        out.extend(v);
                    }
                    let end = self.ranges.partition_point(|r| r.0 <= x);
                    for i in (0..end).rev() {
                        if self.max_hi[i] < x {
                            break;
                        }
                        let code = self.ranges[i].2;
                        if self.labels[code as usize].compatible(a) {
                            out.push(code);
                        }
                    }
                } else if a.text.len() >= 10 && a.text.as_bytes()[4] == b'-' {
                    // A year label (a number) covers the dates of its year.
                    if let Ok(y) = a.text[..4].parse::<f64>() {
                        if let Some(v) = self.by_number.get(&num_key(y)) {
                            out.extend(
                                v.iter().filter(|&&c| self.labels[c as usize].compatible(a)),
                            );
                        }
                    }
                }
                if !self.trailing_masks.is_empty() {
                    let chars: Vec<char> = a.text.chars().collect();
                    for p in 0..=chars.len() {
                        let prefix: String = chars[..p].iter().collect();
                        if let Some(v) = self.trailing_masks.get(&(chars.len(), prefix)) {
                            out.extend(v);
                        }
                    }
                }
                out.extend(
                    self.other
                        .iter()
                        .filter(|&&c| self.labels[c as usize].compatible(a)),
                );
                if out.len() == self.any.len() {
                    // No named label covers the value: it was folded into
                    // the rare values, if the column has them.
                    out.extend(&self.rest);
                }
            }
            _ => {
                // A generalised attacker value (an earlier release): compare
                // with every released label.
                out = (0..self.labels.len() as u32)
                    .filter(|&c| self.labels[c as usize].compatible(a))
                    .collect();
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// The labels of an encoded column as covers.
pub fn labels_of(col: &EncodedColumn, nodes: Option<&NodeIndex>) -> Vec<Label> {
    col.dict
        .labels
        .iter()
        .enumerate()
        .map(|(c, t)| Label::parse(t, col.dict.missing == Some(c as u32), nodes))
        .collect()
}

/// Resolve every distinct attacker value of one column against the
/// release's values.
pub fn match_column(
    release: &EncodedColumn,
    aux: &EncodedColumn,
    nodes: Option<&NodeIndex>,
) -> ColumnMatch {
    let index = ReleaseIndex::new(labels_of(release, nodes));
    let aux_labels = labels_of(aux, None);
    ColumnMatch {
        lists: aux_labels.par_iter().map(|a| index.candidates(a)).collect(),
    }
}

/// What one attacker key matches in the release.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matched {
    /// |C(a)|: release records compatible with the key.
    pub records: u64,
    /// Release classes (over Q_A) those records fall in.
    pub classes: u64,
}

/// The release classes whose codes lie in `lists` (one per column; `None`
/// = any code): a walk over the lexicographically sorted class table.
pub fn find(t: &ClassTable, lists: &[Option<&[u32]>]) -> Matched {
    let mut m = Matched::default();
    descend(t, lists, 0, 0, t.len(), &mut m);
    m
}

fn descend(
    t: &ClassTable,
    lists: &[Option<&[u32]>],
    q: usize,
    lo: usize,
    hi: usize,
    m: &mut Matched,
) {
    if lo >= hi {
        return;
    }
    if q == lists.len() {
        // The whole key is fixed: one class.
        m.classes += (hi - lo) as u64;
        m.records += t.sizes[lo..hi].iter().sum::<u64>();
        return;
    }
    let col = &t.keys[q][lo..hi];
    match lists[q] {
        None => {
            let mut i = 0;
            while i < col.len() {
                let v = col[i];
                let j = i + col[i..].partition_point(|&x| x == v);
                descend(t, lists, q + 1, lo + i, lo + j, m);
                i = j;
            }
        }
        Some(codes) => {
            let mut from = 0;
            for &code in codes {
                let a = from + col[from..].partition_point(|&x| x < code);
                let b = a + col[a..].partition_point(|&x| x == code);
                descend(t, lists, q + 1, lo + a, lo + b, m);
                from = b;
                if from >= col.len() {
                    break;
                }
            }
        }
    }
}

/// Is release class `c` in the compatibility set described by `lists`?
pub fn class_compatible(t: &ClassTable, c: usize, lists: &[Option<&[u32]>]) -> bool {
    lists
        .iter()
        .enumerate()
        .all(|(q, l)| l.is_none_or(|codes| codes.binary_search(&t.keys[q][c]).is_ok()))
}

/// Group encoded columns (all of one table) into classes, with each row's
/// class when `row_class`.
pub fn classes_of(
    cols: &[&EncodedColumn],
    counts: Option<&[u64]>,
    row_class: bool,
) -> crate::engine::classes::Grouping {
    let codes: Vec<&[u32]> = cols.iter().map(|c| c.codes.as_slice()).collect();
    let cards: Vec<u32> = cols.iter().map(|c| c.cardinality()).collect();
    let len = cols.first().map_or(0, |c| c.codes.len());
    group(
        Rows {
            columns: &codes,
            cards: &cards,
            counts,
            weights: None,
            len,
        },
        row_class,
    )
}

/// Ground truth: which release row each attacker row is (by an id column
/// present in both tables).
pub struct Truth<'a> {
    pub release_ids: &'a EncodedColumn,
    pub aux_ids: &'a EncodedColumn,
}

/// Everything the linkage figures are computed from.
pub struct LinkInput<'a> {
    /// Release columns Q_A, in the attacker's column order.
    pub release: Vec<&'a EncodedColumn>,
    pub aux: Vec<&'a EncodedColumn>,
    /// Per column, the hierarchy whose labels the release uses.
    pub nodes: Vec<Option<NodeIndex>>,
    pub truth: Option<Truth<'a>>,
    /// Records per row when the release or the attacker table is a
    /// frequency table (each row stands for its count of records).
    pub release_counts: Option<&'a [u64]>,
    pub aux_counts: Option<&'a [u64]>,
    /// π = n/N of the release, for the precision of unique matches without
    /// ground truth.
    pub sampling_fraction: Option<f64>,
    /// Release file, for errors.
    pub release_source: &'a str,
}

/// Linkage figures (docs/metrics.md L1–L5, L7); serialised as
/// `linkability` in the JSON.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Linkability {
    /// The attacker table read (path, size, SHA-256, rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attacker_file: Option<crate::input::FileInfo>,
    /// Columns linked on (Q_A).
    pub on: Vec<String>,
    /// m_A.
    pub attacker_records: u64,
    /// n: release records.
    pub release_records: u64,
    /// Attacker records with at least one compatible release record.
    pub matched_records: u64,
    /// Smallest |C(a)| of a matched attacker record.
    pub smallest_match: Option<u64>,
    /// L1: records with exactly one compatible release record.
    pub unique_matches: u64,
    pub unique_match_rate: f64,
    /// L3 without ground truth (Σ over matched a of 1/|C(a)|), L2 with it
    /// (Σ over a whose true record is compatible of 1/|C(a)|).
    pub expected_correct_links: f64,
    /// `ground_truth` (L2) or `no_ground_truth` (L3, prosecutor view:
    /// every attacker record is assumed to be in the release).
    pub basis: String,
    /// L2's LSR: expected correct links / attacker records whose true
    /// record is in the release (with ground truth only).
    pub link_success_rate: Option<f64>,
    /// Attacker records whose true record is in the release (ground truth).
    pub targets_in_release: Option<u64>,
    /// Attacker records whose unique match is their true record.
    pub correct_unique_matches: Option<u64>,
    /// L4: attacker records whose compatible records all lie in one release
    /// class (linked to a group).
    pub group_links: u64,
    pub group_link_rate: f64,
    /// L5: share of unique matches that are correct: counted with ground
    /// truth, else Skinner & Elliot's θ = π·n1/(π·n1 + 2(1−π)·n2) on Q_A;
    /// null without ground truth or a sampling fraction.
    pub unique_match_precision: Option<f64>,
    pub unique_match_precision_basis: PrecisionBasis,
    /// L7: baseline-corrected risk with a Wilson interval.
    pub risk: LinkRisk,
    /// Attacker records by |C(a)|: 0, 1, 2, 3–4, 5–9, 10–99, ≥ 100.
    pub match_sizes: Vec<MatchBucket>,
    /// Per column: distinct attacker values no release value covers.
    pub columns: Vec<LinkColumn>,
}

/// Baseline-corrected linkage risk, computed as anonymeter does
/// (`stats/confidence.py`): the attack's success rate as a Wilson score
/// estimate with its error at 95 %, corrected against a random guess:
/// risk = (rate − baseline)/(1 − baseline), error propagated, bounded to
/// [0, 1].
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkRisk {
    /// Bounded residual risk (anonymeter's `PrivacyRisk.value`).
    pub value: f64,
    /// 95 % interval of the risk.
    pub ci: [f64; 2],
    /// Expected successes / attacks, unsmoothed.
    pub attack_rate: f64,
    /// Wilson estimate of the success rate.
    pub wilson_rate: f64,
    pub wilson_error: f64,
    /// Success of a random guess: 1/n.
    pub baseline: f64,
    /// Attacks counted: attacker records (whose true record is in the
    /// release, with ground truth).
    pub attacks: u64,
    pub successes: f64,
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MatchBucket {
    /// `0`, `1`, `2`, `3-4`, `5-9`, `10-99`, `100+`.
    pub matches: String,
    pub attacker_records: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkColumn {
    pub name: String,
    pub release_values: u64,
    pub attacker_values: u64,
    /// Distinct attacker values (missing excluded) with no compatible
    /// release value.
    pub attacker_values_unmatched: u64,
}

/// anonymeter's `success_rate`: Wilson point estimate and error.
pub fn wilson(n_total: f64, n_success: f64, z: f64) -> (f64, f64) {
    if n_total <= 0.0 {
        return (0.0, 0.0);
    }
    let z2 = z * z;
    let var = n_success * (n_total - n_success) / n_total;
    let denom = n_total + z2;
    let rate = (n_success + 0.5 * z2) / denom;
    let error = (z / denom) * (var.max(0.0) + 0.25 * z2).sqrt();
    (rate, error)
}

/// L7 from expected successes out of `attacks`, against a random guess
/// that succeeds with probability `baseline` (exactly known: no error).
pub fn link_risk(attacks: u64, successes: f64, baseline: f64) -> LinkRisk {
    let (rate, error) = wilson(attacks as f64, successes, Z95);
    let (value, err) = if baseline < 1.0 {
        (
            (rate - baseline) / (1.0 - baseline),
            error / (1.0 - baseline),
        )
    } else {
        (0.0, 0.0)
    };
    let bound = |x: f64| x.clamp(0.0, 1.0);
    LinkRisk {
        value: bound(value),
        ci: [bound(value - err), bound(value + err)],
        attack_rate: if attacks > 0 {
            successes / attacks as f64
        } else {
            0.0
        },
        wilson_rate: rate,
        wilson_error: error,
        baseline,
        attacks,
        successes,
        confidence: 0.95,
    }
}

fn bucket(m: u64) -> usize {
    match m {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=4 => 3,
        5..=9 => 4,
        10..=99 => 5,
        _ => 6,
    }
}

const BUCKETS: [&str; 7] = ["0", "1", "2", "3-4", "5-9", "10-99", "100+"];

/// Link an attacker table to a release.
/// A column whose release values cover none of the attacker's known values
/// cannot be compared: every attacker record would "match nobody" and
/// linkability would pass on no evidence. That happens when the release
/// is generalised with a hierarchy whose labels kanon cannot interpret
/// without the file (e.g. `Married` for `Married-civ-spouse`), or when the
/// tables share no value in the column at all; both are refused. An
/// attacker whose values are covered column by column but whose records
/// match no release record gets the honest 0.
fn comparable(input: &LinkInput<'_>, q: usize, m: &ColumnMatch) -> Result<()> {
    let aux = input.aux[q];
    let known = |c: &EncodedColumn| (0..c.dict.len() as u32).any(|x| Some(x) != c.dict.missing);
    if !known(aux) || !known(input.release[q]) {
        return Ok(());
    }
    let covered = m.lists.iter().enumerate().any(|(a, list)| {
        Some(a as u32) != aux.dict.missing && list.as_ref().is_none_or(|l| !l.is_empty())
    });
    if covered {
        return Ok(());
    }
    Err(Error::column(
        input.release_source,
        &aux.name,
        "no release value covers any of the attacker's values in this column, so nothing can \
         be compared (a PASS would rest on no evidence): if the release is generalised with a \
         hierarchy, give it (kanon link --hierarchy COL=FILE, kanon analyse --aux-hierarchy \
         COL=FILE); if the tables share no value in this column, leave it out of --on",
    ))
}

pub fn link(input: &LinkInput<'_>) -> Result<Linkability> {
    let d = input.release.len();
    if d == 0 || d != input.aux.len() {
        return Err(Error::usage(
            "linkage needs at least one column shared by the release and the attacker table",
        ));
    }
    let matches: Vec<ColumnMatch> = (0..d)
        .into_par_iter()
        .map(|q| match_column(input.release[q], input.aux[q], input.nodes[q].as_ref()))
        .collect();
    for (q, m) in matches.iter().enumerate() {
        comparable(input, q, m)?;
    }
    if input.truth.is_some() && (input.release_counts.is_some() || input.aux_counts.is_some()) {
        return Err(Error::usage(
            "ground-truth ids pair records, and a frequency table has none: leave out \
             --release-id/--aux-id or the count column",
        ));
    }
    let truth = input.truth.is_some();
    let release = classes_of(&input.release, input.release_counts, truth);
    let aux = classes_of(&input.aux, input.aux_counts, truth);
    let rt = &release.table;
    let at = &aux.table;
    let lists_of = |a: usize| -> Vec<Option<&[u32]>> {
        (0..d)
            .map(|q| matches[q].lists[at.keys[q][a] as usize].as_deref())
            .collect()
    };
    // C(a) per distinct attacker key.
    let per_key: Vec<Matched> = (0..at.len())
        .into_par_iter()
        .map(|a| find(rt, &lists_of(a)))
        .collect();

    let m_a = at.records();
    let n = rt.records();
    let Tally {
        matched,
        unique,
        group_links,
        ecl_star,
        buckets,
    } = tally(&per_key, &at.sizes);
    let share = |x: u64| if m_a > 0 { x as f64 / m_a as f64 } else { 0.0 };

    let mut result = Linkability {
        attacker_file: None,
        on: input.aux.iter().map(|c| c.name.clone()).collect(),
        attacker_records: m_a,
        release_records: n,
        matched_records: matched,
        smallest_match: per_key.iter().map(|m| m.records).filter(|&r| r > 0).min(),
        unique_matches: unique,
        unique_match_rate: share(unique),
        expected_correct_links: ecl_star,
        basis: "no_ground_truth".into(),
        link_success_rate: None,
        targets_in_release: None,
        correct_unique_matches: None,
        group_links,
        group_link_rate: share(group_links),
        unique_match_precision: None,
        unique_match_precision_basis: PrecisionBasis::NeedsTruthOrFraction,
        risk: link_risk(m_a, ecl_star, 1.0 / n.max(1) as f64),
        match_sizes: BUCKETS
            .iter()
            .zip(buckets)
            .map(|(b, c)| MatchBucket {
                matches: b.to_string(),
                attacker_records: c,
            })
            .collect(),
        columns: (0..d)
            .map(|q| LinkColumn {
                name: input.aux[q].name.clone(),
                release_values: input.release[q].dict.len() as u64,
                attacker_values: input.aux[q].dict.len() as u64,
                attacker_values_unmatched: matches[q]
                    .lists
                    .iter()
                    .filter(|l| l.as_ref().is_some_and(Vec::is_empty))
                    .count() as u64,
            })
            .collect(),
    };

    match &input.truth {
        Some(truth) => {
            let classes = Classes {
                release: &release,
                aux: &aux,
                per_key: &per_key,
            };
            with_ground_truth(&mut result, input, truth, &classes, &lists_of)?;
        }
        None => without_ground_truth(&mut result, rt, input.sampling_fraction),
    }
    Ok(result)
}

/// The attacker records by what they match (L1, L3, L4).
struct Tally {
    matched: u64,
    unique: u64,
    group_links: u64,
    ecl_star: f64,
    buckets: [u64; 7],
}

fn tally(per_key: &[Matched], sizes: &[u64]) -> Tally {
    let mut t = Tally {
        matched: 0,
        unique: 0,
        group_links: 0,
        ecl_star: 0.0,
        buckets: [0; 7],
    };
    for (m, &f) in per_key.iter().zip(sizes) {
        t.buckets[bucket(m.records)] += f;
        if m.records > 0 {
            t.matched += f;
            t.ecl_star += f as f64 / m.records as f64;
            if m.classes == 1 {
                t.group_links += f;
            }
        }
        if m.records == 1 {
            t.unique += f;
        }
    }
    t
}

/// The class tables of a linkage and C(a) per attacker key.
struct Classes<'a> {
    release: &'a crate::engine::classes::Grouping,
    aux: &'a crate::engine::classes::Grouping,
    per_key: &'a [Matched],
}

/// L2 and L5 from ground-truth ids: for each attacker record whose true
/// record is in the release, the chance 1/|C(a)| of picking it (L2), and
/// whether a unique match is the right one (L5).
fn with_ground_truth<'l>(
    result: &mut Linkability,
    input: &LinkInput<'_>,
    truth: &Truth<'_>,
    c: &Classes,
    lists_of: &dyn Fn(usize) -> Vec<Option<&'l [u32]>>,
) -> Result<()> {
    let rt = &c.release.table;
    let release_rows = c.release.row_class.as_deref().unwrap_or(&[]);
    let aux_rows = c.aux.row_class.as_deref().unwrap_or(&[]);
    let id_row = release_id_rows(truth.release_ids, input.release_source)?;
    let (mut in_r, mut ecl, mut correct_unique) = (0u64, 0.0f64, 0u64);
    for (row, &id_code) in truth.aux_ids.codes.iter().enumerate() {
        if truth.aux_ids.dict.missing == Some(id_code) {
            continue;
        }
        let label = &truth.aux_ids.dict.labels[id_code as usize];
        let Some(&r) = id_row.get(label.as_str()) else {
            continue;
        };
        in_r += 1;
        let a = aux_rows[row] as usize;
        let true_class = release_rows[r as usize] as usize;
        if class_compatible(rt, true_class, &lists_of(a)) {
            let size = c.per_key[a].records;
            ecl += 1.0 / size as f64;
            if size == 1 {
                correct_unique += 1;
            }
        }
    }
    let unique = result.unique_matches;
    result.basis = "ground_truth".into();
    result.expected_correct_links = ecl;
    result.targets_in_release = Some(in_r);
    result.link_success_rate = Some(if in_r > 0 { ecl / in_r as f64 } else { 0.0 });
    result.correct_unique_matches = Some(correct_unique);
    result.unique_match_precision = (unique > 0).then(|| correct_unique as f64 / unique as f64);
    result.unique_match_precision_basis = if unique > 0 {
        PrecisionBasis::GroundTruth
    } else {
        PrecisionBasis::NoUniqueMatches
    };
    result.risk = link_risk(in_r, ecl, 1.0 / rt.records().max(1) as f64);
    Ok(())
}

/// How L5's unique-match precision was found, or why it was not.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PrecisionBasis {
    /// Counted against ground-truth ids.
    GroundTruth,
    /// Ground truth, but no attacker record has a unique match.
    NoUniqueMatches,
    /// Skinner and Elliot's θ = π·n₁/(π·n₁ + 2(1−π)·n₂) on the linked columns.
    DisTheta { pi: f64, n1: u64, n2: u64 },
    /// A sampling fraction, but no sample uniques on the linked columns.
    NoSampleUniques,
    /// Neither ground-truth ids nor a sampling fraction.
    NeedsTruthOrFraction,
}

/// L5 without ground truth: Skinner and Elliot's θ = π·n₁/(π·n₁ + 2(1−π)·n₂)
/// on the linked columns, when the sampling fraction is known.
fn without_ground_truth(result: &mut Linkability, rt: &ClassTable, sampling_fraction: Option<f64>) {
    let n1 = rt.sizes.iter().filter(|&&s| s == 1).count() as f64;
    let n2 = rt.sizes.iter().filter(|&&s| s == 2).count() as f64;
    match sampling_fraction {
        Some(pi) if n1 > 0.0 => {
            result.unique_match_precision = Some(pi * n1 / (pi * n1 + 2.0 * (1.0 - pi) * n2));
            result.unique_match_precision_basis = PrecisionBasis::DisTheta {
                pi,
                n1: n1 as u64,
                n2: n2 as u64,
            };
        }
        Some(_) => result.unique_match_precision_basis = PrecisionBasis::NoSampleUniques,
        None => result.unique_match_precision_basis = PrecisionBasis::NeedsTruthOrFraction,
    }
}

/// Release id label → release row; ids must be unique.
fn release_id_rows<'a>(ids: &'a EncodedColumn, source: &str) -> Result<FxHashMap<&'a str, u32>> {
    let mut seen = vec![u32::MAX; ids.dict.len()];
    for (row, &c) in ids.codes.iter().enumerate() {
        if ids.dict.missing == Some(c) {
            continue;
        }
        if seen[c as usize] != u32::MAX {
            return Err(Error::cell(
                source,
                Some(&ids.name),
                row as u64 + 1,
                format!(
                    "the id repeats the id of row {}: ids must identify one record each",
                    seen[c as usize] + 1
                ),
            ));
        }
        seen[c as usize] = row as u32;
    }
    Ok(ids
        .dict
        .labels
        .iter()
        .zip(&seen)
        .filter(|(_, &r)| r != u32::MAX)
        .map(|(l, &r)| (l.as_str(), r))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::encode::encode_series;
    use polars::prelude::*;

    fn col(name: &str, values: &[&str]) -> EncodedColumn {
        let s = Series::new(name.into(), values);
        encode_series("t", name, &s, &[]).unwrap()
    }

    /// Release (generalised) and attacker (raw) by hand:
    ///
    /// release  age      zip      attacker  age  zip
    ///   r0     [20-30[  12**       a0      25   1234   → C = {r0, r1}    (|C| 2, one class)
    ///   r1     [20-30[  12**       a1      35   1299   → C = {r2}        (unique)
    ///   r2     [30-40[  12**       a2      99   5555   → C = {}          (no match)
    ///   r3     [30-40[  99**       a3      45   9900   → C = {r4, r5}    (|C| 2, classes {r4},{r5} with *)
    ///   r4     *        99**
    ///   r5     [40-50[  *
    ///
    /// a3: r4 (age *, zip 99**) and r5 (age [40-50[, zip *): two classes.
    /// L1 = 1/4; L3 = 1/2 + 1 + 1/2 = 2; L4 = a0 and a1 = 2/4.
    fn hand() -> (Vec<EncodedColumn>, Vec<EncodedColumn>) {
        let release = vec![
            col(
                "age",
                &["[20-30[", "[20-30[", "[30-40[", "[30-40[", "*", "[40-50["],
            ),
            col("zip", &["12**", "12**", "12**", "99**", "99**", "*"]),
        ];
        let aux = vec![
            col("age", &["25", "35", "99", "45"]),
            col("zip", &["1234", "1299", "5555", "9900"]),
        ];
        (release, aux)
    }

    /// `link` over whole column lists, without hierarchies.
    fn run(
        release: &[EncodedColumn],
        aux: &[EncodedColumn],
        truth: Option<Truth<'_>>,
        sampling_fraction: Option<f64>,
        release_source: &str,
    ) -> Result<Linkability> {
        link(&LinkInput {
            release: release.iter().collect(),
            aux: aux.iter().collect(),
            nodes: release.iter().map(|_| None).collect(),
            truth,
            release_counts: None,
            aux_counts: None,
            sampling_fraction,
            release_source,
        })
    }

    #[test]
    fn hand_built_linkage_without_ground_truth() {
        let (release, aux) = hand();
        let r = run(&release, &aux, None, None, "r").unwrap();
        assert_eq!(r.attacker_records, 4);
        assert_eq!(r.matched_records, 3);
        assert_eq!(r.unique_matches, 1);
        assert_eq!(r.unique_match_rate, 0.25);
        assert_eq!(r.expected_correct_links, 2.0);
        assert_eq!(r.group_links, 2);
        assert_eq!(r.group_link_rate, 0.5);
        assert_eq!(r.unique_match_precision, None);
        let sizes: Vec<u64> = r.match_sizes.iter().map(|b| b.attacker_records).collect();
        assert_eq!(sizes, vec![1, 1, 2, 0, 0, 0, 0]);
        // Every zip matches the suppressed `*` of r5.
        assert_eq!(r.columns[1].attacker_values_unmatched, 0);
    }

    #[test]
    fn hand_built_linkage_with_ground_truth() {
        let (mut release, mut aux) = hand();
        release.push(col("id", &["p0", "p1", "p2", "p3", "p4", "p5"]));
        // a0 is p1 (in C(a0): counts 1/2), a1 is p3 (not in C(a1) = {r2}),
        // a2 is p2 (no match), a3 is p9 (not in the release).
        aux.push(col("id", &["p1", "p3", "p2", "p9"]));
        let (rid, aid) = (release.pop().unwrap(), aux.pop().unwrap());
        let r = run(
            &release,
            &aux,
            Some(Truth {
                release_ids: &rid,
                aux_ids: &aid,
            }),
            None,
            "r",
        )
        .unwrap();
        assert_eq!(r.targets_in_release, Some(3));
        assert_eq!(r.expected_correct_links, 0.5);
        assert_eq!(r.link_success_rate, Some(0.5 / 3.0));
        assert_eq!(r.correct_unique_matches, Some(0));
        assert_eq!(r.unique_match_precision, Some(0.0));
    }

    #[test]
    fn duplicate_release_ids_are_an_error() {
        let (mut release, aux) = hand();
        release.push(col("id", &["p0", "p1", "p0", "p3", "p4", "p5"]));
        let rid = release.pop().unwrap();
        let aid = col("id", &["p1", "p3", "p2", "p9"]);
        let e = run(
            &release,
            &aux,
            Some(Truth {
                release_ids: &rid,
                aux_ids: &aid,
            }),
            None,
            "r.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("r.csv") && e.contains("row 3") && e.contains("row 1"),
            "{e}"
        );
    }

    #[test]
    fn other_covers_what_no_named_label_covers() {
        let release = col("edu", &["HS", "(other)", "BSc", "(other)"]);
        let aux = col("edu", &["HS", "PhD", "BSc", "Pre-school"]);
        let m = match_column(&release, &aux, None);
        let code = |c: &EncodedColumn, l: &str| c.dict.code_of(l).unwrap();
        let other = code(&release, "(other)");
        assert_eq!(m.lists[code(&aux, "PhD") as usize], Some(vec![other]));
        assert_eq!(
            m.lists[code(&aux, "Pre-school") as usize],
            Some(vec![other])
        );
        assert_eq!(
            m.lists[code(&aux, "HS") as usize],
            Some(vec![code(&release, "HS")])
        );
    }

    #[test]
    fn theta_without_ground_truth() {
        // Exact coding: release classes {x}:1, {y}:2, {z}:1 → n1 = 2, n2 = 1.
        let release = [col("q", &["x", "y", "y", "z"])];
        let aux = [col("q", &["x", "w"])];
        let r = run(&release, &aux, None, Some(0.1), "r").unwrap();
        // θ = 0.1·2 / (0.1·2 + 2·0.9·1) = 0.2 / 2.0 = 0.1
        assert_eq!(r.columns[0].attacker_values_unmatched, 1); // w
        assert!((r.unique_match_precision.unwrap() - 0.1).abs() < 1e-15);
    }

    #[test]
    fn wilson_and_residual_as_anonymeter() {
        // 40 successes in 100: z = 1.959964, z² = 3.841459;
        // rate = (40 + 1.920729)/103.841459 = 0.4036993;
        // error = 1.959964/103.841459 · sqrt(24 + 0.960365) = 0.0942981.
        let (rate, err) = wilson(100.0, 40.0, Z95);
        assert!((rate - 0.4036993).abs() < 1e-7, "{rate}");
        assert!((err - 0.0942981).abs() < 1e-7, "{err}");
        // Below the baseline the risk is bounded to 0.
        let r = link_risk(100, 40.0, 0.5);
        assert_eq!(r.value, 0.0);
        let r = link_risk(100, 40.0, 0.01);
        assert!((r.value - (rate - 0.01) / 0.99).abs() < 1e-12);
        assert!((r.ci[1] - (rate - 0.01 + err) / 0.99).abs() < 1e-12);
    }

    #[test]
    fn the_walk_agrees_with_a_scan() {
        // Pseudo-random release and attacker codes: `find` must equal the
        // brute-force count over classes.
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % m) as u32
        };
        let n = 500;
        let a: Vec<String> = (0..n).map(|_| next(7).to_string()).collect();
        let b: Vec<String> = (0..n).map(|_| next(5).to_string()).collect();
        let c: Vec<String> = (0..n).map(|_| next(3).to_string()).collect();
        let cols: Vec<EncodedColumn> = [("a", &a), ("b", &b), ("c", &c)]
            .iter()
            .map(|(name, v)| {
                let refs: Vec<&str> = v.iter().map(String::as_str).collect();
                col(name, &refs)
            })
            .collect();
        let g = classes_of(&cols.iter().collect::<Vec<_>>(), None, false);
        let t = &g.table;
        for trial in 0..200 {
            let lists: Vec<Option<Vec<u32>>> = (0..3)
                .map(|q| {
                    if next(4) == 0 {
                        None
                    } else {
                        let mut v: Vec<u32> =
                            (0..1 + next(3)).map(|_| next(t.cards[q] as u64)).collect();
                        v.sort_unstable();
                        v.dedup();
                        Some(v)
                    }
                })
                .collect();
            let refs: Vec<Option<&[u32]>> = lists.iter().map(|l| l.as_deref()).collect();
            let got = find(t, &refs);
            let mut want = Matched::default();
            for cl in 0..t.len() {
                if class_compatible(t, cl, &refs) {
                    want.classes += 1;
                    want.records += t.sizes[cl];
                }
            }
            assert_eq!(got, want, "trial {trial}");
        }
    }
}
