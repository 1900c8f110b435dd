//! The configuration of an analysis: every setting with its default,
//! written once, checked before any file is touched.

use crate::error::{Error, Result};
use crate::gate::targets::Targets;
use crate::input::ReadOptions;
use crate::measure::closeness::Distance;

/// Everything `kanon analyse` needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Path of the input, `-` for CSV on standard input.
    pub input: String,
    pub read: ReadOptions,
    /// Quasi-identifiers, in the order given.
    pub qis: Vec<String>,
    /// Sensitive attributes (checked to exist and carried into the report).
    pub sensitive: Vec<String>,
    /// Values that mean "missing" besides empty cells and nulls.
    pub missing_tokens: Vec<String>,
    /// Column of sampling weights (one per record).
    pub weight: Option<String>,
    /// Column of record counts: the input is a frequency table.
    pub count: Option<String>,
    /// A population table with the same QIs (journalist and marketer risk).
    pub population: Option<String>,
    /// That table already read, and generalised as a release is (the
    /// search's analysis of its release): used instead of reading the file.
    pub population_frame: Option<PopulationFrame>,
    /// τ: records whose risk is above τ are at risk.
    pub risk_threshold: f64,
    pub targets: Targets,
    /// Show QI values of the smallest classes in the report.
    pub show_values: bool,
    /// Keep each row's class (needed for per-record output).
    pub row_classes: bool,
    /// How the sensitive attributes are assessed.
    pub inference: InferenceConfig,
    /// Population size N (population uniqueness, individual risk).
    pub population_size: Option<f64>,
    /// Sampling fraction π (N = n/π).
    pub sampling_fraction: Option<f64>,
    /// SUDA2 settings; `None` skips SUDA2.
    pub suda: Option<SudaConfig>,
    /// Largest QI subset of the subset sweep; `None` skips the sweep.
    pub subsets: Option<usize>,
    /// Column identifying persons (person-level k).
    pub person_id: Option<String>,
    /// How missing QI values count for singling out.
    pub missing_as: MissingAs,
    /// Profile the columns not named in the configuration and warn about
    /// direct identifiers, pseudonyms and likely quasi-identifiers left out
    /// (WP216 mistakes 1 and 5). Costs a second read of those columns.
    pub profile_undeclared: bool,
    /// Skip attribute contribution (its roll-ups cost the most on tables
    /// with millions of classes); the report's `attributes` is then null.
    pub no_contribution: bool,
    /// An attacker table to link to the input (linkability verdict).
    pub aux: Option<crate::run::link::AuxSpec>,
    /// Linkage targets (with `aux`).
    pub link_targets: crate::run::link::LinkTargets,
    /// Language of the verdicts' reasons (and of reports).
    pub lang: crate::render::lang::Lang,
    /// Further inputs read with `input` as one table.
    pub more_inputs: Vec<String>,
    /// Read in batches even for one file ([`crate::input::stream`]).
    pub stream: bool,
    /// Bytes of CSV per batch when streaming.
    pub batch_bytes: usize,
}

/// Missing QI values as a value of their own (ARX), as wildcards
/// (sdcMicro's freqCalc), or both with targets checked on the worse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingAs {
    #[default]
    Value,
    Wildcard,
    Both,
}

impl crate::choice::Choice for MissingAs {
    const WHAT: &'static str = "treatment of missing values";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("value", MissingAs::Value),
        ("wildcard", MissingAs::Wildcard),
        ("both", MissingAs::Both),
    ];
}

/// Default settings, written once: `Config::default()`, the policy file and
/// the command line's defaults all take them from here.
pub mod defaults {
    /// A record is at risk above this prosecutor risk.
    pub const RISK_THRESHOLD: f64 = 0.2;
    /// c of recursive (c,l)-diversity (Machanavajjhala et al. 2007).
    pub const RECURSIVE_C: f64 = 2.0;
    /// Share of one sensitive value from which a class is near-homogeneous.
    pub const HOMOGENEITY_THRESHOLD: f64 = 0.9;
    /// π of SUDA's DIS score (sdcMicro's `DisFraction`).
    pub const DIS_FRACTION: f64 = 0.01;
    /// MiB of CSV per streamed batch.
    pub use crate::input::stream::DEFAULT_BATCH_MB as BATCH_MB;
}

