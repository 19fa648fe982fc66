//! End-to-end tests of the `dxlint` binary: every output format, exit codes,
//! configuration, rule packs, run-time code sets and the other subcommands.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{Run, root, run};

fn dxlint() -> Command {
    let mut cmd = Command::cargo_bin("dxlint").unwrap();
    cmd.current_dir(root());
    cmd
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["check", "--isolated", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr))
}

fn diagnostics(doc: &Value) -> &Vec<Value> {
    doc["diagnostics"].as_array().unwrap()
}

fn suggestions(d: &Value) -> Vec<&str> {
    d["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["replacement"].as_str().unwrap())
        .collect()
}

#[test]
fn json_diagnostic_carries_every_field() {
    let doc = json(&["fixtures/rules/non-billable-code.csv"]);
    let d = &diagnostics(&doc)[0];
    assert_eq!(d["rule"], "DX103");
    assert_eq!(d["rule_name"], "non-billable-code");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "fixtures/rules/non-billable-code.csv");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 26);
    assert_eq!(d["end_column"], 31);
    assert_eq!(d["field"], "dx1");
    assert_eq!(d["claim_id"], "N1");
    assert_eq!(d["code"]["raw"], "Z53.2");
    assert_eq!(d["code"]["canonical"], "Z53.2");
    assert_eq!(suggestions(d), ["Z53.20", "Z53.21", "Z53.29"]);
    assert_eq!(
        d["suggestions"][0]["title"],
        "Procedure and treatment not carried out because of patient's decision for unspecified reasons"
    );
    assert_eq!(doc["summary"]["rows_read"], 5);
    assert_eq!(doc["summary"]["by_rule"]["non-billable-code"], 3);
}

#[test]
fn unknown_codes_suggest_the_slip() {
    let doc = json(&["fixtures/rules/unknown-code.csv"]);
    let ds = diagnostics(&doc);
    let by_claim = |id: &str| ds.iter().find(|d| d["claim_id"] == id).unwrap();
    assert_eq!(suggestions(by_claim("U1"))[0], "I10", "letter O for zero");
    assert_eq!(suggestions(by_claim("U2"))[0], "E10.9");
    assert_eq!(suggestions(by_claim("U3"))[0], "J45.909");
    assert_eq!(
        suggestions(by_claim("U4"))[0],
        "S00.00XA",
        "missing placeholder X"
    );
    assert_eq!(
        suggestions(by_claim("U2")),
        ["E10.9", "E11.9", "E13.9", "E16.9"]
    );
    assert_eq!(
        by_claim("U1")["help"],
        format!("did you mean {}?", suggestions(by_claim("U1")).join(" or "))
    );
}

#[test]
fn missing_seventh_character_suggests_completions() {
    let doc = json(&["fixtures/rules/missing-seventh-character.csv"]);
    let ds = diagnostics(&doc);
    let s72 = ds.iter().find(|d| d["claim_id"] == "S1").unwrap();
    let got = suggestions(s72);
    assert_eq!(got.len(), 16);
    assert_eq!(got[0], "S72.001A");
    assert_eq!(got[15], "S72.001S");
    let t81 = ds.iter().find(|d| d["claim_id"] == "S2").unwrap();
    assert_eq!(suggestions(t81), ["T81.40XA", "T81.40XD", "T81.40XS"]);
    let s00 = ds.iter().find(|d| d["claim_id"] == "S3").unwrap();
    assert_eq!(suggestions(s00), ["S00.00XA", "S00.00XD", "S00.00XS"]);
    assert!(
        ds.iter().all(|d| d["claim_id"] != "S4"),
        "S72.001A is complete"
    );
}

#[test]
fn codes_are_reported_in_dotted_canonical_form() {
    let doc = json(&["fixtures/rules/duplicate-code.csv"]);
    let dup = diagnostics(&doc)
        .iter()
        .find(|d| d["rule_name"] == "duplicate-code")
        .unwrap();
    assert_eq!(dup["code"]["raw"], "e119");
    assert_eq!(dup["code"]["canonical"], "E11.9");
    assert_eq!(dup["field"], "dx3");
    assert_eq!(dup["line"], 2);
    assert_eq!(dup["column"], 41);
}

#[test]
fn jsonl_streams_one_object_per_line() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "jsonl",
        "fixtures/example/claims.csv",
    ]);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(lines[0]["rule_name"], "non-billable-code");
    assert_eq!(lines[0]["line"], 3);
    assert!(
        r.stderr.contains("8 errors, 5 warnings"),
        "summary on stderr: {}",
        r.stderr
    );
    assert_eq!(r.code, 1);
}

