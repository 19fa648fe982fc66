use crate::codeset::code::CodeFormatError;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags diagnosis cells whose text is not shaped like an ICD-10-CM code:
    /// a letter, then two letters or digits, then an optional dot and up to
    /// four more letters or digits (3 to 7 characters without the dot).
    ///
    /// ## Why is this bad?
    /// A payer's front-end edit rejects the whole claim when a diagnosis is not
    /// a code at all. Such cells usually come from a shifted column, a code
    /// from another system (an ICD-9 code like `250.00`, a CPT code), a dot in
    /// the wrong place, or characters pasted from a document (look-alike
    /// Unicode letters, non-breaking spaces).
    ///
    /// ## Example
    /// `E11-9`, `250.00`, `E1.19`, `Е11.9` (Cyrillic Е).
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
            if !r.icd10 {
                continue;
            }
            let Err(err) = dx.code.value else { continue };
            if err == CodeFormatError::Empty {
                continue;
            }
            let hint = match err {
                CodeFormatError::MisplacedDot { .. } => {
                    let dotless: String = dx.code.raw.chars().filter(|c| *c != '.').collect();
                    if dotless.len() > 3 {
                        format!("the dot goes after the category: {}.{}", &dotless[..3], &dotless[3..])
                    } else {
                        "the dot goes after the third character".to_string()
                    }
                }
                CodeFormatError::FirstNotLetter if looks_like_icd9(&dx.code.raw) => {
                    "this looks like an ICD-9-CM code; if the claim is coded in ICD-9, mark it so in the code-type column".to_string()
                }
                _ => "an ICD-10-CM code is a letter, two letters or digits, then up to four more (e.g. E11.9, S72.001A)".to_string(),
            };
            out.diagnosis(
                dx,
                format!("`{}` is not an ICD-10-CM code: {err}", dx.code.raw),
            )
            .with_help(hint);
        }
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
