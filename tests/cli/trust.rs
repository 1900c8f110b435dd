//! No silent wrong answer, no destroyed file, no panic: the cases of the
//! "trust" issue, each through the binary as a user meets it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{kanon, root};
use serde_json::Value;

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kanon-trust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}); exit {:?}, stderr: {}",
            o.status.code(),
            err(o)
        )
    })
}

/// Run kanon with `input` on standard input.
fn kanon_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Exit 2 with a message containing every `expect`, and no panic.
fn refused(o: &Output, expect: &[&str]) {
    let e = err(o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        !e.contains("panicked") && !e.contains("internal error"),
        "{e}"
    );
    for x in expect {
        assert!(e.contains(x), "'{x}' not in: {e}");
    }
}

/// Records in the table: `input.rows` of the JSON.
fn rows(v: &Value) -> u64 {
    v["input"]["rows"].as_u64().unwrap()
}

// Five records; rows 2 and 4 hold a quote inside an unquoted field. A
// reader that toggles quoting on every `"` joins rows 2 to 4 into one.
const STRAY: &[u8] = b"a,b\n1,x\n2,y\"z\n3,y\n4,w\"q\n5,y\n";

#[test]
fn stray_quotes_are_read_literally_on_every_entry_point() {
    let d = scratch("stray");
    let f = write(&d, "t.csv", STRAY);
    let k1 = |v: &Value| v["k_anonymity"]["k"].as_u64().unwrap();
    for extra in [&[][..], &["--no-profile"], &["--stream"]] {
        let mut args = vec!["analyse", &f, "--qi", "a,b", "--json"];
        args.extend_from_slice(extra);
        let v = json(&kanon(&args));
        assert_eq!((rows(&v), k1(&v)), (5, 1), "{extra:?}");
        assert_eq!(v["quasi_identifiers"][1]["distinct"], 4);
    }
    let v = json(&kanon_stdin(
        &["analyse", "-", "--qi", "a,b", "--json"],
        STRAY,
    ));
    assert_eq!(rows(&v), 5);
    // A quote in a header name, then one record.
    let h = write(&d, "h.csv", b"a,size 5\"\n1,x\n2,y\n");
    let v = json(&kanon(&["analyse", &h, "--qi", "size 5\"", "--json"]));
    assert_eq!(rows(&v), 2);
    let v = json(&kanon(&["profile", &h, "--json"]));
    assert_eq!(v["rows"], 2);
    assert_eq!(v["columns"][1]["name"], "size 5\"");
    // suggest, link (both sides) and check see the same five rows.
    let o = kanon(&["suggest", &f, "--qi", "a", "--k", "1", "--json", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["files"][0]["rows"], 5);
    let o = kanon(&["link", &f, "--aux", &f, "--on", "b", "--json", "-q"]);
    let v = json(&o);
    assert_eq!(v["linkability"]["release_records"], 5, "{v}");
    assert_eq!(v["linkability"]["attacker_records"], 5, "{v}");
    let policy = write(
        &d,
        "kanon.toml",
        format!(
            "[input]\nfiles = [\"{f}\"]\n[columns]\nquasi_identifiers = [\"a\"]\n[options]\nprofile = false\n"
        )
        .as_bytes(),
    );
    let v = json(&kanon(&["check", "--config", &policy, "--json", "-q"]));
    assert_eq!(rows(&v), 5);
}

#[test]
fn an_unclosed_quote_names_its_line() {
    let d = scratch("unclosed");
    let f = write(&d, "t.csv", b"a,b\n1,x\n2,\"y\n3,z\n");
    for args in [
        vec!["analyse", f.as_str(), "--qi", "a"],
        vec!["analyse", f.as_str(), "--qi", "a", "--stream"],
        vec!["profile", f.as_str()],
    ] {
        refused(&kanon(&args), &["t.csv", "line 3", "never closed"]);
    }
    // A quoted field that spans lines is legal CSV, and said.
    let f = write(&d, "m.csv", b"a,b\n1,\"x\ny\"\n2,z\n");
    let v = json(&kanon(&["analyse", &f, "--qi", "a", "--json"]));
    assert_eq!(rows(&v), 2);
    let w = &v["warnings"][0];
    assert_eq!(w["code"], "multiline_records", "{w}");
    assert_eq!(
        (w["records"].as_u64(), w["first_line"].as_u64()),
        (Some(1), Some(2))
    );
    // The terminal says it in words.
    let o = kanon(&["analyse", &f, "--qi", "a"]);
    let said = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        said.contains("1 record holds a line break inside a quoted field (the first on line 2)"),
        "{said}"
    );
}

/// The report without what names the file.
fn figures(mut v: Value) -> Value {
    let input = v["input"].as_object_mut().unwrap();
    input.remove("path");
    input.remove("files");
    v
}

