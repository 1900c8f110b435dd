//! Optimal full-domain generalisation with record suppression
//! (docs/search.md).
//!
//! The lattice holds one node per vector of hierarchy levels. A node is
//! evaluated by rolling up the class table of the original data through the
//! levels' code maps — never by touching the records. A node passes when
//! the records in classes smaller than k (which are suppressed) are at most
//! the suppression budget. That is monotone (merging classes never creates
//! small ones), so:
//!
//! * **predictive tagging**: a failing node's specialisations fail without
//!   being evaluated (and a passing node's generalisations pass);
//! * **utility pruning**: the loss of a node counting no suppression is a
//!   lower bound of its loss, so a node whose bound is worse than the best
//!   passing node found is not rolled up.
//!
//! Nodes are visited top-down by level sum. The result is optimal for the
//! loss (ties broken by lower levels, then level order); a property test
//! checks it against evaluating every node.
//!
//! **Loss** is ARX's default (`MetricMDNMLoss`, gsFactor 0.5): per QI a,
//! L_a = Σ over records of the domain share of its released value (1 for a
//! suppressed record); x_a = max(0, (L_a − n/|D_a|)/(n − n/|D_a|));
//! Loss = (Π_a (1 + x_a))^(1/d) − 1.

use std::time::Instant;

use rayon::prelude::*;

use crate::anonymise::generalise::Generalisation;
use crate::anonymise::lattice::Lattice;
use crate::anonymise::population::PopulationTargets;
use crate::anonymise::rollups::Prepared;
use crate::anonymise::strategy::{walk, Stopped, Strategy, TimeLimit};
use crate::engine::classes::{ClassTable, Grouping, Histograms};
use crate::gate::targets::{BetaKind, Criterion, DeltaVariant, LKind};
use crate::measure::closeness::{
    equal_distance, hierarchical_distance, ordered_distance, Distance, TableDistribution, Tree,
};
use crate::measure::diversity::{
    beta_basic, beta_enhanced_feasible, delta_present, delta_strict, distinct_l, entropy_l,
    recursive_l,
};
use crate::measure::tolerance;

/// What the search must reach, and what it minimises.
#[derive(Debug, Clone, Copy)]
pub struct Goal {
    pub k: u64,
    /// Largest share of records that may be suppressed.
    pub suppression: f64,
    pub metric: Metric,
    /// Largest average prosecutor risk of the released records (released
    /// classes / released records); monotone, as merging lowers it.
    pub max_average_risk: Option<f64>,
    /// Largest share of released records unique among the released
    /// (frequency 1); monotone, as merging lowers it.
    pub max_uniques: Option<f64>,
    /// Largest share of the population estimated unique (Dankar's choice
    /// over the released classes) and the population size N; not monotone.
    pub max_population_uniqueness: Option<(f64, f64)>,
    /// Missing values as wildcards: a released record's frequency is the
    /// released records compatible with it (see [`suppression`]).
    pub wildcard: bool,
}

/// Utility (information-loss) models; all are minimised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// ARX's default loss (Iyengar 2002, ARX `MetricMDNMLoss`).
    #[default]
    Loss,
    /// Mean over cells of level/height, suppressed cells 1 (Sweeney 2002;
    /// ARX's non-monotonic `MetricMDNMPrecision`).
    Precision,
    /// Mean over QIs of level/height, suppression not counted: ARX's
    /// monotonic precision (`MetricMDPrecision`).
    MonotonicPrecision,
    /// Σ over QIs of the level: ARX's height metric (`MetricMDHeight`).
    Height,
    /// Σ_c f_c² + suppressed · n (Bayardo & Agrawal 2005).
    Discernibility,
    /// ARX's monotonic discernibility DM*: Σ_c f_c² over every class,
    /// suppressed ones at their own size (ARX `MetricSDDiscernability`).
    MonotonicDiscernibility,
    /// Average equivalence-class size n/J (LeFevre et al. 2006).
    Aecs,
    /// Non-uniform entropy Σ_cells −log2 P(raw | released) (Gionis & Tassa 2009).
    Entropy,
}

impl crate::choice::Choice for Metric {
    const WHAT: &'static str = "utility metric";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("loss", Metric::Loss),
        ("precision", Metric::Precision),
        ("monotonic-precision", Metric::MonotonicPrecision),
        ("height", Metric::Height),
        ("discernibility", Metric::Discernibility),
        ("monotonic-discernibility", Metric::MonotonicDiscernibility),
        ("aecs", Metric::Aecs),
        ("entropy", Metric::Entropy),
    ];
}

/// Every utility figure of one transformation.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, schemars::JsonSchema)]
pub struct Utility {
    pub loss: f64,
    pub precision: f64,
    /// Mean over QIs of level/height (suppression not counted).
    pub monotonic_precision: f64,
    /// Σ over QIs of the level.
    #[serde(serialize_with = "crate::json::whole")]
    pub height: f64,
    /// Σ over classes of size² plus n per suppressed record: a count.
    #[serde(serialize_with = "crate::json::whole")]
    pub discernibility: f64,
    /// Σ over every class of size², suppressed classes included (DM*).
    #[serde(serialize_with = "crate::json::whole")]
    pub monotonic_discernibility: f64,
    pub aecs: f64,
    pub non_uniform_entropy: f64,
}

impl Utility {
    pub fn get(&self, m: Metric) -> f64 {
        match m {
            Metric::Loss => self.loss,
            Metric::Precision => self.precision,
            Metric::MonotonicPrecision => self.monotonic_precision,
            Metric::Height => self.height,
            Metric::Discernibility => self.discernibility,
            Metric::MonotonicDiscernibility => self.monotonic_discernibility,
            Metric::Aecs => self.aecs,
            Metric::Entropy => self.non_uniform_entropy,
        }
    }
}

