//! In-process PDF renderer for report blocks (krilla + embedded DejaVu fonts).
//!
//! Two passes: `layout` turns blocks into a per-page display list (so the
//! total page count is known for "page X of Y"), then `paint` draws each page.
//! All text is measured with the same glyph advances that are written to the
//! PDF, so wrapping is exact and no shaping engine (rustybuzz) is needed.

use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::chart::{draw_bar_chart, KrillaBackend};
use super::document::{Block, Chart, VerdictBox};

/// DejaVu Sans (assets/fonts/LICENSE), embedded so a report looks the same
/// on every machine and needs no font installed.
pub static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

// ---------------------------------------------------------------- metrics

/// Glyph lookup + advances straight from cmap/hmtx (via skrifa, which krilla
/// already depends on). No kerning: what we measure is exactly what we draw.
pub struct Face {
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    upem: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        let f = FontRef::new(bytes).expect("embedded font parses");
        let metrics = f.glyph_metrics(Size::unscaled(), LocationRef::default());
        let upem = f
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em as f32;
        Face {
            charmap: f.charmap(),
            metrics,
            upem,
        }
    }

    /// Glyph id and advance in em units (missing chars map to .notdef).
    fn glyph(&self, c: char) -> (GlyphId, f32) {
        let gid = self.charmap.map(c).unwrap_or_default();
        let adv = self.metrics.advance_width(gid).unwrap_or(0.0) / self.upem;
        (GlyphId::new(gid.to_u32()), adv)
    }

    /// Width of `s` in points at `size`.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }

    /// krilla glyph run; text ranges keep the text extractable (ToUnicode).
    fn glyphs(&self, s: &str) -> Vec<KrillaGlyph> {
        s.char_indices()
            .map(|(i, c)| {
                let (gid, adv) = self.glyph(c);
                KrillaGlyph::new(gid, adv, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
            })
            .collect()
    }
}

pub struct Faces {
    pub regular: Face,
    pub bold: Face,
}

impl Faces {
    pub fn get(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// Parsed once; shared with the chart backend so its text measure matches.
pub static FACES: LazyLock<Faces> = LazyLock::new(|| Faces {
    regular: Face::load(REGULAR_TTF),
    bold: Face::load(BOLD_TTF),
});

// ---------------------------------------------------------------- geometry & style

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 595.28; // A4
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 15.0 * MM;
const TOP: f32 = MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN;
const LEFT: f32 = MARGIN;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;

const BODY: f32 = 9.0; // body font size
const LEAD: f32 = 1.35; // line height factor
const TABLE_SIZE: f32 = 8.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 2.2;
const CHART_H: f32 = 170.0;
const CHART_PX_W: u32 = 640; // logical plotters canvas width (same as the SVG)

type Rgb = (u8, u8, u8);
const INK: Rgb = (0x1f, 0x23, 0x28);
const MUTED: Rgb = (0x59, 0x63, 0x6e);
const RULE: Rgb = (0xa0, 0xa7, 0xb0);
const HEAD_BG: Rgb = (0xe6, 0xea, 0xef);
const ZEBRA: Rgb = (0xf6, 0xf8, 0xfa);

fn class_colour(class: &str) -> Rgb {
    match class {
        "pass" => (0x1a, 0x7f, 0x37),
        "at-risk" => (0x9a, 0x67, 0x00),
        "fail" => (0xcf, 0x22, 0x2e),
        _ => (0x66, 0x66, 0x66),
    }
}

/// Very light tint of a colour for box backgrounds.
fn tint(c: Rgb, keep: f32) -> Rgb {
    let m = |v: u8| (v as f32 * keep + 255.0 * (1.0 - keep)).round() as u8;
    (m(c.0), m(c.1), m(c.2))
}

// ---------------------------------------------------------------- display list

enum Op<'a> {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        r: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        colour: Rgb,
        width: f32,
    },
    Chart {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        chart: &'a Chart,
    },
}

/// Page-breaking cursor over the display list.
struct Flow<'a> {
    pages: Vec<Vec<Op<'a>>>,
    y: f32,
}

