use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a claim without any diagnosis code.
    ///
    /// ## Why is this bad?
    /// Every claim needs at least the principal or first-listed diagnosis
    /// that explains the service. A claim without one is rejected before it
    /// is read; in an export it usually means the diagnosis columns were not
    /// mapped or the encounter was never coded.
    ///
    /// ## Example
    /// A row whose `dx1` .. `dx25` are all empty.
    ///
    /// ## Fix
    /// Code the encounter, or check the column mapping (`dxlint check
    /// --verbose` prints which columns were read as diagnoses).
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines Section II (principal diagnosis) and
    /// Section IV (first-listed diagnosis).
    pub struct NoDiagnosis {
        code: "DX010",
        name: "no-diagnosis",
        group: "claim",
        severity: Error,
        enabled: true,
        summary: "A claim carries no diagnosis code",
        source: "ICD-10-CM Official Guidelines Sections II and IV",
    }
}

impl NativeRule for NoDiagnosis {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !ctx.claim.diagnoses.is_empty() {
            return;
        }
        let what = match &ctx.claim.id {
            Some(id) => format!("claim {id} has no diagnosis code"),
            None => "this claim has no diagnosis code".to_string(),
        };
        out.row(ctx.claim.line, what)
            .with_help("code the principal or first-listed diagnosis, or check the column mapping with --verbose");
    }
}
