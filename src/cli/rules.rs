//! `dxlint rules`: the rule catalog.

use std::io::Write as _;

use crate::cli::args::RulesArgs;
use crate::cli::{ExitCode, Failure, load_catalog, load_config};
use crate::engine::diagnostic::RuleOrigin;

pub fn run(args: RulesArgs) -> Result<ExitCode, Failure> {
    let config = load_config(&args.packs)?;
    let catalog = load_catalog(&config, &args.packs.rules)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let rules: Vec<_> = catalog.rules().map(|r| r.as_ref()).collect();
        let text = serde_json::to_string_pretty(&rules).map_err(|e| Failure::io(e.to_string()))?;
        writeln!(out, "{text}").map_err(Failure::output)?;
        return Ok(ExitCode::Clean);
    }
    if args.markdown {
        write!(
            out,
            "{}",
            markdown_table(catalog.rules().map(|r| r.as_ref()))
        )
        .map_err(Failure::output)?;
        return Ok(ExitCode::Clean);
    }
    let name_width = catalog.rules().map(|r| r.name.len()).max().unwrap_or(10);
    writeln!(
        out,
        "{:<6}  {:<name_width$}  {:<7}  {:<3}  {:<12}  SOURCE",
        "CODE", "NAME", "LEVEL", "ON", "GROUP"
    )
    .map_err(Failure::output)?;
    for r in catalog.rules() {
        let origin = match &r.origin {
            RuleOrigin::Native => "native".to_string(),
            RuleOrigin::Pack { path, .. } => path.clone(),
        };
        writeln!(
            out,
            "{:<6}  {:<name_width$}  {:<7}  {:<3}  {:<12}  {} [{origin}]",
            r.code,
            r.name,
            r.default_severity.as_str(),
            if r.enabled_by_default { "yes" } else { "no" },
            r.group,
            r.source
        )
        .map_err(Failure::output)?;
    }
    writeln!(out).map_err(Failure::output)?;
    writeln!(out,
        "`dxlint explain NAME` prints a rule's documentation; --select, --extend-select and --ignore take codes, code prefixes, names or groups."
    ).map_err(Failure::output)?;
    Ok(ExitCode::Clean)
}

/// The rule list as a Markdown table, one row per rule.
pub fn markdown_table<'a>(
    rules: impl Iterator<Item = &'a crate::engine::diagnostic::RuleMeta>,
) -> String {
    let mut out =
        String::from("| code | name | severity | default | summary |\n|---|---|---|---|---|\n");
    for r in rules {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.default_severity,
            if r.enabled_by_default { "on" } else { "off" },
            r.summary
        ));
    }
    out
}
