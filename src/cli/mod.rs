//! The command line: argument parsing, dispatch, exit codes. Each subcommand
//! lives in its own module; the work lives in the library.

pub mod args;
pub mod baseline;
pub mod check;
pub mod completions;
pub mod explain;
pub mod fix;
pub mod lookup;
pub mod lsp;
pub mod pipeline;
pub mod progress;
pub mod rules;

use std::path::PathBuf;

use clap::Parser;

use crate::codeset::registry::CodeSets;
use crate::codeset::version::Version;
use crate::config::Config;
use crate::engine::{Catalog, EngineError};
use args::{Cli, Command, PackArgs};

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// No errors (warnings allowed unless --deny-warnings).
    Clean = 0,
    /// Errors found (or warnings with --deny-warnings).
    Findings = 1,
    /// Usage, I/O or configuration failure.
    Failure = 2,
}

/// A failure that ends the run with exit code 2 (or quietly, for a closed pipe).
pub enum Failure {
    /// Already a rich report (config or pack errors with spans).
    Report(miette::Report),
    Message(String),
    /// stdout was closed by the reader (`dxlint check big.csv | head`).
    BrokenPipe,
}

impl Failure {
    pub fn report<E: miette::Diagnostic + Send + Sync + 'static>(e: E) -> Failure {
        Failure::Report(miette::Report::new(e))
    }

    /// A boxed rich error (config and pack errors are boxed: they are large).
    pub fn boxed<E: miette::Diagnostic + Send + Sync + 'static>(e: Box<E>) -> Failure {
        Failure::Report(miette::Report::new_boxed(e))
    }

    pub fn usage(msg: String) -> Failure {
        Failure::Message(msg)
    }

    pub fn io(msg: String) -> Failure {
        Failure::Message(msg)
    }

    /// Writing the report failed.
    pub fn output(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(format!("cannot write the report: {e}"))
        }
    }
}

/// Parses the command line, runs the command, returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Explain { rule, packs } => explain::run(&rule, &packs),
        Command::Lookup(a) => lookup::run(a),
        Command::Baseline(a) => baseline::run(a),
        Command::Lsp(a) => lsp::run(a),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    };
    match result {
        Ok(code) => code as i32,
        Err(Failure::BrokenPipe) => 0,
        Err(Failure::Report(r)) => {
            to_stderr(format_args!("{r:?}"));
            ExitCode::Failure as i32
        }
        Err(Failure::Message(m)) => {
            to_stderr(format_args!("error: {m}"));
            ExitCode::Failure as i32
        }
    }
}

/// Writes `text` and a line break to stderr, ignoring failure: stderr may
/// be a pipe whose reader is gone (`2>&1 | head`), and a message that
/// cannot be shown is no reason to panic.
pub(crate) fn to_stderr(text: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The config named by --config, or found from the current folder upward.
pub(crate) fn load_config(args: &PackArgs) -> Result<Config, Failure> {
    if args.isolated {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| Config::discover(&d)),
    };
    match path {
        Some(p) => Config::load(&p).map_err(Failure::boxed),
        None => Ok(Config::default()),
    }
}

/// Native rules, built-in packs, and the packs the config and flags name.
pub(crate) fn load_catalog(config: &Config, extra: &[PathBuf]) -> Result<Catalog, Failure> {
    let mut packs = Vec::new();
    for path in config.rule_packs.iter().chain(extra) {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::io(format!("cannot read rule pack {}: {e}", path.display())))?;
        packs.push((path.display().to_string(), text));
    }
    Catalog::load(&packs).map_err(|e| match e {
        EngineError::Pack(p) => Failure::boxed(p),
        other => Failure::usage(other.to_string()),
    })
}

/// The embedded code sets plus releases loaded from `paths`.
pub(crate) fn load_codesets(paths: &[PathBuf]) -> Result<CodeSets, Failure> {
    let mut loaded = Vec::with_capacity(paths.len());
    for p in paths {
        loaded.push(Version::load(p).map_err(|e| Failure::io(e.to_string()))?);
    }
    Ok(CodeSets::new(loaded))
}
