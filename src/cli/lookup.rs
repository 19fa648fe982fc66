//! `dxlint lookup CODE...`: a code's record, for people at a desk.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::cli::args::LookupArgs;
use crate::cli::{ExitCode, Failure, load_codesets};
use crate::codeset::code::CodeKey;
use crate::codeset::registry::CodeSets;
use crate::codeset::version::{NoteKind, NoteOrigin, Version};

/// How many billable codes are listed below a header.
const LISTED: usize = 20;

const NOTE_KINDS: [(NoteKind, &str); 6] = [
    (NoteKind::Excludes1, "Excludes1"),
    (NoteKind::Excludes2, "Excludes2"),
    (NoteKind::CodeFirst, "Code first"),
    (NoteKind::UseAdditionalCode, "Use additional code"),
    (NoteKind::CodeAlso, "Code also"),
    (NoteKind::Includes, "Includes"),
];

pub fn run(args: LookupArgs) -> Result<ExitCode, Failure> {
    let sets = load_codesets(&args.codeset)?;
    let version = match args.year {
        Some(y) => sets.version_for_year(y).ok_or_else(|| {
            let years: Vec<String> = sets
                .versions()
                .map(|v| v.fiscal_year().to_string())
                .collect();
            Failure::usage(format!(
                "no FY{y} release is loaded (have {}); load one with --codeset",
                years.join(", ")
            ))
        })?,
        None => sets.newest(),
    };
    let mut code = ExitCode::Clean;
    let mut out = std::io::stdout().lock();
    for raw in &args.codes {
        match CodeKey::parse(raw) {
            Ok(key) => {
                let text = describe(&sets, version, key);
                if text.is_none() {
                    code = ExitCode::Findings;
                }
                writeln!(out, "{}", text.unwrap_or_else(|| not_found(&sets, key)))
                    .map_err(Failure::output)?;
            }
            Err(e) => {
                code = ExitCode::Findings;
                writeln!(out, "`{raw}` is not an ICD-10-CM code: {e}\n")
                    .map_err(Failure::output)?;
            }
        }
    }
    Ok(code)
}

fn not_found(sets: &CodeSets, key: CodeKey) -> String {
    let mut s = format!("{key}: not in any loaded release");
    let periods = sets.validity_periods(key);
    if !periods.is_empty() {
        let spans: Vec<String> = periods
            .iter()
            .map(|p| format!("{} .. {}", p.start, p.end))
            .collect();
        let _ = write!(
            s,
            "; valid for submission (CMS MCE timeline) {}",
            spans.join(", ")
        );
    }
    s.push('\n');
    s
}

fn describe(sets: &CodeSets, version: &Version, key: CodeKey) -> Option<String> {
    let (version, entry) = match version.get(key) {
        Some(e) => (version, e),
        None => sets.release_with(key, 0)?,
    };
    let mut s = String::new();
    let _ = writeln!(s, "{key}  {}", entry.title());
    if entry.short_title() != entry.title() {
        let _ = writeln!(s, "  Short title:  {}", entry.short_title());
    }
    let status = if entry.is_billable() {
        "billable (valid for submission)".to_string()
    } else if entry.requires_seventh_character() {
        "not billable: needs a 7th character".to_string()
    } else {
        format!(
            "not billable: header with {} billable codes below",
            entry.billable_descendants().count()
        )
    };
    let _ = writeln!(s, "  FY{}:       {status}", version.fiscal_year());
    let others: Vec<String> = sets
        .versions()
        .filter(|v| v.fiscal_year() != version.fiscal_year())
        .map(|v| match v.get(key) {
            Some(e) if e.is_billable() => format!("FY{} billable", v.fiscal_year()),
            Some(_) => format!("FY{} header", v.fiscal_year()),
            None => format!("FY{} absent", v.fiscal_year()),
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(s, "  Other years:  {}", others.join(", "));
    }
    let periods = sets.validity_periods(key);
    if !periods.is_empty() {
        let spans: Vec<String> = periods
            .iter()
            .map(|p| format!("{} .. {}", p.start, p.end))
            .collect();
        let _ = writeln!(s, "  Valid dates:  {} (CMS MCE timeline)", spans.join(", "));
    }
    if let Some(flags) = sets.timeline().periods(key).last().map(|p| p.flags)
        && !flags.is_empty()
    {
        let names: Vec<&str> = flags.names().collect();
        let _ = writeln!(s, "  MCE edits:    {}", names.join(", "));
    }
    if let Some(p) = entry.parent() {
        let _ = writeln!(s, "  Parent:       {} {}", p.key(), p.title());
    }
    if let Some(c) = entry.chapter() {
        let _ = writeln!(s, "  Chapter:      {} {}", c.number, c.title);
    }
    if let Some(sec) = entry.section() {
        let _ = writeln!(s, "  Section:      {} {}", sec.id, sec.title);
    }
    if !entry.is_billable() {
        let below: Vec<_> = entry.billable_descendants().collect();
        let _ = writeln!(s, "  Billable codes below ({}):", below.len());
        for e in below.iter().take(LISTED) {
            let _ = writeln!(s, "    {}  {}", e.key(), e.title());
        }
        if below.len() > LISTED {
            let _ = writeln!(s, "    ... and {} more", below.len() - LISTED);
        }
    }
    if let Some(chars) = entry.seventh_characters() {
        let _ = writeln!(s, "  7th characters:");
        for (ch, meaning) in chars.iter() {
            let _ = writeln!(s, "    {}  {meaning}", ch as char);
        }
    }
    for (kind, label) in NOTE_KINDS {
        let notes = entry.inherited_notes(kind);
        if notes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {label}:");
        for n in notes {
            let from = match n.from {
                NoteOrigin::Code(k) if k == key => String::new(),
                NoteOrigin::Code(k) => format!("  (from {k})"),
                NoteOrigin::Section(id) => format!("  (from section {id})"),
                NoteOrigin::Chapter(c) => format!("  (from chapter {c})"),
            };
            let _ = writeln!(s, "    - {}{from}", n.text);
        }
    }
    Some(s)
}
