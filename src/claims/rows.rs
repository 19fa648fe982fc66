//! Row checks shared by claims and member files: the header, whether a
//! record has the header's shape, and reading a field as trimmed UTF-8.

use std::io::Read;
use std::sync::Arc;

use super::claim::CellLoc;
use super::events::MalformedRow;
use super::reader::{RecordProblem, RecordReader, SNIFF_LEN};
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

/// Why the start of an input is not delimited text, if it is not: NUL
/// bytes in the first line (a header never has one) or in more than a
/// tenth of the first 8 KiB: binary data, or UTF-16 text without a
/// byte-order mark. Returns what the file is and how to fix it. A stray
/// NUL in a data row is the row's problem, not the file's (see
/// [`field_str`]).
pub fn binary_head(head: &[u8]) -> Option<(String, String)> {
    let head = head.get(..SNIFF_LEN).unwrap_or(head);
    let nuls = head.iter().filter(|&&b| b == 0).count();
    let first_line = head
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(head, |end| head.get(..end).unwrap_or(head));
    if nuls == 0 || (!first_line.contains(&0) && nuls * 10 < head.len()) {
        return None;
    }
    // UTF-16 of mostly-ASCII text: every other byte is NUL.
    let pairs = head.len() / 2;
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = nuls - even;
    if pairs > 0 && (even * 10 >= pairs * 9 || odd * 10 >= pairs * 9) {
        return Some((
            "the file looks like UTF-16 text without a byte-order mark; dxlint reads UTF-8"
                .to_string(),
            "convert it to UTF-8 first, e.g. `iconv -f UTF-16LE -t UTF-8 in.csv > out.csv`, or \
             export it again as UTF-8"
                .to_string(),
        ));
    }
    Some((
        format!(
            "the file holds binary data, not delimited text (NUL bytes: {nuls} in its first {})",
            size_text(head.len())
        ),
        "dxlint reads CSV, TSV and pipe-delimited text, plain or gzip-compressed; check that \
         this is the claims export"
            .to_string(),
    ))
}

/// Why the current record cannot be used as a row of a file whose header
/// has `header_len` columns, if it cannot.
pub fn shape_fault<R: Read>(rec: &RecordReader<R>, header_len: usize) -> Option<RowFault> {
    match rec.problem() {
        Some(RecordProblem::TooLong { limit }) => {
            let reason = format!(
                "the record is longer than {}, the most one row may hold, and was skipped \
                 (is a quote never closed?)",
                size_text(limit)
            );
            return Some((rec.row_loc(), reason));
        }
        Some(RecordProblem::UnclosedQuote { field }) => {
            let loc = rec.loc(field).unwrap_or_else(|| rec.row_loc());
            let reason = if rec.last_line() > loc.line {
                format!(
                    "the quote opened in this field is never closed: the row runs to the end of \
                     the file, taking in lines {} to {}",
                    loc.line,
                    rec.last_line()
                )
            } else {
                "the quote opened in this field is never closed".to_string()
            };
            return Some((loc, reason));
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

/// `4 MiB`, `512 KiB`, `100 bytes`.
pub fn size_text(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes % KIB == 0 {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Field `i` as trimmed text; a fault when it is not UTF-8 or holds a NUL
/// byte (never part of a text file: a damaged file, or UTF-16 text). Call
/// [`RecordReader::decode`] first to validate the record once.
pub fn field_str<V: RecordView + ?Sized>(rec: &V, i: usize) -> Result<&str, RowFault> {
    let loc = || rec.loc(i).unwrap_or_else(|| rec.row_loc());
    match rec.field_text(i) {
        None => Ok(""),
        Some(Ok(s)) if rec.nul_free() => Ok(s),
        Some(Ok(s)) => match s.bytes().position(|b| b == 0) {
            None => Ok(s),
            Some(offset) => Err((
                loc(),
                format!(
                    "the field holds a NUL byte (at byte {}): the file is damaged or is not \
                     UTF-8 text (UTF-16?)",
                    offset + 1
                ),
            )),
        },
        Some(Err(offset)) => Err((
            loc(),
            format!(
                "the field is not valid UTF-8 (at byte {}): is the file Latin-1 or \
                 Windows-1252? Save it as UTF-8",
                offset + 1
            ),
        )),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size_text(4 * 1024 * 1024), "4 MiB");
        assert_eq!(size_text(8 * 1024), "8 KiB");
        assert_eq!(size_text(320), "320 bytes");
    }

    #[test]
    fn binary_starts() {
        assert_eq!(
            binary_head(b"claim_id,dx1\n1,A\x00\n"),
            None,
            "a NUL in a row"
        );
        let (what, _) = binary_head(b"\x7fELF\x02\x01\x01\x00\x00\n").unwrap();
        assert!(what.starts_with("the file holds binary data"), "{what}");
        let (what, _) = binary_head(b"c\x00l\x00a\x00i\x00m\x00\n\x00").unwrap();
        assert!(what.contains("UTF-16"), "{what}");
        let mut mostly_nul = b"a,b\n".to_vec();
        mostly_nul.extend(std::iter::repeat_n(0u8, 100));
        assert!(binary_head(&mostly_nul).is_some());
        assert_eq!(binary_head(b""), None);
    }

    #[test]
    fn field_faults_name_the_byte() {
        let data = b"a,b\nJos\xe9,x\x00y\n";
        let mut r = RecordReader::new(&data[..], 0, None).unwrap();
        assert!(r.next_record().unwrap() && r.next_record().unwrap());
        r.decode();
        let (loc, why) = field_str(&r, 0).unwrap_err();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert!(
            why.starts_with("the field is not valid UTF-8 (at byte 4)"),
            "{why}"
        );
        let (loc, why) = field_str(&r, 1).unwrap_err();
        assert_eq!(loc.column, 6);
        assert!(
            why.starts_with("the field holds a NUL byte (at byte 2)"),
            "{why}"
        );
        assert_eq!(field_str(&r, 2), Ok(""), "no such field");
    }
}
