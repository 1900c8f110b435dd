//! `kanon suggest` and `kanon anonymise` as library calls: build each QI's
//! generalisation (a hierarchy file, a builder spec, or an automatic one),
//! search the lattice on the class table, and apply the chosen
//! transformation to the data.

use polars::prelude::*;

use crate::anonymise::generalise::Generalisation;
use crate::anonymise::lattice::Lattice;
use crate::anonymise::local::{LocalRecoding, Recoding};
use crate::anonymise::search::{search_with, Goal, Outcome, SearchResult};
use crate::anonymise::search::{ClassTargets, SensitiveHistograms};
use crate::anonymise::strategy::{projection_floor, searched, Strategy, TimeLimit, MAX_EXACT};
use crate::choice::Choice;
use crate::engine::classes::{Histograms, Want};
use crate::engine::encode::{Dictionary, EncodedColumn, ValueKind};
use crate::error::{Error, Result};
use crate::input::columns::encode as encode_qis;
use crate::input::{read_table_with, Table};
use crate::measure::closeness::TableDistribution;
use crate::progress::{Progress, Silent};
use crate::run::analyse::{analyse_table, group_columns, Analysis, Config};

/// How suppressed records appear in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SuppressMode {
    /// Left out of the output.
    #[default]
    Remove,
    /// Kept, with every QI set to `*`.
    Cell,
}

impl crate::choice::Choice for SuppressMode {
    const WHAT: &'static str = "suppression mode";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("remove", SuppressMode::Remove),
        ("cell", SuppressMode::Cell),
    ];
}

/// `kanon anonymise`: apply the best transformation found to every column
/// of the input and write the release to `out` (format by extension,
/// atomically). `false` when no transformation meets the targets: nothing
/// is written then.
pub fn write_release(
    plan: &Plan,
    s: &Suggestion,
    out: &str,
    mode: SuppressMode,
    progress: &dyn Progress,
) -> Result<bool> {
    let Some(best) = &s.result.best else {
        return Ok(false);
    };
    progress.stage(&format!("writing {out}"));
    let all = crate::input::read_table_with(
        &plan.analysis.input,
        s.all_columns(),
        &plan.analysis.read,
        progress,
    )?;
    let mut df = s.apply(best, mode, &all)?;
    crate::output::write_frame_delimited(out, &mut df, all.delimiter)?;
    Ok(true)
}

/// What `anonymise` writes beside the release: the release report and
/// the mapping of original to released values.
pub struct ReleaseDocs<'a> {
    /// Where the release was written.
    pub out: &'a str,
    /// Suppressed records left out (rather than kept with `*`).
    pub removed: bool,
    /// The release report (format by extension).
    pub report: Option<&'a str>,
    /// A CSV of quasi_identifier, original, released.
    pub mapping: Option<&'a str>,
    pub purpose: Option<String>,
    /// The command line, recorded in the report.
    pub command: String,
}

/// Write the release report and the value mapping (each whole or not at
/// all). When no transformation meets the targets there is no mapping,
/// and the report says why nothing was released (the search, the
/// original's analysis).
pub fn write_release_docs(
    plan: &Plan,
    s: &Suggestion,
    found: &crate::report::SuggestReport,
    docs: &ReleaseDocs,
    progress: &dyn Progress,
) -> Result<()> {
    let release = found.search.result.as_ref();
    if let (Some(path), Some(best)) = (docs.mapping, &s.result.best) {
        progress.stage(&format!("writing {path}"));
        let mut df = s.mapping(best)?;
        crate::output::write_frame_delimited(path, &mut df, None)?;
    }
    if let Some(path) = docs.report {
        let format = crate::render::document::DocFormat::from_path(path)?;
        progress.stage("analysing the original for the comparison");
        let original = crate::run::analyse::analyse(&plan.analysis, progress)?.report;
        let meta = crate::render::document::Meta {
            lang: plan.analysis.lang,
            command: docs.command.clone(),
            parameters: plan.analysis.parameters(),
            purpose: docs.purpose.clone(),
            date: crate::run::policy::report_date(),
        };
        let rel = crate::render::document::Release {
            original: &original,
            search: &found.search,
            out: docs.out,
            removed: docs.removed,
        };
        progress.stage(&format!("writing the report {path}"));
        let bytes = crate::render::document::render_release(format, release, &rel, &meta)
            .map_err(|e| Error::output(path, format!("internal: {e}")))?;
        crate::output::write_atomic(path, |w| {
            std::io::Write::write_all(w, &bytes).map_err(|e| e.to_string())
        })?;
    }
    Ok(())
}

