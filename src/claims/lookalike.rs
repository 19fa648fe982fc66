//! Characters that hide in code cells pasted from documents, spreadsheets
//! and web pages: invisible ones (no-break and zero-width spaces, byte-order
//! marks) and look-alikes of the ASCII letters and digits codes are made of
//! (Cyrillic and Greek capitals, full-width forms).
//!
//! Reading uses [`is_invisible`] to see past invisible padding at a cell's
//! edges (the code inside is still checked, and `invalid-code-format` still
//! reports the padding); rules use [`describe`] and [`to_ascii`] to name the
//! character and suggest the code as it should be typed.

/// Characters that show as nothing or as a plain space but are not the
/// ASCII space: Unicode spaces, zero-width characters, the byte-order mark,
/// the soft hyphen.
pub fn is_invisible(c: char) -> bool {
    invisible_name(c).is_some()
}

fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{1680}' => "OGHAM SPACE MARK",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2000}' => "EN QUAD",
        '\u{2001}' => "EM QUAD",
        '\u{2002}' => "EN SPACE",
        '\u{2003}' => "EM SPACE",
        '\u{2004}' => "THREE-PER-EM SPACE",
        '\u{2005}' => "FOUR-PER-EM SPACE",
        '\u{2006}' => "SIX-PER-EM SPACE",
        '\u{2007}' => "FIGURE SPACE",
        '\u{2008}' => "PUNCTUATION SPACE",
        '\u{2009}' => "THIN SPACE",
        '\u{200A}' => "HAIR SPACE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{205F}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
        _ => return None,
    })
}

/// Cyrillic and Greek letters drawn like the ASCII letters codes use, and
/// a few other look-alikes: (character, ASCII, Unicode name).
const LOOKALIKES: &[(char, char, &str)] = &[
    ('\u{0391}', 'A', "GREEK CAPITAL LETTER ALPHA"),
    ('\u{0392}', 'B', "GREEK CAPITAL LETTER BETA"),
    ('\u{0395}', 'E', "GREEK CAPITAL LETTER EPSILON"),
    ('\u{0396}', 'Z', "GREEK CAPITAL LETTER ZETA"),
    ('\u{0397}', 'H', "GREEK CAPITAL LETTER ETA"),
    ('\u{0399}', 'I', "GREEK CAPITAL LETTER IOTA"),
    ('\u{039A}', 'K', "GREEK CAPITAL LETTER KAPPA"),
    ('\u{039C}', 'M', "GREEK CAPITAL LETTER MU"),
    ('\u{039D}', 'N', "GREEK CAPITAL LETTER NU"),
    ('\u{039F}', 'O', "GREEK CAPITAL LETTER OMICRON"),
    ('\u{03A1}', 'P', "GREEK CAPITAL LETTER RHO"),
    ('\u{03A4}', 'T', "GREEK CAPITAL LETTER TAU"),
    ('\u{03A5}', 'Y', "GREEK CAPITAL LETTER UPSILON"),
    ('\u{03A7}', 'X', "GREEK CAPITAL LETTER CHI"),
    ('\u{03BF}', 'o', "GREEK SMALL LETTER OMICRON"),
    ('\u{0405}', 'S', "CYRILLIC CAPITAL LETTER DZE"),
    (
        '\u{0406}',
        'I',
        "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I",
    ),
    ('\u{0408}', 'J', "CYRILLIC CAPITAL LETTER JE"),
    ('\u{0410}', 'A', "CYRILLIC CAPITAL LETTER A"),
    ('\u{0412}', 'B', "CYRILLIC CAPITAL LETTER VE"),
    ('\u{0415}', 'E', "CYRILLIC CAPITAL LETTER IE"),
    ('\u{0417}', '3', "CYRILLIC CAPITAL LETTER ZE"),
    ('\u{041A}', 'K', "CYRILLIC CAPITAL LETTER KA"),
    ('\u{041C}', 'M', "CYRILLIC CAPITAL LETTER EM"),
    ('\u{041D}', 'H', "CYRILLIC CAPITAL LETTER EN"),
    ('\u{041E}', 'O', "CYRILLIC CAPITAL LETTER O"),
    ('\u{0420}', 'P', "CYRILLIC CAPITAL LETTER ER"),
    ('\u{0421}', 'C', "CYRILLIC CAPITAL LETTER ES"),
    ('\u{0422}', 'T', "CYRILLIC CAPITAL LETTER TE"),
    ('\u{0425}', 'X', "CYRILLIC CAPITAL LETTER HA"),
    ('\u{0430}', 'a', "CYRILLIC SMALL LETTER A"),
    ('\u{0435}', 'e', "CYRILLIC SMALL LETTER IE"),
    ('\u{043E}', 'o', "CYRILLIC SMALL LETTER O"),
    ('\u{0440}', 'p', "CYRILLIC SMALL LETTER ER"),
    ('\u{0441}', 'c', "CYRILLIC SMALL LETTER ES"),
    ('\u{0445}', 'x', "CYRILLIC SMALL LETTER HA"),
    ('\u{0455}', 's', "CYRILLIC SMALL LETTER DZE"),
    (
        '\u{0456}',
        'i',
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I",
    ),
    ('\u{0458}', 'j', "CYRILLIC SMALL LETTER JE"),
    ('\u{2024}', '.', "ONE DOT LEADER"),
    ('\u{FE52}', '.', "SMALL FULL STOP"),
    ('\u{FF0E}', '.', "FULLWIDTH FULL STOP"),
];

