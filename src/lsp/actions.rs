//! Code actions: the fixes a person chooses at a cell.
//!
//! - a suggestion of the diagnostic (a header's billable code, a 7th
//!   character, the code a slip was probably meant to be) replaces the cell;
//! - a code written in another form (case, dotless, padded) is rewritten
//!   in canonical dotted form;
//! - a first-listed-only code swaps places (with its POA indicator) with the
//!   code in position 1, on every row that repeats the claim's codes;
//! - `source.fixAll.dxlint` rewrites every code spelling of the document in
//!   the file's own dot style and drops a byte-order mark, as `--fix` does.
//!
//! Replacements keep the cell's quotes; a suggestion is written dotless in
//! a cell written dotless.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Position, Range, TextEdit,
    Url, WorkspaceEdit,
};

use super::analysis::{Analysis, Finding, Pair, Swap};
use crate::fix::scan::{CellSpan, DxCell};
use crate::fix::{self, DotStyle};

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.dxlint";

fn intersects(a: &Range, b: &Range) -> bool {
    let le = |x: &Position, y: &Position| (x.line, x.character) <= (y.line, y.character);
    le(&a.start, &b.end) && le(&b.start, &a.end)
}

fn edit(analysis: &Analysis, offset: usize, len: usize, new_text: String) -> TextEdit {
    TextEdit {
        range: analysis.text.range(offset, len),
        new_text,
    }
}

