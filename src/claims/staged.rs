//! Reading a claims file on several threads with the same result as
//! [`ClaimReader::next_event`](super::ClaimReader::next_event).
//!
//! What must see the rows in file order stays on one thread: splitting
//! records, the claim-id fingerprint grouping that skips repeated claim
//! lines (wide layout), where each claim starts and which rows are rejected
//! (long layout), and rows that cannot be read.
//! [`ClaimReader::next_batch`](super::ClaimReader::next_batch) does that and
//! copies the cells that a claim is built from (text and exact location)
//! into a [`RowBatch`].
//! Building the claims of a batch ([`RowBuilder::build`],
//! [`RowBuilder::long_row`]) can then happen on any thread, and a
//! [`BuiltTally`] run over the batches in order completes the file's
//! accounting.
//!
//! Only rows that are valid UTF-8 throughout, without NUL bytes, are
//! copied: building them cannot fail, so the reading thread can count them
//! at once. Any other row is built on the reading thread, as the
//! single-threaded reader does; so is a long-layout claim that outgrows a
//! batch (its rows must stay together).

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use super::build::{RowCtx, is_icd9};
use super::claim::{CellLoc, Claim, ClaimType, FileId};
use super::columns::Mapping;
use super::events::{Event, FileStats, MalformedRow};
use super::hash::{IdentityBuild, hash_bytes};
use super::long::{self, Entries, LongGroup};
use super::members::Members;
use super::reader::RecordReader;
use super::rows::RowFault;
use super::values::trim_text;
use super::wide::Seen;

/// What building a claim reads of a record: a live [`RecordReader`] or a
/// row copied into a [`RowBatch`].
pub trait RecordView {
    /// Byte length of field `i`'s unescaped content (0 when absent).
    fn field_len(&self, i: usize) -> usize;
    /// Field `i` trimmed of spaces and tabs; `Err(offset)` when not UTF-8.
    fn field_text(&self, i: usize) -> Option<Result<&str, usize>>;
    /// Where field `i` is written.
    fn loc(&self, i: usize) -> Option<CellLoc>;
    /// The record as a whole: its first line, column 1.
    fn row_loc(&self) -> CellLoc;
    /// The physical line the record starts on.
    fn line(&self) -> u64;
    /// Each physical line of the record.
    fn for_each_line(&self, f: impl FnMut(u64, &[u8]));
    /// Known to hold no NUL byte (else each field read is checked).
    fn nul_free(&self) -> bool;
}

impl<R: Read> RecordView for RecordReader<R> {
    fn field_len(&self, i: usize) -> usize {
        RecordReader::field_len(self, i)
    }
    fn field_text(&self, i: usize) -> Option<Result<&str, usize>> {
        RecordReader::field_text(self, i)
    }
    fn loc(&self, i: usize) -> Option<CellLoc> {
        RecordReader::loc(self, i)
    }
    fn row_loc(&self) -> CellLoc {
        RecordReader::row_loc(self)
    }
    fn line(&self) -> u64 {
        RecordReader::line(self)
    }
    fn for_each_line(&self, f: impl FnMut(u64, &[u8])) {
        RecordReader::for_each_line(self, f)
    }
    fn nul_free(&self) -> bool {
        RecordReader::nul_free(self)
    }
}

/// Copied text per batch before it counts as full.
const MAX_BATCH_BYTES: usize = 8 << 20;

/// Marks a column that is not copied.
const UNREAD: u32 = u32::MAX;

/// Which columns of a wide file claims are built from, and where each sits
/// in a copied row.
#[derive(Debug)]
pub(crate) struct CopiedColumns {
    /// Column indexes, ascending.
    columns: Vec<usize>,
    /// By column index: position in `columns`, or [`UNREAD`].
    slot: Vec<u32>,
    /// `columns` are `first..first + columns.len()`, all side by side (as
    /// in most files: the claim's columns, then its diagnoses): the cells
    /// follow from the record's field ends in one pass.
    side_by_side: Option<usize>,
}

impl CopiedColumns {
    pub(crate) fn new(map: &Mapping, width: usize) -> CopiedColumns {
        let mut columns = map.content_columns();
        columns.extend(map.claim_id);
        CopiedColumns::of(columns, width)
    }

