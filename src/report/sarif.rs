//! `--format sarif`: a SARIF 2.1.0 log, for GitHub code scanning and SARIF
//! viewers. Written at `finish` as one document.
//!
//! Choices worth knowing:
//! - `rules` lists every rule active in the run (from [`RunInfo`]) plus any
//!   rule that reported without being listed; `ruleIndex` points into it.
//! - Columns are Unicode code points (`columnKind: unicodeCodePoints`),
//!   converted from the engine's byte columns using the source line when the
//!   diagnostic carries one; without it the byte column is used, which is the
//!   same for ASCII files. The line itself is never written out.
//! - `partialFingerprints["dxlint/v1"]` hashes file, claim id, rule and code
//!   (not the line), so a baseline still matches after rows move. Findings
//!   without a claim id fall back to the line number.
//! - File read errors make `executionSuccessful` false and, with run notices,
//!   become `toolExecutionNotifications`.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use serde_json::{Value, json};

use super::record::without_source;
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::{Diagnostic, RuleMeta, RuleRef, Severity};

/// Where the rules are documented (`informationUri` must be absolute).
pub const INFORMATION_URI: &str = "https://github.com/dxlint/dxlint";
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `partialFingerprints` key; bump the suffix if the hash input changes.
pub const FINGERPRINT_KEY: &str = "dxlint/v1";

pub struct SarifReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    tool: &'static str,
    version: &'static str,
    rules: Vec<RuleRef>,
    results: Vec<Pending>,
}

/// A diagnostic held until `finish`, with its columns already converted
/// (the source line needed for that is not kept).
struct Pending {
    diagnostic: Diagnostic,
    start_column: u64,
    end_column: u64,
}

impl SarifReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        SarifReporter {
            out: BufWriter::new(out),
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            rules: Vec::new(),
            results: Vec::new(),
        }
    }
}

impl Reporter for SarifReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = run.tool;
        self.version = run.version;
        self.rules = run.rules.clone();
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let (start_column, end_column) = columns(d);
        self.results.push(Pending {
            diagnostic: without_source(d),
            start_column,
            end_column,
        });
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let log = self.log(summary);
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

impl SarifReporter {
    fn log(&self, summary: &Summary) -> Value {
        let rules = RuleTable::new(&self.rules, &self.results);
        let artifacts = ArtifactTable::new(summary, &self.results);
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|p| result(p, &rules, &artifacts))
            .collect();
        json!({
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": self.tool,
                    "version": self.version,
                    "semanticVersion": self.version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules.list.iter().map(|r| rule(r)).collect::<Vec<_>>(),
                }},
                "invocations": [invocation(summary)],
                "artifacts": artifacts.uris.iter()
                    .map(|uri| json!({ "location": { "uri": uri } }))
                    .collect::<Vec<_>>(),
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        })
    }
}

/// Rules in `ruleIndex` order, unique by code.
struct RuleTable<'a> {
    list: Vec<&'a RuleMeta>,
    index: HashMap<&'a str, usize>,
}

impl<'a> RuleTable<'a> {
    fn new(active: &'a [RuleRef], results: &'a [Pending]) -> Self {
        let mut table = RuleTable {
            list: Vec::new(),
            index: HashMap::new(),
        };
        let reported = results.iter().map(|p| &*p.diagnostic.rule);
        for meta in active.iter().map(|r| &**r).chain(reported) {
            if !table.index.contains_key(meta.code.as_str()) {
                table.index.insert(&meta.code, table.list.len());
                table.list.push(meta);
            }
        }
        table
    }
}

/// Artifact URIs in `index` order: the run's files, then any other file a
/// diagnostic names.
struct ArtifactTable {
    uris: Vec<String>,
    index: HashMap<String, usize>,
}

impl ArtifactTable {
    fn new(summary: &Summary, results: &[Pending]) -> Self {
        let mut table = ArtifactTable {
            uris: Vec::new(),
            index: HashMap::new(),
        };
        let files = summary.files.iter().map(|f| f.path.as_str());
        let named = results.iter().map(|p| &*p.diagnostic.location.file);
        for path in files.chain(named) {
            let uri = path_uri(path);
            if !table.index.contains_key(&uri) {
                table.index.insert(uri.clone(), table.uris.len());
                table.uris.push(uri);
            }
        }
        table
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    let short = non_empty(&meta.summary).unwrap_or(&meta.name);
    let explanation = non_empty(&meta.explanation).unwrap_or(short);
    let full = first_paragraph(explanation).unwrap_or_else(|| short.to_string());
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": explanation, "markdown": explanation },
        "defaultConfiguration": {
            "level": level(meta.default_severity),
            "enabled": meta.enabled_by_default,
        },
        "properties": { "tags": [meta.group] },
    })
}

