//! The equivalence-class engine.
//!
//! Records with identical quasi-identifier codes form an equivalence class.
//! Codes of several columns are packed into one `u64` key (column 0 in the
//! highest bits, so key order is the lexicographic order of the codes); the
//! keys are sorted in parallel (rayon) and runs of equal keys are classes.
//! When the columns need more than 64 bits, a prefix of columns is first
//! reduced to dense class ids, which then take the place of that prefix:
//! ids fit in 32 bits, so any number of columns groups the same way.
//!
//! The same routine rolls a class table up (drop a QI, map codes through a
//! hierarchy): the classes become the rows and their sizes the counts, so a
//! roll-up costs O(classes), never O(records).

use rayon::prelude::*;

use crate::engine::{bulk, radix};

/// Number of bits needed to store codes `0..card`.
pub fn bits_for(card: u32) -> u32 {
    if card <= 1 {
        0
    } else {
        32 - (card - 1).leading_zeros()
    }
}

/// Equivalence classes over a set of quasi-identifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassTable {
    /// Per QI, class → code. Classes are sorted by their codes, QI by QI.
    pub keys: Vec<Vec<u32>>,
    /// Per QI, the size of its code space.
    pub cards: Vec<u32>,
    /// Class → number of records (f_c).
    pub sizes: Vec<u64>,
    /// Class → sum of record weights (F_c), when weights were given.
    pub weights: Option<Vec<f64>>,
}

/// A class table plus, when asked for, each input row's class and each
/// class's rows.
#[derive(Debug, Clone)]
pub struct Grouping {
    pub table: ClassTable,
    /// Row → class index.
    pub row_class: Option<Vec<u32>>,
    /// Class → rows.
    pub members: Option<Members>,
}

/// The rows of every class: class c's rows are `order[starts[c]..starts[c + 1]]`,
/// in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Members {
    pub order: Vec<u32>,
    pub starts: Vec<usize>,
}

impl Members {
    /// The rows of class `c`.
    pub fn rows(&self, c: usize) -> &[u32] {
        &self.order[self.starts[c]..self.starts[c + 1]]
    }
}

/// What a grouping should return besides the class table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// Row → class.
    pub row_class: bool,
    /// Class → rows.
    pub members: bool,
}

/// The rows to group: code columns with their cardinalities, and optional
/// per-row record counts (frequency tables, or class sizes in a roll-up) and
/// weights.
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub columns: &'a [&'a [u32]],
    pub cards: &'a [u32],
    pub counts: Option<&'a [u64]>,
    pub weights: Option<&'a [f64]>,
    /// Number of rows (needed when there are no columns).
    pub len: usize,
}

impl ClassTable {
    /// Number of classes (J).
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Number of quasi-identifiers.
    pub fn arity(&self) -> usize {
        self.keys.len()
    }

    /// Number of records (n = Σ f_c).
    pub fn records(&self) -> u64 {
        bulk::sum(&self.sizes)
    }

    /// The codes of class `c`.
    pub fn key(&self, c: usize) -> Vec<u32> {
        self.keys.iter().map(|k| k[c]).collect()
    }

    /// Records per code of the QI at `q` (index = code): the table's
    /// frequency distribution of that QI, in O(J).
    pub fn value_counts(&self, q: usize) -> Vec<u64> {
        // Parts of the classes counted in parallel, their counts added.
        let card = self.cards[q] as usize;
        let count = |(codes, sizes): (&[u32], &[u64])| {
            let mut counts = vec![0u64; card];
            for (&c, &f) in codes.iter().zip(sizes) {
                counts[c as usize] += f;
            }
            counts
        };
        let part = (1usize << 16).max(card * 4);
        self.keys[q]
            .par_chunks(part)
            .zip(self.sizes.par_chunks(part))
            .map(count)
            .reduce_with(|mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            })
            .unwrap_or_else(|| vec![0; card])
    }

    /// Roll up onto the QIs at `positions` (in that order).
    pub fn project(&self, positions: &[usize]) -> ClassTable {
        let columns: Vec<&[u32]> = positions.iter().map(|&p| self.keys[p].as_slice()).collect();
        let cards: Vec<u32> = positions.iter().map(|&p| self.cards[p]).collect();
        group(
            Rows {
                columns: &columns,
                cards: &cards,
                counts: Some(&self.sizes),
                weights: self.weights.as_deref(),
                len: self.len(),
            },
            false,
        )
        .table
    }

    /// Roll up through per-QI code maps (`maps[q][old] = new`, codes below
    /// `cards[q]`): the class table of a generalisation.
    pub fn map_codes(&self, maps: &[Vec<u32>], cards: &[u32]) -> ClassTable {
        let maps: Vec<&[u32]> = maps.iter().map(Vec::as_slice).collect();
        self.roll_up(&maps, cards, false).table
    }

    /// [`ClassTable::map_codes`], with each class's class in the result
    /// when asked. When the result's key space is small the mapped key is
    /// computed in one pass over the classes and counted, with no mapped
    /// columns and no sort (the lattice search's roll-ups).
    pub fn roll_up(&self, maps: &[&[u32]], cards: &[u32], row_class: bool) -> Grouping {
        let len = self.len();
        if let Some(space) = dense_space(cards, len).filter(|_| len > 0) {
            let index = dense_index(
                len,
                cards,
                |q, at| &self.keys[q][at],
                |q, c| maps[q][c as usize],
            );
            let rows = Rows {
                columns: &[],
                cards,
                counts: Some(&self.sizes),
                weights: self.weights.as_deref(),
                len,
            };
            return dense_classes(&index, space, &rows, row_class);
        }
        let mapped: Vec<Vec<u32>> = self
            .keys
            .iter()
            .zip(maps)
            .map(|(k, m)| k.par_iter().map(|&c| m[c as usize]).collect())
            .collect();
        let columns: Vec<&[u32]> = mapped.iter().map(Vec::as_slice).collect();
        group(
            Rows {
                columns: &columns,
                cards,
                counts: Some(&self.sizes),
                weights: self.weights.as_deref(),
                len,
            },
            row_class,
        )
    }

    /// What counting sample uniques (classes of size 1) left after dropping
    /// one QI at a time needs, computed once; see
    /// [`DropOne::uniques_without`].
    pub fn drop_one(&self) -> DropOne<'_> {
        let shifts = key_shifts(&self.cards);
        let total: u32 = self.cards.iter().map(|&c| bits_for(c)).sum();
        if total > 62 {
            return DropOne {
                table: self,
                shifts,
                packed: None,
                first_diff: None,
            };
        }
        // (packed key << 1) | is-size-1, first QI in the highest bits.
        let mut packed = bulk::filled::<u64>(self.len());
        packed.par_iter_mut().enumerate().for_each(|(c, out)| {
            let mut k = 0u64;
            for (q, keys) in self.keys.iter().enumerate() {
                k = (k << bits_for(self.cards[q])) | keys[c] as u64;
            }
            *out = (k << 1) | (self.sizes[c] == 1) as u64;
        });
        // In key order, the first QI where each class differs from the one
        // before it (the highest differing bit, mapped to its QI).
        let ordered = packed.par_windows(2).all(|w| w[0] >> 1 < w[1] >> 1);
        let first_diff = ordered.then(|| {
            let qi_of_bit = |bit: u32| shifts.iter().position(|&s| bit >= s).unwrap_or(0) as u16;
            let mut d = bulk::filled::<u16>(packed.len());
            d.par_iter_mut().enumerate().skip(1).for_each(|(c, d)| {
                *d = qi_of_bit(63 - (packed[c - 1] ^ packed[c]).leading_zeros() - 1);
            });
            d
        });
        DropOne {
            table: self,
            shifts,
            packed: Some(packed),
            first_diff,
        }
    }
}

