//! Dictionary encoding: each column's values become dense `u32` codes, once.
//!
//! Everything after this module works on codes; strings are touched here
//! only. Codes follow the order of the values (numeric order when every
//! value is a number, byte order for text, calendar order for dates), so a
//! class table sorted by codes is sorted by values and output is
//! deterministic. The missing value (null, empty cell or a user token) is
//! one value of its own and always gets the last code.

use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};

/// What kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// Text whose values are all numbers (ordered numerically), or a numeric column.
    Numeric,
    Text,
    Boolean,
    Date,
}

/// Label shown for the missing value.
pub const MISSING_LABEL: &str = "(missing)";

/// Code ↔ value of one column.
#[derive(Debug, Clone)]
pub struct Dictionary {
    pub kind: ValueKind,
    /// Code → value as text. The missing value's label is [`MISSING_LABEL`].
    pub labels: Vec<String>,
    /// Code → numeric value, for numeric columns (NaN for the missing code).
    pub numbers: Option<Vec<f64>>,
    /// Code of the missing value, if the column has missing values.
    pub missing: Option<u32>,
}

impl Dictionary {
    /// Number of distinct values, the missing value included.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The code of a label, if present (linear: for look-ups outside hot loops).
    pub fn code_of(&self, label: &str) -> Option<u32> {
        self.labels
            .iter()
            .position(|l| l == label)
            .map(|i| i as u32)
    }
}

/// One encoded column.
#[derive(Debug, Clone)]
pub struct EncodedColumn {
    pub name: String,
    /// Row → code.
    pub codes: Vec<u32>,
    pub dict: Dictionary,
}

impl EncodedColumn {
    /// Number of distinct codes.
    pub fn cardinality(&self) -> u32 {
        self.dict.len() as u32
    }
}

/// Encode several columns in parallel.
pub fn encode_columns(
    source: &str,
    columns: &[(&str, &Series)],
    missing_tokens: &[String],
) -> Result<Vec<EncodedColumn>> {
    columns
        .par_iter()
        .map(|(name, s)| encode_series(source, name, s, missing_tokens))
        .collect()
}

/// Encode one column. `missing_tokens` are values that mean "missing"
/// (compared with the value's text form).
pub fn encode_series(
    source: &str,
    name: &str,
    series: &Series,
    missing_tokens: &[String],
) -> Result<EncodedColumn> {
    let as_text = |s: &Series| -> Result<RawEncoding> {
        let t = s
            .cast(&DataType::String)
            .map_err(|e| perr(source, name, e))?;
        Ok(encode_strings(t.str().map_err(|e| perr(source, name, e))?))
    };
    let raw = match series.dtype() {
        DataType::String => encode_strings(series.str().map_err(|e| perr(source, name, e))?),
        DataType::Boolean => RawEncoding {
            kind: ValueKind::Boolean,
            ..as_text(series)?
        },
        // ISO 8601 text sorts in calendar order.
        DataType::Date | DataType::Datetime(_, None) => RawEncoding {
            kind: ValueKind::Date,
            ..as_text(series)?
        },
        // An instant with a time zone: compared as the instant, shown in UTC.
        DataType::Datetime(unit, Some(_)) => {
            let naive = series
                .to_physical_repr()
                .cast(&DataType::Datetime(*unit, None))
                .map_err(|e| perr(source, name, e))?;
            let mut r = as_text(&naive)?;
            for l in &mut r.labels {
                l.push_str(" UTC");
            }
            RawEncoding {
                kind: ValueKind::Date,
                ..r
            }
        }
        // Exact decimal text (no rounding through a float), numbers beyond
        // the 64-bit range as their digits, categories as their labels: the
        // text is then ordered numerically when every value is a number.
        DataType::Decimal(_, _)
        | DataType::UInt64
        | DataType::Int128
        | DataType::UInt128
        | DataType::Categorical(_, _)
        | DataType::Enum(_, _) => as_text(series)?,
        dt if dt.is_integer() => {
            let s = series
                .cast(&DataType::Int64)
                .map_err(|e| perr(source, name, e))?;
            encode_ints(s.i64().map_err(|e| perr(source, name, e))?)
        }
        dt if dt.is_float() => {
            let s = series
                .cast(&DataType::Float64)
                .map_err(|e| perr(source, name, e))?;
            encode_floats(s.f64().map_err(|e| perr(source, name, e))?)
        }
        dt => {
            return Err(Error::column(
                source,
                name,
                format!("values of type {dt} cannot be used as a quasi-identifier"),
            ))
        }
    };
    Ok(raw.finish(name, missing_tokens))
}