    /// Copies of `columns` (any order, repeats allowed) of records `width`
    /// fields wide.
    fn of(mut columns: Vec<usize>, width: usize) -> CopiedColumns {
        columns.sort_unstable();
        columns.dedup();
        columns.retain(|&c| c < width);
        let mut slot = vec![UNREAD; width];
        for (k, &c) in columns.iter().enumerate() {
            slot[c] = k as u32;
        }
        let side_by_side = columns
            .first()
            .filter(|&&first| columns.iter().enumerate().all(|(k, &c)| c == first + k))
            .copied();
        CopiedColumns {
            columns,
            slot,
            side_by_side,
        }
    }
}

/// One copied cell: its text in the batch. Where it is written follows
/// from its place in the record for most rows ([`RowCopy::spans`]).
#[derive(Clone, Copy, Debug)]
struct CellCopy {
    start: u32,
    end: u32,
}

/// A row whose cells' places must be kept, not derived: quoted fields, or
/// fields across lines.
const DERIVED: u32 = u32::MAX;

/// One copied row.
#[derive(Clone, Copy, Debug)]
struct RowCopy {
    line: u64,
    /// Where its text starts in `RowBatch::text`.
    base: u32,
    /// First of its cells in `RowBatch::cells`.
    cells: u32,
    /// First of its cells' places (line, column, length) in
    /// `RowBatch::spans`; [`DERIVED`] when every cell is unquoted on the
    /// row's line, so that a cell's column is its offset in the record
    /// plus the delimiters before it.
    spans: u32,
    /// Its physical lines in `RowBatch::lines` (kept only for reports that
    /// show source).
    lines: (u32, u32),
}

/// How a row was grouped: what the file's accounting needs once the claim
/// is built (see [`BuiltTally::settle`]).
#[derive(Clone, Copy, Debug)]
pub struct Tally {
    key: Option<(u64, u64)>,
    seen: Option<Seen>,
    code_type_other: bool,
}

impl Tally {
    pub(crate) fn new(key: Option<(u64, u64)>, seen: Option<Seen>, code_type_other: bool) -> Tally {
        Tally {
            key,
            seen,
            code_type_other,
        }
    }
}

/// One step of a file, in file order.
#[derive(Debug)]
pub enum Item {
    /// A finished event: a row that could not be read, a long-layout claim,
    /// or a wide claim built on the reading thread that was counted there.
    Ready(Box<Event>),
    /// A wide claim built on the reading thread, still to be counted.
    Built(Box<Claim>, Tally),
    /// A copied row ([`RowBuilder::build`]), still to be built and counted.
    Row(u32, Tally),
    /// A copied long-layout row ([`RowBuilder::long_row`]): the first of a
    /// claim (`start`; an [`Item::LongEnd`] ends the claim before it) or a
    /// further one of the claim under assembly. The reading thread has
    /// counted it.
    LongRow { row: u32, seq: u64, start: bool },
    /// Ends the long-layout claim under assembly, which is then built and
    /// counted ([`BuiltTally::settle_long`]).
    LongEnd,
}

/// Rows taken off a claims file, in file order, ready to be built anywhere.
/// Reused from batch to batch: clearing keeps the buffers.
#[derive(Debug, Default)]
pub struct RowBatch {
    pub items: Vec<Item>,
    file: FileId,
    text: String,
    cells: Vec<CellCopy>,
    spans: Vec<(u64, u32, u32)>,
    rows: Vec<RowCopy>,
    lines: Vec<(u64, u32, u32)>,
    line_text: Vec<u8>,
}

