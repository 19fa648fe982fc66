use crate::claims::{Diagnosis, DxRole};
use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::Edition;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::describe::{date_is_covered, titled};
use crate::rules::sequencing::code_first::{
    Instruction, Need, claim_blocks, each_with_instructions, has_instructions,
};

declare_rule! {
    /// ## What it does
    /// Flags a diagnosis whose tabular "code first" note asks for an
    /// underlying condition that is not on the claim. The note is read from
    /// the release in force on the service date (with the notes inherited
    /// from the category, section and chapter), and the rule fires only
    /// where every code reference in the note could be read.
    ///
    /// The note's wording decides how strict the rule is:
    /// - one item naming codes (`Z3A`: obstetric condition or encounter for
    ///   delivery (O09-O60, O80-O82, O94-O9A)): fires when no code of that
    ///   set is on the claim;
    /// - a list after "such as" (`G63`: underlying disease, such as
    ///   amyloidosis (E85.-), ...) gives examples, not the whole choice:
    ///   fires only when the claim holds no other diagnosis that could be the
    ///   underlying condition (a disease or injury code from chapters 1-17,
    ///   19 or 22 that is not itself a manifestation code);
    /// - "if applicable", "if known", "any", "associated", wording that names
    ///   a circumstance ("complicating", "due to", "following", "during",
    ///   "when"), or a list of alternative circumstances (A41, I50) make the
    ///   underlying code optional: no finding (`code-first-order` still
    ///   checks the order when both are reported).
    ///
    /// As for `code-first-order`, dates without a loaded release use the
    /// nearest release's notes, and claims dated before 2015-10-01 are not
    /// checked.
    ///
    /// ## Why is this bad?
    /// A manifestation code describes how a disease shows itself and must be
    /// reported with the disease; weeks of gestation (Z3A) only add to an
    /// obstetric code. Reported alone, the claim lacks the condition that
    /// explains the service, and payers deny it or ask for records.
    ///
    /// ## Example
    /// `dx1 = Z3A.32` alone (weeks of gestation without an obstetric code).
    ///
    /// `dx1 = G63, dx2 = Z79.4`: polyneuropathy in diseases classified
    /// elsewhere with no disease it could be due to.
    ///
    /// ## Fix
    /// Add the underlying condition the record documents and list it first:
    /// `dx1 = O26.893, dx2 = Z3A.32`.
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines FY2025, I.A.13 (manifestation codes are
    /// used together with the underlying condition) and I.C.21.c.11 (Z3A adds
    /// information about the pregnancy); the "Code first" notes of the
    /// Tabular List.
    pub struct MissingUnderlyingCode {
        code: "DX208",
        name: "missing-underlying-code",
        group: "sequencing",
        severity: Warning,
        enabled: true,
        summary: "A code whose 'code first' note names an underlying condition that is not on the claim",
        source: "ICD-10-CM Official Guidelines I.A.13, I.C.21.c.11; Tabular List 'Code first' notes",
    }
}

impl NativeRule for MissingUnderlyingCode {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        has_instructions(code)
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !date_is_covered(ctx) {
            return;
        }
        let ed = &ctx.edition;
        let blocks = claim_blocks(ctx, reported);
        each_with_instructions(ctx, reported, |dx, key, list| {
            let others = || {
                ctx.codes()
                    .filter(|(o, k, _)| reported(o) && *k != key)
                    .map(|(_, k, _)| k)
            };
            let present = |ins: &Instruction| {
                ins.blocks.intersects(&blocks) && others().any(|k| ins.matches(k))
            };
            let unmet = list.iter().find(|ins| {
                ins.is_complete()
                    && match ins.need {
                        Need::Optional => false,
                        Need::Required => !present(ins),
                        Need::Examples => {
                            !present(ins) && !others().any(|k| could_be_underlying(ed, k))
                        }
                    }
            });
            let Some(ins) = unmet else { return };
            let message = match ins.need {
                Need::Examples => format!(
                    "{} has no underlying condition on this claim: the note at {} says \"{}\", and no other diagnosis here is a disease that could be it",
                    titled(ed, key),
                    ins.origin,
                    ins.quote()
                ),
                _ => format!(
                    "{} is reported without the condition that the note at {} names: \"{}\"",
                    titled(ed, key),
                    ins.origin,
                    ins.quote()
                ),
            };
            out.diagnosis(dx, message).with_help(format!(
                "add the underlying condition the record documents and list it before {key}"
            ));
        });
    }
}

/// Diagnoses that count as reported on the claim (not the admitting
/// diagnosis or the patient's reason for visit).
fn reported(dx: &Diagnosis) -> bool {
    matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause)
}

/// A disease or injury code (chapters 1-17, 19 and 22: A00-Q99, S00-T88,
/// U00-U85) that is not itself a manifestation code. Symptoms (R),
/// external causes (V-Y) and factors influencing health status (Z) are
/// never the underlying condition of a manifestation.
fn could_be_underlying(ed: &Edition<'_>, key: CodeKey) -> bool {
    let first = key.as_bytes()[0];
    let disease = matches!(first, b'A'..=b'Q' | b'S' | b'T' | b'U');
    disease
        && !ed
            .mce_flags(key)
            .is_some_and(|f| f.contains(MceFlags::MANIFESTATION))
        && !ed
            .title(key)
            .is_some_and(|t| t.to_lowercase().contains("classified elsewhere"))
}
