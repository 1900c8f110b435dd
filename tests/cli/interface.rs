//! The everyday interface: colour, share flags, file formats by extension.

use std::process::{Command, Output};

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kanon"));
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run kanon")
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const ADULT: &str = "fixtures/adult/adult_subset.csv";

fn analyse(colour: Option<&str>, env: &[(&str, &str)]) -> String {
    let mut args = vec![
        "analyse",
        ADULT,
        "--qi",
        "age,sex,race",
        "--sensitive",
        "occupation",
        "--k",
        "5",
    ];
    if let Some(c) = colour {
        args.extend(["--color", c]);
    }
    let o = run_env(&args, env);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn colour_is_chosen_and_never_shifts_a_column() {
    let plain = analyse(Some("never"), &[]);
    let coloured = analyse(Some("always"), &[]);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b["), "{coloured}");
    // Colour codes wrap the text only: without them the bytes are the same.
    assert_eq!(strip_ansi(&coloured), plain);
    // The verdict column of the WP216 table starts at one position on every
    // row, FAIL and "not assessed" alike (it drifted with the codes' width).
    let start = |line: &str| line.find("FAIL").or_else(|| line.find("not assessed"));
    let rows: Vec<usize> = plain
        .lines()
        .skip_while(|l| !l.starts_with("WP216"))
        .skip(1)
        .take(3)
        .map(|l| start(l).unwrap_or_else(|| panic!("no verdict in {l:?}")))
        .collect();
    assert!(rows.windows(2).all(|w| w[0] == w[1]), "{rows:?}\n{plain}");
    // auto: no terminal here, so no colour, unless forced; NO_COLOR wins over
    // CLICOLOR_FORCE, an explicit --color over both.
    assert_eq!(analyse(None, &[]), plain);
    assert_eq!(analyse(None, &[("CLICOLOR_FORCE", "1")]), coloured);
    assert_eq!(analyse(None, &[("CLICOLOR_FORCE", "0")]), plain);
    assert_eq!(
        analyse(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        plain
    );
    assert_eq!(analyse(Some("always"), &[("NO_COLOR", "1")]), coloured);
    let bad = run_env(
        &["analyse", ADULT, "--qi", "age", "--color", "sometimes"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
}
