//! How the lattice is walked: exactly, or by a heuristic with a stated gap
//! (docs/search.md).
//!
//! Both begin with a **greedy descent** from the top: from a passing node,
//! roll up its children (one QI one level down) and step to the passing
//! child of least score, until no child passes. That costs at most
//! d·Σhᵢ roll-ups and ends at a node no step below which passes; its score
//! is the first incumbent, so the bound pruning below bites from the start
//! and a time limit always has an answer below the top when one exists.
//!
//! **Exact**: every level sum from the top down, nodes generated on demand
//! ([`Lattice::level`]). A node is skipped when its bound (its score
//! without suppression, which can only add) exceeds the incumbent, and
//! tagged failing without a roll-up when one of its parents failed — the
//! tags are one bit a node, and a parent is one stride away in the node
//! numbering, so no list of nodes is ever held. Tagging is used only when
//! every target is monotone (see `Criterion::monotone`).
//!
//! **Heuristic**, for lattices too large to number: the descent from the
//! top; a **climb** from the projection floor (below) that steps to the
//! parent suppressing fewest records until one passes, then descends; then
//! **lateral moves** (one QI down, another up) from the best node while one
//! improves the score, each improvement followed by a descent.
//!
//! **Lower bound.** A node that passes k with a suppression budget still
//! passes when projected on one QI (projection merges classes, and merging
//! never makes a class small), so every passing node has, per QI, at least
//! the lowest level at which that QI alone passes: the projection floor m.
//! Scores are at least their bound, and bounds grow with every level, so
//! no passing node scores below bound(m). The gap is
//! (score − lower bound) / score.

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use super::generalise::Generalisation;
use super::lattice::{Lattice, Tags};
use super::rollups::Prepared;
use super::search::{evaluate_with, order, Bounds, ClassTargets, Depth, Goal, Outcome};
use crate::engine::classes::{group, ClassTable, Rows};
use crate::gate::targets::Criterion;
use crate::measure::tolerance;

/// How to search the lattice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Exact up to [`AUTO_EXACT`] nodes, heuristic above.
    #[default]
    Auto,
    Exact,
    Heuristic,
}

impl crate::choice::Choice for Strategy {
    const WHAT: &'static str = "search strategy";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("auto", Strategy::Auto),
        ("exact", Strategy::Exact),
        ("heuristic", Strategy::Heuristic),
    ];
}

/// Lattices `auto` searches exactly: one bit a node is 2 MiB here, and
/// the walk over every level stays within seconds.
pub const AUTO_EXACT: u128 = 1 << 24;
/// The largest lattice the exact search takes (512 MiB of tags).
pub const MAX_EXACT: u128 = 1 << 32;

impl Strategy {
    /// The strategy used on a lattice of `size` nodes.
    pub fn resolve(self, size: u128) -> Strategy {
        match self {
            Strategy::Auto if size <= AUTO_EXACT => Strategy::Exact,
            Strategy::Auto => Strategy::Heuristic,
            s => s,
        }
    }
}

/// A time limit counted from `from` (the start of the command, so that
/// reading counts too). Exploring stops at `from + limit`; the first
/// greedy descent, which keeps the answer below the top of the lattice,
/// may run on to `from + limit + max(1 s, 5 % of limit)`, within the
/// max(2 s, 10 %) the command as a whole is allowed beyond its limit.
#[derive(Debug, Clone, Copy)]
pub struct TimeLimit {
    pub from: Instant,
    pub limit: std::time::Duration,
}

impl TimeLimit {
    /// `seconds` counted from `from` (the start of the command); refused
    /// unless positive and finite.
    pub fn seconds(from: Instant, seconds: f64) -> crate::Result<TimeLimit> {
        if !(seconds.is_finite() && seconds > 0.0 && seconds < 1e9) {
            return Err(crate::Error::usage(format!(
                "--time-limit must be positive seconds, got {seconds}"
            )));
        }
        Ok(TimeLimit {
            from,
            limit: std::time::Duration::from_secs_f64(seconds),
        })
    }

