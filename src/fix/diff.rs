//! A unified diff of a fixed file against the original, for `--diff`.
//!
//! Fixes never add or remove a line break, so line `i` of the old text
//! corresponds to line `i` of the new one and no general diff algorithm is
//! needed: changed lines are grouped into hunks with three lines of context.

use std::fmt::Write as _;

const CONTEXT: usize = 3;

/// Splits into lines, each with its line break (`\n`, `\r\n` or `\r`).
fn lines(text: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\n' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            b'\r' => {
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.push(&text[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// One line for display: without its line break, invalid UTF-8 replaced,
/// a byte-order mark shown as `<BOM>` so that its removal is visible.
fn show(line: &[u8]) -> String {
    let body = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .or_else(|| line.strip_suffix(b"\r"))
        .unwrap_or(line);
    let text = String::from_utf8_lossy(body);
    match text.strip_prefix('\u{feff}') {
        Some(rest) => format!("<BOM>{rest}"),
        None => text.into_owned(),
    }
}

/// The unified diff of `old` and `new` (which differ only inside lines),
/// with `---`/`+++` headers naming `path`. Empty when they are equal.
pub fn unified(path: &str, old: &[u8], new: &[u8]) -> String {
    if old == new {
        return String::new();
    }
    let a = lines(old);
    let b = lines(new);
    let n = a.len().max(b.len());
    let changed: Vec<usize> = (0..n).filter(|&i| a.get(i) != b.get(i)).collect();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let mut k = 0;
    while k < changed.len() {
        // Extend the hunk while the next change is within two contexts.
        let first = changed[k];
        let mut last = first;
        k += 1;
        while k < changed.len() && changed[k] <= last + 2 * CONTEXT + 1 {
            last = changed[k];
            k += 1;
        }
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(n);
        let count = |side: &[&[u8]]| to.min(side.len()).saturating_sub(from);
        let _ = writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            from + 1,
            count(&a),
            from + 1,
            count(&b)
        );
        for i in from..to {
            match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) if x == y => {
                    let _ = writeln!(out, " {}", show(x));
                }
                (x, y) => {
                    if let Some(x) = x {
                        let _ = writeln!(out, "-{}", show(x));
                    }
                    if let Some(y) = y {
                        let _ = writeln!(out, "+{}", show(y));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = b"h\n1\n2\n3\n4\n5\n6\n7\n8\n9\nx\n";
        let new = b"h\nONE\n2\n3\n4\n5\n6\n7\n8\n9\nX\n";
        let d = unified("f.csv", old, new);
        assert_eq!(
            d,
            "--- a/f.csv\n+++ b/f.csv\n@@ -1,5 +1,5 @@\n h\n-1\n+ONE\n 2\n 3\n 4\n@@ -8,4 +8,4 @@\n 7\n 8\n 9\n-x\n+X\n"
        );
    }

    #[test]
    fn close_changes_share_a_hunk_and_crlf_is_kept_out_of_the_text() {
        let old = b"a\r\nb\r\nc\r\n";
        let new = b"A\r\nb\r\nC\r\n";
        assert_eq!(
            unified("f", old, new),
            "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n-c\n+C\n"
        );
        assert_eq!(unified("f", old, old), "");
    }

    #[test]
    fn bom_removal_is_visible() {
        let d = unified("f", "\u{feff}h\n".as_bytes(), b"h\n");
        assert!(d.contains("-<BOM>h\n+h\n"), "{d}");
    }
}
