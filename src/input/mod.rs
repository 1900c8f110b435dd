//! Reading tables: CSV/TSV (kanon's own parser, [`csv`]), Parquet, Arrow
//! IPC (Feather) and NDJSON (polars, [`typed`]), from a file or standard
//! input; several files, directories and patterns ([`files`]).
//!
//! Only the columns an analysis needs are kept. CSV columns are read as text
//! so that values are compared exactly as written in the file (`007` and `7`
//! are different values); typed formats keep their types. Every file read is
//! counted: its size, the SHA-256 of the bytes read and its data rows
//! ([`FileInfo`]). Errors name the file, the column and the row (or line).

mod budget;
pub mod columns;
pub mod csv;
pub mod files;
pub mod hierarchy;
mod ipc_footer;
mod parquet_pages;
pub mod stream;
pub mod typed;
pub mod wide_decimal;

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use polars::prelude::*;
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::notice::Notice;

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Parquet,
    Ipc,
    Ndjson,
    /// Arrow data handed over in memory by a program (the Python package's
    /// DataFrames); never a file, so never chosen by extension or `--format`.
    Arrow,
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
            Format::Arrow => "arrow",
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

/// One file as read: what an auditor needs to know it was this file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct FileInfo {
    /// The path as given (`-` for standard input).
    pub path: String,
    /// Bytes read.
    pub size: u64,
    /// SHA-256 of the bytes read, in hex.
    pub sha256: String,
    /// Data rows read from the file.
    pub rows: u64,
}

/// SHA-256 and byte count of bytes read piece by piece.
pub(crate) struct Digest {
    hasher: Sha256,
    size: u64,
}

