//! Packs imported data into blobs (layout in `blob_format.rs`).
//!
//! `build.rs` writes the embedded versions and the MCE timeline with these
//! functions; `Version::load` writes a blob in memory from the file it read,
//! so one reader serves both.
//!
//! Compiled into the crate and, by path, into `build.rs`.

use super::blob_format::{
    self as f, CHAPTER_LEN, DIR_SLOT_LEN, EXTENSION_LEN, HEADER_LEN, NONE_U8, NONE_U16, NONE_U32,
    PERIOD_LEN, SECTION_LEN, SEVENTH_DEF_LEN, TIMELINE_CODE_LEN, record, timeline_header,
    timeline_section, version_header, version_section,
};
use super::code::CodeKey;
use super::fast_hash::FastMap;
use super::mce::MceRow;
use super::model::{CodeSetData, ImportError, NoteData, NoteKind};

/// The string table that version blobs point into: each distinct string
/// stored once, length-prefixed. `build.rs` shares one pool among all
/// embedded versions (consecutive fiscal years repeat nearly every title
/// and note); a run-time load uses a pool of its own.
pub struct StringPool<'a> {
    bytes: Vec<u8>,
    seen: FastMap<&'a str, u32>,
}

impl<'a> StringPool<'a> {
    /// A pool sized for about `strings` distinct strings.
    pub fn with_capacity(strings: usize) -> StringPool<'a> {
        let mut seen = FastMap::default();
        seen.reserve(strings);
        StringPool {
            bytes: Vec::with_capacity(strings * 48),
            seen,
        }
    }

    fn intern(&mut self, s: &'a str) -> Result<u32, ImportError> {
        if let Some(&at) = self.seen.get(s) {
            return Ok(at);
        }
        let at = u32::try_from(self.bytes.len())
            .ok()
            .filter(|&at| at != NONE_U32)
            .ok_or_else(|| ImportError::new("too much text for the blob format"))?;
        f::push_varint(&mut self.bytes, s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s, at);
        Ok(at)
    }

    /// The table, for the reader.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The notes of every owner (entries, chapters, sections, extensions).
#[derive(Default)]
struct NoteTable {
    kinds: Vec<u8>,
    texts: Vec<u8>,
    count: u32,
}

impl NoteTable {
    /// Appends notes; returns (first, count).
    fn push<'a>(
        &mut self,
        strings: &mut StringPool<'a>,
        notes: impl Iterator<Item = (NoteKind, &'a str)>,
    ) -> Result<(u32, u32), ImportError> {
        let start = self.count;
        for (kind, text) in notes {
            self.kinds.push(kind.to_byte());
            self.texts
                .extend_from_slice(&strings.intern(text)?.to_le_bytes());
            self.count += 1;
        }
        Ok((start, self.count - start))
    }
}

fn assemble(magic: [u8; 4], header: &[u8], sections: &[Vec<u8>]) -> Result<Vec<u8>, ImportError> {
    let dir_len = sections.len() * DIR_SLOT_LEN;
    let total: usize = HEADER_LEN + dir_len + sections.iter().map(Vec::len).sum::<usize>();
    if u32::try_from(total).is_err() {
        return Err(ImportError::new(
            "the code set is too large for the blob format",
        ));
    }
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&magic);
    out.extend_from_slice(&f::FORMAT.to_le_bytes());
    out.extend_from_slice(&header[6..HEADER_LEN]);
    let mut offset = HEADER_LEN + dir_len;
    for s in sections {
        out.extend_from_slice(&(offset as u32).to_le_bytes());
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        offset += s.len();
    }
    for s in sections {
        out.extend_from_slice(s);
    }
    Ok(out)
}

pub(crate) fn hash_table(keys: impl ExactSizeIterator<Item = u64>) -> (u8, Vec<u8>) {
    let bits = f::hash_bits_for(keys.len());
    let size = 1usize << bits;
    let mut slots = vec![(0u32, 0u32); size];
    for (i, key) in keys.enumerate() {
        let mut slot = f::home_slot(key, bits);
        while slots[slot].0 != 0 {
            slot = (slot + 1) & (size - 1);
        }
        slots[slot] = (i as u32 + 1, f::hash_tag(key));
    }
    let bytes = slots
        .iter()
        .flat_map(|&(index, tag)| [index.to_le_bytes(), tag.to_le_bytes()])
        .flatten()
        .collect();
    (bits, bytes)
}

