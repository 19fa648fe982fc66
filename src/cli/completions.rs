//! `dxlint completions SHELL` and `dxlint man`: generated from the clap
//! definition, so they always match the options.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::args::Cli;
use crate::cli::{ExitCode, Failure};

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Result<ExitCode, Failure> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "dxlint", &mut out);
    write_stdout(&out)
}

/// Prints the man page, dxlint(1), with a section per subcommand, on stdout.
pub fn man() -> Result<ExitCode, Failure> {
    let out = man_page().map_err(Failure::output)?;
    write_stdout(&out)
}

/// The man page as roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("dxlint {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let mut body = Vec::new();
        page.render_synopsis_section(&mut body)?;
        page.render_description_section(&mut body)?;
        page.render_options_section(&mut body)?;
        out.extend(demote_sections(&body));
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Turns a subcommand's `.SH` headings into `.SS`, so its sections nest
/// under the subcommand's own heading.
fn demote_sections(roff: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.strip_prefix(".SH ") {
            Some(rest) => {
                out.push_str(".SS ");
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out.into_bytes()
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode, Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).map_err(Failure::output)?;
    stdout.flush().map_err(Failure::output)?;
    Ok(ExitCode::Clean)
}
