//! Helpers shared by the two integration-test binaries (`cli`, `api`).
#![allow(dead_code)] // each binary uses a different subset

use std::process::{Command, Output};

/// A path inside the repository.
pub fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The public benchmark datasets beside the repository (`../shared/datasets`).
fn shared_dir() -> String {
    root("../shared/datasets")
}

/// A benchmark file: the copy in `fixtures/` when the repository has one
/// (the adult subset, sdcMicro's test data, …), else the file in
/// `../shared/datasets`, which a test reaching here has checked with
/// [`needs_shared!`].
pub fn shared(path: &str) -> String {
    let fixture = root(&format!("fixtures/{path}"));
    if std::path::Path::new(&fixture).exists() {
        return fixture;
    }
    let p = format!("{}/{path}", shared_dir());
    assert!(
        std::path::Path::new(&p).exists(),
        "{p} is missing, and the test does not say it needs ../shared/datasets (needs_shared!)"
    );
    p
}

/// Whether `../shared/datasets` is there. Without it a test that needs it
/// says so by name and passes; with `KANON_REQUIRE_SHARED` set (as `.ci/run`
/// does when the data is there) its absence is a failure.
pub fn shared_present(test: &str) -> bool {
    if std::path::Path::new(&shared_dir()).is_dir() {
        return true;
    }
    if std::env::var_os("KANON_REQUIRE_SHARED").is_some() {
        panic!("{test}: ../shared/datasets is absent but KANON_REQUIRE_SHARED is set");
    }
    // Straight to the process's stderr: the test harness captures eprintln!.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test} needs ../shared/datasets (absent)"
    );
    false
}

/// At the top of a test over the large shared datasets: skip it, by name,
/// when they are absent.
#[macro_export]
macro_rules! needs_shared {
    () => {{
        fn here() {}
        let name = std::any::type_name_of_val(&here).trim_end_matches("::here");
        if !$crate::common::shared_present(name) {
            return;
        }
    }};
}

/// Run the `kanon` binary without colour.
pub fn kanon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kanon")
}

/// Run `kanon` with `args`, which must exit 0, and parse its JSON output.
pub fn kanon_json(args: &[&str]) -> serde_json::Value {
    ok_json(&kanon(args))
}

/// The JSON output of a run that must have exited 0.
pub fn ok_json(o: &Output) -> serde_json::Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("kanon printed JSON")
}
