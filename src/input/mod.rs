//! Reading tables with polars: CSV/TSV, Parquet, Arrow IPC (Feather) and
//! NDJSON, from a file or (as CSV) from standard input.
//!
//! Only the columns an analysis needs are kept. CSV columns are read as text
//! so that values are compared exactly as written in the file (`007` and `7`
//! are different values); typed formats keep their types. Errors name the
//! file, the column and the row.

pub mod csv;

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::{Error, Result};

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Parquet,
    Ipc,
    Ndjson,
}

impl Format {
    /// The format named by a file extension, if any.
    pub fn from_extension(path: &str) -> Option<Format> {
        let ext = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "tab" | "txt" | "psv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            "arrow" | "ipc" | "feather" => Some(Format::Ipc),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }

    /// Parse a `--format` value.
    pub fn parse(name: &str) -> Result<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" | "tsv" => Ok(Format::Csv),
            "parquet" => Ok(Format::Parquet),
            "ipc" | "arrow" | "feather" => Ok(Format::Ipc),
            "ndjson" | "jsonl" => Ok(Format::Ndjson),
            other => Err(Error::usage(format!(
                "unknown format '{other}' (expected csv, parquet, ipc or ndjson)"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Ipc => "ipc",
            Format::Ndjson => "ndjson",
        }
    }
}

/// How to read an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Overrides the format taken from the extension.
    pub format: Option<Format>,
    /// CSV delimiter; auto-detected among `,` `;` tab `|` when `None`.
    pub delimiter: Option<u8>,
}

/// The columns of one input that an analysis uses.
pub struct Table {
    /// The path as given (`-` for standard input).
    pub source: String,
    pub format: Format,
    /// The CSV delimiter used, if CSV.
    pub delimiter: Option<u8>,
    /// Every column name of the input, in file order.
    pub all_columns: Vec<String>,
    /// The requested columns, in the requested order.
    pub frame: DataFrame,
}

impl Table {
    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    /// A requested column.
    pub fn column(&self, name: &str) -> Result<&Series> {
        self.frame
            .column(name)
            .map(|c| c.as_materialized_series())
            .map_err(|_| Error::column(&self.source, name, "column was not loaded"))
    }
}

/// Bytes of an input, memory-mapped or read from stdin, without a UTF-8 BOM.
struct Bytes {
    data: BytesData,
    start: usize,
}

enum BytesData {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        let all: &[u8] = match &self.data {
            BytesData::Mapped(m) => m,
            BytesData::Owned(v) => v,
        };
        &all[self.start..]
    }
}

fn load_bytes(source: &str) -> Result<Bytes> {
    let data = if source == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::file(source, format!("cannot read standard input: {e}")))?;
        BytesData::Owned(buf)
    } else {
        let path = Path::new(source);
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::file(source, "no such file"),
            _ => Error::file(source, format!("cannot open: {e}")),
        })?;
        if meta.is_dir() {
            return Err(Error::file(source, "is a directory, not a file"));
        }
        if meta.len() == 0 {
            return Err(Error::file(source, "the file is empty"));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| Error::file(source, format!("cannot open: {e}")))?;
        // SAFETY: the map is read-only; kanon does not modify its inputs. A
        // concurrent writer could change the bytes under us, as with any
        // memory-mapped reader (polars maps files the same way).
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|e| Error::file(source, format!("cannot map: {e}")))?;
        BytesData::Mapped(map)
    };
    let mut bytes = Bytes { data, start: 0 };
    if bytes.as_ref().starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.start = 3;
    }
    Ok(bytes)
}

/// Decide the format of `source`.
pub fn detect_format(source: &str, options: &ReadOptions) -> Result<Format> {
    if let Some(f) = options.format {
        return Ok(f);
    }
    if source == "-" {
        return Ok(Format::Csv);
    }
    Format::from_extension(source).ok_or_else(|| {
        Error::file(
            source,
            "unsupported file extension (expected .csv, .tsv, .txt, .parquet, .arrow, .ipc, \
             .feather, .ndjson or .jsonl; or give --format)",
        )
    })
}

/// Read the named `columns` of `source`.
///
/// Fails with a clear error for a missing file, a directory, an unknown
/// extension, an empty file, a header without rows, ragged rows, invalid
/// UTF-8, duplicate column names and unknown columns (listing those present).
pub fn read_table(source: &str, columns: &[String], options: &ReadOptions) -> Result<Table> {
    let format = detect_format(source, options)?;
    let bytes = load_bytes(source)?;
    read_loaded(source, format, bytes, columns, options)
}

