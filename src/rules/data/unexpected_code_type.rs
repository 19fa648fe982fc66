use crate::claims::CodeSystem;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose diagnosis code-type column says something other
    /// than ICD-10-CM or ICD-9-CM (for example `icd-10-pcs`, the procedure
    /// coding system). Reported once per claim; the codes are still checked
    /// as ICD-10-CM.
    ///
    /// ## Why is this bad?
    /// Diagnoses are coded in ICD-10-CM (or ICD-9-CM before 2015-10-01).
    /// A wrong code type makes downstream systems read the codes with the
    /// wrong code set or drop them.
    ///
    /// ## Example
    /// `diagnosis_code_type = icd-10-pcs` on a professional claim.
    ///
    /// ## Fix
    /// Set the code type to `icd-10-cm` in the export.
    ///
    /// ## References
    /// HIPAA code set standards (45 CFR 162.1002): ICD-10-CM for diagnoses.
    pub struct UnexpectedCodeType {
        code: "DX006",
        name: "unexpected-code-type",
        group: "data",
        severity: Warning,
        enabled: true,
        summary: "The diagnosis code-type column names a code system other than ICD-10-CM or ICD-9-CM",
        source: "HIPAA code set standards, 45 CFR 162.1002",
    }
}

impl NativeRule for UnexpectedCodeType {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if let Some(cell) = &ctx.claim.code_type
            && let CodeSystem::Other(_) = &cell.value
        {
            out.cell(
                cell.loc,
                "the diagnosis code type is neither ICD-10-CM nor ICD-9-CM",
            )
            .with_help("diagnoses are coded in ICD-10-CM; the codes were checked as ICD-10-CM");
        }
    }
}
