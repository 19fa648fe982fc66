//! Data problems in the fields other rules depend on: dates, sex, age, the
//! code type, and rows that cannot be read at all.

pub mod invalid_age_or_birth_date;
pub mod invalid_service_date;
pub mod invalid_sex;
pub mod malformed_row;
pub mod missing_service_date;
pub mod unexpected_code_type;
