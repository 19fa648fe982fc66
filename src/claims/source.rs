//! A claims file as a stream of [`Event`]s: claims for the engine and the
//! rows that could not be read.
//!
//! Events come in file order of the rows that complete them: a wide claim
//! at its row; a long-layout claim when the next claim's first row (or the
//! end of the file) shows it is complete, so a malformed row inside a long
//! claim is reported before that claim.
//!
//! The reader pulls one record at a time, so memory does not grow with the
//! file: wide files keep one small fingerprint entry per claim id (see
//! `wide.rs`), long files one claim under construction (see
//! `long.rs`).

use std::io::Read;
use std::sync::Arc;

use super::build::{RowCtx, is_icd9};
use super::claim::{Claim, ClaimType, FileId};
use super::columns::{ColumnMap, Layout, Mapping, looks_like_data};
use super::error::InputError;
use super::events::{Event, FileStats, MalformedRow};
use super::hash::{FieldHasher, hash_bytes};
use super::long::{self, CopiedClaim, Entries, LongGroup};
use super::members::Members;
use super::reader::{RecordProblem, RecordReader};
use super::rows::{
    RowFault, binary_head, header_names, is_blank, malformed, shape_fault, size_text,
};
use super::staged::{CopiedColumns, Item, LongAssembly, RowBatch, RowBuilder, Tally};
use super::values::{CodeSystemKind, claim_type_from_file_name, code_system_kind, trim};
use super::wide::{GENERATION, RecentIds, Seen, WideSeen};

/// How to read claims files.
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// `,`, `\t` or `|`; detected from the header line when `None`.
    pub delimiter: Option<u8>,
    /// Column overrides (`[columns]` in `dxlint.toml`, CLI flags).
    pub columns: ColumnMap,
    /// Claim type for rows no column types (before the file name's hint).
    pub default_claim_type: Option<ClaimType>,
    /// Keep each claim's physical lines (and malformed rows' lines) for reports
    /// that show source.
    pub keep_source_lines: bool,
    /// The longest record read; longer ones are skipped and reported as
    /// malformed rows. `None`: [`DEFAULT_MAX_RECORD_BYTES`](super::reader::DEFAULT_MAX_RECORD_BYTES) (4 MiB).
    pub max_record_bytes: Option<usize>,
}

/// Reads one claims file. Call [`ClaimReader::next_event`] until it
/// returns `None`, then check [`ClaimReader::take_error`]: a read failure
/// part way (disk error, corrupt gzip) ends the events early and is kept
/// there.
pub struct ClaimReader<'m> {
    file: FileId,
    name: String,
    rec: RecordReader<Box<dyn Read + Send>>,
    headers: Vec<Arc<str>>,
    mapping: Mapping,
    /// Runs of adjacent content columns (first, last), hashed run by run.
    content_runs: Vec<(usize, usize)>,
    /// The last claim-level code type text seen and whether it is "other".
    code_type_memo: Option<(Vec<u8>, bool)>,
    members: Option<&'m Members>,
    keep_source_lines: bool,
    fallback_type: ClaimType,
    stats: FileStats,
    error: Option<InputError>,
    done: bool,
    seen: WideSeen,
    group: Option<LongGroup>,
    /// The room of the last long-layout claim's rows, for the next.
    long_room: Entries,
    /// The long-layout claim whose rows the batch being filled holds
    /// ([`ClaimReader::next_long_batch`]).
    long_open: Option<CopiedClaim>,
    /// The current record starts a claim and opens the next batch.
    long_pending: bool,
    /// The text of an ended claim's id, for the next claim's.
    long_id: Option<String>,
    long_ids: RecentIds,
    /// The cells copied for other threads ([`ClaimReader::next_batch`]).
    copied: Arc<CopiedColumns>,
}

