//! What is known about one code, as data: title, billable status in each
//! release, validity dates, MCE edits, place in the classification, billable
//! codes below a header, 7th characters and notes.
//!
//! `dxlint lookup` prints it as text; the language server shows it as
//! Markdown on hover. Neither formats anything here.

use crate::codeset::code::CodeKey;
use crate::codeset::registry::CodeSets;
use crate::codeset::version::{NoteKind, NoteOrigin, Version};
use crate::date::DateRange;

/// The note kinds shown, in the order shown, with their labels.
pub const NOTE_KINDS: [(NoteKind, &str); 6] = [
    (NoteKind::Excludes1, "Excludes1"),
    (NoteKind::Excludes2, "Excludes2"),
    (NoteKind::CodeFirst, "Code first"),
    (NoteKind::UseAdditionalCode, "Use additional code"),
    (NoteKind::CodeAlso, "Code also"),
    (NoteKind::Includes, "Includes"),
];

/// A code's standing in one release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Valid for submission.
    Billable,
    /// Not billable: a 7th character (with placeholder X where needed) is missing.
    NeedsSeventhCharacter,
    /// Not billable: a category or subcategory with this many billable codes below it.
    Header { billable_below: usize },
}

/// A code's standing in a release other than the one described.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherYear {
    Billable,
    Header,
    Absent,
}

/// One note, and where in the hierarchy it is written when not on the code itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    /// `from T81`, `from section E08-E13`, `from chapter 4`; `None` when the
    /// note is on the code itself.
    pub from: Option<String>,
}

/// The notes of one kind (Excludes1, Code first, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteGroup {
    pub label: &'static str,
    pub notes: Vec<Note>,
}

/// Everything `describe` found about a code.
#[derive(Clone, Debug)]
pub struct CodeInfo {
    pub key: CodeKey,
    pub title: String,
    /// The short title, when it differs from the title.
    pub short_title: Option<String>,
    /// The fiscal year of the release described.
    pub fiscal_year: u16,
    pub status: Status,
    /// The code in the other loaded releases, by fiscal year.
    pub other_years: Vec<(u16, OtherYear)>,
    /// Where CMS's MCE timeline (or a release outside it) has the code valid
    /// for submission, adjacent periods merged.
    pub valid_dates: Vec<DateRange>,
    /// The MCE edit flags of the code's latest timeline period.
    pub mce_edits: Vec<String>,
    /// (code, title) of the parent.
    pub parent: Option<(CodeKey, String)>,
    /// (number, title) of the chapter.
    pub chapter: Option<(String, String)>,
    /// (range, title) of the section.
    pub section: Option<(String, String)>,
    /// For a code that is not billable: the billable codes below it, in tabular order.
    pub billable_below: Vec<(CodeKey, String)>,
    /// (character, meaning) when the code takes a 7th character.
    pub seventh_characters: Vec<(char, String)>,
    /// Notes by kind, in [`NOTE_KINDS`] order; kinds without notes are left out.
    pub notes: Vec<NoteGroup>,
}

