//! The auditor's report: one Markdown or self-contained HTML file.
//!
//! The content is built once as a list of [`Block`]s and rendered to either
//! format, so the two never disagree. The HTML loads nothing (a
//! Content-Security-Policy forbids it), carries no script, and draws its
//! charts as inline SVG; Markdown shows the charts' data as tables.
//! Values of small classes never appear: the report holds aggregates only.

use std::fmt::Write;

use super::labels::{figure, value, Unit};
use super::lang::Lang;
use super::text::group_digits;
use crate::gate::wp216::Verdict;
use crate::report::Judgement as Criterion;
use crate::report::Report;

/// What the report says about how it was made.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub lang: Lang,
    /// The command line, as given.
    pub command: String,
    /// Every parameter of the analysis: (name, value).
    pub parameters: Vec<(String, String)>,
    /// Why the analysis was made (`--purpose` or the policy's).
    pub purpose: Option<String>,
    /// The day of the report, YYYY-MM-DD.
    pub date: String,
}

/// A piece of the report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    /// A header row and data rows.
    Table(Vec<String>, Vec<Vec<String>>),
    List(Vec<String>),
    /// The three WP216 verdicts, each a box kept whole.
    Verdicts(Vec<VerdictBox>),
    /// Footnotes to the block before: definitions, each starting with its
    /// mark (¹, ², …), in small type.
    Notes(Vec<String>),
    Chart(Chart),
}

/// A bar chart, drawn by [`super::chart`] into SVG (HTML) and PDF alike.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    /// Values are percentages (0–100): ticks and labels carry `%`.
    pub percent: bool,
    /// (label, value) bars, left to right.
    pub bars: Vec<(String, f64)>,
    /// The decimal mark of tick and value labels.
    pub lang: Lang,
}

/// One verdict as shown: every word already in the report's language.
#[derive(Debug, Clone)]
pub struct VerdictBox {
    /// A stable HTML id: `singling-out`, `linkability`, `inference`.
    pub id: &'static str,
    pub name: String,
    pub word: String,
    /// `pass`, `at-risk`, `fail` or `not-assessed` (colour and CSS class).
    pub class: &'static str,
    pub reason: String,
    /// The figures the verdict rests on, in words.
    pub evidence: String,
}

/// The report formats, chosen by the file's extension in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Html,
    Markdown,
    Pdf,
}

impl DocFormat {
    /// `.html`/`.htm`, `.md`/`.markdown` or `.pdf`; anything else is an
    /// error rather than a silent HTML file under a misleading name.
    pub fn from_path(path: &str) -> crate::error::Result<DocFormat> {
        let ext = std::path::Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("html" | "htm") => Ok(DocFormat::Html),
            Some("md" | "markdown") => Ok(DocFormat::Markdown),
            Some("pdf") => Ok(DocFormat::Pdf),
            other => Err(crate::error::Error::usage(format!(
                "--report {path}: the report's format is taken from its extension, which must be .html (or .htm), .md (or .markdown) or .pdf{}",
                other.map_or(" (the path has none)".to_string(), |e| format!(", not .{e}"))
            ))),
        }
    }
}

/// The report in `format`, as the bytes of the file. An error is a fault
/// of the renderer (said in words), never of the data.
pub fn render(format: DocFormat, r: &Report, meta: &Meta) -> std::result::Result<Vec<u8>, String> {
    let blocks = blocks(r, meta);
    let l = meta.lang;
    Ok(match format {
        DocFormat::Markdown => markdown(&blocks, l).into_bytes(),
        DocFormat::Html => html(&blocks, l, &title(r, l))?.into_bytes(),
        DocFormat::Pdf => {
            let footer = format!("{} · kanon {}", title(r, l), r.kanon_version);
            super::pdf::render(&blocks, &title(r, l), &footer, |page, pages| {
                format!(
                    "{} {page} {} {pages}",
                    l.tr("page", "pagina"),
                    l.tr("of", "van")
                )
            })?
        }
    })
}

fn title(r: &Report, lang: Lang) -> String {
    format!(
        "{} {}",
        lang.tr("kanon report:", "kanon-rapport:"),
        r.input.path
    )
}

/// A share or probability in percent (at most four significant digits).
fn pct(lang: Lang, x: f64) -> String {
    value(lang, Unit::Share, x)
}

/// Any other figure, at most four significant digits.
fn num(lang: Lang, x: f64) -> String {
    value(lang, Unit::Number, x)
}

fn count(lang: Lang, n: u64) -> String {
    lang.num(group_digits(n))
}

/// A count with its share: `3,187 (10.57%)`.
fn count_pct(lang: Lang, n: u64, share: f64) -> String {
    format!("{} ({})", count(lang, n), pct(lang, share))
}

fn verdict_word(lang: Lang, v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => lang.tr("pass", "voldoet"),
        Verdict::AtRisk => lang.tr("at risk", "restrisico"),
        Verdict::Fail => lang.tr("fail", "voldoet niet"),
        Verdict::NotAssessed => lang.tr("not assessed", "niet beoordeeld"),
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::AtRisk => "at-risk",
        Verdict::Fail => "fail",
        Verdict::NotAssessed => "not-assessed",
    }
}

/// The wording of docs/wp216.md for each verdict level.
fn verdict_sentence(lang: Lang, name: &str, c: &Criterion) -> String {
    match (lang, c.verdict) {
        (Lang::En, Verdict::Pass) => format!(
            "For {name}, the measured values meet the {}. This is a statement about this table under the stated assumptions, not a finding that the data are anonymous.",
            if c.default_rule { "default rule of kanon (no target was configured)" } else { "configured target" }
        ),
        (Lang::Nl, Verdict::Pass) => format!(
            "Voor {name} voldoen de gemeten waarden aan {}. Dit is een uitspraak over deze tabel onder de genoemde aannames, geen vaststelling dat de gegevens anoniem zijn.",
            if c.default_rule { "de standaardregel van kanon (er is geen norm ingesteld)" } else { "de ingestelde norm" }
        ),
        (Lang::En, Verdict::AtRisk) => format!(
            "For {name} a residual risk remains. Assess it in context."
        ),
        (Lang::Nl, Verdict::AtRisk) => format!(
            "Voor {name} blijft een restrisico. Beoordeel dit in de context."
        ),
        (Lang::En, Verdict::Fail) => format!(
            "The {} for {name} is not met. The table should not be released in this form.",
            if c.default_rule { "default rule" } else { "target" }
        ),
        (Lang::Nl, Verdict::Fail) => format!(
            "De {} voor {name} wordt niet gehaald. De tabel zou in deze vorm niet vrijgegeven moeten worden.",
            if c.default_rule { "standaardregel" } else { "norm" }
        ),
        (Lang::En, Verdict::NotAssessed) => format!("{name} was not assessed."),
        (Lang::Nl, Verdict::NotAssessed) => format!("{name} is niet beoordeeld."),
    }
}

/// Class sizes in buckets: (label, lower, upper inclusive).
const SIZE_BUCKETS: [(&str, u64, u64); 8] = [
    ("1", 1, 1),
    ("2", 2, 2),
    ("3–4", 3, 4),
    ("5–9", 5, 9),
    ("10–19", 10, 19),
    ("20–49", 20, 49),
    ("50–99", 50, 99),
    ("≥ 100", 100, u64::MAX),
];

/// Records in classes of size lo..=hi, from the class-size histogram.
fn records_in_sizes(r: &Report, lo: u64, hi: u64) -> u64 {
    r.classes
        .histogram
        .iter()
        .filter(|[s, _]| (lo..=hi).contains(s))
        .map(|[s, n]| s * n)
        .sum()
}

/// Records in classes of each size bucket.
fn class_size_bars(r: &Report) -> Vec<(String, f64)> {
    SIZE_BUCKETS
        .iter()
        .map(|&(label, lo, hi)| {
            let records = records_in_sizes(r, lo, hi);
            (label.to_string(), records as f64)
        })
        .collect()
}

