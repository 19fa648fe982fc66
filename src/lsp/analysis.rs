//! Linting one document version: the findings with their LSP ranges, the
//! diagnosis cells of every row (for hover and code actions), and the
//! cells to swap for a first-listed-only code.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use lsp_types::{Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Position, Range};
use serde_json::json;

use super::SOURCE;
use super::position::Text;
use super::setup::Setup;
use crate::claims::{CellLoc, Claim, ClaimReader, Event};
use crate::engine::diagnostic::{Diagnostic, Severity};
use crate::fix::scan::{CellSpan, Checked, Row, SharedBytes, visit_rows};

/// The rule whose findings can be fixed by moving the code to position 1.
pub const FIRST_LISTED_ONLY: &str = "first-listed-only-code";

/// How often (in events) a run looks at its cancel flag.
const CANCEL_EVERY: usize = 64;

/// A code cell and its POA cell, to be exchanged with another pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub code: CellSpan,
    pub poa: Option<CellSpan>,
}

/// Swapping a code into position 1: the cells of the offending code and
/// of the code now in position 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swap {
    pub claim_id: Option<String>,
    pub offending: Pair,
    pub first: Pair,
}

/// One finding, ready for the editor.
#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub lsp: LspDiagnostic,
    /// The cell's bytes in the document (none for a finding about a row).
    pub cell: Option<CellSpan>,
    pub swap: Option<Swap>,
}

/// A linted document version.
pub struct Analysis {
    pub version: i32,
    pub text: Text,
    pub findings: Vec<Finding>,
    /// Every record's diagnosis cells, in line order.
    pub rows: Vec<Row>,
    pub setup: Arc<Setup>,
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The cell a location names, as a span of the document.
fn span_of(text: &Text, loc: &CellLoc) -> Option<CellSpan> {
    Some(CellSpan {
        offset: text.lines().offset(loc.line, loc.column)?,
        len: loc.len as usize,
        line: loc.line,
        column: loc.column,
        field: loc.field,
    })
}

/// The range of a finding: its cell, or its whole line when it is about a row.
fn range_of(text: &Text, d: &Diagnostic) -> Range {
    let loc = &d.location;
    let Some(start) = text.lines().offset(loc.line, loc.column) else {
        let end = text.position(text.as_str().len());
        return Range::new(end, end);
    };
    if loc.len == 0 && loc.field.is_none() {
        let line = (loc.line.max(1) - 1) as usize;
        let begin = text.lines().start(line);
        return Range::new(text.position(begin), text.position(text.line_end(line)));
    }
    text.range(start, loc.len as usize)
}

/// The diagnostic as the editor shows it.
pub fn to_lsp(text: &Text, d: &Diagnostic) -> LspDiagnostic {
    let mut message = format!("{}: {}", d.rule.name, d.message);
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    LspDiagnostic {
        range: range_of(text, d),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.code.clone())),
        source: Some(SOURCE.to_string()),
        message,
        data: Some(json!({
            "rule": d.rule.code,
            "rule_name": d.rule.name,
            "claim_id": d.claim_id,
            "field": d.location.field.as_deref(),
            "code": d.code,
            "suggestions": d.suggestions,
        })),
        ..LspDiagnostic::default()
    }
}

/// A diagnostic on the first line, for a document that cannot be linted.
pub fn problem(text: &Text, message: String, severity: DiagnosticSeverity) -> LspDiagnostic {
    LspDiagnostic {
        range: Range::new(Position::new(0, 0), text.position(text.line_end(0))),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message,
        ..LspDiagnostic::default()
    }
}

fn swap_for(text: &Text, claim: &Claim, d: &Diagnostic) -> Option<Swap> {
    let first = claim.first_listed()?;
    let offending = claim.diagnoses.iter().find(|dx| {
        dx.code.loc.line == d.location.line && dx.code.loc.column == d.location.column
    })?;
    if offending.code.loc == first.code.loc || offending.poa.is_some() != first.poa.is_some() {
        return None;
    }
    let pair = |dx: &crate::claims::Diagnosis| -> Option<Pair> {
        Some(Pair {
            code: span_of(text, &dx.code.loc)?,
            poa: match &dx.poa {
                Some(p) => Some(span_of(text, &p.loc)?),
                None => None,
            },
        })
    };
    Some(Swap {
        claim_id: claim.id.as_ref().map(ToString::to_string),
        offending: pair(offending)?,
        first: pair(first)?,
    })
}

/// Lints `text` as the document at `path`; `None` when cancelled. A
/// document that cannot be read as claims yields one finding-less analysis
/// and the reason.
pub fn analyze(
    version: i32,
    text: Text,
    path: Option<&Path>,
    setup: Arc<Setup>,
    cancel: &AtomicBool,
) -> Option<(Analysis, Option<String>)> {
    let name = path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "untitled.csv".to_string());
    let bytes: Arc<[u8]> = Arc::from(text.as_str().as_bytes());
    let mut files = setup.files.clone();
    let id = files.add(&name);
    let mut analysis = Analysis {
        version,
        text,
        findings: Vec::new(),
        rows: Vec::new(),
        setup: setup.clone(),
    };
    let mut reader = match ClaimReader::open(
        id,
        &name,
        Box::new(SharedBytes::new(bytes.clone())),
        &setup.options,
        setup.members.as_ref(),
    ) {
        Ok(r) => r,
        Err(e) => return Some((analysis, Some(e.to_string()))),
    };
    files.set_headers(id, reader.headers().to_vec());
    let mut checked = Checked::default();
    let mut found = Vec::new();
    let mut events = 0usize;
    while let Some(event) = reader.next_event() {
        events += 1;
        if events % CANCEL_EVERY == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        found.clear();
        match &event {
            Event::Claim(claim) => {
                checked.add_claim(claim);
                setup
                    .engine
                    .check_claim(claim, &setup.codesets, &files, &mut found);
            }
            Event::Malformed(row) => {
                found.extend(
                    setup
                        .engine
                        .malformed_row(row.loc, &row.reason, None, &files),
                );
            }
        }
        for d in found.drain(..) {
            let swap = match &event {
                Event::Claim(claim) if d.rule.name == FIRST_LISTED_ONLY => {
                    swap_for(&analysis.text, claim, &d)
                }
                _ => None,
            };
            let cell = if d.location.len > 0 {
                let loc = &d.location;
                analysis
                    .text
                    .lines()
                    .offset(loc.line, loc.column)
                    .map(|offset| CellSpan {
                        offset,
                        len: loc.len as usize,
                        line: loc.line,
                        column: loc.column,
                        field: u32::MAX,
                    })
            } else {
                None
            };
            let lsp = to_lsp(&analysis.text, &d);
            analysis.findings.push(Finding {
                diagnostic: d,
                lsp,
                cell,
                swap,
            });
        }
    }
    let problem = reader.take_error().map(|e| e.to_string());
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let mut rows = Vec::new();
    let scanned = visit_rows(
        &bytes,
        reader.delimiter(),
        reader.mapping(),
        &checked,
        |r| rows.push(r),
    );
    analysis.rows = rows;
    let problem = problem.or_else(|| scanned.err().map(|e| e.to_string()));
    Some((analysis, problem))
}