impl<'a> Flow<'a> {
    fn new() -> Self {
        Flow {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }
    fn push(&mut self, op: Op<'a>) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }
    fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }
    /// Break if `h` does not fit (never on an empty page, to avoid loops).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && !self.at_top() {
            self.new_page();
        }
    }
    /// Vertical space that is dropped at the top of a page.
    fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }
    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Rgb, text: &str) {
        let text = text.to_string();
        self.push(Op::Text {
            x,
            y: baseline,
            size,
            bold,
            colour,
            text,
        });
    }
    /// Draw already-wrapped lines starting with top edge at `top`.
    fn lines(&mut self, x: f32, top: f32, size: f32, bold: bool, colour: Rgb, lines: &[String]) {
        for (i, l) in lines.iter().enumerate() {
            let base = top + i as f32 * size * LEAD + size * 0.95;
            self.text(x, base, size, bold, colour, l);
        }
    }
}

// ---------------------------------------------------------------- wrapping

/// Greedy word wrap by measured advances; honours '\n'; breaks over-long words.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let face = FACES.get(bold);
    let space = face.width(" ", size);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let (mut line, mut lw) = (String::new(), 0.0);
        for word in para.split_whitespace() {
            for piece in split_long(word, size, face, width) {
                let ww = face.width(&piece, size);
                if !line.is_empty() && lw + space + ww > width {
                    out.push(std::mem::take(&mut line));
                    lw = 0.0;
                }
                if !line.is_empty() {
                    line.push(' ');
                    lw += space;
                }
                line.push_str(&piece);
                lw += ww;
            }
        }
        out.push(line);
    }
    out
}

/// Split a word that is wider than `width` into chunks that fit.
fn split_long(word: &str, size: f32, face: &Face, width: f32) -> Vec<String> {
    if face.width(word, size) <= width {
        return vec![word.to_string()];
    }
    let (mut out, mut cur, mut w) = (Vec::new(), String::new(), 0.0);
    for c in word.chars() {
        let cw = face.glyph(c).1 * size;
        if w + cw > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            w = 0.0;
        }
        cur.push(c);
        w += cw;
    }
    out.push(cur);
    out
}

fn lines_h(n: usize, size: f32) -> f32 {
    n as f32 * size * LEAD
}

// ---------------------------------------------------------------- headings & paragraphs

fn heading_size(level: u8) -> f32 {
    match level {
        1 => 16.0,
        2 => 12.5,
        _ => 10.5,
    }
}

fn heading_lines(level: u8, text: &str) -> Vec<String> {
    wrap(text, heading_size(level), true, BODY_W)
}

fn heading_h(level: u8, text: &str) -> f32 {
    let rule = if level == 1 { 5.0 } else { 0.0 };
    lines_h(heading_lines(level, text).len(), heading_size(level)) + rule + 3.0
}

fn layout_heading(f: &mut Flow, level: u8, text: &str) {
    let size = heading_size(level);
    let lines = heading_lines(level, text);
    let top = f.y;
    f.lines(LEFT, top, size, true, INK, &lines);
    f.y += lines_h(lines.len(), size);
    if level == 1 {
        f.y += 2.0;
        let (x1, x2, y) = (LEFT, LEFT + BODY_W, f.y);
        f.push(Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            colour: RULE,
            width: 0.6,
        });
        f.y += 3.0;
    }
    f.y += 3.0;
}

fn layout_para(f: &mut Flow, text: &str) {
    layout_text(f, text, BODY, INK);
}

/// Wrapped lines of one size and colour, breaking pages between lines.
fn layout_text(f: &mut Flow, text: &str, size: f32, colour: Rgb) {
    for line in wrap(text, size, false, BODY_W) {
        f.ensure(lines_h(1, size));
        let top = f.y;
        f.lines(LEFT, top, size, false, colour, &[line]);
        f.y += lines_h(1, size);
    }
}

/// Footnotes: small, muted, one after the other.
fn layout_notes(f: &mut Flow, notes: &[String]) {
    for note in notes {
        layout_text(f, note, EV_SIZE, MUTED);
    }
}