    fn soft(self) -> Instant {
        self.from + self.limit
    }

    fn hard(self) -> Instant {
        self.soft() + (self.limit / 20).max(std::time::Duration::from_secs(1))
    }
}

/// Why a search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// The exact search evaluated, pruned or tagged every node (or the
    /// projection floor showed that no node can pass).
    Exhausted,
    /// The time limit ran out; the answer is the best found by then.
    TimeLimit,
    /// The heuristic found no move that improves its best node.
    Converged,
}

/// A pass/fail and score of one node, as the walk remembers it.
#[derive(Debug, Clone, Copy)]
struct Verdict {
    pass: bool,
    /// Fails on k alone, so every specialisation fails (see
    /// `Outcome::k_fails`).
    k_fails: bool,
    score: f64,
    suppressed: u64,
}

impl Verdict {
    /// Whether the node fails and so does every specialisation: any
    /// failure when every target is monotone (`tagging`), a failure on k
    /// alone otherwise.
    fn tags(&self, tagging: bool) -> bool {
        !self.pass && (tagging || self.k_fails)
    }
}

/// What the walk found.
pub struct Walk {
    /// `exact` or `heuristic`.
    pub strategy: Strategy,
    /// The best passing nodes (at most six), best first.
    pub best: Vec<Outcome>,
    pub checked: u64,
    pub stopped: Stopped,
    /// Whether no passing node can score less than the first of `best`
    /// (or, with `best` empty, that none passes).
    pub optimal: bool,
    pub lower_bound: Option<f64>,
}

/// Passing nodes kept for the answer and its alternatives.
const KEPT: usize = 6;
/// Width of the first descent's beam.
const BEAM: usize = 8;
/// Nodes rolled up between two looks at the clock (per thread).
const CHUNK: usize = 8;

struct Walker<'a> {
    base: &'a ClassTable,
    /// The base prepared for the roll-ups that need no class mapping.
    prepared: Prepared<'a>,
    /// What a node's evaluation computes: `Verdict` in the exact walk,
    /// which only tags failing nodes; `Score` where failing nodes' figures
    /// guide the way (the climb).
    depth: Depth,
    gens: &'a [Generalisation],
    goal: Goal,
    class_targets: Option<&'a ClassTargets>,
    time: Option<TimeLimit>,
    /// During the first descent the hard deadline applies.
    first_descent: bool,
    lattice: Lattice,
    /// The projection floor: a node below it in any QI fails unseen.
    floor: Vec<usize>,
    /// The same for pairs of QIs.
    pairs: PairFloors,
    bounds: Bounds,
    /// Whether every target is monotone, so a failing node's
    /// specialisations fail.
    tagging: bool,
    /// Nodes the greedy steps rolled up.
    seen: HashMap<Vec<usize>, Verdict>,
    best: Vec<Outcome>,
    checked: u64,
    timed_out: bool,
    progress: &'a dyn Fn(u64, u128),
}

