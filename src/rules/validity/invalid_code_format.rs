use crate::claims::Diagnosis;
use crate::claims::lookalike::{
    ascii_lookalike, describe, is_invisible, to_ascii, trim_invisible, visible,
};
use crate::claims::values::parse_code;
use crate::codeset::code::{CodeFormatError, CodeKey};
use crate::codeset::registry::Standing;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;
use crate::rules::validity::code_with_title;
use crate::rules::validity::suggest::close_codes;

declare_rule! {
    /// ## What it does
    /// Flags diagnosis cells whose text is not shaped like an ICD-10-CM code:
    /// a letter, then two letters or digits, then an optional dot and up to
    /// four more letters or digits (3 to 7 characters without the dot).
    ///
    /// A character that is not ASCII is named with its code point
    /// (`U+041E CYRILLIC CAPITAL LETTER O`), and the code it imitates is
    /// suggested: Cyrillic and Greek look-alikes and full-width forms are
    /// read as the ASCII letters and digits they copy. A good code padded
    /// with invisible characters (no-break or zero-width spaces, a stray
    /// byte-order mark) is flagged too, but it is read as the code inside,
    /// so the other rules still check it; a cell holding only invisible
    /// characters is flagged as not empty.
    ///
    /// ## Why is this bad?
    /// A payer's front-end edit rejects the whole claim when a diagnosis is not
    /// a code at all. Such cells usually come from a shifted column, a code
    /// from another system (an ICD-9 code like `250.00`, a CPT code), a dot in
    /// the wrong place, or characters pasted from a document (look-alike
    /// Unicode letters, non-breaking spaces).
    ///
    /// ## Example
    /// `E11-9`, `250.00`, `E1.19`, `Е11.9` (Cyrillic Е), `Ｅ１１.９`
    /// (full-width), `E11.9` followed by a no-break space.
    ///
    /// ## Fix
    /// Write the code as the tabular list does (`E11.9`); dots and case do
    /// not matter to dxlint, but everything else does.
    ///
    /// ## References
    /// ICD-10-CM Tabular List conventions; ICD-10-CM Official Guidelines I.A.
    pub struct InvalidCodeFormat {
        code: "DX101",
        name: "invalid-code-format",
        group: "validity",
        severity: Error,
        enabled: true,
        summary: "A diagnosis cell is not shaped like an ICD-10-CM code",
        source: "ICD-10-CM code structure (Tabular List)",
    }
}

impl NativeRule for InvalidCodeFormat {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        for (dx, r) in ctx.diagnoses() {
            // A plain spelling is a well-formed code in ASCII: nothing here.
            let (true, Some(raw)) = (r.icd10, dx.code.written()) else {
                continue;
            };
            match dx.code.value {
                // Only non-ASCII characters the reader saw past can be
                // left in the cell of a well-formed code: invisible padding.
                Ok(key) if !raw.is_ascii() => padding(ctx, dx, raw, key, out),
                Ok(_) => {}
                Err(CodeFormatError::Empty) if !raw.is_empty() => {
                    let chars = invisible_chars(raw);
                    out.diagnosis(
                        dx,
                        format!("the cell holds only {chars}: it looks empty but is not"),
                    )
                    .with_help("clear the cell, or put the code in it");
                }
                Err(CodeFormatError::Empty) => {}
                Err(CodeFormatError::BadCharacter { offset, ch }) if !ch.is_ascii() => {
                    non_ascii(ctx, dx, raw, offset, ch, out);
                }
                Err(err) => {
                    let hint = match err {
                        CodeFormatError::MisplacedDot { .. } => misplaced_dot(raw),
                        CodeFormatError::FirstNotLetter if looks_like_icd9(raw) => {
                            "this looks like an ICD-9-CM code; if the claim is coded in ICD-9, mark it so in the code-type column".to_string()
                        }
                        _ => GENERIC_HINT.to_string(),
                    };
                    let d = out.diagnosis(
                        dx,
                        format!("`{}` is not an ICD-10-CM code: {err}", visible(raw)),
                    );
                    d.with_help(hint);
                    if let CodeFormatError::MisplacedDot { .. } = err
                        && let Some(key) = redotted(raw)
                        && ctx.edition.standing(key) != Standing::Unknown
                    {
                        let title = ctx.edition.title(key).map(|t| t.into_owned());
                        d.suggest(key, title);
                    }
                }
            }
        }
    }
}

const GENERIC_HINT: &str = "an ICD-10-CM code is a letter, two letters or digits, then up to four more (e.g. E11.9, S72.001A)";

