use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;
use crate::rules::poa::{VALID_VALUES, has_poa, takes_poa};

declare_rule! {
    /// ## What it does
    /// Flags a present-on-admission indicator on an inpatient claim that is
    /// not one of the values CMS defines: `Y`, `N`, `U`, `W`, `1`, or blank.
    /// Case and surrounding spaces do not matter. Other claim types are not
    /// checked.
    ///
    /// `0` is not a POA value either. Some exports hold it where no
    /// indicator was captured (Tuva's seed claims do, on exempt codes such
    /// as Z88.2); it is reported so that the gap is seen rather than read
    /// as "exempt".
    ///
    /// ## Why is this bad?
    /// The POA indicator decides whether a condition counts as a
    /// hospital-acquired condition in the MS-DRG payment. An indicator the
    /// grouper cannot read is treated as missing: the claim is returned or
    /// the condition is paid as if acquired in the hospital.
    ///
    /// ## Example
    /// `dx2 = I50.9` with `poa2 = 0` or `poa2 = X`.
    ///
    /// ## Fix
    /// Report `Y` (present at admission), `N` (not present), `U`
    /// (documentation insufficient) or `W` (clinically undetermined); leave it
    /// blank (or `1`) for codes on CMS's POA-exempt list.
    ///
    /// ## References
    /// CMS, Present on Admission indicator reporting (UB-04 / 837I POA values
    /// Y, N, U, W, 1); ICD-10-CM Official Guidelines Appendix I (POA
    /// reporting guidelines).
    pub struct InvalidPoaIndicator {
        code: "DX501",
        name: "invalid-poa-indicator",
        group: "poa",
        severity: Error,
        enabled: true,
        summary: "A POA indicator other than Y, N, U, W, 1 or blank on an inpatient claim",
        source: "CMS POA indicator reporting; ICD-10-CM Official Guidelines Appendix I",
    }
}

impl NativeRule for InvalidPoaIndicator {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !has_poa(ctx) {
            return;
        }
        for dx in ctx.claim.diagnoses.iter().filter(|d| takes_poa(d)) {
            let Some(poa) = &dx.poa else { continue };
            let value = poa.value.trim();
            if value.is_empty() || VALID_VALUES.contains(&value) {
                continue;
            }
            let code = dx
                .code
                .value
                .map(|k| k.dotted())
                .unwrap_or_else(|_| dx.code.raw().trim().to_string());
            out.cell(
                poa.loc,
                format!(
                    "`{}` is not a POA indicator (the indicator for {code})",
                    poa.raw
                ),
            )
            .with_help("use Y, N, U or W; leave it blank (or 1) for a POA-exempt code");
        }
    }
}