const DIGIT_NAMES: [&str; 10] = [
    "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
];

/// The ASCII letter, digit or dot `c` is drawn like, when it is a known
/// look-alike (full-width forms, mathematical digits, Cyrillic and Greek
/// letters).
pub fn ascii_lookalike(c: char) -> Option<char> {
    let u = u32::from(c);
    let shifted = |from: u32, to: u8| char::from_u32(u - from + u32::from(to));
    match u {
        0xFF10..=0xFF19 => shifted(0xFF10, b'0'),
        0xFF21..=0xFF3A => shifted(0xFF21, b'A'),
        0xFF41..=0xFF5A => shifted(0xFF41, b'a'),
        // Mathematical bold, double-struck, sans-serif, sans-serif bold and
        // monospace digits: five runs of ten.
        0x1D7CE..=0x1D7FF => char::from_u32((u - 0x1D7CE) % 10 + u32::from(b'0')),
        _ => LOOKALIKES
            .iter()
            .find(|&&(l, _, _)| l == c)
            .map(|&(_, ascii, _)| ascii),
    }
}

/// The Unicode name of `c` when it is one this module knows.
fn name(c: char) -> Option<String> {
    if let Some(n) = invisible_name(c) {
        return Some(n.to_string());
    }
    let u = u32::from(c);
    let ascii = ascii_lookalike(c)?;
    Some(match u {
        0xFF10..=0xFF19 => format!(
            "FULLWIDTH DIGIT {}",
            DIGIT_NAMES
                .get(usize::from(ascii as u8 - b'0'))
                .unwrap_or(&"")
        ),
        0xFF21..=0xFF3A => format!("FULLWIDTH LATIN CAPITAL LETTER {ascii}"),
        0xFF41..=0xFF5A => format!(
            "FULLWIDTH LATIN SMALL LETTER {}",
            ascii.to_ascii_uppercase()
        ),
        0x1D7CE..=0x1D7FF => format!(
            "MATHEMATICAL DIGIT {}",
            DIGIT_NAMES
                .get(usize::from(ascii as u8 - b'0'))
                .unwrap_or(&"")
        ),
        _ => LOOKALIKES
            .iter()
            .find(|&&(l, _, _)| l == c)
            .map(|&(_, _, n)| n.to_string())?,
    })
}

/// `U+041E` followed by the character's name when known, e.g.
/// `U+041E (CYRILLIC CAPITAL LETTER O)`, or by the character itself when it
/// is visible, e.g. `U+2605 '★'`.
pub fn describe(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match name(c) {
        Some(n) => format!("{code} ({n})"),
        None if c.is_control() || c.is_whitespace() => code,
        None => format!("{code} '{c}'"),
    }
}

/// `text` with invisible and control characters written as `<U+200B>`, so
/// that a message quoting a cell shows what is really in it.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) || c.is_control() {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as it was meant to be typed: invisible characters removed,
/// look-alikes replaced by their ASCII letters and digits, ASCII spaces and
/// tabs at the edges trimmed. `None` when a character is left that is
/// neither ASCII nor a known look-alike.
pub fn to_ascii(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if is_invisible(c) {
            continue;
        } else {
            out.push(ascii_lookalike(c)?);
        }
    }
    Some(out.trim_matches([' ', '\t']).to_string())
}

/// Trims spaces, tabs and invisible characters from both ends of `text`.
pub fn trim_invisible(text: &str) -> &str {
    text.trim_matches(|c: char| c == ' ' || c == '\t' || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_folds_lookalikes() {
        assert_eq!(ascii_lookalike('О'), Some('O'));
        assert_eq!(ascii_lookalike('Е'), Some('E'));
        assert_eq!(ascii_lookalike('１'), Some('1'));
        assert_eq!(ascii_lookalike('ｚ'), Some('z'));
        assert_eq!(ascii_lookalike('𝟘'), Some('0'));
        assert_eq!(ascii_lookalike('é'), None);
        assert_eq!(describe('О'), "U+041E (CYRILLIC CAPITAL LETTER O)");
        assert_eq!(describe('１'), "U+FF11 (FULLWIDTH DIGIT ONE)");
        assert_eq!(describe('Ｅ'), "U+FF25 (FULLWIDTH LATIN CAPITAL LETTER E)");
        assert_eq!(describe('ｅ'), "U+FF45 (FULLWIDTH LATIN SMALL LETTER E)");
        assert_eq!(describe('\u{a0}'), "U+00A0 (NO-BREAK SPACE)");
        assert_eq!(describe('★'), "U+2605 '★'");
        assert_eq!(describe('\u{1}'), "U+0001");
    }

    #[test]
    fn folds_whole_cells() {
        assert_eq!(to_ascii("Е11.9").as_deref(), Some("E11.9"));
        assert_eq!(to_ascii("Ｅ１１．９").as_deref(), Some("E11.9"));
        assert_eq!(to_ascii("\u{200b}E11.9\u{a0}").as_deref(), Some("E11.9"));
        assert_eq!(to_ascii("E11\u{a0}.9").as_deref(), Some("E11.9"));
        assert_eq!(to_ascii("E11★9"), None);
        assert_eq!(trim_invisible("\u{feff} E11.9\u{a0}\u{200b}"), "E11.9");
        assert_eq!(trim_invisible("\u{a0}"), "");
        assert_eq!(visible("E11.9\u{a0}"), "E11.9<U+00A0>");
        assert_eq!(visible("a\u{0}b"), "a<U+0000>b");
    }
}
