//! Errors that stop a whole input file from being read. Every message names
//! the file (and the line, where one is involved), because a run reads many
//! files and the user has to know which one to fix.
//!
//! Problems with single rows are not errors: they are
//! [`MalformedRow`](super::events::MalformedRow) events and reading goes on.

use std::fmt;
use std::io;

/// How many header names an error message lists before summarising the rest.
const LIST_LIMIT: usize = 40;

#[derive(Debug, miette::Diagnostic)]
pub enum InputError {
    /// The file could not be opened.
    #[diagnostic(code(dxlint::input::open))]
    Open { path: String, source: io::Error },
    /// Reading failed part way (disk error, corrupt gzip stream).
    #[diagnostic(code(dxlint::input::read))]
    Read {
        file: String,
        line: u64,
        source: io::Error,
    },
    /// The input is not delimited text: an archive, a workbook, a binary
    /// file, UTF-16 text.
    #[diagnostic(code(dxlint::input::not_text))]
    NotText {
        file: String,
        /// What it is instead, e.g. "the file is a zip archive ...".
        what: String,
        #[help]
        help: String,
    },
    /// The first line is a data row, not a header: the columns have no names.
    /// `evidence` says which fields look like data, never what they hold.
    #[diagnostic(
        code(dxlint::input::no_header),
        help(
            "add a header line naming the columns, e.g. claim_id,service_date,dx1,dx2; names dxlint \
             does not recognise are then mapped with --claim-id-column, --service-date-column and \
             --dx-columns, or in [columns] in dxlint.toml"
        )
    )]
    NoHeader { file: String, evidence: String },
    /// The header line cannot be read as a record. Its cells are not
    /// listed: when the quoting is broken they may be data.
    #[diagnostic(
        code(dxlint::input::header),
        help(
            "the first line must name the columns, separated by the delimiter, with quotes closed"
        )
    )]
    BadHeader { file: String, reason: String },
    /// The file has no header line.
    #[diagnostic(
        code(dxlint::input::empty),
        help("the first line of a claims or member file must name its columns")
    )]
    Empty { file: String },
    /// No column holds diagnosis codes.
    #[diagnostic(
        code(dxlint::input::no_diagnosis_column),
        help(
            "name the diagnosis columns in dxlint.toml, e.g. [columns] diagnoses = [\"DX_A\", \"DX_B\"]"
        )
    )]
    NoDiagnosisColumn { file: String, found: Vec<String> },
    /// A column named in the configuration is not in the header.
    #[diagnostic(
        code(dxlint::input::unknown_column),
        help(
            "names given in [columns] in dxlint.toml or with --claim-id-column, \
             --service-date-column and --dx-columns must be in the file's header (case, spaces \
             and punctuation are ignored)"
        )
    )]
    UnknownColumn {
        file: String,
        setting: &'static str,
        name: String,
        found: Vec<String>,
    },
    /// The columns found cannot be read as the configured or detected layout.
    #[diagnostic(code(dxlint::input::layout))]
    Layout {
        file: String,
        message: String,
        found: Vec<String>,
    },
    /// A member file lacks a column it needs.
    #[diagnostic(code(dxlint::input::member_columns))]
    MemberColumns {
        file: String,
        missing: &'static str,
        expected: &'static str,
        found: Vec<String>,
    },
}

impl InputError {
    /// The file the error is about, as the user named it.
    pub fn file(&self) -> &str {
        match self {
            InputError::Open { path, .. } => path,
            InputError::Read { file, .. }
            | InputError::NotText { file, .. }
            | InputError::NoHeader { file, .. }
            | InputError::BadHeader { file, .. }
            | InputError::Empty { file }
            | InputError::NoDiagnosisColumn { file, .. }
            | InputError::UnknownColumn { file, .. }
            | InputError::Layout { file, .. }
            | InputError::MemberColumns { file, .. } => file,
        }
    }
}

/// Writes `a, b, c` (quoted), cut after [`LIST_LIMIT`] names.
fn write_list(f: &mut fmt::Formatter<'_>, names: &[String]) -> fmt::Result {
    if names.is_empty() {
        return f.write_str("(none)");
    }
    for (i, n) in names.iter().take(LIST_LIMIT).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{n:?}")?;
    }
    if names.len() > LIST_LIMIT {
        write!(f, " and {} more", names.len() - LIST_LIMIT)?;
    }
    Ok(())
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Open { path, source } => write!(f, "cannot open {path}: {source}"),
            InputError::Read { file, line, source } => {
                write!(f, "{file}:{line}: reading failed: {source}")
            }
            InputError::NotText { file, what, .. } => write!(f, "{file}: {what}"),
            InputError::NoHeader { file, evidence } => write!(
                f,
                "{file}: the first line looks like data, not a header ({evidence}); dxlint reads \
                 the column names from the first line"
            ),
            InputError::BadHeader { file, reason } => write!(f, "{file}: {reason}"),
            InputError::Empty { file } => write!(f, "{file}: the file is empty (no header line)"),
            InputError::NoDiagnosisColumn { file, found } => {
                write!(
                    f,
                    "{file}: no diagnosis column found. Expected a principal column \
                     (principal_dx, pdx, prncpal_dgns_cd, principal_diagnosis), numbered columns \
                     (dx1, dx_1, diag1, diagnosis1, diagnosis_code_1, icd_dgns_cd1, icd10_dx_1, ...), \
                     or, with one row per diagnosis, a code column (code, dx, dx_code, \
                     diagnosis_code, icd10) beside a claim id. Columns found: "
                )?;
                write_list(f, found)
            }
            InputError::UnknownColumn {
                file,
                setting,
                name,
                found,
            } => {
                write!(
                    f,
                    "{file}: the column {name:?} given for `{setting}` is not in the header. Columns found: "
                )?;
                write_list(f, found)
            }
            InputError::Layout {
                file,
                message,
                found,
            } => {
                write!(f, "{file}: {message}. Columns found: ")?;
                write_list(f, found)
            }
            InputError::MemberColumns {
                file,
                missing,
                expected,
                found,
            } => {
                write!(
                    f,
                    "{file}: no {missing} column in the member file (expected one of {expected}). Columns found: "
                )?;
                write_list(f, found)
            }
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Open { source, .. } | InputError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file() {
        let e = InputError::NoDiagnosisColumn {
            file: "claims.csv".into(),
            found: (0..45).map(|i| format!("c{i}")).collect(),
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with("claims.csv: no diagnosis column found."),
            "{msg}"
        );
        assert!(msg.contains("\"c39\" and 5 more"), "{msg}");
        assert_eq!(e.file(), "claims.csv");
        let e = InputError::Read {
            file: "x.csv.gz".into(),
            line: 12,
            source: io::Error::new(io::ErrorKind::UnexpectedEof, "truncated"),
        };
        assert_eq!(e.to_string(), "x.csv.gz:12: reading failed: truncated");
        assert!(std::error::Error::source(&e).is_some());
        let code = miette::Diagnostic::code(&e).map(|c| c.to_string());
        assert_eq!(code.as_deref(), Some("dxlint::input::read"));
    }
}
