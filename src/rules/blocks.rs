//! Two-character code prefix sets, the cheap test rules make before reading
//! a code's notes.

use crate::codeset::code::CodeKey;

/// A set of two-character code prefixes (`E1`, `O9`): a letter and a digit,
/// as every ICD-10-CM code starts. Rules test it before reading notes, so
/// that a pair of codes from unrelated blocks costs two bit tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Blocks([u64; 5]);

impl Blocks {
    /// The position of `key`'s prefix in the set; rules that test one code
    /// against several sets compute it once ([`Blocks::has`]).
    pub fn index(key: CodeKey) -> usize {
        let b = key.as_bytes();
        usize::from(b[0].saturating_sub(b'A')).min(25) * 10
            + usize::from(b[1].saturating_sub(b'0')).min(9)
    }

    /// `contains` for a code whose [`Blocks::index`] is `i`.
    pub fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
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
        self.has(Blocks::index(key))
    }

    pub fn intersects(&self, other: &Blocks) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    /// Does the set meet the prefixes of a claim's codes other than
    /// `key`? `all` holds every code's prefix, `shared` those of two or
    /// more codes: `key`'s own prefix counts only when another code has it.
    pub fn intersects_other(&self, all: &Blocks, shared: &Blocks, key: CodeKey) -> bool {
        let mut others = *all;
        if !shared.contains(key) {
            let i = Blocks::index(key);
            others.0[i / 64] &= !(1 << (i % 64));
        }
        self.intersects(&others)
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
    fn other_codes_prefixes_leave_out_the_code_itself_unless_shared() {
        let mut all = Blocks::default();
        let mut shared = Blocks::default();
        for k in ["E11.9", "I10", "E10.9"] {
            if all.contains(key(k)) {
                shared.insert(key(k));
            }
            all.insert(key(k));
        }
        let mut notes = Blocks::default();
        notes.insert(key("I10"));
        // I10's own prefix is no other code's.
        assert!(!notes.intersects_other(&all, &shared, key("I10")));
        assert!(notes.intersects_other(&all, &shared, key("E11.9")));
        let mut e1 = Blocks::default();
        e1.insert(key("E10"));
        // E1 is held by E11.9 and E10.9: another code has it.
        assert!(e1.intersects_other(&all, &shared, key("E11.9")));
        let mut lone = Blocks::default();
        lone.insert(key("Z99"));
        assert!(!lone.intersects_other(&all, &shared, key("E11.9")));
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
