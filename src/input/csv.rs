//! The CSV reader: one parser for every entry point (whole files, standard
//! input, streamed batches, hierarchy files).
//!
//! Quoting follows RFC 4180 read leniently, as Python's `csv` module does:
//! a field that *starts* with `"` is quoted (`""` inside it is one quote, and
//! it may hold delimiters and line breaks); a `"` anywhere else is an
//! ordinary character. So `size 5"` or `y"z` are read literally instead of
//! swallowing the rows up to the next quote. The state machine is
//! `csv-core`'s; `\n`, `\r\n` and `\r` end records; blank lines (and lines
//! of spaces, in a table of more than one column) are not records.
//!
//! Large inputs are parsed in parallel: the body is cut at line ends, each
//! piece is parsed as if it began a record, and a piece whose predecessor
//! ended inside a quoted field is parsed again from the true record start.
//! Every error names the 1-based line in the file (the header is line 1)
//! and, for records, the 1-based data row.

use std::sync::atomic::{AtomicU64, Ordering};

use csv_core::{ReadRecordResult, Reader, ReaderBuilder, Terminator};
use polars::prelude::{PlSmallStr, StringChunked, StringChunkedBuilder};
use rayon::prelude::*;

use crate::engine::encode::{RawText, NULL_CODE};
use crate::engine::intern::Interner;
use crate::error::{Error, Result};

/// Delimiters tried by auto-detection, in order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A printable name for a delimiter byte.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        b' ' => "space".to_string(),
        _ => (d as char).to_string(),
    }
}

/// The parser every reader of kanon uses.
fn parser(delimiter: u8) -> Reader {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(Terminator::CRLF)
        .quote(b'"')
        .double_quote(true)
        .build()
}

/// One record: its fields (unquoted) and where it sits.
pub struct Record<'a> {
    out: &'a [u8],
    ends: &'a [usize],
    /// 0-based line of the record's first byte, counted from where parsing began.
    pub line: u64,
    /// Line breaks inside quoted fields of the record.
    pub inner_breaks: u64,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn field(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }

    /// A line of nothing but spaces or tabs.
    fn is_blank(&self) -> bool {
        self.ends.len() == 1
            && self.out[..self.ends[0]]
                .iter()
                .all(|&b| b == b' ' || b == b'\t')
    }
}

/// What stopped a pass over records.
enum Stop {
    /// Every byte was consumed and `at_eof` was set: the input is done.
    End,
    /// The bytes end inside a record (more input is needed): it starts at
    /// this offset.
    Open { at: usize },
}

/// A record parser over one byte slice; `visit` sees each record in turn.
struct Pass<'b> {
    bytes: &'b [u8],
    delimiter: u8,
    rdr: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    pos: usize,
}

impl<'b> Pass<'b> {
    fn new(bytes: &'b [u8], delimiter: u8) -> Self {
        let mut rdr = parser(delimiter);
        rdr.set_line(0);
        Pass {
            bytes,
            delimiter,
            rdr,
            out: vec![0; 4096],
            ends: vec![0; 64],
            pos: 0,
        }
    }

    /// Run over the records. With `at_eof`, the end of `bytes` ends the last
    /// record; without it, a record not ended by a line break is left open.
    /// `visit` returns `false` to stop early.
    fn run(
        &mut self,
        at_eof: bool,
        mut visit: impl FnMut(&Record, usize, usize) -> bool,
    ) -> std::result::Result<Stop, (usize, u64)> {
        loop {
            let start = self.pos;
            let line_before = self.rdr.line();
            let (mut nout, mut nend) = (0usize, 0usize);
            loop {
                let input = &self.bytes[self.pos..];
                if input.is_empty() && !at_eof {
                    let rest = &self.bytes[start..];
                    if rest.iter().all(|&b| b == b'\n' || b == b'\r') {
                        return Ok(Stop::End);
                    }
                    return Ok(Stop::Open { at: start });
                }
                let (res, nin, o, e) =
                    self.rdr
                        .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
                self.pos += nin;
                nout += o;
                nend += e;
                match res {
                    ReadRecordResult::InputEmpty => {}
                    ReadRecordResult::OutputFull => {
                        let n = self.out.len() * 2;
                        self.out.resize(n, 0);
                    }
                    ReadRecordResult::OutputEndsFull => {
                        let n = self.ends.len() * 2;
                        self.ends.resize(n, 0);
                    }
                    ReadRecordResult::End => return Ok(Stop::End),
                    ReadRecordResult::Record => break,
                }
            }
            let raw = &self.bytes[start..self.pos];
            let lead = leading_breaks(raw);
            if at_eof && self.pos == self.bytes.len() && ends_inside_quotes(raw, self.delimiter) {
                return Err((start, line_before + lead));
            }
            let consumed = self.rdr.line() - line_before;
            let trailing = u64::from(raw.last() == Some(&b'\n'));
            let record = Record {
                out: &self.out[..nout],
                ends: &self.ends[..nend],
                line: line_before + lead,
                inner_breaks: consumed.saturating_sub(lead + trailing),
            };
            if !visit(&record, start, self.pos) {
                return Ok(Stop::End);
            }
        }
    }
}

/// `\n` count of the blank lines before a record's first byte.
fn leading_breaks(raw: &[u8]) -> u64 {
    raw.iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Whether the raw bytes of a record end inside a quoted field, by the same
/// rules as the parser: a quote opens only at the start of a field, `""`
/// inside quotes is a quote, and a closing quote may be followed by text.
fn ends_inside_quotes(raw: &[u8], delimiter: u8) -> bool {
    let mut inside = false;
    let mut at_field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if inside {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    inside = false;
                }
            }
        } else if b == b'"' && at_field_start {
            inside = true;
        }
        at_field_start = !inside && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    inside
}

/// The header of a CSV input and where its body begins.
#[derive(Debug, Clone)]
pub struct Header {
    pub delimiter: u8,
    pub names: Vec<String>,
    /// Byte offset of the first body byte.
    pub body_start: usize,
    /// Lines the header spans (1 unless a quoted name holds a line break).
    pub lines: u64,
}

/// Read the header (first record) of `bytes`, detecting the delimiter when
/// none is given. `file` names the input in errors.
pub fn header(file: &str, bytes: &[u8], delimiter: Option<u8>) -> Result<Header> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::file(file, "the file is empty"));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff(bytes));
    let mut pass = Pass::new(bytes, delimiter);
    let mut found: Option<(Vec<Vec<u8>>, u64)> = None;
    let stop = pass.run(true, |r, _, _| {
        if !r.is_blank() {
            found = Some(((0..r.len()).map(|i| r.field(i).to_vec()).collect(), r.line));
            return false;
        }
        true
    });
    if let Err((_, line)) = stop {
        return Err(unclosed(file, line));
    }
    let Some((fields, first_line)) = found else {
        return Err(Error::file(file, "the file is empty"));
    };
    let mut names = Vec::with_capacity(fields.len());
    for f in fields {
        names.push(String::from_utf8(f).map_err(|_| {
            Error::file(
                file,
                format!(
                    "the header (line {}) is not valid UTF-8; convert the file to UTF-8",
                    first_line + 1
                ),
            )
        })?);
    }
    check_header(file, &names)?;
    Ok(Header {
        delimiter,
        names,
        body_start: pass.pos,
        lines: pass.rdr.line(),
    })
}

fn unclosed(file: &str, line: u64) -> Error {
    Error::file(
        file,
        format!(
            "a quoted field opened on line {} is never closed (the file ends inside quotes)",
            line + 1
        ),
    )
}

