//! dxlint: a linter for ICD-10-CM diagnosis codes on medical claims.
//!
//! Data flows one way:
//! [`claims`] (CSV input) -> [`engine`] (rules, with the [`codeset`]) ->
//! [`engine::diagnostic::Diagnostic`]s -> [`report`] (formats).
#![forbid(unsafe_code)]

pub mod baseline;
pub mod claims;
pub mod cli;
pub mod codeset;
pub mod config;
pub mod date;
pub mod engine;
pub mod fix;
pub mod lookup;
pub mod lsp;
pub mod report;
pub mod rules;
pub mod tally;
pub mod toml_error;