/// Records by prosecutor risk 1/f, in percent of all records, in bands
/// split at the risk threshold t by the very test that counts a record "at
/// risk" (risk > t, `measure::tolerance::above`), so text, JSON and chart
/// count the same records: 100%, (t, 100%), (t/2, t] and the rest. A
/// band's lower edge is exclusive, shown as "> 20%".
fn risk_bars(r: &Report, l: Lang) -> Vec<(String, f64)> {
    use crate::measure::tolerance::above;
    let n = r.input.records.max(1) as f64;
    let t = r.risk.threshold;
    let p = super::labels::percent;
    let labels = [
        "100%".to_string(),
        format!("> {} – < 100%", p(t)),
        format!("> {} – {}", p(t / 2.0), p(t)),
        format!("≤ {}", p(t / 2.0)),
    ];
    let mut records = [0u64; 4];
    for &[size, classes] in &r.classes.histogram {
        let risk = 1.0 / size.max(1) as f64;
        let band = if size <= 1 {
            0
        } else if above(risk, t) {
            1
        } else if above(risk, t / 2.0) {
            2
        } else {
            3
        };
        records[band] += size * classes;
    }
    // Bands that cannot hold a record at this threshold are left out.
    let possible = [true, t < 1.0, t > 0.0, t > 0.0];
    labels
        .into_iter()
        .zip(records)
        .zip(possible)
        .filter(|(_, possible)| *possible)
        .map(|((label, k), _)| (l.num(label), 100.0 * k as f64 / n))
        .collect()
}

/// The report's content.
pub fn blocks(r: &Report, meta: &Meta) -> Vec<Block> {
    let l = meta.lang;
    let mut b = vec![
        Block::Heading(1, title(r, l)),
        Block::Para(
            l.tr(
                "This report measures how re-identifiable one table is under the stated assumptions, along the three criteria of the Article 29 Working Party's Opinion 05/2014 on anonymisation techniques (WP216). It is not a legal finding that the data are anonymous.",
                "Dit rapport meet hoe herleidbaar één tabel is onder de genoemde aannames, langs de drie criteria van Advies 05/2014 over anonimiseringstechnieken van de Artikel 29-werkgroep (WP216). Het is geen juridische vaststelling dat de gegevens anoniem zijn.",
            )
            .into(),
        ),
    ];
    header(&mut b, r, meta, None);
    body(&mut b, r, l);
    methods(&mut b, l);
    reproducibility(&mut b, r, meta);
    b
}

/// What the release report shows beside the analysis of the release.
pub struct Release<'a> {
    /// The analysis of the input before the transformation.
    pub original: &'a Report,
    /// The transformation found and applied.
    pub search: &'a crate::report::SearchInfo,
    /// Where the release was written.
    pub out: &'a str,
    /// Suppressed records were left out (rather than kept with `*`).
    pub removed: bool,
}

/// The release report of `anonymise --report`: the transformation, the
/// suppression, the information loss and the original beside the
/// release, then the analysis of the release itself.
pub fn render_release(
    format: DocFormat,
    release: Option<&Report>,
    rel: &Release,
    meta: &Meta,
) -> std::result::Result<Vec<u8>, String> {
    let l = meta.lang;
    let title = format!(
        "{} {} → {}",
        l.tr("kanon release report:", "kanon-vrijgaverapport:"),
        rel.original.input.path,
        match release {
            Some(_) => rel.out.to_string(),
            None => l.tr("nothing released", "niets vrijgegeven").to_string(),
        }
    );
    let mut b = vec![
        Block::Heading(1, title.clone()),
        Block::Para(l.tr(
            "This report describes how one table was transformed for release and measures how re-identifiable the release is under the stated assumptions, along the three criteria of the Article 29 Working Party's Opinion 05/2014 on anonymisation techniques (WP216). It is not a legal finding that the data are anonymous.",
            "Dit rapport beschrijft hoe één tabel voor vrijgave is bewerkt en meet hoe herleidbaar de vrijgegeven tabel is onder de genoemde aannames, langs de drie criteria van Advies 05/2014 over anonimiseringstechnieken van de Artikel 29-werkgroep (WP216). Het is geen juridische vaststelling dat de gegevens anoniem zijn.",
        ).into()),
    ];
    header(&mut b, rel.original, meta, release.map(|_| rel.out));
    if release.is_none() {
        no_release(&mut b, rel, l);
    }
    transformation(&mut b, rel, l);
    suppression(&mut b, rel, l);
    information_loss(&mut b, rel.search, l);
    let analysed = match release {
        Some(release) => {
            before_and_after(&mut b, rel.original, release, l);
            (
                release,
                l.tr(
                    "The release, analysed",
                    "De vrijgegeven tabel, geanalyseerd",
                ),
            )
        }
        None => (
            rel.original,
            l.tr("The original, analysed", "Het origineel, geanalyseerd"),
        ),
    };
    b.push(Block::Heading(2, analysed.1.into()));
    body(&mut b, analysed.0, l);
    methods(&mut b, l);
    reproducibility(&mut b, rel.original, meta);
    Ok(match format {
        DocFormat::Markdown => markdown(&b, l).into_bytes(),
        DocFormat::Html => html(&b, l, &title)?.into_bytes(),
        DocFormat::Pdf => {
            let footer = format!("{title} · kanon {}", rel.original.kanon_version);
            super::pdf::render(&b, &title, &footer, |page, pages| {
                format!(
                    "{} {page} {} {pages}",
                    l.tr("page", "pagina"),
                    l.tr("of", "van")
                )
            })?
        }
    })
}

/// Why nothing was released: no transformation searched meets the
/// targets within the suppression limit; and whether a better search
/// could still find one.
fn no_release(b: &mut Vec<Block>, rel: &Release, l: Lang) {
    use crate::anonymise::strategy::Stopped;
    let s = rel.search;
    let searched = match l {
        Lang::En => format!(
            "No transformation meets the targets with at most {} of the records suppressed: nothing was written to {}. {} of {} transformations were checked; {}.",
            pct(l, s.suppression_limit),
            rel.out,
            count(l, s.nodes_checked),
            lattice_words(l, s.lattice),
            stopped_words(l, s.stopped)
        ),
        Lang::Nl => format!(
            "Geen transformatie haalt de normen met hoogstens {} van de records onderdrukt: er is niets naar {} geschreven. {} van {} transformaties zijn bekeken; {}.",
            pct(l, s.suppression_limit),
            rel.out,
            count(l, s.nodes_checked),
            lattice_words(l, s.lattice),
            stopped_words(l, s.stopped)
        ),
    };
    let next = if s.stopped == Stopped::Exhausted && s.optimal {
        l.tr(
            "The search covered every transformation of these hierarchies, so none exists: allow more suppression, give hierarchies with more levels, or lower the targets.",
            "De zoektocht besloeg elke transformatie van deze hiërarchieën, dus er is er geen: sta meer onderdrukking toe, geef hiërarchieën met meer niveaus, of verlaag de normen.",
        )
    } else {
        l.tr(
            "The search did not cover every transformation, so one may still exist: give more time (--time-limit) or the exact strategy, allow more suppression, or lower the targets.",
            "De zoektocht besloeg niet elke transformatie, dus er kan er nog een bestaan: geef meer tijd (--time-limit) of de exacte strategie, sta meer onderdrukking toe, of verlaag de normen.",
        )
    };
    b.push(Block::Verdicts(vec![VerdictBox {
        id: "no-release",
        name: l.tr("Release", "Vrijgave").into(),
        word: l.tr("nothing released", "niets vrijgegeven").into(),
        class: "fail",
        reason: searched,
        evidence: next.into(),
    }]));
}

/// A lattice size in words: grouped digits, or scientific notation.
fn lattice_words(l: Lang, n: u128) -> String {
    match u64::try_from(n) {
        Ok(n) if n < 1_000_000_000_000_000 => count(l, n),
        _ => l.num(format!("{:.2e}", n as f64)),
    }
}