// ---------------------------------------------------------------- lists

const BULLET_INDENT: f32 = 14.0;

fn list_item_lines(item: &str) -> Vec<String> {
    wrap(item, BODY, false, BODY_W - BULLET_INDENT)
}

fn layout_list(f: &mut Flow, items: &[String]) {
    for item in items {
        let lines = list_item_lines(item);
        // Keep at least two lines of an item together with its bullet.
        f.ensure(lines_h(lines.len().min(2), BODY));
        let top = f.y;
        f.text(LEFT + 4.0, top + BODY * 0.95, BODY, false, MUTED, "•");
        for line in lines {
            f.ensure(lines_h(1, BODY));
            let top = f.y;
            f.lines(LEFT + BULLET_INDENT, top, BODY, false, INK, &[line]);
            f.y += lines_h(1, BODY);
        }
        f.y += 1.5;
    }
}

// ---------------------------------------------------------------- tables

struct TableLayout {
    widths: Vec<f32>,
    header: Vec<Vec<String>>,    // per cell wrapped lines
    rows: Vec<Vec<Vec<String>>>, // per row, per cell wrapped lines
}

/// (min, max) content width of one cell: longest word / whole text on one line.
fn cell_extent(text: &str, bold: bool) -> (f32, f32) {
    let face = FACES.get(bold);
    let min = text
        .split_whitespace()
        .map(|w| face.width(w, TABLE_SIZE))
        .fold(0.0, f32::max);
    let max = text
        .split('\n')
        .map(|l| face.width(l, TABLE_SIZE))
        .fold(0.0, f32::max);
    (min + 2.0 * CELL_PAD_X, max + 2.0 * CELL_PAD_X)
}

/// HTML-like auto layout: give every column its minimum, then share the rest
/// in proportion to how much more each column would like (max - min).
fn column_widths(header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
    let n = header.len();
    let (mut min, mut max) = (vec![0.0f32; n], vec![0.0f32; n]);
    let cells = header.iter().map(|h| (h, true)).enumerate();
    let body = rows
        .iter()
        .flat_map(|r| r.iter().take(n).map(|c| (c, false)).enumerate());
    for (i, (text, bold)) in cells.chain(body) {
        let (lo, hi) = cell_extent(text, bold);
        min[i] = min[i].max(lo.min(BODY_W * 0.5)); // a single monster word may not eat the table
        max[i] = max[i].max(hi);
    }
    let (smin, smax): (f32, f32) = (min.iter().sum(), max.iter().sum());
    if smax <= BODY_W {
        // Everything fits on one line: stretch to full width proportionally.
        return max.iter().map(|w| w * BODY_W / smax).collect();
    }
    if smin >= BODY_W {
        return min.iter().map(|w| w * BODY_W / smin).collect();
    }
    let spare = BODY_W - smin;
    (0..n)
        .map(|i| min[i] + spare * (max[i] - min[i]) / (smax - smin))
        .collect()
}

fn wrap_row(cells: &[String], widths: &[f32], bold: bool) -> Vec<Vec<String>> {
    let blank = String::new();
    (0..widths.len())
        .map(|i| {
            wrap(
                cells.get(i).unwrap_or(&blank),
                TABLE_SIZE,
                bold,
                widths[i] - 2.0 * CELL_PAD_X,
            )
        })
        .collect()
}

fn prepare_table(header: &[String], rows: &[Vec<String>]) -> TableLayout {
    let widths = column_widths(header, rows);
    TableLayout {
        header: wrap_row(header, &widths, true),
        rows: rows.iter().map(|r| wrap_row(r, &widths, false)).collect(),
        widths,
    }
}

fn row_h(cells: &[Vec<String>]) -> f32 {
    let n = cells.iter().map(Vec::len).max().unwrap_or(1);
    lines_h(n, TABLE_SIZE) + 2.0 * CELL_PAD_Y
}

