//! The streaming reader (src/stream.rs): batches of a file, several files,
//! a pattern and a partitioned Parquet directory give the same report as
//! reading the same rows in memory.

use std::path::PathBuf;

use crate::common::{kanon, root, shared};
use kanon::progress::Silent;
use kanon::run::analyse::{analyse, Config, MissingAs, SudaConfig};
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kanon-stream-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The report as JSON without what says how it was read.
fn report(cfg: &Config) -> Value {
    let r = analyse(cfg, &Silent).unwrap().report;
    let mut v: Value = serde_json::from_str(&r.to_json()).unwrap();
    let input = v["input"].as_object_mut().unwrap();
    for key in ["path", "format", "delimiter", "streaming", "files"] {
        input.remove(key);
    }
    v
}

fn same_in_batches(cfg: Config) {
    let whole = report(&cfg);
    for batch_bytes in [1 << 14, 1 << 17] {
        let streamed = report(&Config {
            stream: true,
            batch_bytes,
            ..cfg.clone()
        });
        assert_eq!(whole, streamed, "batches of {batch_bytes} bytes differ");
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn adult_in_batches_with_inference_population_suda_and_subsets() {
    crate::needs_shared!();
    same_in_batches(Config {
        input: shared("adult/adult.csv"),
        qis: strings(&[
            "age",
            "education",
            "marital-status",
            "native-country",
            "race",
            "salary-class",
            "sex",
            "workclass",
        ]),
        sensitive: strings(&["occupation"]),
        population_size: Some(300_000.0),
        suda: Some(SudaConfig::default()),
        subsets: Some(2),
        ..Config::default()
    });
}

#[test]
fn weights_and_missing_values_in_batches() {
    let keys = strings(&[
        "urbrur", "roof", "walls", "water", "electcon", "relat", "sex",
    ]);
    same_in_batches(Config {
        input: shared("sdcmicro/testdata.csv"),
        qis: keys.clone(),
        weight: Some("sampling_weight".into()),
        ..Config::default()
    });
    same_in_batches(Config {
        input: shared("sdcmicro/testdata_na.csv"),
        qis: keys,
        weight: Some("sampling_weight".into()),
        missing_as: MissingAs::Both,
        ..Config::default()
    });
    // Missing sensitive values are counted in records, not merged rows.
    same_in_batches(Config {
        input: shared("sdcmicro/testdata_na.csv"),
        qis: strings(&["urbrur", "walls", "water", "electcon"]),
        sensitive: strings(&["roof"]),
        ..Config::default()
    });
}

#[test]
fn a_frequency_table_in_batches() {
    let d = dir("freq");
    let path = d.join("freq.csv");
    std::fs::write(
        &path,
        "a,b,n\nx,1,3\ny,1,1\nx,2,2\nx,1,4\n\"q,uoted\",2,5\n",
    )
    .unwrap();
    same_in_batches(Config {
        input: path.to_str().unwrap().into(),
        qis: strings(&["a", "b"]),
        count: Some("n".into()),
        ..Config::default()
    });
}

/// fixtures/census.csv split into three files with the header repeated.
fn split_census(d: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(root("fixtures/census.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    rows.chunks(rows.len() / 3 + 1)
        .enumerate()
        .map(|(i, chunk)| {
            let p = d.join(format!("part-{i}.csv"));
            std::fs::write(&p, format!("{header}\n{}\n", chunk.join("\n"))).unwrap();
            p.to_str().unwrap().to_string()
        })
        .collect()
}

fn census_cfg(input: &str) -> Config {
    Config {
        input: input.into(),
        qis: strings(&["age", "sex", "race", "marital_status", "education"]),
        sensitive: strings(&["income"]),
        ..Config::default()
    }
}

#[test]
fn several_files_a_pattern_and_a_directory_are_one_table() {
    let d = dir("files");
    let parts = split_census(&d);
    let whole = report(&census_cfg(&root("fixtures/census.csv")));
    let listed = report(&Config {
        more_inputs: parts[1..].to_vec(),
        ..census_cfg(&parts[0])
    });
    assert_eq!(whole, listed);
    let pattern = format!("{}/part-*.csv", d.display());
    assert_eq!(whole, report(&census_cfg(&pattern)));
    assert_eq!(whole, report(&census_cfg(d.to_str().unwrap())));
    // Every part is listed with its rows, size and digest.
    let files = analyse(&census_cfg(d.to_str().unwrap()), &Silent)
        .unwrap()
        .report
        .input
        .files;
    assert_eq!(files.len(), 3);
    assert_eq!(files.iter().map(|f| f.rows).sum::<u64>(), 5000);
    for (f, p) in files.iter().zip(&parts) {
        assert_eq!(&f.path, p);
        assert_eq!(f.size, std::fs::metadata(p).unwrap().len());
        assert_eq!(f.sha256.len(), 64);
    }
}

#[test]
fn a_partitioned_parquet_directory() {
    use polars::prelude::*;
    let d = dir("parquet");
    let table = kanon::input::read_table(
        &root("fixtures/census.csv"),
        &strings(&[
            "age",
            "sex",
            "race",
            "marital_status",
            "education",
            "income",
        ]),
        &Default::default(),
    )
    .unwrap();
    // sex=Female/…, sex=Male/…: the partition column lives in the path.
    for sex in ["Female", "Male"] {
        let mask = table.frame.column("sex").unwrap().str().unwrap().equal(sex);
        let mut part = table.frame.filter(&mask).unwrap().drop("sex").unwrap();
        let folder = d.join(format!("sex={sex}"));
        std::fs::create_dir_all(&folder).unwrap();
        let f = std::fs::File::create(folder.join("part-0.parquet")).unwrap();
        ParquetWriter::new(f).finish(&mut part).unwrap();
    }
    std::fs::write(d.join("_SUCCESS"), "").unwrap();
    let whole = report(&census_cfg(&root("fixtures/census.csv")));
    assert_eq!(whole, report(&census_cfg(d.to_str().unwrap())));
}

#[test]
fn streaming_on_the_command_line() {
    let d = dir("cli");
    let parts = split_census(&d);
    let o = kanon(&[
        "analyse",
        &parts[0],
        &parts[1],
        &parts[2],
        "--qi",
        "age,sex",
        "--json",
        "--no-profile",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["input"]["records"], 5000);
    assert_eq!(
        v["input"]["streaming"]["files"].as_array().unwrap().len(),
        3
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("peak memory"), "{err}");
    // What needs every row is refused, clearly.
    let o = kanon(&[
        "analyse",
        &parts[0],
        &parts[1],
        "--qi",
        "age",
        "--records",
        "/tmp/x.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--records"));
    // A pattern matching nothing names itself.
    let o = kanon(&["analyse", "/nonexistent/*.csv", "--qi", "age"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("matches no file"));
    // A bad row in a later batch names the file and its row in that file.
    let bad = d.join("bad.csv");
    let mut text = String::from("a,b\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},x\n"));
    }
    text.push_str("1,2,3\n");
    std::fs::write(&bad, text).unwrap();
    let o = kanon(&[
        "analyse",
        bad.to_str().unwrap(),
        "--qi",
        "a",
        "--stream",
        "--batch-mb",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("bad.csv") && e.contains("5001"), "{e}");
}

/// A streamed read says how far it is: bytes of the file read, rising to
/// the file's size, so the command line can draw a bar with the time left.
#[test]
fn streaming_reports_its_position() {
    use std::cell::RefCell;
    struct Record(RefCell<Vec<(u64, u64)>>);
    impl kanon::progress::Progress for Record {
        fn stage(&self, _: &str) {}
        fn work(&self, done: u64, total: u64) {
            self.0.borrow_mut().push((done, total));
        }
    }
    let input = format!("{}/fixtures/census.csv", env!("CARGO_MANIFEST_DIR"));
    let size = std::fs::metadata(&input).unwrap().len();
    let cfg = Config {
        stream: true,
        batch_bytes: 64 << 10,
        ..census_cfg(&input)
    };
    let seen = Record(RefCell::new(Vec::new()));
    analyse(&cfg, &seen).unwrap();
    let seen = seen.0.into_inner();
    assert!(seen.len() >= 5, "{seen:?}");
    assert!(seen.iter().all(|&(_, total)| total == size));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last().unwrap().0, size);
}

/// Records what an analysis tells its progress.
#[derive(Default)]
struct Recorder {
    calls: std::cell::RefCell<Vec<(String, u64, u64)>>,
}

impl kanon::progress::Progress for Recorder {
    fn stage(&self, message: &str) {
        self.calls.borrow_mut().push((message.to_string(), 0, 0));
    }
    fn work(&self, done: u64, total: u64) {
        self.calls.borrow_mut().push(("work".into(), done, total));
    }
    fn work_bytes(&self, done: u64, total: u64) {
        self.calls.borrow_mut().push(("bytes".into(), done, total));
    }
}

/// Reading a CSV in memory says how far it is in bytes, never going back,
/// ending at the file's size; streaming does the same batch by batch; and
/// the profiling of the other columns counts columns.
#[test]
fn reading_reports_its_position_in_bytes() {
    let d = dir("progress");
    let f = d.join("p.csv");
    let mut csv = String::from("a,b,c,d\n");
    for i in 0..200_000u64 {
        csv.push_str(&format!("{},{},x{},{}\n", i % 97, i % 7, i % 1000, i));
    }
    std::fs::write(&f, &csv).unwrap();
    let size = csv.len() as u64;
    for stream in [false, true] {
        let cfg = Config {
            input: f.to_str().unwrap().into(),
            qis: vec!["a".into(), "b".into()],
            stream,
            batch_bytes: 1 << 20,
            profile_undeclared: !stream,
            ..Config::default()
        };
        let rec = Recorder::default();
        analyse(&cfg, &rec).unwrap();
        let calls = rec.calls.into_inner();
        let bytes: Vec<u64> = calls
            .iter()
            .filter(|c| c.0 == "bytes")
            .map(|c| {
                assert_eq!(c.2, size, "total is the file's size");
                c.1
            })
            .collect();
        assert!(!bytes.is_empty(), "stream {stream}: no position");
        // Never back within one read (in memory the file is read twice,
        // so the position starts again once, right after the end).
        let backs = bytes.windows(2).filter(|w| w[0] > w[1]).count();
        let restarts = bytes
            .windows(2)
            .filter(|w| w[0] == size && w[1] < size)
            .count();
        assert_eq!(backs, restarts, "{bytes:?}");
        assert_eq!(*bytes.last().unwrap(), size, "stream {stream}");
        if !stream {
            // Read twice (the chosen columns, then the others to profile):
            // the position starts again once. Then the other two columns
            // are counted one by one.
            assert_eq!(restarts, 1, "{bytes:?}");
            assert!(calls.contains(&("work".into(), 2, 2)), "{calls:?}");
        }
    }
}