#[test]
fn blank_lines_change_nothing() {
    let d = scratch("blank");
    let plain = std::fs::read(root("fixtures/census.csv")).unwrap();
    let text = String::from_utf8(plain.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut crlf_blank = lines[..100].join("\r\n\r\n");
    crlf_blank.push_str("\r\n\r\n\r\n");
    let mut between = lines[..100].join("\n\n");
    between.push_str("\n\n");
    let head = lines[..100].join("\n") + "\n";
    let base = write(&d, "base.csv", head.as_bytes());
    let args = |f: &str| {
        kanon(&[
            "analyse",
            f,
            "--qi",
            "age,sex,race",
            "--sensitive",
            "income",
            "--json",
        ])
    };
    let expected = figures(json(&args(&base)));
    assert_eq!(expected["input"]["rows"], 99);
    for (name, body) in [("crlf.csv", crlf_blank), ("between.csv", between)] {
        let f = write(&d, name, body.as_bytes());
        assert_eq!(figures(json(&args(&f))), expected, "{name}");
        let streamed = kanon(&[
            "analyse",
            &f,
            "--qi",
            "age,sex,race",
            "--sensitive",
            "income",
            "--json",
            "--stream",
        ]);
        let mut s = figures(json(&streamed));
        s["input"].as_object_mut().unwrap().remove("streaming");
        let mut e = expected.clone();
        e["input"]["format"] = s["input"]["format"].clone();
        assert_eq!(s["k_anonymity"], e["k_anonymity"], "{name} streamed");
        assert_eq!(s["input"]["rows"], 99);
    }
}

#[cfg(unix)]
#[test]
fn every_file_is_read_once() {
    use std::os::unix::fs::symlink;
    let d = scratch("once");
    let census = std::fs::read(root("fixtures/census.csv")).unwrap();
    let f = write(&d, "a.csv", &census);
    let analyse = |inputs: &[&str]| {
        let mut args = vec!["analyse"];
        args.extend_from_slice(inputs);
        args.extend(["--qi", "age,sex", "--json", "-q"]);
        kanon(&args)
    };
    // The same file twice, also as ./name and through a hard link.
    refused(&analyse(&[&f, &f]), &["same file"]);
    let dotted = format!("{}/./a.csv", d.display());
    refused(&analyse(&[&f, &dotted]), &["same file"]);
    let hard = d.join("hard.csv");
    std::fs::hard_link(&f, &hard).unwrap();
    refused(&analyse(&[&f, hard.to_str().unwrap()]), &["same file"]);
    std::fs::remove_file(&hard).unwrap();
    // A directory plus a file inside it.
    let dir = d.to_str().unwrap();
    refused(&analyse(&[dir, &f]), &["same file"]);
    // A directory holding a symbolic link to one of its own files.
    symlink(&f, d.join("link.csv")).unwrap();
    refused(&analyse(&[dir]), &["same file"]);
    std::fs::remove_file(d.join("link.csv")).unwrap();
    // A symbolic-link loop.
    let sub = d.join("sub");
    std::fs::create_dir(&sub).unwrap();
    symlink(&d, sub.join("back")).unwrap();
    refused(&analyse(&[dir]), &["loop"]);
    std::fs::remove_file(sub.join("back")).unwrap();
    // Kept: a link to a file outside the directory is read, two identical
    // copies are two files, _SUCCESS and hidden files are not data, a
    // gzipped CSV is read and anything else is named as not read.
    let outside = scratch("once-outside");
    let o = write(&outside, "o.csv", &census);
    symlink(&o, sub.join("o.csv")).unwrap();
    write(&d, "copy.csv", &census);
    write(&d, "_SUCCESS", b"");
    write(&d, ".a.csv.crc", b"xx");
    write(&d, "README", b"notes");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &census).unwrap();
    write(&d, "z.csv.gz", &gz.finish().unwrap());
    let v = json(&analyse(&[dir]));
    let files = v["input"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(rows(&v), 4 * 5000);
    assert!(files.iter().all(|f| f["rows"] == 5000));
    assert!(
        v["warnings"].as_array().unwrap().iter().any(
            |w| w["code"] == "file_not_read" && w["file"].as_str().unwrap().ends_with("README")
        ),
        "{}",
        v["warnings"]
    );
    // Another compression is refused by name, not skipped.
    write(&d, "y.csv.zst", b"zz");
    refused(&analyse(&[dir]), &["y.csv.zst", "compressed"]);
}

#[test]
fn every_file_read_is_counted_and_hashed() {
    use sha2::{Digest, Sha256};
    let f = root("fixtures/census.csv");
    let bytes = std::fs::read(&f).unwrap();
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let v = json(&kanon(&["analyse", &f, "--qi", "age", "--json"]));
    assert_eq!(
        v["input"]["files"],
        serde_json::json!([{"path": f, "size": bytes.len(), "sha256": hex, "rows": 5000}])
    );
    let v = json(&kanon_stdin(
        &["analyse", "-", "--qi", "age", "--json"],
        &bytes,
    ));
    assert_eq!(v["input"]["files"][0]["sha256"], hex);
    assert_eq!(v["input"]["files"][0]["path"], "-");
    // The summary shows the totals.
    let o = kanon(&["analyse", &f, "--qi", "age"]);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("read 5,000 rows from 1 file ("), "{out}");
}

fn typed(name: &str) -> String {
    root(&format!("fixtures/typed/{name}"))
}