/// A `suggest` or `anonymise` run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Input, QIs and reading options (targets other than k are ignored by
    /// the search for now).
    pub analysis: Config,
    /// Per QI: an ARX hierarchy file or a builder spec (`interval:…`,
    /// `mask:…`); QIs without one get an automatic hierarchy.
    pub hierarchies: Vec<(String, String)>,
    pub goal: Goal,
    /// Stop the search when this runs out (counted from `from`, the start
    /// of the command) and report the best found so far.
    pub time_limit: Option<TimeLimit>,
    /// Exact, heuristic, or chosen by lattice size.
    pub strategy: Strategy,
    /// One level per QI for all records (global), or per released class.
    pub recoding: Recoding,
}

/// How to search, besides the targets (which the analysis holds).
#[derive(Debug, Clone)]
pub struct SearchSettings {
    pub hierarchies: Vec<(String, String)>,
    /// Largest share of records that may be suppressed.
    pub suppression: f64,
    pub metric: crate::anonymise::search::Metric,
    pub strategy: Strategy,
    pub time_limit: Option<TimeLimit>,
    /// Highest prosecutor risk: raises k to ⌈1/P⌉.
    pub max_risk: Option<f64>,
    pub recoding: Recoding,
}

impl Plan {
    /// A search plan whose goal follows from the analysis's targets, so
    /// every client states them once: k (required, raised by `max_risk`),
    /// the average risk and the share of uniques, missing values as
    /// wildcards; the population-uniqueness target gets its N once the
    /// table is read ([`suggest_table`]).
    pub fn new(mut analysis: Config, s: SearchSettings) -> Result<Plan> {
        let t = &analysis.targets;
        let k =
            t.k.ok_or_else(|| Error::usage("the search needs a k (--k)"))?;
        let k = Plan::effective_k(k, s.max_risk)?;
        let goal = Goal {
            k,
            suppression: s.suppression,
            metric: s.metric,
            max_average_risk: t.max_average_risk,
            max_uniques: t.max_uniques,
            max_population_uniqueness: None,
            wildcard: analysis.missing_as == crate::run::analyse::MissingAs::Wildcard,
        };
        analysis.targets.k = Some(k);
        // A hierarchy of a sensitive attribute is hierarchical t-closeness's
        // (as for analyse); those of QIs are generalised along.
        let (sensitive, hierarchies): (Vec<_>, Vec<_>) =
            (s.hierarchies.into_iter()).partition(|(name, _)| {
                analysis.sensitive.contains(name) && !analysis.qis.contains(name)
            });
        analysis.inference.hierarchies.extend(sensitive);
        Ok(Plan {
            analysis,
            hierarchies,
            goal,
            time_limit: s.time_limit,
            strategy: s.strategy,
            recoding: s.recoding,
        })
    }

    /// The k a search needs: `k`, raised to ⌈1/P⌉ by a highest-risk target
    /// P (the highest prosecutor risk is 1 over the smallest class).
    pub fn effective_k(k: u64, max_risk: Option<f64>) -> Result<u64> {
        match max_risk {
            Some(p) if p > 0.0 && p <= 1.0 => {
                Ok(k.max(crate::measure::tolerance::ceil(1.0 / p) as u64))
            }
            Some(p) => Err(Error::usage(format!(
                "--max-risk must be above 0 and at most 1, got {p}"
            ))),
            None => Ok(k),
        }
    }
}

/// The outcome of a search, with what applying it needs.
pub struct Suggestion {
    pub result: SearchResult,
    pub generalisations: Vec<Generalisation>,
    /// How each QI's hierarchy was made: the file, the spec, or `auto:…`.
    pub sources: Vec<String>,
    columns: Vec<EncodedColumn>,
    row_class: Vec<u32>,
    table: Table,
    base: crate::engine::classes::ClassTable,
    class_targets: Option<ClassTargets>,
    /// The population table placed in the hierarchies, with `--population`.
    population: Option<crate::run::population::SearchPopulation>,
    /// The local recoding (`result.best` describes it), when asked for.
    pub local: Option<LocalRecoding>,
    /// Under local recoding, the global optimum it was compared with.
    pub global: Option<Outcome>,
    /// The goal searched for: the plan's, with k raised by k-map and the
    /// population size of the population-uniqueness target.
    pub goal: Goal,
}

/// Search the lattice for the least-loss transformation meeting the goal.
pub fn suggest(plan: &Plan, progress: &dyn Progress) -> Result<Suggestion> {
    check_plan(plan)?;
    let cfg = &plan.analysis;
    progress.stage(&format!("reading {}", cfg.input));
    let table = read_table_with(&cfg.input, &wanted(cfg), &cfg.read, progress)?;
    suggest_table(plan, table, progress)
}