#[test]
fn sarif_has_rules_results_and_locations() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "sarif",
        "fixtures/example/claims.csv",
    ]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "dxlint");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 13);
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
    let first = &results[0];
    assert_eq!(first["ruleId"], "DX103");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/example/claims.csv"
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startColumn"],
        47
    );
}

/// The documents are written as findings arrive, but a run that fails
/// before its first finding writes none of one.
#[test]
fn a_run_that_fails_early_writes_no_half_document() {
    for format in ["sarif", "json"] {
        let r = run(&[
            "check",
            "--isolated",
            "--format",
            format,
            "--members",
            "fixtures/no-such-members.csv",
            "fixtures/example/claims.csv",
        ]);
        assert_eq!(r.code, 2, "{format}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{format}");
        assert!(r.stderr.contains("no-such-members.csv"), "{}", r.stderr);
    }
}

#[test]
fn github_annotations() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "github",
        "fixtures/rules/non-billable-code.csv",
    ]);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=fixtures/rules/non-billable-code.csv,line=2,col=26,endColumn=31,title=DX103 non-billable-code::Z53.2 is a header code"),
        "{first}"
    );
}

#[test]
fn short_output_of_the_bundled_example() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "short",
        "--quiet",
        "fixtures/example/claims.csv",
    ]);
    insta::assert_snapshot!("example-short", r.stdout);
    assert_eq!(r.code, 1);
}

#[test]
fn human_output_points_at_the_cell_with_the_real_line_number() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "human",
        "--color",
        "never",
        "--no-redact",
        "fixtures/example/claims.csv",
    ]);
    assert!(
        r.stdout
            .contains("error[DX103 non-billable-code]: Z53.2 is a header code"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("╭─[fixtures/example/claims.csv:3:47]"));
    assert!(
        r.stdout
            .contains(" 3 │ C1002,M002,outpatient,2025-11-04,1990-07-01,M,Z53.2,J06.9,,,")
    );
    assert!(
        r.stdout
            .contains("Z53.20 Procedure and treatment not carried out")
    );
    assert!(r.stdout.contains("claim C1002, field dx1"));
    assert!(r.stdout.contains("8 errors, 5 warnings"));
}

#[test]
fn exit_codes() {
    let clean = run(&[
        "check",
        "--isolated",
        "-q",
        "fixtures/rules/no-diagnosis.csv",
        "--select",
        "duplicate-code",
    ]);
    assert_eq!(clean.code, 0);
    let warnings = run(&[
        "check",
        "--isolated",
        "-q",
        "fixtures/rules/diagnosis-gap.csv",
    ]);
    assert_eq!(warnings.code, 0, "warnings alone pass");
    let denied = run(&[
        "check",
        "--isolated",
        "-q",
        "--deny-warnings",
        "fixtures/rules/diagnosis-gap.csv",
    ]);
    assert_eq!(denied.code, 1);
    let errors = run(&[
        "check",
        "--isolated",
        "-q",
        "fixtures/rules/non-billable-code.csv",
    ]);
    assert_eq!(errors.code, 1);
    let usage = run(&[
        "check",
        "--isolated",
        "--select",
        "no-such-rule",
        "fixtures/rules/non-billable-code.csv",
    ]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("`no-such-rule` names no rule"),
        "{}",
        usage.stderr
    );
}

