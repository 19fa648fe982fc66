//! The in-memory form of one code set as the importers produce it, before it
//! is packed into a blob.
//!
//! This file is compiled twice: into the crate and, by path, into `build.rs`.
//! It may therefore use only `std` and its sibling `code.rs`.

use std::fmt;

use super::code::CodeKey;

/// Which kind of source file a code set was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// The Tabular List XML: chapters, sections, notes, 7th characters.
    TabularXml,
    /// The fixed-width order file: codes and titles only.
    OrderFile,
}

impl SourceKind {
    /// How labels and messages name the source.
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::TabularXml => "tabular XML",
            SourceKind::OrderFile => "order file",
        }
    }

    pub(crate) fn to_byte(self) -> u8 {
        match self {
            SourceKind::TabularXml => 0,
            SourceKind::OrderFile => 1,
        }
    }

    pub(crate) fn from_byte(b: u8) -> Option<SourceKind> {
        match b {
            0 => Some(SourceKind::TabularXml),
            1 => Some(SourceKind::OrderFile),
            _ => None,
        }
    }
}

/// The instructional note types of the Tabular List, one per XML element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoteKind {
    /// `inclusionTerm`: conditions coded here (synonyms, NOS terms).
    InclusionTerm,
    /// `includes`: further defines the content of the category.
    Includes,
    /// `excludes1`: "not coded here"; the two codes are never used together.
    Excludes1,
    /// `excludes2`: "not included here"; both codes may be used together.
    Excludes2,
    /// `codeFirst`: sequence the underlying condition first.
    CodeFirst,
    /// `useAdditionalCode`: add a code for the manifestation or detail.
    UseAdditionalCode,
    /// `codeAlso`: a second code may be needed; sequencing is discretionary.
    CodeAlso,
    /// `notes`: free-text notes.
    Note,
}

impl NoteKind {
    pub const ALL: [NoteKind; 8] = [
        NoteKind::InclusionTerm,
        NoteKind::Includes,
        NoteKind::Excludes1,
        NoteKind::Excludes2,
        NoteKind::CodeFirst,
        NoteKind::UseAdditionalCode,
        NoteKind::CodeAlso,
        NoteKind::Note,
    ];

    /// The XML element that carries notes of this kind.
    pub fn xml_element(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "inclusionTerm",
            NoteKind::Includes => "includes",
            NoteKind::Excludes1 => "excludes1",
            NoteKind::Excludes2 => "excludes2",
            NoteKind::CodeFirst => "codeFirst",
            NoteKind::UseAdditionalCode => "useAdditionalCode",
            NoteKind::CodeAlso => "codeAlso",
            NoteKind::Note => "notes",
        }
    }

    /// The kind whose XML element is `name`, if any.
    pub fn from_xml_element(name: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.xml_element() == name)
    }

    pub(crate) fn to_byte(self) -> u8 {
        match self {
            NoteKind::InclusionTerm => 0,
            NoteKind::Includes => 1,
            NoteKind::Excludes1 => 2,
            NoteKind::Excludes2 => 3,
            NoteKind::CodeFirst => 4,
            NoteKind::UseAdditionalCode => 5,
            NoteKind::CodeAlso => 6,
            NoteKind::Note => 7,
        }
    }
}

/// A note as written in the source: its kind and its text (trimmed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteData {
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct ChapterData {
    /// `1` .. `22`, as the XML writes it.
    pub number: String,
    /// The chapter title as written, range included: `Neoplasms (C00-D49)`.
    pub title: String,
    pub notes: Vec<NoteData>,
}

#[derive(Clone, Debug, Default)]
pub struct SectionData {
    /// The block's range: `A00-A09`, or one category (`T07`).
    pub id: String,
    /// The title as written, range included.
    pub title: String,
    /// Index into [`CodeSetData::chapters`].
    pub chapter: usize,
    /// The nearest wider block whose range covers this one (the tabular has
    /// blocks without codes of their own, such as `C00-C96` or `T20-T32`,
    /// whose notes apply to the narrower blocks that follow them).
    pub enclosing: Option<usize>,
    pub notes: Vec<NoteData>,
}

/// One 7th-character extension: `A` = `initial encounter for closed fracture`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExtensionData {
    pub ch: u8,
    pub meaning: String,
    /// Further terms the tabular lists under the extension.
    pub notes: Vec<String>,
}

/// A `sevenChrDef` (with its `sevenChrNote`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeventhDef {
    pub note: Option<String>,
    pub extensions: Vec<ExtensionData>,
}

