//! Every diagnosis cell of a claims file, with its exact byte span, so that
//! fixes and editor actions can rewrite one cell and nothing else.
//!
//! The claim reader tells which cells were checked as ICD-10-CM (it skips
//! ICD-9 claims and rows that repeat a claim's content); this module walks
//! every record again with the same delimiter and column mapping and marks
//! a cell as ICD-10-CM when the reader checked it, or when its row repeats,
//! byte for byte in every column the engine reads, a row of the same claim
//! whose cell was checked. Nothing else is ever marked, so a fix can never
//! reach an ICD-9 code, a malformed row or a column that is not a diagnosis.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read};
use std::sync::Arc;

use crate::claims::reader::RecordReader;
use crate::claims::{Claim, CodeSystem, DxColumn, Layout, Mapping};

/// A UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// A `Read` over shared bytes, so a document held in memory can be read
/// more than once without copying it.
#[derive(Clone, Debug)]
pub struct SharedBytes {
    bytes: Arc<[u8]>,
    pos: usize,
}

impl SharedBytes {
    pub fn new(bytes: Arc<[u8]>) -> SharedBytes {
        SharedBytes { bytes, pos: 0 }
    }
}

impl Read for SharedBytes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Byte offsets of line starts. A line ends at `\n`, `\r\n` or a lone `\r`,
/// as the claim reader counts lines.
#[derive(Clone, Debug)]
pub struct LineStarts {
    starts: Vec<usize>,
    len: usize,
}

impl LineStarts {
    pub fn new(bytes: &[u8]) -> LineStarts {
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineStarts {
            starts,
            len: bytes.len(),
        }
    }

    /// The offset of 1-based `line`, 1-based byte `column`; `None` past the end.
    pub fn offset(&self, line: u64, column: u32) -> Option<usize> {
        let start = *self
            .starts
            .get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let at = start + (column.max(1) as usize - 1);
        (at <= self.len).then_some(at)
    }

    /// The 0-based line holding byte `offset`, and the line's start offset.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        (i, self.starts[i])
    }

    /// Start offset of 0-based line `i` (the end of the text past the last line).
    pub fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.len)
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }
}

/// A cell's place in the document: byte span as written (quotes included)
/// and the reader's 1-based line and byte column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellSpan {
    pub offset: usize,
    pub len: usize,
    pub line: u64,
    pub column: u32,
    /// Index of the column in the header.
    pub field: u32,
}

impl CellSpan {
    /// The span's bytes in `doc`.
    pub fn bytes<'d>(&self, doc: &'d [u8]) -> &'d [u8] {
        doc.get(self.offset..self.offset + self.len)
            .unwrap_or_default()
    }

    /// The span inside the quotes of a quoted cell (the whole span otherwise).
    pub fn inner(&self, doc: &[u8]) -> (usize, usize) {
        let b = self.bytes(doc);
        if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' {
            (self.offset + 1, self.len - 2)
        } else {
            (self.offset, self.len)
        }
    }
}

/// One diagnosis cell (and its POA indicator cell, when the file pairs one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DxCell {
    pub code: CellSpan,
    pub poa: Option<CellSpan>,
    /// The claim reader checked this cell as ICD-10-CM (directly or through
    /// an identical row of the same claim).
    pub icd10: bool,
}

/// One record's diagnosis cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub claim_id: Option<String>,
    /// The service date cell's text, trimmed.
    pub service_date: Option<String>,
    pub cells: Vec<DxCell>,
}

/// The cells the claim reader checked as ICD-10-CM, by (line, column).
#[derive(Clone, Debug, Default)]
pub struct Checked {
    cells: HashSet<(u64, u32)>,
}

impl Checked {
    /// Notes the ICD-10-CM diagnosis cells of a claim the reader produced.
    pub fn add_claim(&mut self, claim: &Claim) {
        for dx in &claim.diagnoses {
            if dx.code_system == CodeSystem::Icd10Cm {
                self.cells.insert((dx.code.loc.line, dx.code.loc.column));
            }
        }
    }

    fn contains(&self, line: u64, column: u32) -> bool {
        self.cells.contains(&(line, column))
    }
}

