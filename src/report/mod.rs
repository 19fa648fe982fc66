//! Reports: one module per output format behind the [`Reporter`] trait.
//! The engine never formats text; reporters never decide what is wrong.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::engine::diagnostic::{Diagnostic, RuleRef, Severity};

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
