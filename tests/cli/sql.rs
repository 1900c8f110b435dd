//! `kanon sql`: the printed query, and the round trip for real. The raw CSV
//! is loaded (every column as text) into PostgreSQL (a throwaway cluster of
//! the Debian package, on loopback, started and removed here), into
//! DuckDB (the Python module, driven by tests/sql/duckdb_round_trip.py) and
//! into a local Spark (PySpark in a virtual environment the test makes,
//! driven by tests/sql/spark_round_trip.py); the query `kanon sql` prints
//! runs there, its result is exported as CSV (and by Spark as its output
//! folders, CSV and Parquet), and `kanon analyse RESULT --count kanon_count
//! …` must give the same JSON document as `kanon analyse RAW …`.
//!
//! An engine that is not installed is reported as "skipped: …" and the test
//! passes, unless KANON_REQUIRE_SQL=1 (PostgreSQL, DuckDB) or
//! KANON_REQUIRE_SPARK=1 (Java and PySpark), as .ci/run sets once it
//! installed them. KANON_PG_BIN names PostgreSQL's bin directory,
//! KANON_PYTHON the Python interpreter (also the one that makes Spark's
//! virtual environment), when the defaults do not find them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::common::{kanon, shared};
use kanon::run::sql::Dialect;
use serde_json::Value;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sql(args: &[&str]) -> String {
    let mut all = vec!["sql"];
    all.extend_from_slice(args);
    let o = kanon(&all);
    assert!(o.status.success(), "kanon {all:?}: {}", stderr(&o));
    stdout(&o)
}

// ---------------------------------------------------------------------------
// (a) The printed query.

#[test]
fn prints_the_group_by_for_each_dialect() {
    let args = [
        "--table",
        "census.people",
        "--qi",
        "age,sex",
        "--sensitive",
        "diagnosis",
    ];
    for (dialect, q) in [("postgres", '"'), ("duckdb", '"'), ("spark", '`')] {
        let mut a = vec!["--dialect", dialect];
        a.extend_from_slice(&args);
        let out = sql(&a);
        let quote = |s: &str| format!("{q}{s}{q}");
        let cols = ["age", "sex", "diagnosis"].map(quote).join(", ");
        let expected = format!(
            "-- kanon ({dialect}): frequency table of {t} over the quasi-identifiers and sensitive attributes.\n\
             -- Save the result as CSV with a header (NULL as an empty cell), then run:\n\
             -- kanon analyse result.csv --count kanon_count --qi age,sex --sensitive diagnosis\n\
             SELECT {cols}, COUNT(*) AS {count}\n\
             FROM {t}\n\
             GROUP BY {cols}\n\
             ORDER BY {cols};\n",
            t = format!("{}.{}", quote("census"), quote("people")),
            count = quote("kanon_count"),
        );
        assert_eq!(out, expected, "{dialect}");
    }
    // Trino: the same query; its CLI writes NULL as "", read as missing.
    let mut a = vec!["--dialect", "trino"];
    a.extend_from_slice(&args);
    let out = sql(&a);
    assert!(
        out.contains("\n-- kanon analyse result.csv --count kanon_count --qi age,sex --sensitive diagnosis --missing ''\n"),
        "{out}"
    );
    assert!(
        out.ends_with("\nSELECT \"age\", \"sex\", \"diagnosis\", COUNT(*) AS \"kanon_count\"\nFROM \"census\".\"people\"\n\
         GROUP BY \"age\", \"sex\", \"diagnosis\"\nORDER BY \"age\", \"sex\", \"diagnosis\";\n"),
        "{out}"
    );
}

#[test]
fn quotes_awkward_names_and_passes_weight_and_count_column() {
    let out = sql(&[
        "--dialect",
        "spark",
        "--table",
        "db.my `table`",
        "--qi",
        "he said \"hi\" `x`,age",
        "--weight",
        "w",
        "--count-column",
        "n",
    ]);
    assert!(
        out.contains("SELECT `he said \"hi\" ``x```, `age`, `w`, COUNT(*) AS `n`\n"),
        "{out}"
    );
    assert!(out.contains("FROM `db`.`my ``table```\n"), "{out}");
    assert!(
        out.contains(
            "-- kanon analyse result.csv --count n --qi 'he said \"hi\" `x`,age' --weight w\n"
        ),
        "{out}"
    );
    let out = sql(&[
        "--dialect",
        "postgres",
        "--table",
        "t",
        "--qi",
        "he said \"hi\" `x`",
    ]);
    assert!(
        out.contains("SELECT \"he said \"\"hi\"\" `x`\", COUNT(*) AS \"kanon_count\"\n"),
        "{out}"
    );
}

