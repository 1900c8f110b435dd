//! End-to-end tests of the `kanon` binary: exit codes, bad input, formats.

use crate::common::kanon;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use polars::prelude::*;

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kanon-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A usage or input error: exit 2, one line naming what is wrong, no panic,
/// nothing on stdout, and no per-record file left behind.
fn assert_input_error(args: &[&str], expect: &[&str]) {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch(&format!("records-out-{call}"));
    let records = dir.join("records.csv");
    let mut all: Vec<&str> = args.to_vec();
    let rec = records.to_str().unwrap().to_string();
    all.extend(["--records", &rec]);
    let o = kanon(&all);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "args {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line expected: {err}");
    for e in expect {
        assert!(err.contains(e), "'{e}' not in: {err}");
    }
    assert!(o.stdout.is_empty());
    assert!(!records.exists(), "half-written output for {args:?}");
    let leftovers = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(leftovers, 0, "temporary files left for {args:?}");
}

const TABLE: &[u8] =
    b"age,sex,zip,w,n\n30,m,1000,10,2\n30,m,1000,12,1\n40,f,1001,8,3\n40,f,1002,5,1\n";

#[test]
fn missing_file_and_directory() {
    assert_input_error(
        &["analyse", "/nonexistent/x.csv", "--qi", "a"],
        &["/nonexistent/x.csv", "no such file"],
    );
    // Without an extension too: the file is missing, whatever its format.
    assert_input_error(
        &["analyse", "/nonexistent/out", "--qi", "a"],
        &["/nonexistent/out", "no such file"],
    );
    let dir = scratch("dir");
    let d = dir.join("d.csv");
    std::fs::create_dir_all(&d).unwrap();
    assert_input_error(
        &["analyse", d.to_str().unwrap(), "--qi", "a"],
        &["is a directory"],
    );
}

#[test]
fn unsupported_extension() {
    let dir = scratch("ext");
    let f = write(&dir, "t.xlsx", TABLE);
    assert_input_error(
        &["analyse", &f, "--qi", "age"],
        &["t.xlsx", "unsupported file extension"],
    );
}

#[test]
fn empty_and_header_only() {
    let dir = scratch("empty");
    let f = write(&dir, "e.csv", b"");
    assert_input_error(&["analyse", &f, "--qi", "age"], &["e.csv", "empty"]);
    let f = write(&dir, "h.csv", b"age,sex\r\n");
    assert_input_error(&["analyse", &f, "--qi", "age"], &["h.csv", "no data rows"]);
}

#[test]
fn ragged_rows_name_the_row() {
    let dir = scratch("ragged");
    let f = write(&dir, "r.csv", b"age,sex\n30,m\n40\n50,f\n");
    assert_input_error(
        &["analyse", &f, "--qi", "age"],
        &["r.csv", "row 2", "1 field", "header has 2"],
    );
    let f = write(&dir, "r2.csv", b"age,sex\n30,m\n40,f,x\n");
    assert_input_error(&["analyse", &f, "--qi", "age"], &["row 2", "3 fields"]);
}

#[test]
fn invalid_utf8() {
    let dir = scratch("utf8");
    let f = write(&dir, "u.csv", b"age,city\n30,Z\xfcrich\n");
    assert_input_error(
        &["analyse", &f, "--qi", "city"],
        &["u.csv", "invalid UTF-8 on line 2"],
    );
}

#[test]
fn duplicate_columns_unknown_and_twice_named_qis() {
    let dir = scratch("cols");
    let f = write(&dir, "d.csv", b"age,sex,age\n1,2,3\n");
    assert_input_error(
        &["analyse", &f, "--qi", "sex"],
        &["column 'age'", "duplicate"],
    );
    let f = write(&dir, "t.csv", TABLE);
    assert_input_error(
        &["analyse", &f, "--qi", "age,postcode"],
        &[
            "column 'postcode'",
            "no such column",
            "'age', 'sex', 'zip', 'w', 'n'",
        ],
    );
    assert_input_error(
        &["analyse", &f, "--qi", "age,sex,age"],
        &["'age' is named twice"],
    );
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--weight", "age"],
        &["cannot be both"],
    );
}

#[test]
fn bad_weights_and_counts() {
    let dir = scratch("weights");
    let f = write(&dir, "w.csv", b"age,w\n30,1.5\n31,-2\n");
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--weight", "w"],
        &[
            "column 'w'",
            "row 2",
            "not a positive number",
            "give --show-values",
        ],
    );
    // The value itself only on request: values of records are private.
    assert_input_error(
        &[
            "analyse",
            &f,
            "--qi",
            "age",
            "--weight",
            "w",
            "--show-values",
        ],
        &["row 2", "the value: '-2'"],
    );
    let f = write(&dir, "x.csv", b"age,w\n30,abc\n");
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--weight", "w"],
        &["row 1", "is not a number"],
    );
    let f = write(&dir, "c.csv", b"age,n\n30,2\n31,0\n");
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--count", "n"],
        &["column 'n'", "row 2", "count is not a whole number"],
    );
    let f = write(&dir, "c2.csv", b"age,n\n30,-1\n");
    assert_input_error(
        &[
            "analyse",
            &f,
            "--qi",
            "age",
            "--count",
            "n",
            "--show-values",
        ],
        &["row 1", "'-1'"],
    );
    let f = write(&dir, "c3.csv", b"age,n\n30,1.5\n");
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--count", "n"],
        &["row 1", "count is not a whole number"],
    );
}

