//! `kanon sql`: the GROUP BY that turns a table where the data lives into
//! the frequency table kanon ingests with `--count` (placeholder; being
//! written).

use crate::error::{Error, Result};

/// SQL dialects kanon writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Duckdb,
    Spark,
    Trino,
}

impl Dialect {
    pub fn parse(s: &str) -> Result<Dialect> {
        match s {
            "postgres" => Ok(Dialect::Postgres),
            "duckdb" => Ok(Dialect::Duckdb),
            "spark" => Ok(Dialect::Spark),
            "trino" => Ok(Dialect::Trino),
            _ => Err(Error::usage(format!("unknown SQL dialect '{s}'"))),
        }
    }
}

/// What to group.
#[derive(Debug, Clone)]
pub struct SqlSpec {
    pub dialect: Dialect,
    pub table: String,
    pub qis: Vec<String>,
    pub sensitive: Vec<String>,
    pub weight: Option<String>,
    pub count_column: String,
}

/// The query, ending with a newline.
pub fn group_by_sql(spec: &SqlSpec) -> Result<String> {
    let _ = spec;
    Err(Error::usage("kanon sql is not written yet"))
}
