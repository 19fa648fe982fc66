//! `--format html`: one self-contained page for people.
//!
//! The page has no external resources (inline CSS, inline SVG, inline
//! script; a Content-Security-Policy forbids loading anything), so it can
//! be mailed or attached to a ticket and opened offline. It shows:
//! - the run's headline, counts by severity, files, code sets and notices;
//! - a bar chart of findings by rule, split by severity (SVG);
//! - the most frequent offending codes;
//! - every diagnostic in a table that plain JavaScript filters by
//!   severity, rule and free text. The filter can be preset from the URL
//!   fragment (`report.html#severity=error&rule=DX103&q=Z53`).
//!
//! Memory stays flat: each finding is rendered as it arrives and waits in a
//! [`Spool`] (memory, then a temporary file) while the rule and code counts
//! grow; `finish` writes the summary, then the rows, then the script.
//!
//! The rows are rendered as HTML here, every string escaped; the script
//! only shows and hides them, so no data ever passes through JavaScript
//! strings. When it has run, the script sets `data-ready="true"` and
//! `data-shown` (the number of rows shown) on `<body>`.
//!
//! PHI: like the other machine formats, the page carries the file, line,
//! column, claim id, column name, diagnosis code and the rule's own
//! message, help and suggestions, never the source row.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use super::spool::{IN_MEMORY, Spool};
use super::text::{headline, thousands};
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::{Diagnostic, RuleRef, Severity};

/// Codes listed in "most frequent offending codes".
const TOP_CODES: usize = 20;

pub struct HtmlReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    tool: &'static str,
    version: &'static str,
    tally: Tally,
    /// The findings table's rows, rendered, in file order.
    rows: Spool,
    row: String,
}

impl HtmlReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        HtmlReporter {
            out: BufWriter::new(out),
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            tally: Tally::default(),
            rows: Spool::new(IN_MEMORY),
            row: String::new(),
        }
    }
}

impl Reporter for HtmlReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = run.tool;
        self.version = run.version;
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.tally.count(d);
        self.row.clear();
        diagnostic_row(&mut self.row, d);
        self.rows.write_all(self.row.as_bytes())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let head = head(self.tool, self.version, &self.tally, summary);
        self.out.write_all(head.as_bytes())?;
        self.rows.copy_to(&mut self.out)?;
        for part in TAIL {
            self.out.write_all(part.as_bytes())?;
        }
        self.out.flush()
    }
}

/// Distinct offending codes counted. A run whose code column holds free
/// text names a new "code" on every row: past twice this many, the least
/// frequent are let go, so the tally stays bounded, and the page says its
/// counts are lower bounds.
const CODES_KEPT: usize = 50_000;

/// What the page's summary needs, counted as the findings pass.
struct Tally {
    findings: u64,
    /// By rule code: the rule and its counts by severity.
    rules: BTreeMap<String, (RuleRef, [u64; 3])>,
    /// By offending code: findings and the rules that raised them, in the
    /// order first met.
    codes: HashMap<String, (u64, Vec<RuleRef>)>,
    codes_kept: usize,
    /// Whether codes were let go ([`CODES_KEPT`]).
    codes_pruned: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            findings: 0,
            rules: BTreeMap::new(),
            codes: HashMap::new(),
            codes_kept: CODES_KEPT,
            codes_pruned: false,
        }
    }
}

impl Tally {
    fn count(&mut self, d: &Diagnostic) {
        self.findings += 1;
        let sev = severity_index(d.severity);
        match self.rules.get_mut(d.rule.code.as_str()) {
            Some((_, counts)) => counts[sev] += 1,
            None => {
                let mut counts = [0; 3];
                counts[sev] = 1;
                self.rules
                    .insert(d.rule.code.clone(), (d.rule.clone(), counts));
            }
        }
        let Some(code) = &d.code else { return };
        let text = code.canonical.as_deref().unwrap_or(&code.raw);
        if text.is_empty() {
            return;
        }
        match self.codes.get_mut(text) {
            Some((n, rules)) => {
                *n += 1;
                if !rules.iter().any(|r| r.name == d.rule.name) {
                    rules.push(d.rule.clone());
                }
            }
            None => {
                if self.codes.len() >= 2 * self.codes_kept {
                    self.prune_codes();
                }
                self.codes
                    .insert(text.to_owned(), (1, vec![d.rule.clone()]));
            }
        }
    }