#[test]
fn bad_targets() {
    let dir = scratch("targets");
    let f = write(&dir, "t.csv", TABLE);
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--k", "0"],
        &["--k must be at least 1"],
    );
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--k", "5"],
        &["--k 5 is larger than the table (4 records)"],
    );
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--max-risk", "2"],
        &["--max-risk"],
    );
    assert_input_error(
        &["analyse", &f, "--qi", "age", "--risk-threshold", "0"],
        &["--risk-threshold"],
    );
}

#[test]
fn exit_codes_follow_targets() {
    let dir = scratch("exit");
    let f = write(&dir, "t.csv", TABLE);
    // Classes on age: 30 x2, 40 x2 -> k = 2.
    assert_eq!(
        kanon(&["analyse", &f, "--qi", "age", "--k", "2"])
            .status
            .code(),
        Some(0)
    );
    let o = kanon(&[
        "analyse",
        &f,
        "--qi",
        "age,zip",
        "--k",
        "2",
        "--max-risk",
        "0.5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("FAIL  k-anonymity: smallest class 1 (target k ≥ 2)"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  highest prosecutor risk: 1 (target ≤ 0.5)"),
        "{out}"
    );
    assert!(out.contains("2 of 2 targets missed"));
    // No target: exit 0 whatever the risk.
    assert_eq!(
        kanon(&["analyse", &f, "--qi", "age,zip"]).status.code(),
        Some(0)
    );
}

