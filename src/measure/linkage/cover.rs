//! What a released value stands for: cover(v) of docs/docs/metrics.md, "Values, missing values, weights and counts".
//!
//! A generalised release writes intervals (`[20-30[`, `20-29`, `[20;30)`,
//! `<20`, `>=80`), masks (`12**`: each `*` stands for one character, as
//! ARX's masking hierarchies write them), calendar prefixes (`2020-03`,
//! `2020`, `1990s`), hierarchy nodes (with the hierarchy file) and `*` or a
//! missing cell for a suppressed value, and `(other)` for the rare values
//! an automatic grouping folded together. An attacker's value is compatible
//! with a released value when the sets of raw values they stand for
//! intersect; for a raw attacker value that is "the raw value lies in the
//! cover".

use rustc_hash::FxHashMap;

use crate::input::hierarchy::Hierarchy;

/// The set of raw values one label stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Cover {
    /// Any value: `*`, or a missing (suppressed) cell.
    Any,
    /// A number, compared numerically (`39` = `39.0`).
    Number(f64),
    /// A numeric interval; `lo`/`hi` may be infinite.
    Range {
        lo: f64,
        lo_open: bool,
        hi: f64,
        hi_open: bool,
    },
    /// Same-length strings, `None` standing for any one character.
    Mask(Vec<Option<char>>),
    /// Calendar prefix: `2020-03` covers `2020-03-15`; a decade `1990s`
    /// covers every date of 1990–1999 (prefix `199`).
    DatePrefix(String),
    /// The leaves under a hierarchy node.
    Leaves(Vec<String>),
    /// `(other)`, the label kanon's automatic grouping gives to rare
    /// categories: every value no other released label of the column
    /// covers (resolved by the column index, which knows the others).
    Other,
    /// A value standing for itself (text compared exactly).
    Exact,
}

/// The label of the rare-values group of kanon's automatic hierarchies.
pub const OTHER: &str = "(other)";

/// A label and its cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub cover: Cover,
}

/// Interval and comparison forms of a label, if it is one.
fn parse_range(s: &str) -> Option<Cover> {
    let num = |t: &str| t.trim().parse::<f64>().ok().filter(|x| !x.is_nan());
    for (prefix, lo_open, hi_open, lower) in [
        ("<=", false, false, false),
        ("≤", false, false, false),
        (">=", false, false, true),
        ("≥", false, false, true),
        ("<", false, true, false),
        (">", true, false, true),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let x = num(rest)?;
            return Some(if lower {
                Cover::Range {
                    lo: x,
                    lo_open,
                    hi: f64::INFINITY,
                    hi_open: true,
                }
            } else {
                Cover::Range {
                    lo: f64::NEG_INFINITY,
                    lo_open: true,
                    hi: x,
                    hi_open,
                }
            });
        }
    }
    let first = s.chars().next()?;
    let last = s.chars().last()?;
    let bracketed = matches!(first, '[' | '(' | ']') && matches!(last, '[' | ']' | ')');
    let (inner, lo_open, hi_open) = if bracketed && s.len() >= 2 {
        (
            &s[first.len_utf8()..s.len() - last.len_utf8()],
            first != '[',
            last != ']',
        )
    } else {
        (s, false, false)
    };
    let (a, b) = split_bounds(inner)?;
    let (lo, hi) = (num(a)?, num(b)?);
    (lo <= hi).then_some(Cover::Range {
        lo,
        lo_open,
        hi,
        hi_open,
    })
}