impl RowBatch {
    pub fn new() -> RowBatch {
        RowBatch::default()
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.text.clear();
        self.cells.clear();
        self.spans.clear();
        self.rows.clear();
        self.lines.clear();
        self.line_text.clear();
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Holds `max` steps, or enough text that a batch stays small in memory
    /// however long its rows are.
    pub fn is_full(&self, max: usize) -> bool {
        self.items.len() >= max.max(1) || self.text.len() + self.line_text.len() >= MAX_BATCH_BYTES
    }

    /// Holds eight times the steps or twice the text [`RowBatch::is_full`]
    /// allows: a long-layout claim (with the rows rejected among its own)
    /// that does not end by then is assembled on the reading thread, so
    /// that the batch can end and memory stays bounded.
    pub fn is_overfull(&self, max: usize) -> bool {
        self.items.len() >= 8 * max.max(1)
            || self.text.len() + self.line_text.len() >= 2 * MAX_BATCH_BYTES
    }

    /// Copies the current record's claim cells; `None` (and nothing kept)
    /// when the record is not UTF-8, holds a NUL byte, or has a cell that
    /// is not (the delimiter cut a character).
    pub(crate) fn copy_row<R: Read>(
        &mut self,
        rec: &RecordReader<R>,
        cols: &CopiedColumns,
        keep_lines: bool,
    ) -> Option<u32> {
        let n = rec.len();
        let all = rec.fields_run(0, n.checked_sub(1)?)?;
        // One check for the whole record; cells are cut at field ends, so
        // each is text when the record is.
        let text = std::str::from_utf8(all)
            .ok()
            .filter(|_| memchr::memchr(0, all).is_none())?;
        // Fields are cut where the delimiter stands, so in UTF-8 text they
        // start and end on character boundaries unless the delimiter is a
        // byte above 127 (which UTF-8 text only holds inside a character).
        let range = |c: usize| rec.range(c).unwrap_or((0, 0));
        if !rec.delimiter().is_ascii()
            && !cols.columns.iter().all(|&c| {
                let (start, end) = range(c);
                text.is_char_boundary(start) && text.is_char_boundary(end)
            })
        {
            return None;
        }
        let base = self.text.len();
        if base + text.len() > u32::MAX as usize {
            return None;
        }
        self.text.push_str(text);
        let cells_mark = self.cells.len();
        let spans_mark = self.spans.len();
        // Without quoting, a cell's column is its offset in the joined
        // fields, as the reader computes it; that holds for every cell
        // exactly when it holds for the last one (quotes only add bytes).
        let last_len = rec.field_len(n - 1);
        let plain = rec.loc(n - 1).is_some_and(|l| {
            l.line == rec.line()
                && l.len as usize == last_len
                && l.column as usize == all.len() - last_len + 1
        });
        // One `extend` of known length: pushing cell by cell stored the
        // list's length back at every cell.
        let at = base as u32;
        let ends = rec.field_ends();
        match cols.side_by_side {
            Some(first) if first + cols.columns.len() <= ends.len() => {
                let mut start = first.checked_sub(1).map_or(0, |p| ends[p] + 1);
                self.cells
                    .extend(ends[first..first + cols.columns.len()].iter().map(|&end| {
                        let cell = CellCopy {
                            start: at + start as u32,
                            end: at + end as u32,
                        };
                        start = end + 1;
                        cell
                    }));
            }
            _ => self.cells.extend(cols.columns.iter().map(|&c| {
                let (start, end) = range(c);
                CellCopy {
                    start: at + start as u32,
                    end: at + end as u32,
                }
            })),
        }
        if !plain {
            self.spans.extend(cols.columns.iter().map(|&c| {
                let l = rec.loc(c).unwrap_or_else(|| rec.row_loc());
                (l.line, l.column, l.len)
            }));
        }
        self.file = rec.file();
        let first_line = self.lines.len() as u32;
        if keep_lines {
            rec.for_each_line(|line, bytes| {
                let start = self.line_text.len() as u32;
                self.line_text.extend_from_slice(bytes);
                self.lines.push((line, start, self.line_text.len() as u32));
            });
        }
        self.rows.push(RowCopy {
            line: rec.line(),
            base: base as u32,
            cells: cells_mark as u32,
            spans: if plain { DERIVED } else { spans_mark as u32 },
            lines: (first_line, self.lines.len() as u32),
        });
        Some((self.rows.len() - 1) as u32)
    }
}

impl RowBatch {
    /// Copied row `row` seen as a record.
    pub(crate) fn view<'a>(&'a self, row: u32, cols: &'a CopiedColumns) -> CopiedRecord<'a> {
        CopiedRecord {
            batch: self,
            cols,
            row: self.rows[row as usize],
        }
    }

    /// Takes back row `row`, the last copied ([`RowBatch::copy_row`]).
    pub(crate) fn unwind_row(&mut self, row: u32) {
        debug_assert_eq!(row as usize + 1, self.rows.len());
        let Some(copy) = self.rows.pop() else { return };
        self.text.truncate(copy.base as usize);
        self.cells.truncate(copy.cells as usize);
        if copy.spans != DERIVED {
            self.spans.truncate(copy.spans as usize);
        }
        let first_line = copy.lines.0 as usize;
        if let Some(&(_, start, _)) = self.lines.get(first_line) {
            self.line_text.truncate(start as usize);
        }
        self.lines.truncate(first_line);
    }
}

/// A copied row seen as a record.
pub(crate) struct CopiedRecord<'a> {
    batch: &'a RowBatch,
    cols: &'a CopiedColumns,
    row: RowCopy,
}

