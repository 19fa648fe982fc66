//! Baselines: today's findings recorded so that CI fails only on new ones.
//!
//! `dxlint baseline FILES... > dxlint-baseline.json` writes every finding of
//! a run as a count per (claim id, rule code, diagnosis code); `dxlint check
//! --baseline dxlint-baseline.json FILES...` then leaves out as many
//! findings of each key as the baseline counted and reports the rest.
//!
//! The key holds no line, column or file name, so moving rows, reordering
//! columns, renaming or splitting an export does not invalidate it. A
//! finding about a diagnosis is keyed by the code in canonical form (so
//! `e119` and `E11.9` are one key); other findings (sex, dates, malformed
//! rows) by claim id and rule only. Counts keep two identical findings on
//! one claim apart: if the baseline has one and the run has two, one is
//! reported.
//!
//! The file carries what the machine report formats carry (claim ids, rule
//! codes, diagnosis codes), never other cells.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::engine::diagnostic::{Diagnostic, Severity};
use crate::report::{Reporter, RunInfo, Summary};

/// The value of `dxlint_baseline` in files this version writes.
pub const VERSION: u32 = 1;

/// What a finding is matched on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub claim_id: Option<String>,
    /// The rule code, e.g. `DX103`.
    pub rule: String,
    /// The diagnosis code, canonical when it is shaped like one, as written otherwise.
    pub code: Option<String>,
}

impl Key {
    pub fn of(d: &Diagnostic) -> Key {
        Key {
            claim_id: d.claim_id.clone(),
            rule: d.rule.code.clone(),
            code: d
                .code
                .as_ref()
                .map(|c| c.canonical.clone().unwrap_or_else(|| c.raw.clone())),
        }
    }
}

/// One line of the file: a key and how many findings it had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub claim_id: Option<String>,
    pub rule: String,
    /// The rule's name, for people reading the file; not matched on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rule_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub count: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Tool {
    name: String,
    version: String,
}

/// The file as written.
#[derive(Debug, Serialize, Deserialize)]
struct Document {
    dxlint_baseline: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tool: Option<Tool>,
    /// Findings recorded, the sum of the counts.
    #[serde(default)]
    total: u64,
    findings: Vec<Entry>,
}

/// Why a baseline file cannot be used.
#[derive(Debug)]
pub struct BaselineError(String);

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaselineError {}

