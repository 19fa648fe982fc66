//! Small text helpers shared by the formats: grouped numbers, plurals, the
//! one-line run headline, and making untrusted cell text safe to print.

use std::borrow::Cow;

use super::Summary;
use crate::engine::diagnostic::Severity;

/// `1204` -> `1,204`: counts in summaries are read by people.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 error`, `3 errors`, `1,204 rows`.
pub(crate) fn count(n: u64, singular: &str, plural: &str) -> String {
    let noun = if n == 1 { singular } else { plural };
    format!("{} {noun}", thousands(n))
}

/// The severities with a count, worst first: `12 errors, 3 warnings, 1 info`.
/// Empty when there is nothing to report.
pub(crate) fn severity_counts(summary: &Summary) -> String {
    let parts: Vec<String> = [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
    ]
    .into_iter()
    .filter_map(|(sev, one, many)| {
        let n = summary.count(sev);
        (n > 0).then(|| count(n, one, many))
    })
    .collect();
    parts.join(", ")
}

/// Elapsed wall time as people read it: `0.04s`.
pub(crate) fn seconds(summary: &Summary) -> String {
    format!("{:.2}s", summary.elapsed.as_secs_f64())
}

/// The last line of a run, e.g.
/// `Found 12 errors, 3 warnings in 2 files (1,204 rows, 1,100 claims) in 0.04s`.
/// Public so that a CLI can print it wherever it wants.
pub fn headline(summary: &Summary) -> String {
    let found = severity_counts(summary);
    let lead = if found.is_empty() {
        "No problems found".to_string()
    } else {
        format!("Found {found}")
    };
    format!(
        "{lead} in {} ({}, {}) in {}",
        count(summary.files.len() as u64, "file", "files"),
        count(summary.rows_read, "row", "rows"),
        count(summary.claims, "claim", "claims"),
        seconds(summary)
    )
}

/// One-line text from cell-derived strings: line breaks and tabs become
/// spaces and other control characters become U+FFFD, so that a crafted
/// cell can neither break a line-oriented format nor drive the terminal.
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if control_free(s, false) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Like [`one_line`] but keeps line breaks, for multi-line human text.
pub(crate) fn printable(s: &str) -> Cow<'_, str> {
    if control_free(s, true) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' => '\n',
                '\r' | '\t' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Whether `s` holds no control character (a newline allowed when
/// `newline_ok`). Decided on bytes, as it is asked of every string of every
/// finding: the C0 controls and DEL are single bytes, and the C1 controls
/// (U+0080..U+009F) are the only characters written 0xC2 0x80..0x9F.
fn control_free(s: &str, newline_ok: bool) -> bool {
    const MAY_BE_CONTROL: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = true;
            b += 1;
        }
        table[0x7f] = true;
        table[0xc2] = true;
        table
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && !MAY_BE_CONTROL[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            return true;
        };
        let ok = match b {
            b'\n' => newline_ok,
            0xc2 => bytes.get(i + 1).is_some_and(|&n| n >= 0xa0),
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_on_bytes() {
        for c in (0..=0x3000)
            .filter_map(char::from_u32)
            .chain(['🙂', '\u{10FFFF}'])
        {
            let s = format!("a{c}b");
            for newline_ok in [false, true] {
                let expected = !(c.is_control() && !(newline_ok && c == '\n'));
                assert_eq!(control_free(&s, newline_ok), expected, "{c:?}");
            }
        }
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(one_line("a\nb\x1b[31m"), "a b\u{FFFD}[31m");
        assert_eq!(printable("a\nb\x07"), "a\nb\u{FFFD}");
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
    }
}
