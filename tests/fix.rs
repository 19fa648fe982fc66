//! `check --fix` and `check --diff`: only the spelling of codes changes,
//! every other byte of the file stays, and the file is replaced atomically.

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;

mod common;
use common::{run_in as run, scratch};

/// BOM, CRLF, quotes, padding, lower case, dotless codes among dotted ones,
/// an ICD-9 claim, a header code and a code-like note that is not a
/// diagnosis column.
const BEFORE: &str = "\u{feff}claim_id,service_date,dx1,dx2,dx3,code_type,note\r\n\
A1,2025-11-04,e11.9,\" i10 \",Z53.2,icd-10-cm,e119\r\n\
A2,2025-11-04,\"z5320\",  j069,,icd-10-cm,\"a, \"\"quoted\"\" note\"\r\n\
A3,2014-03-01,e8889,2500,,icd-9-cm,\r\n\
A4,2025-11-04,S72.001A,M54.50,K21.9,icd-10-cm,\r\n";

const AFTER: &str = "claim_id,service_date,dx1,dx2,dx3,code_type,note\r\n\
A1,2025-11-04,E11.9,\"I10\",Z53.2,icd-10-cm,e119\r\n\
A2,2025-11-04,\"Z53.20\",J06.9,,icd-10-cm,\"a, \"\"quoted\"\" note\"\r\n\
A3,2014-03-01,e8889,2500,,icd-9-cm,\r\n\
A4,2025-11-04,S72.001A,M54.50,K21.9,icd-10-cm,\r\n";

fn setup(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = scratch();
    let path = dir.path().join("claims.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn fix_rewrites_code_spellings_and_nothing_else() {
    let (dir, path) = setup(BEFORE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let r = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix",
            "--format",
            "short",
            "claims.csv",
        ],
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), AFTER);
    assert!(
        r.stderr
            .contains("dxlint: fixed 4 codes and 1 byte-order mark in 1 file"),
        "{}",
        r.stderr
    );
    // The check ran on the fixed file: the header code is still there (a
    // fix never picks a billable code), and it fails the run.
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("claims.csv:2:27: error[DX103 non-billable-code]"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    // The file kept its permissions and no temporary file is left behind.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["claims.csv"]);

    // A second run has nothing to do.
    let r = run(dir.path(), &["check", "--isolated", "--fix", "claims.csv"]);
    assert!(
        r.stderr.contains("dxlint: fixed 0 codes in 0 files"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), AFTER);
}

#[test]
fn diff_previews_without_writing() {
    let (dir, path) = setup(BEFORE);
    let r = run(dir.path(), &["check", "--isolated", "--diff", "claims.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BEFORE);
    let want = "--- a/claims.csv\n+++ b/claims.csv\n@@ -1,5 +1,5 @@\n\
-<BOM>claim_id,service_date,dx1,dx2,dx3,code_type,note\n\
+claim_id,service_date,dx1,dx2,dx3,code_type,note\n\
-A1,2025-11-04,e11.9,\" i10 \",Z53.2,icd-10-cm,e119\n\
+A1,2025-11-04,E11.9,\"I10\",Z53.2,icd-10-cm,e119\n\
-A2,2025-11-04,\"z5320\",  j069,,icd-10-cm,\"a, \"\"quoted\"\" note\"\n\
+A2,2025-11-04,\"Z53.20\",J06.9,,icd-10-cm,\"a, \"\"quoted\"\" note\"\n \
A3,2014-03-01,e8889,2500,,icd-9-cm,\n \
A4,2025-11-04,S72.001A,M54.50,K21.9,icd-10-cm,\n";
    assert_eq!(r.stdout, want);
    assert!(
        r.stderr
            .contains("would fix 4 codes and 1 byte-order mark in 1 file")
    );

    // A clean file: no diff, exit 0.
    std::fs::write(&path, AFTER).unwrap();
    let r = run(dir.path(), &["check", "--isolated", "--diff", "claims.csv"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn dotless_files_keep_their_style() {
    let text = "CLM_ID,CLM_FROM_DT,ICD_DGNS_CD1,ICD_DGNS_CD2\nX1,20251104,e119,Z5320\nX2,20251104,E11.9,i10\n";
    let (dir, path) = setup(text);
    let r = run(dir.path(), &["check", "--isolated", "--fix", "claims.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "CLM_ID,CLM_FROM_DT,ICD_DGNS_CD1,ICD_DGNS_CD2\nX1,20251104,E119,Z5320\nX2,20251104,E119,I10\n"
    );
}

#[test]
fn repeated_claim_lines_are_fixed_too() {
    // Claim lines repeat the claim's diagnoses (Tuva medical_claim): the
    // reader checks them once, the fix reaches every line.
    let text = "claim_id,claim_line_number,claim_start_date,diagnosis_code_1,diagnosis_code_2\n\
C1,1,2025-11-04,e119,k21.9\n\
C1,2,2025-11-04,e119,k21.9\n\
C1,3,2025-11-04,e119,k21.9\n";
    let (dir, path) = setup(text);
    let r = run(dir.path(), &["check", "--isolated", "--fix", "claims.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "claim_id,claim_line_number,claim_start_date,diagnosis_code_1,diagnosis_code_2\n\
C1,1,2025-11-04,E11.9,K21.9\n\
C1,2,2025-11-04,E11.9,K21.9\n\
C1,3,2025-11-04,E11.9,K21.9\n"
    );
}

#[test]
fn gzip_and_stdin_are_not_rewritten() {
    let dir = scratch();
    let gz = dir.path().join("claims.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(BEFORE.as_bytes()).unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::write(&gz, &bytes).unwrap();
    let r = run(
        dir.path(),
        &["check", "--isolated", "--fix", "claims.csv.gz"],
    );
    assert!(
        r.stderr
            .contains("note: claims.csv.gz not fixed: gzip files are not rewritten"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&gz).unwrap(), bytes);
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--isolated", "--fix", "-"])
        .write_stdin(BEFORE)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("standard input cannot be fixed in place")
    );
}