/// One row per QI: the level chosen, the hierarchy, an example only with
/// `--show-values`.
fn transformation(b: &mut Vec<Block>, rel: &Release, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr("Transformation", "Transformatie").into(),
    ));
    let s = rel.search;
    let Some(levels) = &s.levels else {
        b.push(Block::Para(
            l.tr(
                "No transformation meets the targets: nothing was released.",
                "Geen transformatie haalt de normen: er is niets vrijgegeven.",
            )
            .into(),
        ));
        return;
    };
    if let Some(local) = &s.local {
        let global = local.global.as_ref().map(|g| g.cells_kept);
        b.push(Block::Para(match l {
            Lang::En => format!(
                "Local recoding: each released class has its own levels, at most those below. \
                 {} of the quasi-identifier cells are released unchanged{}.",
                pct(l, local.cells_kept),
                global
                    .map(|g| format!(" (the best global recoding: {})", pct(l, g)))
                    .unwrap_or_default()
            ),
            Lang::Nl => format!(
                "Lokale hercodering: elke vrijgegeven groep heeft eigen niveaus, hoogstens die \
                 hieronder. {} van de cellen van quasi-identificatoren is ongewijzigd vrijgegeven{}.",
                pct(l, local.cells_kept),
                global
                    .map(|g| format!(" (de beste globale hercodering: {})", pct(l, g)))
                    .unwrap_or_default()
            ),
        }));
    }
    let rows = levels
        .iter()
        .map(|(name, level)| {
            let example = s
                .example(name)
                .unwrap_or_else(|| l.tr("(with --show-values)", "(met --show-values)").into());
            // Under local recoding: the lowest level used, up to the highest.
            let low = (s.lowest_level(name))
                .map(|low| format!("{low}–"))
                .unwrap_or_default();
            vec![
                name.clone(),
                format!(
                    "{low}{level} {} {}",
                    l.tr("of", "van"),
                    s.heights.get(name).copied().unwrap_or_default()
                ),
                s.hierarchies.get(name).cloned().unwrap_or_default(),
                example,
            ]
        })
        .collect();
    b.push(Block::Table(
        vec![
            l.tr("quasi-identifier", "quasi-identificator").into(),
            l.tr("level", "niveau").into(),
            l.tr("hierarchy", "hiërarchie").into(),
            l.tr("example", "voorbeeld").into(),
        ],
        rows,
    ));
}

/// Records suppressed and the QI cells that went with them.
fn suppression(b: &mut Vec<Block>, rel: &Release, l: Lang) {
    let Some(records) = rel.search.suppressed else {
        return;
    };
    b.push(Block::Heading(
        2,
        l.tr("Suppression", "Onderdrukking").into(),
    ));
    let n = rel.original.input.records.max(1);
    let qis = rel.original.quasi_identifiers.len() as u64;
    b.push(Block::Table(
        vec![
            l.tr("figure", "kengetal").into(),
            l.tr("value", "waarde").into(),
        ],
        vec![
            vec![
                l.tr("records suppressed", "onderdrukte records").into(),
                count_pct(l, records, records as f64 / n as f64),
            ],
            vec![
                l.tr(
                    "quasi-identifier cells suppressed",
                    "onderdrukte cellen van quasi-identificatoren",
                )
                .into(),
                count_pct(l, records * qis, records as f64 / n as f64),
            ],
            vec![
                l.tr("limit", "grens").into(),
                pct(l, rel.search.suppression_limit),
            ],
            vec![
                l.tr(
                    "suppressed records in the release",
                    "onderdrukte records in de vrijgave",
                )
                .into(),
                if rel.removed {
                    l.tr("left out", "weggelaten").into()
                } else {
                    l.tr(
                        "kept, every quasi-identifier set to *",
                        "behouden, elke quasi-identificator op *",
                    )
                    .into()
                },
            ],
        ],
    ));
}

/// The metric the search minimised and every utility figure of the
/// result, with how far the search went.
fn information_loss(b: &mut Vec<Block>, s: &crate::report::SearchInfo, l: Lang) {
    use crate::choice::Choice;
    b.push(Block::Heading(
        2,
        l.tr("Information loss", "Informatieverlies").into(),
    ));
    let minimised = match s
        .utility
        .and_then(|u| super::labels::unlisted_score(&u, s.metric))
    {
        Some(v) => format!("{}: {}", super::labels::metric(l, s.metric), num(l, v)),
        None => super::labels::metric(l, s.metric),
    };
    let mut rows = vec![vec![
        l.tr("metric minimised", "geminimaliseerde maat").into(),
        minimised,
    ]];
    if let Some(u) = &s.utility {
        rows.extend([
            vec![
                l.tr("loss (0 = none, 1 = all)", "verlies (0 = geen, 1 = alles)")
                    .into(),
                num(l, u.loss),
            ],
            vec![
                l.tr("precision loss", "precisieverlies").into(),
                num(l, u.precision),
            ],
            vec![
                l.tr("discernibility", "onderscheidbaarheid").into(),
                num(l, u.discernibility),
            ],
            vec![
                l.tr(
                    "average class size (AECS)",
                    "gemiddelde groepsgrootte (AECS)",
                )
                .into(),
                num(l, u.aecs),
            ],
            vec![
                l.tr("non-uniform entropy", "niet-uniforme entropie").into(),
                num(l, u.non_uniform_entropy),
            ],
        ]);
    }
    rows.push(vec![
        l.tr("search", "zoektocht").into(),
        format!(
            "{} ({}), {} {}; {}",
            s.strategy.name(),
            if s.optimal {
                l.tr("proven optimal", "bewezen optimaal")
            } else {
                l.tr("not proven optimal", "niet bewezen optimaal")
            },
            count(l, s.nodes_checked),
            l.tr("transformations checked", "transformaties bekeken"),
            stopped_words(l, s.stopped)
        ),
    ]);
    if let Some(gap) = s.gap {
        rows.push(vec![
            l.tr("gap to the lower bound", "afstand tot de ondergrens")
                .into(),
            pct(l, gap),
        ]);
    }
    b.push(Block::Table(
        vec![
            l.tr("figure", "kengetal").into(),
            l.tr("value", "waarde").into(),
        ],
        rows,
    ));
}

fn stopped_words(l: Lang, s: crate::anonymise::strategy::Stopped) -> &'static str {
    use crate::anonymise::strategy::Stopped;
    match s {
        Stopped::Exhausted => l.tr(
            "every transformation accounted for",
            "elke transformatie betrokken",
        ),
        Stopped::TimeLimit => l.tr("stopped by the time limit", "gestopt door de tijdslimiet"),
        Stopped::Converged => l.tr("no better move found", "geen betere stap gevonden"),
    }
}

/// The original and the release side by side.
fn before_and_after(b: &mut Vec<Block>, before: &Report, after: &Report, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr("Before and after", "Voor en na").into(),
    ));
    let row =
        |name: &str, f: &dyn Fn(&Report) -> String| vec![name.to_string(), f(before), f(after)];
    let verdict = |r: &Report, pick: fn(&crate::report::Wp216) -> &Criterion| {
        r.wp216.as_ref().map_or("—".to_string(), |w| {
            verdict_word(l, pick(w).verdict).to_string()
        })
    };
    let names = criterion_names(l);
    let mut rows = vec![
        row(l.tr("records", "records"), &|r| count(l, r.input.records)),
        row(
            l.tr("equivalence classes", "equivalentieklassen (groepen)"),
            &|r| count(l, r.classes.count),
        ),
        row(l.tr("k (smallest class)", "k (kleinste groep)"), &|r| {
            count(l, r.k_anonymity.k)
        }),
        row(
            l.tr("sample uniques", "unieke records in de steekproef"),
            &|r| count_pct(l, r.sample_uniques.count, r.sample_uniques.share),
        ),
        row(
            l.tr("highest prosecutor risk", "hoogste prosecutor-risico"),
            &|r| pct(l, r.risk.prosecutor.highest),
        ),
        row(
            l.tr("average prosecutor risk", "gemiddeld prosecutor-risico"),
            &|r| pct(l, r.risk.prosecutor.average),
        ),
        row(l.tr("records at risk", "records met risico"), &|r| {
            pct(l, r.risk.prosecutor.records_at_risk)
        }),
    ];
    if before.inference_worst_case.is_some() {
        let worst = |r: &Report, f: &dyn Fn(&crate::report::InferenceWorst) -> String| {
            r.inference_worst_case.as_ref().map_or("—".into(), f)
        };
        rows.push(row(
            l.tr("l-diversity (distinct)", "l-diversiteit (verschillend)"),
            &|r| worst(r, &|w| count(l, w.l_distinct)),
        ));
        rows.push(row("t-closeness", &|r| worst(r, &|w| num(l, w.t))));
    }
    rows.push(row(&names[0], &|r| verdict(r, |w| &w.singling_out)));
    rows.push(row(&names[1], &|r| verdict(r, |w| &w.linkability)));
    rows.push(row(&names[2], &|r| verdict(r, |w| &w.inference)));
    b.push(Block::Table(
        vec![
            l.tr("figure", "kengetal").into(),
            l.tr("original", "origineel").into(),
            l.tr("release", "vrijgave").into(),
        ],
        rows,
    ));
}