/// Bit offset of each QI's code in a packed key (the last QI at 0).
fn key_shifts(cards: &[u32]) -> Vec<u32> {
    let mut shifts = vec![0; cards.len()];
    let mut at = 0;
    for q in (0..cards.len()).rev() {
        shifts[q] = at;
        at += bits_for(cards[q]);
    }
    shifts
}

/// A class table prepared for dropping one QI at a time: its packed keys
/// (each with a size-1 flag) and, when its classes are in key order, where
/// each differs from the one before.
pub struct DropOne<'a> {
    table: &'a ClassTable,
    shifts: Vec<u32>,
    packed: Option<Vec<u64>>,
    first_diff: Option<Vec<u16>>,
}

impl DropOne<'_> {
    /// Drop the reduced keys, their pages handed back in parallel.
    pub fn free(self) {
        if let Some(packed) = self.packed {
            bulk::free(packed);
        }
        if let Some(first_diff) = self.first_diff {
            bulk::free(first_diff);
        }
    }

    /// Sample uniques left after dropping the QI at `drop`: reduced keys
    /// that occur once, on a size-1 class (a merged class has size 1 only
    /// if it is one class of size 1).
    pub fn uniques_without(&self, drop: usize) -> u64 {
        let t = self.table;
        let Some(packed) = &self.packed else {
            let keep: Vec<usize> = (0..t.arity()).filter(|&q| q != drop).collect();
            let p = t.project(&keep);
            return p.sizes.iter().filter(|&&s| s == 1).count() as u64;
        };
        let (shift, width) = (self.shifts[drop], bits_for(t.cards[drop]));
        match &self.first_diff {
            Some(first_diff) if drop > 0 => self.by_segment(packed, first_diff, drop, shift),
            _ => {
                // Cut the QI's bits out of each key and sort the rest.
                let low = (1u64 << (shift + 1)) - 1;
                let mut keys = bulk::filled::<u64>(packed.len());
                keys.par_iter_mut().zip(packed).for_each(|(out, &k)| {
                    *out = ((k >> (shift + width + 1)) << (shift + 1)) | (k & low);
                });
                let total: u32 = t.cards.iter().map(|&c| bits_for(c)).sum();
                radix::sort_keys(&mut keys, total - width + 1);
                // Pieces cut where a key changes, counted in parallel.
                let n = keys.len();
                let pieces = rayon::current_num_threads() * 4;
                let mut cuts = vec![0];
                for p in 1..=pieces {
                    let mut c = (n * p / pieces).max(cuts[cuts.len() - 1]);
                    while c > 0 && c < n && keys[c] >> 1 == keys[c - 1] >> 1 {
                        c += 1;
                    }
                    cuts.push(c);
                }
                cuts.dedup();
                let uniques = cuts
                    .par_windows(2)
                    .map(|w| count_lone_uniques(&keys[w[0]..w[1]]))
                    .sum();
                bulk::free(keys);
                uniques
            }
        }
    }

    /// In key order, classes that agree on the QIs before `drop` are
    /// contiguous (a segment), and a segment is one run per value of
    /// `drop`, each sorted by the QIs after it. Classes alike but for
    /// `drop` share a segment and their codes after it, so sorting each
    /// segment by those codes (a stable sort merges the presorted runs)
    /// groups them; segments are sorted in parallel.
    fn by_segment(&self, packed: &[u64], first_diff: &[u16], drop: usize, shift: u32) -> u64 {
        let after = (1u64 << (shift + 1)) - 1;
        let n = packed.len();
        let starts_segment = |c: usize| c == 0 || (first_diff[c] as usize) < drop;
        // A few pieces a thread, each cut where a segment starts, so that no
        // segment is split; segments are found by walking each piece (no
        // list of them, which for the last QIs holds millions).
        let pieces = rayon::current_num_threads() * 8;
        let mut cuts = vec![0usize];
        for p in 1..pieces {
            let mut c = (n * p / pieces).max(cuts[cuts.len() - 1]);
            while c < n && !starts_segment(c) {
                c += 1;
            }
            if c > cuts[cuts.len() - 1] && c < n {
                cuts.push(c);
            }
        }
        cuts.push(n);
        cuts.par_windows(2)
            .map(|w| {
                // A segment of one class keeps it unique if it was; a longer
                // one is copied without the QIs before `drop` and sorted in
                // a buffer of the piece's own.
                let (mut uniques, mut from) = (0, w[0]);
                let mut segment = Vec::new();
                for i in w[0] + 1..=w[1] {
                    if i == w[1] || starts_segment(i) {
                        if i - from == 1 {
                            uniques += packed[from] & 1;
                        } else {
                            segment.clear();
                            segment.extend(packed[from..i].iter().map(|&k| k & after));
                            segment.sort();
                            uniques += count_lone_uniques(&segment);
                        }
                        from = i;
                    }
                }
                uniques
            })
            .sum()
    }
}

/// In sorted `(key << 1) | is_size_1` values: the keys that occur once,
/// on a size-1 class.
fn count_lone_uniques(keys: &[u64]) -> u64 {
    let mut uniques = 0;
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && keys[j] >> 1 == keys[i] >> 1 {
            j += 1;
        }
        if j == i + 1 && keys[i] & 1 == 1 {
            uniques += 1;
        }
        i = j;
    }
    uniques
}

/// Group rows into equivalence classes. With `want_row_class`, also return
/// each row's class index.
pub fn group(rows: Rows<'_>, want_row_class: bool) -> Grouping {
    group_with(
        rows,
        Want {
            row_class: want_row_class,
            members: false,
        },
    )
}

