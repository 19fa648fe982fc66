//! The whole rule set on the real-format third-party exports in
//! `../shared/realworld` (Tuva seeds with their eligibility file, the CMS
//! CCW RIF samples with every beneficiary file), with CMS's POA-exempt list
//! from `../shared/poa`. Both are read in place, never copied into the
//! repository; the test is skipped, with a message, when they are absent.
//!
//! The snapshot holds the count of findings per rule for each file, and the
//! summary notes. The findings of the guideline rules were checked by hand
//! against the code set and the guidelines (see the issue 3 notes).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let needed = [
        "realworld/tuva/medical_claim_seed.csv",
        "realworld/ccw-rif/inpatient.csv",
        "poa/POAexemptCodesFY25.txt.gz",
    ];
    if needed.iter().all(|p| dir.join(p).is_file()) {
        Some(dir)
    } else {
        println!("skipped: ../shared/realworld or ../shared/poa not present");
        None
    }
}

/// Runs every rule (off-by-default ones included) and returns the counts
/// per rule and the summary notes, as snapshot lines.
fn run(dir: &Path, file: &str, members: &[String]) -> String {
    let mut cmd = Command::cargo_bin("dxlint").unwrap();
    cmd.current_dir(dir)
        .args(["check", "--isolated", "--format", "json", "--select", "ALL"])
        .args(["--poa-exempt", "poa/POAexemptCodesFY25.txt.gz"]);
    for m in members {
        cmd.args(["--members", m]);
    }
    let out = cmd.arg(file).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &report["summary"];
    let mut lines = vec![format!("== {file} ({} claims)", summary["claims"])];
    for (rule, count) in summary["by_rule"].as_object().unwrap() {
        lines.push(format!("{rule}: {count}"));
    }
    for note in summary["notices"].as_array().unwrap() {
        lines.push(format!("note: {}", note.as_str().unwrap()));
    }
    lines.join("\n")
}

#[test]
fn rule_counts_on_the_realworld_exports() {
    let Some(dir) = shared() else { return };
    let beneficiaries: Vec<String> = (2015..=2021)
        .map(|y| format!("realworld/ccw-rif/beneficiary_{y}.csv"))
        .collect();
    let runs = [
        run(
            &dir,
            "realworld/tuva/medical_claim_seed.csv",
            &["realworld/tuva/eligibility_seed.csv".to_string()],
        ),
        run(&dir, "realworld/ccw-rif/inpatient.csv", &beneficiaries),
        run(&dir, "realworld/ccw-rif/outpatient.csv", &beneficiaries),
        run(&dir, "realworld/ccw-rif/carrier.csv", &beneficiaries),
    ];
    insta::assert_snapshot!("realworld-rule-counts", runs.join("\n\n"));
}
