//! Running the `dxlint` binary from the integration tests.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (fixtures are named from here).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary gave back.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `dxlint ARGS`, run in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `dxlint ARGS`, run in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

/// A scratch folder under the build's target folder, removed when dropped.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// A payer's rule pack: one rule, ACME001, on M54.50.
pub const PAYER_PACK: &str = r#"
[pack]
name = "acme"
description = "Acme edits"
source = "Acme provider manual"
fiscal_year = 2026

[[rule]]
code = "ACME001"
name = "acme-unspecified-low-back-pain"
group = "payer"
severity = "error"
summary = "Acme denies unspecified low back pain"
explanation = "Flags M54.50 for Acme."
source = "Acme manual 7.3"
message = "Acme does not accept {code} ({title})"
help = "report M54.51 or M54.59"

[[rule.entry]]
codes = ["M54.50"]
cite = "Acme manual 7.3.2"
"#;
