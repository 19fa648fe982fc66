use crate::codeset::registry::Standing;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::validity::needs_seventh;

/// How many billable codes the help line lists before "and N more".
const LISTED: usize = 8;

declare_rule! {
    /// ## What it does
    /// Flags a header code: a category or subcategory that has more specific
    /// codes below it on the date of service, and so is not valid for
    /// submission. The help lists the billable codes below it with their titles.
    ///
    /// ## Why is this bad?
    /// A code is reportable only at its highest level of specificity: when a
    /// category is subdivided, one of its subdivisions must be reported.
    /// Payers reject claims with header codes. Billability also changes
    /// between fiscal years: R10.2 was billable in FY2025 and is a header in
    /// FY2026, so the date of service matters.
    ///
    /// ## Example
    /// `Z53.2` (Procedure and treatment not carried out because of patient's
    /// decision for other and unspecified reasons) is a header: report
    /// `Z53.20`, `Z53.21` or `Z53.29`.
    ///
    /// ## Fix
    /// Choose the billable code below the header that the documentation supports.
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines I.B.7 (level of detail in coding);
    /// CMS order file "valid for submission" flag.
    pub struct NonBillableCode {
        code: "DX103",
        name: "non-billable-code",
        group: "validity",
        severity: Error,
        enabled: true,
        summary: "A header (category or subcategory) code that is not valid for submission",
        source: "ICD-10-CM Official Guidelines I.B.7; CMS order file billable flag",
    }
}

impl NativeRule for NonBillableCode {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        code.standing == Standing::Header
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        let ed = &ctx.edition;
        for (dx, key, r) in ctx.codes() {
            if r.standing != Some(Standing::Header) || needs_seventh(ed, key) {
                continue;
            }
            let below = ed.billable_descendants(key);
            let mut message = format!(
                "{key} is a header code, not billable: report one of the {} billable code{} below it",
                below.len(),
                if below.len() == 1 { "" } else { "s" }
            );
            if let Some(until) = billable_until(ctx, key) {
                message.push_str(&format!(" (it was billable until {until})"));
            }
            let help = if below.len() > LISTED {
                format!(
                    "report the billable code the documentation supports; the first {LISTED} of {} are suggested, `dxlint lookup {key}` lists all",
                    below.len()
                )
            } else {
                "report the billable code the documentation supports".to_string()
            };
            let d = out.diagnosis(dx, message);
            d.with_help(help);
            for k in below.iter().take(LISTED) {
                d.suggest(*k, ed.title(*k).map(|t| t.into_owned()));
            }
        }
    }
}

/// The last day a code was billable, when that was before the service date.
fn billable_until(
    ctx: &ClaimContext<'_>,
    key: crate::codeset::code::CodeKey,
) -> Option<crate::date::Date> {
    let date = ctx.service_date?;
    ctx.edition
        .sets()
        .validity_periods(key)
        .iter()
        .rev()
        .map(|p| p.end)
        .find(|end| *end < date)
}