impl CopiedRecord<'_> {
    /// Cell `i`'s place among the row's copied cells.
    fn slot(&self, i: usize) -> Option<usize> {
        let k = *self.cols.slot.get(i)?;
        (k != UNREAD).then_some(k as usize)
    }

    fn cell(&self, i: usize) -> Option<&CellCopy> {
        self.batch
            .cells
            .get(self.row.cells as usize + self.slot(i)?)
    }
}

impl RecordView for CopiedRecord<'_> {
    fn field_len(&self, i: usize) -> usize {
        self.cell(i).map_or(0, |c| (c.end - c.start) as usize)
    }

    fn field_text(&self, i: usize) -> Option<Result<&str, usize>> {
        let c = self.cell(i)?;
        let text = self.batch.text.get(c.start as usize..c.end as usize)?;
        Some(Ok(trim_text(text)))
    }

    fn loc(&self, i: usize) -> Option<CellLoc> {
        let c = self.cell(i)?;
        let (line, column, len) = if self.row.spans == DERIVED {
            let offset = (c.start - self.row.base) as usize;
            (self.row.line, (offset + 1) as u32, c.end - c.start)
        } else {
            *self
                .batch
                .spans
                .get(self.row.spans as usize + self.slot(i)?)?
        };
        Some(CellLoc {
            file: self.batch.file,
            line,
            column,
            len,
            field: i as u32,
        })
    }

    fn row_loc(&self) -> CellLoc {
        CellLoc {
            file: self.batch.file,
            line: self.row.line,
            column: 1,
            len: 0,
            field: 0,
        }
    }

    fn line(&self) -> u64 {
        self.row.line
    }

    fn for_each_line(&self, mut f: impl FnMut(u64, &[u8])) {
        let (a, b) = self.row.lines;
        for &(line, s, e) in &self.batch.lines[a as usize..b as usize] {
            f(line, &self.batch.line_text[s as usize..e as usize]);
        }
    }

    /// Rows with a NUL byte are never copied ([`RowBatch::copy_row`]).
    fn nul_free(&self) -> bool {
        true
    }
}

/// Builds the claims of copied rows; shared by the threads that do.
pub struct RowBuilder<'m> {
    map: Mapping,
    cols: Arc<CopiedColumns>,
    members: Option<&'m Members>,
    file: FileId,
    keep_source_lines: bool,
    fallback_type: ClaimType,
}

impl<'m> RowBuilder<'m> {
    pub(crate) fn new(
        map: Mapping,
        cols: Arc<CopiedColumns>,
        members: Option<&'m Members>,
        file: FileId,
        keep_source_lines: bool,
        fallback_type: ClaimType,
    ) -> RowBuilder<'m> {
        RowBuilder {
            map,
            cols,
            members,
            file,
            keep_source_lines,
            fallback_type,
        }
    }

    /// The claim of copied row `row` of `batch`, built as
    /// [`ClaimReader`](super::ClaimReader) builds it from the live record.
    /// `Err` is the malformed row the reader would report; copied rows
    /// are valid UTF-8, so it does not happen.
    pub fn build(&self, batch: &RowBatch, row: u32) -> Result<Box<Claim>, MalformedRow> {
        let rec = self.record(batch, row)?;
        let ctx = self.ctx(&rec);
        let built = ctx
            .text(self.map.claim_id)
            .and_then(|id| ctx.claim_head(id.map(|(_, t)| t).filter(|t| !t.is_empty())))
            .and_then(|mut claim| ctx.wide_diagnoses(&mut claim).map(|()| claim));
        built.map_err(|fault| self.malformed(batch, fault))
    }

    /// Adds copied long-layout row `row` of `batch` ([`Item::LongRow`]) to
    /// the claim under assembly in `asm`, as
    /// [`ClaimReader`](super::ClaimReader) does with the live record; a
    /// first row (`start`) ends the claim before it, which is returned.
    /// `Err` as for [`RowBuilder::build`].
    pub fn long_row(
        &self,
        batch: &RowBatch,
        row: u32,
        seq: u64,
        start: bool,
        asm: &mut LongAssembly,
    ) -> Result<Option<Box<Claim>>, MalformedRow> {
        let rec = self.record(batch, row)?;
        let ctx = self.ctx(&rec);
        let step = long::id_and_seq(&ctx).and_then(|(id, _)| {
            let cells = long::row_cells(&ctx)?;
            match asm.open.as_mut() {
                Some(group) if !start => {
                    group.add_row(&ctx, seq, cells);
                    Ok(None)
                }
                _ => {
                    let room = std::mem::take(&mut asm.room);
                    let id_hash = hash_bytes(id.as_bytes());
                    let group = LongGroup::start(&ctx, (id, id_hash), seq, cells, room)?;
                    let before = asm.open.replace(group);
                    Ok(before.map(|g| asm.finish(g)))
                }
            }
        });
        step.map_err(|fault| self.malformed(batch, fault))
    }

    /// Copied row `row` of `batch` as a record.
    fn record<'a>(
        &'a self,
        batch: &'a RowBatch,
        row: u32,
    ) -> Result<CopiedRecord<'a>, MalformedRow> {
        match batch.rows.get(row as usize) {
            Some(&copy) => Ok(CopiedRecord {
                batch,
                cols: &self.cols,
                row: copy,
            }),
            None => Err(MalformedRow {
                loc: CellLoc {
                    file: self.file,
                    line: 0,
                    column: 1,
                    len: 0,
                    field: 0,
                },
                reason: "internal: a row of the batch is missing".to_string(),
                source_line: None,
            }),
        }
    }

    fn ctx<'a>(&'a self, rec: &'a CopiedRecord<'a>) -> RowCtx<'a, CopiedRecord<'a>> {
        RowCtx {
            rec,
            map: &self.map,
            members: self.members,
            file: self.file,
            keep_source_lines: self.keep_source_lines,
            fallback_type: self.fallback_type,
        }
    }

    /// The malformed row the reading thread would report for `fault`.
    fn malformed(&self, batch: &RowBatch, (loc, reason): RowFault) -> MalformedRow {
        let source_line = batch
            .lines
            .iter()
            .find(|(l, ..)| self.keep_source_lines && *l == loc.line)
            .map(|&(_, s, e)| {
                Arc::from(
                    String::from_utf8_lossy(&batch.line_text[s as usize..e as usize]).as_ref(),
                )
            });
        MalformedRow {
            loc,
            reason,
            source_line,
        }
    }
}

