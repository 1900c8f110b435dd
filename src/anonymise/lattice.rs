//! The generalisation lattice, never held whole.
//!
//! A node is a vector of hierarchy levels, one per quasi-identifier, each
//! between 0 and the hierarchy's height; a node generalises another when
//! every level is at least the other's. The lattice has Π (hᵢ + 1) nodes:
//! 9.4 million for mach2019's 14 QIs, about 10¹⁴ for creditcard's 24. So
//! nodes are generated level by level on demand ([`Lattice::level`]) and
//! what the search learns about them is kept in bit sets indexed by the
//! node's mixed-radix number ([`Tags`]), one bit a node, only for lattices
//! small enough to search exactly.

/// The shape of a lattice: each QI's hierarchy height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lattice {
    heights: Vec<usize>,
    /// suffix[i] = Σ_{j ≥ i} heights[j]: the most the QIs from i on can
    /// add to a level sum.
    suffix: Vec<usize>,
}

impl Lattice {
    pub fn new(heights: Vec<usize>) -> Lattice {
        let mut suffix = vec![0usize; heights.len() + 1];
        for i in (0..heights.len()).rev() {
            suffix[i] = suffix[i + 1].saturating_add(heights[i]);
        }
        Lattice { heights, suffix }
    }

    pub fn heights(&self) -> &[usize] {
        &self.heights
    }

    /// Number of nodes, Π (hᵢ + 1), saturating at u128::MAX.
    pub fn size(&self) -> u128 {
        self.heights
            .iter()
            .try_fold(1u128, |n, &h| n.checked_mul(h as u128 + 1))
            .unwrap_or(u128::MAX)
    }

    /// The level sum of the top node (every QI at its height).
    pub fn top_sum(&self) -> usize {
        self.suffix[0]
    }

    pub fn top(&self) -> Vec<usize> {
        self.heights.clone()
    }

    /// The nodes whose levels add up to `sum`, in lexicographic order,
    /// generated one at a time.
    pub fn level(&self, sum: usize) -> Level<'_> {
        let first = (sum <= self.top_sum()).then(|| {
            let mut v = vec![0; self.heights.len()];
            self.fill_least(&mut v, 0, sum);
            v
        });
        Level {
            lattice: self,
            next: first,
        }
    }

    /// From position `from` on, the lexicographically least levels adding
    /// up to `rest`: each as low as the QIs after it allow.
    fn fill_least(&self, v: &mut [usize], from: usize, mut rest: usize) {
        for (i, l) in v.iter_mut().enumerate().skip(from) {
            *l = rest.saturating_sub(self.suffix[i + 1]);
            rest -= *l;
        }
    }

    /// The node after `v` in its level, in lexicographic order (false at
    /// the last).
    pub fn advance(&self, v: &mut [usize]) -> bool {
        let d = v.len();
        // The rightmost position that can grow by one while the positions
        // after it give up one.
        let mut tail = 0; // Σ v[j] for j > i
        for i in (0..d.saturating_sub(1)).rev() {
            tail += v[i + 1];
            if v[i] < self.heights[i] && tail > 0 {
                v[i] += 1;
                self.fill_least(v, i + 1, tail - 1);
                return true;
            }
        }
        false
    }

    /// The node's number in mixed radix (first QI most significant), when
    /// the lattice is small enough for numbers to fit in u64.
    pub fn index(&self, v: &[usize]) -> u64 {
        v.iter()
            .zip(&self.heights)
            .fold(0u64, |n, (&l, &h)| n * (h as u64 + 1) + l as u64)
    }

    /// The nodes one step more general than `v` (one QI one level up).
    pub fn parents<'a>(&'a self, v: &'a [usize]) -> impl Iterator<Item = Vec<usize>> + 'a {
        (0..v.len())
            .filter(move |&i| v[i] < self.heights[i])
            .map(move |i| {
                let mut p = v.to_vec();
                p[i] += 1;
                p
            })
    }

    /// The nodes one step more specific than `v` (one QI one level down).
    pub fn children<'a>(&'a self, v: &'a [usize]) -> impl Iterator<Item = Vec<usize>> + 'a {
        (0..v.len()).filter(move |&i| v[i] > 0).map(move |i| {
            let mut c = v.to_vec();
            c[i] -= 1;
            c
        })
    }
}

/// The nodes of one level sum, generated lazily.
pub struct Level<'a> {
    lattice: &'a Lattice,
    next: Option<Vec<usize>>,
}

impl Iterator for Level<'_> {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let current = self.next.take()?;
        let mut v = current.clone();
        if self.lattice.advance(&mut v) {
            self.next = Some(v);
        }
        Some(current)
    }
}

/// One bit per lattice node.
#[derive(Debug, Clone)]
pub struct Tags {
    words: Vec<u64>,
}

impl Tags {
    /// Bits for `nodes` nodes (the caller keeps that within memory).
    pub fn new(nodes: u64) -> Tags {
        Tags {
            words: vec![0; nodes.div_ceil(64) as usize],
        }
    }

    pub fn get(&self, i: u64) -> bool {
        self.words[(i / 64) as usize] >> (i % 64) & 1 == 1
    }

    pub fn set(&mut self, i: u64) {
        self.words[(i / 64) as usize] |= 1 << (i % 64);
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node once, by level sum then lexicographically, against the
    /// product of ranges.
    #[test]
    fn levels_list_every_node_once_in_order() {
        for heights in [vec![], vec![0], vec![3], vec![2, 0, 3], vec![1, 4, 2, 3]] {
            let lattice = Lattice::new(heights.clone());
            let mut all: Vec<Vec<usize>> = vec![vec![]];
            for &h in &heights {
                all = all
                    .into_iter()
                    .flat_map(|n| {
                        (0..=h).map(move |l| {
                            let mut v = n.clone();
                            v.push(l);
                            v
                        })
                    })
                    .collect();
            }
            all.sort_by_key(|v| (v.iter().sum::<usize>(), v.clone()));
            let generated: Vec<Vec<usize>> = (0..=lattice.top_sum())
                .flat_map(|s| lattice.level(s))
                .collect();
            assert_eq!(generated, all, "{heights:?}");
            assert_eq!(lattice.size(), all.len() as u128);
            assert!(lattice.level(lattice.top_sum() + 1).next().is_none());
            // Numbers are distinct and below the size.
            let mut seen = Tags::new(all.len() as u64);
            for v in &all {
                let i = lattice.index(v);
                assert!(!seen.get(i));
                seen.set(i);
            }
        }
    }

    #[test]
    fn neighbours_are_one_step_away() {
        let lattice = Lattice::new(vec![2, 0, 1]);
        let v = [1, 0, 1];
        assert_eq!(lattice.parents(&v).collect::<Vec<_>>(), vec![vec![2, 0, 1]]);
        assert_eq!(
            lattice.children(&v).collect::<Vec<_>>(),
            vec![vec![0, 0, 1], vec![1, 0, 0]]
        );
        // creditcard-sized: 24 QIs of height 4 saturate nothing.
        assert_eq!(Lattice::new(vec![4; 24]).size(), 5u128.pow(24));
        assert_eq!(Lattice::new(vec![usize::MAX; 3]).size(), u128::MAX);
    }
}
