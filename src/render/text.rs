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

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
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
            group_digits(i.rows),
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
        group_digits(i.records),
    );
    let bytes: u64 = i.files.iter().map(|f| f.size).sum();
    let rows = group_digits(i.files.iter().map(|f| f.rows).sum());
    let (files, bytes) = (i.files.len(), group_digits(bytes));
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
        .map(|[s, n]| format!("{s}:{}", group_digits(*n)))
        .collect();
    let rows = [
        (l.tr("classes", "groepen"), group_digits(c.count)),
        (
            l.tr("size min / median / max", "grootte min / mediaan / max"),
            format!(
                "{} / {} / {}",
                group_digits(c.min_size),
                fmt6(c.median_size),
                group_digits(c.max_size)
            ),
        ),
        (
            l.tr("mean size", "gemiddelde grootte"),
            format!("{:.2}", c.mean_size),
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
                group_digits(k.records_below_k),
                pct(k.share_below_k),
                l.tr("in", "in"),
                group_digits(k.classes_below_k),
                l.tr("classes", "groepen")
            ),
        ),
        (
            l.tr("sample uniques", "unieke records"),
            format!(
                "{} ({})",
                group_digits(r.sample_uniques.count),
                pct(r.sample_uniques.share)
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
        fmt6(rk.threshold)
    );
    let p = &rk.prosecutor;
    let j = &rk.journalist;
    let row = |name: &str, highest: String, average: f64, at_risk: String| -> Vec<Cell> {
        vec![
            name.into(),
            highest.into(),
            format!("{average:.4}").into(),
            at_risk.into(),
        ]
    };
    let rows = vec![
        row(
            "prosecutor",
            format!("{:.4}", p.highest),
            p.average,
            pct(p.records_at_risk),
        ),
        row(
            "journalist",
            format!("{:.4}", j.highest),
            j.average,
            pct(j.records_at_risk),
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
        j.basis,
        j.note
    );
}

/// Attribute contribution.
fn render_attributes(o: &mut String, r: &Report, style: Style) {
    let l = style.lang;
    let title = l.tr("Attribute contribution", "Bijdrage per attribuut");
    let _ = writeln!(o, "\n{}", style.bold(title));
    let rows = r
        .attributes
        .iter()
        .zip(&r.quasi_identifiers)
        .map(|(a, q)| {
            vec![
                a.name.as_str().into(),
                group_digits(a.distinct).into(),
                format!("{:.6}", a.distinction).into(),
                a.separation
                    .map_or("n/a".to_string(), |s| format!("{s:.4}"))
                    .into(),
                group_digits(a.uniques_alone).into(),
                format!("-{}", group_digits(a.uniques_removed)).into(),
                if q.missing > 0 {
                    format!(
                        "({} {})",
                        group_digits(q.missing),
                        l.tr("missing", "ontbrekend")
                    )
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
            "distinction",
            "separation",
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
        let _ = writeln!(o, "\n{}", style.bold("Smallest classes"));
        for s in shown {
            let values = s.values.as_deref().unwrap_or_default().join(" | ");
            let _ = writeln!(o, "  class {:<8} size {:<6} {values}", s.class_id, s.size);
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
            let (figure, _) = super::labels::figure(l, &c.figure);
            let _ = writeln!(o, "  {word} {figure}: {} → {}", c.previous, c.current);
        }
        if b.regressions.is_empty() && b.improvements.is_empty() {
            let none = l.tr(
                "no compared figure changed",
                "geen vergeleken kengetal veranderd",
            );
            let _ = writeln!(o, "  {none}");
        }
        for n in &b.notes {
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
            "{:.2} (L2, {}: {} {} {} {}, {} {})",
            k.expected_correct_links,
            l.tr("ground truth", "werkelijke koppeling"),
            fmt6(k.expected_correct_links),
            l.tr("of", "van"),
            group_digits(k.targets_in_release.unwrap_or(0)),
            l.tr("targets in the release", "doelwitten in de vrijgave"),
            l.tr("success rate", "slagingskans"),
            pct(r)
        ),
        None => format!(
            "{:.2} (L3: Σ 1/|C(a)|, {})",
            k.expected_correct_links,
            l.tr(
                "every attacker record assumed to be in the release",
                "elk record van de aanvaller verondersteld in de vrijgave"
            )
        ),
    };
    let precision = match k.unique_match_precision {
        Some(p) => format!("{} ({})", fmt6(p), k.unique_match_precision_basis),
        None => format!(
            "{}: {}",
            l.tr("not computed", "niet berekend"),
            k.unique_match_precision_basis
        ),
    };
    let sizes: Vec<String> = k
        .match_sizes
        .iter()
        .filter(|b| b.attacker_records > 0)
        .map(|b| format!("{}:{}", b.matches, group_digits(b.attacker_records)))
        .collect();
    let rows = [
        (l.tr("linked on", "gekoppeld op"), k.on.join(", ")),
        (
            l.tr("attacker records", "records aanvaller"),
            format!(
                "{} ({} {}, {} {})",
                group_digits(k.attacker_records),
                group_digits(k.matched_records),
                l.tr("matched", "met overeenkomst"),
                group_digits(k.attacker_records - k.matched_records),
                l.tr("not", "zonder")
            ),
        ),
        (
            l.tr("unique matches (L1)", "unieke overeenkomsten (L1)"),
            format!(
                "{} ({})",
                group_digits(k.unique_matches),
                pct(k.unique_match_rate)
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
                group_digits(k.group_links),
                pct(k.group_link_rate),
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
                fmt6(k.risk.value),
                fmt6(k.risk.ci[0]),
                fmt6(k.risk.ci[1]),
                l.tr("attack", "aanval"),
                fmt6(k.risk.attack_rate),
                l.tr("vs random guess", "tegen willekeurige gok"),
                fmt6(k.risk.baseline)
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
    let _ = writeln!(
        o,
        "{} {}: {} records",
        style.bold("kanon link"),
        r.release.path,
        group_digits(r.release.rows)
    );
    let lang = style.lang;
    if let (Some(a), Some(l)) = (&r.aux, &r.linkability) {
        let title = lang.tr("Attacker table", "Tabel van de aanvaller");
        render_linkability(&mut o, l, &format!("{title} {}", a.path), style);
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
                    group_digits(m.records_in_both),
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
                    group_digits(m.intersection_classes),
                    lang.tr("classes", "groepen"),
                    group_digits(m.intersection_uniques),
                    lang.tr("records alone", "records alleen")
                ),
            ),
        ];
        labelled(&mut o, &rows);
        let _ = writeln!(
            o,
            "  records below k = {:<9} {}; narrowed by composing: {}",
            m.reference_k,
            group_digits(m.records_below_k),
            group_digits(m.records_narrowed)
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
            let _ = writeln!(o, "  {} {w}", style.warn("!"));
        }
    }
    render_targets(&mut o, &r.targets, style);
    o
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
        pct(s.suppression_limit),
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
                    vec![
                        name.as_str().into(),
                        format!(
                            "{} {level} {} {}",
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
                group_digits(s.suppressed.unwrap_or(0)),
                group_digits(res.map_or(0, |r| r.input.records)),
                group_digits(res.map_or(0, |r| r.classes.count)),
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
            if let Some(u) = &s.utility {
                let metric = serde_json::to_value(s.metric)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = match l {
                    Lang::En => writeln!(
                        o,
                        "  utility       loss {:.4}   precision {:.4}   discernibility {}   AECS {:.2}   non-uniform entropy {:.1}   (minimised: {metric})",
                        u.loss, u.precision, u.discernibility, u.aecs, u.non_uniform_entropy
                    ),
                    Lang::Nl => writeln!(
                        o,
                        "  bruikbaarheid verlies {:.4}   precisie {:.4}   discernibility {}   AECS {:.2}   niet-uniforme entropie {:.1}   (geminimaliseerd: {metric})",
                        u.loss, u.precision, u.discernibility, u.aecs, u.non_uniform_entropy
                    ),
                };
            }
            let _ = writeln!(o, "{}", search_line(r, seconds, l));
            for a in &s.alternatives {
                let levels: Vec<String> =
                    a.levels.iter().map(|(n, l)| format!("{n}={l}")).collect();
                let _ = writeln!(
                    o,
                    "  {}   {}   {} {}   {} {:.4}   score {:.4}",
                    l.tr("alternative", "alternatief"),
                    levels.join(" "),
                    l.tr("suppressed", "onderdrukt"),
                    group_digits(a.suppressed),
                    l.tr("loss", "verlies"),
                    a.loss,
                    a.score
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
            let size = lattice_size(s.lattice);
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
            "\n{} (N = {}, π = {:.4}, {} {})",
            style.bold(l.tr("Population uniqueness", "Uniciteit in de populatie")),
            group_digits(p.size.round() as u64),
            p.sampling_fraction,
            l.tr("from", "uit"),
            p.source.replace('_', " ")
        );
        let no_estimate = l.tr("no valid estimate", "geen geldige schatting");
        let est = |name: &str, e: &crate::report::EstimateInfo| match (e.count, e.share) {
            (Some(c), Some(s)) => format!("{name} {:.1} ({})", c, pct(s)),
            _ => format!(
                "{name} {} ({})",
                l.tr("none", "geen"),
                e.reason.as_deref().unwrap_or(no_estimate)
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
                    "{c:.1} {} ({})",
                    l.tr("population uniques", "unieken in de populatie"),
                    pct(s)
                ),
                _ => no_estimate.to_string(),
            },
            p.dankar.reason
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
            i.basis.replace('_', " ")
        );
        let _ = writeln!(
            o,
            "  {} {:.2}   {} {:.6}   {} {:.4}   {} {}: {}",
            l.tr("expected re-identifications", "verwachte heridentificaties"),
            i.expected_reidentifications,
            l.tr("global", "globaal"),
            i.global,
            l.tr("highest", "hoogste"),
            i.highest,
            l.tr("records above", "records boven"),
            fmt6(r.risk.threshold),
            group_digits(i.records_above_threshold)
        );
    }
}

/// SUDA2 special uniques.
fn render_suda(o: &mut String, r: &Report, style: Style) {
    if let Some(s) = &r.suda {
        let _ = writeln!(
            o,
            "\n{} (M = {}, MSUs up to {} attributes, Elliot scores, DIS fraction {})",
            style.bold("Special uniques (SUDA2)"),
            s.keys,
            s.max_msu_size,
            fmt6(s.dis_fraction)
        );
        let sizes: Vec<String> = s
            .msus_by_size
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, n)| format!("{}:{}", i + 1, group_digits(*n)))
            .collect();
        let _ =
            writeln!(
            o,
            "  records with an MSU {}   MSUs {} (by size {})   max score {}   max DIS-SUDA {:.6}",
            group_digits(s.records_with_msu),
            group_digits(s.msus),
            if sizes.is_empty() { "-".to_string() } else { sizes.join(" ") },
            fmt6(s.max_score),
            s.max_dis_score
        );
        let mut vars: Vec<&crate::report::SudaVariable> = s.variables.iter().collect();
        vars.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        let list: Vec<String> = vars
            .iter()
            .map(|v| {
                format!(
                    "{} {} ({} of MSUs)",
                    v.name,
                    pct(v.contribution),
                    pct(v.msu_share)
                )
            })
            .collect();
        let _ = writeln!(o, "  contribution  {}", list.join(", "));
    }
}

/// The QI-subset sweep.
fn render_subsets(o: &mut String, r: &Report, style: Style) {
    if let Some(subsets) = &r.subsets {
        let minimal: Vec<String> = subsets
            .iter()
            .filter(|s| s.minimal)
            .map(|s| {
                format!(
                    "{{{}}} ({} uniques)",
                    s.attributes.join(", "),
                    group_digits(s.sample_uniques)
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
            "\n{} (all subsets of up to {largest} QIs: {})",
            style.bold("QI subsets"),
            subsets.len()
        );
        if minimal.is_empty() {
            let _ = writeln!(o, "  no subset of up to {largest} QIs singles anyone out");
        } else {
            let shown: Vec<String> = minimal.iter().take(12).cloned().collect();
            let _ = writeln!(
                o,
                "  smallest subsets that single people out: {}{}",
                shown.join("; "),
                if minimal.len() > shown.len() {
                    format!(
                        "; … {} more (--json lists all)",
                        minimal.len() - shown.len()
                    )
                } else {
                    String::new()
                }
            );
        }
    }
}

/// Person-level k.
fn render_person_level(o: &mut String, r: &Report, style: Style) {
    if let Some(p) = &r.person_level {
        let _ = writeln!(o, "\n{} ('{}')", style.bold("Person-level k"), p.column);
        let _ = writeln!(
            o,
            "  k in distinct persons {}   largest share of one person in a class {}   classes with repeated persons {}",
            p.k,
            pct(p.max_person_share),
            group_digits(p.classes_with_repeated_persons)
        );
    }
}

/// One line per inference measure of a sensitive attribute.
fn inference_rows(i: &crate::report::InferenceInfo, lang: Lang) -> [(&'static str, String); 7] {
    let t = |en, nl| lang.tr(en, nl);
    let l = &i.l_diversity;
    [
        (
            "l-diversity",
            format!(
                "{} {}   {} {:.4}   {} ({}, l) {}",
                t("distinct", "verschillend"),
                l.distinct,
                t("entropy", "entropie"),
                l.entropy,
                t("recursive", "recursief"),
                fmt6(l.recursive.c),
                l.recursive.l
            ),
        ),
        (
            "t-closeness",
            format!(
                "{:.4} ({} {})",
                i.t_closeness.value,
                distance_name(i.t_closeness.distance),
                t("distance", "afstand")
            ),
        ),
        (
            "δ-disclosure",
            format!(
                "{} {}   {} {:.4}",
                t("strict", "strikt"),
                i.delta_disclosure
                    .strict
                    .map_or("inf".to_string(), |d| format!("{d:.4}")),
                t("present values", "aanwezige waarden"),
                i.delta_disclosure.present_values
            ),
        ),
        (
            "β-likeness",
            format!(
                "{} {:.4}   {} {}",
                t("basic", "basis"),
                i.beta_likeness.basic,
                t("enhanced", "verbeterd"),
                i.beta_likeness.enhanced.map_or(
                    format!(
                        "{} ({} {})",
                        t("none", "geen"),
                        group_digits(i.beta_likeness.enhanced_violating_classes),
                        t("classes exceed −ln p", "groepen boven −ln p")
                    ),
                    |b| format!("{b:.4}")
                )
            ),
        ),
        (
            "(α,k)",
            format!("α {:.4}   k {}", i.alpha_k.alpha, i.alpha_k.k),
        ),
        (
            t("homogeneous", "homogeen"),
            format!(
                "{} records ({}) {} {} {}; {} ({}) {} {}",
                group_digits(i.homogeneous_records.count),
                pct(i.homogeneous_records.share),
                t("in", "in"),
                group_digits(i.homogeneous_records.classes),
                t("classes with one value", "groepen met één waarde"),
                group_digits(i.homogeneous_records.above_threshold_count),
                pct(i.homogeneous_records.above_threshold_share),
                t("with a value ≥", "met een waarde ≥"),
                pct(i.homogeneous_records.threshold)
            ),
        ),
        (
            t("attribution", "toeschrijving"),
            format!(
                "{} {:.4}   {} {}   {} {}   {} {}",
                t("mean CAP", "gem. CAP"),
                i.attribution.mean_cap,
                t("hit rate", "trefkans"),
                pct(i.attribution.hit_rate),
                t("baseline", "basislijn"),
                pct(i.attribution.baseline),
                t("risk", "risico"),
                i.attribution
                    .risk
                    .map_or("n/a".to_string(), |r| format!("{r:.4}"))
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
            format!(
                ", {} {}",
                group_digits(i.missing),
                l.tr("missing", "ontbrekend")
            )
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
            pct(p.min_relative_range),
            l.tr("and IQR", "en IQR"),
            pct(p.min_relative_iqr),
            l.tr("of the table's range", "van de spreiding in de tabel"),
            group_digits(p.records_in_narrow_classes),
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
                pct(w.top_share)
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

fn distance_name(d: crate::measure::closeness::Distance) -> &'static str {
    use crate::measure::closeness::Distance;
    match d {
        Distance::Equal => "equal",
        Distance::Ordered => "ordered",
        Distance::Hierarchical => "hierarchical",
    }
}

/// The column profile as a table for people; values are never shown.
pub fn render_profile(p: &crate::report::Profile) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "kanon profile {}: {} rows, {} columns",
        p.input,
        p.rows,
        p.columns.len()
    );
    let rows = p
        .columns
        .iter()
        .map(|c| {
            let role = serde_json::to_value(c.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            vec![
                c.name.as_str().into(),
                c.distinct.to_string().into(),
                format!("{:.4}", c.uniqueness).into(),
                format!("{:.2}", c.entropy_bits).into(),
                format!("{:.1}%", c.missing_share * 100.0).into(),
                role.into(),
                c.reason.as_str().into(),
            ]
        })
        .collect();
    let (l, r) = (Align::Left, Align::Right);
    grid(
        &mut o,
        Some(&[
            "column",
            "distinct",
            "uniqueness",
            "entropy",
            "missing",
            "role",
            "reason",
        ]),
        rows,
        &[l, r, r, r, r, l, l],
        Style::PLAIN,
    );
    if p.columns
        .iter()
        .any(|c| c.role == crate::measure::profile::Role::Pseudonym)
    {
        let _ = writeln!(
            o,
            "  ! pseudonymised or hashed columns: pseudonymised data is not anonymous (WP216 §4)"
        );
    }
    if p.columns
        .iter()
        .any(|c| c.role == crate::measure::profile::Role::DirectIdentifier)
    {
        let _ = writeln!(o, "  ! direct identifiers: remove them before any release");
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
            format!("best found, within {:.1} % of the lower bound", gap * 100.0)
        }
        (false, Some(gap), Lang::Nl) => {
            format!(
                "beste gevonden, binnen {:.1} % van de ondergrens",
                gap * 100.0
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
    let (checked, size) = (group_digits(s.nodes_checked), lattice_size(s.lattice));
    match l {
        Lang::En => format!(
            "  {checked} of {size} lattice nodes checked ({} search), {verdict}{stopped} ({seconds:.2} s)",
            s.strategy.name()
        ),
        Lang::Nl => format!(
            "  {checked} van {size} knopen van het rooster bekeken ({} zoektocht), {verdict}{stopped} ({seconds:.2} s)",
            s.strategy.name()
        ),
    }
}

/// A lattice size: digits grouped up to 10¹⁵, then in scientific notation.
fn lattice_size(n: u128) -> String {
    if n < 1_000_000_000_000_000 {
        group_digits(n as u64)
    } else if n == u128::MAX {
        "more than 10^38".to_string()
    } else {
        format!("{:.2e}", n as f64)
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
