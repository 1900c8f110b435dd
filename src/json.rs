//! How figures are written in kanon's JSON. A figure that is a count in
//! one case and a real number in another (a target's limit: k = 5 or a
//! risk of 0.2; a verdict's evidence: k or a risk) is held as `f64` and
//! written as an integer when it is a whole number, so counts read `7528`,
//! not `7528.0`. JSON has one number type; the schema
//! (docs/json-schema.md) says which fields are integers.

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, Serializer};

/// Integers up to 2^53 are exact in an f64.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// A whole number (|x| ≤ 2^53) as an integer, anything else as a float.
pub fn whole<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() && x.fract() == 0.0 && x.abs() <= EXACT {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// [`whole`] for an optional figure.
pub fn whole_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => whole(x, s),
        None => s.serialize_none(),
    }
}

/// [`whole`] for every value of a map.
pub fn whole_map<S: Serializer>(m: &BTreeMap<String, f64>, s: S) -> Result<S::Ok, S::Error> {
    struct Whole(f64);
    impl serde::Serialize for Whole {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            whole(&self.0, s)
        }
    }
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k, &Whole(*v))?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct T {
        #[serde(serialize_with = "super::whole")]
        a: f64,
        #[serde(serialize_with = "super::whole")]
        b: f64,
        #[serde(serialize_with = "super::whole_map")]
        m: std::collections::BTreeMap<String, f64>,
    }

    #[test]
    fn whole_numbers_are_integers() {
        let t = T {
            a: 7528.0,
            b: 0.2,
            m: [("k".to_string(), 1.0), ("risk".to_string(), 0.5)].into(),
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"a":7528,"b":0.2,"m":{"k":1,"risk":0.5}}"#
        );
    }
}