/// Choose the candidate delimiter that splits the header into the most
/// fields and gives the same count on the next records; a consistent
/// candidate wins over an inconsistent one.
fn sniff(bytes: &[u8]) -> u8 {
    let sample = &bytes[..bytes.len().min(1 << 16)];
    let mut best = (b',', 0usize, false);
    for &d in &CANDIDATES {
        let mut counts: Vec<usize> = Vec::new();
        let mut pass = Pass::new(sample, d);
        let _ = pass.run(sample.len() == bytes.len(), |r, _, _| {
            if !r.is_blank() {
                counts.push(r.len());
            }
            counts.len() < 21
        });
        let Some((&n, rest)) = counts.split_first() else {
            continue;
        };
        if n < 2 {
            continue;
        }
        let consistent = rest.iter().all(|&c| c == n);
        if (consistent && !best.2) || (consistent == best.2 && n - 1 > best.1) {
            best = (d, n - 1, consistent);
        }
    }
    best.0
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

/// The columns asked of a CSV body, as text; empty cells are null.
pub struct Parsed {
    /// The wanted columns read as text, in the wanted order.
    pub columns: Vec<StringChunked>,
    /// The wanted columns read straight into codes (`coded`), by name.
    pub coded: Vec<(String, RawText)>,
    /// Data rows (blank lines are not rows).
    pub rows: u64,
    /// Records holding a line break inside a quoted field, and the line
    /// (1-based, in the file) of the first.
    pub multiline_records: u64,
    pub first_multiline_line: Option<u64>,
    /// Bytes of the body consumed (all of it at the end of the input).
    pub consumed: usize,
    /// Line breaks in the consumed bytes.
    pub lines: u64,
}

/// Where a body sits in its file, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    /// 0-based line of the body's first byte in the file.
    pub line: u64,
    /// Data rows before the body.
    pub row: u64,
}

/// A problem found while parsing a piece, before its position is known.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Ragged { row: u64, line: u64, fields: usize },
    Utf8 { line: u64 },
    Unclosed { line: u64 },
}

/// One piece of the body, parsed as if it began a record.
struct Piece<'o> {
    columns: Vec<PieceColumn<'o>>,
    rows: u64,
    multiline: u64,
    /// 0-based line (in the piece) of the first record with a quoted line break.
    first_multiline: Option<u64>,
    /// Bytes of the piece that end whole records.
    clean: usize,
    /// Line breaks in those bytes.
    lines: u64,
    problem: Option<Problem>,
}

/// The shape every piece is checked against.
struct Layout<'a> {
    delimiter: u8,
    width: usize,
    /// Header index of each wanted column, and its name.
    wanted: &'a [(usize, PlSmallStr)],
    /// Per wanted column: read into codes rather than text.
    coded: &'a [bool],
}

/// Where a piece puts one wanted column's fields.
enum Sink<'d, 'o> {
    Text(StringChunkedBuilder),
    /// Codes of the parsing worker's dictionary for the column, which the
    /// worker's other pieces share ([`Dictionaries`]).
    Codes(&'d mut Interner, CodeOut<'o>),
}

/// Where a piece writes one coded column's codes: its slot of the whole
/// column, as many places as the piece has line breaks (one more at the
/// input's end). Each record a piece delivers ends at one of its line
/// breaks (a piece parsed again from a record begun in the piece before
/// too), so they fit; were they not to, the codes go on in a vector of the
/// piece's own rather than anywhere else.
enum CodeOut<'o> {
    Slot { slot: &'o mut [u32], len: usize },
    Own(Vec<u32>),
}

impl CodeOut<'_> {
    #[inline]
    fn push(&mut self, code: u32) {
        match self {
            CodeOut::Slot { slot, len } if *len < slot.len() => {
                slot[*len] = code;
                *len += 1;
            }
            CodeOut::Slot { slot, len } => {
                let mut own = Vec::with_capacity(2 * *len + 1);
                own.extend_from_slice(&slot[..*len]);
                own.push(code);
                *self = CodeOut::Own(own);
            }
            CodeOut::Own(v) => v.push(code),
        }
    }

    /// Start again (a piece parsed again), keeping the slot.
    fn cleared(self) -> Self {
        match self {
            CodeOut::Slot { slot, .. } => CodeOut::Slot { slot, len: 0 },
            CodeOut::Own(_) => CodeOut::Own(Vec::new()),
        }
    }

    /// Where the codes are, without the slot's borrow.
    fn placed(self) -> Placed {
        match self {
            CodeOut::Slot { len, .. } => Placed::Slot(len),
            CodeOut::Own(v) => Placed::Own(v),
        }
    }
}

/// A parsed piece's codes of one column: the first `n` places of its slot,
/// or a vector.
enum Placed {
    Slot(usize),
    Own(Vec<u32>),
}

/// How the wanted columns are delivered.
#[derive(Default, Clone, Copy)]
pub struct Delivery<'a> {
    /// Columns read straight into codes ([`Parsed::coded`]).
    pub coded: &'a [String],
    /// Bytes parsed are added here as pieces finish (progress).
    pub meter: Option<&'a AtomicU64>,
    /// Told each piece of the input once it is parsed (a mapped file's
    /// pages can then leave memory).
    pub release: Option<Release<'a>>,
}

/// What is told a parsed piece of the input.
pub type Release<'a> = &'a (dyn Fn(&[u8]) + Sync);

/// One wanted column of a parsed piece.
enum PieceColumn<'o> {
    Text(StringChunked),
    /// Codes of the dictionary of the worker that parsed the piece.
    Codes(CodeOut<'o>),
}

impl<'o> Sink<'_, 'o> {
    fn push(&mut self, field: &[u8]) {
        match self {
            Sink::Text(b) => match field {
                [] => b.append_null(),
                // Valid: the record lies before the first invalid byte.
                f => b.append_value(std::str::from_utf8(f).unwrap_or_default()),
            },
            Sink::Codes(dict, codes) => codes.push(match field {
                [] => NULL_CODE,
                f => dict.code(f),
            }),
        }
    }

    fn finish(self) -> PieceColumn<'o> {
        match self {
            Sink::Text(b) => PieceColumn::Text(b.finish()),
            Sink::Codes(_, codes) => PieceColumn::Codes(codes),
        }
    }
}

/// Parse a piece with the dictionaries of one worker and the places for
/// its codes (one of each a coded column, in order); `lines` is its count
/// of line breaks.
fn parse_piece<'o>(
    bytes: &[u8],
    layout: &Layout,
    at_eof: bool,
    dicts: &mut [Interner],
    outs: Vec<CodeOut<'o>>,
    lines: usize,
) -> Piece<'o> {
    parse_piece_with(bytes, layout, at_eof, (dicts, outs, lines), true)
}

/// [`parse_piece`], taking the plain path ([`parse_plain`]) where it
/// applies and `plain_allowed`.
fn parse_piece_with<'o>(
    bytes: &[u8],
    layout: &Layout,
    at_eof: bool,
    (dicts, outs, lines): (&mut [Interner], Vec<CodeOut<'o>>, usize),
    plain_allowed: bool,
) -> Piece<'o> {
    let capacity = lines + 1;
    let (mut dicts, mut outs) = (dicts.iter_mut(), outs.into_iter());
    // A coded column without a slot (none is ever missing) writes into a
    // vector of its own.
    let mut sinks: Vec<Sink> = layout
        .wanted
        .iter()
        .zip(layout.coded)
        .map(
            |((_, n), &is_coded)| match is_coded.then(|| dicts.next()).flatten() {
                Some(dict) => Sink::Codes(dict, outs.next().unwrap_or(CodeOut::Own(Vec::new()))),
                None => Sink::Text(StringChunkedBuilder::new(n.clone(), capacity)),
            },
        )
        .collect();
    let (mut rows, mut multiline, mut first_multiline) = (0u64, 0u64, None);
    let mut problem = None;
    // The first invalid byte, if any: every record before it is valid UTF-8.
    let bad_utf8 = std::str::from_utf8(bytes).err().map(|e| e.valid_up_to());
    // (A line-end byte as the delimiter takes the state machine.)
    let plain_delimiter = !matches!(layout.delimiter, b'\r' | b'\n');
    if plain_allowed && plain_delimiter && is_plain(bytes) {
        return parse_plain(bytes, layout, at_eof, sinks, bad_utf8);
    }
    let mut pass = Pass::new(bytes, layout.delimiter);
    let stop = pass.run(at_eof, |r, _, end| {
        if let Some(bad) = bad_utf8.filter(|&b| b < end) {
            let line = memchr::memchr_iter(b'\n', &bytes[..bad]).count() as u64;
            problem = Some(Problem::Utf8 { line });
            return false;
        }
        if r.is_blank() && layout.width > 1 {
            return true;
        }
        if r.len() != layout.width {
            problem = Some(Problem::Ragged {
                row: rows,
                line: r.line,
                fields: r.len(),
            });
            return false;
        }
        for ((idx, _), sink) in layout.wanted.iter().zip(&mut sinks) {
            sink.push(r.field(*idx));
        }
        rows += 1;
        if r.inner_breaks > 0 {
            multiline += 1;
            first_multiline.get_or_insert(r.line);
        }
        true
    });
    let (clean, lines) = match stop {
        Ok(Stop::End) => (pass.pos, pass.rdr.line()),
        Ok(Stop::Open { at }) => (at, memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64),
        Err((at, line)) => {
            problem.get_or_insert(Problem::Unclosed { line });
            (at, line)
        }
    };
    Piece {
        columns: sinks.into_iter().map(Sink::finish).collect(),
        rows,
        multiline,
        first_multiline,
        clean,
        lines,
        problem,
    }
}

