//! One fiscal year's ICD-10-CM code set and the entries in it.
//!
//! A [`Version`] reads everything straight out of its blob: looking a code up
//! is one hash probe, and an [`Entry`] is a reference plus an index, so
//! nothing is allocated except titles computed on demand (the titles of
//! 7th-character codes, which the blob does not store).

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::blob::{NoteRange, VersionBlob};
use super::blob_format::record;
use super::code::CodeKey;
use super::error::LoadError;
use crate::date::{Date, DateRange};

pub use super::model::{NoteKind, SourceKind};

/// Where a version's data came from.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    Embedded,
    File(PathBuf),
}

/// One fiscal year's code set. `Send + Sync`; cheap to share by reference.
pub struct Version {
    blob: VersionBlob,
    origin: Origin,
    /// Distinct for every `Version` opened in this process.
    id: u64,
}

/// The next [`Version::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Version {
    /// The code sets built into dxlint (FY2025, FY2026), oldest first. The
    /// first call opens them (a header check each); later calls are free.
    pub fn embedded() -> &'static [Version] {
        super::embedded::versions()
    }

    /// The embedded version whose fiscal year contains `date`, if any.
    pub fn embedded_for(date: Date) -> Option<&'static Version> {
        Version::embedded()
            .iter()
            .find(|v| v.effective().contains(date))
    }

    /// Reads a code set released by CMS: an order file (`.txt`) or the
    /// Tabular List XML (`.xml`), either optionally gzip-compressed. The
    /// format is detected from the content; the fiscal year comes from the
    /// XML `<version>` element or else from a year in the file name.
    pub fn load(path: &Path) -> Result<Version, LoadError> {
        super::load::load_version(path)
    }

    pub(crate) fn from_blob(
        bytes: Cow<'static, [u8]>,
        strings: Cow<'static, [u8]>,
        origin: Origin,
    ) -> Result<Version, String> {
        Ok(Version {
            blob: VersionBlob::open(bytes, strings)?,
            origin,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// A number no other `Version` of this process has: a key for caches of
    /// what rules derive from a release (parsed notes), which must not mix
    /// two releases of the same fiscal year.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn fiscal_year(&self) -> u16 {
        self.blob.fiscal_year
    }

    /// The dates of service this code set applies to (FY N: N-1-10-01 to N-09-30).
    pub fn effective(&self) -> DateRange {
        DateRange::fiscal_year(self.fiscal_year())
    }

    /// `FY2026 (tabular XML, embedded)`, `FY2027 (order file, /path/to/file)`.
    pub fn label(&self) -> String {
        let source = match &self.origin {
            Origin::Embedded => "embedded".to_string(),
            Origin::File(path) => path.display().to_string(),
        };
        format!(
            "FY{} ({}, {source})",
            self.fiscal_year(),
            self.kind().describe()
        )
    }

    pub fn kind(&self) -> SourceKind {
        self.blob.kind
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self.origin, Origin::Embedded)
    }

    /// The file a run-time version was loaded from.
    pub fn source_path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Embedded => None,
            Origin::File(path) => Some(path),
        }
    }

    /// Number of codes, headers included.
    pub fn len(&self) -> usize {
        self.blob.entry_count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of codes valid for submission.
    pub fn billable_count(&self) -> usize {
        self.blob.billable_count as usize
    }

    /// Size of the packed records, index and tables in bytes, not counting
    /// the string table (which the embedded versions share).
    pub fn blob_size(&self) -> usize {
        self.blob.byte_len()
    }

    /// Size of the string table this version's text lives in.
    pub fn string_table_size(&self) -> usize {
        self.blob.strings_len()
    }

    /// The entry for `key`, if the code exists in this version (header or
    /// billable).
    pub fn get(&self, key: CodeKey) -> Option<Entry<'_>> {
        self.blob.find(key).map(|i| Entry { v: &self.blob, i })
    }

    pub fn contains(&self, key: CodeKey) -> bool {
        self.blob.find(key).is_some()
    }

    /// The chapters in tabular order (none for an order file).
    pub fn chapters(&self) -> impl Iterator<Item = Chapter<'_>> {
        (0..self.blob.chapter_count()).map(|c| {
            let (number, title, _) = self.blob.chapter(c as u8);
            Chapter { number, title }
        })
    }

    /// The sections (blocks) in tabular order, the code-less wider blocks
    /// (`C00-C96`) included (none for an order file).
    pub fn sections(&self) -> impl Iterator<Item = Section<'_>> {
        (0..self.blob.section_count()).map(|s| {
            let (id, title, ..) = self.blob.section(s as u16);
            Section { id, title }
        })
    }

    /// Every entry in tabular order.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            v: &self.blob,
            next: 0,
            end: self.blob.entry_count,
        }
    }

    /// Every code below `key` (not `key` itself) in tabular order. `key`
    /// need not be a code: `S0000X` yields `S00.00XA`, `S00.00XD`, ...
    pub fn descendants(&self, key: CodeKey) -> Descendants<'_> {
        if let Some(i) = self.blob.find(key) {
            return Descendants {
                v: &self.blob,
                next: i + 1,
                end: self.blob.subtree_end(i),
                prefix: None,
            };
        }
        // The codes starting with `key` all lie in the block of its longest
        // prefix that is a code.
        let holder = (3..key.len())
            .rev()
            .find_map(|len| self.blob.find(key.truncated(len)));
        match holder {
            Some(i) => Descendants {
                v: &self.blob,
                next: i + 1,
                end: self.blob.subtree_end(i),
                prefix: Some(key),
            },
            None => Descendants {
                v: &self.blob,
                next: 0,
                end: 0,
                prefix: None,
            },
        }
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({}, {} codes)", self.label(), self.len())
    }
}

