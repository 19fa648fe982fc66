//! Report formats, driven with hand-built diagnostics.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dxlint::engine::diagnostic::{
    CodeRef, Diagnostic, Location, RuleMeta, RuleOrigin, RuleRef, Severity, Suggestion,
};
use dxlint::report::{FileSummary, Format, ReportOptions, RunInfo, Summary, reporter};
use insta::assert_snapshot;
use serde_json::Value;

// ---------------------------------------------------------------- fixtures

fn rule(code: &str, name: &str, group: &str, severity: Severity, summary: &str) -> RuleRef {
    Arc::new(RuleMeta {
        code: code.into(),
        name: name.into(),
        group: group.into(),
        default_severity: severity,
        enabled_by_default: true,
        summary: summary.into(),
        explanation: format!(
            "## What it does\n\n{summary}.\nIt reads every diagnosis cell.\n\n## Why\n\nPayers reject such claims."
        ),
        source: "ICD-10-CM Official Guidelines".into(),
        origin: RuleOrigin::Native,
    })
}

fn rules() -> Vec<RuleRef> {
    vec![
        rule(
            "DX101",
            "unknown-code",
            "validity",
            Severity::Error,
            "Codes that are not in the code set",
        ),
        rule(
            "DX103",
            "non-billable-code",
            "validity",
            Severity::Error,
            "Header codes used as diagnoses",
        ),
        rule(
            "DX001",
            "malformed-row",
            "data",
            Severity::Error,
            "Rows that cannot be read as a record",
        ),
        rule(
            "DX210",
            "unspecified-code",
            "specificity",
            Severity::Info,
            "Unspecified codes",
        ),
    ]
}

fn find(code: &str) -> RuleRef {
    rules().into_iter().find(|r| r.code == code).unwrap()
}

fn suggestion(code: &str, title: &str) -> Suggestion {
    Suggestion {
        replacement: code.into(),
        title: Some(title.into()),
    }
}

/// `C1042,2024-03-02,I10,,Z53.2,E11.9`: Z53.2 starts at byte column 23.
const LINE_14: &str = "C1042,2024-03-02,I10,,Z53.2,E11.9";

fn non_billable() -> Diagnostic {
    Diagnostic {
        rule: find("DX103"),
        severity: Severity::Error,
        message: "Z53.2 is a header code, not billable".into(),
        help: Some("use one of its billable codes".into()),
        location: Location {
            file: "claims.csv".into(),
            line: 14,
            column: 23,
            len: 5,
            field: Some("dx3".into()),
        },
        claim_id: Some("C1042".into()),
        code: Some(CodeRef {
            raw: "Z53.2".into(),
            canonical: Some("Z53.2".into()),
        }),
        suggestions: vec![
            suggestion(
                "Z53.20",
                "Procedure and treatment not carried out because of patient's decision for unspecified reasons",
            ),
            suggestion(
                "Z53.21",
                "Procedure and treatment not carried out due to patient leaving prior to being seen by health care provider",
            ),
            suggestion(
                "Z53.29",
                "Procedure and treatment not carried out because of patient's decision for other reasons",
            ),
        ],
        source_line: Some(format!("{LINE_14}\r\n").into()),
    }
}

fn unknown() -> Diagnostic {
    Diagnostic {
        rule: find("DX101"),
        severity: Severity::Error,
        message: "I1O is not an ICD-10-CM code".into(),
        help: Some("did you mean I10? (letter O typed for zero)".into()),
        location: Location {
            file: "claims.csv".into(),
            line: 15,
            column: 18,
            len: 3,
            field: Some("dx1".into()),
        },
        claim_id: Some("C1043".into()),
        code: Some(CodeRef {
            raw: "i1o".into(),
            canonical: Some("I1O".into()),
        }),
        suggestions: vec![suggestion("I10", "Essential (primary) hypertension")],
        source_line: Some("C1043,2024-03-04,i1o,,,".into()),
    }
}