/// Split `a;b`, `a, b`, `a..b` or `a-b` (a minus sign of `a` or `b`, or of
/// an exponent, is not a separator).
fn split_bounds(s: &str) -> Option<(&str, &str)> {
    for sep in [";", ",", ".."] {
        if let Some(p) = s.find(sep) {
            return Some((&s[..p], &s[p + sep.len()..]));
        }
    }
    let bytes = s.as_bytes();
    (1..bytes.len())
        .find(|&i| {
            bytes[i] == b'-' && bytes[i - 1] != b'e' && bytes[i - 1] != b'E' && bytes[i - 1] != b'-'
        })
        .map(|i| (&s[..i], &s[i + 1..]))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD…`: an ISO date (or date-time) value.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && is_digits(&s[..4])
        && b[4] == b'-'
        && is_digits(&s[5..7])
        && b[7] == b'-'
        && is_digits(&s[8..10])
}

impl Label {
    /// The cover of a released (or attacker) label. `hierarchy`, when
    /// given, resolves its inner nodes to their leaves via `nodes`.
    pub fn parse(text: &str, missing: bool, nodes: Option<&NodeIndex>) -> Label {
        let t = text.trim();
        let cover = if missing || t == "*" {
            Cover::Any
        } else if t == OTHER {
            Cover::Other
        } else if let Some(leaves) = nodes.and_then(|n| n.leaves(t)) {
            Cover::Leaves(leaves.to_vec())
        } else if let Ok(x) = t.parse::<f64>() {
            if x.is_nan() {
                Cover::Exact
            } else {
                Cover::Number(x)
            }
        } else if let Some(r) = parse_range(t) {
            r
        } else if t.contains('*') {
            Cover::Mask(t.chars().map(|c| (c != '*').then_some(c)).collect())
        } else if t.len() == 7 && is_digits(&t[..4]) && &t[4..5] == "-" && is_digits(&t[5..]) {
            Cover::DatePrefix(t.to_string())
        } else if t.len() == 5 && is_digits(&t[..4]) && t.ends_with('s') && t.as_bytes()[3] == b'0'
        {
            Cover::DatePrefix(t[..3].to_string())
        } else {
            Cover::Exact
        };
        Label {
            text: t.to_string(),
            cover,
        }
    }

    /// Do the covers of `self` and `other` intersect?
    pub fn compatible(&self, other: &Label) -> bool {
        use Cover::*;
        match (&self.cover, &other.cover) {
            // Between two labels `(other)` may hold anything: assume overlap
            // (a raw value is resolved exactly by the column index).
            (Any, _) | (_, Any) | (Other, _) | (_, Other) => true,
            (Leaves(a), Leaves(b)) => a.iter().any(|x| b.binary_search(x).is_ok()),
            (Leaves(a), _) => a.iter().any(|x| leaf_label(x).compatible(other)),
            (_, Leaves(_)) => other.compatible(self),
            (Number(x), Number(y)) => x == y,
            (Number(x), r @ Range { .. }) | (r @ Range { .. }, Number(x)) => contains(r, *x),
            (
                Range {
                    lo: a,
                    lo_open: ao,
                    hi: b,
                    hi_open: bo,
                },
                Range {
                    lo: c,
                    lo_open: co,
                    hi: d,
                    hi_open: dopen,
                },
            ) => {
                // [a,b] ∩ [c,d] ≠ ∅, open ends excluded.
                let low_ok = a < d || (a == d && !ao && !dopen);
                let high_ok = c < b || (c == b && !co && !bo);
                low_ok && high_ok
            }
            (Mask(m), _) => mask_matches(m, other),
            (_, Mask(m)) => mask_matches(m, self),
            (DatePrefix(p), _) => date_prefix(p, &other.text, &other.cover),
            (_, DatePrefix(p)) => date_prefix(p, &self.text, &self.cover),
            (Exact, Exact) | (Exact, Number(_)) | (Number(_), Exact) => {
                self.text == other.text || year_prefix(&self.text, &other.text)
            }
            (Range { .. }, Exact) | (Exact, Range { .. }) => false,
        }
    }
}

/// A hierarchy leaf as a label of its own.
fn leaf_label(x: &str) -> Label {
    Label::parse(x, false, None)
}

fn contains(r: &Cover, x: f64) -> bool {
    match *r {
        Cover::Range {
            lo,
            lo_open,
            hi,
            hi_open,
        } => (x > lo || (x == lo && !lo_open)) && (x < hi || (x == hi && !hi_open)),
        _ => false,
    }
}

fn mask_matches(m: &[Option<char>], other: &Label) -> bool {
    match &other.cover {
        Cover::Mask(n) => {
            n.len() == m.len()
                && m.iter()
                    .zip(n)
                    .all(|(a, b)| a.is_none() || b.is_none() || a == b)
        }
        _ => {
            let chars: Vec<char> = other.text.chars().collect();
            chars.len() == m.len() && m.iter().zip(&chars).all(|(a, c)| a.is_none_or(|a| a == *c))
        }
    }
}

/// A calendar prefix against another label: an ISO date starting with the
/// prefix, the same prefix, or a longer prefix inside it.
fn date_prefix(p: &str, text: &str, cover: &Cover) -> bool {
    match cover {
        Cover::DatePrefix(q) => p.starts_with(q.as_str()) || q.starts_with(p),
        _ => {
            (is_iso_date(text) || text.len() == 7 || is_digits(text))
                && text.starts_with(p)
                && (text.len() == p.len()
                    || p.len() == 3
                    || text.as_bytes().get(p.len()) == Some(&b'-'))
        }
    }
}

/// A year label (`2020`) covers the ISO dates of that year.
fn year_prefix(a: &str, b: &str) -> bool {
    let one = |y: &str, d: &str| y.len() == 4 && is_digits(y) && is_iso_date(d) && d.starts_with(y);
    one(a, b) || one(b, a)
}

/// Inner hierarchy nodes → the leaves under them, per level label.
#[derive(Debug, Default)]
pub struct NodeIndex {
    nodes: FxHashMap<String, Vec<String>>,
}

impl NodeIndex {
    /// Index every label at level ≥ 1. A label that also occurs as a leaf
    /// is taken as the node (a released value is generalised).
    pub fn new(h: &Hierarchy) -> NodeIndex {
        let mut nodes: FxHashMap<String, Vec<String>> = FxHashMap::default();
        for row in &h.rows {
            for label in row.iter().skip(1) {
                nodes.entry(label.clone()).or_default().push(row[0].clone());
            }
        }
        for leaves in nodes.values_mut() {
            leaves.sort();
            leaves.dedup();
        }
        NodeIndex { nodes }
    }

    /// The leaves under `label`, when it is an inner node.
    pub fn leaves(&self, label: &str) -> Option<&[String]> {
        self.nodes.get(label).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Label {
        Label::parse(s, false, None)
    }

    fn ok(release: &str, raw: &str) -> bool {
        l(release).compatible(&l(raw))
    }

    #[test]
    fn intervals_in_every_notation() {
        assert!(ok("[20-30[", "20") && ok("[20-30[", "29.5") && !ok("[20-30[", "30"));
        assert!(ok("20-29", "29") && ok("20-29", "20") && !ok("20-29", "30"));
        assert!(ok("[20;30)", "20") && !ok("[20;30)", "30") && !ok("[20;30)", "19"));
        assert!(ok("[72;76]", "76") && !ok("[72;76]", "77"));
        assert!(ok("[20, 30[", "25") && ok("(20;30]", "30") && !ok("(20;30]", "20"));
        assert!(ok("]20;30]", "21") && !ok("]20;30]", "20"));
        assert!(ok("<20", "19") && !ok("<20", "20") && ok("<=20", "20"));
        assert!(ok(">=80", "80") && ok(">=80", "99") && !ok(">80", "80"));
        assert!(ok("[-10;-5]", "-7") && !ok("[-10;-5]", "-4"));
        assert!(ok("-10--5", "-5"));
    }

    #[test]
    fn numbers_compare_numerically_and_text_exactly() {
        assert!(ok("39", "39.0"));
        assert!(!ok("39", "40"));
        assert!(ok("Male", "Male") && !ok("Male", "male"));
        assert!(!ok("[20-30[", "Male"));
    }

    #[test]
    fn masks_stand_for_one_character_per_star() {
        assert!(ok("12**", "1234") && ok("12**", "12ab") && !ok("12**", "1334"));
        assert!(!ok("12**", "12345") && !ok("12**", "123"));
        assert!(ok("1234*", "12345") && !ok("1234*", "12355"));
        assert!(ok("*", "anything") && ok("*", "12"));
        // Two masks overlap when every position can agree.
        assert!(ok("12**", "1*3*") && !ok("12**", "13**"));
    }

    #[test]
    fn suppressed_and_missing_match_everything() {
        let missing = Label::parse("", true, None);
        assert!(missing.compatible(&l("x")) && l("x").compatible(&missing));
    }

    #[test]
    fn calendar_prefixes() {
        assert!(ok("2020-03", "2020-03-15") && !ok("2020-03", "2020-04-01"));
        assert!(ok("2020", "2020-03-15") && !ok("2020", "2021-01-01"));
        assert!(ok("1990s", "1994-06-30") && !ok("1990s", "2001-01-01"));
        assert!(!ok("1990s", "2020s") && ok("1990s", "1995"));
        // "2020-03" is a month, not the interval 2020…3.
        assert_eq!(l("2020-03").cover, Cover::DatePrefix("2020-03".into()));
    }

    #[test]
    fn overlapping_intervals_of_two_releases() {
        assert!(ok("[20-30[", "[25-35["));
        assert!(!ok("[20-30[", "[30-40["));
        assert!(ok("[20;30]", "[30;40]"));
        assert!(ok("20-29", ">=25") && !ok("20-29", ">=30"));
    }

    #[test]
    fn hierarchy_nodes_cover_their_leaves() {
        let h = Hierarchy::parse("h", "a;ab;*\nb;ab;*\nc;c;*\n").unwrap();
        let idx = NodeIndex::new(&h);
        let node = Label::parse("ab", false, Some(&idx));
        assert_eq!(node.cover, Cover::Leaves(vec!["a".into(), "b".into()]));
        assert!(node.compatible(&l("a")) && node.compatible(&l("b")) && !node.compatible(&l("c")));
        // A value that is a leaf and a node ("c" at level 1) is read as the node.
        let c = Label::parse("c", false, Some(&idx));
        assert!(c.compatible(&l("c")));
        let other = Label::parse("*", false, Some(&idx));
        assert!(other.compatible(&l("c")));
    }
}
