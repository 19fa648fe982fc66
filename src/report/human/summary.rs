//! The end-of-run block of the human report: per-file accounting, counts by
//! severity and rule, code sets, notices, then the one-line headline.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Paint;
use crate::engine::diagnostic::Severity;
use crate::report::Summary;
use crate::report::text::{count, headline, one_line, seconds, severity_counts, thousands};

/// The whole block, ending with a newline. `codes` maps rule names to codes
/// (the summary counts by name; people search by code).
pub(crate) fn block(summary: &Summary, codes: &HashMap<String, String>, paint: Paint) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", paint.bold("Summary"));
    files(&mut s, summary);
    let found = severity_counts(summary);
    let found = if found.is_empty() { "none" } else { &found };
    let _ = writeln!(s, "  diagnostics: {found}");
    by_rule(&mut s, summary, codes);
    if !summary.code_sets_used.is_empty() {
        let _ = writeln!(s, "  code sets: {}", summary.code_sets_used.join(", "));
    }
    for notice in &summary.notices {
        let _ = writeln!(s, "  notice: {}", one_line(notice));
    }
    let _ = writeln!(s, "  elapsed: {}", seconds(summary));
    let _ = writeln!(s);
    let worst = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|&sev| summary.count(sev) > 0);
    let _ = writeln!(s, "{}", paint.headline(worst, &headline(summary)));
    s
}

fn files(s: &mut String, summary: &Summary) {
    if summary.files.is_empty() {
        return;
    }
    let _ = writeln!(s, "  files:");
    for f in &summary.files {
        let path = one_line(&f.path);
        if let Some(error) = &f.error {
            let _ = writeln!(s, "    {path}: not read: {}", one_line(error));
            continue;
        }
        let mut checked = format!("{} checked", thousands(f.rows_checked));
        if f.rows_repeated > 0 {
            let _ = write!(checked, " ({} repeated)", thousands(f.rows_repeated));
        }
        let _ = write!(
            s,
            "    {path}: {} read, {checked}, {} rejected; {}",
            count(f.rows_read, "row", "rows"),
            thousands(f.rows_rejected),
            count(f.claims, "claim", "claims"),
        );
        if f.claims_icd9 > 0 {
            let _ = write!(
                s,
                ", {} skipped",
                count(f.claims_icd9, "ICD-9 claim", "ICD-9 claims")
            );
        }
        let _ = writeln!(s);
    }
}

fn by_rule(s: &mut String, summary: &Summary, codes: &HashMap<String, String>) {
    if summary.by_rule.is_empty() {
        return;
    }
    let mut rules: Vec<(&String, u64)> = summary.by_rule.iter().map(|(k, &v)| (k, v)).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let width = rules
        .iter()
        .map(|(_, n)| thousands(*n).len())
        .max()
        .unwrap_or(1);
    let _ = writeln!(s, "  by rule:");
    for (name, n) in rules {
        let rule = match codes.get(name) {
            Some(code) => format!("{code} {name}"),
            None => name.clone(),
        };
        let _ = writeln!(s, "    {:>width$}  {rule}", thousands(n));
    }
}