/// A long-layout claim under assembly from copied rows
/// ([`RowBuilder::long_row`]), and the room its rows take, kept from claim
/// to claim.
#[derive(Default)]
pub struct LongAssembly {
    open: Option<LongGroup>,
    room: Entries,
}

impl LongAssembly {
    /// Ends the claim under assembly ([`Item::LongEnd`]).
    pub fn end(&mut self) -> Option<Box<Claim>> {
        let group = self.open.take()?;
        Some(self.finish(group))
    }

    /// Drops the claim under assembly, if any: its file could not be read
    /// to the end.
    pub fn discard(&mut self) {
        self.open = None;
    }

    fn finish(&mut self, group: LongGroup) -> Box<Claim> {
        let (claim, room) = group.finish();
        self.room = room;
        claim
    }

    pub(crate) fn with_room(room: Entries) -> LongAssembly {
        LongAssembly { open: None, room }
    }

    pub(crate) fn into_parts(self) -> (Option<LongGroup>, Entries) {
        (self.open, self.room)
    }
}

/// True when every diagnosis of the claim is ICD-9-CM: it is counted, not
/// checked.
pub fn coded_in_icd9(claim: &Claim) -> bool {
    is_icd9(claim)
}

/// The accounting of a wide file's claims built off the reading thread,
/// settled in file order: the counts [`ClaimReader`](super::ClaimReader)
/// keeps for rows it builds itself.
#[derive(Debug, Default)]
pub struct BuiltTally {
    stats: FileStats,
    /// Claim ids whose contents so far were all ICD-9-CM (counted in
    /// `claims_icd9` until one is not).
    icd9_only: HashSet<u64, IdentityBuild>,
}

impl BuiltTally {
    pub fn new() -> BuiltTally {
        BuiltTally::default()
    }

    /// Counts one built row, given whether its claim is ICD-9-CM.
    pub fn settle(&mut self, tally: &Tally, icd9: bool) {
        let s = &mut self.stats;
        s.rows_checked += 1;
        if tally.code_type_other {
            s.rows_code_type_other += 1;
        }
        let id = tally.key.map(|(idh, _)| idh);
        match (tally.seen, icd9) {
            (None, true) => s.claims_icd9 += 1,
            (None, false) | (Some(Seen::NewClaim), false) => s.claims += 1,
            (Some(Seen::NewClaim), true) => {
                s.claims_icd9 += 1;
                self.icd9_only.extend(id);
            }
            (Some(Seen::NewContent { .. }), false) => {
                if id.is_some_and(|id| self.icd9_only.remove(&id)) {
                    s.claims += 1;
                    s.claims_icd9 = s.claims_icd9.saturating_sub(1);
                }
            }
            (Some(Seen::NewContent { .. }), true) | (Some(Seen::Repeat), _) => {}
        }
        if !icd9 {
            s.claim_events += 1;
        }
    }