/// The analysis of one table, from the summary to the warnings.
fn body(b: &mut Vec<Block>, r: &Report, l: Lang) {
    summary(b, r, l);
    verdicts(b, r, l);
    singling_out(b, r, l);
    attributes(b, r, l);
    for (name, inf) in &r.inference {
        inference(b, name, inf, l);
    }
    population(b, r, l);
    if let Some(link) = &r.linkage {
        linkage(b, link, l);
    }
    targets(b, r, l);
    if let Some(base) = &r.baseline {
        b.push(Block::Heading(
            2,
            format!(
                "{} {}",
                l.tr("Since the baseline", "Sinds de basislijn"),
                base.path
            ),
        ));
        let rows: Vec<Vec<String>> = base
            .regressions
            .iter()
            .map(|c| (l.tr("worse", "slechter"), c))
            .chain(
                base.improvements
                    .iter()
                    .map(|c| (l.tr("better", "beter"), c)),
            )
            .map(|(w, c)| {
                let (words, unit) = figure(l, &c.figure);
                let shown = |v| super::labels::compared(l, unit, v);
                vec![words, shown(&c.previous), shown(&c.current), w.into()]
            })
            .collect();
        b.push(Block::Table(
            vec![
                l.tr("figure", "kengetal").into(),
                l.tr("baseline", "basislijn").into(),
                l.tr("now", "nu").into(),
                l.tr("change", "verandering").into(),
            ],
            rows,
        ));
        if !base.notes.is_empty() {
            let notes = base.notes.iter().map(|n| super::notice::say(l, n));
            b.push(Block::List(notes.collect()));
        }
    }
    if !r.warnings.is_empty() {
        b.push(Block::Heading(2, l.tr("Warnings", "Waarschuwingen").into()));
        b.push(Block::List(
            r.warnings
                .iter()
                .map(|w| super::notice::say(l, w))
                .collect(),
        ));
    }
}

/// What an auditor files first: purpose, date, tool, every input with its
/// size and SHA-256, the columns and the targets.
fn header(b: &mut Vec<Block>, r: &Report, meta: &Meta, released_as: Option<&str>) {
    let l = meta.lang;
    let mut rows = Vec::new();
    if let Some(p) = meta.purpose.as_ref().filter(|p| !p.trim().is_empty()) {
        rows.push(vec![l.tr("purpose", "doel").into(), p.clone()]);
    }
    rows.push(vec![l.tr("date", "datum").into(), meta.date.clone()]);
    rows.push(vec![
        l.tr("made with", "gemaakt met").into(),
        format!("kanon {}", r.kanon_version),
    ]);
    for f in &r.input.files {
        let path = if f.path == "-" {
            l.tr("standard input", "standaardinvoer").to_string()
        } else {
            f.path.clone()
        };
        rows.push(vec![
            l.tr("input", "invoer").into(),
            format!(
                "{path} ({} {}, {} {}; SHA-256 {})",
                count(l, f.size),
                l.tr("bytes", "bytes"),
                count(l, f.rows),
                l.tr("rows", "rijen"),
                f.sha256
            ),
        ]);
    }
    if let Some(out) = released_as {
        rows.push(vec![
            l.tr("released as", "vrijgegeven als").into(),
            out.into(),
        ]);
    }
    let qis: Vec<&str> = r
        .quasi_identifiers
        .iter()
        .map(|q| q.name.as_str())
        .collect();
    rows.push(vec![
        l.tr("quasi-identifiers", "quasi-identificatoren").into(),
        qis.join(", "),
    ]);
    if !r.sensitive_attributes.is_empty() {
        rows.push(vec![
            l.tr("sensitive attributes", "gevoelige attributen").into(),
            r.sensitive_attributes.join(", "),
        ]);
    }
    let targets: Vec<String> = r.targets.iter().map(|t| target_text(l, t)).collect();
    rows.push(vec![
        l.tr("targets", "normen").into(),
        if targets.is_empty() {
            l.tr(
                "none set (the verdicts use kanon's default rules)",
                "geen ingesteld (de oordelen volgen de standaardregels van kanon)",
            )
            .into()
        } else {
            targets.join("; ")
        },
    ]);
    b.push(Block::Table(
        vec![
            l.tr("about this report", "over dit rapport").into(),
            String::new(),
        ],
        rows,
    ));
}

/// A target as a person reads it: "k (smallest class) ≥ 5".
fn target_text(l: Lang, t: &crate::gate::targets::TargetCheck) -> String {
    let (words, unit) = figure(l, &t.name);
    format!(
        "{words} {} {}",
        super::labels::relation(&t.name),
        value(l, unit, t.limit)
    )
}

fn summary(b: &mut Vec<Block>, r: &Report, l: Lang) {
    b.push(Block::Heading(2, l.tr("Summary", "Samenvatting").into()));
    let mut rows = vec![vec![
        l.tr("records", "records").into(),
        format!(
            "{} ({} {})",
            count(l, r.input.records),
            l.tr("format", "formaat"),
            r.input.format
        ),
    ]];
    rows.extend([
        vec![
            format!(
                "{}¹",
                l.tr("equivalence classes", "equivalentieklassen (groepen)")
            ),
            count(l, r.classes.count),
        ],
        vec![
            format!("{}²", l.tr("k (smallest class)", "k (kleinste groep)")),
            count(l, r.k_anonymity.k),
        ],
        vec![
            format!(
                "{}³",
                l.tr("sample uniques", "unieke records in de steekproef")
            ),
            count_pct(l, r.sample_uniques.count, r.sample_uniques.share),
        ],
        vec![
            format!(
                "{}⁴",
                l.tr(
                    "highest / average prosecutor risk",
                    "hoogste / gemiddelde prosecutor-risico",
                )
            ),
            format!(
                "{} / {}",
                pct(l, r.risk.prosecutor.highest),
                pct(l, r.risk.prosecutor.average)
            ),
        ],
        vec![
            format!(
                "{} {}",
                l.tr("records at risk (risk >", "records met risico (risico >"),
                pct(l, r.risk.threshold)
            ) + ")⁵",
            pct(l, r.risk.prosecutor.records_at_risk),
        ],
    ]);
    b.push(Block::Table(
        vec![
            l.tr("figure", "kengetal").into(),
            l.tr("value", "waarde").into(),
        ],
        rows,
    ));
    b.push(Block::Notes(vec![
        l.tr(
            "¹ Equivalence class: the records that share one combination of values of the quasi-identifiers; an attacker who knows those values about a person finds the class, not yet the record.",
            "¹ Equivalentieklasse (groep): de records met dezelfde combinatie van waarden op de quasi-identificatoren; wie die waarden van iemand kent, vindt de groep, nog niet het record.",
        ).into(),
        l.tr(
            "² k: the size of the smallest class; the table is k-anonymous for this k (Sweeney 2002).",
            "² k: de grootte van de kleinste groep; de tabel is k-anoniem voor deze k (Sweeney 2002).",
        ).into(),
        l.tr(
            "³ Sample uniques: records alone in their class (size 1), singled out by their quasi-identifiers.",
            "³ Unieke records: records die alleen in hun groep zitten (grootte 1) en dus herleidbaar zijn op hun quasi-identificatoren.",
        ).into(),
        l.tr(
            "⁴ Prosecutor risk of a record: 1 / the size of its class, the chance that an attacker who knows the person is in the table picks the right record (El Emam & Dankar 2008).",
            "⁴ Prosecutor-risico van een record: 1 / de grootte van zijn groep, de kans dat een aanvaller die weet dat iemand in de tabel staat het juiste record kiest (El Emam & Dankar 2008).",
        ).into(),
        l.tr(
            "⁵ Records at risk: records whose prosecutor risk is above the risk threshold (--risk-threshold); a risk equal to it is not above it.",
            "⁵ Records met risico: records met een prosecutor-risico boven de risicodrempel (--risk-threshold); een risico gelijk aan de drempel valt er niet onder.",
        ).into(),
    ]));
}

