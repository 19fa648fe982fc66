//! `dxlint baseline` and `check --baseline`: record today's findings, fail
//! only on new ones, whatever the order of the rows.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{root, run_in as run, scratch};

fn example() -> String {
    std::fs::read_to_string(root().join("fixtures/example/claims.csv")).unwrap()
}

/// Writes the baseline of `files` (relative to `dir`) to `dir/baseline.json`.
fn record(dir: &Path, files: &[&str]) -> Value {
    let mut args = vec!["baseline", "--isolated", "-o", "baseline.json"];
    args.extend_from_slice(files);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn check_json(dir: &Path, files: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        "--isolated",
        "--format",
        "json",
        "--baseline",
        "baseline.json",
    ];
    args.extend_from_slice(files);
    let r = run(dir, &args);
    let doc = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, doc)
}

#[test]
fn baseline_records_findings_by_claim_rule_and_code() {
    let dir = scratch();
    std::fs::write(dir.path().join("claims.csv"), example()).unwrap();
    let b = record(dir.path(), &["claims.csv"]);
    assert_eq!(b["dxlint_baseline"], 1);
    assert_eq!(b["total"], 13);
    let findings = b["findings"].as_array().unwrap();
    assert_eq!(
        findings
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .sum::<u64>(),
        13
    );
    let z53 = findings
        .iter()
        .find(|f| f["rule"] == "DX103")
        .expect("the header code");
    assert_eq!(z53["claim_id"], "C1002");
    assert_eq!(z53["code"], "Z53.2");
    assert_eq!(z53["rule_name"], "non-billable-code");
    assert_eq!(z53["count"], 1);
    // No line numbers, no other cells.
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(!text.contains("\"line\""));
    assert!(!text.contains("M002"), "member ids are not recorded");
    // Written to stdout without -o, and the same.
    let r = run(dir.path(), &["baseline", "--isolated", "claims.csv"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, text);
}

#[test]
fn baselined_findings_are_not_reported_even_after_rows_move() {
    let dir = scratch();
    let text = example();
    std::fs::write(dir.path().join("claims.csv"), &text).unwrap();
    record(dir.path(), &["claims.csv"]);

    // Same file: nothing reported, exit 0, the summary says why.
    let (code, doc) = check_json(dir.path(), &["claims.csv"]);
    assert_eq!(code, 0);
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["diagnostics"], 0);
    assert!(
        doc["summary"]["by_severity"]
            .as_object()
            .unwrap()
            .is_empty()
    );
    let notices = doc["summary"]["notices"].as_array().unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n == "13 findings in the baseline baseline.json were not reported"),
        "{notices:?}"
    );

    // Rows reversed and the file renamed: still nothing new.
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reordered = format!("{header}\n{}\n", lines.join("\n"));
    std::fs::write(dir.path().join("reordered.csv"), reordered).unwrap();
    let (code, doc) = check_json(dir.path(), &["reordered.csv"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0);

    // A new finding is reported, and fails the run.
    let added = format!("{text}C2001,M201,outpatient,2025-11-04,1990-07-01,M,Z53.2,,,,\n");
    std::fs::write(dir.path().join("added.csv"), added).unwrap();
    let (code, doc) = check_json(dir.path(), &["added.csv"]);
    assert_eq!(code, 1);
    let ds = doc["diagnostics"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0]["claim_id"], "C2001");
    assert_eq!(ds[0]["rule"], "DX103");
    assert_eq!(doc["summary"]["by_rule"]["non-billable-code"], 1);
    assert_eq!(doc["summary"]["by_severity"]["error"], 1);
}

#[test]
fn counts_keep_identical_findings_apart() {
    let dir = scratch();
    let head = "claim_id,service_date,dx1,dx2,dx3\n";
    std::fs::write(
        dir.path().join("claims.csv"),
        format!("{head}A,2025-11-04,E11.9,Z53.2,I10\n"),
    )
    .unwrap();
    record(dir.path(), &["claims.csv"]);
    // The same header code twice on claim A: one was there before.
    std::fs::write(
        dir.path().join("claims.csv"),
        format!("{head}A,2025-11-04,z532,Z53.2,I10\n"),
    )
    .unwrap();
    let (code, doc) = check_json(dir.path(), &["claims.csv"]);
    assert_eq!(code, 1);
    let mut rules: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(rules, ["DX012", "DX103"], "{doc:#}");
}

#[test]
fn short_summary_counts_the_baselined_findings() {
    let dir = scratch();
    std::fs::write(dir.path().join("claims.csv"), example()).unwrap();
    record(dir.path(), &["claims.csv"]);
    let r = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--format",
            "short",
            "--baseline",
            "baseline.json",
            "claims.csv",
        ],
    );
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("dxlint: 0 errors, 0 warnings"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("note: 13 findings in the baseline baseline.json were not reported"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_baseline_is_a_usage_failure() {
    let dir = scratch();
    std::fs::write(dir.path().join("claims.csv"), example()).unwrap();
    std::fs::write(dir.path().join("baseline.json"), "{\"findings\": 3}").unwrap();
    let r = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--baseline",
            "baseline.json",
            "claims.csv",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("baseline baseline.json: not a dxlint baseline"),
        "{}",
        r.stderr
    );
    let r = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--baseline",
            "missing.json",
            "claims.csv",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read baseline missing.json"),
        "{}",
        r.stderr
    );
}