/// Whether a piece is plain: no quote at all, and every `\r` followed by
/// `\n`. Its records are then its non-empty lines and its fields the
/// bytes between delimiters, as the parser reads them.
fn is_plain(bytes: &[u8]) -> bool {
    memchr::memchr(b'"', bytes).is_none()
        && memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
}

/// A plain piece ([`is_plain`]) parsed line by line with vectorised
/// searches for line ends and delimiters, where the parser's state
/// machine looks at every byte: same records, rows, problems and lines
/// (tested against it on random plain input, `plain_path_agrees`).
fn parse_plain<'o>(
    bytes: &[u8],
    layout: &Layout,
    at_eof: bool,
    mut sinks: Vec<Sink<'_, 'o>>,
    bad_utf8: Option<usize>,
) -> Piece<'o> {
    let (mut rows, mut line, mut pos) = (0u64, 0u64, 0usize);
    let mut problem = None;
    let mut starts: Vec<usize> = Vec::with_capacity(layout.width + 1);
    // Where the last record's bytes end, as the parser consumes them (a
    // `\r\n` record stops before its `\n`), and the line breaks before.
    let mut record_end = (0usize, 0u64);
    // One scan of the piece for delimiters and line ends together.
    let mut separators = Separators::new(bytes, layout.delimiter);
    while pos < bytes.len() {
        // Field starts of this line, relative to it; then its end.
        starts.clear();
        starts.push(0);
        let line_end = loop {
            match separators.next() {
                Some(i) if bytes[i] == b'\n' => break Some(i),
                Some(i) => starts.push(i - pos + 1),
                None => break None,
            }
        };
        let (end, next) = match line_end {
            Some(i) => (i, i + 1),
            None if at_eof => (bytes.len(), bytes.len()),
            // An unterminated last line waits for the next batch, with
            // the line breaks after the last record.
            None => {
                (pos, line) = record_end;
                break;
            }
        };
        let terminated = u64::from(next > end);
        let mut content = &bytes[pos..end];
        let crlf = content.last() == Some(&b'\r');
        if crlf {
            content = &content[..content.len() - 1];
        }
        if content.is_empty() {
            (pos, line) = (next, line + terminated);
            continue;
        }
        record_end = match crlf {
            true => (end, line),
            false => (next, line + terminated),
        };
        if let Some(bad) = bad_utf8.filter(|&b| b < next) {
            let at = memchr::memchr_iter(b'\n', &bytes[..bad]).count() as u64;
            problem = Some(Problem::Utf8 { line: at });
            (pos, line) = (next, line + terminated);
            break;
        }
        let fields = starts.len();
        let blank = || content.iter().all(|&b| b == b' ' || b == b'\t');
        if fields == 1 && layout.width > 1 && blank() {
            (pos, line) = (next, line + terminated);
            continue;
        }
        if fields != layout.width {
            problem = Some(Problem::Ragged {
                row: rows,
                line,
                fields,
            });
            (pos, line) = (next, line + terminated);
            break;
        }
        for ((idx, _), sink) in layout.wanted.iter().zip(&mut sinks) {
            let start = starts[*idx];
            let stop = starts.get(idx + 1).map_or(content.len(), |&s| s - 1);
            sink.push(&content[start..stop]);
        }
        rows += 1;
        (pos, line) = (next, line + terminated);
    }
    Piece {
        columns: sinks.into_iter().map(Sink::finish).collect(),
        rows,
        multiline: 0,
        first_multiline: None,
        clean: pos,
        lines: line,
        problem,
    }
}

/// Positions of a delimiter or a line end in a piece, in order: each
/// 64-byte block is compared at once into a bit mask (SSE2 on x86-64, whole
/// words elsewhere), and the mask's set bits are walked.
struct Separators<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    /// Start of the block `mask` describes.
    base: usize,
    mask: u64,
}

impl<'a> Separators<'a> {
    fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        let mask = block_mask(&bytes[..bytes.len().min(64)], delimiter);
        Separators {
            bytes,
            delimiter,
            base: 0,
            mask,
        }
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            let block = &self.bytes[self.base..self.bytes.len().min(self.base + 64)];
            self.mask = block_mask(block, self.delimiter);
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + bit)
    }
}

/// Bit i set where `block[i]` (at most 64 bytes) is `delimiter` or `\n`.
#[inline]
fn block_mask(block: &[u8], delimiter: u8) -> u64 {
    if block.len() < 64 {
        return (block.iter().enumerate())
            .filter(|(_, &b)| b == delimiter || b == b'\n')
            .fold(0, |m, (i, _)| m | 1 << i);
    }
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86-64 CPU; the four unaligned
        // 16-byte loads lie inside the 64-byte block.
        unsafe {
            let (d, n) = (_mm_set1_epi8(delimiter as i8), _mm_set1_epi8(b'\n' as i8));
            (0..4).fold(0u64, |m, q| {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * q) as *const __m128i);
                let hit = _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, n));
                m | (_mm_movemask_epi8(hit) as u16 as u64) << (16 * q)
            })
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block_mask_by_words(block, delimiter)
    }
}

/// [`block_mask`] of a whole 64-byte block eight bytes at a time, without
/// vector instructions (other architectures; checked against SSE2 here).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_mask_by_words(block: &[u8], delimiter: u8) -> u64 {
    // Exact per-byte zero test of x ^ pattern: the high bit of each byte
    // that was zero, no false positives.
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zeros = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let (d, n) = (
        u64::from_ne_bytes([delimiter; 8]),
        u64::from_ne_bytes([b'\n'; 8]),
    );
    (0..8).fold(0u64, |m, w| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&block[8 * w..8 * w + 8]);
        let x = u64::from_le_bytes(word);
        let hits = zeros(x ^ d) | zeros(x ^ n);
        // The high bit of each hit byte, gathered into 8 bits.
        let bits = (0..8).fold(0u64, |b, i| b | ((hits >> (8 * i + 7)) & 1) << i);
        m | bits << (8 * w)
    })
}

/// Split at line ends into about `parts` pieces of at least 64 KiB.
fn split_pieces(bytes: &[u8], parts: usize) -> Vec<(usize, usize)> {
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
        out.push((start, end));
        start = end;
    }
    out
}

/// The header index of each wanted column; the error lists the columns.
fn locate(file: &str, header: &Header, wanted: &[String]) -> Result<Vec<(usize, PlSmallStr)>> {
    wanted
        .iter()
        .map(|w| match header.names.iter().position(|n| n == w) {
            Some(i) => Ok((i, PlSmallStr::from(w.as_str()))),
            None => Err(super::no_such_column(file, w, &header.names)),
        })
        .collect()
}

