use crate::claims::AgeError;
use crate::date::DateError;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

/// The oldest age the MCE accepts.
const MAX_AGE: u32 = 124;

declare_rule! {
    /// ## What it does
    /// Flags an age that is not a whole number of years from 0 to 124, a
    /// birth date that is not a real day, a birth date after the date of
    /// service, and a birth date that makes the patient older than 124.
    ///
    /// ## Why is this bad?
    /// Age edits (newborn, pediatric, maternity and adult codes) depend on
    /// the patient's age on the date of service; with a wrong age they miss
    /// real conflicts or report false ones. Payers reject impossible ages.
    ///
    /// ## Example
    /// `age = -1`, `age = 300`, `age = abc`, `birth_date = 2030-01-01` on a
    /// 2025 claim.
    ///
    /// ## Fix
    /// Correct the birth date or age in the source system or member file.
    ///
    /// ## References
    /// CMS Medicare Code Editor: age range 0-124 years.
    pub struct InvalidAgeOrBirthDate {
        code: "DX005",
        name: "invalid-age-or-birth-date",
        group: "data",
        severity: Warning,
        enabled: true,
        summary: "The age or birth date is impossible or unreadable",
        source: "CMS Medicare Code Editor age range (0-124)",
    }
}

impl NativeRule for InvalidAgeOrBirthDate {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if let Some(cell) = &ctx.claim.age {
            let problem = match &cell.value {
                Err(AgeError::NotANumber) => Some("is not a number of years"),
                Err(AgeError::OutOfRange) => Some("is outside 0 to 124 years"),
                Ok(_) => None,
            };
            if let Some(problem) = problem {
                out.cell(cell.loc, format!("the age {problem}"))
                    .with_help("ages are whole years from 0 to 124 on the date of service");
            }
        }
        let Some(cell) = &ctx.claim.birth_date else {
            return;
        };
        match cell.value {
            Err(DateError::Empty) => {}
            Err(err) => {
                out.cell(
                    cell.loc,
                    format!("the birth date is not a valid date: {err}"),
                )
                .with_help("use YYYY-MM-DD");
            }
            Ok(birth) => {
                let Some(dos) = ctx.service_date else { return };
                match dos.years_since(birth) {
                    None => {
                        out.cell(cell.loc, "the birth date is after the service date")
                            .with_help("correct the birth date or the service date");
                    }
                    Some(age) if age > MAX_AGE => {
                        out.cell(
                            cell.loc,
                            format!(
                                "the birth date makes the patient older than {MAX_AGE} years on the service date"
                            ),
                        )
                        .with_help("ages above 124 are not accepted; check the birth date");
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