fn criterion_names(l: Lang) -> [String; 3] {
    match l {
        Lang::En => [
            "Singling out (herleidbaarheid)".into(),
            "Linkability (koppelbaarheid)".into(),
            "Inference (deduceerbaarheid)".into(),
        ],
        Lang::Nl => [
            "Herleidbaarheid (singling out)".into(),
            "Koppelbaarheid (linkability)".into(),
            "Deduceerbaarheid (inference)".into(),
        ],
    }
}

fn verdicts(b: &mut Vec<Block>, r: &Report, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr("WP216 verdicts", "WP216-oordelen").into(),
    ));
    b.push(Block::Para(
        l.tr(
            "Each criterion is judged on its own; passing one says nothing about the others. WP216 sets no thresholds: where no target was configured, kanon's documented default rule is used and labelled as such.",
            "Elk criterium wordt afzonderlijk beoordeeld; voldoen aan het ene zegt niets over de andere. WP216 noemt geen drempelwaarden: waar geen norm is ingesteld, gebruikt kanon zijn gedocumenteerde standaardregel en vermeldt dat.",
        )
        .into(),
    ));
    let Some(w) = &r.wp216 else { return };
    let names = criterion_names(l);
    let list = [
        ("singling-out", &names[0], &w.singling_out),
        ("linkability", &names[1], &w.linkability),
        ("inference", &names[2], &w.inference),
    ];
    let sentences: Vec<String> = list
        .iter()
        .map(|(_, n, c)| verdict_sentence(l, &n.to_lowercase(), c))
        .collect();
    b.push(Block::Verdicts(
        list.iter()
            .map(|(id, name, c)| verdict_box(l, id, name, c))
            .collect(),
    ));
    b.push(Block::List(sentences));
    if list.iter().all(|(_, _, c)| c.verdict == Verdict::Pass) {
        b.push(Block::Para(l.tr(
            "For this table and the stated assumptions, no criterion exceeds the configured targets. Whether the data may be treated as anonymous depends on context outside this table and requires a separate assessment (WP216 §2.2.2).",
            "Voor deze tabel en de genoemde aannames overschrijdt geen enkel criterium de ingestelde normen. Of de gegevens als anoniem mogen gelden, hangt af van de context buiten deze tabel en vraagt om een afzonderlijke beoordeling (WP216 §2.2.2).",
        ).into()));
    }
}

fn singling_out(b: &mut Vec<Block>, r: &Report, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr(
            "Singling out: class sizes and risk",
            "Herleidbaarheid: groepsgrootte en risico",
        )
        .into(),
    ));
    b.push(Block::Chart(Chart {
        title: l
            .tr(
                "Records by the size of their class",
                "Records naar de grootte van hun groep",
            )
            .into(),
        x_title: l
            .tr("class size (records)", "groepsgrootte (records)")
            .into(),
        y_title: l.tr("records", "records").into(),
        percent: false,
        bars: class_size_bars(r),
        lang: l,
    }));
    b.push(Block::Chart(Chart {
        title: format!(
            "{} {})",
            l.tr(
                "Records by prosecutor risk (1 / class size; at risk: >",
                "Records naar prosecutor-risico (1 / groepsgrootte; met risico: >",
            ),
            l.num(super::labels::percent(r.risk.threshold))
        ),
        x_title: l.tr("prosecutor risk", "prosecutor-risico").into(),
        y_title: l.tr("share of records (%)", "aandeel records (%)").into(),
        percent: true,
        bars: risk_bars(r, l),
        lang: l,
    }));
    let k = &r.k_anonymity;
    let j = &r.risk.journalist;
    b.push(Block::Table(
        vec![
            l.tr("risk model", "risicomodel").into(),
            l.tr("highest", "hoogste").into(),
            l.tr("average", "gemiddeld").into(),
            l.tr("records at risk", "records met risico").into(),
        ],
        vec![
            vec![
                "prosecutor".into(),
                pct(l, r.risk.prosecutor.highest),
                pct(l, r.risk.prosecutor.average),
                pct(l, r.risk.prosecutor.records_at_risk),
            ],
            vec![
                "journalist".into(),
                pct(l, j.highest),
                pct(l, j.average),
                pct(l, j.records_at_risk),
            ],
            vec![
                "marketer".into(),
                String::new(),
                pct(l, r.risk.marketer),
                String::new(),
            ],
        ],
    ));
    b.push(Block::Para(format!(
        "{} {}: {} ({}). {} {}.",
        l.tr(
            "Records in classes smaller than",
            "Records in groepen kleiner dan"
        ),
        k.reference_k,
        count(l, k.records_below_k),
        pct(l, k.share_below_k),
        l.tr(
            "Journalist and marketer basis:",
            "Basis voor journalist en marketer:"
        ),
        super::notice::journalist_basis(l, &j.basis)
    )));
}

fn attributes(b: &mut Vec<Block>, r: &Report, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr("Attribute contribution", "Bijdrage per attribuut")
            .into(),
    ));
    let Some(attributes) = &r.attributes else {
        b.push(Block::Para(
            l.tr(
                "Not computed (--no-contribution).",
                "Niet berekend (--no-contribution).",
            )
            .into(),
        ));
        return;
    };
    let rows = attributes
        .iter()
        .map(|a| {
            vec![
                a.name.clone(),
                count(l, a.distinct),
                num(l, a.distinction),
                a.separation.map_or("n/a".into(), |s| num(l, s)),
                count(l, a.uniques_removed),
            ]
        })
        .collect();
    b.push(Block::Table(
        vec![
            l.tr("attribute", "attribuut").into(),
            l.tr("distinct", "verschillend").into(),
            l.tr("distinction", "onderscheiding").into(),
            l.tr("separation", "scheiding").into(),
            l.tr(
                "uniques removed if dropped",
                "unieken minder zonder dit attribuut",
            )
            .into(),
        ],
        rows,
    ));
}