/// The columns a search reads: QIs, sensitive attributes, the count.
fn wanted(cfg: &Config) -> Vec<String> {
    let mut wanted = cfg.qis.clone();
    wanted.extend(cfg.sensitive.iter().cloned());
    wanted.extend(cfg.count.iter().cloned());
    wanted.extend(cfg.weight.iter().cloned());
    wanted
}

/// Refuse a plan the search cannot honour, before any file is read.
fn check_plan(plan: &Plan) -> Result<()> {
    let cfg = &plan.analysis;
    cfg.validate()?;
    if plan.goal.k == 0 {
        return Err(Error::usage("--k must be at least 1"));
    }
    if let Some(p) = plan.goal.max_average_risk {
        if !(p > 0.0 && p <= 1.0) {
            return Err(Error::usage(format!(
                "--max-average-risk must be above 0 and at most 1, got {p}"
            )));
        }
    }
    if !(0.0..=1.0).contains(&plan.goal.suppression) {
        return Err(Error::usage(
            "--suppression must be a share between 0 and 1 (or a percentage)",
        ));
    }
    if plan.recoding == Recoding::Local {
        check_local(plan)?;
    }
    check_population(cfg)?;
    for (name, _) in &plan.hierarchies {
        if !cfg.qis.contains(name) {
            return Err(Error::usage(format!(
                "--hierarchy names '{name}', which is neither a --qi nor a --sensitive attribute"
            )));
        }
    }
    Ok(())
}

/// The targets counted in a population table need one, and the search
/// counts it with missing values as values.
fn check_population(cfg: &Config) -> Result<()> {
    let t = &cfg.targets;
    let presence = t.presence_min.is_some() || t.presence_max.is_some();
    if presence && cfg.population.is_none() {
        return Err(Error::usage(
            "--presence-min and --presence-max in the search need a population table              (--population); analyse also takes them from --weight",
        ));
    }
    let counted = presence || (t.k_map.is_some() && cfg.population.is_some());
    if counted && cfg.missing_as == crate::run::analyse::MissingAs::Wildcard {
        return Err(Error::usage(
            "k-map and δ-presence against --population are searched with missing values as              values: use --missing-as value (analyse checks them with wildcards)",
        ));
    }
    Ok(())
}

/// Local recoding releases classes that each meet the class targets (k,
/// l, t, δ, β); the targets over the whole release are refused rather
/// than left unchecked.
fn check_local(plan: &Plan) -> Result<()> {
    let cfg = &plan.analysis;
    let t = &cfg.targets;
    let refused = [
        (t.max_average_risk.is_some(), "--max-average-risk"),
        (
            t.max_uniques.is_some() && plan.goal.k < 2,
            "--max-uniques with k = 1",
        ),
        (
            t.max_population_uniqueness.is_some(),
            "--max-population-uniqueness",
        ),
        (plan.goal.wildcard, "--missing-as wildcard"),
        (cfg.population.is_some(), "--population"),
    ];
    if let Some((_, what)) = refused.iter().find(|r| r.0) {
        return Err(Error::usage(format!(
            "--recoding local meets the targets every class must meet (k, --max-risk, --l, --t, \
             --delta, --beta); {what} is not supported with it: use --recoding global"
        )));
    }
    Ok(())
}

