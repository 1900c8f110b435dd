//! Policy files (`kanon init`, `kanon check`), command-line overrides,
//! report outputs and the baseline comparison (`--baseline`,
//! `--fail-on-regression`).

use std::path::PathBuf;

use crate::common::{kanon, root};
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kanon-policy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> (i32, Value, String) {
    let o = kanon(args);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v, err)
}

#[test]
fn init_writes_a_policy_that_check_runs() {
    let d = dir("init");
    let policy = d.join("kanon.toml");
    let p = policy.to_str().unwrap();
    let census = root("fixtures/census.csv");
    let (code, _, err) = run(&["init", p, "--input", &census]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(
        text.contains("quasi_identifiers = [") && text.contains("\"age\""),
        "{text}"
    );
    assert!(text.contains("sensitive = [\"income\"]"), "{text}");
    assert!(
        text.contains("EXAMPLES"),
        "targets are labelled as examples"
    );
    // Not overwritten without --force.
    let (code, _, err) = run(&["init", p, "--input", &census]);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");

    // The example k = 5 is missed on census: exit 1, reports written.
    let (code, v, err) = run(&["check", "--config", p, "--json", "-q"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(v["targets"][0]["name"], "k");
    assert!(d.join("kanon-report.html").exists() && d.join("kanon-report.json").exists());
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("kanon-report.json")).unwrap())
            .unwrap();
    assert_eq!(written, v);
    // Flags override the policy: k = 1 with a coarser QI set passes.
    let (code, v, err) = run(&[
        "check", "--config", p, "--qi", "sex", "--k", "1", "--json", "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["quasi_identifiers"].as_array().unwrap().len(), 1);
}

#[test]
fn a_hand_written_policy_with_inputs_relative_to_it() {
    let d = dir("hand");
    std::fs::create_dir_all(d.join("data")).unwrap();
    std::fs::copy(root("fixtures/census.csv"), d.join("data/census.csv")).unwrap();
    let policy = d.join("kanon.toml");
    std::fs::write(
        &policy,
        "[input]\nfiles = [\"data/census.csv\"]\n\n[columns]\nquasi_identifiers = [\"sex\", \"race\"]\nsensitive = [\"income\"]\n\n\
         [targets]\nk = 2\nl = 2\n\n[report]\nmarkdown = \"out.md\"\nlang = \"nl\"\n\n[options]\nprofile = false\n",
    )
    .unwrap();
    let (code, v, err) = run(&["check", "-c", policy.to_str().unwrap(), "--json", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["targets_met"], true);
    assert!(v["wp216"]["singling_out"]["reason"]
        .as_str()
        .unwrap()
        .contains("norm"));
    let md = std::fs::read_to_string(d.join("out.md")).unwrap();
    assert!(md.contains("Herleidbaarheid"));
}

#[test]
fn policy_mistakes_are_clear_errors() {
    let d = dir("bad");
    let policy = d.join("kanon.toml");
    std::fs::write(
        &policy,
        "[input]\nfiles = [\"x.csv\"]\n[columns]\nquasi_identifiers = [\"a\"]\n[targets]\nkk = 5\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--config", policy.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("kanon.toml") && err.contains("line 6") && err.contains("kk"),
        "{err}"
    );
    let (code, _, err) = run(&["check", "--config", "/nonexistent/kanon.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such policy file"), "{err}");
}

#[test]
fn baseline_lists_what_got_worse_and_gates_when_asked() {
    let d = dir("baseline");
    let census = root("fixtures/census.csv");
    // Last release: two QIs. This release adds age: k falls, uniques rise.
    let o = kanon(&[
        "analyse",
        &census,
        "--qi",
        "sex,race",
        "--json",
        "-q",
        "--no-profile",
    ]);
    let previous = d.join("previous.json");
    std::fs::write(&previous, &o.stdout).unwrap();
    let prev = previous.to_str().unwrap();
    let args = [
        "analyse",
        &census,
        "--qi",
        "sex,race,age",
        "--baseline",
        prev,
        "--json",
        "-q",
        "--no-profile",
    ];
    let (code, v, err) = run(&args);
    assert_eq!(code, 0, "no target, no gating: {err}");
    let b = &v["baseline"];
    assert_eq!(b["regressed"], true);
    let worse: Vec<&str> = b["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["figure"].as_str().unwrap())
        .collect();
    assert!(
        worse.contains(&"k_anonymity.k") && worse.contains(&"sample_uniques.count"),
        "{worse:?}"
    );
    assert_eq!(b["notes"][0]["code"], "baseline_qis_differ");
    let mut gated = args.to_vec();
    gated.push("--fail-on-regression");
    let (code, _, _) = run(&gated);
    assert_eq!(code, 1);
    // The terminal says it for people: figures rounded, shares as
    // percentages, verdicts in words.
    let words: Vec<&str> = gated.iter().filter(|a| **a != "--json").copied().collect();
    let text = kanon(&words);
    let text = String::from_utf8_lossy(&text.stdout);
    let since = &text[text.find("Since the baseline").unwrap()..];
    assert!(since.contains("worse highest prosecutor risk: "), "{since}");
    assert!(since.contains("regression: exit 1"), "{since}");
    for word in since.split_whitespace() {
        let digits = word.chars().filter(char::is_ascii_digit).count();
        assert!(digits <= 6 || word.contains(".json"), "'{word}' in {since}");
        assert!(!word.starts_with('"'), "'{word}' in {since}");
    }
    // Against itself nothing changed: exit 0 even when gating.
    let (code, v, _) = run(&[
        "analyse",
        &census,
        "--qi",
        "sex,race",
        "--baseline",
        prev,
        "--fail-on-regression",
        "--json",
        "-q",
        "--no-profile",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["baseline"]["regressed"], false);
    // Not a kanon report: a clear error.
    let bogus = d.join("bogus.json");
    std::fs::write(&bogus, "{\"x\": 1}").unwrap();
    let (code, _, err) = run(&[
        "analyse",
        &census,
        "--qi",
        "sex",
        "--baseline",
        bogus.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a kanon"), "{err}");
}

/// The example policies in docs/policies parse and resolve.
#[test]
fn example_policies_are_valid() {
    for name in ["public-release.toml", "restricted-sharing.toml"] {
        let path = root(&format!("docs/policies/{name}"));
        let p = kanon::run::policy::Policy::read(&path).unwrap();
        let c = p.resolve(&path).unwrap();
        assert!(!c.config.qis.is_empty(), "{name}");
        assert!(c.config.targets.k.is_some(), "{name}");
        c.config.validate().unwrap();
    }
}