/// Read the named `columns` from CSV text in memory (a batch of a larger
/// file: header line, then records). `source` names it in errors.
pub fn read_csv_bytes(
    source: &str,
    text: Vec<u8>,
    columns: &[String],
    options: &ReadOptions,
) -> Result<Table> {
    let bytes = Bytes {
        data: BytesData::Owned(text),
        start: 0,
    };
    read_loaded(source, Format::Csv, bytes, columns, options)
}

fn read_loaded(
    source: &str,
    format: Format,
    bytes: Bytes,
    columns: &[String],
    options: &ReadOptions,
) -> Result<Table> {
    let (frame, all_columns, delimiter) = match format {
        Format::Csv => {
            let shape = csv::scan(source, bytes.as_ref(), options.delimiter)?;
            check_columns(source, columns, &shape.header)?;
            // polars cannot project zero columns; a header-only read needs none.
            let frame = if columns.is_empty() {
                DataFrame::new(shape.rows as usize, vec![])
                    .map_err(|e| Error::file(source, e.to_string()))?
            } else {
                read_csv(source, bytes, &shape, columns)?
            };
            if frame.height() as u64 != shape.rows {
                return Err(Error::file(
                    source,
                    format!(
                        "polars read {} rows but the file has {} (unsupported CSV dialect?)",
                        frame.height(),
                        shape.rows
                    ),
                ));
            }
            (frame, shape.header, Some(shape.delimiter))
        }
        other => {
            let frame = read_typed(source, other, bytes)?;
            let names: Vec<String> = frame
                .get_column_names()
                .iter()
                .map(|s| s.to_string())
                .collect();
            check_columns(source, columns, &names)?;
            if frame.height() == 0 {
                return Err(Error::file(source, "the table has no data rows"));
            }
            let frame = frame
                .select(columns.iter().map(|c| PlSmallStr::from(c.as_str())))
                .map_err(|e| Error::file(source, e.to_string()))?;
            (frame, names, None)
        }
    };
    Ok(Table {
        source: source.to_string(),
        format,
        delimiter,
        all_columns,
        frame,
    })
}

/// Every requested column must exist; the error lists those that do.
pub fn check_columns(source: &str, wanted: &[String], present: &[String]) -> Result<()> {
    for w in wanted {
        if !present.iter().any(|p| p == w) {
            let list: Vec<String> = present.iter().map(|p| format!("'{p}'")).collect();
            return Err(Error::column(
                source,
                w,
                format!("no such column; the columns are {}", list.join(", ")),
            ));
        }
    }
    Ok(())
}

fn read_csv(
    source: &str,
    bytes: Bytes,
    shape: &csv::CsvShape,
    columns: &[String],
) -> Result<DataFrame> {
    // All selected columns as text: values are compared exactly as written.
    let schema: Schema = shape
        .header
        .iter()
        .map(|name| Field::new(PlSmallStr::from(name.as_str()), DataType::String))
        .collect();
    let wanted: Arc<[PlSmallStr]> = columns
        .iter()
        .map(|c| PlSmallStr::from(c.as_str()))
        .collect();
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_columns(Some(wanted))
        .map_parse_options(|p| {
            p.with_separator(shape.delimiter)
                .with_quote_char(Some(b'"'))
                .with_missing_is_null(true)
        })
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::file(source, format!("cannot parse as CSV: {e}")))?;
    // polars returns projected columns in file order; restore the requested order.
    df.select(columns.iter().map(|c| PlSmallStr::from(c.as_str())))
        .map_err(|e| Error::file(source, e.to_string()))
}

fn read_typed(source: &str, format: Format, bytes: Bytes) -> Result<DataFrame> {
    let cursor = Cursor::new(bytes);
    let result = match format {
        Format::Parquet => ParquetReader::new(cursor).finish(),
        Format::Ipc => IpcReader::new(cursor).finish(),
        Format::Ndjson => JsonReader::new(cursor)
            .with_json_format(JsonFormat::JsonLines)
            .infer_schema_len(None)
            .finish(),
        Format::Csv => unreachable!("CSV is read by read_csv"),
    };
    result.map_err(|e| Error::file(source, format!("cannot read as {}: {e}", format.name())))
}
