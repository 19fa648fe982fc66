//! Grouping wide rows into claims without keeping rows.
//!
//! Exports repeat a claim's header diagnoses on every claim line, and the
//! lines of one claim need not be adjacent (Tuva's seed interleaves them).
//! Checking every line would report each finding once per line; keeping
//! rows until a claim is complete would need the whole file in memory.
//! Instead each claim id (as a 64-bit hash) maps to the fingerprints of the
//! contents already emitted for it: a row whose fingerprint is known is
//! counted as repeated and skipped, a row with new content is emitted as a
//! claim with the same id.
//!
//! Memory is bounded, so that a file of any size streams in flat memory:
//! the table holds two generations of at most [`GENERATION`] claim ids
//! each (about 4.3 MiB apiece). When the current generation is full, the
//! previous one is dropped and the current one becomes the previous; a
//! claim seen again is moved to the current generation, so a claim stays
//! known while its lines keep coming. Files with fewer claims than one
//! generation are grouped exactly; in larger files, lines of one claim that
//! are more than a generation of other claims apart are checked (and
//! counted) again, which [`WideSeen::forgotten`] lets the reader say.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::hash::IdentityBuild;

/// Claim ids per generation: 7/8 of 2^18, the most a table of 2^18 slots
/// holds before it grows.
pub const GENERATION: usize = 7 << 15;

/// What to do with a row's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// First row of this claim id.
    NewClaim,
    /// The claim id is known, this content is not. `emitted_before`: some
    /// earlier content of the claim went to the engine (it was not ICD-9).
    NewContent { emitted_before: bool },
    /// Already handled for this claim.
    Repeat,
}

/// Claim id hash -> fingerprints. The first fingerprint of a claim is
/// stored inline, its lowest bit used as an "all ICD-9 so far" flag (rare,
/// so the common path probes the table once per row); fingerprints are
/// compared without that bit. Further distinct contents of a claim go to a
/// side table.
#[derive(Debug, Default)]
struct Generation {
    first: HashMap<u64, u64, IdentityBuild>,
    extra: HashMap<u64, Vec<u64>, IdentityBuild>,
}

/// The claims seen so far (the most recent ones, see the module docs).
#[derive(Debug)]
pub struct WideSeen {
    current: Generation,
    previous: Generation,
    capacity: usize,
    forgotten: u64,
}

impl Default for WideSeen {
    fn default() -> Self {
        WideSeen::with_generation(GENERATION)
    }
}

const FLAG: u64 = 1;

impl WideSeen {
    /// A table whose generations hold `capacity` claim ids each.
    pub fn with_generation(capacity: usize) -> WideSeen {
        WideSeen {
            current: Generation::default(),
            previous: Generation::default(),
            capacity: capacity.max(1),
            forgotten: 0,
        }
    }

    /// Claim ids dropped with an old generation so far.
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// Starts a new generation when the current one is full: the oldest
    /// generation's tables, emptied, become the new current one, so that
    /// after the first turn no table grows again and memory never holds a
    /// table and its doubled copy at once.
    fn turn(&mut self) {
        let mut old = std::mem::take(&mut self.previous);
        self.forgotten += old.first.len() as u64;
        old.first.clear();
        old.extra.clear();
        self.previous = std::mem::replace(&mut self.current, old);
    }

    /// Classifies content `fp` of a row of claim `id` and records it as
    /// handled (call [`WideSeen::forget`] if the row is then rejected). A
    /// claim the previous generation holds is brought into the current one.
    pub fn observe(&mut self, id: u64, fp: u64) -> Seen {
        let fp = fp & !FLAG;
        // A full generation turns only for an id it does not hold; it is
        // full once per generation, so this costs no look-up per row.
        if self.current.first.len() >= self.capacity && !self.current.first.contains_key(&id) {
            self.turn();
        }
        let g = &mut self.current;
        let first = match g.first.entry(id) {
            Entry::Occupied(o) => *o.get(),
            Entry::Vacant(v) => match self.previous.first.remove(&id) {
                Some(moved) => {
                    v.insert(moved);
                    if let Some(extra) = self.previous.extra.remove(&id) {
                        g.extra.insert(id, extra);
                    }
                    moved
                }
                None => {
                    v.insert(fp);
                    return Seen::NewClaim;
                }
            },
        };
        if first & !FLAG == fp {
            return Seen::Repeat;
        }
        let extra = g.extra.entry(id).or_default();
        if extra.contains(&fp) {
            Seen::Repeat
        } else {
            extra.push(fp);
            Seen::NewContent {
                emitted_before: first & FLAG == 0,
            }
        }
    }

