//! The ICD-10-CM code as a value: normalisation of what claims write
//! (`z53.2`, ` Z532 `, `Z53.2`) into one fixed-size key.
//!
//! A [`CodeKey`] is 8 bytes, `Copy`, and hashes as one integer, so looking a
//! code up never allocates.

use std::fmt;

/// A normalised code: upper case, no dot, 3 to 7 ASCII alphanumerics,
/// the first a letter.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeKey {
    bytes: [u8; 7],
    len: u8,
}

impl CodeKey {
    pub const MAX_LEN: usize = 7;

    /// Builds a key from bytes already known to be a dotless code (the
    /// importers' input). Lower case is upper-cased; `None` for anything
    /// that is not 3 to 7 ASCII alphanumerics starting with a letter.
    pub fn from_dotless(code: &[u8]) -> Option<CodeKey> {
        if !(3..=Self::MAX_LEN).contains(&code.len()) || !code[0].is_ascii_alphabetic() {
            return None;
        }
        let mut bytes = [0u8; 7];
        for (slot, &b) in bytes.iter_mut().zip(code) {
            if !b.is_ascii_alphanumeric() {
                return None;
            }
            *slot = b.to_ascii_uppercase();
        }
        Some(CodeKey {
            bytes,
            len: code.len() as u8,
        })
    }

    /// Parses a code as a claim writes it: dotted or dotless, any case,
    /// padded with spaces. An empty cell is `Err(CodeFormatError::Empty)`.
    pub fn parse(raw: &str) -> Result<CodeKey, CodeFormatError> {
        match Self::parse_plain(raw.as_bytes()) {
            Some(key) => Ok(key),
            None => Self::parse_any(raw),
        }
    }

    /// The key of a plain spelling ([`CodeKey::parse_plain`]) and whether
    /// it has a dot after the category: the text is then exactly the key's
    /// characters, with that dot.
    pub fn parse_plain_spelling(text: &str) -> Option<(CodeKey, bool)> {
        let b = text.as_bytes();
        Self::parse_plain(b).map(|key| (key, b.get(3) == Some(&b'.')))
    }

    /// The shape almost every claim writes (`E11.9`, `S42325B`): upper-case
    /// letter first, upper-case letters and digits, at most a dot after the
    /// category, no padding. `None` for anything else, which
    /// [`CodeKey::parse_any`] reads (or explains) instead; both agree on
    /// every input this accepts.
    fn parse_plain(b: &[u8]) -> Option<CodeKey> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let n = b.len();
        if !(3..=Self::MAX_LEN + 1).contains(&n) {
            return None;
        }
        // All of it as one word (two overlapping 4-byte reads: a copy of
        // `n` bytes would be a call), the dot after the category taken out.
        let word = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[at..at + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        let mut x = if n >= 4 {
            word(0) | word(n - 4) << (8 * (n - 4))
        } else {
            u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16
        };
        let mut len = n;
        if n > 3 && b[3] == b'.' {
            x = (x & 0x00ff_ffff) | ((x >> 8) & !0x00ff_ffff);
            len -= 1;
        }
        if len > Self::MAX_LEN {
            return None;
        }
        // Every byte a digit or an upper-case letter, eight at a time: for
        // an ASCII byte c, (c | 0x80) - lo keeps the high bit exactly when
        // c >= lo, and (hi | 0x80) - c exactly when c <= hi; neither
        // borrows from the next byte.
        let mask = (1u64 << (8 * len)) - 1;
        let (ones, high) = (ONES & mask, HIGH & mask);
        if x & high != 0 {
            return None;
        }
        let within = |lo: u8, hi: u8| {
            (x | high).wrapping_sub(u64::from(lo) * ones)
                & ((u64::from(hi) * ones) | high).wrapping_sub(x)
                & high
        };
        let upper = within(b'A', b'Z');
        if (within(b'0', b'9') | upper) != high || upper & 0x80 == 0 {
            return None;
        }
        let w = x.to_le_bytes();
        let mut bytes = [0u8; 7];
        bytes.copy_from_slice(&w[..7]);
        Some(CodeKey {
            bytes,
            len: len as u8,
        })
    }

