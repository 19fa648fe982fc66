//! Streaming CSV/TSV/pipe record reader that knows where every field is.
//!
//! Findings must point at a cell: physical line and byte column as a user's
//! editor shows them, even after quoted fields that contain line breaks.
//! The `csv` crate reports only a record's first line, so this reader drives
//! [`csv_core`] itself over one reused input buffer and keeps each record's
//! raw bytes contiguous until the next record is read.
//!
//! Records without a quote on one line (nearly every claim row) are not
//! given to csv_core at all: they are their own fields joined by the
//! delimiter, so the reader copies them whole and notes where the
//! delimiters are. csv_core's records are brought to the same shape (one
//! byte put between fields), so a field's column in a record without
//! quoting is its offset plus one, however it was read. Only records that
//! contain quoting are scanned a second time to find the raw span and the
//! line of each field.
//!
//! Nothing here allocates per record once the buffers have grown to the
//! longest record seen. A record longer than the limit (an unclosed quote
//! swallowing the file) is skipped in constant memory and reported as a
//! problem instead of growing the buffers without bound.

use std::io::{self, Read};

use csv_core::{ReadRecordResult, Reader as CoreReader, ReaderBuilder};

use super::claim::{CellLoc, FileId};

const INITIAL_BUF: usize = 64 * 1024;
const INITIAL_OUT: usize = 4 * 1024;
const INITIAL_ENDS: usize = 64;
/// How far into the input delimiter detection looks for the end of the header.
const DETECT_LIMIT: usize = 1024 * 1024;
/// How much input is buffered before the first record, at least (when the
/// input is that long), for [`RecordReader::peek`].
pub const SNIFF_LEN: usize = 8 * 1024;
const BOM: &[u8] = b"\xef\xbb\xbf";
const QUOTE: u8 = b'"';
/// Longest record split without csv_core: its field ends take a slot per
/// byte while splitting, and claim rows are far shorter.
const PLAIN_MAX: usize = 16 * 1024;

/// Records longer than this are skipped and reported: 4 MiB. Claim rows
/// are a few KiB; a longer record is almost always a quote that is never
/// closed, swallowing the lines after it. The limit also bounds the
/// header (a 100,000-column header of 12-character names fits).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// Why the current record cannot be used as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordProblem {
    /// The input ended inside a quoted field; `field` is the field whose
    /// opening quote was never closed. The record's fields are available.
    UnclosedQuote { field: usize },
    /// The record was longer than `limit` bytes; its fields were discarded.
    TooLong { limit: usize },
}

/// Raw span of one field: 1-based line and byte column of its first byte,
/// and its length as written (quotes included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    line: u64,
    col: u32,
    len: u32,
}

/// Counts physical lines. `\n`, `\r\n` and a lone `\r` each end a line; the
/// state survives across calls so a `\r\n` split between records counts once.
#[derive(Clone, Copy, Debug)]
struct LineTracker {
    line: u64,
    prev_cr: bool,
}

impl LineTracker {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.step(b);
        }
    }

    /// Advances over one byte; true when the byte ends a physical line.
    #[inline]
    fn step(&mut self, b: u8) -> bool {
        match b {
            b'\r' => {
                self.line += 1;
                self.prev_cr = true;
                true
            }
            b'\n' => {
                if !self.prev_cr {
                    self.line += 1;
                }
                self.prev_cr = false;
                true
            }
            _ => {
                self.prev_cr = false;
                false
            }
        }
    }
}

/// 0x80 in each byte of `x` that is zero, 0 in the others (exact: no
/// borrow runs from one byte into the next).
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

