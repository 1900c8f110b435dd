//! One plotters bar chart, drawn into any backend: SVG (HTML report) or a
//! krilla surface (PDF report) through `KrillaBackend`.

use std::convert::Infallible;
use std::sync::Once;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform,
};

use super::document::Chart;
use super::pdf::{BOLD_TTF, FACES, REGULAR_TTF};

const FAMILY: &str = "sans-serif";
const BAR: RGBColor = RGBColor(0x09, 0x69, 0xda);
/// plotters' text "size" is the line box; the em size is size / 1.24 (this is
/// what its SVG backend writes as font-size, so the PDF backend does the same).
const EM_PER_SIZE: f64 = 1.0 / 1.24;

/// Make plotters' ab_glyph text measurement use the embedded DejaVu, so no
/// system font lookup ever happens (the `ttf`/font-kit feature is off).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR_TTF).ok();
        plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD_TTF).ok();
    });
}

/// A y-axis top that gives round ticks: 0..100 for percent, else 1/2/5 x 10^k.
fn nice_max(c: &Chart) -> f64 {
    let max = c.bars.iter().map(|b| b.1).fold(0.0, f64::max);
    if c.percent && max <= 100.0 {
        return 100.0;
    }
    let raw = (max * 1.1).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|s| s * mag >= raw)
        .unwrap_or(10.0);
    step * mag
}

/// A tick or bar label: counts grouped, shares in percent, at most four
/// significant digits, in the report's decimal mark.
fn fmt_value(v: f64, c: &Chart) -> String {
    use super::labels::{value, Unit};
    if c.percent {
        value(c.lang, Unit::Share, v / 100.0)
    } else {
        value(c.lang, Unit::Count, v)
    }
}

/// Vertical bar chart with segmented x labels, y from 0, axis titles and
/// value labels on the bars. Generic so SVG and PDF share one definition.
pub fn draw_bar_chart<DB: DrawingBackend>(
    backend: DB,
    c: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    register_fonts();
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let n = c.bars.len().max(1) as i32;
    let mut chart = ChartBuilder::on(&root)
        .caption(&c.title, (FAMILY, 19).into_font().style(FontStyle::Bold))
        .margin(8)
        .x_label_area_size(44)
        .y_label_area_size(62)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..nice_max(c))?;

    let x_fmt = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => c
            .bars
            .get(*i as usize)
            .map(|b| b.0.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let y_fmt = |v: &f64| fmt_value(*v, c);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .axis_style(BLACK.mix(0.6))
        .x_labels(c.bars.len())
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 15))
        .x_desc(c.x_title.as_str())
        .y_desc(c.y_title.as_str())
        .draw()?;

    // Bars as rectangles in order: plotters' Histogram sums into a hash
    // map, whose order changes from run to run, and so would the bytes.
    chart.draw_series(c.bars.iter().enumerate().map(|(i, b)| {
        let (from, to) = (
            SegmentValue::Exact(i as i32),
            SegmentValue::Exact(i as i32 + 1),
        );
        let mut bar = Rectangle::new([(from, 0.0), (to, b.1)], BAR.filled());
        bar.set_margin(0, 0, 14, 14);
        bar
    }))?;

    // Value labels 4 px above each bar (offset needs an EmptyElement anchor).
    let label = (FAMILY, 13)
        .into_font()
        .color(&BLACK.mix(0.75))
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    chart.draw_series(c.bars.iter().enumerate().map(|(i, b)| {
        let at = EmptyElement::at((SegmentValue::CenterOf(i as i32), b.1));
        at + Text::new(fmt_value(b.1, c), (0, -4), label.clone())
    }))?;
    root.present()
}

/// The chart's logical size in pixels, for SVG and (scaled) for PDF.
pub const SIZE: (u32, u32) = (640, 320);