/// One table row: background, thin cell borders, wrapped text.
fn draw_row(f: &mut Flow, t: &TableLayout, cells: &[Vec<String>], bold: bool, bg: Option<Rgb>) {
    let h = row_h(cells);
    let mut x = LEFT;
    for (i, lines) in cells.iter().enumerate() {
        let (w, y) = (t.widths[i], f.y);
        f.push(Op::Rect {
            x,
            y,
            w,
            h,
            r: 0.0,
            fill: bg,
            stroke: Some((RULE, 0.5)),
        });
        f.lines(x + CELL_PAD_X, y + CELL_PAD_Y, TABLE_SIZE, bold, INK, lines);
        x += w;
    }
    f.y += h;
}

fn layout_table(f: &mut Flow, header: &[String], rows: &[Vec<String>]) {
    let t = prepare_table(header, rows);
    let hh = row_h(&t.header);
    f.ensure(hh + t.rows.first().map_or(0.0, |r| row_h(r)));
    draw_row(f, &t, &t.header, true, Some(HEAD_BG));
    for (i, row) in t.rows.iter().enumerate() {
        if f.y + row_h(row) > BOTTOM {
            f.new_page();
            draw_row(f, &t, &t.header, true, Some(HEAD_BG)); // repeat header
        }
        draw_row(f, &t, row, false, (i % 2 == 1).then_some(ZEBRA));
    }
}

// ---------------------------------------------------------------- verdict boxes

const VB_GAP: f32 = 8.0;
const VB_PAD: f32 = 7.0;
const BADGE_H: f32 = 13.0;
const BADGE_SIZE: f32 = 7.5;
const NAME_SIZE: f32 = 10.0;
const EV_SIZE: f32 = 7.5;

struct BoxText {
    name: Vec<String>,
    reason: Vec<String>,
    evidence: Vec<String>,
}

fn box_width() -> f32 {
    (BODY_W - 2.0 * VB_GAP) / 3.0
}

fn box_text(v: &VerdictBox) -> BoxText {
    let w = box_width() - 2.0 * VB_PAD;
    BoxText {
        name: wrap(&v.name, NAME_SIZE, true, w),
        reason: wrap(&v.reason, BODY, false, w),
        evidence: wrap(&v.evidence, EV_SIZE, false, w),
    }
}

fn box_h(t: &BoxText) -> f32 {
    2.0 * VB_PAD
        + lines_h(t.name.len(), NAME_SIZE)
        + 3.0
        + BADGE_H
        + 5.0
        + lines_h(t.reason.len(), BODY)
        + 3.0
        + lines_h(t.evidence.len(), EV_SIZE)
}

fn verdict_row_h(row: &[VerdictBox]) -> f32 {
    row.iter().map(|v| box_h(&box_text(v))).fold(0.0, f32::max)
}

fn draw_verdict(f: &mut Flow, x: f32, h: f32, v: &VerdictBox) {
    let (c, t, w, top) = (class_colour(v.class), box_text(v), box_width(), f.y);
    let (fill, stroke) = (Some(tint(c, 0.06)), Some((c, 1.0)));
    f.push(Op::Rect {
        x,
        y: top,
        w,
        h,
        r: 3.0,
        fill,
        stroke,
    });
    let (ix, mut y) = (x + VB_PAD, top + VB_PAD);
    f.lines(ix, y, NAME_SIZE, true, INK, &t.name);
    y += lines_h(t.name.len(), NAME_SIZE) + 3.0;
    // Badge: coloured pill with the verdict word in white.
    let word = v.word.to_uppercase();
    let bw = FACES.bold.width(&word, BADGE_SIZE) + 10.0;
    f.push(Op::Rect {
        x: ix,
        y,
        w: bw,
        h: BADGE_H,
        r: 2.5,
        fill: Some(c),
        stroke: None,
    });
    f.text(
        ix + 5.0,
        y + BADGE_H / 2.0 + BADGE_SIZE * 0.36,
        BADGE_SIZE,
        true,
        (255, 255, 255),
        &word,
    );
    y += BADGE_H + 5.0;
    f.lines(ix, y, BODY, false, INK, &t.reason);
    y += lines_h(t.reason.len(), BODY) + 3.0;
    f.lines(ix, y, EV_SIZE, false, MUTED, &t.evidence);
}