/// Parse a body (the bytes after the header, or a batch of whole lines of
/// them) into the wanted columns. With `at_eof`, the bytes end the input;
/// without it, a final record left open (inside quotes) is not consumed:
/// the caller carries `body[consumed..]` into the next batch.
pub fn parse_body(
    file: &str,
    body: &[u8],
    header: &Header,
    wanted: &[String],
    at: Position,
    at_eof: bool,
    delivery: Delivery,
) -> Result<Parsed> {
    let Delivery {
        coded,
        meter,
        release,
    } = delivery;
    let done = |part: &[u8]| {
        if let Some(r) = release {
            r(part);
        }
    };
    let located = locate(file, header, wanted)?;
    let is_coded: Vec<bool> = wanted.iter().map(|w| coded.contains(w)).collect();
    let layout = Layout {
        delimiter: header.delimiter,
        width: header.names.len(),
        wanted: &located,
        coded: &is_coded,
    };
    let threads = rayon::current_num_threads();
    let spans = split_pieces(body, threads * PIECES_PER_THREAD);
    let last = spans.len().saturating_sub(1);
    let n_coded = is_coded.iter().filter(|&&c| c).count();
    let dicts = Dictionaries::new(threads + 1, n_coded);
    // Each piece's line breaks (and one more at the end of the input, for
    // a last line without one): no more records than that, so its codes
    // fit in a slot of that many places of each coded column. (A mapped
    // file's pages leave memory again once counted: the resident memory is
    // the pieces in flight, not the file.)
    let lines: Vec<usize> = (spans.par_iter().enumerate())
        .map(|(i, &(s, e))| {
            let n = memchr::memchr_iter(b'\n', &body[s..e]).count();
            done(&body[s..e]);
            n + usize::from(at_eof && i == last)
        })
        .collect();
    let mut columns: Vec<Vec<u32>> = (0..n_coded)
        .map(|_| crate::engine::bulk::filled::<u32>(lines.iter().sum()))
        .collect();
    let mut outs: Vec<Vec<CodeOut>> = (0..spans.len()).map(|_| Vec::new()).collect();
    for column in columns.iter_mut() {
        for (out, slot) in outs
            .iter_mut()
            .zip(crate::engine::bulk::split_by(column, &lines))
        {
            out.push(CodeOut::Slot { slot, len: 0 });
        }
    }
    let mut pieces: Vec<Option<(usize, Piece)>> = (spans.par_iter().zip(outs).enumerate())
        .map(|(i, (&(s, e), out))| {
            let worker = rayon::current_thread_index().unwrap_or(threads);
            let piece = dicts.with(worker, |d| {
                parse_piece(&body[s..e], &layout, at_eof && i == last, d, out, lines[i])
            });
            done(&body[s..e]);
            if let Some(m) = meter {
                m.fetch_add((e - s) as u64, Ordering::Relaxed);
            }
            Some((worker, piece))
        })
        .collect();
    let mut parts: Vec<Vec<(usize, PieceColumn)>> = (0..wanted.len()).map(|_| Vec::new()).collect();
    let mut parsed = Parsed {
        columns: Vec::new(),
        coded: Vec::new(),
        rows: 0,
        multiline_records: 0,
        first_multiline_line: None,
        consumed: 0,
        lines: 0,
    };
    for (i, &(start, end)) in spans.iter().enumerate() {
        // A piece parsed on its own is right when the one before it ended
        // exactly at its start; otherwise the previous piece ended inside a
        // quoted field and parsing resumes at that record's start (its
        // codes go where they fit: the piece's slots, or vectors).
        let base = parsed.consumed;
        let (worker, piece) = match pieces[i].take() {
            Some(p) if base == start => p,
            first => {
                // The piece's slots, emptied (every piece was parsed once).
                let outs: Vec<CodeOut> = (first.into_iter())
                    .flat_map(|(_, p)| p.columns)
                    .filter_map(|c| match c {
                        PieceColumn::Codes(out) => Some(out.cleared()),
                        PieceColumn::Text(_) => None,
                    })
                    .collect();
                let bytes = &body[base..end];
                let lines = memchr::memchr_iter(b'\n', bytes).count();
                let piece = dicts.with(threads, |d| {
                    parse_piece(bytes, &layout, at_eof && i == last, d, outs, lines)
                });
                done(bytes);
                (threads, piece)
            }
        };
        let line = at.line + parsed.lines;
        if let Some(p) = &piece.problem {
            return Err(problem(file, p, header, line, at.row + parsed.rows));
        }
        if let Some(l) = piece.first_multiline {
            parsed.first_multiline_line.get_or_insert(line + l + 1);
        }
        parsed.rows += piece.rows;
        parsed.lines += piece.lines;
        parsed.multiline_records += piece.multiline;
        parsed.consumed = base + piece.clean;
        for (all, c) in parts.iter_mut().zip(piece.columns) {
            all.push((worker, c));
        }
    }
    drop(pieces);
    // Text columns put together; coded ones' pieces without the borrow of
    // the columns, to be gathered.
    let mut placed: Vec<(String, Vec<(usize, Placed)>)> = Vec::new();
    for (((column, (_, name)), w), &coded) in
        parts.into_iter().zip(&located).zip(wanted).zip(&is_coded)
    {
        let (mut text, mut codes) = (Vec::new(), Vec::new());
        for (worker, c) in column {
            match c {
                PieceColumn::Text(t) => text.push(t),
                PieceColumn::Codes(out) => codes.push((worker, out.placed())),
            }
        }
        match coded {
            true => placed.push((w.clone(), codes)),
            false => parsed.columns.push(concat(name, text)),
        }
    }
    let dicts = dicts.into_inner();
    parsed.coded = (columns.into_par_iter().zip(placed).enumerate())
        .map(|(slot, (column, (w, pieces)))| (w, gather(column, &lines, pieces, &dicts, slot)))
        .collect();
    Ok(parsed)
}

/// Pieces a thread: a piece runs on one thread, so the last ones finish
/// alone; small pieces keep that tail short. Pieces share their worker's
/// dictionaries, so a piece costs no dictionary of its own.
const PIECES_PER_THREAD: usize = 32;

/// The dictionaries of the coded columns, one set a worker thread (and
/// one for the serial re-parse of a piece): a worker's pieces share them,
/// so each distinct value is hashed into a new dictionary once a worker,
/// not once a piece. Each set is locked by its own worker only.
struct Dictionaries(Vec<std::sync::Mutex<Vec<Interner>>>);

impl Dictionaries {
    fn new(workers: usize, coded: usize) -> Self {
        let set = || std::sync::Mutex::new((0..coded).map(|_| Interner::default()).collect());
        Dictionaries((0..workers).map(|_| set()).collect())
    }

    fn with<T>(&self, worker: usize, f: impl FnOnce(&mut [Interner]) -> T) -> T {
        // A panic while parsing leaves a dictionary that is never read:
        // the panic is carried out of the parallel section.
        let mut set = self.0[worker].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut set)
    }

    /// The sets, by worker.
    fn into_inner(self) -> Vec<Vec<Interner>> {
        (self.0.into_iter())
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect()
    }
}

/// One coded column from its pieces (in file order, with the worker that
/// parsed each): the pieces' codes are moved together in the column (a
/// piece holds at most its slot's places, so the pieces before it never
/// reach past its slot's start), then rewritten, pieces in parallel, from
/// their worker's dictionary (`dicts[worker][slot]`) into one for the
/// column, made from the workers' dictionaries in worker order. Should a
/// piece have a vector of its own ([`CodeOut`]), the column is put
/// together afresh instead.
fn gather(
    mut column: Vec<u32>,
    lines: &[usize],
    pieces: Vec<(usize, Placed)>,
    dicts: &[Vec<Interner>],
    slot: usize,
) -> RawText {
    let mut dict = Interner::default();
    let remaps: Vec<Vec<u32>> = (dicts.iter())
        .map(|d| {
            let local = &d[slot];
            (0..local.len() as u32)
                .map(|c| dict.code(local.get(c)))
                .collect()
        })
        .collect();
    let lengths: Vec<usize> = (pieces.iter())
        .map(|(_, p)| match p {
            Placed::Slot(n) => *n,
            Placed::Own(v) => v.len(),
        })
        .collect();
    let starts = lines.iter().scan(0, |start, &l| {
        *start += l;
        Some(*start - l)
    });
    if pieces.iter().any(|(_, p)| matches!(p, Placed::Own(_))) {
        let mut fresh = Vec::with_capacity(lengths.iter().sum());
        for ((_, p), start) in pieces.iter().zip(starts) {
            match p {
                Placed::Slot(n) => fresh.extend_from_slice(&column[start..start + n]),
                Placed::Own(v) => fresh.extend_from_slice(v),
            }
        }
        column = fresh;
    } else {
        let mut at = 0;
        for (&n, start) in lengths.iter().zip(starts) {
            if start != at {
                column.copy_within(start..start + n, at);
            }
            at += n;
        }
        column.truncate(at);
    }
    let parts = crate::engine::bulk::split_by(&mut column, &lengths);
    parts
        .into_par_iter()
        .zip(pieces)
        .for_each(|(codes, (worker, _))| {
            let remap = &remaps[worker];
            for c in codes.iter_mut() {
                if *c != NULL_CODE {
                    *c = remap[*c as usize];
                }
            }
        });
    RawText {
        codes: column,
        labels: dict.into_labels(),
    }
}