/// [`suggest`] on a table in memory (`plan.analysis.input` is not read);
/// it may hold more columns than the search needs.
pub fn suggest_table(plan: &Plan, table: Table, progress: &dyn Progress) -> Result<Suggestion> {
    check_plan(plan)?;
    let cfg = &plan.analysis;
    let table = table.select(&wanted(cfg))?;
    let columns = encode_qis(&table, &cfg.qis, &cfg.missing_tokens)?;
    // A frequency table: each row stands for its count of records.
    let counts = match &cfg.count {
        Some(c) => Some(crate::input::columns::read_counts(&table, c)?),
        None => None,
    };
    let grouping = group_columns(
        &columns,
        counts.as_deref(),
        None,
        Want {
            row_class: true,
            members: !cfg.sensitive.is_empty(),
        },
    );
    let class_targets = sensitive_targets(cfg, &table, &grouping, counts.as_deref())?;
    let n = grouping.table.records();
    if plan.goal.k > n {
        return Err(Error::usage(format!(
            "--k {} is larger than the table ({n} records)",
            plan.goal.k
        )));
    }
    progress.stage("building hierarchies");
    let mut generalisations = Vec::new();
    let mut sources = Vec::new();
    for col in &columns {
        let (g, source) = generalisation_for(plan, &table.source, col)?;
        generalisations.push(g);
        sources.push(source);
    }
    // k-map and δ-presence are judged per released class, with the
    // sensitive attributes' targets.
    let mut population =
        crate::run::population::SearchPopulation::read(cfg, &columns, &generalisations, &sources)?;
    let class_targets = match population.as_mut().and_then(|p| p.targets(&cfg.targets)) {
        None => class_targets,
        Some(p) => Some(ClassTargets {
            population: Some(p),
            ..class_targets.unwrap_or_default()
        }),
    };
    let lattice = Lattice::new(generalisations.iter().map(|g| g.height()).collect());
    let size = lattice.size();
    // Weights count towards N only (the search's targets count records).
    let weight_sum = match &cfg.weight {
        Some(w) => {
            let w = crate::input::columns::read_weights(&table, w)?;
            let per_record =
                |(i, w): (usize, &f64)| w * counts.as_ref().map_or(1.0, |c| c[i] as f64);
            Some(w.iter().enumerate().map(per_record).sum())
        }
        None => None,
    };
    let goal = goal_with_population(plan, &grouping.table, weight_sum)?;
    // Passing nodes lie between the projection floor and the top.
    let floor = projection_floor(&grouping.table, &generalisations, goal);
    let boxed = searched(&lattice, floor.as_deref()).size();
    if plan.strategy == Strategy::Exact && boxed > MAX_EXACT {
        return Err(Error::usage(format!(
            "the generalisation lattice of these {} quasi-identifiers has {} nodes above the levels \
             each QI needs on its own, more than the {MAX_EXACT} the exact search numbers: use \
             --strategy heuristic or auto, fewer quasi-identifiers, or hierarchies with fewer levels",
            generalisations.len(),
            if boxed == u128::MAX { "too many".to_string() } else { boxed.to_string() }
        )));
    }
    let strategy = plan.strategy.resolve(boxed);
    progress.stage(&format!(
        "searching the generalisation lattice ({size} nodes, {boxed} above the floor, {})",
        strategy.name()
    ));
    let result = search_with(
        &grouping.table,
        &generalisations,
        goal,
        class_targets.as_ref(),
        plan.strategy,
        plan.time_limit,
        // Nodes checked, without a share of the lattice: pruning and
        // tagging settle most of a lattice unchecked, so a share of it
        // would mislead. With a time limit, the bar is the time used.
        &|checked, total| {
            progress.message(&format!(
                "searching the generalisation lattice: {checked} nodes checked of {total}"
            ));
            if let Some(t) = plan.time_limit {
                let limit = t.limit.as_secs().max(1);
                progress.work(t.from.elapsed().as_secs().min(limit), limit);
            }
        },
    );
    let (mut result, mut local, mut global) = (result, None, None);
    if plan.recoding == Recoding::Local {
        progress.stage("recoding locally");
        let found = crate::anonymise::local::recode(
            &grouping.table,
            &generalisations,
            goal,
            class_targets.as_ref(),
            result.best.as_ref().map(|b| b.levels.as_slice()),
            plan.time_limit,
        );
        global = result.best.take();
        // The global search's proof and bound say nothing of local
        // recodings, which are found greedily.
        result.alternatives.clear();
        result.optimal = false;
        result.lower_bound = None;
        result.gap = None;
        if let Some((recoding, outcome)) = found {
            result.best = Some(outcome);
            local = Some(recoding);
        }
    }
    Ok(Suggestion {
        result,
        generalisations,
        sources,
        columns,
        row_class: grouping.row_class.unwrap_or_default(),
        table,
        base: grouping.table,
        class_targets,
        population,
        local,
        global,
        goal,
    })
}

/// The plan's goal with the targets whose population size N is known
/// once the table is read (`weight_sum`: the records' weights added up,
/// with `--weight`, as the analysis of the release takes N from them).
fn goal_with_population(
    plan: &Plan,
    t: &crate::engine::classes::ClassTable,
    weight_sum: Option<f64>,
) -> Result<Goal> {
    let cfg = &plan.analysis;
    let mut goal = plan.goal;
    let n = t.records() as f64;
    let big_n = |flag: &str| -> Result<f64> {
        crate::run::survey::population_size_of(cfg, n, weight_sum)?
            .map(|(big_n, _)| big_n)
            .ok_or_else(|| {
                Error::usage(format!(
                    "{flag} needs a population size (--population-size, --sampling-fraction or --weight)"
                ))
            })
    };
    if let Some(p) = cfg.targets.max_population_uniqueness {
        goal.max_population_uniqueness = Some((p, big_n("--max-population-uniqueness")?));
    }
    // k-map, estimated: k-anonymity with the derived k' (π = n / N);
    // against a population table it is counted instead (a class target).
    if let Some(k_map) = cfg.targets.k_map.filter(|_| cfg.population.is_none()) {
        let pi = n / big_n("--k-map")?;
        let t_ = &cfg.targets;
        let derived = crate::measure::kmap::derive(k_map, pi, t_.significance, t_.k_map_estimator);
        goal.k = goal.k.max(derived.k);
    }
    Ok(goal)
}

