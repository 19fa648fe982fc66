//! Safe fixes: rewriting how a code is written, never which code it is.
//!
//! A fix changes only the spelling of an ICD-10-CM diagnosis cell that the
//! claim reader checked: upper case, the dot after the category (or none,
//! see [`DotStyle`]), no padding spaces. It also drops a leading UTF-8
//! byte-order mark. It never picks a billable child, completes a 7th
//! character, moves a code or touches any other cell: those change what
//! the claim says and are left to a person (the language server offers
//! them as code actions).
//!
//! Everything outside the edited cells stays byte for byte: quotes (a
//! quoted cell stays quoted), line endings, delimiters, other columns.
//! ICD-9 claims, rows that cannot be read and cells that are not shaped
//! like a code are never edited.

pub mod diff;
pub mod scan;

use std::sync::Arc;

use crate::claims::{ClaimReader, Event, InputError, InputOptions};
use crate::codeset::code::CodeKey;
use scan::{BOM, Checked, DxCell, SharedBytes, visit_rows};

/// How codes longer than a category are written: `E11.9` or `E119`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotStyle {
    Dotted,
    Dotless,
}

impl DotStyle {
    /// The code written in this style.
    pub fn write(self, key: CodeKey) -> String {
        match self {
            DotStyle::Dotted => key.dotted(),
            DotStyle::Dotless => key.as_str().to_string(),
        }
    }
}

/// What one edit does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixKind {
    /// Removes the leading byte-order mark.
    Bom,
    /// Rewrites a code cell: its text before and after (quotes excluded).
    Code { from: String, to: String },
}

/// Replace `len` bytes at `offset` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub offset: usize,
    pub len: usize,
    pub replacement: String,
    /// The 1-based line the edit is on.
    pub line: u64,
    pub kind: FixKind,
}

/// The fixes for one document.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Non-overlapping, in document order.
    pub edits: Vec<Edit>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Code cells rewritten (the BOM not counted).
    pub fn cells(&self) -> usize {
        self.edits
            .iter()
            .filter(|e| matches!(e.kind, FixKind::Code { .. }))
            .count()
    }

    /// `doc` with every edit applied.
    pub fn apply(&self, doc: &[u8]) -> Vec<u8> {
        apply_edits(doc, &self.edits)
    }
}

/// `doc` with `edits` (sorted, non-overlapping) applied.
pub fn apply_edits(doc: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.len());
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&doc[at..e.offset]);
        out.extend_from_slice(e.replacement.as_bytes());
        at = e.offset + e.len;
    }
    out.extend_from_slice(&doc[at..]);
    out
}

/// The canonical spelling of a cell's text when it is a code and not
/// already written that way: `None` when there is nothing to fix.
pub fn respell(text: &[u8], style: DotStyle) -> Option<(String, String)> {
    let text = std::str::from_utf8(text).ok()?;
    let key = CodeKey::parse(text).ok()?;
    let fixed = style.write(key);
    (fixed != text).then(|| (text.to_string(), fixed))
}

/// The file's own dot style: dotless when most codes longer than a category
/// are written without a dot, dotted otherwise. A file that writes codes
/// dotless (as CMS files and 837 claims do) keeps doing so.
pub fn dot_style<'a>(doc: &[u8], cells: impl Iterator<Item = &'a DxCell>) -> DotStyle {
    let (mut dotted, mut dotless) = (0usize, 0usize);
    for c in cells.filter(|c| c.icd10) {
        let (at, len) = c.code.inner(doc);
        let Some(text) = doc
            .get(at..at + len)
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            continue;
        };
        match CodeKey::parse(text) {
            Ok(k) if k.len() > 3 => {
                if text.contains('.') {
                    dotted += 1;
                } else {
                    dotless += 1;
                }
            }
            _ => {}
        }
    }
    if dotless > dotted {
        DotStyle::Dotless
    } else {
        DotStyle::Dotted
    }
}