/// A loaded baseline: the findings it still excuses in this run.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    remaining: HashMap<Key, u64>,
    total: u64,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BaselineError(format!("cannot read baseline {}: {e}", path.display())))?;
        Baseline::parse(&text)
            .map_err(|e| BaselineError(format!("baseline {}: {e}", path.display())))
    }

    /// Parses a baseline document.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let doc: Document = serde_json::from_str(text).map_err(|e| {
            BaselineError(format!(
                "not a dxlint baseline ({e}); write one with `dxlint baseline FILES... > FILE`"
            ))
        })?;
        if doc.dxlint_baseline != VERSION {
            return Err(BaselineError(format!(
                "baseline format {} is not supported (this dxlint reads format {VERSION})",
                doc.dxlint_baseline
            )));
        }
        let mut b = Baseline::default();
        for e in doc.findings {
            let key = Key {
                claim_id: e.claim_id,
                rule: e.rule,
                code: e.code,
            };
            *b.remaining.entry(key).or_default() += e.count;
            b.total += e.count;
        }
        Ok(b)
    }

    /// Findings the file recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// True when the baseline excuses `d` (using up one of its key's count).
    pub fn excuse(&mut self, d: &Diagnostic) -> bool {
        match self.remaining.get_mut(&Key::of(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// Builds the baseline document from the findings of a run.
#[derive(Debug, Default)]
pub struct Recorder {
    counts: BTreeMap<Key, (String, u64)>,
}

impl Recorder {
    pub fn add(&mut self, d: &Diagnostic) {
        let slot = self
            .counts
            .entry(Key::of(d))
            .or_insert_with(|| (d.rule.name.clone(), 0));
        slot.1 += 1;
    }

    /// The document, sorted by claim id, rule and code, as pretty JSON.
    pub fn to_json(&self, tool: &str, version: &str) -> String {
        let findings: Vec<Entry> = self
            .counts
            .iter()
            .map(|(k, (name, count))| Entry {
                claim_id: k.claim_id.clone(),
                rule: k.rule.clone(),
                rule_name: name.clone(),
                code: k.code.clone(),
                count: *count,
            })
            .collect();
        let doc = Document {
            dxlint_baseline: VERSION,
            tool: Some(Tool {
                name: tool.to_string(),
                version: version.to_string(),
            }),
            total: findings.iter().map(|e| e.count).sum(),
            findings,
        };
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The reporter behind `dxlint baseline`: writes the baseline document at
/// the end of the run.
pub struct BaselineReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    tool: &'static str,
    version: &'static str,
    recorder: Recorder,
}

impl BaselineReporter {
    pub fn new(out: Box<dyn Write + Send>) -> BaselineReporter {
        BaselineReporter {
            out: BufWriter::new(out),
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            recorder: Recorder::default(),
        }
    }
}

impl Reporter for BaselineReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = run.tool;
        self.version = run.version;
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.recorder.add(d);
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out
            .write_all(self.recorder.to_json(self.tool, self.version).as_bytes())?;
        self.out.flush()
    }
}

/// Findings left out because the baseline excused them.
#[derive(Debug, Default)]
struct Tally {
    by_severity: BTreeMap<Severity, u64>,
    by_rule: BTreeMap<String, u64>,
    total: u64,
}

/// A reporter in front of another that drops the findings a baseline excuses.
pub struct Filter {
    inner: Box<dyn Reporter + Send>,
    baseline: Baseline,
    tally: Arc<Mutex<Tally>>,
}

/// The handle a run keeps to account for what [`Filter`] left out.
#[derive(Clone, Debug, Default)]
pub struct Excused {
    tally: Arc<Mutex<Tally>>,
    source: String,
}

impl Filter {
    /// Wraps `inner`; `source` names the baseline in the summary's notice.
    pub fn new(
        inner: Box<dyn Reporter + Send>,
        baseline: Baseline,
        source: &str,
    ) -> (Filter, Excused) {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let handle = Excused {
            tally: tally.clone(),
            source: source.to_string(),
        };
        (
            Filter {
                inner,
                baseline,
                tally,
            },
            handle,
        )
    }
}

impl Reporter for Filter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.inner.begin(run)
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        if self.baseline.excuse(d) {
            let mut t = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
            *t.by_severity.entry(d.severity).or_default() += 1;
            *t.by_rule.entry(d.rule.name.clone()).or_default() += 1;
            t.total += 1;
            return Ok(());
        }
        self.inner.diagnostic(d)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.inner.finish(summary)
    }
}

impl Excused {
    /// How many findings were left out so far.
    pub fn count(&self) -> u64 {
        self.tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }

    /// Takes the excused findings out of the summary's counts (so that the
    /// exit code and the headline count only what was reported) and adds a
    /// notice saying how many there were. Call once, before `finish`.
    pub fn settle(&self, summary: &mut Summary) {
        let t = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        if self.source.is_empty() {
            return;
        }
        for (sev, n) in &t.by_severity {
            if let Some(c) = summary.by_severity.get_mut(sev) {
                *c = c.saturating_sub(*n);
                if *c == 0 {
                    summary.by_severity.remove(sev);
                }
            }
        }
        for (rule, n) in &t.by_rule {
            if let Some(c) = summary.by_rule.get_mut(rule) {
                *c = c.saturating_sub(*n);
                if *c == 0 {
                    summary.by_rule.remove(rule);
                }
            }
        }
        summary.diagnostics = summary.diagnostics.saturating_sub(t.total);
        summary.notices.push(format!(
            "{} finding{} in the baseline {} {} not reported",
            t.total,
            if t.total == 1 { "" } else { "s" },
            self.source,
            if t.total == 1 { "was" } else { "were" },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_counts() {
        let text = r#"{"dxlint_baseline":1,"findings":[
            {"claim_id":"C1","rule":"DX103","code":"Z53.2","count":2},
            {"claim_id":null,"rule":"DX001","count":1}]}"#;
        let b = Baseline::parse(text).unwrap();
        assert_eq!(b.total(), 3);
        let err = Baseline::parse(r#"{"dxlint_baseline":9,"findings":[]}"#).unwrap_err();
        assert!(err.to_string().contains("format 9"), "{err}");
        assert!(Baseline::parse("[]").is_err());
    }
}
