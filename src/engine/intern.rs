//! A first-seen dictionary of byte strings: each new value gets the next
//! code (0, 1, 2, …). The values live in one arena and the hash table holds
//! only their codes, so a dictionary costs about its values' bytes plus 13
//! bytes a value, whatever their number. The CSV reader builds one per
//! column and piece, straight from the fields, so quasi-identifiers never
//! exist as a column of strings.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Byte strings by code, in the order first seen.
#[derive(Default)]
pub struct Interner {
    arena: Vec<u8>,
    /// End of value `c` in the arena; value `c` starts where `c − 1` ends.
    ends: Vec<usize>,
    table: HashTable<u32>,
}

fn hash(value: &[u8]) -> u64 {
    FxBuildHasher.hash_one(value)
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
    pub fn code(&mut self, v: &[u8]) -> u32 {
        let h = hash(v);
        let Interner { arena, ends, table } = self;
        if let Some(&c) = table.find(h, |&c| value(arena, ends, c) == v) {
            return c;
        }
        let c = ends.len() as u32;
        arena.extend_from_slice(v);
        ends.push(arena.len());
        table.insert_unique(h, c, |&k| hash(value(arena, ends, k)));
        c
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
