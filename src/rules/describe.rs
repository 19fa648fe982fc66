//! How the guideline rules name codes in their messages, and which claims
//! they can speak for.

use crate::codeset::code::CodeKey;
use crate::codeset::registry::{Basis, Edition};
use crate::engine::context::ClaimContext;

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

/// Is the claim's service date one that some code set speaks for? A claim
/// dated outside every release and the MCE timeline (before ICD-10-CM began
/// on 2015-10-01, for one) is checked for validity against the newest
/// release, but the notes and MCE lists of that release say nothing true
/// about its date, so the guideline rules pass it over. Claims without a
/// usable date are checked against the newest release like every rule does.
pub fn date_is_covered(ctx: &ClaimContext<'_>) -> bool {
    ctx.service_date.is_none() || ctx.edition.basis() != Basis::Fallback
}
