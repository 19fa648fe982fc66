//! Native rules, one per file, grouped by what they check. Rules that are
//! lists of codes live in the TOML packs under `rules/` instead.

pub mod blocks;
pub mod claim;
pub mod combinations;
pub mod data;
pub mod demographics;
pub mod describe;
mod note_memo;
pub mod notes;
pub mod poa;
pub mod sequencing;
pub mod validity;

use crate::engine::rule::NativeRule;

/// Every native rule, in code order.
pub fn native_rules() -> Vec<Box<dyn NativeRule>> {
    vec![
        Box::new(data::malformed_row::MalformedRow),
        Box::new(data::missing_service_date::MissingServiceDate),
        Box::new(data::invalid_service_date::InvalidServiceDate),
        Box::new(data::invalid_sex::InvalidSex),
        Box::new(data::invalid_age_or_birth_date::InvalidAgeOrBirthDate),
        Box::new(data::unexpected_code_type::UnexpectedCodeType),
        Box::new(claim::no_diagnosis::NoDiagnosis),
        Box::new(claim::diagnosis_gap::DiagnosisGap),
        Box::new(claim::duplicate_code::DuplicateCode),
        Box::new(validity::invalid_code_format::InvalidCodeFormat),
        Box::new(validity::unknown_code::UnknownCode),
        Box::new(validity::non_billable_code::NonBillableCode),
        Box::new(validity::missing_seventh_character::MissingSeventhCharacter),
        Box::new(validity::code_not_valid_on_service_date::CodeNotValidOnServiceDate),
        Box::new(sequencing::code_first_order::CodeFirstOrder),
        Box::new(sequencing::missing_underlying_code::MissingUnderlyingCode),
        Box::new(combinations::excludes1_conflict::Excludes1Conflict),
        Box::new(demographics::age_conflict::AgeConflict::default()),
        Box::new(demographics::sex_conflict::SexConflict),
        Box::new(poa::invalid_poa_indicator::InvalidPoaIndicator),
        Box::new(poa::missing_poa_indicator::MissingPoaIndicator::default()),
        Box::new(poa::poa_exempt_misuse::PoaExemptMisuse::default()),
    ]
}