/// The same small table in every format gives the same classes.
#[test]
fn every_format_reads_the_same() {
    let dir = scratch("formats");
    let mut df = df!(
        "age" => [30i64, 30, 40, 40, 50],
        "city name" => ["Ams", "Ams", "Utr", "Utr", "Ams"],
        "when" => ["2020-01-01", "2020-01-01", "2021-05-06", "2021-05-06", "2021-05-06"],
    )
    .unwrap();
    df.with_column(
        df.column("when")
            .unwrap()
            .cast(&DataType::Date)
            .unwrap()
            .with_name("when".into()),
    )
    .unwrap();
    let parquet = dir.join("t.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut df)
        .unwrap();
    let ipc = dir.join("t.arrow");
    IpcWriter::new(std::fs::File::create(&ipc).unwrap())
        .finish(&mut df)
        .unwrap();
    let ndjson = dir.join("t.ndjson");
    JsonWriter::new(std::fs::File::create(&ndjson).unwrap())
        .with_json_format(JsonFormat::JsonLines)
        .finish(&mut df)
        .unwrap();
    let csv = write(&dir, "t.csv", b"age,city name,when\r\n30,Ams,2020-01-01\r\n30,\"Ams\",2020-01-01\n40,Utr,2021-05-06\r\n40,Utr,2021-05-06\n50,Ams,2021-05-06\n");
    let tsv = write(&dir, "t.tsv", b"age\tcity name\twhen\n30\tAms\t2020-01-01\n30\tAms\t2020-01-01\n40\tUtr\t2021-05-06\n40\tUtr\t2021-05-06\n50\tAms\t2021-05-06\n");
    let paths = [
        csv.clone(),
        tsv,
        parquet.to_str().unwrap().to_string(),
        ipc.to_str().unwrap().to_string(),
        ndjson.to_str().unwrap().to_string(),
    ];
    for p in &paths {
        let o = kanon(&[
            "analyse",
            p,
            "--qi",
            "age,city name,when",
            "--json",
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{p}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["input"]["rows"], 5, "{p}");
        assert_eq!(v["classes"]["count"], 3, "{p}");
        assert_eq!(
            v["classes"]["histogram"],
            serde_json::json!([[1, 1], [2, 2]]),
            "{p}"
        );
    }
    // Standard input is CSV; --format overrides the extension.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(["analyse", "-", "--qi", "age,city name", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&csv).unwrap())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["input"]["path"], "-");
    assert_eq!(v["classes"]["count"], 3);
    let renamed = dir.join("table.dat");
    std::fs::copy(&parquet, &renamed).unwrap();
    let o = kanon(&[
        "analyse",
        renamed.to_str().unwrap(),
        "--qi",
        "age",
        "--format",
        "parquet",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn delimiter_flag_and_missing_tokens() {
    let dir = scratch("delim");
    let f = write(&dir, "p.txt", b"a|b\n1|x\n1|?\n2|\n2|NA\n");
    let o = kanon(&[
        "analyse",
        &f,
        "--qi",
        "a,b",
        "--delimiter",
        "|",
        "--missing",
        "?,NA",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // b: x, and three missing (?, empty, NA) as one value.
    assert_eq!(v["quasi_identifiers"][1]["distinct"], 2);
    assert_eq!(v["quasi_identifiers"][1]["missing"], 3);
    // classes: (1,x) (1,missing) (2,missing)x2
    assert_eq!(v["classes"]["count"], 3);
    assert_eq!(v["warnings"][0]["code"], "qi_missing");
    assert_eq!(v["warnings"][0]["missing"], 3);
    assert_eq!(v["warnings"][0]["tokens"], serde_json::json!(["?", "NA"]));
}

#[test]
fn frequency_table_counts_records() {
    let dir = scratch("freq");
    let f = write(&dir, "t.csv", TABLE);
    let o = kanon(&["analyse", &f, "--qi", "age,sex", "--count", "n", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // (30,m): 2+1 = 3 records, (40,f): 3+1 = 4.
    assert_eq!(v["input"]["rows"], 4);
    assert_eq!(v["input"]["records"], 7);
    assert_eq!(
        v["classes"]["histogram"],
        serde_json::json!([[3, 1], [4, 1]])
    );
    assert_eq!(v["k_anonymity"]["k"], 3);
}

#[test]
fn weights_give_journalist_risk() {
    let dir = scratch("weights-ok");
    let f = write(&dir, "t.csv", TABLE);
    let o = kanon(&["analyse", &f, "--qi", "age", "--weight", "w", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // F(30) = 10 + 12 = 22, F(40) = 8 + 5 = 13; f = 2, 2; n = 4.
    let j = &v["risk"]["journalist"];
    assert_eq!(j["basis"], "weights");
    assert_eq!(j["highest"].as_f64().unwrap(), 1.0 / 13.0);
    let marketer = (2.0 / 22.0 + 2.0 / 13.0) / 4.0;
    assert!((v["risk"]["marketer"].as_f64().unwrap() - marketer).abs() < 1e-15);
    assert!((j["average"].as_f64().unwrap() - f64::max(2.0 / 35.0, marketer)).abs() < 1e-15);
    assert_eq!(v["risk"]["prosecutor"]["highest"], 0.5);
}

#[test]
fn population_table_gives_journalist_risk() {
    let dir = scratch("population");
    let sample = write(&dir, "s.csv", b"age,sex\n30,m\n30,m\n40,f\n");
    let pop = write(
        &dir,
        "p.csv",
        b"sex;age\nm;30\nm;30\nm;30\nf;40\nf;40\nf;40\nf;40\nf;50\nm;60\n",
    );
    let o = kanon(&[
        "analyse",
        &sample,
        "--qi",
        "age,sex",
        "--population",
        &pop,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let j = &v["risk"]["journalist"];
    assert_eq!(j["basis"], "population_table");
    // F(30,m) = 3, F(40,f) = 4: highest 1/3; marketer (2/3 + 1/4)/3.
    assert_eq!(j["highest"].as_f64().unwrap(), 1.0 / 3.0);
    let m = (2.0 / 3.0 + 1.0 / 4.0) / 3.0;
    assert!((v["risk"]["marketer"].as_f64().unwrap() - m).abs() < 1e-15);
    assert_eq!(v["input"]["population"]["rows"], 9);
    assert_eq!(v["input"]["population"]["matched_rows"], 7);
}

#[test]
fn records_file_and_determinism() {
    let dir = scratch("records");
    let f = write(&dir, "t.csv", TABLE);
    let rec = dir.join("r.csv");
    let o = kanon(&[
        "analyse",
        &f,
        "--qi",
        "age,sex",
        "--records",
        rec.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(
        text,
        "row,class_id,class_size,risk\n1,0,2,0.5\n2,0,2,0.5\n3,1,2,0.5\n4,1,2,0.5\n"
    );
    let pq = dir.join("r.parquet");
    let o2 = kanon(&[
        "analyse",
        &f,
        "--qi",
        "age,sex",
        "--records",
        pq.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.stdout, o2.stdout, "same input, same JSON");
    let df = ParquetReader::new(std::fs::File::open(&pq).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 4);
}

#[test]
fn show_values_is_opt_in() {
    let dir = scratch("values");
    let f = write(&dir, "t.csv", b"name,age\nsecret1,30\nsecret2,31\n");
    let o = kanon(&["analyse", &f, "--qi", "name,age"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("secret"));
    let o = kanon(&["analyse", &f, "--qi", "name,age", "--json"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("secret"));
    let o = kanon(&["analyse", &f, "--qi", "name,age", "--show-values"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("secret1 | 30"));
}

#[test]
fn column_names_with_spaces_and_commas() {
    let dir = scratch("names");
    let f = write(&dir, "t.csv", b"\"zip, 4\",age (years)\n1,2\n1,2\n");
    let o = kanon(&["analyse", &f, "--qi", "zip\\, 4,age (years)", "--k", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