/// Group rows into equivalence classes, returning what `want` asks for.
pub fn group_with(rows: Rows<'_>, want: Want) -> Grouping {
    let arity = rows.columns.len();
    if arity == 0 {
        return group_all(rows, want);
    }
    match group_dense(&rows, want) {
        Some(g) => g,
        None => group_sorted(rows, want),
    }
}

/// The class table of rows (no row classes or members asked for),
/// consuming their codes: each row's codes are packed into one key and the
/// codes' columns become the class table's, compacted in place from runs of
/// equal keys, so the peak is the keys and the class table, not the codes
/// beside them (for 10M rows × 8 QIs, 320 MB less). With `counts` (a
/// frequency table's rows) and `weights` (per row), each class adds its
/// rows' in row order. The same table as [`group`] gives.
pub fn group_consuming(
    mut columns: Vec<Vec<u32>>,
    cards: &[u32],
    counts: Option<Vec<u64>>,
    weights: Option<Vec<f64>>,
) -> ClassTable {
    let len = columns.first().map_or(0, Vec::len);
    let bits: u32 = cards.iter().map(|&c| bits_for(c)).sum();
    if columns.is_empty() || len == 0 || bits > 64 || dense_space(cards, len).is_some() {
        let codes: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
        let rows = Rows {
            columns: &codes,
            cards,
            counts: counts.as_deref(),
            weights: weights.as_deref(),
            len,
        };
        return group_with(rows, Want::default()).table;
    }
    let parts: Vec<(&[u32], u32)> = columns
        .iter()
        .zip(cards)
        .map(|(c, &card)| (c.as_slice(), bits_for(card)))
        .collect();
    let mut keys = pack(&parts, len);
    drop(parts);
    // The records' code columns become the classes' (there are no more
    // classes than records): no fresh pages to fault in, none to unmap.
    let (sizes, weights) = if counts.is_none() && weights.is_none() {
        radix::sort_keys(&mut keys, bits);
        compact_sorted(&keys, cards, &mut columns, &|run| run.len() as u64, None)
    } else {
        let mut order: Vec<u32> = (0..len as u32).collect();
        radix::sort_pairs(&mut keys, &mut order, bits);
        let rows = |run: std::ops::Range<usize>| order[run].iter().map(|&r| r as usize);
        let size = |run: std::ops::Range<usize>| match &counts {
            Some(c) => rows(run).map(|r| c[r]).sum(),
            None => run.len() as u64,
        };
        let weigh = |run: std::ops::Range<usize>| match &weights {
            Some(w) => rows(run).map(|r| w[r]).sum(),
            None => 0.0,
        };
        let weigh: Option<&(dyn Fn(std::ops::Range<usize>) -> f64 + Sync)> =
            weights.is_some().then_some(&weigh);
        compact_sorted(&keys, cards, &mut columns, &size, weigh)
    };
    bulk::free(keys);
    ClassTable {
        keys: columns,
        cards: cards.to_vec(),
        sizes,
        weights,
    }
}

/// Grouping by a radix sort of packed keys (any key space).
fn group_sorted(rows: Rows<'_>, want: Want) -> Grouping {
    let arity = rows.columns.len();
    // Stage through the columns: pack as many as fit in 64 bits; if columns
    // remain, turn the packed prefix into dense ids and continue.
    let mut prefix: Option<(Vec<u32>, u32)> = None;
    let mut next = 0;
    loop {
        let mut parts: Vec<(&[u32], u32)> = Vec::new();
        let mut used = 0u32;
        if let Some((ids, card)) = &prefix {
            used = bits_for(*card);
            parts.push((ids.as_slice(), used));
        }
        while next < arity {
            let b = bits_for(rows.cards[next]);
            if used + b > 64 && !parts.is_empty() {
                break;
            }
            used += b;
            parts.push((rows.columns[next], b));
            next += 1;
        }
        let keys = pack(&parts, rows.len);
        if next == arity {
            return finish(rows, keys, used, want);
        }
        let (order, starts) = sort_runs(keys, used);
        let mut ids = vec![0u32; rows.len];
        for (class, w) in starts.windows(2).enumerate() {
            for &r in &order[w[0]..w[1]] {
                ids[r as usize] = class as u32;
            }
        }
        prefix = Some((ids, (starts.len() - 1) as u32));
    }
}

/// Key spaces the dense grouping takes at most (entries of its arrays).
const DENSE_MAX: usize = 1 << 22;

/// Grouping by counting, when the key space Π cards is small (at most
/// [`DENSE_MAX`] entries and four times the rows): each row's key is its
/// mixed-radix number, counted into an array, one pass and no sort. The
/// lattice search's roll-ups of generalised tables are mostly this small.
/// Classes come out in the order the sort gives (by codes, QI by QI), and
/// counts and weights are summed in row order, so the result is the same.
fn group_dense(rows: &Rows<'_>, want: Want) -> Option<Grouping> {
    if want.members || rows.len == 0 {
        return None;
    }
    let space = dense_space(rows.cards, rows.len)?;
    let index = dense_index(rows.len, rows.cards, |q, at| &rows.columns[q][at], |_, c| c);
    Some(dense_classes(&index, space, rows, want.row_class))
}

/// The key space Π cards when the dense grouping takes it.
fn dense_space(cards: &[u32], len: usize) -> Option<usize> {
    let space = cards
        .iter()
        .try_fold(1usize, |s, &c| s.checked_mul(c.max(1) as usize))?;
    (space <= DENSE_MAX && space <= 4 * len.max(1 << 12)).then_some(space)
}

/// Each row's mixed-radix key: `code(q, c)` of the row's code `c` in the
/// slice `column(q, range)` of QI q, first QI most significant.
fn dense_index<'a>(
    len: usize,
    cards: &[u32],
    column: impl Fn(usize, std::ops::Range<usize>) -> &'a [u32] + Sync,
    code: impl Fn(usize, u32) -> u32 + Sync,
) -> Vec<u32> {
    let mut index = vec![0u32; len];
    index
        .par_chunks_mut(1 << 16)
        .enumerate()
        .for_each(|(chunk, out)| {
            let base = chunk << 16;
            for (q, &card) in cards.iter().enumerate() {
                let col = column(q, base..base + out.len());
                for (i, &c) in out.iter_mut().zip(col) {
                    *i = *i * card.max(1) + code(q, c);
                }
            }
        });
    index
}