/// Settings of SUDA2.
#[derive(Debug, Clone)]
pub struct SudaConfig {
    /// Largest MSU size searched; all QIs when `None`.
    pub max_size: Option<usize>,
    /// π of the DIS score (sdcMicro's `DisFraction`, 0.01 by default).
    pub dis_fraction: f64,
}

impl Default for SudaConfig {
    fn default() -> Self {
        SudaConfig {
            max_size: None,
            dis_fraction: defaults::DIS_FRACTION,
        }
    }
}

/// Settings of the inference measures.
#[derive(Debug, Clone)]
pub struct InferenceConfig {
    /// c of recursive (c,l)-diversity.
    pub c: f64,
    /// Share of one value from which a class counts as near-homogeneous.
    pub homogeneity_threshold: f64,
    /// t-closeness distance for every attribute, or per attribute; chosen
    /// from the attribute when absent.
    pub distance: Option<Distance>,
    pub distance_for: Vec<(String, Distance)>,
    /// Hierarchy files of sensitive attributes (hierarchical distance).
    pub hierarchies: Vec<(String, String)>,
    /// User-given value orders (ordered distance), low to high.
    pub orders: Vec<(String, Vec<String>)>,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig {
            c: defaults::RECURSIVE_C,
            homogeneity_threshold: defaults::HOMOGENEITY_THRESHOLD,
            distance: None,
            distance_for: Vec::new(),
            hierarchies: Vec::new(),
            orders: Vec::new(),
        }
    }
}

/// A population table in memory (see [`Config::population_frame`]).
#[derive(Clone)]
pub struct PopulationFrame(pub std::sync::Arc<crate::input::Table>);

impl std::fmt::Debug for PopulationFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PopulationFrame({})", self.0.source)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: String::new(),
            read: ReadOptions::default(),
            qis: Vec::new(),
            sensitive: Vec::new(),
            missing_tokens: Vec::new(),
            weight: None,
            count: None,
            population: None,
            population_frame: None,
            risk_threshold: defaults::RISK_THRESHOLD,
            targets: Targets::default(),
            show_values: false,
            row_classes: false,
            inference: InferenceConfig::default(),
            population_size: None,
            sampling_fraction: None,
            suda: None,
            subsets: None,
            person_id: None,
            missing_as: MissingAs::Value,
            profile_undeclared: false,
            no_contribution: false,
            aux: None,
            link_targets: Default::default(),
            lang: Default::default(),
            more_inputs: Vec::new(),
            stream: false,
            batch_bytes: crate::input::stream::StreamOptions::default().batch_bytes,
        }
    }
}

impl Config {
    /// Check the configuration before touching any file.
    pub fn validate(&self) -> Result<()> {
        if self.qis.is_empty() {
            return Err(Error::usage("name at least one quasi-identifier with --qi"));
        }
        self.validate_roles()?;
        self.validate_inference()?;
        self.validate_survey()?;
        if !(self.risk_threshold > 0.0 && self.risk_threshold <= 1.0) {
            return Err(Error::usage(format!(
                "--risk-threshold must be above 0 and at most 1, got {}",
                self.risk_threshold
            )));
        }
        self.validate_linkage()?;
        self.targets.validate()
    }

    /// A column has one role: named once, as one kind of column.
    fn validate_roles(&self) -> Result<()> {
        let mut roles: Vec<(&str, &str)> = Vec::new();
        for q in &self.qis {
            roles.push((q, "quasi-identifier"));
        }
        for s in &self.sensitive {
            roles.push((s, "sensitive attribute"));
        }
        if let Some(w) = &self.weight {
            roles.push((w, "weight column"));
        }
        if let Some(c) = &self.count {
            roles.push((c, "count column"));
        }
        if let Some(p) = &self.person_id {
            roles.push((p, "person-id column"));
        }
        for (i, (name, role)) in roles.iter().enumerate() {
            if let Some((_, first)) = roles[..i].iter().find(|(n, _)| n == name) {
                return Err(Error::usage(if first == role {
                    format!("column '{name}' is named twice as a {role}")
                } else {
                    format!("column '{name}' cannot be both a {first} and a {role}")
                }));
            }
        }
        Ok(())
    }

