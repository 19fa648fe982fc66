//! The bridge to miette: a one-line [`SourceCode`] that knows its real file
//! name and line number, and a [`miette::Diagnostic`] carrying the label
//! and severity for one finding.
//!
//! The engine keeps only the physical line a finding points into, not the
//! file. Serving that line as if it were a whole file would make miette
//! number it `1`; [`LineSource`] instead reports the true line index, so the
//! gutter and the `[claims.csv:14:23]` header show where the cell really is.
//! Offsets in its span space are byte offsets within the shown line, so a
//! label's offset is simply `column - 1`; when the shown line is a redacted
//! one, `column_shift` maps offsets back to columns of the real line.

use std::fmt;

use miette::{
    LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceOffset, SourceSpan,
    SpanContents,
};

/// One physical line of an input file.
#[derive(Debug)]
pub(crate) struct LineSource {
    name: String,
    /// 0-based, as miette counts.
    line_index: usize,
    text: String,
    /// Real byte column (0-based) minus offset in `text`, for the cell the
    /// label is on. Zero unless the line was redacted.
    column_shift: isize,
}

impl LineSource {
    /// `line` is 1-based; `text` has no line terminator.
    pub(crate) fn new(name: String, line: u64, text: String) -> Self {
        LineSource {
            name,
            line_index: usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX),
            text,
            column_shift: 0,
        }
    }

    /// The label at `shown` in this line stands for byte offset `real` of
    /// the line as read.
    pub(crate) fn with_real_offset(mut self, shown: usize, real: usize) -> Self {
        let to_isize = |n: usize| isize::try_from(n).unwrap_or(isize::MAX);
        self.column_shift = to_isize(real).saturating_sub(to_isize(shown));
        self
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }
}

impl SourceCode for LineSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // The contents are always the whole line (there is no context to
        // add); line and column say where the requested span starts.
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(SourceOffset::from(0), self.text.len()),
            self.line_index,
            span.offset().saturating_add_signed(self.column_shift),
            1,
        )))
    }
}

/// What miette renders for one finding. Its `Display` is empty on purpose:
/// the reporter writes the rustc-style header line itself.
#[derive(Debug)]
pub(crate) struct Shown {
    pub(crate) severity: miette::Severity,
    pub(crate) source: Option<LineSource>,
    pub(crate) label: Option<LabeledSpan>,
}

impl fmt::Display for Shown {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Shown {}

impl miette::Diagnostic for Shown {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = self.label.clone()?;
        Some(Box::new(std::iter::once(label)))
    }
}
