//! Code validity: is each diagnosis a billable ICD-10-CM code on the claim's
//! date of service? The five rules split the answer "no" by its reason, so
//! each cell gets exactly one of them.

pub mod code_not_valid_on_service_date;
pub mod invalid_code_format;
pub mod missing_seventh_character;
pub mod non_billable_code;
pub mod suggest;
pub mod unknown_code;

use std::fmt::Write;

use crate::codeset::code::CodeKey;
use crate::codeset::registry::{Edition, Standing};

/// A header or placeholder form that only lacks its 7th character.
pub(crate) fn needs_seventh(ed: &Edition<'_>, key: CodeKey) -> bool {
    needs_seventh_at(ed, key, None)
}

/// [`needs_seventh`] for a code whose standing on the edition is already
/// known (`None`: look it up).
pub(crate) fn needs_seventh_at(ed: &Edition<'_>, key: CodeKey, standing: Option<Standing>) -> bool {
    key.len() < CodeKey::MAX_LEN
        && standing.unwrap_or_else(|| ed.standing(key)) != Standing::Billable
        && ed.requires_seventh_character(key)
}

/// The code is billable on some other date, or listed in another release.
pub(crate) fn exists_elsewhere(ed: &Edition<'_>, key: CodeKey) -> bool {
    let sets = ed.sets();
    !sets.validity_periods(key).is_empty()
        || sets.release_with(key, ed.version().fiscal_year()).is_some()
}

/// `CODE title` (`E11.9 Type 2 diabetes mellitus without complications`),
/// or the code alone when no release titles it.
pub(crate) fn code_with_title(ed: &Edition<'_>, key: CodeKey) -> String {
    let mut out = String::new();
    write_code_with_title(ed, key, &mut out);
    out
}

/// [`code_with_title`], written to `out`.
pub(crate) fn write_code_with_title(ed: &Edition<'_>, key: CodeKey, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{key}");
    if let Some(titled) = ed.titled_entry(key) {
        out.push(' ');
        titled.write_title(out);
    }
}
