//! The object one diagnostic becomes in the JSON and JSON Lines formats.
//!
//! Built field by field from the diagnostic instead of serializing
//! [`Diagnostic`] itself, so that what leaves the process is exactly the
//! allowed set: location, claim id, column name, diagnosis code and the
//! rule's own words. The source line and other cells can never slip in.

use serde::Serialize;

use crate::engine::diagnostic::{CodeRef, Diagnostic, Severity, Suggestion};

/// One diagnostic, flattened for machine consumers.
#[derive(Serialize)]
pub(crate) struct Record<'a> {
    /// Rule code, e.g. `DX103`.
    rule: &'a str,
    /// Rule name, e.g. `non-billable-code`.
    rule_name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u64,
    /// 1-based byte column of the cell's first byte.
    column: u32,
    /// 1-based byte column just past the cell (`column + len`; equal to
    /// `column` for findings about a whole row).
    end_column: u64,
    /// The column header of the cell.
    field: Option<&'a str>,
    claim_id: Option<&'a str>,
    code: Option<&'a CodeRef>,
    suggestions: &'a [Suggestion],
}

impl<'a> From<&'a Diagnostic> for Record<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let loc = &d.location;
        Record {
            rule: &d.rule.code,
            rule_name: &d.rule.name,
            severity: d.severity,
            message: &d.message,
            help: d.help.as_deref(),
            file: &loc.file,
            line: loc.line,
            column: loc.column,
            end_column: u64::from(loc.column) + u64::from(loc.len),
            field: loc.field.as_deref(),
            claim_id: d.claim_id.as_deref(),
            code: d.code.as_ref(),
            suggestions: &d.suggestions,
        }
    }
}

/// A copy of `d` for reporters that hold diagnostics until `finish`: the
/// source line is dropped so no row data is kept longer than needed.
pub(crate) fn without_source(d: &Diagnostic) -> Diagnostic {
    Diagnostic {
        source_line: None,
        ..d.clone()
    }
}