#[test]
fn an_unreadable_file_fails_the_run_after_the_others_are_checked() {
    let r = run(&[
        "check",
        "--isolated",
        "--format",
        "short",
        "fixtures/does-not-exist.csv",
        "fixtures/rules/non-billable-code.csv",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("fixtures/does-not-exist.csv"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout.lines().count(),
        3,
        "the readable file is still checked: {}",
        r.stdout
    );
}

#[test]
fn reads_stdin() {
    let text =
        std::fs::read_to_string(root().join("fixtures/rules/non-billable-code.csv")).unwrap();
    let out = dxlint()
        .args(["check", "--isolated", "-f", "short", "-q", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("<stdin>:2:26: error[DX103 non-billable-code] Z53.2"),
        "{stdout}"
    );
}

#[test]
fn selection_by_code_prefix_name_and_group() {
    let count = |args: &[&str]| {
        let mut all = vec!["fixtures/example/claims.csv"];
        all.extend_from_slice(args);
        diagnostics(&json(&all)).len()
    };
    assert_eq!(count(&[]), 13);
    assert_eq!(
        count(&["--select", "DX1"]),
        6,
        "validity rules by code prefix"
    );
    assert_eq!(
        count(&["--select", "validity"]),
        6,
        "validity rules by group"
    );
    assert_eq!(count(&["--ignore", "non-billable-code,DX104"]), 9);
    let doc = json(&["fixtures/example/claims.csv", "--select", "DX102"]);
    assert!(
        diagnostics(&doc)
            .iter()
            .all(|d| d["rule_name"] == "unknown-code")
    );
}

fn temp_dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn example() -> String {
    root()
        .join("fixtures/example/claims.csv")
        .display()
        .to_string()
}

#[test]
fn config_selects_rules_and_severities() {
    let dir = temp_dir_with(&[(
        "dxlint.toml",
        "ignore = [\"diagnosis-gap\"]\n[severity]\nduplicate-code = \"error\"\n",
    )]);
    let out = dxlint()
        .current_dir(dir.path())
        .args(["check", "-f", "json", &example()])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ds = diagnostics(&doc);
    assert!(ds.iter().all(|d| d["rule_name"] != "diagnosis-gap"));
    let dup = ds
        .iter()
        .find(|d| d["rule_name"] == "duplicate-code")
        .unwrap();
    assert_eq!(dup["severity"], "error");
}

#[test]
fn config_errors_point_into_the_toml() {
    let dir = temp_dir_with(&[("dxlint.toml", "select = [\"non-billabel-code\"]\n")]);
    let out = dxlint()
        .current_dir(dir.path())
        .args(["check", &example()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("`non-billabel-code` in select names no rule"),
        "{err}"
    );
    assert!(err.contains("did you mean `non-billable-code`?"), "{err}");
    assert!(err.contains("dxlint.toml:1:"), "span into the file: {err}");

    let dir = temp_dir_with(&[("dxlint.toml", "[severity]\nduplicate-code = \"fatal\"\n")]);
    let out = dxlint()
        .current_dir(dir.path())
        .args(["check", &example()])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("unknown severity `fatal`"), "{err}");
    assert!(err.contains("dxlint.toml:2:"), "{err}");
}

#[test]
fn user_rule_packs_load_at_run_time() {
    let dir = temp_dir_with(&[("acme.toml", common::PAYER_PACK)]);
    let pack = dir.path().join("acme.toml").display().to_string();
    let doc = json(&[
        "--rules",
        &pack,
        "--select",
        "payer",
        "fixtures/example/claims.csv",
    ]);
    let ds = diagnostics(&doc);
    assert_eq!(ds.len(), 2, "M54.50 twice on C1008 (dx1 and dx3)");
    assert_eq!(ds[0]["rule"], "ACME001");
    assert_eq!(
        ds[0]["message"],
        "Acme does not accept M54.50 (Low back pain, unspecified)"
    );
    assert_eq!(ds[0]["help"], "report M54.51 or M54.59 (Acme manual 7.3.2)");
    let explain = run(&["explain", "ACME001", "--rules", &pack]);
    assert!(explain.stdout.contains("acme-unspecified-low-back-pain"));
}

/// `check` on the example with the pack `text`, written to a file `name`.
fn check_with_pack(name: &str, text: &str) -> Run {
    let dir = temp_dir_with(&[(name, text)]);
    let pack = dir.path().join(name).display().to_string();
    run(&[
        "check",
        "--isolated",
        "--rules",
        &pack,
        "fixtures/example/claims.csv",
    ])
}

#[test]
fn bad_rule_packs_point_into_the_toml() {
    let bad = common::PAYER_PACK.replace("codes = [\"M54.50\"]", "regex = [\"M54(\"]");
    let r = check_with_pack("bad.toml", &bad);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid regular expression"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("bad.toml:20:10"), "{}", r.stderr);
}

#[test]
fn misspelt_message_placeholders_point_into_the_toml() {
    let bad = common::PAYER_PACK.replace("({title})", "({titel})");
    assert_ne!(bad, common::PAYER_PACK);
    let r = check_with_pack("typo.toml", &bad);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown placeholder `{titel}` in the message"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the placeholders are {code}, {title}, {code_title}"),
        "{}",
        r.stderr
    );
    let line = bad.lines().position(|l| l.contains("{titel}")).unwrap() + 1;
    assert!(
        r.stderr.contains(&format!("typo.toml:{line}:")),
        "{}",
        r.stderr
    );
}

#[test]
fn runtime_codeset_joins_by_fiscal_year() {
    let csv = "claim_id,service_date,dx1,dx2\nA,2026-11-01,F64.A,\nB,2026-11-01,F64.9,I10\n";
    let dir = temp_dir_with(&[("fy27.csv", csv)]);
    let file = dir.path().join("fy27.csv").display().to_string();
    // Without the release: the MCE timeline decides FY2027 validity.
    let doc = json(&[&file]);
    assert_eq!(diagnostics(&doc).len(), 0, "{doc}");
    assert!(
        doc["summary"]["code_sets_used"][0]
            .as_str()
            .unwrap()
            .starts_with("FY2027 (CMS MCE v44 timeline")
    );
    // With the (small) FY2027 fixture release loaded, it answers for FY2027.
    let doc = json(&[
        "--codeset",
        "fixtures/codesets/icd10cm_order_2027.txt",
        &file,
    ]);
    let ds = diagnostics(&doc);
    assert_eq!(ds.len(), 1, "{doc}");
    assert_eq!(
        ds[0]["rule_name"], "code-not-valid-on-service-date",
        "I10 is not in the small FY2027 fixture"
    );
    assert_eq!(
        ds[0]["message"],
        "I10 is not valid on the claim's service date (FY2027): it is listed in FY2026 but not in FY2027"
    );
    assert!(
        doc["summary"]["code_sets_used"][0]
            .as_str()
            .unwrap()
            .starts_with("FY2027 (order file")
    );
}

#[test]
fn rules_explain_and_lookup() {
    let rules = run(&["rules"]);
    assert!(
        rules.stdout.lines().any(|l| l.starts_with("DX103")
            && l.contains("non-billable-code")
            && l.contains("error"))
    );
    assert!(
        rules
            .stdout
            .lines()
            .any(|l| l.contains("unspecified-code") && l.contains(" no "))
    );
    for query in ["non-billable-code", "DX103", "dx103"] {
        let e = run(&["explain", query]);
        assert_eq!(e.code, 0);
        assert!(
            e.stdout.starts_with("# DX103 non-billable-code"),
            "{}",
            e.stdout
        );
        assert!(e.stdout.contains("## Why is this bad?"));
    }
    let e = run(&["explain", "non-billabel-code"]);
    assert_eq!(e.code, 2);
    assert!(e.stderr.contains("did you mean `non-billable-code`?"));

    let l = run(&["lookup", "z532"]);
    assert_eq!(l.code, 0);
    assert!(
        l.stdout
            .contains("Z53.2  Procedure and treatment not carried out")
    );
    assert!(
        l.stdout
            .contains("not billable: header with 3 billable codes below")
    );
    assert!(l.stdout.contains("    Z53.29  Procedure and treatment not carried out because of patient's decision for other reasons"));
    let l = run(&["lookup", "E11.A"]);
    assert!(
        l.stdout.contains("Valid dates:  2025-10-01 .. 2027-03-31"),
        "{}",
        l.stdout
    );
}

fn shared() -> Option<PathBuf> {
    let p = root().join("../shared/realworld");
    if p.is_dir() {
        Some(p)
    } else {
        println!("skipped: ../shared/realworld not present");
        None
    }
}

#[test]
fn tuva_export_is_read_and_accounted_for() {
    let Some(dir) = shared() else { return };
    let claims = dir.join("tuva/medical_claim_seed.csv");
    let members = dir.join("tuva/eligibility_seed.csv");
    let doc = json(&[
        claims.to_str().unwrap(),
        "--members",
        members.to_str().unwrap(),
    ]);
    let s = &doc["summary"];
    assert_eq!(s["rows_read"], 2075);
    assert_eq!(s["rows_rejected"], 0);
    assert_eq!(s["rows_checked"], 2075);
    let seen = s["claims"].as_u64().unwrap() + s["claims_icd9"].as_u64().unwrap();
    assert_eq!(seen, 1138);
    // Code-type problems are reported once per claim, never once per line.
    let ds = diagnostics(&doc);
    let mut typed: Vec<&str> = ds
        .iter()
        .filter(|d| d["rule_name"] == "unexpected-code-type")
        .map(|d| d["claim_id"].as_str().unwrap())
        .collect();
    let n = typed.len();
    typed.sort();
    typed.dedup();
    assert_eq!(typed.len(), n);
}

#[test]
fn ccw_exports_are_read_with_members() {
    let Some(dir) = shared() else { return };
    let ccw = dir.join("ccw-rif");
    let mut args: Vec<String> = vec![ccw.join("inpatient.csv").display().to_string()];
    for year in 2015..=2021 {
        args.push("--members".into());
        args.push(
            ccw.join(format!("beneficiary_{year}.csv"))
                .display()
                .to_string(),
        );
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let doc = json(&refs);
    assert_eq!(doc["summary"]["rows_rejected"], 0);
    assert_eq!(doc["summary"]["rows_read"], doc["summary"]["rows_checked"]);
    assert!(Path::new(&args[0]).exists());
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = run(&["rules", "--isolated", "--markdown"]).stdout;
    let start = readme.find("<!-- rules:start").expect("rules:start marker");
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..body.find("<!-- rules:end -->").unwrap()];
    assert_eq!(
        body, table,
        "regenerate the README rule table with `dxlint rules --markdown`"
    );
}