    /// Keeps the `codes_kept` most frequent codes (ties: the first in code
    /// order, as the page lists them).
    fn prune_codes(&mut self) {
        let mut all: Vec<_> = self.codes.drain().collect();
        all.sort_unstable_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        all.truncate(self.codes_kept);
        self.codes.extend(all);
        self.codes_pruned = true;
    }
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    Escaped(s).to_string()
}

/// The bytes [`Escaped`] stops at: markup, C0 controls but newline and
/// tab, DEL, and 0xC2 (which starts the C1 controls, U+0080..U+009F).
const MAY_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\n' as usize && b != b'\t' as usize;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0x7f] = true;
    table[0xc2] = true;
    table
};

/// Text escaped as it is written (no intermediate string).
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Looked at byte by byte: the markup characters and the C0 controls
        // are single bytes, and the C1 controls (U+0080..U+009F) are the
        // only characters that start with 0xC2 and continue below 0xA0.
        let text = self.0;
        let bytes = text.as_bytes();
        let mut written = 0;
        let mut i = 0;
        loop {
            while i < bytes.len() && !MAY_ESCAPE[usize::from(bytes[i])] {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else { break };
            let (replacement, len) = match b {
                b'&' => ("&amp;", 1),
                b'<' => ("&lt;", 1),
                b'>' => ("&gt;", 1),
                b'"' => ("&quot;", 1),
                b'\'' => ("&#39;", 1),
                0xc2 if bytes.get(i + 1).is_some_and(|&n| n < 0xa0) => ("\u{FFFD}", 2),
                0xc2 => {
                    i += 1;
                    continue;
                }
                _ => ("\u{FFFD}", 1),
            };
            f.write_str(&text[written..i])?;
            f.write_str(replacement)?;
            i += len;
            written = i;
        }
        f.write_str(&text[written..])
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// `1 error`, `3 warnings`, `2 info`.
fn severity_count(sev: Severity, n: u64) -> String {
    let noun = match (sev, n) {
        (Severity::Info, _) => "info",
        (Severity::Error, 1) => "error",
        (Severity::Warning, 1) => "warning",
        (Severity::Error, _) => "errors",
        (Severity::Warning, _) => "warnings",
    };
    format!("{} {noun}", thousands(n))
}

/// Per rule: code, name and counts by severity, most findings first.
struct RuleRow<'a> {
    code: &'a str,
    name: &'a str,
    counts: [u64; 3],
}

impl RuleRow<'_> {
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn rule_rows(tally: &Tally) -> Vec<RuleRow<'_>> {
    let mut rows: Vec<RuleRow<'_>> = tally
        .rules
        .values()
        .map(|(rule, counts)| RuleRow {
            code: &rule.code,
            name: &rule.name,
            counts: *counts,
        })
        .collect();
    rows.sort_by(|a, b| b.total().cmp(&a.total()).then(a.code.cmp(b.code)));
    rows
}

/// Offending codes by frequency: (code, count, rule names).
fn top_codes(tally: &Tally) -> Vec<(&str, u64, Vec<&str>)> {
    let mut v: Vec<(&str, u64, Vec<&str>)> = tally
        .codes
        .iter()
        .map(|(code, (n, rules))| {
            let names = rules.iter().map(|r| r.name.as_str()).collect();
            (code.as_str(), *n, names)
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(TOP_CODES);
    v
}

/// Horizontal bars, one per rule, split by severity.
fn chart(rows: &[RuleRow<'_>]) -> String {
    const LABEL: u64 = 260;
    const BARS: u64 = 360;
    const ROW: u64 = 24;
    let max = rows.iter().map(RuleRow::total).max().unwrap_or(0).max(1);
    let height = ROW * rows.len() as u64 + 8;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="chart" role="img" aria-label="Findings by rule and severity" width="{w}" height="{height}" viewBox="0 0 {w} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        w = LABEL + BARS + 70
    );
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * i as u64 + 4;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{} {}</text>"#,
            LABEL - 8,
            y + 15,
            escape(r.code),
            escape(r.name)
        );
        let mut x = LABEL;
        for (k, sev) in SEVERITIES.iter().enumerate() {
            let n = r.counts[k];
            if n == 0 {
                continue;
            }
            let w = (n * BARS).div_ceil(max).max(2);
            let _ = write!(
                s,
                r#"<rect class="bar {sev}" data-rule="{code}" data-severity="{sev}" x="{x}" y="{y}" width="{w}" height="18"><title>{code} {name}: {count}</title></rect>"#,
                sev = sev.as_str(),
                code = escape(r.code),
                name = escape(r.name),
                count = severity_count(*sev, n),
                y = y + 2,
            );
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="count">{}</text>"#,
            x + 6,
            y + 15,
            thousands(r.total())
        );
    }
    s.push_str("</svg>");
    s
}