fn pairs(notes: &[NoteData]) -> impl Iterator<Item = (NoteKind, &str)> {
    notes.iter().map(|n| (n.kind, n.text.as_str()))
}

fn narrow_u16(v: Option<usize>, what: &str) -> Result<u16, ImportError> {
    match v {
        None => Ok(NONE_U16),
        Some(i) => u16::try_from(i)
            .ok()
            .filter(|&i| i != NONE_U16)
            .ok_or_else(|| ImportError::new(format!("too many {what} for the blob format"))),
    }
}

/// Subtree ends (`i + 1 .. end[i]` are the descendants of `i`), checking that
/// every entry directly continues the block of its parent.
fn subtree_ends(data: &CodeSetData) -> Result<Vec<u32>, ImportError> {
    let n = data.entries.len();
    let mut end = vec![0u32; n];
    let mut chain: Vec<usize> = Vec::new();
    for (i, e) in data.entries.iter().enumerate() {
        loop {
            match chain.last() {
                Some(&top) if Some(top) != e.parent => {
                    end[top] = i as u32;
                    chain.pop();
                }
                _ => break,
            }
        }
        if e.parent.is_some() && chain.is_empty() {
            return Err(ImportError::new(format!(
                "code {} does not follow the block of its parent",
                e.key
            )));
        }
        chain.push(i);
    }
    for top in chain {
        end[top] = n as u32;
    }
    Ok(end)
}

