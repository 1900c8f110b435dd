//! t-closeness distances (docs/metrics.md, "t-closeness distances").
//!
//! Li, Li & Venkatasubramanian, "t-Closeness: privacy beyond k-anonymity
//! and l-diversity", ICDE 2007. The distance between a class's sensitive
//! distribution q and the table's p is the Earth Mover's Distance under a
//! ground distance:
//!
//! * **equal** (nominal values, every pair at distance 1):
//!   D = ½ Σ_s |q_s − p_s|;
//! * **ordered** (values v_1 < … < v_m, distance |i − j|/(m − 1)):
//!   D = 1/(m − 1) · Σ_i |Σ_{j≤i} (q_j − p_j)|;
//! * **hierarchical** (a value hierarchy of height H, distance = level of
//!   the lowest common ancestor / H): each internal node N passes up the
//!   net surplus of its children and pays height(N)/H · min(pos, neg),
//!   where pos and neg are its children's positive and negative surpluses.
//!
//! The table's t is the largest distance over classes.

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::input::hierarchy::Hierarchy;

/// The ground distance of t-closeness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Distance {
    Equal,
    Ordered,
    Hierarchical,
}

impl crate::choice::Choice for Distance {
    const WHAT: &'static str = "t-closeness distance";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("equal", Distance::Equal),
        ("ordered", Distance::Ordered),
        ("hierarchical", Distance::Hierarchical),
    ];
}

/// The table's sensitive distribution, with what the distances need.
#[derive(Debug, Clone)]
pub struct TableDistribution {
    /// p_s per code.
    pub p: Vec<f64>,
    /// Codes with p_s > 0.
    pub present: usize,
    /// cum[i] = p_0 + … + p_i.
    cum: Vec<f64>,
    /// prefix[i] = cum[0] + … + cum[i − 1].
    prefix: Vec<f64>,
}

impl TableDistribution {
    /// From record counts per code.
    pub fn new(totals: &[u64]) -> Self {
        let n: u64 = totals.iter().sum();
        let p: Vec<f64> = totals
            .iter()
            .map(|&t| if n == 0 { 0.0 } else { t as f64 / n as f64 })
            .collect();
        let mut cum = Vec::with_capacity(p.len());
        let mut acc = 0.0;
        for &x in &p {
            acc += x;
            cum.push(acc);
        }
        let mut prefix = Vec::with_capacity(p.len() + 1);
        let mut acc = 0.0;
        prefix.push(0.0);
        for &x in &cum {
            acc += x;
            prefix.push(acc);
        }
        TableDistribution {
            present: totals.iter().filter(|&&t| t > 0).count(),
            p,
            cum,
            prefix,
        }
    }
}

/// Equal-distance EMD of a class: ½ Σ_s |q_s − p_s|, the absent values
/// contributing their p_s.
pub fn equal_distance(codes: &[u32], counts: &[u64], t: &TableDistribution) -> f64 {
    let f: u64 = counts.iter().sum();
    let (mut diff, mut covered) = (0.0, 0.0);
    for (&s, &n) in codes.iter().zip(counts) {
        let ps = t.p[s as usize];
        diff += (n as f64 / f as f64 - ps).abs();
        covered += ps;
    }
    0.5 * (diff + (1.0 - covered).max(0.0))
}

/// Ordered-distance EMD of a class, over the codes in their order. The
/// class's cumulative share is a step function, so each step's sum of
/// |Q − cum_i| splits where cum crosses Q: O(k log m) for k values in the
/// class instead of O(m).
pub fn ordered_distance(codes: &[u32], counts: &[u64], t: &TableDistribution) -> f64 {
    let m = t.p.len();
    if m <= 1 {
        return 0.0;
    }
    let f: u64 = counts.iter().sum();
    let seg = |a: f64, lo: usize, hi: usize| -> f64 {
        if lo >= hi {
            return 0.0;
        }
        let r = lo + t.cum[lo..hi].partition_point(|&x| x <= a);
        let below = a * (r - lo) as f64 - (t.prefix[r] - t.prefix[lo]);
        let above = (t.prefix[hi] - t.prefix[r]) - a * (hi - r) as f64;
        below + above
    };
    let (mut total, mut q, mut start) = (0.0, 0.0, 0usize);
    let mut seen = 0u64;
    for (&s, &n) in codes.iter().zip(counts) {
        total += seg(q, start, s as usize);
        seen += n;
        q = seen as f64 / f as f64;
        start = s as usize;
    }
    total += seg(q, start, m);
    total / (m - 1) as f64
}