/// Describes `key` as `version` has it, or as the newest other loaded release
/// that has it. `None` when no loaded release knows the code.
pub fn describe(sets: &CodeSets, version: &Version, key: CodeKey) -> Option<CodeInfo> {
    let (version, entry) = match version.get(key) {
        Some(e) => (version, e),
        None => sets.release_with(key, 0)?,
    };
    let title = entry.title().into_owned();
    let short = entry.short_title();
    let short_title = (short != title).then(|| short.into_owned());
    let billable_below: Vec<(CodeKey, String)> = if entry.is_billable() {
        Vec::new()
    } else {
        entry
            .billable_descendants()
            .map(|e| (e.key(), e.title().into_owned()))
            .collect()
    };
    let status = if entry.is_billable() {
        Status::Billable
    } else if entry.requires_seventh_character() {
        Status::NeedsSeventhCharacter
    } else {
        Status::Header {
            billable_below: billable_below.len(),
        }
    };
    let other_years = sets
        .versions()
        .filter(|v| v.fiscal_year() != version.fiscal_year())
        .map(|v| {
            let standing = match v.get(key) {
                Some(e) if e.is_billable() => OtherYear::Billable,
                Some(_) => OtherYear::Header,
                None => OtherYear::Absent,
            };
            (v.fiscal_year(), standing)
        })
        .collect();
    let mce_edits = sets
        .timeline()
        .periods(key)
        .last()
        .map(|p| p.flags.names().map(str::to_string).collect())
        .unwrap_or_default();
    let seventh_characters = entry
        .seventh_characters()
        .map(|chars| {
            chars
                .iter()
                .map(|(ch, meaning)| (char::from(ch), meaning.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let notes = NOTE_KINDS
        .iter()
        .filter_map(|&(kind, label)| {
            let notes: Vec<Note> = entry
                .inherited_notes(kind)
                .into_iter()
                .map(|n| Note {
                    text: n.text.to_string(),
                    from: match n.from {
                        NoteOrigin::Code(k) if k == key => None,
                        NoteOrigin::Code(k) => Some(k.to_string()),
                        NoteOrigin::Section(id) => Some(format!("section {id}")),
                        NoteOrigin::Chapter(c) => Some(format!("chapter {c}")),
                    },
                })
                .collect();
            (!notes.is_empty()).then_some(NoteGroup { label, notes })
        })
        .collect();
    Some(CodeInfo {
        key,
        title,
        short_title,
        fiscal_year: version.fiscal_year(),
        status,
        other_years,
        valid_dates: sets.validity_periods(key),
        mce_edits,
        parent: entry.parent().map(|p| (p.key(), p.title().into_owned())),
        chapter: entry
            .chapter()
            .map(|c| (c.number.to_string(), c.title.to_string())),
        section: entry
            .section()
            .map(|s| (s.id.to_string(), s.title.to_string())),
        billable_below,
        seventh_characters,
        notes,
    })
}

impl Status {
    /// `billable (valid for submission)`, `not billable: needs a 7th character`,
    /// `not billable: header with 3 billable codes below`.
    pub fn describe(self) -> String {
        match self {
            Status::Billable => "billable (valid for submission)".to_string(),
            Status::NeedsSeventhCharacter => "not billable: needs a 7th character".to_string(),
            Status::Header { billable_below } => {
                format!("not billable: header with {billable_below} billable codes below")
            }
        }
    }
}

/// `2015-10-01 .. 2024-09-30, 2025-10-01 .. 2027-03-31`.
pub fn date_spans(periods: &[DateRange]) -> String {
    periods
        .iter()
        .map(|p| format!("{} .. {}", p.start, p.end))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_its_billable_codes() {
        let sets = CodeSets::embedded();
        let key = CodeKey::parse("Z53.2").unwrap();
        let info = describe(&sets, sets.newest(), key).unwrap();
        assert_eq!(info.status, Status::Header { billable_below: 3 });
        assert_eq!(
            info.billable_below
                .iter()
                .map(|(k, _)| k.to_string())
                .collect::<Vec<_>>(),
            ["Z53.20", "Z53.21", "Z53.29"]
        );
        assert!(
            info.title
                .starts_with("Procedure and treatment not carried out")
        );
    }

    #[test]
    fn unknown_codes_are_none() {
        let sets = CodeSets::embedded();
        let key = CodeKey::parse("Q99.999").unwrap();
        assert!(describe(&sets, sets.newest(), key).is_none());
    }

    #[test]
    fn notes_name_where_they_come_from() {
        let sets = CodeSets::embedded();
        let key = CodeKey::parse("E11.9").unwrap();
        let info = describe(&sets, sets.newest(), key).unwrap();
        assert_eq!(info.status, Status::Billable);
        assert!(
            info.notes
                .iter()
                .flat_map(|g| &g.notes)
                .any(|n| n.from.is_some())
        );
    }
}
