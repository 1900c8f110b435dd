//! Many roll-ups of one class table, each in one pass over its classes.
//!
//! The generalisation search rolls the same table up through thousands of
//! code maps (one per lattice node). [`ClassTable::roll_up`] maps every QI
//! of every class and groups the mapped keys; its cost is d look-ups and a
//! grouping per class. A [`Roller`] prepares the table once: the QIs are
//! packed into **blocks** whose joint code space is small, and each class
//! keeps one joint code per block. For a node, each block gets a table
//! from its joint code to the block's share of the node's dense key
//! (Σ_q map_q(c_q) · stride_q over the block's QIs; the dense key is the
//! mixed-radix number of the mapped codes, first QI most significant, so
//! its order is the class table's order). A class's key is then the sum of
//! one look-up per block, counted straight into a dense array; the classes
//! are the non-empty cells in ascending key order. Same table, same order,
//! as `roll_up` gives (tested). When the key space is much larger than the
//! classes (a population table rolled up with a sample's levels, where
//! most cells stay empty), the keys first touched are noted and sorted
//! instead of the array being scanned.

use std::borrow::Cow;
use std::cell::RefCell;

use strength_reduce::StrengthReducedU32;

use super::classes::ClassTable;

/// Largest joint code space of a block (its table: 256 KiB of `u32`).
const BLOCK_MAX: u64 = 1 << 16;
/// Largest dense key space counted directly; beyond it `roll_up` groups.
const SPACE_MAX: u64 = 1 << 22;
/// A key space this many times the classes is sparse: the keys touched
/// are noted rather than the whole array scanned.
const SPARSE: u64 = 16;

thread_local! {
    /// Per-thread counting array, all zeros between roll-ups.
    static COUNTS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// A class table prepared for many roll-ups.
pub struct Roller<'a> {
    table: Cow<'a, ClassTable>,
    /// The QIs of each block, in ascending order.
    blocks: Vec<Vec<usize>>,
    /// Per block, each class's joint code (mixed radix of the block's
    /// QIs' codes, first QI most significant).
    codes: Codes,
    /// Every class holds a record, so an empty cell is an absent class.
    usable: bool,
}

impl<'a> Roller<'a> {
    pub fn new(table: &'a ClassTable) -> Roller<'a> {
        Roller::prepare(Cow::Borrowed(table))
    }

    /// A roller that owns its table.
    pub fn owning(table: ClassTable) -> Roller<'static> {
        Roller::prepare(Cow::Owned(table))
    }

