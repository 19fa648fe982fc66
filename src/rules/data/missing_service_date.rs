use crate::date::DateError;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose service-date cell is empty.
    ///
    /// ## Why is this bad?
    /// The date of service decides which fiscal year's code set applies, and
    /// with it which codes are valid and billable. Without it, dxlint checks
    /// the claim against the newest code set, which may be the wrong one; a
    /// payer rejects the claim outright.
    ///
    /// ## Example
    /// `service_date` is blank on a row with diagnoses.
    ///
    /// ## Fix
    /// Fill in the date of service (or the statement-from date on
    /// institutional claims).
    ///
    /// ## References
    /// CMS UB-04 FL 6 (statement covers period), CMS-1500 item 24A.
    pub struct MissingServiceDate {
        code: "DX002",
        name: "missing-service-date",
        group: "data",
        severity: Error,
        enabled: true,
        summary: "The service date is empty",
        source: "CMS UB-04 FL 6 / CMS-1500 item 24A",
    }
}

impl NativeRule for MissingServiceDate {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if let Some(cell) = &ctx.claim.service_date
            && cell.value == Err(DateError::Empty)
        {
            out.cell(cell.loc, "the service date is empty")
                .with_help(format!(
                    "without a date the codes are checked against {}",
                    ctx.edition.label()
                ));
        }
    }
}
