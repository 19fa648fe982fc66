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
    let mut out = mask_cells(&bytes[..start], delimiter);
    let new_start = out.len();
    // The span is a whole cell cut at byte offsets the reader found; if it
    // is not on character boundaries the line is not what the engine saw,
    // so show no cell at all.
    match line.get(start..end) {
        Some(cell) => out.push_str(cell),
        None => out.push_str(MASK),
    }
    out.push_str(&mask_cells(&bytes[end..], delimiter));
    (out, new_start)
}

/// Masks each non-empty cell of `part`, keeping delimiters (outside quotes).
fn mask_cells(part: &[u8], delimiter: u8) -> String {
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

    #[test]
    fn whole_row_findings_mask_everything() {
        let (masked, at) = redact("a,b,c", b',', 0, 0);
        assert_eq!(masked, "***,***,***");
        assert_eq!(at, 0);
    }
}
