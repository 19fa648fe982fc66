//! The object one diagnostic becomes in the JSON and JSON Lines formats.
//!
//! Built field by field from the diagnostic instead of serializing
//! [`Diagnostic`] itself, so that what leaves the process is exactly the
//! allowed set: location, claim id, column name, diagnosis code and the
//! rule's own words. The source line and other cells can never slip in.

use serde::Serialize;

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
    /// `serde_json::to_writer` writes for it. The JSON Lines report writes
    /// one record per finding; serde_json looks at a string's bytes one at a
    /// time for ones to escape, and at half a kilobyte a line that was most
    /// of the reporting thread's work.
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
        match self.code {
            Some(code) => {
                out.extend_from_slice(b"{\"raw\":");
                push_str(out, &code.raw);
                out.extend_from_slice(b",\"canonical\":");
                push_opt_str(out, code.canonical.as_deref());
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"suggestions\":[");
        for (i, s) in self.suggestions.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"replacement\":");
            push_str(out, &s.replacement);
            out.extend_from_slice(b",\"title\":");
            push_opt_str(out, s.title.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
}

/// A value of [`Record::write_line`]'s flat fields.
enum Value<'a> {
    Str(&'a str),
    OptStr(Option<&'a str>),
    Number(u64),
}

fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_u64(out: &mut Vec<u8>, mut n: u64) {
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
fn push_str(out: &mut Vec<u8>, s: &str) {
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
    out.push(b'"');
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
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::diagnostic::{Location, RuleMeta, RuleOrigin};

    fn diagnostic(text: &str, with_options: bool) -> Diagnostic {
        let some = |s: &str| with_options.then(|| s.to_string());
        Diagnostic {
            rule: Arc::new(RuleMeta {
                code: "DX103".into(),
                name: format!("rule-{text}"),
                group: "validity".into(),
                default_severity: Severity::Error,
                enabled_by_default: true,
                summary: String::new(),
                explanation: String::new(),
                source: String::new(),
                origin: RuleOrigin::Native,
            }),
            severity: Severity::Warning,
            message: format!("{text} is said \"twice\": {text}"),
            help: some(text),
            location: Location {
                file: Arc::from(format!("dir\\{text}.csv")),
                line: u64::MAX,
                column: 0,
                len: 7,
                field: with_options.then(|| Arc::from(text)),
            },
            claim_id: some(text),
            code: with_options.then(|| CodeRef {
                raw: text.to_string(),
                canonical: None,
            }),
            suggestions: if with_options {
                vec![
                    Suggestion {
                        replacement: "Z53.20".into(),
                        title: Some(text.into()),
                    },
                    Suggestion {
                        replacement: text.into(),
                        title: None,
                    },
                ]
            } else {
                Vec::new()
            },
            source_line: None,
        }
    }

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
                let d = diagnostic(text, with_options);
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