/// One code of a [`Version`].
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    v: &'a VersionBlob,
    i: u32,
}

impl<'a> Entry<'a> {
    fn at(&self, i: u32) -> Entry<'a> {
        Entry { v: self.v, i }
    }

    pub fn key(&self) -> CodeKey {
        self.v.key(self.i)
    }

    /// Position in tabular order.
    pub fn index(&self) -> usize {
        self.i as usize
    }

    pub fn is_billable(&self) -> bool {
        self.v.flags(self.i) & record::FLAG_BILLABLE != 0
    }

    /// True for a full code made of its parent plus a 7th character.
    pub fn is_seventh_character_code(&self) -> bool {
        self.v.flags(self.i) & record::FLAG_EXPANDED != 0
    }

    /// The long title. Titles of 7th-character codes are built on demand
    /// from the parent's title and the character's meaning.
    pub fn title(&self) -> Cow<'a, str> {
        if let Some(offset) = self.v.title_offset(self.i) {
            return Cow::Borrowed(self.v.string(offset));
        }
        let parent = self.parent().map(|p| p.title()).unwrap_or_default();
        match self.seventh_character() {
            Some((_, meaning)) => Cow::Owned(format!("{parent}, {meaning}")),
            None => parent,
        }
    }

    /// The short (abbreviated) title; the long title where the source has none.
    pub fn short_title(&self) -> Cow<'a, str> {
        match self.v.short_offset(self.i) {
            Some(offset) => Cow::Borrowed(self.v.string(offset)),
            None => self.title(),
        }
    }

    pub fn parent(&self) -> Option<Entry<'a>> {
        self.v.parent(self.i).map(|p| self.at(p))
    }

    /// The parent, its parent, ... up to the category.
    pub fn ancestors(&self) -> impl Iterator<Item = Entry<'a>> + use<'a> {
        std::iter::successors(self.parent(), |e| e.parent())
    }

    /// The codes directly below this one, in tabular order.
    pub fn children(&self) -> Children<'a> {
        Children {
            v: self.v,
            next: self.i + 1,
            end: self.v.subtree_end(self.i),
        }
    }

    /// Every code below this one, in tabular order.
    pub fn descendants(&self) -> Descendants<'a> {
        Descendants {
            v: self.v,
            next: self.i + 1,
            end: self.v.subtree_end(self.i),
            prefix: None,
        }
    }

    pub fn billable_descendants(&self) -> impl Iterator<Item = Entry<'a>> + use<'a> {
        self.descendants().filter(Entry::is_billable)
    }

    pub fn chapter(&self) -> Option<Chapter<'a>> {
        self.v.chapter_of(self.i).map(|c| {
            let (number, title, _) = self.v.chapter(c);
            Chapter { number, title }
        })
    }

    pub fn section(&self) -> Option<Section<'a>> {
        self.v.section_of(self.i).map(|s| {
            let (id, title, ..) = self.v.section(s);
            Section { id, title }
        })
    }

    /// The 7th-character list that applies here (written on this code or an
    /// ancestor), with the S06 exception applied to the leaves it concerns.
    /// For a full 7-character code, the list its 7th character comes from.
    pub fn seventh_characters(&self) -> Option<SeventhChars<'a>> {
        self.v
            .seventh_of(self.i)
            .map(|def| SeventhChars { v: self.v, def })
    }

    /// For a 7th-character code, its 7th character and what it means.
    pub fn seventh_character(&self) -> Option<(u8, &'a str)> {
        if !self.is_seventh_character_code() {
            return None;
        }
        let key = self.key();
        let ch = *key.as_bytes().last()?;
        let meaning = self.seventh_characters()?.get(ch)?;
        Some((ch, meaning))
    }

    /// A header whose billable children are 7th-character codes (S72.001,
    /// T81.40, and S00.00 whose children are S00.00XA..).
    pub fn requires_seventh_character(&self) -> bool {
        self.v.flags(self.i) & record::FLAG_REQUIRES_SEVENTH != 0
    }

    /// The notes of `kind` written on this code itself.
    pub fn notes(&self, kind: NoteKind) -> impl Iterator<Item = &'a str> + use<'a> {
        notes_in(self.v, self.v.notes_of(self.i), kind)
    }

    /// The notes of `kind` that apply to this code: its own, then each
    /// ancestor's, then its section's (and the wider blocks around it), then
    /// its chapter's. Nearest first.
    pub fn inherited_notes(&self, kind: NoteKind) -> Vec<InheritedNote<'a>> {
        let v = self.v;
        let mut out = Vec::new();
        for code in std::iter::once(*self).chain(self.ancestors()) {
            let from = NoteOrigin::Code(code.key());
            out.extend(
                notes_in(v, v.notes_of(code.i), kind).map(|text| InheritedNote { from, text }),
            );
        }
        let mut section = v.section_of(self.i);
        while let Some(s) = section {
            let (id, _, notes, _, enclosing) = v.section(s);
            let from = NoteOrigin::Section(id);
            out.extend(notes_in(v, notes, kind).map(|text| InheritedNote { from, text }));
            section = enclosing.filter(|&e| e != s);
        }
        if let Some(c) = v.chapter_of(self.i) {
            let (number, _, notes) = v.chapter(c);
            let from = NoteOrigin::Chapter(number);
            out.extend(notes_in(v, notes, kind).map(|text| InheritedNote { from, text }));
        }
        out
    }
}

