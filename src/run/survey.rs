//! The report sections of issue "population risk": population uniqueness,
//! Benedetti-Franconi risk, SUDA2, the QI-subset sweep and person-level k.
//! Each is assembled from the class table; the models live in `risk`.

use crate::engine::classes::{ClassTable, Histograms};
use crate::engine::encode::EncodedColumn;
use crate::error::{Error, Result};
use crate::measure::individual::{individual_risk_of, IndividualRisk};
use crate::measure::population::{dankar, pitman, snb, zayatz, Estimate, Sample};
use crate::measure::privacy::class_stats;
use crate::measure::privacy::Frequencies;
use crate::measure::suda::{subset_sweep, suda2, Suda};
use crate::report::*;

use super::analyse::Config;

/// Population size N and where it comes from, if known.
pub fn population_size(cfg: &Config, t: &ClassTable) -> Result<Option<(f64, &'static str)>> {
    let weights = t.weights.as_ref().map(|w| w.iter().sum::<f64>());
    population_size_of(cfg, t.records() as f64, weights)
}

/// [`population_size`] of `n` records whose weights, if any, add up to
/// `weight_sum`.
pub fn population_size_of(
    cfg: &Config,
    n: f64,
    weight_sum: Option<f64>,
) -> Result<Option<(f64, &'static str)>> {
    match (cfg.population_size, cfg.sampling_fraction) {
        (Some(_), Some(_)) => Err(Error::usage(
            "give either --population-size or --sampling-fraction, not both",
        )),
        (Some(big_n), None) => {
            if !(big_n.is_finite() && big_n >= n) {
                return Err(Error::usage(format!(
                    "--population-size {big_n} is smaller than the table ({n} records)"
                )));
            }
            Ok(Some((big_n, "population_size")))
        }
        (None, Some(pi)) => {
            if !(pi > 0.0 && pi <= 1.0) {
                return Err(Error::usage(format!(
                    "--sampling-fraction must be above 0 and at most 1, got {pi}"
                )));
            }
            Ok(Some((n / pi, "sampling_fraction")))
        }
        (None, None) => Ok(weight_sum.map(|w| (w.max(n), "weights"))),
    }
}

fn estimate_info(e: &Estimate, big_n: f64) -> EstimateInfo {
    match e {
        Estimate::Valid(v) => EstimateInfo {
            count: Some(*v),
            share: Some(v / big_n),
            reason: None,
        },
        Estimate::Invalid(r) => EstimateInfo {
            count: None,
            share: None,
            reason: Some(r.clone()),
        },
    }
}

/// Population uniqueness by every estimator and Dankar's choice.
pub fn population_report(t: &ClassTable, big_n: f64, source: &str) -> PopulationReport {
    let hist = class_stats(t).histogram;
    let s = Sample {
        histogram: &hist,
        records: t.records(),
        population: big_n,
    };
    let (z, p, sn) = (zayatz(&s), pitman(&s), snb(&s));
    let choice = dankar(&s, &z, &p, &sn);
    PopulationReport {
        size: big_n,
        sampling_fraction: t.records() as f64 / big_n,
        source: source.to_string(),
        estimators: Estimators {
            zayatz: estimate_info(&z, big_n),
            pitman: estimate_info(&p, big_n),
            snb: estimate_info(&sn, big_n),
        },
        dankar: DankarInfo {
            choice: choice.model,
            count: choice.estimate,
            share: choice.estimate.map(|v| v / big_n),
            rule: choice.rule,
        },
    }
}

/// Benedetti-Franconi risk from weight sums (per class, over the records
/// each record is indistinguishable from), or from π when only a
/// population size is known (F = f / π).
pub fn individual(
    fr: Frequencies,
    weight_sums: Option<&[f64]>,
    big_n: Option<f64>,
) -> Option<(IndividualRisk, &'static str)> {
    if let Some(w) = weight_sums {
        return Some((individual_risk_of(fr, w), "weights"));
    }
    let big_n = big_n?;
    let pi = fr.records() as f64 / big_n;
    let pop: Vec<f64> = fr.f.iter().map(|&f| f as f64 / pi).collect();
    Some((individual_risk_of(fr, &pop), "sampling_fraction"))
}