/// A well-formed code with invisible characters around it (the cell's
/// text `raw`): reported, and the code itself was checked by the other
/// rules.
fn padding(ctx: &ClaimContext<'_>, dx: &Diagnosis, raw: &str, key: CodeKey, out: &mut Emitter<'_>) {
    let chars = invisible_chars(raw);
    let title = ctx.edition.title(key).map(|t| t.into_owned());
    out.diagnosis(
        dx,
        format!(
            "the code {key} is padded with {chars}, an invisible character that claim systems do not strip"
        ),
    )
    .with_help(format!(
        "delete the invisible character; the code was checked as {key}"
    ))
    .suggest(key, title);
}

/// A non-ASCII character in a code (the cell's text `raw`): name it, and
/// suggest the code typed in ASCII when the cell reads as one.
fn non_ascii(
    ctx: &ClaimContext<'_>,
    dx: &Diagnosis,
    raw: &str,
    offset: usize,
    ch: char,
    out: &mut Emitter<'_>,
) {
    let inner = trim_invisible(raw);
    let nth = inner.get(..offset).map_or(0, |s| s.chars().count()) + 1;
    let what = match ascii_lookalike(ch) {
        Some(a) if a.is_ascii_digit() => format!(", a look-alike of the digit {a}"),
        Some('.') => ", a look-alike of the dot".to_string(),
        Some(a) => format!(", a look-alike of the letter {}", a.to_ascii_uppercase()),
        None if is_invisible(ch) => ", an invisible character".to_string(),
        None => String::new(),
    };
    let others = raw
        .chars()
        .filter(|c| !c.is_ascii())
        .count()
        .saturating_sub(1);
    let others = match others {
        0 => String::new(),
        1 => " (and 1 more non-ASCII character)".to_string(),
        n => format!(" (and {n} more non-ASCII characters)"),
    };
    let d = out.diagnosis(
        dx,
        format!(
            "`{}` is not an ICD-10-CM code: its {} character is {}{what}{others}",
            visible(raw),
            ordinal(nth),
            describe(ch)
        ),
    );
    let ed = &ctx.edition;
    let ascii = to_ascii(raw).and_then(|t| parse_code(&t).ok());
    match ascii {
        Some(key) if ed.standing(key) != Standing::Unknown => {
            let title = ed.title(key).map(|t| t.into_owned());
            d.with_help(format!("type it in ASCII: {}", code_with_title(ed, key)))
                .suggest(key, title);
        }
        Some(key) => {
            let close = close_codes(ed, key, 5);
            if close.is_empty() {
                d.with_help(format!(
                    "typed in ASCII it reads {key}, which is not a code in {} either",
                    ed.label()
                ));
            } else {
                let list: Vec<String> = close.iter().map(|k| k.dotted()).collect();
                d.with_help(format!(
                    "typed in ASCII it reads {key}, which is not a code either; did you mean {}?",
                    list.join(" or ")
                ));
                for k in close {
                    let title = ed.title(k).map(|t| t.into_owned());
                    d.suggest(k, title);
                }
            }
        }
        None => {
            d.with_help(format!(
                "retype the code in ASCII letters and digits; {GENERIC_HINT}"
            ));
        }
    }
}

/// The distinct invisible characters of `raw`, described: `U+00A0
/// (NO-BREAK SPACE)`, or two joined with `and`.
fn invisible_chars(raw: &str) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in raw.chars().filter(|&c| is_invisible(c)) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    let named: Vec<String> = seen.iter().take(3).map(|&c| describe(c)).collect();
    match named.len() {
        0 => "invisible characters".to_string(),
        1 => named.join(""),
        _ => named.join(" and "),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ...
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The cell's characters with the dot moved after the third, when that
/// makes a code (`E1.19` -> `E11.9`).
fn redotted(raw: &str) -> Option<CodeKey> {
    let dotless: String = trim_invisible(raw).chars().filter(|c| *c != '.').collect();
    CodeKey::parse(&dotless).ok()
}

fn misplaced_dot(raw: &str) -> String {
    match redotted(raw) {
        Some(key) if key.len() > 3 => format!("the dot goes after the category: {key}"),
        _ => "the dot goes after the third character".to_string(),
    }
}

fn looks_like_icd9(raw: &str) -> bool {
    let s = raw.trim();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    (s.starts_with(|c: char| c.is_ascii_digit()) || s.starts_with(['V', 'E', 'v', 'e']))
        && digits >= 3
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || matches!(c, 'V' | 'E' | 'v' | 'e'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_redotting() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(4), "4th");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(
            misplaced_dot("E1.19"),
            "the dot goes after the category: E11.9"
        );
        // Multi-byte characters near the dot must not split a character.
        assert_eq!(
            misplaced_dot("1.x\u{e9}"),
            "the dot goes after the third character"
        );
        assert_eq!(
            misplaced_dot("Z5.\u{41e}19"),
            "the dot goes after the third character"
        );
        assert_eq!(misplaced_dot("."), "the dot goes after the third character");
    }
}
