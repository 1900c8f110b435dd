//! CSV pre-scan: delimiter detection, header parsing, UTF-8 and shape checks.
//!
//! polars parses the data; this pass exists because polars fills short rows
//! with nulls and reports long rows and bad bytes without a row number. One
//! quote-aware pass over the bytes, parallel over newline-aligned chunks,
//! gives every error a row and a line, and counts the data rows.

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Delimiters tried by auto-detection, in order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// What the pre-scan learnt about a CSV file.
#[derive(Debug, Clone)]
pub struct CsvShape {
    pub delimiter: u8,
    pub header: Vec<String>,
    /// Data rows (blank lines are not rows).
    pub rows: u64,
}

/// A printable name for a delimiter byte.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        b' ' => "space".to_string(),
        _ => (d as char).to_string(),
    }
}

/// Scan `bytes` (BOM already removed). `file` names the input in errors.
pub fn scan(file: &str, bytes: &[u8], delimiter: Option<u8>) -> Result<CsvShape> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::file(file, "the file is empty"));
    }
    let header_end = first_record_end(bytes);
    let header_bytes = &bytes[..header_end];
    let header_text = std::str::from_utf8(header_bytes).map_err(|e| {
        Error::file(
            file,
            format!(
                "the header is not valid UTF-8 (byte offset {}); convert the file to UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    let delimiter = match delimiter {
        Some(d) => d,
        None => sniff(header_text, &bytes[header_end..]),
    };
    let header = split_record(header_text, delimiter);
    check_header(file, &header)?;
    let body_start = (header_end + 1).min(bytes.len());
    let rows = check_body(file, &bytes[body_start..], delimiter, header.len())?;
    if rows == 0 {
        return Err(Error::file(file, "the file has a header but no data rows"));
    }
    Ok(CsvShape {
        delimiter,
        header,
        rows,
    })
}

/// Byte index of the `\n` that ends the first record (quote-aware), or the
/// length when there is none.
fn first_record_end(bytes: &[u8]) -> usize {
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return i,
            _ => {}
        }
    }
    bytes.len()
}

/// Choose the candidate delimiter that appears in the header and keeps the
/// same count on the following lines; on a tie, the most frequent one.
fn sniff(header: &str, rest: &[u8]) -> u8 {
    let sample: Vec<&str> = rest
        .split(|&b| b == b'\n')
        .take(20)
        .filter_map(|l| std::str::from_utf8(l).ok())
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut best = (b',', 0usize, false);
    for &d in &CANDIDATES {
        let n = split_record(header, d).len() - 1;
        if n == 0 {
            continue;
        }
        let consistent = sample.iter().all(|l| split_record(l, d).len() - 1 == n);
        let better = (consistent && !best.2) || (consistent == best.2 && n > best.1);
        if better {
            best = (d, n, consistent);
        }
    }
    best.0
}

/// Split one record into fields, honouring double quotes (RFC 4180).
pub fn split_record(line: &str, delimiter: u8) -> Vec<String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    let d = delimiter as char;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' {
            in_quotes = true;
        } else if c == d {
            fields.push(std::mem::take(&mut field));
        } else {
            field.push(c);
        }
    }
    fields.push(field);
    fields
}