fn layout_verdicts(f: &mut Flow, boxes: &[VerdictBox]) {
    for (r, row) in boxes.chunks(3).enumerate() {
        if r > 0 {
            f.y += VB_GAP;
        }
        let h = verdict_row_h(row);
        f.ensure(h); // a row of boxes is never split
        for (i, v) in row.iter().enumerate() {
            draw_verdict(f, LEFT + i as f32 * (box_width() + VB_GAP), h, v);
        }
        f.y += h;
    }
}

// ---------------------------------------------------------------- block dispatch

/// Height of the smallest piece of a block that may follow a heading on the
/// same page (keep-with-next).
fn first_chunk_h(b: &Block) -> f32 {
    match b {
        Block::Heading(l, t) => heading_h(*l, t) + lines_h(2, BODY),
        Block::Para(t) => lines_h(wrap(t, BODY, false, BODY_W).len().min(2), BODY),
        Block::List(items) => items
            .first()
            .map_or(0.0, |i| lines_h(list_item_lines(i).len().min(2), BODY)),
        Block::Table(h, rows) => {
            let t = prepare_table(h, &rows[..rows.len().min(1)]);
            row_h(&t.header) + t.rows.first().map_or(0.0, |r| row_h(r))
        }
        Block::Verdicts(v) => verdict_row_h(&v[..v.len().min(3)]),
        Block::Chart(_) => CHART_H,
        Block::Notes(n) => n.first().map_or(0.0, |_| lines_h(1, EV_SIZE)),
    }
}

fn space_before(b: &Block) -> f32 {
    match b {
        Block::Heading(1, _) => 14.0,
        Block::Heading(2, _) => 10.0,
        Block::Heading(..) => 8.0,
        _ => 6.0,
    }
}

fn layout<'a>(blocks: &'a [Block]) -> Vec<Vec<Op<'a>>> {
    let mut f = Flow::new();
    for (i, b) in blocks.iter().enumerate() {
        f.space(space_before(b));
        match b {
            Block::Heading(l, t) => {
                let next = blocks
                    .get(i + 1)
                    .map_or(0.0, |n| space_before(n) + first_chunk_h(n));
                f.ensure(heading_h(*l, t) + next);
                layout_heading(&mut f, *l, t);
            }
            Block::Para(t) => layout_para(&mut f, t),
            Block::List(items) => layout_list(&mut f, items),
            Block::Notes(notes) => layout_notes(&mut f, notes),
            Block::Table(h, rows) => layout_table(&mut f, h, rows),
            Block::Verdicts(v) => layout_verdicts(&mut f, v),
            Block::Chart(c) => {
                f.ensure(CHART_H);
                let (x, y) = (LEFT, f.y);
                f.push(Op::Chart {
                    x,
                    y,
                    w: BODY_W,
                    h: CHART_H,
                    chart: c,
                });
                f.y += CHART_H;
            }
        }
    }
    f.pages
}

// ---------------------------------------------------------------- painting

struct Fonts {
    regular: Font,
    bold: Font,
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        ..Default::default()
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        width,
        ..Default::default()
    }
}

