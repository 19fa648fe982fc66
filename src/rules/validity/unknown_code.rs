use crate::codeset::registry::Standing;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::validity::suggest::close_codes;
use crate::rules::validity::{exists_elsewhere, needs_seventh};

declare_rule! {
    /// ## What it does
    /// Flags a well-formed code that is not in the ICD-10-CM code set at all:
    /// not on the claim's date of service, and not in any other fiscal year
    /// dxlint knows. It suggests real codes one typing slip away: a letter O
    /// for a zero or I for a one, two characters swapped, a missing
    /// placeholder X, a character missing, extra or wrong.
    ///
    /// ## Why is this bad?
    /// A code that does not exist is rejected by every payer's front-end
    /// edit. Most unknown codes are slips of the keyboard, and the intended
    /// code is usually one edit away.
    ///
    /// ## Example
    /// `E11.O9` (letter O) is unknown; `E11.09` is meant. `I10.` is fine,
    /// `I1O` is not.
    ///
    /// ## Fix
    /// Pick the intended code from the suggestions, or look it up with
    /// `dxlint lookup`.
    ///
    /// ## References
    /// ICD-10-CM Tabular List; CMS ICD-10-CM code files (order file) for the
    /// fiscal year of the date of service.
    pub struct UnknownCode {
        code: "DX102",
        name: "unknown-code",
        group: "validity",
        severity: Error,
        enabled: true,
        summary: "A well-formed code that is not in the ICD-10-CM code set",
        source: "ICD-10-CM Tabular List / CMS code files",
    }
}

impl NativeRule for UnknownCode {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        code.standing == Standing::Unknown
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        let ed = &ctx.edition;
        for (dx, key, r) in ctx.codes() {
            if r.standing != Some(Standing::Unknown)
                || needs_seventh(ed, key)
                || exists_elsewhere(ed, key)
            {
                continue;
            }
            let close = close_codes(ed, key, 5);
            let d = out.diagnosis(dx, format!("{key} is not an ICD-10-CM code"));
            if close.is_empty() {
                d.with_help(format!(
                    "no code in {} is one typing slip away; look the code up in the tabular list",
                    ed.label()
                ));
            } else {
                let list: Vec<String> = close.iter().map(|k| k.dotted()).collect();
                d.with_help(format!("did you mean {}?", list.join(" or ")));
                for k in close {
                    let title = ed.title(k).map(|t| t.into_owned());
                    d.suggest(k, title);
                }
            }
        }
    }
}
