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
    if !s.chars().any(char::is_control) {
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
    if !s.chars().any(|c| c.is_control() && c != '\n') {
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

#[cfg(test)]
mod tests {
    use super::*;

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