fn malformed() -> Diagnostic {
    Diagnostic {
        rule: find("DX001"),
        severity: Severity::Error,
        message: "row has 3 cells, the header has 6".into(),
        help: None,
        location: Location {
            file: "claims.csv".into(),
            line: 16,
            column: 1,
            len: 0,
            field: None,
        },
        claim_id: None,
        code: None,
        suggestions: vec![],
        source_line: Some("C1044,2024-03-05,I10".into()),
    }
}

fn info() -> Diagnostic {
    Diagnostic {
        rule: find("DX210"),
        severity: Severity::Info,
        message: "R10.9 is an unspecified code".into(),
        help: Some("a more specific code may be documented".into()),
        location: Location {
            file: "more/claims2.csv".into(),
            line: 3,
            column: 18,
            len: 5,
            field: Some("dx1".into()),
        },
        claim_id: Some("B-7".into()),
        code: Some(CodeRef {
            raw: "R10.9".into(),
            canonical: Some("R10.9".into()),
        }),
        suggestions: vec![],
        source_line: None,
    }
}

fn all() -> Vec<Diagnostic> {
    vec![non_billable(), unknown(), malformed(), info()]
}

fn run_info() -> RunInfo {
    RunInfo {
        tool: "dxlint",
        version: "0.1.0",
        rules: rules(),
    }
}

fn summary() -> Summary {
    let files = vec![
        FileSummary {
            path: "claims.csv".into(),
            rows_read: 1_204,
            rows_checked: 1_190,
            rows_rejected: 14,
            rows_repeated: 2,
            claims: 1_100,
            claims_icd9: 3,
            error: None,
        },
        FileSummary {
            path: "more/claims2.csv".into(),
            error: Some("permission denied".into()),
            ..FileSummary::default()
        },
    ];
    Summary {
        files,
        claims: 1_100,
        rows_read: 1_204,
        rows_checked: 1_190,
        rows_rejected: 14,
        claims_icd9: 3,
        diagnostics: 16,
        by_severity: BTreeMap::from([
            (Severity::Error, 12),
            (Severity::Warning, 3),
            (Severity::Info, 1),
        ]),
        by_rule: BTreeMap::from([
            ("unknown-code".to_string(), 5),
            ("non-billable-code".to_string(), 7),
            ("malformed-row".to_string(), 1),
            ("age-conflict".to_string(), 3),
        ]),
        code_sets_used: vec!["FY2026 (tabular XML, embedded)".into()],
        notices: vec!["2 claims have no service date; checked against FY2026".into()],
        elapsed: Duration::from_millis(42),
    }
}

// ----------------------------------------------------------------- harness

/// A writer the test can read back after the reporter is done.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn options() -> ReportOptions {
    ReportOptions {
        width: Some(100),
        ..ReportOptions::default()
    }
}

fn render_with(format: Format, options: &ReportOptions, diagnostics: &[Diagnostic]) -> String {
    let out = Shared::default();
    let mut r = reporter(format, Box::new(out.clone()), options);
    r.begin(&run_info()).unwrap();
    for d in diagnostics {
        r.diagnostic(d).unwrap();
    }
    r.finish(&summary()).unwrap();
    drop(r);
    String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
}

