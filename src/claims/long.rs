//! Long layout: one row per diagnosis, grouped into claims.
//!
//! Rows of one claim must be adjacent: a group ends when the claim id
//! changes, so memory holds one claim at a time. Within a group the rows
//! are ordered by the sequence column (stably, so equal or missing
//! sequences keep file order) and numbered 1..n; an empty code row keeps
//! its slot and becomes a gap when a filled row follows it. A claim id that
//! comes back after another claim is emitted as a separate claim and
//! counted in `claims_split`: joining it would need every claim kept until
//! the end of the file.

use super::claim::{CellLoc, Claim, Diagnosis};

/// Most diagnoses one claim may carry; further rows are rejected.
pub const MAX_DIAGNOSES: usize = 1000;

struct Entry {
    seq: u64,
    loc: CellLoc,
    /// `None` for an empty code cell.
    dx: Option<Diagnosis>,
}

/// The claim being assembled from consecutive rows.
pub struct LongGroup {
    pub id_hash: u64,
    pub claim: Box<Claim>,
    entries: Vec<Entry>,
}

impl LongGroup {
    pub fn new(id_hash: u64, claim: Box<Claim>) -> LongGroup {
        LongGroup {
            id_hash,
            claim,
            entries: Vec::new(),
        }
    }

    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_DIAGNOSES
    }

    /// Adds one row's diagnosis cell (`dx` `None` when the cell is empty).
    pub fn push(&mut self, seq: u64, loc: CellLoc, dx: Option<Diagnosis>) {
        self.entries.push(Entry { seq, loc, dx });
    }

    /// The finished claim, diagnoses in sequence order at positions 1..n.
    pub fn finish(self) -> Box<Claim> {
        let LongGroup {
            mut claim,
            mut entries,
            ..
        } = self;
        entries.sort_by_key(|e| e.seq);
        let mut pending = Vec::new();
        claim.diagnoses.reserve(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            match e.dx {
                None => pending.push(e.loc),
                Some(mut d) => {
                    claim.gaps.append(&mut pending);
                    d.position = u16::try_from(i + 1).unwrap_or(u16::MAX);
                    claim.diagnoses.push(d);
                }
            }
        }
        claim
    }
}