    fn prepare(table: Cow<'a, ClassTable>) -> Roller<'a> {
        let blocks = blocks(&table.cards);
        let codes: Vec<Vec<u32>> = blocks
            .iter()
            .map(|qis| {
                (0..table.len())
                    .map(|c| {
                        qis.iter().fold(0u32, |code, &q| {
                            code * table.cards[q].max(1) + table.keys[q][c]
                        })
                    })
                    .collect()
            })
            .collect();
        let space = |qis: &Vec<usize>| -> u64 {
            qis.iter().map(|&q| table.cards[q].max(1) as u64).product()
        };
        let widths: Vec<u32> = blocks.iter().map(|b| bits_for_space(space(b))).collect();
        let size_bits = bits_for_space(table.sizes.iter().max().map_or(0, |&m| m + 1));
        let codes = if size_bits + widths.iter().sum::<u32>() <= 64 {
            Codes::packed(&codes, &widths, &table.sizes, size_bits)
        } else {
            Codes::Columns(codes)
        };
        Roller {
            usable: table.weights.is_none() && table.sizes.iter().all(|&f| f > 0),
            table,
            blocks,
            codes,
        }
    }

    /// Number of classes of the prepared table.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The table rolled up through `maps[q][old] = new` (codes below
    /// `cards[q]`): equal to `table.roll_up(maps, cards, false).table`.
    pub fn roll(&self, maps: &[&[u32]], cards: &[u32]) -> ClassTable {
        // `roll_if` declines nothing when `keep` keeps everything.
        self.roll_if(maps, cards, |_| true)
            .unwrap_or_else(|| self.table.roll_up(maps, cards, false).table)
    }

    /// [`Roller::roll`], where `keep` first sees the class sizes (the
    /// non-zero cells of a dense array) and may decline the table: `None`
    /// then, without the cost of building it. On the general path (a key
    /// space too large to count densely) the table is always built.
    pub fn roll_if(
        &self,
        maps: &[&[u32]],
        cards: &[u32],
        keep: impl FnOnce(&[u64]) -> bool,
    ) -> Option<ClassTable> {
        let space = cards
            .iter()
            .try_fold(1u64, |s, &c| s.checked_mul(c.max(1) as u64))
            .filter(|&s| s <= SPACE_MAX);
        let Some(space) = space.filter(|_| self.usable) else {
            return Some(self.table.roll_up(maps, cards, false).table);
        };
        // stride_q = Π_{q' > q} cards[q'].
        let mut strides = vec![1u64; cards.len()];
        for q in (0..cards.len().saturating_sub(1)).rev() {
            strides[q] = strides[q + 1] * cards[q + 1].max(1) as u64;
        }
        let tables: Vec<Vec<u32>> = self
            .blocks
            .iter()
            .map(|qis| {
                let mut part = vec![0u32];
                for &q in qis {
                    let map = &maps[q][..self.table.cards[q] as usize];
                    let stride = strides[q] as u32;
                    part = part
                        .iter()
                        .flat_map(|&p| map.iter().map(move |&m| p + m * stride))
                        .collect();
                }
                part
            })
            .collect();
        COUNTS.with(|counts| {
            let mut counts = counts.borrow_mut();
            if counts.len() < space as usize {
                counts.resize(space as usize, 0);
            }
            let counts = &mut counts[..space as usize];
            if space > SPARSE * self.table.len() as u64 {
                return self.roll_sparse(&tables, counts, cards, keep);
            }
            self.count(&tables, |key, f| counts[key] += f);
            if keep(counts) {
                Some(collect(counts, cards))
            } else {
                counts.fill(0);
                None
            }
        })
    }

    /// The roll-up when the key space is much larger than the classes: the
    /// keys first touched are noted, so that neither `keep` nor the
    /// collection scans the mostly empty array.
    fn roll_sparse(
        &self,
        tables: &[Vec<u32>],
        counts: &mut [u64],
        cards: &[u32],
        keep: impl FnOnce(&[u64]) -> bool,
    ) -> Option<ClassTable> {
        let mut touched: Vec<u32> = Vec::new();
        self.count(tables, |key, f| {
            let cell = &mut counts[key];
            if *cell == 0 {
                touched.push(key as u32);
            }
            *cell += f;
        });
        touched.sort_unstable();
        let sizes: Vec<u64> = touched.iter().map(|&k| counts[k as usize]).collect();
        for &k in &touched {
            counts[k as usize] = 0;
        }
        if !keep(&sizes) {
            return None;
        }
        let divisors: Vec<StrengthReducedU32> = cards
            .iter()
            .map(|&c| StrengthReducedU32::new(c.max(1)))
            .collect();
        let mut keys: Vec<Vec<u32>> = vec![Vec::with_capacity(touched.len()); cards.len()];
        for &key in &touched {
            let mut rest = key;
            for (q, d) in divisors.iter().enumerate().rev() {
                let (next, code) = StrengthReducedU32::div_rem(rest, *d);
                keys[q].push(code);
                rest = next;
            }
        }
        Some(ClassTable {
            keys,
            cards: cards.to_vec(),
            sizes,
            weights: None,
        })
    }

    /// Each class's dense key and size, handed to `add`.
    fn count(&self, tables: &[Vec<u32>], mut add: impl FnMut(usize, u64)) {
        match &self.codes {
            Codes::Packed {
                words,
                fields,
                size_mask,
            } => {
                let at = |w: u64, (shift, mask): (u32, u64)| ((w >> shift) & mask) as usize;
                match (tables, &fields[..]) {
                    ([t0], &[f0]) => {
                        for &w in words {
                            add(t0[at(w, f0)] as usize, w & size_mask);
                        }
                    }
                    ([t0, t1], &[f0, f1]) => {
                        for &w in words {
                            let key = t0[at(w, f0)] + t1[at(w, f1)];
                            add(key as usize, w & size_mask);
                        }
                    }
                    ([t0, t1, t2], &[f0, f1, f2]) => {
                        for &w in words {
                            let key = t0[at(w, f0)] + t1[at(w, f1)] + t2[at(w, f2)];
                            add(key as usize, w & size_mask);
                        }
                    }
                    _ => {
                        for &w in words {
                            let key: u32 =
                                tables.iter().zip(fields).map(|(t, &f)| t[at(w, f)]).sum();
                            add(key as usize, w & size_mask);
                        }
                    }
                }
            }
            Codes::Columns(codes) => {
                for (i, &f) in self.table.sizes.iter().enumerate() {
                    let key: u32 = tables
                        .iter()
                        .zip(codes)
                        .map(|(t, c)| t[c[i] as usize])
                        .sum();
                    add(key as usize, f);
                }
            }
        }
    }
}

/// Each class's block codes: packed with its size into one word when
/// they fit (one sequential stream of 8 bytes a class: the roll-up is
/// bound by memory traffic), else a column per block.
enum Codes {
    Packed {
        words: Vec<u64>,
        /// Per block, (shift, mask) of its code in a word.
        fields: Vec<(u32, u64)>,
        /// The size sits in the low bits.
        size_mask: u64,
    },
    Columns(Vec<Vec<u32>>),
}

impl Codes {
    fn packed(codes: &[Vec<u32>], widths: &[u32], sizes: &[u64], size_bits: u32) -> Codes {
        let mut fields = Vec::with_capacity(widths.len());
        let mut shift = size_bits;
        for &w in widths {
            fields.push((shift, mask(w)));
            shift += w;
        }
        let words = (0..sizes.len())
            .map(|c| {
                (codes.iter().zip(&fields)).fold(sizes[c], |word, (col, &(shift, _))| {
                    word | (col[c] as u64) << shift
                })
            })
            .collect();
        Codes::Packed {
            words,
            fields,
            size_mask: mask(size_bits),
        }
    }
}

/// The low `bits` bits set.
fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Bits that hold every value below `space`.
fn bits_for_space(space: u64) -> u32 {
    64 - space.saturating_sub(1).leading_zeros()
}

/// The non-empty cells of `counts`, in key order, as a class table; the
/// cells are left zero.
fn collect(counts: &mut [u64], cards: &[u32]) -> ClassTable {
    let mut keys: Vec<Vec<u32>> = vec![Vec::new(); cards.len()];
    let mut sizes = Vec::new();
    // Keys are below SPACE_MAX: 32-bit division, by a multiply and shift.
    let divisors: Vec<StrengthReducedU32> = cards
        .iter()
        .map(|&c| StrengthReducedU32::new(c.max(1)))
        .collect();
    // Most cells are empty: test a run of them at once (vectorised).
    const RUN: usize = 16;
    for (r, run) in counts.chunks_mut(RUN).enumerate() {
        if run.iter().fold(0, |any, &x| any | x) == 0 {
            continue;
        }
        for (i, cell) in run.iter_mut().enumerate() {
            if *cell == 0 {
                continue;
            }
            sizes.push(std::mem::take(cell));
            let mut rest = (r * RUN + i) as u32;
            for (q, d) in divisors.iter().enumerate().rev() {
                let (next, code) = StrengthReducedU32::div_rem(rest, *d);
                keys[q].push(code);
                rest = next;
            }
        }
    }
    ClassTable {
        keys,
        cards: cards.to_vec(),
        sizes,
        weights: None,
    }
}

/// Pack QIs into blocks of at most [`BLOCK_MAX`] joint codes, largest
/// code spaces first, each into the first block it fits (a QI larger
/// than the limit is a block of its own).
fn blocks(cards: &[u32]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..cards.len()).collect();
    order.sort_by_key(|&q| std::cmp::Reverse(cards[q]));
    let mut blocks: Vec<(Vec<usize>, u64)> = Vec::new();
    for q in order {
        let card = cards[q].max(1) as u64;
        match blocks.iter_mut().find(|(_, s)| s * card <= BLOCK_MAX) {
            Some((qis, s)) => {
                qis.push(q);
                *s *= card;
            }
            None => blocks.push((vec![q], card)),
        }
    }
    blocks
        .into_iter()
        .map(|(mut qis, _)| {
            qis.sort_unstable();
            qis
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::classes::tests::random_columns;
    use crate::engine::splitmix::SplitMix64;

    #[test]
    fn blocks_pack_small_qis_together() {
        let b = blocks(&[30_000, 2, 5, 70_000, 16, 40]);
        assert_eq!(b, vec![vec![3], vec![0, 1], vec![2, 4, 5]]);
        for qis in &b {
            let space: u64 = qis
                .iter()
                .map(|&q| [30_000u64, 2, 5, 70_000, 16, 40][q])
                .product();
            assert!(space <= BLOCK_MAX || qis.len() == 1);
        }
    }

    #[test]
    fn agrees_with_roll_up() {
        // One block, two, three and more; maps that merge codes.
        for (seed, cards) in [
            (1u64, vec![7u32, 3, 5]),
            (2, vec![300, 400, 2]),
            (3, vec![70_000, 300, 300, 9]),
            (4, vec![300, 300, 300, 300, 300]),
            // Four blocks of 17 bits: too wide to pack, a column per block.
            (5, vec![70_000, 70_000, 70_000, 70_000]),
        ] {
            let (_, t) = random_columns(&mut SplitMix64(seed), &cards, 5_000);
            let roller = Roller::new(&t);
            assert_eq!(
                matches!(roller.codes, Codes::Packed { .. }),
                seed != 5,
                "{cards:?}"
            );
            for divisor in [1u32, 2, 3, 50, 35_000] {
                let maps: Vec<Vec<u32>> = cards
                    .iter()
                    .map(|&c| (0..c).map(|x| x / divisor).collect())
                    .collect();
                let up: Vec<u32> = cards.iter().map(|&c| c.div_ceil(divisor)).collect();
                let refs: Vec<&[u32]> = maps.iter().map(Vec::as_slice).collect();
                let want = t.roll_up(&refs, &up, false).table;
                assert_eq!(roller.roll(&refs, &up), want, "cards {cards:?} / {divisor}");
            }
        }
    }
}
