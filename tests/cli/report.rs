//! The auditor's report (`analyse --report FILE.html|FILE.md`, `--lang`):
//! content, determinism, no network, and a render in a real browser
//! (headless Chromium) that checks what is on the page.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{kanon, shared};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kanon-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Analyse adult with a sensitive attribute and an attacker table, writing
/// the report to `out`.
fn report(out: &Path, lang: &str) -> String {
    let o = kanon(&[
        "analyse",
        &shared("adult/adult.csv"),
        "--qi",
        "sex,age,race,marital-status,education",
        "--sensitive",
        "occupation",
        "--aux",
        &shared("adult/adult_subset.csv"),
        "--population-size",
        "300000",
        "--k",
        "2",
        "--lang",
        lang,
        "--report",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

pub(crate) fn sha256_hex(path: &str) -> String {
    // An independent digest: coreutils' sha256sum.
    let o = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn html_report_holds_every_section_and_loads_nothing() {
    crate::needs_shared!();
    let out = tmp("adult.html");
    let html = report(&out, "en");
    for needle in [
        "<!DOCTYPE html>",
        "id=\"verdict-singling-out\"",
        "id=\"verdict-linkability\"",
        "id=\"verdict-inference\"",
        "Singling out (herleidbaarheid)",
        "Linkability (koppelbaarheid)",
        "Inference (deduceerbaarheid)",
        "Attribute contribution",
        "Inference: sensitive attribute &#39;occupation&#39;",
        "Population estimates",
        "Linkability: the attacker&#39;s table",
        "Methods and references",
        "Reproducibility",
        "Targets",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Three charts: class sizes, risk, linkage match sizes.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3);
    assert!(html.contains(&sha256_hex(&shared("adult/adult.csv"))));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    // Self-contained: no script, no external resource (the SVG namespace
    // is a name, not a fetch), a CSP that forbids loading anything.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src="));
    assert!(!html.contains("href="));
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    assert!(html.contains("default-src 'none'"));
    // Aggregates only: no occupation value appears.
    assert!(!html.contains("Exec-managerial") && !html.contains("Prof-specialty"));
}

#[test]
fn reports_are_deterministic_and_markdown_matches() {
    crate::needs_shared!();
    let (a, b) = (tmp("a.html"), tmp("b.html"));
    assert_eq!(
        report(&a, "en"),
        report(&b, "en").replace("b.html", "a.html")
    );
    let md = report(&tmp("adult.md"), "en");
    assert!(md.starts_with("# kanon report:"));
    assert!(md.contains("| Singling out (herleidbaarheid) | **fail** |"));
    assert!(md.contains("## Linkability: the attacker's table"));
    assert!(!md.contains("<svg"));
}

#[test]
fn dutch_report() {
    crate::needs_shared!();
    let html = report(&tmp("nl.html"), "nl");
    assert!(html.contains("<html lang=\"nl\">"));
    for needle in [
        "Herleidbaarheid (singling out)",
        "Koppelbaarheid (linkability)",
        "Deduceerbaarheid (inference)",
        "voldoet niet",
        "Samenvatting",
        "Methoden en bronnen",
        "norm niet gehaald",
        "passen op precies één vrijgegeven record",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Dutch decimal commas and thousands points.
    assert!(html.contains("30.162"));
}

/// Chromium from the Debian package (or `KANON_CHROMIUM`).
fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("KANON_CHROMIUM") {
        return Some(p);
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .find(|p| Path::new(p).exists())
    .map(|p| p.to_string())
}

/// Load `page` headless; return (DOM after scripts ran, stderr log).
fn render(browser: &str, page: &Path, profile: &Path) -> (String, String) {
    chromium_run(browser, page, profile, "--dump-dom")
}

/// Print the page as Chromium prints it (A4 from the report's @page
/// rule, no header or footer of the browser's) and count the pages.
fn printed_pages(browser: &str, page: &Path, profile: &Path) -> usize {
    let pdf = page.with_extension("printed.pdf");
    chromium_run(
        browser,
        page,
        profile,
        &format!("--print-to-pdf={}", pdf.display()),
    );
    let bytes = std::fs::read(&pdf).expect("Chromium printed no PDF");
    let text = String::from_utf8_lossy(&bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

fn chromium_run(browser: &str, page: &Path, profile: &Path, action: &str) -> (String, String) {
    let o = Command::new(browser)
        .args(["--no-pdf-header-footer"])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--window-size=1200,2000",
            &format!("--user-data-dir={}", profile.display()),
            action,
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("run chromium");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Measures the rendered page: each verdict box and badge laid out with a
/// size and visible; each chart with bars of positive drawn height.
const PROBE: &str = r#"<script>
(function () {
  var out = {verdicts: [], charts: []};
  ["singling-out", "linkability", "inference"].forEach(function (id) {
    var el = document.getElementById("verdict-" + id);
    var badge = el && el.querySelector(".badge");
    var r = el ? el.getBoundingClientRect() : {width: 0, height: 0};
    var s = badge ? getComputedStyle(badge) : null;
    out.verdicts.push({id: id, w: r.width, h: r.height,
      visible: !!s && s.visibility === "visible" && s.display !== "none",
      badge: badge ? badge.textContent : ""});
  });
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    var bars = svg.querySelectorAll("rect.bar"), drawn = 0;
    bars.forEach(function (b) { if (b.getBBox().height > 0) drawn++; });
    var r = svg.getBoundingClientRect();
    out.charts.push({bars: bars.length, drawn: drawn, w: r.width, h: r.height});
  });
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"#;

#[test]
fn html_report_renders_in_a_real_browser() {
    crate::needs_shared!();
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("KANON_REQUIRE_CHROMIUM").is_none(),
            "KANON_REQUIRE_CHROMIUM is set but no Chromium was found"
        );
        eprintln!(
            "skipped: no Chromium found (install the Debian package `chromium`, or set KANON_CHROMIUM); .ci/run installs it"
        );
        return;
    };
    let page = tmp("browser.html");
    let html = report(&page, "en");

    // The page as written: nothing on the console (no errors, no CSP
    // violations, which Chromium logs there).
    let (dom, log) = render(&browser, &page, &tmp("profile-a"));
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    for text in [
        "Singling out (herleidbaarheid)",
        "Linkability (koppelbaarheid)",
        "Inference (deduceerbaarheid)",
    ] {
        assert!(dom.contains(text), "rendered page lacks {text}");
    }

    // A copy with a measuring script (the report itself has none; its CSP
    // is widened for inline script only, still loading nothing).
    let probe = html
        .replace(
            "default-src 'none';",
            "default-src 'none'; script-src 'unsafe-inline';",
        )
        .replace("</body>", &format!("{PROBE}</body>"));
    let probe_page = tmp("probe.html");
    std::fs::write(&probe_page, probe).unwrap();
    let (dom, log) = render(&browser, &probe_page, &tmp("profile-b"));
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let start = dom.find("data-probe=\"").expect("the probe did not run") + 12;
    let end = start + dom[start..].find('"').unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let verdicts = v["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 3);
    for x in verdicts {
        assert!(
            x["w"].as_f64().unwrap() > 100.0 && x["h"].as_f64().unwrap() > 30.0,
            "{x}"
        );
        assert_eq!(x["visible"], true, "{x}");
        assert_eq!(x["badge"], "fail", "{x}");
    }
    // Printed, one analysis takes at most four A4 pages (the report's print
    // stylesheet; it took six to nine before).
    let pages = printed_pages(&browser, &page, &tmp("profile-c"));
    assert!(
        (1..=4).contains(&pages),
        "the report prints on {pages} pages"
    );
    let charts = v["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 3);
    for c in charts {
        assert!(c["bars"].as_u64().unwrap() >= 4, "{c}");
        assert!(c["drawn"].as_u64().unwrap() >= 1, "{c}");
        assert!(
            c["w"].as_f64().unwrap() > 200.0 && c["h"].as_f64().unwrap() > 50.0,
            "{c}"
        );
    }
}
