//! `dxlint lsp`: a language server for claim files.
//!
//! Speaks the Language Server Protocol over stdio (JSON-RPC framed by
//! `Content-Length`). For every CSV, TSV or pipe-delimited document the
//! editor opens, it lints the text as `dxlint check` would lint the file
//! (the same `dxlint.toml`, found from the document's folder upward, the
//! same rule packs, code sets and member files) and publishes:
//!
//! - diagnostics on the exact cell, with the rule code, severity, message
//!   and help; `data` carries the rule name, claim id, field, code and
//!   suggestions;
//! - hover on a diagnosis cell: the code's title, billable status on the
//!   claim's service date, billable codes below a header, notes;
//! - code actions: replace a code with one of the diagnostic's suggestions
//!   (a header's billable codes, a 7th character, a slip), write a code in
//!   canonical form (case, dot, padding), move a first-listed-only code to
//!   the first position, and fix every spelling in the document at once.
//!
//! Linting runs on a worker thread per document, so a large file never
//! blocks the editor; a newer edit cancels the older run, and results for
//! a version the editor has already replaced are dropped.
//!
//! Positions: the engine reports 1-based lines and byte columns; LSP wants
//! 0-based lines and UTF-16 code units. [`position`] converts with the
//! document's own line text.

mod actions;
mod analysis;
mod hover;
pub mod position;
mod server;
mod setup;

use std::path::PathBuf;

pub use server::{serve, serve_stdio};

/// How the server finds its configuration (from `dxlint lsp` flags).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Use this config file for every document instead of searching.
    pub config: Option<PathBuf>,
    /// Ignore any `dxlint.toml`.
    pub isolated: bool,
    /// Extra rule packs, as `--rules` on the command line.
    pub rule_packs: Vec<PathBuf>,
}

/// The source name on every diagnostic.
pub const SOURCE: &str = "dxlint";