/// The targets beyond k that every released class must meet (a class
/// that misses one is suppressed, like a class smaller than k): those on
/// sensitive attributes, and those counted in a population table.
#[derive(Default)]
pub struct ClassTargets {
    pub attributes: Vec<SensitiveHistograms>,
    /// Minimum l of the given kind (c for recursive).
    pub l: Option<(f64, LKind, f64)>,
    /// Maximum t-closeness distance.
    pub t: Option<f64>,
    /// δ-disclosure bound: every |ln(q/p)| < δ, over the table's values
    /// (strict) or the class's (present values).
    pub delta: Option<(f64, DeltaVariant)>,
    /// Maximum β-likeness: basic, or enhanced (every gain also at most
    /// −ln p of its value).
    pub beta: Option<(f64, BetaKind)>,
    /// k-map and δ-presence against a population table.
    pub population: Option<PopulationTargets>,
}

impl ClassTargets {
    /// The targets a released class must meet.
    pub fn criteria(&self) -> impl Iterator<Item = Criterion> + '_ {
        [
            self.l.map(|_| Criterion::L),
            self.t.map(|_| Criterion::T),
            self.delta.map(|(_, variant)| variant.criterion()),
            self.beta.map(|_| Criterion::Beta),
        ]
        .into_iter()
        .flatten()
        .chain(self.population.iter().flat_map(|p| p.criteria()))
    }

    /// Whether judging a class needs each original class's fate (the
    /// sensitive attributes' histograms are per original class); the
    /// population's targets need only the node's table.
    fn needs_classes(&self) -> bool {
        !self.attributes.is_empty()
    }
}

/// One sensitive attribute: its counts per class of the original class
/// table, its table distribution and its t-closeness distance.
pub struct SensitiveHistograms {
    pub histograms: Histograms,
    pub table: TableDistribution,
    pub distance: Distance,
    /// The value hierarchy of hierarchical t-closeness.
    pub tree: Option<Tree>,
}

impl ClassTargets {
    /// Mark released classes that miss a target. `base_class` maps each
    /// original class to its released class.
    fn mark_failing(&self, base_class: &[u32], classes: usize, supp: &mut [bool]) {
        for a in &self.attributes {
            let merged = a.histograms.merge_by(base_class, classes);
            for (class, s) in supp.iter_mut().enumerate().take(classes) {
                if !*s {
                    let (codes, counts) = merged.class(class);
                    *s = self.fails(a, codes, counts);
                }
            }
        }
    }

    /// Whether the released classes (those not in `supp`) meet t, δ and
    /// β against the released records' own distribution, which is what
    /// the analysis of the release compares them with: suppression moves
    /// it away from the original's, against which classes were marked.
    fn holds_on_release(&self, base_class: &[u32], supp: &[bool]) -> bool {
        if self.t.is_none() && self.delta.is_none() && self.beta.is_none() {
            return true;
        }
        self.attributes.iter().all(|a| {
            let merged = a.histograms.merge_by(base_class, supp.len());
            let mut totals = vec![0u64; a.histograms.card as usize];
            let released = (0..supp.len()).filter(|&c| !supp[c]);
            for class in released.clone() {
                let (codes, counts) = merged.class(class);
                for (&v, &f) in codes.iter().zip(counts) {
                    totals[v as usize] += f;
                }
            }
            let table = TableDistribution::new(&totals);
            let tree = a.tree.as_ref().map(|t| t.reweighted(&table));
            released.into_iter().all(|class| {
                let (codes, counts) = merged.class(class);
                !self.fails_against(&table, a.distance, tree.as_ref(), codes, counts)
            })
        })
    }

    pub(super) fn fails(&self, a: &SensitiveHistograms, codes: &[u32], counts: &[u64]) -> bool {
        self.fails_against(&a.table, a.distance, a.tree.as_ref(), codes, counts)
    }

    /// Whether a class misses a target, its distribution compared with
    /// `table` (the original's, or the released records').
    pub(super) fn fails_against(
        &self,
        table: &TableDistribution,
        distance: Distance,
        tree: Option<&Tree>,
        codes: &[u32],
        counts: &[u64],
    ) -> bool {
        if let Some((l, kind, c)) = self.l {
            let have = match kind {
                LKind::Distinct => distinct_l(counts) as f64,
                LKind::Entropy => entropy_l(counts),
                LKind::Recursive => recursive_l(counts, c) as f64,
            };
            if !Criterion::L.holds(have, l) {
                return true;
            }
        }
        if let Some((delta, variant)) = self.delta {
            let d = match variant {
                DeltaVariant::Strict => delta_strict(codes, counts, &table.p, table.present),
                DeltaVariant::PresentValues => Some(delta_present(codes, counts, &table.p)),
            };
            if d.is_none_or(|d| !variant.criterion().holds(d, delta)) {
                return true;
            }
        }
        if let Some((beta, kind)) = self.beta {
            // Enhanced β: the basic bound, and no gain above −ln p_s.
            let capped = kind == BetaKind::Basic || beta_enhanced_feasible(codes, counts, &table.p);
            if !capped || !Criterion::Beta.holds(beta_basic(codes, counts, &table.p), beta) {
                return true;
            }
        }
        if let Some(t) = self.t {
            let d = match (distance, tree) {
                (Distance::Ordered, _) => ordered_distance(codes, counts, table),
                (Distance::Hierarchical, Some(tree)) => {
                    hierarchical_distance(codes, counts, table, tree)
                }
                _ => equal_distance(codes, counts, table),
            };
            if !Criterion::T.holds(d, t) {
                return true;
            }
        }
        false
    }
}

