//! The report: serde structs of the stable JSON schema (docs/json-schema.md)
//! and the human summary ([`text`]).
//!
//! The JSON is deterministic: fields in a fixed order, lists sorted, floats
//! printed by serde_json's shortest round-trip form, and every sum computed
//! in a fixed order.

pub mod text;

use serde::Serialize;

use crate::encode::ValueKind;
use crate::targets::TargetCheck;

/// Version of the JSON schema. Raised when a field changes meaning or is
/// removed; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole analysis of one table.
#[derive(Debug, Clone, Serialize)]
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
    pub attributes: Vec<AttributeInfo>,
    pub targets: Vec<TargetCheck>,
    /// True when every target holds (also when none was set).
    pub targets_met: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub format: String,
    /// CSV delimiter used (`tab` for a tab), null for other formats.
    pub delimiter: Option<String>,
    /// Rows in the file.
    pub rows: u64,
    /// Records the rows stand for (differs from rows for a frequency table).
    pub records: u64,
    pub count_column: Option<String>,
    pub weight_column: Option<String>,
    pub population: Option<PopulationInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PopulationInfo {
    pub path: String,
    pub rows: u64,
    /// Population rows whose QI values occur in the sample.
    pub matched_rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QiInfo {
    pub name: String,
    pub kind: ValueKind,
    /// Distinct values, the missing value counting as one.
    pub distinct: u64,
    /// Records whose value is missing (null, empty or a missing token).
    pub missing: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingInfo {
    /// Values read as missing besides empty cells and nulls.
    pub tokens: Vec<String>,
    /// How missing values enter the classes: `own_value` (one value of
    /// their own, as ARX treats them).
    pub treatment: String,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct SmallClass {
    /// Index of the class in kanon's class order (as in `--records`).
    pub class_id: u64,
    pub size: u64,
    /// QI values, only with `--show-values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct UniquesInfo {
    pub count: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskInfo {
    /// τ: a record is at risk when its risk is above this.
    pub threshold: f64,
    pub prosecutor: ProsecutorInfo,
    pub journalist: JournalistInfo,
    /// Marketer risk (1/n) Σ f_c/F_c.
    pub marketer: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProsecutorInfo {
    pub highest: f64,
    pub average: f64,
    pub records_at_risk: f64,
    pub records_at_risk_count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct JournalistInfo {
    /// Where population class sizes come from: `sample` (none given: equal
    /// to prosecutor), `weights` or `population_table`.
    pub basis: String,
    pub note: String,
    pub highest: f64,
    pub average: f64,
    pub records_at_risk: f64,
    pub records_at_risk_count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttributeInfo {
    pub name: String,
    pub distinct: u64,
    pub distinction: f64,
    pub separation: Option<f64>,
    pub uniques_alone: u64,
    pub uniques_without: u64,
    pub uniques_removed: u64,
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
