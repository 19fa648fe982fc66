//! Sequencing rules that read the tabular's "code first" notes. The
//! sequencing rules that are lists of codes live in `rules/sequencing.toml`
//! and `rules/mce.toml`.

pub mod code_first;
pub mod code_first_order;
pub mod missing_underlying_code;
