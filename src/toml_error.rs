//! Errors in the project's TOML files (`dxlint.toml`, rule packs), with a
//! label on the offending span so miette can show the line.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// A mistake in a TOML file, or a problem reading it (no span).
#[derive(Debug)]
pub struct TomlError {
    /// `dxlint::config` or `dxlint::pack`.
    code: &'static str,
    message: String,
    src: Option<NamedSource<Arc<str>>>,
    span: Option<Range<usize>>,
    label: String,
    help: Option<String>,
}

impl TomlError {
    /// An error at `span` of `text`, the contents of the file `name`.
    pub fn at(
        code: &'static str,
        name: &str,
        text: &Arc<str>,
        span: Option<Range<usize>>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Box<TomlError> {
        Box::new(TomlError {
            code,
            message: format!("{name}: {message}"),
            src: Some(NamedSource::new(name, text.clone())),
            span,
            label: label.to_string(),
            help,
        })
    }

    /// An error with no place in a file (the file could not be read).
    pub fn plain(code: &'static str, message: String) -> Box<TomlError> {
        Box::new(TomlError {
            code,
            message,
            src: None,
            span: None,
            label: String::new(),
            help: None,
        })
    }
}

impl fmt::Display for TomlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TomlError {}

impl Diagnostic for TomlError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let label = LabeledSpan::new_with_span(Some(self.label.clone()), span.start..span.end);
        Some(Box::new(std::iter::once(label)))
    }
}