/// Count rows by their dense key into classes (ascending keys, so in the
/// sort's order), summing counts and weights in row order.
fn dense_classes(index: &[u32], space: usize, rows: &Rows<'_>, row_class: bool) -> Grouping {
    let mut present = vec![false; space];
    let mut sizes_at = vec![0u64; space];
    let mut weights_at = rows.weights.map(|_| vec![0f64; space]);
    for (r, &i) in index.iter().enumerate() {
        let i = i as usize;
        present[i] = true;
        sizes_at[i] += rows.counts.map_or(1, |c| c[r]);
        if let (Some(w), Some(at)) = (rows.weights, weights_at.as_mut()) {
            at[i] += w[r];
        }
    }
    let mut class_of = vec![u32::MAX; space];
    let mut keys: Vec<Vec<u32>> = vec![Vec::new(); rows.cards.len()];
    let mut sizes = Vec::new();
    let mut weights = weights_at.as_ref().map(|_| Vec::new());
    for i in (0..space).filter(|&i| present[i]) {
        class_of[i] = sizes.len() as u32;
        sizes.push(sizes_at[i]);
        if let (Some(w), Some(at)) = (weights.as_mut(), weights_at.as_ref()) {
            w.push(at[i]);
        }
        let mut rest = i as u32;
        for (q, &card) in rows.cards.iter().enumerate().rev() {
            keys[q].push(rest % card.max(1));
            rest /= card.max(1);
        }
    }
    let row_class = row_class.then(|| index.par_iter().map(|&i| class_of[i as usize]).collect());
    Grouping {
        table: ClassTable {
            keys,
            cards: rows.cards.to_vec(),
            sizes,
            weights,
        },
        row_class,
        members: None,
    }
}

/// Pack code columns into `u64` keys, first column in the highest bits.
fn pack(parts: &[(&[u32], u32)], len: usize) -> Vec<u64> {
    let mut keys = bulk::filled::<u64>(len);
    keys.par_chunks_mut(1 << 16)
        .enumerate()
        .for_each(|(chunk, out)| {
            let base = chunk << 16;
            for (col, bits) in parts {
                let col = &col[base..base + out.len()];
                for (k, &c) in out.iter_mut().zip(col) {
                    *k = (*k << bits) | c as u64;
                }
            }
        });
    keys
}

/// Rows sorted by key (rows of equal keys in input order), and the start
/// of each run of equal keys (with the total length appended).
fn sort_runs(mut keys: Vec<u64>, bits: u32) -> (Vec<u32>, Vec<usize>) {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    radix::sort_pairs(&mut keys, &mut order, bits);
    let mut starts = Vec::with_capacity(keys.len() / 2 + 1);
    for i in 0..keys.len() {
        if i == 0 || keys[i] != keys[i - 1] {
            starts.push(i);
        }
    }
    starts.push(keys.len());
    (order, starts)
}

fn finish(rows: Rows<'_>, keys: Vec<u64>, bits: u32, want: Want) -> Grouping {
    // Fast path: nothing per row to carry, so sort the keys alone and read
    // sizes from run lengths; representatives are needed for the codes only
    // when the key was staged, so fall through to the general path then.
    let single_stage: u32 = rows.cards.iter().map(|&c| bits_for(c)).sum();
    let carry = want.row_class || want.members || rows.counts.is_some() || rows.weights.is_some();
    if !carry && single_stage <= 64 {
        let mut sorted = keys;
        radix::sort_keys(&mut sorted, bits);
        let mut uniq = Vec::new();
        let mut sizes = Vec::new();
        for &k in &sorted {
            if let (Some(&last), Some(size)) = (uniq.last(), sizes.last_mut()) {
                if last == k {
                    *size += 1;
                    continue;
                }
            }
            uniq.push(k);
            sizes.push(1u64);
        }
        let keys = unpack(&uniq, rows.cards);
        return Grouping {
            table: ClassTable {
                keys,
                cards: rows.cards.to_vec(),
                sizes,
                weights: None,
            },
            row_class: None,
            members: None,
        };
    }
    let (order, starts) = sort_runs(keys, bits);
    let classes = starts.len() - 1;
    let runs: Vec<&[u32]> = starts.windows(2).map(|w| &order[w[0]..w[1]]).collect();
    let sizes: Vec<u64> = runs
        .par_iter()
        .map(|run| match rows.counts {
            Some(c) => run.iter().map(|&r| c[r as usize]).sum(),
            None => run.len() as u64,
        })
        .collect();
    let weights = rows.weights.map(|w| {
        runs.par_iter()
            .map(|run| run.iter().map(|&r| w[r as usize]).sum::<f64>())
            .collect()
    });
    let keys: Vec<Vec<u32>> = rows
        .columns
        .iter()
        .map(|col| runs.iter().map(|run| col[run[0] as usize]).collect())
        .collect();
    let row_class = want.row_class.then(|| {
        let mut rc = vec![0u32; rows.len];
        for (class, run) in runs.iter().enumerate() {
            for &r in *run {
                rc[r as usize] = class as u32;
            }
        }
        rc
    });
    debug_assert_eq!(sizes.len(), classes);
    drop(runs);
    Grouping {
        table: ClassTable {
            keys,
            cards: rows.cards.to_vec(),
            sizes,
            weights,
        },
        row_class,
        members: want.members.then_some(Members { order, starts }),
    }
}

/// Per-class counts of one sensitive attribute: class c holds the codes
/// `codes[starts[c]..starts[c + 1]]` (ascending) with their record counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Histograms {
    /// Size of the attribute's code space.
    pub card: u32,
    pub starts: Vec<usize>,
    pub codes: Vec<u32>,
    pub counts: Vec<u64>,
}

impl Histograms {
    /// Gather the sensitive `values` (row → code) of every class's rows;
    /// `row_counts` weighs rows of a frequency table. Parallel over fixed
    /// blocks of classes, so the result does not depend on the thread count.
    pub fn build(members: &Members, values: &[u32], card: u32, row_counts: Option<&[u64]>) -> Self {
        const BLOCK: usize = 4096;
        let classes = members.starts.len() - 1;
        let blocks: Vec<(Vec<usize>, Vec<u32>, Vec<u64>)> =
            (0..classes.div_ceil(BLOCK))
                .into_par_iter()
                .map(|b| {
                    let (mut lens, mut codes, mut counts) = (Vec::new(), Vec::new(), Vec::new());
                    let mut buf: Vec<(u32, u64)> = Vec::new();
                    for c in b * BLOCK..((b + 1) * BLOCK).min(classes) {
                        buf.clear();
                        buf.extend(members.rows(c).iter().map(|&r| {
                            (values[r as usize], row_counts.map_or(1, |n| n[r as usize]))
                        }));
                        buf.sort_unstable_by_key(|e| e.0);
                        let before = codes.len();
                        for &(v, n) in &buf {
                            let same = codes.len() > before && codes.last() == Some(&v);
                            if let (true, Some(last)) = (same, counts.last_mut()) {
                                *last += n;
                            } else {
                                codes.push(v);
                                counts.push(n);
                            }
                        }
                        lens.push(codes.len() - before);
                    }
                    (lens, codes, counts)
                })
                .collect();
        let mut h = Histograms {
            card,
            starts: Vec::with_capacity(classes + 1),
            codes: Vec::new(),
            counts: Vec::new(),
        };
        h.starts.push(0);
        for (lens, codes, counts) in blocks {
            for l in lens {
                h.starts.push(h.starts.last().copied().unwrap_or(0) + l);
            }
            h.codes.extend(codes);
            h.counts.extend(counts);
        }
        h
    }