/// One evaluated transformation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub levels: Vec<usize>,
    pub suppressed: u64,
    /// Smallest class left after suppression (0 when all are suppressed).
    pub k: u64,
    pub classes: u64,
    /// ARX loss (reported whatever the metric).
    pub loss: f64,
    /// The value of the metric being minimised.
    pub score: f64,
    pub utility: Utility,
    /// k alone (classes smaller than k, before any sensitive target)
    /// needs more suppression than the budget: this node and every
    /// specialisation of it fail, even where the sensitive targets are
    /// not monotone (with suppression). Not used with wildcards.
    pub k_fails: bool,
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub best: Option<Outcome>,
    /// The next best passing transformations (up to 5), by score.
    pub alternatives: Vec<Outcome>,
    /// Nodes in the lattice, Π (hᵢ + 1) (saturating).
    pub lattice: u128,
    /// Nodes rolled up.
    pub nodes_checked: u64,
    /// The strategy used (`auto` resolved by lattice size).
    pub strategy: Strategy,
    /// Proven: no passing node scores less than `best` (or none passes).
    pub optimal: bool,
    pub stopped: Stopped,
    /// No passing node scores less than this (see [`crate::anonymise::strategy`]);
    /// `None` for metrics without a bound (discernibility, AECS).
    pub lower_bound: Option<f64>,
    /// (score − lower bound) / score: 0 when proven optimal.
    pub gap: Option<f64>,
    pub seconds: f64,
}

/// Evaluate one node.
pub fn evaluate(
    base: &ClassTable,
    gens: &[Generalisation],
    levels: &[usize],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
) -> (Outcome, bool) {
    evaluate_with(base, None, gens, levels, goal, class_targets, Depth::Full)
}

/// How much of a node [`evaluate_with`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// Every figure.
    Full,
    /// The minimised metric (and what passing needs).
    Score,
    /// As `Score`, but a node whose classes smaller than k alone hold more
    /// records than the budget is only said to fail (`k_fails`, score
    /// infinite), before its class table is built: what the exact search
    /// needs of a failing node, which it only tags.
    Verdict,
}

/// Evaluate a node to `depth`: below `Full` only the minimised metric is
/// computed (the search's inner loop), and non-uniform entropy — the one
/// metric that needs each original class's fate — only when minimised.
pub(super) fn evaluate_with(
    base: &ClassTable,
    prepared: Option<&Prepared>,
    gens: &[Generalisation],
    levels: &[usize],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
    depth: Depth,
) -> (Outcome, bool) {
    let full = depth == Depth::Full;
    let need_classes =
        full || goal.metric == Metric::Entropy || class_targets.is_some_and(|d| d.needs_classes());
    // Records in classes smaller than k beyond the budget: fails, and so
    // does every specialisation (what `k_fails` says below).
    let keep = |sizes: &[u64]| {
        if depth != Depth::Verdict || goal.wildcard {
            return true;
        }
        let (short, n) = sizes.iter().fold((0u64, 0u64), |(short, n), &f| {
            (short + if f < goal.k { f } else { 0 }, n + f)
        });
        tolerance::at_most(short as f64, goal.suppression * n as f64)
    };
    let rolled = prepared
        .filter(|_| !need_classes)
        .and_then(|p| p.roll(gens, levels, keep));
    let g = match rolled {
        Some(Some(table)) => Grouping {
            table,
            row_class: None,
            members: None,
        },
        Some(None) => return (declined(levels), false),
        None => roll_up(base, gens, levels, need_classes),
    };
    let t = &g.table;
    let n = t.records();
    let Suppression {
        mask: supp,
        freq: wild,
        feasible,
    } = suppression(t, gens, levels, goal, g.row_class.as_deref(), class_targets);
    let suppressed: u64 = t
        .sizes
        .iter()
        .zip(&supp)
        .filter(|(_, &s)| s)
        .map(|(&f, _)| f)
        .sum();
    // A record's frequency: its class size, or its compatible records.
    let freq = wild.as_deref().unwrap_or(&t.sizes);
    let kept = freq.iter().zip(&supp).filter(|(_, &s)| !s).map(|(&f, _)| f);
    let k = kept.clone().min().unwrap_or(0);
    let utility = match &g.row_class {
        Some(base_class) if full || goal.metric == Metric::Entropy => {
            utility(base, base_class, t, &supp, gens, levels)
        }
        _ => Utility {
            loss: loss(t, &supp, gens, levels),
            ..table_utility(t, &supp, gens, levels)
        },
    };
    let released_records = n - suppressed;
    // Σ over released records of 1/f (the number of released classes when
    // f is the class size).
    let inverse_sum: f64 = t
        .sizes
        .iter()
        .zip(freq)
        .zip(&supp)
        .filter(|(_, &s)| !s)
        .map(|((&size, &f), _)| size as f64 / f as f64)
        .sum();
    let average_ok = goal.max_average_risk.is_none_or(|p| {
        released_records > 0
            && Criterion::MaxAverageRisk.holds(inverse_sum / released_records as f64, p)
    });
    let uniques_ok = goal.max_uniques.is_none_or(|p| {
        let unique: u64 = (t.sizes.iter().zip(freq).zip(&supp))
            .filter(|((_, &f), &s)| !s && f == 1)
            .map(|((&size, _), _)| size)
            .sum();
        released_records > 0
            && Criterion::MaxUniques.holds(unique as f64 / released_records as f64, p)
    });
    let population_ok = goal.max_population_uniqueness.is_none_or(|(p, big_n)| {
        population_share(t, &supp, big_n)
            .is_some_and(|s| Criterion::MaxPopulationUniqueness.holds(s, p))
    });
    let budget = goal.suppression * n as f64;
    let mut pass = feasible
        && tolerance::at_most(suppressed as f64, budget)
        && average_ok
        && uniques_ok
        && population_ok;
    if let (true, true, Some(div), Some(base_class)) =
        (pass, suppressed > 0, class_targets, g.row_class.as_deref())
    {
        pass = div.holds_on_release(base_class, &supp);
    }
    // The records in classes smaller than k alone: more than the budget
    // fails every specialisation too, whatever the sensitive targets do.
    let short: u64 = t.sizes.iter().filter(|&&f| f < goal.k).sum();
    (
        Outcome {
            levels: levels.to_vec(),
            suppressed,
            k,
            classes: kept.count() as u64,
            loss: utility.loss,
            score: utility.get(goal.metric),
            utility,
            k_fails: !goal.wildcard && !tolerance::at_most(short as f64, budget),
        },
        pass,
    )
}

