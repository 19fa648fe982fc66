//! `check --fix` and `check --diff`: safe fixes before the check.
//!
//! `--fix` rewrites each file whose diagnosis codes are not written in
//! canonical form (see [`crate::fix`]) through a temporary file in the same
//! folder and a rename, so a reader never sees a half-written file, then the
//! check runs on the fixed files. `--diff` prints what `--fix` would change
//! as a unified diff, writes nothing and reports nothing else: it exits 1
//! when there is something to fix, 0 otherwise.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::claims::InputOptions;
use crate::cli::args::CheckArgs;
use crate::cli::check::{apply_column_flags, parse_delimiter};
use crate::cli::{ExitCode, Failure, load_config};
use crate::config::{Config, parse_claim_type};
use crate::fix::{self, diff};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Runs `--fix` or `--diff` when asked. `Some(code)`: the run ends here
/// (`--diff`); `None`: go on with the check.
pub fn before_check(args: &CheckArgs) -> Result<Option<ExitCode>, Failure> {
    if !args.fix && !args.diff {
        return Ok(None);
    }
    let config = load_config(&args.packs)?;
    let options = input_options(args, &config)?;
    let mut stdout = io::stdout().lock();
    let (mut files, mut cells, mut boms) = (0usize, 0usize, 0usize);
    for path in &args.files {
        let Some(fixed) = fix_file(path, &options) else {
            continue;
        };
        let (name, old, plan) = fixed;
        let new = plan.apply(&old);
        if args.diff {
            stdout
                .write_all(diff::unified(&name, &old, &new).as_bytes())
                .map_err(Failure::output)?;
        } else {
            write_atomically(path, &new)
                .map_err(|e| Failure::io(format!("cannot write {name}: {e}")))?;
        }
        files += 1;
        cells += plan.cells();
        boms += plan.edits.len() - plan.cells();
    }
    stdout.flush().map_err(Failure::output)?;
    drop(stdout);
    if !args.quiet {
        let verb = if args.diff { "would fix" } else { "fixed" };
        let mut what = format!("{cells} code{}", if cells == 1 { "" } else { "s" });
        if boms > 0 {
            what.push_str(&format!(
                " and {boms} byte-order mark{}",
                if boms == 1 { "" } else { "s" }
            ));
        }
        eprintln!(
            "dxlint: {verb} {what} in {files} file{}",
            if files == 1 { "" } else { "s" }
        );
    }
    if args.diff {
        return Ok(Some(if files > 0 {
            ExitCode::Findings
        } else {
            ExitCode::Clean
        }));
    }
    Ok(None)
}

/// The file's name, contents and fixes, when there is something to fix.
/// Files that cannot be fixed in place are noted on stderr and skipped;
/// the check that follows reports them as it always does.
fn fix_file(path: &Path, options: &InputOptions) -> Option<(String, Arc<[u8]>, fix::Plan)> {
    let name = path.display().to_string();
    if path == Path::new("-") {
        eprintln!("note: standard input cannot be fixed in place; not fixed");
        return None;
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("note: {name} not fixed: cannot read it: {e}");
            return None;
        }
    };
    if bytes.starts_with(GZIP_MAGIC) {
        eprintln!("note: {name} not fixed: gzip files are not rewritten");
        return None;
    }
    let doc: Arc<[u8]> = Arc::from(bytes);
    match fix::plan(&name, &doc, options) {
        Ok(plan) if plan.is_empty() => None,
        Ok(plan) => Some((name, doc, plan)),
        Err(e) => {
            eprintln!("note: {name} not fixed: {e}");
            None
        }
    }
}

/// The input options `check` would use (config, then flags).
fn input_options(args: &CheckArgs, config: &Config) -> Result<InputOptions, Failure> {
    let mut columns = config.columns.clone();
    apply_column_flags(&mut columns, args);
    let default_claim_type = match args.claim_type.as_deref() {
        Some(t) => Some(parse_claim_type(t).ok_or_else(|| {
            Failure::usage(format!(
                "unknown claim type `{t}`: use inpatient, outpatient or professional"
            ))
        })?),
        None => config.claim_type,
    };
    Ok(InputOptions {
        delimiter: parse_delimiter(args.delimiter.as_deref())?,
        columns,
        default_claim_type,
        keep_source_lines: false,
        ..InputOptions::default()
    })
}

/// Replaces the file at `path` (the file a symlink points to) with `bytes`:
/// a temporary file in the same folder, flushed to disk, given the old
/// file's permissions, then renamed over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target: PathBuf = fs::canonicalize(path)?;
    let dir = target
        .parent()
        .ok_or_else(|| io::Error::other("the file has no parent folder"))?;
    let permissions = fs::metadata(&target)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".dxlint-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}
