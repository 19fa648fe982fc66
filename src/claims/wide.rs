//! Grouping wide rows into claims without keeping rows.
//!
//! Exports repeat a claim's header diagnoses on every claim line, and the
//! lines of one claim need not be adjacent (Tuva's seed interleaves them).
//! Checking every line would report each finding once per line; keeping
//! rows until a claim is complete would need the whole file in memory.
//! Instead each claim id (as a 64-bit hash) maps to the fingerprints of the
//! contents already emitted for it: a row whose fingerprint is known is
//! counted as repeated and skipped, a row with new content is emitted as a
//! claim with the same id. Memory is 16 bytes per claim plus 16 per extra
//! distinct content.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::hash::IdentityBuild;

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
/// side set.
#[derive(Debug, Default)]
pub struct WideSeen {
    first: HashMap<u64, u64, IdentityBuild>,
    extra: HashSet<(u64, u64)>,
}

const FLAG: u64 = 1;

impl WideSeen {
    /// Classifies content `fp` of a row of claim `id` and records it as
    /// handled (call [`WideSeen::forget`] if the row is then rejected).
    pub fn observe(&mut self, id: u64, fp: u64) -> Seen {
        let fp = fp & !FLAG;
        match self.first.entry(id) {
            Entry::Vacant(v) => {
                v.insert(fp);
                Seen::NewClaim
            }
            Entry::Occupied(o) => {
                let v = *o.get();
                if v & !FLAG == fp || !self.extra.insert((id, fp)) {
                    Seen::Repeat
                } else {
                    Seen::NewContent {
                        emitted_before: v & FLAG == 0,
                    }
                }
            }
        }
    }

    /// Undoes [`WideSeen::observe`] for a row that was rejected.
    pub fn forget(&mut self, id: u64, fp: u64, seen: Seen) {
        match seen {
            Seen::NewClaim => {
                self.first.remove(&id);
            }
            Seen::NewContent { .. } => {
                self.extra.remove(&(id, fp & !FLAG));
            }
            Seen::Repeat => {}
        }
    }

    /// Notes whether claim `id` has had content emitted: `false` after its
    /// first content turned out to be ICD-9 only, `true` once any content
    /// is emitted.
    pub fn set_emitted(&mut self, id: u64, emitted: bool) {
        if let Some(v) = self.first.get_mut(&id) {
            if emitted {
                *v &= !FLAG;
            } else {
                *v |= FLAG;
            }
        }
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
        assert_eq!(s.first.len(), 2);
    }
}