/// The outcome of a node declined at [`Depth::Verdict`]: fails on k.
fn declined(levels: &[usize]) -> Outcome {
    Outcome {
        levels: levels.to_vec(),
        suppressed: u64::MAX,
        k: 0,
        classes: 0,
        loss: f64::INFINITY,
        score: f64::INFINITY,
        utility: Utility::default(),
        k_fails: true,
    }
}

/// Dankar's estimate of the population share unique, over the released
/// classes (`None` without a valid estimate, which fails the target).
fn population_share(t: &ClassTable, supp: &[bool], big_n: f64) -> Option<f64> {
    let mut sizes: Vec<u64> = (t.sizes.iter().zip(supp))
        .filter(|(_, &s)| !s)
        .map(|(&f, _)| f)
        .collect();
    sizes.sort_unstable();
    let mut histogram: Vec<(u64, u64)> = Vec::new();
    for f in sizes {
        match histogram.last_mut() {
            Some((j, count)) if *j == f => *count += 1,
            _ => histogram.push((f, 1)),
        }
    }
    let records = histogram.iter().map(|(j, c)| j * c).sum();
    crate::measure::population::dankar_share(&crate::measure::population::Sample {
        histogram: &histogram,
        records,
        population: big_n,
    })
}

/// Roll the original class table up through the levels' code maps; with
/// `row_class`, also each original class's released class.
pub(super) fn roll_up(
    base: &ClassTable,
    gens: &[Generalisation],
    levels: &[usize],
    row_class: bool,
) -> Grouping {
    base.roll_up(&maps_at(gens, levels), &cards_at(gens, levels), row_class)
}

/// Each QI's code map to its level in `levels`.
fn maps_at<'a>(gens: &'a [Generalisation], levels: &[usize]) -> Vec<&'a [u32]> {
    gens.iter()
        .zip(levels)
        .map(|(g, &l)| g.levels[l].map.as_slice())
        .collect()
}

/// Each QI's number of codes at its level in `levels`.
pub(super) fn cards_at(gens: &[Generalisation], levels: &[usize]) -> Vec<u32> {
    gens.iter()
        .zip(levels)
        .map(|(g, &l)| g.levels[l].labels.len() as u32)
        .collect()
}

/// For the transformation `levels`: each original class's released class,
/// and which released classes are suppressed (smaller than k, or missing a
/// sensitive-attribute target).
pub fn released(
    base: &ClassTable,
    gens: &[Generalisation],
    levels: &[usize],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
) -> (Vec<u32>, Vec<bool>) {
    let g = roll_up(base, gens, levels, true);
    let base_class = g.row_class.unwrap_or_default();
    let s = suppression(
        &g.table,
        gens,
        levels,
        goal,
        Some(&base_class),
        class_targets,
    );
    (base_class, s.mask)
}

/// Which released classes a node suppresses, and whether it can pass at
/// all.
pub struct Suppression {
    pub mask: Vec<bool>,
    /// With wildcards, each class's frequency among the released.
    pub freq: Option<Vec<u64>>,
    /// False when no suppression can meet the targets (people of the
    /// population outside every class miss δmin: see
    /// [`PopulationTargets::mark_failing`]).
    pub feasible: bool,
}

/// Which released classes are suppressed: those that miss a population
/// or sensitive target, then those smaller than k — or, with missing values as
/// wildcards, whose records are compatible with fewer than k released
/// records. Suppressing a class lowers the frequencies of the others, so
/// that step repeats until nothing changes; it ends at the largest set of
/// classes in which every record has k compatible ones, which only grows
/// with generalisation (so predictive tagging stays sound). Returns the
/// mask and, with wildcards, each class's frequency among the released.
pub fn suppression(
    t: &ClassTable,
    gens: &[Generalisation],
    levels: &[usize],
    goal: Goal,
    base_class: Option<&[u32]>,
    class_targets: Option<&ClassTargets>,
) -> Suppression {
    let mut supp: Vec<bool> = vec![false; t.len()];
    let feasible = match class_targets.and_then(|d| d.population.as_ref()) {
        Some(p) => p.mark_failing(t, gens, levels, &mut supp),
        None => true,
    };
    if let (Some(div), Some(base_class)) = (class_targets, base_class) {
        div.mark_failing(base_class, t.len(), &mut supp);
    }
    if !goal.wildcard {
        for (s, &f) in supp.iter_mut().zip(&t.sizes) {
            *s |= f < goal.k;
        }
        return Suppression {
            mask: supp,
            freq: None,
            feasible,
        };
    }
    use crate::measure::wildcard::{compatible, View};
    let missing: Vec<Option<u32>> = gens
        .iter()
        .zip(levels)
        .map(|(g, &l)| g.missing_at(l))
        .collect();
    let mut sizes = t.sizes.clone();
    loop {
        for (s, &x) in sizes.iter_mut().zip(&supp) {
            if x {
                *s = 0;
            }
        }
        let view = View {
            keys: t.keys.iter().map(Vec::as_slice).collect(),
            cards: t.cards.clone(),
            missing: missing.clone(),
            sizes: &sizes,
            weights: None,
        };
        let (f, _) = compatible(&view, &view);
        let mut changed = false;
        for (s, &f) in supp.iter_mut().zip(&f) {
            if !*s && f < goal.k {
                *s = true;
                changed = true;
            }
        }
        if !changed {
            return Suppression {
                mask: supp,
                freq: Some(f),
                feasible,
            };
        }
    }
}