fn render(format: Format) -> String {
    render_with(format, &options(), &all())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

// ------------------------------------------------------------------- human

#[test]
fn human_snapshot() {
    assert_snapshot!(render(Format::Human));
}

#[test]
fn human_points_at_the_true_line() {
    let text = render_with(Format::Human, &options(), &[non_billable()]);
    assert!(text.contains("[claims.csv:14:23]"), "{text}");
    assert!(
        text.contains(" 14 │ C1042,2024-03-02,I10,,Z53.2,E11.9"),
        "{text}"
    );
    assert!(!text.contains("claims.csv:1:"), "{text}");
    assert!(
        text.starts_with("error[DX103 non-billable-code]: Z53.2 is a header code, not billable\n")
    );
    assert!(text.contains("note: claim C1042, field dx3"), "{text}");
    assert!(
        text.contains("Z53.20 Procedure and treatment not carried out because"),
        "{text}"
    );
}

#[test]
fn human_without_source_line_is_compact() {
    let text = render_with(Format::Human, &options(), &[info()]);
    assert!(text.starts_with(
        "info[DX210 unspecified-code]: R10.9 is an unspecified code\n  --> more/claims2.csv:3:18\n"
    ));
    assert!(!text.contains('╭'));
}

#[test]
fn human_colour_is_optional() {
    let plain = render(Format::Human);
    assert!(!plain.contains('\x1b'));
    let coloured = render_with(
        Format::Human,
        &ReportOptions {
            color: true,
            ..options()
        },
        &all(),
    );
    assert!(coloured.contains("\x1b[1;31merror[DX103 non-billable-code]"));
}

#[test]
fn human_summary_can_be_left_out() {
    let opts = ReportOptions {
        show_summary: false,
        ..options()
    };
    let text = render_with(Format::Human, &opts, &all());
    assert!(!text.contains("Summary"));
    assert!(!text.contains("Found "));
}

#[test]
fn redact_keeps_only_the_offending_cell() {
    let mut d = non_billable();
    d.source_line = Some(r#"C1042,"Doe, Jane",1961-07-04,,Z53.2,E11.9"#.into());
    d.location.column = 31;
    let opts = ReportOptions {
        redact: true,
        ..options()
    };
    let text = render_with(Format::Human, &opts, &[d]);
    assert!(text.contains(" 14 │ ***,***,***,,Z53.2,***"), "{text}");
    assert!(text.contains("[claims.csv:14:31]"), "{text}");
    for secret in ["Doe", "Jane", "1961", "E11.9"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    assert!(!text.contains("│ C1042"), "{text}");
    // The label still sits under Z53.2 in the masked line.
    let shown = text.lines().find(|l| l.contains("Z53.2,***")).unwrap();
    let under = text.lines().find(|l| l.contains("──┬──")).unwrap();
    let cell = shown.chars().position(|c| c == 'Z').unwrap();
    let mark = under.chars().position(|c| c == '─').unwrap();
    assert_eq!(cell, mark, "{text}");
}

// ------------------------------------------------------------ line formats

#[test]
fn short_snapshot() {
    assert_snapshot!(render(Format::Short));
}

#[test]
fn short_summary_can_be_left_out() {
    let opts = ReportOptions {
        show_summary: false,
        ..options()
    };
    let text = render_with(Format::Short, &opts, &all());
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.lines()
            .all(|l| l.starts_with("claims.csv:") || l.starts_with("more/"))
    );
}

#[test]
fn github_snapshot() {
    assert_snapshot!(render(Format::Github));
}

#[test]
fn github_escapes_properties_and_data() {
    let mut d = non_billable();
    d.location.file = "dir,x/a:b.csv".into();
    d.message = "50% bad\nsecond line".into();
    let opts = ReportOptions {
        show_summary: false,
        ..options()
    };
    let text = render_with(Format::Github, &opts, &[d]);
    assert!(text.starts_with("::error file=dir%2Cx/a%3Ab.csv,line=14,col=23,endColumn=28,title=DX103 non-billable-code::50%25 bad%0Asecond line%0Ahelp: "), "{text}");
    assert_eq!(text.lines().count(), 1);
}

// ------------------------------------------------------------ JSON formats

fn assert_non_billable_record(v: &Value) {
    assert_eq!(v["rule"], "DX103");
    assert_eq!(v["rule_name"], "non-billable-code");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["message"], "Z53.2 is a header code, not billable");
    assert_eq!(v["help"], "use one of its billable codes");
    assert_eq!(v["file"], "claims.csv");
    assert_eq!(v["line"], 14);
    assert_eq!(v["column"], 23);
    assert_eq!(v["end_column"], 28);
    assert_eq!(v["field"], "dx3");
    assert_eq!(v["claim_id"], "C1042");
    assert_eq!(v["code"]["raw"], "Z53.2");
    assert_eq!(v["code"]["canonical"], "Z53.2");
    let suggestions = v["suggestions"].as_array().unwrap();
    assert_eq!(suggestions.len(), 3);
    assert_eq!(suggestions[0]["replacement"], "Z53.20");
    assert!(
        suggestions[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Procedure and treatment")
    );
    assert_eq!(suggestions[2]["replacement"], "Z53.29");
    assert!(v.get("source_line").is_none());
}

#[test]
fn json_document() {
    let doc = json(&render(Format::Json));
    assert_eq!(doc["tool"]["name"], "dxlint");
    assert_eq!(doc["tool"]["version"], "0.1.0");
    assert_eq!(doc["code_sets"][0], "FY2026 (tabular XML, embedded)");
    assert_eq!(doc["summary"]["rows_read"], 1204);
    assert_eq!(doc["summary"]["claims"], 1100);
    assert_eq!(doc["summary"]["by_severity"]["error"], 12);
    assert_eq!(doc["summary"]["files"][1]["error"], "permission denied");
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 4);
    assert_non_billable_record(&diags[0]);

    let typo = &diags[1];
    assert_eq!(typo["rule"], "DX101");
    assert_eq!(typo["code"]["raw"], "i1o");
    assert_eq!(typo["code"]["canonical"], "I1O");
    assert_eq!(typo["suggestions"][0]["replacement"], "I10");
    assert_eq!(
        typo["suggestions"][0]["title"],
        "Essential (primary) hypertension"
    );

    let row = &diags[2];
    assert_eq!(row["rule_name"], "malformed-row");
    assert_eq!(row["column"], 1);
    assert_eq!(row["end_column"], 1);
    assert!(row["field"].is_null());
    assert!(row["claim_id"].is_null());
    assert!(row["code"].is_null());
    assert!(row["help"].is_null());

    assert_eq!(diags[3]["severity"], "info");
    assert_eq!(diags[3]["file"], "more/claims2.csv");
}

#[test]
fn json_with_no_diagnostics_is_still_a_document() {
    let doc = json(&render_with(Format::Json, &options(), &[]));
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0);
}