/// A value hierarchy as a tree over the table's codes.
#[derive(Debug, Clone)]
pub struct Tree {
    height: usize,
    /// Code → leaf node.
    leaf: Vec<u32>,
    /// Node → parent (`u32::MAX` for the root).
    parent: Vec<u32>,
    /// Node → level: 0 for values, the hierarchy level for inner nodes.
    level: Vec<u32>,
    /// Node → table share under it, P(N).
    mass: Vec<f64>,
}

impl Tree {
    /// Build the tree of `labels` (code → value) from a hierarchy. The
    /// missing value, if any (`missing`), hangs directly under the root.
    pub fn build(
        h: &Hierarchy,
        column: &str,
        labels: &[String],
        missing: Option<u32>,
        t: &TableDistribution,
    ) -> Result<Tree> {
        h.check_covers(column, labels, missing)?;
        let height = h.height();
        if height == 0 {
            return Err(Error::file(
                &h.source,
                "the hierarchy has no level above the values",
            ));
        }
        let tops: std::collections::BTreeSet<&str> =
            h.rows.iter().map(|r| r[height].as_str()).collect();
        if tops.len() != 1 {
            return Err(Error::file(
                &h.source,
                format!(
                    "the hierarchy must end in one top value, found {}",
                    tops.len()
                ),
            ));
        }
        let mut tree = Tree {
            height,
            leaf: Vec::with_capacity(labels.len()),
            parent: Vec::new(),
            level: Vec::new(),
            mass: Vec::new(),
        };
        // An inner node is identified by its labels from its level to the
        // top, so equal labels in different subtrees stay apart.
        let mut ids: FxHashMap<(usize, String), u32> = FxHashMap::default();
        let root = tree.add(height as u32);
        ids.insert((height, h.rows[0][height].clone()), root);
        for (code, label) in labels.iter().enumerate() {
            let leaf = tree.add(0);
            tree.leaf.push(leaf);
            if Some(code as u32) == missing {
                tree.parent[leaf as usize] = root;
                continue;
            }
            let Some(row) = h.row_of(label) else {
                return Err(Error::column(
                    &h.source,
                    column,
                    "a value of the column is not in the hierarchy",
                )
                .with_value(label.as_str()));
            };
            let mut child = leaf;
            for level in 1..=height {
                let key = (level, row[level..].join("\u{1f}"));
                let (node, new) = match ids.get(&key) {
                    Some(&n) => (n, false),
                    None => {
                        let n = tree.add(level as u32);
                        ids.insert(key, n);
                        (n, true)
                    }
                };
                tree.parent[child as usize] = node;
                if !new {
                    break; // the rest of the path exists already
                }
                child = node;
            }
        }
        Ok(tree.reweighted(t))
    }

    /// The same tree with its node masses from another table distribution
    /// (the released records', when suppression moved it).
    pub fn reweighted(&self, t: &TableDistribution) -> Tree {
        let mut tree = self.clone();
        tree.mass.iter_mut().for_each(|m| *m = 0.0);
        for (code, &l) in self.leaf.iter().enumerate() {
            let mut n = l;
            while n != u32::MAX {
                tree.mass[n as usize] += t.p[code];
                n = tree.parent[n as usize];
            }
        }
        tree
    }

    fn add(&mut self, level: u32) -> u32 {
        self.parent.push(u32::MAX);
        self.level.push(level);
        self.mass.push(0.0);
        (self.parent.len() - 1) as u32
    }
}

/// A node and the net surplus of class over table mass below it.
type Surplus = (u32, f64);

