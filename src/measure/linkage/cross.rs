//! Cross-release linkage (docs/metrics.md L8): two releases of the same
//! extract, generalised differently, intersect.
//!
//! An attacker who knows a person's quasi-identifiers finds the person's
//! class in each release; the person is among the records of both, so the
//! effective class is the intersection (the composition attack of Ganta,
//! Kasiviswanathan & Smith 2008). With the records of both releases aligned
//! (by an id column, or by row position when both have the same rows), the
//! intersection classes are the groups of records sharing (class in R,
//! class in P), and their smallest size is the k left after composition.

use rayon::prelude::*;
use serde::Serialize;

use super::{classes_of, release_id_rows};
use crate::engine::encode::EncodedColumn;
use crate::error::{Error, Result};

/// How the records of the two releases were paired.
pub enum Alignment<'a> {
    /// Row i of one release is row i of the other.
    Position,
    /// By id columns: (release ids, previous ids).
    Ids(&'a EncodedColumn, &'a EncodedColumn),
}

/// The composition of two releases; `cross_release` in the JSON.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Composition {
    /// Common columns the classes are formed on.
    pub on: Vec<String>,
    /// `id` or `row_position`.
    pub aligned_by: String,
    pub records_in_both: u64,
    /// Smallest class of each release on the common columns.
    pub k_release: u64,
    pub k_previous: u64,
    /// Smallest intersection of a release class and a previous class.
    pub k_intersection: u64,
    pub intersection_classes: u64,
    /// Records alone in their intersection.
    pub intersection_uniques: u64,
    /// The k that `records_below_k` refers to.
    pub reference_k: u64,
    pub records_below_k: u64,
    /// Records whose intersection is smaller than their class in either
    /// release alone: the composition narrowed them down.
    pub records_narrowed: u64,
}

/// Pair the rows of the two releases.
pub fn align(
    alignment: &Alignment<'_>,
    release_rows: usize,
    previous_rows: usize,
    release_source: &str,
    previous_source: &str,
) -> Result<(Vec<(u32, u32)>, &'static str)> {
    match alignment {
        Alignment::Position => {
            if release_rows != previous_rows {
                return Err(Error::file(
                    previous_source,
                    format!(
                        "has {previous_rows} rows and {release_source} has {release_rows}: \
                         without id columns (--release-id, --previous-id) the releases are \
                         paired by row position, which needs the same rows"
                    ),
                ));
            }
            Ok((
                (0..release_rows as u32).map(|i| (i, i)).collect(),
                "row_position",
            ))
        }
        Alignment::Ids(rid, pid) => {
            let rows = release_id_rows(rid, release_source)?;
            // The previous release's ids must be unique too.
            release_id_rows(pid, previous_source)?;
            let pairs = pid
                .codes
                .iter()
                .enumerate()
                .filter(|(_, &c)| pid.dict.missing != Some(c))
                .filter_map(|(p, &c)| {
                    rows.get(pid.dict.labels[c as usize].as_str())
                        .map(|&r| (r, p as u32))
                })
                .collect();
            Ok((pairs, "id"))
        }
    }
}

