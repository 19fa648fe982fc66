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

use std::collections::{HashMap, HashSet};

use super::hash::IdentityBuild;

/// What to do with a row's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// First row of this claim id.
    NewClaim,
    /// The claim id is known, this content is not.
    NewContent { emitted_before: bool },
    /// Already emitted (or skipped as ICD-9) for this claim.
    Repeat,
}

/// Claim id hash -> fingerprints. The first fingerprint of a claim is
/// stored inline with its lowest bit used as the "some content of this
/// claim was emitted" flag; fingerprints are compared without that bit.
#[derive(Debug, Default)]
pub struct WideSeen {
    first: HashMap<u64, u64, IdentityBuild>,
    extra: HashSet<(u64, u64)>,
}

const FLAG: u64 = 1;

impl WideSeen {
    /// Classifies the content `fp` of a row of claim `id`.
    pub fn check(&self, id: u64, fp: u64) -> Seen {
        let fp = fp & !FLAG;
        match self.first.get(&id) {
            None => Seen::NewClaim,
            Some(&v) if v & !FLAG == fp => Seen::Repeat,
            Some(_) if self.extra.contains(&(id, fp)) => Seen::Repeat,
            Some(&v) => Seen::NewContent {
                emitted_before: v & FLAG != 0,
            },
        }
    }

    /// Records content `fp` of claim `id` as handled; `emitted` when it went
    /// to the engine (false when skipped as ICD-9).
    pub fn record(&mut self, id: u64, fp: u64, emitted: bool) {
        let fp = fp & !FLAG;
        match self.first.get_mut(&id) {
            None => {
                self.first.insert(id, fp | u64::from(emitted));
            }
            Some(v) => {
                if emitted {
                    *v |= FLAG;
                }
                self.extra.insert((id, fp));
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
        assert_eq!(s.check(7, 100), Seen::NewClaim);
        s.record(7, 100, false);
        assert_eq!(s.check(7, 100), Seen::Repeat);
        assert_eq!(
            s.check(7, 101),
            Seen::Repeat,
            "the flag bit is not part of the fingerprint"
        );
        assert_eq!(
            s.check(7, 202),
            Seen::NewContent {
                emitted_before: false
            }
        );
        s.record(7, 202, true);
        assert_eq!(s.check(7, 202), Seen::Repeat);
        assert_eq!(
            s.check(7, 300),
            Seen::NewContent {
                emitted_before: true
            }
        );
        assert_eq!(s.check(8, 100), Seen::NewClaim);
        assert_eq!(s.first.len(), 1);
    }
}