/// The utility figures that follow from a node's class table alone (all
/// but non-uniform entropy, left 0).
fn table_utility(
    t: &ClassTable,
    mask: &[bool],
    gens: &[Generalisation],
    levels: &[usize],
) -> Utility {
    let n = t.records() as f64;
    let d = gens.len() as f64;
    let supp: f64 = t
        .sizes
        .iter()
        .zip(mask)
        .filter(|(_, &s)| s)
        .map(|(&f, _)| f as f64)
        .sum();
    let kept_classes = mask.iter().filter(|&&s| !s).count() as f64;
    let precision = gens
        .iter()
        .zip(levels)
        .map(|(g, &l)| ((n - supp) * l as f64 / g.height().max(1) as f64 + supp) / (n * d))
        .sum();
    let discernibility = t
        .sizes
        .iter()
        .zip(mask)
        .map(|(&f, &s)| if s { f as f64 * n } else { (f as f64).powi(2) })
        .sum();
    let monotonic_discernibility = t.sizes.iter().map(|&f| (f as f64).powi(2)).sum();
    let monotonic_precision = (gens.iter().zip(levels))
        .map(|(g, &l)| l as f64 / g.height().max(1) as f64)
        .sum::<f64>()
        / d;
    Utility {
        loss: 0.0,
        precision,
        monotonic_precision,
        height: levels.iter().sum::<usize>() as f64,
        discernibility,
        monotonic_discernibility,
        aecs: if kept_classes > 0.0 {
            (n - supp) / kept_classes
        } else {
            n
        },
        non_uniform_entropy: 0.0,
    }
}

/// All utility figures of a node: `t` its class table, `base_class` each
/// original class's node class.
fn utility(
    base: &ClassTable,
    base_class: &[u32],
    t: &ClassTable,
    mask: &[bool],
    gens: &[Generalisation],
    levels: &[usize],
) -> Utility {
    let n = t.records() as f64;
    let mut entropy = 0.0;
    for (q, (g, &l)) in gens.iter().zip(levels).enumerate() {
        // Per raw value v: its records f_v, and those in suppressed
        // classes. A kept record of v contributes −log2(f_v / f_r), r its
        // released value; a suppressed one −log2(f_v / n). So the logs
        // are taken once per value, not once per class.
        let mut freq = vec![0u64; base.cards[q] as usize];
        let mut suppressed = vec![0u64; base.cards[q] as usize];
        for ((&v, &size), &into) in base.keys[q].iter().zip(&base.sizes).zip(base_class) {
            freq[v as usize] += size;
            if mask[into as usize] {
                suppressed[v as usize] += size;
            }
        }
        let level = &g.levels[l];
        let mut up = vec![0u64; level.labels.len()];
        for (v, &f) in freq.iter().enumerate() {
            up[level.map[v] as usize] += f;
        }
        for (v, (&f, &s)) in freq.iter().zip(&suppressed).enumerate() {
            if f == 0 {
                continue;
            }
            let (fv, fr) = (f as f64, up[level.map[v] as usize] as f64);
            entropy += (f - s) as f64 * -(fv / fr).log2() + s as f64 * -(fv / n).log2();
        }
    }
    Utility {
        loss: loss(t, mask, gens, levels),
        non_uniform_entropy: entropy,
        ..table_utility(t, mask, gens, levels)
    }
}

/// ARX's loss of a generalised class table, the classes marked in `mask`
/// suppressed.
pub fn loss(t: &ClassTable, mask: &[bool], gens: &[Generalisation], levels: &[usize]) -> f64 {
    let n = t.records() as f64;
    let d = gens.len() as f64;
    let shares: Vec<&[f64]> = gens
        .iter()
        .zip(levels)
        .map(|(g, &l)| g.levels[l].share.as_slice())
        .collect();
    // One pass over the classes with one running total per QI: each total
    // adds its terms in class order, as a pass per QI would, but the QIs'
    // additions no longer wait on each other.
    let mut totals = vec![0.0f64; gens.len()];
    for (c, (&f, &s)) in t.sizes.iter().zip(mask).enumerate() {
        let f = f as f64;
        for ((total, share), keys) in totals.iter_mut().zip(&shares).zip(&t.keys) {
            *total += if s { f } else { f * share[keys[c] as usize] };
        }
    }
    let mut product = 1.0;
    for (total, g) in totals.into_iter().zip(gens) {
        product *= 1.0 + normalise(total, n, g);
    }
    product.powf(1.0 / d) - 1.0
}

/// (L − n/|D|)/(n − n/|D|), clamped at 0; |D| from the level-0 share.
pub(super) fn normalise(total: f64, n: f64, g: &Generalisation) -> f64 {
    let raw = g.levels[0]
        .share
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let floor = n * raw;
    if n - floor <= 0.0 {
        return 0.0;
    }
    ((total - floor) / (n - floor)).max(0.0)
}

/// Lower bounds of nodes' scores from the QIs' value frequencies alone
/// (the score without suppression, which can only add to it), from a term
/// per QI and level computed once; `None` for metrics without one here
/// (discernibility, AECS).
pub(super) struct Bounds {
    metric: Metric,
    /// terms[q][level]: ln(1 + x_a) for loss, level/height/d for
    /// precision, the QI's entropy for non-uniform entropy.
    terms: Vec<Vec<f64>>,
}

impl Bounds {
    pub(super) fn new(
        metric: Metric,
        freqs: &[Vec<u64>],
        gens: &[Generalisation],
        n: f64,
    ) -> Bounds {
        let d = gens.len() as f64;
        let terms = freqs
            .iter()
            .zip(gens)
            .map(|(f, g)| {
                (0..=g.height())
                    .map(|l| {
                        let level = &g.levels[l];
                        match metric {
                            Metric::Loss => {
                                let total: f64 = f
                                    .iter()
                                    .enumerate()
                                    .map(|(c, &x)| x as f64 * level.share[level.map[c] as usize])
                                    .sum();
                                (1.0 + normalise(total, n, g)).ln()
                            }
                            Metric::Precision | Metric::MonotonicPrecision => {
                                l as f64 / g.height().max(1) as f64 / d
                            }
                            Metric::Height => l as f64,
                            Metric::Entropy => {
                                let mut up = vec![0u64; level.labels.len()];
                                for (v, &x) in f.iter().enumerate() {
                                    up[level.map[v] as usize] += x;
                                }
                                f.iter()
                                    .enumerate()
                                    .filter(|(_, &x)| x > 0)
                                    .map(|(v, &x)| {
                                        x as f64
                                            * -(x as f64 / up[level.map[v] as usize] as f64).log2()
                                    })
                                    .sum()
                            }
                            Metric::Discernibility
                            | Metric::MonotonicDiscernibility
                            | Metric::Aecs => 0.0,
                        }
                    })
                    .collect()
            })
            .collect();
        Bounds { metric, terms }
    }