fn perr(source: &str, name: &str, e: PolarsError) -> Error {
    Error::column(source, name, e.to_string())
}

/// A text column as a reader delivers it straight from the file: row
/// codes ([`NULL_CODE`] for an empty cell) and each code's value, the
/// values distinct and in no set order (the parallel reader's workers
/// meet them in any order). [`encode_text`] orders them by value and makes
/// the column's dictionary, exactly as [`encode_series`] does from the same
/// values as strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawText {
    pub codes: Vec<u32>,
    pub labels: Vec<String>,
}

/// The code of an empty (missing) cell in [`RawText`].
pub const NULL_CODE: u32 = NULL;

/// Encode a column read as [`RawText`]: value kind (numeric when every
/// value is a number), order, missing tokens, as for strings.
/// The codes are rewritten in place.
pub fn encode_text(name: &str, raw: RawText, missing_tokens: &[String]) -> EncodedColumn {
    RawEncoding {
        kind: ValueKind::Text,
        codes: raw.codes,
        labels: raw.labels,
        numbers: None,
    }
    .finish(name, missing_tokens)
}

/// Codes before sorting (first-seen, or as the reader delivered them). `NULL` marks a null.
struct RawEncoding {
    kind: ValueKind,
    codes: Vec<u32>,
    labels: Vec<String>,
    /// Numeric value per raw code when the column is numeric.
    numbers: Option<Vec<f64>>,
}

const NULL: u32 = u32::MAX;

fn encode_strings(ca: &StringChunked) -> RawEncoding {
    let mut map: FxHashMap<&str, u32> = FxHashMap::default();
    let mut labels: Vec<&str> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        for v in arr.iter() {
            let code = match v {
                None => NULL,
                Some(s) => *map.entry(s).or_insert_with(|| {
                    labels.push(s);
                    (labels.len() - 1) as u32
                }),
            };
            codes.push(code);
        }
    }
    RawEncoding {
        kind: ValueKind::Text,
        codes,
        labels: labels.into_iter().map(str::to_string).collect(),
        numbers: None,
    }
}

/// Exact order of two plain decimal numbers (`-12.50`, `007`), `None` when
/// either is written otherwise (`1e5`). Values beyond 2^53 or with more
/// than ~16 significant digits can round to the same f64; their order is
/// then settled here, digit by digit, not by the text.
fn exact_cmp(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    fn parts(s: &str) -> Option<(bool, &str, &str)> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
            return None;
        }
        let (whole, frac) = (whole.trim_start_matches('0'), frac.trim_end_matches('0'));
        // −0 is 0.
        Some((neg && !(whole.is_empty() && frac.is_empty()), whole, frac))
    }
    let (na, wa, fa) = parts(a)?;
    let (nb, wb, fb) = parts(b)?;
    let magnitude = wa
        .len()
        .cmp(&wb.len())
        .then_with(|| wa.cmp(wb))
        .then_with(|| fa.cmp(fb));
    Some(match (na, nb) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    })
}

/// Numeric value of every label that is not a missing token, if all are
/// finite numbers (tokens get NaN).
fn parse_numbers(labels: &[String], is_token: impl Fn(&str) -> bool) -> Option<Vec<f64>> {
    let mut any = false;
    let nums: Option<Vec<f64>> = labels
        .iter()
        .map(|l| {
            if is_token(l) {
                Some(f64::NAN)
            } else {
                any = true;
                l.parse::<f64>().ok().filter(|x| x.is_finite())
            }
        })
        .collect();
    nums.filter(|_| any)
}

