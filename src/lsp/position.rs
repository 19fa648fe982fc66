//! Converting between byte offsets in a document and LSP positions
//! (0-based line, UTF-16 code units), with the line breaks the claim reader
//! counts (`\n`, `\r\n`, lone `\r`).

use lsp_types::{Position, Range};

use crate::fix::scan::LineStarts;

/// A document's text with its line starts.
#[derive(Clone, Debug)]
pub struct Text {
    text: std::sync::Arc<str>,
    lines: LineStarts,
}

impl Text {
    pub fn new(text: std::sync::Arc<str>) -> Text {
        let lines = LineStarts::new(text.as_bytes());
        Text { text, lines }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn shared(&self) -> &std::sync::Arc<str> {
        &self.text
    }

    pub fn lines(&self) -> &LineStarts {
        &self.lines
    }

    /// The largest char boundary at or before `offset`, within the text.
    fn floor(&self, offset: usize) -> usize {
        let mut at = offset.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// The position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor(offset);
        let (line, start) = self.lines.line_of(offset);
        let character: usize = self.text[start..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of bytes `start..start + len`.
    pub fn range(&self, start: usize, len: usize) -> Range {
        Range::new(self.position(start), self.position(start + len))
    }

    /// The end of 0-based line `line`, before its line break.
    pub fn line_end(&self, line: usize) -> usize {
        let next = self.lines.start(line + 1);
        let bytes = self.text.as_bytes();
        let mut end = next.min(bytes.len());
        if line + 1 < self.lines.count() {
            if end > 0 && bytes[end - 1] == b'\n' {
                end -= 1;
            }
            if end > 0 && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        end.max(self.lines.start(line))
    }

    /// The byte offset of `pos`, clamped to its line (a character past the
    /// end of the line is the end of the line; a line past the end is the
    /// end of the text).
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.lines.count() {
            return self.text.len();
        }
        let start = self.lines.start(line);
        let end = self.line_end(line);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Applies an LSP content change (a range and its new text) to `text`.
pub fn apply_change(text: &mut String, range: Option<Range>, new_text: &str) {
    let Some(range) = range else {
        text.clear();
        text.push_str(new_text);
        return;
    };
    let current = Text::new(std::sync::Arc::from(text.as_str()));
    let start = current.offset(range.start);
    let end = current.offset(range.end).max(start);
    text.replace_range(start..end, new_text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        Text::new(std::sync::Arc::from(s))
    }

    #[test]
    fn utf16_columns() {
        // é is 2 bytes / 1 unit; 𝄞 is 4 bytes / 2 units.
        let t = text("a,é𝄞,Z53.2\r\nnext");
        let z = t.as_str().find('Z').unwrap();
        assert_eq!(z, 9);
        assert_eq!(t.position(z), Position::new(0, 6));
        assert_eq!(t.offset(Position::new(0, 6)), z);
        assert_eq!(
            t.position(t.as_str().find("next").unwrap()),
            Position::new(1, 0)
        );
        assert_eq!(t.offset(Position::new(0, 99)), 14);
        assert_eq!(t.offset(Position::new(9, 0)), t.as_str().len());
    }

    #[test]
    fn changes_apply_by_range() {
        let mut s = "ab\r\ncé\nx".to_string();
        apply_change(
            &mut s,
            Some(Range::new(Position::new(1, 1), Position::new(1, 2))),
            "E",
        );
        assert_eq!(s, "ab\r\ncE\nx");
        apply_change(&mut s, None, "new");
        assert_eq!(s, "new");
    }
}
