//! The binary layout shared by the blob writer (run by `build.rs` and by
//! run-time loads) and the blob reader.
//!
//! A blob is a fixed header, a directory of sections (offset, length), and
//! the sections. All integers are little-endian and read straight out of the
//! bytes, so opening a blob costs a header check and nothing per record.
//!
//! Version blob (`DXCS`): fixed-size entry records in tabular order, an
//! open-addressing hash table from [`CodeKey::to_u64`](super::code::CodeKey::to_u64)
//! to record index (each slot with a second hash of its key, so that a probe
//! reads only the record it wants), note tables, chapters, sections, 7th-character
//! definitions, and a [`text_signature`] of each entry's title. Its text
//! lives in a separate string table (length-prefixed
//! UTF-8) that several version blobs may share.
//!
//! Timeline blob (`DXTL`): codes sorted by their characters (for prefix
//! search) with their period ranges, the periods, and a hash table.
//!
//! Compiled into the crate and, by path, into `build.rs`.

pub const VERSION_MAGIC: [u8; 4] = *b"DXCS";
pub const TIMELINE_MAGIC: [u8; 4] = *b"DXTL";
/// Bumped whenever the layout changes.
pub const FORMAT: u16 = 3;

/// Marks an absent string or index in a `u32` field.
pub const NONE_U32: u32 = u32::MAX;
/// Marks an absent index in a `u16` field.
pub const NONE_U16: u16 = u16::MAX;
/// Marks an absent index in a `u8` field.
pub const NONE_U8: u8 = u8::MAX;

/// Bytes before the directory.
pub const HEADER_LEN: usize = 24;
/// One directory slot: offset and length, both `u32`.
pub const DIR_SLOT_LEN: usize = 8;

/// Version blob header fields.
pub mod version_header {
    pub const FISCAL_YEAR: usize = 6;
    pub const KIND: usize = 8;
    pub const HASH_BITS: usize = 9;
    pub const ENTRY_COUNT: usize = 12;
    pub const BILLABLE_COUNT: usize = 16;
}

/// Version blob sections, in directory order.
pub mod version_section {
    pub const RECORDS: usize = 0;
    pub const HASH: usize = 1;
    pub const NOTE_KINDS: usize = 2;
    pub const NOTE_TEXTS: usize = 3;
    pub const CHAPTERS: usize = 4;
    pub const SECTIONS: usize = 5;
    pub const SEVENTH_DEFS: usize = 6;
    pub const EXTENSIONS: usize = 7;
    /// `u64` per record: [`text_signature`](super::text_signature) of the
    /// lower-cased long title.
    pub const TITLE_SIGNATURES: usize = 8;
    pub const COUNT: usize = 9;
}

/// One entry record.
pub mod record {
    pub const LEN: usize = 36;
    /// `u64`: the code key.
    pub const KEY: usize = 0;
    /// `u32`: parent record index or `NONE_U32`.
    pub const PARENT: usize = 8;
    /// `u32`: index after the last descendant (the subtree is `i + 1 .. end`).
    pub const END: usize = 12;
    /// `u32`: string offset of the long title, `NONE_U32` when it is computed
    /// as parent title + ", " + 7th-character meaning.
    pub const TITLE: usize = 16;
    /// `u32`: string offset of the short title, `NONE_U32` when it equals the
    /// long title.
    pub const SHORT: usize = 20;
    /// `u32`: first note of the code's own notes.
    pub const NOTES_START: usize = 24;
    /// `u16`: number of own notes.
    pub const NOTES_LEN: usize = 28;
    /// `u16`: 7th-character definition or `NONE_U16`.
    pub const SEVENTH: usize = 30;
    /// `u16`: section or `NONE_U16`.
    pub const SECTION: usize = 32;
    /// `u8`: chapter or `NONE_U8`.
    pub const CHAPTER: usize = 34;
    /// `u8`: [`FLAG_BILLABLE`] | [`FLAG_EXPANDED`] | [`FLAG_REQUIRES_SEVENTH`].
    pub const FLAGS: usize = 35;

    pub const FLAG_BILLABLE: u8 = 1;
    /// A full code made by appending a 7th character to its parent.
    pub const FLAG_EXPANDED: u8 = 2;
    /// A header whose children are 7th-character expansions.
    pub const FLAG_REQUIRES_SEVENTH: u8 = 4;
}

/// One chapter: number, title (string offsets), notes start, notes length.
pub const CHAPTER_LEN: usize = 16;
/// One section: id, title, notes start, notes length (`u32`), chapter and
/// enclosing section (`u16`).
pub const SECTION_LEN: usize = 20;
/// One 7th-character definition: note (string offset or `NONE_U32`), first
/// extension, number of extensions.
pub const SEVENTH_DEF_LEN: usize = 12;
/// One extension: character (`u8`, padded to 4), meaning (string offset),
/// notes start, notes length.
pub const EXTENSION_LEN: usize = 16;