    /// Undoes [`WideSeen::observe`] for a row that was rejected.
    pub fn forget(&mut self, id: u64, fp: u64, seen: Seen) {
        let g = &mut self.current;
        match seen {
            Seen::NewClaim => {
                g.first.remove(&id);
            }
            Seen::NewContent { .. } => {
                if let Some(extra) = g.extra.get_mut(&id) {
                    extra.retain(|&f| f != fp & !FLAG);
                    if extra.is_empty() {
                        g.extra.remove(&id);
                    }
                }
            }
            Seen::Repeat => {}
        }
    }

    /// Notes whether claim `id` has had content emitted: `false` after its
    /// first content turned out to be ICD-9 only, `true` once any content
    /// is emitted.
    pub fn set_emitted(&mut self, id: u64, emitted: bool) {
        if let Some(v) = self.current.first.get_mut(&id) {
            if emitted {
                *v &= !FLAG;
            } else {
                *v |= FLAG;
            }
        }
    }
}

/// Long layout: the claim ids seen, to notice an id that comes back after
/// other claims. Bounded like [`WideSeen`]: two generations of
/// [`GENERATION`] ids.
#[derive(Debug, Default)]
pub struct RecentIds {
    current: HashMap<u64, (), IdentityBuild>,
    previous: HashMap<u64, (), IdentityBuild>,
}

impl RecentIds {
    /// Records `id`; true when it was already known.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.current.contains_key(&id) {
            return true;
        }
        if self.current.len() >= GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        let known = self.previous.remove(&id).is_some();
        self.current.insert(id, ());
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_new_contents() {
        let mut s = WideSeen::default();
        assert_eq!(s.observe(7, 100), Seen::NewClaim);
        s.set_emitted(7, false);
        assert_eq!(s.observe(7, 100), Seen::Repeat);
        assert_eq!(
            s.observe(7, 101),
            Seen::Repeat,
            "the flag bit is not part of the fingerprint"
        );
        assert_eq!(
            s.observe(7, 202),
            Seen::NewContent {
                emitted_before: false
            }
        );
        s.set_emitted(7, true);
        assert_eq!(s.observe(7, 202), Seen::Repeat);
        assert_eq!(
            s.observe(7, 300),
            Seen::NewContent {
                emitted_before: true
            }
        );
        s.forget(
            7,
            300,
            Seen::NewContent {
                emitted_before: true,
            },
        );
        assert_eq!(
            s.observe(7, 300),
            Seen::NewContent {
                emitted_before: true
            }
        );
        assert_eq!(s.observe(8, 100), Seen::NewClaim);
        s.forget(8, 100, Seen::NewClaim);
        assert_eq!(s.observe(8, 100), Seen::NewClaim);
        assert_eq!(s.current.first.len(), 2);
    }

    #[test]
    fn memory_is_bounded_by_two_generations() {
        let mut s = WideSeen::with_generation(4);
        for id in 0..4 {
            assert_eq!(s.observe(id, 10), Seen::NewClaim);
        }
        // Claim 0 comes back while a fifth claim fills a new generation.
        assert_eq!(s.observe(4, 10), Seen::NewClaim);
        assert_eq!(s.observe(0, 10), Seen::Repeat, "still known, moved forward");
        for id in 5..8 {
            assert_eq!(s.observe(id, 10), Seen::NewClaim);
        }
        // Claim 7 starts a third generation, dropping the first one's
        // remaining claims (1, 2, 3).
        assert_eq!(s.observe(8, 10), Seen::NewClaim);
        assert_eq!(s.forgotten(), 3);
        assert_eq!(s.observe(0, 10), Seen::Repeat, "kept: it was seen again");
        assert_eq!(s.observe(1, 10), Seen::NewClaim, "forgotten");
        assert!(s.current.first.len() <= 4 && s.previous.first.len() <= 4);

        let mut ids = RecentIds::default();
        assert!(!ids.insert(1));
        assert!(ids.insert(1));
    }
}
