//! Reading blobs (layout in `blob_format.rs`).
//!
//! Blobs are only ever produced by `blob_write.rs`: embedded ones by
//! `build.rs`, run-time ones in memory from a freshly parsed source file.
//! They are never read from disk, so opening checks the header and that the
//! sections fit, and field access trusts the writer for the rest.

use std::borrow::Cow;

use super::blob_format::{
    self as f, CHAPTER_LEN, DIR_SLOT_LEN, EXTENSION_LEN, HEADER_LEN, NONE_U8, NONE_U16, NONE_U32,
    SECTION_LEN, SEVENTH_DEF_LEN, record, version_header, version_section,
};
use super::code::CodeKey;
use super::model::{NoteKind, SourceKind};

/// Bytes plus the located sections of a blob with `N` sections.
pub(crate) struct Blob<const N: usize> {
    bytes: Cow<'static, [u8]>,
    sections: [(usize, usize); N],
}

impl<const N: usize> Blob<N> {
    pub(crate) fn open(bytes: Cow<'static, [u8]>, magic: [u8; 4]) -> Result<Blob<N>, String> {
        let b: &[u8] = &bytes;
        let dir_end = HEADER_LEN + N * DIR_SLOT_LEN;
        if b.len() < dir_end || b[..4] != magic {
            return Err("not a dxlint code-set blob".into());
        }
        let format = f::u16_at(b, 4);
        if format != f::FORMAT {
            return Err(format!("blob format {format}, expected {}", f::FORMAT));
        }
        let mut sections = [(0usize, 0usize); N];
        for (i, slot) in sections.iter_mut().enumerate() {
            let at = HEADER_LEN + i * DIR_SLOT_LEN;
            let start = f::u32_at(b, at) as usize;
            let len = f::u32_at(b, at + 4) as usize;
            if start < dir_end || start.checked_add(len).is_none_or(|end| end > b.len()) {
                return Err(format!("blob section {i} lies outside the blob"));
            }
            *slot = (start, start + len);
        }
        Ok(Blob { bytes, sections })
    }

    pub(crate) fn header(&self) -> &[u8] {
        &self.bytes[..HEADER_LEN]
    }

    pub(crate) fn section(&self, i: usize) -> &[u8] {
        let (start, end) = self.sections[i];
        &self.bytes[start..end]
    }

    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// Probes an open-addressing table of slots (record index + 1, 0 = empty,
/// and the key's tag, see [`f::HASH_SLOT_LEN`]) for `key`; `key_of` reads
/// the key of a candidate record whose tag agrees.
pub(crate) fn probe(table: &[u8], bits: u8, key: u64, key_of: impl Fn(u32) -> u64) -> Option<u32> {
    let mask = (1usize << bits) - 1;
    let tag = f::hash_tag(key);
    let mut slot = f::home_slot(key, bits);
    loop {
        let at = slot * f::HASH_SLOT_LEN;
        let v = f::u32_at(table, at);
        if v == 0 {
            return None;
        }
        if f::u32_at(table, at + 4) == tag && key_of(v - 1) == key {
            return Some(v - 1);
        }
        slot = (slot + 1) & mask;
    }
}

/// A run of notes in the note tables.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NoteRange {
    pub start: u32,
    pub len: u32,
}

/// A version blob with typed access to its records and tables.
pub(crate) struct VersionBlob {
    blob: Blob<{ version_section::COUNT }>,
    /// The string table the blob's text offsets point into.
    strings: Cow<'static, [u8]>,
    pub fiscal_year: u16,
    pub kind: SourceKind,
    hash_bits: u8,
    pub entry_count: u32,
    pub billable_count: u32,
    /// Stands in for a key the writer cannot have produced.
    placeholder: CodeKey,
}

impl VersionBlob {
    pub(crate) fn open(
        bytes: Cow<'static, [u8]>,
        strings: Cow<'static, [u8]>,
    ) -> Result<VersionBlob, String> {
        let blob = Blob::open(bytes, f::VERSION_MAGIC)?;
        let h = blob.header();
        let kind = SourceKind::from_byte(h[version_header::KIND])
            .ok_or_else(|| "unknown source kind in blob".to_string())?;
        let fiscal_year = f::u16_at(h, version_header::FISCAL_YEAR);
        let hash_bits = h[version_header::HASH_BITS];
        let entry_count = f::u32_at(h, version_header::ENTRY_COUNT);
        let billable_count = f::u32_at(h, version_header::BILLABLE_COUNT);
        let sized = |s: usize, unit: usize, count: Option<usize>| {
            let len = blob.section(s).len();
            len % unit == 0 && count.is_none_or(|c| len == c * unit)
        };
        let ok = (1..=31).contains(&hash_bits)
            && sized(
                version_section::RECORDS,
                record::LEN,
                Some(entry_count as usize),
            )
            && sized(
                version_section::HASH,
                f::HASH_SLOT_LEN,
                Some(1usize << hash_bits),
            )
            && sized(
                version_section::NOTE_TEXTS,
                4,
                Some(blob.section(version_section::NOTE_KINDS).len()),
            )
            && sized(version_section::CHAPTERS, CHAPTER_LEN, None)
            && sized(version_section::SECTIONS, SECTION_LEN, None)
            && sized(version_section::SEVENTH_DEFS, SEVENTH_DEF_LEN, None)
            && sized(version_section::EXTENSIONS, EXTENSION_LEN, None)
            && sized(
                version_section::TITLE_SIGNATURES,
                f::TITLE_SIGNATURE_LEN,
                Some(entry_count as usize),
            );
        if !ok {
            return Err("blob sections have inconsistent sizes".into());
        }
        let placeholder = CodeKey::from_dotless(b"ZZZ").ok_or("no placeholder key")?;
        Ok(VersionBlob {
            blob,
            strings,
            fiscal_year,
            kind,
            hash_bits,
            entry_count,
            billable_count,
            placeholder,
        })
    }