    fn parse_any(raw: &str) -> Result<CodeKey, CodeFormatError> {
        // Spaces and tabs are single bytes, so trimming bytes trims chars.
        let padding = |b: &u8| *b == b' ' || *b == b'\t';
        let raw_bytes = raw.as_bytes();
        let start = raw_bytes
            .iter()
            .position(|b| !padding(b))
            .unwrap_or(raw_bytes.len());
        let end = raw_bytes
            .iter()
            .rposition(|b| !padding(b))
            .map_or(start, |i| i + 1);
        let s = raw.get(start..end).unwrap_or_default();
        if s.is_empty() {
            return Err(CodeFormatError::Empty);
        }
        let mut bytes = [0u8; 7];
        let mut len = 0usize;
        let mut dot_seen = false;
        for (i, &b) in s.as_bytes().iter().enumerate() {
            if b == b'.' {
                if dot_seen || len != 3 {
                    return Err(CodeFormatError::MisplacedDot { offset: i });
                }
                dot_seen = true;
                continue;
            }
            if !b.is_ascii_alphanumeric() {
                // `i` starts a character: every byte before it was ASCII.
                let ch = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                return Err(CodeFormatError::BadCharacter { offset: i, ch });
            }
            if len == Self::MAX_LEN {
                return Err(CodeFormatError::TooLong);
            }
            if len == 0 && !b.is_ascii_alphabetic() {
                return Err(CodeFormatError::FirstNotLetter);
            }
            bytes[len] = b.to_ascii_uppercase();
            len += 1;
        }
        if len < 3 {
            return Err(CodeFormatError::TooShort);
        }
        Ok(CodeKey {
            bytes,
            len: len as u8,
        })
    }

    /// The dotless code, e.g. `Z5320`.
    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The category: the first three characters (`Z53` for `Z53.20`).
    pub fn category(&self) -> CodeKey {
        self.truncated(3)
    }

    /// The code cut to `len` characters (at least 3).
    pub fn truncated(&self, len: usize) -> CodeKey {
        let len = len.clamp(3, self.len());
        let mut bytes = [0u8; 7];
        bytes[..len].copy_from_slice(&self.bytes[..len]);
        CodeKey {
            bytes,
            len: len as u8,
        }
    }

    /// The key with one more character appended; `None` when already 7 long
    /// or `ch` is not alphanumeric.
    pub fn with_char(&self, ch: u8) -> Option<CodeKey> {
        if self.len() >= Self::MAX_LEN || !ch.is_ascii_alphanumeric() {
            return None;
        }
        let mut out = *self;
        out.bytes[self.len()] = ch.to_ascii_uppercase();
        out.len += 1;
        Some(out)
    }

    /// True when `self` starts with `prefix` (a code is its own prefix).
    pub fn starts_with(&self, prefix: &CodeKey) -> bool {
        self.as_bytes().starts_with(prefix.as_bytes())
    }

    /// The whole key as one integer, for hashing and compact tables.
    #[allow(clippy::wrong_self_convention)]
    pub fn to_u64(&self) -> u64 {
        let mut b = [0u8; 8];
        b[..7].copy_from_slice(&self.bytes);
        b[7] = self.len;
        u64::from_le_bytes(b)
    }

    /// The code's characters as an integer that sorts as keys do: the
    /// seven zero-padded bytes, big-endian (codes hold no zero byte, so
    /// equal integers are equal keys).
    #[inline]
    pub fn order_key(&self) -> u64 {
        // `to_u64` holds the bytes little-endian and the length in the top byte.
        (self.to_u64() & 0x00ff_ffff_ffff_ffff).swap_bytes() >> 8
    }

