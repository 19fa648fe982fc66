//! `--format human`: a graphical report per finding, drawn by miette's
//! `GraphicalReportHandler`:
//!
//! ```text
//! error[DX103 non-billable-code]: Z53.2 is a header code, not billable
//!     ╭─[claims.csv:14:23]
//!  14 │ C1042,2024-03-02,F,Z53.2,I10
//!     ·                    ──┬──
//!     ·                      ╰── non billable code
//!     ╰────
//!   help: use a billable code below Z53.2
//!         Z53.20 Procedure and treatment not carried out ...
//!
//!   note: claim C1042, field dx1
//! ```
//!
//! The header line is written here (miette's own header has no place for a
//! severity word and rule name together); miette draws the snippet; the
//! help and note are wrapped here as miette wraps them ([`footer`]).
//! Findings without a source line get a compact form with a
//! `--> file:line:col` line instead of the snippet.

mod footer;
mod redact;
mod snippet;
mod summary;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use self::footer::Footer;
use self::snippet::{LineSource, Shown};
use super::text::{one_line, printable};
use super::{ReportOptions, Reporter, RunInfo, Summary};
use crate::engine::diagnostic::{Diagnostic, Severity};

/// Width used when the options give none.
pub const DEFAULT_WIDTH: usize = 100;

pub struct HumanReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    handler: GraphicalReportHandler,
    footer: Footer,
    /// One finding's snippet as miette draws it, then its help and note.
    rendered: String,
    paint: Paint,
    redact: bool,
    delimiter: u8,
    show_summary: bool,
    /// Rule name -> code, for the summary's by-rule counts.
    codes: HashMap<String, String>,
}

impl HumanReporter {
    pub fn new(out: Box<dyn Write + Send>, options: &ReportOptions) -> Self {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let width = options.width.unwrap_or(DEFAULT_WIDTH);
        let footer = Footer::new(width, theme.styles.help);
        // miette wraps only the message line (empty, replaced by the header
        // above) once the help and note are wrapped here: nothing to wrap.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_wrap_lines(false)
            .without_syntax_highlighting();
        HumanReporter {
            out: BufWriter::new(out),
            handler,
            footer,
            rendered: String::new(),
            paint: Paint(options.color),
            redact: options.redact,
            delimiter: options.delimiter,
            show_summary: options.show_summary,
            codes: HashMap::new(),
        }
    }

    /// The snippet source and label for `d`, or `None` for the compact form
    /// (no line kept, an empty line, or a span that does not fit the line).
    fn snippet(&self, d: &Diagnostic) -> Option<(LineSource, LabeledSpan)> {
        let loc = &d.location;
        let line = d.source_line.as_deref()?.trim_end_matches(['\r', '\n']);
        let line = same_width_printable(line);
        let start = usize::try_from(loc.column.saturating_sub(1)).ok()?;
        let len = usize::try_from(loc.len).ok()?;
        let real_start = start;
        let (text, start) = if self.redact {
            redact::redact(&line, self.delimiter, start, len)
        } else {
            (line.into_owned(), start)
        };
        let end = start.checked_add(len)?.min(text.len());
        if text.is_empty() || start > end || !text.is_char_boundary(start) {
            return None;
        }
        if !text.is_char_boundary(end) {
            return None;
        }
        let source = LineSource::new(one_line(&loc.file).into_owned(), loc.line, text)
            .with_real_offset(start, real_start);
        debug_assert!(end <= source.len());
        let label = LabeledSpan::new_primary_with_span(Some(label(d)), (start, end - start));
        Some((source, label))
    }
}

impl Reporter for HumanReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.codes = run
            .rules
            .iter()
            .map(|r| (r.name.clone(), r.code.clone()))
            .collect();
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        if !self.codes.contains_key(&d.rule.name) {
            self.codes.insert(d.rule.name.clone(), d.rule.code.clone());
        }
        let loc = &d.location;
        // `error[DX103 non-billable-code]` in the severity's colour, then
        // `: message` in bold: written in place, not through `Paint`'s
        // strings, as this is once per finding.
        let (rule, message) = (&d.rule, one_line(&d.message));
        if self.paint.0 {
            writeln!(
                self.out,
                "\x1b[{}m{}[{} {}]\x1b[0m\x1b[1m: {message}\x1b[0m",
                severity_sgr(d.severity),
                d.severity,
                rule.code,
                rule.name
            )?;
        } else {
            writeln!(
                self.out,
                "{}[{} {}]: {message}",
                d.severity, rule.code, rule.name
            )?;
        }
        let snippet = self.snippet(d);
        if snippet.is_none() {
            writeln!(
                self.out,
                "  --> {}:{}:{}",
                one_line(&loc.file),
                loc.line,
                loc.column
            )?;
        }
        let (source, label) = snippet.unzip();
        let shown = Shown {
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            source,
            label,
        };
        self.rendered.clear();
        self.handler
            .render_report(&mut self.rendered, &shown)
            .map_err(|_| io::Error::other("could not render a diagnostic"))?;
        if let Some(help) = help(d) {
            self.footer.help(&help, &mut self.rendered);
        }
        if let Some(note) = note(d) {
            self.footer.note(&note, &mut self.rendered);
        }
        // miette's first line is the (empty) message line; the header above
        // replaces it.
        let body = self.rendered.split_once('\n').map_or("", |(_, rest)| rest);
        self.out.write_all(body.as_bytes())?;
        writeln!(self.out)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.show_summary {
            let block = summary::block(summary, &self.codes, self.paint);
            self.out.write_all(block.as_bytes())?;
        }
        self.out.flush()
    }
}

/// The label under the cell: what is wrong, in the rule's words.
fn label(d: &Diagnostic) -> String {
    d.rule.name.replace('-', " ")
}

/// The rule's help, then one suggestion per line (`CODE title`).
fn help(d: &Diagnostic) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    match &d.help {
        Some(help) => lines.push(printable(help).into_owned()),
        None if !d.suggestions.is_empty() => lines.push("replace with:".to_string()),
        None => {}
    }
    for s in &d.suggestions {
        lines.push(match &s.title {
            Some(title) => format!("{} {}", one_line(&s.replacement), one_line(title)),
            None => one_line(&s.replacement).into_owned(),
        });
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The footer: which claim and which column the finding is on.
fn note(d: &Diagnostic) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(claim) = &d.claim_id {
        parts.push(format!("claim {}", one_line(claim)));
    }
    if let Some(field) = &d.location.field {
        parts.push(format!("field {}", one_line(field)));
    }
    if let Some(code) = &d.code
        && code.canonical.as_deref().is_some_and(|c| c != code.raw)
    {
        parts.push(format!(
            "code {} (read as {})",
            one_line(&code.raw),
            code.canonical.as_deref().unwrap_or_default()
        ));
    }
    (!parts.is_empty()).then(|| format!("note: {}", parts.join(", ")))
}

/// Replaces control characters (other than tab) with `?` of the same byte
/// length, so that byte offsets into the line stay valid and a crafted cell
/// cannot send escape sequences to the terminal.
fn same_width_printable(line: &str) -> Cow<'_, str> {
    // Most lines are printable ASCII: nothing to replace.
    if line
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) || b == b'\t')
    {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_control() && c != '\t' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Paint(bool);

impl Paint {
    fn wrap(self, sgr: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// The headline, coloured by the worst severity found (green if none).
    pub(crate) fn headline(self, worst: Option<Severity>, text: &str) -> String {
        self.wrap(worst.map_or("1;32", severity_sgr), text)
    }
}

fn severity_sgr(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}