fn inference(b: &mut Vec<Block>, name: &str, i: &crate::report::InferenceInfo, l: Lang) {
    b.push(Block::Heading(
        2,
        format!(
            "{} '{name}'",
            l.tr(
                "Inference: sensitive attribute",
                "Deduceerbaarheid: gevoelig attribuut"
            )
        ),
    ));
    let d = &i.l_diversity;
    let mut rows = vec![
        vec![
            l.tr("distinct values", "verschillende waarden").into(),
            count(l, i.values),
        ],
        vec![
            l.tr("l-diversity (distinct)", "l-diversiteit (verschillend)")
                .into(),
            count(l, d.distinct),
        ],
        vec![
            l.tr("l-diversity (entropy)", "l-diversiteit (entropie)")
                .into(),
            num(l, d.entropy),
        ],
        vec![
            format!(
                "{} (c, l), c = {}",
                l.tr("recursive", "recursief"),
                num(l, d.recursive.c)
            ),
            count(l, d.recursive.l),
        ],
        vec![
            format!(
                "t-closeness ({})",
                super::labels::distance(l, i.t_closeness.distance)
            ),
            num(l, i.t_closeness.value),
        ],
        vec![
            l.tr("δ-disclosure (strict)", "δ-disclosure (strikt)")
                .into(),
            i.delta_disclosure.strict.map_or("∞".into(), |x| num(l, x)),
        ],
        vec![
            l.tr(
                "δ-disclosure (present values)",
                "δ-disclosure (aanwezige waarden)",
            )
            .into(),
            num(l, i.delta_disclosure.present_values),
        ],
        vec![
            l.tr("β-likeness (basic)", "β-likeness (basis)").into(),
            num(l, i.beta_likeness.basic),
        ],
        vec!["(α, k): α".into(), num(l, i.alpha_k.alpha)],
        vec![
            l.tr(
                "records in homogeneous classes",
                "records in homogene groepen",
            )
            .into(),
            count_pct(l, i.homogeneous_records.count, i.homogeneous_records.share),
        ],
        vec![
            l.tr(
                "mean correct attribution probability",
                "gemiddelde kans op juiste toeschrijving",
            )
            .into(),
            pct(l, i.attribution.mean_cap),
        ],
        vec![
            l.tr(
                "attribution risk (baseline-corrected)",
                "toeschrijvingsrisico (gecorrigeerd voor basislijn)",
            )
            .into(),
            i.attribution.risk.map_or("n/a".into(), |x| pct(l, x)),
        ],
    ];
    if let Some(p) = &i.proximity {
        rows.push(vec![
            l.tr(
                "smallest relative class range",
                "kleinste relatieve spreiding in een groep",
            )
            .into(),
            num(l, p.min_relative_range),
        ]);
    }
    b.push(Block::Table(
        vec![
            l.tr("measure", "maat").into(),
            l.tr("worst class", "slechtste groep").into(),
        ],
        rows,
    ));
}

fn population(b: &mut Vec<Block>, r: &Report, l: Lang) {
    if r.population.is_none() && r.individual_risk.is_none() && r.suda.is_none() {
        return;
    }
    b.push(Block::Heading(
        2,
        l.tr(
            "Population estimates and special uniques",
            "Populatieschattingen en bijzondere unieken",
        )
        .into(),
    ));
    if let Some(p) = &r.population {
        let est = |name: &str, e: &crate::report::EstimateInfo| {
            vec![
                name.to_string(),
                e.count.map_or("—".into(), |c| num(l, c)),
                e.share.map_or("—".into(), |s| pct(l, s)),
                e.reason
                    .as_ref()
                    .map(|w| super::notice::no_estimate(l, w))
                    .unwrap_or_default(),
            ]
        };
        b.push(Block::Para(format!(
            "N = {} ({}), π = {}. {}: {} — {}",
            num(l, p.size),
            super::notice::source(l, &p.source),
            pct(l, p.sampling_fraction),
            l.tr(
                "Model chosen by Dankar's rule",
                "Model gekozen volgens de regel van Dankar"
            ),
            p.dankar.choice,
            super::notice::dankar_rule(l, p.dankar.rule, p.sampling_fraction)
        )));
        b.push(Block::Table(
            vec![
                l.tr("estimator", "schatter").into(),
                l.tr("population uniques", "unieken in de populatie").into(),
                l.tr("share of N", "aandeel van N").into(),
                l.tr("note", "opmerking").into(),
            ],
            vec![
                est("Zayatz", &p.estimators.zayatz),
                est("Pitman", &p.estimators.pitman),
                est("SNB", &p.estimators.snb),
            ],
        ));
    }
    if let Some(i) = &r.individual_risk {
        b.push(Block::Para(format!(
            "{}: {} {}, {} {}, {} {}.",
            l.tr(
                "Benedetti-Franconi individual risk",
                "Individueel risico (Benedetti-Franconi)"
            ),
            l.tr("expected re-identifications", "verwachte heridentificaties"),
            num(l, i.expected_reidentifications),
            l.tr("global risk", "globaal risico"),
            pct(l, i.global),
            l.tr("highest", "hoogste"),
            pct(l, i.highest)
        )));
    }
    if let Some(s) = &r.suda {
        b.push(Block::Para(format!(
            "SUDA2: {} {}, {} MSU, {} {}, {} {}.",
            count(l, s.records_with_msu),
            l.tr(
                "records with a minimal sample unique",
                "records met een minimale steekproef-unieke combinatie"
            ),
            count(l, s.msus),
            l.tr("highest score", "hoogste score"),
            num(l, s.max_score),
            l.tr("highest DIS-SUDA score", "hoogste DIS-SUDA-score"),
            num(l, s.max_dis_score)
        )));
    }
}

fn linkage(b: &mut Vec<Block>, k: &crate::measure::linkage::Linkability, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr(
            "Linkability: the attacker's table",
            "Koppelbaarheid: de tabel van de aanvaller",
        )
        .into(),
    ));
    let mut rows = vec![
        vec![l.tr("linked on", "gekoppeld op").into(), k.on.join(", ")],
        vec![
            l.tr("attacker records", "records van de aanvaller").into(),
            count(l, k.attacker_records),
        ],
        vec![
            l.tr("matched", "met een overeenkomst").into(),
            count(l, k.matched_records),
        ],
        vec![
            l.tr("unique matches (L1)", "unieke overeenkomsten (L1)")
                .into(),
            count_pct(l, k.unique_matches, k.unique_match_rate),
        ],
        vec![
            l.tr("expected correct links", "verwachte juiste koppelingen")
                .into(),
            format!(
                "{} ({})",
                num(l, k.expected_correct_links),
                k.basis.replace('_', " ")
            ),
        ],
        vec![
            l.tr("group links (L4)", "koppelingen aan één groep (L4)")
                .into(),
            count_pct(l, k.group_links, k.group_link_rate),
        ],
        vec![
            l.tr(
                "precision of unique matches (L5)",
                "precisie van unieke overeenkomsten (L5)",
            )
            .into(),
            k.unique_match_precision.map_or_else(
                || super::notice::precision_basis(l, &k.unique_match_precision_basis),
                |p| pct(l, p),
            ),
        ],
        vec![
            l.tr(
                "baseline-corrected risk (L7), 95% interval",
                "voor de basislijn gecorrigeerd risico (L7), 95%-interval",
            )
            .into(),
            format!(
                "{} [{}, {}]",
                pct(l, k.risk.value),
                pct(l, k.risk.ci[0]),
                pct(l, k.risk.ci[1])
            ),
        ],
    ];
    if let Some(s) = k.link_success_rate {
        rows.push(vec![
            l.tr(
                "link success rate (L2)",
                "slagingskans van de koppeling (L2)",
            )
            .into(),
            pct(l, s),
        ]);
    }
    b.push(Block::Table(
        vec![
            l.tr("figure", "kengetal").into(),
            l.tr("value", "waarde").into(),
        ],
        rows,
    ));
    b.push(Block::Chart(Chart {
        title: l
            .tr(
                "Attacker records by the number of released records they match",
                "Records van de aanvaller naar het aantal vrijgegeven records waarop ze passen",
            )
            .into(),
        x_title: l
            .tr(
                "released records matched",
                "vrijgegeven records waarop het past",
            )
            .into(),
        y_title: l.tr("attacker records", "records van de aanvaller").into(),
        percent: false,
        bars: k
            .match_sizes
            .iter()
            .map(|m| (m.matches.clone(), m.attacker_records as f64))
            .collect(),
        lang: l,
    }));
}

fn targets(b: &mut Vec<Block>, r: &Report, l: Lang) {
    if r.targets.is_empty() {
        return;
    }
    b.push(Block::Heading(2, l.tr("Targets", "Normen").into()));
    let rows = r
        .targets
        .iter()
        .map(|t| {
            let (_, unit) = figure(l, &t.name);
            vec![
                target_text(l, t),
                if t.actual.is_nan() {
                    "—".into()
                } else {
                    value(l, unit, t.actual)
                },
                if t.met {
                    l.tr("met", "gehaald").into()
                } else {
                    l.tr("MISSED", "NIET GEHAALD").into()
                },
            ]
        })
        .collect();
    b.push(Block::Table(
        vec![
            l.tr("target", "norm").into(),
            l.tr("measured", "gemeten").into(),
            l.tr("result", "uitkomst").into(),
        ],
        rows,
    ));
}

