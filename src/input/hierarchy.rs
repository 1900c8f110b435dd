//! Generalisation hierarchies in ARX's CSV format.
//!
//! One row per original value: column 0 is the value, column i its
//! generalisation at level i; the last column is usually `*`. No header.
//! Fields are separated by `;` or `,` and may be quoted. Every row has the
//! same number of columns.

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::input::csv;

/// The hierarchy files of a directory, by the column each is for:
/// `COL.csv`, or ARX's naming `NAME_hierarchy_COL.csv`
/// (`adult_hierarchy_marital-status.csv` is for `marital-status`), in the
/// order of the column names. Other files are not hierarchies and are
/// passed over; two files for one column are an error naming both.
pub fn in_dir(dir: &str) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::file(dir, format!("cannot read the hierarchy directory: {e}")))?;
    let mut found: std::collections::BTreeMap<String, String> = Default::default();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name
            .strip_suffix(".csv")
            .or_else(|| name.strip_suffix(".CSV"))
            .filter(|_| path.is_file() && !name.starts_with('.'))
        else {
            continue;
        };
        let column = stem
            .rsplit_once("_hierarchy_")
            .map_or(stem, |(_, c)| c)
            .to_string();
        let file = path.to_string_lossy().to_string();
        if let Some(other) = found.insert(column.clone(), file.clone()) {
            let (a, b) = if other < file {
                (other, file)
            } else {
                (file, other)
            };
            return Err(Error::file(
                dir,
                format!("two hierarchy files for column '{column}': {a} and {b}"),
            ));
        }
    }
    Ok(found.into_iter().collect())
}

/// A value-generalisation hierarchy.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    /// Where it was read from (for errors).
    pub source: String,
    /// `rows[i][level]`; level 0 is the original value.
    pub rows: Vec<Vec<String>>,
    leaf: FxHashMap<String, usize>,
}

impl Hierarchy {
    /// Read a hierarchy file.
    pub fn read(path: &str) -> Result<Hierarchy> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::file(path, "no such hierarchy file"),
            _ => Error::file(path, format!("cannot read hierarchy: {e}")),
        })?;
        Hierarchy::parse_bytes(path, &bytes)
    }

    /// Parse hierarchy text; `source` names it in errors.
    pub fn parse(source: &str, text: &str) -> Result<Hierarchy> {
        Hierarchy::parse_bytes(source, text.as_bytes())
    }

    /// Parse hierarchy bytes with kanon's CSV reader; `;` unless the first
    /// row splits only on `,`.
    pub fn parse_bytes(source: &str, bytes: &[u8]) -> Result<Hierarchy> {
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        let delimiter = if csv::first_record_width(bytes, b';') > 1
            || csv::first_record_width(bytes, b',') == 1
        {
            b';'
        } else {
            b','
        };
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut leaf = FxHashMap::default();
        for (line, row) in csv::records(source, bytes, delimiter)? {
            if let Some(width) = rows.first().map(Vec::len) {
                if row.len() != width {
                    return Err(Error::cell(
                        source,
                        None,
                        line,
                        format!(
                            "hierarchy row has {} levels, the first row has {width} (line {line})",
                            row.len()
                        ),
                    ));
                }
            }
            if let Some(&first) = leaf.get(&row[0]) {
                // An identical repeated row (as in some published ARX
                // hierarchies) is harmless; a conflicting one is not.
                if rows[first] == row {
                    continue;
                }
                return Err(Error::cell(
                    source,
                    None,
                    line,
                    format!(
                        "value '{}' appears twice in the hierarchy with different generalisations (line {line})",
                        row[0]
                    ),
                ));
            }
            leaf.insert(row[0].clone(), rows.len());
            rows.push(row);
        }
        if rows.is_empty() {
            return Err(Error::file(source, "the hierarchy is empty"));
        }
        Ok(Hierarchy {
            source: source.to_string(),
            rows,
            leaf,
        })
    }

    /// Number of levels above the original values (the tree's height).
    pub fn height(&self) -> usize {
        self.rows[0].len() - 1
    }

    /// The row of an original value.
    pub fn row_of(&self, value: &str) -> Option<&[String]> {
        self.leaf.get(value).map(|&i| self.rows[i].as_slice())
    }

    /// Every label in `labels` (except the code `skip`, e.g. the missing
    /// value) must be an original value of the hierarchy. The error counts
    /// the values missing and carries the first (shown with --show-values).
    pub fn check_covers(&self, column: &str, labels: &[String], skip: Option<u32>) -> Result<()> {
        let missing: Vec<&String> = labels
            .iter()
            .enumerate()
            .filter(|&(code, l)| Some(code as u32) != skip && self.row_of(l).is_none())
            .map(|(_, l)| l)
            .collect();
        match missing.first() {
            None => Ok(()),
            Some(first) => Err(Error::column(
                &self.source,
                column,
                format!(
                    "{} value{} of column '{column}' {} not in the hierarchy",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            )
            .with_value(first.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_hierarchies_by_column() {
        let d = std::env::temp_dir().join(format!("kanon-hdir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        for f in [
            "adult_hierarchy_marital-status.csv",
            "age.csv",
            "notes.txt",
            ".hidden.csv",
        ] {
            std::fs::write(d.join(f), "a;b\n").unwrap();
        }
        let got = in_dir(d.to_str().unwrap()).unwrap();
        let columns: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(columns, ["age", "marital-status"]);
        std::fs::write(d.join("x_hierarchy_age.csv"), "a;b\n").unwrap();
        let err = in_dir(d.to_str().unwrap()).unwrap_err().to_string();
        assert!(
            err.contains("two hierarchy files for column 'age'"),
            "{err}"
        );
        assert!(in_dir(d.join("none").to_str().unwrap()).is_err());
    }

    #[test]
    fn parses_arx_format_with_quotes() {
        let h = Hierarchy::parse("h", "a;\"[1;2]\";*\r\nb;\"[1;2]\";*\n").unwrap();
        assert_eq!(h.height(), 2);
        assert_eq!(h.row_of("b").unwrap(), ["b", "[1;2]", "*"]);
        let h = Hierarchy::parse("h", "1,low,*\n9,high,*\n").unwrap();
        assert_eq!(h.row_of("9").unwrap()[1], "high");
    }

    #[test]
    fn identical_repeated_rows_are_ignored() {
        let h = Hierarchy::parse("h", "1;low;*\n1;low;*\n2;low;*\n").unwrap();
        assert_eq!(h.rows.len(), 2);
        let e = Hierarchy::parse("h", "1;low;*\n1;high;*\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("different generalisations") && e.contains("row 2"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_value_and_file() {
        let e = Hierarchy::parse("h.csv", "a;x;*\nb;*\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.csv") && e.contains("row 2"), "{e}");
        let h = Hierarchy::parse("h.csv", "a;*\n").unwrap();
        let e = h
            .check_covers("disease", &["a".into(), "zz".into()], None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("1 value of column 'disease'") && e.contains("h.csv") && !e.contains("zz"),
            "{e}"
        );
    }
}
