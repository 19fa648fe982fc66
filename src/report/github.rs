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
    /// One finding's annotation body, before escaping; reused.
    body: String,
}

impl GithubReporter {
    pub fn new(out: Box<dyn Write + Send>, options: &ReportOptions) -> Self {
        GithubReporter {
            out: BufWriter::new(out),
            show_summary: options.show_summary,
            body: String::new(),
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

/// Where escaped text goes in a workflow command.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// The message after `::`: `%`, CR and LF are escaped.
    Data,
    /// A property value: those and `:` and `,`.
    Property,
    /// A file path property: also `\` written as `/`.
    Path,
}

/// Text escaped for its [`Place`] as it is written.
struct Escaped<'a>(&'a str, Place);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Escaped(text, place) = *self;
        let special = |b: u8| match b {
            b'%' | b'\r' | b'\n' => true,
            b':' | b',' => place != Place::Data,
            b'\\' => place == Place::Path,
            _ => false,
        };
        let mut rest = text;
        // Every special byte is ASCII, so the runs between them are text.
        while let Some(i) = rest.bytes().position(special) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'%' => "%25",
                b'\r' => "%0D",
                b'\n' => "%0A",
                b':' => "%3A",
                b',' => "%2C",
                _ => "/",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

fn escape_data(s: &str) -> Escaped<'_> {
    Escaped(s, Place::Data)
}

/// Writes the annotation body into `text`: the message, then the help,
/// the suggestions and the facts (claim, field, code), one per line.
fn body(d: &Diagnostic, text: &mut String) {
    text.clear();
    text.push_str(&d.message);
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    for (i, s) in d.suggestions.iter().enumerate() {
        text.push_str(if i == 0 { "\nsuggestions: " } else { "; " });
        text.push_str(&s.replacement);
        if let Some(title) = &s.title {
            let _ = write!(text, " {title}");
        }
    }
    let mut first = true;
    let mut fact = |text: &mut String| {
        text.push_str(if std::mem::take(&mut first) {
            "\n"
        } else {
            "; "
        });
    };
    if let Some(claim) = &d.claim_id {
        fact(text);
        let _ = write!(text, "claim: {claim}");
    }
    if let Some(field) = &d.location.field {
        fact(text);
        let _ = write!(text, "field: {field}");
    }
    if let Some(code) = &d.code {
        fact(text);
        let _ = write!(text, "code: {}", code.raw);
        if let Some(canonical) = &code.canonical {
            let _ = write!(text, " (canonical {canonical})");
        }
    }
}

impl Reporter for GithubReporter {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let loc = &d.location;
        let end = u64::from(loc.column) + u64::from(loc.len.max(1));
        body(d, &mut self.body);
        writeln!(
            self.out,
            "::{} file={},line={},col={},endColumn={end},title={} {}::{}",
            command(d.severity),
            Escaped(&loc.file, Place::Path),
            loc.line,
            loc.column,
            Escaped(&d.rule.code, Place::Property),
            Escaped(&d.rule.name, Place::Property),
            escape_data(&self.body),
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
                        Escaped(&f.path, Place::Path),
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
        assert_eq!(
            escape_data("50% a\r\nb: c, d").to_string(),
            "50%25 a%0D%0Ab: c, d"
        );
        assert_eq!(
            Escaped("a:b,c%\n", Place::Property).to_string(),
            "a%3Ab%2Cc%25%0A"
        );
        assert_eq!(
            Escaped(r"C:\exports\a,b.csv", Place::Path).to_string(),
            "C%3A/exports/a%2Cb.csv"
        );
        assert_eq!(escape_data("naïve — ü%").to_string(), "naïve — ü%25");
    }
}