impl SeventhDef {
    pub fn meaning(&self, ch: u8) -> Option<&str> {
        self.extensions
            .iter()
            .find(|e| e.ch == ch)
            .map(|e| e.meaning.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct EntryData {
    pub key: CodeKey,
    pub billable: bool,
    /// The long title.
    pub title: String,
    /// The short (abbreviated) title; `None` when the source has none.
    pub short_title: Option<String>,
    /// Index of the parent entry in [`CodeSetData::entries`].
    pub parent: Option<usize>,
    pub chapter: Option<usize>,
    pub section: Option<usize>,
    /// The 7th-character definition that applies (own or inherited), as an
    /// index into [`CodeSetData::seventh_defs`].
    pub seventh: Option<usize>,
    /// True for a full code made by appending a 7th character from
    /// [`EntryData::seventh`] to its parent.
    pub expanded: bool,
    /// Notes written on this code itself.
    pub notes: Vec<NoteData>,
}

impl EntryData {
    pub fn new(key: CodeKey, billable: bool, title: String) -> EntryData {
        EntryData {
            key,
            billable,
            title,
            short_title: None,
            parent: None,
            chapter: None,
            section: None,
            seventh: None,
            expanded: false,
            notes: Vec::new(),
        }
    }
}

/// One fiscal year's code set. Entries are in tabular order, and every
/// entry's descendants directly follow it (the importers check this).
#[derive(Clone, Debug)]
pub struct CodeSetData {
    pub fiscal_year: Option<u16>,
    pub kind: SourceKind,
    pub chapters: Vec<ChapterData>,
    pub sections: Vec<SectionData>,
    pub seventh_defs: Vec<SeventhDef>,
    pub entries: Vec<EntryData>,
}

impl CodeSetData {
    pub fn new(kind: SourceKind) -> CodeSetData {
        CodeSetData {
            fiscal_year: None,
            kind,
            chapters: Vec::new(),
            sections: Vec::new(),
            seventh_defs: Vec::new(),
            entries: Vec::new(),
        }
    }

    pub fn billable_count(&self) -> usize {
        self.entries.iter().filter(|e| e.billable).count()
    }

    /// The index of the 7th-character definition equal to `def`, adding it
    /// when new, so each distinct list is stored once.
    pub fn intern_seventh_def(&mut self, def: SeventhDef) -> usize {
        match self.seventh_defs.iter().position(|d| *d == def) {
            Some(i) => i,
            None => {
                self.seventh_defs.push(def);
                self.seventh_defs.len() - 1
            }
        }
    }
}

/// A problem in a source file. `line` is 1-based where the format has lines
/// that mean something (order file, TSV, and XML positions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: Option<usize>,
    pub message: String,
}

impl ImportError {
    pub fn new(message: impl Into<String>) -> ImportError {
        ImportError {
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(line: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// The data lines of a tab-separated table with a header line, as CMS's
/// editor tables come.
pub struct TsvTable<'a> {
    lines: std::iter::Enumerate<std::str::Split<'a, char>>,
}

impl<'a> TsvTable<'a> {
    /// Reads the header of `text` and finds the `required` columns in it:
    /// their positions, in the order asked. `expected` says in the error
    /// what the header must hold.
    pub fn open<const N: usize>(
        text: &'a str,
        required: [&str; N],
        expected: &str,
    ) -> Result<(TsvTable<'a>, [usize; N]), ImportError> {
        let mut lines = text.split('\n').enumerate();
        let Some((_, header)) = lines.next() else {
            return Err(ImportError::new("the file is empty"));
        };
        let names: Vec<&str> = header
            .trim_end_matches('\r')
            .split('\t')
            .map(str::trim)
            .collect();
        let mut columns = [0; N];
        for (column, name) in columns.iter_mut().zip(required) {
            *column = names.iter().position(|c| *c == name).ok_or_else(|| {
                ImportError::at_line(1, format!("no {name:?} column; {expected}"))
            })?;
        }
        Ok((TsvTable { lines }, columns))
    }
}

impl<'a> Iterator for TsvTable<'a> {
    /// A data line: its 1-based number and its fields, trimmed. Blank lines
    /// are skipped.
    type Item = (usize, Vec<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        for (n, raw) in self.lines.by_ref() {
            let line = raw.trim_end_matches('\r');
            if !line.trim().is_empty() {
                return Some((n + 1, line.split('\t').map(str::trim).collect()));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_tables_find_columns_by_name_and_skip_blank_lines() {
        let text = "flags\tcode \r\nA\tE11.9\r\n\r\n  \nB\tI10";
        let (rows, [code, flags]) = TsvTable::open(text, ["code", "flags"], "x").unwrap();
        assert_eq!([code, flags], [1, 0]);
        let rows: Vec<(usize, Vec<&str>)> = rows.collect();
        assert_eq!(rows, vec![(2, vec!["A", "E11.9"]), (5, vec!["B", "I10"])]);
    }

    #[test]
    fn tsv_tables_name_the_missing_column() {
        let err = TsvTable::open(
            "code\tstart_date",
            ["code", "flags"],
            "the header must be: code, flags",
        )
        .err()
        .unwrap();
        assert_eq!(
            err,
            ImportError::at_line(1, "no \"flags\" column; the header must be: code, flags")
        );
        let empty = TsvTable::open("", ["code"], "x").err().unwrap();
        assert_eq!(empty.line, Some(1));
    }
}