fn methods(b: &mut Vec<Block>, l: Lang) {
    b.push(Block::Heading(
        2,
        l.tr("Methods and references", "Methoden en bronnen").into(),
    ));
    b.push(Block::List(vec![
        l.tr(
            "Equivalence classes: records with identical quasi-identifier values; missing values form a value of their own unless stated otherwise. k-anonymity: Sweeney (2002), Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 10(5).",
            "Equivalentieklassen: records met dezelfde waarden op de quasi-identificatoren; ontbrekende waarden vormen een eigen waarde, tenzij anders vermeld. k-anonimiteit: Sweeney (2002), Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 10(5).",
        ).into(),
        l.tr(
            "Prosecutor, journalist and marketer risk: El Emam & Dankar (2008), JAMIA 15(5); records at risk as in ARX.",
            "Prosecutor-, journalist- en marketerrisico: El Emam & Dankar (2008), JAMIA 15(5); records met risico zoals in ARX.",
        ).into(),
        l.tr(
            "l-diversity: Machanavajjhala et al. (2007), ACM TKDD 1(1); t-closeness: Li, Li & Venkatasubramanian (2007), ICDE; δ-disclosure: Brickell & Shmatikov (2008), KDD; β-likeness: Cao & Karras (2012), VLDB.",
            "l-diversiteit: Machanavajjhala e.a. (2007), ACM TKDD 1(1); t-closeness: Li, Li & Venkatasubramanian (2007), ICDE; δ-disclosure: Brickell & Shmatikov (2008), KDD; β-likeness: Cao & Karras (2012), VLDB.",
        ).into(),
        l.tr(
            "Population uniqueness: Zayatz (1991), Pitman (Hoshino 2001), SNB (Chen & Keller-McNulty 1998), model choice by Dankar et al. (2012); individual risk: Benedetti & Franconi (1998); SUDA2: Manning, Haglin & Keane (2008), scores after Elliot et al. (2002).",
            "Populatie-uniciteit: Zayatz (1991), Pitman (Hoshino 2001), SNB (Chen & Keller-McNulty 1998), modelkeuze volgens Dankar e.a. (2012); individueel risico: Benedetti & Franconi (1998); SUDA2: Manning, Haglin & Keane (2008), scores volgens Elliot e.a. (2002).",
        ).into(),
        l.tr(
            "Linkage: an attacker record is compatible with every released record whose values cover its own (intervals, masks, hierarchy nodes, suppressed cells); expected correct links assume the attacker picks uniformly among compatible records; the baseline-corrected risk and its Wilson interval follow anonymeter (Giomi et al. 2023, PoPETs).",
            "Koppeling: een record van de aanvaller past op elk vrijgegeven record waarvan de waarden de zijne omvatten (intervallen, maskers, knopen van een hiërarchie, onderdrukte cellen); bij verwachte juiste koppelingen kiest de aanvaller willekeurig tussen passende records; het voor de basislijn gecorrigeerde risico en het Wilson-interval volgen anonymeter (Giomi e.a. 2023, PoPETs).",
        ).into(),
        l.tr(
            "Criteria: Article 29 Working Party, Opinion 05/2014 on Anonymisation Techniques (WP216), §2.2.2 and Table 6. The formulas are in kanon's docs/metrics.md.",
            "Criteria: Artikel 29-werkgroep, Advies 05/2014 over anonimiseringstechnieken (WP216), §2.2.2 en tabel 6. De formules staan in docs/metrics.md van kanon.",
        ).into(),
    ]));
}

fn reproducibility(b: &mut Vec<Block>, r: &Report, meta: &Meta) {
    let l = meta.lang;
    b.push(Block::Heading(
        2,
        l.tr("Reproducibility", "Herhaalbaarheid").into(),
    ));
    let mut rows = vec![
        vec!["kanon".into(), r.kanon_version.clone()],
        vec![
            l.tr("JSON schema version", "versie JSON-schema").into(),
            r.schema_version.to_string(),
        ],
    ];
    // The inputs, their sizes and digests head the report.
    if !meta.command.is_empty() {
        rows.push(vec![
            l.tr("command", "opdracht").into(),
            meta.command.clone(),
        ]);
    }
    // Settings left unset are in the command line already; listing each
    // as "—" took a page.
    rows.extend(
        meta.parameters
            .iter()
            .filter(|(k, v)| {
                v.chars().any(|c| !"—/ ".contains(c))
                    && k != "quasi-identifiers"
                    && k != "sensitive attributes"
            })
            .map(|(k, v)| vec![parameter_name(l, k), parameter_value(l, v)]),
    );
    b.push(Block::Table(
        vec![
            l.tr("parameter", "parameter").into(),
            l.tr("value", "waarde").into(),
        ],
        rows,
    ));
}

/// A setting's name (`run::config::Config::parameters`) in the report's
/// language; a name without a translation is shown as it is.
fn parameter_name(l: Lang, name: &str) -> String {
    if l == Lang::En {
        return name.to_string();
    }
    let fixed = match name {
        "missing tokens" => Some("tokens voor ontbrekend"),
        "missing values as" => Some("ontbrekende waarden als"),
        "weight column" => Some("gewichtkolom"),
        "count column" => Some("aantalkolom"),
        "population table" => Some("populatietabel"),
        "population size" => Some("populatiegrootte"),
        "sampling fraction" => Some("steekproeffractie"),
        "risk threshold" => Some("risicodrempel"),
        "person id" => Some("persoons-id"),
        "recursive l: c" => Some("recursieve l: c"),
        "homogeneity threshold" => Some("drempel voor homogeniteit"),
        "QI subsets up to" => Some("deelverzamelingen van QI's tot"),
        "attacker table" => Some("tabel van de aanvaller"),
        "linked on" => Some("gekoppeld op"),
        "release id / attacker id" => Some("release-id / id aanvaller"),
        "language" => Some("taal"),
        "attribute contribution" => Some("bijdrage per attribuut"),
        _ => None,
    };
    if let Some(nl) = fixed {
        return nl.to_string();
    }
    let target = |rest: &str| {
        let rest = rest
            .replace("max average risk", "hoogste gemiddeld risico")
            .replace("max records at risk", "hoogste aandeel records met risico")
            .replace("max uniques", "hoogste aandeel unieke records")
            .replace(
                "max population uniqueness",
                "hoogste uniciteit in de populatie",
            )
            .replace("max global risk", "hoogste globaal risico")
            .replace("max SUDA score", "hoogste SUDA-score")
            .replace(
                "max unique-match rate",
                "hoogste aandeel unieke overeenkomsten",
            )
            .replace("max link risk", "hoogste koppelrisico")
            .replace("max risk", "hoogste risico");
        format!("norm {rest}")
    };
    match (
        name.strip_prefix("target "),
        name.strip_prefix("hierarchy of "),
    ) {
        (Some(rest), _) => target(rest),
        (_, Some(column)) => format!("hiërarchie van {column}"),
        _ => name.to_string(),
    }
}

/// A setting's value: "off" and "all" in the report's language.
fn parameter_value(l: Lang, value: &str) -> String {
    match (l, value) {
        (Lang::Nl, "off") => "uit".into(),
        (Lang::Nl, "on") => "aan".into(),
        (Lang::Nl, "all") => "alle".into(),
        (Lang::Nl, "value") => "eigen waarde".into(),
        (Lang::Nl, "wildcard") => "joker".into(),
        (Lang::Nl, "both") => "beide".into(),
        (Lang::Nl, v) if v.starts_with("max MSU size ") => v
            .replace("max MSU size all", "grootste MSU alle")
            .replace("max MSU size", "grootste MSU")
            .replace("DIS fraction", "DIS-fractie"),
        _ => value.to_string(),
    }
}

