//! Typed inputs read with polars: Parquet, Arrow IPC and NDJSON.
//!
//! Before polars sees a file, kanon checks what would make it fail badly:
//! the schema (duplicate names; types that cannot be values, which are
//! left out unless chosen), NDJSON nesting depth (a deep document would
//! overflow the parser's stack), Parquet page checksums (a flipped byte
//! must not change a figure). Only the wanted columns are decoded. A panic
//! inside the reader on a damaged file becomes an input error.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::prelude::*;

use super::{ipc_footer, parquet_pages, wide_decimal};
use super::{Bytes, Columns, Format};
use crate::error::{Error, Result};

/// Readers of damaged files running now: the binary's panic hook stays
/// quiet while this is above zero, because such a panic is reported as an
/// input error.
static GUARDED: AtomicUsize = AtomicUsize::new(0);

/// Whether a guarded read is running (for the binary's panic hook).
pub fn in_guarded_read() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}

/// Run a polars reader; its errors and panics become input errors.
fn guarded<T>(source: &str, format: Format, f: impl FnOnce() -> PolarsResult<T>) -> Result<T> {
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    let what = format.name();
    match outcome {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Error::file(source, format!("cannot read as {what}: {e}"))),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            Err(Error::file(
                source,
                format!(
                    "cannot read as {what}: the reader stopped ({msg}); the file is damaged or uses a feature kanon cannot read"
                ),
            ))
        }
    }
}

/// Whether kanon can read a column of this Arrow type as values.
fn usable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float16
        | A::Float32
        | A::Float64
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View
        | A::Date32
        | A::Date64
        | A::Timestamp(_, _)
        | A::Decimal(_, _)
        | A::Decimal32(_, _)
        | A::Decimal64(_, _)
        | A::Decimal256(_, _) => true,
        A::Dictionary(_, values, _) => usable(values),
        A::Extension(ext) => usable(&ext.inner),
        _ => false,
    }
}

fn describe(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::List(_) | A::LargeList(_) | A::FixedSizeList(_, _) => "list".into(),
        A::Struct(_) => "struct".into(),
        A::Map(_, _) => "map".into(),
        A::Binary | A::LargeBinary | A::BinaryView | A::FixedSizeBinary(_) => "binary".into(),
        other => format!("{other:?}"),
    }
}

/// The schema of a typed file as (name, type) pairs.
fn schema(source: &str, format: Format, bytes: &[u8]) -> Result<Vec<(String, ArrowDataType)>> {
    if format == Format::Ipc {
        check_unique(source, &ipc_footer::names(source, bytes)?)?;
        ipc_footer::check_buffers(source, bytes)?;
    }
    if format == Format::Parquet {
        parquet_pages::footer(source, bytes)?;
    }
    let schema = match format {
        Format::Parquet => guarded(source, format, || {
            ParquetReader::new(Cursor::new(bytes)).schema()
        })?,
        Format::Ipc => guarded(source, format, || {
            IpcReader::new(Cursor::new(bytes)).schema()
        })?,
        Format::Ndjson | Format::Csv | Format::Arrow => {
            return Err(Error::file(source, "internal: no schema for this format"))
        }
    };
    Ok(schema
        .iter()
        .map(|(name, field)| (name.to_string(), field.dtype().clone()))
        .collect())
}