fn concat(name: &PlSmallStr, parts: Vec<StringChunked>) -> StringChunked {
    let mut it = parts.into_iter();
    let mut all = it
        .next()
        .unwrap_or_else(|| StringChunkedBuilder::new(name.clone(), 0).finish());
    for p in it {
        // Appending string arrays of one name cannot fail.
        let _ = all.append_owned(p);
    }
    all
}

fn problem(file: &str, p: &Problem, header: &Header, line_base: u64, row_base: u64) -> Error {
    match *p {
        Problem::Ragged { row, line, fields } => Error::cell(
            file,
            None,
            row_base + row + 1,
            format!(
                "has {fields} field{} but the header has {} (line {}, delimiter '{}')",
                if fields == 1 { "" } else { "s" },
                header.names.len(),
                line_base + line + 1,
                delimiter_name(header.delimiter)
            ),
        ),
        Problem::Utf8 { line } => Error::file(
            file,
            format!(
                "invalid UTF-8 on line {}; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
                line_base + line + 1
            ),
        ),
        Problem::Unclosed { line } => unclosed(file, line_base + line),
    }
}

/// A whole CSV input: its header and the wanted columns.
pub struct CsvTable {
    pub header: Header,
    pub body: Parsed,
}

/// Read the `wanted` columns of a whole CSV input held in memory (BOM
/// removed). A header without data rows is an error.
pub fn read(
    file: &str,
    bytes: &[u8],
    delimiter: Option<u8>,
    wanted: &[String],
    delivery: Delivery,
) -> Result<CsvTable> {
    let header = header(file, bytes, delimiter)?;
    let at = Position {
        line: header.lines,
        row: 0,
    };
    let body = parse_body(
        file,
        &bytes[header.body_start..],
        &header,
        wanted,
        at,
        true,
        delivery,
    )?;
    if body.rows == 0 {
        return Err(Error::file(file, "the file has a header but no data rows"));
    }
    Ok(CsvTable { header, body })
}

/// Every record of a small headerless CSV text (a hierarchy file), with its
/// 1-based line; blank lines are skipped. `delimiter` is used as given.
pub fn records(file: &str, bytes: &[u8], delimiter: u8) -> Result<Vec<(u64, Vec<String>)>> {
    let mut out = Vec::new();
    let mut bad = None;
    let mut pass = Pass::new(bytes, delimiter);
    let stop = pass.run(true, |r, _, _| {
        if r.is_blank() {
            return true;
        }
        let mut row = Vec::with_capacity(r.len());
        for i in 0..r.len() {
            match std::str::from_utf8(r.field(i)) {
                Ok(s) => row.push(s.to_string()),
                Err(_) => {
                    bad = Some(r.line);
                    return false;
                }
            }
        }
        out.push((r.line + 1, row));
        true
    });
    if let Some(line) = bad {
        return Err(Error::file(
            file,
            format!(
                "invalid UTF-8 on line {}; convert the file to UTF-8",
                line + 1
            ),
        ));
    }
    if let Err((_, line)) = stop {
        return Err(unclosed(file, line));
    }
    Ok(out)
}

/// The number of fields of the first non-blank record with `delimiter`.
pub fn first_record_width(bytes: &[u8], delimiter: u8) -> usize {
    let mut width = 0;
    let mut pass = Pass::new(&bytes[..bytes.len().min(1 << 16)], delimiter);
    let _ = pass.run(bytes.len() <= 1 << 16, |r, _, _| {
        if r.is_blank() {
            return true;
        }
        width = r.len();
        false
    });
    width
}

/// A CSV file read in batches of whole records, each parsed in parallel.
/// Memory holds one batch; a record longer than a batch grows the batch.
pub struct Batches {
    path: String,
    file: Prefetch,
    pub header: Header,
    wanted: Vec<String>,
    /// The wanted columns delivered as codes.
    coded: Vec<String>,
    buf: Vec<u8>,
    eof: bool,
    at: Position,
    batch_bytes: usize,
    multiline: u64,
    first_multiline: Option<u64>,
}

/// Bytes asked of the operating system per read call.
const READ_STEP: usize = 8 << 20;

/// A file read (gunzipped, hashed) on a thread of its own, ahead of the
/// parser by about a quarter of a batch: the next batch's bytes arrive
/// while the current one is parsed, grouped and merged.
struct Prefetch {
    /// Each chunk with the bytes taken from the file up to its end
    /// (compressed bytes for gzip).
    chunks: std::sync::mpsc::Receiver<std::io::Result<(Vec<u8>, u64)>>,
    /// Bytes taken from the file up to the end of the last chunk received.
    consumed: u64,
    reader: ReadAhead,
}

