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

    /// The prefixes of a claim's codes other than `key`: `all` holds every
    /// code's prefix, `shared` those of two or more codes, and `key`'s own
    /// prefix stays only when another code has it.
    pub fn others(all: &Blocks, shared: &Blocks, key: CodeKey) -> Blocks {
        let mut others = *all;
        if !shared.contains(key) {
            let i = Blocks::index(key);
            others.0[i / 64] &= !(1 << (i % 64));
        }
        others
    }

    /// The set folded into one word (prefix `i` at bit `i % 64`): two sets
    /// whose folds do not meet do not meet either.
    pub fn folded(&self) -> u64 {
        self.0.iter().fold(0, |f, w| f | w)
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
        let others = |k: &str| Blocks::others(&all, &shared, key(k));
        let mut notes = Blocks::default();
        notes.insert(key("I10"));
        // I10's own prefix is no other code's.
        assert!(!notes.intersects(&others("I10")));
        assert!(notes.intersects(&others("E11.9")));
        let mut e1 = Blocks::default();
        e1.insert(key("E10"));
        // E1 is held by E11.9 and E10.9: another code has it.
        assert!(e1.intersects(&others("E11.9")));
        let mut lone = Blocks::default();
        lone.insert(key("Z99"));
        assert!(!lone.intersects(&others("E11.9")));
    }

    /// Folded sets that do not meet come from sets that do not meet;
    /// folded sets that meet may come from sets that do not.
    #[test]
    fn folds_meet_whenever_the_sets_do() {
        let codes = [
            "A00", "B20", "C50.9", "E11.9", "I10", "M54.5", "S72.0", "Z99",
        ];
        for a in codes {
            for b in codes {
                let (mut x, mut y) = (Blocks::default(), Blocks::default());
                x.insert(key(a));
                y.insert(key(b));
                if x.intersects(&y) {
                    assert_ne!(x.folded() & y.folded(), 0, "{a} {b}");
                }
                assert_eq!(x.folded().count_ones(), 1);
            }
        }
        // A00 (prefix 0) and G4 (prefix 64) fold onto the same bit.
        let (mut x, mut y) = (Blocks::default(), Blocks::default());
        x.insert(key("A00"));
        y.insert(key("G40.9"));
        assert!(!x.intersects(&y));
        assert_ne!(x.folded() & y.folded(), 0);
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
