//! `dxlint lookup CODE...`: a code's record, for people at a desk.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::cli::args::LookupArgs;
use crate::cli::{ExitCode, Failure, load_codesets};
use crate::codeset::code::CodeKey;
use crate::codeset::registry::CodeSets;
use crate::codeset::version::Version;
use crate::lookup::{self, OtherYear, Status};

/// How many billable codes are listed below a header.
const LISTED: usize = 20;

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
        let _ = write!(
            s,
            "; valid for submission (CMS MCE timeline) {}",
            lookup::date_spans(&periods)
        );
    }
    s.push('\n');
    s
}

fn describe(sets: &CodeSets, version: &Version, key: CodeKey) -> Option<String> {
    let info = lookup::describe(sets, version, key)?;
    let mut s = String::new();
    let _ = writeln!(s, "{key}  {}", info.title);
    if let Some(short) = &info.short_title {
        let _ = writeln!(s, "  Short title:  {short}");
    }
    let _ = writeln!(
        s,
        "  FY{}:       {}",
        info.fiscal_year,
        info.status.describe()
    );
    let others: Vec<String> = info
        .other_years
        .iter()
        .map(|(fy, standing)| match standing {
            OtherYear::Billable => format!("FY{fy} billable"),
            OtherYear::Header => format!("FY{fy} header"),
            OtherYear::Absent => format!("FY{fy} absent"),
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(s, "  Other years:  {}", others.join(", "));
    }
    if !info.valid_dates.is_empty() {
        let _ = writeln!(
            s,
            "  Valid dates:  {} (CMS MCE timeline)",
            lookup::date_spans(&info.valid_dates)
        );
    }
    if !info.mce_edits.is_empty() {
        let _ = writeln!(s, "  MCE edits:    {}", info.mce_edits.join(", "));
    }
    if let Some((code, title)) = &info.parent {
        let _ = writeln!(s, "  Parent:       {code} {title}");
    }
    if let Some((number, title)) = &info.chapter {
        let _ = writeln!(s, "  Chapter:      {number} {title}");
    }
    if let Some((id, title)) = &info.section {
        let _ = writeln!(s, "  Section:      {id} {title}");
    }
    if info.status != Status::Billable {
        let below = &info.billable_below;
        let _ = writeln!(s, "  Billable codes below ({}):", below.len());
        for (code, title) in below.iter().take(LISTED) {
            let _ = writeln!(s, "    {code}  {title}");
        }
        if below.len() > LISTED {
            let _ = writeln!(s, "    ... and {} more", below.len() - LISTED);
        }
    }
    if !info.seventh_characters.is_empty() {
        let _ = writeln!(s, "  7th characters:");
        for (ch, meaning) in &info.seventh_characters {
            let _ = writeln!(s, "    {ch}  {meaning}");
        }
    }
    for group in &info.notes {
        let _ = writeln!(s, "  {}:", group.label);
        for n in &group.notes {
            match &n.from {
                Some(from) => {
                    let _ = writeln!(s, "    - {}  (from {from})", n.text);
                }
                None => {
                    let _ = writeln!(s, "    - {}", n.text);
                }
            }
        }
    }
    Some(s)
}
