//! The sensitive attributes of an analysis: each encoded column assessed
//! over the classes (l-diversity, t-closeness, δ, β, (α,k), …).

use crate::engine::classes::{Grouping, Histograms};
use crate::engine::encode::{EncodedColumn, ValueKind};
use crate::error::{Error, Result};
use crate::input::hierarchy::Hierarchy;
use crate::measure::closeness::{Distance, TableDistribution, Tree};
use crate::measure::inference::{assess, Inference, Settings};

use super::config::Config;

/// One sensitive attribute, encoded and assessed.
pub struct Assessed {
    pub column: EncodedColumn,
    pub distance: Distance,
    /// The hierarchy file, for hierarchical distance.
    pub hierarchy: Option<String>,
    pub result: Inference,
}

/// Encode the sensitive attributes and assess each over the classes.
pub(super) fn assess_sensitive(
    cfg: &Config,
    sensitive: Vec<EncodedColumn>,
    mut first_histograms: Option<Histograms>,
    qis: &[EncodedColumn],
    grouping: &Grouping,
    counts: Option<&[u64]>,
) -> Result<Vec<Assessed>> {
    let inf = &cfg.inference;
    let qi_codes: Vec<&[u32]> = qis.iter().map(|c| c.codes.as_slice()).collect();
    let qi_cards: Vec<u32> = qis.iter().map(|c| c.cardinality()).collect();
    let mut out = Vec::new();
    for column in sensitive {
        let name = column.name.clone();
        let order = inf.orders.iter().find(|o| o.0 == name);
        let (distance, hierarchy) = distance_of(inf, &column);
        let h = match (first_histograms.take(), &grouping.members) {
            (Some(h), _) => h,
            (None, Some(members)) => {
                Histograms::build(members, &column.codes, column.cardinality(), counts)
            }
            (None, None) => {
                Histograms::by_sort(&qi_codes, &qi_cards, &column.codes, column.cardinality())
                    .ok_or_else(|| {
                        Error::usage("internal: sensitive histogram does not fit a 64-bit key")
                    })?
            }
        };
        let dist = TableDistribution::new(&h.totals());
        let tree = tree_of(distance, hierarchy.as_deref(), &column, &dist)?;
        let numbers = column.dict.numbers.clone();
        let result = assess(
            &h,
            &Settings {
                c: inf.c,
                homogeneity_threshold: inf.homogeneity_threshold,
                distance,
                tree: tree.as_ref(),
                numbers: numbers.as_deref().filter(|_| order.is_none()),
                worst: 10,
            },
        );
        out.push(Assessed {
            column,
            distance,
            hierarchy,
            result,
        });
    }
    Ok(out)
}

/// The t-closeness distance of a sensitive attribute, and its hierarchy
/// file if it has one: as asked (`--t-distance`, for all or per
/// attribute), else hierarchical with a hierarchy, ordered with a value
/// order or for numbers, equal otherwise. `analyse` and the search both
/// ask here, so a release is judged by the distance it was searched for.
pub(crate) fn distance_of(
    inf: &crate::run::config::InferenceConfig,
    column: &EncodedColumn,
) -> (Distance, Option<String>) {
    let name = &column.name;
    let order = inf.orders.iter().any(|o| &o.0 == name);
    let hierarchy = (inf.hierarchies.iter())
        .find(|h| &h.0 == name)
        .map(|h| h.1.clone());
    let distance = (inf.distance_for.iter())
        .find(|d| &d.0 == name)
        .map(|d| d.1)
        .or(inf.distance)
        .unwrap_or(if hierarchy.is_some() {
            Distance::Hierarchical
        } else if order || column.dict.kind == ValueKind::Numeric {
            Distance::Ordered
        } else {
            Distance::Equal
        });
    (distance, hierarchy)
}

/// The hierarchy tree hierarchical t-closeness needs (`None` for the
/// other distances), its node masses from the table distribution `dist`.
pub(crate) fn tree_of(
    distance: Distance,
    hierarchy: Option<&str>,
    column: &EncodedColumn,
    dist: &TableDistribution,
) -> Result<Option<Tree>> {
    let name = &column.name;
    match (distance, hierarchy) {
        (Distance::Hierarchical, Some(path)) => {
            let hier = Hierarchy::read(path)?;
            let (labels, missing) = (&column.dict.labels, column.dict.missing);
            Ok(Some(Tree::build(&hier, name, labels, missing, dist)?))
        }
        (Distance::Hierarchical, None) => Err(Error::usage(format!(
            "hierarchical t-closeness for '{name}' needs --hierarchy {name}=FILE"
        ))),
        _ => Ok(None),
    }
}

/// Re-code a column in a user-given order of its values (low to high);
/// the missing value, if any, stays last.
pub(crate) fn reorder(source: &str, column: &mut EncodedColumn, order: &[String]) -> Result<()> {
    let dict = &column.dict;
    let mut rank = vec![u32::MAX; dict.len()];
    for (i, value) in order.iter().enumerate() {
        match dict.code_of(value) {
            Some(c) if Some(c) != dict.missing => rank[c as usize] = i as u32,
            _ => {}
        }
    }
    if let Some(c) =
        (0..dict.len()).find(|&c| rank[c] == u32::MAX && Some(c as u32) != dict.missing)
    {
        return Err(Error::column(
            source,
            &column.name,
            "a value of the column is missing from the --order list",
        )
        .with_value(dict.labels[c].as_str()));
    }
    // Dense ranks of the values present, in the given order.
    let mut present: Vec<usize> = (0..dict.len())
        .filter(|&c| Some(c as u32) != dict.missing)
        .collect();
    present.sort_by_key(|&c| rank[c]);
    let mut remap = vec![0u32; dict.len()];
    let mut labels = Vec::with_capacity(dict.len());
    for (new, &old) in present.iter().enumerate() {
        remap[old] = new as u32;
        labels.push(dict.labels[old].clone());
    }
    if let Some(m) = dict.missing {
        remap[m as usize] = present.len() as u32;
        labels.push(dict.labels[m as usize].clone());
    }
    let missing = dict.missing.map(|_| present.len() as u32);
    for c in column.codes.iter_mut() {
        *c = remap[*c as usize];
    }
    column.dict.labels = labels;
    column.dict.missing = missing;
    column.dict.numbers = None;
    Ok(())
}
