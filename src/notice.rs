//! Things a person should know about a run that are not figures: a column
//! with missing values, a file that was not read, a weight that was raised.
//!
//! A notice is data (a code and the facts it rests on), never a sentence:
//! the sentence lives in `render::notice`, in English and Dutch, and the
//! JSON carries the code and the facts so a pipeline can act on them.

use serde::Serialize;

/// One notice. Serialised as `{"code": "...", facts…}`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Notice {
    /// A file in a directory or pattern that is not a table kanon reads.
    FileNotRead { file: String },
    /// Records holding a line break inside a quoted field.
    MultilineRecords {
        file: String,
        records: u64,
        first_line: u64,
    },
    /// Classes smaller in the population table than in the sample.
    PopulationRaised { classes: u64, population: String },
    /// Classes whose weights sum to less than their records.
    WeightsRaised { classes: u64 },
    /// A quasi-identifier with missing values.
    QiMissing {
        column: String,
        missing: u64,
        /// The `--missing` tokens besides empty and null.
        tokens: Vec<String>,
        /// `--missing-as`: `value`, `wildcard` or `both`.
        treated_as: String,
    },
    /// Columns not profiled because standard input is read once.
    NotProfiledStdin { columns: u64 },
    /// Columns not profiled because the streaming reader reads named columns only.
    NotProfiledStreaming,
    /// A column whose type holds no readable values.
    NotProfiledType { column: String, kind: String },
    /// An undeclared column that looks like a direct identifier.
    DirectIdentifier {
        column: String,
        detector: Option<String>,
        /// Numbers with a value of their own per record: band or round them.
        continuous: bool,
    },
    /// An undeclared column that looks like a pseudonym or hash.
    Pseudonym {
        column: String,
        detector: Option<String>,
    },
    /// Undeclared columns an attacker may know.
    UndeclaredCandidates { columns: Vec<String> },
    /// Attacker values that match no released value.
    AttackerValuesUnmatched {
        column: String,
        unmatched: u64,
        distinct: u64,
    },
    /// Two releases paired by row position.
    PairedByRowPosition,
    /// The baseline was computed over other quasi-identifiers.
    BaselineQisDiffer {
        baseline: Vec<String>,
        now: Vec<String>,
    },
    /// The baseline has another JSON schema version.
    BaselineSchemaDiffers,
}
