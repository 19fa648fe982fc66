//! Claim structure: does the claim carry diagnoses, in order, once each?

pub mod diagnosis_gap;
pub mod duplicate_code;
pub mod no_diagnosis;