    /// Histograms by one keys-only sort of (QI codes, value) packed in a
    /// `u64`: classes come out in the class table's order (key order) and,
    /// within a class, values in code order. No row payload is moved, which
    /// makes this several times cheaper than [`Histograms::build`]. `None`
    /// when QI codes and value need more than 64 bits together.
    pub fn by_sort(columns: &[&[u32]], cards: &[u32], values: &[u32], card: u32) -> Option<Self> {
        Self::by_sort_with_classes(columns, cards, values, card).map(|(h, _)| h)
    }

    /// [`Histograms::by_sort`], also returning the class table that the
    /// same sort yields (sizes from the counts, codes unpacked from the
    /// keys): with one sensitive attribute and no weights, the class engine
    /// needs no sort of its own.
    pub fn by_sort_with_classes(
        columns: &[&[u32]],
        cards: &[u32],
        values: &[u32],
        card: u32,
    ) -> Option<(Self, ClassTable)> {
        let qi_bits: u32 = cards.iter().map(|&c| bits_for(c)).sum();
        let value_bits = bits_for(card);
        if qi_bits + value_bits > 64 {
            return None;
        }
        let mut parts: Vec<(&[u32], u32)> = columns
            .iter()
            .copied()
            .zip(cards.iter().map(|&c| bits_for(c)))
            .collect();
        parts.push((values, value_bits));
        let mut keys = pack(&parts, values.len());
        radix::sort_keys(&mut keys, qi_bits + value_bits);
        let mask = if value_bits == 0 {
            0
        } else {
            (1u64 << value_bits) - 1
        };
        let class_of = |k: u64| if value_bits == 64 { 0 } else { k >> value_bits };
        // Scan in parallel pieces that start at class boundaries, so the
        // concatenation is the same whatever the number of threads.
        let pieces = (rayon::current_num_threads() * 4).max(1);
        let mut bounds = vec![0usize];
        for i in 1..pieces {
            let mut at = (i * keys.len() / pieces).max(*bounds.last().unwrap_or(&0));
            while at > 0 && at < keys.len() && class_of(keys[at]) == class_of(keys[at - 1]) {
                at += 1;
            }
            if at < keys.len() && at > *bounds.last().unwrap_or(&0) {
                bounds.push(at);
            }
        }
        bounds.push(keys.len());
        let scanned: Vec<Scan> = bounds
            .par_windows(2)
            .map(|w| Scan::run(&keys[w[0]..w[1]], mask, class_of))
            .collect();
        let mut h = Histograms {
            card,
            starts: Vec::new(),
            codes: Vec::new(),
            counts: Vec::new(),
        };
        let (mut class_keys, mut sizes) = (Vec::new(), Vec::new());
        for s in scanned {
            let offset = h.codes.len();
            h.starts.extend(s.starts.iter().map(|&x| x + offset));
            h.codes.extend(s.codes);
            h.counts.extend(s.counts);
            class_keys.extend(s.class_keys);
            sizes.extend(s.sizes);
        }
        h.starts.push(h.codes.len());
        let table = ClassTable {
            keys: unpack(&class_keys, cards),
            cards: cards.to_vec(),
            sizes,
            weights: None,
        };
        Some((h, table))
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Codes and counts of class `c`.
    pub fn class(&self, c: usize) -> (&[u32], &[u64]) {
        let r = self.starts[c]..self.starts[c + 1];
        (&self.codes[r.clone()], &self.counts[r])
    }

    /// The histograms of merged classes: class `c` goes into class
    /// `into[c]` (below `classes`); each merged histogram has its codes in
    /// ascending order. Entries are bucketed by merged class (a counting
    /// pass, no sort of the whole) and summed in a dense scratch array, so
    /// the work is linear in the entries plus a sort of each merged
    /// class's distinct codes.
    pub fn merge_by(&self, into: &[u32], classes: usize) -> Histograms {
        let mut bucket = vec![0usize; classes + 1];
        for (c, &r) in into.iter().enumerate() {
            bucket[r as usize + 1] += self.starts[c + 1] - self.starts[c];
        }
        for i in 0..classes {
            bucket[i + 1] += bucket[i];
        }
        let mut fill = bucket.clone();
        let mut slots = vec![(0u32, 0u64); self.codes.len()];
        for (c, &r) in into.iter().enumerate() {
            let (codes, counts) = self.class(c);
            for (&v, &n) in codes.iter().zip(counts) {
                slots[fill[r as usize]] = (v, n);
                fill[r as usize] += 1;
            }
        }
        let mut sum = vec![0u64; self.card as usize];
        let mut seen = vec![false; self.card as usize];
        let mut touched: Vec<u32> = Vec::new();
        let mut out = Histograms {
            card: self.card,
            starts: Vec::with_capacity(classes + 1),
            codes: Vec::new(),
            counts: Vec::new(),
        };
        out.starts.push(0);
        for w in bucket.windows(2) {
            for &(v, n) in &slots[w[0]..w[1]] {
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    touched.push(v);
                }
                sum[v as usize] += n;
            }
            touched.sort_unstable();
            for &v in &touched {
                out.codes.push(v);
                out.counts.push(sum[v as usize]);
                sum[v as usize] = 0;
                seen[v as usize] = false;
            }
            touched.clear();
            out.starts.push(out.codes.len());
        }
        out
    }

    /// Records per code over the whole table.
    pub fn totals(&self) -> Vec<u64> {
        let mut t = vec![0u64; self.card as usize];
        for (&v, &n) in self.codes.iter().zip(&self.counts) {
            t[v as usize] += n;
        }
        t
    }
}

/// One piece of a histogram scan over sorted (class, value) keys.
#[derive(Default)]
struct Scan {
    starts: Vec<usize>,
    codes: Vec<u32>,
    counts: Vec<u64>,
    class_keys: Vec<u64>,
    sizes: Vec<u64>,
}

impl Scan {
    fn run(keys: &[u64], mask: u64, class_of: impl Fn(u64) -> u64) -> Scan {
        let mut s = Scan::default();
        for (i, &k) in keys.iter().enumerate() {
            if i == 0 || class_of(k) != class_of(keys[i - 1]) {
                s.starts.push(s.codes.len());
                s.class_keys.push(class_of(k));
                s.sizes.push(0);
            }
            if let Some(size) = s.sizes.last_mut() {
                *size += 1;
            }
            if i > 0 && k == keys[i - 1] {
                if let Some(n) = s.counts.last_mut() {
                    *n += 1;
                }
            } else {
                s.codes.push((k & mask) as u32);
                s.counts.push(1);
            }
        }
        s
    }
}

