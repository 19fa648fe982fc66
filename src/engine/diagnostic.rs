//! What the engine hands to reporters: one finding on one cell of one row.
//!
//! A diagnostic is plain data. It never formats itself; each reporter in
//! `report/` decides how it looks.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" | "deny" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rule comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RuleOrigin {
    /// Written in Rust, in `src/rules/`.
    Native,
    /// Declared in a TOML rule pack; `pack` is its name, `path` where it was read
    /// (`rules/<name>.toml` for the packs compiled into the binary).
    Pack { pack: String, path: String },
}

/// A rule's identity and documentation, shared by every diagnostic it emits.
#[derive(Clone, Debug, Serialize)]
pub struct RuleMeta {
    /// Stable code, e.g. `DX101`.
    pub code: String,
    /// Readable kebab-case name, e.g. `non-billable-code`.
    pub name: String,
    /// Rule group (validity, data, sequencing, combinations, demographics, poa, ...).
    pub group: String,
    pub default_severity: Severity,
    /// Whether the rule runs unless selected explicitly.
    pub enabled_by_default: bool,
    /// One line: what the rule finds.
    pub summary: String,
    /// Markdown: what it does, why it matters, example, fix, references.
    pub explanation: String,
    /// Where the rule's content comes from (guideline section, MCE edit, ...).
    pub source: String,
    pub origin: RuleOrigin,
}

/// A rule as diagnostics refer to it: cheap to clone.
pub type RuleRef = Arc<RuleMeta>;

/// A place in an input file. Lines and columns are 1-based; the column is a
/// byte column of the cell's first byte in its physical line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as the user named it (`-` reads as `<stdin>`).
    pub file: Arc<str>,
    pub line: u64,
    pub column: u32,
    /// Byte length of the cell as written (0 when the finding is about a whole row).
    #[serde(skip)]
    pub len: u32,
    /// The column header of the cell, when the finding is about one cell.
    pub field: Option<Arc<str>>,
}

/// The diagnosis code a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeRef {
    /// The cell's text as written (trimmed of padding).
    pub raw: String,
    /// The dotted canonical form, when the text is shaped like a code.
    pub canonical: Option<String>,
}

/// A replacement the user may want, e.g. a billable child of a header code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The text to put in the cell (a dotted code).
    pub replacement: String,
    /// What it means (the code's title).
    pub title: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    #[serde(serialize_with = "serialize_rule")]
    pub rule: RuleRef,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub location: Location,
    pub claim_id: Option<String>,
    pub code: Option<CodeRef>,
    pub suggestions: Vec<Suggestion>,
    /// The physical line the location points into, for reports that show it
    /// (the human report). Kept only when a reporter asks for it.
    #[serde(skip)]
    pub source_line: Option<Arc<str>>,
}

fn serialize_rule<S: serde::Serializer>(rule: &RuleRef, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Rule", 2)?;
    st.serialize_field("code", &rule.code)?;
    st.serialize_field("name", &rule.name)?;
    st.end()
}
