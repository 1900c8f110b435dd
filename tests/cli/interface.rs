//! The everyday interface: colour, share flags, file formats by extension.

use std::process::{Command, Output};

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kanon"));
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run kanon")
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const ADULT: &str = "fixtures/adult/adult_subset.csv";

fn analyse(colour: Option<&str>, env: &[(&str, &str)]) -> String {
    let mut args = vec![
        "analyse",
        ADULT,
        "--qi",
        "age,sex,race",
        "--sensitive",
        "occupation",
        "--k",
        "5",
    ];
    if let Some(c) = colour {
        args.extend(["--color", c]);
    }
    let o = run_env(&args, env);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn colour_is_chosen_and_never_shifts_a_column() {
    let plain = analyse(Some("never"), &[]);
    let coloured = analyse(Some("always"), &[]);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b["), "{coloured}");
    // Colour codes wrap the text only: without them the bytes are the same.
    assert_eq!(strip_ansi(&coloured), plain);
    // The verdict column of the WP216 table starts at one position on every
    // row, FAIL and "not assessed" alike (it drifted with the codes' width).
    let start = |line: &str| line.find("FAIL").or_else(|| line.find("not assessed"));
    let rows: Vec<usize> = plain
        .lines()
        .skip_while(|l| !l.starts_with("WP216"))
        .skip(1)
        .take(3)
        .map(|l| start(l).unwrap_or_else(|| panic!("no verdict in {l:?}")))
        .collect();
    assert!(rows.windows(2).all(|w| w[0] == w[1]), "{rows:?}\n{plain}");
    // auto: no terminal here, so no colour, unless forced; NO_COLOR wins over
    // CLICOLOR_FORCE, an explicit --color over both.
    assert_eq!(analyse(None, &[]), plain);
    assert_eq!(analyse(None, &[("CLICOLOR_FORCE", "1")]), coloured);
    assert_eq!(analyse(None, &[("CLICOLOR_FORCE", "0")]), plain);
    assert_eq!(
        analyse(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        plain
    );
    assert_eq!(analyse(Some("always"), &[("NO_COLOR", "1")]), coloured);
    let bad = run_env(
        &["analyse", ADULT, "--qi", "age", "--color", "sometimes"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("kanon-interface-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `analyse` of the adult fixture writing `--report NAME` inside `dir`
/// (run from there, so the command line recorded is the same in every
/// directory), on a fixed day.
fn report_in(dir: &std::path::Path, name: &str, extra: &[&str], threads: &str) -> Output {
    let input = std::fs::canonicalize(ADULT).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_kanon"));
    c.current_dir(dir)
        .args(["analyse", input.to_str().unwrap(), "--qi", "age,sex,race"])
        .args(["--sensitive", "occupation", "--k", "5", "-q"])
        .args(["--report", name])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1764720000")
        .env("RAYON_NUM_THREADS", threads)
        .env("NO_COLOR", "1");
    c.output().unwrap()
}

#[test]
fn the_report_format_is_the_extension_in_any_case() {
    let (a, b) = (scratch("pdf-a"), scratch("pdf-b"));
    let o = report_in(&a, "r.PDF", &[], "2");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pdf = std::fs::read(a.join("r.PDF")).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF"));
    // One A4 page object per page; one analysis on at most four pages.
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type/Page/").count();
    assert!((1..=4).contains(&pages), "{pages} pages");
    assert!(text.contains("/MediaBox[0 0 595.28 841.89]"));
    // The fonts travel inside the file (subset), nothing is looked up.
    assert!(text.contains("/FontFile2"), "no embedded font");
    // Same input, same bytes, whatever the thread count.
    report_in(&b, "r.PDF", &[], "1");
    assert!(
        std::fs::read(b.join("r.PDF")).unwrap() == pdf,
        "the PDF differs between runs"
    );
    // Every other extension, or none, is refused before any work, and
    // nothing is written.
    for name in ["r.docx", "r.pdf.txt", "report"] {
        let o = report_in(&a, name, &[], "2");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(".html") && err.contains(".pdf"), "{err}");
        assert!(!a.join(name).exists());
    }
    for name in ["r.HTM", "r.Markdown"] {
        assert_eq!(report_in(&a, name, &[], "2").status.code(), Some(1));
    }
    assert!(std::fs::read_to_string(a.join("r.HTM"))
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    assert!(std::fs::read_to_string(a.join("r.Markdown"))
        .unwrap()
        .starts_with("# kanon report"));
}

#[test]
fn the_report_opens_with_what_an_auditor_files() {
    let d = scratch("header");
    let purpose = "Release of the 2026 extract to researchers";
    report_in(&d, "r.md", &["--purpose", purpose], "2");
    let md = std::fs::read_to_string(d.join("r.md")).unwrap();
    let head = &md[..md.find("## WP216").expect("a verdict section")];
    let digest = crate::report::sha256_hex(ADULT);
    for needle in [
        purpose,
        "| date | 2025-12-03 |",
        &format!("kanon {}", env!("CARGO_PKG_VERSION")),
        &digest,
        "251,741 bytes",
        "| quasi-identifiers | age, sex, race |",
        "| sensitive attributes | occupation |",
        "k (smallest class) ≥ 5",
    ] {
        assert!(head.contains(needle), "the header lacks {needle}:\n{head}");
    }
    // Figures for people: no JSON key, no long decimal, risks in percent.
    let body = &md[..md.find("## Reproducibility").unwrap()];
    for key in [
        "highest_prosecutor_risk",
        "max_risk",
        "risk.prosecutor",
        "l_distinct",
    ] {
        assert!(!body.contains(key), "{key} shown as a label");
    }
    // At most four significant digits (grouped whole numbers aside).
    let long = body
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|w| w.contains('.'))
        .find(|w| w.trim_start_matches(['0', '.']).replace('.', "").len() > 4);
    assert_eq!(
        long, None,
        "a number with more than four significant digits"
    );
    assert!(
        body.contains("| prosecutor | 100% | 10.44% | 11.9% |"),
        "{body}"
    );
}

/// The risk chart's bands split at `--risk-threshold`, by the same test
/// that counts a record at risk, so chart and text agree, also at a class
/// size whose risk equals the threshold exactly (f = 4, risk 25%).
#[test]
fn risk_bands_follow_the_threshold() {
    let d = scratch("bands");
    for (threshold, label) in [("0.25", "> 25% – < 100%"), ("0.2", "> 20% – < 100%")] {
        let o = report_in(&d, "r.md", &["--risk-threshold", threshold, "--json"], "2");
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let at_risk = json["risk"]["prosecutor"]["records_at_risk"]
            .as_f64()
            .unwrap();
        let md = std::fs::read_to_string(d.join("r.md")).unwrap();
        let share = |band: &str| -> f64 {
            let row = md
                .lines()
                .find(|l| l.starts_with(&format!("| {band} |")))
                .unwrap_or_else(|| panic!("no band {band}:\n{md}"));
            row.split('|')
                .nth(2)
                .unwrap()
                .trim()
                .trim_end_matches('%')
                .parse()
                .unwrap()
        };
        let charted = share("100%") + share(label);
        assert!(
            (charted - 100.0 * at_risk).abs() < 0.01,
            "threshold {threshold}: chart {charted}% vs at risk {at_risk}"
        );
    }
}

/// Every share and probability reads `0.2` and `20%` alike, on the command
/// line and in the policy file; out of range is a usage error naming the
/// flag.
#[test]
fn shares_are_written_as_decimals_or_percentages() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["analyse", ADULT, "--qi", "age,sex,race", "--json"];
        args.extend_from_slice(extra);
        let o = run_env(&args, &[]);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let decimals = json(&[
        "--max-risk",
        "0.5",
        "--max-average-risk",
        "0.15",
        "--max-records-at-risk",
        "0.1",
        "--risk-threshold",
        "0.25",
        "--sensitive",
        "occupation",
        "--alpha",
        "0.9",
        "--t",
        "0.3",
    ]);
    let percent = json(&[
        "--max-risk",
        "50%",
        "--max-average-risk",
        "15%",
        "--max-records-at-risk",
        "10 %",
        "--risk-threshold",
        "25%",
        "--sensitive",
        "occupation",
        "--alpha",
        "90%",
        "--t",
        "30%",
    ]);
    assert_eq!(decimals["targets"], percent["targets"]);
    assert_eq!(decimals["risk"], percent["risk"]);
    for (flag, value) in [
        ("--max-risk", "120%"),
        ("--risk-threshold", "1.5"),
        ("--max-average-risk", "twenty"),
    ] {
        let o = run_env(&["analyse", ADULT, "--qi", "age", flag, value], &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(flag), "{err}");
    }
    let d = scratch("policy-share");
    let input = std::fs::canonicalize(ADULT).unwrap();
    let policy = |max_risk: &str| {
        let p = d.join("kanon.toml");
        std::fs::write(
            &p,
            format!(
                "[input]\nfiles = [{:?}]\n[columns]\nquasi_identifiers = [\"age\", \"sex\"]\n\
                 [targets]\nmax_risk = {max_risk}\n[options]\nrisk_threshold = \"25%\"\n",
                input.to_str().unwrap()
            ),
        )
        .unwrap();
        let o = run_env(&["check", "--config", p.to_str().unwrap(), "--json"], &[]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (a, b) = (policy("\"20%\""), policy("0.2"));
    assert_eq!(a.0, b.0, "{}", a.2);
    let targets =
        |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["targets"].clone();
    assert_eq!(targets(&a.1), targets(&b.1));
    let bad = policy("\"200%\"");
    assert_eq!(bad.0, Some(2));
    assert!(
        bad.2.contains("max_risk") || bad.2.contains("200%"),
        "{}",
        bad.2
    );
}

/// `anonymise --report` tells an auditor what was done to the data and
/// how the release compares with the original; `--mapping` lists what
/// each value became, and agrees with the released file.
#[test]
fn the_release_report_and_the_mapping() {
    let d = scratch("release");
    let run = |lang: &str, report: &str, extra: &[&str]| {
        let mut args = vec![
            "anonymise",
            ADULT,
            "--qi",
            "age,sex,race",
            "--k",
            "5",
            "--suppression",
            "5%",
            "--sensitive",
            "occupation",
            "--hierarchy",
            "age=fixtures/adult/adult_hierarchy_age.csv",
            "--hierarchy",
            "race=fixtures/adult/adult_hierarchy_race.csv",
            "--hierarchy",
            "sex=fixtures/adult/adult_hierarchy_sex.csv",
            "--lang",
            lang,
            "-q",
        ];
        let out = d.join(format!("release-{lang}.csv"));
        let report = d.join(report);
        args.extend([
            "--out",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ]);
        args.extend_from_slice(extra);
        let o = run_env(&args, &[("SOURCE_DATE_EPOCH", "1764720000")]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read(&report).unwrap(),
        )
    };
    let mapping = d.join("mapping.csv");
    let (release, md) = run("en", "r.md", &["--mapping", mapping.to_str().unwrap()]);
    let md = String::from_utf8(md).unwrap();
    for section in [
        "## Transformation",
        "## Suppression",
        "## Information loss",
        "## Before and after",
        "## The release, analysed",
    ] {
        assert!(md.contains(section), "no {section}");
    }
    // The release meets k = 5 in the report's own comparison.
    let k_row = md
        .lines()
        .find(|l| l.starts_with("| k (smallest class) |"))
        .unwrap();
    let cells: Vec<&str> = k_row.split('|').map(str::trim).collect();
    assert_eq!(cells[2], "1", "{k_row}");
    assert!(cells[3].parse::<u64>().unwrap() >= 5, "{k_row}");
    // Private by default: no value of a record, and the examples of the
    // transformation only with --show-values.
    assert!(!md.contains("Prof-specialty") && !md.contains("Self-emp"));
    assert!(md.contains("(with --show-values)"));
    // Dutch headings.
    let (_, nl) = run("nl", "r-nl.md", &[]);
    let nl = String::from_utf8(nl).unwrap();
    for section in ["## Transformatie", "## Informatieverlies", "## Voor en na"] {
        assert!(nl.contains(section), "no {section}");
    }
    // The PDF form too.
    let (_, pdf) = run("en", "r.pdf", &[]);
    assert!(pdf.starts_with(b"%PDF-"));
    // Every released QI value is what the mapping says its original becomes.
    let map = std::fs::read_to_string(&mapping).unwrap();
    let mut to: std::collections::HashMap<(String, String), String> = Default::default();
    for line in map.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        to.insert((f[0].into(), f[1].into()), f[2].into());
    }
    let input = std::fs::read_to_string(ADULT).unwrap();
    let head: Vec<&str> = input.lines().next().unwrap().split(';').collect();
    let released_head: Vec<&str> = release.lines().next().unwrap().split(';').collect();
    assert_eq!(head, released_head, "columns and delimiter kept");
    // Removed records are gone; match the rest by their non-QI columns in order.
    let mut checked = 0;
    let mut originals = input.lines().skip(1);
    for line in release.lines().skip(1) {
        let r: Vec<&str> = line.split(';').collect();
        let o: Vec<&str> = loop {
            let o: Vec<&str> = originals.next().unwrap().split(';').collect();
            let same_rest = head
                .iter()
                .enumerate()
                .all(|(i, h)| ["age", "sex", "race"].contains(h) || o[i] == r[i]);
            if same_rest {
                break o;
            }
        };
        for qi in ["age", "sex", "race"] {
            let i = head.iter().position(|h| *h == qi).unwrap();
            assert_eq!(
                to[&(qi.to_string(), o[i].to_string())],
                r[i],
                "{qi} {}",
                o[i]
            );
            checked += 1;
        }
    }
    assert!(checked > 2_000 * 3, "{checked}");
}

/// When no transformation meets the targets, `anonymise --report` still
/// documents the attempt: nothing released, why, what was searched and the
/// original analysed; neither the release nor the mapping is written.
#[test]
fn the_release_report_says_when_nothing_was_released() {
    let d = scratch("no-release");
    for (lang, words) in [
        (
            "en",
            [
                "→ nothing released",
                "No transformation meets the targets with at most 0% of the records suppressed",
                "The search covered every transformation",
                "## The original, analysed",
            ],
        ),
        (
            "nl",
            [
                "→ niets vrijgegeven",
                "Geen transformatie haalt de normen met hoogstens 0% van de records onderdrukt",
                "De zoektocht besloeg elke transformatie",
                "## Het origineel, geanalyseerd",
            ],
        ),
    ] {
        let p = |name: &str| {
            d.join(format!("{lang}-{name}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        let (out, report, mapping) = (p("release.csv"), p("r.md"), p("map.csv"));
        let o = run_env(
            &[
                "anonymise",
                ADULT,
                "--qi",
                "age,sex,race",
                "--k",
                "5",
                "--l",
                "30",
                "--sensitive",
                "occupation",
                "--suppression",
                "0",
                "--out",
                &out,
                "--report",
                &report,
                "--mapping",
                &mapping,
                "--lang",
                lang,
                "-q",
            ],
            &[],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let exists = |f: &str| std::path::Path::new(f).exists();
        assert!(!exists(&out) && !exists(&mapping));
        let md = std::fs::read_to_string(&report).unwrap();
        contains_all(&md, &words);
        assert!(!md.contains("## Before and after") && !md.contains("## Voor en na"));
    }
}

/// Tables are written in the format of their extension; one kanon does not
/// write is refused before the work instead of a CSV under that name.
#[test]
fn table_outputs_refuse_an_extension_they_cannot_write() {
    let d = scratch("extensions");
    let p = |name: &str| d.join(name).to_str().unwrap().to_string();
    let refused = |args: &[&str], flag: &str, path: &str| {
        let o = run_env(args, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(flag) && err.contains(".parquet"), "{err}");
        assert!(!std::path::Path::new(path).exists());
    };
    let xlsx = p("released.xlsx");
    refused(
        &[
            "anonymise",
            ADULT,
            "--qi",
            "age,sex",
            "--k",
            "2",
            "--out",
            &xlsx,
        ],
        "--out",
        &xlsx,
    );
    let jsonl = p("synth.jsonl");
    refused(&["synth", "--rows", "10", "--out", &jsonl], "--out", &jsonl);
    let json = p("records.json");
    refused(
        &["analyse", ADULT, "--qi", "age", "--records", &json],
        "--records",
        &json,
    );
    // Upper case is the same extension.
    let upper = p("synth.CSV");
    let o = run_env(&["synth", "--rows", "10", "--out", &upper], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `kanon init INPUT` like every other command (the older `kanon init
/// POLICY --input INPUT` still works).
#[test]
fn init_takes_its_input_like_the_other_commands() {
    let d = scratch("init");
    let policy = d.join("policy.toml");
    let o = run_env(&["init", ADULT, "--policy", policy.to_str().unwrap()], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(
        text.contains("adult_subset.csv") && text.contains("quasi_identifiers"),
        "{text}"
    );
    let o = run_env(&["init"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("kanon init INPUT"));
}

/// `--hierarchy DIR` in every command: the directory's `COL.csv` or
/// `NAME_hierarchy_COL.csv` files, each command taking those it uses,
/// the same result as naming them one by one.
#[test]
fn a_directory_of_hierarchies() {
    let json = |args: &[&str]| -> serde_json::Value {
        let o = run_env(args, &[]);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let h = |c: &str| format!("{c}=fixtures/adult/adult_hierarchy_{c}.csv");
    let (age, race, sex) = (h("age"), h("race"), h("sex"));
    let base = [
        "suggest",
        ADULT,
        "--qi",
        "age,sex,race",
        "--k",
        "5",
        "--json",
    ];
    let one_by_one = json(
        &[
            &base[..],
            &[
                "--hierarchy",
                &age,
                "--hierarchy",
                &race,
                "--hierarchy",
                &sex,
            ],
        ]
        .concat(),
    );
    let by_dir = json(&[&base[..], &["--hierarchy", "fixtures/adult"]].concat());
    assert_eq!(one_by_one["search"]["levels"], by_dir["search"]["levels"]);
    assert_eq!(
        one_by_one["search"]["hierarchies"],
        by_dir["search"]["hierarchies"]
    );
    // A column named explicitly wins over the directory's file.
    let mixed = json(
        &[
            &base[..],
            &[
                "--hierarchy",
                "fixtures/adult",
                "--hierarchy",
                "age=interval:10,20",
            ],
        ]
        .concat(),
    );
    assert_eq!(mixed["search"]["hierarchies"]["age"], "interval:10,20");
    // analyse takes the sensitive attribute's hierarchy from the directory.
    let t = |extra: &[&str]| {
        let a = [
            "analyse",
            ADULT,
            "--qi",
            "age,sex",
            "--sensitive",
            "occupation",
            "--t-distance",
            "hierarchical",
            "--json",
        ];
        json(&[&a[..], extra].concat())["inference"]["occupation"]["t_closeness"].clone()
    };
    let occupation = h("occupation");
    assert_eq!(
        t(&["--hierarchy", "fixtures/adult"]),
        t(&["--hierarchy", &occupation])
    );
}

/// Every word in `out`, naming the first one missing.
fn contains_all(out: &str, words: &[&str]) {
    for word in words {
        assert!(out.contains(word), "no '{word}' in:\n{out}");
    }
}

/// The terminal output of `kanon ARGS --lang nl`, checked to hold every word.
fn said_in_dutch(args: &[&str], words: &[&str]) -> String {
    let o = run_env(&[args, &["--lang", "nl"][..]].concat(), &[]);
    let nl = String::from_utf8(o.stdout).unwrap();
    contains_all(&nl, words);
    nl
}

/// `--lang nl` reaches the terminal summary: headings, labels, verdicts and
/// the targets missed in Dutch, with the same figures.
#[test]
fn the_terminal_summary_speaks_dutch() {
    let run = |lang: &str| {
        let o = run_env(
            &[
                "analyse",
                ADULT,
                "--qi",
                "age,sex,race",
                "--k",
                "5",
                "--max-risk",
                "20%",
                "--lang",
                lang,
            ],
            &[],
        );
        assert_eq!(o.status.code(), Some(1));
        String::from_utf8(o.stdout).unwrap()
    };
    let (en, nl) = (run("en"), run("nl"));
    contains_all(
        &nl,
        &[
            "Equivalentieklassen",
            "Herleidbaarheid",
            "Heridentificatierisico",
            "Bijdrage per attribuut",
            "WP216-beoordeling",
            "VOLDOET NIET",
            "norm niet gehaald: k (kleinste groep) 1 (norm ≥ 5)",
            "Normen",
            "NIET GEHAALD  hoogste prosecutor-risico 100% (norm ≤ 20%)",
            "2 van de 2 normen niet gehaald",
            // Dutch number marks: a decimal comma and a thousands point.
            "3.016 records",
            "(11,90%)",
        ],
    );
    assert!(
        en.contains("3,016 records") && en.contains("(11.90%)"),
        "{en}"
    );
    for english in [
        "Equivalence classes",
        "Singling out",
        "target missed",
        "targets missed",
        "FAIL",
    ] {
        assert!(
            !nl.contains(english),
            "'{english}' in the Dutch summary:\n{nl}"
        );
    }
    assert!(en.contains("2 of 2 targets missed"));
    // The inference and population sections too.
    said_in_dutch(
        &[
            "analyse",
            ADULT,
            "--qi",
            "age,sex",
            "--sensitive",
            "occupation",
            "--population-size",
            "300000",
        ],
        &[
            "Deduceerbaarheid — gevoelig 'occupation'",
            "slechtste groepen",
            "Uniciteit in de populatie",
            "Individueel risico",
        ],
    );
    // And the summary of suggest (and anonymise).
    said_in_dutch(
        &["suggest", ADULT, "--qi", "age,sex,race", "--k", "5"],
        &[
            "hoogstens 0,00% van de records onderdrukt",
            "niveau",
            "records vrijgegeven in",
            "optimaal",
            "knopen van het rooster bekeken",
        ],
    );
    // And the linkage figures of link (and of analyse --aux).
    said_in_dutch(
        &["link", ADULT, "--aux", ADULT, "--on", "age,sex,race"],
        &[
            "Tabel van de aanvaller",
            "gekoppeld op",
            "unieke overeenkomsten (L1)",
            "koppelrisico (L7)",
            "WP216 koppelbaarheid",
        ],
    );
    // SUDA, the QI subsets, person-level k and the warnings (notices).
    let nl = said_in_dutch(
        &[
            "analyse",
            ADULT,
            "--qi",
            "age,sex,race",
            "--suda",
            "--subsets",
            "2",
            "--person-id",
            "education",
        ],
        &[
            "Bijzondere unieken (SUDA2)",
            "records met een MSU",
            "bijdrage",
            "Deelverzamelingen van QI's",
            "kleinste deelverzamelingen die personen herkenbaar maken",
            "k op persoonsniveau",
            "Waarschuwingen",
            "niet opgegeven kolommen die een aanvaller kan kennen",
        ],
    );
    for english in [
        "Special uniques",
        "QI subsets",
        "Person-level",
        "not declared",
    ] {
        assert!(!nl.contains(english), "'{english}' in:\n{nl}");
    }
    // And profile.
    let nl = said_in_dutch(
        &["profile", ADULT],
        &[
            "kolom",
            "uniciteit",
            "rol",
            "reden",
            "quasi-identificator?",
            "verschillende waarden",
        ],
    );
    assert!(!nl.contains("distinct values"), "{nl}");
}

/// The auditor's report in Dutch has no English left: every cell and
/// line of the Markdown report of an analysis with every section (and of a
/// release report) differs from the English one, except names (columns,
/// models, the tool) and words both languages share.
#[test]
fn the_dutch_report_has_no_english_left() {
    let d = scratch("dutch-audit");
    let cells = |lang: &str, args: &[&str]| -> Vec<String> {
        let report = d.join(format!("{lang}-{}.md", args[0]));
        let r = report.to_str().unwrap();
        let o = run_env(
            &[args, &["--report", r, "--lang", lang, "-q"][..]].concat(),
            &[("SOURCE_DATE_EPOCH", "1764720000")],
        );
        assert!(
            o.status.code().unwrap() < 2,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let md = std::fs::read_to_string(&report).unwrap();
        md.lines()
            .flat_map(|line| match line.strip_prefix('|') {
                Some(row) => row.split('|').map(|c| c.trim().to_string()).collect(),
                None => vec![line.trim().to_string()],
            })
            .collect()
    };
    let shared = [
        "age",
        "sex",
        "race",
        "education",
        "occupation",
        "age, sex, race, education",
        "age, sex, race",
        "prosecutor",
        "journalist",
        "marketer",
        "Pitman",
        "Zayatz",
        "kanon",
        "parameter",
        "records",
    ];
    let out = d.join("release.csv");
    for args in [
        &[
            "analyse",
            ADULT,
            "--qi",
            "age,sex,race,education",
            "--sensitive",
            "occupation",
            "--k",
            "5",
            "--l",
            "2",
            "--population-size",
            "300000",
            "--suda",
        ][..],
        &[
            "anonymise",
            ADULT,
            "--qi",
            "age,sex,race",
            "--k",
            "5",
            "--out",
            out.to_str().unwrap(),
        ][..],
    ] {
        let (en, nl) = (cells("en", args), cells("nl", args));
        assert_eq!(
            en.len(),
            nl.len(),
            "{}: the reports differ in shape",
            args[0]
        );
        let english: Vec<&String> = en
            .iter()
            .zip(&nl)
            .filter(|(e, n)| e == n)
            .map(|(e, _)| e)
            .filter(|e| e.chars().filter(|c| c.is_ascii_lowercase()).count() >= 3)
            .filter(|e| {
                !shared.contains(&e.as_str()) && !e.starts_with("kanon ") && !e.starts_with("auto:")
            })
            .filter(|e| !e.ends_with(".csv"))
            .collect();
        assert!(
            english.is_empty(),
            "{}: the same in both languages: {english:?}",
            args[0]
        );
    }
}

/// `--no-contribution` skips attribute contribution and says so: the JSON's
/// `attributes` is null (not an empty list), the terminal says "not
/// computed", and every other figure is the same.
#[test]
fn attribute_contribution_can_be_skipped() {
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_slice(&run_env(args, &[]).stdout).unwrap()
    };
    let args = ["analyse", ADULT, "--qi", "age,sex,race", "--json", "-q"];
    let mut with = json(&args);
    let without = json(&[&args[..], &["--no-contribution"]].concat());
    assert!(with["attributes"].as_array().is_some_and(|a| a.len() == 3));
    assert!(without["attributes"].is_null());
    with["attributes"] = serde_json::Value::Null;
    assert_eq!(with["k_anonymity"], without["k_anonymity"]);
    assert_eq!(with["risk"], without["risk"]);
    let o = run_env(
        &[
            "analyse",
            ADULT,
            "--qi",
            "age,sex,race",
            "--no-contribution",
        ],
        &[],
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Attribute contribution\n  not computed (--no-contribution)"),
        "{text}"
    );
}

/// `suggest --count` searches a frequency table (one row per combination
/// with its count, as `kanon sql` makes it) and finds the same optimum as
/// on the records themselves; `anonymise --count` writes the generalised
/// frequency table, whose analysis meets k.
#[test]
fn suggest_and_anonymise_take_a_frequency_table() {
    let d = scratch("frequency");
    // Run kanon, require exit 0, return stdout.
    let ok = |args: &[&str]| -> Vec<u8> {
        let o = run_env(args, &[]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    let qis = ["age", "sex", "race", "marital_status", "education"];
    let (freq, classes, records) = census_frequency_table(&d, "freq.csv", &qis, 5000);
    let freq = freq.to_str().unwrap();
    let qi_list = qis.join(",");
    let search = |input: &str, extra: &[&str]| -> serde_json::Value {
        let args = [
            &["suggest", input, "--qi", &qi_list, "--k", "5"][..],
            &["--suppression", "2%", "--json", "-q"],
            extra,
        ]
        .concat();
        serde_json::from_slice::<serde_json::Value>(&ok(&args)).unwrap()["search"].clone()
    };
    let (rows, table) = (
        search("fixtures/census.csv", &[]),
        search(freq, &["--count", "n"]),
    );
    assert!(classes < records, "the table is aggregated");
    for key in ["levels", "suppressed", "loss", "utility", "nodes_checked"] {
        assert_eq!(rows[key], table[key], "{key}");
    }
    assert_eq!(
        rows["result"]["k_anonymity"],
        table["result"]["k_anonymity"]
    );
    assert_eq!(
        table["result"]["input"]["records"],
        rows["result"]["input"]["records"]
    );
    // anonymise writes the generalised frequency table, count column kept.
    let out = d.join("released.csv");
    ok(&[
        "anonymise",
        freq,
        "--qi",
        &qis.join(","),
        "--k",
        "5",
        "--suppression",
        "2%",
        "--count",
        "n",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&ok(&[
        "analyse",
        out.to_str().unwrap(),
        "--qi",
        &qis.join(","),
        "--count",
        "n",
        "--k",
        "5",
        "--json",
        "-q",
    ]))
    .unwrap();
    assert!(v["k_anonymity"]["k"].as_u64().unwrap() >= 5);
    // With a sensitive attribute: the table grouped on it too (as `kanon
    // sql` groups), each class's histogram rebuilt from the counts.
    let (freq_s, _, _) = census_frequency_table(
        &d,
        "freq_s.csv",
        &["age", "sex", "race", "occupation"],
        5000,
    );
    let l_search = |input: &str, extra: &[&str]| -> serde_json::Value {
        let args = [
            &["suggest", input, "--qi", "age,sex,race", "--k", "3"][..],
            &[
                "--suppression",
                "5%",
                "--sensitive",
                "occupation",
                "--l",
                "3",
            ],
            &["--json", "-q"],
            extra,
        ]
        .concat();
        serde_json::from_slice::<serde_json::Value>(&ok(&args)).unwrap()["search"].clone()
    };
    let (rows, table) = (
        l_search("fixtures/census.csv", &[]),
        l_search(freq_s.to_str().unwrap(), &["--count", "n"]),
    );
    assert!(rows["levels"].is_object());
    for key in ["levels", "suppressed", "loss", "utility", "nodes_checked"] {
        assert_eq!(rows[key], table[key], "{key}");
    }
    for key in ["k_anonymity", "inference", "classes"] {
        assert_eq!(rows["result"][key], table["result"][key], "result.{key}");
    }
    // Sampling weights reach the analysis of the result; the search's
    // targets count records.
    let weighted = |extra: &[&str]| -> serde_json::Value {
        let args = [
            &[
                "suggest",
                "fixtures/sdcmicro/testdata.csv",
                "--qi",
                "urbrur,roof,sex,age",
            ][..],
            &["--k", "3", "--suppression", "5%", "--json", "-q"],
            extra,
        ]
        .concat();
        serde_json::from_slice::<serde_json::Value>(&ok(&args)).unwrap()["search"].clone()
    };
    let (plain, with_w) = (weighted(&[]), weighted(&["--weight", "sampling_weight"]));
    assert_eq!(plain["levels"], with_w["levels"]);
    assert_eq!(
        with_w["result"]["input"]["weight_column"],
        "sampling_weight"
    );
    assert_ne!(plain["result"]["risk"], with_w["result"]["risk"]);
}

/// The census fixture's first `records` records as a frequency table over
/// `qis` (column `n`): its path, rows and records.
fn census_frequency_table(
    dir: &std::path::Path,
    name: &str,
    qis: &[&str],
    records: usize,
) -> (std::path::PathBuf, usize, usize) {
    let raw = std::fs::read_to_string("fixtures/census.csv").unwrap();
    let head: Vec<&str> = raw.lines().next().unwrap().split(',').collect();
    let at: Vec<usize> = qis
        .iter()
        .map(|q| head.iter().position(|h| h == q).unwrap())
        .collect();
    let mut counts: std::collections::BTreeMap<Vec<String>, u64> = Default::default();
    for line in raw.lines().skip(1).take(records) {
        let f: Vec<&str> = line.split(',').collect();
        *counts
            .entry(at.iter().map(|&i| f[i].to_string()).collect())
            .or_default() += 1;
    }
    let mut table = format!("{},n\n", qis.join(","));
    for (key, n) in &counts {
        table.push_str(&format!("{},{n}\n", key.join(",")));
    }
    let path = dir.join(name);
    std::fs::write(&path, table).unwrap();
    (path, counts.len(), records.min(raw.lines().count() - 1))
}

/// `link`, `analyse --aux` and `check` read frequency tables (release and
/// attacker table) as the records they stand for: every linkage figure
/// equals the one from the records themselves. Before, `analyse --count
/// --aux` counted the release's rows as records (a unique-match rate of 1
/// where the records give 0.028).
#[test]
fn link_and_check_take_a_frequency_table() {
    let d = scratch("frequency-link");
    let qis = ["age", "sex", "race"];
    let (release, _, _) = census_frequency_table(&d, "release.csv", &qis, 5000);
    let (attacker, rows, _) = census_frequency_table(&d, "attacker.csv", &qis, 500);
    // The attacker's 500 records as rows.
    let raw = std::fs::read_to_string("fixtures/census.csv").unwrap();
    let aux_rows: String = raw
        .lines()
        .take(501)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{}\n", f[0], f[1], f[2])
        })
        .collect();
    let aux_raw = d.join("attacker_rows.csv");
    std::fs::write(&aux_raw, aux_rows).unwrap();
    assert!(rows < 500);
    let (release, attacker, aux_raw) = (
        release.to_str().unwrap(),
        attacker.to_str().unwrap(),
        aux_raw.to_str().unwrap(),
    );
    let json = |args: &[&str]| -> serde_json::Value {
        let o = run_env(&[args, &["--json", "-q"]].concat(), &[]);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    // The linkage figures, without the attacker file's own description.
    let figures = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("attacker_file");
        v
    };
    let qi = "age,sex,race";
    let want = figures(
        json(&[
            "analyse",
            "fixtures/census.csv",
            "--qi",
            qi,
            "--aux",
            aux_raw,
            "--no-profile",
        ])["linkage"]
            .clone(),
    );
    assert_eq!(want["release_records"], 5000);
    assert_eq!(want["attacker_records"], 500);
    for aux in [
        &["--aux", aux_raw][..],
        &["--aux", attacker, "--aux-count", "n"],
    ] {
        let args = [
            &[
                "analyse",
                release,
                "--count",
                "n",
                "--qi",
                qi,
                "--no-profile",
            ][..],
            aux,
        ]
        .concat();
        assert_eq!(figures(json(&args)["linkage"].clone()), want, "{aux:?}");
        let linked = json(&[&["link", release, "--count", "n"][..], aux].concat());
        assert_eq!(figures(linked["linkability"].clone()), want, "link {aux:?}");
    }
    // Ground-truth ids pair records, and earlier releases pair rows: a
    // frequency table has neither, so both are refused.
    for bad in [
        &["link", release, "--count", "n", "--previous", release][..],
        &[
            "link",
            release,
            "--count",
            "n",
            "--aux",
            aux_raw,
            "--release-id",
            "age",
            "--aux-id",
            "age",
        ],
    ] {
        assert_eq!(run_env(bad, &[]).status.code(), Some(2), "{bad:?}");
    }
    // check: the policy's table given as a frequency table on the command line.
    let policy = d.join("kanon.toml");
    let census = std::fs::canonicalize("fixtures/census.csv").unwrap();
    std::fs::write(
        &policy,
        format!(
            "[input]\nfiles = [{census:?}]\n[columns]\nquasi_identifiers = [\"age\", \"sex\", \"race\"]\n[targets]\nk = 2\n"
        ),
    )
    .unwrap();
    let direct = json(&["check", "--config", policy.to_str().unwrap()]);
    let counted = json(&[
        "check",
        "--config",
        policy.to_str().unwrap(),
        release,
        "--count",
        "n",
    ]);
    for key in [
        "classes",
        "k_anonymity",
        "sample_uniques",
        "risk",
        "targets",
        "targets_met",
    ] {
        assert_eq!(direct[key], counted[key], "{key}");
    }
    assert_eq!(counted["input"]["count_column"], "n");
}

/// The JSON Schemas in docs/schema/ are the ones the output types derive
/// (`KANON_BLESS=1` rewrites them), and real outputs of every command
/// validate against them (Python's jsonschema, which .ci/run installs).
#[test]
fn json_outputs_follow_their_published_schemas() {
    let dir = std::path::Path::new("docs/schema");
    let bless = std::env::var_os("KANON_BLESS").is_some();
    for (name, schema) in kanon::report::json_schemas() {
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, &schema).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema,
            "{name} is stale: run KANON_BLESS=1 cargo test --test cli interface"
        );
    }
    let has_validator = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_validator {
        assert!(
            std::env::var_os("KANON_REQUIRE_JSONSCHEMA").is_none(),
            "KANON_REQUIRE_JSONSCHEMA is set but Python's jsonschema is missing"
        );
        eprintln!("skipped: interface::json_outputs_follow_their_published_schemas validation needs Python's jsonschema (pip install jsonschema); .ci/run installs it");
        return;
    }
    let d = scratch("schema");
    let h = |c: &str| format!("{c}=fixtures/adult/adult_hierarchy_{c}.csv");
    let runs: [(&str, Vec<String>); 5] = [
        (
            "analyse",
            vec![
                "analyse",
                ADULT,
                "--qi",
                "age,sex,race",
                "--sensitive",
                "occupation",
                "--k",
                "5",
                "--population-size",
                "300000",
                "--suda",
                "--aux",
                ADULT,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        ),
        (
            "analyse",
            vec![
                "analyse",
                "fixtures/census.csv",
                "--qi",
                "age,sex",
                "--l",
                "2",
                "--sensitive",
                "income",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        ),
        (
            "suggest",
            vec![
                "suggest".to_string(),
                ADULT.into(),
                "--qi".into(),
                "age,sex,race".into(),
                "--k".into(),
                "5".into(),
                "--hierarchy".into(),
                h("age"),
            ],
        ),
        (
            "link",
            vec!["link", ADULT, "--aux", ADULT, "--on", "age,sex,race"]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        (
            "profile",
            vec!["profile", ADULT]
                .into_iter()
                .map(String::from)
                .collect(),
        ),
    ];
    for (i, (schema, mut args)) in runs.into_iter().enumerate() {
        args.push("--json".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_env(&args, &[]);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = d.join(format!("{i}.json"));
        std::fs::write(&out, &o.stdout).unwrap();
        let check = Command::new("python3")
            .args([
                "-c",
                "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); \
                 jsonschema.validate(json.load(open(sys.argv[2])), s, cls=jsonschema.Draft202012Validator)",
                dir.join(format!("{schema}.schema.json")).to_str().unwrap(),
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{args:?} does not follow docs/schema/{schema}.schema.json: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// The search takes δ over present values and enhanced β as analyse
/// checks them: the release meets the variant asked for, present-values δ
/// (weaker than strict) needs no more generalisation and enhanced β
/// (stronger than basic) no less.
#[test]
fn suggest_searches_each_delta_and_beta_variant() {
    let search = |extra: &[&str]| -> serde_json::Value {
        let args = [
            &["suggest", "fixtures/adult/adult_subset.csv"][..],
            &["--qi", "sex,age,race,marital-status", "--k", "2"],
            &["--suppression", "5%", "--sensitive", "salary-class"],
            &["--hierarchy", "fixtures/adult", "--json", "-q"],
            extra,
        ]
        .concat();
        let o = run_env(&args, &[]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["search"].clone()
    };
    let height = |s: &serde_json::Value| -> u64 {
        s["levels"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum()
    };
    let checked = |s: &serde_json::Value, what: &str| {
        let t = &s["result"]["targets"];
        let target = t
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] != "k")
            .unwrap();
        assert_eq!(target["met"], true, "{target}");
        assert!(
            target["message"].as_str().unwrap().contains(what),
            "{target}"
        );
    };
    let strict = search(&["--delta", "1.0"]);
    let present = search(&["--delta", "1.0", "--delta-variant", "present"]);
    checked(&strict, "strict");
    checked(&present, "present values");
    assert!(height(&present) <= height(&strict));
    let basic = search(&["--beta", "1.0"]);
    let enhanced = search(&["--beta", "1.0", "--beta-kind", "enhanced"]);
    checked(&basic, "basic");
    checked(&enhanced, "enhanced");
    assert!(height(&enhanced) >= height(&basic));
    assert_ne!(enhanced["levels"], basic["levels"]);
}

/// --max-uniques: one target for analyse, check and the search. The census
/// extract has 2,282 unique records of 5,000 (0.4564): a limit of exactly
/// that is met, one below is missed (exit 1); the search finds a release
/// whose share of unique records is within the limit, and the result's
/// targets list it.
#[test]
fn max_uniques_is_checked_and_searched_for() {
    let qi = "age,sex,race,marital_status,education";
    let analyse = |limit: &str| {
        let o = run_env(
            &[
                "analyse",
                "fixtures/census.csv",
                "--qi",
                qi,
                "--max-uniques",
                limit,
                "--json",
                "-q",
            ],
            &[],
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let t = v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "max_uniques")
            .cloned();
        (o.status.code(), t.unwrap())
    };
    let (code, at) = analyse("0.4564");
    assert_eq!(
        (code, &at["met"], &at["actual"]),
        (Some(0), &true.into(), &0.4564.into())
    );
    let (code, below) = analyse("0.4563");
    assert_eq!((code, &below["met"]), (Some(1), &false.into()));
    assert_eq!(
        run_env(
            &[
                "analyse",
                "fixtures/census.csv",
                "--qi",
                qi,
                "--max-uniques",
                "2"
            ],
            &[]
        )
        .status
        .code(),
        Some(2)
    );
    let o = run_env(
        &[
            "suggest",
            "fixtures/census.csv",
            "--qi",
            qi,
            "--k",
            "1",
            "--max-uniques",
            "1%",
            "--json",
            "-q",
        ],
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = &s["search"]["result"];
    assert!(
        result["sample_uniques"]["share"].as_f64().unwrap() <= 0.01,
        "{}",
        result["sample_uniques"]
    );
    let t = result["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "max_uniques")
        .unwrap();
    assert_eq!(t["met"], true);
    assert_eq!(result["targets_met"], true);
    let levels: u64 = s["search"]["levels"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(levels > 0, "the raw table has 45.64% uniques");
}

/// --max-population-uniqueness in the search: Dankar's choice over the
/// released classes (Pitman at π = 0.05 here) within the limit, confirmed
/// by the analysis of the result; the raw census extract has 8.6 %.
#[test]
fn suggest_searches_for_population_uniqueness() {
    let run = |extra: &[&str]| {
        let args = [
            &[
                "suggest",
                "fixtures/census.csv",
                "--qi",
                "age,sex,race,marital_status,education",
            ][..],
            &["--k", "1", "--json", "-q"],
            extra,
        ]
        .concat();
        run_env(&args, &[])
    };
    let o = run(&[
        "--max-population-uniqueness",
        "0.5%",
        "--population-size",
        "100000",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = &s["search"]["result"];
    let share = result["population"]["dankar"]["share"].as_f64().unwrap();
    assert!(share <= 0.005, "{share}");
    let raw: serde_json::Value =
        serde_json::from_slice(&run(&["--population-size", "100000"]).stdout).unwrap();
    assert!(
        raw["search"]["result"]["population"]["dankar"]["share"]
            .as_f64()
            .unwrap()
            > 0.05
    );
    let t = result["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "max_population_uniqueness")
        .unwrap();
    assert_eq!(t["met"], true);
    // Without a population size there is nothing to estimate: refused.
    assert_eq!(
        run(&["--max-population-uniqueness", "0.5%"]).status.code(),
        Some(2)
    );
}