/// Walk the lattice of `gens` for the best node meeting `goal`.
pub fn walk(
    base: &ClassTable,
    gens: &[Generalisation],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
    strategy: Strategy,
    time: Option<TimeLimit>,
    progress: &dyn Fn(u64, u128),
) -> Walk {
    let lattice = Lattice::new(gens.iter().map(|g| g.height()).collect());
    let freqs: Vec<Vec<u64>> = (0..base.arity()).map(|q| base.value_counts(q)).collect();
    let floor = projection_floor(base, gens, goal);
    let boxed = searched(&lattice, floor.as_deref());
    let strategy = strategy.resolve(boxed.size());
    let mut w = Walker {
        base,
        prepared: Prepared::new(base, gens, floor.as_deref().unwrap_or_default()),
        depth: Depth::Score,
        gens,
        goal,
        class_targets,
        time,
        first_descent: true,
        bounds: Bounds::new(goal.metric, &freqs, gens, base.records() as f64),
        tagging: (class_targets.iter().flat_map(|d| d.criteria()))
            .chain(
                goal.max_population_uniqueness
                    .map(|_| Criterion::MaxPopulationUniqueness),
            )
            .all(|c| c.monotone(goal.suppression > 0.0)),
        lattice,
        floor: floor.clone().unwrap_or_default(),
        pairs: floor.as_deref().map_or_else(PairFloors::default, |m| {
            PairFloors::new(base, gens, goal, m)
        }),
        seen: HashMap::new(),
        best: Vec::new(),
        checked: 0,
        timed_out: false,
        progress,
    };
    let lower = floor.as_ref().and_then(|m| w.lower_bound(m));
    let Some(floor) = floor else {
        // Some QI fails even at the top of its hierarchy: nothing passes.
        return w.finish(strategy, Stopped::Exhausted, true, None);
    };
    let top = w.lattice.top();
    if let Some(v) = w.judge(vec![top.clone()]).pop().flatten() {
        if v.pass {
            w.descend_beam(top, BEAM);
        }
    }
    w.first_descent = false;
    w.timed_out = false;
    match strategy {
        Strategy::Exact if boxed.size() <= MAX_EXACT => {
            let stopped = w.exact(&boxed);
            let optimal = stopped == Stopped::Exhausted;
            let lower = if optimal {
                w.best.first().map(|b| b.score).or(lower)
            } else {
                lower
            };
            w.finish(strategy, stopped, optimal, lower)
        }
        _ => {
            let stopped = w.heuristic(floor);
            let optimal = match (w.best.first(), lower) {
                (Some(b), Some(l)) => b.score <= l + 1e-12 * l.abs().max(1.0),
                _ => false,
            };
            w.finish(Strategy::Heuristic, stopped, optimal, lower)
        }
    }
}

