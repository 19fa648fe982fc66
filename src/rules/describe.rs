//! How the guideline rules name codes in their messages.

use crate::codeset::code::CodeKey;
use crate::codeset::registry::Edition;

/// `E11.9 (Type 2 diabetes mellitus without complications)`, or the bare
/// code when no release knows its title.
pub fn titled(ed: &Edition<'_>, key: CodeKey) -> String {
    match ed.title(key) {
        Some(t) => format!("{key} ({t})"),
        None => key.dotted(),
    }
}

/// A note as the tabular prints it, its kind first: `Code first` and
/// `underlying disease, such as:` make `Code first underlying disease, such
/// as:`; `Code first` and `, if applicable, sepsis` make `Code first, if
/// applicable, sepsis`.
pub fn with_lead(lead: &str, text: &str) -> String {
    let text = text.trim();
    if text.starts_with([',', ':']) {
        format!("{lead}{text}")
    } else {
        format!("{lead} {text}")
    }
}
