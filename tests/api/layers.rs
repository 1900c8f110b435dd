//! The library's layering (docs/ARCHITECTURE.md): each top-level module
//! imports only modules below it, so no import cycle can form, and only
//! the binary knows clap and indicatif.

use std::path::Path;

/// Bottom to top.
const LAYERS: [&str; 14] = [
    "error",
    "choice",
    "progress",
    "json",
    "notice",
    "engine",
    "input",
    "measure",
    "gate",
    "anonymise",
    "report",
    "render",
    "output",
    "run",
];

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The library's files (path under src/, text), the binary's left out.
fn library() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .filter(|(rel, _)| rel != "lib.rs" && !rel.starts_with("bin"))
        .collect()
}

/// Every reference to a layer above the file's own: "file: a imports b".
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (file, text) in files {
        let top = file.split('/').next().unwrap().trim_end_matches(".rs");
        let from = LAYERS.iter().position(|l| *l == top).unwrap_or_else(|| {
            panic!("src/{file}: top-level module '{top}' is not in the layer list")
        });
        let text = code(text);
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if LAYERS
                .iter()
                .position(|l| *l == name)
                .is_some_and(|to| to > from)
            {
                wrong.push(format!(
                    "src/{file}: {top} imports {name}, a layer above it"
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    wrong
}

#[test]
fn every_module_imports_only_layers_below_it() {
    let wrong = violations(&library());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_layering_test_catches_an_upward_import() {
    let files = vec![
        (
            "engine/x.rs".to_string(),
            "use crate::run::analyse;\n".to_string(),
        ),
        (
            "run/y.rs".to_string(),
            "use crate::engine::classes; // crate::nope\n".to_string(),
        ),
        (
            "measure/z.rs".to_string(),
            "// use crate::report;\nfn f() {}\n".to_string(),
        ),
    ];
    assert_eq!(
        violations(&files),
        ["src/engine/x.rs: engine imports run, a layer above it"]
    );
}

#[test]
fn only_the_binary_knows_clap_and_indicatif() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    for p in all {
        let rel = p.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        if rel.starts_with("bin") {
            continue;
        }
        let text = code(&std::fs::read_to_string(&p).unwrap());
        for word in ["clap", "indicatif"] {
            assert!(!text.contains(word), "src/{rel} uses {word}");
        }
    }
}
