//! Row checks shared by claims and member files: the header, whether a
//! record has the header's shape, and reading a field as trimmed UTF-8.

use std::io::Read;
use std::sync::Arc;

use super::claim::CellLoc;
use super::events::MalformedRow;
use super::reader::{RecordProblem, RecordReader};
use super::staged::RecordView;
use super::values::trim;

/// A row problem: where, and why.
pub type RowFault = (CellLoc, String);

/// The header's names, trimmed (invalid UTF-8 replaced).
pub fn header_names<R: Read>(rec: &RecordReader<R>) -> Vec<Arc<str>> {
    (0..rec.len())
        .map(|i| {
            let raw = rec.field(i).unwrap_or_default();
            Arc::from(String::from_utf8_lossy(trim(raw)).as_ref())
        })
        .collect()
}

/// True for a record that is nothing but spaces (a stray padded line):
/// not a row at all, like an empty line.
pub fn is_blank<R: Read>(rec: &RecordReader<R>, header_len: usize) -> bool {
    header_len > 1
        && rec.len() == 1
        && rec.problem().is_none()
        && rec.field(0).is_some_and(|f| trim(f).is_empty())
}

/// Why the current record cannot be used as a row of a file whose header
/// has `header_len` columns, if it cannot.
pub fn shape_fault<R: Read>(rec: &RecordReader<R>, header_len: usize) -> Option<RowFault> {
    match rec.problem() {
        Some(RecordProblem::TooLong { limit }) => {
            let reason = format!(
                "the record is longer than {} MiB and was skipped (a quote that is never closed?)",
                limit / (1024 * 1024)
            );
            return Some((rec.row_loc(), reason));
        }
        Some(RecordProblem::UnclosedQuote { field }) => {
            let loc = rec.loc(field).unwrap_or_else(|| rec.row_loc());
            return Some((
                loc,
                "the quote opened in this field is never closed".to_string(),
            ));
        }
        None => {}
    }
    let n = rec.len();
    if n < header_len {
        let reason = format!(
            "the row has {n} field{}, the header has {header_len}",
            if n == 1 { "" } else { "s" }
        );
        return Some((rec.end_loc(), reason));
    }
    if n > header_len {
        let loc = rec.loc(header_len).unwrap_or_else(|| rec.row_loc());
        return Some((
            loc,
            format!("the row has {n} fields, the header has {header_len}"),
        ));
    }
    None
}

/// Field `i` as trimmed text; a fault when it is not UTF-8. Call
/// [`RecordReader::decode`] first to validate the record once.
pub fn field_str<V: RecordView + ?Sized>(rec: &V, i: usize) -> Result<&str, RowFault> {
    match rec.field_text(i) {
        None => Ok(""),
        Some(Ok(s)) => Ok(s),
        Some(Err(offset)) => {
            let loc = rec.loc(i).unwrap_or_else(|| rec.row_loc());
            Err((
                loc,
                format!("the field is not valid UTF-8 (invalid byte at offset {offset})"),
            ))
        }
    }
}

/// The text of physical line `line` of the current record (lossy UTF-8,
/// without the line break).
pub fn line_text<R: Read>(rec: &RecordReader<R>, line: u64) -> Option<Arc<str>> {
    rec.line_text(line)
        .map(|b| Arc::from(String::from_utf8_lossy(b).as_ref()))
}

/// A malformed-row event for the current record.
pub fn malformed<R: Read>(
    rec: &RecordReader<R>,
    (loc, reason): RowFault,
    keep_line: bool,
) -> MalformedRow {
    let source_line = if keep_line {
        line_text(rec, loc.line)
    } else {
        None
    };
    MalformedRow {
        loc,
        reason,
        source_line,
    }
}