    /// The inference settings, and that inference targets have an attribute.
    fn validate_inference(&self) -> Result<()> {
        let inf = &self.inference;
        if !(inf.c > 0.0 && inf.c.is_finite()) {
            return Err(Error::usage(format!(
                "--c must be a positive number, got {}",
                inf.c
            )));
        }
        if !(inf.homogeneity_threshold > 0.0 && inf.homogeneity_threshold <= 1.0) {
            return Err(Error::usage(format!(
                "--homogeneity-threshold must be above 0 and at most 1, got {}",
                inf.homogeneity_threshold
            )));
        }
        let named = inf
            .distance_for
            .iter()
            .map(|d| &d.0)
            .chain(inf.hierarchies.iter().map(|h| &h.0))
            .chain(inf.orders.iter().map(|o| &o.0));
        for attr in named {
            if !self.sensitive.contains(attr) {
                return Err(Error::usage(format!(
                    "'{attr}' is not a sensitive attribute (name it with --sensitive)"
                )));
            }
        }
        if self.targets.has_inference() && self.sensitive.is_empty() {
            return Err(Error::usage(
                "the l, t, delta, beta and alpha targets need a sensitive attribute (--sensitive)",
            ));
        }
        Ok(())
    }

    /// SUDA2 and the subset sweep, whose work is checked against its cap.
    fn validate_survey(&self) -> Result<()> {
        if let Some(s) = &self.suda {
            if !(s.dis_fraction > 0.0 && s.dis_fraction < 1.0) {
                return Err(Error::usage(format!(
                    "--dis-fraction must be between 0 and 1, got {}",
                    s.dis_fraction
                )));
            }
            if s.max_size == Some(0) {
                return Err(Error::usage("--suda-max must be at least 1"));
            }
        }
        if self.subsets == Some(0) {
            return Err(Error::usage("--subsets must be at least 1"));
        }
        // Both enumerate QI subsets, each a roll-up of the class table:
        // refuse before any work what would not finish.
        use crate::measure::suda::{count_subsets, MAX_SUBSETS};
        let m = self.qis.len();
        for (what, fix, size) in [
            ("the subset sweep", "lower --subsets", self.subsets),
            (
                "SUDA2",
                "give --suda-max",
                self.suda.as_ref().map(|s| s.max_size.unwrap_or(m)),
            ),
        ] {
            if let Some(size) = size {
                let n = count_subsets(m, size);
                if n > MAX_SUBSETS {
                    return Err(Error::usage(format!(
                        "{what} over {m} quasi-identifiers up to size {} would examine {n} subsets; \
                         kanon examines at most {MAX_SUBSETS} (the cap): {fix}",
                        size.min(m)
                    )));
                }
            }
        }
        if self.targets.max_suda_score.is_some() && self.suda.is_none() {
            return Err(Error::usage("--max-suda-score needs SUDA2 (--suda)"));
        }
        Ok(())
    }

    /// Linkage targets need an attacker table; ground truth needs both ids.
    fn validate_linkage(&self) -> Result<()> {
        self.link_targets.validate()?;
        if self.aux.is_none()
            && (self.link_targets.max_unique_match_rate.is_some()
                || self.link_targets.max_link_risk.is_some())
        {
            return Err(Error::usage(
                "--max-unique-match-rate and --max-link-risk need an attacker table (--aux)",
            ));
        }
        if let Some(a) = &self.aux {
            if a.release_id.is_some() != a.aux_id.is_some() {
                return Err(Error::usage(
                    "ground truth needs both --release-id and --aux-id",
                ));
            }
        }
        Ok(())
    }

