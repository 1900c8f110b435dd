//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::process::{Command, Output};

/// A path inside the repository.
pub fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A file of ../shared/datasets, which the tests need beside the repository.
pub fn shared(path: &str) -> String {
    let p = root(&format!("../shared/datasets/{path}"));
    assert!(
        std::path::Path::new(&p).exists(),
        "{p} is missing: these tests need ../shared/datasets beside the repository"
    );
    p
}

/// Run the `kanon` binary without colour.
pub fn kanon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kanon")
}
