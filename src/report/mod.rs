//! The report: serde structs of the stable JSON schema (docs/json-schema.md)
//! and the human summary ([`text`]).
//!
//! The JSON is deterministic: fields in a fixed order, lists sorted, floats
//! printed by serde_json's shortest round-trip form, and every sum computed
//! in a fixed order.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::engine::encode::ValueKind;
use crate::gate::targets::TargetCheck;
use crate::measure::closeness::Distance;

/// Version of the JSON schema. Raised when a field changes meaning or is
/// removed; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole analysis of one table.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub kanon_version: String,
    pub input: InputInfo,
    pub quasi_identifiers: Vec<QiInfo>,
    pub sensitive_attributes: Vec<String>,
    pub missing_values: MissingInfo,
    pub classes: ClassesInfo,
    pub k_anonymity: KInfo,
    pub sample_uniques: UniquesInfo,
    pub risk: RiskInfo,
    /// Attribute contribution per QI; null with `--no-contribution`.
    pub attributes: Option<Vec<AttributeInfo>>,
    /// Population uniqueness; null without a population size.
    pub population: Option<PopulationReport>,
    /// Benedetti-Franconi risk; null without weights or a population size.
    pub individual_risk: Option<IndividualRiskInfo>,
    /// SUDA2; null unless `--suda` or `--suda-max`.
    pub suda: Option<SudaInfo>,
    /// QI-subset sweep; null unless `--subsets`.
    pub subsets: Option<Vec<SubsetInfo>>,
    /// Person-level k; null without `--person-id`.
    pub person_level: Option<PersonLevelInfo>,
    /// k-map, counted in a population table or estimated from the sampling
    /// fraction; null without `--k-map`.
    pub k_map: Option<KMapInfo>,
    /// δ-presence, f/F over the classes; null without a population table
    /// or weights.
    pub presence: Option<PresenceInfo>,
    /// Inference measures per sensitive attribute (empty without `--sensitive`).
    pub inference: BTreeMap<String, InferenceInfo>,
    /// The worst figure of each inference measure over all sensitive attributes.
    pub inference_worst_case: Option<InferenceWorst>,
    pub targets: Vec<TargetCheck>,
    /// True when every target holds (also when none was set).
    pub targets_met: bool,
    /// Linkage of an attacker table to this release (`--aux`).
    pub linkage: Option<crate::measure::linkage::Linkability>,
    /// The WP216 verdicts on singling out, linkability and inference.
    pub wp216: Option<Wp216>,
    /// What got worse or better since the baseline (`--baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::gate::baseline::BaselineInfo>,
    pub warnings: Vec<crate::notice::Notice>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InputInfo {
    pub path: String,
    pub format: String,
    /// CSV delimiter used (`tab` for a tab), null for other formats.
    pub delimiter: Option<String>,
    /// Rows in the file (in every file, for several).
    pub rows: u64,
    /// Every file read: path, size in bytes, SHA-256 of the bytes read, rows.
    pub files: Vec<crate::input::FileInfo>,
    /// Records the rows stand for (differs from rows for a frequency table).
    pub records: u64,
    pub count_column: Option<String>,
    pub weight_column: Option<String>,
    pub population: Option<PopulationInfo>,
    /// How the streaming reader read the input (several files, a
    /// directory, a pattern or `--stream`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streaming: Option<crate::input::stream::StreamInfo>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PopulationInfo {
    pub path: String,
    pub rows: u64,
    /// Population rows whose QI values occur in the sample.
    pub matched_rows: u64,
    /// Population rows in no class of the table (with wildcards:
    /// compatible with none): f/F is 0 for these people.
    pub outside_rows: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct QiInfo {
    pub name: String,
    pub kind: ValueKind,
    /// Distinct values, the missing value counting as one.
    pub distinct: u64,
    /// Records whose value is missing (null, empty or a missing token).
    pub missing: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MissingInfo {
    /// Values read as missing besides empty cells and nulls.
    pub tokens: Vec<String>,
    /// `value` (one value of their own, as ARX; the classes), `wildcard`
    /// (sdcMicro's freqCalc: matches every value) or `both`.
    pub treatment: String,
    /// Which figures the k and risk targets are checked against: `value`,
    /// `wildcard`, or `worse_of_both`.
    pub gated_on: String,
    /// Singling-out figures with missing values as wildcards (with
    /// `--missing-as wildcard|both`).
    pub wildcard: Option<WildcardInfo>,
}

/// Singling-out figures when a missing value matches every value.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WildcardInfo {
    /// Smallest number of compatible records of any record.
    pub k: u64,
    pub sample_uniques: u64,
    pub records_below_k: u64,
    pub prosecutor_highest: f64,
    /// Mean over records of 1 / compatible records.
    pub prosecutor_average: f64,
    pub records_at_risk: f64,
    /// Smallest weight sum of compatible records (with weights).
    pub smallest_weighted_frequency: Option<f64>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClassesInfo {
    pub count: u64,
    pub min_size: u64,
    pub max_size: u64,
    pub mean_size: f64,
    pub median_size: f64,
    /// Ascending `[size, number_of_classes]` pairs.
    pub histogram: Vec<[u64; 2]>,
    /// The smallest classes (up to 10), smallest first.
    pub smallest: Vec<SmallClass>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SmallClass {
    /// Index of the class in kanon's class order (as in `--records`).
    pub class_id: u64,
    pub size: u64,
    /// QI values, only with `--show-values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KInfo {
    /// The k the data has: the smallest class size.
    pub k: u64,
    /// The k that `records_below_k` refers to.
    pub reference_k: u64,
    /// `target` (from `--k`) or `risk_threshold` (⌈1/τ⌉).
    pub reference_k_source: String,
    pub records_below_k: u64,
    pub share_below_k: f64,
    pub classes_below_k: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UniquesInfo {
    pub count: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskInfo {
    /// τ: a record is at risk when its risk is above this.
    pub threshold: f64,
    pub prosecutor: ProsecutorInfo,
    pub journalist: JournalistInfo,
    /// Marketer risk (1/n) Σ f_c/F_c.
    pub marketer: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProsecutorInfo {
    pub highest: f64,
    pub average: f64,
    pub records_at_risk: f64,
    pub records_at_risk_count: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JournalistInfo {
    /// Where population class sizes come from: `sample` (none given: equal
    /// to prosecutor), `weights` or `population_table`.
    pub basis: String,
    pub highest: f64,
    pub average: f64,
    pub records_at_risk: f64,
    pub records_at_risk_count: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttributeInfo {
    pub name: String,
    pub distinct: u64,
    pub distinction: f64,
    pub separation: Option<f64>,
    pub uniques_alone: u64,
    pub uniques_without: u64,
    pub uniques_removed: u64,
}

/// Inference measures of one sensitive attribute (docs/metrics.md, I1–I10).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InferenceInfo {
    pub kind: ValueKind,
    /// Distinct values in the table (missing counted as one).
    pub values: u64,
    /// Records whose sensitive value is missing.
    pub missing: u64,
    pub l_diversity: LDiversityInfo,
    pub t_closeness: TClosenessInfo,
    pub delta_disclosure: DeltaInfo,
    pub beta_likeness: BetaInfo,
    pub alpha_k: AlphaKInfo,
    pub homogeneous_records: HomogeneityInfo,
    pub attribution: AttributionInfo,
    /// Numeric attributes only.
    pub proximity: Option<ProximityInfo>,
    /// Classes with the most concentrated sensitive values (up to 10).
    pub worst_classes: Vec<WorstClassInfo>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LDiversityInfo {
    pub distinct: u64,
    /// exp(H), natural logarithms, not rounded.
    pub entropy: f64,
    pub recursive: RecursiveInfo,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RecursiveInfo {
    /// Largest l for which every class is (c,l)-diverse.
    pub l: u64,
    pub c: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TClosenessInfo {
    pub value: f64,
    pub distance: Distance,
    /// Hierarchy file, for the hierarchical distance.
    pub hierarchy: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeltaInfo {
    /// Brickell & Shmatikov's δ; null when infinite.
    pub strict: Option<f64>,
    /// True when strict δ is infinite (a class lacks a value of the table).
    pub infinite: bool,
    /// δ over the values present in each class (ARX, pycanon).
    pub present_values: f64,
    /// The variant a `--delta` target is checked against.
    pub gated_on: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BetaInfo {
    pub basic: f64,
    /// Smallest β for which enhanced β-likeness holds; null when none does.
    pub enhanced: Option<f64>,
    /// Classes where a value's gain exceeds −ln p (enhanced infeasible).
    pub enhanced_violating_classes: u64,
    pub gated_on: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AlphaKInfo {
    /// Largest share of one sensitive value in any class.
    pub alpha: f64,
    /// Smallest class (the k of (α,k)).
    pub k: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HomogeneityInfo {
    /// Records in classes with one sensitive value only.
    pub count: u64,
    pub share: f64,
    pub classes: u64,
    pub threshold: f64,
    /// Records in classes where one value has a share ≥ threshold.
    pub above_threshold_count: u64,
    pub above_threshold_share: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttributionInfo {
    /// Mean correct attribution probability over records.
    pub mean_cap: f64,
    /// Share of records whose value is the most frequent of their class.
    pub hit_rate: f64,
    /// Share of the most frequent value in the table.
    pub baseline: f64,
    /// (hit_rate − baseline)/(1 − baseline); null when baseline = 1.
    pub risk: Option<f64>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProximityInfo {
    pub global_range: f64,
    pub min_relative_range: f64,
    pub min_relative_iqr: f64,
    pub records_in_narrow_classes: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorstClassInfo {
    pub class_id: u64,
    pub size: u64,
    pub top_share: f64,
    pub distinct: u64,
    /// QI values and the top sensitive value, only with `--show-values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_value: Option<String>,
}

/// Worst case over all sensitive attributes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InferenceWorst {
    pub l_distinct: u64,
    pub l_entropy: f64,
    pub l_recursive: u64,
    pub t: f64,
    pub delta_strict: Option<f64>,
    pub delta_infinite: bool,
    pub delta_present_values: f64,
    pub beta_basic: f64,
    pub beta_enhanced: Option<f64>,
    pub alpha: f64,
    pub homogeneous_records: u64,
}

impl Report {
    /// Pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Serialising plain structs cannot fail; keep the output valid anyway.
            format!("{{\"error\": \"{e}\"}}")
        });
        s.push('\n');
        s
    }
}

/// Population uniqueness (docs/metrics.md, "Population uniqueness"), present when a population size
/// is known (`--population-size`, `--sampling-fraction` or weights).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PopulationReport {
    /// N (an integer unless estimated from fractional weights).
    #[serde(serialize_with = "crate::json::whole")]
    pub size: f64,
    /// π = n / N.
    pub sampling_fraction: f64,
    /// Where N comes from: `population_size`, `sampling_fraction` or `weights` (Σ w).
    pub source: String,
    pub estimators: Estimators,
    pub dankar: DankarInfo,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Estimators {
    pub zayatz: EstimateInfo,
    pub pitman: EstimateInfo,
    pub snb: EstimateInfo,
}

/// An estimate of population uniques: `count` and `share` (of N), or both
/// null with the `reason`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EstimateInfo {
    pub count: Option<f64>,
    pub share: Option<f64>,
    pub reason: Option<crate::measure::population::NoEstimate>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DankarInfo {
    /// `pitman`, `zayatz`, `snb` or `none` (no sample uniques).
    pub choice: String,
    pub count: Option<f64>,
    pub share: Option<f64>,
    /// The branch of the rule taken.
    pub rule: crate::measure::population::DankarRule,
}

/// Benedetti-Franconi individual risk (docs/metrics.md, "Benedetti-Franconi individual risk").
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IndividualRiskInfo {
    /// `weights` (F_c = Σ w) or `sampling_fraction` (F_c = f_c / π).
    pub basis: String,
    pub expected_reidentifications: f64,
    /// ER / n.
    pub global: f64,
    pub highest: f64,
    /// Records whose individual risk is above the risk threshold.
    pub records_above_threshold: u64,
}

/// SUDA2 special uniques (docs/metrics.md, "SUDA2 special uniques").
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SudaInfo {
    /// M, the number of key variables.
    pub keys: usize,
    /// Largest MSU size searched (`--suda-max`).
    pub max_msu_size: usize,
    /// Score form: Elliot's Σ (M − |MSU|)!.
    pub score_form: String,
    pub dis_fraction: f64,
    pub file_dis: f64,
    pub records_with_msu: u64,
    pub msus: u64,
    /// MSUs by size, from size 1.
    pub msus_by_size: Vec<u64>,
    pub max_score: f64,
    pub max_dis_score: f64,
    pub mean_score: f64,
    /// Per key variable: its share of all MSUs and its score contribution.
    pub variables: Vec<SudaVariable>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SudaVariable {
    pub name: String,
    pub msus: u64,
    /// Share of MSUs that contain the variable.
    pub msu_share: f64,
    /// Score-weighted contribution (shares add up to more than 1).
    pub contribution: f64,
}

/// k and sample uniques over one subset of the QIs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SubsetInfo {
    pub attributes: Vec<String>,
    pub k: u64,
    pub sample_uniques: u64,
    /// No smaller subset inside it has sample uniques.
    pub minimal: bool,
}

/// k counted in distinct persons (`--person-id`, WP216's "same weight"
/// mistake).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonLevelInfo {
    pub column: String,
    /// Smallest number of distinct persons in a class.
    pub k: u64,
    /// Largest share of one person's records in a class.
    pub max_person_share: f64,
    /// Classes with fewer distinct persons than records.
    pub classes_with_repeated_persons: u64,
}

/// The JSON of `kanon suggest` / `kanon anonymise`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SuggestReport {
    pub schema_version: u32,
    pub kanon_version: String,
    pub input: String,
    /// Every file read: path, size, SHA-256, rows.
    pub files: Vec<crate::input::FileInfo>,
    pub search: SearchInfo,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SearchInfo {
    /// Target k and suppression limit (share of records).
    pub k: u64,
    pub suppression_limit: f64,
    /// Chosen level per QI (null when no transformation meets the targets).
    pub levels: Option<BTreeMap<String, usize>>,
    /// Hierarchy height per QI.
    pub heights: BTreeMap<String, usize>,
    /// Where each QI's hierarchy came from: file, spec, or `auto:spec`.
    pub hierarchies: BTreeMap<String, String>,
    /// Per QI, what the first record's value becomes: [original, released];
    /// null unless `--show-values` (values of records are private).
    pub examples: Option<BTreeMap<String, [String; 2]>>,
    pub suppressed: Option<u64>,
    /// ARX's loss of the chosen transformation (whatever the metric).
    pub loss: Option<f64>,
    /// The metric minimised: `loss` (ARX's default), `precision`,
    /// `discernibility`, `aecs` or `entropy`.
    pub metric: crate::anonymise::search::Metric,
    /// Every utility figure of the chosen transformation.
    pub utility: Option<crate::anonymise::search::Utility>,
    /// Lattice nodes rolled up.
    pub nodes_checked: u64,
    /// Nodes in the lattice, Π (height + 1) over the QIs.
    pub lattice: u128,
    /// `exact` or `heuristic` (`--strategy auto` resolved by lattice size).
    pub strategy: crate::anonymise::strategy::Strategy,
    /// Proven optimal: no transformation meeting the targets scores less.
    pub optimal: bool,
    /// Why the search ended: `exhausted`, `time_limit` or `converged`.
    pub stopped: crate::anonymise::strategy::Stopped,
    /// No transformation meeting the targets scores less than this (null
    /// for metrics without a bound, or when none meets them).
    pub lower_bound: Option<f64>,
    /// (score − lower_bound) / score; 0 when optimal.
    pub gap: Option<f64>,
    /// The next best transformations (none under local recoding).
    pub alternatives: Vec<AlternativeInfo>,
    /// `global` (one level per QI for every record) or `local`; under
    /// local recoding `levels` holds each QI's highest level.
    pub recoding: crate::anonymise::local::Recoding,
    /// What local recoding did (null under global recoding).
    pub local: Option<LocalInfo>,
    /// The analysis of the transformed data (suppressed records removed).
    pub result: Option<Report>,
}

/// k-map: against a population table, or estimated as k-anonymity with a
/// derived k' (docs/metrics.md).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KMapInfo {
    /// The k of k-map: people of the population each class must match.
    pub k: u64,
    /// `population_table` (counted) or `estimated` (from π).
    pub method: String,
    /// With a population table: the smallest population class.
    pub smallest_population_class: Option<f64>,
    pub estimator: crate::measure::kmap::Estimator,
    /// α: the accepted chance that a class maps to fewer than k people.
    pub significance: f64,
    /// π = records / population size (null without a population size).
    pub sampling_fraction: Option<f64>,
    /// The k-anonymity that gives k-map with k at α (null without π).
    pub derived_k: Option<u64>,
    /// The chance a class of size derived_k maps to fewer than k people.
    pub type1_error: Option<f64>,
}

/// δ-presence (Nergiz, Atzori & Clifton 2007): the share of each class's
/// population that is released.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PresenceInfo {
    /// Where F comes from: `population_table` or `weights`.
    pub basis: String,
    /// The lowest f/F over the people of the population: 0 when some
    /// fall in no class of the table (`outside_rows`), as δ-presence
    /// (Nergiz et al. 2007) bounds it for every person of the population.
    pub min: f64,
    pub max: f64,
    /// Population records in no class of the table (0 with weights).
    pub outside_rows: u64,
}

/// A local recoding's cells, next to the global optimum's.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LocalInfo {
    /// Where the kept search started: `top` or `global` (the global optimum).
    pub start: crate::anonymise::local::Start,
    /// Per QI: records whose cell is not their value (generalised or suppressed).
    pub cells_changed: BTreeMap<String, u64>,
    /// Share of the QI cells (records × QIs) released as they were.
    pub cells_kept: f64,
    /// Per QI: released records at each level, from 0 to the height.
    pub records_by_level: BTreeMap<String, Vec<u64>>,
    /// The global optimum, for comparison (null when the global search found none).
    pub global: Option<GlobalInfo>,
}

/// The global optimum a local recoding is compared with.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GlobalInfo {
    pub levels: BTreeMap<String, usize>,
    pub suppressed: u64,
    pub loss: f64,
    /// The minimised metric's value.
    pub score: f64,
    pub cells_changed: BTreeMap<String, u64>,
    pub cells_kept: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AlternativeInfo {
    pub levels: BTreeMap<String, usize>,
    pub suppressed: u64,
    pub loss: f64,
    /// The minimised metric's value.
    pub score: f64,
}

impl SearchInfo {
    /// Under local recoding, the lowest level any released record of `qi`
    /// has, when below its highest (`levels`).
    pub fn lowest_level(&self, qi: &str) -> Option<usize> {
        let by_level = self.local.as_ref()?.records_by_level.get(qi)?;
        let low = by_level.iter().position(|&n| n > 0)?;
        (low < *self.levels.as_ref()?.get(qi)?).then_some(low)
    }

    /// "original → released" for a QI, when `--show-values` put examples in.
    pub fn example(&self, qi: &str) -> Option<String> {
        let [from, to] = self.examples.as_ref()?.get(qi)?;
        Some(format!("{from} → {to}"))
    }
}

impl SuggestReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// The profile of a whole input: every column, in file order.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Profile {
    pub schema_version: u32,
    pub kanon_version: String,
    pub input: String,
    pub rows: u64,
    pub columns: Vec<crate::measure::profile::ColumnProfile>,
    /// Columns of a type that cannot be read as values (lists, structs, …).
    pub not_profiled: Vec<NotProfiled>,
    /// The file read: path, size, SHA-256, rows.
    pub files: Vec<crate::input::FileInfo>,
}

/// A column left out of the profile, and its type.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NotProfiled {
    pub name: String,
    pub kind: String,
}

impl Profile {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// The JSON of `kanon link`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkReport {
    pub schema_version: u32,
    pub kanon_version: String,
    pub release: crate::input::FileInfo,
    pub aux: Option<crate::input::FileInfo>,
    pub previous: Option<crate::input::FileInfo>,
    /// The attacker table linked to the release (`--aux`).
    pub linkability: Option<crate::measure::linkage::Linkability>,
    /// The previous release linked to this one (`--previous`).
    pub cross_release: Option<CrossRelease>,
    pub targets: Vec<crate::gate::targets::TargetCheck>,
    pub targets_met: bool,
    /// The WP216 linkability verdict these figures give.
    pub verdict: Judgement,
    pub warnings: Vec<crate::notice::Notice>,
}

/// Cross-release figures: the composition and L1–L4 of the previous
/// release read as an attacker's table.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CrossRelease {
    pub composition: crate::measure::linkage::cross::Composition,
    pub linkage: crate::measure::linkage::Linkability,
}

impl LinkReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// One WP216 criterion judged: `wp216.*` and `kanon link`'s `verdict`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Judgement {
    pub verdict: crate::gate::wp216::Verdict,
    /// The figures the verdict rests on (name → value; counts as integers).
    #[serde(serialize_with = "crate::json::whole_map")]
    pub evidence: BTreeMap<String, f64>,
    /// True when kanon's documented defaults were used (no targets given).
    pub default_rule: bool,
    /// One or two plain sentences, in the language of `--lang`.
    pub reason: String,
}

/// The three WP216 criteria.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Wp216 {
    pub singling_out: Judgement,
    pub linkability: Judgement,
    pub inference: Judgement,
}

/// The JSON Schemas (draft 2020-12) of kanon's JSON outputs, derived from
/// the types that write them, so they cannot drift: (file name, schema).
/// docs/schema/ holds them; a test keeps the files equal to these.
pub fn json_schemas() -> Vec<(&'static str, String)> {
    let pretty = |s: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&s).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        ("analyse.schema.json", pretty(schemars::schema_for!(Report))),
        (
            "suggest.schema.json",
            pretty(schemars::schema_for!(SuggestReport)),
        ),
        (
            "link.schema.json",
            pretty(schemars::schema_for!(LinkReport)),
        ),
        (
            "profile.schema.json",
            pretty(schemars::schema_for!(Profile)),
        ),
    ]
}
