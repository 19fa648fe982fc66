//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's diff:
//! `::error file=path,line=L,col=C,endColumn=E,title=CODE name::message`.
//!
//! The annotation body is the rule's message, then its help, suggestions,
//! and the claim, column and code, one per line (`%0A`): the annotation is
//! all a reviewer sees. Escaping follows the workflow-command rules: `%`,
//! CR and LF in the body; those plus `:` and `,` in property values.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use super::text::headline;
use super::{ReportOptions, Reporter, RunInfo, Summary};
use crate::engine::diagnostic::{Diagnostic, Severity};

pub struct GithubReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    show_summary: bool,
}

impl GithubReporter {
    pub fn new(out: Box<dyn Write + Send>, options: &ReportOptions) -> Self {
        GithubReporter {
            out: BufWriter::new(out),
            show_summary: options.show_summary,
        }
    }
}

/// The command for a severity: GitHub has no `info`, its `notice` is that.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes the message part (after `::`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`key=value` before `::`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Every line of the annotation body, before escaping.
fn body(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    if !d.suggestions.is_empty() {
        let list: Vec<String> = d
            .suggestions
            .iter()
            .map(|s| match &s.title {
                Some(title) => format!("{} {title}", s.replacement),
                None => s.replacement.clone(),
            })
            .collect();
        let _ = write!(text, "\nsuggestions: {}", list.join("; "));
    }
    let mut facts = Vec::new();
    if let Some(claim) = &d.claim_id {
        facts.push(format!("claim: {claim}"));
    }
    if let Some(field) = &d.location.field {
        facts.push(format!("field: {field}"));
    }
    if let Some(code) = &d.code {
        match &code.canonical {
            Some(canonical) => facts.push(format!("code: {} (canonical {canonical})", code.raw)),
            None => facts.push(format!("code: {}", code.raw)),
        }
    }
    if !facts.is_empty() {
        let _ = write!(text, "\n{}", facts.join("; "));
    }
    text
}

impl Reporter for GithubReporter {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let loc = &d.location;
        let end = u64::from(loc.column) + u64::from(loc.len.max(1));
        writeln!(
            self.out,
            "::{} file={},line={},col={},endColumn={end},title={}::{}",
            command(d.severity),
            escape_property(&loc.file.replace('\\', "/")),
            loc.line,
            loc.column,
            escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            escape_data(&body(d)),
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.show_summary {
            // Each file's accounting (rows read = checked + rejected), the
            // files that could not be read, the run's notices, the headline.
            for f in &summary.files {
                match &f.error {
                    Some(e) => writeln!(
                        self.out,
                        "::error file={}::{}",
                        escape_property(&f.path.replace('\\', "/")),
                        escape_data(&format!("not read: {e}"))
                    )?,
                    None => writeln!(
                        self.out,
                        "::notice::{}",
                        escape_data(&format!(
                            "{}: {} rows read, {} checked, {} rejected; {} claims",
                            f.path, f.rows_read, f.rows_checked, f.rows_rejected, f.claims
                        ))
                    )?,
                }
            }
            for n in &summary.notices {
                writeln!(self.out, "::notice::{}", escape_data(n))?;
            }
            writeln!(self.out, "::notice::{}", escape_data(&headline(summary)))?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
