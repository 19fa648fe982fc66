//! What a claims file yields, row problems included, and its accounting.

use std::sync::Arc;

use super::claim::{CellLoc, Claim};

/// A row that could not be read as a record of the file. Reading goes on
/// with the next row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedRow {
    /// The offending field, or the row (column 1, length 0) when the
    /// problem is the row as a whole. For a row with fewer fields than the
    /// header, the point just after its last field (`field` = the index of
    /// the first missing column); for a row with more, the first extra field
    /// (`field` >= the header's length).
    pub loc: CellLoc,
    pub reason: String,
    /// The physical line `loc.line` as written, when source lines are kept.
    pub source_line: Option<Arc<str>>,
}

/// One step of reading a claims file.
///
/// Claims are boxed so that handing one on moves a pointer; the box is
/// reused for the next claim once the claim is checked ([`Claim::recycle`]).
#[derive(Clone, Debug)]
pub enum Event {
    Claim(Box<Claim>),
    Malformed(MalformedRow),
}

/// Per-file accounting.
///
/// Every data row (the header excluded) is counted once in `rows_read`, and
/// `rows_read == rows_checked + rows_rejected` always holds:
/// - `rows_rejected`: rows reported as [`MalformedRow`] (wrong field count,
///   unclosed quote, invalid UTF-8 or a NUL byte in a column that is read,
///   a record over the size limit, a repeat of the header line, a
///   long-layout row without claim id or with an unreadable sequence, or
///   past a claim's 1,000th diagnosis). One event per row.
/// - `rows_checked`: every other row. Its content reached the engine in a
///   claim, or repeats content already emitted for its claim
///   (`rows_repeated`, a subset), or belongs to an ICD-9 claim, which is
///   counted as checked and skipped (the engine has no ICD-9 code set).
///
/// Claims: `claims` counts distinct claims emitted at least once (a wide
/// claim id whose rows carry several different contents is one claim but
/// several events, see `claim_events`); `claims_icd9` counts claims not
/// emitted because every diagnosis on them is ICD-9-CM. A claim is in one
/// of the two, never both, so the claims seen are `claims + claims_icd9`.
/// Long layout: a claim id that reappears after another claim's rows is a
/// separate claim (counted in `claims` again and in `claims_split`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileStats {
    pub rows_read: u64,
    pub rows_checked: u64,
    pub rows_rejected: u64,
    /// Checked rows whose content was already emitted for their claim.
    pub rows_repeated: u64,
    pub claims: u64,
    pub claims_icd9: u64,
    /// `Event::Claim`s produced (>= `claims`).
    pub claim_events: u64,
    /// Long layout: claims whose id reappeared after other claims' rows.
    pub claims_split: u64,
    /// Checked rows whose claim-level code type is neither ICD-10-CM nor
    /// ICD-9-CM (e.g. `icd-10-pcs`).
    pub rows_code_type_other: u64,
}

impl FileStats {
    /// Counts a finished long-layout claim (its rows were counted as they
    /// were read): an ICD-9-CM claim is counted, not checked.
    pub fn count_long_claim(&mut self, icd9: bool) {
        if icd9 {
            self.claims_icd9 += 1;
        } else {
            self.claims += 1;
            self.claim_events += 1;
        }
    }

    /// Distinct claims seen, emitted or skipped as ICD-9.
    pub fn claims_seen(&self) -> u64 {
        self.claims + self.claims_icd9
    }
}
