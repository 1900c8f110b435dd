//! Column profiles and identifier detection (`kanon profile`).
//!
//! Per column: distinct values, uniqueness (distinct / records), Shannon
//! entropy in bits, share of missing values, and a guessed role with the
//! reason. Detectors look at the distinct values (never printed):
//!
//! * direct identifiers — e-mail addresses, phone numbers, IBANs (valid
//!   ISO 13616 mod-97 check), Dutch BSNs (valid 11-test), Dutch postcodes
//!   `1234 AB`, dates in a column named like a date of birth, and columns
//!   unique per row;
//! * pseudonyms, hashes and tokens — hex strings of 32, 40 or 64 digits
//!   (MD5, SHA-1, SHA-256), UUIDs, base64 tokens: pseudonymised data is
//!   still personal data (WP216 §4);
//! * quasi-identifier and sensitive candidates, by cardinality and name.
//!
//! A detector fires when at least 90 % of the distinct non-missing values
//! match it.

use serde::Serialize;

use crate::engine::encode::{EncodedColumn, ValueKind};

/// A guessed role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    DirectIdentifier,
    Pseudonym,
    QuasiIdentifierCandidate,
    SensitiveCandidate,
    Other,
}

/// The profile of one column.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ColumnProfile {
    pub name: String,
    pub distinct: u64,
    /// distinct / records.
    pub uniqueness: f64,
    /// Shannon entropy of the value distribution, in bits.
    pub entropy_bits: f64,
    pub missing_share: f64,
    pub role: Role,
    /// The detector that fired, if any (`email`, `iban`, `bsn`, …).
    pub detector: Option<String>,
    /// Why the role was guessed (the sentence is in `render`).
    pub reason: RoleReason,
}

/// Why a column got its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleReason {
    /// At least 90 % of the values match the detector.
    LooksLike,
    /// The name says birth and the values are dates.
    DateOfBirth,
    /// At least 95 % of the records have a value of their own.
    UniquePerRow,
    /// As `unique_per_row`, on numbers: band or round them.
    UniqueContinuous,
    /// The name suggests a special category or a sensitive value.
    SensitiveName,
    /// Several values: combined with others it can single people out.
    SeveralValues,
    /// One value.
    Constant,
    NoPattern,
}

/// The 11-test of a Dutch citizen service number (BSN): nine digits d1…d9
/// with 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11), not all zero.
pub fn is_bsn(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if digits.len() != 9 || digits.iter().all(|&d| d == 0) {
        return false;
    }
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i == 8 {
                -(d as i64)
            } else {
                (9 - i as i64) * d as i64
            }
        })
        .sum();
    sum % 11 == 0
}

/// ISO 13616 IBAN check: move the first four characters to the end, turn
/// letters into 10–35, and the number must be ≡ 1 (mod 97).
pub fn is_iban(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut rem: u64 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            (c - b'0') as u64
        } else {
            (c - b'A') as u64 + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A Dutch postcode: four digits (the first not 0), an optional space and
/// two letters other than SA, SD and SS.
pub fn is_dutch_postcode(s: &str) -> bool {
    let compact: String = s.split_whitespace().collect();
    let b = compact.as_bytes();
    b.len() == 6
        && b[0] != b'0'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphabetic)
        && !["SA", "SD", "SS"].contains(&compact[4..].to_ascii_uppercase().as_str())
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && !s.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

fn is_phone(s: &str) -> bool {
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
    let digits = s.chars().filter(char::is_ascii_digit).count();
    allowed && (9..=15).contains(&digits) && (s.starts_with('+') || s.starts_with('0'))
}

fn is_hex_hash(s: &str) -> bool {
    [32, 40, 64].contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit())
}

fn is_base64_token(s: &str) -> bool {
    s.len() >= 16
        && s.len() % 4 == 0
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..4]
            .iter()
            .chain(&b[5..7])
            .chain(&b[8..10])
            .all(u8::is_ascii_digit)
}

