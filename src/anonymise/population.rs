//! The population a sample was drawn from, in the search: k-map counted in
//! a population table (Sweeney 2002) and δ-presence (Nergiz, Atzori &
//! Clifton 2007), both judged per released class as in `analyse`
//! (docs/metrics.md).
//!
//! For a node, F_c of a released class c is the number of population
//! records that the node's levels generalise into c. The population is
//! grouped once into its own class table; each QI's population codes are
//! mapped, level by level, onto the sample's codes of that level, and a
//! population value whose generalisation no sample record shares goes to
//! one code past the level's (no released class holds it). A node then
//! rolls the population's classes up as it rolls up the sample's, and the
//! two tables, both in key order, are merged.

use std::cmp::Ordering;

use crate::anonymise::generalise::Generalisation;
use crate::engine::classes::ClassTable;
use crate::engine::roller::Roller;
use crate::gate::targets::Criterion;

/// The population's classes and the targets counted against them.
pub struct PopulationTargets {
    roller: Roller<'static>,
    /// `maps[q][l][v]`: population code v of QI q → the sample's code at
    /// level l, or that level's number of codes (no sample value there).
    maps: Vec<Vec<Vec<u32>>>,
    /// k-map: every released class matches at least K population records.
    pub k_map: Option<u64>,
    /// δ-presence: every released class's f/F at least this…
    pub presence_min: Option<f64>,
    /// … and at most this.
    pub presence_max: Option<f64>,
}

impl PopulationTargets {
    /// `population`: the population's classes in its own codes; `maps` as
    /// the field says.
    pub fn new(
        population: ClassTable,
        maps: Vec<Vec<Vec<u32>>>,
        k_map: Option<u64>,
        presence_min: Option<f64>,
        presence_max: Option<f64>,
    ) -> Self {
        PopulationTargets {
            roller: Roller::owning(population),
            maps,
            k_map,
            presence_min,
            presence_max,
        }
    }

    /// The targets a released class must meet.
    pub fn criteria(&self) -> impl Iterator<Item = Criterion> + '_ {
        [
            self.k_map.map(|_| Criterion::KMap),
            self.presence_min.map(|_| Criterion::PresenceMin),
            self.presence_max.map(|_| Criterion::PresenceMax),
        ]
        .into_iter()
        .flatten()
    }

    /// F of each class of `t`, the sample's class table at `levels`: the
    /// population records generalised into it (not raised to f here); and
    /// the population records in no class of `t`.
    pub fn sizes(
        &self,
        t: &ClassTable,
        gens: &[Generalisation],
        levels: &[usize],
    ) -> (Vec<u64>, u64) {
        let maps: Vec<&[u32]> = (self.maps.iter().zip(levels))
            .map(|(m, &l)| m[l].as_slice())
            .collect();
        // One more code per QI: population values no sample value shares.
        let cards: Vec<u32> = (gens.iter().zip(levels))
            .map(|(g, &l)| g.levels[l].labels.len() as u32 + 1)
            .collect();
        let p = self.roller.roll(&maps, &cards);
        let mut sizes = Vec::with_capacity(t.len());
        let mut j = 0;
        for c in 0..t.len() {
            while j < p.len() && compare(&p, j, t, c) == Ordering::Less {
                j += 1;
            }
            let found = j < p.len() && compare(&p, j, t, c) == Ordering::Equal;
            sizes.push(if found { p.sizes[j] } else { 0 });
        }
        let inside: u64 = sizes.iter().sum();
        (sizes, p.records() - inside)
    }

    /// Mark the classes of `t` (at `levels`) that miss a target. F is
    /// raised to f where the population falls short of the sample (as the
    /// analysis does, which warns of it), so f/F ≤ 1.
    ///
    /// Returns whether the node can meet δmin at all: people of the
    /// population in no class of the sample are in the release with
    /// probability 0, and no suppression of sample records lifts that; so
    /// with δmin > 0 the node fails (as in ARX, whose `HashGroupify` fails
    /// a transformation on a population class with no research record).
    /// That only gets easier with generalisation (such people join
    /// classes that have sample records), so it is monotone.
    pub fn mark_failing(
        &self,
        t: &ClassTable,
        gens: &[Generalisation],
        levels: &[usize],
        supp: &mut [bool],
    ) -> bool {
        let (big_f, outside) = self.sizes(t, gens, levels);
        for ((s, &f), &big_f) in supp.iter_mut().zip(&t.sizes).zip(&big_f) {
            if *s {
                continue;
            }
            let big_f = big_f.max(f) as f64;
            let share = f as f64 / big_f;
            *s = self
                .k_map
                .is_some_and(|k| !Criterion::KMap.holds(big_f, k as f64))
                || (self.presence_min).is_some_and(|m| !Criterion::PresenceMin.holds(share, m))
                || (self.presence_max).is_some_and(|m| !Criterion::PresenceMax.holds(share, m));
        }
        outside == 0 || (self.presence_min).is_none_or(|m| Criterion::PresenceMin.holds(0.0, m))
    }
}