/// The targets on the sensitive attributes (l, t, δ, β), per original class.
fn sensitive_targets(
    cfg: &Config,
    table: &Table,
    grouping: &crate::engine::classes::Grouping,
    counts: Option<&[u64]>,
) -> Result<Option<ClassTargets>> {
    let t = &cfg.targets;
    if cfg.sensitive.is_empty() {
        if t.l.is_some() || t.t.is_some() {
            return Err(Error::usage(
                "--l and --t need a sensitive attribute (--sensitive)",
            ));
        }
        return Ok(None);
    }
    let Some(members) = &grouping.members else {
        return Ok(None);
    };
    let mut attributes = Vec::new();
    for mut col in encode_qis(table, &cfg.sensitive, &cfg.missing_tokens)? {
        if let Some((_, order)) = cfg.inference.orders.iter().find(|o| o.0 == col.name) {
            crate::run::sensitive::reorder(&table.source, &mut col, order)?;
        }
        // A frequency table's row holds its count of records.
        let histograms = Histograms::build(members, &col.codes, col.cardinality(), counts);
        let dist = TableDistribution::new(&histograms.totals());
        // The distance the analysis of the release will judge it by.
        let (distance, hierarchy) = crate::run::sensitive::distance_of(&cfg.inference, &col);
        let tree = crate::run::sensitive::tree_of(distance, hierarchy.as_deref(), &col, &dist)?;
        attributes.push(SensitiveHistograms {
            histograms,
            table: dist,
            distance,
            tree,
        });
    }
    Ok(Some(ClassTargets {
        attributes,
        l: t.l.map(|l| (l, t.l_kind, cfg.inference.c)),
        t: t.t,
        delta: t.delta.map(|d| (d, t.delta_variant)),
        beta: t.beta.map(|b| (b, t.beta_kind)),
        population: None,
    }))
}

fn generalisation_for(
    plan: &Plan,
    source: &str,
    col: &EncodedColumn,
) -> Result<(Generalisation, String)> {
    match plan.hierarchies.iter().find(|h| h.0 == col.name) {
        Some((_, spec)) => Ok((
            Generalisation::from_spec_or_file(source, &col.name, spec, &col.dict)?,
            spec.clone(),
        )),
        None => {
            let spec = auto_spec(&col.dict);
            let distinct = col.dict.len() - col.dict.missing.map_or(0, |_| 1);
            if spec == "mask:" && distinct > 2 {
                // Categories: keep the most frequent, halving, the rest "(other)".
                let mut freqs = vec![0u64; col.dict.len()];
                for &c in &col.codes {
                    freqs[c as usize] += 1;
                }
                let keep: Vec<usize> =
                    std::iter::successors(Some(distinct / 2), |&k| (k > 1).then_some(k / 2))
                        .filter(|&k| k >= 1)
                        .collect();
                let list: Vec<String> = keep.iter().map(|k| k.to_string()).collect();
                return Ok((
                    Generalisation::from_frequencies(&col.name, &col.dict, &freqs, &keep),
                    format!("auto:frequent:{}", list.join(",")),
                ));
            }
            Ok((
                Generalisation::from_spec(source, &col.name, &spec, &col.dict)?,
                format!("auto:{spec}"),
            ))
        }
    }
}

