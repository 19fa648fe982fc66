//! Per-thread memos of what is derived from a code in an edition.
//!
//! Every diagnosis code the engine sees is resolved once per thread into
//! [`CodeFacts`] (its standing and MCE flags) and given a [`Slot`]: a small
//! dense number that rules use to keep what they derive from the code's
//! notes in a [`SlotMemo`], a plain vector, instead of a hash map of their
//! own. A claims file touches tens of thousands of distinct codes in a
//! random order, so each memo probe is a cache miss; one probe per code
//! and then direct indexing keeps that to the minimum.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::{Edition, Standing};
use crate::codeset::version::Version;

/// A memo keyed by two numbers (a release or edition id and a packed code
/// or note group).
pub type Memo<V> = HashMap<(u64, u64), V, BuildHasherDefault<KeyHasher>>;

/// The memo key of `key` in `version`.
pub fn memo_key(version: &Version, key: CodeKey) -> (u64, u64) {
    memo_key_raw(version, key.to_u64())
}

/// The memo key of anything else numbered within `version` (a note group).
pub fn memo_key_raw(version: &Version, n: u64) -> (u64, u64) {
    (version.id(), n)
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

/// A code in an edition, numbered densely on this thread. Numbers are
/// handed out again after the thread's memo starts over (a new `epoch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    index: u32,
    epoch: u32,
}

/// What the engine looks up for every code of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeFacts {
    pub standing: Standing,
    /// MCE edit flags on the date ([`Edition::mce_flags`]).
    pub mce: Option<MceFlags>,
    pub slot: Slot,
}

/// Codes remembered per thread before the memo starts over: two releases
/// of every code fit, and the memos stay a few megabytes per rule.
const CAPACITY: usize = 1 << 19;

/// The per-thread table of [`CodeFacts`].
#[derive(Default)]
pub struct FactsTable {
    map: Memo<CodeFacts>,
    epoch: u32,
}

impl FactsTable {
    /// The facts of `key` on `edition`, looked up in the code sets the
    /// first time this thread sees the pair.
    pub fn get(&mut self, edition: &Edition<'_>, key: CodeKey) -> CodeFacts {
        let id = (edition.memo_id(), key.to_u64());
        if let Some(f) = self.map.get(&id) {
            return *f;
        }
        if self.map.len() >= CAPACITY {
            self.map.clear();
            self.epoch = self.epoch.wrapping_add(1);
        }
        let f = CodeFacts {
            standing: edition.standing(key),
            mce: edition.mce_flags(key),
            slot: Slot {
                index: self.map.len() as u32,
                epoch: self.epoch,
            },
        };
        self.map.insert(id, f);
        f
    }
}

/// What a rule derives from a code, by [`Slot`]: `None` until computed.
pub struct SlotMemo<T> {
    items: Vec<Option<T>>,
    epoch: u32,
}

impl<T> Default for SlotMemo<T> {
    fn default() -> Self {
        SlotMemo {
            items: Vec::new(),
            epoch: 0,
        }
    }
}

impl<T> SlotMemo<T> {
    /// The value for `slot`, made by `make` the first time.
    pub fn get_or_insert_with(&mut self, slot: Slot, make: impl FnOnce() -> T) -> &T {
        if slot.epoch != self.epoch {
            self.items.clear();
            self.epoch = slot.epoch;
        }
        let i = slot.index as usize;
        if i >= self.items.len() {
            self.items.resize_with((i + 1).next_power_of_two(), || None);
        }
        self.items[i].get_or_insert_with(make)
    }
}
