//! The rule engine: rule registry, rule packs, evaluation of one claim.

pub mod diagnostic;