fn notes_in<'a>(
    v: &'a VersionBlob,
    range: NoteRange,
    kind: NoteKind,
) -> impl Iterator<Item = &'a str> + use<'a> {
    (range.start..range.start + range.len)
        .map(move |n| v.note(n))
        .filter(move |(k, _)| *k == kind)
        .map(|(_, text)| text)
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.v, other.v) && self.i == other.i
    }
}

impl Eq for Entry<'_> {}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Entry({} {:?})", self.key(), self.title())
    }
}

/// A chapter of the Tabular List.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chapter<'a> {
    /// `1` .. `22`.
    pub number: &'a str,
    /// As written, with its range: `Neoplasms (C00-D49)`.
    pub title: &'a str,
}

impl<'a> Chapter<'a> {
    /// The title without the trailing range: `Neoplasms`.
    pub fn name(&self) -> &'a str {
        split_range(self.title).0
    }

    /// The code range from the title: `C00-D49`.
    pub fn range(&self) -> Option<&'a str> {
        split_range(self.title).1
    }
}

/// A block (section) of a chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section<'a> {
    /// The block's range: `S70-S79`.
    pub id: &'a str,
    /// As written, with its range: `Injuries to the hip and thigh (S70-S79)`.
    pub title: &'a str,
}

impl<'a> Section<'a> {
    /// The title without the trailing range.
    pub fn name(&self) -> &'a str {
        split_range(self.title).0
    }
}