fn is_term(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Picks `,`, tab or `|`: whichever occurs most often outside quotes in the
/// header line. Ties prefer that order; a line with none of them is `,`.
pub fn detect_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in header {
        match b {
            QUOTE => in_quotes = !in_quotes,
            b'\r' | b'\n' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b'\t' if !in_quotes => counts[1] += 1,
            b'|' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b'\t', b'|'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Looks for the end of the first line (a line break outside quotes) in
/// input that arrives in pieces, scanning each byte once.
#[derive(Default)]
struct FirstLineEnd {
    scanned: usize,
    in_quotes: bool,
    found: bool,
}

impl FirstLineEnd {
    /// True once `bytes` (the input so far, growing) holds a line break.
    fn found(&mut self, bytes: &[u8]) -> bool {
        if self.found {
            return true;
        }
        for &b in bytes.get(self.scanned..).unwrap_or_default() {
            self.scanned += 1;
            match b {
                QUOTE => self.in_quotes = !self.in_quotes,
                b'\r' | b'\n' if !self.in_quotes => {
                    self.found = true;
                    return true;
                }
                _ => {}
            }
        }
        false
    }
}

/// Reads records one at a time from any `Read`. After [`next_record`]
/// returns `true`, the accessors describe that record until the next call.
///
/// [`next_record`]: RecordReader::next_record
pub struct RecordReader<R> {
    src: R,
    core: CoreReader,
    file: FileId,
    delimiter: u8,
    max_record: usize,
    buf: Vec<u8>,
    /// Start of the current record's raw bytes in `buf`.
    start: usize,
    /// How far csv_core has consumed `buf`.
    pos: usize,
    /// End of valid data in `buf`.
    end: usize,
    eof: bool,
    /// The current record's fields, unquoted, joined by the delimiter.
    out: Vec<u8>,
    /// Where each field ends in `out`; the next starts one byte later.
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    lines: LineTracker,
    skipping: bool,
    // The current record.
    rec_line: u64,
    last_line: u64,
    content: (usize, usize),
    fast: bool,
    spans: Vec<Span>,
    problem: Option<RecordProblem>,
    /// The current record's unescaped fields as text, once [`decode`] found
    /// them valid UTF-8 (one validation per record instead of one per field).
    ///
    /// [`decode`]: RecordReader::decode
    text: String,
    decoded: bool,
    /// The decoded record holds no NUL byte.
    nul_free: bool,
    /// A read error met while buffering the header, returned by the next read.
    deferred: Option<io::Error>,
    /// Plain records are split without csv_core ([`RecordReader::plain_record`]);
    /// off only in tests that compare the two.
    plain_path: bool,
}

impl<R: Read> RecordReader<R> {
    /// Wraps `src`. With `delimiter` `None`, reads the header line to detect it.
    pub fn new(src: R, file: FileId, delimiter: Option<u8>) -> io::Result<RecordReader<R>> {
        let mut r = RecordReader {
            src,
            core: CoreReader::new(),
            file,
            delimiter: b',',
            max_record: DEFAULT_MAX_RECORD_BYTES,
            buf: vec![0; INITIAL_BUF],
            start: 0,
            pos: 0,
            end: 0,
            eof: false,
            out: vec![0; INITIAL_OUT],
            ends: vec![0; INITIAL_ENDS],
            nout: 0,
            nend: 0,
            lines: LineTracker {
                line: 1,
                prev_cr: false,
            },
            skipping: false,
            rec_line: 1,
            last_line: 1,
            content: (0, 0),
            fast: true,
            spans: Vec::new(),
            problem: None,
            text: String::new(),
            decoded: false,
            nul_free: false,
            deferred: None,
            plain_path: true,
        };
        // Buffer the whole header line, and at least `SNIFF_LEN` bytes,
        // before parsing: delimiter detection and [`RecordReader::peek`]
        // look at them.
        // A read error once the header line is in is kept for the record
        // that needs the data, so the rows before it are still read.
        let mut line_end = FirstLineEnd::default();
        while !r.eof {
            let data = &r.buf[..r.end];
            let header_in = line_end.found(data);
            if (header_in && data.len() >= SNIFF_LEN) || data.len() >= DETECT_LIMIT {
                break;
            }
            match r.refill() {
                Ok(()) => {}
                Err(e) if header_in => {
                    r.deferred = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        r.delimiter = match delimiter {
            Some(d) => d,
            None => {
                let data = &r.buf[..r.end];
                detect_delimiter(data.strip_prefix(BOM).unwrap_or(data))
            }
        };
        r.core = ReaderBuilder::new().delimiter(r.delimiter).build();
        // Skip a BOM here rather than leave it to csv_core: when a read
        // returns nothing but the BOM, csv_core would strip it and take the
        // empty remainder for the end of the input.
        if r.buf[..r.end].starts_with(BOM) {
            r.start = BOM.len();
            r.pos = BOM.len();
        }
        Ok(r)
    }

    /// The input's first bytes (the header line and at least [`SNIFF_LEN`]
    /// bytes when the input has them, up to 1 MiB; BOM excluded), to
    /// recognise binary data before reading records. Empty once records
    /// are read.
    pub fn peek(&self) -> &[u8] {
        if self.pos > self.start {
            return &[];
        }
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// Sets the longest record kept; longer ones are skipped and reported.
    pub fn set_max_record_bytes(&mut self, limit: usize) {
        self.max_record = limit.max(1);
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub fn file(&self) -> FileId {
        self.file
    }

    /// Moves the unconsumed tail to the front of the buffer and reads more.
    fn refill(&mut self) -> io::Result<()> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.pos -= self.start;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = self.buf.len().saturating_mul(2).max(INITIAL_BUF);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Switches to skipping an over-long record: counts its lines so far and
    /// lets its bytes go.
    fn begin_skip(&mut self) {
        let mut s = self.start;
        while s < self.pos && is_term(self.buf[s]) {
            self.lines.step(self.buf[s]);
            s += 1;
        }
        self.rec_line = self.lines.line;
        self.lines.feed(&self.buf[s..self.pos]);
        self.start = self.pos;
        self.skipping = true;
        self.problem = Some(RecordProblem::TooLong {
            limit: self.max_record,
        });
    }

    /// Reads the next record. `Ok(false)` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<bool> {
        self.start = self.pos;
        self.nout = 0;
        self.nend = 0;
        self.problem = None;
        self.skipping = false;
        self.spans.clear();
        self.decoded = false;
        if self.plain_path && self.plain_record() {
            self.finish_record(true);
            return Ok(true);
        }
        loop {
            if self.pos == self.end && !self.eof {
                if !self.skipping && self.pos - self.start > self.max_record {
                    self.begin_skip();
                }
                if self.skipping {
                    self.lines.feed(&self.buf[self.start..self.pos]);
                    self.start = self.pos;
                }
                self.refill()?;
                continue;
            }
            if self.nout == self.out.len() {
                if self.skipping {
                    self.nout = 0;
                } else {
                    let grown = self.out.len() * 2;
                    self.out.resize(grown, 0);
                }
            }
            if self.nend == self.ends.len() {
                if self.skipping {
                    self.nend = 0;
                } else {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
            }
            let at_eof = self.pos == self.end;
            let (res, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.end],
                &mut self.out[self.nout..],
                &mut self.ends[self.nend..],
            );
            self.pos += nin;
            self.nout += nout;
            self.nend += nend;
            match res {
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => {
                    // A skipped record's field ends were let go on the way.
                    if !self.skipping {
                        self.join_fields();
                    }
                    self.finish_record(!at_eof);
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    /// Reads the next record without csv_core when it is plain: whole in the
    /// buffer, ended by a line break, without a quote, short. Most claim rows
    /// are, and copying one and finding its delimiters costs well under half
    /// of csv_core's byte-by-byte state machine (a benchmark row: about 900
    /// instructions against 2,400). Leaves everything as it was and returns false for any
    /// other record, which csv_core then reads: it stands at a record start
    /// either way.
    ///
    /// The result is csv_core's own: the same fields, and the same bytes
    /// consumed (blank lines before the record, the record, one line-break
    /// byte), which a test checks on random input.
    fn plain_record(&mut self) -> bool {
        let data = &self.buf[self.pos..self.end];
        // csv_core skips the line breaks of blank lines before a record.
        let Some(c0) = data.iter().position(|&b| !is_term(b)) else {
            return false;
        };
        let Some(len) = memchr::memchr3(b'\n', b'\r', QUOTE, &data[c0..]) else {
            return false;
        };
        let content = &data[c0..c0 + len];
        if data[c0 + len] == QUOTE || len > PLAIN_MAX || c0 + len + 1 > self.max_record {
            return false;
        }
        if self.out.len() < len {
            self.out.resize(len.next_power_of_two(), 0);
        }
        if self.ends.len() < len + 1 {
            self.ends.resize((len + 1).next_power_of_two(), 0);
        }
        // The record is its fields joined by the delimiter already: copy it
        // whole and note where each delimiter stands, eight bytes at a time.
        let out = &mut self.out[..len];
        out.copy_from_slice(content);
        let ends = &mut self.ends[..=len];
        let pattern = u64::from_ne_bytes([self.delimiter; 8]);
        let mut n = 0;
        let mut words = out.chunks_exact(8);
        for (w, word) in words.by_ref().enumerate() {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            let mut hits = zero_bytes(word ^ pattern);
            while hits != 0 {
                ends[n] = w * 8 + (hits.trailing_zeros() / 8) as usize;
                n += 1;
                hits &= hits - 1;
            }
        }
        let tail = len - words.remainder().len();
        for (i, &b) in out[tail..].iter().enumerate() {
            if b == self.delimiter {
                ends[n] = tail + i;
                n += 1;
            }
        }
        ends[n] = len;
        self.nout = len;
        self.nend = n + 1;
        self.pos += c0 + len + 1;
        true
    }

    /// Puts a delimiter between the fields csv_core wrote back to back, so
    /// that its records look like plain ones: fields joined by one byte.
    fn join_fields(&mut self) {
        let gaps = self.nend.saturating_sub(1);
        if gaps == 0 {
            return;
        }
        if self.out.len() < self.nout + gaps {
            self.out.resize((self.nout + gaps).next_power_of_two(), 0);
        }
        // From the last field back, each moves right by its index.
        for i in (1..self.nend).rev() {
            let (s, e) = (self.ends[i - 1], self.ends[i]);
            self.out.copy_within(s..e, s + i);
            self.out[s + i - 1] = self.delimiter;
            self.ends[i] = e + i;
        }
        self.nout += gaps;
    }

    /// Locates the record's content and fields once csv_core has ended it.
    /// `terminated`: the last consumed byte is the record's line break
    /// (false when the input ended the record).
    fn finish_record(&mut self, terminated: bool) {
        // A record that arrived whole in one read was never measured at a
        // refill: the limit holds for it too.
        if !self.skipping && self.pos - self.start > self.max_record {
            self.begin_skip();
        }
        if self.skipping {
            self.lines
                .feed(self.buf.get(self.start..self.pos).unwrap_or_default());
            // The record's last line is the one its line break ends (the
            // last byte consumed, still in the buffer).
            let last = self.pos.checked_sub(1).and_then(|i| self.buf.get(i));
            let ends_line = terminated && last.is_some_and(|&b| is_term(b));
            self.last_line = self.lines.line - u64::from(ends_line);
            self.content = (self.pos, self.pos);
            self.nend = 0;
            self.nout = 0;
            self.fast = true;
            return;
        }
        let raw_end = self.pos;
        let mut c0 = self.start;
        while c0 < raw_end && is_term(self.buf[c0]) {
            self.lines.step(self.buf[c0]);
            c0 += 1;
        }
        let mut c1 = raw_end;
        if terminated && c1 > c0 && is_term(self.buf[c1 - 1]) {
            c1 -= 1;
        }
        self.rec_line = self.lines.line;
        self.content = (c0, c1);
        // Quotes are the only bytes a field's content loses.
        self.fast = c1 - c0 == self.nout;
        if self.fast {
            if c1 > c0 {
                self.lines.prev_cr = false;
            }
        } else {
            let unclosed = scan_spans(
                &self.buf[c0..c1],
                self.delimiter,
                &mut self.lines,
                &mut self.spans,
            );
            if let Some(field) = unclosed {
                self.problem = Some(RecordProblem::UnclosedQuote { field });
            }
        }
        self.last_line = self.lines.line;
        if !terminated && c1 > c0 && is_term(self.buf[c1 - 1]) {
            // An unclosed quote ran to the end of the input, line break included.
            self.last_line -= 1;
        }
        self.lines.feed(&self.buf[c1..raw_end]);
    }

    /// Number of fields in the current record (0 for a skipped record).
    pub fn len(&self) -> usize {
        self.nend
    }

    pub fn is_empty(&self) -> bool {
        self.nend == 0
    }

    /// Output range of field `i`.
    #[inline]
    pub(crate) fn range(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.nend {
            return None;
        }
        let s = if i == 0 {
            0
        } else {
            *self.ends.get(i - 1)? + 1
        };
        Some((s, *self.ends.get(i)?))
    }

    /// Where each field of the current record ends in its unescaped bytes
    /// (field `i` starts one past where field `i - 1` ends).
    pub(crate) fn field_ends(&self) -> &[usize] {
        self.ends.get(..self.nend).unwrap_or_default()
    }

    /// The unescaped bytes of field `i`.
    #[inline]
    pub fn field(&self, i: usize) -> Option<&[u8]> {
        let (s, e) = self.range(i)?;
        self.out.get(s..e)
    }

    /// The unescaped bytes of fields `first..=last`, joined by the
    /// delimiter, for hashing or copying a run of columns at once. (A
    /// quoted field may hold the delimiter too: the field lengths tell.)
    pub fn fields_run(&self, first: usize, last: usize) -> Option<&[u8]> {
        let (s, _) = self.range(first)?;
        let (_, e) = self.range(last)?;
        self.out.get(s..e)
    }

    /// The current record held no quotes: its fields are its bytes between
    /// delimiters.
    pub fn unquoted(&self) -> bool {
        self.fast
    }

    /// Byte length of field `i`'s unescaped content (0 when absent).
    #[inline]
    pub fn field_len(&self, i: usize) -> usize {
        self.range(i).map_or(0, |(s, e)| e - s)
    }

    /// Validates the current record's fields as UTF-8 in one pass, so that
    /// [`field_text`](RecordReader::field_text) can hand out `&str`s without
    /// checking each field again.
    pub fn decode(&mut self) {
        if self.decoded {
            return;
        }
        self.text.clear();
        let out = self.out.get(..self.nout).unwrap_or_default();
        if let Ok(s) = std::str::from_utf8(out) {
            self.text.push_str(s);
            self.decoded = true;
            self.nul_free = memchr::memchr(0, out).is_none();
        }
    }

    /// True when [`decode`](RecordReader::decode) found the record free of
    /// NUL bytes, so its fields need no check of their own.
    pub fn nul_free(&self) -> bool {
        self.decoded && self.nul_free
    }

    /// Field `i` trimmed of surrounding spaces and tabs, as text; `Err` with
    /// the offset of the first invalid byte (within the trimmed field) when
    /// it is not UTF-8. `None` when the record has no field `i`.
    pub fn field_text(&self, i: usize) -> Option<Result<&str, usize>> {
        let (mut s, mut e) = self.range(i)?;
        let out = self.out.get(..e)?;
        while s < e && matches!(out[s], b' ' | b'\t') {
            s += 1;
        }
        while e > s && matches!(out[e - 1], b' ' | b'\t') {
            e -= 1;
        }
        if self.decoded
            && let Some(t) = self.text.get(s..e)
        {
            return Some(Ok(t));
        }
        Some(std::str::from_utf8(&out[s..e]).map_err(|err| err.valid_up_to()))
    }

    /// Where field `i` is written.
    pub fn loc(&self, i: usize) -> Option<CellLoc> {
        if i >= self.nend {
            return None;
        }
        let span = if self.fast {
            let (s, e) = self.range(i)?;
            Span {
                line: self.rec_line,
                col: to_u32(s + 1),
                len: to_u32(e - s),
            }
        } else {
            *self.spans.get(i)?
        };
        Some(CellLoc {
            file: self.file,
            line: span.line,
            column: span.col,
            len: span.len,
            field: to_u32(i),
        })
    }

    /// The point just after the last field, where missing fields would be:
    /// length 0, `field` = the record's field count.
    pub fn end_loc(&self) -> CellLoc {
        let after = self.nend.checked_sub(1).and_then(|last| self.loc(last));
        match after {
            Some(l) if l.line == self.last_line => CellLoc {
                column: l.column.saturating_add(l.len),
                len: 0,
                field: to_u32(self.nend),
                ..l
            },
            Some(l) => {
                let width = self.line_text(self.last_line).map_or(0, <[u8]>::len);
                CellLoc {
                    line: self.last_line,
                    column: to_u32(width + 1),
                    len: 0,
                    field: to_u32(self.nend),
                    ..l
                }
            }
            None => self.row_loc(),
        }
    }

    /// The record as a whole: its first line, column 1, length 0.
    pub fn row_loc(&self) -> CellLoc {
        CellLoc {
            file: self.file,
            line: self.rec_line,
            column: 1,
            len: 0,
            field: 0,
        }
    }

    /// The 1-based physical line the record starts on.
    pub fn line(&self) -> u64 {
        self.rec_line
    }

    /// The physical line the record ends on (> `line()` when a quoted field
    /// spans lines).
    pub fn last_line(&self) -> u64 {
        self.last_line
    }

    pub fn problem(&self) -> Option<RecordProblem> {
        self.problem
    }

    /// Calls `f` with each physical line of the record (line number, bytes
    /// without the line break). Nothing for a skipped record.
    pub fn for_each_line(&self, mut f: impl FnMut(u64, &[u8])) {
        let (c0, c1) = self.content;
        let content = self.buf.get(c0..c1).unwrap_or_default();
        if self.skipping {
            return;
        }
        if self.fast {
            f(self.rec_line, content);
            return;
        }
        let mut line = self.rec_line;
        let mut start = 0;
        let mut i = 0;
        while i < content.len() {
            let b = content[i];
            if is_term(b) {
                f(line, &content[start..i]);
                line += 1;
                if b == b'\r' && content.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            i += 1;
        }
        if start < content.len() || line <= self.last_line {
            f(line, &content[start..]);
        }
    }

    /// The bytes of physical line `line` of the record, if it has that line.
    pub fn line_text(&self, line: u64) -> Option<&[u8]> {
        let mut found = None;
        let (c0, c1) = self.content;
        let base = self.buf.get(c0..c1)?.as_ptr() as usize;
        // Collect as offsets to hand back a slice of the record's buffer.
        self.for_each_line(|l, text| {
            if l == line && found.is_none() {
                found = Some((text.as_ptr() as usize - base, text.len()));
            }
        });
        let (off, len) = found?;
        self.buf.get(c0 + off..c0 + off + len)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Finds the raw span of each field of a record that contains quoting,
/// following csv_core's rules: a quote opens a quoted field only as the
/// field's first byte, `""` inside it is a literal quote, and bytes after
/// the closing quote continue the field unquoted. Advances `lines` over the
/// line breaks inside quoted fields. Returns the index of a field whose
/// quote is never closed.
fn scan_spans(
    content: &[u8],
    delim: u8,
    lines: &mut LineTracker,
    spans: &mut Vec<Span>,
) -> Option<usize> {
    let mut state = ScanState::FieldStart;
    let mut line_start = 0usize;
    let mut field_start = 0usize;
    let mut field_line = lines.line;
    let mut field_col = 1usize;
    for (i, &b) in content.iter().enumerate() {
        if state == ScanState::FieldStart {
            field_start = i;
            field_line = lines.line;
            field_col = i - line_start + 1;
        }
        let at_delim = b == delim && state != ScanState::Quoted;
        state = match state {
            _ if at_delim => ScanState::FieldStart,
            ScanState::FieldStart if b == QUOTE => ScanState::Quoted,
            ScanState::FieldStart | ScanState::Unquoted => ScanState::Unquoted,
            ScanState::Quoted if b == QUOTE => ScanState::QuoteInQuoted,
            ScanState::Quoted => ScanState::Quoted,
            ScanState::QuoteInQuoted if b == QUOTE => ScanState::Quoted,
            ScanState::QuoteInQuoted => ScanState::Unquoted,
        };
        if at_delim {
            spans.push(Span {
                line: field_line,
                col: to_u32(field_col),
                len: to_u32(i - field_start),
            });
        }
        if lines.step(b) {
            line_start = i + 1;
        }
    }
    if state == ScanState::FieldStart {
        field_start = content.len();
        field_line = lines.line;
        field_col = content.len() - line_start + 1;
    }
    spans.push(Span {
        line: field_line,
        col: to_u32(field_col),
        len: to_u32(content.len() - field_start),
    });
    (state == ScanState::Quoted).then(|| spans.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `chunk` bytes per read, to exercise refills.
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Pseudo-random numbers below `n` (xorshift), the same on every run.
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    type Row = Vec<(String, u64, u32, u32)>;

    fn read_all(data: &[u8], chunk: usize) -> (u8, Vec<(Row, Option<RecordProblem>)>) {
        let mut r = RecordReader::new(Trickle { data, chunk }, 0, None).unwrap();
        let mut rows = Vec::new();
        while r.next_record().unwrap() {
            let row = (0..r.len())
                .map(|i| {
                    let l = r.loc(i).unwrap();
                    (
                        String::from_utf8_lossy(r.field(i).unwrap()).into_owned(),
                        l.line,
                        l.column,
                        l.len,
                    )
                })
                .collect();
            rows.push((row, r.problem()));
        }
        (r.delimiter(), rows)
    }

    fn cells(row: &Row) -> Vec<&str> {
        row.iter().map(|c| c.0.as_str()).collect()
    }

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter(b"a,b,c\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"A|B|C,D\r\n"), b'|');
        assert_eq!(detect_delimiter(b"\"a|b|c\",d\n"), b',');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }

    #[test]
    fn plain_records_have_arithmetic_positions() {
        for chunk in [1, 2, 3, 7, 4096] {
            let (d, rows) = read_all(b"id,dx1,dx2\n1,A01,B02\n22,,C3\n", chunk);
            assert_eq!(d, b',');
            assert_eq!(rows.len(), 3);
            assert_eq!(rows[1].0[2], ("B02".into(), 2, 7, 3));
            assert_eq!(rows[2].0[1], ("".into(), 3, 4, 0));
            assert_eq!(rows[2].0[2], ("C3".into(), 3, 5, 2));
        }
    }

    #[test]
    fn quoted_newlines_move_later_cells() {
        let data = b"\xef\xbb\xbfid,note,dx\r\n1,\"two\r\nline \"\"x\"\"\",A01\r\n2,plain,\"B02\"\n3,\"\",C\n";
        for chunk in [1, 5, 4096] {
            let (_, rows) = read_all(data, chunk);
            assert_eq!(cells(&rows[0].0), ["id", "note", "dx"]);
            assert_eq!(rows[0].0[0], ("id".into(), 1, 1, 2));
            let r1 = &rows[1].0;
            assert_eq!(r1[1], ("two\r\nline \"x\"".into(), 2, 3, 17));
            assert_eq!(r1[2], ("A01".into(), 3, 13, 3));
            assert_eq!(rows[2].0[2], ("B02".into(), 4, 9, 5));
            assert_eq!(rows[3].0[1], ("".into(), 5, 3, 2));
            assert_eq!(rows[3].0[2], ("C".into(), 5, 6, 1));
        }
    }

    #[test]
    fn lone_cr_and_blank_lines_count_as_lines() {
        let (_, rows) = read_all(b"a,b\r1,2\r\n\r\n3,4\n\n5,\"6\"\n", 3);
        let lines: Vec<u64> = rows.iter().map(|r| r.0[0].1).collect();
        assert_eq!(lines, [1, 2, 4, 6]);
        assert_eq!(rows[3].0[1], ("6".into(), 6, 3, 3));
    }

    #[test]
    fn unclosed_quote_is_reported() {
        let (_, rows) = read_all(b"a,b\n1,\"open\n2,3\n", 4);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1, Some(RecordProblem::UnclosedQuote { field: 1 }));
        assert_eq!(rows[1].0[1].1, 2);
        assert_eq!(rows[1].0[1].2, 3);
    }

    #[test]
    fn over_long_records_are_skipped_in_bounded_memory() {
        let mut data = b"a,b\n1,\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 10_000));
        data.extend_from_slice(b"\ny\",2\n3,4\n");
        let mut r = RecordReader::new(
            Trickle {
                data: &data,
                chunk: 1000,
            },
            0,
            None,
        )
        .unwrap();
        r.set_max_record_bytes(2000);
        assert!(r.next_record().unwrap());
        assert!(r.next_record().unwrap());
        assert_eq!(r.problem(), Some(RecordProblem::TooLong { limit: 2000 }));
        assert_eq!(r.len(), 0);
        assert_eq!((r.line(), r.last_line()), (2, 3));
        assert!(r.next_record().unwrap());
        assert_eq!(r.field(0), Some(&b"3"[..]));
        assert_eq!(r.loc(1).map(|l| (l.line, l.column)), Some((4, 3)));
        assert!(r.buf.len() <= 8 * 1024 + INITIAL_BUF);
        assert!(!r.next_record().unwrap());
    }

    #[test]
    fn the_limit_holds_for_records_read_whole() {
        let mut data = b"a,b\n1,".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3000));
        data.extend_from_slice(b"\n3,4\n");
        let mut r = RecordReader::new(&data[..], 0, None).unwrap();
        r.set_max_record_bytes(2000);
        assert!(r.next_record().unwrap());
        assert!(r.next_record().unwrap());
        assert_eq!(r.problem(), Some(RecordProblem::TooLong { limit: 2000 }));
        assert_eq!((r.len(), r.line(), r.last_line()), (0, 2, 2));
        assert!(r.next_record().unwrap());
        assert_eq!(r.field(0), Some(&b"3"[..]));
        assert_eq!(r.loc(1).map(|l| (l.line, l.column)), Some((3, 3)));
    }

    #[test]
    fn physical_lines_of_a_record() {
        let data = b"a,b\n1,\"x\r\ny\"\n";
        let mut r = RecordReader::new(&data[..], 0, None).unwrap();
        assert!(r.next_record().unwrap());
        assert!(r.next_record().unwrap());
        let mut seen = Vec::new();
        r.for_each_line(|l, t| seen.push((l, t.to_vec())));
        assert_eq!(seen, [(2, b"1,\"x".to_vec()), (3, b"y\"".to_vec())]);
        assert_eq!(r.line_text(3), Some(&b"y\""[..]));
        assert_eq!(r.last_line(), 3);
        assert_eq!(r.end_loc().column, 3);
    }

    /// Builds random records with random quoting, embedded line breaks and
    /// line endings, then checks every field's content and that its
    /// reported (line, column, length) points at exactly its raw text.
    #[test]
    fn random_records_round_trip_with_exact_spans() {
        let mut next = numbers(0x1234_5678_9abc_def1);
        let pieces = [
            "a", "B20", " ", "\"", "\n", "\r\n", "\r", ",", "|", "é", "x.y",
        ];
        for round in 0..300 {
            let delim = [b',', b'|', b'\t'][(round % 3) as usize];
            let ncols = 1 + next(5) as usize;
            let mut data: Vec<u8> = Vec::new();
            if next(3) == 0 {
                data.extend_from_slice(BOM);
            }
            // (content, raw start offset, raw length) per field per record.
            let mut expected: Vec<Vec<(Vec<u8>, usize, usize)>> = Vec::new();
            for r in 0..(1 + next(6)) {
                let mut rec = Vec::new();
                for c in 0..ncols {
                    if c > 0 {
                        data.push(delim);
                    }
                    let mut content = Vec::new();
                    for _ in 0..next(4) {
                        content.extend_from_slice(
                            pieces[next(pieces.len() as u64) as usize].as_bytes(),
                        );
                    }
                    let needs_quotes = content
                        .iter()
                        .any(|&b| b == delim || b == b'"' || b == b'\r' || b == b'\n');
                    // A lone field that is empty would be an empty line; quote it.
                    let quote = needs_quotes || next(4) == 0 || (ncols == 1 && content.is_empty());
                    let start = data.len();
                    if quote {
                        data.push(b'"');
                        for &b in &content {
                            if b == b'"' {
                                data.push(b'"');
                            }
                            data.push(b);
                        }
                        data.push(b'"');
                    } else {
                        data.extend_from_slice(&content);
                    }
                    rec.push((content, start, data.len() - start));
                }
                expected.push(rec);
                data.extend_from_slice([&b"\n"[..], b"\r\n", b"\r"][(r % 3) as usize]);
                if next(5) == 0 {
                    data.extend_from_slice(b"\n\n");
                }
            }
            // Independent line starts.
            let mut starts = vec![if data.starts_with(BOM) { BOM.len() } else { 0 }];
            let mut i = 0;
            while i < data.len() {
                if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                if data[i] == b'\r' || data[i] == b'\n' {
                    starts.push(i + 1);
                }
                i += 1;
            }
            let mut r = RecordReader::new(
                Trickle {
                    data: &data,
                    chunk: 1 + next(9) as usize,
                },
                0,
                Some(delim),
            )
            .unwrap();
            for rec in &expected {
                assert!(r.next_record().unwrap(), "round {round}");
                assert_eq!(r.len(), rec.len(), "round {round}");
                for (f, (content, start, len)) in rec.iter().enumerate() {
                    assert_eq!(
                        r.field(f).unwrap(),
                        content.as_slice(),
                        "round {round} field {f}"
                    );
                    let l = r.loc(f).unwrap();
                    let abs = starts[(l.line - 1) as usize] + l.column as usize - 1;
                    assert_eq!(
                        (abs, l.len as usize),
                        (*start, *len),
                        "round {round} field {f} {l:?}"
                    );
                }
            }
            assert!(!r.next_record().unwrap());
        }
    }

    /// Everything a caller can read of each record, and of the end.
    fn observe(mut r: RecordReader<Trickle<'_>>) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match r.next_record() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    seen.push(format!("error {e}"));
                    break;
                }
            }
            r.decode();
            let mut lines = Vec::new();
            r.for_each_line(|l, t| lines.push((l, t.to_vec())));
            seen.push(format!(
                "{:?} {:?} {} {} {:?} {:?} {:?} {:?}",
                (0..r.len())
                    .map(|i| r.field(i).unwrap().to_vec())
                    .collect::<Vec<_>>(),
                (0..r.len()).map(|i| r.loc(i).unwrap()).collect::<Vec<_>>(),
                r.line(),
                r.last_line(),
                r.problem(),
                r.end_loc(),
                lines,
                (0..r.len()).map(|i| r.field_text(i)).collect::<Vec<_>>(),
            ));
        }
        seen
    }

    /// Plain records split without csv_core read exactly as csv_core reads
    /// them, next to quoted ones, blank lines, every line break, unclosed
    /// quotes, records over the length limit and input cut at any point.
    #[test]
    fn plain_records_read_as_csv_core_reads_them() {
        let mut next = numbers(0x0dd5_eed5_1234_5677);
        // Pieces longer than the reader's first buffers make it grow them,
        // and let go of a skipped record's fields on the way.
        let long = vec![b'x'; 3 * INITIAL_OUT];
        let pieces: [&[u8]; 15] = [
            b"a",
            b"E11.9",
            b" ",
            b"\"",
            b"\n",
            b"\r\n",
            b"\r",
            b",",
            b"|",
            b"\t",
            "é".as_bytes(),
            b"\xff",
            b"\0",
            b"\"\"",
            &long,
        ];
        for round in 0..3000 {
            let delim = [b',', b'|', b'\t'][(round % 3) as usize];
            let mut data: Vec<u8> = Vec::new();
            if next(4) == 0 {
                data.extend_from_slice(BOM);
            }
            for _ in 0..next(12) {
                data.extend_from_slice(pieces[next(pieces.len() as u64) as usize]);
            }
            let chunk = 1 + next(40) as usize * next(200) as usize;
            let limit = 4 + next(30) as usize * next(1000) as usize;
            let open = |plain: bool| {
                let mut r =
                    RecordReader::new(Trickle { data: &data, chunk }, 0, Some(delim)).unwrap();
                r.plain_path = plain;
                if round % 2 == 0 {
                    r.set_max_record_bytes(limit);
                }
                r
            };
            assert_eq!(
                observe(open(true)),
                observe(open(false)),
                "round {round}: {:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }
}
