use crate::date::DateError;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a service date (or through date) that cannot be read as a real
    /// day (`2026-02-30`, `00/00/0000`, `yesterday`), and a through date
    /// before the from date.
    ///
    /// ## Why is this bad?
    /// The date of service picks the code set. An impossible date is rejected
    /// by the payer, and dxlint cannot tell which codes were valid: it checks
    /// the claim against the newest code set instead.
    ///
    /// ## Example
    /// `service_date = 2026-02-30`; `from = 2025-03-10, through = 2025-03-01`.
    ///
    /// ## Fix
    /// Correct the date. Accepted spellings: `YYYY-MM-DD`, `YYYYMMDD`,
    /// `MM/DD/YYYY`, `DD-Mon-YYYY`.
    ///
    /// ## References
    /// CMS UB-04 FL 6 / CMS-1500 item 24A (dates of service).
    pub struct InvalidServiceDate {
        code: "DX003",
        name: "invalid-service-date",
        group: "data",
        severity: Error,
        enabled: true,
        summary: "The service date is not a real date, or the through date precedes it",
        source: "CMS UB-04 FL 6 / CMS-1500 item 24A",
    }
}

impl NativeRule for InvalidServiceDate {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        // Messages name the column, not its value: machine formats carry
        // no cell but the diagnosis code (the human report shows the cell).
        let cells = [
            ("service date", &ctx.claim.service_date),
            ("through date", &ctx.claim.through_date),
        ];
        for (what, cell) in cells {
            let Some(cell) = cell else { continue };
            match cell.value {
                Err(DateError::Empty) | Ok(_) => {}
                Err(err) => {
                    out.cell(cell.loc, format!("the {what} is not a valid date: {err}"))
                        .with_help(format!(
                            "use YYYY-MM-DD; until then the codes are checked against {}",
                            ctx.edition.label()
                        ));
                }
            }
        }
        if let (Some(from), Some(through)) = (&ctx.claim.service_date, &ctx.claim.through_date)
            && let (Ok(f), Ok(t)) = (from.value, through.value)
            && t < f
        {
            out.cell(through.loc, "the through date is before the service date")
                .with_help("swap or correct the dates");
        }
    }
}
