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

use super::build::RowCtx;
use super::claim::{Cell, CellLoc, Claim, CodeCell, CodeSystem, Diagnosis, DxRole};
use super::rows::{RowFault, field_str};
use super::staged::RecordView;
use super::values::code_system_from_text;

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

/// A long-layout claim whose rows are copied into a batch for a worker to
/// assemble: what the reading thread needs to go on deciding.
pub struct CopiedClaim {
    pub id_hash: u64,
    pub id: String,
    /// Its rows so far, empty code cells included.
    pub rows: usize,
    /// Where its first row is among the batch's items.
    pub first_item: usize,
}

impl CopiedClaim {
    pub fn is_claim(&self, id_hash: u64, id: &str) -> bool {
        self.id_hash == id_hash && self.id == id
    }

    pub fn is_full(&self) -> bool {
        self.rows >= MAX_DIAGNOSES
    }
}

/// The fault of a row past the [`MAX_DIAGNOSES`]th of its claim, at `loc`
/// (its code cell).
pub fn too_many_rows(loc: CellLoc) -> RowFault {
    (loc, format!("the claim exceeds {MAX_DIAGNOSES} diagnoses"))
}

/// A long-layout row's claim id and sequence; a fault when the id is empty
/// or the sequence not a whole number (an empty one is 0).
pub fn id_and_seq<'c, V: RecordView + ?Sized>(
    ctx: &'c RowCtx<'_, V>,
) -> Result<(&'c str, u64), RowFault> {
    // Where a cell is written is worked out only for a fault.
    let loc = |col: Option<usize>| {
        col.and_then(|c| ctx.rec.loc(c))
            .unwrap_or_else(|| ctx.rec.row_loc())
    };
    let id = match ctx.map.claim_id {
        Some(c) => field_str(ctx.rec, c)?,
        None => "",
    };
    if id.is_empty() {
        let reason = "the claim id is empty; rows are grouped into claims by it".to_string();
        return Err((loc(ctx.map.claim_id), reason));
    }
    let seq = match ctx.map.sequence {
        None => 0,
        Some(c) => field_str(ctx.rec, c)?.parse::<u64>().map_err(|_| {
            let reason = "the sequence is not a whole number; rows are ordered by it";
            (loc(Some(c)), reason.to_string())
        })?,
    };
    Ok((id, seq))
}

/// What a long-layout row adds to its claim.
pub struct RowCells {
    /// The code cell, or the row when the file has no code column.
    pub loc: CellLoc,
    /// `None` for an empty code cell.
    dx: Option<Diagnosis>,
    row_type: Option<Cell<CodeSystem>>,
}

/// Reads the code, code type and POA cells of a long-layout row.
pub fn row_cells<V: RecordView + ?Sized>(ctx: &RowCtx<'_, V>) -> Result<RowCells, RowFault> {
    let code = ctx.text(ctx.map.code)?;
    let code_type = ctx.text(ctx.map.code_type)?;
    let poa = ctx.poa(ctx.map.poa)?;
    let row_type = code_type.and_then(|(loc, t)| {
        code_system_from_text(t).map(|value| Cell {
            loc,
            raw: t.into(),
            value,
        })
    });
    let code_system = row_type
        .as_ref()
        .map_or(CodeSystem::Icd10Cm, |c| c.value.clone());
    let (loc, dx) = match code {
        Some((loc, t)) if !t.is_empty() => (
            loc,
            Some(Diagnosis {
                code: CodeCell::new(loc, t),
                role: DxRole::Sequenced,
                position: 0,
                poa,
                code_system,
            }),
        ),
        Some((loc, _)) => (loc, None),
        None => (ctx.rec.row_loc(), None),
    };
    Ok(RowCells { loc, dx, row_type })
}

impl LongGroup {
    /// The claim whose first row `ctx` is (claim id `id`, hashed
    /// `id_hash`), its rows to be kept in `room`; a fault when a
    /// claim-level cell cannot be read.
    pub fn start<V: RecordView + ?Sized>(
        ctx: &RowCtx<'_, V>,
        (id, id_hash): (&str, u64),
        seq: u64,
        cells: RowCells,
        room: Entries,
    ) -> Result<LongGroup, RowFault> {
        let head = ctx.claim_head(Some(id))?;
        let mut group = LongGroup::new(id_hash, head, room);
        group.push(seq, cells.loc, cells.dx);
        Ok(group)
    }

    /// Is `id` this claim's?
    pub fn is_claim(&self, id_hash: u64, id: &str) -> bool {
        self.id_hash == id_hash && self.claim.id.as_deref() == Some(id)
    }

    /// Adds a further row of the claim.
    pub fn add_row<V: RecordView + ?Sized>(
        &mut self,
        ctx: &RowCtx<'_, V>,
        seq: u64,
        cells: RowCells,
    ) {
        ctx.add_source_lines(&mut self.claim);
        // The claim carries one code type cell: the first, unless a later
        // row's is neither ICD-10-CM nor ICD-9-CM.
        let is_other = |c: &Option<Cell<CodeSystem>>| {
            matches!(
                c,
                Some(Cell {
                    value: CodeSystem::Other(_),
                    ..
                })
            )
        };
        if self.claim.code_type.is_none()
            || (!is_other(&self.claim.code_type) && is_other(&cells.row_type))
        {
            self.claim.code_type = cells.row_type.or(self.claim.code_type.take());
        }
        self.push(seq, cells.loc, cells.dx);
    }
}
