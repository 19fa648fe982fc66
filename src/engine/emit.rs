//! Turning a rule's finding into a [`Diagnostic`] with a full location.

use crate::claims::{CellLoc, Claim, Diagnosis};
use crate::codeset::code::CodeKey;
use crate::engine::diagnostic::{CodeRef, Diagnostic, Location, RuleRef, Severity, Suggestion};
use crate::engine::files::FileTable;

/// Collects one rule's findings on one claim.
pub struct Emitter<'a> {
    rule: &'a RuleRef,
    severity: Severity,
    claim: &'a Claim,
    files: &'a FileTable,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        rule: &'a RuleRef,
        severity: Severity,
        claim: &'a Claim,
        files: &'a FileTable,
        out: &'a mut Vec<Diagnostic>,
    ) -> Emitter<'a> {
        Emitter {
            rule,
            severity,
            claim,
            files,
            out,
        }
    }

    /// The severity this rule runs at (after configuration).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// A finding on one cell. Returns the diagnostic to add help, the code
    /// and suggestions to.
    pub fn cell(&mut self, loc: CellLoc, message: impl Into<String>) -> &mut Diagnostic {
        let location = Location {
            file: self.files.name(loc.file),
            line: loc.line,
            column: loc.column,
            len: loc.len,
            field: self.files.header(loc.file, loc.field),
        };
        let source_line = if loc.file == self.claim.file {
            self.claim.source_line(loc.line).cloned()
        } else {
            None
        };
        self.out.push(Diagnostic {
            rule: self.rule.clone(),
            severity: self.severity,
            message: message.into(),
            help: None,
            location,
            claim_id: self.claim.id.as_ref().map(ToString::to_string),
            code: None,
            suggestions: Vec::new(),
            source_line,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// A finding on a diagnosis cell, carrying the code as written and canonical.
    pub fn diagnosis(&mut self, dx: &Diagnosis, message: impl Into<String>) -> &mut Diagnostic {
        let d = self.cell(dx.code.loc, message);
        d.code = Some(CodeRef {
            raw: dx.code.raw().into_owned(),
            canonical: dx.code.value.ok().map(|k| k.dotted()),
        });
        d
    }

    /// A finding about the claim's whole row (no single cell).
    pub fn row(&mut self, line: u64, message: impl Into<String>) -> &mut Diagnostic {
        let loc = CellLoc {
            file: self.claim.file,
            line,
            column: 1,
            len: 0,
            field: u32::MAX,
        };
        self.cell(loc, message)
    }
}

impl Diagnostic {
    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(&mut self, severity: Severity) -> &mut Diagnostic {
        self.severity = severity;
        self
    }

    pub fn suggest(&mut self, code: CodeKey, title: Option<String>) -> &mut Diagnostic {
        self.suggestions.push(Suggestion {
            replacement: code.dotted(),
            title,
        });
        self
    }
}
