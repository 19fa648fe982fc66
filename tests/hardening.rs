//! Bad input, end to end: every broken file a claims export can be, each
//! with its fixture in `fixtures/hardening/` (or generated here when it is
//! big), and the exact diagnostic or error the binary gives for it. Also the
//! accounting of every run, and what the reports show of patient data.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{Run, root, run_in};

fn fixture(name: &str) -> String {
    format!("fixtures/hardening/{name}")
}

/// `dxlint check --isolated -f short -q ARGS` in the repository root.
fn short(args: &[&str]) -> Run {
    let mut all = vec!["check", "--isolated", "--format", "short", "-q"];
    all.extend_from_slice(args);
    run_in(&root(), &all)
}

/// `dxlint check --isolated -f json ARGS`, parsed.
fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--isolated", "--format", "json"];
    all.extend_from_slice(args);
    let r = run_in(&root(), &all);
    let doc = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, doc)
}

/// Error text with miette's wrapping undone: one space between words.
fn flat(s: &str) -> String {
    s.replace(['\n', '│'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// The file's accounting in a JSON report: (read, checked, rejected).
fn accounting(doc: &Value, file: usize) -> (u64, u64, u64) {
    let f = &doc["summary"]["files"][file];
    let n = |k: &str| f[k].as_u64().unwrap();
    (n("rows_read"), n("rows_checked"), n("rows_rejected"))
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

const NON_BILLABLE_Z532: &str = "error[DX103 non-billable-code] Z53.2 is a header code, not billable: report one of the 3 billable codes below it";

#[test]
fn an_empty_file_is_an_error_after_the_other_files() {
    let r = short(&[&fixture("empty.csv"), &fixture("bom.csv")]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("fixtures/hardening/empty.csv: the file is empty (no header line)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        lines(&r.stdout),
        [format!(
            "fixtures/hardening/bom.csv:2:21: {NON_BILLABLE_Z532}"
        )],
        "the other file is still checked"
    );
}

#[test]
fn a_header_without_rows_is_a_notice() {
    let (code, doc) = json(&[&fixture("header_only.csv")]);
    assert_eq!(code, 0);
    assert_eq!(accounting(&doc, 0), (0, 0, 0));
    assert_eq!(
        doc["summary"]["notices"][0],
        "fixtures/hardening/header_only.csv: the file has a header line but no data rows"
    );
}

#[test]
fn a_missing_header_is_detected_without_showing_the_row() {
    let r = short(&[&fixture("no_header.csv")]);
    assert_eq!(r.code, 2);
    assert!(
        flat(&r.stderr).contains(
            "fixtures/hardening/no_header.csv: the first line looks like data, not a header \
             (field 2 is a date, fields 3 and 4 are shaped like diagnosis codes)"
        ),
        "{}",
        r.stderr
    );
    let stderr = flat(&r.stderr);
    assert!(
        stderr.replace(' ', "").contains("--dx-columns") && stderr.contains("[columns]"),
        "{stderr}"
    );
    for cell in ["C1", "2025-11-03", "E11.9", "J06.9"] {
        assert!(
            !r.stderr.contains(cell),
            "the data row is not listed: {cell}"
        );
    }
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_column() {
    let r = short(&[&fixture("bom.csv")]);
    assert_eq!(
        lines(&r.stdout),
        [format!(
            "fixtures/hardening/bom.csv:2:21: {NON_BILLABLE_Z532}"
        )]
    );
    let (_, doc) = json(&[&fixture("bom.csv")]);
    assert_eq!(doc["diagnostics"][0]["claim_id"], "B1");
}

#[test]
fn a_header_repeated_mid_file_is_a_rejected_row() {
    let file = fixture("joined.csv");
    let r = short(&[&file]);
    assert_eq!(
        lines(&r.stdout),
        [
            format!("{file}:2:21: {NON_BILLABLE_Z532}"),
            format!(
                "{file}:3:1: error[DX001 malformed-row] the row repeats the header line (were \
                 files joined together?)"
            ),
        ],
        "the second copy's B1 row repeats B1 and is not reported twice"
    );
    let (_, doc) = json(&[&file]);
    assert_eq!(accounting(&doc, 0), (3, 2, 1));
}

#[test]
fn crlf_lf_and_lone_cr_line_ends_count_as_lines() {
    let r = short(&[&fixture("line_endings.csv")]);
    let file = fixture("line_endings.csv");
    assert_eq!(
        lines(&r.stdout),
        [3, 5, 7].map(|l| format!("{file}:{l}:15: {NON_BILLABLE_Z532}"))
    );
    let (_, doc) = json(&[&file]);
    assert_eq!(accounting(&doc, 0), (5, 5, 0), "the blank line is no row");
}

#[test]
fn ragged_rows_are_rejected_at_the_missing_or_extra_field() {
    let r = short(&[&fixture("ragged.csv")]);
    let file = fixture("ragged.csv");
    assert_eq!(r.code, 1);
    assert_eq!(
        lines(&r.stdout),
        [
            format!(
                "{file}:2:20: error[DX001 malformed-row] the row has 3 fields, the header has 4"
            ),
            format!(
                "{file}:3:25: error[DX001 malformed-row] the row has 5 fields, the header has 4"
            ),
            format!("{file}:4:15: {NON_BILLABLE_Z532}"),
        ]
    );
    let (_, doc) = json(&[&file]);
    assert_eq!(doc["diagnostics"][0]["field"], "dx2", "the missing column");
    assert_eq!(accounting(&doc, 0), (3, 1, 2));
}

#[test]
fn an_unclosed_quote_says_which_lines_it_swallowed() {
    let r = short(&[&fixture("unclosed_quote.csv")]);
    let file = fixture("unclosed_quote.csv");
    assert_eq!(
        lines(&r.stdout),
        [
            format!("{file}:2:20: {NON_BILLABLE_Z532}"),
            format!(
                "{file}:3:4: error[DX001 malformed-row] the quote opened in this field is never \
                 closed: the row runs to the end of the file, taking in lines 3 to 4"
            ),
        ]
    );
    let (_, doc) = json(&[&file]);
    assert_eq!(accounting(&doc, 0), (2, 1, 1));
}

#[test]
fn quoted_newlines_keep_later_line_numbers_right() {
    let r = short(&[&fixture("quoted_newlines.csv")]);
    let file = fixture("quoted_newlines.csv");
    assert_eq!(
        lines(&r.stdout),
        [
            format!("{file}:4:19: {NON_BILLABLE_Z532}"),
            format!("{file}:5:21: {NON_BILLABLE_Z532}"),
        ]
    );
}

#[test]
fn invalid_utf8_in_a_column_that_is_read_rejects_the_row() {
    let file = fixture("invalid_utf8.csv");
    let r = short(&[&file]);
    assert_eq!(
        lines(&r.stdout),
        [
            format!(
                "{file}:3:19: error[DX001 malformed-row] the field is not valid UTF-8 (at byte \
                 3): is the file Latin-1 or Windows-1252? Save it as UTF-8"
            ),
            format!("{file}:4:18: {NON_BILLABLE_Z532}"),
        ],
        "the bad byte in the unread name column of row 2 does not matter"
    );
    let (_, doc) = json(&[&file]);
    assert_eq!(accounting(&doc, 0), (3, 2, 1));
}

#[test]
fn latin1_text_is_read_where_it_does_not_matter() {
    let file = fixture("latin1.csv");
    let r = short(&[&file]);
    assert_eq!(
        lines(&r.stdout),
        [
            format!(
                "{file}:3:10: error[DX001 malformed-row] the field is not valid UTF-8 (at byte \
                 10): is the file Latin-1 or Windows-1252? Save it as UTF-8"
            ),
            format!("{file}:4:19: {NON_BILLABLE_Z532}"),
        ]
    );
}

#[test]
fn nul_bytes_reject_the_row_or_the_file() {
    let file = fixture("nul.csv");
    let r = short(&[&file]);
    assert_eq!(
        lines(&r.stdout),
        [
            format!(
                "{file}:2:18: error[DX001 malformed-row] the field holds a NUL byte (at byte 4): \
                 the file is damaged or is not UTF-8 text (UTF-16?)"
            ),
            format!("{file}:3:19: {NON_BILLABLE_Z532}"),
        ],
        "a NUL in the unread note column of row 3 does not matter"
    );
    // A file whose first line holds NULs is binary, not claims.
    let r = short(&[&fixture("binary.csv")]);
    assert_eq!(r.code, 2);
    assert!(
        flat(&r.stderr).contains(
            "fixtures/hardening/binary.csv: the file holds binary data, not delimited text \
             (NUL bytes: 65 in its first 320 bytes)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn files_that_are_not_text_say_what_they_are() {
    let dir = temp_dir();
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "claims.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00rest",
            "the file is a zip archive (an .xlsx workbook is one too), not delimited text",
        ),
        (
            "utf16.csv",
            b"\xff\xfec\x00l\x00a\x00i\x00m\x00\n\x00",
            "the file is UTF-16 text; dxlint reads UTF-8",
        ),
        (
            "utf16_no_bom.csv",
            b"c\x00l\x00a\x00i\x00m\x00,\x00d\x00x\x001\x00\n\x001\x00,\x00A\x00\n\x00",
            "the file looks like UTF-16 text without a byte-order mark; dxlint reads UTF-8",
        ),
        (
            "claims.csv.bz2",
            b"BZh91AY&SY\x00\x01",
            "the file is bzip2-compressed",
        ),
    ];
    for (name, bytes, what) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let r = run_in(dir.path(), &["check", "--isolated", "-q", name]);
        assert_eq!(r.code, 2, "{name}");
        assert!(
            flat(&r.stderr).contains(&format!("{name}: {what}")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn gzip_files_are_read_directly() {
    let file = fixture("claims.csv.gz");
    let r = short(&[&file]);
    assert_eq!(r.code, 1);
    assert_eq!(
        lines(&r.stdout),
        [format!("{file}:2:15: {NON_BILLABLE_Z532}")]
    );
    // From stdin too.
    let gz = std::fs::read(root().join(&file)).unwrap();
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .args(["check", "--isolated", "-f", "short", "-q", "-"])
        .write_stdin(gz)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("<stdin>:2:15: {NON_BILLABLE_Z532}\n")
    );
}

#[test]
fn a_truncated_gzip_file_fails_after_the_rows_it_had() {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    let mut text = String::from("claim_id,service_date,dx1\n");
    for i in 0..2000 {
        text.push_str(&format!("T{i},2025-11-03,E11.9\n"));
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let dir = temp_dir();
    std::fs::write(dir.path().join("cut.csv.gz"), &gz[..gz.len() / 2]).unwrap();
    let r = run_in(
        dir.path(),
        &["check", "--isolated", "-f", "json", "cut.csv.gz"],
    );
    assert_eq!(r.code, 2);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let file = &doc["summary"]["files"][0];
    let read = file["rows_read"].as_u64().unwrap();
    assert!(read > 0 && read < 2000, "{file}");
    assert_eq!(read, file["rows_checked"].as_u64().unwrap());
    assert_eq!(
        file["error"],
        format!(
            "cut.csv.gz:{}: reading failed: incomplete deflate stream",
            read + 2
        )
    );
}

#[test]
fn directories_and_missing_files_fail_after_the_others_are_checked() {
    let (code, doc) = json(&[
        "fixtures/hardening",
        "fixtures/hardening/no-such-file.csv",
        &fixture("bom.csv"),
    ]);
    assert_eq!(code, 2);
    let files = doc["summary"]["files"].as_array().unwrap();
    assert_eq!(
        files[0]["error"],
        "cannot open fixtures/hardening: it is a directory"
    );
    assert!(
        files[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot open fixtures/hardening/no-such-file.csv: ")
    );
    assert_eq!(files[2]["error"], Value::Null);
    assert_eq!(accounting(&doc, 2), (1, 1, 0));
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn unreadable_files_fail_after_the_others_are_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let locked = dir.path().join("locked.csv");
    std::fs::write(&locked, "claim_id,dx1\nX,Z53.2\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        // Running as root: permissions do not stop reading.
        eprintln!("skipped: the permission bits do not stop this user from reading");
        return;
    }
    let bom = root().join(fixture("bom.csv"));
    let r = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "-f",
            "short",
            "locked.csv",
            bom.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot open locked.csv: "),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}

#[test]
fn duplicated_header_names_say_which_column_is_read() {
    let (code, doc) = json(&[&fixture("duplicate_headers.csv")]);
    assert_eq!(code, 0, "E11.9 and I10 in dx1, dx2: no finding");
    let notices: Vec<&str> = doc["summary"]["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        notices,
        [
            "fixtures/hardening/duplicate_headers.csv: the header names \"dx1\" in columns 3 and \
             5: column 3 is read and column 5 is ignored",
            "fixtures/hardening/duplicate_headers.csv: column 6 \"diag2\" is ignored: column 4 \
             \"dx2\" has the same number",
        ]
    );
}

#[test]
fn missing_diagnosis_columns_list_the_columns_found_and_expected() {
    let r = short(&[&fixture("missing_columns.csv")]);
    assert_eq!(r.code, 2);
    let err = flat(&r.stderr);
    assert!(
        err.contains("fixtures/hardening/missing_columns.csv: no diagnosis column found."),
        "{err}"
    );
    assert!(err.contains("(dx1, dx_1, diag1, diagnosis1,"), "{err}");
    assert!(
        err.contains(r#"Columns found: "claim_id", "service_date", "diagnosis_text""#),
        "{err}"
    );
}

#[test]
fn a_missing_service_date_column_is_a_notice() {
    let (code, doc) = json(&[&fixture("no_service_date.csv")]);
    assert_eq!(code, 1, "the codes are still checked");
    assert_eq!(
        doc["summary"]["notices"][0],
        "fixtures/hardening/no_service_date.csv: no service date column (service_date, dos, \
         from_date, claim_start_date, clm_from_dt, ...): every claim is checked against the \
         newest code set; name the column with --service-date-column or [columns] service_date"
    );
    assert_eq!(doc["diagnostics"][0]["rule_name"], "non-billable-code");
}

#[test]
fn impossible_dates() {
    let file = fixture("dates.csv");
    let r = short(&[&file]);
    let msg = "error[DX003 invalid-service-date] the service date is not a valid date: no such day exists";
    assert_eq!(
        lines(&r.stdout),
        [format!("{file}:2:4: {msg}"), format!("{file}:3:4: {msg}")]
    );
}

#[test]
fn impossible_ages() {
    let file = fixture("ages.csv");
    let r = short(&[&file]);
    let w = "warning[DX005 invalid-age-or-birth-date]";
    assert_eq!(
        lines(&r.stdout),
        [
            format!("{file}:2:15: {w} the age is outside 0 to 124 years"),
            format!("{file}:3:15: {w} the age is outside 0 to 124 years"),
            format!("{file}:4:15: {w} the age is not a number of years"),
        ]
    );
}

#[test]
fn sex_values_outside_the_accepted_set() {
    let file = fixture("sex.csv");
    let r = short(&[&file]);
    let w = "warning[DX004 invalid-sex] the sex value is not one dxlint understands";
    assert_eq!(
        lines(&r.stdout),
        [format!("{file}:2:15: {w}"), format!("{file}:3:15: {w}")]
    );
}

#[test]
fn malformed_codes_name_the_character_and_suggest_the_ascii_code() {
    let file = fixture("codes.csv");
    let r = short(&[&file]);
    let e = "error[DX101 invalid-code-format]";
    assert_eq!(
        lines(&r.stdout),
        [
            format!(
                "{file}:2:15: {e} `E1.19` is not an ICD-10-CM code: the dot belongs after the \
                 third character"
            ),
            format!(
                "{file}:3:15: {e} `\u{415}119` is not an ICD-10-CM code: its 1st character is \
                 U+0415 (CYRILLIC CAPITAL LETTER IE), a look-alike of the letter E"
            ),
            format!(
                "{file}:4:15: {e} `I1\u{41e}` is not an ICD-10-CM code: its 3rd character is \
                 U+041E (CYRILLIC CAPITAL LETTER O), a look-alike of the letter O"
            ),
            format!(
                "{file}:5:15: {e} `\u{ff25}\u{ff11}\u{ff11}.\u{ff19}` is not an ICD-10-CM code: \
                 its 1st character is U+FF25 (FULLWIDTH LATIN CAPITAL LETTER E), a look-alike of \
                 the letter E (and 3 more non-ASCII characters)"
            ),
            format!(
                "{file}:6:15: {e} the code Z53.2 is padded with U+200B (ZERO WIDTH SPACE), an \
                 invisible character that claim systems do not strip"
            ),
            format!("{file}:6:15: {NON_BILLABLE_Z532}"),
            format!(
                "{file}:7:15: {e} the code E11.9 is padded with U+00A0 (NO-BREAK SPACE), an \
                 invisible character that claim systems do not strip"
            ),
            format!(
                "{file}:8:15: {e} `E11<U+200B>.9` is not an ICD-10-CM code: its 4th character is \
                 U+200B (ZERO WIDTH SPACE), an invisible character"
            ),
            format!(
                "{file}:9:15: {e} the cell holds only U+00A0 (NO-BREAK SPACE): it looks empty but \
                 is not"
            ),
        ]
    );
    let (_, doc) = json(&[&file]);
    let by_claim = |id: &str| -> (String, Vec<String>) {
        let d = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["claim_id"] == id)
            .unwrap();
        let s = d["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["replacement"].as_str().unwrap().to_string())
            .collect();
        (d["help"].as_str().unwrap().to_string(), s)
    };
    assert_eq!(by_claim("K1").1, ["E11.9"], "the dot moved");
    assert_eq!(
        by_claim("K2"),
        (
            "type it in ASCII: E11.9 Type 2 diabetes mellitus without complications".to_string(),
            vec!["E11.9".to_string()]
        )
    );
    assert_eq!(
        by_claim("K3"),
        (
            "typed in ASCII it reads I1O, which is not a code either; did you mean I10?"
                .to_string(),
            vec!["I10".to_string()]
        ),
        "Cyrillic O for the digit zero"
    );
    assert_eq!(by_claim("K4").1, ["E11.9"]);
    assert_eq!(
        by_claim("K5"),
        (
            "delete the invisible character; the code was checked as Z53.2".to_string(),
            vec!["Z53.2".to_string()]
        )
    );
    assert_eq!(by_claim("K7").1, ["E11.9"]);
}

/// A claims file generated at run time: a header, then `rows` rows.
fn generated(dir: &Path, name: &str, header: &str, rows: impl Iterator<Item = String>) -> PathBuf {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "{header}").unwrap();
    for row in rows {
        writeln!(out, "{row}").unwrap();
    }
    out.flush().unwrap();
    path
}

#[test]
fn a_10_mib_field_is_skipped_as_a_malformed_row_and_reading_goes_on() {
    let dir = temp_dir();
    let big = "x".repeat(10 * 1024 * 1024);
    let rows = [
        "A,2025-11-03,E11.9,ok".to_string(),
        format!("B,2025-11-03,E11.9,\"{big}\""),
        "C,2025-11-03,Z53.2,ok".to_string(),
    ];
    let path = generated(
        dir.path(),
        "big_field.csv",
        "claim_id,service_date,dx1,note",
        rows.into_iter(),
    );
    let r = run_in(
        dir.path(),
        &["check", "--isolated", "-f", "short", "big_field.csv"],
    );
    assert_eq!(
        lines(&r.stdout),
        [
            "big_field.csv:3:1: error[DX001 malformed-row] the record is longer than 4 MiB, the \
             most one row may hold, and was skipped (is a quote never closed?)",
            &format!("big_field.csv:4:14: {NON_BILLABLE_Z532}"),
        ]
    );
    assert!(
        r.stderr
            .contains("(3 rows read, 2 checked, 1 rejected; 2 claims)"),
        "{}",
        r.stderr
    );
    drop(path);
}

#[test]
fn a_header_line_over_the_limit_is_an_error() {
    let dir = temp_dir();
    let name = "x".repeat(5 * 1024 * 1024);
    generated(dir.path(), "long_header.csv", &name, std::iter::empty());
    let r = run_in(
        dir.path(),
        &["check", "--isolated", "-q", "long_header.csv"],
    );
    assert_eq!(r.code, 2);
    assert!(
        flat(&r.stderr).contains(
            "long_header.csv: the header line is longer than 4 MiB, the most one line may hold \
             (is a quote never closed?)"
        ),
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
}

#[test]
fn a_100000_column_header_is_read() {
    let dir = temp_dir();
    let mut header = String::from("claim_id,service_date,dx1");
    let mut row = String::from("W,2025-11-03,Z53.2");
    for i in 4..=100_000 {
        header.push_str(&format!(",column_{i}"));
        row.push(',');
    }
    generated(dir.path(), "wide_header.csv", &header, std::iter::once(row));
    let r = run_in(
        dir.path(),
        &["check", "--isolated", "-f", "short", "wide_header.csv"],
    );
    assert_eq!(
        lines(&r.stdout),
        [format!("wide_header.csv:2:14: {NON_BILLABLE_Z532}")]
    );
    assert!(
        r.stderr.contains("(1 rows read, 1 checked, 0 rejected"),
        "{}",
        r.stderr
    );
}

#[test]
fn hundreds_of_diagnosis_columns_are_read_and_numbers_past_999_are_reported() {
    let dir = temp_dir();
    let mut header = String::from("claim_id,service_date");
    let mut row = String::from("H,2025-11-03");
    for i in 1..=600 {
        header.push_str(&format!(",dx{i}"));
        row.push_str(if i == 600 { ",Z53.2" } else { ",E11.9" });
    }
    header.push_str(",dx1000,dx1001");
    row.push_str(",Z53.2,Z53.2");
    generated(dir.path(), "many_dx.csv", &header, std::iter::once(row));
    let (_, doc) = {
        let r = run_in(
            dir.path(),
            &[
                "check",
                "--isolated",
                "-f",
                "json",
                "--select",
                "non-billable-code",
                "many_dx.csv",
            ],
        );
        (r.code, serde_json::from_str::<Value>(&r.stdout).unwrap())
    };
    let ds = doc["diagnostics"].as_array().unwrap();
    assert_eq!(ds.len(), 1, "only dx600; dx1000 and dx1001 are not read");
    assert_eq!(ds[0]["field"], "dx600");
    assert_eq!(
        doc["summary"]["notices"][0],
        "many_dx.csv: column 603 \"dx1000\" and 1 more are numbered above 999 and not read"
    );
}

#[test]
fn a_long_claim_past_1000_diagnoses_rejects_the_rest_in_bounded_memory() {
    let dir = temp_dir();
    let rows = (1..=100_000).map(|i| format!("L1,{i},E11.9,2025-11-03"));
    generated(
        dir.path(),
        "long.csv",
        "claim_id,seq,dx_code,service_date",
        rows,
    );
    let r = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "-f",
            "short",
            "--select",
            "malformed-row",
            "long.csv",
        ],
    );
    let out = lines(&r.stdout);
    assert_eq!(out.len(), 99_000);
    assert_eq!(
        out[0],
        "long.csv:1002:9: error[DX001 malformed-row] the claim exceeds 1000 diagnoses"
    );
    assert!(
        r.stderr
            .contains("(100000 rows read, 1000 checked, 99000 rejected; 1 claims)"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_summary_accounts_for_every_row_per_file() {
    let files = [
        fixture("ragged.csv"),
        fixture("unclosed_quote.csv"),
        fixture("empty.csv"),
        fixture("invalid_utf8.csv"),
    ];
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (_, doc) = json(&args);
    for (i, f) in doc["summary"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        if f["error"].is_null() {
            let (read, checked, rejected) = accounting(&doc, i);
            assert_eq!(read, checked + rejected, "{f}");
        }
    }
    assert_eq!(doc["summary"]["rows_read"], 8);
    assert_eq!(doc["summary"]["rows_rejected"], 4);

    let mut all = vec!["check", "--isolated", "-f", "human", "--color", "never"];
    all.extend_from_slice(&args);
    let r = run_in(&root(), &all);
    for line in [
        "fixtures/hardening/ragged.csv: 3 rows read, 1 checked, 2 rejected; 1 claim",
        "fixtures/hardening/unclosed_quote.csv: 2 rows read, 1 checked, 1 rejected; 1 claim",
        "fixtures/hardening/empty.csv: not read: fixtures/hardening/empty.csv: the file is empty",
        "fixtures/hardening/invalid_utf8.csv: 3 rows read, 2 checked, 1 rejected; 2 claims",
    ] {
        assert!(r.stdout.contains(line), "{line}\n{}", r.stdout);
    }

    let mut all = vec!["check", "--isolated", "-f", "short"];
    all.extend_from_slice(&args);
    let r = run_in(&root(), &all);
    assert!(
        r.stderr.contains(
            "  fixtures/hardening/ragged.csv: 3 rows read, 1 checked, 2 rejected; 1 claims"
        ),
        "{}",
        r.stderr
    );
}

/// The patient data in `phi.csv` and `phi_members.csv` that must never be
/// in a machine-readable report: names, member ids, addresses, phone
/// numbers, birth dates, service dates.
const PHI: &[&str] = &[
    "MBR-8842",
    "Jane",
    "Public",
    "Wallaby",
    "Sydney",
    "Ortiz",
    "Harbour",
    "Portland",
    "Bront",
    "Moor Lane",
    "Haworth",
    "Whitman",
    "Mickle",
    "Camden",
    "Lovelace",
    "St James",
    "London",
    "Shelley",
    "Chester",
    "Doe",
    "John",
    "Elm St",
    "Springfield",
    "Hopper",
    "Navy Yard",
    "Arlington",
    "Turing",
    "555-01",
    "1961-04-17",
    "1985-02-30",
    "2031-05-06",
    "1919-05-31",
    "1815-12-10",
    "1897-08-30",
    "1970-01-01",
    "1906-12-45",
    "1912-06-23",
    "2025-11-0",
    "2025-11-10",
    "2025-06-31",
];

fn phi_run(extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--isolated",
        "--select",
        "ALL",
        "--members",
        "fixtures/hardening/phi_members.csv",
    ];
    args.extend_from_slice(extra);
    args.push("fixtures/hardening/phi.csv");
    run_in(&root(), &args)
}

#[test]
fn machine_formats_carry_no_patient_data() {
    for format in ["short", "json", "jsonl", "sarif", "github"] {
        let r = phi_run(&["--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(
            r.stdout.lines().count() > 1,
            "{format} reported: {}",
            r.stdout
        );
        for value in PHI {
            assert!(
                !r.stdout.contains(value) && !r.stderr.contains(value),
                "{format} shows {value:?}:\n{}\n{}",
                r.stdout,
                r.stderr
            );
        }
    }
    // What the findings are, for the record: each data rule fired.
    let r = phi_run(&["--format", "json"]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: std::collections::BTreeSet<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule_name"].as_str().unwrap())
        .collect();
    for rule in [
        "malformed-row",
        "invalid-service-date",
        "invalid-sex",
        "invalid-age-or-birth-date",
        "invalid-code-format",
        "non-billable-code",
        "duplicate-code",
    ] {
        assert!(rules.contains(rule), "{rule} fired: {rules:?}");
    }
}

#[test]
fn the_human_report_masks_rows_off_a_terminal_unless_asked() {
    // Tests run with stdout a pipe: redaction is the default.
    let r = phi_run(&["--format", "human", "--color", "never"]);
    assert!(
        r.stdout
            .contains("***,***,***,***,***,***,***,***,***,Z53.2,***,***")
    );
    for value in ["Jane", "Wallaby", "MBR-884201", "555-0142", "1961-04-17"] {
        assert!(!r.stdout.contains(value), "{value}:\n{}", r.stdout);
    }
    // The offending cell is shown, even when it is a birth date.
    assert!(
        r.stdout
            .contains("***,***,***,***,***,***,1985-02-30,***,***,***,,***")
    );

    let r = phi_run(&["--format", "human", "--color", "never", "--no-redact"]);
    assert!(
        r.stdout
            .contains("P1,MBR-884201,Jane Q. Public,42 Wallaby Way")
    );
    let r = phi_run(&["--format", "human", "--redact", "--no-redact"]);
    assert_eq!(r.code, 2, "the two flags conflict");
}

/// Runs `dxlint check` on `file` with stdout a pipe that is closed after
/// the first line; returns the exit code and stderr.
fn closed_pipe(dir: &Path, file: &str, format: &str) -> (Option<i32>, String) {
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_dxlint"))
        .current_dir(dir)
        .args(["check", "--isolated", "--format", format, file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let n = stdout.read(&mut first).unwrap();
    assert!(n > 0);
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = temp_dir();
    let rows = (0..50_000).map(|i| format!("C{i},2025-11-03,Z53.2,E11.9"));
    generated(dir.path(), "big.csv", "claim_id,service_date,dx1,dx2", rows);
    for format in ["short", "human", "jsonl", "github"] {
        let (code, stderr) = closed_pipe(dir.path(), "big.csv", format);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
        assert_eq!(code, Some(0), "{format}: {stderr}");
    }
}

/// Runs `dxlint ARGS 2>&1 | head -1` in bash; returns dxlint's exit code.
#[cfg(unix)]
fn into_head(dir: &Path, args: &str) -> i32 {
    let bin = env!("CARGO_BIN_EXE_dxlint");
    let script = format!("'{bin}' {args} 2>&1 | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}");
    let status = StdCommand::new("bash")
        .current_dir(dir)
        .args(["-c", &script])
        .status()
        .unwrap();
    status.code().unwrap_or(-1)
}

#[cfg(unix)]
#[test]
fn stdout_and_stderr_into_a_closed_pipe_end_quietly() {
    let dir = temp_dir();
    let rows = (0..20_000).map(|i| format!("C{i},2025-11-03,Z53.2"));
    generated(dir.path(), "big.csv", "claim_id,service_date,dx1", rows);
    // The error about the missing file fills the first line; the rest of
    // the run writes into a pipe nobody reads.
    for format in ["short", "human", "json", "sarif"] {
        for _ in 0..3 {
            let code = into_head(
                dir.path(),
                &format!("check --isolated -f {format} missing.csv big.csv"),
            );
            assert_eq!(code, 0, "{format}");
        }
    }
    let codes: Vec<String> = (0..400)
        .map(|i| format!("Z{:02}.{}", i % 100, i % 10))
        .collect();
    // 0 when it stopped at the closed pipe, 1 when it wrote everything
    // before (some of the codes do not exist); never a panic's 101.
    let code = into_head(dir.path(), &format!("lookup {}", codes.join(" ")));
    assert!(code == 0 || code == 1, "{code}");
    assert_eq!(into_head(dir.path(), "rules"), 0);
}

#[test]
fn config_errors_point_into_the_toml() {
    let cases = [
        (
            "selct = [\"ALL\"]\n",
            "unknown field `selct`",
            "dxlint.toml:1:1",
        ),
        (
            "[columns]\nclaim_id = \"ENC_NO\"\ndignoses = [\"A\"]\n",
            "unknown field `dignoses`",
            "dxlint.toml:3:1",
        ),
        (
            "[columns]\nlayout = \"diagonal\"\n",
            "unknown variant `diagonal`",
            "dxlint.toml:2:10",
        ),
        (
            "[columns]\ndiagnoses = \"DX_A\"\n",
            "invalid type: string \"DX_A\", expected a sequence",
            "dxlint.toml:2:13",
        ),
    ];
    for (toml, message, at) in cases {
        let dir = temp_dir();
        std::fs::write(dir.path().join("dxlint.toml"), toml).unwrap();
        let claims = root().join(fixture("bom.csv"));
        let r = run_in(dir.path(), &["check", claims.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{toml}");
        assert!(flat(&r.stderr).contains(message), "{toml}: {}", r.stderr);
        assert!(r.stderr.contains(at), "{toml}: {}", r.stderr);
    }
}

#[test]
fn a_column_map_naming_a_column_the_file_lacks() {
    let dir = temp_dir();
    std::fs::write(
        dir.path().join("dxlint.toml"),
        "[columns]\nclaim_id = \"ENC_NO\"\n",
    )
    .unwrap();
    let claims = root().join(fixture("bom.csv"));
    let r = run_in(
        dir.path(),
        &["check", "-f", "short", claims.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    let err = flat(&r.stderr);
    assert!(
        err.contains(
            "the column \"ENC_NO\" given for `claim_id` is not in the header. Columns found: \
             \"claim_id\", \"service_date\", \"dx1\", \"dx2\""
        ),
        "{err}"
    );
    assert!(err.contains("[columns] in dxlint.toml"), "{err}");
}