/// `Neoplasms (C00-D49)` -> (`Neoplasms`, `C00-D49`).
fn split_range(title: &str) -> (&str, Option<&str>) {
    if let Some(open) = title.rfind(" (")
        && let Some(range) = title[open + 2..].strip_suffix(')')
        && range.len() >= 3
        && range.starts_with(|c: char| c.is_ascii_alphabetic())
        && range.bytes().any(|b| b.is_ascii_digit())
        && range
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return (&title[..open], Some(range));
    }
    (title, None)
}

/// The 7th characters a code takes and what each means.
#[derive(Clone, Copy)]
pub struct SeventhChars<'a> {
    v: &'a VersionBlob,
    def: u16,
}

impl<'a> SeventhChars<'a> {
    /// (character, meaning) in the order the tabular lists them.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &'a str)> + use<'a> {
        let v = self.v;
        let (_, first, len) = v.seventh_def(self.def);
        (first..first + len).map(move |x| {
            let (ch, meaning, _) = v.extension(x);
            (ch, meaning)
        })
    }

    /// The meaning of 7th character `ch` (any case).
    pub fn get(&self, ch: u8) -> Option<&'a str> {
        let ch = ch.to_ascii_uppercase();
        self.iter().find(|(c, _)| *c == ch).map(|(_, m)| m)
    }

    pub fn contains(&self, ch: u8) -> bool {
        self.get(ch).is_some()
    }

    /// The characters as a string: `ADS`.
    pub fn chars(&self) -> String {
        self.iter().map(|(c, _)| char::from(c)).collect()
    }

    pub fn len(&self) -> usize {
        self.v.seventh_def(self.def).2 as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tabular's `sevenChrNote` ("The appropriate 7th character is to be
    /// added to each code from category S72").
    pub fn note(&self) -> Option<&'a str> {
        self.v.seventh_def(self.def).0
    }

    /// Further terms listed under character `ch` ("initial encounter for
    /// open fracture NOS" under `B`).
    pub fn notes_for(&self, ch: u8) -> impl Iterator<Item = &'a str> + use<'a> {
        let v = self.v;
        let ch = ch.to_ascii_uppercase();
        let (_, first, len) = v.seventh_def(self.def);
        (first..first + len)
            .map(move |x| v.extension(x))
            .filter(move |(c, ..)| *c == ch)
            .flat_map(move |(_, _, notes)| notes_in(v, notes, NoteKind::Note))
    }
}

impl fmt::Debug for SeventhChars<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(c, m)| (char::from(c), m)))
            .finish()
    }
}

/// Where an inherited note is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteOrigin<'a> {
    Code(CodeKey),
    /// A section by its id (`E08-E13`).
    Section(&'a str),
    /// A chapter by its number (`4`).
    Chapter(&'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InheritedNote<'a> {
    pub from: NoteOrigin<'a>,
    pub text: &'a str,
}

/// Every entry of a version in tabular order.
#[derive(Clone)]
pub struct Entries<'a> {
    v: &'a VersionBlob,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        (self.next < self.end).then(|| {
            self.next += 1;
            Entry {
                v: self.v,
                i: self.next - 1,
            }
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// The children of an entry: hops from subtree to subtree.
#[derive(Clone)]
pub struct Children<'a> {
    v: &'a VersionBlob,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.v.subtree_end(i).max(i + 1);
        Some(Entry { v: self.v, i })
    }
}

/// Entries of one block, optionally only those starting with a prefix.
#[derive(Clone)]
pub struct Descendants<'a> {
    v: &'a VersionBlob,
    next: u32,
    end: u32,
    prefix: Option<CodeKey>,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        while self.next < self.end {
            let i = self.next;
            self.next += 1;
            let Some(prefix) = self.prefix else {
                return Some(Entry { v: self.v, i });
            };
            let key = self.v.key(i);
            if key.starts_with(&prefix) {
                return Some(Entry { v: self.v, i });
            }
            if !prefix.starts_with(&key) {
                // Nothing in the block of a code off the prefix can match.
                self.next = self.v.subtree_end(i).max(i + 1);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_ranges_off_titles() {
        assert_eq!(
            split_range("Neoplasms (C00-D49)"),
            ("Neoplasms", Some("C00-D49"))
        );
        assert_eq!(split_range("Burns (T07)"), ("Burns", Some("T07")));
        assert_eq!(split_range("Acne (vulgaris)"), ("Acne (vulgaris)", None));
        assert_eq!(split_range("Cholera"), ("Cholera", None));
    }
}