/// (name, test, what the values look like).
type Detector = (&'static str, fn(&str) -> bool);

const SENSITIVE_NAMES: [&str; 14] = [
    "diagnos",
    "disease",
    "health",
    "medic",
    "income",
    "salary",
    "religio",
    "ethnic",
    "sexual",
    "criminal",
    "ziekte",
    "inkomen",
    "gezondheid",
    "geloof",
];
const BIRTH_NAMES: [&str; 5] = ["birth", "dob", "geboort", "born", "geb_"];

/// The role a column's name and values suggest, the detector that found
/// it, and why. `share(f)` is the share of the column's values `f` accepts.
fn guess_role(
    col: &EncodedColumn,
    share: &dyn Fn(fn(&str) -> bool) -> f64,
    distinct: u64,
    uniqueness: f64,
) -> (Role, Option<&'static str>, RoleReason) {
    let name = col.name.to_ascii_lowercase();
    let direct: [Detector; 5] = [
        ("email", is_email),
        ("iban", is_iban),
        ("bsn", is_bsn),
        ("dutch_postcode", is_dutch_postcode),
        ("phone", is_phone),
    ];
    let pseudo: [Detector; 3] = [
        ("hex_hash", is_hex_hash),
        ("uuid", is_uuid),
        ("base64_token", is_base64_token),
    ];
    if let Some((d, _)) = direct.iter().find(|(_, f)| share(*f) >= 0.9) {
        (Role::DirectIdentifier, Some(*d), RoleReason::LooksLike)
    } else if let Some((d, _)) = pseudo.iter().find(|(_, f)| share(*f) >= 0.9) {
        (Role::Pseudonym, Some(*d), RoleReason::LooksLike)
    } else if BIRTH_NAMES.iter().any(|b| name.contains(b))
        && (col.dict.kind == ValueKind::Date || share(is_iso_date) >= 0.9)
    {
        (
            Role::DirectIdentifier,
            Some("date_of_birth"),
            RoleReason::DateOfBirth,
        )
    } else if distinct > 20 && uniqueness >= 0.95 {
        (
            Role::DirectIdentifier,
            Some("unique_per_row"),
            if col.dict.kind == ValueKind::Numeric {
                RoleReason::UniqueContinuous
            } else {
                RoleReason::UniquePerRow
            },
        )
    } else if SENSITIVE_NAMES.iter().any(|s| name.contains(s)) {
        (Role::SensitiveCandidate, None, RoleReason::SensitiveName)
    } else if distinct >= 2 && uniqueness < 0.95 {
        (
            Role::QuasiIdentifierCandidate,
            None,
            RoleReason::SeveralValues,
        )
    } else {
        (
            Role::Other,
            None,
            if distinct <= 1 {
                RoleReason::Constant
            } else {
                RoleReason::NoPattern
            },
        )
    }
}

/// Profile one encoded column; `counts[code]` are its value frequencies.
pub fn profile_column(col: &EncodedColumn, counts: &[u64]) -> ColumnProfile {
    let records: u64 = counts.iter().sum();
    let missing = col.dict.missing.map_or(0, |m| counts[m as usize]);
    let present: Vec<usize> = (0..col.dict.len())
        .filter(|&c| Some(c as u32) != col.dict.missing && counts[c] > 0)
        .collect();
    let distinct = present.len() as u64;
    let n = records.max(1) as f64;
    let entropy_bits: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum::<f64>()
        + 0.0; // no −0.0 for a constant column
    let labels: Vec<&str> = present
        .iter()
        .map(|&c| col.dict.labels[c].as_str())
        .collect();
    let share = |f: fn(&str) -> bool| {
        if labels.is_empty() {
            0.0
        } else {
            labels.iter().filter(|l| f(l)).count() as f64 / labels.len() as f64
        }
    };
    let uniqueness = distinct as f64 / n;
    let (role, detector, reason) = guess_role(col, &share, distinct, uniqueness);
    ColumnProfile {
        name: col.name.clone(),
        distinct,
        uniqueness,
        entropy_bits,
        missing_share: missing as f64 / n,
        role,
        detector: detector.map(str::to_string),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bsn_eleven_test() {
        // 111222333: 9+8+7+12+10+8+9+6−3 = 66 = 6·11.
        assert!(is_bsn("111222333"));
        assert!(is_bsn("123456782"));
        assert!(!is_bsn("123456789"));
        assert!(!is_bsn("000000000"));
        assert!(!is_bsn("12345678"));
        assert!(!is_bsn("12345678x"));
    }

    #[test]
    fn iban_mod_97() {
        assert!(is_iban("NL91ABNA0417164300"));
        assert!(is_iban("GB82 WEST 1234 5698 7654 32"));
        assert!(!is_iban("NL91ABNA0417164301"));
        assert!(!is_iban("NL91"));
        assert!(!is_iban("1291ABNA0417164300"));
    }

    #[test]
    fn postcodes_emails_phones_hashes() {
        assert!(is_dutch_postcode("1234 AB") && is_dutch_postcode("9999zz"));
        assert!(
            !is_dutch_postcode("0123 AB")
                && !is_dutch_postcode("1234 SS")
                && !is_dutch_postcode("12345")
        );
        assert!(is_email("a.b@example.org") && !is_email("a@b") && !is_email("x y@z.nl"));
        assert!(is_phone("06-12345678") && is_phone("+31 20 123 4567") && !is_phone("12345"));
        assert!(is_hex_hash("d41d8cd98f00b204e9800998ecf8427e"));
        assert!(!is_hex_hash("d41d8cd98f00b204e9800998ecf8427g"));
        assert!(
            is_uuid("123e4567-e89b-12d3-a456-426614174000")
                && !is_uuid("123e4567e89b12d3a456426614174000")
        );
        assert!(is_base64_token("dGhpc0lzQVRva2VuMTIz") && !is_base64_token("short"));
    }
}