/// Split packed keys back into code columns.
/// Runs of equal sorted keys → each class's size, returned, and its codes,
/// written into `columns` (each at least as long as the classes, then
/// truncated to them). Chunks of keys in parallel: a chunk owns the classes
/// that start in it, and reads past its end for the last one's size.
fn compact_sorted(
    keys: &[u64],
    cards: &[u32],
    columns: &mut [Vec<u32>],
    size: &(dyn Fn(std::ops::Range<usize>) -> u64 + Sync),
    weigh: Option<&(dyn Fn(std::ops::Range<usize>) -> f64 + Sync)>,
) -> (Vec<u64>, Option<Vec<f64>>) {
    let n = keys.len();
    let chunk = (n / (rayon::current_num_threads() * 8)).max(1 << 16);
    let ranges: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(chunk)
        .map(|s| s..(s + chunk).min(n))
        .collect();
    let is_start = |i: usize| i == 0 || keys[i] != keys[i - 1];
    let counts: Vec<usize> = ranges
        .par_iter()
        .map(|r| r.clone().filter(|&i| is_start(i)).count())
        .collect();
    let classes: usize = counts.iter().sum();
    let mut sizes = bulk::filled::<u64>(classes);
    let mut weights = weigh.map(|_| bulk::filled::<f64>(classes));
    // Per chunk: its slots of the sizes, the weights and every column.
    let mut parts: Vec<Part> = bulk::split_by(&mut sizes, &counts)
        .into_iter()
        .map(|sizes| Part {
            sizes,
            weights: None,
            codes: Vec::with_capacity(columns.len()),
        })
        .collect();
    if let Some(w) = weights.as_mut() {
        for (part, slots) in parts.iter_mut().zip(bulk::split_by(w, &counts)) {
            part.weights = Some(slots);
        }
    }
    for column in columns.iter_mut() {
        for (part, slots) in parts
            .iter_mut()
            .zip(bulk::split_by(&mut column[..classes], &counts))
        {
            part.codes.push(slots);
        }
    }
    let layout: Vec<(u32, u64)> = unpacking(cards);
    parts
        .into_par_iter()
        .zip(ranges)
        .for_each(|(mut part, range)| {
            for (j, i) in range.filter(|&i| is_start(i)).enumerate() {
                let end = (i + 1..n).find(|&e| is_start(e)).unwrap_or(n);
                part.sizes[j] = size(i..end);
                if let (Some(w), Some(weigh)) = (part.weights.as_mut(), weigh) {
                    w[j] = weigh(i..end);
                }
                for (column, &(shift, mask)) in part.codes.iter_mut().zip(&layout) {
                    column[j] = ((keys[i] >> shift) & mask) as u32;
                }
            }
        });
    for column in columns.iter_mut() {
        column.truncate(classes);
        column.shrink_to_fit();
    }
    (sizes, weights)
}

/// One thread's share of the compacted class table.
struct Part<'a> {
    sizes: &'a mut [u64],
    weights: Option<&'a mut [f64]>,
    codes: Vec<&'a mut [u32]>,
}

/// Per QI, the shift and mask that take its code out of a packed key
/// (first QI in the highest bits, as [`pack`] lays them).
fn unpacking(cards: &[u32]) -> Vec<(u32, u64)> {
    let mut shift: u32 = cards.iter().map(|&c| bits_for(c)).sum();
    cards
        .iter()
        .map(|&c| {
            let b = bits_for(c);
            shift -= b;
            (shift, if b == 0 { 0 } else { (1u64 << b) - 1 })
        })
        .collect()
}

fn unpack(keys: &[u64], cards: &[u32]) -> Vec<Vec<u32>> {
    unpacking(cards)
        .into_iter()
        .map(|(shift, mask)| {
            keys.par_iter()
                .map(|&k| ((k >> shift) & mask) as u32)
                .collect()
        })
        .collect()
}

