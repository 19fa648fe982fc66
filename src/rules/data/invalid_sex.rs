use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a sex cell with a value outside the accepted set: `M`, `F`, `U`,
    /// `male`, `female`, `unknown`, or CMS's `1`, `2`, `0` (any case).
    ///
    /// ## Why is this bad?
    /// Sex-specific edits (the MCE sex lists many payers still apply) cannot
    /// run on an unreadable value, and an unexpected value usually means a
    /// column was mapped wrong.
    ///
    /// ## Example
    /// `sex = X`, `gender = 3`.
    ///
    /// ## Fix
    /// Map the export's values to one of the accepted spellings.
    ///
    /// ## References
    /// CMS beneficiary sex codes (0 unknown, 1 male, 2 female).
    pub struct InvalidSex {
        code: "DX004",
        name: "invalid-sex",
        group: "data",
        severity: Warning,
        enabled: true,
        summary: "The sex value is not one dxlint can read",
        source: "CMS sex codes (0/1/2), X12 837 (F/M/U)",
    }
}

impl NativeRule for InvalidSex {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if let Some(cell) = &ctx.claim.sex
            && cell.value.is_err()
            && !cell.raw.is_empty()
        {
            out.cell(cell.loc, "the sex value is not one dxlint understands")
                .with_help("use M, F or U (male/female/unknown and CMS's 1/2/0 are accepted too)");
        }
    }
}
