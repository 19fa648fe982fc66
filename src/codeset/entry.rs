//! One code of a [`Version`](super::Version) and what hangs off it: titles,
//! hierarchy, chapter and section, 7th characters, notes; and the iterators
//! that walk a version in tabular order.
//!
//! Entries are in tabular order with every code's descendants right after
//! it, and each record stores where its block ends, so children and
//! descendants are index ranges: no lookups, no allocation.

use std::borrow::Cow;
use std::fmt;

use super::blob::{NoteRange, VersionBlob};
use super::blob_format::record;
use super::code::CodeKey;
use super::model::NoteKind;

/// One code of a [`Version`](super::Version).
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    v: &'a VersionBlob,
    i: u32,
}

impl<'a> Entry<'a> {
    pub(crate) fn new(v: &'a VersionBlob, i: u32) -> Entry<'a> {
        Entry { v, i }
    }

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

    /// Appends the title as [`Entry::title`] spells it to `out`, without
    /// allocating a composed title (the title search asks this of every
    /// code it meets).
    pub fn write_title(&self, out: &mut String) {
        if let Some(offset) = self.v.title_offset(self.i) {
            out.push_str(self.v.string(offset));
            return;
        }
        if let Some(parent) = self.parent() {
            parent.write_title(out);
        }
        if let Some((_, meaning)) = self.seventh_character() {
            out.push_str(", ");
            out.push_str(meaning);
        }
    }

    /// [`text_signature`](super::text_signature) of the
    /// lower-cased title: a text whose signature has a bit this lacks is
    /// not in the title.
    pub fn title_signature(&self) -> u64 {
        self.v.title_signature(self.i)
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
        Descendants::of(self.v, self.i, None)
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
        let mut out = Vec::new();
        self.for_each_note_group(kind, |group| {
            out.extend(group.texts().map(|text| InheritedNote {
                from: group.from,
                text,
            }));
        });
        out
    }

    /// The notes of `kind` that apply to this code, a group per code,
    /// section or chapter they are written on, nearest first (the order of
    /// [`Entry::inherited_notes`]): the code's own groups
    /// ([`Entry::for_each_own_note_group`]), then each ancestor's.
    pub fn for_each_note_group(&self, kind: NoteKind, mut f: impl FnMut(NoteGroup<'a>)) {
        for code in std::iter::once(*self).chain(self.ancestors()) {
            code.for_each_own_note_group(kind, &mut f);
        }
    }

    /// The groups of `kind` notes written on this code itself; for a
    /// category (no parent), also those of the sections around it and of
    /// its chapter. A code inherits these and its parent's. Groups without
    /// such notes are skipped without decoding any text.
    pub fn for_each_own_note_group(&self, kind: NoteKind, mut f: impl FnMut(NoteGroup<'a>)) {
        let v = self.v;
        // Where a group is written is decoded only for groups that have
        // notes of `kind`: a code meets every section around it.
        let mut visit = |range: NoteRange, from: &dyn Fn() -> NoteOrigin<'a>| {
            if v.has_note_kind(range, kind) {
                f(NoteGroup {
                    v,
                    from: from(),
                    range,
                    kind,
                });
            }
        };
        visit(v.notes_of(self.i), &|| NoteOrigin::Code(self.key()));
        if v.parent(self.i).is_some() {
            return;
        }
        let mut section = v.section_of(self.i);
        while let Some(s) = section {
            let (notes, enclosing) = v.section_notes(s);
            visit(notes, &|| NoteOrigin::Section(v.section(s).0));
            section = enclosing.filter(|&e| e != s);
        }
        if let Some(c) = v.chapter_of(self.i) {
            let (number, _, notes) = v.chapter(c);
            visit(notes, &|| NoteOrigin::Chapter(number));
        }
    }
}

/// The notes of one kind written on one code, section or chapter.
#[derive(Clone, Copy)]
pub struct NoteGroup<'a> {
    v: &'a VersionBlob,
    pub from: NoteOrigin<'a>,
    range: NoteRange,
    kind: NoteKind,
}

impl<'a> NoteGroup<'a> {
    /// A number no other group of the same kind in the release has, so
    /// that what is derived from a group can be kept once for every code
    /// that inherits it.
    pub fn id(&self) -> u32 {
        self.range.start
    }

    /// The notes' texts, in tabular order.
    pub fn texts(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        notes_in(self.v, self.range, self.kind)
    }
}

fn notes_in<'a>(
    v: &'a VersionBlob,
    range: NoteRange,
    kind: NoteKind,
) -> impl Iterator<Item = &'a str> + use<'a> {
    let want = kind.to_byte();
    (range.start..range.start + range.len)
        .filter(move |&n| v.note_kind_byte(n) == want)
        .map(move |n| v.note_text(n))
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
        let (first, len) = v.seventh_range(self.def);
        (first..first + len).map(move |x| {
            let (ch, meaning, _) = v.extension(x);
            (ch, meaning)
        })
    }

    /// The meaning of 7th character `ch` (any case).
    pub fn get(&self, ch: u8) -> Option<&'a str> {
        let ch = ch.to_ascii_uppercase();
        let (first, len) = self.v.seventh_range(self.def);
        // Characters are compared in place; only the match's text is read.
        (first..first + len)
            .find(|&x| self.v.extension_char(x) == ch)
            .map(|x| self.v.extension(x).1)
    }

    pub fn contains(&self, ch: u8) -> bool {
        self.get(ch).is_some()
    }

    /// The characters as a string: `ADS`.
    pub fn chars(&self) -> String {
        self.iter().map(|(c, _)| char::from(c)).collect()
    }

    pub fn len(&self) -> usize {
        self.v.seventh_range(self.def).1 as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tabular's `sevenChrNote` ("The appropriate 7th character is to be
    /// added to each code from category S72").
    pub fn note(&self) -> Option<&'a str> {
        self.v.seventh_note(self.def)
    }

    /// Further terms listed under character `ch` ("initial encounter for
    /// open fracture NOS" under `B`).
    pub fn notes_for(&self, ch: u8) -> impl Iterator<Item = &'a str> + use<'a> {
        let v = self.v;
        let ch = ch.to_ascii_uppercase();
        let (first, len) = v.seventh_range(self.def);
        (first..first + len)
            .filter(move |&x| v.extension_char(x) == ch)
            .flat_map(move |x| notes_in(v, v.extension(x).2, NoteKind::Note))
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

impl<'a> Entries<'a> {
    pub(crate) fn all(v: &'a VersionBlob) -> Entries<'a> {
        Entries {
            v,
            next: 0,
            end: v.entry_count,
        }
    }
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

impl<'a> Descendants<'a> {
    /// The block below entry `i`, optionally only codes starting with `prefix`.
    pub(crate) fn of(v: &'a VersionBlob, i: u32, prefix: Option<CodeKey>) -> Descendants<'a> {
        Descendants {
            v,
            next: i + 1,
            end: v.subtree_end(i),
            prefix,
        }
    }

    pub(crate) fn empty(v: &'a VersionBlob) -> Descendants<'a> {
        Descendants {
            v,
            next: 0,
            end: 0,
            prefix: None,
        }
    }
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
    fn written_titles_are_the_titles() {
        let mut composed = 0;
        for v in crate::codeset::version::Version::embedded() {
            let mut out = String::new();
            for e in v.entries() {
                out.clear();
                e.write_title(&mut out);
                let title = e.title();
                assert_eq!(out, title, "{}", e.key());
                composed += usize::from(matches!(title, Cow::Owned(_)));
            }
        }
        assert!(composed > 10_000, "{composed} composed titles");
    }

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