/// The diagnosis columns of the mapping with their POA columns.
fn dx_columns(mapping: &Mapping) -> Vec<(usize, Option<usize>)> {
    match mapping.layout {
        Layout::Long => mapping.code.map(|c| (c, mapping.poa)).into_iter().collect(),
        Layout::Wide => {
            let series = |s: &crate::claims::DxSeries| -> Vec<DxColumn> {
                s.lead.iter().chain(s.numbered.iter()).copied().collect()
            };
            let mut cols: Vec<DxColumn> = series(&mapping.sequenced);
            cols.extend(mapping.admitting);
            cols.extend(mapping.reason_for_visit.iter().copied());
            cols.extend(series(&mapping.external_cause));
            let mut seen = HashSet::new();
            cols.into_iter()
                .filter(|c| seen.insert(c.code))
                .map(|c| (c.code, c.poa))
                .collect()
        }
    }
}

/// Walks every data record of `doc` (read with `delimiter` and described by
/// `mapping`) and calls `visit` with each record's diagnosis cells.
pub fn visit_rows(
    doc: &Arc<[u8]>,
    delimiter: u8,
    mapping: &Mapping,
    checked: &Checked,
    mut visit: impl FnMut(Row),
) -> io::Result<()> {
    let lines = LineStarts::new(doc);
    let columns = dx_columns(mapping);
    let content = mapping.content_columns();
    let mut rec = RecordReader::new(SharedBytes::new(doc.clone()), 0, Some(delimiter))?;
    // The header.
    if !rec.next_record()? {
        return Ok(());
    }
    // (claim id, content hash) of checked rows -> fields checked as ICD-10-CM.
    let mut templates: HashMap<(String, u64), Vec<u32>> = HashMap::new();
    while rec.next_record()? {
        if rec.problem().is_some() || rec.is_empty() {
            continue;
        }
        let span = |i: usize| -> Option<CellSpan> {
            let loc = rec.loc(i)?;
            Some(CellSpan {
                offset: lines.offset(loc.line, loc.column)?,
                len: loc.len as usize,
                line: loc.line,
                column: loc.column,
                field: loc.field,
            })
        };
        let text = |col: Option<usize>| -> Option<String> {
            let bytes = rec.field(col?)?;
            let s = std::str::from_utf8(bytes).ok()?.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        let claim_id = text(mapping.claim_id);
        let mut cells = Vec::new();
        for &(code, poa) in &columns {
            let Some(code) = span(code) else { continue };
            if code.len == 0 {
                continue;
            }
            cells.push(DxCell {
                icd10: checked.contains(code.line, code.column),
                code,
                poa: poa.and_then(span),
            });
        }
        if cells.is_empty() {
            continue;
        }
        if let Some(id) = &claim_id
            && mapping.layout == Layout::Wide
        {
            let mut h = DefaultHasher::new();
            for &c in &content {
                rec.field(c).unwrap_or_default().hash(&mut h);
            }
            let key = (id.clone(), h.finish());
            if cells.iter().any(|c| c.icd10) {
                let fields = cells
                    .iter()
                    .filter(|c| c.icd10)
                    .map(|c| c.code.field)
                    .collect();
                templates.entry(key).or_insert(fields);
            } else if let Some(fields) = templates.get(&key) {
                for c in &mut cells {
                    c.icd10 = fields.contains(&c.code.field);
                }
            }
        }
        visit(Row {
            line: rec.line(),
            claim_id,
            service_date: text(mapping.service_date),
            cells,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_follow_the_readers_line_breaks() {
        let l = LineStarts::new(b"a\r\nbc\rd\ne");
        assert_eq!(l.offset(1, 1), Some(0));
        assert_eq!(l.offset(2, 2), Some(4));
        assert_eq!(l.offset(3, 1), Some(6));
        assert_eq!(l.offset(4, 1), Some(8));
        assert_eq!(l.offset(5, 1), None);
        assert_eq!(l.line_of(5), (1, 3));
        assert_eq!(l.line_of(0), (0, 0));
        assert_eq!(l.line_of(9), (3, 8));
    }

    #[test]
    fn shared_bytes_read_in_pieces() {
        let mut r = SharedBytes::new(Arc::from(&b"hello"[..]));
        let mut buf = [0u8; 3];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf, b"hel");
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        assert_eq!(r.read(&mut buf).unwrap(), 0);
    }
}
