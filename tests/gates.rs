//! Rules that fire only on codes of some kind are passed over on claims
//! without such a code (`src/engine/gate.rs`). Passing over must never lose
//! a finding: every rule fixture, the bundled example and a payer pack
//! give the same output with the gates off (`DXLINT_RULE_GATES=off`).

use std::path::Path;

use assert_cmd::Command;

mod common;

/// `dxlint check` on `files` with every rule, gates on or off: the findings
/// as JSON lines, and the summary with its notes (rules count what they
/// could not check), its run time blanked.
fn run(files: &[String], extra: &[&str], gates: bool) -> (String, String) {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DXLINT_RULE_GATES", if gates { "on" } else { "off" })
        .args(["check", "--isolated", "--format", "jsonl"])
        .args(["--select", "ALL"])
        .args(extra)
        .args(files)
        .output()
        .unwrap();
    let seconds = regex::Regex::new(r"[0-9]+\.[0-9]+s\b").unwrap();
    let summary = String::from_utf8(out.stderr).unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        seconds.replace_all(&summary, "Ns").into_owned(),
    )
}

fn findings(files: &[String], extra: &[&str], gates: bool) -> String {
    run(files, extra, gates).0
}

fn rule_fixtures() -> Vec<String> {
    let mut files: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .map(|p| p.display().to_string())
            .collect();
    files.sort();
    files.push("fixtures/example/claims.csv".to_string());
    files
}

/// The rule names of a JSON-lines report, in order.
fn rules_of(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["rule_name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn gated_rules_find_what_ungated_rules_find() {
    let files = rule_fixtures();
    let (gated, gated_summary) = run(&files, &[], true);
    let (ungated, ungated_summary) = run(&files, &[], false);
    // The age rule counts claims it could not check for want of an age,
    // but only claims with an age-limited code: the same with or without
    // the gate.
    assert!(
        gated_summary.contains("age-conflict: 17 claims with age-limited codes had no age"),
        "{gated_summary}"
    );
    assert_eq!(gated_summary, ungated_summary);
    let names = rules_of(&gated);
    // Every gated rule fires somewhere in the fixtures, so the comparison
    // covers each of them.
    for rule in [
        "unknown-code",
        "non-billable-code",
        "missing-seventh-character",
        "code-not-valid-on-service-date",
        "code-first-order",
        "missing-underlying-code",
        "excludes1-conflict",
        "age-conflict",
        "sex-conflict",
        "first-listed-only-code",
        "secondary-only-code",
        "external-cause-repeated",
        "unacceptable-principal-diagnosis",
    ] {
        assert!(
            names.iter().any(|n| n == rule),
            "no {rule} finding in the fixtures"
        );
    }
    assert_eq!(gated.lines().count(), ungated.lines().count());
    assert!(gated == ungated, "findings differ with the rule gates off");
}

#[test]
fn user_pack_rules_are_gated_by_their_own_entries() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("acme.toml");
    // The payer pack, listing codes by a word of their titles instead.
    let text = common::PAYER_PACK
        .replace(
            "codes = [\"M54.50\"]",
            "title_contains = [\"hypertension\"]",
        )
        .replace(
            "acme-unspecified-low-back-pain",
            "acme-hypertension-with-title",
        );
    assert!(text.contains("title_contains"));
    std::fs::write(&pack, text).unwrap();
    let files = ["fixtures/example/claims.csv".to_string()];
    let pack = pack.display().to_string();
    let gated = findings(&files, &["--rules", &pack], true);
    let ungated = findings(&files, &["--rules", &pack], false);
    assert!(
        rules_of(&gated)
            .iter()
            .any(|n| n == "acme-hypertension-with-title"),
        "{gated}"
    );
    assert!(gated == ungated, "findings differ with the rule gates off");
}