impl Walker<'_> {
    /// The deadline that applies now.
    fn deadline(&self) -> Option<Instant> {
        self.time.map(|t| {
            if self.first_descent {
                t.hard()
            } else {
                t.soft()
            }
        })
    }

    fn expired(&mut self) -> bool {
        if !self.timed_out && self.deadline().is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
        }
        self.timed_out
    }

    /// Roll up `nodes` in parallel (each looks at the clock first; `None`
    /// for those the time limit left out), keeping passing ones.
    fn evaluate(&mut self, nodes: &[Vec<usize>]) -> Vec<Option<Verdict>> {
        let (base, prepared, gens, goal, class_targets, deadline, depth) = (
            self.base,
            Some(&self.prepared),
            self.gens,
            self.goal,
            self.class_targets,
            self.deadline(),
            self.depth,
        );
        let outcomes: Vec<Option<(Outcome, bool)>> = nodes
            .par_iter()
            .map(|v| {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return None;
                }
                Some(evaluate_with(
                    base,
                    prepared,
                    gens,
                    v,
                    goal,
                    class_targets,
                    depth,
                ))
            })
            .collect();
        let mut verdicts = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            let Some((o, pass)) = outcome else {
                self.timed_out = true;
                verdicts.push(None);
                continue;
            };
            self.checked += 1;
            verdicts.push(Some(Verdict {
                pass,
                k_fails: o.k_fails,
                score: o.score,
                suppressed: o.suppressed,
            }));
            if pass {
                self.keep(o);
            }
        }
        (self.progress)(self.checked, self.lattice.size());
        verdicts
    }

    /// Verdicts of `nodes`, from memory or rolled up and remembered.
    fn judge(&mut self, nodes: Vec<Vec<usize>>) -> Vec<Option<Verdict>> {
        for v in &nodes {
            if self.below_floor(v) {
                let fails = Verdict {
                    pass: false,
                    k_fails: true,
                    score: f64::INFINITY,
                    suppressed: u64::MAX,
                };
                self.seen.insert(v.clone(), fails);
            }
        }
        let todo: Vec<Vec<usize>> = nodes
            .iter()
            .filter(|v| !self.seen.contains_key(*v))
            .cloned()
            .collect();
        let fresh = self.evaluate(&todo);
        for (v, verdict) in todo.into_iter().zip(fresh) {
            if let Some(verdict) = verdict {
                self.seen.insert(v, verdict);
            }
        }
        nodes.iter().map(|v| self.seen.get(v).copied()).collect()
    }

    /// Insert a passing node among the best kept, by [`order`].
    fn keep(&mut self, o: Outcome) {
        let at = self.best.partition_point(|b| order(b, &o).is_lt());
        if at < KEPT && self.best.get(at).is_none_or(|b| b.levels != o.levels) {
            self.best.insert(at, o);
            self.best.truncate(KEPT);
        }
    }

    /// No passing node scores below this: the bound at the floor m,
    /// raised by pairs of QIs. A pair (q, r) adds at least the least
    /// increase of term_q + term_r over its passing level pairs; over
    /// disjoint pairs the increases add up (taken greedily, largest
    /// first), since a passing node pays each of them on top of the
    /// floor's terms of the other QIs.
    fn lower_bound(&self, m: &[usize]) -> Option<f64> {
        let b = &self.bounds;
        let at_floor: f64 = m.iter().enumerate().map(|(q, &l)| b.term(q, l)).sum();
        let mut raises: Vec<(f64, usize, usize)> = self
            .pairs
            .pairs
            .iter()
            .map(|(q, r, least)| {
                let base = b.term(*q, m[*q]) + b.term(*r, m[*r]);
                let cheapest = (m[*q]..least.len())
                    .filter(|&lq| least[lq] <= self.gens[*r].height())
                    .map(|lq| b.term(*q, lq) + b.term(*r, least[lq]))
                    .fold(f64::INFINITY, f64::min);
                ((cheapest - base).max(0.0), *q, *r)
            })
            .collect();
        raises.sort_by(|a, c| c.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(c.1, c.2))));
        let mut used = vec![false; m.len()];
        let mut sum = at_floor;
        for (raise, q, r) in raises {
            if raise.is_finite() && !used[q] && !used[r] {
                used[q] = true;
                used[r] = true;
                sum += raise;
            }
        }
        b.of_sum(sum)
    }

    /// Whether some QI of `v` lies below the projection floor, or some
    /// pair of QIs below its pair floor (so `v` fails without a roll-up).
    fn below_floor(&self, v: &[usize]) -> bool {
        v.iter().zip(&self.floor).any(|(l, m)| l < m) || self.pairs.fail(v)
    }

    /// The incumbent's score (infinite before any node passes).
    fn incumbent(&self) -> f64 {
        self.best.first().map_or(f64::INFINITY, |b| b.score)
    }

    /// Whether a node's bound leaves it a chance to beat the incumbent.
    fn promising(&self, v: &[usize]) -> bool {
        let best = self.incumbent();
        self.bounds
            .at(v)
            .is_none_or(|b| b <= best + 1e-9 * best.abs().max(1.0))
    }

    /// The greedy descent from a passing node: the passing child of least
    /// score, until none passes or the time is up. Returns where it ends.
    fn descend(&mut self, from: Vec<usize>) -> Vec<usize> {
        let mut current = from;
        while !self.expired() {
            let children: Vec<Vec<usize>> = self.lattice.children(&current).collect();
            let verdicts = self.judge(children.clone());
            let next = best_passing(children, verdicts);
            match next {
                Some(v) => current = v,
                None => break,
            }
        }
        current
    }

    /// The descent with a beam: at each step the children of the `width`
    /// best passing nodes are rolled up and the `width` best passing
    /// children kept, until none passes; then a greedy descent from each
    /// node of the last beam. A wider beam escapes more of the greedy
    /// choice's dead ends at `width` times its cost.
    fn descend_beam(&mut self, from: Vec<usize>, width: usize) {
        let mut beam = vec![from];
        while !self.expired() {
            let mut children: Vec<Vec<usize>> = beam
                .iter()
                .flat_map(|v| self.lattice.children(v).collect::<Vec<_>>())
                .collect();
            children.sort();
            children.dedup();
            let verdicts = self.judge(children.clone());
            let mut passing: Vec<(Vec<usize>, f64)> = children
                .into_iter()
                .zip(verdicts)
                .filter_map(|(v, x)| x.filter(|x| x.pass).map(|x| (v, x.score)))
                .collect();
            if passing.is_empty() {
                break;
            }
            passing.sort_by(|(a, x), (b, y)| {
                x.total_cmp(y)
                    .then(a.iter().sum::<usize>().cmp(&b.iter().sum()))
                    .then(a.cmp(b))
            });
            passing.truncate(width);
            beam = passing.into_iter().map(|(v, _)| v).collect();
        }
    }

    /// From the projection floor up: step to the parent that suppresses
    /// fewest records until one passes; then descend from it.
    fn climb(&mut self, floor: Vec<usize>) -> Option<Vec<usize>> {
        let mut current = floor;
        let here = self.judge(vec![current.clone()]).pop().flatten()?;
        if here.pass {
            return Some(self.descend(current));
        }
        while !self.expired() {
            let parents: Vec<Vec<usize>> = self.lattice.parents(&current).collect();
            if parents.is_empty() {
                return None;
            }
            let verdicts = self.judge(parents.clone());
            if let Some(v) = best_passing(parents.clone(), verdicts.clone()) {
                return Some(self.descend(v));
            }
            current = parents
                .into_iter()
                .zip(verdicts)
                .filter_map(|(p, v)| Some((p, v?)))
                .min_by(|(a, x), (b, y)| {
                    x.suppressed
                        .cmp(&y.suppressed)
                        .then(x.score.total_cmp(&y.score))
                        .then(a.cmp(b))
                })?
                .0;
        }
        None
    }

    /// Lateral moves from the best node while one improves its score.
    fn improve(&mut self) {
        while !self.expired() {
            let Some(current) = self.best.first().map(|b| b.levels.clone()) else {
                return;
            };
            let score = self.incumbent();
            let h = self.lattice.heights().to_vec();
            let mut moves = Vec::new();
            for i in (0..current.len()).filter(|&i| current[i] > 0) {
                for j in (0..current.len()).filter(|&j| j != i && current[j] < h[j]) {
                    let mut v = current.clone();
                    v[i] -= 1;
                    v[j] += 1;
                    if self.promising(&v) {
                        moves.push(v);
                    }
                }
            }
            // Every passing move is kept among the best as it is judged;
            // if one improved on the incumbent, descend from the new best.
            self.judge(moves);
            if self.incumbent() >= score {
                return;
            }
            let best = self.best[0].levels.clone();
            self.descend(best);
        }
    }

    fn heuristic(&mut self, floor: Vec<usize>) -> Stopped {
        self.climb(floor);
        self.improve();
        if self.timed_out {
            Stopped::TimeLimit
        } else {
            Stopped::Converged
        }
    }

    /// Every level sum of the searched box (the floor to the top) from
    /// the top down, with tags and bound pruning. Tags are numbered in the
    /// box, where a node's parent is one stride away.
    fn exact(&mut self, boxed: &Lattice) -> Stopped {
        self.depth = Depth::Verdict;
        let stopped = self.exact_walk(boxed);
        self.depth = Depth::Score;
        stopped
    }

    fn exact_walk(&mut self, boxed: &Lattice) -> Stopped {
        let h = boxed.heights().to_vec();
        let mut stride = vec![1u64; h.len()];
        for i in (0..h.len().saturating_sub(1)).rev() {
            stride[i] = stride[i + 1] * (h[i + 1] as u64 + 1);
        }
        let floor = self.floor.clone();
        let in_box =
            |v: &[usize]| -> Vec<usize> { v.iter().zip(&floor).map(|(l, m)| l - m).collect() };
        // A tag says: fails, and so does every specialisation: any failure
        // when every target is monotone, a failure on k alone otherwise.
        let tagging = self.tagging;
        let tags = move |x: &Verdict| x.tags(tagging);
        let mut failing = Tags::new(boxed.size() as u64);
        for (v, verdict) in &self.seen {
            if tags(verdict) && v.iter().zip(&floor).all(|(l, m)| l >= m) {
                failing.set(boxed.index(&in_box(v)));
            }
        }
        for sum in (0..=boxed.top_sum()).rev() {
            let Some(mut u) = boxed.level(sum).next() else {
                continue;
            };
            let mut batch: Vec<(u64, Vec<usize>)> = Vec::new();
            let mut walked = 0u64;
            loop {
                let i = boxed.index(&u);
                let tagged = (0..h.len()).any(|q| u[q] < h[q] && failing.get(i + stride[q]));
                let v: Vec<usize> = u.iter().zip(&floor).map(|(l, m)| l + m).collect();
                let known = self.seen.get(&v).copied();
                if tagged || known.as_ref().is_some_and(tags) || self.pairs.fail(&v) {
                    failing.set(i);
                } else if known.is_none() && self.promising(&v) {
                    batch.push((i, v));
                }
                if batch.len() >= CHUNK * rayon::current_num_threads() {
                    self.exact_batch(&mut batch, &mut failing);
                }
                walked += 1;
                if walked % 1024 == 0 && self.expired() {
                    return Stopped::TimeLimit;
                }
                if !boxed.advance(&mut u) {
                    break;
                }
            }
            self.exact_batch(&mut batch, &mut failing);
            if self.timed_out {
                return Stopped::TimeLimit;
            }
        }
        Stopped::Exhausted
    }

    /// Roll up a batch of (box number, node); tag the failing ones.
    fn exact_batch(&mut self, batch: &mut Vec<(u64, Vec<usize>)>, failing: &mut Tags) {
        if batch.is_empty() {
            return;
        }
        let (numbers, nodes): (Vec<u64>, Vec<Vec<usize>>) =
            std::mem::take(batch).into_iter().unzip();
        let verdicts = self.evaluate(&nodes);
        let tagging = self.tagging;
        for (i, verdict) in numbers.into_iter().zip(verdicts) {
            if verdict.is_some_and(|x| x.tags(tagging)) {
                failing.set(i);
            }
        }
    }

    fn finish(
        self,
        strategy: Strategy,
        stopped: Stopped,
        optimal: bool,
        lower_bound: Option<f64>,
    ) -> Walk {
        Walk {
            strategy,
            best: self.best,
            checked: self.checked,
            stopped,
            optimal,
            lower_bound,
        }
    }
}

