//! Where the search's inner loop rolls a node up from.
//!
//! A node's class table can be rolled up from any table finer than it
//! (every QI at or below the node's level): classes merge the same way,
//! sizes add exactly, and the result is in key order either way, so the
//! table is the same whichever source is used; what changes is the cost,
//! one pass over the source's classes ([`Roller`]). The base is rolled up
//! once to the **projection floor**, on or above which every node searched
//! lies, and which has fewer classes than the base.
//!
//! The exact search goes from the top of the lattice down, so a node's own
//! table never helps a later node. Shared intermediate tables ("hubs":
//! nodes agreeing on their most detailed QIs' levels, rolled up once) were
//! tried and measured: on 1M synthetic records they saved 5 % of the
//! search's time for 20 % more memory, so they are not used.

use super::generalise::Generalisation;
use super::search::{cards_at, roll_up};
use crate::engine::classes::ClassTable;
use crate::engine::roller::Roller;

/// The floor table, prepared for the search's roll-ups.
pub(crate) struct Prepared<'a> {
    floor: Vec<usize>,
    roller: Roller<'a>,
    /// `maps[q][l - floor[q]]`: floor code → level-l code; `None` when a
    /// hierarchy's levels cross (a level that does not coarsen the one
    /// below), where the search rolls up the base instead.
    maps: Option<Vec<Vec<Vec<u32>>>>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(base: &'a ClassTable, gens: &[Generalisation], floor: &[usize]) -> Self {
        let maps_at = |floor: &[usize]| -> Option<Vec<Vec<Vec<u32>>>> {
            gens.iter()
                .zip(floor)
                .map(|(g, &m)| maps_from(g, m))
                .collect()
        };
        // Weights summed at the floor would be added in another order.
        let floor = match base.weights {
            None if floor.len() == gens.len() && maps_at(floor).is_some() => floor.to_vec(),
            _ => vec![0; gens.len()],
        };
        let roller = if floor.iter().any(|&m| m > 0) {
            Roller::owning(roll_up(base, gens, &floor, false).table)
        } else {
            Roller::new(base)
        };
        Prepared {
            maps: maps_at(&floor),
            floor,
            roller,
        }
    }

    /// The class table of `levels`, or `None` below the floor (or where a
    /// hierarchy's levels cross): then the caller rolls up the base.
    /// `keep` may decline the table on seeing its class sizes
    /// ([`Roller::roll_if`]): `Some(None)` then.
    pub(crate) fn roll(
        &self,
        gens: &[Generalisation],
        levels: &[usize],
        keep: impl FnOnce(&[u64]) -> bool,
    ) -> Option<Option<ClassTable>> {
        let maps: Vec<&[u32]> = (self.maps.as_ref()?.iter().zip(levels).zip(&self.floor))
            .map(|((m, &l), &f)| Some(m[l.checked_sub(f)?].as_slice()))
            .collect::<Option<_>>()?;
        Some(self.roller.roll_if(&maps, &cards_at(gens, levels), keep))
    }
}

/// From level `a` of `g` to every level above: the code maps, or `None`
/// when some level does not nest in `a`.
fn maps_from(g: &Generalisation, a: usize) -> Option<Vec<Vec<u32>>> {
    (a..=g.height()).map(|b| g.map_between(a, b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymise::lattice::Lattice;
    use crate::anonymise::search::tests::random_case;

    #[test]
    fn rolls_up_as_the_base_does_from_the_floor_up() {
        for seed in 1..4 {
            let (base, gens) = random_case(400, seed);
            let floor = [1, 0, 1];
            let prepared = Prepared::new(&base, &gens, &floor);
            let lattice = Lattice::new(gens.iter().map(|g| g.height()).collect());
            for levels in (0..=lattice.top_sum()).flat_map(|s| lattice.level(s)) {
                let got = prepared.roll(&gens, &levels, |_| true).map(Option::unwrap);
                if levels.iter().zip(&floor).any(|(l, f)| l < f) {
                    assert!(got.is_none(), "{levels:?} lies below the floor");
                } else {
                    let want = roll_up(&base, &gens, &levels, false).table;
                    assert_eq!(got.as_ref(), Some(&want), "{levels:?}");
                }
            }
        }
    }
}
