//! A first-seen dictionary of byte strings: each new value gets the next
//! code (0, 1, 2, …). The values live in one arena; the hash table holds
//! each value's code, length and first eight bytes, so a lookup of a value
//! of up to eight bytes (ages, codes, postcodes, short labels) is settled
//! inside the table without touching the arena. A dictionary costs about
//! its values' bytes plus 24 bytes a value, whatever their number. The CSV
//! reader builds one per column and piece, straight from the fields, so
//! quasi-identifiers never exist as a column of strings.

use hashbrown::HashTable;

/// Byte strings by code, in the order first seen.
#[derive(Default)]
pub struct Interner {
    arena: Vec<u8>,
    /// End of value `c` in the arena; value `c` starts where `c − 1` ends.
    ends: Vec<usize>,
    table: HashTable<Slot>,
}

/// A value in the hash table: with `len` ≤ 8, `head` determines the value.
#[derive(Clone, Copy)]
struct Slot {
    head: u64,
    len: u32,
    code: u32,
}

/// The value's bytes folded into a word such that, for a given length of at
/// most eight, different values give different words: lengths 4–8 take two
/// (possibly overlapping) 4-byte reads covering every byte, lengths 1–3 the
/// first, middle and last byte. Longer values give their first eight bytes.
#[inline]
fn head(v: &[u8]) -> u64 {
    let n = v.len();
    if n >= 8 {
        u64::from_le_bytes([v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]])
    } else if n >= 4 {
        let lo = u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as u64;
        let hi = u32::from_le_bytes([v[n - 4], v[n - 3], v[n - 2], v[n - 1]]) as u64;
        lo | hi << 32
    } else if n > 0 {
        v[0] as u64 | (v[n / 2] as u64) << 8 | (v[n - 1] as u64) << 16
    } else {
        0
    }
}

/// Multiply two words and fold the 128-bit product (a fast mixer whose
/// high and low bits both depend on every input bit).
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let m = (a as u128).wrapping_mul(b as u128);
    (m as u64) ^ (m >> 64) as u64
}

const K0: u64 = 0x9e37_79b9_7f4a_7c15;
const K1: u64 = 0xd6e8_feb8_6659_fd93;

/// Hash of a value whose head is `h`: short values from the head and
/// length alone, longer ones from every 8-byte word past the head too.
#[inline]
fn hash(v: &[u8], h: u64) -> u64 {
    let mut x = fold(h ^ K0, (v.len() as u64) ^ K1);
    let mut rest = v.get(8..).unwrap_or_default();
    while !rest.is_empty() {
        x = fold(x ^ head(&rest[..rest.len().min(8)]), K1);
        rest = &rest[rest.len().min(8)..];
    }
    x
}

fn value<'a>(arena: &'a [u8], ends: &[usize], code: u32) -> &'a [u8] {
    let c = code as usize;
    let start = if c == 0 { 0 } else { ends[c - 1] };
    &arena[start..ends[c]]
}

impl Interner {
    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The value of `code`.
    pub fn get(&self, code: u32) -> &[u8] {
        value(&self.arena, &self.ends, code)
    }

    /// The code of `v`, given the next code if it is new.
    #[inline]
    pub fn code(&mut self, v: &[u8]) -> u32 {
        let w = head(v);
        let h = hash(v, w);
        let len = v.len() as u32;
        let Interner { arena, ends, table } = self;
        let same = |s: &Slot| {
            s.len == len && s.head == w && (len <= 8 || value(arena, ends, s.code)[8..] == v[8..])
        };
        if let Some(s) = table.find(h, same) {
            return s.code;
        }
        let code = ends.len() as u32;
        arena.extend_from_slice(v);
        ends.push(arena.len());
        let slot = Slot { head: w, len, code };
        table.insert_unique(h, slot, |s| {
            let v = value(arena, ends, s.code);
            hash(v, s.head)
        });
        code
    }

    /// The values as text, by code. Callers intern valid UTF-8 only; an
    /// invalid sequence would be replaced, never dropped.
    pub fn into_labels(self) -> Vec<String> {
        (0..self.len() as u32)
            .map(|c| String::from_utf8_lossy(self.get(c)).into_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_first_sight_and_repeat() {
        let mut d = Interner::default();
        let words: [&[u8]; 7] = [b"b", b"a", b"", b"b", "é".as_bytes(), b"a", b"ab"];
        let codes: Vec<u32> = words.iter().map(|w| d.code(w)).collect();
        assert_eq!(codes, [0, 1, 2, 0, 3, 1, 4]);
        assert_eq!(d.len(), 5);
        assert_eq!(d.get(3), "é".as_bytes());
        assert_eq!(d.into_labels(), ["b", "a", "", "é", "ab"]);
    }

    #[test]
    fn values_differing_in_any_one_byte_get_their_own_codes() {
        // Every byte of a short value must count: the head covers lengths up
        // to eight with overlapping reads, longer values compare the arena.
        let mut d = Interner::default();
        let mut seen = Vec::new();
        for len in 0..=20usize {
            let base = vec![b'a'; len];
            seen.push(base.clone());
            for at in 0..len {
                let mut v = base.clone();
                v[at] = b'b';
                seen.push(v);
            }
        }
        let codes: Vec<u32> = seen.iter().map(|v| d.code(v)).collect();
        assert_eq!(codes, (0..seen.len() as u32).collect::<Vec<_>>());
        for (v, &c) in seen.iter().zip(&codes) {
            assert_eq!(d.code(v), c);
            assert_eq!(d.get(c), v.as_slice());
        }
    }

    #[test]
    fn many_values_survive_the_table_growing() {
        let mut d = Interner::default();
        for i in 0..100_000u32 {
            assert_eq!(d.code(i.to_string().as_bytes()), i);
        }
        for i in (0..100_000u32).rev() {
            assert_eq!(d.code(i.to_string().as_bytes()), i);
        }
    }
}
