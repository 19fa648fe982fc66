use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags an empty diagnosis column that stands before a filled one
    /// (`dx2` empty while `dx3` holds a code).
    ///
    /// ## Why is this bad?
    /// Diagnosis order carries meaning, and many claim formats and payer
    /// systems stop reading at the first empty slot: the codes after the gap
    /// may be dropped, and with them the conditions that justify the service.
    ///
    /// ## Example
    /// `dx1 = I10, dx2 = (empty), dx3 = E11.9`.
    ///
    /// ## Fix
    /// Move the later codes up so the diagnoses are contiguous.
    ///
    /// ## References
    /// CMS UB-04 (FL 67A-Q) and CMS-1500 (item 21 A-L) instructions:
    /// diagnoses are entered in consecutive fields.
    pub struct DiagnosisGap {
        code: "DX011",
        name: "diagnosis-gap",
        group: "claim",
        severity: Warning,
        enabled: true,
        summary: "An empty diagnosis column before a filled one",
        source: "CMS UB-04 / CMS-1500 claim instructions",
    }
}

impl NativeRule for DiagnosisGap {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        for loc in &ctx.claim.gaps {
            out.cell(*loc, "empty diagnosis column before a filled one")
                .with_help("move the following diagnoses up so that none is skipped");
        }
    }
}
