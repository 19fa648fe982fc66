//! `--format sarif`: a SARIF 2.1.0 log, for GitHub code scanning and SARIF
//! viewers.
//!
//! Choices worth knowing:
//! - The log is streamed: each result is written as it arrives, one to a
//!   line, and the run's other members (`tool`, `invocations`, `artifacts`)
//!   follow the results, so memory does not grow with the findings.
//! - `rules` lists every rule active in the run (from [`RunInfo`]) plus any
//!   rule that reported without being listed; `ruleIndex` points into it.
//! - `artifacts` lists the files results point into, in the order they
//!   first appear, then the run's other files; `index` points into it.
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

use super::json_text::{push_code, push_escaped, push_str, push_suggestions, push_u64};
use super::streamed::{Member, StreamedDocument};
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
    rules: Numbered<RuleRef>,
    artifacts: Numbered<String>,
    /// The log, its results written as they arrive.
    log: StreamedDocument,
    /// The last file a result pointed into: its name, URI and place in
    /// `artifacts` (results come file by file).
    last_file: Option<(String, String, usize)>,
    /// One result's JSON; reused.
    line: Vec<u8>,
}

/// Items in the order they were first named, each with its place: the
/// `rules` and `artifacts` arrays that results point into by index.
struct Numbered<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
}

impl<T> Numbered<T> {
    fn new() -> Self {
        Numbered {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// The place of the item named `name`, made by `make` the first time.
    fn place(&mut self, name: &str, make: impl FnOnce() -> T) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.index.insert(name.to_string(), self.items.len());
        self.items.push(make());
        self.items.len() - 1
    }
}

impl SarifReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        SarifReporter {
            out: BufWriter::new(out),
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            rules: Numbered::new(),
            artifacts: Numbered::new(),
            log: StreamedDocument::new(
                format!(
                    "{{\n  \"$schema\": \"{SCHEMA_URI}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": ["
                ),
                "        ",
                "    }\n  ]\n}\n",
            ),
            last_file: None,
            line: Vec::new(),
        }
    }
}

impl Reporter for SarifReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = run.tool;
        self.version = run.version;
        for rule in &run.rules {
            self.rules.place(&rule.code, || rule.clone());
        }
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let file = &*d.location.file;
        let (_, uri, artifact_index) = match &mut self.last_file {
            Some(last) if last.0 == file => last,
            last => {
                let uri = path_uri(file);
                let index = self.artifacts.place(&uri, || uri.clone());
                last.insert((file.to_string(), uri, index))
            }
        };
        let placed = Placed {
            rule_index: self.rules.place(&d.rule.code, || d.rule.clone()),
            uri,
            artifact_index: *artifact_index,
            columns: columns(d),
            fingerprint: fingerprint(d),
        };
        self.line.clear();
        write_result(&mut self.line, d, &placed);
        self.log.item(&mut self.out)?;
        self.out.write_all(&self.line)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        for file in &summary.files {
            let uri = path_uri(&file.path);
            self.artifacts.place(&uri, || uri.clone());
        }
        let tool = json!({ "driver": {
            "name": self.tool,
            "version": self.version,
            "semanticVersion": self.version,
            "informationUri": INFORMATION_URI,
            "rules": self.rules.items.iter().map(|r| rule(r)).collect::<Vec<_>>(),
        }});
        let artifacts: Vec<Value> = self
            .artifacts
            .items
            .iter()
            .map(|uri| json!({ "location": { "uri": uri } }))
            .collect();
        let invocations = [invocation(summary)];
        let members: [(&str, &dyn Member); 3] = [
            ("tool", &tool),
            ("invocations", &invocations),
            ("artifacts", &artifacts),
        ];
        self.log.close(&mut self.out, &members)?;
        self.out.flush()
    }
}

/// What a result holds besides the diagnostic's own words.
struct Placed<'a> {
    rule_index: usize,
    uri: &'a str,
    artifact_index: usize,
    /// Start and end column, in code points ([`columns`]).
    columns: (u64, u64),
    fingerprint: u64,
}

