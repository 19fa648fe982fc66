//! Rules that compare the codes with the patient's age and sex.

pub mod age_conflict;
pub mod sex_conflict;