impl Prefetch {
    fn start(mut file: super::Stream, batch_bytes: usize) -> Prefetch {
        use std::io::Read;
        // Steps of a quarter batch at most, so that the bytes a parser has
        // taken (the progress shown) move batch by batch on small batches.
        let step = (batch_bytes / 4).clamp(1 << 12, READ_STEP);
        let ahead = (batch_bytes / 4 / step).max(1);
        let (send, chunks) = std::sync::mpsc::sync_channel(ahead);
        let reader = std::thread::spawn(move || {
            loop {
                // A whole step, or less at the end (an empty chunk: the end).
                let mut chunk = vec![0u8; step];
                let mut filled = 0;
                let read = loop {
                    match file.read(&mut chunk[filled..]) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            filled += n;
                            if filled == chunk.len() {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                let consumed = file.consumed();
                chunk.truncate(filled);
                // After the end or an error nothing more is read; a parser
                // that stopped (on an error of its own) has dropped the
                // receiver.
                let last = filled == 0 || read.is_err();
                let sent = send.send(read.map(|()| (chunk, consumed))).is_ok();
                if last || !sent {
                    return file;
                }
            }
        });
        Prefetch {
            chunks,
            consumed: 0,
            reader: ReadAhead::Running(reader),
        }
    }

    /// The next bytes of the file; empty at its end.
    fn next_chunk(&mut self) -> std::io::Result<Vec<u8>> {
        match self.chunks.recv() {
            Ok(Ok((chunk, consumed))) => {
                self.consumed = consumed;
                Ok(chunk)
            }
            Ok(Err(e)) => Err(e),
            // The reader stops only after sending the end or an error, so
            // it panicked (a bug): that panic is this thread's.
            Err(_) => {
                self.join();
                Err(std::io::Error::other("the file's reader stopped"))
            }
        }
    }

    /// Wait for the reader to end; its panic is carried over to this thread.
    fn join(&mut self) {
        if let ReadAhead::Running(_) = self.reader {
            let ReadAhead::Running(handle) =
                std::mem::replace(&mut self.reader, ReadAhead::Joining)
            else {
                return;
            };
            match handle.join() {
                Ok(file) => self.reader = ReadAhead::Done(file),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    }

    /// Size and SHA-256 of the bytes read, once the reader has sent the end.
    fn finish(mut self, path: &str, rows: u64) -> super::FileInfo {
        self.join();
        match self.reader {
            ReadAhead::Done(file) => file.finish(path, rows),
            // `join` leaves the file or carries the reader's panic over: an
            // unknown digest is never reported as a hash.
            ReadAhead::Running(_) | ReadAhead::Joining => {
                unreachable!("the read-ahead thread is joined before its digest is read")
            }
        }
    }
}

/// The reading thread, then the file it read.
enum ReadAhead {
    Running(std::thread::JoinHandle<super::Stream>),
    /// Only while joining.
    Joining,
    Done(super::Stream),
}

impl Batches {
    /// Bytes of the file read so far (compressed bytes for gzip).
    pub fn consumed(&self) -> u64 {
        self.file.consumed
    }

    /// Open `path` and read its header; `coded` (of `wanted`) come as codes.
    pub fn open(
        path: &str,
        delimiter: Option<u8>,
        wanted: &[String],
        coded: &[String],
        batch_bytes: usize,
    ) -> Result<Batches> {
        let file = Prefetch::start(super::Stream::open(path)?, batch_bytes);
        let mut b = Batches {
            path: path.to_string(),
            file,
            header: Header {
                delimiter: b',',
                names: Vec::new(),
                body_start: 0,
                lines: 0,
            },
            wanted: wanted.to_vec(),
            coded: coded.to_vec(),
            buf: Vec::new(),
            eof: false,
            at: Position { line: 0, row: 0 },
            batch_bytes: batch_bytes.max(1),
            multiline: 0,
            first_multiline: None,
        };
        // Read until the header record is complete (a line break outside quotes).
        let mut want = 1 << 16;
        loop {
            b.fill(want)?;
            let start = usize::from(b.buf.starts_with(&[0xEF, 0xBB, 0xBF])) * 3;
            let text = &b.buf[start..];
            let complete = b.eof || {
                let mut pass = Pass::new(text, delimiter.unwrap_or(b','));
                let mut got = false;
                let _ = pass.run(false, |r, _, _| {
                    got = !r.is_blank();
                    !got
                });
                got
            };
            if complete {
                let header = header(path, text, delimiter)?;
                b.at.line = header.lines;
                b.buf.drain(..start + header.body_start);
                locate(path, &header, wanted)?;
                b.header = header;
                return Ok(b);
            }
            want *= 2;
        }
    }

    /// Read until the buffer holds `want` bytes or the file ends.
    fn fill(&mut self, want: usize) -> Result<()> {
        while !self.eof && self.buf.len() < want {
            let chunk = self.file.next_chunk();
            let chunk = chunk.map_err(|e| Error::file(&self.path, format!("cannot read: {e}")))?;
            self.eof = chunk.is_empty();
            self.buf.extend_from_slice(&chunk);
        }
        Ok(())
    }

    /// The next batch of records, or `None` at the end of the file.
    pub fn next_batch(&mut self) -> Result<Option<Parsed>> {
        let mut want = self.batch_bytes;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() && self.eof {
                return Ok(None);
            }
            // Whole lines only, unless the file has ended.
            let cut = if self.eof {
                self.buf.len()
            } else {
                memchr::memrchr(b'\n', &self.buf).map_or(0, |i| i + 1)
            };
            let parsed = parse_body(
                &self.path,
                &self.buf[..cut],
                &self.header,
                &self.wanted,
                self.at,
                self.eof,
                Delivery {
                    coded: &self.coded,
                    meter: None,
                    release: None,
                },
            )?;
            if parsed.consumed == 0 && !self.eof {
                // One record longer than the batch: read on.
                want = self.buf.len().max(1) * 2;
                continue;
            }
            self.buf.drain(..parsed.consumed);
            if let Some(l) = parsed.first_multiline_line {
                self.first_multiline.get_or_insert(l);
            }
            self.multiline += parsed.multiline_records;
            self.at.line += parsed.lines;
            self.at.row += parsed.rows;
            if parsed.rows == 0 {
                if self.eof && self.buf.is_empty() {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(parsed));
        }
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.at.row
    }

    /// What was read: bytes, their SHA-256, data rows, quoted line breaks.
    pub fn finish(self) -> (super::FileInfo, u64, Option<u64>) {
        let info = self.file.finish(&self.path, self.at.row);
        (info, self.multiline, self.first_multiline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Cells = Vec<Vec<Option<String>>>;

    fn text(bytes: &[u8], wanted: &[&str]) -> Result<(Header, Cells, u64)> {
        let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
        let t = read("t.csv", bytes, None, &wanted, Delivery::default())?;
        let cols = t
            .body
            .columns
            .iter()
            .map(|c| c.iter().map(|v| v.map(str::to_string)).collect())
            .collect();
        Ok((t.header, cols, t.body.rows))
    }

    fn strs(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| Some(s.to_string())).collect()
    }

    #[test]
    fn sniffs_semicolon_and_tab() {
        let (h, _, rows) = text(b"a;b;c\r\n1;2;3\r\n4;5;6\n", &[]).unwrap();
        assert_eq!(h.delimiter, b';');
        assert_eq!(h.names, vec!["a", "b", "c"]);
        assert_eq!(rows, 2);
        let (h, _, _) = text(b"a\tb\n1\t2\n", &[]).unwrap();
        assert_eq!(h.delimiter, b'\t');
    }

    #[test]
    fn quoted_fields_follow_rfc_4180() {
        let (h, cols, rows) = text(b"name,age\n\"Smith, J\",3\n\"a\"\"b\",4\n", &["name"]).unwrap();
        assert_eq!(h.delimiter, b',');
        assert_eq!(rows, 2);
        assert_eq!(cols[0], strs(&["Smith, J", "a\"b"]));
    }

    /// Python's csv module reads a quote inside an unquoted field literally.
    #[test]
    fn stray_quotes_are_literal() {
        let (_, cols, rows) = text(b"a,b\n1,x\n2,y\"z\n3,y\n4,w\"q\n5,y\n", &["a", "b"]).unwrap();
        assert_eq!(rows, 5);
        assert_eq!(cols[1], strs(&["x", "y\"z", "y", "w\"q", "y"]));
        let (h, cols, rows) = text(b"a,size 5\"\n1,x\n2,y\n", &["size 5\""]).unwrap();
        assert_eq!(h.names, vec!["a", "size 5\""]);
        assert_eq!((rows, cols[0].len()), (2, 2));
        // Text after a closing quote is kept, as Python does.
        let (_, cols, _) = text(b"a,b\n\"ab\"cd,1\n", &["a"]).unwrap();
        assert_eq!(cols[0], strs(&["abcd"]));
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let e = text(b"a,b\n1,2\n3,\"open\n4,5\n", &["a"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("never closed"), "{e}");
    }

    #[test]
    fn ragged_row_is_named() {
        let e = text(b"a,b\n1,2\n3\n", &[]).unwrap_err().to_string();
        assert!(
            e.contains("t.csv") && e.contains("row 2") && e.contains("line 3"),
            "{e}"
        );
        // Lines count from the file's first line, also after CRLF and blank lines.
        let e = text(b"a,b\r\n\r\n1,2\r\n\r\n3,4,5\r\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 2") && e.contains("line 5"), "{e}");
    }

    #[test]
    fn blank_lines_are_not_rows() {
        for data in [
            &b"a,b\n1,2\n\n3,4\n\n"[..],
            b"a,b\r\n1,2\r\n\r\n3,4\r\n\r\n",
            b"\na,b\n1,2\n   \n3,4",
        ] {
            let (_, cols, rows) = text(data, &["a"]).unwrap();
            assert_eq!(rows, 2, "{data:?}");
            assert_eq!(cols[0], strs(&["1", "3"]));
        }
    }

    #[test]
    fn empty_cells_are_null() {
        let (_, cols, _) = text(b"a,b\n,1\n\"\",2\nx,3\n", &["a"]).unwrap();
        assert_eq!(cols[0], vec![None, None, Some("x".to_string())]);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = text(b"a,b\n1,2\n\xff,3\n", &[]).unwrap_err().to_string();
        assert!(e.contains("invalid UTF-8 on line 3"), "{e}");
    }

    #[test]
    fn empty_and_header_only() {
        assert!(text(b"", &[]).unwrap_err().to_string().contains("empty"));
        assert!(text(b"a,b\n\n", &[])
            .unwrap_err()
            .to_string()
            .contains("no data rows"));
    }

    #[test]
    fn duplicate_header_names() {
        let e = text(b"a,b,a\n1,2,3\n", &[]).unwrap_err().to_string();
        assert!(e.contains("column 'a'") && e.contains("duplicate"), "{e}");
    }

    /// Pieces parsed in parallel must agree with one sequential parse, also
    /// when quoted line breaks straddle the cuts.
    #[test]
    fn multiline_quoted_fields_spanning_pieces() {
        let mut data = b"a,b\n".to_vec();
        for i in 0..50_000 {
            data.extend_from_slice(format!("{i},\"x\ny{i}\"\n").as_bytes());
        }
        let (_, cols, rows) = text(&data, &["b"]).unwrap();
        assert_eq!(rows, 50_000);
        assert_eq!(cols[0][49_999].as_deref(), Some("x\ny49999"));
        let t = read("t", &data, None, &[], Delivery::default()).unwrap();
        assert_eq!(t.body.multiline_records, 50_000);
        assert_eq!(t.body.first_multiline_line, Some(2));
    }

    #[test]
    fn long_quoted_field_over_many_pieces() {
        let mut data = b"a,b\n1,\"".to_vec();
        data.extend(std::iter::repeat_n(b"x\n".as_slice(), 200_000).flatten());
        data.extend_from_slice(b"\"\n2,y\n");
        let (_, cols, rows) = text(&data, &["a"]).unwrap();
        assert_eq!(rows, 2);
        assert_eq!(cols[0], strs(&["1", "2"]));
    }

    #[test]
    fn hierarchy_records() {
        let r = records("h", b"1;\"[0;5[\";*\r\n\r\n2;\"[0;5[\";*\r\n", b';').unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1], (3, vec!["2".into(), "[0;5[".into(), "*".into()]));
    }
}

#[cfg(test)]
mod coded_tests {
    use super::*;
    use crate::engine::encode::{encode_series, encode_text, EncodedColumn};
    use crate::engine::splitmix::SplitMix64;
    use polars::prelude::IntoSeries;

    /// A CSV of several 64 KiB pieces with every kind of field: quoted
    /// delimiters, doubled quotes, line breaks inside quotes (some
    /// straddling a piece boundary), empty and quoted-empty cells, numbers,
    /// non-ASCII text and blank lines.
    fn tricky(rows: usize, seed: u64) -> Vec<u8> {
        let mut rng = SplitMix64(seed);
        let mut out = String::from("id,a,b,c\n");
        let values = [
            "x",
            "\"y, z\"",
            "\"a\"\"b\"",
            "\"two\nlines\"",
            "",
            "\"\"",
            "é",
            "日本",
            "12",
            "-3.5",
            "007",
            "7",
        ];
        for i in 0..rows {
            let pick = |r: &mut SplitMix64| values[(r.next_u64() % values.len() as u64) as usize];
            let (a, b) = (pick(&mut rng), pick(&mut rng));
            out.push_str(&format!("{i},{a},{b},{}\n", rng.next_u64() % 50));
            if i % 997 == 0 {
                out.push('\n');
            }
        }
        out.into_bytes()
    }

    /// Codes made by the reader encode to exactly what the same column
    /// read as text encodes to: labels, order, kind, missing code, rows.
    #[test]
    fn coded_columns_encode_as_text_columns_do() {
        let wanted: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        for (rows, seed) in [(50_000, 1), (120_000, 7), (10, 3)] {
            let bytes = tricky(rows, seed);
            let text = read("t.csv", &bytes, None, &wanted, Delivery::default()).unwrap();
            let coded = read(
                "t.csv",
                &bytes,
                None,
                &wanted,
                Delivery {
                    coded: &wanted,
                    meter: None,
                    release: None,
                },
            )
            .unwrap();
            assert!(coded.body.columns.is_empty());
            assert_eq!(coded.body.rows, text.body.rows);
            assert_eq!(coded.body.multiline_records, text.body.multiline_records);
            for tokens in [vec![], vec!["x".to_string(), "12".to_string()]] {
                for (i, w) in wanted.iter().enumerate() {
                    let series = text.body.columns[i].clone().into_series();
                    let a = encode_series("t.csv", w, &series, &tokens).unwrap();
                    let (name, raw) = &coded.body.coded[i];
                    assert_eq!(name, w);
                    let b = encode_text(w, raw.clone(), &tokens);
                    assert_eq!(a.codes, b.codes, "{w} {rows}");
                    assert_eq!(a.dict.labels, b.dict.labels, "{w}");
                    assert_eq!(a.dict.kind, b.dict.kind, "{w}");
                    assert_eq!(a.dict.missing, b.dict.missing, "{w}");
                }
            }
        }
    }

    /// A coded column is right whatever the threads (pieces parsed with
    /// their worker's dictionary, workers meeting values in any order):
    /// each row's label is its text, labels are distinct, and the encoded
    /// column is the same bytes.
    #[test]
    fn coded_columns_are_right_whatever_the_threads() {
        let wanted: Vec<String> = ["a", "b", "c", "id"].map(String::from).to_vec();
        let bytes = tricky(150_000, 9);
        let text = read("t.csv", &bytes, None, &wanted, Delivery::default()).unwrap();
        let mut first: Option<Vec<EncodedColumn>> = None;
        for threads in [1, 2, 3, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let delivery = Delivery {
                coded: &wanted[..3],
                ..Delivery::default()
            };
            let coded = pool.install(|| read("t.csv", &bytes, None, &wanted, delivery).unwrap());
            assert!(split_pieces(&bytes, threads * PIECES_PER_THREAD).len() > threads * 4);
            let mut encoded = Vec::new();
            for (i, (name, raw)) in coded.body.coded.into_iter().enumerate() {
                assert_eq!(name, wanted[i]);
                let values: Vec<Option<&str>> = text.body.columns[i].iter().collect();
                assert_eq!(raw.codes.len(), values.len());
                for (&c, v) in raw.codes.iter().zip(&values) {
                    let label = (c != NULL_CODE).then(|| raw.labels[c as usize].as_str());
                    assert_eq!(label, *v, "{name}, {threads} threads");
                }
                let distinct: std::collections::HashSet<&String> = raw.labels.iter().collect();
                assert_eq!(distinct.len(), raw.labels.len());
                encoded.push(encode_text(&name, raw, &[]));
            }
            match &first {
                None => first = Some(encoded),
                Some(f) => {
                    for (a, b) in f.iter().zip(&encoded) {
                        assert_eq!(a.codes, b.codes, "{} with {threads} threads", a.name);
                        assert_eq!(a.dict.labels, b.dict.labels);
                    }
                }
            }
        }
    }

    /// Gathering a column: pieces that left places of their slot unused
    /// (blank lines, quoted line breaks) are moved together, in place or,
    /// with a piece's own vector among them, afresh; each piece's codes are
    /// rewritten from its worker's dictionary into the column's.
    #[test]
    fn gather_moves_pieces_together() {
        let mut workers: Vec<Vec<Interner>> = (0..2).map(|_| vec![Interner::default()]).collect();
        for v in ["x", "y", "z"] {
            workers[0][0].code(v.as_bytes());
        }
        for v in ["z", "w"] {
            workers[1][0].code(v.as_bytes());
        }
        // Slots of 3, 2 and 4 places; the pieces hold 2 codes (worker 0),
        // 3 codes in a vector (worker 1), and 4 codes (worker 0).
        let column = vec![0, 2, 99, 7, 7, 1, NULL_CODE, 0, 2];
        let pieces = vec![
            (0, Placed::Slot(2)),
            (1, Placed::Own(vec![1, 0, NULL_CODE])),
            (0, Placed::Slot(4)),
        ];
        let raw = gather(column, &[3, 2, 4], pieces, &workers, 0);
        let text: Vec<Option<&str>> = (raw.codes.iter())
            .map(|&c| (c != NULL_CODE).then(|| raw.labels[c as usize].as_str()))
            .collect();
        let want = ["x", "z", "w", "z", "", "y", "", "x", "z"];
        let want: Vec<Option<&str>> = want.iter().map(|&v| (!v.is_empty()).then_some(v)).collect();
        assert_eq!(text, want);
        assert_eq!(raw.labels, ["x", "y", "z", "w"]);
        // In place: the second piece filled 1 of its 2 places.
        let column = vec![0, 2, 99, 1, 7, 1, NULL_CODE, 0, 2];
        let pieces = vec![
            (0, Placed::Slot(2)),
            (1, Placed::Slot(1)),
            (0, Placed::Slot(4)),
        ];
        let raw = gather(column, &[3, 2, 4], pieces, &workers, 0);
        let text: Vec<Option<&str>> = (raw.codes.iter())
            .map(|&c| (c != NULL_CODE).then(|| raw.labels[c as usize].as_str()))
            .collect();
        let want = [
            Some("x"),
            Some("z"),
            Some("w"),
            Some("y"),
            None,
            Some("x"),
            Some("z"),
        ];
        assert_eq!(text, want);
    }

    /// Some columns coded, some as text, in any order.
    #[test]
    fn coded_and_text_columns_mix() {
        let bytes = tricky(30_000, 5);
        let wanted: Vec<String> = ["c", "a", "id"].map(String::from).to_vec();
        let t = read(
            "t.csv",
            &bytes,
            None,
            &wanted,
            Delivery {
                coded: &["a".to_string()],
                meter: None,
                release: None,
            },
        )
        .unwrap();
        assert_eq!(t.body.columns.len(), 2);
        assert_eq!(t.body.columns[0].name().as_str(), "c");
        assert_eq!(t.body.columns[1].name().as_str(), "id");
        assert_eq!(t.body.coded.len(), 1);
        assert_eq!(t.body.coded[0].1.codes.len() as u64, t.body.rows);
    }

    /// The plain path reads random plain pieces (no quotes, `\r` only in
    /// `\r\n`) as the parser does: blank and empty lines, spaces, empty
    /// fields, trailing delimiters, ragged rows, invalid UTF-8, a last
    /// line with or without its line break, at the end of the input or
    /// not; every column coded and as text.
    #[test]
    fn plain_path_agrees() {
        let parts: [&[u8]; 12] = [
            b"a",
            b"bb",
            b"7",
            b",",
            b",",
            b",",
            b"\n",
            b"\r\n",
            b" ",
            b"\t",
            "\u{e9}".as_bytes(),
            b"\xff",
        ];
        let mut rng = SplitMix64(11);
        let wanted = [
            (0usize, PlSmallStr::from("x")),
            (2, PlSmallStr::from("z")),
            (1, PlSmallStr::from("y")),
        ];
        let values: [&[u8]; 6] = [b"", b"a", b" x", "\u{e9}t\u{e9}".as_bytes(), b"42", b"\t"];
        let breaks: [&[u8]; 3] = [b"\n", b"\r\n", b"\n\n"];
        let mut compared = [0usize; 2];
        for case in 0..3000 {
            let mut bytes: Vec<u8> = Vec::new();
            if case % 2 == 0 {
                // Any sequence of the parts (most lines ragged).
                let len = 1 + (rng.next_u64() % 60) as usize;
                for _ in 0..len {
                    let n = parts.len() - usize::from(case % 4 != 0);
                    bytes.extend_from_slice(parts[(rng.next_u64() % n as u64) as usize]);
                }
            } else {
                // Lines of three fields, the last one maybe unterminated
                // (up to a few 64-byte blocks of the separator scan).
                for l in 0..1 + rng.next_u64() % 24 {
                    for f in 0..3 {
                        if f > 0 {
                            bytes.push(b',');
                        }
                        bytes.extend_from_slice(values[(rng.next_u64() % 6) as usize]);
                    }
                    if l % 3 != 2 || rng.next_u64() % 2 == 0 {
                        bytes.extend_from_slice(breaks[(rng.next_u64() % 3) as usize]);
                    }
                }
            }
            assert!(is_plain(&bytes));
            for (coded, at_eof) in [([true, true, true], true), ([false, true, false], false)] {
                let layout = Layout {
                    delimiter: b',',
                    width: 3,
                    wanted: &wanted,
                    coded: &coded,
                };
                let dicts = || (0..3).map(|_| Interner::default()).collect::<Vec<_>>();
                let (mut fast_dicts, mut slow_dicts) = (dicts(), dicts());
                // The fast path into slots of the piece's lines (and one
                // more at the end of the input), the slow into vectors.
                let lines = memchr::memchr_iter(b'\n', &bytes).count();
                let mut slots = vec![0u32; 3 * (lines + 1)];
                let fast_outs: Vec<CodeOut> = (slots.chunks_mut(lines + 1))
                    .map(|s| CodeOut::Slot {
                        len: 0,
                        slot: &mut s[..lines + usize::from(at_eof)],
                    })
                    .collect();
                let slow_outs = (0..3).map(|_| CodeOut::Own(Vec::new())).collect();
                let fast_in = (&mut fast_dicts[..], fast_outs, lines);
                let fast = parse_piece_with(&bytes, &layout, at_eof, fast_in, true);
                let slow_in = (&mut slow_dicts[..], slow_outs, lines);
                let slow = parse_piece_with(&bytes, &layout, at_eof, slow_in, false);
                // A piece's records fit in its lines.
                let overflowed = |c: &PieceColumn| matches!(c, PieceColumn::Codes(CodeOut::Own(_)));
                assert!(!fast.columns.iter().any(overflowed));
                let what = format!("{:?} at_eof {at_eof}", String::from_utf8_lossy(&bytes));
                assert_eq!(fast.problem, slow.problem, "{what}");
                assert_eq!(fast.rows, slow.rows, "{what}");
                if slow.problem.is_none() {
                    assert_eq!((fast.clean, fast.lines), (slow.clean, slow.lines), "{what}");
                    assert_eq!(
                        describe(fast.columns, fast_dicts),
                        describe(slow.columns, slow_dicts),
                        "{what}"
                    );
                    if slow.rows > 0 {
                        compared[usize::from(at_eof)] += 1;
                    }
                }
            }
        }
        assert!(compared.iter().all(|&c| c > 300), "{compared:?}");
    }

    /// The separator masks by vector compare and by words agree, bit for bit,
    /// on blocks of every byte value (delimiters `,` `;` `\t` `|`).
    #[test]
    fn separator_masks_agree() {
        let mut rng = SplitMix64(5);
        for case in 0..2000 {
            let block: Vec<u8> = (0..64)
                .map(|_| match rng.next_u64() % 4 {
                    0 => b",;\t|\n\r"[(rng.next_u64() % 6) as usize],
                    _ => rng.next_u64() as u8,
                })
                .collect();
            let delimiter = b",;\t|"[case % 4];
            let want = (0..64)
                .filter(|&i| block[i] == delimiter || block[i] == b'\n')
                .fold(0u64, |m, i| m | 1 << i);
            assert_eq!(block_mask(&block, delimiter), want);
            assert_eq!(block_mask_by_words(&block, delimiter), want);
            assert_eq!(block_mask(&block[..37], delimiter), want & ((1 << 37) - 1));
        }
    }

    /// A piece's columns as text, for comparison (`dicts`: one a coded
    /// column, in order).
    fn describe(columns: Vec<PieceColumn>, dicts: Vec<Interner>) -> Vec<Vec<Option<String>>> {
        let mut dicts = dicts.into_iter();
        columns
            .into_iter()
            .map(|c| match c {
                PieceColumn::Text(t) => t.iter().map(|v| v.map(str::to_string)).collect(),
                PieceColumn::Codes(out) => {
                    let codes = match out {
                        CodeOut::Slot { slot, len } => slot[..len].to_vec(),
                        CodeOut::Own(v) => v,
                    };
                    let labels = dicts.next().map(Interner::into_labels).unwrap_or_default();
                    (codes.iter())
                        .map(|&c| (c != NULL_CODE).then(|| labels[c as usize].clone()))
                        .collect()
                }
            })
            .collect()
    }
}
