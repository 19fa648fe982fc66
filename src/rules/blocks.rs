//! Two-character code prefix sets, the cheap test rules make before reading
//! a code's notes.

use crate::codeset::code::CodeKey;

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