fn encode_ints(ca: &Int64Chunked) -> RawEncoding {
    let mut map: FxHashMap<i64, u32> = FxHashMap::default();
    let mut values: Vec<i64> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for v in ca.iter() {
        codes.push(match v {
            None => NULL,
            Some(x) => *map.entry(x).or_insert_with(|| {
                values.push(x);
                (values.len() - 1) as u32
            }),
        });
    }
    RawEncoding {
        kind: ValueKind::Numeric,
        codes,
        labels: values.iter().map(|v| v.to_string()).collect(),
        numbers: Some(values.iter().map(|&v| v as f64).collect()),
    }
}

fn encode_floats(ca: &Float64Chunked) -> RawEncoding {
    let mut map: FxHashMap<u64, u32> = FxHashMap::default();
    let mut values: Vec<f64> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for v in ca.iter() {
        codes.push(match v {
            None => NULL,
            Some(x) => {
                // -0.0 equals 0.0; all NaNs are one value.
                let x = if x == 0.0 {
                    0.0
                } else if x.is_nan() {
                    f64::NAN
                } else {
                    x
                };
                *map.entry(x.to_bits()).or_insert_with(|| {
                    values.push(x);
                    (values.len() - 1) as u32
                })
            }
        });
    }
    RawEncoding {
        kind: ValueKind::Numeric,
        codes,
        labels: values.iter().map(|v| v.to_string()).collect(),
        numbers: Some(values),
    }
}