/// The chart as inline SVG for the HTML report: class `chart` on the
/// element, its title as the accessible name, and class `bar` on each bar
/// (the report's browser test measures them).
pub fn chart_svg(c: &Chart) -> Result<String, String> {
    let mut out = String::new();
    {
        let backend = SVGBackend::with_string(&mut out, SIZE);
        draw_bar_chart(backend, c).map_err(|e| format!("the chart '{}': {e}", c.title))?;
    }
    let label = super::document::esc(&c.title);
    let out = out.replacen(
        "<svg ",
        &format!("<svg class=\"chart\" role=\"img\" aria-label=\"{label}\" "),
        1,
    );
    let bar = format!("fill=\"#{:02X}{:02X}{:02X}\"", BAR.0, BAR.1, BAR.2);
    Ok(out
        .lines()
        .map(|line| {
            if line.starts_with("<rect ") && line.contains(&bar) {
                line.replacen("<rect ", "<rect class=\"bar\" ", 1)
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

// ---------------------------------------------------------------- PDF backend

/// plotters backend drawing vector graphics and real text onto a krilla
/// surface. Coordinates are logical pixels; the caller scales via a transform.
pub struct KrillaBackend<'s, 'a> {
    s: &'s mut Surface<'a>,
    size: (u32, u32),
    fonts: (Font, Font), // regular, bold
}

impl<'s, 'a> KrillaBackend<'s, 'a> {
    pub fn new(s: &'s mut Surface<'a>, size: (u32, u32), fonts: (Font, Font)) -> Self {
        KrillaBackend { s, size, fonts }
    }

    fn paint(c: BackendColor) -> (krilla::paint::Paint, NormalizedF32) {
        let (r, g, b) = c.rgb;
        let alpha = NormalizedF32::new(c.alpha as f32).unwrap_or(NormalizedF32::ONE);
        (rgb::Color::new(r, g, b).into(), alpha)
    }

    fn set_fill(&mut self, c: BackendColor) {
        let (paint, opacity) = Self::paint(c);
        self.s.set_stroke(None);
        self.s.set_fill(Some(Fill {
            paint,
            opacity,
            ..Default::default()
        }));
    }

    fn set_stroke(&mut self, c: BackendColor, width: u32) {
        let (paint, opacity) = Self::paint(c);
        self.s.set_fill(None);
        self.s.set_stroke(Some(Stroke {
            paint,
            opacity,
            width: width.max(1) as f32,
            ..Default::default()
        }));
    }

    /// Build and draw a path from points; `close` for polygons.
    fn path(&mut self, pts: impl IntoIterator<Item = (f32, f32)>, close: bool) {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in pts.into_iter().enumerate() {
            if i == 0 {
                pb.move_to(x, y)
            } else {
                pb.line_to(x, y)
            }
        }
        if close {
            pb.close();
        }
        if let Some(p) = pb.finish() {
            self.s.draw_path(&p);
        }
    }

    fn em(style: &impl BackendTextStyle) -> f32 {
        (style.size() * EM_PER_SIZE) as f32
    }

    fn is_bold(style: &impl BackendTextStyle) -> bool {
        matches!(style.style(), FontStyle::Bold)
    }
}

/// Text is drawn opaque, so pre-blend a translucent colour over white
/// (charts always have a white background).
fn on_white(c: BackendColor) -> (u8, u8, u8) {
    let m = |v: u8| (v as f64 * c.alpha + 255.0 * (1.0 - c.alpha)).round() as u8;
    (m(c.rgb.0), m(c.rgb.1), m(c.rgb.2))
}

type R<E> = Result<(), DrawingErrorKind<E>>;

impl DrawingBackend for KrillaBackend<'_, '_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> R<Infallible> {
        Ok(())
    }
    fn present(&mut self) -> R<Infallible> {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> R<Infallible> {
        self.set_fill(c);
        let (x, y) = (x as f32, y as f32);
        self.path(
            [(x, y), (x + 1.0, y), (x + 1.0, y + 1.0), (x, y + 1.0)],
            true,
        );
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        st: &S,
    ) -> R<Infallible> {
        self.set_stroke(st.color(), st.stroke_width());
        // +0.5 centres 1-unit lines on the pixel grid like the SVG backend.
        let p = |c: BackendCoord| (c.0 as f32 + 0.5, c.1 as f32 + 0.5);
        self.path([p(a), p(b)], false);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        st: &S,
        filled: bool,
    ) -> R<Infallible> {
        let (x0, y0, x1, y1) = (a.0 as f32, a.1 as f32, b.0 as f32, b.1 as f32);
        if filled {
            self.set_fill(st.color());
        } else {
            self.set_stroke(st.color(), st.stroke_width());
        }
        self.path([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], true);
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        pts: I,
        st: &S,
    ) -> R<Infallible> {
        self.set_stroke(st.color(), st.stroke_width());
        self.path(pts.into_iter().map(|(x, y)| (x as f32, y as f32)), false);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        pts: I,
        st: &S,
    ) -> R<Infallible> {
        self.set_fill(st.color());
        self.path(pts.into_iter().map(|(x, y)| (x as f32, y as f32)), true);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        st: &S,
        filled: bool,
    ) -> R<Infallible> {
        // 24-gon is plenty at chart scale and avoids arc maths.
        let (cx, cy, r) = (c.0 as f32, c.1 as f32, r as f32);
        let pts = (0..24).map(|i| {
            let a = i as f32 / 24.0 * std::f32::consts::TAU;
            (cx + r * a.cos(), cy + r * a.sin())
        });
        if filled {
            self.set_fill(st.color())
        } else {
            self.set_stroke(st.color(), st.stroke_width())
        }
        self.path(pts, true);
        Ok(())
    }

    /// Real PDF text (searchable), anchored like the SVG backend, rotated for
    /// the y-axis title.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        st: &T,
        (x, y): BackendCoord,
    ) -> R<Infallible> {
        let (em, bold) = (Self::em(st), Self::is_bold(st));
        let w = FACES.get(bold).width(text, em);
        let dx = match st.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -w / 2.0,
            HPos::Right => -w,
        };
        let dy = match st.anchor().v_pos {
            VPos::Top => 0.76 * em, // DejaVu ascent
            VPos::Center => 0.36 * em,
            VPos::Bottom => -0.24 * em, // DejaVu descent
        };
        let angle = match st.transform() {
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
            FontTransform::None => 0.0,
        };
        let (x, y) = (x as f32, y as f32);
        self.s
            .push_transform(&Transform::from_rotate_at(angle, x, y));
        let fonts = (&self.fonts.0, &self.fonts.1);
        let c = on_white(st.color());
        super::pdf::draw_text(self.s, fonts, (x + dx, y + dy, em, bold, c, text));
        self.s.pop();
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        st: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let em = Self::em(st);
        let w = FACES.get(Self::is_bold(st)).width(text, em);
        Ok((w.ceil() as u32, em.ceil() as u32))
    }
}
