//! What an Arrow IPC file's footer and message headers say, checked before
//! any reader trusts them.
//!
//! polars' IPC reader asserts that column names are unique (a panic) and
//! allocates each compressed buffer at the uncompressed length written in
//! its first eight bytes (an abort when a damaged file claims terabytes).
//! Both are read here from the flatbuffers directly.

use polars_arrow_format::ipc::planus::ReadAsRoot;
use polars_arrow_format::ipc::{FooterRef, MessageHeaderRef, MessageRef, RecordBatchRef};

use super::budget::{available_memory, most_from};
use crate::error::{Error, Result};

fn damaged(source: &str, what: &str) -> Error {
    Error::file(source, format!("the Arrow IPC file is damaged: {what}"))
}

/// The footer of an IPC file (`… footer, footer length, "ARROW1"`).
fn footer<'a>(source: &str, bytes: &'a [u8]) -> Result<FooterRef<'a>> {
    let n = bytes.len();
    if n < 16 || &bytes[n - 6..] != b"ARROW1" {
        return Err(damaged(source, "it does not end with the Arrow magic bytes (truncated, or an IPC stream rather than a file?)"));
    }
    let len = i32::from_le_bytes([bytes[n - 10], bytes[n - 9], bytes[n - 8], bytes[n - 7]]);
    let start = usize::try_from(len)
        .ok()
        .and_then(|l| (n - 10).checked_sub(l))
        .ok_or_else(|| damaged(source, "the footer length points outside the file"))?;
    FooterRef::read_as_root(&bytes[start..n - 10])
        .map_err(|e| damaged(source, &format!("unreadable footer ({e})")))
}

/// Column names, read from the footer without building a schema.
pub fn names(source: &str, bytes: &[u8]) -> Result<Vec<String>> {
    let fields = footer(source, bytes)?
        .schema()
        .ok()
        .flatten()
        .and_then(|s| s.fields().ok().flatten())
        .ok_or_else(|| damaged(source, "the footer holds no schema"))?;
    let mut names = Vec::new();
    for f in fields.iter() {
        let f = f.map_err(|e| damaged(source, &format!("unreadable field ({e})")))?;
        names.push(f.name().ok().flatten().unwrap_or("").to_string());
    }
    Ok(names)
}

/// Refuse a file with a compressed buffer that claims, uncompressed, more
/// bytes than its codec can produce from it, or than this machine has
/// memory: the reader allocates the claimed length first (and aborts).
/// Each buffer on its own, so that a large file of which only some columns
/// are read is not refused for the others' total.
pub fn check_buffers(source: &str, bytes: &[u8]) -> Result<()> {
    let f = footer(source, bytes)?;
    let ceiling = available_memory();
    let blocks = [f.record_batches(), f.dictionaries()];
    for (b, block) in blocks
        .into_iter()
        .filter_map(|v| v.ok().flatten())
        .flat_map(|v| v.iter())
        .enumerate()
    {
        let Some((body, message)) = message_at(bytes, block.offset(), block.meta_data_length())
        else {
            continue; // polars reports a block it cannot find
        };
        if let Some(buffer) = outside(bytes.len(), body, message) {
            return Err(damaged(
                source,
                &format!(
                    "buffer {} of block {} lies beyond the end of the file (truncated?)",
                    buffer + 1,
                    b + 1
                ),
            ));
        }
        for (claimed, stored) in claims(bytes, body, message) {
            let what = if claimed > ceiling {
                format!("more than this machine's available memory ({ceiling} bytes)")
            } else if claimed > most_from(stored) {
                format!("more than any codec makes of its {stored} bytes")
            } else {
                continue;
            };
            return Err(damaged(
                source,
                &format!(
                    "a buffer of block {} claims {claimed} bytes once uncompressed, {what}",
                    b + 1
                ),
            ));
        }
    }
    Ok(())
}

/// The message of a block and where its body starts.
fn message_at(bytes: &[u8], offset: i64, meta_len: i32) -> Option<(usize, MessageRef<'_>)> {
    let at = usize::try_from(offset).ok()?;
    let body = at.checked_add(usize::try_from(meta_len).ok()?)?;
    let mut p = at;
    let word = |p: usize| -> Option<[u8; 4]> { bytes.get(p..p + 4)?.try_into().ok() };
    if word(p)? == [0xff; 4] {
        p += 4;
    }
    let len = usize::try_from(i32::from_le_bytes(word(p)?)).ok()?;
    // As the reader does: at most `len` bytes, fewer at the end of the file.
    let flat = bytes.get(p + 4..(p + 4).saturating_add(len).min(bytes.len()))?;
    Some((body, MessageRef::read_as_root(flat).ok()?))
}

/// The batch a record-batch or dictionary message carries.
fn batch_of(message: MessageRef<'_>) -> Option<RecordBatchRef<'_>> {
    match message.header() {
        Ok(Some(MessageHeaderRef::RecordBatch(b))) => Some(b),
        Ok(Some(MessageHeaderRef::DictionaryBatch(d))) => d.data().ok().flatten(),
        _ => None,
    }
}

/// The first buffer of a batch that does not lie inside the file (the
/// reader reserves a buffer's length before reading it).
fn outside(file_len: usize, body: usize, message: MessageRef<'_>) -> Option<usize> {
    let buffers = batch_of(message)?.buffers().ok().flatten()?;
    buffers.iter().position(|buf| {
        let end = usize::try_from(buf.offset())
            .ok()
            .zip(usize::try_from(buf.length()).ok())
            .and_then(|(o, l)| body.checked_add(o)?.checked_add(l));
        end.is_none_or(|e| e > file_len)
    })
}

/// Each compressed buffer of a batch: (uncompressed length it claims,
/// compressed bytes stored). A buffer starts with its uncompressed length,
/// −1 when its bytes are stored as is.
fn claims(bytes: &[u8], body: usize, message: MessageRef<'_>) -> Vec<(u64, u64)> {
    let Some(batch) = batch_of(message) else {
        return Vec::new();
    };
    if !matches!(batch.compression(), Ok(Some(_))) {
        return Vec::new();
    }
    let Ok(Some(buffers)) = batch.buffers() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for buf in buffers.iter() {
        let prefix = usize::try_from(buf.offset())
            .ok()
            .and_then(|o| body.checked_add(o))
            .filter(|_| buf.length() >= 8)
            .and_then(|at| bytes.get(at..at.checked_add(8)?))
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(i64::from_le_bytes);
        if let Some(n) = prefix.and_then(|n| u64::try_from(n).ok()) {
            out.push((n, u64::try_from(buf.length() - 8).unwrap_or(0)));
        }
    }
    out
}
