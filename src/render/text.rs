//! The compact human summary printed by `kanon analyse`.

use std::fmt::Write;

use super::lang::Lang;
use crate::anonymise::strategy::Stopped;
use crate::choice::Choice;
use crate::gate::targets::fmt6;
use crate::report::Report;

/// How the terminal summary is drawn: with ANSI colours or without, and
/// in which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub colour: bool,
    pub lang: Lang,
}

impl Style {
    /// No colour, English.
    pub const PLAIN: Style = Style {
        colour: false,
        lang: Lang::En,
    };

    fn paint(self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    fn good(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn bad(self, s: &str) -> String {
        self.paint("31;1", s)
    }
    fn warn(self, s: &str) -> String {
        self.paint("33", s)
    }
}

/// Thousands separators for counts.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// How a column of a [`grid`] is aligned.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// A cell of a [`grid`]: text and the colour it is painted in (if any).
struct Cell {
    text: String,
    paint: Option<comfy_table::Color>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, paint: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}

impl Style {
    /// A cell painted like [`Style::good`], [`Style::bad`] or
    /// [`Style::warn`]; plain when colours are off.
    fn cell(self, text: &str, tone: Tone) -> Cell {
        let paint = match (self.colour, tone) {
            (false, _) => None,
            (true, Tone::Good) => Some(comfy_table::Color::Green),
            (true, Tone::Bad) => Some(comfy_table::Color::Red),
            (true, Tone::Warn) => Some(comfy_table::Color::Yellow),
        };
        Cell {
            text: text.to_string(),
            paint,
        }
    }
}

#[derive(Clone, Copy)]
enum Tone {
    Good,
    Bad,
    Warn,
}

/// Rows laid out in columns by comfy-table, indented two spaces, two
/// spaces between columns. Widths are measured on the visible text (colour
/// codes are added around the padded cell), so a coloured and an
/// uncoloured run differ only by the codes.
fn grid(
    o: &mut String,
    head: Option<&[&str]>,
    rows: Vec<Vec<Cell>>,
    align: &[Align],
    style: Style,
) {
    use comfy_table::{CellAlignment, ContentArrangement, Table};
    let mut t = Table::new();
    t.load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.style_text_only();
    if style.colour {
        // crossterm, which paints the cells, reads NO_COLOR itself; the
        // choice was made already (`--color always` overrides NO_COLOR).
        crossterm::style::force_color_output(true);
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if let Some(head) = head {
        t.set_header(head.iter().map(comfy_table::Cell::new));
    }
    for row in rows {
        t.add_row(row.into_iter().map(|c| {
            let cell = comfy_table::Cell::new(c.text);
            match c.paint {
                Some(colour) => cell.fg(colour),
                None => cell,
            }
        }));
    }
    for (i, a) in align.iter().enumerate() {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(match a {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
            });
            // Two spaces between columns, none after the last.
            col.set_padding((0, if i + 1 < align.len() { 2 } else { 0 }));
        }
    }
    for line in t.lines() {
        let _ = writeln!(o, "  {}", line.trim_end());
    }
}

fn pct(l: Lang, x: f64) -> String {
    format!("{}%", dec(l, x * 100.0, 2))
}

/// A count with the language's thousands separator (`30,162`, `30.162`).
fn int(l: Lang, n: u64) -> String {
    l.num(group_digits(n))
}

/// A figure with up to six decimals and the language's decimal mark.
fn six(l: Lang, x: f64) -> String {
    l.num(fmt6(x))
}

/// `x` with `places` decimals and the language's decimal mark.
fn dec(l: Lang, x: f64, places: usize) -> String {
    l.num(format!("{x:.places$}"))
}

/// Render the summary.
pub fn render(r: &Report, style: Style) -> String {
    let mut o = String::new();
    render_header(&mut o, r, style);
    render_classes(&mut o, r, style);
    render_singling_out(&mut o, r, style);
    render_risk(&mut o, r, style);
    render_attributes(&mut o, r, style);
    render_smallest(&mut o, r, style);
    render_survey(&mut o, r, style);
    for (name, inf) in &r.inference {
        render_inference(&mut o, name, inf, style);
    }
    if let Some(link) = &r.linkage {
        let title = style.lang.tr(
            "Linkability — attacker table",
            "Koppelbaarheid — tabel van de aanvaller",
        );
        render_linkability(&mut o, link, title, style);
    }
    render_wp216(&mut o, r, style);
    render_baseline(&mut o, r, style);
    if !r.warnings.is_empty() {
        let title = style.lang.tr("Warnings", "Waarschuwingen");
        let _ = writeln!(o, "\n{}", style.bold(title));
        for w in &r.warnings {
            let w = super::notice::say(style.lang, w);
            let _ = writeln!(o, "  {} {w}", style.warn("!"));
        }
    }
    render_targets(&mut o, &r.targets, style);
    o
}

/// The input read and the columns analysed.
fn render_header(o: &mut String, r: &Report, style: Style) {
    let (i, l) = (&r.input, style.lang);
    let delim = i
        .delimiter
        .as_ref()
        .map(|d| format!(", {} '{d}'", l.tr("delimiter", "scheidingsteken")))
        .unwrap_or_default();
    let frequency = if i.records != i.rows {
        format!(
            " {} {} {}",
            l.tr("in", "in"),
            int(l, i.rows),
            l.tr("rows (frequency table)", "rijen (frequentietabel)")
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "{} {} ({}{delim}): {} records{frequency}",
        style.bold("kanon"),
        i.path,
        i.format,
        int(l, i.records),
    );
    let bytes: u64 = i.files.iter().map(|f| f.size).sum();
    let rows = int(l, i.files.iter().map(|f| f.rows).sum());
    let (files, bytes) = (i.files.len(), int(l, bytes));
    let _ = match l {
        Lang::En => writeln!(
            o,
            "read {rows} rows from {files} file{} ({bytes} bytes)",
            if files == 1 { "" } else { "s" }
        ),
        Lang::Nl => writeln!(
            o,
            "{rows} rijen gelezen uit {files} bestand{} ({bytes} bytes)",
            if files == 1 { "" } else { "en" }
        ),
    };
    let names: Vec<&str> = r
        .quasi_identifiers
        .iter()
        .map(|q| q.name.as_str())
        .collect();
    let _ = writeln!(
        o,
        "{} ({}): {}",
        l.tr("quasi-identifiers", "quasi-identificatoren"),
        names.len(),
        names.join(", ")
    );
    if !r.sensitive_attributes.is_empty() {
        let _ = writeln!(
            o,
            "{}: {}",
            l.tr("sensitive", "gevoelig"),
            r.sensitive_attributes.join(", ")
        );
    }
}

/// Equivalence classes: how many, their sizes.
fn render_classes(o: &mut String, r: &Report, style: Style) {
    let (c, l) = (&r.classes, style.lang);
    let title = l.tr("Equivalence classes", "Equivalentieklassen (groepen)");
    let _ = writeln!(o, "\n{}", style.bold(title));
    let small: Vec<String> = c
        .histogram
        .iter()
        .take(5)
        .map(|[s, n]| format!("{s}:{}", int(l, *n)))
        .collect();
    let rows = [
        (l.tr("classes", "groepen"), int(l, c.count)),
        (
            l.tr("size min / median / max", "grootte min / mediaan / max"),
            format!(
                "{} / {} / {}",
                int(l, c.min_size),
                six(l, c.median_size),
                int(l, c.max_size)
            ),
        ),
        (
            l.tr("mean size", "gemiddelde grootte"),
            dec(l, c.mean_size, 2),
        ),
        (
            l.tr("classes by size", "groepen naar grootte"),
            small.join("  "),
        ),
    ];
    labelled(o, &rows);
}

/// Label and value lines, the values in one column.
fn labelled(o: &mut String, rows: &[(&str, String)]) {
    for (label, value) in rows {
        let _ = writeln!(o, "  {label:<28}{value}");
    }
}

/// k, records below the reference k, sample uniques.
fn render_singling_out(o: &mut String, r: &Report, style: Style) {
    let (c, k, l) = (&r.classes, &r.k_anonymity, style.lang);
    let title = l.tr("Singling out", "Herleidbaarheid (singling out)");
    let _ = writeln!(o, "\n{}", style.bold(title));
    let below = format!(
        "{} < {}",
        l.tr("records in classes", "records in groepen"),
        k.reference_k
    );
    let rows = [
        (
            l.tr("k (smallest class)", "k (kleinste groep)"),
            k.k.to_string(),
        ),
        (
            below.as_str(),
            format!(
                "{} ({}) {} {} {}",
                int(l, k.records_below_k),
                pct(l, k.share_below_k),
                l.tr("in", "in"),
                int(l, k.classes_below_k),
                l.tr("classes", "groepen")
            ),
        ),
        (
            l.tr("sample uniques", "unieke records"),
            format!(
                "{} ({})",
                int(l, r.sample_uniques.count),
                pct(l, r.sample_uniques.share)
            ),
        ),
    ];
    labelled(o, &rows);
    if c.min_size < k.reference_k && c.smallest.iter().all(|s| s.values.is_none()) {
        let _ = writeln!(
            o,
            "  {}",
            l.tr(
                "(values of small classes are hidden; --show-values prints them)",
                "(waarden van kleine groepen zijn verborgen; --show-values toont ze)"
            )
        );
    }
}

/// Prosecutor, journalist and marketer risk.
fn render_risk(o: &mut String, r: &Report, style: Style) {
    let (rk, l) = (&r.risk, style.lang);
    let _ = writeln!(
        o,
        "\n{} ({} > {})",
        style.bold(l.tr("Re-identification risk", "Heridentificatierisico")),
        l.tr("record at risk: risk", "record met risico: risico"),
        six(l, rk.threshold)
    );
    let p = &rk.prosecutor;
    let j = &rk.journalist;
    let row = |name: &str, highest: String, average: f64, at_risk: String| -> Vec<Cell> {
        vec![
            name.into(),
            highest.into(),
            dec(l, average, 4).into(),
            at_risk.into(),
        ]
    };
    let rows = vec![
        row(
            "prosecutor",
            dec(l, p.highest, 4),
            p.average,
            pct(l, p.records_at_risk),
        ),
        row(
            "journalist",
            dec(l, j.highest, 4),
            j.average,
            pct(l, j.records_at_risk),
        ),
        row("marketer", String::new(), rk.marketer, String::new()),
    ];
    grid(
        o,
        Some(&[
            "",
            l.tr("highest", "hoogste"),
            l.tr("average", "gemiddeld"),
            l.tr("records at risk", "records met risico"),
        ]),
        rows,
        &[Align::Left, Align::Right, Align::Right, Align::Right],
        style,
    );
    let _ = writeln!(
        o,
        "  {}: {} ({})",
        l.tr("journalist/marketer basis", "basis journalist/marketer"),
        super::notice::source(l, &j.basis),
        super::notice::journalist_basis(l, &j.basis)
    );
}

/// Attribute contribution.
fn render_attributes(o: &mut String, r: &Report, style: Style) {
    let l = style.lang;
    let title = l.tr("Attribute contribution", "Bijdrage per attribuut");
    let _ = writeln!(o, "\n{}", style.bold(title));
    let Some(attributes) = &r.attributes else {
        let not = l.tr(
            "not computed (--no-contribution)",
            "niet berekend (--no-contribution)",
        );
        let _ = writeln!(o, "  {not}");
        return;
    };
    let rows = attributes
        .iter()
        .zip(&r.quasi_identifiers)
        .map(|(a, q)| {
            vec![
                a.name.as_str().into(),
                int(l, a.distinct).into(),
                dec(l, a.distinction, 6).into(),
                a.separation
                    .map_or("n/a".to_string(), |s| dec(l, s, 4))
                    .into(),
                int(l, a.uniques_alone).into(),
                // Uniques fewer without it; none fewer is 0, not −0.
                match a.uniques_removed {
                    0 => "0".to_string(),
                    n => format!("-{}", int(l, n)),
                }
                .into(),
                if q.missing > 0 {
                    format!("({} {})", int(l, q.missing), l.tr("missing", "ontbrekend"))
                } else {
                    String::new()
                }
                .into(),
            ]
        })
        .collect();
    let right = Align::Right;
    grid(
        o,
        Some(&[
            l.tr("attribute", "attribuut"),
            l.tr("distinct", "verschillend"),
            l.tr("distinction", "onderscheiding"),
            l.tr("separation", "scheiding"),
            l.tr("unique alone", "alleen uniek"),
            l.tr("uniques if dropped", "unieken zonder dit attribuut"),
            "",
        ]),
        rows,
        &[Align::Left, right, right, right, right, right, Align::Left],
        style,
    );
}

/// The smallest classes' values (only with --show-values).
fn render_smallest(o: &mut String, r: &Report, style: Style) {
    let c = &r.classes;
    let shown: Vec<_> = c.smallest.iter().filter(|s| s.values.is_some()).collect();
    if !shown.is_empty() {
        let l = style.lang;
        let title = l.tr("Smallest classes", "Kleinste klassen");
        let _ = writeln!(o, "\n{}", style.bold(title));
        let (class, size) = (l.tr("class", "klasse"), l.tr("size", "grootte"));
        for s in shown {
            let values = s.values.as_deref().unwrap_or_default().join(" | ");
            let _ = writeln!(
                o,
                "  {class} {:<8} {size} {:<6} {values}",
                s.class_id, s.size
            );
        }
    }
}

/// The three WP216 verdicts.
fn render_wp216(o: &mut String, r: &Report, style: Style) {
    if let Some(w) = &r.wp216 {
        let l = style.lang;
        let title = l.tr(
            "WP216 assessment (each criterion on its own)",
            "WP216-beoordeling (elk criterium afzonderlijk)",
        );
        let _ = writeln!(o, "\n{}", style.bold(title));
        let rows = [
            (l.tr("singling out", "herleidbaarheid"), &w.singling_out),
            (l.tr("linkability", "koppelbaarheid"), &w.linkability),
            (l.tr("inference", "deduceerbaarheid"), &w.inference),
        ]
        .into_iter()
        .map(|(name, c)| verdict_row(name, c, style))
        .collect();
        grid(o, None, rows, &[Align::Left; 3], style);
    }
}

/// What changed since the baseline.
fn render_baseline(o: &mut String, r: &Report, style: Style) {
    if let Some(b) = &r.baseline {
        let l = style.lang;
        let since = l.tr("Since the baseline", "Sinds de basislijn");
        let _ = writeln!(o, "\n{}", style.bold(&format!("{since} {}", b.path)));
        let changes = b
            .regressions
            .iter()
            .map(|c| (style.bad(l.tr("worse", "slechter")), c))
            .chain(
                b.improvements
                    .iter()
                    .map(|c| (style.good(l.tr("better", "beter")), c)),
            );
        for (word, c) in changes {
            let (figure, unit) = super::labels::figure(l, &c.figure);
            let shown = |v| super::labels::compared(l, unit, v);
            let (before, now) = (shown(&c.previous), shown(&c.current));
            let _ = writeln!(o, "  {word} {figure}: {before} → {now}");
        }
        if b.regressions.is_empty() && b.improvements.is_empty() {
            let none = l.tr(
                "no compared figure changed",
                "geen vergeleken kengetal veranderd",
            );
            let _ = writeln!(o, "  {none}");
        }
        for n in &b.notes {
            let n = super::notice::say(l, n);
            let _ = writeln!(o, "  {} {n}", style.warn("!"));
        }
        if b.regressed && b.gating {
            let _ = writeln!(
                o,
                "  {}",
                style.bad(l.tr(
                    "regression: exit 1 (--fail-on-regression)",
                    "achteruitgang: exit 1 (--fail-on-regression)"
                ))
            );
        }
    }
}

fn verdict_row(name: &str, c: &crate::report::Judgement, style: Style) -> Vec<Cell> {
    use crate::gate::wp216::Verdict;
    let l = style.lang;
    let verdict = match c.verdict {
        Verdict::Pass => style.cell(l.tr("pass", "voldoet"), Tone::Good),
        Verdict::AtRisk => style.cell(l.tr("at risk", "restrisico"), Tone::Warn),
        Verdict::Fail => style.cell(l.tr("FAIL", "VOLDOET NIET"), Tone::Bad),
        Verdict::NotAssessed => l.tr("not assessed", "niet beoordeeld").into(),
    };
    let default_rule = if c.default_rule && c.verdict != Verdict::NotAssessed {
        l.tr(" [kanon default rule]", " [standaardregel van kanon]")
    } else {
        ""
    };
    vec![
        name.into(),
        verdict,
        format!("{}{default_rule}", c.reason).into(),
    ]
}

fn render_targets(o: &mut String, targets: &[crate::gate::targets::TargetCheck], style: Style) {
    if targets.is_empty() {
        return;
    }
    let l = style.lang;
    let _ = writeln!(o, "\n{}", style.bold(l.tr("Targets", "Normen")));
    let rows = targets
        .iter()
        .map(|t| {
            let mark = if t.met {
                style.cell(l.tr("pass", "gehaald"), Tone::Good)
            } else {
                style.cell(l.tr("FAIL", "NIET GEHAALD"), Tone::Bad)
            };
            vec![mark, super::labels::target_line(l, t).into()]
        })
        .collect();
    grid(o, None, rows, &[Align::Left; 2], style);
    let failed = targets.iter().filter(|t| !t.met).count();
    let verdict = match (failed, l) {
        (0, _) => style.good(l.tr("all targets met", "alle normen gehaald")),
        (_, Lang::En) => style.bad(&format!("{failed} of {} targets missed", targets.len())),
        (_, Lang::Nl) => style.bad(&format!(
            "{failed} van de {} normen niet gehaald",
            targets.len()
        )),
    };
    let _ = writeln!(o, "  {verdict}");
}

/// Linkage figures (L1–L5, L7).
fn render_linkability(
    o: &mut String,
    k: &crate::measure::linkage::Linkability,
    title: &str,
    style: Style,
) {
    let l = style.lang;
    let _ = writeln!(o, "\n{}", style.bold(title));
    let expected = match k.link_success_rate {
        Some(r) => format!(
            "{} (L2, {}: {} {} {} {}, {} {})",
            dec(l, k.expected_correct_links, 2),
            l.tr("ground truth", "werkelijke koppeling"),
            six(l, k.expected_correct_links),
            l.tr("of", "van"),
            int(l, k.targets_in_release.unwrap_or(0)),
            l.tr("targets in the release", "doelwitten in de vrijgave"),
            l.tr("success rate", "slagingskans"),
            pct(l, r)
        ),
        None => format!(
            "{} (L3: Σ 1/|C(a)|, {})",
            dec(l, k.expected_correct_links, 2),
            l.tr(
                "every attacker record assumed to be in the release",
                "elk record van de aanvaller verondersteld in de vrijgave"
            )
        ),
    };
    let basis = super::notice::precision_basis(l, &k.unique_match_precision_basis);
    let precision = match k.unique_match_precision {
        Some(p) => format!("{} ({basis})", six(l, p)),
        None => format!("{}: {basis}", l.tr("not computed", "niet berekend")),
    };
    let sizes: Vec<String> = k
        .match_sizes
        .iter()
        .filter(|b| b.attacker_records > 0)
        .map(|b| format!("{}:{}", b.matches, int(l, b.attacker_records)))
        .collect();
    let rows = [
        (l.tr("linked on", "gekoppeld op"), k.on.join(", ")),
        (
            l.tr("attacker records", "records aanvaller"),
            format!(
                "{} ({} {}, {} {})",
                int(l, k.attacker_records),
                int(l, k.matched_records),
                l.tr("matched", "met overeenkomst"),
                int(l, k.attacker_records - k.matched_records),
                l.tr("not", "zonder")
            ),
        ),
        (
            l.tr("unique matches (L1)", "unieke overeenkomsten (L1)"),
            format!(
                "{} ({})",
                int(l, k.unique_matches),
                pct(l, k.unique_match_rate)
            ),
        ),
        (
            l.tr("expected correct links", "verwachte juiste koppelingen"),
            expected,
        ),
        (
            l.tr("group links (L4)", "koppelingen aan een groep (L4)"),
            format!(
                "{} ({}) {}",
                int(l, k.group_links),
                pct(l, k.group_link_rate),
                l.tr("link to a single class", "koppelen aan één groep")
            ),
        ),
        (
            l.tr("unique-match precision (L5)", "precisie unieke match (L5)"),
            precision,
        ),
        (
            l.tr("linkage risk (L7)", "koppelrisico (L7)"),
            format!(
                "{} [{}, {}] 95% ({} {} {} {})",
                six(l, k.risk.value),
                six(l, k.risk.ci[0]),
                six(l, k.risk.ci[1]),
                l.tr("attack", "aanval"),
                six(l, k.risk.attack_rate),
                l.tr("vs random guess", "tegen willekeurige gok"),
                six(l, k.risk.baseline)
            ),
        ),
        (
            l.tr("records by |C(a)|", "records naar |C(a)|"),
            sizes.join("  "),
        ),
    ];
    labelled(o, &rows);
}

/// The summary of `kanon link`.
pub fn render_link(r: &crate::report::LinkReport, style: Style) -> String {
    let mut o = String::new();
    let l = style.lang;
    let _ = writeln!(
        o,
        "{} {}: {} {}",
        style.bold("kanon link"),
        r.release.path,
        int(l, r.release.rows),
        l.tr("records", "records")
    );
    let lang = style.lang;
    if let (Some(a), Some(k)) = (&r.aux, &r.linkability) {
        let title = lang.tr("Attacker table", "Tabel van de aanvaller");
        render_linkability(&mut o, k, &format!("{title} {}", a.path), style);
    }
    if let (Some(p), Some(c)) = (&r.previous, &r.cross_release) {
        let m = &c.composition;
        let _ = writeln!(
            o,
            "\n{}",
            style.bold(&format!(
                "{} {} (L8)",
                lang.tr("Composition with", "Combinatie met"),
                p.path
            ))
        );
        let rows = [
            (
                lang.tr("common columns", "gedeelde kolommen"),
                m.on.join(", "),
            ),
            (
                lang.tr("records in both", "records in beide"),
                format!(
                    "{} ({} {})",
                    int(l, m.records_in_both),
                    lang.tr("paired by", "gepaard op"),
                    m.aligned_by.replace('_', " ")
                ),
            ),
            (
                lang.tr("k release / previous", "k vrijgave / eerdere"),
                format!("{} / {}", m.k_release, m.k_previous),
            ),
            (
                lang.tr("k of the intersection", "k van de doorsnede"),
                format!(
                    "{} ({} {}, {} {})",
                    m.k_intersection,
                    int(l, m.intersection_classes),
                    lang.tr("classes", "groepen"),
                    int(l, m.intersection_uniques),
                    lang.tr("records alone", "records alleen")
                ),
            ),
        ];
        labelled(&mut o, &rows);
        let _ = writeln!(
            o,
            "  {} k = {:<9} {}; {}: {}",
            lang.tr("records below", "records onder"),
            m.reference_k,
            int(l, m.records_below_k),
            lang.tr("narrowed by composing", "versmald door combineren"),
            int(l, m.records_narrowed)
        );
        render_linkability(
            &mut o,
            &c.linkage,
            lang.tr(
                "Previous release as the attacker's table",
                "Eerdere vrijgave als tabel van de aanvaller",
            ),
            style,
        );
    }
    let heading = lang.tr("WP216 linkability", "WP216 koppelbaarheid");
    let _ = writeln!(o, "\n{}", style.bold(heading));
    let row = verdict_row(
        style.lang.tr("linkability", "koppelbaarheid"),
        &r.verdict,
        style,
    );
    grid(&mut o, None, vec![row], &[Align::Left; 3], style);
    if !r.warnings.is_empty() {
        let title = lang.tr("Warnings", "Waarschuwingen");
        let _ = writeln!(o, "\n{}", style.bold(title));
        for w in &r.warnings {
            let w = super::notice::say(style.lang, w);
            let _ = writeln!(o, "  {} {w}", style.warn("!"));
        }
    }
    render_targets(&mut o, &r.targets, style);
    o
}

/// What local recoding kept: original cells per QI, next to the global
/// optimum.
fn render_local(o: &mut String, local: &crate::report::LocalInfo, style: Style) {
    let l = style.lang;
    let start = match local.start {
        crate::anonymise::local::Start::Top => l.tr("from the top", "vanaf de top"),
        crate::anonymise::local::Start::Global => {
            l.tr("from the global optimum", "vanaf het globale optimum")
        }
    };
    let global = local
        .global
        .as_ref()
        .map(|g| {
            format!(
                " ({} {})",
                l.tr("global recoding:", "globale hercodering:"),
                pct(l, g.cells_kept)
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "  {} {start}: {} {}{global}",
        l.tr("local recoding", "lokale hercodering"),
        pct(l, local.cells_kept),
        l.tr(
            "of the quasi-identifier cells released unchanged",
            "van de cellen van quasi-identificatoren ongewijzigd vrijgegeven"
        ),
    );
    let changed: Vec<String> = local
        .cells_changed
        .iter()
        .map(|(name, n)| format!("{name} {}", int(l, *n)))
        .collect();
    let _ = writeln!(
        o,
        "  {} {}",
        l.tr("cells changed:", "cellen gewijzigd:"),
        changed.join(", ")
    );
}

/// The summary of `kanon suggest` / `kanon anonymise`.
pub fn render_suggest(r: &crate::report::SuggestReport, seconds: f64, style: Style) -> String {
    let mut o = String::new();
    let (s, l) = (&r.search, style.lang);
    let _ = writeln!(
        o,
        "{} {}: k ≥ {}, {} {} {}",
        style.bold("kanon suggest"),
        r.input,
        s.k,
        l.tr("at most", "hoogstens"),
        pct(l, s.suppression_limit),
        l.tr("of records suppressed", "van de records onderdrukt")
    );
    match &s.levels {
        Some(levels) => {
            let rows = levels
                .iter()
                .map(|(name, level)| {
                    // Values of records only with --show-values.
                    let example = s
                        .example(name)
                        .map(|e| format!("{} {e}", l.tr("e.g.", "bijv.")))
                        .unwrap_or_default();
                    // Under local recoding, the range of levels used.
                    let used = (s.lowest_level(name))
                        .map(|low| format!("{low}–"))
                        .unwrap_or_default();
                    vec![
                        name.as_str().into(),
                        format!(
                            "{} {used}{level} {} {}",
                            l.tr("level", "niveau"),
                            l.tr("of", "van"),
                            s.heights[name]
                        )
                        .into(),
                        format!("({})", s.hierarchies[name]).into(),
                        example.into(),
                    ]
                })
                .collect();
            grid(&mut o, None, rows, &[Align::Left; 4], style);
            let res = s.result.as_ref();
            let (suppressed, records, classes, k) = (
                int(l, s.suppressed.unwrap_or(0)),
                int(l, res.map_or(0, |r| r.input.records)),
                int(l, res.map_or(0, |r| r.classes.count)),
                res.map_or(0, |r| r.k_anonymity.k),
            );
            let _ = match l {
                Lang::En => writeln!(
                    o,
                    "  suppressed {suppressed} records; released {records} records in {classes} classes, k = {k}"
                ),
                Lang::Nl => writeln!(
                    o,
                    "  {suppressed} records onderdrukt; {records} records vrijgegeven in {classes} groepen, k = {k}"
                ),
            };
            if let Some(local) = &s.local {
                render_local(&mut o, local, style);
            }
            if let Some(u) = &s.utility {
                let mut metric = serde_json::to_value(s.metric)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                if let Some(v) = super::labels::unlisted_score(u, s.metric) {
                    let places = if v.fract() == 0.0 { 0 } else { 4 };
                    metric = format!("{metric} {}", dec(l, v, places));
                }
                let _ = writeln!(
                    o,
                    "  {:<13} {} {}   {} {}   {} {}   AECS {}   {} {}   ({}: {metric})",
                    l.tr("utility", "bruikbaarheid"),
                    l.tr("loss", "verlies"),
                    dec(l, u.loss, 4),
                    l.tr("precision", "precisie"),
                    dec(l, u.precision, 4),
                    l.tr("discernibility", "onderscheidbaarheid"),
                    u.discernibility,
                    dec(l, u.aecs, 2),
                    l.tr("non-uniform entropy", "niet-uniforme entropie"),
                    dec(l, u.non_uniform_entropy, 1),
                    l.tr("minimised", "geminimaliseerd"),
                );
            }
            let _ = writeln!(o, "{}", search_line(r, seconds, l));
            // The release's own analysis is the evidence: a target it
            // misses is shown, and the command exits 1.
            if let Some(res) = res.filter(|r| !r.targets_met) {
                let _ = writeln!(
                    o,
                    "  {} {}",
                    style.bad(l.tr("FAIL", "NIET GEHAALD")),
                    l.tr(
                        "the analysis of the release misses a target:",
                        "de analyse van de vrijgave haalt een norm niet:"
                    )
                );
                render_targets(&mut o, &res.targets, style);
            }
            for a in &s.alternatives {
                let levels: Vec<String> =
                    a.levels.iter().map(|(n, l)| format!("{n}={l}")).collect();
                let _ = writeln!(
                    o,
                    "  {}   {}   {} {}   {} {}   score {}",
                    l.tr("alternative", "alternatief"),
                    levels.join(" "),
                    l.tr("suppressed", "onderdrukt"),
                    int(l, a.suppressed),
                    l.tr("loss", "verlies"),
                    dec(l, a.loss, 4),
                    dec(l, a.score, 4)
                );
            }
        }
        _ => {
            let why = match s.stopped {
                Stopped::Exhausted => "",
                Stopped::TimeLimit => l.tr(
                    " (none found before the time limit)",
                    " (geen gevonden voor de tijdslimiet)",
                ),
                Stopped::Converged => l.tr(
                    " (none found by the heuristic search)",
                    " (geen gevonden door de heuristische zoektocht)",
                ),
            };
            let size = lattice_size(l, s.lattice);
            let _ = match l {
                Lang::En => writeln!(
                    o,
                    "  {} no transformation in the lattice ({size} nodes) meets the targets{why}",
                    style.bad("FAIL"),
                ),
                Lang::Nl => writeln!(
                    o,
                    "  {} geen transformatie in het rooster ({size} knopen) haalt de normen{why}",
                    style.bad("NIET GEHAALD"),
                ),
            };
        }
    }
    o
}

fn render_survey(o: &mut String, r: &Report, style: Style) {
    render_population(o, r, style);
    render_individual(o, r, style);
    render_suda(o, r, style);
    render_subsets(o, r, style);
    render_person_level(o, r, style);
}

/// Population uniqueness by each model and Dankar's choice.
fn render_population(o: &mut String, r: &Report, style: Style) {
    if let Some(p) = &r.population {
        let l = style.lang;
        let _ = writeln!(
            o,
            "\n{} (N = {}, π = {}, {} {})",
            style.bold(l.tr("Population uniqueness", "Uniciteit in de populatie")),
            int(l, p.size.round() as u64),
            dec(l, p.sampling_fraction, 4),
            l.tr("from", "uit"),
            super::notice::source(l, &p.source)
        );
        let no_estimate = l.tr("no valid estimate", "geen geldige schatting");
        let est = |name: &str, e: &crate::report::EstimateInfo| match (e.count, e.share) {
            (Some(c), Some(s)) => format!("{name} {} ({})", dec(l, c, 1), pct(l, s)),
            _ => format!(
                "{name} {} ({})",
                l.tr("none", "geen"),
                e.reason.as_ref().map_or(no_estimate.to_string(), |w| {
                    super::notice::no_estimate(l, w)
                })
            ),
        };
        let e = &p.estimators;
        let estimates = l.tr("estimates", "schattingen");
        let _ = writeln!(o, "  {estimates:<18}{}", est("Zayatz", &e.zayatz));
        let _ = writeln!(o, "  {:<18}{}", "", est("Pitman", &e.pitman));
        let _ = writeln!(o, "  {:<18}{}", "", est("SNB", &e.snb));
        let _ = writeln!(
            o,
            "  {:<18}{}: {} — {}",
            l.tr("Dankar's rule", "regel van Dankar"),
            p.dankar.choice,
            match (p.dankar.count, p.dankar.share) {
                (Some(c), Some(s)) => format!(
                    "{} {} ({})",
                    dec(l, c, 1),
                    l.tr("population uniques", "unieken in de populatie"),
                    pct(l, s)
                ),
                _ => no_estimate.to_string(),
            },
            super::notice::dankar_rule(l, p.dankar.rule, p.sampling_fraction)
        );
    }
}

/// Benedetti-Franconi individual risk.
fn render_individual(o: &mut String, r: &Report, style: Style) {
    if let Some(i) = &r.individual_risk {
        let l = style.lang;
        let _ = writeln!(
            o,
            "\n{} (Benedetti-Franconi, {} {})",
            style.bold(l.tr("Individual risk", "Individueel risico")),
            l.tr("from", "uit"),
            super::notice::source(l, &i.basis)
        );
        let _ = writeln!(
            o,
            "  {} {}   {} {}   {} {}   {} {}: {}",
            l.tr("expected re-identifications", "verwachte heridentificaties"),
            dec(l, i.expected_reidentifications, 2),
            l.tr("global", "globaal"),
            dec(l, i.global, 6),
            l.tr("highest", "hoogste"),
            dec(l, i.highest, 4),
            l.tr("records above", "records boven"),
            six(l, r.risk.threshold),
            int(l, i.records_above_threshold)
        );
    }
}

/// SUDA2 special uniques.
fn render_suda(o: &mut String, r: &Report, style: Style) {
    if let Some(s) = &r.suda {
        let l = style.lang;
        let _ = writeln!(
            o,
            "\n{} (M = {}, {} {} {}, {} {})",
            style.bold(l.tr("Special uniques (SUDA2)", "Bijzondere unieken (SUDA2)")),
            s.keys,
            l.tr("MSUs up to", "MSU's tot"),
            s.max_msu_size,
            l.tr("attributes, Elliot scores", "attributen, scores van Elliot"),
            l.tr("DIS fraction", "DIS-fractie"),
            six(l, s.dis_fraction)
        );
        let sizes: Vec<String> = s
            .msus_by_size
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, n)| format!("{}:{}", i + 1, int(l, *n)))
            .collect();
        let _ = writeln!(
            o,
            "  {} {}   {} {} ({} {})   {} {}   {} {}",
            l.tr("records with an MSU", "records met een MSU"),
            int(l, s.records_with_msu),
            l.tr("MSUs", "MSU's"),
            int(l, s.msus),
            l.tr("by size", "naar grootte"),
            if sizes.is_empty() {
                "-".to_string()
            } else {
                sizes.join(" ")
            },
            l.tr("max score", "hoogste score"),
            six(l, s.max_score),
            l.tr("max DIS-SUDA", "hoogste DIS-SUDA"),
            dec(l, s.max_dis_score, 6)
        );
        let mut vars: Vec<&crate::report::SudaVariable> = s.variables.iter().collect();
        vars.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        let list: Vec<String> = vars
            .iter()
            .map(|v| {
                format!(
                    "{} {} ({} {})",
                    v.name,
                    pct(l, v.contribution),
                    pct(l, v.msu_share),
                    l.tr("of MSUs", "van de MSU's")
                )
            })
            .collect();
        let contribution = l.tr("contribution", "bijdrage");
        let _ = writeln!(o, "  {contribution}  {}", list.join(", "));
    }
}

/// The QI-subset sweep.
fn render_subsets(o: &mut String, r: &Report, style: Style) {
    if let Some(subsets) = &r.subsets {
        let l = style.lang;
        let minimal: Vec<String> = subsets
            .iter()
            .filter(|s| s.minimal)
            .map(|s| {
                format!(
                    "{{{}}} ({} {})",
                    s.attributes.join(", "),
                    int(l, s.sample_uniques),
                    l.tr("uniques", "unieken")
                )
            })
            .collect();
        let largest = subsets
            .iter()
            .map(|s| s.attributes.len())
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            o,
            "\n{} ({} {largest} {}: {})",
            style.bold(l.tr("QI subsets", "Deelverzamelingen van QI's")),
            l.tr(
                "all subsets of up to",
                "alle deelverzamelingen van hoogstens"
            ),
            l.tr("QIs", "QI's"),
            subsets.len()
        );
        if minimal.is_empty() {
            let none = match l {
                Lang::En => format!("no subset of up to {largest} QIs singles anyone out"),
                Lang::Nl => format!(
                    "geen deelverzameling van hoogstens {largest} QI's maakt iemand herkenbaar"
                ),
            };
            let _ = writeln!(o, "  {none}");
        } else {
            let shown: Vec<String> = minimal.iter().take(12).cloned().collect();
            let more = minimal.len() - shown.len();
            let _ = writeln!(
                o,
                "  {}: {}{}",
                l.tr(
                    "smallest subsets that single people out",
                    "kleinste deelverzamelingen die personen herkenbaar maken"
                ),
                shown.join("; "),
                match (more, l) {
                    (0, _) => String::new(),
                    (m, Lang::En) => format!("; … {m} more (--json lists all)"),
                    (m, Lang::Nl) => format!("; … nog {m} (--json toont alle)"),
                }
            );
        }
    }
}

/// Person-level k.
fn render_person_level(o: &mut String, r: &Report, style: Style) {
    if let Some(p) = &r.person_level {
        let l = style.lang;
        let title = l.tr("Person-level k", "k op persoonsniveau");
        let _ = writeln!(o, "\n{} ('{}')", style.bold(title), p.column);
        let _ = writeln!(
            o,
            "  {} {}   {} {}   {} {}",
            l.tr("k in distinct persons", "k in verschillende personen"),
            p.k,
            l.tr(
                "largest share of one person in a class",
                "grootste aandeel van één persoon in een klasse"
            ),
            pct(l, p.max_person_share),
            l.tr(
                "classes with repeated persons",
                "klassen met herhaalde personen"
            ),
            int(l, p.classes_with_repeated_persons)
        );
    }
}

/// One line per inference measure of a sensitive attribute.
fn inference_rows(i: &crate::report::InferenceInfo, lang: Lang) -> [(&'static str, String); 7] {
    let t = |en, nl| lang.tr(en, nl);
    let ld = &i.l_diversity;
    let l = lang;
    [
        (
            t("l-diversity", "l-diversiteit"),
            format!(
                "{} {}   {} {}   {} ({}, l) {}",
                t("distinct", "verschillend"),
                ld.distinct,
                t("entropy", "entropie"),
                dec(l, ld.entropy, 4),
                t("recursive", "recursief"),
                six(l, ld.recursive.c),
                ld.recursive.l
            ),
        ),
        (
            "t-closeness",
            format!(
                "{} ({})",
                dec(l, i.t_closeness.value, 4),
                match lang {
                    Lang::En => format!(
                        "{} distance",
                        super::labels::distance(lang, i.t_closeness.distance)
                    ),
                    Lang::Nl => format!(
                        "afstand {}",
                        super::labels::distance(lang, i.t_closeness.distance)
                    ),
                }
            ),
        ),
        (
            "δ-disclosure",
            format!(
                "{} {}   {} {}",
                t("strict", "strikt"),
                i.delta_disclosure
                    .strict
                    .map_or("inf".to_string(), |d| dec(l, d, 4)),
                t("present values", "aanwezige waarden"),
                dec(l, i.delta_disclosure.present_values, 4)
            ),
        ),
        (
            "β-likeness",
            format!(
                "{} {}   {} {}",
                t("basic", "basis"),
                dec(l, i.beta_likeness.basic, 4),
                t("enhanced", "verbeterd"),
                i.beta_likeness.enhanced.map_or(
                    format!(
                        "{} ({} {})",
                        t("none", "geen"),
                        int(l, i.beta_likeness.enhanced_violating_classes),
                        t("classes exceed −ln p", "groepen boven −ln p")
                    ),
                    |b| dec(l, b, 4)
                )
            ),
        ),
        (
            "(α,k)",
            format!("α {}   k {}", dec(l, i.alpha_k.alpha, 4), i.alpha_k.k),
        ),
        (
            t("homogeneous", "homogeen"),
            format!(
                "{} records ({}) {} {} {}; {} ({}) {} {}",
                int(l, i.homogeneous_records.count),
                pct(l, i.homogeneous_records.share),
                t("in", "in"),
                int(l, i.homogeneous_records.classes),
                t("classes with one value", "groepen met één waarde"),
                int(l, i.homogeneous_records.above_threshold_count),
                pct(l, i.homogeneous_records.above_threshold_share),
                t("with a value ≥", "met een waarde ≥"),
                pct(l, i.homogeneous_records.threshold)
            ),
        ),
        (
            t("attribution", "toeschrijving"),
            format!(
                "{} {}   {} {}   {} {}   {} {}",
                t("mean CAP", "gem. CAP"),
                dec(l, i.attribution.mean_cap, 4),
                t("hit rate", "trefkans"),
                pct(l, i.attribution.hit_rate),
                t("baseline", "basislijn"),
                pct(l, i.attribution.baseline),
                t("risk", "risico"),
                i.attribution
                    .risk
                    .map_or("n/a".to_string(), |r| dec(l, r, 4))
            ),
        ),
    ]
}

fn render_inference(o: &mut String, name: &str, i: &crate::report::InferenceInfo, style: Style) {
    let l = style.lang;
    let _ = writeln!(
        o,
        "\n{} — {} '{name}' ({} {}{})",
        style.bold(l.tr("Inference", "Deduceerbaarheid")),
        l.tr("sensitive", "gevoelig"),
        i.values,
        l.tr("values", "waarden"),
        if i.missing > 0 {
            format!(", {} {}", int(l, i.missing), l.tr("missing", "ontbrekend"))
        } else {
            String::new()
        }
    );
    for (label, value) in inference_rows(i, l) {
        let _ = writeln!(o, "  {label:<14}{value}");
    }
    if let Some(p) = &i.proximity {
        let _ = writeln!(
            o,
            "  {:<14}{} {} {} {} {}; {} {}",
            l.tr("proximity", "nabijheid"),
            l.tr("smallest class range", "kleinste spreiding in een groep"),
            pct(l, p.min_relative_range),
            l.tr("and IQR", "en IQR"),
            pct(l, p.min_relative_iqr),
            l.tr("of the table's range", "van de spreiding in de tabel"),
            int(l, p.records_in_narrow_classes),
            l.tr(
                "records in classes spanning ≤ 10%",
                "records in groepen met spreiding ≤ 10%"
            )
        );
    }
    let worst: Vec<String> = i
        .worst_classes
        .iter()
        .take(5)
        .map(|w| {
            let mut s = format!(
                "{} {} ({} {}, top {})",
                l.tr("class", "groep"),
                w.class_id,
                l.tr("size", "grootte"),
                w.size,
                pct(l, w.top_share)
            );
            if let (Some(v), Some(top)) = (&w.values, &w.top_value) {
                s.push_str(&format!(" [{}] → {top}", v.join(" | ")));
            }
            s
        })
        .collect();
    if !worst.is_empty() {
        let label = l.tr("worst classes", "slechtste groepen");
        let _ = writeln!(o, "  {label:<13} {}", worst.join("; "));
    }
}

/// A guessed role in words.
fn role_words(l: Lang, role: crate::measure::profile::Role) -> &'static str {
    use crate::measure::profile::Role;
    match role {
        Role::DirectIdentifier => l.tr("direct identifier", "directe identificator"),
        Role::Pseudonym => l.tr("pseudonym", "pseudoniem"),
        Role::QuasiIdentifierCandidate => l.tr("quasi-identifier?", "quasi-identificator?"),
        Role::SensitiveCandidate => l.tr("sensitive?", "gevoelig?"),
        Role::Other => l.tr("other", "overig"),
    }
}

/// The column profile as a table for people; values are never shown.
pub fn render_profile(p: &crate::report::Profile, style: Style) -> String {
    use crate::measure::profile::Role;
    use std::fmt::Write;
    let l = style.lang;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "kanon profile {}: {} {}, {} {}",
        p.input,
        p.rows,
        l.tr("rows", "rijen"),
        p.columns.len(),
        l.tr("columns", "kolommen")
    );
    let rows = p
        .columns
        .iter()
        .map(|c| {
            let role = role_words(l, c.role);
            let role = match c.role {
                Role::DirectIdentifier => style.cell(role, Tone::Bad),
                Role::Pseudonym => style.cell(role, Tone::Warn),
                _ => role.into(),
            };
            vec![
                c.name.as_str().into(),
                c.distinct.to_string().into(),
                dec(l, c.uniqueness, 4).into(),
                dec(l, c.entropy_bits, 2).into(),
                format!("{}%", dec(l, c.missing_share * 100.0, 1)).into(),
                role,
                super::notice::role_reason(l, c).into(),
            ]
        })
        .collect();
    let (left, right) = (Align::Left, Align::Right);
    grid(
        &mut o,
        Some(&[
            l.tr("column", "kolom"),
            l.tr("distinct", "verschillend"),
            l.tr("uniqueness", "uniciteit"),
            l.tr("entropy (bits)", "entropie (bits)"),
            l.tr("missing", "ontbrekend"),
            l.tr("role", "rol"),
            l.tr("reason", "reden"),
        ]),
        rows,
        &[left, right, right, right, right, left, left],
        style,
    );
    let warnings = [
        (
            Role::Pseudonym,
            l.tr(
                "pseudonymised or hashed columns: pseudonymised data is not anonymous (WP216 §4)",
                "gepseudonimiseerde of gehashte kolommen: gepseudonimiseerde gegevens zijn niet anoniem (WP216 §4)",
            ),
        ),
        (
            Role::DirectIdentifier,
            l.tr(
                "direct identifiers: remove them before any release",
                "directe identificatoren: verwijder ze vóór elke publicatie",
            ),
        ),
    ];
    for (role, said) in warnings {
        if p.columns.iter().any(|c| c.role == role) {
            let _ = writeln!(o, "  {} {said}", style.warn("!"));
        }
    }
    for n in &p.not_profiled {
        let notice = crate::notice::Notice::NotProfiledType {
            column: n.name.clone(),
            kind: n.kind.clone(),
        };
        let _ = writeln!(
            o,
            "  {} {}",
            style.warn("!"),
            super::notice::say(l, &notice)
        );
    }
    o
}

/// How the search went: nodes checked, strategy, optimality or gap, why
/// it stopped, and its time.
fn search_line(s: &crate::report::SuggestReport, seconds: f64, l: Lang) -> String {
    let s = &s.search;
    let verdict = match (s.optimal, s.gap, l) {
        (true, _, _) => l.tr("optimal", "optimaal").to_string(),
        (false, Some(gap), Lang::En) => {
            format!(
                "best found, within {} % of the lower bound",
                dec(l, gap * 100.0, 1)
            )
        }
        (false, Some(gap), Lang::Nl) => {
            format!(
                "beste gevonden, binnen {} % van de ondergrens",
                dec(l, gap * 100.0, 1)
            )
        }
        (false, None, _) => l
            .tr(
                "best found, not proven optimal",
                "beste gevonden, niet bewezen optimaal",
            )
            .to_string(),
    };
    let stopped = match s.stopped {
        Stopped::Exhausted => "",
        Stopped::TimeLimit => l.tr(
            ", stopped by the time limit",
            ", gestopt door de tijdslimiet",
        ),
        Stopped::Converged => l.tr(", no move improves it", ", geen stap verbetert het"),
    };
    let (checked, size) = (int(l, s.nodes_checked), lattice_size(l, s.lattice));
    match l {
        Lang::En => format!(
            "  {checked} of {size} lattice nodes checked ({} search), {verdict}{stopped} ({seconds:.2} s)",
            s.strategy.name()
        ),
        Lang::Nl => format!(
            "  {checked} van {size} knopen van het rooster bekeken (zoekstrategie {}), {verdict}{stopped} ({} s)",
            s.strategy.name(),
            dec(l, seconds, 2)
        ),
    }
}

/// A lattice size: digits grouped up to 10¹⁵, then in scientific notation.
fn lattice_size(l: Lang, n: u128) -> String {
    if n < 1_000_000_000_000_000 {
        int(l, n as u64)
    } else if n == u128::MAX {
        l.tr("more than 10^38", "meer dan 10^38").to_string()
    } else {
        l.num(format!("{:.2e}", n as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(30162), "30,162");
        assert_eq!(group_digits(10_000_000), "10,000,000");
    }
}
