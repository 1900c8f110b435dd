//! Options that take one of a few named values (`--l-kind entropy`,
//! `l_kind = "entropy"` in a policy). Each option's names are written once,
//! beside its type, and every reader of a setting (the command line, a
//! policy file, a caller of the library) parses through them, so the two
//! front ends cannot drift apart.

use crate::error::{Error, Result};

/// A setting with a fixed set of names.
pub trait Choice: Copy + PartialEq + Sized + 'static {
    /// What the setting is, for messages ("t-closeness distance").
    const WHAT: &'static str;
    /// Each name with its value.
    const OPTIONS: &'static [(&'static str, Self)];

    /// The accepted names, in order (for `--help` and error messages).
    fn names() -> Vec<&'static str> {
        Self::OPTIONS.iter().map(|(n, _)| *n).collect()
    }

    /// The value called `name`; a usage error listing the names if none is.
    fn parse(name: &str) -> Result<Self> {
        Self::OPTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                Error::usage(format!(
                    "unknown {} '{name}': expected one of {}",
                    Self::WHAT,
                    Self::names().join(", ")
                ))
            })
    }

    /// The name of this value.
    fn name(self) -> &'static str {
        Self::OPTIONS
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(n, _)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Side {
        Left,
        Right,
    }
    impl Choice for Side {
        const WHAT: &'static str = "side";
        const OPTIONS: &'static [(&'static str, Self)] =
            &[("left", Side::Left), ("right", Side::Right)];
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for &(n, v) in Side::OPTIONS {
            assert_eq!(Side::parse(n).unwrap(), v);
            assert_eq!(v.name(), n);
        }
        let e = Side::parse("up").unwrap_err().to_string();
        assert_eq!(e, "unknown side 'up': expected one of left, right");
    }
}
