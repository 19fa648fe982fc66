//! Per-thread memos of what is derived from a code in an edition.
//!
//! Every diagnosis code the engine sees is resolved once per thread into
//! [`CodeFacts`]: its standing and MCE flags, its gate word (which gated
//! rules it concerns) and the rules' [`CodeWord`]s (the number of the note
//! list a note-reading rule derived for it), all in one entry of one table,
//! since a claims file touches tens of thousands of distinct codes in a
//! random order and each probe is a cache miss. Each code also gets a
//! [`Slot`], a small dense number, for rules that keep something larger in
//! a [`SlotMemo`], a plain vector, instead of a hash map of their own.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::codeset::code::CodeKey;
use crate::codeset::fast_hash::for_each_word;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::{Edition, Standing};
use crate::codeset::version::Version;

/// A memo keyed by two numbers (a release or edition id and a packed code
/// or note group).
pub type Memo<V> = HashMap<(u64, u64), V, BuildHasherDefault<KeyHasher>>;

/// A map from a packed code ([`CodeKey::to_u64`], never 0) to its packed
/// facts, gate word and numbers, side by side in one bucket: the engine
/// reads them for every diagnosis, and the codes of a claims file are too
/// many for the processor's nearer caches, so each probe is a cache miss.
/// Open addressing with linear probing and no control bytes keeps that to
/// one miss, and lets [`PackedMap::touch`] start a claim's probes together.
#[derive(Default)]
struct PackedMap {
    /// A power of two long (or empty); key 0 marks a free bucket.
    buckets: Vec<(u64, Packed)>,
    len: usize,
}

impl PackedMap {
    /// The bucket where the search for `key` starts: the high bits of a
    /// multiplicative hash, which every bit of the key reaches.
    fn home(&self, key: u64) -> usize {
        let bits = self.buckets.len().trailing_zeros();
        let h = (key ^ key >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - bits)) as usize
    }

    /// The bucket holding `key`, or the free bucket where it would go.
    fn find(&self, key: u64) -> usize {
        let mask = self.buckets.len() - 1;
        let mut i = self.home(key);
        loop {
            let k = self.buckets[i].0;
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The bucket holding `key`, when the map holds it.
    fn holding(&self, key: u64) -> Option<usize> {
        if self.buckets.is_empty() {
            return None;
        }
        let i = self.find(key);
        (self.buckets[i].0 == key).then_some(i)
    }

    fn get(&self, key: u64) -> Option<&Packed> {
        self.holding(key).map(|i| &self.buckets[i].1)
    }

    fn get_mut(&mut self, key: u64) -> Option<&mut Packed> {
        self.holding(key).map(|i| &mut self.buckets[i].1)
    }

    /// Reads the first bucket `key` would probe, for its cache line: a
    /// claim's codes are touched one after another before any is looked up,
    /// so that their misses overlap instead of following one another.
    fn touch(&self, key: u64) -> u64 {
        self.buckets.get(self.home(key)).map_or(0, |b| b.0)
    }

    /// Files `key`, which the map does not hold.
    fn insert(&mut self, key: u64, packed: Packed) {
        // At most three quarters full: linear probes stay short and mostly
        // within the line they start in.
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            let old = std::mem::take(&mut self.buckets);
            let size = (old.len() * 2).max(1 << 10);
            self.buckets = vec![(0, Packed::EMPTY); size];
            for (k, p) in old.into_iter().filter(|(k, _)| *k != 0) {
                let i = self.find(k);
                self.buckets[i] = (k, p);
            }
        }
        let i = self.find(key);
        self.buckets[i] = (key, packed);
        self.len += 1;
    }

    /// Forgets every code and keeps the buckets.
    fn clear(&mut self) {
        self.buckets.fill((0, Packed::EMPTY));
        self.len = 0;
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut Packed> {
        self.buckets
            .iter_mut()
            .filter(|(k, _)| *k != 0)
            .map(|(_, p)| p)
    }
}

#[derive(Clone, Copy)]
struct Packed {
    facts: u64,
    /// The code's gate word for the table's engine; 0 until it is known.
    gate: u32,
    /// The rules' numbers, in 16 bits to keep an entry at 16 bytes (24
    /// with its key); a larger number is not kept (0), only derived again.
    words: [u16; CodeWord::COUNT],
}

impl Packed {
    const EMPTY: Packed = Packed {
        facts: 0,
        gate: 0,
        words: [0; CodeWord::COUNT],
    };
}

/// Numbers that rules keep with a code's facts, so that resolving a
/// claim's codes brings them along with no look-up of their own: each
/// names what a rule derived from the code (0: not derived yet on this
/// thread). They depend on the code and its release only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeWord {
    /// The code's Excludes1 notes (`excludes1-conflict`).
    Excludes1,
    /// The code's code-first instructions (the sequencing rules).
    CodeFirst,
}