/// Builds the row context from the reader's fields (a macro so the borrows
/// stay per-field and the stats remain mutable beside it).
macro_rules! ctx {
    ($s:ident) => {
        RowCtx {
            rec: &$s.rec,
            map: &$s.mapping,
            members: $s.members,
            file: $s.file,
            keep_source_lines: $s.keep_source_lines,
            fallback_type: $s.fallback_type,
        }
    };
}

impl<'m> ClaimReader<'m> {
    /// Reads the header of `input` and resolves its columns. `display_name`
    /// names the file in errors and hints the claim type (`inpatient.csv`).
    pub fn open(
        file: FileId,
        display_name: &str,
        input: Box<dyn Read + Send>,
        opts: &InputOptions,
        members: Option<&'m Members>,
    ) -> Result<ClaimReader<'m>, InputError> {
        let read_err = |source| InputError::Read {
            file: display_name.to_string(),
            line: 1,
            source,
        };
        let mut rec = RecordReader::new(input, file, opts.delimiter).map_err(read_err)?;
        if let Some(limit) = opts.max_record_bytes {
            rec.set_max_record_bytes(limit);
        }
        if let Some((what, help)) = binary_head(rec.peek()) {
            return Err(InputError::NotText {
                file: display_name.to_string(),
                what,
                help,
            });
        }
        if !rec.next_record().map_err(read_err)? {
            return Err(InputError::Empty {
                file: display_name.to_string(),
            });
        }
        let headers = header_names(&rec);
        let header_err = |reason: String| InputError::BadHeader {
            file: display_name.to_string(),
            reason,
        };
        match rec.problem() {
            Some(RecordProblem::TooLong { limit }) => {
                return Err(header_err(format!(
                    "the header line is longer than {}, the most one line may hold \
                     (is a quote never closed?)",
                    size_text(limit)
                )));
            }
            Some(RecordProblem::UnclosedQuote { .. }) => {
                return Err(header_err(format!(
                    "a quote in the header line is never closed: the header runs to the end of \
                     the file (line {})",
                    rec.last_line()
                )));
            }
            None => {}
        }
        let mapping = match Mapping::detect(display_name, &headers, &opts.columns) {
            Ok(m) => m,
            // The "header" is the first data row: say so, and do not list
            // its cells (they are patient data).
            Err(e) => match looks_like_data(&headers) {
                Some(evidence) => {
                    return Err(InputError::NoHeader {
                        file: display_name.to_string(),
                        evidence,
                    });
                }
                None => return Err(e),
            },
        };
        let fallback_type = opts
            .default_claim_type
            .or_else(|| claim_type_from_file_name(display_name))
            .unwrap_or(ClaimType::Unknown);
        let copied = Arc::new(CopiedColumns::new(&mapping, headers.len()));
        Ok(ClaimReader {
            file,
            name: display_name.to_string(),
            rec,
            headers,
            content_runs: runs(&mapping.content_columns()),
            code_type_memo: None,
            mapping,
            members,
            keep_source_lines: opts.keep_source_lines,
            fallback_type,
            stats: FileStats::default(),
            error: None,
            done: false,
            seen: WideSeen::default(),
            group: None,
            long_room: Entries::default(),
            long_open: None,
            long_pending: false,
            long_id: None,
            long_ids: RecentIds::default(),
            copied,
        })
    }

    /// The header's names, by field index (for diagnostics' `field`).
    pub fn headers(&self) -> &[Arc<str>] {
        &self.headers
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    pub fn stats(&self) -> &FileStats {
        &self.stats
    }

    pub fn file(&self) -> FileId {
        self.file
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn delimiter(&self) -> u8 {
        self.rec.delimiter()
    }

    /// Things about the file worth saying once, each starting with the
    /// file's name: header columns that are ignored (duplicated names,
    /// diagnosis numbers above the limit), a header without data rows,
    /// claims beyond the grouping memory. Complete once the events are
    /// exhausted.
    pub fn notices(&self) -> Vec<String> {
        let name = &self.name;
        let mut out: Vec<String> = self
            .mapping
            .notes()
            .iter()
            .map(|n| format!("{name}: {n}"))
            .collect();
        if self.done && self.stats.rows_read == 0 {
            out.push(format!(
                "{name}: the file has a header line but no data rows"
            ));
        }
        if self.seen.forgotten() > 0 {
            out.push(format!(
                "{name}: more than {} claim ids: lines that repeat a claim's diagnoses are \
                 recognised within the latest {} claims or more, so lines of one claim that lie \
                 farther apart than that are checked, and counted, again",
                thousands(GENERATION),
                thousands(GENERATION)
            ));
        }
        out
    }

    /// The read failure that ended the events early, if any.
    pub fn error(&self) -> Option<&InputError> {
        self.error.as_ref()
    }

    pub fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    /// The next claim or malformed row; `None` at the end of the file (or
    /// after a read failure, see [`ClaimReader::take_error`]).
    pub fn next_event(&mut self) -> Option<Event> {
        while !self.done {
            let next_line = self.rec.last_line() + 1;
            match self.rec.next_record() {
                Ok(true) => {
                    if let Some(ev) = self.process_record() {
                        return Some(ev);
                    }
                }
                Ok(false) => {
                    self.done = true;
                    return self.finish_group();
                }
                Err(source) => {
                    self.done = true;
                    self.error = Some(InputError::Read {
                        file: self.name.clone(),
                        line: next_line,
                        source,
                    });
                }
            }
        }
        None
    }

    fn process_record(&mut self) -> Option<Event> {
        if is_blank(&self.rec, self.headers.len()) {
            return None;
        }
        self.stats.rows_read += 1;
        if let Some(fault) = shape_fault(&self.rec, self.headers.len()) {
            return Some(self.reject(fault));
        }
        if self.repeats_header() {
            let reason = "the row repeats the header line (were files joined together?)";
            return Some(self.reject((self.rec.row_loc(), reason.to_string())));
        }
        match self.mapping.layout {
            Layout::Wide => self.wide_row(),
            Layout::Long => self.long_row(),
        }
    }

    /// True when the current row is the header again, as when exports are
    /// concatenated (a byte-order mark or spaces before it do not matter).
    fn repeats_header(&self) -> bool {
        let same = |i: usize| {
            let field = self.rec.field(i).map(trim).unwrap_or_default();
            let field = field
                .strip_prefix(b"\xef\xbb\xbf".as_slice())
                .unwrap_or(field);
            let header = self.headers.get(i).map_or("", |h| h);
            trim(field) == header.as_bytes()
        };
        !self.headers.is_empty() && same(0) && (1..self.headers.len()).all(same)
    }

    fn reject(&mut self, fault: RowFault) -> Event {
        self.stats.rows_rejected += 1;
        Event::Malformed(malformed(&self.rec, fault, self.keep_source_lines))
    }

    /// Counts a checked row, noting a claim-level code type that is neither
    /// ICD-10-CM nor ICD-9-CM.
    fn count_checked(&mut self) {
        self.stats.rows_checked += 1;
        if self.code_type_other() {
            self.stats.rows_code_type_other += 1;
        }
    }

    /// Whether the row's claim-level code type is neither ICD-10-CM nor
    /// ICD-9-CM (remembering the last value: files repeat it).
    fn code_type_other(&mut self) -> bool {
        let Some(bytes) = self.mapping.code_type.and_then(|c| self.rec.field(c)) else {
            return false;
        };
        match &self.code_type_memo {
            Some((last, other)) if last.as_slice() == bytes => *other,
            _ => {
                let other = std::str::from_utf8(bytes).ok().and_then(code_system_kind)
                    == Some(CodeSystemKind::Other);
                self.code_type_memo = Some((bytes.to_vec(), other));
                other
            }
        }
    }

    /// Hash of every column the engine consumes: each run of adjacent
    /// columns as one byte string. Where the run's delimiters do not split
    /// it into its fields (a quoted field holds one, or the row ends inside
    /// the run), the field lengths follow (packed four to a word), so that
    /// moving bytes between fields changes the hash.
    fn fingerprint(&self) -> u64 {
        let mut h = FieldHasher::new(0);
        let delimiter = self.rec.delimiter();
        for &(first, last) in &self.content_runs {
            let run = self.rec.fields_run(first, last);
            h.write_field(run.unwrap_or_default());
            let split = run.is_some_and(|run| {
                self.rec.unquoted() || memchr::memchr_iter(delimiter, run).count() == last - first
            });
            if split {
                continue;
            }
            let mut packed = 0u64;
            for (k, c) in (first..=last).enumerate() {
                packed |= (self.rec.field_len(c) as u64 & 0xffff) << ((k % 4) * 16);
                if k % 4 == 3 {
                    h.write_u64(packed);
                    packed = 0;
                }
            }
            h.write_u64(packed);
        }
        h.finish()
    }

    /// The row's claim id hash and content fingerprint (`None` without a
    /// claim id), and how the grouping sees it. Repeats are counted here.
    fn group_wide(&mut self) -> (Option<(u64, u64)>, Option<Seen>) {
        let key = match self
            .mapping
            .claim_id
            .and_then(|c| self.rec.field(c))
            .map(trim)
        {
            Some(id) if !id.is_empty() => Some((hash_bytes(id), self.fingerprint())),
            _ => None,
        };
        let seen = key.map(|(idh, fp)| self.seen.observe(idh, fp));
        if seen == Some(Seen::Repeat) {
            self.stats.rows_repeated += 1;
            self.count_checked();
        }
        (key, seen)
    }

    /// The claim of the current wide row.
    fn build_wide(&mut self) -> Result<Box<Claim>, RowFault> {
        self.rec.decode();
        let ctx = ctx!(self);
        let built = match ctx.text(self.mapping.claim_id) {
            Ok(id) => ctx.claim_head(id.map(|(_, t)| t).filter(|t| !t.is_empty())),
            Err(fault) => Err(fault),
        };
        let mut claim = built?;
        ctx.wide_diagnoses(&mut claim)?;
        Ok(claim)
    }

    fn wide_row(&mut self) -> Option<Event> {
        let (key, seen) = self.group_wide();
        if seen == Some(Seen::Repeat) {
            return None;
        }
        let claim = match self.build_wide() {
            Ok(c) => c,
            Err(fault) => return Some(self.reject_wide(key, seen, fault)),
        };
        self.count_checked();
        let icd9 = is_icd9(&claim);
        match (seen, icd9) {
            (None, true) => self.stats.claims_icd9 += 1,
            (None, false) => self.stats.claims += 1,
            (Some(Seen::NewClaim), true) => {
                self.stats.claims_icd9 += 1;
                if let Some((idh, _)) = key {
                    self.seen.set_emitted(idh, false);
                }
            }
            (Some(Seen::NewClaim), false) => self.stats.claims += 1,
            (
                Some(Seen::NewContent {
                    emitted_before: false,
                }),
                false,
            ) => {
                self.stats.claims += 1;
                self.stats.claims_icd9 = self.stats.claims_icd9.saturating_sub(1);
                if let Some((idh, _)) = key {
                    self.seen.set_emitted(idh, true);
                }
            }
            _ => {}
        }
        if icd9 {
            return None;
        }
        self.stats.claim_events += 1;
        Some(Event::Claim(claim))
    }

    /// Fills `batch` with up to `max` steps of the file, in file order (see
    /// [`super::staged`]); false once the file is done. Rows are grouped
    /// here and copied for [`ClaimReader::row_builder`] to build on any
    /// thread, their accounting left to a
    /// [`BuiltTally`](super::staged::BuiltTally). Use either this or
    /// [`ClaimReader::next_event`] for a file.
    pub fn next_batch(&mut self, batch: &mut RowBatch, max: usize) -> bool {
        batch.clear();
        if self.mapping.layout == Layout::Long {
            return self.next_long_batch(batch, max);
        }
        let cols = self.copied.clone();
        while !batch.is_full(max) {
            if self.done {
                return false;
            }
            let next_line = self.rec.last_line() + 1;
            match self.rec.next_record() {
                Ok(true) => self.copy_record(batch, &cols),
                Ok(false) => self.done = true,
                Err(source) => {
                    self.done = true;
                    self.error = Some(InputError::Read {
                        file: self.name.clone(),
                        line: next_line,
                        source,
                    });
                }
            }
        }
        !self.done
    }

    /// [`ClaimReader::process_record`] for [`ClaimReader::next_batch`].
    fn copy_record(&mut self, batch: &mut RowBatch, cols: &CopiedColumns) {
        if is_blank(&self.rec, self.headers.len()) {
            return;
        }
        self.stats.rows_read += 1;
        if let Some(fault) = shape_fault(&self.rec, self.headers.len()) {
            let ev = self.reject(fault);
            batch.items.push(Item::Ready(Box::new(ev)));
            return;
        }
        if self.repeats_header() {
            let reason = "the row repeats the header line (were files joined together?)";
            let ev = self.reject((self.rec.row_loc(), reason.to_string()));
            batch.items.push(Item::Ready(Box::new(ev)));
            return;
        }
        let (key, seen) = self.group_wide();
        if seen == Some(Seen::Repeat) {
            return;
        }
        let tally = Tally::new(key, seen, self.code_type_other());
        if let Some(row) = batch.copy_row(&self.rec, cols, self.keep_source_lines) {
            batch.items.push(Item::Row(row, tally));
            return;
        }
        // A cell that is not UTF-8: built (or rejected) here.
        match self.build_wide() {
            Ok(claim) => batch.items.push(Item::Built(claim, tally)),
            Err(fault) => {
                let ev = self.reject_wide(key, seen, fault);
                batch.items.push(Item::Ready(Box::new(ev)));
            }
        }
    }

    /// [`ClaimReader::next_batch`] for the long layout. What needs the
    /// rows in order is decided here: which rows are rejected, where a claim
    /// starts, which claim ids come back. The rows are copied for the
    /// workers to assemble ([`RowBuilder::long_row`]), and a batch ends only
    /// where a claim does, so that a claim's rows stay together. A row that
    /// cannot be copied (not UTF-8), and a claim that outgrows a batch, are
    /// assembled here as [`ClaimReader::next_event`] does.
    fn next_long_batch(&mut self, batch: &mut RowBatch, max: usize) -> bool {
        let cols = self.copied.clone();
        loop {
            if !std::mem::take(&mut self.long_pending) {
                if self.long_open.is_some() && batch.is_overfull(max) {
                    self.assemble_open(batch);
                }
                if self.long_open.is_none() && batch.is_full(max) {
                    return true;
                }
                if self.done {
                    return false;
                }
                let next_line = self.rec.last_line() + 1;
                match self.rec.next_record() {
                    Ok(true) => {}
                    Ok(false) => {
                        self.done = true;
                        self.end_open(batch);
                        push_event(batch, self.finish_group());
                        return false;
                    }
                    Err(source) => {
                        // As on one thread: the claim under assembly is lost.
                        self.done = true;
                        self.long_open = None;
                        self.group = None;
                        self.error = Some(InputError::Read {
                            file: self.name.clone(),
                            line: next_line,
                            source,
                        });
                        return false;
                    }
                }
                if is_blank(&self.rec, self.headers.len()) {
                    continue;
                }
                self.stats.rows_read += 1;
                if let Some(fault) = shape_fault(&self.rec, self.headers.len()) {
                    let ev = self.reject(fault);
                    push_event(batch, Some(ev));
                    continue;
                }
                if self.repeats_header() {
                    let reason = "the row repeats the header line (were files joined together?)";
                    let ev = self.reject((self.rec.row_loc(), reason.to_string()));
                    push_event(batch, Some(ev));
                    continue;
                }
            }
            if self.long_batch_row(batch, &cols, max) {
                // The row starts a claim and the batch is full: it opens
                // the next batch.
                self.long_pending = true;
                return true;
            }
        }
    }

    /// One long-layout row for [`ClaimReader::next_long_batch`]; true when
    /// it must open the next batch instead.
    fn long_batch_row(&mut self, batch: &mut RowBatch, cols: &CopiedColumns, max: usize) -> bool {
        // The row is copied first and read from the copy: a row that is
        // UTF-8 throughout, without NUL bytes, is checked once, and its
        // cells cannot then fail to read. Any other row is read here.
        let Some(row) = batch.copy_row(&self.rec, cols, self.keep_source_lines) else {
            self.assemble_open(batch);
            let ev = self.long_row();
            push_event(batch, ev);
            return false;
        };
        let view = batch.view(row, cols);
        let ctx = RowCtx {
            rec: &view,
            map: &self.mapping,
            members: self.members,
            file: self.file,
            keep_source_lines: self.keep_source_lines,
            fallback_type: self.fallback_type,
        };
        let step = long::id_and_seq(&ctx).map(|(id, seq)| {
            let idh = hash_bytes(id.as_bytes());
            let same = match (&self.long_open, &self.group) {
                (Some(open), _) => open.is_claim(idh, id),
                (None, Some(g)) => g.is_claim(idh, id),
                (None, None) => false,
            };
            let mut starts = None;
            if !same {
                let mut text = self.long_id.take().unwrap_or_default();
                text.clear();
                text.push_str(id);
                starts = Some(text);
            }
            (idh, seq, starts)
        });
        match step {
            Err(fault) => {
                batch.unwind_row(row);
                let ev = self.reject(fault);
                push_event(batch, Some(ev));
            }
            // A further row of a claim assembled here.
            Ok((_, _, None)) if self.group.is_some() => {
                batch.unwind_row(row);
                let ev = self.long_row();
                push_event(batch, ev);
            }
            Ok((_, seq, None)) => {
                let open = self.long_open.as_mut().expect("same claim: open");
                if open.is_full() {
                    batch.unwind_row(row);
                    let loc = self
                        .mapping
                        .code
                        .and_then(|c| self.rec.loc(c))
                        .unwrap_or_else(|| self.rec.row_loc());
                    let ev = self.reject(long::too_many_rows(loc));
                    push_event(batch, Some(ev));
                    return false;
                }
                open.rows += 1;
                batch.items.push(Item::LongRow {
                    row,
                    seq,
                    start: false,
                });
                self.count_checked();
            }
            Ok((idh, seq, Some(id))) => {
                let cut = self.long_open.is_some() && batch.is_full(max);
                self.end_open(batch);
                if cut {
                    // The claim before ends this batch; this row opens the next.
                    batch.unwind_row(row);
                    self.long_id = Some(id);
                    return true;
                }
                push_event(batch, self.finish_group());
                self.long_open = Some(CopiedClaim {
                    id_hash: idh,
                    id,
                    rows: 1,
                    first_item: batch.items.len(),
                });
                batch.items.push(Item::LongRow {
                    row,
                    seq,
                    start: true,
                });
                if self.long_ids.insert(idh) {
                    self.stats.claims_split += 1;
                }
                self.count_checked();
            }
        }
        false
    }

    /// Ends the claim whose rows the batch holds, if any ([`Item::LongEnd`]).
    fn end_open(&mut self, batch: &mut RowBatch) {
        if let Some(open) = self.long_open.take() {
            batch.items.push(Item::LongEnd);
            self.long_id = Some(open.id);
        }
    }

    /// Assembles the claim whose rows this batch holds so far
    /// ([`ClaimReader::next_long_batch`]) here, to be continued row by row
    /// as on one thread.
    fn assemble_open(&mut self, batch: &mut RowBatch) {
        let Some(open) = self.long_open.take() else {
            return;
        };
        let builder = self.row_builder();
        let mut asm = LongAssembly::with_room(std::mem::take(&mut self.long_room));
        for item in &batch.items[open.first_item..] {
            if let &Item::LongRow { row, seq, start } = item {
                // Copied rows read without fault.
                let _ = builder.long_row(batch, row, seq, start, &mut asm);
            }
        }
        let tail = batch.items.split_off(open.first_item);
        batch.items.extend(
            tail.into_iter()
                .filter(|i| !matches!(i, Item::LongRow { .. })),
        );
        (self.group, self.long_room) = asm.into_parts();
    }

    /// Builds the claims of the rows [`ClaimReader::next_batch`] copies.
    pub fn row_builder(&self) -> RowBuilder<'m> {
        RowBuilder::new(
            self.mapping.clone(),
            self.copied.clone(),
            self.members,
            self.file,
            self.keep_source_lines,
            self.fallback_type,
        )
    }

    /// Rejects a wide row whose content was already noted as seen.
    fn reject_wide(
        &mut self,
        key: Option<(u64, u64)>,
        seen: Option<Seen>,
        fault: RowFault,
    ) -> Event {
        if let (Some((idh, fp)), Some(seen)) = (key, seen) {
            self.seen.forget(idh, fp, seen);
        }
        self.reject(fault)
    }

    fn long_row(&mut self) -> Option<Event> {
        self.rec.decode();
        let ctx = ctx!(self);
        let (id, seq) = match long::id_and_seq(&ctx) {
            Ok(v) => v,
            Err(fault) => return Some(self.reject(fault)),
        };
        let cells = match long::row_cells(&ctx) {
            Ok(c) => c,
            Err(fault) => return Some(self.reject(fault)),
        };
        let idh = hash_bytes(id.as_bytes());
        let mut finished = None;
        match self.group.as_mut() {
            Some(g) if g.is_claim(idh, id) => {
                if g.is_full() {
                    return Some(self.reject(long::too_many_rows(cells.loc)));
                }
                g.add_row(&ctx, seq, cells);
            }
            _ => {
                let room = std::mem::take(&mut self.long_room);
                let group = match LongGroup::start(&ctx, (id, idh), seq, cells, room) {
                    Ok(g) => g,
                    Err(fault) => return Some(self.reject(fault)),
                };
                finished = self.finish_group();
                if self.long_ids.insert(idh) {
                    self.stats.claims_split += 1;
                }
                self.group = Some(group);
            }
        }
        self.count_checked();
        finished
    }

    /// Ends the long-layout claim under construction, if any: its event,
    /// or nothing when it is an ICD-9 claim.
    fn finish_group(&mut self) -> Option<Event> {
        let (claim, room) = self.group.take()?.finish();
        self.long_room = room;
        let icd9 = is_icd9(&claim);
        self.stats.count_long_claim(icd9);
        (!icd9).then_some(Event::Claim(claim))
    }
}

/// Appends `event`, if any, to `batch` as a finished step.
fn push_event(batch: &mut RowBatch, event: Option<Event>) {
    if let Some(ev) = event {
        batch.items.push(Item::Ready(Box::new(ev)));
    }
}

/// `229,376`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Groups sorted column indices into runs of adjacent columns.
fn runs(cols: &[usize]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &c in cols {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == c => *last = c,
            _ => out.push((c, c)),
        }
    }
    out
}

impl Iterator for ClaimReader<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        self.next_event()
    }
}

/// A convenience for callers that want malformed rows apart from claims.
impl MalformedRow {
    /// The header name of the offending field, when it is one of the header's.
    pub fn field_name<'h>(&self, headers: &'h [Arc<str>]) -> Option<&'h Arc<str>> {
        usize::try_from(self.loc.field)
            .ok()
            .and_then(|i| headers.get(i))
    }
}