/// The intersection classes of two releases over paired records.
pub fn compose(
    release: &[&EncodedColumn],
    previous: &[&EncodedColumn],
    pairs: &[(u32, u32)],
    aligned_by: &str,
    reference_k: u64,
) -> Composition {
    let r = classes_of(release, None, true);
    let p = classes_of(previous, None, true);
    let (rc, pc) = (
        r.row_class.as_deref().unwrap_or(&[]),
        p.row_class.as_deref().unwrap_or(&[]),
    );
    // Class sizes among the paired records only.
    let mut r_size = vec![0u64; r.table.len()];
    let mut p_size = vec![0u64; p.table.len()];
    let mut keys: Vec<u64> = pairs
        .iter()
        .map(|&(a, b)| {
            let (x, y) = (rc[a as usize], pc[b as usize]);
            r_size[x as usize] += 1;
            p_size[y as usize] += 1;
            ((x as u64) << 32) | y as u64
        })
        .collect();
    keys.par_sort_unstable();
    let (mut classes, mut k, mut uniques, mut below, mut narrowed) = (0u64, u64::MAX, 0, 0, 0);
    let mut i = 0;
    while i < keys.len() {
        let j = i + keys[i..].partition_point(|&x| x == keys[i]);
        let size = (j - i) as u64;
        let (x, y) = ((keys[i] >> 32) as usize, (keys[i] & 0xffff_ffff) as usize);
        classes += 1;
        k = k.min(size);
        if size == 1 {
            uniques += 1;
        }
        if size < reference_k {
            below += size;
        }
        if size < r_size[x] && size < p_size[y] {
            narrowed += size;
        }
        i = j;
    }
    let min_of = |s: &[u64]| s.iter().copied().filter(|&x| x > 0).min().unwrap_or(0);
    Composition {
        on: release.iter().map(|c| c.name.clone()).collect(),
        aligned_by: aligned_by.to_string(),
        records_in_both: pairs.len() as u64,
        k_release: min_of(&r_size),
        k_previous: min_of(&p_size),
        k_intersection: if classes > 0 { k } else { 0 },
        intersection_classes: classes,
        intersection_uniques: uniques,
        reference_k,
        records_below_k: below,
        records_narrowed: narrowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::encode::encode_series;
    use polars::prelude::*;

    fn col(name: &str, values: &[&str]) -> EncodedColumn {
        encode_series("t", name, &Series::new(name.into(), values), &[]).unwrap()
    }

    /// Six people; release R generalises age, P generalises zip:
    ///
    /// person  R: age     zip    P: age  zip
    ///   0       [20-40[  1234      25   12**
    ///   1       [20-40[  1234      35   12**
    ///   2       [20-40[  1299      25   12**
    ///   3       [20-40[  1299      35   12**
    ///   4       [40-60[  1234      45   12**
    ///   5       [40-60[  1234      45   12**
    ///
    /// R classes: {0,1} {2,3} {4,5} (k 2); P classes: {0,2} {1,3} {4,5}
    /// (k 2). Intersections: {0} {1} {2} {3} {4,5}: k 1, four uniques,
    /// four records narrowed (4 and 5 keep their class of 2).
    #[test]
    fn composition_by_hand() {
        let r = [
            col(
                "age",
                &[
                    "[20-40[", "[20-40[", "[20-40[", "[20-40[", "[40-60[", "[40-60[",
                ],
            ),
            col("zip", &["1234", "1234", "1299", "1299", "1234", "1234"]),
        ];
        let p = [
            col("age", &["25", "35", "25", "35", "45", "45"]),
            col("zip", &["12**"; 6]),
        ];
        let (pairs, by) = align(&Alignment::Position, 6, 6, "r", "p").unwrap();
        let c = compose(&[&r[0], &r[1]], &[&p[0], &p[1]], &pairs, by, 2);
        assert_eq!((c.k_release, c.k_previous, c.k_intersection), (2, 2, 1));
        assert_eq!(c.intersection_classes, 5);
        assert_eq!(c.intersection_uniques, 4);
        assert_eq!(c.records_below_k, 4);
        assert_eq!(c.records_narrowed, 4);
        assert_eq!(c.aligned_by, "row_position");
    }

    #[test]
    fn alignment_by_ids_and_its_errors() {
        let rid = col("id", &["a", "b", "c"]);
        let pid = col("id", &["c", "x", "a"]);
        let (pairs, by) = align(&Alignment::Ids(&rid, &pid), 3, 3, "r", "p").unwrap();
        assert_eq!(by, "id");
        assert_eq!(pairs, vec![(2, 0), (0, 2)]);
        let e = align(&Alignment::Position, 3, 4, "r.csv", "p.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.csv") && e.contains("--previous-id"), "{e}");
    }
}
