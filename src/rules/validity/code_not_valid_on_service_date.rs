use crate::codeset::registry::Standing;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::validity::needs_seventh;

declare_rule! {
    /// ## What it does
    /// Flags a code that exists in ICD-10-CM, but not on the claim's date of
    /// service: it was added in a later fiscal year, or deleted before the
    /// date. The message says when the code starts or ends.
    ///
    /// ## Why is this bad?
    /// Codes are valid by date of service, not by date of billing. Each
    /// October 1 (and some April 1) CMS adds, deletes and expands codes; a
    /// code used outside its dates is rejected as invalid. Typical causes are
    /// encoders updated before the service date or old claims re-billed with
    /// new codes.
    ///
    /// ## Example
    /// `E11.A` (type 2 diabetes without complications in remission) begins
    /// on 2025-10-01: on a claim from 2025-03-01 it is invalid.
    ///
    /// ## Fix
    /// Use the code that was valid on the date of service (the predecessor
    /// code, or the header's billable code of that year).
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines, Section I introduction (code sets by
    /// date of service); CMS Medicare Code Editor validity dates.
    pub struct CodeNotValidOnServiceDate {
        code: "DX105",
        name: "code-not-valid-on-service-date",
        group: "validity",
        severity: Error,
        enabled: true,
        summary: "A code that exists in another fiscal year but not on the date of service",
        source: "CMS ICD-10-CM code files by fiscal year; CMS Medicare Code Editor validity dates",
    }
}

impl NativeRule for CodeNotValidOnServiceDate {
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
        let Some(date) = ctx.service_date else { return };
        let ed = &ctx.edition;
        let sets = ed.sets();
        for (dx, key, r) in ctx.codes() {
            if r.standing != Some(Standing::Unknown) || needs_seventh(ed, key) {
                continue;
            }
            let periods = sets.validity_periods(key);
            let reason = if let Some(next) = periods.iter().find(|p| p.start > date) {
                format!(
                    "it is valid from {} (FY{})",
                    next.start,
                    next.start.fiscal_year()
                )
            } else if let Some(prev) = periods.iter().rev().find(|p| p.end < date) {
                format!(
                    "it was valid until {} (deleted for FY{})",
                    prev.end,
                    prev.end.fiscal_year() + 1
                )
            } else if let Some((v, _)) = sets.release_with(key, ed.version().fiscal_year()) {
                format!(
                    "it is listed in FY{} but not in {}",
                    v.fiscal_year(),
                    ed.label()
                )
            } else {
                continue;
            };
            // The edition, not the date: messages carry no cell but the code.
            out.diagnosis(
                dx,
                format!(
                    "{key} is not valid on the claim's service date ({}): {reason}",
                    ed.label()
                ),
            )
            .with_help(format!(
                "report the code in force in {}; `dxlint lookup {key}` shows its history",
                ed.label()
            ));
        }
    }
}
