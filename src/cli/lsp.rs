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
    let clean = serve_stdio(options).map_err(|e| Failure::io(format!("language server: {e}")))?;
    // The protocol: exit code 0 after `shutdown`, 1 when told to exit without it.
    Ok(if clean {
        ExitCode::Clean
    } else {
        ExitCode::Findings
    })
}
