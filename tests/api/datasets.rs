//! Integration tests on the shared benchmark datasets (../shared/datasets).
//!
//! Expected figures come from an independent computation in pandas,
//! `tests/reference/expected.py` (output in `expected.json`), cross-checked
//! there by a second count with Python's csv module. Its core is
//!
//! ```python
//! df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
//! f = df.groupby(qis).size()                    # class sizes f_c
//! k, J, n1 = f.min(), len(f), (f == 1).sum()
//! at_risk = f[1 / f > 0.2].sum() / n
//! F = df.groupby(qis)[weight].sum()              # journalist F_c
//! marketer = (f / F).sum() / n
//! ```

use crate::common::shared;

use kanon::progress::Silent;
use kanon::report::Report;
use kanon::run::analyse::{analyse, Config};
use serde_json::Value;

const ADULT_QIS: [&str; 8] = [
    "age",
    "education",
    "marital-status",
    "native-country",
    "race",
    "salary-class",
    "sex",
    "workclass",
];
const KEYS7: [&str; 7] = [
    "urbrur", "roof", "walls", "water", "electcon", "relat", "sex",
];

fn expected(name: &str) -> Value {
    let text = include_str!("../reference/expected.json");
    let all: Value = serde_json::from_str(text).unwrap();
    all[name].clone()
}

fn run(path: &str, qis: &[&str], weight: Option<&str>) -> Report {
    let cfg = Config {
        input: shared(path),
        qis: qis.iter().map(|s| s.to_string()).collect(),
        weight: weight.map(str::to_string),
        ..Config::default()
    };
    analyse(&cfg, &Silent).unwrap().report
}

fn close(a: f64, b: &Value, what: &str) {
    let b = b
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: no number in expected"));
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: kanon {a}, reference {b}"
    );
}

/// Compare every figure the reference computes.
fn compare(r: &Report, e: &Value, qis: &[&str]) {
    assert_eq!(r.input.rows, e["rows"].as_u64().unwrap());
    assert_eq!(r.classes.count, e["classes_count"].as_u64().unwrap());
    assert_eq!(r.classes.min_size, e["min_size"].as_u64().unwrap());
    assert_eq!(r.classes.max_size, e["max_size"].as_u64().unwrap());
    close(r.classes.mean_size, &e["mean_size"], "mean size");
    close(r.classes.median_size, &e["median_size"], "median size");
    let hist: Vec<[u64; 2]> = serde_json::from_value(e["histogram"].clone()).unwrap();
    assert_eq!(r.classes.histogram, hist);
    assert_eq!(r.k_anonymity.k, e["k"].as_u64().unwrap());
    assert_eq!(r.k_anonymity.reference_k, 5);
    assert_eq!(
        r.k_anonymity.records_below_k,
        e["records_below_5"].as_u64().unwrap()
    );
    assert_eq!(
        r.k_anonymity.classes_below_k,
        e["classes_below_5"].as_u64().unwrap()
    );
    assert_eq!(
        r.sample_uniques.count,
        e["sample_uniques"].as_u64().unwrap()
    );
    close(
        r.sample_uniques.share,
        &e["sample_uniques_share"],
        "unique share",
    );
    let p = &r.risk.prosecutor;
    close(p.highest, &e["prosecutor_highest"], "prosecutor highest");
    close(p.average, &e["prosecutor_average"], "prosecutor average");
    close(
        p.records_at_risk,
        &e["prosecutor_records_at_risk"],
        "records at risk",
    );
    for (q, (a, info)) in qis.iter().zip(
        r.attributes
            .as_ref()
            .unwrap()
            .iter()
            .zip(&r.quasi_identifiers),
    ) {
        let x = &e["per_qi"][q];
        assert_eq!(a.name, *q);
        assert_eq!(a.distinct, x["distinct"].as_u64().unwrap(), "{q}");
        close(
            a.distinction,
            &x["distinction"],
            &format!("{q} distinction"),
        );
        close(
            a.separation.unwrap(),
            &x["separation"],
            &format!("{q} separation"),
        );
        assert_eq!(a.uniques_alone, x["uniques_alone"].as_u64().unwrap(), "{q}");
        assert_eq!(
            a.uniques_without,
            x["uniques_without"].as_u64().unwrap(),
            "{q}"
        );
        assert_eq!(
            a.uniques_removed,
            x["uniques_removed"].as_u64().unwrap(),
            "{q}"
        );
        if let Some(m) = x.get("missing") {
            assert_eq!(info.missing, m.as_u64().unwrap(), "{q} missing");
        }
    }
    if e.get("marketer").is_some() {
        let j = &r.risk.journalist;
        assert_eq!(j.basis, "weights");
        close(j.highest, &e["journalist_highest"], "journalist highest");
        close(j.average, &e["journalist_average"], "journalist average");
        close(
            j.records_at_risk,
            &e["journalist_records_at_risk"],
            "journalist at risk",
        );
        close(r.risk.marketer, &e["marketer"], "marketer");
    }
}