fn action(
    uri: &Url,
    title: String,
    kind: CodeActionKind,
    edits: Vec<TextEdit>,
    finding: Option<&Finding>,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(kind),
        diagnostics: finding.map(|f| vec![f.lsp.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

/// The code text of a cell, inside its quotes.
fn inner<'a>(analysis: &'a Analysis, span: &CellSpan) -> (usize, usize, &'a str) {
    let doc = analysis.text.as_str();
    let (at, len) = span.inner(doc.as_bytes());
    (at, len, doc.get(at..at + len).unwrap_or(""))
}

/// `replacement` (dotted) in the style the cell is written in.
fn in_cell_style(written: &str, replacement: &str) -> String {
    let w = written.trim();
    if !w.contains('.') && w.len() > 3 {
        replacement.replace('.', "")
    } else {
        replacement.to_string()
    }
}

fn suggestion_actions(uri: &Url, analysis: &Analysis, f: &Finding, out: &mut Vec<CodeAction>) {
    let Some(cell) = &f.cell else { return };
    let d = &f.diagnostic;
    if d.suggestions.is_empty() || d.code.is_none() {
        return;
    }
    let (at, len, written) = inner(analysis, cell);
    let shown = written.trim();
    let only_one = d.suggestions.len() == 1;
    for s in &d.suggestions {
        let new_text = in_cell_style(written, &s.replacement);
        let title = match &s.title {
            Some(t) => format!("Replace {shown} with {new_text} ({t})"),
            None => format!("Replace {shown} with {new_text}"),
        };
        out.push(action(
            uri,
            title,
            CodeActionKind::QUICKFIX,
            vec![edit(analysis, at, len, new_text)],
            Some(f),
            only_one,
        ));
    }
}

/// The pairs of cells to exchange for a swap: the row the claim was read
/// from, and every row of the same claim that repeats both cells.
fn swap_edits(analysis: &Analysis, swap: &Swap) -> Vec<TextEdit> {
    let doc = analysis.text.as_str().as_bytes();
    let mut pairs: Vec<(Pair, Pair)> = vec![(swap.offending.clone(), swap.first.clone())];
    let same_line = swap.offending.code.line == swap.first.code.line;
    if same_line && swap.claim_id.is_some() {
        let find = |cells: &[DxCell], field: u32| -> Option<Pair> {
            cells.iter().find(|c| c.code.field == field).map(|c| Pair {
                code: c.code,
                poa: c.poa,
            })
        };
        let bytes = |p: &Pair| (p.code.bytes(doc), p.poa.map(|s| s.bytes(doc)));
        for row in &analysis.rows {
            if row.line == swap.offending.code.line || row.claim_id != swap.claim_id {
                continue;
            }
            let (Some(a), Some(b)) = (
                find(&row.cells, swap.offending.code.field),
                find(&row.cells, swap.first.code.field),
            ) else {
                continue;
            };
            if bytes(&a) == bytes(&swap.offending) && bytes(&b) == bytes(&swap.first) {
                pairs.push((a, b));
            }
        }
    }
    let mut edits = Vec::new();
    let text = |s: &CellSpan| String::from_utf8_lossy(s.bytes(doc)).into_owned();
    for (a, b) in pairs {
        edits.push(edit(analysis, a.code.offset, a.code.len, text(&b.code)));
        edits.push(edit(analysis, b.code.offset, b.code.len, text(&a.code)));
        if let (Some(pa), Some(pb)) = (a.poa, b.poa) {
            edits.push(edit(analysis, pa.offset, pa.len, text(&pb)));
            edits.push(edit(analysis, pb.offset, pb.len, text(&pa)));
        }
    }
    edits.sort_by_key(|e| (e.range.start.line, e.range.start.character));
    edits
}

fn swap_action(uri: &Url, analysis: &Analysis, f: &Finding) -> Option<CodeAction> {
    let swap = f.swap.as_ref()?;
    let (_, _, code) = inner(analysis, &swap.offending.code);
    let (_, _, first) = inner(analysis, &swap.first.code);
    Some(action(
        uri,
        format!(
            "Move {} to the first position (swap with {})",
            code.trim(),
            first.trim()
        ),
        CodeActionKind::QUICKFIX,
        swap_edits(analysis, swap),
        Some(f),
        true,
    ))
}

/// Every spelling fix of the document, as `--fix` would make them.
fn fix_all_edits(analysis: &Analysis) -> Vec<TextEdit> {
    let doc = analysis.text.as_str();
    let cells = || analysis.rows.iter().flat_map(|r| r.cells.iter());
    let style = fix::dot_style(doc.as_bytes(), cells());
    let mut edits = Vec::new();
    if doc.starts_with('\u{feff}') {
        edits.push(edit(analysis, 0, '\u{feff}'.len_utf8(), String::new()));
    }
    for c in cells().filter(|c| c.icd10) {
        if let Some(e) = fix::cell_edit(doc.as_bytes(), c, style) {
            edits.push(edit(analysis, e.offset, e.len, e.replacement));
        }
    }
    edits
}

fn wanted(kind: &CodeActionKind, only: Option<&Vec<CodeActionKind>>) -> bool {
    let Some(only) = only else { return true };
    only.iter().any(|o| {
        let (k, o) = (kind.as_str(), o.as_str());
        k == o || k.starts_with(&format!("{o}."))
    })
}

/// The code actions for `params` on `analysis`.
pub fn code_actions(analysis: &Analysis, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let range = &params.range;
    let only = params.context.only.as_ref();
    let mut out: Vec<CodeAction> = Vec::new();
    for f in analysis
        .findings
        .iter()
        .filter(|f| intersects(&f.lsp.range, range))
    {
        suggestion_actions(uri, analysis, f, &mut out);
        out.extend(swap_action(uri, analysis, f));
    }
    // Canonical spelling of the codes under the range.
    let doc = analysis.text.as_str().as_bytes();
    let start = analysis.text.offset(range.start);
    let end = analysis.text.offset(range.end);
    let mut respelled = false;
    for c in analysis
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.icd10 && c.code.offset <= end && start <= c.code.offset + c.code.len)
    {
        if let Some(e) = fix::cell_edit(doc, c, DotStyle::Dotted)
            && let fix::FixKind::Code { from, to } = &e.kind
        {
            respelled = true;
            out.push(action(
                uri,
                format!("Write {} as {to}", from.trim()),
                CodeActionKind::QUICKFIX,
                vec![edit(analysis, e.offset, e.len, e.replacement.clone())],
                None,
                false,
            ));
        }
    }
    let fix_all_kind = CodeActionKind::from(FIX_ALL);
    let asked = only.is_some_and(|o| {
        o.iter()
            .any(|k| k.as_str() != CodeActionKind::QUICKFIX.as_str())
    });
    if (respelled || asked) && wanted(&fix_all_kind, only) {
        let edits = fix_all_edits(analysis);
        if !edits.is_empty() {
            out.push(action(
                uri,
                "Fix all code spellings (case, dots, padding)".to_string(),
                fix_all_kind,
                edits,
                None,
                false,
            ));
        }
    }
    out.into_iter()
        .filter(|a| a.kind.as_ref().is_none_or(|k| wanted(k, only)))
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}