/// Rectangle path, optionally with rounded corners (cubic quarter circles).
fn rect_path(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    if r <= 0.0 {
        pb.push_rect(Rect::from_xywh(x, y, w, h)?);
        return pb.finish();
    }
    let k = 0.5523 * r;
    let (x2, y2) = (x + w, y + h);
    pb.move_to(x + r, y);
    pb.line_to(x2 - r, y);
    pb.cubic_to(x2 - r + k, y, x2, y + r - k, x2, y + r);
    pb.line_to(x2, y2 - r);
    pb.cubic_to(x2, y2 - r + k, x2 - r + k, y2, x2 - r, y2);
    pb.line_to(x + r, y2);
    pb.cubic_to(x + r - k, y2, x, y2 - r + k, x, y2 - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

pub(crate) fn draw_text(
    s: &mut Surface,
    fonts: (&Font, &Font),
    op: (f32, f32, f32, bool, Rgb, &str),
) {
    let (x, y, size, bold, colour, text) = op;
    let (font, face) = if bold {
        (fonts.1, &FACES.bold)
    } else {
        (fonts.0, &FACES.regular)
    };
    s.set_stroke(None);
    s.set_fill(Some(fill(colour)));
    s.draw_glyphs(
        Point::from_xy(x, y),
        &face.glyphs(text),
        font.clone(),
        text,
        size,
        false,
    );
}

fn paint_op(s: &mut Surface, fonts: &Fonts, op: &Op) -> std::result::Result<(), String> {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            colour,
            text,
        } => draw_text(
            s,
            (&fonts.regular, &fonts.bold),
            (*x, *y, *size, *bold, *colour, text),
        ),
        Op::Rect {
            x,
            y,
            w,
            h,
            r,
            fill: fl,
            stroke: st,
        } => {
            s.set_fill(fl.map(fill));
            s.set_stroke(st.map(|(c, w)| stroke(c, w)));
            if let Some(p) = rect_path(*x, *y, *w, *h, *r) {
                s.draw_path(&p);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            colour,
            width,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            s.set_fill(None);
            s.set_stroke(Some(stroke(*colour, *width)));
            if let Some(p) = pb.finish() {
                s.draw_path(&p);
            }
        }
        Op::Chart { x, y, w, h, chart } => return paint_chart(s, fonts, (*x, *y, *w, *h), chart),
    }
    Ok(())
}

/// Charts are drawn by plotters on a logical 640-px-wide canvas (same as the
/// SVG), scaled to the target box so font sizes match between HTML and PDF.
fn paint_chart(
    s: &mut Surface,
    fonts: &Fonts,
    (x, y, w, h): (f32, f32, f32, f32),
    c: &Chart,
) -> std::result::Result<(), String> {
    let scale = w / CHART_PX_W as f32;
    let px_h = (h / scale).round() as u32;
    s.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
    let backend = KrillaBackend::new(
        s,
        (CHART_PX_W, px_h),
        (fonts.regular.clone(), fonts.bold.clone()),
    );
    let drawn = draw_bar_chart(backend, c).map_err(|e| format!("the chart '{}': {e}", c.title));
    s.pop();
    drawn
}

fn paint_footer(s: &mut Surface, fonts: &Fonts, footer: &str, right: &str) {
    let y = BOTTOM + 0.45 * MARGIN;
    let _ = paint_op(
        s,
        fonts,
        &Op::Line {
            x1: LEFT,
            y1: y - 10.0,
            x2: LEFT + BODY_W,
            y2: y - 10.0,
            colour: RULE,
            width: 0.4,
        },
    );
    let rx = LEFT + BODY_W - FACES.regular.width(right, 7.5);
    let text = |x: f32, t: &str| Op::Text {
        x,
        y,
        size: 7.5,
        bold: false,
        colour: MUTED,
        text: t.to_string(),
    };
    for op in [text(LEFT, footer), text(rx, right)] {
        let _ = paint_op(s, fonts, &op);
    }
}

/// Render blocks to an A4 PDF: real, searchable text in the embedded
/// fonts (subset by krilla), the footer on every page with
/// `page_of(page, pages)` at its right. An error is a bug in the layout,
/// said as the text of the error.
pub fn render(
    blocks: &[Block],
    title: &str,
    footer: &str,
    page_of: impl Fn(usize, usize) -> String,
) -> std::result::Result<Vec<u8>, String> {
    let font = |bytes: &'static [u8]| {
        Font::new(bytes.into(), 0).ok_or_else(|| "the embedded font does not load".to_string())
    };
    let fonts = Fonts {
        regular: font(REGULAR_TTF)?,
        bold: font(BOLD_TTF)?,
    };
    let pages = layout(blocks);
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator(format!("kanon {}", env!("CARGO_PKG_VERSION"))),
    );
    let size = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the A4 page size")?;
    for (i, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(size.clone());
        let mut s = page.surface();
        for op in ops {
            paint_op(&mut s, &fonts, op)?;
        }
        paint_footer(&mut s, &fonts, footer, &page_of(i + 1, pages.len()));
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| format!("PDF serialisation: {e:?}"))
}