impl Digest {
    pub(crate) fn new() -> Self {
        Digest {
            hasher: Sha256::new(),
            size: 0,
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    pub(crate) fn finish(self, path: &str, rows: u64) -> FileInfo {
        let sum = self.hasher.finalize();
        FileInfo {
            path: path.to_string(),
            size: self.size,
            sha256: sum.iter().map(|b| format!("{b:02x}")).collect(),
            rows,
        }
    }
}

/// A reader that hashes what passes through it.
pub(crate) struct Hashing<R> {
    inner: R,
    digest: Digest,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

/// A file read from start to end, gunzipped when its name ends in `.gz`;
/// the digest is of the bytes on disk.
pub(crate) enum Stream {
    Plain(Hashing<std::fs::File>),
    Gzip(Box<flate2::read::MultiGzDecoder<Hashing<std::fs::File>>>),
}

impl Stream {
    pub(crate) fn open(path: &str) -> Result<Stream> {
        let inner = Hashing {
            inner: open_file(path)?,
            digest: Digest::new(),
        };
        Ok(if files::gzip(path) {
            Stream::Gzip(Box::new(flate2::read::MultiGzDecoder::new(inner)))
        } else {
            Stream::Plain(inner)
        })
    }

    /// Bytes taken from the file so far (compressed bytes for gzip), to
    /// compare with its size on disk.
    pub(crate) fn consumed(&self) -> u64 {
        match self {
            Stream::Plain(h) => h.digest.size,
            Stream::Gzip(g) => g.get_ref().digest.size,
        }
    }

    pub(crate) fn finish(self, path: &str, rows: u64) -> FileInfo {
        let digest = match self {
            Stream::Plain(h) => h.digest,
            Stream::Gzip(g) => g.into_inner().digest,
        };
        digest.finish(path, rows)
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(h) => h.read(buf),
            Stream::Gzip(g) => g.read(buf),
        }
    }
}

/// The SHA-256 and size of `bytes`.
/// Size and SHA-256 of a file's bytes (rows filled in later), adding the
/// bytes hashed to `meter` as it goes (in 16 MiB steps).
fn file_info(path: &str, bytes: &Bytes, meter: Option<&std::sync::atomic::AtomicU64>) -> FileInfo {
    let mut d = Digest::new();
    for chunk in bytes.as_ref().chunks(16 << 20) {
        d.update(chunk);
        bytes.release(chunk);
        if let Some(m) = meter {
            m.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
    d.finish(path, 0)
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
    /// The file read (one; several for a table assembled from parts).
    pub files: Vec<FileInfo>,
    /// What the reader noticed that the user should know.
    pub notes: Vec<Notice>,
    /// Columns whose type cannot be read as values: (name, type).
    pub unusable: Vec<(String, String)>,
    /// Requested columns read straight into codes (CSV), not in `frame`.
    pub coded: Vec<(String, crate::engine::encode::RawText)>,
}

impl Table {
    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    /// A requested column read as values (not one of [`Table::coded`]).
    pub fn column(&self, name: &str) -> Result<&Series> {
        self.frame
            .column(name)
            .map(|c| c.as_materialized_series())
            .map_err(|_| Error::column(&self.source, name, "column was not loaded"))
    }

    /// A requested column read straight into codes, if it was.
    pub fn coded(&self, name: &str) -> Option<&crate::engine::encode::RawText> {
        self.coded.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }

    /// The same table with only `columns`, in that order, sharing the
    /// data. A column the table lacks, or holds in a type kanon cannot read
    /// as values, is an error naming it.
    pub fn select(&self, columns: &[String]) -> Result<Table> {
        check_columns(&self.source, columns, &self.all_columns)?;
        typed::refuse_unusable(&self.source, columns, &self.unusable)?;
        let in_frame: Vec<PlSmallStr> = (columns.iter())
            .filter(|c| self.coded(c).is_none())
            .map(|c| PlSmallStr::from(c.as_str()))
            .collect();
        let internal =
            |e: PolarsError| Error::file(&self.source, format!("internal: selecting columns: {e}"));
        // A frame of no columns keeps the row count.
        let frame = match in_frame.is_empty() {
            true => DataFrame::new(self.frame.height(), vec![]).map_err(internal)?,
            false => self.frame.select(in_frame).map_err(internal)?,
        };
        Ok(Table {
            source: self.source.clone(),
            format: self.format,
            delimiter: self.delimiter,
            all_columns: self.all_columns.clone(),
            frame,
            files: self.files.clone(),
            notes: self.notes.clone(),
            unusable: self.unusable.clone(),
            coded: (self.coded.iter())
                .filter(|(n, _)| columns.contains(n))
                .cloned()
                .collect(),
        })
    }
}

/// Bytes of an input, memory-mapped or read from stdin.
#[derive(Clone)]
pub(crate) enum Bytes {
    Mapped(Arc<memmap2::Mmap>),
    Shared(Arc<Vec<u8>>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Shared(v) => v,
        }
    }
}

impl Bytes {
    /// Done with `part` (a slice of these bytes) for now: a mapped file's
    /// pages in it leave this process's memory. They stay in the page
    /// cache, and a later read of them faults them back in with the same
    /// bytes, so the resident memory of a read is the pieces in flight,
    /// not the file. Whole 64 KiB blocks only (a page on every platform).
    pub(crate) fn release(&self, part: &[u8]) {
        let Bytes::Mapped(map) = self else {
            return;
        };
        const BLOCK: usize = 1 << 16;
        let base = map.as_ptr() as usize;
        let start = (part.as_ptr() as usize).saturating_sub(base);
        let end = start + part.len();
        if end > map.len() {
            return;
        }
        let (from, to) = (start.div_ceil(BLOCK) * BLOCK, end / BLOCK * BLOCK);
        if to > from {
            // SAFETY: a read-only shared file mapping: MADV_DONTNEED drops
            // the pages from this process, and the next access reads the
            // file's (unchanged) bytes again; no slice sees other bytes.
            // Failure only leaves the pages resident.
            let _ = unsafe {
                map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from)
            };
        }
    }
}

/// Standard input, read once and kept: every later read of `-` in the
/// same run sees the same bytes.
fn stdin_bytes() -> Result<Arc<Vec<u8>>> {
    static STDIN: OnceLock<std::result::Result<Arc<Vec<u8>>, String>> = OnceLock::new();
    STDIN
        .get_or_init(|| {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map(|_| Arc::new(buf))
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::file("-", format!("cannot read standard input: {e}")))
}

/// Open a regular file for reading, with errors a user can act on.
pub(crate) fn open_file(source: &str) -> Result<std::fs::File> {
    let meta = std::fs::metadata(source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::file(source, "no such file"),
        _ => Error::file(source, format!("cannot open: {e}")),
    })?;
    if meta.is_dir() {
        return Err(Error::file(source, "is a directory, not a file"));
    }
    std::fs::File::open(source).map_err(|e| Error::file(source, format!("cannot open: {e}")))
}

pub(crate) fn load_bytes(source: &str) -> Result<Bytes> {
    if source == "-" {
        let b = stdin_bytes()?;
        if b.iter().all(|c| c.is_ascii_whitespace()) {
            return Err(Error::file("-", "standard input is empty"));
        }
        return Ok(Bytes::Shared(b));
    }
    let file = open_file(source)?;
    let len = file
        .metadata()
        .map_err(|e| Error::file(source, format!("cannot open: {e}")))?
        .len();
    if len == 0 {
        return Err(Error::file(source, "the file is empty"));
    }
    // SAFETY: the map is read-only; kanon does not modify its inputs. A
    // concurrent writer could change the bytes under us, as with any
    // memory-mapped reader (polars maps files the same way).
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| Error::file(source, format!("cannot map: {e}")))?;
    Ok(Bytes::Mapped(Arc::new(map)))
}

/// The bytes without a UTF-8 byte-order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// Decide the format of `source`.
pub fn detect_format(source: &str, options: &ReadOptions) -> Result<Format> {
    if let Some(f) = options.format {
        return Ok(f);
    }
    if source == "-" {
        return Ok(Format::Csv);
    }
    files::data_format(source).ok_or_else(|| {
        if std::fs::symlink_metadata(source).is_err() {
            return Error::file(source, "no such file");
        }
        Error::file(
            source,
            "unsupported file extension (expected .csv, .tsv, .txt, .parquet, .arrow, .ipc, \
             .feather, .ndjson or .jsonl, or .csv.gz and .ndjson.gz; or give --format)",
        )
    })
}

/// Parse a `--delimiter` value.
pub fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        "space" => Ok(b' '),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" => Ok(s.as_bytes()[0]),
        _ => Err(Error::usage(format!(
            "--delimiter must be one ASCII character or tab, comma, semicolon, pipe; got '{s}'"
        ))),
    }
}

