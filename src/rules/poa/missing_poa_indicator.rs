use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;
use crate::rules::poa::{has_poa, takes_poa, unchecked_notice};
use crate::tally::Count;

declare_rule! {
    /// ## What it does
    /// On an inpatient claim that reports POA indicators, flags a diagnosis
    /// whose indicator is blank (or `1`, "exempt") although the code is not
    /// on CMS's POA-exempt list. A claim whose POA columns are all blank is
    /// counted in the summary instead: hospitals exempt from POA reporting
    /// (critical access, psychiatric, rehabilitation...) and inpatient Part B
    /// claims (bill type 12x) send no indicators at all. Runs only when a list is loaded with
    /// `--poa-exempt FILE` (or `poa-exempt = "FILE"` in `dxlint.toml`): the
    /// file is CMS's tab-separated POAexemptCodes list for the fiscal year.
    /// Without a list the rule stays silent and the summary says how many
    /// claims it could not check.
    ///
    /// ## Why is this bad?
    /// Every diagnosis of an inpatient claim that is not exempt needs an
    /// indicator. Hospitals paid under the IPPS lose payment on conditions
    /// without one: the grouper treats them as not present on admission, so
    /// hospital-acquired conditions cannot be told from conditions the
    /// patient came in with.
    ///
    /// ## Example
    /// `dx1 = J18.9, poa1 = ` (blank), with `J18.9` not on the exempt list.
    ///
    /// ## Fix
    /// Report `Y`, `N`, `U` or `W` as the record supports.
    ///
    /// ## References
    /// CMS, Present on Admission indicator reporting and the POA-exempt code
    /// list (POAexemptCodesFYnn); ICD-10-CM Official Guidelines Appendix I.
    pub struct MissingPoaIndicator {
        code: "DX502",
        name: "missing-poa-indicator",
        group: "poa",
        severity: Error,
        enabled: true,
        summary: "A blank POA indicator for a code that is not POA-exempt (needs --poa-exempt)",
        source: "CMS POA indicator reporting and POA-exempt code list; ICD-10-CM Official Guidelines Appendix I",
        state: { unchecked: Count, blank_claims: Count },
    }
}

impl NativeRule for MissingPoaIndicator {
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
        let reports_poa = ctx
            .claim
            .diagnoses
            .iter()
            .any(|d| d.poa.as_ref().is_some_and(|p| !p.value.trim().is_empty()));
        if !reports_poa {
            self.blank_claims.add_one();
            return;
        }
        for (dx, key, _) in ctx.codes() {
            if !takes_poa(dx) || exempt.contains(key) {
                continue;
            }
            let Some(poa) = &dx.poa else { continue };
            let message = match poa.value.trim() {
                "" => format!("no POA indicator for {key}, which is not POA-exempt"),
                "1" => format!(
                    "POA indicator 1 (exempt) for {key}, which is not on the POA-exempt list"
                ),
                _ => continue,
            };
            out.cell(poa.loc, message)
                .with_help("report Y, N, U or W as the record supports");
        }
    }

    fn notices(&self) -> Vec<String> {
        let mut out = unchecked_notice(&self.unchecked);
        let n = self.blank_claims.get();
        if n > 0 {
            out.push(format!(
                "missing-poa-indicator: {n} inpatient claim{} had POA columns with no indicator at all and {} not checked (hospitals exempt from POA reporting and inpatient Part B claims leave them blank)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "was" } else { "were" }
            ));
        }
        out
    }
}