    /// [`CodeKey::order_key`] of the key cut to its first `len` characters
    /// (`len` from 1 to 7; at most the key's length).
    #[inline]
    pub fn prefix_order_key(&self, len: usize) -> u64 {
        let dropped = 8 * (Self::MAX_LEN - len.clamp(1, Self::MAX_LEN)) as u32;
        self.order_key() >> dropped << dropped
    }

    /// Inverse of [`CodeKey::to_u64`].
    pub fn from_u64(v: u64) -> Option<CodeKey> {
        let b = v.to_le_bytes();
        let len = usize::from(b[7]);
        if len > Self::MAX_LEN {
            return None;
        }
        CodeKey::from_dotless(&b[..len])
    }

    /// The canonical dotted spelling (`Z53.20`; a category has no dot).
    pub fn dotted(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_str();
        if s.len() > 3 {
            write!(f, "{}.{}", &s[..3], &s[3..])
        } else {
            f.write_str(s)
        }
    }
}

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeKey({self})")
    }
}

/// Why a cell is not shaped like an ICD-10-CM code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFormatError {
    /// The cell is empty (not a format error: rules decide what that means).
    Empty,
    TooShort,
    TooLong,
    FirstNotLetter,
    /// A character that no code contains, at this byte offset of the trimmed text.
    BadCharacter {
        offset: usize,
        ch: char,
    },
    /// A dot anywhere but after the third character.
    MisplacedDot {
        offset: usize,
    },
}