    /// Bytes of the blob itself, not counting a shared string table.
    pub(crate) fn byte_len(&self) -> usize {
        self.blob.len()
    }

    pub(crate) fn strings_len(&self) -> usize {
        self.strings.len()
    }

    fn rec(&self, i: u32) -> &[u8] {
        let at = i as usize * record::LEN;
        &self.blob.section(version_section::RECORDS)[at..at + record::LEN]
    }

    pub(crate) fn find(&self, key: CodeKey) -> Option<u32> {
        probe(
            self.blob.section(version_section::HASH),
            self.hash_bits,
            key.to_u64(),
            |i| f::u64_at(self.rec(i), record::KEY),
        )
    }

    pub(crate) fn key(&self, i: u32) -> CodeKey {
        // The writer stores keys made by CodeKey::to_u64 only.
        CodeKey::from_u64(f::u64_at(self.rec(i), record::KEY)).unwrap_or(self.placeholder)
    }

    pub(crate) fn parent(&self, i: u32) -> Option<u32> {
        some_u32(f::u32_at(self.rec(i), record::PARENT))
    }

    pub(crate) fn subtree_end(&self, i: u32) -> u32 {
        f::u32_at(self.rec(i), record::END)
    }

    pub(crate) fn title_offset(&self, i: u32) -> Option<u32> {
        some_u32(f::u32_at(self.rec(i), record::TITLE))
    }

    /// [`text_signature`](f::text_signature) of record `i`'s lower-cased
    /// long title.
    pub(crate) fn title_signature(&self, i: u32) -> u64 {
        let at = i as usize * f::TITLE_SIGNATURE_LEN;
        f::u64_at(self.blob.section(version_section::TITLE_SIGNATURES), at)
    }

    pub(crate) fn short_offset(&self, i: u32) -> Option<u32> {
        some_u32(f::u32_at(self.rec(i), record::SHORT))
    }

    pub(crate) fn notes_of(&self, i: u32) -> NoteRange {
        let r = self.rec(i);
        NoteRange {
            start: f::u32_at(r, record::NOTES_START),
            len: u32::from(f::u16_at(r, record::NOTES_LEN)),
        }
    }

    pub(crate) fn seventh_of(&self, i: u32) -> Option<u16> {
        some_u16(f::u16_at(self.rec(i), record::SEVENTH))
    }

    pub(crate) fn section_of(&self, i: u32) -> Option<u16> {
        some_u16(f::u16_at(self.rec(i), record::SECTION))
    }

    pub(crate) fn chapter_of(&self, i: u32) -> Option<u8> {
        let c = f::u8_at(self.rec(i), record::CHAPTER);
        (c != NONE_U8).then_some(c)
    }

    pub(crate) fn flags(&self, i: u32) -> u8 {
        f::u8_at(self.rec(i), record::FLAGS)
    }