/// Class i of `a` against class j of `b`, by key (QI by QI).
fn compare(a: &ClassTable, i: usize, b: &ClassTable, j: usize) -> Ordering {
    (a.keys.iter().zip(&b.keys))
        .map(|(x, y)| x[i].cmp(&y[j]))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymise::search::roll_up;
    use crate::engine::classes::{group, Rows};

    fn table(columns: &[Vec<u32>], cards: &[u32]) -> ClassTable {
        let refs: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
        let rows = Rows {
            columns: &refs,
            cards,
            counts: None,
            weights: None,
            len: columns[0].len(),
        };
        group(rows, false).table
    }

    /// By hand (one QI, age, with levels raw → decade → `*`): the sample
    /// holds ages 31, 33 and 47 (codes 0, 1, 2), the population those and
    /// 35 and 52, which the sample lacks (population codes 0 31, 1 33,
    /// 2 35, 3 47, 4 52).
    ///
    /// * raw: the classes 31, 33, 47 match 2, 1, 3 people (35 and 52 match
    ///   no class);
    /// * decades: 30–39 matches 31, 33, 35 (2 + 1 + 2 = 5 people), 40–49
    ///   matches 3 (50–59 is no sample class);
    /// * top: all 10.
    #[test]
    fn counts_the_population_by_hand() {
        use polars::prelude::{NamedFrom, Series};
        let s = Series::new("age".into(), &["31", "33", "47"]);
        let dict = crate::engine::encode::encode_series("t", "age", &s, &[])
            .unwrap()
            .dict;
        let gens = vec![Generalisation::from_spec("t", "age", "interval:10,*", &dict).unwrap()];
        assert_eq!(gens[0].height(), 2);
        // The sample: 31, 31, 33, 47.
        let sample = table(&[vec![0, 0, 1, 2]], &[3]);
        // The population: 31 ×2, 33, 35 ×2, 47 ×3, 52 ×2.
        let pop = table(&[vec![0, 0, 1, 2, 2, 3, 3, 3, 4, 4]], &[5]);
        // Population code → the sample's code per level (absent: the
        // level's number of codes, 3 raw, 2 in decades).
        let maps = vec![vec![vec![0, 1, 3, 2, 3], vec![0, 0, 0, 1, 2], vec![0; 5]]];
        let p = PopulationTargets::new(pop, maps, Some(3), None, Some(0.5));
        let at = |levels: &[usize]| {
            let t = roll_up(&sample, &gens, levels, false).table;
            let mut supp = vec![false; t.len()];
            let feasible = p.mark_failing(&t, &gens, levels, &mut supp);
            assert!(feasible, "no δmin");
            (p.sizes(&t, &gens, levels), supp)
        };
        // 31: F 2 < 3; 33: F 1 < 3 and f/F = 1 > 0.5; 47: f/F 1/3. Outside
        // every class: 35 ×2, 52 ×2.
        assert_eq!(at(&[0]), ((vec![2, 1, 3], 4), vec![true, true, false]));
        // 30–39: 3 of 5 = 0.6 > 0.5; 40–49: 1/3; 52 ×2 outside.
        assert_eq!(at(&[1]), ((vec![5, 3], 2), vec![true, false]));
        assert_eq!(at(&[2]), ((vec![10], 0), vec![false]));
        // At the boundary: f/F = 0.6 meets δmax = 0.6, F = 5 meets k-map 5.
        let maps = vec![vec![vec![0, 1, 3, 2, 3], vec![0, 0, 0, 1, 2], vec![0; 5]]];
        let pop = table(&[vec![0, 0, 1, 2, 2, 3, 3, 3, 4, 4]], &[5]);
        let p = PopulationTargets::new(pop, maps, Some(5), Some(0.6), Some(0.6));
        let t = roll_up(&sample, &gens, &[1], false).table;
        let mut supp = vec![false; t.len()];
        // 52 ×2 fall in no class: f/F = 0 for them misses δmin = 0.6,
        // whatever is suppressed; at the top nobody is outside.
        assert!(!p.mark_failing(&t, &gens, &[1], &mut supp));
        assert_eq!(supp, vec![false, true], "40–49: F = 3 < 5, 1/3 < 0.6");
        let t = roll_up(&sample, &gens, &[2], false).table;
        assert!(p.mark_failing(&t, &gens, &[2], &mut [false]));
    }

    /// The search with k-map and δ-presence finds what evaluating every
    /// node finds (with suppression δ-presence is not monotone, so tagging
    /// rests on k alone), and F is what counting the population's records
    /// node by node gives. The population holds the sample's records
    /// several times over, plus records of a value the sample lacks (one
    /// more code of the first QI: absent at level 0, under code 0 above).
    #[test]
    fn the_search_agrees_with_every_node_and_a_plain_count() {
        use crate::anonymise::lattice::Lattice;
        use crate::anonymise::search::tests::random_case;
        use crate::anonymise::search::{exhaustive, search, ClassTargets, Goal, Metric};
        let (mut found, mut none) = (0, 0);
        for seed in 1..7u64 {
            let (base, gens) = random_case(300, seed);
            let mut rng = crate::engine::splitmix::SplitMix64(seed * 31);
            let extra = gens[0].levels[0].labels.len() as u32;
            let mut columns: Vec<Vec<u32>> = vec![Vec::new(); base.arity()];
            for c in 0..base.len() {
                let copies = base.sizes[c] * (1 + rng.next_u64() % 9);
                for _ in 0..copies {
                    for (q, col) in columns.iter_mut().enumerate() {
                        col.push(base.keys[q][c]);
                    }
                }
            }
            for _ in 0..40 {
                for (q, col) in columns.iter_mut().enumerate() {
                    let card = gens[q].levels[0].labels.len() as u64;
                    col.push(if q == 0 {
                        extra
                    } else {
                        (rng.next_u64() % card) as u32
                    });
                }
            }
            let mut cards: Vec<u32> = gens
                .iter()
                .map(|g| g.levels[0].labels.len() as u32)
                .collect();
            cards[0] += 1;
            let maps: Vec<Vec<Vec<u32>>> = (gens.iter().enumerate())
                .map(|(q, g)| {
                    (g.levels.iter().enumerate())
                        .map(|(l, lv)| {
                            let mut m = lv.map.clone();
                            if q == 0 {
                                m.push(if l == 0 { lv.labels.len() as u32 } else { 0 });
                            }
                            m
                        })
                        .collect()
                })
                .collect();
            let lattice = Lattice::new(gens.iter().map(|g| g.height()).collect());
            let population = |k_map, lo, hi| {
                let pop = table(&columns, &cards);
                PopulationTargets::new(pop, maps.clone(), k_map, lo, hi)
            };
            // F by a plain count of the population's records.
            let p = population(None, None, None);
            for levels in (0..=lattice.top_sum()).flat_map(|s| lattice.level(s)) {
                let t = roll_up(&base, &gens, &levels, false).table;
                let mut count = std::collections::HashMap::<Vec<u32>, u64>::new();
                for r in 0..columns[0].len() {
                    let key: Vec<u32> = (0..columns.len())
                        .map(|q| maps[q][levels[q]][columns[q][r] as usize])
                        .collect();
                    *count.entry(key).or_default() += 1;
                }
                let want: Vec<u64> = (0..t.len())
                    .map(|c| count.get(&t.key(c)).copied().unwrap_or(0))
                    .collect();
                let outside = columns[0].len() as u64 - want.iter().sum::<u64>();
                assert_eq!(p.sizes(&t, &gens, &levels), (want, outside), "{levels:?}");
            }
            for (i, (k_map, lo, hi, suppression)) in [
                (Some(12), None, None, 0.0),
                (Some(20), None, None, 0.05),
                (None, None, Some(0.3), 0.0),
                (None, Some(0.15), Some(0.5), 0.0),
                (None, Some(0.12), Some(0.4), 0.08),
                (Some(8), Some(0.1), None, 0.1),
                // f/F is about 1/5 at the top: nothing passes.
                (None, Some(0.45), None, 0.0),
            ]
            .into_iter()
            .enumerate()
            {
                let goal = Goal {
                    k: 1 + (seed + i as u64) % 3,
                    suppression,
                    metric: [Metric::Loss, Metric::Aecs, Metric::Entropy][i % 3],
                    max_average_risk: None,
                    max_uniques: None,
                    max_population_uniqueness: None,
                    wildcard: false,
                };
                let targets = ClassTargets {
                    population: Some(population(k_map, lo, hi)),
                    ..ClassTargets::default()
                };
                let fast = search(&base, &gens, goal, Some(&targets));
                let slow = exhaustive(&base, &gens, goal, Some(&targets));
                match (&fast.best, &slow) {
                    (Some(a), Some(b)) => {
                        assert_eq!(a.levels, b.levels, "seed {seed} case {i}");
                        assert_eq!(a.score, b.score, "seed {seed} case {i}");
                        found += usize::from(a.levels != lattice.top());
                    }
                    (None, None) => none += 1,
                    other => panic!("seed {seed} case {i}: {other:?}"),
                }
                assert!(fast.optimal, "seed {seed} case {i}");
            }
        }
        assert!(
            found >= 18 && none >= 4,
            "{found} below the top, {none} without"
        );
    }
}
