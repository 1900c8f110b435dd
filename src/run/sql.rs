//! `kanon sql`: the GROUP BY that turns a table where the data lives into
//! the frequency table kanon ingests with `--count`.
//!
//! The heavy pass over the records runs in the engine that holds them
//! (PostgreSQL, DuckDB, Spark, Trino); kanon reads the much smaller class
//! table (docs/ARCHITECTURE.md, "Mergeable aggregates"). The query groups on
//! the quasi-identifiers *and* the sensitive attributes (and the weight
//! column, when there is one), so every row of the result is one
//! combination of values with its number of records: kanon rebuilds the
//! equivalence classes and their sensitive histograms from those rows
//! exactly, with no approximation.
//!
//! SQL's GROUP BY puts all NULLs of a column into one group, and exporting
//! the result as CSV writes a NULL as an empty cell, which kanon reads as
//! missing: missing is a value of its own on both sides, so analysing the
//! result with `--count` gives the same figures as analysing the raw table.
//!
//! Every identifier is quoted for the dialect (double quotes, or backticks
//! for Spark), so names are used exactly as given: case, spaces and quotes
//! included.

use crate::choice::Choice;
use crate::error::{Error, Result};

/// SQL dialects kanon writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Duckdb,
    Spark,
    Trino,
}

impl crate::choice::Choice for Dialect {
    const WHAT: &'static str = "SQL dialect";
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("postgres", Dialect::Postgres),
        ("duckdb", Dialect::Duckdb),
        ("spark", Dialect::Spark),
        ("trino", Dialect::Trino),
    ];
}

impl Dialect {
    /// The character that delimits a quoted identifier.
    fn quote_char(self) -> char {
        match self {
            Dialect::Spark => '`',
            Dialect::Postgres | Dialect::Duckdb | Dialect::Trino => '"',
        }
    }

    /// Whether the engine matches identifiers case-insensitively even when
    /// they are quoted (so `Age` and `age` name the same column). PostgreSQL
    /// keeps the case of quoted identifiers; DuckDB, Spark (by default) and
    /// Trino do not.
    fn case_insensitive(self) -> bool {
        !matches!(self, Dialect::Postgres)
    }

