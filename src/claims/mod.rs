//! Claim input: reading claim exports (CSV, TSV, pipe), finding the columns,
//! and turning rows into [`Claim`]s for the engine.
//!
//! Data flows one way: bytes -> records (with exact cell positions) ->
//! column mapping -> claims. Nothing here knows about rules or reports.

pub mod claim;
pub mod hash;
pub mod reader;

pub use claim::{
    AgeError, Cell, CellLoc, Claim, ClaimType, CodeSystem, Diagnosis, DxRole, FileId, Sex,
};
