//! One fixture per rule (or rule family) under `fixtures/rules/`, run
//! through the binary with `--format short`; the snapshots in
//! `tests/snapshots/` are the exact findings each fixture must produce:
//! rule code and name, line, column and message, and nothing else.

use assert_cmd::Command;

fn short(fixture: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--isolated", "--format", "short", "--quiet"])
        .args(extra)
        .arg(format!("fixtures/rules/{fixture}.csv"))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8(out.stdout).unwrap();
    format!("exit {code}\n{stdout}")
}

macro_rules! rule_fixture {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($fixture, short($fixture, &[]));
        }
    };
}

rule_fixture!(invalid_code_format, "invalid-code-format");
rule_fixture!(unknown_code, "unknown-code");
rule_fixture!(non_billable_code, "non-billable-code");
rule_fixture!(missing_seventh_character, "missing-seventh-character");
rule_fixture!(
    code_not_valid_on_service_date,
    "code-not-valid-on-service-date"
);
rule_fixture!(duplicate_code, "duplicate-code");
rule_fixture!(no_diagnosis, "no-diagnosis");
rule_fixture!(diagnosis_gap, "diagnosis-gap");
rule_fixture!(service_dates, "service-date");
rule_fixture!(invalid_sex, "invalid-sex");
rule_fixture!(invalid_age_or_birth_date, "invalid-age-or-birth-date");
rule_fixture!(unexpected_code_type, "unexpected-code-type");
rule_fixture!(malformed_row, "malformed-row");
rule_fixture!(first_listed_only_code, "first-listed-only-code");
rule_fixture!(secondary_only_code, "secondary-only-code");
rule_fixture!(external_cause_repeated, "external-cause-repeated");
rule_fixture!(mce_principal_edits, "mce-principal");