/// The error for a column the input lacks, listing those it has.
pub(crate) fn no_such_column(source: &str, wanted: &str, present: &[String]) -> Error {
    let list: Vec<String> = present.iter().map(|p| format!("'{p}'")).collect();
    Error::column(
        source,
        wanted,
        format!("no such column; the columns are {}", list.join(", ")),
    )
}

/// Every requested column must exist; the error lists those that do.
pub fn check_columns(source: &str, wanted: &[String], present: &[String]) -> Result<()> {
    match wanted.iter().find(|w| !present.contains(w)) {
        Some(w) => Err(no_such_column(source, w, present)),
        None => Ok(()),
    }
}

/// The columns of an input, and those whose type kanon cannot read as
/// values (name, type), without reading the data.
pub struct Columns {
    pub names: Vec<String>,
    pub unusable: Vec<(String, String)>,
}

/// The columns of `source` (the header of a CSV file, the schema of a typed one).
pub fn columns(source: &str, options: &ReadOptions) -> Result<Columns> {
    let format = detect_format(source, options)?;
    let bytes = data_of(source, &load_bytes(source)?)?;
    match format {
        Format::Csv => {
            let h = csv::header(source, without_bom(bytes.as_ref()), options.delimiter)?;
            Ok(Columns {
                names: h.names,
                unusable: Vec::new(),
            })
        }
        other => typed::columns(source, other, &bytes),
    }
}

