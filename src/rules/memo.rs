//! Per-thread memos for what rules derive from a release's notes, keyed by
//! the release and the code, so that each code's notes are parsed once per
//! run and a code without notes costs one hash probe.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::codeset::code::CodeKey;
use crate::codeset::version::Version;

/// A memo from (release, code) to what a rule derived.
pub type Memo<V> = HashMap<(u64, u64), V, BuildHasherDefault<KeyHasher>>;

/// The memo key of `key` in `version`.
pub fn memo_key(version: &Version, key: CodeKey) -> (u64, u64) {
    (version.id(), key.to_u64())
}

/// A multiply-rotate hasher for keys that are already well spread integers
/// (a packed code and a small release number). Not for untrusted input.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(26) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A set of two-character code prefixes (`E1`, `O9`): a letter and a digit,
/// as every ICD-10-CM code starts. Rules test it before reading notes, so
/// that a pair of codes from unrelated blocks costs two bit tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Blocks([u64; 5]);

impl Blocks {
    fn index(key: CodeKey) -> usize {
        let b = key.as_bytes();
        usize::from(b[0].saturating_sub(b'A')).min(25) * 10
            + usize::from(b[1].saturating_sub(b'0')).min(9)
    }

    pub fn insert(&mut self, key: CodeKey) {
        let i = Blocks::index(key);
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Every prefix from `lo`'s to `hi`'s, inclusive.
    pub fn insert_range(&mut self, lo: CodeKey, hi: CodeKey) {
        for i in Blocks::index(lo)..=Blocks::index(hi) {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, key: CodeKey) -> bool {
        let i = Blocks::index(key);
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn intersects(&self, other: &Blocks) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    pub fn union(&mut self, other: &Blocks) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    #[test]
    fn blocks_cover_ranges_by_letter_and_digit() {
        let mut b = Blocks::default();
        b.insert_range(key("C00"), key("D49"));
        assert!(b.contains(key("C50.911")) && b.contains(key("D49.9")) && b.contains(key("D00.0")));
        assert!(!b.contains(key("D50.0")) && !b.contains(key("B99")));
        let mut z = Blocks::default();
        z.insert(key("Z3A.39"));
        assert!(!z.intersects(&b));
        z.insert(key("D10.0"));
        assert!(z.intersects(&b));
    }
}