#[test]
fn adult_with_the_eight_anonbench_qis() {
    crate::needs_shared!();
    let r = run("adult/adult.csv", &ADULT_QIS, None);
    // Headline figures (pandas): 30,162 rows, 12,458 classes, 8,841 uniques.
    assert_eq!(
        (r.input.rows, r.classes.count, r.sample_uniques.count),
        (30_162, 12_458, 8_841)
    );
    compare(&r, &expected("adult"), &ADULT_QIS);
    // Without population data the three attacker models coincide.
    assert_eq!(r.risk.journalist.basis, "sample");
    assert_eq!(r.risk.journalist.highest, r.risk.prosecutor.highest);
    assert_eq!(r.risk.marketer, r.risk.prosecutor.average);
}

#[test]
fn sdcmicro_testdata_keys7_with_weights() {
    let r = run("sdcmicro/testdata.csv", &KEYS7, Some("sampling_weight"));
    // pandas: 412 classes, 157 sample uniques, k = 1; every weight is 100.
    assert_eq!(
        (r.classes.count, r.sample_uniques.count, r.k_anonymity.k),
        (412, 157, 1)
    );
    compare(&r, &expected("testdata"), &KEYS7);
}

#[test]
fn sdcmicro_testdata_na_missing_as_own_value() {
    let r = run("sdcmicro/testdata_na.csv", &KEYS7, Some("sampling_weight"));
    compare(&r, &expected("testdata_na"), &KEYS7);
    // roof and water have empty cells: one value of their own, and a warning.
    assert_eq!(r.quasi_identifiers[1].missing, 87);
    assert_eq!(r.quasi_identifiers[3].missing, 124);
    assert_eq!(r.warnings.len(), 2);
}

#[test]
fn arx_toy_table() {
    // ARX's 7-row example: every combination of age, gender, zipcode unique.
    let r = run("arx-test/test.csv", &["age", "gender", "zipcode"], None);
    assert_eq!((r.classes.count, r.k_anonymity.k), (7, 1));
    assert_eq!(r.risk.prosecutor.records_at_risk, 1.0);
}

/// Same input, same JSON, byte for byte.
#[test]
fn json_is_deterministic() {
    crate::needs_shared!();
    let a = run("adult/adult.csv", &ADULT_QIS, None).to_json();
    let b = run("adult/adult.csv", &ADULT_QIS, None).to_json();
    assert_eq!(a, b);
    let v: Value = serde_json::from_str(&a).unwrap();
    for path in [
        "/input/path",
        "/input/rows",
        "/quasi_identifiers",
        "/classes/count",
        "/classes/min_size",
        "/classes/max_size",
        "/classes/histogram",
        "/k_anonymity/k",
        "/k_anonymity/records_below_k",
        "/sample_uniques/count",
        "/sample_uniques/share",
        "/risk/threshold",
        "/risk/prosecutor/highest",
        "/risk/prosecutor/average",
        "/risk/prosecutor/records_at_risk",
        "/risk/marketer",
        "/risk/journalist",
    ] {
        assert!(v.pointer(path).is_some(), "contract path {path} missing");
    }
    assert_eq!(v["schema_version"], 2);
}
