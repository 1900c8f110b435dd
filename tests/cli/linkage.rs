//! `kanon link` and `analyse --aux`: linkage figures on hand-built tables,
//! against an independent brute-force computation on adult
//! (tests/reference/linkage.py → linkage.json), cross-release composition,
//! targets and exit codes, bad input.

use std::path::PathBuf;

use crate::common::{kanon, shared};
use serde_json::Value;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("kanon-link-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, text: &str) -> String {
    let p = dir().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn json(args: &[&str], code: i32) -> Value {
    let o = kanon(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn close(a: &Value, b: &Value, what: &str) {
    let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
    assert!(
        (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        "{what}: kanon {x}, reference {y}"
    );
}

/// The hand-built case of src/linkage/mod.rs, through the command line.
#[test]
fn hand_built_release_and_attacker() {
    let release = write(
        "hand_release.csv",
        "age,zip\n[20-30[,12**\n[20-30[,12**\n[30-40[,12**\n[30-40[,99**\n*,99**\n[40-50[,*\n",
    );
    let aux = write(
        "hand_aux.csv",
        "age,zip\n25,1234\n35,1299\n99,5555\n45,9900\n",
    );
    let v = json(&["link", &release, "--aux", &aux, "--json", "-q"], 0);
    let l = &v["linkability"];
    assert_eq!(l["attacker_records"], 4);
    assert_eq!(l["matched_records"], 3);
    assert_eq!(l["unique_matches"], 1);
    assert_eq!(l["unique_match_rate"], 0.25);
    assert_eq!(l["expected_correct_links"], 2.0);
    assert_eq!(l["group_link_rate"], 0.5);
    assert_eq!(v["verdict"]["verdict"], "fail");
    // A target on the unique-match rate gates: exit 1.
    let v = json(
        &[
            "link",
            &release,
            "--aux",
            &aux,
            "--max-unique-match-rate",
            "0.1",
            "--json",
            "-q",
        ],
        1,
    );
    assert_eq!(v["targets"][0]["met"], false);
    assert_eq!(v["verdict"]["default_rule"], false);
}

fn reference() -> Value {
    serde_json::from_str(include_str!("../reference/linkage.json")).unwrap()
}

fn compare(got: &Value, want: &Value, case: &str) {
    for key in [
        "attacker_records",
        "matched_records",
        "unique_matches",
        "unique_match_rate",
        "expected_correct_links",
        "group_links",
        "group_link_rate",
    ] {
        close(&got[key], &want[key], &format!("{case} {key}"));
    }
    let sizes: Vec<u64> = got["match_sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["attacker_records"].as_u64().unwrap())
        .collect();
    let want_sizes: Vec<u64> = want["match_sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(sizes, want_sizes, "{case} match sizes");
    close(
        &got["risk"]["value"],
        &want["risk_value"],
        &format!("{case} risk"),
    );
    close(
        &got["risk"]["ci"][0],
        &want["risk_ci"][0],
        &format!("{case} risk ci low"),
    );
    close(
        &got["risk"]["ci"][1],
        &want["risk_ci"][1],
        &format!("{case} risk ci high"),
    );
}

/// adult_subset.csv (the research subset) against adult.csv on all nine
/// columns: a realistic raw-on-raw linkage.
#[test]
fn adult_subset_against_adult_agrees_with_the_reference() {
    crate::needs_shared!();
    let v = json(
        &[
            "link",
            &shared("adult/adult.csv"),
            "--aux",
            &shared("adult/adult_subset.csv"),
            "--json",
            "-q",
        ],
        0,
    );
    compare(&v["linkability"], &reference()["adult_raw"], "adult_raw");
    assert_eq!(v["linkability"]["basis"], "no_ground_truth");
}

const GEN_Q: &str = "age,sex,race,marital-status,education";

/// adult.csv with a 1-based `id` column, and the attacker table of every
/// tenth id with the five QIs raw, as tests/reference/linkage.py makes them.
fn adult_inputs() -> (String, String) {
    let text = std::fs::read_to_string(shared("adult/adult.csv")).unwrap();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let q: Vec<&str> = GEN_Q.split(',').collect();
    let pos: Vec<usize> = q
        .iter()
        .map(|c| header.iter().position(|h| h == c).unwrap())
        .collect();
    let mut with_id = format!("id;{}\n", lines[0]);
    let mut aux = format!("id;{}\n", q.join(";"));
    for (i, line) in lines[1..].iter().enumerate() {
        let id = i + 1;
        with_id.push_str(&format!("{id};{line}\n"));
        if id % 10 == 0 {
            let cells: Vec<&str> = line.split(';').collect();
            let picked: Vec<&str> = pos.iter().map(|&p| cells[p]).collect();
            aux.push_str(&format!("{id};{}\n", picked.join(";")));
        }
    }
    (write("adult_id.csv", &with_id), write("aux.csv", &aux))
}

/// Generalised releases of adult made by `kanon anonymise`, linked to raw
/// attacker records: intervals (`[20, 40[`), masks (`Bache****`), ARX
/// hierarchy labels, `*`, `(other)` and suppressed records, with and
/// without ground-truth ids.
#[test]
fn generalised_adult_releases_agree_with_the_reference() {
    crate::needs_shared!();
    let (adult_id, aux) = adult_inputs();
    let race = shared("adult/adult_hierarchy_race.csv");
    let sex = shared("adult/adult_hierarchy_sex.csv");
    let race_h = format!("race={race}");
    let sex_h = format!("sex={sex}");
    let cases: [(&str, Vec<&str>); 2] = [
        ("adult_generalised", vec![]),
        (
            "adult_masked",
            vec![
                "--hierarchy",
                &race_h,
                "--hierarchy",
                &sex_h,
                "--hierarchy",
                "marital-status=mask:3,6",
                "--hierarchy",
                "education=mask:2,4",
                "--suppression",
                "5%",
            ],
        ),
    ];
    let want = reference();
    for (case, extra) in cases {
        let release = dir().join(format!("{case}.csv"));
        let release = release.to_str().unwrap();
        let mut args = vec![
            "anonymise",
            &adult_id,
            "--qi",
            GEN_Q,
            "--k",
            "5",
            "--hierarchy",
            "age=interval:5,10,20",
        ];
        args.extend(extra);
        args.extend(["--out", release, "-q"]);
        let o = kanon(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );

        let v = json(
            &[
                "link", release, "--aux", &aux, "--on", GEN_Q, "--json", "-q",
            ],
            0,
        );
        compare(&v["linkability"], &want[case], case);

        let truth = format!("{case}_truth");
        let v = json(
            &[
                "link",
                release,
                "--aux",
                &aux,
                "--release-id",
                "id",
                "--aux-id",
                "id",
                "--json",
                "-q",
            ],
            0,
        );
        let (got, exp) = (&v["linkability"], &want[truth.as_str()]);
        compare(got, exp, &truth);
        assert_eq!(got["basis"], "ground_truth");
        assert_eq!(
            got["on"].as_array().unwrap().len(),
            5,
            "ids are not linked on"
        );
        close(
            &got["targets_in_release"],
            &exp["targets_in_release"],
            "targets",
        );
        close(&got["link_success_rate"], &exp["link_success_rate"], "LSR");
        close(
            &got["correct_unique_matches"],
            &exp["correct_unique_matches"],
            "correct unique",
        );
    }
}

/// Two releases of the same people generalised differently: the
/// composition singles people out although each release alone has k = 2.
#[test]
fn cross_release_composition() {
    let r = write(
        "cross_r.csv",
        "id,age,zip\n1,[20-40[,1234\n2,[20-40[,1234\n3,[20-40[,1299\n4,[20-40[,1299\n5,[40-60[,1234\n6,[40-60[,1234\n",
    );
    let p = write(
        "cross_p.csv",
        "id,age,zip\n1,25,12**\n2,35,12**\n3,25,12**\n4,35,12**\n5,45,12**\n6,45,12**\n",
    );
    let v = json(
        &[
            "link",
            &r,
            "--previous",
            &p,
            "--on",
            "age,zip",
            "--json",
            "-q",
        ],
        0,
    );
    let c = &v["cross_release"]["composition"];
    assert_eq!(c["aligned_by"], "row_position");
    assert_eq!(c["k_release"], 2);
    assert_eq!(c["k_previous"], 2);
    assert_eq!(c["k_intersection"], 1);
    assert_eq!(c["intersection_uniques"], 4);
    assert_eq!(v["verdict"]["verdict"], "fail");
    // Paired by id (rows shuffled in the previous release), gated with --k.
    let p2 = write(
        "cross_p2.csv",
        "id,age,zip\n6,45,12**\n1,25,12**\n3,25,12**\n2,35,12**\n4,35,12**\n5,45,12**\n",
    );
    let v = json(
        &[
            "link",
            &r,
            "--previous",
            &p2,
            "--release-id",
            "id",
            "--previous-id",
            "id",
            "--k",
            "2",
            "--json",
            "-q",
        ],
        1,
    );
    let c = &v["cross_release"]["composition"];
    assert_eq!(c["aligned_by"], "id");
    assert_eq!(c["k_intersection"], 1);
    assert_eq!(c["records_narrowed"], 4);
    assert_eq!(v["targets"][0]["name"], "k_intersection");
    assert_eq!(v["targets"][0]["met"], false);
    // The previous release read as an attacker's table: every record of it
    // is compatible with its group of two in the current release.
    assert_eq!(v["cross_release"]["linkage"]["unique_matches"], 0);
}

/// analyse --aux feeds the linkability verdict; its targets gate.
#[test]
fn analyse_with_an_attacker_table() {
    crate::needs_shared!();
    let input = shared("adult/adult.csv");
    let aux = shared("adult/adult_subset.csv");
    let v = json(
        &[
            "analyse",
            &input,
            "--qi",
            GEN_Q,
            "--aux",
            &aux,
            "--json",
            "-q",
            "--no-profile",
        ],
        0,
    );
    assert_eq!(v["wp216"]["linkability"]["verdict"], "fail");
    assert_eq!(v["linkage"]["on"].as_array().unwrap().len(), 5);
    assert!(
        v["wp216"]["linkability"]["evidence"]["unique_match_rate"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let v = json(
        &[
            "analyse",
            &input,
            "--qi",
            GEN_Q,
            "--aux",
            &aux,
            "--max-unique-match-rate",
            "0.5",
            "--json",
            "-q",
            "--no-profile",
        ],
        0,
    );
    assert_eq!(v["wp216"]["linkability"]["verdict"], "pass");
    assert_eq!(v["wp216"]["linkability"]["default_rule"], false);
    // Without --aux the verdict is not assessed and says why.
    let v = json(
        &[
            "analyse",
            &input,
            "--qi",
            GEN_Q,
            "--json",
            "-q",
            "--no-profile",
        ],
        0,
    );
    assert_eq!(v["wp216"]["linkability"]["verdict"], "not_assessed");
    assert!(v["linkage"].is_null());
}

fn error(args: &[&str]) -> String {
    let o = kanon(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!e.contains("panicked"), "{e}");
    e
}

#[test]
fn bad_linkage_input_is_a_clear_error() {
    let r = write("bad_r.csv", "id,age\n1,20\n1,30\n");
    let a = write("bad_a.csv", "id,age\n1,20\n");
    let other = write("bad_o.csv", "x,y\n1,2\n");
    let e = error(&["link", &r, "--aux", "/nonexistent/aux.csv"]);
    assert!(
        e.contains("/nonexistent/aux.csv") && e.contains("no such file"),
        "{e}"
    );
    let e = error(&["link", &r, "--aux", &a, "--on", "agee"]);
    assert!(e.contains("agee") && e.contains("no such column"), "{e}");
    let e = error(&["link", &r, "--aux", &other]);
    assert!(e.contains("shares no column"), "{e}");
    let e = error(&[
        "link",
        &r,
        "--aux",
        &a,
        "--release-id",
        "id",
        "--aux-id",
        "id",
    ]);
    assert!(
        e.contains("bad_r.csv") && e.contains("row 2") && e.contains("id"),
        "{e}"
    );
    let e = error(&["link", &r]);
    assert!(e.contains("--aux") || e.contains("--previous"), "{e}");
    let e = error(&["analyse", &r, "--qi", "age", "--aux", &a, "--aux-on", "id"]);
    assert!(e.contains("not a declared quasi-identifier"), "{e}");
    let p = write("bad_p.csv", "id,age\n1,20\n");
    let e = error(&["link", &r, "--previous", &p, "--on", "age"]);
    assert!(
        e.contains("--previous-id") && e.contains("bad_p.csv"),
        "{e}"
    );
}

#[test]
fn linkage_json_is_deterministic() {
    crate::needs_shared!();
    let args = [
        "link",
        &shared("adult/adult.csv") as &str,
        "--aux",
        &shared("adult/adult_subset.csv"),
        "--json",
        "-q",
    ];
    assert_eq!(kanon(&args).stdout, kanon(&args).stdout);
}

/// Every default-rule path of the linkability verdict.
#[test]
fn linkability_verdict_paths() {
    let verdict = |release: &str, aux: &str| {
        let r = write(&format!("v_{}.csv", release.len()), release);
        let a = write(&format!("va_{}.csv", aux.len()), aux);
        let v = json(&["link", &r, "--aux", &a, "--json", "-q"], 0);
        v["verdict"]["verdict"].as_str().unwrap().to_string()
    };
    // A unique match: fail.
    assert_eq!(verdict("q\nx\ny\ny\n", "q\nx\n"), "fail");
    // Smallest match 2, below the reference k of 5: at risk.
    assert_eq!(verdict("q\nx\nx\ny\ny\ny\n", "q\nx\ny\n"), "at_risk");
    // Every match at least 5: pass.
    assert_eq!(verdict("q\nx\nx\nx\nx\nx\nx\n", "q\nx\n"), "pass");
    // Every column comparable, but no record matches: the honest 0, pass.
    assert_eq!(
        verdict("q,r\nx,1\nx,1\nx,1\nx,1\nx,1\ny,2\n", "q,r\nx,2\n"),
        "pass"
    );
    // A column where no release value covers any attacker value cannot be
    // compared: refused, not passed (a release generalised with a
    // hierarchy kanon was not given looks like this).
    let r = write("vx_r.csv", "q\nMarried\nMarried\nSingle\n");
    let a = write("vx_a.csv", "q\nMarried-civ-spouse\nNever-married\n");
    let o = kanon(&["link", &r, "--aux", &a, "--json", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("column 'q'") && e.contains("--hierarchy"), "{e}");
    // Composition leaving intersections of 2 (< 5) but none of 1: at risk.
    let r = write("vc_r.csv", "a,b\n1,x\n1,x\n1,y\n1,y\n");
    let p = write("vc_p.csv", "a,b\n1,*\n1,*\n1,*\n1,*\n");
    let v = json(&["link", &r, "--previous", &p, "--json", "-q"], 0);
    assert_eq!(v["cross_release"]["composition"]["k_intersection"], 2);
    assert_eq!(v["verdict"]["verdict"], "at_risk");
}
