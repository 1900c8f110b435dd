//! What a file may claim before kanon believes it. Damaged files claim
//! lengths (uncompressed sizes, row counts) that the readers beneath kanon
//! reserve up front; a claim beyond this machine's memory, or beyond what
//! any codec makes of the bytes stored, is refused by name before a reader
//! sees it.

/// The most bytes LZ4 or Zstandard can make of `stored` compressed bytes.
/// Zstandard's densest block (RLE: a 3-byte header and one byte) makes
/// 128 KiB of 4 bytes, a ratio of 32,768; LZ4 reaches about 255. The bound
/// doubles the larger ratio and adds a mebibyte of headroom.
pub(super) fn most_from(stored: u64) -> u64 {
    stored.saturating_mul(1 << 16).saturating_add(1 << 20)
}

/// Memory available for new allocations, in bytes (Linux: MemAvailable in
/// /proc/meminfo), or 64 GiB when unknown.
pub(super) fn available_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemAvailable:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            kib.checked_mul(1024)
        })
        .unwrap_or(64 << 30)
}