    /// One identifier, quoted: the quote character inside it is doubled.
    pub fn quote(self, ident: &str) -> String {
        let q = self.quote_char();
        let mut out = String::with_capacity(ident.len() + 2);
        out.push(q);
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
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
///
/// ```text
/// -- kanon: frequency table of "t" over the quasi-identifiers and sensitive attributes.
/// -- Save the result as CSV with a header (NULL as an empty cell), then run:
/// -- kanon analyse result.csv --count kanon_count --qi age,sex --sensitive diagnosis
/// SELECT "age", "sex", "diagnosis", COUNT(*) AS "kanon_count"
/// FROM "t"
/// GROUP BY "age", "sex", "diagnosis"
/// ORDER BY "age", "sex", "diagnosis";
/// ```
pub fn group_by_sql(spec: &SqlSpec) -> Result<String> {
    let d = spec.dialect;
    let table = parse_table(&spec.table)?;
    let grouped = validate(spec)?;

    let table_sql = table
        .iter()
        .map(|p| d.quote(p))
        .collect::<Vec<_>>()
        .join(".");
    let cols = grouped
        .iter()
        .map(|c| d.quote(c))
        .collect::<Vec<_>>()
        .join(", ");

    let mut command = vec![
        "kanon".to_string(),
        "analyse".to_string(),
        "result.csv".to_string(),
        "--count".to_string(),
        spec.count_column.clone(),
    ];
    command.extend(list_args("--qi", &spec.qis));
    command.extend(list_args("--sensitive", &spec.sensitive));
    if let Some(w) = &spec.weight {
        command.push("--weight".to_string());
        command.push(w.clone());
    }
    // The trino CLI's CSV_HEADER output writes NULL as a quoted empty cell,
    // which kanon reads as an empty string unless told it is missing.
    if d == Dialect::Trino {
        command.push("--missing".to_string());
        command.push(String::new());
    }
    let command = command
        .iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ");

    let what = if spec.sensitive.is_empty() {
        "the quasi-identifiers"
    } else {
        "the quasi-identifiers and sensitive attributes"
    };
    let what = if spec.weight.is_some() {
        format!("{what} (and the weight column)")
    } else {
        what.to_string()
    };

    let mut sql = String::new();
    sql.push_str(&format!(
        "-- kanon ({}): frequency table of {table_sql} over {what}.\n",
        d.name()
    ));
    sql.push_str(match d {
        Dialect::Trino => {
            "-- Save the result as CSV with a header (trino --output-format CSV_HEADER; \
             it writes NULL as \"\", hence --missing ''), then run:\n"
        }
        _ => "-- Save the result as CSV with a header (NULL as an empty cell), then run:\n",
    });
    sql.push_str(&format!("-- {command}\n"));
    sql.push_str(&format!(
        "SELECT {cols}, COUNT(*) AS {}\n",
        d.quote(&spec.count_column)
    ));
    sql.push_str(&format!("FROM {table_sql}\n"));
    sql.push_str(&format!("GROUP BY {cols}\n"));
    sql.push_str(&format!("ORDER BY {cols};\n"));
    Ok(sql)
}

/// The grouped columns in order (QIs, sensitive attributes, weight), after
/// checking every name.
fn validate(spec: &SqlSpec) -> Result<Vec<&str>> {
    if spec.qis.is_empty() {
        return Err(Error::usage(
            "kanon sql needs at least one quasi-identifier (--qi)",
        ));
    }
    let mut named: Vec<(&str, &str)> = Vec::new();
    named.extend(spec.qis.iter().map(|c| (c.as_str(), "--qi")));
    named.extend(spec.sensitive.iter().map(|c| (c.as_str(), "--sensitive")));
    if let Some(w) = &spec.weight {
        named.push((w.as_str(), "--weight"));
    }
    named.push((spec.count_column.as_str(), "--count-column"));

    for (name, flag) in &named {
        check_name(name, flag)?;
    }
    let key = |s: &str| {
        if spec.dialect.case_insensitive() {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    for (i, (a, flag_a)) in named.iter().enumerate() {
        for (b, flag_b) in &named[..i] {
            if key(a) != key(b) {
                continue;
            }
            let same = if a == b {
                format!("column '{a}'")
            } else {
                format!(
                    "columns '{b}' and '{a}' (the same column in {}, which ignores case)",
                    spec.dialect.name()
                )
            };
            let message = if *flag_a == "--count-column" {
                format!(
                    "--count-column '{a}' clashes with the grouped {same} given as {flag_b}: \
                     choose another name for the count column"
                )
            } else if flag_a == flag_b {
                format!("{same} is named twice in {flag_a}")
            } else {
                format!("{same} is given as both {flag_b} and {flag_a}: a column has one role")
            };
            return Err(Error::usage(message));
        }
    }
    Ok(named[..named.len() - 1].iter().map(|(n, _)| *n).collect())
}

fn check_name(name: &str, flag: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::usage(format!(
            "{flag} contains an empty column name"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::usage(format!(
            "{flag}: column name {name:?} contains a control character (a newline, tab, …), \
             which kanon sql does not write into a query"
        )));
    }
    Ok(())
}

/// Split a table name into its parts (`schema.table`,
/// `catalog.schema.table`; how many the engine allows is its business). A part may
/// be quoted with double quotes or backticks (the quote doubled inside) to
/// hold a dot: `"my.schema".t`. Parts are otherwise taken exactly as
/// written and quoted for the dialect.
fn parse_table(table: &str) -> Result<Vec<String>> {
    let bad = |why: &str| Err(Error::usage(format!("--table '{table}': {why}")));
    if table.is_empty() {
        return bad("the table name is empty");
    }
    if table.chars().any(char::is_control) {
        return bad("the table name contains a control character");
    }
    let mut parts = Vec::new();
    let mut chars = table.chars().peekable();
    loop {
        let mut part = String::new();
        match chars.peek().copied() {
            Some(q @ ('"' | '`')) => {
                chars.next();
                loop {
                    match chars.next() {
                        Some(c) if c == q => {
                            if chars.peek() == Some(&q) {
                                chars.next();
                                part.push(q);
                            } else {
                                break;
                            }
                        }
                        Some(c) => part.push(c),
                        None => return bad(&format!("unterminated {q} in the table name")),
                    }
                }
                match chars.peek() {
                    None | Some('.') => {}
                    Some(_) => {
                        return bad(&format!(
                            "a quoted part must be followed by '.' or end the name (after {q}{part}{q})"
                        ))
                    }
                }
            }
            _ => {
                while let Some(&c) = chars.peek() {
                    if c == '.' {
                        break;
                    }
                    part.push(c);
                    chars.next();
                }
            }
        }
        if part.is_empty() {
            return bad("the table name has an empty part (two dots, or a dot at an end)");
        }
        parts.push(part);
        match chars.next() {
            None => break,
            Some('.') => continue,
            Some(_) => unreachable!("a part ends at a dot or at the end"),
        }
    }
    Ok(parts)
}

/// `flag LIST` as kanon's list syntax reads it (a comma in a name written
/// `\,`); one flag per name when a name ends in a backslash, which the
/// joined form cannot express.
fn list_args(flag: &str, names: &[String]) -> Vec<String> {
    if names.is_empty() {
        return Vec::new();
    }
    if names.iter().any(|n| n.ends_with('\\')) {
        return names
            .iter()
            .flat_map(|n| [flag.to_string(), n.replace(',', "\\,")])
            .collect();
    }
    let joined = names
        .iter()
        .map(|n| n.replace(',', "\\,"))
        .collect::<Vec<_>>()
        .join(",");
    vec![flag.to_string(), joined]
}

/// One shell word: as it is when it is plain, else in single quotes.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,/:=@%+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column name with a space, a double quote and a backtick.
    const AWKWARD: &str = "he said \"hi\" `x`";

    fn spec(dialect: Dialect) -> SqlSpec {
        SqlSpec {
            dialect,
            table: "t".into(),
            qis: vec!["age".into(), "sex".into()],
            sensitive: vec!["diagnosis".into()],
            weight: None,
            count_column: "kanon_count".into(),
        }
    }

    fn body(sql: &str) -> Vec<&str> {
        sql.lines().filter(|l| !l.starts_with("--")).collect()
    }

    #[test]
    fn dialects_parse_and_name_themselves() {
        for name in ["postgres", "duckdb", "spark", "trino"] {
            assert_eq!(Dialect::parse(name).unwrap().name(), name);
        }
        assert!(Dialect::parse("mysql").is_err());
    }

    #[test]
    fn postgres_query() {
        let sql = group_by_sql(&spec(Dialect::Postgres)).unwrap();
        assert_eq!(
            sql,
            "-- kanon (postgres): frequency table of \"t\" over the quasi-identifiers and sensitive attributes.\n\
             -- Save the result as CSV with a header (NULL as an empty cell), then run:\n\
             -- kanon analyse result.csv --count kanon_count --qi age,sex --sensitive diagnosis\n\
             SELECT \"age\", \"sex\", \"diagnosis\", COUNT(*) AS \"kanon_count\"\n\
             FROM \"t\"\n\
             GROUP BY \"age\", \"sex\", \"diagnosis\"\n\
             ORDER BY \"age\", \"sex\", \"diagnosis\";\n"
        );
    }

    #[test]
    fn spark_uses_backticks() {
        let sql = group_by_sql(&spec(Dialect::Spark)).unwrap();
        assert_eq!(
            body(&sql),
            vec![
                "SELECT `age`, `sex`, `diagnosis`, COUNT(*) AS `kanon_count`",
                "FROM `t`",
                "GROUP BY `age`, `sex`, `diagnosis`",
                "ORDER BY `age`, `sex`, `diagnosis`;",
            ]
        );
    }

    #[test]
    fn awkward_names_are_quoted_per_dialect() {
        for (dialect, quoted) in [
            (Dialect::Postgres, "\"he said \"\"hi\"\" `x`\""),
            (Dialect::Duckdb, "\"he said \"\"hi\"\" `x`\""),
            (Dialect::Trino, "\"he said \"\"hi\"\" `x`\""),
            (Dialect::Spark, "`he said \"hi\" ``x```"),
        ] {
            assert_eq!(dialect.quote(AWKWARD), quoted, "{dialect:?}");
            let mut s = spec(dialect);
            s.qis = vec![AWKWARD.into(), "sex".into()];
            let sql = group_by_sql(&s).unwrap();
            let q = dialect.quote_char();
            let b = body(&sql);
            assert_eq!(
                b[0],
                format!(
                    "SELECT {quoted}, {q}sex{q}, {q}diagnosis{q}, COUNT(*) AS {q}kanon_count{q}"
                ),
                "{dialect:?}"
            );
            assert_eq!(
                b[2],
                format!("GROUP BY {quoted}, {q}sex{q}, {q}diagnosis{q}"),
                "{dialect:?}"
            );
            // The command in the comment quotes the name for the shell.
            assert!(
                sql.contains("--qi 'he said \"hi\" `x`,sex'"),
                "{dialect:?}: {sql}"
            );
        }
    }

    #[test]
    fn schema_qualified_tables_are_quoted_per_part() {
        let mut s = spec(Dialect::Postgres);
        s.table = "public.my table".into();
        assert!(group_by_sql(&s)
            .unwrap()
            .contains("\nFROM \"public\".\"my table\"\n"));
        s.dialect = Dialect::Spark;
        s.table = "cat.db.t`1".into();
        assert!(group_by_sql(&s)
            .unwrap()
            .contains("\nFROM `cat`.`db`.`t``1`\n"));
        // A quoted part holds a dot.
        s.dialect = Dialect::Trino;
        s.table = "\"my.schema\".`t`".into();
        assert!(group_by_sql(&s)
            .unwrap()
            .contains("\nFROM \"my.schema\".\"t\"\n"));
        s.table = "\"a\"\"b\".t".into();
        assert!(group_by_sql(&s)
            .unwrap()
            .contains("\nFROM \"a\"\"b\".\"t\"\n"));
    }

    #[test]
    fn bad_table_names_are_usage_errors() {
        for table in ["", "a..b", ".t", "t.", "\"unterminated", "\"a\"b", "t\n"] {
            let mut s = spec(Dialect::Duckdb);
            s.table = table.into();
            let e = group_by_sql(&s).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{table:?}: {e:?}");
            assert!(e.to_string().contains("--table"), "{table:?}: {e}");
        }
    }

    #[test]
    fn trino_reads_quoted_empty_cells_as_missing() {
        let sql = group_by_sql(&spec(Dialect::Trino)).unwrap();
        assert!(sql.contains("CSV_HEADER"), "{sql}");
        assert!(
            sql.contains("--qi age,sex --sensitive diagnosis --missing ''\n"),
            "{sql}"
        );
        for d in [Dialect::Postgres, Dialect::Duckdb, Dialect::Spark] {
            assert!(!group_by_sql(&spec(d)).unwrap().contains("--missing"));
        }
    }

    #[test]
    fn weight_is_grouped_and_passed_on() {
        let mut s = spec(Dialect::Duckdb);
        s.weight = Some("w".into());
        let sql = group_by_sql(&s).unwrap();
        assert!(sql.contains("SELECT \"age\", \"sex\", \"diagnosis\", \"w\", COUNT(*)"));
        assert!(sql.contains("GROUP BY \"age\", \"sex\", \"diagnosis\", \"w\"\n"));
        assert!(sql.contains("--sensitive diagnosis --weight w\n"));
    }

    #[test]
    fn without_sensitive_attributes() {
        let mut s = spec(Dialect::Postgres);
        s.sensitive.clear();
        let sql = group_by_sql(&s).unwrap();
        assert!(sql.contains("over the quasi-identifiers.\n"));
        assert!(sql.contains("--qi age,sex\n"));
        assert!(!sql.contains("--sensitive"));
        assert_eq!(body(&sql)[2], "GROUP BY \"age\", \"sex\"");
    }

    #[test]
    fn commas_and_backslashes_in_names_follow_kanons_list_syntax() {
        let mut s = spec(Dialect::Postgres);
        s.qis = vec!["a,b".into(), "c".into()];
        assert!(group_by_sql(&s).unwrap().contains("--qi 'a\\,b,c'"));
        s.qis = vec!["a\\".into(), "c".into()];
        assert!(group_by_sql(&s).unwrap().contains("--qi 'a\\' --qi c"));
        s.qis = vec!["it's".into()];
        assert!(group_by_sql(&s).unwrap().contains("--qi 'it'\\''s'"));
    }

    fn usage_error(s: &SqlSpec) -> String {
        match group_by_sql(s) {
            Err(Error::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn invalid_specs_are_usage_errors() {
        let mut s = spec(Dialect::Postgres);
        s.qis.clear();
        assert!(usage_error(&s).contains("at least one quasi-identifier"));

        let mut s = spec(Dialect::Postgres);
        s.qis.push(String::new());
        assert!(usage_error(&s).contains("--qi contains an empty column name"));

        let mut s = spec(Dialect::Postgres);
        s.sensitive.push(String::new());
        assert!(usage_error(&s).contains("--sensitive contains an empty column name"));

        let mut s = spec(Dialect::Postgres);
        s.count_column = String::new();
        assert!(usage_error(&s).contains("--count-column contains an empty column name"));

        let mut s = spec(Dialect::Postgres);
        s.qis.push("age".into());
        assert!(usage_error(&s).contains("'age' is named twice in --qi"));

        let mut s = spec(Dialect::Postgres);
        s.sensitive.push("sex".into());
        assert!(usage_error(&s).contains("given as both --qi and --sensitive"));

        let mut s = spec(Dialect::Postgres);
        s.weight = Some("diagnosis".into());
        assert!(usage_error(&s).contains("given as both --sensitive and --weight"));

        let mut s = spec(Dialect::Postgres);
        s.count_column = "age".into();
        let m = usage_error(&s);
        assert!(m.contains("--count-column 'age' clashes"), "{m}");

        let mut s = spec(Dialect::Postgres);
        s.qis.push("line\nbreak".into());
        assert!(usage_error(&s).contains("control character"));
    }

    #[test]
    fn case_matters_only_where_the_engine_keeps_it() {
        let mut s = spec(Dialect::Postgres);
        s.qis.push("AGE".into());
        s.count_column = "Kanon_Count".into();
        assert!(group_by_sql(&s).is_ok());
        for d in [Dialect::Duckdb, Dialect::Spark, Dialect::Trino] {
            s.dialect = d;
            assert!(usage_error(&s).contains("which ignores case"), "{d:?}");
            let mut t = spec(d);
            t.count_column = "AGE".into();
            assert!(usage_error(&t).contains("clashes"), "{d:?}");
        }
    }
}