/// Per QI, the lowest level at which that QI alone passes k within the
/// suppression budget (zeros when missing values are wildcards, where
/// frequencies are not class sizes); `None` when some QI passes at no
/// level, so no node can pass. Every passing node lies on or above it.
pub fn projection_floor(
    base: &ClassTable,
    gens: &[Generalisation],
    goal: Goal,
) -> Option<Vec<usize>> {
    if goal.wildcard {
        return Some(vec![0; gens.len()]);
    }
    let budget = goal.suppression * base.records() as f64;
    (0..base.arity())
        .zip(gens)
        .map(|(q, g)| {
            let f = base.value_counts(q);
            (0..=g.height()).find(|&l| {
                let level = &g.levels[l];
                let mut up = vec![0u64; level.labels.len()];
                for (v, &x) in f.iter().enumerate() {
                    up[level.map[v] as usize] += x;
                }
                let small: u64 = up.iter().filter(|&&x| x > 0 && x < goal.k).sum();
                tolerance::at_most(small as f64, budget)
            })
        })
        .collect()
}

/// The projection floor of pairs of QIs: a passing node, projected on
/// two QIs, still passes k within the budget (the argument of the single
/// floor), so a node whose pair of levels fails there fails too. For QI q
/// at level l, `least[l]` is the lowest level QI r needs (h_r + 1: none);
/// it only falls as l rises, so each pair costs at most h_q + h_r + 2
/// two-column roll-ups. Skipped when the roll-ups would cost too much.
#[derive(Debug, Default)]
struct PairFloors {
    pairs: Vec<(usize, usize, Vec<usize>)>,
}