#[test]
fn bad_specs_are_usage_errors() {
    for (args, message) in [
        (
            vec!["--qi", "a,b", "--sensitive", "b"],
            "column 'b' is given as both --qi and --sensitive",
        ),
        (vec!["--qi", "a,a"], "column 'a' is named twice in --qi"),
        (vec!["--qi", "a,"], "--qi contains an empty column name"),
        (
            vec!["--qi", "a", "--count-column", "a"],
            "--count-column 'a' clashes",
        ),
        (vec!["--qi", "a", "--table", "s..t"], "empty part"),
    ] {
        let mut all = vec!["sql", "--dialect", "postgres"];
        if !args.contains(&"--table") {
            all.extend(["--table", "t"]);
        }
        all.extend(args.iter().copied());
        let o = kanon(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(stderr(&o).contains(message), "{all:?}: {}", stderr(&o));
    }
    let o = kanon(&["sql", "--dialect", "mysql", "--table", "t", "--qi", "a"]);
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// (b) The round trip.

/// One table to push through an engine.
struct Case {
    name: &'static str,
    /// The file kanon analyses directly.
    raw: PathBuf,
    /// The same records with LF line endings, for the engines.
    lf: PathBuf,
    delimiter: char,
    qis: Vec<String>,
    sensitive: Vec<String>,
    weight: Option<String>,
}

impl Case {
    /// `kanon sql` for this case and an engine's table name.
    fn query(&self, dialect: &str, table: &str) -> String {
        let qis = kanon_list(&self.qis);
        let sensitive = kanon_list(&self.sensitive);
        let mut args = vec!["--dialect", dialect, "--table", table, "--qi", &qis];
        if !self.sensitive.is_empty() {
            args.extend(["--sensitive", &sensitive]);
        }
        if let Some(w) = &self.weight {
            args.extend(["--weight", w]);
        }
        sql(&args)
    }

    fn header(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.lf).unwrap();
        parse_csv_line(text.lines().next().unwrap(), self.delimiter)
    }
}

/// Names as one value of kanon's list syntax.
fn kanon_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| n.replace(',', "\\,"))
        .collect::<Vec<_>>()
        .join(",")
}