#[test]
fn typed_columns_are_read_exactly_or_refused_by_name() {
    for file in ["types.parquet", "types.arrow"] {
        let f = typed(file);
        // Unusable columns not chosen break nothing: analyse (profiling
        // every other column), profile and init.
        let v = json(&kanon(&["analyse", &f, "--qi", "qi", "--json"]));
        assert_eq!(v["k_anonymity"]["k"], 6, "{file}");
        let w = v["warnings"].to_string();
        assert!(
            w.contains(r#""code":"not_profiled_type","column":"tags""#) && w.contains("\"point\""),
            "{w}"
        );
        let p = json(&kanon(&["profile", &f, "--json"]));
        let skipped: Vec<&str> = p["not_profiled"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(skipped, ["tags", "point"], "{file}");
        let d = scratch(&format!("init-{file}"));
        let policy = d.join("kanon.toml");
        let o = kanon(&["init", policy.to_str().unwrap(), "--input", &f]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        // DECIMAL(38,2) exactly: three values 1 apart at 35 integer digits.
        let v = json(&kanon(&[
            "analyse",
            &f,
            "--qi",
            "dec38",
            "--json",
            "--show-values",
            "--no-profile",
        ]));
        let values: Vec<String> = v["classes"]["smallest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["values"][0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            values,
            [
                "12345678901234567890123456789012345.67",
                "12345678901234567890123456789012346.67",
                "12345678901234567890123456789012347.67"
            ]
        );
        for (qi, k) in [("half", 6), ("cat", 6), ("when", 6), ("dec76", 4)] {
            let v = json(&kanon(&[
                "analyse",
                &f,
                "--qi",
                qi,
                "--json",
                "--no-profile",
            ]));
            assert_eq!(v["k_anonymity"]["k"], k, "{file} {qi}");
        }
        refused(
            &kanon(&["analyse", &f, "--qi", "tags"]),
            &["column 'tags'", "list"],
        );
    }
    // DECIMAL(60,6) in 256 bits, exactly and in numeric order, through
    // several row groups and record batches, compressed, with a missing value.
    for file in ["wide_decimal.parquet", "wide_decimal.arrow"] {
        let v = json(&kanon(&[
            "analyse",
            &typed(file),
            "--qi",
            "wide",
            "--json",
            "--show-values",
            "--no-profile",
        ]));
        assert_eq!(v["input"]["records"], 21, "{file}");
        assert_eq!(v["k_anonymity"]["k"], 3, "{file}");
        assert_eq!(v["quasi_identifiers"][0]["missing"], 3, "{file}");
        let values: Vec<&str> = v["classes"]["smallest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["values"][0].as_str().unwrap())
            .collect();
        let big = "98765432109876543210987654321098765432109876543210";
        assert_eq!(
            values,
            [
                &format!("-{big}.000001"),
                "-0.000005",
                "0.000000",
                "0.000007",
                "123.450000",
                &format!("{big}.999999"),
                "(missing)"
            ],
            "{file}"
        );
    }
    refused(
        &kanon(&["analyse", &typed("duplicate.arrow"), "--qi", "qi"]),
        &["duplicate.arrow", "column 'qi'", "duplicate column name"],
    );
    // Damaged IPC files whose compressed buffer claims terabytes once
    // uncompressed (found by the fuzzer: polars' reader allocated it and
    // aborted; in the second the message header runs past the end of the
    // file), for a chosen column and for another one.
    // The third claims 8 GiB from 16 stored bytes: within this machine's
    // memory, but more than any codec makes of them.
    for (file, why) in [
        ("claims_terabytes.arrow", "available memory"),
        ("claims_terabytes_short.arrow", "available memory"),
        (
            "claims_gigabytes.arrow",
            "more than any codec makes of its 16 bytes",
        ),
        // An uncompressed buffer whose length runs past the end of the
        // file (polars reserved its 14 TB first).
        ("buffer_beyond_end.arrow", "beyond the end of the file"),
    ] {
        for qi in ["wide", "g"] {
            refused(
                &kanon(&["analyse", &typed(file), "--qi", qi]),
                &[file, "of block", why],
            );
        }
    }
    // A Parquet footer whose list claims 28 GB of entries (found by the
    // fuzzer in CI: polars' footer decoder reserved it and aborted).
    refused(
        &kanon(&[
            "analyse",
            &typed("footer_claims_28gb.parquet"),
            "--qi",
            "qi",
        ]),
        &["footer_claims_28gb.parquet", "damaged", "unreadable footer"],
    );
    // A page claiming a negative number of values (polars reserved 2^61
    // bytes for its validity bits and aborted).
    refused(
        &kanon(&[
            "analyse",
            &typed("page_negative_values.parquet"),
            "--qi",
            "wide",
        ]),
        &[
            "page_negative_values.parquet",
            "column 'wide'",
            "negative number of values",
        ],
    );
    refused(
        &kanon(&["analyse", &typed("deep.ndjson"), "--qi", "qi"]),
        &["deep.ndjson", "line 1", "64 levels"],
    );
    // Integers beyond 64 bits: read exactly (two values, not merged).
    let v = json(&kanon(&[
        "analyse",
        &typed("bigint.ndjson"),
        "--qi",
        "id",
        "--json",
    ]));
    assert_eq!(v["quasi_identifiers"][0]["distinct"], 2);
}

#[test]
fn damaged_parquet_is_an_error_not_a_figure() {
    let good = json(&kanon(&[
        "analyse",
        &typed("checksum.parquet"),
        "--qi",
        "qi",
        "--json",
    ]));
    assert_eq!(good["k_anonymity"]["k"], 6);
    refused(
        &kanon(&["analyse", &typed("checksum_flipped.parquet"), "--qi", "qi"]),
        &[
            "checksum_flipped.parquet",
            "checksum does not match",
            "column 'qi'",
        ],
    );
    refused(
        &kanon(&["analyse", &typed("truncated.parquet"), "--qi", "qi"]),
        &["truncated.parquet"],
    );
    // Every truncation of a small Parquet, IPC and NDJSON file: an error or
    // a figure, never a crash.
    let d = scratch("cut");
    for name in ["checksum.parquet", "types.arrow", "bigint.ndjson"] {
        let bytes = std::fs::read(typed(name)).unwrap();
        for cut in (1..bytes.len()).step_by(37) {
            let f = write(&d, name, &bytes[..cut]);
            let o = kanon(&["analyse", &f, "--qi", "qi", "--no-profile", "-q"]);
            let code = o.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{name} cut at {cut}: {code:?} {}",
                err(&o)
            );
        }
    }
}

#[test]
fn sizes_are_validated() {
    let f = root("fixtures/census.csv");
    for mb in ["0", "100000", "17592186044416"] {
        refused(
            &kanon(&["analyse", &f, "--qi", "age", "--stream", "--batch-mb", mb]),
            &["--batch-mb"],
        );
    }
    let v = json(&kanon(&[
        "analyse",
        &f,
        "--qi",
        "age",
        "--stream",
        "--batch-mb",
        "1",
        "--json",
    ]));
    assert_eq!(rows(&v), 5000);
}

#[test]
fn standard_input_is_read_once_everywhere() {
    let census = std::fs::read(root("fixtures/census.csv")).unwrap();
    let v = json(&kanon_stdin(&["profile", "-", "--json"], &census));
    assert_eq!(v["rows"], 5000);
    let d = scratch("stdin");
    let out = d.join("out.csv");
    let o = kanon_stdin(
        &[
            "anonymise",
            "-",
            "--qi",
            "sex",
            "--k",
            "2",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
        &census,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 4000);
    let aux = root("fixtures/census.csv");
    let v = json(&kanon_stdin(
        &["link", "-", "--aux", &aux, "--on", "sex", "--json", "-q"],
        &census,
    ));
    assert_eq!(v["linkability"]["release_records"], 5000, "{v}");
    let policy = d.join("kanon.toml");
    let o = kanon_stdin(&["init", policy.to_str().unwrap(), "--input", "-"], &census);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // Streaming needs a file: the message says standard input.
    let o = kanon_stdin(&["analyse", "-", "--qi", "age", "--stream"], &census);
    refused(&o, &["standard input"]);
}

#[test]
fn an_internal_fault_has_its_own_exit_code() {
    let o = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(["analyse", "x.csv", "--qi", "a"])
        .env("KANON_TEST_INTERNAL_FAULT", "1")
        .output()
        .unwrap();
    let e = err(&o);
    assert_eq!(o.status.code(), Some(3), "{e}");
    assert!(
        e.contains("internal error") && e.contains("bug in kanon"),
        "{e}"
    );
}

/// The outputs of §2: refused before any work, the file left as it was.
#[test]
fn no_output_overwrites_an_input() {
    let d = scratch("outputs");
    let census = std::fs::read(root("fixtures/census.csv")).unwrap();
    let f = write(&d, "in.csv", &census);
    let aux = write(&d, "aux.csv", &census);
    let unchanged = |p: &str| assert_eq!(std::fs::read(p).unwrap(), census, "{p} changed");
    let base = ["analyse", f.as_str(), "--qi", "age,sex", "-q"];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        kanon(&a)
    };
    refused(
        &with(&["--records", &f]),
        &["--records", "input of this run"],
    );
    refused(&with(&["--report", &f]), &["input of this run"]);
    refused(
        &with(&["--aux", &aux, "--records", &aux]),
        &["input of this run"],
    );
    let hard = d.join("hard.csv");
    std::fs::hard_link(&f, &hard).unwrap();
    refused(
        &with(&["--records", hard.to_str().unwrap()]),
        &["input of this run"],
    );
    refused(
        &kanon(&[
            "anonymise",
            &f,
            "--qi",
            "sex",
            "--k",
            "2",
            "--out",
            &f,
            "-q",
        ]),
        &["--out", "input of this run"],
    );
    let policy_text =
        format!("[input]\nfiles = [\"{f}\"]\n[columns]\nquasi_identifiers = [\"sex\"]\n");
    let policy = write(&d, "kanon.toml", policy_text.as_bytes());
    refused(
        &kanon(&["check", "--config", &policy, "--report", &policy]),
        &["input of this run"],
    );
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), policy_text);
    refused(
        &kanon(&["init", &f, "--input", &f, "--force"]),
        &["input of this run"],
    );
    unchanged(&f);
    unchanged(&aux);
    // A directory, a symbolic link, a FIFO; two outputs on one path; a
    // missing folder; a path under a regular file.
    refused(
        &with(&["--records", d.to_str().unwrap()]),
        &["is a directory"],
    );
    #[cfg(unix)]
    {
        let link = d.join("link.csv");
        std::os::unix::fs::symlink(d.join("elsewhere.csv"), &link).unwrap();
        refused(
            &with(&["--records", link.to_str().unwrap()]),
            &["symbolic link"],
        );
        let fifo = d.join("fifo");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        refused(&with(&["--records", fifo.to_str().unwrap()]), &["FIFO"]);
    }
    let same = d.join("r.html");
    let same = same.to_str().unwrap();
    refused(
        &with(&["--records", same, "--report", same]),
        &["writes the same file"],
    );
    let missing = d.join("no/such/dir/r.csv");
    refused(
        &with(&["--records", missing.to_str().unwrap()]),
        &["does not exist"],
    );
    let under = format!("{f}/r.csv");
    refused(&with(&["--records", &under]), &["not a directory"]);
    // A fresh path is written, and an existing output keeps its mode.
    let out = write(&d, "records.csv", b"old");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
        let o = with(&["--records", &out]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", err(&o));
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(std::fs::read_to_string(&out).unwrap().starts_with("row,"));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let f = root("fixtures/census.csv");
    for args in [
        vec!["analyse", f.as_str(), "--qi", "age"],
        vec!["analyse", f.as_str(), "--qi", "age", "--json"],
        vec!["profile", f.as_str()],
        vec!["sql", "--dialect", "duckdb", "--table", "t", "--qi", "a"],
    ] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_kanon"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{args:?}");
        assert!(err(&o).contains("standard output"), "{args:?}: {}", err(&o));
    }
    // A closed pipe ends quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(["analyse", &f, "--qi", "age", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(err(&o).is_empty(), "{}", err(&o));
}