impl RawEncoding {
    /// Sort the dictionary, fold missing tokens and nulls into one last
    /// code, and rewrite the codes.
    fn finish(self, name: &str, missing_tokens: &[String]) -> EncodedColumn {
        let RawEncoding {
            mut kind,
            mut codes,
            labels,
            mut numbers,
        } = self;
        // An empty string is missing in every format, as an empty CSV cell
        // is: the same table reads the same from CSV, Parquet or a DataFrame.
        let is_token = |l: &str| l.is_empty() || missing_tokens.iter().any(|t| t == l);
        if kind == ValueKind::Text {
            numbers = parse_numbers(&labels, is_token);
            if numbers.is_some() {
                kind = ValueKind::Numeric;
            }
        }
        let mut order: Vec<u32> = (0..labels.len() as u32)
            .filter(|&i| !is_token(&labels[i as usize]))
            .collect();
        match &numbers {
            Some(nums) => order.sort_by(|&a, &b| {
                let (la, lb) = (&labels[a as usize], &labels[b as usize]);
                nums[a as usize]
                    .total_cmp(&nums[b as usize])
                    .then_with(|| exact_cmp(la, lb).unwrap_or(std::cmp::Ordering::Equal))
                    .then_with(|| la.cmp(lb))
            }),
            None => order.sort_by(|&a, &b| labels[a as usize].cmp(&labels[b as usize])),
        }
        let present = order.len() as u32;
        let has_missing = order.len() < labels.len() || codes.par_iter().any(|&c| c == NULL);
        let missing = has_missing.then_some(present);
        // Old code → new code; tokens map to the missing code.
        let mut remap = vec![present; labels.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        codes.par_iter_mut().for_each(|c| {
            *c = if *c == NULL {
                present
            } else {
                remap[*c as usize]
            };
        });
        let mut new_labels: Vec<String> =
            order.iter().map(|&o| labels[o as usize].clone()).collect();
        let new_numbers = numbers.map(|nums| {
            let mut v: Vec<f64> = order.iter().map(|&o| nums[o as usize]).collect();
            if has_missing {
                v.push(f64::NAN);
            }
            v
        });
        if has_missing {
            new_labels.push(MISSING_LABEL.to_string());
        }
        EncodedColumn {
            name: name.to_string(),
            codes,
            dict: Dictionary {
                kind,
                labels: new_labels,
                numbers: new_numbers,
                missing,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_f64_precision_are_ordered_exactly() {
        use std::cmp::Ordering::*;
        // Both round to 1e20 as f64; the text alone would put "100…" first.
        assert_eq!(
            exact_cmp("99999999999999999999", "100000000000000000000"),
            Some(Less)
        );
        assert_eq!(
            exact_cmp("-12345678901234567891", "-12345678901234567892"),
            Some(Greater)
        );
        assert_eq!(exact_cmp("0.10", "0.1"), Some(Equal));
        assert_eq!(exact_cmp("-0", "0.00"), Some(Equal));
        assert_eq!(exact_cmp("007", "7"), Some(Equal));
        assert_eq!(exact_cmp("-1", "1"), Some(Less));
        assert_eq!(exact_cmp("1e5", "2"), None);
        let labels: Vec<String> = [
            "100000000000000000000",
            "99999999999999999999",
            "-5",
            "99999999999999999998",
        ]
        .map(String::from)
        .to_vec();
        let raw = RawEncoding {
            kind: ValueKind::Text,
            codes: vec![0, 1, 2, 3],
            labels,
            numbers: None,
        };
        let e = raw.finish("x", &[]);
        assert_eq!(
            e.dict.labels,
            [
                "-5",
                "99999999999999999998",
                "99999999999999999999",
                "100000000000000000000"
            ]
        );
    }

    fn enc(values: &[Option<&str>], tokens: &[&str]) -> EncodedColumn {
        let s = Series::new("x".into(), values);
        let tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        encode_series("t", "x", &s, &tokens).unwrap()
    }

    #[test]
    fn numeric_text_is_ordered_numerically() {
        let e = enc(&[Some("10"), Some("9"), Some("10"), Some("100")], &[]);
        assert_eq!(e.dict.kind, ValueKind::Numeric);
        assert_eq!(e.dict.labels, vec!["9", "10", "100"]);
        assert_eq!(e.codes, vec![1, 0, 1, 2]);
    }

    /// An empty string is missing, as an empty CSV cell is, and a space is
    /// a value: a Parquet column of "" and null reads as the CSV does.
    #[test]
    fn an_empty_string_is_missing_as_an_empty_cell_is() {
        let e = enc(&[Some("x"), Some(""), None, Some(" ")], &[]);
        assert_eq!(e.dict.labels, vec![" ", "x", "(missing)"]);
        assert_eq!(e.dict.missing, Some(2));
        assert_eq!(e.codes, vec![1, 2, 2, 0]);
    }

    #[test]
    fn text_is_ordered_bytewise_and_exact() {
        let e = enc(&[Some("b"), Some("a"), Some("B"), Some("a ")], &[]);
        assert_eq!(e.dict.kind, ValueKind::Text);
        assert_eq!(e.dict.labels, vec!["B", "a", "a ", "b"]);
        assert_eq!(e.codes, vec![3, 1, 0, 2]);
    }

    #[test]
    fn nulls_and_tokens_are_one_last_value() {
        let e = enc(
            &[Some("x"), None, Some("?"), Some("NA"), Some("y")],
            &["?", "NA"],
        );
        assert_eq!(e.dict.labels, vec!["x", "y", MISSING_LABEL]);
        assert_eq!(e.dict.missing, Some(2));
        assert_eq!(e.codes, vec![0, 2, 2, 2, 1]);
    }

    #[test]
    fn leading_zeros_are_distinct_values() {
        let e = enc(&[Some("007"), Some("7")], &[]);
        assert_eq!(e.cardinality(), 2);
        assert_eq!(e.dict.kind, ValueKind::Numeric);
        assert_eq!(e.dict.labels, vec!["007", "7"]);
    }

    #[test]
    fn integers_floats_booleans() {
        let s = Series::new("i".into(), &[Some(3i64), None, Some(-1), Some(3)]);
        let e = encode_series("t", "i", &s, &[]).unwrap();
        assert_eq!(e.dict.labels, vec!["-1", "3", MISSING_LABEL]);
        assert_eq!(e.codes, vec![1, 2, 0, 1]);
        let s = Series::new("f".into(), &[0.5f64, -0.0, 0.0]);
        let e = encode_series("t", "f", &s, &[]).unwrap();
        assert_eq!(e.cardinality(), 2);
        assert_eq!(e.codes, vec![1, 0, 0]);
        let s = Series::new("b".into(), &[true, false, true]);
        let e = encode_series("t", "b", &s, &[]).unwrap();
        assert_eq!(e.dict.kind, ValueKind::Boolean);
        assert_eq!(e.dict.labels, vec!["false", "true"]);
    }
}
