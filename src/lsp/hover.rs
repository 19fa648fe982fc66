//! Hover on a diagnosis cell: what the code is and whether it is billable
//! on the claim's service date.

use std::fmt::Write as _;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::analysis::Analysis;
use crate::codeset::code::CodeKey;
use crate::codeset::registry::Standing;
use crate::date::Date;
use crate::fix::scan::{DxCell, Row};
use crate::lookup::{self, Status};

/// Billable codes listed under a header.
const LISTED: usize = 12;
/// Notes listed per kind.
const NOTES: usize = 8;

/// The diagnosis cell under byte `offset`, with its row.
pub fn cell_at(analysis: &Analysis, offset: usize) -> Option<(&Row, &DxCell)> {
    let (line, _) = analysis.text.lines().line_of(offset);
    let line = line as u64 + 1;
    let end = analysis.rows.partition_point(|r| r.line <= line);
    // A record can span lines (quoted line breaks): look back a little.
    analysis.rows[..end].iter().rev().take(4).find_map(|row| {
        row.cells
            .iter()
            .find(|c| c.code.offset <= offset && offset <= c.code.offset + c.code.len)
            .map(|c| (row, c))
    })
}

/// Escapes Markdown's special characters in text from the code set.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The hover for `pos`, when it is on a diagnosis cell.
pub fn hover(analysis: &Analysis, pos: Position) -> Option<Hover> {
    let text = &analysis.text;
    let offset = text.offset(pos);
    let (row, cell) = cell_at(analysis, offset)?;
    let (at, len) = cell.code.inner(text.as_str().as_bytes());
    let written = text.as_str().get(at..at + len)?;
    let range = Some(text.range(at, len));
    let value = match CodeKey::parse(written) {
        Err(e) => format!(
            "`{}` is not an ICD-10-CM code: {e}",
            written.trim().replace('`', "'")
        ),
        Ok(key) => describe(analysis, row, cell, key),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    })
}

fn describe(analysis: &Analysis, row: &Row, cell: &DxCell, key: CodeKey) -> String {
    let sets = &analysis.setup.codesets;
    let date = row
        .service_date
        .as_deref()
        .and_then(|d| Date::parse(d).ok());
    let edition = sets.edition(date);
    let mut s = String::new();
    let info = lookup::describe(sets, edition.version(), key);
    match &info {
        Some(info) => {
            let _ = writeln!(s, "**{key}** {}\n", md(&info.title));
        }
        None => {
            let _ = writeln!(s, "**{key}**\n");
        }
    }
    let when = match date {
        Some(d) => format!("on {d} ({})", edition.label()),
        None => format!(
            "in {} (the claim has no usable service date)",
            edition.label()
        ),
    };
    match edition.standing(key) {
        Standing::Billable => {
            let _ = writeln!(s, "Billable {when}.\n");
        }
        Standing::Header => {
            let detail = info
                .as_ref()
                .map(|i| i.status.describe())
                .unwrap_or_else(|| "not billable".to_string());
            let _ = writeln!(
                s,
                "**Not billable** {when}: {}.\n",
                detail.trim_start_matches("not billable: ")
            );
        }
        Standing::Unknown => {
            let _ = writeln!(s, "**Not a valid code** {when}.\n");
        }
    }
    if let Some(info) = &info {
        if !info.valid_dates.is_empty() {
            let _ = writeln!(
                s,
                "Valid for submission: {} (CMS MCE timeline).\n",
                lookup::date_spans(&info.valid_dates)
            );
        }
        if let Some((code, title)) = &info.parent {
            let _ = writeln!(s, "Parent: `{code}` {}\n", md(title));
        }
        if info.status != Status::Billable && !info.billable_below.is_empty() {
            let _ = writeln!(s, "Billable codes below ({}):\n", info.billable_below.len());
            for (code, title) in info.billable_below.iter().take(LISTED) {
                let _ = writeln!(s, "- `{code}` {}", md(title));
            }
            if info.billable_below.len() > LISTED {
                let _ = writeln!(s, "- ... and {} more", info.billable_below.len() - LISTED);
            }
            s.push('\n');
        }
        for group in &info.notes {
            let _ = writeln!(s, "**{}**\n", group.label);
            for n in group.notes.iter().take(NOTES) {
                match &n.from {
                    Some(from) => {
                        let _ = writeln!(s, "- {} _(from {})_", md(&n.text), md(from));
                    }
                    None => {
                        let _ = writeln!(s, "- {}", md(&n.text));
                    }
                }
            }
            if group.notes.len() > NOTES {
                let _ = writeln!(
                    s,
                    "- ... and {} more (`dxlint lookup {key}`)",
                    group.notes.len() - NOTES
                );
            }
            s.push('\n');
        }
    }
    if !cell.icd10 {
        s.push_str("_This cell was not checked as ICD-10-CM (an ICD-9 claim or a row that could not be read)._\n");
    }
    s.trim_end().to_string()
}