/// No quasi-identifiers: every row is in one class.
fn group_all(rows: Rows<'_>, want: Want) -> Grouping {
    let size = match rows.counts {
        Some(c) => c.iter().sum(),
        None => rows.len as u64,
    };
    let (sizes, weights) = if rows.len == 0 {
        (vec![], rows.weights.map(|_| vec![]))
    } else {
        (vec![size], rows.weights.map(|w| vec![w.iter().sum()]))
    };
    Grouping {
        table: ClassTable {
            keys: vec![],
            cards: vec![],
            sizes,
            weights,
        },
        row_class: want.row_class.then(|| vec![0; rows.len]),
        members: want.members.then(|| Members {
            order: (0..rows.len as u32).collect(),
            starts: if rows.len == 0 {
                vec![0]
            } else {
                vec![0, rows.len]
            },
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::splitmix::SplitMix64;

    /// A random table: `m` columns of `rows` codes, each cardinality one
    /// of `choices`; the columns, their cardinalities and their classes.
    fn random_table(
        rng: &mut SplitMix64,
        m: usize,
        rows: usize,
        choices: [u32; 6],
    ) -> (Vec<Vec<u32>>, Vec<u32>, ClassTable) {
        let cards: Vec<u32> = (0..m)
            .map(|_| choices[(rng.next_u64() % 6) as usize])
            .collect();
        let (columns, t) = random_columns(rng, &cards, rows);
        (columns, cards, t)
    }

    /// `rows` random codes in each of columns of cardinalities `cards`,
    /// and their class table.
    pub(crate) fn random_columns(
        rng: &mut SplitMix64,
        cards: &[u32],
        rows: usize,
    ) -> (Vec<Vec<u32>>, ClassTable) {
        let columns: Vec<Vec<u32>> = cards
            .iter()
            .map(|&k| {
                (0..rows)
                    .map(|_| (rng.next_u64() % k as u64) as u32)
                    .collect()
            })
            .collect();
        let cols: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
        let rows = Rows {
            columns: &cols,
            cards,
            counts: None,
            weights: None,
            len: rows,
        };
        let t = group(rows, false).table;
        (columns, t)
    }

    /// Consuming the codes gives the table `group` gives, dense and sorted
    /// grouping, keys wider than 64 bits and empty tables included.
    #[test]
    fn consuming_the_codes_gives_the_same_table() {
        let mut rng = crate::engine::splitmix::SplitMix64(5);
        for trial in 0..40 {
            let rows = (rng.next_u64() % 3000) as usize;
            let choices = [1, 2, 9, 300, 70_000, 1 << 30];
            let (columns, cards, want) = random_table(&mut rng, 1 + trial % 6, rows, choices);
            assert_eq!(
                group_consuming(columns, &cards, None, None),
                want,
                "trial {trial}"
            );
        }
    }

    /// With counts and weights per row (a frequency table), the classes add
    /// their rows' as `group_with` adds them, weights to the last bit.
    #[test]
    fn consuming_counted_rows_gives_the_same_table() {
        let mut rng = crate::engine::splitmix::SplitMix64(7);
        for (trial, rows) in [0usize, 1, 50, 2_000, 150_000].into_iter().enumerate() {
            let cards = vec![40_000u32, 7, 1 << 20];
            let columns: Vec<Vec<u32>> = (cards.iter())
                .map(|&k| {
                    (0..rows)
                        .map(|_| (rng.next_u64() % k.min(60) as u64) as u32)
                        .collect()
                })
                .collect();
            let counts: Vec<u64> = (0..rows).map(|_| 1 + rng.next_u64() % 5).collect();
            let weights: Vec<f64> = (0..rows)
                .map(|_| (rng.next_u64() % 1000) as f64 / 7.0)
                .collect();
            let cols: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
            for weighted in [false, true] {
                let rows_in = Rows {
                    columns: &cols,
                    cards: &cards,
                    counts: Some(&counts),
                    weights: weighted.then_some(weights.as_slice()),
                    len: rows,
                };
                let want = group_with(rows_in, Want::default()).table;
                let got = group_consuming(
                    columns.clone(),
                    &cards,
                    Some(counts.clone()),
                    weighted.then(|| weights.clone()),
                );
                assert_eq!(got, want, "trial {trial} weighted {weighted}");
            }
        }
    }

    /// Large tables take the parallel paths (a top-digit radix pass, then
    /// classes compacted in parallel parts): classes whose runs of records
    /// cross the parts' edges, and many small ones, as `group` gives them.
    #[test]
    fn consuming_many_records_gives_the_same_table() {
        let mut rng = crate::engine::splitmix::SplitMix64(9);
        let rows = 300_000;
        let cards = vec![1 << 20, 70_000, 3];
        for few in [true, false] {
            let columns: Vec<Vec<u32>> = (cards.iter())
                .map(|&k| {
                    (0..rows)
                        .map(|_| match few {
                            // 3 × 5 × 3 classes of ~6,700 records each.
                            true => (rng.next_u64() % 5) as u32 * (k / 5),
                            false => (rng.next_u64() % k as u64) as u32,
                        })
                        .collect()
                })
                .collect();
            let cols: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
            let want = group(
                Rows {
                    columns: &cols,
                    cards: &cards,
                    counts: None,
                    weights: None,
                    len: rows,
                },
                false,
            )
            .table;
            assert_eq!(want.len() < 100, few);
            assert_eq!(group_consuming(columns, &cards, None, None), want);
        }
    }

    /// Uniques without each QI, by segments (key order) and by one sort of
    /// the reduced keys, equal the uniques of the table regrouped without
    /// that QI, on random tables of every shape (dense and sorted grouping,
    /// small and large cardinalities, 2 to 6 QIs).
    #[test]
    fn uniques_without_by_segment_equals_by_sort() {
        let mut rng = crate::engine::splitmix::SplitMix64(11);
        for trial in 0..60 {
            let (m, rows) = (2 + trial % 5, 50 + (rng.next_u64() % 4000) as usize);
            let choices = [2, 3, 7, 40, 1000, 70_000];
            let (_, cards, t) = random_table(&mut rng, m, rows, choices);
            let d = t.drop_one();
            // Keys wider than 62 bits are regrouped instead.
            let packs = cards.iter().map(|&c| bits_for(c)).sum::<u32>() <= 62;
            assert_eq!(d.packed.is_some(), packs);
            assert_eq!(d.first_diff.is_some(), packs, "trial {trial}: key order");
            let by_sort = DropOne {
                first_diff: None,
                ..t.drop_one()
            };
            for drop in 0..m {
                let keep: Vec<usize> = (0..m).filter(|&q| q != drop).collect();
                let projected = t.project(&keep).sizes.iter().filter(|&&s| s == 1).count() as u64;
                assert_eq!(
                    d.uniques_without(drop),
                    projected,
                    "trial {trial}, drop {drop}, cards {cards:?}"
                );
                assert_eq!(
                    by_sort.uniques_without(drop),
                    projected,
                    "trial {trial}, drop {drop}"
                );
            }
        }
    }

    /// Merging histograms by a class map equals summing them by hand.
    #[test]
    fn merged_histograms_sum_their_classes() {
        let h = Histograms {
            card: 4,
            starts: vec![0, 2, 3, 3, 6],
            codes: vec![1, 3, 0, 0, 2, 3],
            counts: vec![2, 1, 5, 1, 1, 4],
        };
        // Classes 0 and 3 merge into 1; 1 into 0; 2 (empty) into 2.
        let m = h.merge_by(&[1, 0, 2, 1], 3);
        assert_eq!(m.class(0), (&[0u32][..], &[5u64][..]));
        assert_eq!(m.class(1), (&[0u32, 1, 2, 3][..], &[1u64, 2, 1, 5][..]));
        assert_eq!(m.class(2), (&[][..], &[][..]));
        assert_eq!(m.totals(), h.totals());
    }

    /// Counting into the dense key space gives exactly the sort's classes,
    /// sizes, weights and row classes (SplitMix64 tables, with counts and
    /// weights, cardinalities from 1 up).
    #[test]
    fn dense_grouping_equals_sorted_grouping() {
        let mut rng = crate::engine::splitmix::SplitMix64(7);
        let mut next = move || rng.next_u64();
        for (len, cards) in [
            (1usize, vec![1u32]),
            (500, vec![3, 1, 7]),
            (5000, vec![2, 5, 9, 4]),
        ] {
            let cols: Vec<Vec<u32>> = cards
                .iter()
                .map(|&c| (0..len).map(|_| (next() % c as u64) as u32).collect())
                .collect();
            let counts: Vec<u64> = (0..len).map(|_| next() % 4).collect();
            let weights: Vec<f64> = (0..len).map(|_| (next() % 1000) as f64 / 7.0).collect();
            let columns: Vec<&[u32]> = cols.iter().map(Vec::as_slice).collect();
            for (c, w) in [(None, None), (Some(&counts[..]), Some(&weights[..]))] {
                let rows = || Rows {
                    columns: &columns,
                    cards: &cards,
                    counts: c,
                    weights: w,
                    len,
                };
                let want = Want {
                    row_class: true,
                    members: false,
                };
                let dense = group_dense(&rows(), want).expect("a small key space");
                let sorted = group_sorted(rows(), want);
                assert_eq!(dense.table, sorted.table);
                assert_eq!(dense.row_class, sorted.row_class);
                // Rolled up through maps that merge codes pairwise: the
                // fused dense path equals mapping and sorting.
                let table = &sorted.table;
                let maps: Vec<Vec<u32>> = cards
                    .iter()
                    .map(|&c| (0..c).map(|x| x / 2).collect())
                    .collect();
                let up: Vec<u32> = cards.iter().map(|&c| c.div_ceil(2)).collect();
                let refs: Vec<&[u32]> = maps.iter().map(Vec::as_slice).collect();
                let rolled = table.roll_up(&refs, &up, true);
                let mapped: Vec<Vec<u32>> = table
                    .keys
                    .iter()
                    .zip(&maps)
                    .map(|(k, m)| k.iter().map(|&x| m[x as usize]).collect())
                    .collect();
                let columns: Vec<&[u32]> = mapped.iter().map(Vec::as_slice).collect();
                let by_sort = group_sorted(
                    Rows {
                        columns: &columns,
                        cards: &up,
                        counts: Some(&table.sizes),
                        weights: table.weights.as_deref(),
                        len: table.len(),
                    },
                    want,
                );
                assert_eq!(rolled.table, by_sort.table);
                assert_eq!(rolled.row_class, by_sort.row_class);
            }
        }
    }

    fn rows<'a>(cols: &'a [&'a [u32]], cards: &'a [u32]) -> Rows<'a> {
        Rows {
            columns: cols,
            cards,
            counts: None,
            weights: None,
            len: cols[0].len(),
        }
    }

    #[test]
    fn groups_and_sorts_classes() {
        let a = [1, 0, 1, 1, 0];
        let b = [2, 2, 2, 0, 2];
        let g = group(rows(&[&a, &b], &[2, 3]), true);
        assert_eq!(g.table.keys, vec![vec![0, 1, 1], vec![2, 0, 2]]);
        assert_eq!(g.table.sizes, vec![2, 1, 2]);
        assert_eq!(g.row_class.unwrap(), vec![2, 0, 2, 1, 0]);
        // The fast path (no row classes) gives the same table.
        let fast = group(rows(&[&a, &b], &[2, 3]), false);
        assert_eq!(fast.table, g.table);
    }

    #[test]
    fn counts_and_weights_are_summed() {
        let a = [0, 1, 0];
        let counts = [3, 1, 2];
        let w = [1.5, 2.0, 0.25];
        let g = group(
            Rows {
                columns: &[&a],
                cards: &[2],
                counts: Some(&counts),
                weights: Some(&w),
                len: 3,
            },
            false,
        );
        assert_eq!(g.table.sizes, vec![5, 1]);
        assert_eq!(g.table.weights, Some(vec![1.75, 2.0]));
    }

    #[test]
    fn wide_keys_are_staged() {
        // Five columns of 2^20 values need 100 bits: grouped in two stages.
        let n = 1000;
        let cols: Vec<Vec<u32>> = (0..5)
            .map(|q| {
                (0..n)
                    .map(|i| ((i * (q + 7)) % 13) as u32 * 80_000 + q as u32)
                    .collect()
            })
            .collect();
        let refs: Vec<&[u32]> = cols.iter().map(Vec::as_slice).collect();
        let cards = [1 << 20; 5];
        let g = group(rows(&refs, &cards), true);
        // Reference: a BTreeMap over the code tuples.
        let mut reference = std::collections::BTreeMap::new();
        for i in 0..n {
            let key: Vec<u32> = cols.iter().map(|c| c[i]).collect();
            *reference.entry(key).or_insert(0u64) += 1;
        }
        assert_eq!(g.table.len(), reference.len());
        for (c, (key, size)) in reference.iter().enumerate() {
            assert_eq!(&g.table.key(c), key);
            assert_eq!(g.table.sizes[c], *size);
        }
        let rc = g.row_class.unwrap();
        let m = group_with(
            rows(&refs, &cards),
            Want {
                row_class: false,
                members: true,
            },
        )
        .members
        .unwrap();
        for c in 0..g.table.len() {
            for &r in m.rows(c) {
                assert_eq!(rc[r as usize] as usize, c);
            }
        }
        for i in 0..n {
            let key: Vec<u32> = cols.iter().map(|c| c[i]).collect();
            assert_eq!(g.table.key(rc[i] as usize), key);
        }
    }

    #[test]
    fn projection_and_uniques_without() {
        // (0,0) x2, (0,1) x1, (1,1) x1 -> dropping col 1: (0) x3, (1) x1.
        let a = [0, 0, 0, 1];
        let b = [0, 0, 1, 1];
        let t = group(rows(&[&a, &b], &[2, 2]), false).table;
        assert_eq!(t.sizes, vec![2, 1, 1]);
        let p = t.project(&[0]);
        assert_eq!(p.sizes, vec![3, 1]);
        assert_eq!(t.drop_one().uniques_without(1), 1);
        // Dropping col 0: (0) x2, (1) x2 -> no uniques.
        assert_eq!(t.drop_one().uniques_without(0), 0);
        let none = t.project(&[]);
        assert_eq!(none.sizes, vec![4]);
    }

    #[test]
    fn histograms_per_class() {
        let a = [0, 1, 0, 0, 1];
        let s = [2, 0, 2, 1, 0];
        let g = group_with(
            Rows {
                columns: &[&a],
                cards: &[2],
                counts: None,
                weights: None,
                len: 5,
            },
            Want {
                row_class: false,
                members: true,
            },
        );
        let h = Histograms::build(g.members.as_ref().unwrap(), &s, 3, None);
        assert_eq!(h.class(0), (&[1u32, 2][..], &[1u64, 2][..]));
        assert_eq!(h.class(1), (&[0u32][..], &[2u64][..]));
        assert_eq!(h.totals(), vec![2, 1, 2]);
        assert_eq!(Histograms::by_sort(&[&a], &[2], &s, 3).unwrap(), h);
        let (_, t) = Histograms::by_sort_with_classes(&[&a], &[2], &s, 3).unwrap();
        assert_eq!(t, g.table);
        let w = Histograms::build(g.members.as_ref().unwrap(), &s, 3, Some(&[1, 1, 5, 1, 1]));
        assert_eq!(w.class(0), (&[1u32, 2][..], &[1u64, 6][..]));
    }

    #[test]
    fn map_codes_rolls_up() {
        let a = [0, 1, 2, 3];
        let t = group(rows(&[&a], &[4]), false).table;
        let up = t.map_codes(&[vec![0, 0, 1, 1]], &[2]);
        assert_eq!(up.sizes, vec![2, 2]);
    }
}