impl fmt::Display for CodeFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeFormatError::Empty => f.write_str("the cell is empty"),
            CodeFormatError::TooShort => f.write_str("a code has at least 3 characters"),
            CodeFormatError::TooLong => f.write_str("a code has at most 7 characters"),
            CodeFormatError::FirstNotLetter => f.write_str("a code starts with a letter"),
            CodeFormatError::BadCharacter { ch, .. } if ch.is_ascii() => {
                write!(f, "the character {ch:?} cannot appear in a code")
            }
            CodeFormatError::BadCharacter { ch, .. } => write!(
                f,
                "the non-ASCII character {ch:?} (U+{:04X}) cannot appear in a code; it may be a look-alike of a letter or digit",
                u32::from(*ch)
            ),
            CodeFormatError::MisplacedDot { .. } => {
                f.write_str("the dot belongs after the third character")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `f` with every string of up to `max_len` bytes from `alphabet`.
    fn every_string(alphabet: &[u8], max_len: u32, f: &mut impl FnMut(&[u8])) {
        let mut s = Vec::new();
        for len in 0..=max_len {
            for n in 0..alphabet.len().pow(len) {
                s.clear();
                let mut rest = n;
                for _ in 0..len {
                    s.push(alphabet[rest % alphabet.len()]);
                    rest /= alphabet.len();
                }
                f(&s);
            }
        }
    }

    /// The fast path accepts only what the general parser accepts, with the
    /// same key: every string of up to 7 characters over an alphabet with
    /// both cases, digits, dots and padding, and 8- and 9-byte codes.
    #[test]
    fn plain_shape_agrees_with_the_general_parser() {
        const ALPHABET: &[u8] = b"Ab0.9 Z";
        let mut accepted = 0usize;
        let mut check = |s: &[u8]| {
            let text = std::str::from_utf8(s).unwrap();
            if let Some(key) = CodeKey::parse_plain(s) {
                accepted += 1;
                assert_eq!(CodeKey::parse_any(text), Ok(key), "{text:?}");
            }
            assert_eq!(CodeKey::parse(text), CodeKey::parse_any(text), "{text:?}");
        };
        every_string(ALPHABET, 7, &mut check);
        for long in [
            "S42.325B",
            "S42.325BX",
            "S42325BX",
            "S42.325",
            "S42.32.5",
            "s42.325B",
            "S42.325b",
            "S42.325 ",
            " S42.325",
            "S42.3259A",
            "A00.0000",
            "A000.000",
        ] {
            check(long.as_bytes());
        }
        // Every neighbour of the accepted ranges, in the shorter strings.
        every_string(b"/09:@AZ[`az.", 5, &mut check);
        for odd in ["É11.9", "E1É.9", "E11.É", "E11\u{7f}", "\u{80}11"] {
            check(odd.as_bytes());
        }
        assert!(accepted > 1000, "the fast path took {accepted} inputs");
    }

    /// [`CodeKey::parse`] written over characters, as the byte loop must behave.
    fn parse_by_chars(raw: &str) -> Result<CodeKey, CodeFormatError> {
        let s = raw.trim_matches(|c: char| c == ' ' || c == '\t');
        if s.is_empty() {
            return Err(CodeFormatError::Empty);
        }
        let mut bytes = [0u8; 7];
        let mut len = 0usize;
        let mut dot_seen = false;
        for (i, ch) in s.char_indices() {
            if ch == '.' {
                if dot_seen || len != 3 {
                    return Err(CodeFormatError::MisplacedDot { offset: i });
                }
                dot_seen = true;
                continue;
            }
            if !ch.is_ascii_alphanumeric() {
                return Err(CodeFormatError::BadCharacter { offset: i, ch });
            }
            if len == CodeKey::MAX_LEN {
                return Err(CodeFormatError::TooLong);
            }
            if len == 0 && !ch.is_ascii_alphabetic() {
                return Err(CodeFormatError::FirstNotLetter);
            }
            bytes[len] = (ch as u8).to_ascii_uppercase();
            len += 1;
        }
        if len < 3 {
            return Err(CodeFormatError::TooShort);
        }
        Ok(CodeKey {
            bytes,
            len: len as u8,
        })
    }

    #[test]
    fn byte_parser_matches_the_character_definition() {
        let pieces = [
            "E", "e", "1", "9", ".", " ", "\t", "é", "Ω", "-", "X", "0", "\u{a0}", "😀", "Z",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let n = (state % 11) as usize;
            let text: String = (0..n)
                .map(|k| pieces[((state >> (5 * k + 3)) % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(CodeKey::parse(&text), parse_by_chars(&text), "{text:?}");
        }
        for text in [
            "",
            " ",
            "E11.9",
            " e119 ",
            "E11..9",
            "S72.001A",
            "S72.001AB",
            "1E1",
            "E1",
            "E11.9é",
            "Eé1",
            "\tZ53.2\t",
        ] {
            assert_eq!(CodeKey::parse(text), parse_by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn normalises_spellings() {
        for raw in ["Z53.20", "z53.20", " Z5320 ", "Z5320", "\tz53.20"] {
            let k = CodeKey::parse(raw).unwrap();
            assert_eq!(k.as_str(), "Z5320");
            assert_eq!(k.to_string(), "Z53.20");
        }
        assert_eq!(CodeKey::parse("E11").unwrap().to_string(), "E11");
        assert_eq!(CodeKey::parse("QA0.0101").unwrap().to_string(), "QA0.0101");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(CodeKey::parse("  "), Err(CodeFormatError::Empty));
        assert_eq!(CodeKey::parse("Z5"), Err(CodeFormatError::TooShort));
        assert_eq!(CodeKey::parse("S72001AB"), Err(CodeFormatError::TooLong));
        assert_eq!(
            CodeKey::parse("253.20"),
            Err(CodeFormatError::FirstNotLetter)
        );
        assert_eq!(
            CodeKey::parse("Z5.320"),
            Err(CodeFormatError::MisplacedDot { offset: 2 })
        );
        assert_eq!(
            CodeKey::parse("Z53-20"),
            Err(CodeFormatError::BadCharacter { offset: 3, ch: '-' })
        );
    }

    #[test]
    fn key_round_trips_through_u64() {
        let k = CodeKey::parse("S72.001A").unwrap();
        assert_eq!(CodeKey::from_u64(k.to_u64()), Some(k));
        assert_eq!(k.category().as_str(), "S72");
        assert!(k.starts_with(&CodeKey::parse("S72.0").unwrap()));
        assert_eq!(k.truncated(6).with_char(b'd').unwrap().as_str(), "S72001D");
    }
}