    /// Every setting of the analysis, as (name, value) text, for reports.
    pub fn parameters(&self) -> Vec<(String, String)> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
        let num = |o: Option<f64>| o.map_or("—".into(), crate::gate::targets::fmt6);
        let t = &self.targets;
        let mut p: Vec<(String, String)> = vec![
            ("quasi-identifiers".into(), self.qis.join(", ")),
            ("sensitive attributes".into(), self.sensitive.join(", ")),
            ("missing tokens".into(), self.missing_tokens.join(", ")),
            (
                "missing values as".into(),
                format!("{:?}", self.missing_as).to_lowercase(),
            ),
            ("weight column".into(), opt(&self.weight)),
            ("count column".into(), opt(&self.count)),
            ("population table".into(), opt(&self.population)),
            ("population size".into(), num(self.population_size)),
            ("sampling fraction".into(), num(self.sampling_fraction)),
            (
                "risk threshold".into(),
                crate::gate::targets::fmt6(self.risk_threshold),
            ),
            ("person id".into(), opt(&self.person_id)),
            ("target k".into(), t.k.map_or("—".into(), |k| k.to_string())),
            ("target max risk".into(), num(t.max_risk)),
            ("target max average risk".into(), num(t.max_average_risk)),
            (
                "target max records at risk".into(),
                num(t.max_records_at_risk),
            ),
            ("target max uniques".into(), num(t.max_uniques)),
            (
                format!("target l ({:?})", t.l_kind).to_lowercase(),
                num(t.l),
            ),
            ("target t".into(), num(t.t)),
            (
                format!("target δ ({:?})", t.delta_variant).to_lowercase(),
                num(t.delta),
            ),
            (
                format!("target β ({:?})", t.beta_kind).to_lowercase(),
                num(t.beta),
            ),
            ("target α".into(), num(t.alpha)),
            (
                "target max population uniqueness".into(),
                num(t.max_population_uniqueness),
            ),
            ("target max global risk".into(), num(t.max_global_risk)),
            ("target max SUDA score".into(), num(t.max_suda_score)),
            (
                "target k-map".into(),
                t.k_map.map_or("—".into(), |k| {
                    format!(
                        "{k} ({}, α = {})",
                        crate::choice::Choice::name(t.k_map_estimator),
                        crate::gate::targets::fmt6(t.significance)
                    )
                }),
            ),
            (
                "recursive l: c".into(),
                crate::gate::targets::fmt6(self.inference.c),
            ),
            (
                "homogeneity threshold".into(),
                crate::gate::targets::fmt6(self.inference.homogeneity_threshold),
            ),
            (
                "SUDA2".into(),
                self.suda.as_ref().map_or("off".into(), |s| {
                    format!(
                        "max MSU size {}, DIS fraction {}",
                        s.max_size.map_or("all".into(), |m| m.to_string()),
                        crate::gate::targets::fmt6(s.dis_fraction)
                    )
                }),
            ),
            (
                "QI subsets up to".into(),
                self.subsets.map_or("off".into(), |m| m.to_string()),
            ),
            (
                "attribute contribution".into(),
                if self.no_contribution { "off" } else { "on" }.into(),
            ),
        ];
        for (a, h) in &self.inference.hierarchies {
            p.push((format!("hierarchy of {a}"), h.clone()));
        }
        if let Some(a) = &self.aux {
            p.push(("attacker table".into(), a.path.clone()));
            p.push(("linked on".into(), a.on.join(", ")));
            p.push((
                "release id / attacker id".into(),
                format!("{} / {}", opt(&a.release_id), opt(&a.aux_id)),
            ));
            p.push((
                "target max unique-match rate".into(),
                num(self.link_targets.max_unique_match_rate),
            ));
            p.push((
                "target max link risk".into(),
                num(self.link_targets.max_link_risk),
            ));
        }
        p.push(("language".into(), self.lang.code().into()));
        p
    }

    /// Every path the analysis reads (outputs may not be any of these).
    pub fn read_paths(&self) -> Vec<String> {
        let mut p = vec![self.input.clone()];
        p.extend(self.more_inputs.iter().cloned());
        p.extend(self.population.iter().cloned());
        p.extend(self.inference.hierarchies.iter().map(|h| h.1.clone()));
        if let Some(a) = &self.aux {
            p.push(a.path.clone());
            p.extend(a.hierarchies.iter().map(|h| h.1.clone()));
        }
        p
    }

    pub(crate) fn columns(&self) -> Vec<String> {
        let mut c = self.qis.clone();
        c.extend(self.sensitive.iter().cloned());
        c.extend(self.weight.iter().cloned());
        c.extend(self.count.iter().cloned());
        c.extend(self.person_id.iter().cloned());
        if let Some(id) = self.aux.as_ref().and_then(|a| a.release_id.as_ref()) {
            if !c.contains(id) {
                c.push(id.clone());
            }
        }
        c
    }
}