    pub(super) fn at(&self, levels: &[usize]) -> Option<f64> {
        self.of_sum(self.terms.iter().zip(levels).map(|(t, &l)| t[l]).sum())
    }

    /// QI q's term at level l (the bound is a monotone function of their
    /// sum, see [`Bounds::of_sum`]).
    pub(super) fn term(&self, q: usize, l: usize) -> f64 {
        self.terms[q][l]
    }

    /// The bound of a node whose terms add up to `sum`.
    pub(super) fn of_sum(&self, sum: f64) -> Option<f64> {
        match self.metric {
            Metric::Loss => Some((sum / self.terms.len() as f64).exp() - 1.0),
            Metric::Precision | Metric::MonotonicPrecision | Metric::Height | Metric::Entropy => {
                Some(sum)
            }
            Metric::Discernibility | Metric::MonotonicDiscernibility | Metric::Aecs => None,
        }
    }
}

/// Find the transformation of least score that meets `goal` (exactly on
/// lattices up to [`AUTO_EXACT`](crate::anonymise::strategy::AUTO_EXACT)
/// nodes, without a time limit).
pub fn search(
    base: &ClassTable,
    gens: &[Generalisation],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
) -> SearchResult {
    search_with(
        base,
        gens,
        goal,
        class_targets,
        Strategy::Auto,
        None,
        &|_, _| {},
    )
}