/// The edit that respells one cell in `style`, keeping its quotes.
pub fn cell_edit(doc: &[u8], cell: &DxCell, style: DotStyle) -> Option<Edit> {
    let (at, len) = cell.code.inner(doc);
    let (from, to) = respell(doc.get(at..at + len)?, style)?;
    Some(Edit {
        offset: at,
        len,
        replacement: to.clone(),
        line: cell.code.line,
        kind: FixKind::Code { from, to },
    })
}

/// The safe fixes for `doc`, read as the claims file `name` with `options`.
pub fn plan(name: &str, doc: &Arc<[u8]>, options: &InputOptions) -> Result<Plan, InputError> {
    let mut reader = ClaimReader::open(
        0,
        name,
        Box::new(SharedBytes::new(doc.clone())),
        options,
        None,
    )?;
    let mut checked = Checked::default();
    while let Some(event) = reader.next_event() {
        if let Event::Claim(claim) = event {
            checked.add_claim(&claim);
        }
    }
    if let Some(e) = reader.take_error() {
        return Err(e);
    }
    let mut cells: Vec<DxCell> = Vec::new();
    visit_rows(doc, reader.delimiter(), reader.mapping(), &checked, |row| {
        cells.extend(row.cells.into_iter().filter(|c| c.icd10));
    })
    .map_err(|source| InputError::Read {
        file: name.to_string(),
        line: 1,
        source,
    })?;
    let style = dot_style(doc, cells.iter());
    let mut edits = Vec::new();
    if doc.starts_with(BOM) {
        edits.push(Edit {
            offset: 0,
            len: BOM.len(),
            replacement: String::new(),
            line: 1,
            kind: FixKind::Bom,
        });
    }
    edits.extend(cells.iter().filter_map(|c| cell_edit(doc, c, style)));
    edits.sort_by_key(|e| e.offset);
    Ok(Plan { edits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        let doc: Arc<[u8]> = Arc::from(text.as_bytes());
        let p = plan("claims.csv", &doc, &InputOptions::default()).unwrap();
        String::from_utf8(p.apply(&doc)).unwrap()
    }

    #[test]
    fn respells_case_dots_and_padding_only() {
        let text = "claim_id,service_date,dx1,dx2,dx3,poa1\r\n\
                    A,2025-11-03,e119, I10 ,\"z5320\",y\r\n\
                    B,2025-11-03,E11.9,Z53.2,I1O,n\r\n";
        let want = "claim_id,service_date,dx1,dx2,dx3,poa1\r\n\
                    A,2025-11-03,E11.9,I10,\"Z53.20\",y\r\n\
                    B,2025-11-03,E11.9,Z53.2,I1O,n\r\n";
        assert_eq!(fixed(text), want);
    }

    #[test]
    fn dotless_files_stay_dotless() {
        let text =
            "claim_id,service_date,dx1,dx2\nA,2025-11-03,e119,Z5320\nB,2025-11-03,E11.9,I10\n";
        assert_eq!(
            fixed(text),
            "claim_id,service_date,dx1,dx2\nA,2025-11-03,E119,Z5320\nB,2025-11-03,E119,I10\n"
        );
    }

    #[test]
    fn drops_the_bom_and_leaves_other_cells() {
        let text = "\u{feff}claim_id,service_date,dx1,note\nA,2025-11-03,e11.9,e11.9\n";
        assert_eq!(
            fixed(text),
            "claim_id,service_date,dx1,note\nA,2025-11-03,E11.9,e11.9\n"
        );
    }

    #[test]
    fn icd9_claims_are_not_touched() {
        let text = "claim_id,service_date,dx1,dx_code_type\nA,2014-03-01,e8889,icd-9-cm\nB,2025-03-01,e8889,icd-10-cm\n";
        assert_eq!(
            fixed(text),
            "claim_id,service_date,dx1,dx_code_type\nA,2014-03-01,e8889,icd-9-cm\nB,2025-03-01,E8889,icd-10-cm\n"
        );
    }
}