impl CodeWord {
    pub const COUNT: usize = 2;
}

/// The memo key of something numbered within `version` (a note group).
pub fn release_key(version: &Version, n: u64) -> (u64, u64) {
    (version.id(), n)
}

/// A multiply-rotate hasher for the memos' keys: integers (a packed code, a
/// release or edition number) and short runs of them (note group numbers).
/// Not for untrusted input.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // A product's low bits depend only on the factors' low bits (a
        // code's first characters), and the table picks buckets by the
        // hash's low bits: fold the high half down, multiply again and fold
        // again, so that every bit of the key reaches the low bits.
        let h = (self.0 ^ (self.0 >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for_each_word(bytes, |w| self.write_u64(w));
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
    /// Which gated rules of the engine the code concerns
    /// ([`Gates`](crate::engine::gate::Gates)), as far as known: 0 until
    /// the engine files it with [`EditionFacts::set_gate`].
    pub gate: u32,
    /// The rules' [`CodeWord`]s, by `CodeWord as usize`.
    pub words: [u32; CodeWord::COUNT],
}

/// Codes remembered per thread before the memo starts over: two releases
/// of every code fit, and the memos stay a few megabytes per rule.
const CAPACITY: usize = 1 << 18;

/// The per-thread table of [`CodeFacts`]: one small map per edition, from
/// the packed code to the facts packed into one word, so that the table
/// stays compact enough for the processor's caches.
pub struct FactsTable {
    editions: Vec<(u64, PackedMap)>,
    len: usize,
    capacity: usize,
    epoch: u32,
    /// The engine whose gate words the table holds.
    engine: u64,
}

impl Default for FactsTable {
    fn default() -> Self {
        FactsTable::with_capacity(CAPACITY)
    }
}

// The packed facts: standing in bits 0-1, "has MCE flags" in bit 2, the
// flags in bits 3-34, the slot index in bits 35-63.
const MCE_SHIFT: u32 = 3;
const SLOT_SHIFT: u32 = 35;

impl FactsTable {
    /// A table that starts over after `capacity` codes.
    pub fn with_capacity(capacity: usize) -> FactsTable {
        FactsTable {
            editions: Vec::new(),
            len: 0,
            capacity: capacity.max(1),
            epoch: 0,
            engine: 0,
        }
    }

    /// Makes the gate words the table keeps those of `engine`: another
    /// engine's are forgotten (a thread normally serves one engine).
    pub fn serve_engine(&mut self, engine: u64) {
        if self.engine != engine {
            for (_, map) in &mut self.editions {
                for p in map.values_mut() {
                    p.gate = 0;
                }
            }
            self.engine = engine;
        }
    }

    /// The table of one edition, for the codes of a claim: the edition is
    /// found once, not once per code.
    pub fn edition<'t, 'e>(&'t mut self, edition: &'t Edition<'e>) -> EditionFacts<'t, 'e> {
        let id = edition.memo_id();
        let at = match self.editions.iter().position(|(e, _)| *e == id) {
            Some(at) => at,
            None => {
                self.editions.push((id, PackedMap::default()));
                self.editions.len() - 1
            }
        };
        EditionFacts {
            table: self,
            edition,
            at,
        }
    }

    fn unpack(
        &self,
        Packed {
            facts: packed,
            gate,
            words,
        }: Packed,
    ) -> CodeFacts {
        CodeFacts {
            standing: match packed & 3 {
                0 => Standing::Billable,
                1 => Standing::Header,
                _ => Standing::Unknown,
            },
            mce: (packed & 4 != 0)
                .then(|| MceFlags::from_bits_truncate((packed >> MCE_SHIFT) as u32)),
            slot: Slot {
                index: (packed >> SLOT_SHIFT) as u32,
                epoch: self.epoch,
            },
            gate,
            words: words.map(u32::from),
        }
    }
}

/// [`FactsTable`] for one edition ([`FactsTable::edition`]).
pub struct EditionFacts<'t, 'e> {
    table: &'t mut FactsTable,
    edition: &'t Edition<'e>,
    /// The edition's map in `table.editions`.
    at: usize,
}

impl EditionFacts<'_, '_> {
    /// The facts of `key` on the edition, looked up in the code sets the
    /// first time this thread sees the pair.
    pub fn get(&mut self, key: CodeKey) -> CodeFacts {
        let packed = match self.table.editions[self.at].1.get(key.to_u64()) {
            Some(&packed) => packed,
            None => self.derive(key),
        };
        self.table.unpack(packed)
    }

    /// Starts bringing the facts of `keys` into the cache (see
    /// [`PackedMap::touch`]); returns a value only to be passed to
    /// [`std::hint::black_box`], so that the reads are made.
    pub fn touch(&self, keys: impl Iterator<Item = CodeKey>) -> u64 {
        let map = &self.table.editions[self.at].1;
        keys.fold(0, |acc, k| acc ^ map.touch(k.to_u64()))
    }

    /// Files the gate word of `key` for the table's engine, when the table
    /// still holds the code, and returns the code's [`CodeWord`]s.
    pub fn set_gate(&mut self, key: CodeKey, gate: u32) -> Option<[u32; CodeWord::COUNT]> {
        let p = self.table.editions[self.at].1.get_mut(key.to_u64())?;
        p.gate = gate;
        Some(p.words.map(u32::from))
    }

    /// Files a rule's number for `key` ([`CodeWord`]), when the table still
    /// holds the code.
    pub fn set_word(&mut self, key: CodeKey, word: CodeWord, value: u32) {
        if let Some(p) = self.table.editions[self.at].1.get_mut(key.to_u64()) {
            p.words[word as usize] = u16::try_from(value).unwrap_or(0);
        }
    }

    /// Looks `key` up in the code sets and files it under a new slot.
    fn derive(&mut self, key: CodeKey) -> Packed {
        let t = &mut *self.table;
        if t.len >= t.capacity {
            for (_, map) in &mut t.editions {
                map.clear();
            }
            t.len = 0;
            t.epoch = t.epoch.wrapping_add(1);
        }
        let standing = self.edition.standing(key);
        let mce = self.edition.mce_flags(key);
        let packed = match standing {
            Standing::Billable => 0,
            Standing::Header => 1,
            Standing::Unknown => 2,
        } | mce.map_or(0, |f| 1 << 2 | u64::from(f.bits()) << MCE_SHIFT)
            | (t.len as u64) << SLOT_SHIFT;
        t.len += 1;
        let packed = Packed {
            facts: packed,
            gate: 0,
            words: [0; CodeWord::COUNT],
        };
        t.editions[self.at].1.insert(key.to_u64(), packed);
        packed
    }
}

/// Slots added to a [`SlotMemo`] at a time.
const SLOT_STEP: usize = 1 << 14;

/// What a rule derives from a code, by [`Slot`]: a record per code, made
/// with `Default` and filled in by the rule on first use.
pub struct SlotMemo<T> {
    items: Vec<T>,
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

impl<T: Default> SlotMemo<T> {
    /// The record for `slot`.
    pub fn entry(&mut self, slot: Slot) -> &mut T {
        if slot.epoch != self.epoch {
            self.items.clear();
            self.epoch = slot.epoch;
        }
        let i = slot.index as usize;
        if i >= self.items.len() {
            // Grown in steps, not by doubling: slots fill up densely, and a
            // doubled vector would be half empty in every worker.
            let len = (i + 1).next_multiple_of(SLOT_STEP);
            self.items.reserve_exact(len - self.items.len());
            self.items.resize_with(len, T::default);
        }
        &mut self.items[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::registry::CodeSets;
    use crate::date::Date;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    #[test]
    fn codes_that_share_their_first_characters_spread_over_buckets() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<KeyHasher>::default();
        let v = Version::embedded().last().unwrap();
        let keys: Vec<u64> = v
            .entries()
            .map(|e| e.key())
            .filter(|k| k.as_str().starts_with("S72"))
            .map(|k| k.to_u64())
            .collect();
        assert!(keys.len() > 1000, "{}", keys.len());
        // The table picks buckets by the hash's low bits: the codes of one
        // category must not share them.
        let mut buckets: Vec<u64> = keys.iter().map(|k| build.hash_one(k) & 1023).collect();
        buckets.sort_unstable();
        buckets.dedup();
        assert!(buckets.len() > 500, "{} of 1024 buckets", buckets.len());
        // The facts table picks them by the high bits of its own hash.
        let map = PackedMap {
            buckets: vec![(0, Packed::EMPTY); 1024],
            len: 0,
        };
        let mut homes: Vec<usize> = keys.iter().map(|&k| map.home(k)).collect();
        homes.sort_unstable();
        homes.dedup();
        assert!(homes.len() > 500, "{} of 1024 buckets", homes.len());
    }

    /// The open-addressing map answers as a hash map does, through growth,
    /// long probe runs and clearing.
    #[test]
    fn packed_map_answers_as_a_hash_map_does() {
        let packed = |n: u64| Packed {
            facts: n,
            gate: n as u32 ^ 0xABCD,
            words: [n as u16, 7],
        };
        let mut map = PackedMap::default();
        let mut truth: HashMap<u64, u64> = HashMap::new();
        assert!(map.get(5).is_none());
        assert_eq!(map.touch(5), 0);
        // Real codes, which share their first characters.
        let v = Version::embedded().last().unwrap();
        let codes = v.entries().map(|e| e.key().to_u64()).take(8000);
        for (n, k) in codes.enumerate() {
            if truth.insert(k, n as u64).is_none() {
                map.insert(k, packed(n as u64));
            }
            assert!(map.len * 4 <= map.buckets.len() * 3);
        }
        assert_eq!(map.len, truth.len());
        for (&k, &n) in &truth {
            let p = map.get(k).unwrap();
            assert_eq!(
                (p.facts, p.gate, p.words),
                (n, n as u32 ^ 0xABCD, [n as u16, 7])
            );
        }
        for (&k, _) in truth.iter().take(100) {
            assert!(map.get(k ^ 1 << 60).is_none());
        }
        for p in map.values_mut() {
            p.gate = 1;
        }
        assert_eq!(map.values_mut().count(), truth.len());
        let k = *truth.keys().next().unwrap();
        map.get_mut(k).unwrap().words = [9, 9];
        assert_eq!(
            (map.get(k).unwrap().gate, map.get(k).unwrap().words),
            (1, [9, 9])
        );
        let size = map.buckets.len();
        map.clear();
        assert_eq!((map.len, map.buckets.len()), (0, size));
        assert!(truth.keys().all(|&k| map.get(k).is_none()));
        map.insert(k, packed(3));
        assert_eq!(map.get(k).unwrap().facts, 3);
    }

    /// Keys with one home bucket, the last one, line up after it and wrap
    /// round to the first; a key that is not there is searched for past
    /// all of them.
    #[test]
    fn colliding_keys_probe_past_each_other_and_wrap_around() {
        let mut map = PackedMap::default();
        map.insert(1, Packed::EMPTY);
        let size = map.buckets.len();
        let last: Vec<u64> = (2..)
            .filter(|&k| map.home(k) == size - 1)
            .take(41)
            .collect();
        for (n, &k) in last[..40].iter().enumerate() {
            let p = Packed {
                facts: n as u64,
                ..Packed::EMPTY
            };
            map.insert(k, p);
        }
        assert_eq!(map.buckets.len(), size, "no growth");
        for (n, &k) in last[..40].iter().enumerate() {
            assert_eq!(map.get(k).map(|p| p.facts), Some(n as u64));
        }
        assert!(map.get(last[40]).is_none());
        assert!(map.get(1).is_some());
    }

    #[test]
    fn facts_match_the_code_sets_and_slots_are_dense_per_table() {
        let sets = CodeSets::embedded();
        let ed = sets.edition(Some(Date::ymd(2025, 3, 14)));
        let mut table = FactsTable::default();
        let codes = ["E11.9", "Z53.2", "Z99.999", "O80", "E11.9"];
        let facts: Vec<CodeFacts> = codes
            .iter()
            .map(|c| table.edition(&ed).get(key(c)))
            .collect();
        for (c, f) in codes.iter().zip(&facts) {
            assert_eq!(f.standing, ed.standing(key(c)), "{c}");
            assert_eq!(f.mce, ed.mce_flags(key(c)), "{c}");
        }
        assert_eq!(facts[0].standing, Standing::Billable);
        assert_eq!(facts[1].standing, Standing::Header);
        assert_eq!(facts[2].standing, Standing::Unknown);
        let slots: Vec<u32> = facts.iter().map(|f| f.slot.index).collect();
        assert_eq!(slots, [0, 1, 2, 3, 0]);
    }

    #[test]
    fn a_full_table_starts_over_and_slot_memos_forget_with_it() {
        let sets = CodeSets::embedded();
        let ed = sets.edition(Some(Date::ymd(2025, 3, 14)));
        let mut table = FactsTable::with_capacity(2);
        let mut memo: SlotMemo<Vec<&str>> = SlotMemo::default();
        let a = table.edition(&ed).get(key("E11.9")).slot;
        memo.entry(a).push("E11.9");
        let b = table.edition(&ed).get(key("I10")).slot;
        memo.entry(b).push("I10");
        // The third code starts a new epoch: slot 0 again, and what the
        // memo kept for the old slot 0 (E11.9) is gone.
        let c = table.edition(&ed).get(key("O80")).slot;
        assert_eq!(c.index, 0);
        assert_ne!(c, a);
        assert!(memo.entry(c).is_empty());
        memo.entry(c).push("O80");
        assert_eq!(memo.entry(c), &vec!["O80"]);
        // E11.9 is looked up again and gets a new slot.
        let again = table.edition(&ed).get(key("E11.9")).slot;
        assert_eq!(again.index, 1);
        assert!(memo.entry(again).is_empty());
    }

    /// Gate words belong to one engine and are forgotten for another; the
    /// rules' numbers depend on the code alone and stay.
    #[test]
    fn gate_words_follow_the_engine_and_rule_numbers_stay() {
        let sets = CodeSets::embedded();
        let ed = sets.edition(Some(Date::ymd(2025, 3, 14)));
        let mut table = FactsTable::default();
        table.serve_engine(7);
        let e119 = key("E11.9");
        assert_eq!(table.edition(&ed).get(e119).gate, 0);
        table.edition(&ed).set_word(e119, CodeWord::CodeFirst, 5);
        let words = table.edition(&ed).set_gate(e119, 0x8000_0003);
        assert_eq!(words, Some([0, 5]));
        let f = table.edition(&ed).get(e119);
        assert_eq!((f.gate, f.words), (0x8000_0003, [0, 5]));
        table.serve_engine(7);
        assert_eq!(table.edition(&ed).get(e119).gate, 0x8000_0003);
        table.serve_engine(8);
        let f = table.edition(&ed).get(e119);
        assert_eq!((f.gate, f.words), (0, [0, 5]));
        // A number past 16 bits is not kept: the rule derives it again.
        table
            .edition(&ed)
            .set_word(e119, CodeWord::Excludes1, 70_000);
        assert_eq!(table.edition(&ed).get(e119).words, [0, 5]);
        // A code the table does not hold is not filed.
        assert_eq!(table.edition(&ed).set_gate(key("I10"), 1), None);
    }
}
