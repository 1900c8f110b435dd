//! Every WP216 verdict path of `analyse` (src/assess.rs, docs/wp216.md).

use std::process::Command;

use serde_json::Value;

fn run(csv: &str, args: &[&str]) -> Value {
    let dir = std::env::temp_dir().join(format!("kanon-wp216-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "t{}.csv",
        csv.len() + args.len() * 1000 + args.join("").len()
    ));
    std::fs::write(&path, csv).unwrap();
    let mut all = vec!["analyse", path.to_str().unwrap(), "--json", "--quiet"];
    all.extend(args);
    let o = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(&all)
        .output()
        .unwrap();
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn verdict(v: &Value, criterion: &str) -> String {
    v["wp216"][criterion]["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

/// n rows per value of `a`, with sensitive values from `s`.
fn table(groups: &[(&str, &[&str])]) -> String {
    let mut csv = String::from("a,s\n");
    for (a, values) in groups {
        for s in *values {
            csv.push_str(&format!("{a},{s}\n"));
        }
    }
    csv
}

#[test]
fn singling_out_paths() {
    // A unique record: fail by default.
    let v = run(
        &table(&[("x", &["1"]), ("y", &["1", "2", "3", "4", "5"])]),
        &["--qi", "a"],
    );
    assert_eq!(verdict(&v, "singling_out"), "fail");
    assert_eq!(v["wp216"]["singling_out"]["default_rule"], true);
    assert_eq!(
        v["wp216"]["singling_out"]["evidence"]["sample_uniques"],
        1.0
    );
    // No unique but a class of 3 < reference k 5: at risk.
    let v = run(
        &table(&[("x", &["1", "2", "3"]), ("y", &["1", "2", "3", "4", "5"])]),
        &["--qi", "a"],
    );
    assert_eq!(verdict(&v, "singling_out"), "at_risk");
    // All classes ≥ 5: pass.
    let five = table(&[
        ("x", &["1", "2", "3", "4", "5"]),
        ("y", &["1", "2", "3", "4", "5"]),
    ]);
    let v = run(&five, &["--qi", "a"]);
    assert_eq!(verdict(&v, "singling_out"), "pass");
    // Targets decide when given.
    let v = run(
        &table(&[("x", &["1", "2", "3"]), ("y", &["1", "2", "3"])]),
        &["--qi", "a", "--k", "3"],
    );
    assert_eq!(verdict(&v, "singling_out"), "pass");
    assert_eq!(v["wp216"]["singling_out"]["default_rule"], false);
    let v = run(&five, &["--qi", "a", "--k", "6"]);
    assert_eq!(verdict(&v, "singling_out"), "fail");
    // Linkability is never assessed without an attacker table.
    assert_eq!(verdict(&v, "linkability"), "not_assessed");
}

#[test]
fn population_estimate_is_evidence() {
    // Classes of 5 and 6 records from N = 1,000,000: no sample uniques, so
    // Dankar's rule estimates 0 population uniques and the pass stands.
    let csv = table(&[
        ("x", &["1", "2", "3", "4", "5"]),
        ("y", &["1", "2", "3", "4", "5", "6"]),
    ]);
    let v = run(&csv, &["--qi", "a", "--population-size", "1000000"]);
    assert_eq!(verdict(&v, "singling_out"), "pass");
    assert_eq!(
        v["wp216"]["singling_out"]["evidence"]["estimated_population_uniques"],
        0.0
    );
}

#[test]
fn inference_paths() {
    let base = &["--qi", "a", "--sensitive", "s"];
    // No sensitive attribute: not assessed.
    let v = run(&table(&[("x", &["1", "1", "1", "1", "1"])]), &["--qi", "a"]);
    assert_eq!(verdict(&v, "inference"), "not_assessed");
    // A homogeneous class: fail.
    let v = run(
        &table(&[
            ("x", &["1", "1", "1", "1", "1"]),
            ("y", &["1", "2", "3", "4", "5"]),
        ]),
        base,
    );
    assert_eq!(verdict(&v, "inference"), "fail");
    // One value with ≥ 90 % of a class but not homogeneous: at risk.
    let mut nine: Vec<&str> = vec!["1"; 9];
    nine.push("2");
    let v = run(
        &table(&[("x", &nine), ("y", &["1", "2", "3", "4", "5"])]),
        base,
    );
    assert_eq!(verdict(&v, "inference"), "at_risk");
    // Diverse classes: pass.
    let diverse = table(&[
        ("x", &["1", "2", "3", "4", "5"]),
        ("y", &["1", "2", "3", "4", "5"]),
    ]);
    let v = run(&diverse, base);
    assert_eq!(verdict(&v, "inference"), "pass");
    // Targets decide when given.
    let v = run(&diverse, &["--qi", "a", "--sensitive", "s", "--l", "6"]);
    assert_eq!(verdict(&v, "inference"), "fail");
    assert_eq!(v["wp216"]["inference"]["default_rule"], false);
    let v = run(&diverse, &["--qi", "a", "--sensitive", "s", "--l", "5"]);
    assert_eq!(verdict(&v, "inference"), "pass");
}

/// `analyse` profiles the columns it was not told about (values never shown).
#[test]
fn undeclared_columns_are_profiled() {
    let mut csv = String::from("age,sex,email,token,town\n");
    for i in 0..40 {
        csv.push_str(&format!(
            "{},{},p{i}@example.org,{:032x},{}\n",
            30 + i % 5,
            i % 2,
            i * 977 + 3,
            ["A", "B", "C"][i % 3]
        ));
    }
    let v = run(&csv, &["--qi", "age,sex"]);
    let all = v["warnings"].to_string();
    for notice in [
        r#"{"code":"direct_identifier","column":"email","continuous":false,"detector":"email"}"#,
        r#"{"code":"pseudonym","column":"token","detector":"hex_hash"}"#,
        r#"{"code":"undeclared_candidates","columns":["town"]}"#,
    ] {
        assert!(all.contains(notice), "{notice} in {all}");
    }
    assert!(!all.contains("@example.org"));
}