/// Packs one code set, its text going into `strings`. `fiscal_year` is the
/// one the caller settled on (the data's own, or one taken from a file name).
pub fn write_version<'a>(
    data: &'a CodeSetData,
    fiscal_year: u16,
    strings: &mut StringPool<'a>,
) -> Result<Vec<u8>, ImportError> {
    let n = data.entries.len();
    if u32::try_from(n).is_err() || data.chapters.len() >= usize::from(NONE_U8) {
        return Err(ImportError::new(
            "the code set is too large for the blob format",
        ));
    }
    let mut notes = NoteTable::default();
    let end = subtree_ends(data)?;

    let mut children = vec![0u32; n];
    let mut expanded_children = vec![0u32; n];
    for e in &data.entries {
        if let Some(p) = e.parent {
            children[p] += 1;
            expanded_children[p] += u32::from(e.expanded);
        }
    }

    let mut records = Vec::with_capacity(n * record::LEN);
    let mut signatures = Vec::with_capacity(n * f::TITLE_SIGNATURE_LEN);
    for (i, e) in data.entries.iter().enumerate() {
        let computed = e.expanded
            && match (e.parent, e.seventh) {
                (Some(p), Some(d)) => {
                    let ch = e.key.as_bytes()[e.key.len() - 1];
                    data.seventh_defs[d].meaning(ch).is_some_and(|m| {
                        let parent = &data.entries[p].title;
                        e.title.len() == parent.len() + 2 + m.len()
                            && e.title.starts_with(parent.as_str())
                            && e.title[parent.len()..].starts_with(", ")
                            && e.title.ends_with(m)
                    })
                }
                _ => false,
            };
        let title = if computed {
            NONE_U32
        } else {
            strings.intern(&e.title)?
        };
        let short = match &e.short_title {
            Some(s) if *s != e.title => strings.intern(s)?,
            _ => NONE_U32,
        };
        let (notes_start, notes_len) = notes.push(strings, pairs(&e.notes))?;
        let notes_len = u16::try_from(notes_len)
            .map_err(|_| ImportError::new(format!("code {} has too many notes", e.key)))?;
        let mut flags = 0u8;
        if e.billable {
            flags |= record::FLAG_BILLABLE;
        }
        if e.expanded {
            flags |= record::FLAG_EXPANDED;
        }
        if !e.billable && children[i] > 0 && expanded_children[i] == children[i] {
            flags |= record::FLAG_REQUIRES_SEVENTH;
        }
        records.extend_from_slice(&e.key.to_u64().to_le_bytes());
        records.extend_from_slice(&e.parent.map_or(NONE_U32, |p| p as u32).to_le_bytes());
        records.extend_from_slice(&end[i].to_le_bytes());
        records.extend_from_slice(&title.to_le_bytes());
        records.extend_from_slice(&short.to_le_bytes());
        records.extend_from_slice(&notes_start.to_le_bytes());
        records.extend_from_slice(&notes_len.to_le_bytes());
        records.extend_from_slice(&narrow_u16(e.seventh, "7th-character lists")?.to_le_bytes());
        records.extend_from_slice(&narrow_u16(e.section, "sections")?.to_le_bytes());
        records.push(e.chapter.map_or(NONE_U8, |c| c as u8));
        records.push(flags);
        let lower = e.title.to_lowercase();
        signatures.extend_from_slice(&f::text_signature(lower.as_bytes()).to_le_bytes());
    }

    let mut chapters = Vec::with_capacity(data.chapters.len() * CHAPTER_LEN);
    for c in &data.chapters {
        let (start, len) = notes.push(strings, pairs(&c.notes))?;
        for v in [
            strings.intern(&c.number)?,
            strings.intern(&c.title)?,
            start,
            len,
        ] {
            chapters.extend_from_slice(&v.to_le_bytes());
        }
    }

    let mut sections = Vec::with_capacity(data.sections.len() * SECTION_LEN);
    for s in &data.sections {
        let (start, len) = notes.push(strings, pairs(&s.notes))?;
        for v in [
            strings.intern(&s.id)?,
            strings.intern(&s.title)?,
            start,
            len,
        ] {
            sections.extend_from_slice(&v.to_le_bytes());
        }
        sections.extend_from_slice(&narrow_u16(Some(s.chapter), "chapters")?.to_le_bytes());
        sections.extend_from_slice(&narrow_u16(s.enclosing, "sections")?.to_le_bytes());
    }

    let mut defs = Vec::with_capacity(data.seventh_defs.len() * SEVENTH_DEF_LEN);
    let mut extensions = Vec::new();
    let mut ext_count = 0u32;
    for d in &data.seventh_defs {
        let note = d
            .note
            .as_deref()
            .map_or(Ok(NONE_U32), |s| strings.intern(s))?;
        for v in [note, ext_count, d.extensions.len() as u32] {
            defs.extend_from_slice(&v.to_le_bytes());
        }
        for x in &d.extensions {
            let sub = x.notes.iter().map(|text| (NoteKind::Note, text.as_str()));
            let (start, len) = notes.push(strings, sub)?;
            extensions.extend_from_slice(&[x.ch, 0, 0, 0]);
            for v in [strings.intern(&x.meaning)?, start, len] {
                extensions.extend_from_slice(&v.to_le_bytes());
            }
            ext_count += 1;
        }
    }
    debug_assert_eq!(extensions.len(), ext_count as usize * EXTENSION_LEN);

    let (bits, hash) = hash_table(data.entries.iter().map(|e| e.key.to_u64()));

    let mut header = [0u8; HEADER_LEN];
    header[version_header::FISCAL_YEAR..version_header::FISCAL_YEAR + 2]
        .copy_from_slice(&fiscal_year.to_le_bytes());
    header[version_header::KIND] = data.kind.to_byte();
    header[version_header::HASH_BITS] = bits;
    header[version_header::ENTRY_COUNT..version_header::ENTRY_COUNT + 4]
        .copy_from_slice(&(n as u32).to_le_bytes());
    header[version_header::BILLABLE_COUNT..version_header::BILLABLE_COUNT + 4]
        .copy_from_slice(&(data.billable_count() as u32).to_le_bytes());

    let mut parts: Vec<Vec<u8>> = vec![Vec::new(); version_section::COUNT];
    parts[version_section::RECORDS] = records;
    parts[version_section::HASH] = hash;
    parts[version_section::NOTE_KINDS] = notes.kinds;
    parts[version_section::NOTE_TEXTS] = notes.texts;
    parts[version_section::CHAPTERS] = chapters;
    parts[version_section::SECTIONS] = sections;
    parts[version_section::SEVENTH_DEFS] = defs;
    parts[version_section::EXTENSIONS] = extensions;
    parts[version_section::TITLE_SIGNATURES] = signatures;
    assemble(f::VERSION_MAGIC, &header, &parts)
}