/// The document's diagnostics are written as they arrive, one to a line,
/// each the object a `jsonl` line holds; the summary follows them.
#[test]
fn json_writes_each_diagnostic_as_its_jsonl_line() {
    let text = render(Format::Json);
    let in_document: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("    {\"rule\""))
        .map(|l| l.trim_start().trim_end_matches(','))
        .collect();
    let jsonl = render(Format::Jsonl);
    assert_eq!(in_document, jsonl.lines().collect::<Vec<_>>());
    let diagnostics_at = text.find("\"diagnostics\"").unwrap();
    let summary_at = text.find("\"summary\"").unwrap();
    assert!(diagnostics_at < summary_at);
}

#[test]
fn jsonl_streams_one_object_per_line() {
    let text = render(Format::Jsonl);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "no summary line in the stream");
    let records: Vec<Value> = lines.iter().map(|l| json(l)).collect();
    assert_non_billable_record(&records[0]);
    assert_eq!(records[1]["rule"], "DX101");
    assert_eq!(records[2]["rule"], "DX001");
    assert_eq!(records[3]["severity"], "info");
}

// ------------------------------------------------------------------- SARIF

/// A SARIF run's artifact URIs, in index order.
fn artifact_uris(run: &Value) -> Vec<&str> {
    run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect()
}