fn check_header(file: &str, header: &[String]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, name) in header.iter().enumerate() {
        if !seen.insert(name.as_str()) {
            return Err(Error::column(
                file,
                name,
                format!(
                    "duplicate column name in the header (columns {} and {})",
                    header.iter().position(|n| n == name).unwrap_or(0) + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Outcome of scanning one chunk of the body.
#[derive(Default)]
struct Chunk {
    /// Non-blank records.
    rows: u64,
    /// Lines (`\n` count).
    lines: u64,
    /// First record with a wrong field count: (row in chunk, line in chunk, fields).
    ragged: Option<(u64, u64, usize)>,
    /// First invalid UTF-8: line in chunk.
    bad_utf8: Option<u64>,
    /// The chunk ended inside a quoted field: the split was wrong.
    open_quote: bool,
}

fn scan_chunk(bytes: &[u8], delimiter: u8, expected: usize) -> Chunk {
    let mut c = Chunk::default();
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        c.bad_utf8 = Some(memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64);
    }
    if memchr::memchr(b'"', bytes).is_none() {
        scan_unquoted(bytes, delimiter, expected, &mut c);
        return c;
    }
    let mut fields = 1usize;
    let mut content = false;
    let mut in_quotes = false;
    let end_record = |c: &mut Chunk, fields: usize, content: bool| {
        if content {
            if fields != expected && c.ragged.is_none() {
                c.ragged = Some((c.rows, c.lines, fields));
            }
            c.rows += 1;
        }
    };
    for &b in bytes {
        if in_quotes {
            if b == b'"' {
                in_quotes = false;
            }
            continue;
        }
        if b == delimiter {
            fields += 1;
            content = true;
        } else if b == b'\n' {
            end_record(&mut c, fields, content);
            c.lines += 1;
            fields = 1;
            content = false;
        } else if b == b'"' {
            in_quotes = true;
            content = true;
        } else if b != b'\r' {
            content = true;
        }
    }
    end_record(&mut c, fields, content);
    c.open_quote = in_quotes;
    c
}

/// The common case, a chunk without quotes: find line ends with memchr and
/// count delimiters per line in a loop the compiler vectorises.
fn scan_unquoted(bytes: &[u8], delimiter: u8, expected: usize, c: &mut Chunk) {
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        let line = &bytes[start..end];
        let newline = end < bytes.len();
        start = end + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(|&b| b == b'\r') {
            let fields = 1 + line.iter().filter(|&&b| b == delimiter).count();
            if fields != expected && c.ragged.is_none() {
                c.ragged = Some((c.rows, c.lines, fields));
            }
            c.rows += 1;
        }
        if newline {
            c.lines += 1;
        }
    }
}

/// Check every record of the body; return the number of data rows.
fn check_body(file: &str, body: &[u8], delimiter: u8, expected: usize) -> Result<u64> {
    let chunks = split_chunks(body, rayon::current_num_threads() * 4);
    let mut results: Vec<Chunk> = chunks
        .par_iter()
        .map(|c| scan_chunk(c, delimiter, expected))
        .collect();
    if results.iter().any(|c| c.open_quote) {
        // A quoted field spans a chunk boundary: scan sequentially instead.
        results = vec![scan_chunk(body, delimiter, expected)];
        if results[0].open_quote {
            let line = results[0].lines + 2;
            return Err(Error::file(
                file,
                format!(
                    "a quoted field is never closed (the file ends inside quotes, line {line})"
                ),
            ));
        }
    }
    let (mut rows, mut lines) = (0u64, 0u64);
    for c in &results {
        // Line numbers are 1-based and the header is line 1.
        if let Some(l) = c.bad_utf8 {
            return Err(Error::file(
                file,
                format!(
                    "invalid UTF-8 on line {}; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
                    lines + l + 2
                ),
            ));
        }
        if let Some((r, l, n)) = c.ragged {
            return Err(Error::cell(
                file,
                None,
                rows + r + 1,
                format!(
                    "has {n} field{} but the header has {expected} (line {}, delimiter '{}')",
                    if n == 1 { "" } else { "s" },
                    lines + l + 2,
                    delimiter_name(delimiter)
                ),
            ));
        }
        rows += c.rows;
        lines += c.lines;
    }
    Ok(rows)
}

/// Split at `\n` boundaries into about `parts` pieces.
fn split_chunks(bytes: &[u8], parts: usize) -> Vec<&[u8]> {
    let target = (bytes.len() / parts.max(1)).max(1 << 16);
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + target).min(bytes.len());
        if end < bytes.len() {
            end = match memchr::memchr(b'\n', &bytes[end..]) {
                Some(i) => end + i + 1,
                None => bytes.len(),
            };
        }
        out.push(&bytes[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolon_and_tab() {
        let s = scan("t", b"a;b;c\r\n1;2;3\r\n4;5;6\n", None).unwrap();
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.header, vec!["a", "b", "c"]);
        assert_eq!(s.rows, 2);
        let s = scan("t", b"a\tb\n1\t2\n", None).unwrap();
        assert_eq!(s.delimiter, b'\t');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let s = scan("t", b"name,age\n\"Smith, J\",3\n\"a\"\"b\",4\n", None).unwrap();
        assert_eq!(s.delimiter, b',');
        assert_eq!(s.rows, 2);
        assert_eq!(
            split_record("\"a,b\",\"c\"\"d\"", b','),
            vec!["a,b", "c\"d"]
        );
    }

    #[test]
    fn ragged_row_is_named() {
        let e = scan("f.csv", b"a,b\n1,2\n3\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("f.csv") && e.contains("row 2") && e.contains("line 3"),
            "{e}"
        );
    }

    #[test]
    fn blank_lines_are_not_rows() {
        let s = scan("t", b"a,b\n1,2\n\n3,4\n\n", None).unwrap();
        assert_eq!(s.rows, 2);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = scan("f.csv", b"a,b\n1,2\n\xff,3\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid UTF-8 on line 3"), "{e}");
    }

    #[test]
    fn empty_and_header_only() {
        assert!(scan("f", b"", None)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(scan("f", b"a,b\n", None)
            .unwrap_err()
            .to_string()
            .contains("no data rows"));
    }

    #[test]
    fn duplicate_header_names() {
        let e = scan("f", b"a,b,a\n1,2,3\n", None).unwrap_err().to_string();
        assert!(e.contains("column 'a'") && e.contains("duplicate"), "{e}");
    }

    #[test]
    fn multiline_quoted_field_spanning_chunks() {
        let mut data = b"a,b\n".to_vec();
        for i in 0..50_000 {
            data.extend_from_slice(format!("{i},\"x\ny\"\n").as_bytes());
        }
        let s = scan("t", &data, None).unwrap();
        assert_eq!(s.rows, 50_000);
    }
}
