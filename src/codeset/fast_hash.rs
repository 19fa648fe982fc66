//! A fast, non-keyed hasher for the importers' and blob writer's maps.
//!
//! The standard SipHash resists hash flooding, which matters for untrusted
//! keys from the network, not for the code sets read here; it took a tenth
//! of a run-time load. This is the multiply-rotate scheme of rustc's FxHash.
//!
//! Compiled into the crate and, by path, into `build.rs`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

/// Hands `bytes` to `f` as little-endian words of eight bytes, the last one
/// padded with zeros: how the hashers of this crate read byte strings.
#[inline]
pub fn for_each_word(bytes: &[u8], mut f: impl FnMut(u64)) {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        f(u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        f(u64::from_le_bytes(word));
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for_each_word(bytes, |w| self.add(w));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;
