//! `dxlint lsp`: the language server on stdio.

use crate::cli::args::LspArgs;
use crate::cli::{ExitCode, Failure};
use crate::lsp::{Options, serve_stdio};

pub fn run(args: LspArgs) -> Result<ExitCode, Failure> {
    let options = Options {
        config: args.packs.config,
        isolated: args.packs.isolated,
        rule_packs: args.packs.rules,
    };
    serve_stdio(options).map_err(|e| Failure::io(format!("language server: {e}")))?;
    Ok(ExitCode::Clean)
}
