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
    /// Its diagnosis's index in the claim's list; [`EMPTY`] for an empty
    /// code cell.
    dx: u32,
}

const EMPTY: u32 = u32::MAX;

/// The rows of a claim under assembly, kept from claim to claim so that
/// its room is allocated once per file.
#[derive(Default)]
pub struct Entries(Vec<Entry>);

/// The claim being assembled from consecutive rows.
pub struct LongGroup {
    pub id_hash: u64,
    pub claim: Box<Claim>,
    entries: Vec<Entry>,
}

impl LongGroup {
    /// A claim from `claim`'s head, its rows to be kept in `room`.
    pub fn new(id_hash: u64, claim: Box<Claim>, room: Entries) -> LongGroup {
        let mut entries = room.0;
        entries.clear();
        LongGroup {
            id_hash,
            claim,
            entries,
        }
    }

    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_DIAGNOSES
    }

    /// Adds one row's diagnosis cell (`dx` `None` when the cell is empty).
    /// The diagnosis goes straight to the claim: rows mostly come in
    /// sequence order, and a diagnosis is large to move twice.
    pub fn push(&mut self, seq: u64, loc: CellLoc, dx: Option<Diagnosis>) {
        let dx = match dx {
            Some(d) => {
                self.claim.diagnoses.push(d);
                (self.claim.diagnoses.len() - 1) as u32
            }
            None => EMPTY,
        };
        self.entries.push(Entry { seq, loc, dx });
    }

    /// The finished claim, diagnoses in sequence order at positions 1..n,
    /// and the room its rows took, for the next claim.
    pub fn finish(self) -> (Box<Claim>, Entries) {
        let LongGroup {
            mut claim,
            mut entries,
            ..
        } = self;
        if !entries.is_sorted_by_key(|e| e.seq) {
            entries.sort_by_key(|e| e.seq);
            let mut taken: Vec<Option<Diagnosis>> = claim.diagnoses.drain(..).map(Some).collect();
            claim.diagnoses.extend(
                entries
                    .iter()
                    .filter_map(|e| taken.get_mut(e.dx as usize).and_then(Option::take)),
            );
        }
        // Empty cells before a filled one are gaps; trailing ones are not.
        let mut filled = 0;
        let mut empty_from = 0;
        for (i, e) in entries.iter().enumerate() {
            if e.dx == EMPTY {
                continue;
            }
            claim
                .gaps
                .extend(entries[empty_from..i].iter().map(|e| e.loc));
            empty_from = i + 1;
            claim.diagnoses[filled].position = u16::try_from(i + 1).unwrap_or(u16::MAX);
            filled += 1;
        }
        entries.clear();
        (claim, Entries(entries))
    }
}