/// Class-table entries the pair floors may roll up in all (about a second
/// of work).
const PAIR_WORK: f64 = 2e9;

impl PairFloors {
    fn new(base: &ClassTable, gens: &[Generalisation], goal: Goal, floor: &[usize]) -> PairFloors {
        let d = gens.len();
        let pairs: Vec<(usize, usize)> = (0..d)
            .flat_map(|q| (q + 1..d).map(move |r| (q, r)))
            .collect();
        let work: f64 = pairs
            .iter()
            .map(|&(q, r)| (gens[q].height() + gens[r].height() + 2) as f64)
            .sum::<f64>()
            * base.len() as f64;
        if goal.wildcard || work > PAIR_WORK {
            return PairFloors::default();
        }
        let budget = goal.suppression * base.records() as f64;
        let passes = |q: usize, lq: usize, r: usize, lr: usize| {
            let (gq, gr) = (&gens[q].levels[lq], &gens[r].levels[lr]);
            let a: Vec<u32> = base.keys[q].iter().map(|&c| gq.map[c as usize]).collect();
            let b: Vec<u32> = base.keys[r].iter().map(|&c| gr.map[c as usize]).collect();
            let t = group(
                Rows {
                    columns: &[&a, &b],
                    cards: &[gq.labels.len() as u32, gr.labels.len() as u32],
                    counts: Some(&base.sizes),
                    weights: None,
                    len: base.len(),
                },
                false,
            )
            .table;
            let small: u64 = t.sizes.iter().filter(|&&f| f < goal.k).sum();
            tolerance::at_most(small as f64, budget)
        };
        let pairs = pairs
            .par_iter()
            .map(|&(q, r)| {
                let (hq, hr) = (gens[q].height(), gens[r].height());
                let mut least = vec![floor[r]; hq + 1];
                let mut lr = floor[r];
                for lq in (floor[q]..=hq).rev() {
                    while lr <= hr && !passes(q, lq, r, lr) {
                        lr += 1;
                    }
                    least[lq] = lr;
                }
                (q, r, least)
            })
            .filter(|(q, r, least)| least.iter().skip(floor[*q]).any(|&l| l > floor[*r]))
            .collect();
        PairFloors { pairs }
    }

