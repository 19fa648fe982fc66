use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::validity::needs_seventh_at;

declare_rule! {
    /// ## What it does
    /// Flags a code that is complete but for its 7th character: injuries,
    /// poisonings, fractures, pregnancy complications and other categories
    /// whose tabular entry defines 7th characters (A initial encounter,
    /// D subsequent encounter, S sequela, and the fracture-specific ones).
    /// Codes shorter than six characters take the placeholder X first.
    /// The suggestions are the valid completions on the date of service.
    ///
    /// ## Why is this bad?
    /// Where the tabular requires a 7th character, the code without it is
    /// invalid and the claim is rejected. The 7th character also carries
    /// meaning (active treatment or not) that payers price on.
    ///
    /// ## Example
    /// `S72.001` needs a 7th character (`S72.001A` for the initial encounter
    /// of a closed fracture); `T81.40` needs placeholder and 7th character
    /// (`T81.40XA`).
    ///
    /// ## Fix
    /// Add the 7th character that matches the encounter, with X placeholders
    /// to fill the code to six characters first.
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines I.B.3 (placeholder character) and
    /// I.B.4 (7th characters); I.C.19.a (injury encounters).
    pub struct MissingSeventhCharacter {
        code: "DX104",
        name: "missing-seventh-character",
        group: "validity",
        severity: Error,
        enabled: true,
        summary: "A code that requires a 7th character (and placeholder X) is reported without it",
        source: "ICD-10-CM Official Guidelines I.B.3, I.B.4",
    }
}

impl NativeRule for MissingSeventhCharacter {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        needs_seventh_at(code.edition, code.key, Some(code.standing))
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        let ed = &ctx.edition;
        for (dx, key, r) in ctx.codes() {
            if !needs_seventh_at(ed, key, r.standing) {
                continue;
            }
            let completions = ed.billable_descendants(key);
            let placeholder = key.len() < 6;
            let what = if placeholder {
                "placeholder X and a 7th character"
            } else {
                "a 7th character"
            };
            let d = out.diagnosis(dx, format!("{key} needs {what}"));
            d.with_help(if placeholder {
                "fill the code to six characters with X, then add the 7th character that matches the encounter"
            } else {
                "add the 7th character that matches the encounter"
            });
            for k in completions {
                d.suggest(k, ed.title(k).map(|t| t.into_owned()));
            }
        }
    }
}