/// The required properties of the SARIF 2.1.0 schema for the objects this
/// tool writes, checked by hand.
#[test]
fn sarif_has_the_required_structure() {
    let log = json(&render(Format::Sarif));
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dxlint");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(driver["informationUri"], "https://github.com/dxlint/dxlint");

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "rule ids unique"
    );
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["fullDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string());
        assert!(r["help"]["markdown"].is_string());
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
        assert!(r["properties"]["tags"][0].is_string());
    }
    let dx103 = rules.iter().find(|r| r["id"] == "DX103").unwrap();
    assert_eq!(dx103["name"], "non-billable-code");
    assert_eq!(
        dx103["shortDescription"]["text"],
        "Header codes used as diagnoses"
    );
    assert_eq!(
        dx103["fullDescription"]["text"],
        "Header codes used as diagnoses. It reads every diagnosis cell."
    );
    assert_eq!(dx103["properties"]["tags"][0], "validity");
    let dx210 = rules.iter().find(|r| r["id"] == "DX210").unwrap();
    assert_eq!(dx210["defaultConfiguration"]["level"], "note");

    let artifacts = artifact_uris(run);
    assert_eq!(artifacts, ["claims.csv", "more/claims2.csv"]);

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex matches ruleId");
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let phys = &res["locations"][0]["physicalLocation"];
        assert!(phys["artifactLocation"]["uri"].is_string());
        let region = &phys["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        let start = region["startColumn"].as_u64().unwrap();
        assert!(start >= 1);
        assert!(region["endColumn"].as_u64().unwrap() > start);
        let art = phys["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(artifacts[art], phys["artifactLocation"]["uri"]);
        assert!(res["partialFingerprints"]["dxlint/v1"].is_string());
    }
    let first = &results[0];
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["message"]["text"],
        "Z53.2 is a header code, not billable\nhelp: use one of its billable codes"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 14);
    assert_eq!(region["startColumn"], 23);
    assert_eq!(region["endColumn"], 28);
    assert_eq!(first["properties"]["claimId"], "C1042");
    assert_eq!(first["properties"]["field"], "dx3");
    assert_eq!(first["properties"]["code"]["canonical"], "Z53.2");
    assert_eq!(
        first["properties"]["suggestions"][1]["replacement"],
        "Z53.21"
    );
    assert_eq!(results[3]["level"], "note");
    let row = &results[2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(row["endColumn"], 2, "empty spans widen to one column");

    let invocation = &run["invocations"][0];
    assert_eq!(
        invocation["executionSuccessful"], false,
        "a file could not be read"
    );
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().all(|n| n["message"]["text"].is_string()));
}