/// The data bytes of a loaded file: gunzipped for `.gz` names.
fn data_of(source: &str, raw: &Bytes) -> Result<Bytes> {
    if source == "-" || !files::gzip(source) {
        return Ok(raw.clone());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(raw.as_ref())
        .read_to_end(&mut out)
        .map_err(|e| Error::file(source, format!("cannot decompress (gzip): {e}")))?;
    if out.iter().all(|c| c.is_ascii_whitespace()) {
        return Err(Error::file(source, "the file is empty once decompressed"));
    }
    Ok(Bytes::Shared(Arc::new(out)))
}

/// Read the named `columns` of `source`.
///
/// Fails with a clear error for a missing file, a directory, an unknown
/// extension, an empty file, a header without rows, ragged rows, invalid
/// UTF-8, an unclosed quote, duplicate column names, unknown columns
/// (listing those present) and damaged typed files.
pub fn read_table(source: &str, columns: &[String], options: &ReadOptions) -> Result<Table> {
    read_table_with(source, columns, options, &crate::progress::Silent)
}

/// [`read_table`], telling `progress` how far it is in bytes: a CSV file
/// is parsed in parallel pieces and checksummed at once, and both count.
/// The work runs on a scoped thread while this one reports, so the
/// caller's `Progress` need not be shared across threads. Other formats
/// and standard input show as a stage without a position.
pub fn read_table_with(
    source: &str,
    columns: &[String],
    options: &ReadOptions,
    progress: &dyn crate::progress::Progress,
) -> Result<Table> {
    read_table_coded(source, columns, &[], options, progress)
}

/// [`read_table_with`], a CSV delivering the `coded` columns (a subset of
/// `columns`) straight as dictionary codes ([`Table::coded`]): their
/// values are never held as a column of strings. Encoding them
/// ([`columns::encode`]) gives what encoding them as text gives. Other
/// formats read every column into the frame.
pub fn read_table_coded(
    source: &str,
    columns: &[String],
    coded: &[String],
    options: &ReadOptions,
    progress: &dyn crate::progress::Progress,
) -> Result<Table> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let format = detect_format(source, options)?;
    let raw = load_bytes(source)?;
    let data = data_of(source, &raw)?;
    let metered = format == Format::Csv && source != "-";
    let (done, finished) = (AtomicU64::new(0), AtomicBool::new(false));
    let main = std::thread::current();
    let work = || {
        let meter = metered.then_some(&done);
        let release = |part: &[u8]| data.release(part);
        let both = rayon::join(
            || {
                let delivery = csv::Delivery {
                    coded,
                    meter,
                    release: Some(&release),
                };
                read_loaded(source, format, data.as_ref(), columns, options, delivery)
            },
            || file_info(source, &raw, meter),
        );
        finished.store(true, Ordering::Release);
        main.unpark();
        both
    };
    let (read, info) = if metered {
        // Parsed bytes and checksummed bytes, shown against the file's size.
        let (raw_len, data_len) = (raw.as_ref().len(), data.as_ref().len());
        let (size, total) = (raw_len as u64, (raw_len + data_len) as u64);
        std::thread::scope(|scope| {
            let worker = scope.spawn(work);
            while !finished.load(Ordering::Acquire) {
                let at = done.load(Ordering::Relaxed).min(total);
                progress.work_bytes(
                    (at as u128 * size as u128 / total.max(1) as u128) as u64,
                    size,
                );
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
            let both = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            progress.work_bytes(size, size);
            both
        })
    } else {
        work()
    };
    let mut table = read?;
    table.files = vec![FileInfo {
        rows: table.rows() as u64,
        ..info
    }];
    Ok(table)
}

fn read_loaded(
    source: &str,
    format: Format,
    bytes: &[u8],
    columns: &[String],
    options: &ReadOptions,
    delivery: csv::Delivery,
) -> Result<Table> {
    match format {
        Format::Csv => {
            let t = csv::read(
                source,
                without_bom(bytes),
                options.delimiter,
                columns,
                delivery,
            )?;
            let mut notes = Vec::new();
            notes.extend(multiline_note(
                source,
                t.body.multiline_records,
                t.body.first_multiline_line,
            ));
            let height = t.body.rows as usize;
            let cols: Vec<Column> = t
                .body
                .columns
                .into_iter()
                .map(|c| c.into_series().into_column())
                .collect();
            let frame =
                DataFrame::new(height, cols).map_err(|e| Error::file(source, e.to_string()))?;
            Ok(Table {
                source: source.to_string(),
                format,
                delimiter: Some(t.header.delimiter),
                all_columns: t.header.names,
                frame,
                files: Vec::new(),
                notes,
                unusable: Vec::new(),
                coded: t.body.coded,
            })
        }
        other => {
            let (frame, cols) = typed::read(source, other, bytes, columns)?;
            Ok(Table {
                source: source.to_string(),
                format,
                delimiter: None,
                all_columns: cols.names,
                frame,
                files: Vec::new(),
                notes: Vec::new(),
                unusable: cols.unusable,
                coded: Vec::new(),
            })
        }
    }
}

/// Read a whole input already in memory (`source` names it in errors):
/// every usable column when `columns` is `None`. The readers' entry point
/// for tests and fuzzing.
pub fn read_bytes(
    source: &str,
    format: Format,
    bytes: &[u8],
    columns: Option<&[String]>,
    options: &ReadOptions,
) -> Result<Table> {
    let owned;
    let columns = match columns {
        Some(c) => c,
        None => {
            let shared = Bytes::Shared(Arc::new(bytes.to_vec()));
            let all = match format {
                Format::Csv => csv::header(source, without_bom(bytes), options.delimiter)?.names,
                other => {
                    let c = typed::columns(source, other, &shared)?;
                    c.names
                        .into_iter()
                        .filter(|n| !c.unusable.iter().any(|u| &u.0 == n))
                        .collect()
                }
            };
            owned = all;
            &owned
        }
    };
    read_loaded(
        source,
        format,
        bytes,
        columns,
        options,
        csv::Delivery::default(),
    )
}

/// The warning for records that hold a line break inside quotes: legal
/// CSV, but also what a stray opening quote does to the lines after it.
pub fn multiline_note(file: &str, records: u64, first_line: Option<u64>) -> Option<Notice> {
    let first_line = first_line?;
    (records > 0).then(|| Notice::MultilineRecords {
        file: file.to_string(),
        records,
        first_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        // FIPS 180-2, appendix B.1.
        let meter = std::sync::atomic::AtomicU64::new(0);
        let f = file_info("x", &Bytes::Shared(Arc::new(b"abc".to_vec())), Some(&meter));
        assert_eq!(meter.into_inner(), 3);
        assert_eq!(
            f.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(f.size, 3);
    }
}
