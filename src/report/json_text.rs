//! JSON written byte by byte, exactly as serde_json writes the same values,
//! for the reports that write a line per finding (`jsonl`, `json`,
//! `sarif`). serde_json looks at a string's bytes one at a time for ones
//! to escape; here strings are skipped eight bytes at a time up to the
//! first one that needs it. At half a kilobyte a finding, that was most of
//! the reporting thread's work.

use crate::engine::diagnostic::{CodeRef, Suggestion};

/// A diagnosis code as it serializes: `{"raw":..,"canonical":..}` or
/// `null`.
pub(crate) fn push_code(out: &mut Vec<u8>, code: Option<&CodeRef>) {
    match code {
        Some(code) => {
            out.extend_from_slice(b"{\"raw\":");
            push_str(out, &code.raw);
            out.extend_from_slice(b",\"canonical\":");
            push_opt_str(out, code.canonical.as_deref());
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// Suggestions as they serialize: `[{"replacement":..,"title":..},..]`.
pub(crate) fn push_suggestions(out: &mut Vec<u8>, suggestions: &[Suggestion]) {
    out.push(b'[');
    for (i, s) in suggestions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"replacement\":");
        push_str(out, &s.replacement);
        out.extend_from_slice(b",\"title\":");
        push_opt_str(out, s.title.as_deref());
        out.push(b'}');
    }
    out.push(b']');
}

pub(crate) fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `s` as a JSON string, escaped as serde_json escapes: `"` and
/// `\` by a backslash, control characters by their short escape or
/// `\u00XX`, everything else as it is.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_escaped(out, s);
    out.push(b'"');
}

/// [`push_str`] without the quotes, for a string written in parts.
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Does a word hold a byte to escape: one below 0x20, a quote or a
    // backslash? (A byte equal to `b` is a zero byte after XOR with `b` in
    // every byte.) The tests may report a byte that needs nothing past a
    // real one, never miss one.
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w;
    let special = |w: u64| {
        let below_space = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = has_zero(w ^ (ONES * u64::from(b'"')));
        let backslash = has_zero(w ^ (ONES * u64::from(b'\\')));
        (below_space | quote | backslash) & HIGH != 0
    };
    let bytes = s.as_bytes();
    let mut written = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if !special(w) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            0x08 => Some(b'b'),
            0x09 => Some(b't'),
            0x0A => Some(b'n'),
            0x0C => Some(b'f'),
            0x0D => Some(b'r'),
            _ => None,
        };
        if short.is_some() || b < 0x20 {
            out.extend_from_slice(&bytes[written..i]);
            out.push(b'\\');
            match short {
                Some(c) => out.push(c),
                None => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xF)]);
                }
            }
            written = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[written..]);
}