    /// The string stored at `offset` in the string table.
    pub(crate) fn string(&self, offset: u32) -> &str {
        let table: &[u8] = &self.strings;
        let at = offset as usize;
        let (len, used) = f::read_varint(table, at);
        let start = at + used;
        let bytes = table.get(start..start + len as usize).unwrap_or_default();
        // The writer only stores `&str`s, so this never falls back.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// Does `range` hold a note of `kind`? Tests the kind bytes only.
    pub(crate) fn has_note_kind(&self, range: NoteRange, kind: NoteKind) -> bool {
        let kinds = self.blob.section(version_section::NOTE_KINDS);
        let (start, end) = (range.start as usize, (range.start + range.len) as usize);
        kinds
            .get(start..end)
            .is_some_and(|bytes| bytes.contains(&kind.to_byte()))
    }

    /// The kind byte of note `i` ([`NoteKind::to_byte`]), without decoding
    /// its text.
    pub(crate) fn note_kind_byte(&self, i: u32) -> u8 {
        self.blob.section(version_section::NOTE_KINDS)[i as usize]
    }

    pub(crate) fn note_text(&self, i: u32) -> &str {
        let offset = f::u32_at(
            self.blob.section(version_section::NOTE_TEXTS),
            i as usize * 4,
        );
        self.string(offset)
    }

    pub(crate) fn chapter_count(&self) -> usize {
        self.blob.section(version_section::CHAPTERS).len() / CHAPTER_LEN
    }

    pub(crate) fn section_count(&self) -> usize {
        self.blob.section(version_section::SECTIONS).len() / SECTION_LEN
    }

    /// (number, title, notes)
    pub(crate) fn chapter(&self, c: u8) -> (&str, &str, NoteRange) {
        let at = usize::from(c) * CHAPTER_LEN;
        let b = &self.blob.section(version_section::CHAPTERS)[at..at + CHAPTER_LEN];
        let notes = NoteRange {
            start: f::u32_at(b, 8),
            len: f::u32_at(b, 12),
        };
        (
            self.string(f::u32_at(b, 0)),
            self.string(f::u32_at(b, 4)),
            notes,
        )
    }

    /// A section's notes and its enclosing section, without decoding text.
    pub(crate) fn section_notes(&self, s: u16) -> (NoteRange, Option<u16>) {
        let b = self.section_record(s);
        let notes = NoteRange {
            start: f::u32_at(b, 8),
            len: f::u32_at(b, 12),
        };
        (notes, some_u16(f::u16_at(b, 18)))
    }

    fn section_record(&self, s: u16) -> &[u8] {
        let at = usize::from(s) * SECTION_LEN;
        &self.blob.section(version_section::SECTIONS)[at..at + SECTION_LEN]
    }

    /// (id, title, notes, chapter, enclosing section)
    pub(crate) fn section(&self, s: u16) -> (&str, &str, NoteRange, u16, Option<u16>) {
        let b = self.section_record(s);
        let (notes, enclosing) = self.section_notes(s);
        (
            self.string(f::u32_at(b, 0)),
            self.string(f::u32_at(b, 4)),
            notes,
            f::u16_at(b, 16),
            enclosing,
        )
    }

    fn seventh_record(&self, d: u16) -> &[u8] {
        let at = usize::from(d) * SEVENTH_DEF_LEN;
        &self.blob.section(version_section::SEVENTH_DEFS)[at..at + SEVENTH_DEF_LEN]
    }

    /// The note of 7th-character list `d`.
    pub(crate) fn seventh_note(&self, d: u16) -> Option<&str> {
        some_u32(f::u32_at(self.seventh_record(d), 0)).map(|o| self.string(o))
    }

    /// The extensions of 7th-character list `d` (first, count).
    pub(crate) fn seventh_range(&self, d: u16) -> (u32, u32) {
        let b = self.seventh_record(d);
        (f::u32_at(b, 4), f::u32_at(b, 8))
    }

    /// The character of extension `x`, without decoding its meaning.
    pub(crate) fn extension_char(&self, x: u32) -> u8 {
        self.blob.section(version_section::EXTENSIONS)[x as usize * EXTENSION_LEN]
    }

    /// (character, meaning, notes)
    pub(crate) fn extension(&self, x: u32) -> (u8, &str, NoteRange) {
        let at = x as usize * EXTENSION_LEN;
        let b = &self.blob.section(version_section::EXTENSIONS)[at..at + EXTENSION_LEN];
        let notes = NoteRange {
            start: f::u32_at(b, 8),
            len: f::u32_at(b, 12),
        };
        (b[0], self.string(f::u32_at(b, 4)), notes)
    }
}

fn some_u32(v: u32) -> Option<u32> {
    (v != NONE_U32).then_some(v)
}

fn some_u16(v: u16) -> Option<u16> {
    (v != NONE_U16).then_some(v)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::codeset::blob_write::hash_table;
    use crate::codeset::version::Version;

    /// Every code is found at its index, and the slot tags spare the probe
    /// the records of other codes: about one record read for a code that
    /// is there, almost none for one that is not.
    #[test]
    fn probes_read_only_the_record_they_want() {
        let v = Version::embedded().last().unwrap();
        let keys: Vec<u64> = v.entries().map(|e| e.key().to_u64()).collect();
        let (bits, table) = hash_table(keys.iter().copied());
        let reads = Cell::new(0usize);
        let key_of = |i: u32| {
            reads.set(reads.get() + 1);
            keys[i as usize]
        };
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(probe(&table, bits, k, key_of), Some(i as u32));
        }
        assert!(
            reads.get() < keys.len() + keys.len() / 100,
            "{} reads",
            reads.get()
        );
        reads.set(0);
        // Keys no code has: the same codes with another length byte.
        for &k in &keys {
            assert_eq!(probe(&table, bits, k ^ 0x0F << 56, key_of), None);
        }
        assert!(reads.get() < keys.len() / 100, "{} reads", reads.get());
    }
}
