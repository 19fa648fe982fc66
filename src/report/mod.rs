//! Reports: one module per output format behind the [`Reporter`] trait.
//! The engine never formats text; reporters never decide what is wrong.
//!
//! [`reporter`] builds the reporter for a [`Format`]. Every reporter buffers
//! its output and flushes it in `finish`; a write error (a closed pipe
//! included) comes back as an `io::Error` from the call that hit it, never as
//! a panic.
//!
//! Summaries: with [`ReportOptions::show_summary`] off, every reporter writes
//! diagnostics only (the JSON and SARIF documents still carry their summary
//! *data*, which is part of the document, not a printed summary). A CLI that
//! wants the human summary on stderr for a machine format creates a second,
//! [`Format::Human`] reporter on stderr and calls only `begin` and `finish`
//! on it.
//!
//! PHI: only the human report ever shows [`Diagnostic::source_line`]; the
//! machine formats carry the file, line, column, claim id, column name, the
//! diagnosis code and the rule's own message, help and suggestions.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::engine::diagnostic::{Diagnostic, RuleRef, Severity};

pub mod github;
pub mod html;
pub mod human;
pub mod json;
mod json_text;
pub mod jsonl;
mod record;
pub mod sarif;
pub mod short;
mod spool;
mod streamed;
mod text;

pub use text::headline;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Graphical report with the offending cell underlined (for terminals).
    Human,
    /// One `path:line:col: severity[CODE name] message` line per finding.
    Short,
    /// One JSON document written at the end of the run.
    Json,
    /// One JSON object per finding per line, streamed.
    Jsonl,
    /// SARIF 2.1.0, for code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
    /// One self-contained HTML page: summary, chart, filterable table.
    Html,
    /// A baseline of the findings (what `dxlint baseline` writes).
    #[value(hide = true)]
    Baseline,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Html => "html",
            Format::Baseline => "baseline",
        }
    }

    /// Formats whose stdout must stay a pure document or stream for other
    /// programs: a CLI should print the run summary for these on stderr.
    pub fn is_machine_readable(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Jsonl | Format::Sarif | Format::Html | Format::Baseline
        )
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How reports look; one set for the whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// ANSI colours (human report only; the other formats never colour).
    pub color: bool,
    /// Human report: show only the offending cell of the source line and
    /// mask every other cell, so a report can be shared without the row's
    /// other data.
    pub redact: bool,
    /// The input files' cell delimiter. Only used to draw the masked cells
    /// of a redacted line; everything outside the offending cell is masked
    /// whatever the delimiter, so a wrong one never shows data.
    pub delimiter: u8,
    /// Human report width in columns; `None` means 100.
    pub width: Option<usize>,
    /// Print the end-of-run summary (human block, short line, GitHub notice).
    /// Off: the reporter writes diagnostics only.
    pub show_summary: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            color: false,
            redact: false,
            delimiter: b',',
            width: None,
            show_summary: true,
        }
    }
}

/// The reporter for `format`, writing to `out` (buffered inside).
pub fn reporter(
    format: Format,
    out: Box<dyn std::io::Write + Send>,
    options: &ReportOptions,
) -> Box<dyn Reporter + Send> {
    match format {
        Format::Human => Box::new(human::HumanReporter::new(out, options)),
        Format::Short => Box::new(short::ShortReporter::new(out, options)),
        Format::Json => Box::new(json::JsonReporter::new(out)),
        Format::Jsonl => Box::new(jsonl::JsonlReporter::new(out)),
        Format::Sarif => Box::new(sarif::SarifReporter::new(out)),
        Format::Github => Box::new(github::GithubReporter::new(out, options)),
        Format::Html => Box::new(html::HtmlReporter::new(out)),
        Format::Baseline => Box::new(crate::baseline::BaselineReporter::new(out)),
    }
}

/// What every reporter learns before the first diagnostic.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub tool: &'static str,
    pub version: &'static str,
    /// The rules that are active in this run (for SARIF rule metadata).
    #[serde(skip)]
    pub rules: Vec<RuleRef>,
}

/// Per-file accounting: rows read = rows checked + rows rejected.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub rows_read: u64,
    /// Rows whose content went through the rules (including rows that repeat
    /// a claim's content already checked at an earlier row).
    pub rows_checked: u64,
    /// Rows that could not be read as a record (malformed-row diagnostics).
    pub rows_rejected: u64,
    /// Of the checked rows: those that repeat a claim's already-checked content.
    pub rows_repeated: u64,
    pub claims: u64,
    /// Claims coded in ICD-9-CM: read, counted, not checked.
    pub claims_icd9: u64,
    /// The file could not be read at all (the error message).
    pub error: Option<String>,
}

/// The end-of-run summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub claims: u64,
    pub rows_read: u64,
    pub rows_checked: u64,
    pub rows_rejected: u64,
    pub claims_icd9: u64,
    pub diagnostics: u64,
    pub by_severity: BTreeMap<Severity, u64>,
    /// Counts by rule name.
    pub by_rule: BTreeMap<String, u64>,
    /// The code set versions that claims were checked against, e.g. `FY2026 (tabular XML, embedded)`.
    pub code_sets_used: Vec<String>,
    /// Run-level notices (service dates no code set covers, missing ages, ...).
    pub notices: Vec<String>,
    #[serde(serialize_with = "serialize_secs")]
    pub elapsed: Duration,
}

fn serialize_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Summary {
    pub fn count(&self, severity: Severity) -> u64 {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }
}

/// A report format. Calls come in order: `begin`, `diagnostic`*, `finish`.
/// Diagnostics arrive in file order.
pub trait Reporter {
    fn begin(&mut self, run: &RunInfo) -> std::io::Result<()>;
    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> std::io::Result<()>;
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()>;
}

/// A diagnostic for the reporters' unit tests: `text` in every string it
/// has (to test escaping), and with or without each optional member.
#[cfg(test)]
pub(crate) fn sample_diagnostic(text: &str, with_options: bool) -> Diagnostic {
    use std::sync::Arc;

    use crate::engine::diagnostic::{CodeRef, Location, RuleMeta, RuleOrigin, Suggestion};

    let some = |s: &str| with_options.then(|| s.to_string());
    Diagnostic {
        rule: Arc::new(RuleMeta {
            code: format!("DX1{text}"),
            name: format!("rule-{text}"),
            group: "validity".into(),
            default_severity: Severity::Error,
            enabled_by_default: true,
            summary: String::new(),
            explanation: String::new(),
            source: String::new(),
            origin: RuleOrigin::Native,
        }),
        severity: if with_options {
            Severity::Warning
        } else {
            Severity::Error
        },
        message: format!("{text} is said \"twice\": {text}"),
        help: some(text),
        location: Location {
            file: Arc::from(format!("dir\\{text}.csv")),
            line: if with_options { u64::MAX } else { 0 },
            column: if with_options { 0 } else { 3 },
            len: 7,
            field: with_options.then(|| Arc::from(text)),
        },
        claim_id: some(text),
        code: with_options.then(|| CodeRef {
            raw: text.to_string(),
            canonical: (!text.is_empty()).then(|| "E11.9".to_string()),
        }),
        suggestions: if with_options {
            vec![
                Suggestion {
                    replacement: "Z53.20".into(),
                    title: Some(text.into()),
                },
                Suggestion {
                    replacement: text.into(),
                    title: None,
                },
            ]
        } else {
            Vec::new()
        },
        source_line: None,
    }
}