/// Timeline blob header fields.
pub mod timeline_header {
    pub const HASH_BITS: usize = 6;
    pub const CODE_COUNT: usize = 8;
    pub const PERIOD_COUNT: usize = 12;
    pub const COVERAGE_START: usize = 16;
    pub const COVERAGE_END: usize = 20;
}

/// Timeline blob sections, in directory order.
pub mod timeline_section {
    pub const CODES: usize = 0;
    pub const PERIODS: usize = 1;
    pub const HASH: usize = 2;
    pub const COUNT: usize = 3;
}

/// One timeline code: key (`u64`), first period, number of periods (`u32`).
pub const TIMELINE_CODE_LEN: usize = 16;
/// One period: start and end (packed dates), flags (`u32` each).
pub const PERIOD_LEN: usize = 12;

/// Bytes per hash table slot: the record index plus one (`u32`, 0 for a
/// free slot), then the key's [`hash_tag`] (`u32`).
pub const HASH_SLOT_LEN: usize = 8;

/// Bytes per title signature ([`text_signature`], a `u64`), one per record.
pub const TITLE_SIGNATURE_LEN: usize = 8;

/// A second hash of `key`, kept in its slot: a probe compares tags and
/// reads a record (a cache miss of its own) only when they agree.
pub fn hash_tag(key: u64) -> u32 {
    (key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 32) as u32
}

/// The hash table slot where probing for `key` starts: Fibonacci hashing,
/// fixed so that the writer and the reader agree across builds.
pub fn home_slot(key: u64, bits: u8) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - u32::from(bits))) as usize
}

/// Table size (as a power of two) for `n` keys at a load of at most 3/4.
pub fn hash_bits_for(n: usize) -> u8 {
    let mut bits = 4u8;
    while (1usize << bits) * 3 < n * 4 {
        bits += 1;
    }
    bits
}

/// The byte trigrams of `text`, one bit each of 64: when `needle` occurs in
/// `text`, every bit of `needle`'s signature is set in `text`'s, so a
/// signature without them settles a search without reading the text.
/// Text under three bytes has no trigrams (signature 0).
pub fn text_signature(text: &[u8]) -> u64 {
    text.windows(3).fold(0, |sig, t| {
        let tri = u32::from(t[0]) | u32::from(t[1]) << 8 | u32::from(t[2]) << 16;
        sig | 1 << (tri.wrapping_mul(0x9E37_79B1) >> 26)
    })
}

/// A date as one `u32`: year << 16 | month << 8 | day.
pub fn pack_date(year: u16, month: u8, day: u8) -> u32 {
    (u32::from(year) << 16) | (u32::from(month) << 8) | u32::from(day)
}

/// Inverse of [`pack_date`]: (year, month, day).
pub fn unpack_date(v: u32) -> (u16, u8, u8) {
    ((v >> 16) as u16, (v >> 8) as u8, v as u8)
}

pub fn u8_at(b: &[u8], at: usize) -> u8 {
    b[at]
}

pub fn u16_at(b: &[u8], at: usize) -> u16 {
    let mut a = [0u8; 2];
    a.copy_from_slice(&b[at..at + 2]);
    u16::from_le_bytes(a)
}

pub fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

pub fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Appends `v` as an unsigned LEB128 varint (string lengths).
pub fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `at`: (value, bytes used). Stops at the end of `b`.
pub fn read_varint(b: &[u8], at: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut used = 0usize;
    for (i, &byte) in b.iter().skip(at).take(5).enumerate() {
        v |= u32::from(byte & 0x7f) << (7 * i);
        used = i + 1;
        if byte & 0x80 == 0 {
            break;
        }
    }
    (v, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_dates_round_trip() {
        for v in [0u32, 1, 127, 128, 300, 65_535, u32::MAX] {
            let mut out = vec![9u8];
            push_varint(&mut out, v);
            assert_eq!(read_varint(&out, 1), (v, out.len() - 1));
        }
        assert_eq!(unpack_date(pack_date(2027, 3, 31)), (2027, 3, 31));
        assert_eq!(hash_bits_for(98_186), 17);
        assert!(home_slot(u64::MAX, 17) < 1 << 17);
    }

    #[test]
    fn a_texts_signature_holds_the_signature_of_all_it_contains() {
        let text = b"arthropathy in diseases classified elsewhere, left knee";
        let sig = text_signature(text);
        for start in 0..text.len() {
            for end in start..=text.len() {
                let part = text_signature(&text[start..end]);
                assert_eq!(part & !sig, 0, "{:?}", &text[start..end]);
            }
        }
        assert_eq!(text_signature(b"ab"), 0);
        assert_ne!(text_signature(b"abc"), 0);
        // A text whose trigrams are not all there is told apart.
        assert_ne!(
            text_signature(b"in diseases classified")
                & !text_signature(b"type 2 diabetes mellitus"),
            0
        );
    }
}