/// A table of one class whose sensitive attribute takes the given counts.
fn one_class(d: &Path, name: &str, counts: &[usize]) -> String {
    let mut text = String::from("q,s\n");
    for (v, &n) in counts.iter().enumerate() {
        for _ in 0..n {
            text.push_str(&format!("x,v{v}\n"));
        }
    }
    write(d, name, text.as_bytes())
}

/// Entropy l of l equally frequent values is l (Machanavajjhala et al.
/// 2007, Def. 4.1): exp(ln 3) = 2.9999999999999996 in floating point must
/// still meet l = 3; a class 3.3e-7 below l must not.
#[test]
fn entropy_l_diversity_at_its_exact_boundary() {
    let d = scratch("entropy");
    for l in [3usize, 6, 7] {
        let f = one_class(&d, &format!("l{l}.csv"), &vec![2; l]);
        let l_s = l.to_string();
        let o = kanon(&[
            "analyse",
            &f,
            "--qi",
            "q",
            "--sensitive",
            "s",
            "--l",
            &l_s,
            "--l-kind",
            "entropy",
            "--json",
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(0), "l = {l}: {}", err(&o));
        let o = kanon(&[
            "suggest",
            &f,
            "--qi",
            "q",
            "--k",
            "1",
            "--sensitive",
            "s",
            "--l",
            &l_s,
            "--l-kind",
            "entropy",
            "--json",
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(0), "suggest l = {l}: {}", err(&o));
        assert_eq!(json(&o)["search"]["suppressed"], 0);
        let out = d.join(format!("out{l}.csv"));
        let o = kanon(&[
            "anonymise",
            &f,
            "--qi",
            "q",
            "--k",
            "1",
            "--sensitive",
            "s",
            "--l",
            &l_s,
            "--l-kind",
            "entropy",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(0), "anonymise l = {l}: {}", err(&o));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap().lines().count(),
            2 * l + 1
        );
    }
    let f = one_class(&d, "below.csv", &[1000, 1000, 999]);
    let o = kanon(&[
        "analyse",
        &f,
        "--qi",
        "q",
        "--sensitive",
        "s",
        "--l",
        "3",
        "--l-kind",
        "entropy",
        "--json",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}

#[test]
fn frequency_table_counts_are_integers_with_a_checked_total() {
    let d = scratch("counts");
    // 2^53 + 1 is not a float; i64::MAX is echoed exactly.
    let f = write(
        &d,
        "big.csv",
        b"q,n\na,9007199254740993\nb,9223372036854775807\n",
    );
    let v = json(&kanon(&[
        "analyse", &f, "--qi", "q", "--count", "n", "--json", "-q",
    ]));
    assert_eq!(
        v["input"]["records"],
        9007199254740993u64 + 9223372036854775807
    );
    assert_eq!(v["k_anonymity"]["k"], 9007199254740993u64);
    // 2,100 rows of 2^53 − 1 overflow 64 bits: refused, naming the column and row.
    let mut text = String::from("q,n\n");
    for i in 0..2100 {
        text.push_str(&format!("v{i},9007199254740991\n"));
    }
    let f = write(&d, "wrap.csv", text.as_bytes());
    let o = kanon(&["analyse", &f, "--qi", "q", "--count", "n"]);
    refused(&o, &["column 'n'", "row 2049", "add up to more than"]);
    let o = kanon(&["analyse", &f, "--qi", "q", "--count", "n", "--stream"]);
    refused(&o, &["column 'n'", "add up to more than"]);
    // A bad count names its row.
    let f = write(&d, "bad.csv", b"q,n\na,1\nb,x\n");
    refused(
        &kanon(&["analyse", &f, "--qi", "q", "--count", "n"]),
        &["row 2", "column 'n'"],
    );
}

/// Missing values as wildcards (sdcMicro's freqCalc, α = 1) in every
/// frequency-based figure. Reference: sdcMicro's documented freqCalc
/// example — francdat with NA at [3,Key3], [4,Key1], [4,Key2], [5,Key4],
/// [6,Key1] (fixtures/francdat_na.csv) — worked out by brute force over
/// all record pairs (a record matches where both values are known and
/// equal): fk = 3 2 4 3 3 2 2 3, Fk = 149 84.5 194.5 563 566 549 22 149;
/// Benedetti-Franconi risks from (fk, Fk) as in measure_risk.
#[test]
fn missing_as_wildcard_reaches_every_frequency_figure() {
    let d = scratch("wildcard");
    let rec = d.join("records.csv");
    let o = kanon(&[
        "analyse",
        &root("fixtures/francdat_na.csv"),
        "--qi",
        "Key1,Key2,Key3,Key4",
        "--weight",
        "w",
        "--missing-as",
        "wildcard",
        "--records",
        rec.to_str().unwrap(),
        "--suda",
        "--json",
        "-q",
    ]);
    let v = json(&o);
    let fk = [3u64, 2, 4, 3, 3, 2, 2, 3];
    let big_fk = [149.0, 84.5, 194.5, 563.0, 566.0, 549.0, 22.0, 149.0];
    let bf = |f: u64, big_f: f64| {
        let p = f as f64 / big_f;
        let odds = p / (1.0 - p);
        match f {
            1 => odds * (1.0 / p).ln(),
            2 => odds - odds * odds * (1.0 / p).ln(),
            _ => p / (f as f64 - (1.0 - p)),
        }
    };
    let risks: Vec<f64> = fk
        .iter()
        .zip(big_fk)
        .map(|(&f, big_f)| bf(f, big_f))
        .collect();
    let er: f64 = risks.iter().sum();
    let close = |a: &Value, b: f64| assert!((a.as_f64().unwrap() - b).abs() < 1e-12, "{a} vs {b}");
    assert_eq!(v["k_anonymity"]["k"], 2);
    assert_eq!(v["sample_uniques"]["count"], 0);
    close(&v["risk"]["prosecutor"]["highest"], 0.5);
    let mean: f64 = fk.iter().map(|&f| 1.0 / f as f64).sum::<f64>() / 8.0;
    close(&v["risk"]["prosecutor"]["average"], mean);
    close(&v["risk"]["journalist"]["highest"], 1.0 / 22.0);
    close(&v["individual_risk"]["expected_reidentifications"], er);
    close(&v["individual_risk"]["global"], er / 8.0);
    assert_eq!(v["suda"]["msus"], 0, "no record is unique under wildcards");
    let text = std::fs::read_to_string(&rec).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "row,class_id,class_size,frequency,risk,individual_risk,suda_score,dis_score"
    );
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[3].parse::<u64>().unwrap(), fk[i], "row {}", i + 1);
        let r: f64 = cells[5].parse().unwrap();
        assert!((r - risks[i]).abs() < 1e-12, "row {}", i + 1);
    }
    assert_eq!(
        v["warnings"][0]["treated_as"], "wildcard",
        "{}",
        v["warnings"]
    );
}

/// The search and anonymise honour wildcards: the release, analysed again
/// with wildcards, meets k; and it needs no more generalisation than
/// treating missing values as a value.
#[test]
fn the_search_uses_wildcard_frequencies() {
    let d = scratch("wildcard-search");
    let mut text = String::from("a,b,c\n");
    let mut state = 11u64;
    for _ in 0..400 {
        let mut cell = |card: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (state >> 33) % (card + 1);
            if v == card {
                String::new()
            } else {
                v.to_string()
            }
        };
        let row = [cell(4), cell(6), cell(9)];
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let f = write(&d, "t.csv", text.as_bytes());
    let out = d.join("out.csv");
    let levels = |mode: &str| {
        let o = kanon(&[
            "suggest",
            &f,
            "--qi",
            "a,b,c",
            "--k",
            "4",
            "--suppression",
            "5%",
            "--missing-as",
            mode,
            "--json",
            "-q",
        ]);
        let v = json(&o);
        v["search"]["levels"]
            .as_object()
            .unwrap()
            .values()
            .map(|l| l.as_u64().unwrap())
            .sum::<u64>()
    };
    assert!(levels("wildcard") <= levels("value"));
    let o = kanon(&[
        "anonymise",
        &f,
        "--qi",
        "a,b,c",
        "--k",
        "4",
        "--suppression",
        "5%",
        "--missing-as",
        "wildcard",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = kanon(&[
        "analyse",
        out.to_str().unwrap(),
        "--qi",
        "a,b,c",
        "--missing-as",
        "wildcard",
        "--k",
        "4",
        "--json",
        "-q",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v}");
    assert!(v["k_anonymity"]["k"].as_u64().unwrap() >= 4);
    assert!(v["input"]["rows"].as_u64().unwrap() >= 380);
}

/// A table of `m` columns q0..q{m-1} and `n` rows; column j of row i holds
/// (i + j) mod 3, except q0, which holds i (every record unique on it).
fn wide(d: &Path, m: usize, n: usize) -> (String, String) {
    let names: Vec<String> = (0..m).map(|j| format!("q{j}")).collect();
    let mut text = names.join(",") + "\n";
    for i in 0..n {
        let row: Vec<String> = (0..m)
            .map(|j| {
                if j == 0 {
                    i.to_string()
                } else {
                    ((i + j) % 3).to_string()
                }
            })
            .collect();
        text.push_str(&(row.join(",") + "\n"));
    }
    (
        write(d, &format!("wide{m}.csv"), text.as_bytes()),
        names.join(","),
    )
}

#[test]
fn many_quasi_identifiers_and_stated_caps() {
    let d = scratch("wide");
    // 70 QIs: one-attribute subsets and SUDA2 up to size 1 are exact
    // (bit masks of 64 would wrap) and quick.
    let (f, qis) = wide(&d, 70, 30);
    let started = std::time::Instant::now();
    let v = json(&kanon(&[
        "analyse",
        &f,
        "--qi",
        &qis,
        "--subsets",
        "1",
        "--suda-max",
        "1",
        "--json",
        "-q",
        "--no-profile",
    ]));
    assert!(
        started.elapsed().as_secs() < 20,
        "work must follow the sizes asked"
    );
    let subsets = v["subsets"].as_array().unwrap();
    assert_eq!(subsets.len(), 70);
    assert_eq!(
        subsets[0]["sample_uniques"], 30,
        "q0 alone singles out everyone"
    );
    assert_eq!(subsets[69]["k"], 10, "q69 takes 3 values, 10 times each");
    // SUDA2: every record's only 1-MSU is {q0}, worth (70 − 1)!.
    assert_eq!(v["suda"]["msus_by_size"], serde_json::json!([30]));
    // Exponential work is refused before it starts, naming the cap.
    let o = kanon(&["analyse", &f, "--qi", &qis, "--suda", "-q"]);
    refused(&o, &["SUDA2", "cap", "--suda-max"]);
    let o = kanon(&["analyse", &f, "--qi", &qis, "--subsets", "6", "-q"]);
    refused(&o, &["subset sweep", "at most", "cap"]);
    // A lattice too large to number: the exact search is refused by
    // name, and the heuristic (what `auto` picks) answers.
    let (f, qis) = wide(&d, 24, 40);
    let o = kanon(&[
        "suggest",
        &f,
        "--qi",
        &qis,
        "--k",
        "2",
        "--strategy",
        "exact",
        "-q",
    ]);
    refused(&o, &["lattice", "--strategy heuristic"]);
    let v = json(&kanon(&[
        "suggest", &f, "--qi", &qis, "--k", "2", "--json", "-q",
    ]));
    assert_eq!(v["search"]["strategy"], "heuristic");
    assert!(v["search"]["levels"].is_object());
}

/// Linkability is never a PASS on incomparable data: a release generalised
/// with hierarchy labels, linked to raw attacker values without the
/// hierarchy, is refused by `link` and by `analyse --aux`.
#[test]
fn linkability_needs_comparable_values() {
    let d = scratch("incomparable");
    let release = write(
        &d,
        "release.csv",
        b"age,marital\n[30;40[,Married\n[30;40[,Married\n[30;40[,Single\n[40;50[,Single\n",
    );
    let aux = write(
        &d,
        "aux.csv",
        b"age,marital\n33,Married-civ-spouse\n45,Never-married\n",
    );
    let o = kanon(&["link", &release, "--aux", &aux, "--json", "-q"]);
    refused(&o, &["column 'marital'", "--hierarchy"]);
    let o = kanon(&[
        "analyse",
        &release,
        "--qi",
        "age,marital",
        "--aux",
        &aux,
        "--json",
        "-q",
    ]);
    refused(&o, &["column 'marital'", "--aux-hierarchy"]);
    // With the hierarchy the values are comparable and linkage is measured.
    let h = write(
        &d,
        "marital.csv",
        b"Married-civ-spouse;Married;*\nNever-married;Single;*\n",
    );
    let hier = format!("marital={h}");
    let v = json(&kanon(&[
        "link",
        &release,
        "--aux",
        &aux,
        "--hierarchy",
        &hier,
        "--json",
        "-q",
    ]));
    assert_eq!(v["linkability"]["matched_records"], 2, "{v}");
}

/// Properties of reading: whatever the table (awkward quoting, blank lines,
/// CRLF, empty cells), the figures do not depend on row order, on being
/// split into a directory of parts, on an unchosen column, or on
/// streaming, and every entry point counts the same rows.
mod properties {
    use super::*;
    use kanon::progress::Silent;
    use kanon::run::analyse::{analyse, Config};
    use proptest::prelude::*;

    /// Values chosen to trouble a CSV reader: a stray quote inside a
    /// field, a delimiter and a line break that need quoting, a quote at
    /// the start, empty cells.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-c]",
            1 => Just(String::new()),
            1 => Just("x\"y".to_string()),
            1 => Just("p,q".to_string()),
            1 => Just("l\nm".to_string()),
            1 => Just("\"s\"".to_string()),
        ]
    }

    /// Written as a careful writer would: a field is quoted when it holds
    /// the delimiter, a line break, or starts with a quote; a quote inside
    /// an unquoted field is left as it is (lenient readers keep it).
    fn field(v: &str) -> String {
        if v.contains(',') || v.contains('\n') || v.starts_with('"') {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    }

    #[derive(Debug, Clone)]
    struct Table {
        rows: Vec<[String; 3]>,
        crlf: bool,
        blank_every: usize,
    }

    fn table() -> impl Strategy<Value = Table> {
        (
            proptest::collection::vec([value(), value(), value()], 1..40),
            any::<bool>(),
            0usize..5,
        )
            .prop_map(|(rows, crlf, blank_every)| Table {
                rows,
                crlf,
                blank_every,
            })
    }

    impl Table {
        fn text(&self, rows: &[[String; 3]], extra: bool) -> String {
            let nl = if self.crlf { "\r\n" } else { "\n" };
            let mut s = String::from(if extra { "a,b,c,z" } else { "a,b,c" });
            s.push_str(nl);
            for (i, r) in rows.iter().enumerate() {
                let mut cells: Vec<String> = r.iter().map(|v| field(v)).collect();
                if extra {
                    cells.push(format!("noise{i}"));
                }
                s.push_str(&cells.join(","));
                s.push_str(nl);
                if self.blank_every > 0 && i % self.blank_every == 0 {
                    s.push_str(nl);
                }
            }
            s
        }
    }

    fn config(path: &str) -> Config {
        Config {
            input: path.to_string(),
            qis: vec!["a".into(), "b".into()],
            sensitive: vec!["c".into()],
            ..Config::default()
        }
    }

    /// The report without what says which bytes were read and how.
    fn figures(cfg: &Config) -> Value {
        let r = analyse(cfg, &Silent).unwrap().report;
        let mut v: Value = serde_json::from_str(&r.to_json()).unwrap();
        let input = v["input"].as_object_mut().unwrap();
        for key in ["path", "files", "format", "streaming"] {
            input.remove(key);
        }
        // Warnings name files and their lines (a quoted line break is on
        // another line of a part than of the whole).
        v.as_object_mut().unwrap().remove("warnings");
        v
    }

    static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn reading_invariants(t in table(), seed in any::<u64>()) {
            let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let d = scratch(&format!("prop-{case}"));
            let whole = write(&d, "whole.csv", t.text(&t.rows, false).as_bytes());
            let expected = figures(&config(&whole));
            prop_assert_eq!(&expected["input"]["rows"], &Value::from(t.rows.len()));

            // Row order.
            let mut shuffled = t.rows.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let p = write(&d, "shuffled.csv", t.text(&shuffled, false).as_bytes());
            let mut got = figures(&config(&p));
            // Class ids follow the values, not the rows; the rest must agree.
            prop_assert_eq!(got["k_anonymity"].take(), expected["k_anonymity"].clone());
            prop_assert_eq!(got["risk"].take(), expected["risk"].clone());
            prop_assert_eq!(got["inference"].take(), expected["inference"].clone());

            // An unchosen column.
            let p = write(&d, "extra.csv", t.text(&t.rows, true).as_bytes());
            prop_assert_eq!(figures(&config(&p)), expected.clone());

            // A directory of parts, and streaming in small batches.
            let parts = d.join("parts");
            std::fs::create_dir_all(&parts).unwrap();
            let cut = t.rows.len() / 2;
            write(&parts, "p0.csv", t.text(&t.rows[..cut.max(1)], false).as_bytes());
            if cut >= 1 && cut < t.rows.len() {
                write(&parts, "p1.csv", t.text(&t.rows[cut..], false).as_bytes());
            }
            prop_assert_eq!(figures(&config(parts.to_str().unwrap())), expected.clone());
            let streamed = Config { stream: true, batch_bytes: 64, ..config(&whole) };
            prop_assert_eq!(figures(&streamed), expected.clone());

            // Every entry point counts the same rows.
            let n = t.rows.len() as u64;
            let prof = json(&kanon(&["profile", &whole, "--json"]));
            prop_assert_eq!(prof["rows"].as_u64(), Some(n));
            let sug = json(&kanon(&["suggest", &whole, "--qi", "a,b", "--k", "1", "--json", "-q"]));
            prop_assert_eq!(sug["files"][0]["rows"].as_u64(), Some(n));
            let link = json(&kanon(&["link", &whole, "--aux", &whole, "--on", "a,b", "--json", "-q"]));
            prop_assert_eq!(link["release"]["rows"].as_u64(), Some(n));
            prop_assert_eq!(link["aux"]["rows"].as_u64(), Some(n));
            let _ = std::fs::remove_dir_all(&d);
        }
    }
}