pub fn individual_info(
    r: &IndividualRisk,
    basis: &str,
    t: &ClassTable,
    tau: f64,
) -> IndividualRiskInfo {
    IndividualRiskInfo {
        basis: basis.to_string(),
        expected_reidentifications: r.expected_reidentifications,
        global: r.global,
        highest: r.highest,
        records_above_threshold: r
            .per_class
            .iter()
            .zip(&t.sizes)
            .filter(|(&x, _)| crate::measure::tolerance::above(x, tau))
            .map(|(_, &f)| f)
            .sum(),
    }
}

/// SUDA2 over the QIs; with `missing`, missing values are wildcards.
pub fn suda(
    cfg: &Config,
    t: &ClassTable,
    fr: Frequencies,
    missing: Option<&[Option<u32>]>,
) -> Option<Suda> {
    let s = cfg.suda.as_ref()?;
    Some(suda2(
        t,
        s.max_size.unwrap_or(t.arity()),
        s.dis_fraction,
        fr.f,
        missing,
    ))
}

pub fn suda_info(s: &Suda, cfg: &Config, fr: Frequencies) -> SudaInfo {
    let msus: u64 = s.msus_by_size.iter().sum();
    let uniques: Vec<usize> = (0..fr.f.len()).filter(|&c| fr.f[c] == 1).collect();
    let n = fr.records();
    let total_score: f64 = s.scores.iter().sum();
    SudaInfo {
        keys: s.keys,
        max_msu_size: s.max_size,
        score_form: "elliot".into(),
        dis_fraction: cfg
            .suda
            .as_ref()
            .map_or(crate::run::config::defaults::DIS_FRACTION, |x| {
                x.dis_fraction
            }),
        file_dis: s.file_dis,
        records_with_msu: uniques.iter().filter(|&&c| s.msus[c] > 0).count() as u64,
        msus,
        msus_by_size: s.msus_by_size.clone(),
        max_score: s.scores.iter().copied().fold(0.0, f64::max),
        max_dis_score: s.dis_scores.iter().copied().fold(0.0, f64::max),
        mean_score: if n == 0 { 0.0 } else { total_score / n as f64 },
        variables: cfg
            .qis
            .iter()
            .enumerate()
            .map(|(q, name)| SudaVariable {
                name: name.clone(),
                msus: s.msus_per_variable[q],
                msu_share: if msus == 0 {
                    0.0
                } else {
                    s.msus_per_variable[q] as f64 / msus as f64
                },
                contribution: s.contribution[q],
            })
            .collect(),
    }
}

/// The QI-subset sweep.
pub fn subsets(cfg: &Config, t: &ClassTable) -> Option<Vec<SubsetInfo>> {
    let m = cfg.subsets?;
    Some(
        subset_sweep(t, m)
            .into_iter()
            .map(|s| SubsetInfo {
                attributes: s.attributes.iter().map(|&q| cfg.qis[q].clone()).collect(),
                k: s.k,
                sample_uniques: s.sample_uniques,
                minimal: s.minimal,
            })
            .collect(),
    )
}

/// k in distinct persons per class, from the person-id histograms.
pub fn person_level(column: &EncodedColumn, h: &Histograms) -> PersonLevelInfo {
    let (mut k, mut share, mut repeated) = (u64::MAX, 0.0f64, 0u64);
    for c in 0..h.len() {
        let (_, counts) = h.class(c);
        let f: u64 = counts.iter().sum();
        let persons = counts.len() as u64;
        k = k.min(persons);
        let top = counts.iter().copied().max().unwrap_or(0);
        if f > 0 {
            share = share.max(top as f64 / f as f64);
        }
        if persons < f {
            repeated += 1;
        }
    }
    PersonLevelInfo {
        column: column.name.clone(),
        k: if k == u64::MAX { 0 } else { k },
        max_person_share: share,
        classes_with_repeated_persons: repeated,
    }
}
