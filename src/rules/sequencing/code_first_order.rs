use crate::claims::{Diagnosis, DxRole};
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::describe::{date_is_covered, titled};
use crate::rules::sequencing::code_first::{
    claim_blocks, each_with_instructions, has_instructions,
};

declare_rule! {
    /// ## What it does
    /// Flags a diagnosis whose tabular "code first" note names a code or
    /// range, when a code of that set is on the same claim but listed after
    /// it. The note is read from the release in force on the service date,
    /// including the notes the code inherits from its category, section and
    /// chapter. When another code of the named set already precedes the
    /// diagnosis, the order is taken as right.
    ///
    /// Only the references the note spells out as codes are used (`(E85.-)`,
    /// `(E00-E07, E15-E16)`, `(T36-T65 with fifth or sixth character 1-4)`);
    /// parts of a note that name no code, or a form that cannot be read, are
    /// left out rather than guessed.
    ///
    /// For service dates of a fiscal year without a loaded tabular release
    /// (FY2016-FY2024, FY2027 unless given with `--codeset`), the notes of
    /// the nearest release are read. Claims dated outside every code set
    /// (before 2015-10-01) are not checked.
    ///
    /// ## Why is this bad?
    /// A code-first note says the condition it names is the cause and is
    /// sequenced ahead of the code that carries the note. Manifestation codes
    /// follow their etiology, weeks of gestation follow the obstetric code,
    /// and codes that may be due to an underlying cause follow that cause when
    /// it is present. Reversed, the claim states the wrong principal or
    /// first-listed condition, and groupers and payers read it that way.
    ///
    /// ## Example
    /// `dx1 = G63, dx2 = E85.4`: G63 (polyneuropathy in diseases classified
    /// elsewhere) says "code first underlying disease, such as amyloidosis
    /// (E85.-)".
    ///
    /// `dx1 = Z3A.39, dx2 = O80`: Z3A says "code first obstetric condition or
    /// encounter for delivery (O09-O60, O80-O82, O94-O9A)".
    ///
    /// ## Fix
    /// List the underlying condition before the code with the note:
    /// `dx1 = E85.4, dx2 = G63`.
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines FY2025, I.A.13 (etiology/manifestation
    /// convention: the underlying condition is sequenced first) and I.B.7
    /// (code-first notes also on codes that may be due to an underlying
    /// cause); the "Code first" notes of the Tabular List.
    pub struct CodeFirstOrder {
        code: "DX207",
        name: "code-first-order",
        group: "sequencing",
        severity: Error,
        enabled: true,
        summary: "A code with a 'code first' note is listed before the code the note names",
        source: "ICD-10-CM Official Guidelines I.A.13, I.B.7; Tabular List 'Code first' notes",
    }
}

impl NativeRule for CodeFirstOrder {
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
        let sequenced = |dx: &Diagnosis| dx.role == DxRole::Sequenced;
        let blocks = claim_blocks(ctx, sequenced);
        each_with_instructions(ctx, sequenced, |dx, key, list| {
            let others = || {
                ctx.codes()
                    .filter(|(o, k, _)| o.role == DxRole::Sequenced && *k != key)
            };
            let found = list
                .iter()
                .filter(|ins| ins.blocks.intersects(&blocks))
                .find_map(|ins| {
                    if others().any(|(o, k, _)| o.position < dx.position && ins.matches(k)) {
                        return None;
                    }
                    others()
                        .find(|(o, k, _)| o.position > dx.position && ins.matches(*k))
                        .map(|(o, k, _)| (ins, o, k))
                });
            let Some((ins, later, later_key)) = found else {
                return;
            };
            let note = ins
                .item_for(later_key)
                .map(|i| ins.quote_item(i))
                .unwrap_or_else(|| ins.quote());
            out.diagnosis(
                dx,
                format!(
                    "{key} comes before {}, position {}, but the note at {} says \"{note}\"",
                    titled(ed, later_key),
                    later.position,
                    ins.origin
                ),
            )
            .with_help(format!("list {later_key} before {key}: the underlying condition comes first (Guidelines I.A.13)"));
        });
    }
}
