//! The Parquet footer and page headers, checked before polars reads them.
//!
//! polars' decoders reserve what a file claims (a footer list's length, a
//! page's value count, a page's uncompressed size) before they find out
//! whether the bytes hold it; a damaged file claiming gigabytes aborted
//! the process (found by fuzzing). Here every claim is read with the
//! thrift reader that budgets its allocations and compared with what the
//! file and this machine can hold. Page checksums are verified where the
//! writer stored them (the format makes them optional).

use polars_parquet_format::thrift::protocol::TCompactInputProtocol;
use polars_parquet_format::{ColumnMetaData, CompressionCodec, FileMetaData, PageHeader};

use super::budget::{available_memory, most_from};
use crate::error::{Error, Result};

fn damaged(source: &str, what: &str) -> Error {
    Error::file(source, format!("the Parquet file is damaged: {what}"))
}

/// The footer, decoded by the budgeted thrift reader: every list and
/// string it meets is charged against eight times the footer's length, so
/// a list claiming billions of entries is refused rather than reserved.
pub fn footer(source: &str, bytes: &[u8]) -> Result<FileMetaData> {
    let n = bytes.len();
    if n < 12 || &bytes[n - 4..] != b"PAR1" {
        return Err(damaged(
            source,
            "it does not end with the Parquet magic bytes (truncated?)",
        ));
    }
    let len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]) as usize;
    if len + 8 > n - 4 {
        return Err(damaged(
            source,
            "the footer length points outside the file (truncated?)",
        ));
    }
    let footer = &bytes[n - 8 - len..n - 8];
    let meta = FileMetaData::read_from_in_protocol(&mut TCompactInputProtocol::new(
        footer,
        footer.len() * 8,
    ))
    .map_err(|e| damaged(source, &format!("unreadable footer ({e})")))?;
    check_row_counts(source, &meta)?;
    Ok(meta)
}

/// Row counts are not negative, and all of them together fit in memory at
/// one byte a row (kanon keeps at least a four-byte code a row).
fn check_row_counts(source: &str, meta: &FileMetaData) -> Result<()> {
    let mut total: u64 = 0;
    for (g, group) in meta.row_groups.iter().enumerate() {
        let rows = u64::try_from(group.num_rows).map_err(|_| {
            damaged(
                source,
                &format!("row group {} has a negative row count", g + 1),
            )
        })?;
        total = total.saturating_add(rows);
    }
    let ceiling = available_memory();
    if total > ceiling {
        return Err(damaged(
            source,
            &format!(
                "its row groups claim {total} rows, more than this machine's available memory ({ceiling} bytes) could hold"
            ),
        ));
    }
    Ok(())
}

/// Walk every page of the wanted columns: each lies inside its column
/// chunk, holds no more values than its row group has rows, claims no
/// more uncompressed bytes than memory or its codec allow, and matches its
/// checksum when it has one.
pub fn verify(source: &str, bytes: &[u8], wanted: &[String]) -> Result<()> {
    let meta = footer(source, bytes)?;
    for group in &meta.row_groups {
        for chunk in &group.columns {
            let Some(cm) = &chunk.meta_data else { continue };
            let name = cm.path_in_schema.first().map(String::as_str).unwrap_or("");
            if wanted.iter().any(|w| w == name) {
                let rows = u64::try_from(group.num_rows).unwrap_or(0);
                verify_chunk(source, bytes, cm, name, rows)?;
            }
        }
    }
    Ok(())
}

fn verify_chunk(
    source: &str,
    bytes: &[u8],
    cm: &ColumnMetaData,
    name: &str,
    rows: u64,
) -> Result<()> {
    let column = |what: &str| damaged(source, &format!("column '{name}': {what}"));
    let (start, end) = chunk_span(bytes.len(), cm).ok_or_else(|| {
        column("its pages lie beyond the end of the file (or at a negative offset)")
    })?;
    let ceiling = available_memory();
    let mut values: u64 = 0;
    let mut at = start;
    while at < end {
        let mut slice = &bytes[at..end];
        let before = slice.len();
        let header = PageHeader::read_from_in_protocol(&mut TCompactInputProtocol::new(
            &mut slice,
            before * 8,
        ))
        .map_err(|e| column(&format!("unreadable page header ({e})")))?;
        let body_start = at + (before - slice.len());
        let stored = usize::try_from(header.compressed_page_size).ok();
        let body_end = stored
            .and_then(|s| body_start.checked_add(s))
            .filter(|&e| e <= end)
            .ok_or_else(|| column("a page extends beyond its column"))?;
        let stored = (body_end - body_start) as u64;
        let claimed = u64::try_from(header.uncompressed_page_size)
            .map_err(|_| column("a page claims a negative size"))?;
        if claimed > ceiling {
            return Err(column(&format!(
                "a page claims {claimed} bytes once uncompressed, more than this machine's available memory ({ceiling} bytes)"
            )));
        }
        if cm.codec != CompressionCodec::BROTLI && claimed > most_from(stored) {
            return Err(column(&format!(
                "a page claims {claimed} bytes once uncompressed, more than any codec makes of its {stored} bytes"
            )));
        }
        values = values.saturating_add(
            page_values(&header)
                .map_err(|()| column("a page claims a negative number of values"))?
                .unwrap_or(0),
        );
        if values > rows {
            return Err(column(&format!(
                "its pages hold more values than the {rows} rows of their row group"
            )));
        }
        if let Some(crc) = header.crc {
            if crc32fast::hash(&bytes[body_start..body_end]) != crc as u32 {
                return Err(column(&format!(
                    "a page's checksum does not match its bytes (offset {body_start})"
                )));
            }
        }
        at = body_end;
    }
    Ok(())
}

/// Where a column chunk's pages lie: from its first page (the dictionary
/// page when there is one) for its stored size.
fn chunk_span(file_len: usize, cm: &ColumnMetaData) -> Option<(usize, usize)> {
    let start = cm
        .dictionary_page_offset
        .filter(|&d| d > 0)
        .map_or(cm.data_page_offset, |d| d.min(cm.data_page_offset));
    let start = usize::try_from(start).ok()?;
    let size = usize::try_from(cm.total_compressed_size).ok()?;
    let end = start.checked_add(size).filter(|&e| e <= file_len)?;
    Some((start, end))
}

/// Values a data page holds (nulls included); None for other pages. A
/// negative count is damage.
fn page_values(header: &PageHeader) -> std::result::Result<Option<u64>, ()> {
    let n = match (&header.data_page_header, &header.data_page_header_v2) {
        (Some(v1), _) => v1.num_values,
        (None, Some(v2)) => v2.num_values,
        (None, None) => return Ok(None),
    };
    u64::try_from(n).map(Some).map_err(|_| ())
}