/// Appends one result as one line of JSON: `ruleId`, `ruleIndex`, `level`,
/// `message`, `locations`, `partialFingerprints`, then `properties` (claim
/// id, column name, code and suggestions, each when there is one).
fn write_result(out: &mut Vec<u8>, d: &Diagnostic, p: &Placed<'_>) {
    out.extend_from_slice(b"{\"ruleId\":");
    push_str(out, &d.rule.code);
    out.extend_from_slice(b",\"ruleIndex\":");
    push_u64(out, p.rule_index as u64);
    out.extend_from_slice(b",\"level\":\"");
    out.extend_from_slice(level(d.severity).as_bytes());
    out.extend_from_slice(b"\",\"message\":{\"text\":\"");
    push_escaped(out, &d.message);
    if let Some(help) = &d.help {
        out.extend_from_slice(b"\\nhelp: ");
        push_escaped(out, help);
    }
    out.extend_from_slice(
        b"\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":",
    );
    push_str(out, p.uri);
    out.extend_from_slice(b",\"index\":");
    push_u64(out, p.artifact_index as u64);
    out.extend_from_slice(b"},\"region\":{\"startLine\":");
    push_u64(out, d.location.line.max(1));
    out.extend_from_slice(b",\"startColumn\":");
    push_u64(out, p.columns.0);
    out.extend_from_slice(b",\"endColumn\":");
    push_u64(out, p.columns.1);
    out.extend_from_slice(b"}}}],\"partialFingerprints\":{\"");
    out.extend_from_slice(FINGERPRINT_KEY.as_bytes());
    out.extend_from_slice(b"\":\"");
    let _ = write!(out, "{:016x}", p.fingerprint);
    out.extend_from_slice(b"\"},\"properties\":{");
    let mut first = true;
    let mut member = |out: &mut Vec<u8>, name: &[u8]| {
        if !std::mem::take(&mut first) {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name);
        out.extend_from_slice(b"\":");
    };
    if let Some(claim) = &d.claim_id {
        member(out, b"claimId");
        push_str(out, claim);
    }
    if let Some(field) = &d.location.field {
        member(out, b"field");
        push_str(out, field);
    }
    if let Some(code) = &d.code {
        member(out, b"code");
        push_code(out, Some(code));
    }
    if !d.suggestions.is_empty() {
        member(out, b"suggestions");
        push_suggestions(out, &d.suggestions);
    }
    out.extend_from_slice(b"}}");
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
fn fingerprint(d: &Diagnostic) -> u64 {
    let code = d
        .code
        .as_ref()
        .map(|c| c.canonical.as_deref().unwrap_or(&c.raw))
        .unwrap_or("");
    let mut digits = Vec::new();
    let (anchor, place) = match d.claim_id.as_deref() {
        Some(claim) => ("claim", claim.as_bytes()),
        None => {
            push_u64(&mut digits, d.location.line);
            ("line", digits.as_slice())
        }
    };
    // The file's path with `/` for `\`, so a baseline made on Windows
    // matches elsewhere.
    let file = d
        .location
        .file
        .bytes()
        .map(|b| if b == b'\\' { b'/' } else { b });
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |b: u8| {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    file.chain([0]).for_each(&mut add);
    for part in [
        anchor.as_bytes(),
        place,
        d.rule.code.as_bytes(),
        code.as_bytes(),
    ] {
        part.iter().copied().chain([0]).for_each(&mut add);
    }
    hash
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
    use serde::Serialize;

    use super::*;
    use crate::engine::diagnostic::{CodeRef, Suggestion};
    use crate::report::sample_diagnostic;

    /// One result as serde_json writes it: what [`write_result`] must match.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SarifResult<'a> {
        rule_id: &'a str,
        rule_index: usize,
        level: &'static str,
        message: Message,
        locations: [ResultLocation<'a>; 1],
        partial_fingerprints: Fingerprints,
        properties: Properties<'a>,
    }

    #[derive(Serialize)]
    struct Message {
        text: String,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ResultLocation<'a> {
        physical_location: PhysicalLocation<'a>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PhysicalLocation<'a> {
        artifact_location: ArtifactLocation<'a>,
        region: Region,
    }

    #[derive(Serialize)]
    struct ArtifactLocation<'a> {
        uri: &'a str,
        index: usize,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Region {
        start_line: u64,
        start_column: u64,
        end_column: u64,
    }

    /// `{ FINGERPRINT_KEY: hash }`.
    struct Fingerprints {
        dxlint: String,
    }

    impl Serialize for Fingerprints {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry(FINGERPRINT_KEY, &self.dxlint)?;
            map.end()
        }
    }

    /// What a result carries beyond SARIF's own members.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Properties<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        claim_id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        field: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'a CodeRef>,
        #[serde(skip_serializing_if = "<[Suggestion]>::is_empty")]
        suggestions: &'a [Suggestion],
    }

    fn reference(d: &Diagnostic, p: &Placed<'_>) -> String {
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let result = SarifResult {
            rule_id: &d.rule.code,
            rule_index: p.rule_index,
            level: level(d.severity),
            message: Message { text },
            locations: [ResultLocation {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: p.uri,
                        index: p.artifact_index,
                    },
                    region: Region {
                        start_line: d.location.line.max(1),
                        start_column: p.columns.0,
                        end_column: p.columns.1,
                    },
                },
            }],
            partial_fingerprints: Fingerprints {
                dxlint: format!("{:016x}", p.fingerprint),
            },
            properties: Properties {
                claim_id: d.claim_id.as_deref(),
                field: d.location.field.as_deref(),
                code: d.code.as_ref(),
                suggestions: &d.suggestions,
            },
        };
        serde_json::to_string(&result).unwrap()
    }

    /// The fingerprint hashes the file (with `/` for `\\`), the claim id
    /// or else the line, the rule and the code, each ended by a zero byte.
    #[test]
    fn fingerprints_hash_file_place_rule_and_code() {
        let fnv = |parts: [&str; 5]| {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for b in parts.iter().flat_map(|p| p.bytes().chain([0])) {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
            hash
        };
        let mut d = sample_diagnostic("e119", true);
        assert_eq!(
            fingerprint(&d),
            fnv(["dir/e119.csv", "claim", "e119", "DX1e119", "E11.9"])
        );
        d.claim_id = None;
        d.location.line = 42;
        assert_eq!(
            fingerprint(&d),
            fnv(["dir/e119.csv", "line", "42", "DX1e119", "E11.9"])
        );
    }

    /// Results are written byte for byte as serde_json writes them, with
    /// and without the optional members, for text that needs escaping.
    #[test]
    fn results_are_what_serde_json_writes() {
        let texts = ["", "E11.9", "a\"b\\c\n\u{1}\t", "é 中 🙂 \u{7f}", "x,y:z/"];
        let mut compared = 0;
        for text in texts {
            for with_options in [false, true] {
                let d = sample_diagnostic(text, with_options);
                let uri = path_uri(&d.location.file);
                let placed = Placed {
                    rule_index: 12,
                    uri: &uri,
                    artifact_index: 3,
                    columns: columns(&d),
                    fingerprint: fingerprint(&d),
                };
                let mut line = Vec::new();
                write_result(&mut line, &d, &placed);
                assert_eq!(String::from_utf8(line).unwrap(), reference(&d, &placed));
                compared += 1;
            }
        }
        assert_eq!(compared, 10);
    }

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
