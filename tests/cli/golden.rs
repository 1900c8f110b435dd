//! Golden outputs: the exact bytes (stdout, report files) and exit code of
//! a set of runs over the fixtures. They pin kanon's behaviour across
//! refactors; a deliberate change is accepted with `KANON_BLESS=1 cargo
//! test --test golden`, which rewrites tests/golden/ (review the diff).

use std::path::{Path, PathBuf};
use std::process::Command;

const ADULT_QIS: &str =
    "age,education,marital-status,native-country,race,salary-class,sex,workclass";
const KEYS7: &str = "urbrur,roof,walls,water,electcon,relat,sex";

struct Case {
    name: &'static str,
    args: Vec<&'static str>,
    code: i32,
    /// Files the run writes (relative to the repository), kept as goldens.
    files: Vec<&'static str>,
}

fn cases() -> Vec<Case> {
    let adult = "fixtures/adult/adult_subset.csv";
    let testdata = "fixtures/sdcmicro/testdata.csv";
    let mut analyse_adult = vec![
        "analyse",
        adult,
        "--qi",
        ADULT_QIS,
        "--sensitive",
        "occupation",
        "--population-size",
        "300000",
        "--suda-max",
        "2",
        "--subsets",
        "2",
        "--k",
        "5",
        "--l",
        "2",
        "--t",
        "0.5",
        "--delta",
        "3",
        "--beta",
        "5",
        "--alpha",
        "0.9",
    ];
    let mut adult_json = analyse_adult.clone();
    adult_json.push("--json");
    analyse_adult.extend([
        "--report",
        "target/golden/adult.html",
        "--records",
        "target/golden/adult-records.csv",
    ]);
    let hier = [
        "--hierarchy",
        "age=fixtures/adult/adult_hierarchy_age.csv",
        "--hierarchy",
        "education=fixtures/adult/adult_hierarchy_education.csv",
        "--hierarchy",
        "marital-status=fixtures/adult/adult_hierarchy_marital-status.csv",
        "--hierarchy",
        "sex=fixtures/adult/adult_hierarchy_sex.csv",
        "--hierarchy",
        "race=fixtures/adult/adult_hierarchy_race.csv",
    ];
    let mut suggest = vec![
        "suggest",
        adult,
        "--qi",
        "age,education,marital-status,sex,race",
        "--k",
        "5",
        "--suppression",
        "5%",
        "--json",
    ];
    suggest.extend(hier);
    let mut anonymise = vec![
        "anonymise",
        adult,
        "--qi",
        "age,education,marital-status,sex,race",
        "--k",
        "5",
        "--sensitive",
        "occupation",
        "--l",
        "2",
        "--suppression",
        "5%",
        "--out",
        "target/golden/adult-released.csv",
        "--json",
    ];
    anonymise.extend(hier);
    vec![
        Case {
            name: "analyse-adult-text",
            args: analyse_adult,
            code: 1,
            files: vec![
                "target/golden/adult.html",
                "target/golden/adult-records.csv",
            ],
        },
        Case {
            name: "analyse-adult-json",
            args: adult_json,
            code: 1,
            files: vec![],
        },
        Case {
            name: "analyse-adult-markdown-nl",
            args: vec![
                "analyse",
                adult,
                "--qi",
                "age,sex,race",
                "--lang",
                "nl",
                "--report",
                "target/golden/adult-nl.md",
                "-q",
            ],
            code: 0,
            files: vec!["target/golden/adult-nl.md"],
        },
        Case {
            name: "analyse-testdata-json",
            args: vec![
                "analyse",
                testdata,
                "--qi",
                KEYS7,
                "--weight",
                "sampling_weight",
                "--suda",
                "--person-id",
                "ori_hid",
                "--max-global-risk",
                "0.01",
                "--json",
            ],
            code: 0,
            files: vec![],
        },
        Case {
            name: "analyse-testdata-na-both",
            args: vec![
                "analyse",
                "fixtures/sdcmicro/testdata_na.csv",
                "--qi",
                KEYS7,
                "--weight",
                "sampling_weight",
                "--missing-as",
                "both",
                "--k",
                "3",
            ],
            code: 1,
            files: vec![],
        },
        Case {
            name: "check-policy",
            args: vec![
                "check",
                "--config",
                "fixtures/golden/kanon.toml",
                "--json",
                "-q",
            ],
            code: 1,
            files: vec!["target/golden/policy.md", "target/golden/policy.json"],
        },
        Case {
            name: "suggest-adult-json",
            args: suggest,
            code: 0,
            files: vec![],
        },
        Case {
            name: "anonymise-adult",
            args: anonymise,
            code: 0,
            files: vec!["target/golden/adult-released.csv"],
        },
        Case {
            name: "link-adult-json",
            args: vec![
                "link",
                adult,
                "--aux",
                "fixtures/census.csv",
                "--on",
                "sex,race",
                "--json",
                "-q",
            ],
            code: 0,
            files: vec![],
        },
        Case {
            name: "profile-testdata-text",
            args: vec!["profile", testdata],
            code: 0,
            files: vec![],
        },
        Case {
            name: "error-missing-column",
            args: vec!["analyse", adult, "--qi", "age,nope"],
            code: 2,
            files: vec![],
        },
    ]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Text that depends on the moment, not on kanon: search times.
fn steady(text: &str) -> String {
    text.lines()
        .map(|l| match l.rfind(" s)") {
            Some(end) if l.contains(", optimal (") || l.contains("checked") => {
                let start = l[..end].rfind('(').map_or(end, |s| s + 1);
                format!("{}… s){}", &l[..start], &l[end + 3..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn compare(name: &str, got: &str, bless: bool, failures: &mut Vec<String>) {
    let path = root().join("tests/golden").join(name);
    if bless {
        std::fs::write(&path, got).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(want) if want == got => {}
        Ok(want) => {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .map_or("(lengths differ)".to_string(), |i| {
                    format!("line {}", i + 1)
                });
            failures.push(format!("{name}: differs at {line}"));
        }
        Err(_) => failures.push(format!("{name}: no golden file (run with KANON_BLESS=1)")),
    }
}

#[test]
fn golden_outputs() {
    let bless = std::env::var_os("KANON_BLESS").is_some();
    std::fs::create_dir_all(root().join("target/golden")).unwrap();
    let mut failures = Vec::new();
    for case in cases() {
        for f in &case.files {
            let _ = std::fs::remove_file(root().join(f));
        }
        let o = Command::new(env!("CARGO_BIN_EXE_kanon"))
            .args(&case.args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            // Reports carry the day they were made: a fixed one here.
            .env("SOURCE_DATE_EPOCH", "1764720000")
            .output()
            .unwrap();
        let code = o.status.code().unwrap_or(-1);
        if code != case.code {
            failures.push(format!(
                "{}: exit {code}, expected {}: {}",
                case.name,
                case.code,
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        compare(
            &format!("{}.out", case.name),
            &steady(&String::from_utf8_lossy(&o.stdout)),
            bless,
            &mut failures,
        );
        if code == 2 {
            compare(
                &format!("{}.err", case.name),
                &String::from_utf8_lossy(&o.stderr),
                bless,
                &mut failures,
            );
        }
        for f in &case.files {
            let text =
                std::fs::read_to_string(root().join(f)).unwrap_or_else(|e| format!("missing: {e}"));
            let file = Path::new(f).file_name().unwrap().to_str().unwrap();
            compare(
                &format!("{}.{file}", case.name),
                &text,
                bless,
                &mut failures,
            );
        }
    }
    assert!(
        failures.is_empty(),
        "golden outputs differ:\n{}",
        failures.join("\n")
    );
}