/// Appends a finding's row of the table, and a newline.
fn diagnostic_row(s: &mut String, d: &Diagnostic) {
    let loc = &d.location;
    let code = d
        .code
        .as_ref()
        .map(|c| c.canonical.as_deref().unwrap_or(&c.raw))
        .unwrap_or("");
    let _ = write!(
        s,
        r#"<tr class="diag" data-severity="{sev}" data-rule="{rule}"><td><span class="sev {sev}">{sev}</span></td><td><code>{rule}</code> {name}</td><td class="loc">{file}:{line}:{col}</td><td>{claim}</td><td>{field}</td><td><code>{code}</code></td><td>{message}"#,
        sev = d.severity.as_str(),
        rule = Escaped(&d.rule.code),
        name = Escaped(&d.rule.name),
        file = Escaped(&loc.file),
        line = loc.line,
        col = loc.column,
        claim = Escaped(d.claim_id.as_deref().unwrap_or("")),
        field = Escaped(loc.field.as_deref().unwrap_or("")),
        code = Escaped(code),
        message = Escaped(&d.message),
    );
    if let Some(help) = &d.help {
        let _ = write!(s, r#"<div class="help">help: {}</div>"#, Escaped(help));
    }
    if !d.suggestions.is_empty() {
        s.push_str(r#"<ul class="suggestions">"#);
        for sug in &d.suggestions {
            let _ = write!(s, "<li><code>{}</code>", Escaped(&sug.replacement));
            if let Some(t) = &sug.title {
                let _ = write!(s, " {}", Escaped(t));
            }
            s.push_str("</li>");
        }
        s.push_str("</ul>");
    }
    s.push_str("</td></tr>\n");
}

/// The page up to the findings table's first row.
fn head(tool: &str, version: &str, tally: &Tally, summary: &Summary) -> String {
    let rules = rule_rows(tally);
    let total = tally.findings;
    let mut s = String::with_capacity(16 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{} report</title>", escape(tool));
    s.push_str(STYLE);
    let _ = writeln!(
        s,
        "</head>\n<body data-ready=\"false\" data-total=\"{total}\" data-shown=\"{total}\">"
    );
    let _ = writeln!(
        s,
        "<header><h1>{} report</h1><p class=\"meta\">{} {} &middot; {}</p></header>",
        escape(tool),
        escape(tool),
        escape(version),
        escape(&headline(summary))
    );

    // Counts by severity.
    s.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    for sev in SEVERITIES {
        let n = summary.count(sev);
        let _ = write!(
            s,
            r#"<div class="card {sev}"><span class="n" id="count-{sev}" data-count="{n}">{}</span> {label}</div>"#,
            thousands(n),
            sev = sev.as_str(),
            label = severity_count(sev, n)
                .split_once(' ')
                .map_or("", |(_, noun)| noun),
        );
    }
    s.push_str("</div>\n<table class=\"files\"><thead><tr><th>file</th><th>rows read</th><th>rows checked</th><th>rows rejected</th><th>claims</th><th>ICD-9 claims skipped</th></tr></thead><tbody>");
    for f in &summary.files {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.path),
            thousands(f.rows_read),
            thousands(f.rows_checked),
            thousands(f.rows_rejected),
            thousands(f.claims),
            thousands(f.claims_icd9)
        );
        if let Some(e) = &f.error {
            let _ = write!(
                s,
                "<tr class=\"file-error\"><td colspan=\"6\">{}: {}</td></tr>",
                escape(&f.path),
                escape(e)
            );
        }
    }
    s.push_str("</tbody></table>");
    if !summary.code_sets_used.is_empty() {
        s.push_str("<p class=\"meta\">Code sets: ");
        let sets: Vec<String> = summary.code_sets_used.iter().map(|c| escape(c)).collect();
        s.push_str(&sets.join("; "));
        s.push_str("</p>");
    }
    if !summary.notices.is_empty() {
        s.push_str("<ul class=\"notices\">");
        for n in &summary.notices {
            let _ = write!(s, "<li>note: {}</li>", escape(n));
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>\n");

    // By rule.
    s.push_str("<section id=\"by-rule\"><h2>Findings by rule</h2>");
    if rules.is_empty() {
        s.push_str("<p>No findings.</p>");
    } else {
        s.push_str(&chart(&rules));
        s.push_str("<table class=\"rules\"><thead><tr><th>rule</th><th>errors</th><th>warnings</th><th>info</th><th>total</th></tr></thead><tbody>");
        for r in &rules {
            let _ = write!(
                s,
                r#"<tr data-rule="{code}"><td><code>{code}</code> {name}</td><td>{}</td><td>{}</td><td>{}</td><td class="total">{}</td></tr>"#,
                thousands(r.counts[0]),
                thousands(r.counts[1]),
                thousands(r.counts[2]),
                thousands(r.total()),
                code = escape(r.code),
                name = escape(r.name),
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");

    // Codes.
    let codes = top_codes(tally);
    s.push_str("<section id=\"codes\"><h2>Most frequent offending codes</h2>");
    if codes.is_empty() {
        s.push_str("<p>No findings about a diagnosis code.</p>");
    } else {
        s.push_str("<table class=\"codes\"><thead><tr><th>code</th><th>findings</th><th>rules</th></tr></thead><tbody>");
        for (code, n, names) in &codes {
            let names: Vec<String> = names.iter().map(|n| escape(n)).collect();
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td class=\"total\">{}</td><td>{}</td></tr>",
                escape(code),
                thousands(*n),
                names.join(", ")
            );
        }
        s.push_str("</tbody></table>");
        if tally.codes_pruned {
            let _ = write!(
                s,
                "<p class=\"meta\">More than {} different codes were reported, so the least frequent were let go along the way: these counts are lower bounds.</p>",
                thousands(tally.codes_kept as u64)
            );
        }
    }
    s.push_str("</section>\n");

    // Diagnostics.
    s.push_str("<section id=\"diagnostics\"><h2>Diagnostics</h2>\n<form id=\"filters\" onsubmit=\"return false\">");
    s.push_str("<label>Severity <select id=\"f-severity\"><option value=\"\">all</option>");
    for sev in SEVERITIES {
        let _ = write!(s, "<option value=\"{0}\">{0}</option>", sev.as_str());
    }
    s.push_str(
        "</select></label> <label>Rule <select id=\"f-rule\"><option value=\"\">all</option>",
    );
    let mut by_code: Vec<&RuleRow<'_>> = rules.iter().collect();
    by_code.sort_by(|a, b| a.code.cmp(b.code));
    for r in by_code {
        let _ = write!(
            s,
            "<option value=\"{code}\">{code} {name}</option>",
            code = escape(r.code),
            name = escape(r.name)
        );
    }
    let _ = writeln!(
        s,
        "</select></label> <label>Search <input id=\"f-text\" type=\"search\" placeholder=\"claim, code, message...\"></label> <span class=\"meta\">showing <span id=\"shown\">{}</span> of <span id=\"total\">{}</span></span></form>",
        thousands(total),
        thousands(total)
    );
    s.push_str("<table id=\"diag-table\"><thead><tr><th>severity</th><th>rule</th><th>location</th><th>claim</th><th>field</th><th>code</th><th>message</th></tr></thead><tbody>\n");
    s
}

/// The page after the findings table's last row.
const TAIL: [&str; 3] = [
    "</tbody></table>\n<p id=\"none\" hidden>No diagnostics match the filters.</p></section>\n",
    SCRIPT,
    "</body>\n</html>\n",
];

const STYLE: &str = r#"<style>
:root { --error: #b3261e; --warning: #b25d00; --info: #1f5fa8; --line: #d9dce1; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 2rem 3rem; color: #1d1f23; }
h1 { font-size: 1.5rem; margin: 1.2rem 0 0.2rem; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
.meta { color: #5b606b; }
.cards { display: flex; gap: 1rem; margin-bottom: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem; min-width: 7rem; }
.card .n { font-size: 1.6rem; font-weight: 600; display: block; }
.card.error .n { color: var(--error); } .card.warning .n { color: var(--warning); } .card.info .n { color: var(--info); }
table { border-collapse: collapse; margin: 0.4rem 0; }
th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f4f5f7; font-weight: 600; }
td.total { font-weight: 600; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.92em; }
.sev { font-weight: 600; } .sev.error { color: var(--error); } .sev.warning { color: var(--warning); } .sev.info { color: var(--info); }
.help { color: #3d424b; margin-top: 0.2rem; }
.suggestions { margin: 0.2rem 0 0; padding-left: 1.2rem; }
.loc { white-space: nowrap; font-family: ui-monospace, Menlo, monospace; font-size: 0.88em; }
.file-error td { color: var(--error); }
#chart .label, #chart .count { font-size: 12px; fill: #1d1f23; }
#chart .bar.error { fill: var(--error); } #chart .bar.warning { fill: var(--warning); } #chart .bar.info { fill: var(--info); }
#filters { margin: 0.4rem 0 0.6rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
#diag-table tr[hidden] { display: none; }
</style>
"#;

const SCRIPT: &str = r##"<script>
(function () {
  "use strict";
  var body = document.body;
  var severity = document.getElementById("f-severity");
  var rule = document.getElementById("f-rule");
  var text = document.getElementById("f-text");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#diag-table tbody tr.diag"));
  var haystack = rows.map(function (r) { return r.textContent.toLowerCase(); });
  function hasOption(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { return true; }
    }
    return false;
  }
  function apply() {
    var s = severity.value, r = rule.value, q = text.value.trim().toLowerCase();
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var ok = (!s || row.getAttribute("data-severity") === s) &&
               (!r || row.getAttribute("data-rule") === r) &&
               (!q || haystack[i].indexOf(q) !== -1);
      row.hidden = !ok;
      if (ok) { n++; }
    }
    shown.textContent = n.toLocaleString("en-US");
    none.hidden = n !== 0;
    body.setAttribute("data-shown", String(n));
  }
  function fromHash() {
    var hash = window.location.hash.replace(/^#/, "");
    if (!hash) { return; }
    hash.split("&").forEach(function (pair) {
      var kv = pair.split("=");
      var key = decodeURIComponent(kv[0] || "");
      var value = decodeURIComponent((kv[1] || "").replace(/\+/g, " "));
      if (key === "severity" && hasOption(severity, value)) { severity.value = value; }
      if (key === "rule" && hasOption(rule, value)) { rule.value = value; }
      if (key === "q") { text.value = value; }
    });
  }
  severity.addEventListener("change", apply);
  rule.addEventListener("change", apply);
  text.addEventListener("input", apply);
  fromHash();
  apply();
  body.setAttribute("data-ready", "true");
})();
</script>
"##;

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes past the bound are let go least frequent first; the frequent
    /// ones keep exact counts.
    #[test]
    fn the_code_tally_stays_bounded() {
        let mut tally = Tally {
            codes_kept: 3,
            ..Tally::default()
        };
        let mut d = crate::report::sample_diagnostic("x", true);
        let mut count = |tally: &mut Tally, code: &str| {
            d.code = Some(crate::engine::diagnostic::CodeRef {
                raw: code.to_string(),
                canonical: None,
            });
            tally.count(&d);
        };
        for _ in 0..5 {
            count(&mut tally, "E11.9");
        }
        for _ in 0..3 {
            count(&mut tally, "I10");
        }
        for i in 0..100 {
            count(&mut tally, &format!("free text {i}"));
        }
        assert!(tally.codes_pruned);
        assert!(tally.codes.len() <= 6, "{}", tally.codes.len());
        let top = top_codes(&tally);
        assert_eq!((top[0].0, top[0].1), ("E11.9", 5));
        assert_eq!((top[1].0, top[1].1), ("I10", 3));
        assert_eq!(tally.findings, 108);
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1b}b"), "a\u{FFFD}b");
        // Every character: markup escaped, controls (but newline and tab)
        // replaced, the rest as it is.
        for c in (0..=0x3000)
            .filter_map(char::from_u32)
            .chain(['🙂', '\u{10FFFF}'])
        {
            let expected = match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c if c.is_control() && c != '\n' && c != '\t' => "\u{FFFD}".to_string(),
                c => c.to_string(),
            };
            assert_eq!(escape(&format!("a{c}b")), format!("a{expected}b"), "{c:?}");
        }
    }
}