/// The same column name twice cannot be told apart: refuse it.
fn check_unique(source: &str, names: &[String]) -> Result<()> {
    for (i, n) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|m| m == n) {
            return Err(Error::column(
                source,
                n,
                format!(
                    "duplicate column name (columns {} and {}); rename one before analysing",
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Columns of a typed file without reading the data.
pub(super) fn columns(source: &str, format: Format, bytes: &Bytes) -> Result<Columns> {
    let bytes = bytes.as_ref();
    if format == Format::Ndjson {
        let frame = read_ndjson(source, bytes)?;
        return Ok(columns_of(&frame));
    }
    let fields = schema(source, format, bytes)?;
    let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    check_unique(source, &names)?;
    Ok(Columns {
        names,
        unusable: fields
            .iter()
            .filter(|(_, t)| !usable(t))
            .map(|(n, t)| (n.clone(), describe(t)))
            .collect(),
    })
}

fn columns_of(frame: &DataFrame) -> Columns {
    let mut c = Columns {
        names: Vec::new(),
        unusable: Vec::new(),
    };
    for col in frame.columns() {
        let name = col.name().to_string();
        if matches!(col.dtype(), DataType::List(_) | DataType::Null)
            || format!("{}", col.dtype()).starts_with("struct")
        {
            c.unusable.push((name.clone(), col.dtype().to_string()));
        }
        c.names.push(name);
    }
    c
}

/// Read the `wanted` columns of a typed file: the frame, and every column
/// of the file.
pub(super) fn read(
    source: &str,
    format: Format,
    bytes: &[u8],
    wanted: &[String],
) -> Result<(DataFrame, Columns)> {
    match format {
        Format::Ndjson => {
            let frame = read_ndjson(source, bytes)?;
            let cols = columns_of(&frame);
            super::check_columns(source, wanted, &cols.names)?;
            refuse_unusable(source, wanted, &cols.unusable)?;
            let frame = frame
                .select(wanted.iter().map(|c| PlSmallStr::from(c.as_str())))
                .map_err(|e| Error::file(source, e.to_string()))?;
            Ok((frame, cols))
        }
        Format::Parquet | Format::Ipc => {
            let fields = schema(source, format, bytes)?;
            let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
            check_unique(source, &names)?;
            super::check_columns(source, wanted, &names)?;
            let unusable: Vec<(String, String)> = fields
                .iter()
                .filter(|(_, t)| !usable(t))
                .map(|(n, t)| (n.clone(), describe(t)))
                .collect();
            refuse_unusable(source, wanted, &unusable)?;
            if format == Format::Parquet {
                parquet_pages::verify(source, bytes, wanted)?;
            }
            // Only the wanted columns are decoded: a column of a type
            // polars cannot read breaks nothing unless it is chosen. DECIMAL
            // wider than 38 digits is read beside polars.
            let wide: Vec<&String> = fields
                .iter()
                .filter(|(n, t)| wanted.contains(n) && wide_decimal::is_wide(t))
                .map(|(n, _)| n)
                .collect();
            let rest: Vec<String> = wanted
                .iter()
                .filter(|n| !wide.contains(n))
                .cloned()
                .collect();
            let readable = |n: &&String| {
                fields
                    .iter()
                    .any(|(f, t)| f == *n && usable(t) && !wide_decimal::is_wide(t))
            };
            let first_readable = names.iter().find(readable).cloned();
            let mut decoded = Vec::new();
            for name in wide {
                decoded.push(guarded(source, format, || match format {
                    Format::Parquet => wide_decimal::parquet(bytes, name),
                    _ => wide_decimal::ipc(bytes, name),
                })?);
            }
            let mut frame = match decoded.first() {
                Some(c) if rest.is_empty() => DataFrame::new(c.len(), vec![])
                    .map_err(|e| Error::file(source, e.to_string()))?,
                _ => guarded(source, format, || {
                    read_polars(format, bytes, rest, first_readable)
                })?,
            };
            for column in decoded {
                if column.len() != frame.height() {
                    return Err(Error::column(
                        source,
                        column.name().as_str(),
                        format!(
                            "the file is damaged: {} values but {} rows",
                            column.len(),
                            frame.height()
                        ),
                    ));
                }
                frame
                    .with_column(column)
                    .map_err(|e| Error::file(source, e.to_string()))?;
            }
            if frame.height() == 0 {
                return Err(Error::file(source, "the table has no data rows"));
            }
            let frame = frame
                .select(wanted.iter().map(|c| PlSmallStr::from(c.as_str())))
                .map_err(|e| Error::file(source, e.to_string()))?;
            Ok((frame, Columns { names, unusable }))
        }
        Format::Csv | Format::Arrow => Err(Error::file(
            source,
            format!("internal: {} is not a typed file format", format.name()),
        )),
    }
}

/// The `wanted` columns polars can read (all rows even when none is
/// wanted: IPC has no row count without decoding a column, so the first
/// readable one is decoded for it).
fn read_polars(
    format: Format,
    bytes: &[u8],
    wanted: Vec<String>,
    first_readable: Option<String>,
) -> PolarsResult<DataFrame> {
    let height = |f: DataFrame| DataFrame::new(f.height(), vec![]);
    match format {
        Format::Parquet if wanted.is_empty() => {
            let rows = ParquetReader::new(Cursor::new(bytes)).num_rows()?;
            DataFrame::new(rows, vec![])
        }
        Format::Parquet => ParquetReader::new(Cursor::new(bytes))
            .with_columns(Some(wanted))
            .finish(),
        _ if wanted.is_empty() => height(
            IpcReader::new(Cursor::new(bytes))
                .with_columns(first_readable.map(|f| vec![f]))
                .finish()?,
        ),
        _ => IpcReader::new(Cursor::new(bytes))
            .with_columns(Some(wanted))
            .finish(),
    }
}

pub(super) fn refuse_unusable(
    source: &str,
    wanted: &[String],
    unusable: &[(String, String)],
) -> Result<()> {
    for (name, kind) in unusable {
        if wanted.contains(name) {
            return Err(Error::column(
                source,
                name,
                format!("values of type {kind} cannot be used; choose another column or convert it to text"),
            ));
        }
    }
    Ok(())
}

/// Deepest nesting of arrays and objects kanon lets the JSON parser see.
pub const MAX_JSON_DEPTH: usize = 64;

/// Refuse NDJSON nested deeper than [`MAX_JSON_DEPTH`], before parsing.
fn check_depth(source: &str, bytes: &[u8]) -> Result<()> {
    let (mut depth, mut line) = (0usize, 1u64);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(Error::file(
                        source,
                        format!(
                            "line {line} nests arrays or objects more than {MAX_JSON_DEPTH} levels deep (the limit kanon reads)"
                        ),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    Ok(())
}

fn read_ndjson(source: &str, bytes: &[u8]) -> Result<DataFrame> {
    check_depth(source, bytes)?;
    let frame = guarded(source, Format::Ndjson, || {
        JsonReader::new(Cursor::new(bytes))
            .with_json_format(JsonFormat::JsonLines)
            .infer_schema_len(None)
            .finish()
    })
    .map_err(|e| match e {
        Error::Input { at, message } if message.contains("InvalidNumber") => Error::Input {
            at,
            message: format!(
                "{message}: a number the reader cannot hold (an integer beyond 128 bits?); write it as a string"
            ),
        },
        e => e,
    })?;
    if frame.height() == 0 {
        return Err(Error::file(source, "the table has no data rows"));
    }
    Ok(frame)
}

/// A table handed over in memory as Arrow arrays (the Python package's
/// DataFrames, through the Arrow C stream interface): `fields` name and
/// type the columns, `batches` hold each batch's arrays in field order.
/// Every column is kept, typed as given (as a Parquet or IPC file's would
/// be); a column of a type kanon cannot read as values is listed as
/// unusable and refused only when an analysis chooses it.
pub fn from_arrow(
    source: &str,
    fields: &[polars::prelude::ArrowField],
    batches: Vec<Vec<ArrayRef>>,
) -> Result<super::Table> {
    let names: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
    check_unique(source, &names)?;
    let mut chunks: Vec<Vec<ArrayRef>> = vec![Vec::new(); fields.len()];
    for (b, batch) in batches.into_iter().enumerate() {
        if batch.len() != fields.len() {
            return Err(Error::file(
                source,
                format!(
                    "batch {} has {} columns where the schema names {}",
                    b + 1,
                    batch.len(),
                    fields.len()
                ),
            ));
        }
        for (column, array) in chunks.iter_mut().zip(batch) {
            column.push(array);
        }
    }
    let length = |c: &[ArrayRef]| c.iter().map(|a| a.len()).sum::<usize>();
    let rows = chunks.first().map_or(0, |c| length(c));
    if rows == 0 {
        return Err(Error::file(source, "the table has no data rows"));
    }
    let mut unusable = Vec::new();
    let mut columns = Vec::new();
    for (field, column) in fields.iter().zip(chunks) {
        let name = field.name.as_str();
        if length(&column) != rows {
            return Err(Error::column(
                source,
                name,
                format!("{} values but {rows} rows", length(&column)),
            ));
        }
        let dtype = field.dtype();
        if !usable(dtype) || wide_decimal::is_wide(dtype) {
            unusable.push((name.to_string(), describe(dtype)));
            continue;
        }
        // polars' conversion checks the arrays against the field's type;
        // a panic in it is an input error too.
        let series =
            std::panic::catch_unwind(AssertUnwindSafe(|| Series::try_from((field, column))));
        let series = match series {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(Error::column(source, name, e.to_string())),
            Err(_) => {
                return Err(Error::column(
                    source,
                    name,
                    "the Arrow arrays do not hold what the schema says",
                ))
            }
        };
        columns.push(Column::from(series));
    }
    let frame = DataFrame::new(rows, columns).map_err(|e| Error::file(source, e.to_string()))?;
    Ok(super::Table {
        source: source.to_string(),
        format: Format::Arrow,
        delimiter: None,
        all_columns: names,
        frame,
        files: Vec::new(),
        notes: Vec::new(),
        unusable,
        coded: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::ArrowField;
    use polars_arrow::array::{Int64Array, ListArray, Utf8ViewArray};

    fn text(values: &[Option<&str>]) -> ArrayRef {
        Box::new(Utf8ViewArray::from_slice(values))
    }

    fn err(r: Result<super::super::Table>) -> String {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    fn ints(values: &[Option<i64>]) -> ArrayRef {
        Box::new(Int64Array::from(values.to_vec()))
    }

    /// Two batches become one column each, typed as given; an unusable
    /// column is listed, not read, and refused only when chosen.
    #[test]
    fn arrow_batches_become_a_table() {
        let list = ArrowDataType::LargeList(Box::new(ArrowField::new(
            "item".into(),
            ArrowDataType::Int64,
            true,
        )));
        let fields = [
            ArrowField::new("zip".into(), ArrowDataType::Utf8View, true),
            ArrowField::new("age".into(), ArrowDataType::Int64, true),
            ArrowField::new("tags".into(), list.clone(), true),
        ];
        let empty_lists =
            |n: usize| -> ArrayRef { Box::new(ListArray::<i64>::new_null(list.clone(), n)) };
        let batches = vec![
            vec![
                text(&[Some("1234"), None]),
                ints(&[Some(40), Some(41)]),
                empty_lists(2),
            ],
            vec![text(&[Some("1234")]), ints(&[None]), empty_lists(1)],
        ];
        let t = from_arrow("frame", &fields, batches).unwrap();
        assert_eq!(t.format.name(), "arrow");
        assert_eq!(t.rows(), 3);
        assert_eq!(t.all_columns, ["zip", "age", "tags"]);
        assert_eq!(t.unusable, [("tags".to_string(), "list".to_string())]);
        let age = t.column("age").unwrap();
        assert_eq!(age.dtype(), &DataType::Int64);
        assert_eq!(age.null_count(), 1);
        assert_eq!(t.column("zip").unwrap().null_count(), 1);
        let chosen = err(t.select(&["tags".to_string()]));
        assert!(
            chosen.contains("tags") && chosen.contains("cannot be used"),
            "{chosen}"
        );
        let picked = t.select(&["age".to_string()]).unwrap();
        assert_eq!((picked.rows(), picked.frame.width()), (3, 1));
    }

    #[test]
    fn damaged_arrow_input_is_an_error_not_a_panic() {
        let fields = [
            ArrowField::new("a".into(), ArrowDataType::Int64, true),
            ArrowField::new("a".into(), ArrowDataType::Int64, true),
        ];
        let e = err(from_arrow("frame", &fields, vec![]));
        assert!(e.contains("duplicate column name"), "{e}");
        let fields = [
            ArrowField::new("a".into(), ArrowDataType::Int64, true),
            ArrowField::new("b".into(), ArrowDataType::Int64, true),
        ];
        let short = vec![vec![ints(&[Some(1), Some(2)]), ints(&[Some(1)])]];
        let e = err(from_arrow("frame", &fields, short));
        assert!(e.contains("1 values but 2 rows"), "{e}");
        let narrow = vec![vec![ints(&[Some(1)])]];
        let e = err(from_arrow("frame", &fields, narrow));
        assert!(e.contains("batch 1 has 1 columns"), "{e}");
        let e = err(from_arrow("frame", &fields, vec![]));
        assert!(e.contains("no data rows"), "{e}");
        // An array whose type is not the field's.
        let wrong = vec![vec![ints(&[Some(1)]), text(&[Some("x")])]];
        let e = err(from_arrow("frame", &fields, wrong));
        assert!(e.contains("frame") && e.contains('b'), "{e}");
    }
}