/// An automatic hierarchy: dates by month, year and decade; numbers into
/// intervals anchored at 0, the first width "nice" (1, 2, 5 × 10^k, about
/// range/32) and doubling; text of one length
/// masked from the right a character at a time; anything else straight to
/// `*` — which `suggest` replaces, for more than two categories, by
/// grouping in frequency order (keep the most frequent half, quarter, …;
/// the rest becomes `(other)`).
pub fn auto_spec(dict: &Dictionary) -> String {
    let present: Vec<usize> = (0..dict.len())
        .filter(|&c| Some(c as u32) != dict.missing)
        .collect();
    if let (ValueKind::Numeric, Some(nums)) = (dict.kind, &dict.numbers) {
        let (lo, hi) = present
            .iter()
            .map(|&c| nums[c])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
        let range = hi - lo;
        if range > 0.0 && present.len() > 2 {
            let mut widths = Vec::new();
            // Doubling keeps every interval inside one of the next level.
            let mut w = nice(range / 32.0);
            while w < range && widths.len() < 6 {
                widths.push(w);
                w *= 2.0;
            }
            if !widths.is_empty() {
                let list: Vec<String> = widths.iter().map(|w| format!("{w}")).collect();
                return format!("interval:{}", list.join(","));
            }
        }
    }
    let lengths: std::collections::BTreeSet<usize> = present
        .iter()
        .map(|&c| dict.labels[c].chars().count())
        .collect();
    if lengths.len() == 1 {
        let len = *lengths.iter().next().unwrap_or(&0);
        if len > 1 {
            let steps: Vec<String> = (1..len).map(|i| i.to_string()).collect();
            return format!("mask:{}", steps.join(","));
        }
    }
    "mask:".to_string()
}

/// The smallest 1, 2 or 5 × 10^k not below `x` (and at least 1).
fn nice(x: f64) -> f64 {
    if x <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&v| v >= x)
        .unwrap_or(10.0 * p)
}

impl Suggestion {
    /// The input with the QIs generalised as `outcome` says and the records
    /// of classes smaller than k suppressed; `all` holds every column of the
    /// input (read again with all columns), in file order.
    pub fn apply(&self, outcome: &Outcome, mode: SuppressMode, all: &Table) -> Result<DataFrame> {
        let level = self.record_levels(outcome);
        let suppressed: Vec<bool> = self
            .row_class
            .iter()
            .map(|&c| level(c as usize, 0).is_none())
            .collect();
        let mut out = all.frame.clone();
        for (q, col) in self.columns.iter().enumerate() {
            let g = &self.generalisations[q];
            // Every level's labels in one column, then missing and `*`;
            // each record takes its cell from there by index.
            let mut labels: Vec<Option<&str>> = Vec::new();
            let mut offset = Vec::with_capacity(g.levels.len());
            for lv in &g.levels {
                offset.push(labels.len() as IdxSize);
                labels.extend(lv.labels.iter().map(|s| Some(s.as_str())));
            }
            let missing = labels.len() as IdxSize;
            let star = missing + 1;
            labels.extend([None, Some("*")]);
            let index: Vec<IdxSize> = (col.codes.iter().zip(&self.row_class))
                .map(|(&raw, &c)| match level(c as usize, q) {
                    None => star,
                    // A missing value stays missing (an empty cell) below the top.
                    Some(l) if Some(raw) == g.missing && l < g.height() => missing,
                    Some(l) => offset[l] + g.levels[l].map[raw as usize] as IdxSize,
                })
                .collect();
            let values = StringChunked::from_iter_options(PlSmallStr::EMPTY, labels.into_iter())
                .take(&IdxCa::from_vec(PlSmallStr::EMPTY, index))
                .map_err(|e| Error::usage(e.to_string()))?;
            out.with_column(values.with_name(col.name.as_str().into()).into_column())
                .map_err(|e| Error::usage(e.to_string()))?;
        }
        if mode == SuppressMode::Remove {
            let keep: BooleanChunked = suppressed.iter().map(|&s| Some(!s)).collect();
            out = out.filter(&keep).map_err(|e| Error::usage(e.to_string()))?;
        }
        Ok(out)
    }

