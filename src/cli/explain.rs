//! `dxlint explain RULE`: one rule's documentation.

use std::io::Write as _;

use crate::cli::args::PackArgs;
use crate::cli::{ExitCode, Failure, load_catalog, load_config};
use crate::engine::diagnostic::RuleOrigin;

pub fn run(rule: &str, packs: &PackArgs) -> Result<ExitCode, Failure> {
    let config = load_config(packs)?;
    let catalog = load_catalog(&config, &packs.rules)?;
    let Some(meta) = catalog.find(rule) else {
        let close = catalog
            .rules()
            .map(|r| (strsim::levenshtein(&r.name, rule), r.name.clone()))
            .min()
            .filter(|(d, _)| *d <= 4)
            .map(|(_, n)| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "no rule is called `{rule}`{close}; `dxlint rules` lists them"
        )));
    };
    let origin = match &meta.origin {
        RuleOrigin::Native => "native rule".to_string(),
        RuleOrigin::Pack { pack, path } => format!("rule pack `{pack}` ({path})"),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "# {} {}", meta.code, meta.name).map_err(Failure::output)?;
    writeln!(out).map_err(Failure::output)?;
    writeln!(out, "{}", meta.summary).map_err(Failure::output)?;
    writeln!(out).map_err(Failure::output)?;
    writeln!(
        out,
        "Default severity: {}. {} by default. Group: {}. Defined in: {origin}.",
        meta.default_severity,
        if meta.enabled_by_default {
            "Enabled"
        } else {
            "Disabled"
        },
        meta.group
    )
    .map_err(Failure::output)?;
    writeln!(out, "Source: {}", meta.source).map_err(Failure::output)?;
    writeln!(out).map_err(Failure::output)?;
    writeln!(out, "{}", meta.explanation).map_err(Failure::output)?;
    Ok(ExitCode::Clean)
}