/// Packs the MCE timeline. `rows` must be sorted by code and start date
/// without overlaps, as [`parse_mce`](super::mce::parse_mce) returns them.
pub fn write_timeline(rows: &[MceRow]) -> Result<Vec<u8>, ImportError> {
    let Some(first) = rows.first() else {
        return Err(ImportError::new("the timeline has no rows"));
    };
    let mut codes: Vec<(CodeKey, u32, u32)> = Vec::new();
    let mut periods = Vec::with_capacity(rows.len() * PERIOD_LEN);
    let (mut start, mut end) = (first.valid.start, first.valid.end);
    for (i, row) in rows.iter().enumerate() {
        match codes.last_mut() {
            Some((key, _, len)) if *key == row.key => *len += 1,
            Some((key, ..)) if key.as_bytes() > row.key.as_bytes() => {
                return Err(ImportError::new(format!(
                    "timeline rows are not sorted at {}",
                    row.key
                )));
            }
            _ => codes.push((row.key, i as u32, 1)),
        }
        start = start.min(row.valid.start);
        end = end.max(row.valid.end);
        let packed = |d: crate::date::Date| f::pack_date(d.year(), d.month(), d.day());
        for v in [
            packed(row.valid.start),
            packed(row.valid.end),
            row.flags.bits(),
        ] {
            periods.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut code_bytes = Vec::with_capacity(codes.len() * TIMELINE_CODE_LEN);
    for (key, first, len) in &codes {
        code_bytes.extend_from_slice(&key.to_u64().to_le_bytes());
        code_bytes.extend_from_slice(&first.to_le_bytes());
        code_bytes.extend_from_slice(&len.to_le_bytes());
    }
    let (bits, hash) = hash_table(codes.iter().map(|(k, ..)| k.to_u64()));
    let mut header = [0u8; HEADER_LEN];
    header[timeline_header::HASH_BITS] = bits;
    header[timeline_header::CODE_COUNT..timeline_header::CODE_COUNT + 4]
        .copy_from_slice(&(codes.len() as u32).to_le_bytes());
    header[timeline_header::PERIOD_COUNT..timeline_header::PERIOD_COUNT + 4]
        .copy_from_slice(&(rows.len() as u32).to_le_bytes());
    let cov_start = f::pack_date(start.year(), start.month(), start.day());
    let cov_end = f::pack_date(end.year(), end.month(), end.day());
    header[timeline_header::COVERAGE_START..timeline_header::COVERAGE_START + 4]
        .copy_from_slice(&cov_start.to_le_bytes());
    header[timeline_header::COVERAGE_END..timeline_header::COVERAGE_END + 4]
        .copy_from_slice(&cov_end.to_le_bytes());
    let mut parts: Vec<Vec<u8>> = vec![Vec::new(); timeline_section::COUNT];
    parts[timeline_section::CODES] = code_bytes;
    parts[timeline_section::PERIODS] = periods;
    parts[timeline_section::HASH] = hash;
    assemble(f::TIMELINE_MAGIC, &header, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::model::{EntryData, SourceKind};

    fn entry(code: &str, parent: Option<usize>) -> EntryData {
        let key = CodeKey::from_dotless(code.as_bytes()).unwrap();
        let mut e = EntryData::new(key, parent.is_some(), code.to_string());
        e.parent = parent;
        e
    }

    #[test]
    fn subtrees_must_be_contiguous() {
        let mut data = CodeSetData::new(SourceKind::OrderFile);
        data.entries = vec![
            entry("A00", None),
            entry("A000", Some(0)),
            entry("B00", None),
            entry("B000", Some(2)),
        ];
        assert_eq!(subtree_ends(&data).unwrap(), [2, 2, 4, 4]);
        data.entries.push(entry("A001", Some(0)));
        let err = subtree_ends(&data).unwrap_err();
        assert!(err.message.contains("A00.1"), "{err}");
    }

    #[test]
    fn pool_stores_each_string_once() {
        let texts = [
            "Cholera".to_string(),
            "Cholera".to_string(),
            "Typhoid".to_string(),
        ];
        let mut pool = StringPool::with_capacity(4);
        let at: Vec<u32> = texts.iter().map(|t| pool.intern(t).unwrap()).collect();
        assert_eq!(at, [0, 0, 8]);
        assert_eq!(pool.into_bytes().len(), 16);
    }
}