    /// Each original class's level of each QI under `outcome` (`None`
    /// when the class is suppressed): the local recoding's own levels,
    /// or the global transformation's with the classes it suppresses.
    fn record_levels<'a>(
        &'a self,
        outcome: &'a Outcome,
    ) -> Box<dyn Fn(usize, usize) -> Option<usize> + 'a> {
        if let Some(local) = &self.local {
            return Box::new(move |c, q| local.level(c, q));
        }
        // Original class → released class → suppressed.
        let (released, mask) = crate::anonymise::search::released(
            &self.base,
            &self.generalisations,
            &outcome.levels,
            self.goal,
            self.class_targets.as_ref(),
        );
        Box::new(move |c, q| (!mask[released[c] as usize]).then(|| outcome.levels[q]))
    }

    /// Every distinct value of each QI and what the transformation makes
    /// of it: columns quasi_identifier, original, released (a missing value
    /// is an empty cell and stays missing below the top level). Sorted by
    /// QI, then by value (numerically for numbers), so it says nothing of
    /// the rows' order. Records suppressed as a whole are not in it: every
    /// QI of theirs is `*` or the record is left out. Under local recoding
    /// a value has a row per level its records are released at (and none
    /// when all of them are suppressed).
    pub fn mapping(&self, outcome: &Outcome) -> Result<DataFrame> {
        let (mut qi, mut from, mut to) = (Vec::new(), Vec::new(), Vec::new());
        for (q, col) in self.columns.iter().enumerate() {
            let g = &self.generalisations[q];
            let mut codes: Vec<u32> = (0..col.cardinality()).collect();
            let d = &col.dict;
            codes.sort_by(|&a, &b| match &d.numbers {
                Some(n) => n[a as usize].total_cmp(&n[b as usize]),
                None => d.labels[a as usize].cmp(&d.labels[b as usize]),
            });
            // Per value, the levels it is released at: one under a global
            // transformation, those of its released classes under a local one.
            let mut at: Vec<Vec<usize>> = vec![Vec::new(); col.cardinality() as usize];
            match &self.local {
                Some(local) => {
                    for (c, &v) in self.base.keys[q].iter().enumerate() {
                        if let Some(l) = local.level(c, q) {
                            at[v as usize].push(l);
                        }
                    }
                    for levels in at.iter_mut() {
                        levels.sort_unstable();
                        levels.dedup();
                    }
                }
                None => at.iter_mut().for_each(|l| l.push(outcome.levels[q])),
            }
            for c in codes {
                let is_missing = d.missing == Some(c);
                for &level in &at[c as usize] {
                    let lv = &g.levels[level];
                    qi.push(col.name.clone());
                    from.push((!is_missing).then(|| d.labels[c as usize].clone()));
                    to.push(if is_missing && level < g.height() {
                        None
                    } else {
                        Some(lv.labels[lv.map[c as usize] as usize].clone())
                    });
                }
            }
        }
        DataFrame::new(
            qi.len(),
            vec![
                Column::new("quasi_identifier".into(), qi),
                Column::new("original".into(), from),
                Column::new("released".into(), to),
            ],
        )
        .map_err(|e| Error::usage(format!("internal: the mapping: {e}")))
    }

    /// The analysis of the transformed data (records of small classes
    /// removed), in the `analyse` schema.
    pub fn analyse_result(&self, plan: &Plan, outcome: &Outcome) -> Result<Analysis> {
        let df = self.apply(outcome, SuppressMode::Remove, &self.table)?;
        // The population generalised as the release is, so that its
        // classes are counted against the released ones.
        let population_frame = match &self.population {
            Some(p) => {
                let suppressed = self.suppressed_keys(outcome);
                let table = p.generalised(&outcome.levels, |key| suppressed.contains(key))?;
                Some(crate::run::config::PopulationFrame(std::sync::Arc::new(
                    table,
                )))
            }
            None => None,
        };
        let cfg = Config {
            input: format!("{} (transformed)", self.table.source),
            population_frame,
            ..plan.analysis.clone()
        };
        if df.height() == 0 {
            return Err(Error::usage("every record would be suppressed"));
        }
        let table = Table {
            source: cfg.input.clone(),
            format: self.table.format,
            delimiter: self.table.delimiter,
            all_columns: self.table.all_columns.clone(),
            frame: df,
            files: Vec::new(),
            notes: Vec::new(),
            unusable: Vec::new(),
            coded: Vec::new(),
        };
        analyse_table(&cfg, table, &Silent)
    }

    /// The codes, at `outcome`'s levels, of the classes it suppresses.
    fn suppressed_keys(&self, outcome: &Outcome) -> rustc_hash::FxHashSet<Vec<u32>> {
        let (into, mask) = crate::anonymise::search::released(
            &self.base,
            &self.generalisations,
            &outcome.levels,
            self.goal,
            self.class_targets.as_ref(),
        );
        (0..self.base.len())
            .filter(|&c| mask[into[c] as usize])
            .map(|c| {
                (self.generalisations.iter().zip(&outcome.levels))
                    .enumerate()
                    .map(|(q, (g, &l))| g.levels[l].map[self.base.keys[q][c] as usize])
                    .collect()
            })
            .collect()
    }

    /// What the first record's value becomes at the chosen level (its own
    /// level under local recoding), for the report.
    pub fn example(&self, q: usize, level: usize) -> (String, String) {
        let col = &self.columns[q];
        let code = col.codes.first().copied().unwrap_or(0);
        let original = col.dict.labels[code as usize].clone();
        let level = match &self.local {
            Some(local) => {
                let own = self
                    .row_class
                    .first()
                    .and_then(|&c| local.level(c as usize, q));
                match own {
                    Some(l) => l,
                    None => return (original, "*".to_string()),
                }
            }
            None => level,
        };
        let g = &self.generalisations[q].levels[level];
        (original, g.labels[g.map[code as usize] as usize].clone())
    }

    /// A local recoding's cells next to the global optimum's.
    fn local_info(&self) -> Option<crate::report::LocalInfo> {
        use crate::anonymise::local::cells_changed;
        let local = self.local.as_ref()?;
        let names = self.qi_names();
        let q = names.len();
        let cells = q as f64 * self.base.records() as f64;
        let named = |v: Vec<u64>| -> std::collections::BTreeMap<String, u64> {
            names.iter().cloned().zip(v).collect()
        };
        let kept = |v: &[u64]| 1.0 - v.iter().sum::<u64>() as f64 / cells;
        let changed = cells_changed(&self.base, q, |c, qi| local.level(c, qi));
        let global = self.global.as_ref().map(|g| {
            let (into, mask) = crate::anonymise::search::released(
                &self.base,
                &self.generalisations,
                &g.levels,
                self.goal,
                self.class_targets.as_ref(),
            );
            let changed = cells_changed(&self.base, q, |c, qi| {
                (!mask[into[c] as usize]).then(|| g.levels[qi])
            });
            crate::report::GlobalInfo {
                levels: names
                    .iter()
                    .cloned()
                    .zip(g.levels.iter().copied())
                    .collect(),
                suppressed: g.suppressed,
                loss: g.loss,
                score: g.score,
                cells_kept: kept(&changed),
                cells_changed: named(changed),
            }
        });
        Some(crate::report::LocalInfo {
            start: local.start,
            cells_kept: kept(&changed),
            cells_changed: named(changed),
            records_by_level: names
                .iter()
                .cloned()
                .zip(local.records_by_level(&self.generalisations))
                .collect(),
            global,
        })
    }

    /// Every column of the input, in file order.
    pub fn all_columns(&self) -> &[String] {
        &self.table.all_columns
    }

    pub fn qi_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// The JSON report of a suggestion.