/// [`search`] with a strategy, a time limit — when it runs out, the best
/// transformation found so far is returned, `stopped` says so — and a
/// callback told the nodes checked and the lattice size as it goes.
pub fn search_with(
    base: &ClassTable,
    gens: &[Generalisation],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
    strategy: Strategy,
    time: Option<TimeLimit>,
    progress: &dyn Fn(u64, u128),
) -> SearchResult {
    let start = Instant::now();
    let size = Lattice::new(gens.iter().map(|g| g.height()).collect()).size();
    let walk = walk(base, gens, goal, class_targets, strategy, time, progress);
    // Every utility figure for the transformations reported.
    let mut results: Vec<Outcome> = walk
        .best
        .par_iter()
        .map(|r| evaluate(base, gens, &r.levels, goal, class_targets).0)
        .collect();
    let best = (!results.is_empty()).then(|| results.remove(0));
    let gap = match (&best, walk.lower_bound) {
        (Some(b), Some(l)) if b.score > 0.0 => Some(((b.score - l) / b.score).max(0.0)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    SearchResult {
        lower_bound: best.as_ref().and(walk.lower_bound),
        gap: if walk.optimal && best.is_some() {
            Some(0.0)
        } else {
            gap
        },
        best,
        alternatives: results,
        lattice: size,
        nodes_checked: walk.checked,
        strategy: walk.strategy,
        optimal: walk.optimal,
        stopped: walk.stopped,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Evaluate every node (for tests and small lattices): the reference the
/// pruned search must agree with.
pub fn exhaustive(
    base: &ClassTable,
    gens: &[Generalisation],
    goal: Goal,
    class_targets: Option<&ClassTargets>,
) -> Option<Outcome> {
    let lattice = Lattice::new(gens.iter().map(|g| g.height()).collect());
    let nodes: Vec<Vec<usize>> = (0..=lattice.top_sum())
        .flat_map(|s| lattice.level(s))
        .collect();
    nodes
        .par_iter()
        .map(|l| evaluate(base, gens, l, goal, class_targets))
        .filter(|(_, pass)| *pass)
        .map(|(o, _)| o)
        .collect::<Vec<_>>()
        .into_iter()
        .min_by(order)
}

/// Better first: lower score, then lower levels, then level order.
pub(super) fn order(a: &Outcome, b: &Outcome) -> std::cmp::Ordering {
    a.score
        .total_cmp(&b.score)
        .then(a.levels.iter().sum::<usize>().cmp(&b.levels.iter().sum()))
        .then(a.levels.cmp(&b.levels))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::classes::{group, Rows};
    use crate::engine::encode::encode_series;
    use polars::prelude::*;

    /// A random table of `n` rows over three numeric QIs, with interval
    /// hierarchies; SplitMix64 from `seed`.
    pub(in crate::anonymise) fn random_case(
        n: usize,
        seed: u64,
    ) -> (ClassTable, Vec<Generalisation>) {
        let mut rng = crate::engine::splitmix::SplitMix64(seed);
        let mut next = move || rng.next_u64();
        let specs = ["interval:2,4,8", "interval:5,10", "interval:3"];
        let spans = [16u64, 20, 9];
        let mut cols = Vec::new();
        let mut gens = Vec::new();
        for (q, (spec, span)) in specs.iter().zip(spans).enumerate() {
            let values: Vec<i64> = (0..n).map(|_| (next() % span) as i64).collect();
            let s = Series::new(format!("q{q}").into(), values);
            let e = encode_series("t", &format!("q{q}"), &s, &[]).unwrap();
            gens.push(Generalisation::from_spec("t", &e.name, spec, &e.dict).unwrap());
            cols.push(e);
        }
        let codes: Vec<&[u32]> = cols.iter().map(|c| c.codes.as_slice()).collect();
        let cards: Vec<u32> = cols.iter().map(|c| c.cardinality()).collect();
        let t = group(
            Rows {
                columns: &codes,
                cards: &cards,
                counts: None,
                weights: None,
                len: n,
            },
            false,
        )
        .table;
        (t, gens)
    }

    /// The pruned, tagged search finds the same optimum as evaluating every
    /// node, over random tables, k and suppression budgets.
    #[test]
    fn agrees_with_exhaustive_search() {
        for seed in 0..12 {
            let (t, gens) = random_case(200 + 37 * seed as usize, seed);
            // k = 1 with a share of uniques: the one case where that target binds.
            let cases = [
                (2, 0.0),
                (5, 0.0),
                (3, 0.05),
                (10, 0.1),
                (40, 0.02),
                (1, 0.0),
                (1, 0.1),
            ];
            let metrics = [
                Metric::Loss,
                Metric::Precision,
                Metric::Discernibility,
                Metric::MonotonicDiscernibility,
                Metric::Aecs,
                Metric::Entropy,
            ];
            for (i, (k, suppression)) in cases.into_iter().enumerate() {
                let goal = Goal {
                    k,
                    suppression,
                    metric: metrics[(i + seed as usize) % metrics.len()],
                    max_average_risk: (i == 2).then_some(0.2),
                    max_uniques: (k == 1).then_some(0.02 * (seed % 3) as f64),
                    // Not monotone: tagging on k alone must still find
                    // the optimum.
                    max_population_uniqueness: (i % 3 == 1)
                        .then_some((0.02, t.records() as f64 * (2 + seed % 20) as f64)),
                    wildcard: false,
                };
                let fast = search(&t, &gens, goal, None);
                let slow = exhaustive(&t, &gens, goal, None);
                match (&fast.best, &slow) {
                    (Some(a), Some(b)) => {
                        assert!(
                            (a.loss - b.loss).abs() < 1e-12,
                            "seed {seed} k {k}: {a:?} vs {b:?}"
                        );
                        assert_eq!(a.levels, b.levels, "seed {seed} k {k}");
                        assert_eq!(a.suppressed, b.suppressed);
                    }
                    (None, None) => {}
                    other => panic!("seed {seed} k {k}: {other:?}"),
                }
                assert!(u128::from(fast.nodes_checked) <= fast.lattice);
                assert_eq!(fast.stopped, Stopped::Exhausted);
                assert!(fast.optimal);
            }
        }
    }

    /// The heuristic never reports a transformation that misses the goal,
    /// never scores below the exact optimum, and its lower bound never
    /// exceeds the optimum; where it claims optimality it has the optimum.
    /// On these small lattices it reaches the optimum in most cases.
    #[test]
    fn heuristic_is_bounded_by_the_exact_optimum() {
        let mut agreed = 0;
        let mut cases = 0;
        for seed in 0..12 {
            let (t, gens) = random_case(400 + 23 * seed as usize, seed + 7);
            for (k, suppression, metric) in [
                (3, 0.0, Metric::Loss),
                (5, 0.05, Metric::Loss),
                (10, 0.02, Metric::Precision),
                (4, 0.1, Metric::Entropy),
            ] {
                let goal = Goal {
                    k,
                    suppression,
                    metric,
                    max_average_risk: None,
                    max_uniques: None,
                    max_population_uniqueness: None,
                    wildcard: false,
                };
                let exact = search(&t, &gens, goal, None);
                let heur =
                    search_with(&t, &gens, goal, None, Strategy::Heuristic, None, &|_, _| {});
                assert_eq!(heur.strategy, Strategy::Heuristic);
                assert_eq!(heur.stopped, Stopped::Converged);
                let (Some(e), Some(h)) = (&exact.best, &heur.best) else {
                    assert_eq!(exact.best.is_none(), heur.best.is_none(), "seed {seed}");
                    continue;
                };
                cases += 1;
                let (_, pass) = evaluate(&t, &gens, &h.levels, goal, None);
                assert!(pass, "seed {seed}: {h:?}");
                let eps = 1e-9 * e.score.abs().max(1.0);
                assert!(h.score >= e.score - eps, "seed {seed}");
                let lower = heur.lower_bound.unwrap();
                assert!(lower <= e.score + eps, "seed {seed}: {lower} > {}", e.score);
                assert_eq!(exact.lower_bound, Some(e.score));
                assert_eq!(exact.gap, Some(0.0));
                if heur.optimal {
                    assert!((h.score - e.score).abs() <= eps, "seed {seed}");
                }
                let gap = heur.gap.unwrap();
                assert!((0.0..=1.0).contains(&gap));
                if (h.score - e.score).abs() <= eps {
                    agreed += 1;
                }
            }
        }
        assert!(agreed * 10 >= cases * 9, "{agreed} of {cases}");
    }

    /// A deadline already past still yields the greedy descent's answer,
    /// below the top; it is marked as stopped by the time limit unless
    /// nothing was left to roll up.
    #[test]
    fn a_past_deadline_still_descends_below_the_top() {
        let (t, gens) = random_case(600, 3);
        let goal = Goal {
            k: 3,
            suppression: 0.02,
            metric: Metric::Loss,
            max_average_risk: None,
            max_uniques: None,
            max_population_uniqueness: None,
            wildcard: false,
        };
        let time = TimeLimit {
            from: Instant::now(),
            limit: std::time::Duration::from_nanos(1),
        };
        std::thread::sleep(std::time::Duration::from_millis(2));
        let r = search_with(
            &t,
            &gens,
            goal,
            None,
            Strategy::Exact,
            Some(time),
            &|_, _| {},
        );
        let top: Vec<usize> = gens.iter().map(|g| g.height()).collect();
        let best = r.best.unwrap();
        assert_ne!(best.levels, top);
        // Either the walk needed a roll-up after the deadline, or the
        // descent's answer was proven by bounds and tags alone.
        match r.stopped {
            Stopped::TimeLimit => assert!(!r.optimal),
            Stopped::Exhausted => {
                assert!(r.optimal);
                assert_eq!(
                    Some(best.levels),
                    exhaustive(&t, &gens, goal, None).map(|o| o.levels)
                );
            }
            Stopped::Converged => panic!("the exact search does not converge"),
        }
    }

    /// With l-diversity and t-closeness targets too (tagging off under a
    /// suppression budget, where they are not monotone).
    #[test]
    fn agrees_with_exhaustive_search_under_diversity() {
        use crate::engine::classes::{group_with, Want};
        for seed in 0..6u64 {
            let (t, gens) = random_case(300, seed + 100);
            // A sensitive value per original class, spread over 4 values,
            // weighted towards value 0.
            let members = group_with(
                Rows {
                    columns: &t.keys.iter().map(Vec::as_slice).collect::<Vec<_>>(),
                    cards: &t.cards,
                    counts: None,
                    weights: None,
                    len: t.len(),
                },
                Want {
                    row_class: false,
                    members: true,
                },
            )
            .members
            .unwrap();
            let values: Vec<u32> = (0..t.len())
                .map(|c| ((c as u64 * 7 + seed) % 11 % 4) as u32)
                .collect();
            let mut h = Histograms::build(&members, &values, 4, Some(&t.sizes));
            h.card = 4;
            let table = TableDistribution::new(&h.totals());
            // δ over present values is not monotone even without
            // suppression; enhanced β is.
            let present = Some((1.2, DeltaVariant::PresentValues));
            let enhanced = Some((1.5, BetaKind::Enhanced));
            for (l, tt, delta, beta, suppression) in [
                (Some(2.0), None, None, None, 0.0),
                (Some(2.0), Some(0.4), None, None, 0.05),
                (None, Some(0.3), None, None, 0.1),
                (None, None, present, None, 0.0),
                (None, None, present, None, 0.1),
                (None, None, None, enhanced, 0.0),
                (Some(2.0), None, None, enhanced, 0.05),
            ] {
                let basic = (seed % 2 == 0).then_some((3.0, BetaKind::Basic));
                let div = ClassTargets {
                    attributes: vec![SensitiveHistograms {
                        histograms: h.clone(),
                        table: table.clone(),
                        distance: Distance::Equal,
                        tree: None,
                    }],
                    l: l.map(|l| (l, LKind::Distinct, 2.0)),
                    t: tt,
                    delta,
                    beta: beta.or(basic),
                    population: None,
                };
                let goal = Goal {
                    k: 3,
                    suppression,
                    metric: Metric::Loss,
                    max_average_risk: None,
                    max_uniques: None,
                    max_population_uniqueness: None,
                    wildcard: false,
                };
                let fast = search(&t, &gens, goal, Some(&div));
                let slow = exhaustive(&t, &gens, goal, Some(&div));
                assert_eq!(
                    fast.best.as_ref().map(|b| &b.levels),
                    slow.as_ref().map(|b| &b.levels),
                    "seed {seed}"
                );
            }
        }
    }

    #[test]
    fn loss_extremes() {
        let (t, gens) = random_case(300, 99);
        let zero = vec![0; 3];
        assert_eq!(loss(&t, &vec![false; t.len()], &gens, &zero), 0.0);
        let top: Vec<usize> = gens.iter().map(|g| g.height()).collect();
        let goal = Goal {
            k: 1,
            suppression: 0.0,
            metric: Metric::Loss,
            max_average_risk: None,
            max_uniques: None,
            max_population_uniqueness: None,
            wildcard: false,
        };
        let (o, pass) = evaluate(&t, &gens, &top, goal, None);
        assert!(pass && (o.loss - 1.0).abs() < 1e-12, "{o:?}");
        // Everything in one class: precision 1, discernibility n², AECS n.
        assert!((o.utility.precision - 1.0).abs() < 1e-12);
        assert_eq!(o.utility.discernibility, 300.0 * 300.0);
        assert_eq!(o.utility.aecs, 300.0);
        // The raw data: no precision loss and no entropy loss.
        let (raw, _) = evaluate(&t, &gens, &zero, goal, None);
        assert_eq!(raw.utility.precision, 0.0);
        assert_eq!(raw.utility.non_uniform_entropy, 0.0);
        // Everything suppressed: loss 1.
        assert!((loss(&t, &vec![true; t.len()], &gens, &zero) - 1.0).abs() < 1e-12);
    }

    /// ARX's monotonic precision is the mean of level/height over the QIs
    /// whatever is suppressed; the non-monotonic one (Sweeney's) counts a
    /// suppressed cell as 1, so with a share σ suppressed it is
    /// σ + (1 − σ)·monotonic; height is the sum of the levels.
    #[test]
    fn precision_variants_and_height() {
        let (t, gens) = random_case(300, 5);
        let goal = Goal {
            k: 6,
            suppression: 1.0,
            metric: Metric::MonotonicPrecision,
            max_average_risk: None,
            max_uniques: None,
            max_population_uniqueness: None,
            wildcard: false,
        };
        let levels = [1, 1, 0];
        let (o, _) = evaluate(&t, &gens, &levels, goal, None);
        let h: Vec<f64> = gens.iter().map(|g| g.height() as f64).collect();
        let mono = (1.0 / h[0] + 1.0 / h[1]) / 3.0;
        assert!((o.utility.monotonic_precision - mono).abs() < 1e-15);
        assert_eq!(o.score, o.utility.monotonic_precision);
        assert_eq!(o.utility.height, 2.0);
        let sigma = o.suppressed as f64 / 300.0;
        assert!(sigma > 0.0, "the case suppresses");
        let precision = sigma + (1.0 - sigma) * mono;
        assert!((o.utility.precision - precision).abs() < 1e-12);
        // The bound of both is exact: the figure itself.
        let freqs: Vec<Vec<u64>> = (0..3).map(|q| t.value_counts(q)).collect();
        let bound = |m| Bounds::new(m, &freqs, &gens, 300.0).at(&levels).unwrap();
        assert!((bound(Metric::MonotonicPrecision) - mono).abs() < 1e-15);
        assert_eq!(bound(Metric::Height), 2.0);
    }
}