    /// Whether some pair of `v`'s levels lies below its pair floor.
    fn fail(&self, v: &[usize]) -> bool {
        self.pairs.iter().any(|(q, r, least)| v[*r] < least[v[*q]])
    }
}

/// The part of the lattice a passing node can lie in: from the floor to
/// the top, as a lattice of its own (levels counted from the floor); empty
/// when nothing can pass.
pub fn searched(lattice: &Lattice, floor: Option<&[usize]>) -> Lattice {
    match floor {
        Some(m) => Lattice::new(
            lattice
                .heights()
                .iter()
                .zip(m)
                .map(|(h, m)| h - m)
                .collect(),
        ),
        None => Lattice::new(vec![0]),
    }
}

/// The passing node of least score among `nodes` (ties by [`order`]'s
/// rule: lower level sum, then level order).
fn best_passing(nodes: Vec<Vec<usize>>, verdicts: Vec<Option<Verdict>>) -> Option<Vec<usize>> {
    nodes
        .into_iter()
        .zip(verdicts)
        .filter_map(|(v, x)| x.filter(|x| x.pass).map(|x| (v, x.score)))
        .min_by(|(a, x), (b, y)| {
            x.total_cmp(y)
                .then(a.iter().sum::<usize>().cmp(&b.iter().sum()))
                .then(a.cmp(b))
        })
        .map(|(v, _)| v)
}
