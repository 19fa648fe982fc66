//! Present-on-admission (POA) indicators on inpatient claims: their values,
//! and, with CMS's POA-exempt list loaded (`--poa-exempt FILE`), whether
//! each code needs one.

pub mod invalid_poa_indicator;
pub mod missing_poa_indicator;
pub mod poa_exempt_misuse;

use crate::claims::{ClaimType, Diagnosis, DxRole};
use crate::engine::context::ClaimContext;
use crate::tally::Count;

/// The values CMS accepts: Y (present), N (not present), U (documentation
/// insufficient), W (clinically undetermined), 1 (exempt; blank means the same).
pub const VALID_VALUES: [&str; 5] = ["Y", "N", "U", "W", "1"];

/// The indicators that state whether the condition was present.
pub const REPORTED_VALUES: [&str; 4] = ["Y", "N", "U", "W"];

/// An inpatient claim with at least one POA cell: the claims POA rules look at.
pub fn has_poa(ctx: &ClaimContext<'_>) -> bool {
    ctx.claim.claim_type == ClaimType::Inpatient
        && ctx.claim.diagnoses.iter().any(|d| d.poa.is_some())
}

/// Diagnoses that carry an indicator: sequenced and external cause codes
/// (the admitting diagnosis has none).
pub fn takes_poa(dx: &Diagnosis) -> bool {
    matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause)
}

/// Counts claims a list-based POA rule skipped because no list is loaded,
/// and words the summary note (the same text for both rules, so it shows once).
pub fn unchecked_notice(counter: &Count) -> Vec<String> {
    let n = counter.get();
    if n == 0 {
        return Vec::new();
    }
    vec![format!(
        "no POA-exempt list loaded (--poa-exempt FILE, CMS's POAexemptCodes file): {n} inpatient claim{} with POA indicators {} not checked for missing or misused indicators",
        if n == 1 { "" } else { "s" },
        if n == 1 { "was" } else { "were" }
    )]
}