/// One CSV record (double quotes, `""` inside).
fn parse_csv_line(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// A scratch directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        // Under /tmp, not $TMPDIR: a Unix socket path must stay short.
        let dir = PathBuf::from(format!(
            "/tmp/kanon-sql-{what}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy with LF line endings.
fn lf_copy(src: &str, dst: &Path) {
    let bytes = std::fs::read(src).unwrap();
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    std::fs::write(dst, out).unwrap();
}

/// Marks a value of [`awkward_csv`] written as a quoted empty cell (`""`):
/// an empty string in PostgreSQL and DuckDB, NULL in Spark (its CSV
/// reader's default), missing in kanon's CSV reader like an empty cell.
const EMPTY_STRING: &str = "\u{1}";

/// A small table whose column names and values need quoting everywhere: a
/// space, double quotes, a backtick, a comma (written `\,` in kanon's
/// lists), the delimiter inside values, non-ASCII text, empty cells
/// (missing) and quoted empty cells (empty strings).
fn awkward_csv(path: &Path) {
    let header = [
        "age group",
        "he said \"hi\"",
        "back`tick",
        "x,y",
        "diag nosis",
    ];
    let values: [&[&str]; 5] = [
        &["20-29", "30-39", "40-49", "50+"],
        &["yes", "no, never", "\"quoted\"", ""],
        &["Zürich", "a;b", "x", "it's"],
        &["1", "2", "", EMPTY_STRING],
        &["flu", "cold \"bad\"", "", EMPTY_STRING, "none, really"],
    ];
    let field = |s: &str| {
        if s == EMPTY_STRING {
            "\"\"".to_string()
        } else if s.contains([',', '"', ';', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut text = header.map(field).join(",");
    text.push('\n');
    let mut x: u64 = 12345;
    for _ in 0..800 {
        let row: Vec<String> = values
            .iter()
            .map(|vals| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                field(vals[((x >> 33) % vals.len() as u64) as usize])
            })
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn cases(dir: &TempDir) -> Vec<Case> {
    let adult = shared("adult/adult.csv");
    let na = shared("sdcmicro/testdata_na.csv");
    lf_copy(&adult, &dir.path("adult.csv"));
    lf_copy(&na, &dir.path("testdata_na.csv"));
    let awkward = dir.path("awkward.csv");
    awkward_csv(&awkward);
    vec![
        Case {
            name: "adult",
            raw: adult.clone().into(),
            lf: dir.path("adult.csv"),
            delimiter: ';',
            qis: strings(&["sex", "age", "race", "marital-status", "education"]),
            sensitive: strings(&["occupation"]),
            weight: None,
        },
        Case {
            name: "adult_qi_only",
            raw: adult.into(),
            lf: dir.path("adult.csv"),
            delimiter: ';',
            qis: strings(&["sex", "age", "race"]),
            sensitive: vec![],
            weight: None,
        },
        // Missing values in a quasi-identifier (water) and in a sensitive
        // attribute (roof), with sampling weights.
        Case {
            name: "testdata_na",
            raw: na.into(),
            lf: dir.path("testdata_na.csv"),
            delimiter: ',',
            qis: strings(&["urbrur", "water", "sex", "age"]),
            sensitive: strings(&["roof", "hhcivil"]),
            weight: Some("household_weights".into()),
        },
        Case {
            name: "awkward",
            raw: awkward.clone(),
            lf: awkward,
            delimiter: ',',
            qis: strings(&["age group", "he said \"hi\"", "back`tick", "x,y"]),
            sensitive: strings(&["diag nosis"]),
            weight: None,
        },
    ]
}

/// `kanon analyse` as JSON, with the fields that legitimately differ
/// between the raw file and the frequency table removed.
fn analyse(file: &Path, extra: &[&str], case: &Case) -> Value {
    normalise(analyse_json(file, extra, case), file)
}

/// `kanon analyse` as JSON, as printed.
fn analyse_json(file: &Path, extra: &[&str], case: &Case) -> Value {
    let qis = kanon_list(&case.qis);
    let sensitive = kanon_list(&case.sensitive);
    let file_s = file.to_str().unwrap();
    let mut args = vec!["analyse", file_s, "--qi", &qis];
    if !case.sensitive.is_empty() {
        args.extend(["--sensitive", &sensitive]);
    }
    if let Some(w) = &case.weight {
        args.extend(["--weight", w]);
    }
    args.extend(extra);
    args.extend(["--json", "--quiet", "--no-profile"]);
    let o = kanon(&args);
    // Exit 1 (a default target missed) is a result, not an error.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "kanon {args:?}: {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn normalise(mut v: Value, file: &Path) -> Value {
    let input = v["input"].as_object_mut().expect("input object");
    for key in [
        "path",
        "rows",
        "files",
        "format",
        "delimiter",
        "count_column",
    ] {
        assert!(input.remove(key).is_some(), "input.{key} is missing");
    }
    // How the input was read (one file, or parts merged).
    input.remove("streaming");
    let path = file.to_str().unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    if let Some(w) = v.get_mut("warnings").and_then(Value::as_array_mut) {
        w.retain(|m| {
            let m = m.as_str().unwrap_or("");
            !m.contains(path) && !m.contains(name)
        });
    }
    v
}

/// Fails with the first differing line of the two documents.
fn assert_same(engine: &str, case: &Case, from_engine: &Value, raw: &Value) {
    if from_engine == raw {
        return;
    }
    let a = serde_json::to_string_pretty(from_engine).unwrap();
    let b = serde_json::to_string_pretty(raw).unwrap();
    let (i, (x, y)) = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .unwrap_or((0, ("(lengths differ)", "")));
    panic!(
        "{engine}, {}: the analysis of the frequency table differs from the raw file's \
         at line {}:\n  frequency table: {x}\n  raw file:        {y}",
        case.name,
        i + 1
    );
}

/// The `kanon analyse …` command in the query's comment, run by the shell
/// in `dir` (where the engine wrote result.csv), as JSON.
fn analyse_as_the_comment_says(query: &str, dir: &Path, case: &Case) -> Value {
    let line = query
        .lines()
        .find_map(|l| l.strip_prefix("-- kanon analyse "))
        .expect("the query names the kanon command in a comment");
    let bin = env!("CARGO_BIN_EXE_kanon");
    let cmd = format!("'{bin}' analyse {line} --json --quiet --no-profile");
    let o = Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}: {cmd}: {}",
        case.name,
        stderr(&o)
    );
    normalise(
        serde_json::from_slice(&o.stdout).unwrap(),
        Path::new("result.csv"),
    )
}

/// Compare each engine result with the raw file's analysis, three ways:
/// the result file analysed here, the command the query's comment gives,
/// and the result cut into Spark-style part files read as one table.
fn check_results(engine: &str, cases: &[Case], results: &[(PathBuf, String)]) {
    for (case, (result, query)) in cases.iter().zip(results) {
        let raw = analyse(&case.raw, &[], case);
        let from_engine = analyse(result, &["--count", "kanon_count"], case);
        assert_same(engine, case, &from_engine, &raw);

        // Run in a directory of its own, where the result is result.csv.
        let dir = TempDir::new(&format!("{engine}-{}", case.name));
        std::fs::copy(result, dir.path("result.csv")).unwrap();
        let by_comment = analyse_as_the_comment_says(query, &dir.0, case);
        assert_same(engine, case, &by_comment, &raw);

        // As Spark writes it without coalesce(1): part files, each with
        // the header, beside a _SUCCESS marker, read as one table.
        let text = std::fs::read_to_string(result).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let body: Vec<&str> = lines.collect();
        let parts = dir.path("spark-out");
        std::fs::create_dir(&parts).unwrap();
        for (i, chunk) in body.chunks(body.len().div_ceil(3).max(1)).enumerate() {
            let mut part = format!("{header}\n");
            for line in chunk {
                part.push_str(line);
                part.push('\n');
            }
            std::fs::write(parts.join(format!("part-{i:05}-c000.csv")), part).unwrap();
        }
        std::fs::write(parts.join("_SUCCESS"), "").unwrap();
        let pattern = parts.join("part-*.csv");
        let from_parts = analyse(&pattern, &["--count", "kanon_count"], case);
        assert_same(engine, case, &from_parts, &raw);

        // The engine did aggregate (fewer rows), and kept every record.
        let rows = std::fs::read_to_string(result).unwrap().lines().count() - 1;
        let records = raw["input"]["records"].as_u64().unwrap();
        assert!(
            (rows as u64) < records || case.name == "awkward",
            "{engine}, {}: {rows} rows for {records} records",
            case.name
        );
        eprintln!(
            "{engine}, {}: {records} records → {rows} rows, same analysis",
            case.name
        );
    }
}

/// Report a missing engine: fails under KANON_REQUIRE_SQL=1, else passes.
fn skip(engine: &str, why: &str) {
    assert!(
        std::env::var("KANON_REQUIRE_SQL").as_deref() != Ok("1"),
        "KANON_REQUIRE_SQL=1 but {engine} is not usable: {why}"
    );
    eprintln!("skipped: {engine}: {why}");
}

// --- PostgreSQL --------------------------------------------------------------

/// PostgreSQL's bin directory: $KANON_PG_BIN, the newest Debian
/// /usr/lib/postgresql/<version>/bin, or the one holding initdb on PATH.
fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KANON_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| stdout(&o).trim() == "0")
        .unwrap_or(false)
}

/// A throwaway cluster in a temp dir; stopped and removed when dropped, so
/// also when the test fails.
struct Postgres {
    bin: PathBuf,
    /// Run the server programs as the `postgres` user (initdb refuses root).
    as_postgres: bool,
    dir: TempDir,
    port: u16,
    started: bool,
}

impl Postgres {
    fn server_command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path("data")
    }

    fn start() -> Result<Postgres, String> {
        let bin = pg_bin().ok_or(
            "no PostgreSQL found (install the Debian package `postgresql`, or set KANON_PG_BIN)",
        )?;
        let as_postgres = is_root();
        let dir = TempDir::new("pg");
        if as_postgres {
            let o = Command::new("chown")
                .args(["postgres:", dir.0.to_str().unwrap()])
                .output()
                .map_err(|e| format!("chown: {e}"))?;
            if !o.status.success() {
                return Err(format!(
                    "running as root, and the temp dir cannot be given to the `postgres` user: {}",
                    stderr(&o).trim()
                ));
            }
        }
        let mut pg = Postgres {
            bin,
            as_postgres,
            dir,
            port: 0,
            started: false,
        };
        let o = pg
            .server_command("initdb")
            .arg("-D")
            .arg(pg.data())
            .args([
                "--auth=trust",
                "--username=kanon",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !o.status.success() {
            return Err(format!("initdb failed: {}{}", stdout(&o), stderr(&o)));
        }
        // A free port on loopback (another process may take it between
        // here and the server's start: then try another).
        let mut last = String::new();
        for _ in 0..3 {
            pg.port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port: {e}"))?
                .port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} -c fsync=off",
                pg.port,
                pg.dir.0.display()
            );
            let o = pg
                .server_command("pg_ctl")
                .arg("-D")
                .arg(pg.data())
                .arg("-l")
                .arg(pg.dir.path("server.log"))
                .args(["-w", "-t", "30", "-o", &options, "start"])
                .output()
                .map_err(|e| format!("pg_ctl: {e}"))?;
            if o.status.success() {
                pg.started = true;
                return Ok(pg);
            }
            let log = std::fs::read_to_string(pg.dir.path("server.log")).unwrap_or_default();
            last = format!("{}{}{log}", stdout(&o), stderr(&o));
        }
        Err(format!("the server did not start: {last}"))
    }

    /// psql on the cluster's socket, stopping at the first error.
    fn psql(&self) -> Command {
        let mut c = Command::new(self.bin.join("psql"));
        c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir.0)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "kanon",
                "-d",
                "postgres",
            ]);
        c
    }

    fn run(&self, mut c: Command, stdin: Option<&Path>) {
        if let Some(f) = stdin {
            c.stdin(Stdio::from(std::fs::File::open(f).unwrap()));
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{c:?}: {}", stderr(&o));
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.started {
            let _ = self
                .server_command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
        // self.dir is removed after this.
    }
}

#[test]
fn round_trip_through_postgres() {
    crate::needs_shared!();
    let t0 = Instant::now();
    let pg = match Postgres::start() {
        Ok(pg) => pg,
        Err(why) => return skip("PostgreSQL", &why),
    };
    let started = t0.elapsed();
    let work = TempDir::new("pg-work");
    let cases = cases(&work);
    let q = |s: &str| Dialect::Postgres.quote(s);
    pg.run(
        {
            let mut c = pg.psql();
            c.args(["-c", &format!("CREATE SCHEMA {}", q("kanon test"))]);
            c
        },
        None,
    );
    let mut results = Vec::new();
    for case in &cases {
        // A schema-qualified table with a space in its name.
        let table = format!("{} raw", case.name);
        let qualified = format!("{}.{}", q("kanon test"), q(&table));
        let columns = case
            .header()
            .iter()
            .map(|c| format!("{} text", q(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut c = pg.psql();
        c.args(["-c", &format!("CREATE TABLE {qualified} ({columns})")]);
        pg.run(c, None);
        // CSV format: an empty unquoted cell is NULL.
        let mut c = pg.psql();
        c.args([
            "-c",
            &format!(
                "COPY {qualified} FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER '{}')",
                case.delimiter
            ),
        ]);
        pg.run(c, Some(&case.lf));

        // The query as printed, inside COPY … TO STDOUT (its final ';'
        // dropped): CSV with a header, NULL as an empty cell and an empty
        // string as "" (psql --csv would write both as an empty cell).
        let query = case.query("postgres", &format!("kanon test.{table}"));
        let copy = format!(
            "COPY (\n{}\n) TO STDOUT WITH (FORMAT csv, HEADER true);\n",
            query
                .trim_end()
                .strip_suffix(';')
                .expect("the query ends with ';'")
        );
        let copy_file = work.path(&format!("{}.sql", case.name));
        std::fs::write(&copy_file, &copy).unwrap();
        let result = work.path(&format!("{}-postgres.csv", case.name));
        let mut c = pg.psql();
        c.arg("-f")
            .arg(&copy_file)
            .stdout(std::fs::File::create(&result).unwrap());
        pg.run(c, None);
        results.push((result, query));
    }
    check_results("PostgreSQL", &cases, &results);
    drop(pg);
    eprintln!(
        "PostgreSQL: cluster up in {:.1} s, round trip done in {:.1} s",
        started.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
}

// --- DuckDB ------------------------------------------------------------------

fn python() -> String {
    std::env::var("KANON_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn duckdb_script() -> String {
    format!(
        "{}/tests/sql/duckdb_round_trip.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn duckdb_available() -> Result<String, String> {
    let o = Command::new(python())
        .arg(duckdb_script())
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python()))?;
    if o.status.success() {
        Ok(stdout(&o).trim().to_string())
    } else {
        Err(stderr(&o).trim().to_string())
    }
}

#[test]
fn round_trip_through_duckdb() {
    crate::needs_shared!();
    let t0 = Instant::now();
    let version = match duckdb_available() {
        Ok(v) => v,
        Err(why) => return skip("DuckDB", &why),
    };
    let work = TempDir::new("duckdb");
    let cases = cases(&work);
    let mut jobs = Vec::new();
    let mut results = Vec::new();
    for case in &cases {
        let table = format!("{} raw", case.name);
        let query = case.query("duckdb", &format!("kanon test.{table}"));
        let query_file = work.path(&format!("{}.sql", case.name));
        std::fs::write(&query_file, &query).unwrap();
        let result = work.path(&format!("{}-duckdb.csv", case.name));
        jobs.push(serde_json::json!({
            "raw": case.lf,
            "delimiter": case.delimiter.to_string(),
            "schema": "kanon test",
            "table": table,
            "query": query_file,
            "out": result,
        }));
        results.push((result, query));
    }
    let mut child = Command::new(python())
        .arg(duckdb_script())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&jobs).unwrap().as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "duckdb_round_trip.py: {}", stderr(&o));
    check_results("DuckDB", &cases, &results);
    eprintln!(
        "DuckDB {version}: round trip done in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

// --- Spark -------------------------------------------------------------------

/// Report that Spark cannot be had: fails under KANON_REQUIRE_SPARK=1, else
/// passes, saying so on the process's stderr (not captured by the harness).
fn skip_spark(why: &str) {
    assert!(
        std::env::var("KANON_REQUIRE_SPARK").as_deref() != Ok("1"),
        "KANON_REQUIRE_SPARK=1 but Spark is not usable: {why}"
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: Spark: {why}");
}

fn spark_script() -> String {
    format!(
        "{}/tests/sql/spark_round_trip.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The Java that PySpark starts: $JAVA_HOME/bin/java, else `java` on PATH.
/// Its version line, or why there is none.
fn java_version() -> Result<String, String> {
    let java = match std::env::var_os("JAVA_HOME") {
        Some(home) if Path::new(&home).join("bin/java").exists() => {
            Path::new(&home).join("bin/java")
        }
        _ => PathBuf::from("java"),
    };
    let o = Command::new(&java).arg("-version").output().map_err(|e| {
        format!(
            "no Java ({}: {e}; install a JRE, e.g. apt-get install openjdk-17-jre-headless)",
            java.display()
        )
    })?;
    // `java -version` writes to stderr.
    let text = stderr(&o);
    if !o.status.success() {
        return Err(format!(
            "{} -version failed: {}",
            java.display(),
            text.trim()
        ));
    }
    Ok(text.lines().next().unwrap_or("").trim().to_string())
}

/// The virtual environment for PySpark, beside the build's profile
/// directories: `$CARGO_TARGET_DIR/spark-venv` (`target/spark-venv`).
fn spark_venv() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_kanon"));
    bin.parent()
        .and_then(Path::parent)
        .expect("the kanon binary sits in <target>/<profile>/")
        .join("spark-venv")
}

/// Whether `python` imports pyspark: its version, or why not.
fn pyspark_version(python: &Path) -> Result<String, String> {
    let o = Command::new(python)
        .args(["-c", "import pyspark; print(pyspark.__version__)"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if o.status.success() {
        Ok(stdout(&o).trim().to_string())
    } else {
        Err(stderr(&o).trim().lines().last().unwrap_or("").to_string())
    }
}

/// The venv's interpreter with pyspark importable, creating the venv and
/// installing PySpark 3.5 when needed; with what that took.
fn spark_python() -> Result<(PathBuf, String), String> {
    let venv = spark_venv();
    let venv_python = venv.join("bin/python");
    if let Ok(v) = pyspark_version(&venv_python) {
        return Ok((
            venv_python,
            format!("PySpark {v} (venv {})", venv.display()),
        ));
    }
    let t0 = Instant::now();
    if !venv_python.exists() {
        let o = Command::new(python())
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python()))?;
        if !o.status.success() {
            return Err(format!(
                "{} -m venv {} failed: {}",
                python(),
                venv.display(),
                stderr(&o).trim()
            ));
        }
    }
    let made = t0.elapsed();
    // Twice: a download can fail once.
    let mut why = String::new();
    for _ in 0..2 {
        let o = Command::new(&venv_python)
            .args(["-m", "pip", "install", "-q", "pyspark==3.5.*"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", venv_python.display()))?;
        if o.status.success() {
            break;
        }
        why = format!(
            "pip install pyspark==3.5.* in {} failed: {}",
            venv.display(),
            stderr(&o).trim()
        );
    }
    let v =
        pyspark_version(&venv_python).map_err(|e| if why.is_empty() { e } else { why.clone() })?;
    Ok((
        venv_python,
        format!(
            "PySpark {v} (venv {} made in {:.1} s, PySpark installed in {:.1} s)",
            venv.display(),
            made.as_secs_f64(),
            (t0.elapsed() - made).as_secs_f64()
        ),
    ))
}

/// Runs the Spark script on `spec` (JSON on stdin), its output in files in
/// `dir`; killed after `limit`. Ok, or Err((exit code, stderr)).
fn run_spark(
    python: &Path,
    spec: &Value,
    dir: &TempDir,
    limit: std::time::Duration,
) -> Result<(), (Option<i32>, String)> {
    let spec_file = dir.path("spark-jobs.json");
    std::fs::write(&spec_file, serde_json::to_vec(spec).unwrap()).unwrap();
    let log = dir.path("spark.log");
    let mut child = Command::new(python)
        .arg(spark_script())
        .current_dir(&dir.0)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .stdin(std::fs::File::open(&spec_file).unwrap())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(dir.path("spark.err")).unwrap())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let err = std::fs::read_to_string(dir.path("spark.err")).unwrap_or_default();
    match status {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err((s.code(), err)),
        None => Err((None, format!("killed after {limit:?}\n{err}"))),
    }
}

/// The files of a Spark output folder: what Spark writes and nothing else
/// (part files, `_SUCCESS`, their hidden `.crc` checksums). The part files'
/// names, and for CSV that each starts with the header.
fn spark_folder(dir: &Path, ext: &str, header: Option<&str>) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut success, mut crc) = (false, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "_SUCCESS" {
            success = true;
        } else if name.starts_with('.') && name.ends_with(".crc") {
            crc += 1;
        } else if name.starts_with("part-") && name.ends_with(ext) {
            parts.push(name);
        } else {
            panic!("{}: unexpected file {name}", dir.display());
        }
    }
    assert!(success, "{}: no _SUCCESS", dir.display());
    assert_eq!(crc, parts.len() + 1, "{}: .crc files", dir.display());
    if let Some(header) = header {
        for p in &parts {
            let text = std::fs::read_to_string(dir.join(p)).unwrap();
            assert_eq!(text.lines().next(), Some(header), "{}/{p}", dir.display());
        }
    }
    parts.sort();
    parts
}

#[test]
fn round_trip_through_spark() {
    crate::needs_shared!();
    let t0 = Instant::now();
    let java = match java_version() {
        Ok(v) => v,
        Err(why) => return skip_spark(&why),
    };
    let (python, pyspark) = match spark_python() {
        Ok(p) => p,
        Err(why) => return skip_spark(&why),
    };
    let ready = t0.elapsed();

    let work = TempDir::new("spark");
    let mut cases = cases(&work);
    // A million records, read by Spark from Parquet.
    let synth = work.path("synth.parquet");
    let o = kanon(&[
        "synth",
        "--rows",
        "1000000",
        "--seed",
        "17",
        "--out",
        synth.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "kanon synth: {}", stderr(&o));
    cases.push(Case {
        name: "synth_1m",
        raw: synth.clone(),
        lf: synth,
        delimiter: ',',
        qis: strings(&["age", "sex", "race", "education"]),
        sensitive: strings(&["occupation"]),
        weight: None,
    });

    let mut jobs = Vec::new();
    let mut outputs = Vec::new();
    for case in &cases {
        let table = format!("{} raw", case.name);
        // A global temporary view: the query names it global_temp.`… raw`.
        let query = case.query("spark", &format!("global_temp.{table}"));
        let query_file = work.path(&format!("{}.sql", case.name));
        std::fs::write(&query_file, &query).unwrap();
        let parquet = case.lf.extension().is_some_and(|e| e == "parquet");
        let csv_out = work.path(&format!("{}-spark-csv", case.name));
        let parquet_out = work.path(&format!("{}-spark-parquet", case.name));
        jobs.push(serde_json::json!({
            "raw": case.lf,
            "format": if parquet { "parquet" } else { "csv" },
            "delimiter": case.delimiter.to_string(),
            "table": table,
            "query": query_file,
            "csv_out": csv_out,
            "parquet_out": parquet_out,
        }));
        outputs.push((csv_out, parquet_out));
    }
    let spec = serde_json::json!({
        "scratch": work.path("spark-scratch"),
        "jobs": jobs,
    });
    let t_spark = Instant::now();
    match run_spark(
        &python,
        &spec,
        &work,
        std::time::Duration::from_secs(15 * 60),
    ) {
        Ok(()) => {}
        // The script found no pyspark or no Java after all.
        Err((Some(3), why)) => return skip_spark(why.trim()),
        Err((_, why)) => panic!("spark_round_trip.py: {why}"),
    }
    let spark_time = t_spark.elapsed();

    for (case, (csv_out, parquet_out)) in cases.iter().zip(&outputs) {
        let t_case = Instant::now();
        // Targets, so that l-diversity and t-closeness are also checked as
        // targets (met or missed alike).
        let mut targets = vec!["--k", "5"];
        if !case.sensitive.is_empty() {
            targets.extend(["--l", "2", "--t", "0.3"]);
        }
        let raw = analyse(&case.raw, &targets, case);
        let mut from_spark = vec!["--count", "kanon_count"];
        from_spark.extend(&targets);

        let mut header: Vec<String> = case.qis.iter().chain(&case.sensitive).cloned().collect();
        header.extend(case.weight.clone());
        header.push("kanon_count".into());
        let header = header
            .iter()
            .map(|n| {
                if n.contains([',', '"']) {
                    format!("\"{}\"", n.replace('"', "\"\""))
                } else {
                    n.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        let csv_parts = spark_folder(csv_out, ".csv", Some(&header));
        let parquet_parts = spark_folder(parquet_out, ".parquet", None);
        assert!(
            csv_parts.len() > 1,
            "{}: one part file; the test means to read several",
            case.name
        );

        for (what, folder, parts) in [
            ("Spark CSV folder", csv_out, &csv_parts),
            ("Spark Parquet folder", parquet_out, &parquet_parts),
        ] {
            let v = analyse_json(folder, &from_spark, case);
            // kanon read the part files and nothing else, and said nothing
            // about the other files.
            let read: Vec<&str> = v["input"]["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["path"].as_str().unwrap())
                .collect();
            assert_eq!(read.len(), parts.len(), "{what}, {}: {read:?}", case.name);
            for p in parts {
                assert!(
                    read.iter().any(|r| r.ends_with(p.as_str())),
                    "{what}, {}: {p} not read ({read:?})",
                    case.name
                );
            }
            let warnings = v["warnings"].to_string();
            assert!(
                !warnings.contains("crc") && !warnings.contains("_SUCCESS"),
                "{what}, {}: {warnings}",
                case.name
            );
            assert_same(what, case, &normalise(v, folder), &raw);
        }

        let rows: usize = csv_parts
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(csv_out.join(p)).unwrap();
                text.lines().count() - 1
            })
            .sum();
        let records = raw["input"]["records"].as_u64().unwrap();
        assert!(
            (rows as u64) < records || case.name == "awkward",
            "Spark, {}: {rows} rows for {records} records",
            case.name
        );
        eprintln!(
            "Spark, {}: {records} records → {rows} rows in {} CSV and {} Parquet part files, \
             same analysis ({:.1} s)",
            case.name,
            csv_parts.len(),
            parquet_parts.len(),
            t_case.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "Spark ({pyspark}, {java}): ready in {:.1} s, Spark jobs {:.1} s, round trip done in {:.1} s",
        ready.as_secs_f64(),
        spark_time.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
}
