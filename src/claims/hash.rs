//! Fast 64-bit hashing of cell bytes, for grouping rows by claim id and for
//! recognising a row whose content was already emitted for its claim.
//!
//! The keys of the grouping maps are already hashes, so the maps use
//! [`IdentityBuild`] instead of SipHash: hashing a hash again only costs time.
//! The byte hash reads eight bytes per step (a folded 128-bit multiply, as
//! in the wyhash family), which keeps fingerprinting a wide row cheap
//! compared with parsing it.

use std::hash::{BuildHasherDefault, Hasher};

use crate::codeset::fast_hash::for_each_word;

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;
const K2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// Multiplies as 128 bits and folds the halves: every input bit reaches
/// every output bit.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a).wrapping_mul(u128::from(b));
    (r as u64) ^ ((r >> 64) as u64)
}

/// A streaming hash over several byte strings. Each `write_field` is
/// length-delimited, so `("ab", "c")` and `("a", "bc")` hash differently.
#[derive(Clone, Copy, Debug)]
pub struct FieldHasher {
    state: u64,
}

impl FieldHasher {
    pub fn new(seed: u64) -> FieldHasher {
        FieldHasher { state: seed ^ K0 }
    }

    /// Adds one field's bytes.
    #[inline]
    pub fn write_field(&mut self, bytes: &[u8]) {
        let mut h = self.state;
        for_each_word(bytes, |w| h = fold_mul(h ^ w, K1));
        self.state = fold_mul(h ^ (bytes.len() as u64), K2);
    }

    /// Adds a small integer (a field index, a marker).
    #[inline]
    pub fn write_u64(&mut self, v: u64) {
        self.state = fold_mul(self.state ^ v, K2);
    }

    pub fn finish(&self) -> u64 {
        fold_mul(self.state, K1 ^ K2)
    }
}

/// Hash of one byte string.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FieldHasher::new(0);
    h.write_field(bytes);
    h.finish()
}

/// A `Hasher` for keys that are already well-mixed `u64` hashes.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only reached for keys that are not a single u64; mix them properly.
        let mut h = FieldHasher::new(self.0);
        h.write_field(bytes);
        self.0 = h.finish();
    }

    fn write_u64(&mut self, v: u64) {
        self.0 ^= v;
    }
}

/// Build-hasher for maps keyed by pre-hashed `u64`s.
pub type IdentityBuild = BuildHasherDefault<IdentityHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_length_delimited() {
        let mut a = FieldHasher::new(1);
        a.write_field(b"ab");
        a.write_field(b"c");
        let mut b = FieldHasher::new(1);
        b.write_field(b"a");
        b.write_field(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn distinct_short_and_long_strings_differ() {
        let keys: Vec<String> = (0..20_000).map(|i| format!("CLM{i:012}")).collect();
        let mut hashes: Vec<u64> = keys.iter().map(|k| hash_bytes(k.as_bytes())).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), keys.len());
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        assert_eq!(hash_bytes(b"abc"), hash_bytes(b"abc"));
    }
}
