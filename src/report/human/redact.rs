//! Masking a source line down to the offending cell (`--redact`).
//!
//! Everything outside the cell's byte span is masked, so the result never
//! depends on the delimiter being right: the delimiter only decides where
//! the `***` marks go, to keep the line's shape readable. Commas, tabs and
//! pipes all separate masks, whatever the run's delimiter, so that TSV and
//! pipe-delimited files keep their shape too (a comma inside a TSV cell
//! only splits its mask in two).

/// What stands in for a masked cell. Fixed, so cell lengths do not show.
const MASK: &str = "***";

/// The line with every cell but the span `[start, start + len)` masked, and
/// the span's start in the masked line. A zero-length span (a finding about
/// the whole row) masks everything and keeps only the position.
pub(crate) fn redact(line: &str, delimiter: u8, start: usize, len: usize) -> (String, usize) {
    let start = start.min(line.len());
    let end = (start + len).min(line.len());
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    mask_cells(&bytes[..start], delimiter, &mut out);
    let new_start = out.len();
    // The span is a whole cell cut at byte offsets the reader found; if it
    // is not on character boundaries the line is not what the engine saw,
    // so show no cell at all.
    match line.get(start..end) {
        Some(cell) => out.push_str(cell),
        None => out.push_str(MASK),
    }
    mask_cells(&bytes[end..], delimiter, &mut out);
    (out, new_start)
}

/// Appends `part` with each non-empty cell masked, keeping delimiters
/// (outside quotes). Only the separators and quotes are looked at one by
/// one; the text between them is skipped in a search.
fn mask_cells(part: &[u8], delimiter: u8, out: &mut String) {
    let is_mark = |b: u8| b == delimiter || matches!(b, b',' | b'\t' | b'|' | b'"');
    let mut in_quotes = false;
    let mut cell_has_text = false;
    let mut rest = part;
    while let Some(i) = rest.iter().position(|&b| is_mark(b)) {
        let b = rest[i];
        cell_has_text |= i > 0;
        if b == b'"' {
            in_quotes = !in_quotes;
            cell_has_text = true;
        } else if in_quotes {
            cell_has_text = true;
        } else {
            if cell_has_text {
                out.push_str(MASK);
            }
            out.push(char::from(b));
            cell_has_text = false;
        }
        rest = &rest[i + 1..];
    }
    if cell_has_text || !rest.is_empty() {
        out.push_str(MASK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_cell() {
        let line = r#"C1,"Doe, Jane",1980-02-03,Z53.2,,I10"#;
        let start = line.find("Z53.2").unwrap();
        let (masked, at) = redact(line, b',', start, 5);
        assert_eq!(masked, "***,***,***,Z53.2,,***");
        assert_eq!(&masked[at..at + 5], "Z53.2");
    }

    #[test]
    fn wrong_delimiter_still_masks_everything_else() {
        let line = "C1\tJane Doe\tZ53.2";
        let (masked, at) = redact(line, b',', 12, 5);
        assert_eq!(masked, "***\t***\tZ53.2");
        assert_eq!(at, 8);
        let (masked, _) = redact("Doe; Jane;Z53.2", b',', 10, 5);
        assert_eq!(
            masked, "***Z53.2",
            "an unknown separator masks the whole prefix"
        );
    }

    /// The masking rule stated one byte at a time.
    fn mask_cells_bytewise(part: &[u8], delimiter: u8) -> String {
        let mut out = String::new();
        let mut in_quotes = false;
        let mut cell_has_text = false;
        for &b in part {
            if b == b'"' {
                in_quotes = !in_quotes;
            }
            if (b == delimiter || matches!(b, b',' | b'\t' | b'|')) && !in_quotes {
                if cell_has_text {
                    out.push_str(MASK);
                }
                out.push(char::from(b));
                cell_has_text = false;
            } else {
                cell_has_text = true;
            }
        }
        if cell_has_text {
            out.push_str(MASK);
        }
        out
    }

    #[test]
    fn masks_as_the_rule_says_for_every_short_line() {
        // Every line of up to five bytes over an alphabet of separators,
        // quotes and text, with each delimiter.
        let alphabet = b"a,;\t|\" ";
        let mut lines: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..5 {
            let longer: Vec<Vec<u8>> = lines
                .iter()
                .filter(|l| l.len() == lines.last().map_or(0, Vec::len))
                .flat_map(|l| alphabet.iter().map(move |&b| [l.as_slice(), &[b]].concat()))
                .collect();
            lines.extend(longer);
        }
        assert_eq!(lines.len(), 1 + 7 + 49 + 343 + 2401 + 16807);
        for delimiter in [b',', b';', b'\t', b'|'] {
            for line in &lines {
                let mut out = String::new();
                mask_cells(line, delimiter, &mut out);
                assert_eq!(out, mask_cells_bytewise(line, delimiter), "{line:?}");
            }
        }
    }

    #[test]
    fn whole_row_findings_mask_everything() {
        let (masked, at) = redact("a,b,c", b',', 0, 0);
        assert_eq!(masked, "***,***,***");
        assert_eq!(at, 0);
    }
}
