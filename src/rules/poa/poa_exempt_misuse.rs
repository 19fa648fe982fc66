use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;
use crate::rules::poa::{REPORTED_VALUES, has_poa, takes_poa, unchecked_notice};
use crate::tally::Count;

declare_rule! {
    /// ## What it does
    /// On an inpatient claim, flags a POA indicator of `Y`, `N`, `U` or `W`
    /// for a code on CMS's POA-exempt list. Runs only when a list is loaded
    /// with `--poa-exempt FILE` (or `poa-exempt` in `dxlint.toml`); without
    /// one the rule stays silent and the summary says how many claims it
    /// could not check.
    ///
    /// ## Why is this bad?
    /// The exempt list holds codes for which "present on admission" says
    /// nothing: circumstances of the encounter and factors influencing health
    /// status that are not a current disease or injury (places and
    /// activities of external causes, history and status codes), and
    /// conditions that are present on admission by definition (congenital
    /// anomalies, for one). Their indicator is left blank. A value there
    /// often means the indicators were shifted against the codes, so those
    /// of the other diagnoses may be wrong too.
    ///
    /// ## Example
    /// `dx3 = Y92.009` (place of occurrence) with `poa3 = Y`.
    ///
    /// ## Fix
    /// Leave the indicator blank for exempt codes, and check that the other
    /// indicators line up with their codes.
    ///
    /// ## References
    /// CMS, Present on Admission indicator reporting and the POA-exempt code
    /// list (POAexemptCodesFYnn); ICD-10-CM Official Guidelines Appendix I
    /// (categories and codes exempt from POA reporting).
    pub struct PoaExemptMisuse {
        code: "DX503",
        name: "poa-exempt-misuse",
        group: "poa",
        severity: Warning,
        enabled: true,
        summary: "A Y, N, U or W POA indicator on a POA-exempt code (needs --poa-exempt)",
        source: "CMS POA-exempt code list; ICD-10-CM Official Guidelines Appendix I",
        state: { unchecked: Count },
    }
}

impl NativeRule for PoaExemptMisuse {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !has_poa(ctx) {
            return;
        }
        let Some(exempt) = ctx.poa_exempt else {
            self.unchecked.add_one();
            return;
        };
        for (dx, key, _) in ctx.codes() {
            if !takes_poa(dx) {
                continue;
            }
            let Some(poa) = &dx.poa else { continue };
            let value = poa.value.trim();
            if !REPORTED_VALUES.contains(&value) || !exempt.contains(key) {
                continue;
            }
            out.cell(poa.loc, format!("{key} is exempt from POA reporting, but its POA indicator is {value}"))
                .with_help("leave the indicator blank for exempt codes, and check that the other indicators line up with their codes");
        }
    }

    fn notices(&self) -> Vec<String> {
        unchecked_notice(&self.unchecked)
    }
}
