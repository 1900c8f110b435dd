//! Errors with the context a user needs to fix the input: file, column, row.
//!
//! Every error kanon returns to the command line is one of these. Each maps to
//! exit code 2 ("usage, input or configuration error"); a missed privacy
//! target is not an error but a result (exit code 1).

use std::fmt;

/// Where in the input a problem sits. Every part is optional because not
/// every problem has a column or a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (`-` for standard input).
    pub file: Option<String>,
    /// Column name.
    pub column: Option<String>,
    /// 1-based data row (the header is row 0).
    pub row: Option<u64>,
    /// The offending value of a record. Never part of the message: values
    /// are private, so the command line shows it only with `--show-values`.
    pub value: Option<String>,
}

/// The error type of the library.
#[derive(Debug)]
pub enum Error {
    /// Bad command-line usage or configuration (an option out of range, a
    /// quasi-identifier named twice, …).
    Usage(String),
    /// A problem with an input file: missing, unreadable, malformed.
    Input { at: Location, message: String },
    /// An I/O failure while writing an output file.
    Output { path: String, message: String },
}

impl Error {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    /// An input error about a whole file.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Error::Input {
            at: Location {
                file: Some(file.to_string()),
                ..Location::default()
            },
            message: message.into(),
        }
    }

    /// An input error about a column of a file.
    pub fn column(file: &str, column: &str, message: impl Into<String>) -> Self {
        Error::Input {
            at: Location {
                file: Some(file.to_string()),
                column: Some(column.to_string()),
                ..Location::default()
            },
            message: message.into(),
        }
    }

    /// An input error about one cell (or one row, when `column` is `None`).
    pub fn cell(file: &str, column: Option<&str>, row: u64, message: impl Into<String>) -> Self {
        Error::Input {
            at: Location {
                file: Some(file.to_string()),
                column: column.map(str::to_string),
                row: Some(row),
                value: None,
            },
            message: message.into(),
        }
    }

    /// An output error.
    pub fn output(path: &str, message: impl Into<String>) -> Self {
        Error::Output {
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// Attach the record value the error is about (shown only on request).
    pub fn with_value(self, value: impl Into<String>) -> Self {
        match self {
            Error::Input { mut at, message } => {
                at.value = Some(value.into());
                Error::Input { at, message }
            }
            other => other,
        }
    }

    /// The record value the error is about, if any.
    pub fn value(&self) -> Option<&str> {
        match self {
            Error::Input { at, .. } => at.value.as_deref(),
            _ => None,
        }
    }

    /// The process exit code for this error: always 2 (docs/ARCHITECTURE.md).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::Input { at, message } => {
                let mut parts = Vec::new();
                if let Some(file) = &at.file {
                    parts.push(file.clone());
                }
                if let Some(column) = &at.column {
                    parts.push(format!("column '{column}'"));
                }
                if let Some(row) = at.row {
                    parts.push(format!("row {row}"));
                }
                if parts.is_empty() {
                    write!(f, "{message}")
                } else {
                    write!(f, "{}: {message}", parts.join(", "))
                }
            }
            Error::Output { path, message } => write!(f, "cannot write {path}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias of the library.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_file_column_and_row() {
        let e = Error::cell("data.csv", Some("weight"), 12, "negative weight -1");
        assert_eq!(
            e.to_string(),
            "data.csv, column 'weight', row 12: negative weight -1"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn usage_is_plain() {
        assert_eq!(
            Error::usage("--k must be at least 1").to_string(),
            "--k must be at least 1"
        );
    }
}