/// Results are written as they arrive, one to a line, before the run's
/// other members; artifacts are numbered as results first name them, and
/// the run's files no result named follow.
#[test]
fn sarif_streams_results_and_numbers_artifacts_as_they_come() {
    let text = render_with(Format::Sarif, &options(), &[info(), non_billable(), info()]);
    let lines: Vec<&str> = text.lines().collect();
    let results: Vec<&&str> = lines.iter().filter(|l| l.contains("\"ruleId\"")).collect();
    assert_eq!(results.len(), 3, "one result a line");
    let results_at = lines
        .iter()
        .position(|l| l.contains("\"results\""))
        .unwrap();
    let tool_at = lines.iter().position(|l| l.contains("\"tool\"")).unwrap();
    assert!(results_at < tool_at);

    let log = json(&text);
    let run = &log["runs"][0];
    let artifacts = artifact_uris(run);
    assert_eq!(artifacts, ["more/claims2.csv", "claims.csv"]);
    let index = |i: usize| {
        run["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]["index"].clone()
    };
    assert_eq!(
        (index(0), index(1), index(2)),
        (0.into(), 1.into(), 0.into())
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }

    // No findings: an empty results array, and the run's files.
    let empty = json(&render_with(Format::Sarif, &options(), &[]));
    let run = &empty["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["artifacts"][1]["location"]["uri"], "more/claims2.csv");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn sarif_fingerprints_ignore_row_order() {
    let mut moved = non_billable();
    moved.location.line = 900;
    let a = json(&render_with(Format::Sarif, &options(), &[non_billable()]));
    let b = json(&render_with(Format::Sarif, &options(), &[unknown(), moved]));
    let fp = |log: &Value, i: usize| log["runs"][0]["results"][i]["partialFingerprints"].clone();
    assert_eq!(fp(&a, 0), fp(&b, 1));
    assert_ne!(fp(&b, 0), fp(&b, 1));
}

#[test]
fn sarif_columns_count_code_points() {
    let mut d = non_billable();
    d.source_line = Some("Ç1042,2024-03-02,I10,,Z53.2".into());
    d.location.column = 24;
    let log = json(&render_with(Format::Sarif, &options(), &[d]));
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 23);
    assert_eq!(region["endColumn"], 28);
}

#[test]
fn sarif_lists_rules_that_were_not_announced() {
    let out = Shared::default();
    let mut r = reporter(Format::Sarif, Box::new(out.clone()), &options());
    r.begin(&RunInfo {
        tool: "dxlint",
        version: "0.1.0",
        rules: vec![],
    })
    .unwrap();
    r.diagnostic(&malformed()).unwrap();
    r.finish(&Summary::default()).unwrap();
    drop(r);
    let log = json(&String::from_utf8(out.0.lock().unwrap().clone()).unwrap());
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "DX001");
    assert_eq!(run["results"][0]["ruleIndex"], 0);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

// --------------------------------------------------------------------- PHI

#[test]
fn machine_formats_never_carry_row_data() {
    let mut d = non_billable();
    d.source_line = Some(r#"C1042,"Doe, Jane",1961-07-04,,Z53.2,E11.9"#.into());
    d.location.column = 31;
    for format in [
        Format::Short,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Github,
    ] {
        let text = render_with(format, &options(), &[d.clone()]);
        for secret in ["Doe", "Jane", "1961-07-04", "E11.9"] {
            assert!(!text.contains(secret), "{format}: {secret} leaked:\n{text}");
        }
        assert!(text.contains("Z53.2"), "{format} carries the code");
        if format != Format::Short {
            assert!(text.contains("C1042"), "{format} carries the claim id");
        }
    }
}

// ------------------------------------------------------------------- pipes

/// A pipe whose reader has gone away.
struct ClosedPipe;

impl Write for ClosedPipe {
    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

#[test]
fn closed_pipe_is_an_error_not_a_panic() {
    for format in [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Github,
    ] {
        let mut r = reporter(format, Box::new(ClosedPipe), &options());
        let mut outcome = r.begin(&run_info());
        // Enough output to overflow any buffer before `finish`.
        for _ in 0..200 {
            if outcome.is_err() {
                break;
            }
            outcome = r.diagnostic(&non_billable());
        }
        if outcome.is_ok() {
            outcome = r.finish(&summary());
        }
        let err = outcome.expect_err(format.as_str());
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{format}");
        drop(r);
    }
}

#[test]
fn human_neutralises_control_characters_in_cells() {
    let mut d = non_billable();
    d.source_line = Some("C1042,\x1b[31mX\x1b[0m,I10,,Z53.2".into());
    d.location.column = 24;
    let text = render_with(Format::Human, &options(), &[d]);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("[claims.csv:14:24]"), "{text}");
    assert!(text.contains("│ C1042,?[31mX?[0m,I10,,Z53.2"), "{text}");
}

#[test]
fn formats_parse_by_name() {
    use clap::ValueEnum;
    for format in Format::value_variants() {
        assert_eq!(Format::from_str(format.as_str(), false), Ok(*format));
    }
    assert!(Format::Sarif.is_machine_readable());
    assert!(!Format::Human.is_machine_readable());
}

#[test]
fn human_underlines_the_cell_after_wide_characters() {
    let mut d = non_billable();
    d.source_line = Some("Çé1042,2024-03-02\tI10,,Z53.2".into());
    d.location.column = 26;
    let text = render_with(Format::Human, &options(), &[d]);
    assert!(text.contains("[claims.csv:14:26]"), "{text}");
    let shown = text.lines().find(|l| l.contains("│ Çé1042")).unwrap();
    let under = text.lines().find(|l| l.contains("──┬──")).unwrap();
    let cell = shown.chars().position(|c| c == 'Z').unwrap();
    let mark = under.chars().position(|c| c == '─').unwrap();
    assert_eq!(cell, mark, "{text}");
}
