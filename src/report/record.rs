//! The object one diagnostic becomes in the JSON and JSON Lines formats.
//!
//! Built field by field from the diagnostic instead of serializing
//! [`Diagnostic`] itself, so that what leaves the process is exactly the
//! allowed set: location, claim id, column name, diagnosis code and the
//! rule's own words. The source line and other cells can never slip in.

use serde::Serialize;

use super::json_text::{push_code, push_opt_str, push_str, push_suggestions, push_u64};
use crate::engine::diagnostic::{CodeRef, Diagnostic, Severity, Suggestion};

/// One diagnostic, flattened for machine consumers.
#[derive(Serialize)]
pub(crate) struct Record<'a> {
    /// Rule code, e.g. `DX103`.
    rule: &'a str,
    /// Rule name, e.g. `non-billable-code`.
    rule_name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u64,
    /// 1-based byte column of the cell's first byte.
    column: u32,
    /// 1-based byte column just past the cell (`column + len`; equal to
    /// `column` for findings about a whole row).
    end_column: u64,
    /// The column header of the cell.
    field: Option<&'a str>,
    claim_id: Option<&'a str>,
    code: Option<&'a CodeRef>,
    suggestions: &'a [Suggestion],
}

impl<'a> From<&'a Diagnostic> for Record<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let loc = &d.location;
        Record {
            rule: &d.rule.code,
            rule_name: &d.rule.name,
            severity: d.severity,
            message: &d.message,
            help: d.help.as_deref(),
            file: &loc.file,
            line: loc.line,
            column: loc.column,
            end_column: u64::from(loc.column) + u64::from(loc.len),
            field: loc.field.as_deref(),
            claim_id: d.claim_id.as_deref(),
            code: d.code.as_ref(),
            suggestions: &d.suggestions,
        }
    }
}

impl Record<'_> {
    /// Appends the record as one line of JSON, byte for byte what
    /// `serde_json::to_writer` writes for it (see [`super::json_text`] for
    /// why it is written by hand).
    pub(crate) fn write_line(&self, out: &mut Vec<u8>) {
        let flat = [
            ("rule", Value::Str(self.rule)),
            ("rule_name", Value::Str(self.rule_name)),
            ("severity", Value::Str(self.severity.as_str())),
            ("message", Value::Str(self.message)),
            ("help", Value::OptStr(self.help)),
            ("file", Value::Str(self.file)),
            ("line", Value::Number(self.line)),
            ("column", Value::Number(u64::from(self.column))),
            ("end_column", Value::Number(self.end_column)),
            ("field", Value::OptStr(self.field)),
            ("claim_id", Value::OptStr(self.claim_id)),
        ];
        for (i, (name, value)) in flat.into_iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"{\"" } else { b",\"" });
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            match value {
                Value::Str(s) => push_str(out, s),
                Value::OptStr(s) => push_opt_str(out, s),
                Value::Number(n) => push_u64(out, n),
            }
        }
        out.extend_from_slice(b",\"code\":");
        push_code(out, self.code);
        out.extend_from_slice(b",\"suggestions\":");
        push_suggestions(out, self.suggestions);
        out.push(b'}');
    }
}

/// A value of [`Record::write_line`]'s flat fields.
enum Value<'a> {
    Str(&'a str),
    OptStr(Option<&'a str>),
    Number(u64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample_diagnostic;

    /// The JSON Lines writer and serde_json agree on every byte, for every
    /// byte value that may need escaping, at every place in a word.
    #[test]
    fn lines_are_what_serde_json_writes() {
        let mut texts: Vec<String> = vec![
            String::new(),
            "E11.9".into(),
            "é ü 中 🙂 \u{7f}".into(),
            "a\\\"b\"\\".into(),
        ];
        for b in (0u8..0x20).chain([b'"', b'\\', b'/', b' ', 0x7f]) {
            for at in 0..17 {
                let mut s = "x".repeat(at);
                s.push(char::from(b));
                s.push_str("yyyyyyyyy");
                texts.push(s);
            }
        }
        let mut line = Vec::new();
        for text in &texts {
            for with_options in [true, false] {
                let d = sample_diagnostic(text, with_options);
                line.clear();
                Record::from(&d).write_line(&mut line);
                let expected = serde_json::to_string(&Record::from(&d)).unwrap();
                assert_eq!(
                    String::from_utf8(line.clone()).unwrap(),
                    expected,
                    "{text:?}"
                );
            }
        }
    }
}