/// Hierarchical EMD of a class. Only nodes above the class's own values
/// carry cost: any other node has no positive surplus below it. Level by
/// level, touched nodes pass their surplus up; a node's untouched children
/// together hold mass(N) − Σ mass(touched children) of negative surplus.
pub fn hierarchical_distance(
    codes: &[u32],
    counts: &[u64],
    t: &TableDistribution,
    tree: &Tree,
) -> f64 {
    let f: u64 = counts.iter().sum();
    let h = tree.height as f64;
    let mut touched: Vec<Surplus> = codes
        .iter()
        .zip(counts)
        .map(|(&s, &n)| (tree.leaf[s as usize], n as f64 / f as f64 - t.p[s as usize]))
        .collect();
    let mut cost = 0.0;
    for level in 1..=tree.height as u32 {
        let (mut ready, waiting): (Vec<Surplus>, Vec<Surplus>) = touched
            .into_iter()
            .partition(|e| tree.level[tree.parent[e.0 as usize] as usize] == level);
        ready.sort_unstable_by_key(|e| tree.parent[e.0 as usize]);
        touched = waiting;
        let mut i = 0;
        while i < ready.len() {
            let node = tree.parent[ready[i].0 as usize];
            let (mut pos, mut neg, mut seen) = (0.0, 0.0, 0.0);
            while i < ready.len() && tree.parent[ready[i].0 as usize] == node {
                let (child, surplus) = ready[i];
                pos += surplus.max(0.0);
                neg += (-surplus).max(0.0);
                seen += tree.mass[child as usize];
                i += 1;
            }
            neg += (tree.mass[node as usize] - seen).max(0.0);
            cost += level as f64 / h * pos.min(neg);
            touched.push((node, pos - neg));
        }
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct_ordered(q: &[f64], p: &[f64]) -> f64 {
        let mut acc = 0.0;
        let mut total = 0.0;
        for i in 0..p.len() {
            acc += q[i] - p[i];
            total += f64::abs(acc);
        }
        total / (p.len() - 1) as f64
    }

    /// Li, Li & Venkatasubramanian 2007, §4: salaries {3k … 11k} (9 values,
    /// one record each); the class {3k, 4k, 5k} is at ordered distance
    /// 0.375 and {6k, 8k, 11k} at 0.167 (the paper's Table 4 figures).
    #[test]
    fn paper_salary_example() {
        let t = TableDistribution::new(&[1; 9]);
        let d = ordered_distance(&[0, 1, 2], &[1, 1, 1], &t);
        assert!((d - 0.375).abs() < 1e-12, "{d}");
        let d = ordered_distance(&[3, 5, 8], &[1, 1, 1], &t);
        assert!((d - 1.0 / 6.0).abs() < 1e-12, "{d}");
        // Equal distance of {3k,4k,5k}: ½(3·(1/3 − 1/9) + 6·(1/9)) = 2/3.
        assert!((equal_distance(&[0, 1, 2], &[1, 1, 1], &t) - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn ordered_matches_the_direct_sum() {
        let totals = [5u64, 0, 3, 9, 1, 1, 7, 2];
        let t = TableDistribution::new(&totals);
        let n: u64 = totals.iter().sum();
        let p: Vec<f64> = totals.iter().map(|&x| x as f64 / n as f64).collect();
        for (codes, counts) in [
            (vec![0u32, 3, 6], vec![1u64, 2, 3]),
            (vec![7], vec![4]),
            (vec![2, 4, 5], vec![1, 1, 1]),
            (vec![0, 2, 3, 4, 5, 6, 7], vec![5, 3, 9, 1, 1, 7, 2]),
        ] {
            let f: u64 = counts.iter().sum();
            let mut q = vec![0.0; totals.len()];
            for (&c, &k) in codes.iter().zip(&counts) {
                q[c as usize] = k as f64 / f as f64;
            }
            let fast = ordered_distance(&codes, &counts, &t);
            assert!((fast - direct_ordered(&q, &p)).abs() < 1e-12, "{codes:?}");
        }
    }

    /// The paper's disease hierarchy (arx-test/test2_hierarchy_Disease.csv):
    /// respiratory {flu, pneumonia, bronchitis} and digestive {gastric
    /// ulcer, gastritis, stomach cancer} under "*", height 2... read from
    /// the shared file in the integration tests; here a hand-built one.
    #[test]
    fn hierarchical_by_hand() {
        // Height 2: a, b under X; c, d under Y; X, Y under *.
        let h = Hierarchy::parse("h", "a;X;*\nb;X;*\nc;Y;*\nd;Y;*\n").unwrap();
        let labels: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let t = TableDistribution::new(&[1, 1, 1, 1]);
        let tree = Tree::build(&h, "s", &labels, None, &t).unwrap();
        // Class all 'a': leaf surpluses a +3/4, b −1/4, c −1/4, d −1/4.
        // X: pos 3/4, neg 1/4 -> cost 1/2 · 1/4 = 1/8, surplus +1/2.
        // Root: pos 1/2 (X), neg 1/2 (Y untouched) -> cost 2/2 · 1/2 = 1/2.
        let d = hierarchical_distance(&[0], &[1], &t, &tree);
        assert!((d - 0.625).abs() < 1e-12, "{d}");
        // Class {a, b}: X surplus +1/2 with no cost inside; root 1/2.
        let d = hierarchical_distance(&[0, 1], &[1, 1], &t, &tree);
        assert!((d - 0.5).abs() < 1e-12, "{d}");
        // Class {a, c}: X: pos 1/4 neg 1/4 -> 1/8; Y likewise 1/8; root 0.
        let d = hierarchical_distance(&[0, 2], &[1, 1], &t, &tree);
        assert!((d - 0.25).abs() < 1e-12, "{d}");
        // Same distribution as the table: 0.
        let d = hierarchical_distance(&[0, 1, 2, 3], &[1, 1, 1, 1], &t, &tree);
        assert!(d.abs() < 1e-12);
    }
}
