//! Errors of loading a code set or timeline at run time. Every message
//! names the file; parse problems also name the line.

use std::fmt;
use std::io;
use std::path::PathBuf;

use miette::Diagnostic;

/// Why `Version::load` or `Timeline::load` failed.
#[derive(Debug, Diagnostic)]
pub enum LoadError {
    /// The file could not be read.
    #[diagnostic(code(dxlint::codeset::read))]
    Io { path: PathBuf, source: io::Error },

    /// The file starts like gzip but does not decompress.
    #[diagnostic(
        code(dxlint::codeset::gzip),
        help(
            "the file looks gzip-compressed but is damaged; download it again or decompress it yourself"
        )
    )]
    Decompress { path: PathBuf, source: io::Error },

    /// Neither an order file nor a Tabular List XML.
    #[diagnostic(
        code(dxlint::codeset::format),
        help(
            "pass CMS's code-description order file (icd10cm_order_YYYY.txt) or the Tabular List XML \
             (icd10cm_tabular_YYYY.xml), optionally gzip-compressed"
        )
    )]
    UnknownFormat { path: PathBuf },

    /// No (or more than one) fiscal year could be found for the file.
    #[diagnostic(
        code(dxlint::codeset::fiscal_year),
        help(
            "put the fiscal year in the file name, as CMS does: icd10cm_order_2027.txt or \
             icd10cm-tabular-2027.xml (FY2027 covers dates of service 2026-10-01 to 2027-09-30)"
        )
    )]
    FiscalYear { path: PathBuf, candidates: Vec<u16> },

    /// The content does not follow the format.
    #[diagnostic(code(dxlint::codeset::parse))]
    Parse {
        path: PathBuf,
        what: &'static str,
        line: Option<usize>,
        message: String,
    },
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            LoadError::Io { path, .. }
            | LoadError::Decompress { path, .. }
            | LoadError::UnknownFormat { path }
            | LoadError::FiscalYear { path, .. }
            | LoadError::Parse { path, .. } => path,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            LoadError::Decompress { path, source } => {
                write!(f, "cannot decompress {}: {source}", path.display())
            }
            LoadError::UnknownFormat { path } => write!(
                f,
                "{} is neither an ICD-10-CM order file nor a Tabular List XML",
                path.display()
            ),
            LoadError::FiscalYear { path, candidates } if candidates.is_empty() => write!(
                f,
                "cannot tell which fiscal year {} is for: it has no <version> element and no year \
                 (20xx) in its name; rename it like icd10cm_order_2027.txt",
                path.display()
            ),
            LoadError::FiscalYear { path, candidates } => {
                let years: Vec<String> = candidates.iter().map(u16::to_string).collect();
                write!(
                    f,
                    "cannot tell which fiscal year {} is for: its name mentions {}; rename it like \
                     icd10cm_order_2027.txt",
                    path.display(),
                    years.join(" and ")
                )
            }
            LoadError::Parse {
                path,
                what,
                line: Some(line),
                message,
            } => {
                write!(
                    f,
                    "{}:{line}: {message} (reading it as {what})",
                    path.display()
                )
            }
            LoadError::Parse {
                path,
                what,
                line: None,
                message,
            } => {
                write!(f, "{}: {message} (reading it as {what})", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } | LoadError::Decompress { source, .. } => Some(source),
            _ => None,
        }
    }
}