// ---------------------------------------------------------------- Markdown

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Render blocks as Markdown.
pub fn markdown(blocks: &[Block], lang: Lang) -> String {
    let mut o = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(o, "{} {t}\n", "#".repeat(*level as usize));
            }
            Block::Para(t) => {
                let _ = writeln!(o, "{t}\n");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(o, "- {i}");
                }
                o.push('\n');
            }
            Block::Notes(notes) => {
                for n in notes {
                    let _ = writeln!(o, "<small>{}</small>  ", md_cell(n));
                }
                o.push('\n');
            }
            Block::Table(head, rows) => md_table(&mut o, head, rows),
            Block::Verdicts(list) => {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|v| {
                        vec![
                            v.name.clone(),
                            format!("**{}**", v.word),
                            v.reason.clone(),
                            v.evidence.clone(),
                        ]
                    })
                    .collect();
                let head = [
                    lang.tr("criterion", "criterium").to_string(),
                    lang.tr("verdict", "oordeel").into(),
                    lang.tr("reason", "reden").into(),
                    lang.tr("evidence", "onderbouwing").into(),
                ];
                md_table(&mut o, &head, &rows);
            }
            Block::Chart(c) => {
                let _ = writeln!(o, "*{}*\n", c.title);
                let unit = if c.percent { Unit::Share } else { Unit::Count };
                let rows: Vec<Vec<String>> = c
                    .bars
                    .iter()
                    .map(|(label, v)| {
                        let v = if c.percent { v / 100.0 } else { *v };
                        vec![label.clone(), value(lang, unit, v)]
                    })
                    .collect();
                md_table(&mut o, &[c.x_title.clone(), c.y_title.clone()], &rows);
            }
        }
    }
    o
}

fn md_table(o: &mut String, head: &[String], rows: &[Vec<String>]) {
    let cells: Vec<String> = head.iter().map(|h| md_cell(h)).collect();
    let _ = writeln!(o, "| {} |", cells.join(" | "));
    let _ = writeln!(o, "|{}|", vec!["---"; head.len()].join("|"));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md_cell(c)).collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
}

/// The figures a verdict rests on, in words and units:
/// "k (smallest class) 1 · highest prosecutor risk 100%".
fn evidence(l: Lang, c: &Criterion) -> String {
    c.evidence
        .iter()
        .map(|(key, x)| {
            let (words, unit) = figure(l, key);
            format!("{words} {}", value(l, unit, *x))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A verdict as every format shows it.
fn verdict_box(l: Lang, id: &'static str, name: &str, c: &Criterion) -> VerdictBox {
    let rule = if c.default_rule && c.verdict != Verdict::NotAssessed {
        format!(
            " ({})",
            l.tr("kanon default rule", "standaardregel van kanon")
        )
    } else {
        String::new()
    };
    let evidence = evidence(l, c);
    VerdictBox {
        id,
        name: name.to_string(),
        word: verdict_word(l, c.verdict).to_string(),
        class: verdict_class(c.verdict),
        reason: format!("{}{rule}", c.reason),
        evidence: if evidence.is_empty() {
            String::new()
        } else {
            format!("{}: {evidence}", l.tr("evidence", "onderbouwing"))
        },
    }
}

// -------------------------------------------------------------------- HTML

/// Escape text for HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}\
.verdicts{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.75rem}\
.verdict{border:2px solid #888;border-radius:.4rem;padding:.6rem .8rem}.verdict h3{margin:0 0 .3rem;font-size:1rem}\
.verdict .badge{display:inline-block;font-weight:700;padding:.1rem .5rem;border-radius:.3rem;color:#fff;background:#666}\
.verdict.pass{border-color:#1a7f37}.verdict.pass .badge{background:#1a7f37}\
.verdict.at-risk{border-color:#9a6700}.verdict.at-risk .badge{background:#9a6700}\
.verdict.fail{border-color:#cf222e}.verdict.fail .badge{background:#cf222e}\
.verdict .evidence{font-size:.85rem;color:#444}\
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg.chart{width:100%;max-width:40rem;height:auto}.notes p{font-size:.8rem;color:#444;margin:.1rem 0}\
@page{size:A4;margin:14mm 12mm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:8.5pt;line-height:1.3}\
h1{font-size:14pt;margin:0 0 .4rem}h2{font-size:11pt;margin:.9rem 0 .3rem;break-after:avoid}p{margin:.3rem 0}ul{margin:.3rem 0}\
table{font-size:7.5pt;margin:.3rem 0 .5rem}td,th{padding:.08rem .3rem}tr,.verdict,figure{break-inside:avoid}\
.verdicts{grid-template-columns:repeat(3,1fr);gap:.4rem}.verdict{padding:.3rem .5rem}.verdict .evidence{font-size:7pt}\
figure{margin:.3rem 0;display:inline-block;width:49%;vertical-align:top}svg.chart{max-width:none}}";

/// Render blocks as one self-contained HTML page.
pub fn html(blocks: &[Block], lang: Lang, title: &str) -> std::result::Result<String, String> {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(title)
    );
    let mut chart = 0;
    for b in blocks {
        match b {
            Block::Heading(level, t) => {
                let _ = writeln!(o, "<h{level}>{}</h{level}>", esc(t));
            }
            Block::Para(t) => {
                let _ = writeln!(o, "<p>{}</p>", esc(t));
            }
            Block::Notes(notes) => {
                o.push_str("<div class=\"notes\">\n");
                for n in notes {
                    let _ = writeln!(o, "<p>{}</p>", esc(n));
                }
                o.push_str("</div>\n");
            }
            Block::List(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", esc(i));
                }
                o.push_str("</ul>\n");
            }
            Block::Table(head, rows) => html_table(&mut o, head, rows),
            Block::Verdicts(list) => {
                o.push_str("<section class=\"verdicts\">\n");
                for v in list {
                    let _ = writeln!(
                        o,
                        "<div class=\"verdict {c}\" id=\"verdict-{}\" data-verdict=\"{c}\">\n<h3>{}</h3>\n\
                         <span class=\"badge\">{}</span>\n<p>{}</p>\n<p class=\"evidence\">{}</p>\n</div>",
                        v.id,
                        esc(&v.name),
                        esc(&v.word),
                        esc(&v.reason),
                        esc(&v.evidence),
                        c = v.class,
                    );
                }
                o.push_str("</section>\n");
            }
            Block::Chart(c) => {
                chart += 1;
                let _ = writeln!(
                    o,
                    "<figure id=\"chart-{chart}\">\n{}</figure>",
                    super::chart::chart_svg(c)?
                );
            }
        }
    }
    o.push_str("</body>\n</html>\n");
    Ok(o)
}

fn html_table(o: &mut String, head: &[String], rows: &[Vec<String>]) {
    o.push_str("<table>\n<thead><tr>");
    for h in head {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        o.push_str("<tr>");
        for c in r {
            let _ = write!(o, "<td>{}</td>", esc(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_in_dutch() {
        assert_eq!(parameter_name(Lang::Nl, "risk threshold"), "risicodrempel");
        assert_eq!(
            parameter_name(Lang::Nl, "target max average risk"),
            "norm hoogste gemiddeld risico"
        );
        assert_eq!(
            parameter_name(Lang::Nl, "target max risk"),
            "norm hoogste risico"
        );
        assert_eq!(
            parameter_name(Lang::Nl, "hierarchy of occupation"),
            "hiërarchie van occupation"
        );
        assert_eq!(parameter_name(Lang::En, "risk threshold"), "risk threshold");
        assert_eq!(parameter_value(Lang::Nl, "off"), "uit");
    }

    #[test]
    fn html_escapes() {
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }

    #[test]
    fn markdown_tables_escape_pipes() {
        let md = markdown(
            &[Block::Table(vec!["a".into()], vec![vec!["x|y".into()]])],
            Lang::En,
        );
        assert!(md.contains("x\\|y"));
    }
}
