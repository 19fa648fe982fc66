//! `dxlint explain RULE`: one rule's documentation.

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
    println!("# {} {}", meta.code, meta.name);
    println!();
    println!("{}", meta.summary);
    println!();
    println!(
        "Default severity: {}. {} by default. Group: {}. Defined in: {origin}.",
        meta.default_severity,
        if meta.enabled_by_default {
            "Enabled"
        } else {
            "Disabled"
        },
        meta.group
    );
    println!("Source: {}", meta.source);
    println!();
    println!("{}", meta.explanation);
    Ok(ExitCode::Clean)
}