pub fn suggest_report(plan: &Plan, s: &Suggestion) -> Result<crate::report::SuggestReport> {
    use crate::report::*;
    use std::collections::BTreeMap;
    let names = s.qi_names();
    let by_name = |levels: &[usize]| -> BTreeMap<String, usize> {
        names.iter().cloned().zip(levels.iter().copied()).collect()
    };
    let best = s.result.best.as_ref();
    let result = match best {
        Some(b) => Some(s.analyse_result(plan, b)?.report),
        None => None,
    };
    Ok(SuggestReport {
        schema_version: SCHEMA_VERSION,
        kanon_version: env!("CARGO_PKG_VERSION").to_string(),
        input: plan.analysis.input.clone(),
        files: s.table.files.clone(),
        search: SearchInfo {
            k: s.goal.k,
            suppression_limit: plan.goal.suppression,
            levels: best.map(|b| by_name(&b.levels)),
            heights: names
                .iter()
                .cloned()
                .zip(s.generalisations.iter().map(|g| g.height()))
                .collect(),
            hierarchies: names
                .iter()
                .cloned()
                .zip(s.sources.iter().cloned())
                .collect(),
            examples: best.filter(|_| plan.analysis.show_values).map(|b| {
                names
                    .iter()
                    .enumerate()
                    .map(|(q, n)| {
                        let (from, to) = s.example(q, b.levels[q]);
                        (n.clone(), [from, to])
                    })
                    .collect()
            }),
            suppressed: best.map(|b| b.suppressed),
            loss: best.map(|b| b.loss),
            metric: plan.goal.metric,
            utility: best.map(|b| b.utility),
            nodes_checked: s.result.nodes_checked,
            lattice: s.result.lattice,
            strategy: s.result.strategy,
            optimal: s.result.optimal,
            stopped: s.result.stopped,
            lower_bound: s.result.lower_bound,
            gap: s.result.gap,
            alternatives: s
                .result
                .alternatives
                .iter()
                .map(|a| AlternativeInfo {
                    levels: by_name(&a.levels),
                    suppressed: a.suppressed,
                    loss: a.loss,
                    score: a.score,
                })
                .collect(),
            recoding: plan.recoding,
            local: s.local_info(),
            result,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_widths() {
        assert_eq!(nice(0.3), 1.0);
        assert_eq!(nice(2.3), 5.0);
        assert_eq!(nice(7.0), 10.0);
        assert_eq!(nice(20.0), 20.0);
        assert_eq!(nice(21.0), 50.0);
    }
}