    /// Counts a long-layout claim assembled off the reading thread (its
    /// rows were counted there), given whether it is ICD-9-CM.
    pub fn settle_long(&mut self, icd9: bool) {
        self.stats.count_long_claim(icd9);
    }

    /// Counts a copied row whose claim could not be built.
    pub fn reject(&mut self) {
        self.stats.rows_rejected += 1;
    }

    /// The file's accounting: the reading thread's counts plus these.
    pub fn total(&self, read: &FileStats) -> FileStats {
        let t = &self.stats;
        FileStats {
            rows_read: read.rows_read + t.rows_read,
            rows_checked: read.rows_checked + t.rows_checked,
            rows_rejected: read.rows_rejected + t.rows_rejected,
            rows_repeated: read.rows_repeated + t.rows_repeated,
            claims: read.claims + t.claims,
            claims_icd9: read.claims_icd9 + t.claims_icd9,
            claim_events: read.claim_events + t.claim_events,
            claims_split: read.claims_split + t.claims_split,
            rows_code_type_other: read.rows_code_type_other + t.rows_code_type_other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(n: usize) -> CopiedColumns {
        CopiedColumns::of((0..n).collect(), n)
    }

    /// Cells come back as the record had them; a delimiter above 127 that
    /// cuts a character leaves the row to the reading thread (`None`).
    #[test]
    fn rows_are_copied_cell_by_cell_unless_the_delimiter_cuts_a_character() {
        let text: &[u8] = b"id,dx1,dx2\n7, E11.9 ,I10\n";
        let mut rec = RecordReader::new(text, 0, Some(b',')).unwrap();
        assert!(rec.next_record().unwrap());
        assert!(rec.next_record().unwrap());
        let mut batch = RowBatch::new();
        let cols = columns(3);
        let row = batch.copy_row(&rec, &cols, false).unwrap();
        let copy = CopiedRecord {
            batch: &batch,
            cols: &cols,
            row: batch.rows[row as usize],
        };
        let cells: Vec<_> = (0..3).map(|i| copy.field_text(i)).collect();
        assert_eq!(cells, [Some(Ok("7")), Some(Ok("E11.9")), Some(Ok("I10"))]);
        assert_eq!(
            copy.loc(1).map(|l| (l.line, l.column, l.len)),
            Some((2, 3, 7))
        );

        // Columns side by side (from the start or the middle), with a gap,
        // and past the end of a short record read as the record reads.
        let text: &[u8] = b"a,b,c,d,e\nA,BB,,DDDD,E\nA,BB\n";
        let mut rec = RecordReader::new(text, 0, Some(b',')).unwrap();
        assert!(rec.next_record().unwrap());
        let picks = [
            (vec![1, 2, 3], Some(1)),
            (vec![4, 3, 2, 1, 0], Some(0)),
            (vec![1, 3], None),
            (vec![4, 0], None),
        ];
        for _ in 0..2 {
            assert!(rec.next_record().unwrap());
            let mut batch = RowBatch::new();
            for (picked, side_by_side) in &picks {
                let cols = CopiedColumns::of(picked.clone(), 5);
                assert_eq!(cols.side_by_side, *side_by_side, "{picked:?}");
                let row = batch.copy_row(&rec, &cols, false).unwrap();
                let copy = CopiedRecord {
                    batch: &batch,
                    cols: &cols,
                    row: batch.rows[row as usize],
                };
                for &c in picked {
                    let want = rec.field_text(c).unwrap_or(Ok(""));
                    assert_eq!(copy.field_text(c), Some(want), "{picked:?} column {c}");
                }
            }
        }

        // "x§y" split at the second byte of "§" (0xC2 0xA7).
        let text = "h1\u{a7}h2\nx\u{a7}y\n".as_bytes();
        let mut rec = RecordReader::new(text, 0, Some(0xA7)).unwrap();
        assert!(rec.next_record().unwrap());
        assert!(rec.next_record().unwrap());
        assert_eq!(rec.len(), 2);
        let mut batch = RowBatch::new();
        assert_eq!(batch.copy_row(&rec, &columns(2), false), None);
        assert!(batch.text.is_empty() && batch.cells.is_empty());
    }
}