fn result(p: &Pending, rules: &RuleTable<'_>, artifacts: &ArtifactTable) -> Value {
    let d = &p.diagnostic;
    let loc = &d.location;
    let uri = path_uri(&loc.file);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut properties = serde_json::Map::new();
    if let Some(claim) = &d.claim_id {
        properties.insert("claimId".into(), json!(claim));
    }
    if let Some(field) = &loc.field {
        properties.insert("field".into(), json!(field));
    }
    if let Some(code) = &d.code {
        properties.insert("code".into(), json!(code));
    }
    if !d.suggestions.is_empty() {
        properties.insert("suggestions".into(), json!(d.suggestions));
    }
    json!({
        "ruleId": d.rule.code,
        "ruleIndex": rules.index[d.rule.code.as_str()],
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri, "index": artifacts.index[&uri] },
            "region": {
                "startLine": loc.line.max(1),
                "startColumn": p.start_column,
                "endColumn": p.end_column,
            },
        }}],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(d) },
        "properties": properties,
    })
}

fn invocation(summary: &Summary) -> Value {
    let mut notes: Vec<Value> = summary
        .files
        .iter()
        .filter_map(|f| f.error.as_ref().map(|e| (f, e)))
        .map(|(f, e)| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {e}", f.path) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": path_uri(&f.path) },
                }}],
            })
        })
        .collect();
    let failed = !notes.is_empty();
    notes.extend(
        summary
            .notices
            .iter()
            .map(|n| json!({ "level": "note", "message": { "text": n } })),
    );
    json!({
        "executionSuccessful": !failed,
        "toolExecutionNotifications": notes,
    })
}

/// 1-based start and exclusive end columns in code points; the region is
/// at least one column wide so that viewers can show it.
fn columns(d: &Diagnostic) -> (u64, u64) {
    let loc = &d.location;
    let start = u64::from(loc.column.max(1));
    let bytes = (start, start + u64::from(loc.len.max(1)));
    let Some(line) = d.source_line.as_deref() else {
        return bytes;
    };
    let from = start as usize - 1;
    let to = from + loc.len as usize;
    match (line.get(..from), line.get(from..to)) {
        (Some(before), Some(cell)) => {
            let start = before.chars().count() as u64 + 1;
            (start, start + (cell.chars().count() as u64).max(1))
        }
        _ => bytes,
    }
}

/// The path as a relative URI reference: forward slashes, and every byte
/// outside the unreserved set percent-encoded (`<stdin>` -> `%3Cstdin%3E`).
fn path_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// A stable 64-bit FNV-1a hash (std's hasher may change between releases,
/// and fingerprints must not).
fn fingerprint(d: &Diagnostic) -> String {
    let file = d.location.file.replace('\\', "/");
    let code = d
        .code
        .as_ref()
        .map(|c| c.canonical.as_deref().unwrap_or(&c.raw))
        .unwrap_or("");
    let line = d.location.line.to_string();
    let claim = d.claim_id.as_deref();
    let place = claim.unwrap_or(&line);
    let anchor = if claim.is_some() { "claim" } else { "line" };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [file.as_str(), anchor, place, &d.rule.code, code] {
        for b in part.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// The first paragraph of Markdown that is not a heading, lines joined.
fn first_paragraph(markdown: &str) -> Option<String> {
    let mut paragraph: Vec<&str> = Vec::new();
    for line in markdown.lines().map(str::trim) {
        if line.is_empty() {
            if !paragraph.is_empty() {
                break;
            }
        } else if !line.starts_with('#') {
            paragraph.push(line);
        } else if !paragraph.is_empty() {
            break;
        }
    }
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(path_uri("data\\claims 2024.csv"), "data/claims%202024.csv");
        assert_eq!(path_uri("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn first_paragraph_skips_headings() {
        let md = "## What it does\n\nFinds header codes\non claims.\n\n## Why\n\nBecause.";
        assert_eq!(
            first_paragraph(md).as_deref(),
            Some("Finds header codes on claims.")
        );
        assert_eq!(first_paragraph("# Only a heading"), None);
    }
}
