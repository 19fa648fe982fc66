//! Declarative rule packs (`rules/*.toml`): rules that are lists of codes,
//! readable and diffable by coders and payer analysts, extended by users
//! without recompiling.
//!
//! A pack rule fires on a diagnosis that matches one of its entries, on a
//! claim of a listed type, in the stated position, unless the claim's other
//! codes say otherwise. See `rules/README.md` for the format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::ops::Range;
use std::sync::Arc;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::claims::{ClaimType, Diagnosis, DxRole};
use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::{RuleMeta, RuleOrigin, Severity};
use crate::engine::emit::Emitter;
use crate::engine::gate::CodeView;
use crate::engine::matcher::{CodePattern, CodeSetMatcher, StaticCodeSet, TitleNeedle};
use crate::engine::template::{self, Field, Template};
use crate::rules::validity::write_code_with_title;
use crate::toml_error::TomlError;

/// A pack file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackHeader,
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    name: String,
    /// What the pack is for (documentation for its readers; not shown).
    #[allow(dead_code)]
    description: String,
    /// Where the pack's content comes from.
    source: String,
    /// The fiscal year whose guidelines and code set the lists were checked against.
    fiscal_year: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    code: Spanned<String>,
    name: Spanned<String>,
    #[serde(default = "default_group")]
    group: String,
    severity: Spanned<String>,
    #[serde(default = "yes")]
    enabled: bool,
    summary: String,
    explanation: String,
    source: String,
    message: Spanned<String>,
    help: Option<Spanned<String>>,
    /// `first`, `not-first` or `any` (default).
    #[serde(default)]
    position: Option<Spanned<String>>,
    #[serde(default)]
    claim_types: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    severity_by_claim_type: BTreeMap<String, Spanned<String>>,
    /// Fire on occurrences beyond this many per claim (per entry).
    max_per_claim: Option<u32>,
    /// Rules that take precedence: no finding on a cell where one of them fired.
    #[serde(default)]
    yields_to: Vec<Spanned<String>>,
    #[serde(rename = "entry", default)]
    entries: Vec<EntrySpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    /// Codes (and everything below them) and ranges: `Z51.1-`, `A00-B99`.
    #[serde(default)]
    codes: Vec<Spanned<String>>,
    /// Regular expressions over the dotless code.
    #[serde(default)]
    regex: Vec<Spanned<String>>,
    /// MCE edit flags on the date of service (`unacceptable`, `manifestation`, ...).
    #[serde(default)]
    mce_flags: Vec<Spanned<String>>,
    /// Words in the code's title, any case (`in diseases classified elsewhere`).
    #[serde(default)]
    title_contains: Vec<String>,
    /// Codes and ranges taken out of the entry.
    #[serde(default)]
    except: Vec<Spanned<String>>,
    /// The finding is dropped when the claim also holds one of these.
    #[serde(default)]
    unless_claim_has: Vec<Spanned<String>>,
    /// The citation for this entry (guideline section and sentence).
    cite: String,
}

fn default_group() -> String {
    "pack".to_string()
}

fn yes() -> bool {
    true
}

/// Which diagnoses a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    First,
    NotFirst,
    Any,
}

struct Entry {
    codes: CodeSetMatcher,
    unless: CodeSetMatcher,
    cite: String,
    /// `codes` and `unless` as intervals, when made of prefixes and ranges.
    static_codes: Option<StaticCodeSet>,
    static_unless: Option<StaticCodeSet>,
}

impl Entry {
    /// [`Entry::matches`] outside a claim (same answer for a claim's codes).
    fn lists(&self, code: &CodeView<'_>) -> bool {
        match &self.static_codes {
            Some(set) => set.contains(code.key),
            None => self.codes.matches_known(code.key, code.edition, code.mce),
        }
    }

    fn matches(&self, key: CodeKey, ctx: &ClaimContext<'_>) -> bool {
        match &self.static_codes {
            Some(set) => set.contains(key),
            None => self.codes.matches_on(key, ctx),
        }
    }

    fn excuses(&self, key: CodeKey, ctx: &ClaimContext<'_>) -> bool {
        match &self.static_unless {
            Some(set) => set.contains(key),
            None => self.unless.matches_on(key, ctx),
        }
    }
}

/// A compiled pack rule.
pub struct PackRule {
    meta: RuleMeta,
    message: Template,
    help: Option<Template>,
    position: Position,
    claim_types: Vec<ClaimType>,
    severity_by_claim_type: Vec<(ClaimType, Severity)>,
    max_per_claim: Option<u32>,
    yields_to: Vec<String>,
    entries: Vec<Entry>,
    /// Every code an entry can match, when no entry needs the code set.
    prefilter: Option<StaticCodeSet>,
}

/// A pack that could not be loaded, pointing into its TOML.
pub type PackError = TomlError;

struct Ctx<'a> {
    path: &'a str,
    text: &'a Arc<str>,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Option<Range<usize>>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Box<PackError> {
        TomlError::at(
            "dxlint::pack",
            self.path,
            self.text,
            span,
            message,
            label,
            help,
        )
    }
}

const CLAIM_TYPES: [(&str, ClaimType); 4] = [
    ("inpatient", ClaimType::Inpatient),
    ("outpatient", ClaimType::Outpatient),
    ("professional", ClaimType::Professional),
    ("unknown", ClaimType::Unknown),
];

fn claim_type(s: &str) -> Option<ClaimType> {
    CLAIM_TYPES
        .iter()
        .find(|(n, _)| *n == s.trim().to_ascii_lowercase())
        .map(|(_, t)| *t)
}

/// Loads a pack from its text. `path` names it in errors and in `dxlint rules`.
pub fn load_pack(path: &str, text: &str) -> Result<Vec<PackRule>, Box<PackError>> {
    let text: Arc<str> = Arc::from(text);
    let ctx = Ctx { path, text: &text };
    let file: PackFile = toml::from_str(&text).map_err(|e| {
        ctx.err(
            e.span(),
            e.message().to_string(),
            "here",
            Some("see rules/README.md for the pack format".into()),
        )
    })?;
    let mut rules = Vec::with_capacity(file.rule.len());
    for spec in file.rule {
        rules.push(compile_rule(&ctx, &file.pack, spec)?);
    }
    Ok(rules)
}

fn compile_rule(
    ctx: &Ctx<'_>,
    pack: &PackHeader,
    spec: RuleSpec,
) -> Result<PackRule, Box<PackError>> {
    let code = spec.code.get_ref().trim().to_string();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ctx.err(
            Some(spec.code.span()),
            format!("rule code `{code}` must be letters and digits"),
            "rule code",
            Some("e.g. DX201 or PAYER001".into()),
        ));
    }
    let name = spec.name.get_ref().trim().to_string();
    let kebab = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !kebab {
        return Err(ctx.err(
            Some(spec.name.span()),
            format!("rule name `{name}` must be kebab-case"),
            "rule name",
            Some("lower-case words joined by dashes, e.g. first-listed-only-code".into()),
        ));
    }
    let severity = parse_severity(ctx, &spec.severity)?;
    let message = template(ctx, &spec.message, "message")?;
    let help = match &spec.help {
        Some(h) => Some(template(ctx, h, "help")?),
        None => None,
    };
    let position = match spec
        .position
        .as_ref()
        .map(|p| (p.get_ref().as_str(), p.span()))
    {
        None | Some(("any", _)) => Position::Any,
        Some(("first", _)) => Position::First,
        Some(("not-first", _)) => Position::NotFirst,
        Some((other, span)) => {
            return Err(ctx.err(
                Some(span),
                format!("unknown position `{other}`"),
                "position",
                Some("use \"first\", \"not-first\" or \"any\"".into()),
            ));
        }
    };
    let claim_types = match &spec.claim_types {
        None => CLAIM_TYPES.iter().map(|(_, t)| *t).collect(),
        Some(list) => {
            let mut out = Vec::new();
            for t in list.get_ref() {
                out.push(claim_type(t).ok_or_else(|| {
                    ctx.err(
                        Some(list.span()),
                        format!("unknown claim type `{t}`"),
                        "claim types",
                        Some("use inpatient, outpatient, professional or unknown".into()),
                    )
                })?);
            }
            out
        }
    };
    let mut severity_by_claim_type = Vec::new();
    for (t, sev) in &spec.severity_by_claim_type {
        let ty = claim_type(t).ok_or_else(|| {
            ctx.err(
                Some(sev.span()),
                format!("unknown claim type `{t}`"),
                "claim type",
                Some("use inpatient, outpatient, professional or unknown".into()),
            )
        })?;
        severity_by_claim_type.push((ty, parse_severity(ctx, sev)?));
    }
    if spec.entries.is_empty() {
        return Err(ctx.err(
            Some(spec.name.span()),
            format!("rule `{name}` has no [[rule.entry]]"),
            "this rule",
            Some("add at least one [[rule.entry]] with codes, regex or mce_flags".into()),
        ));
    }
    let mut entries = Vec::with_capacity(spec.entries.len());
    for e in &spec.entries {
        let mut include = patterns(ctx, &e.codes)?;
        for r in &e.regex {
            let re = Regex::new(r.get_ref()).map_err(|err| {
                ctx.err(
                    Some(r.span()),
                    format!("invalid regular expression: {err}"),
                    "regex",
                    None,
                )
            })?;
            include.push(CodePattern::Regex(re));
        }
        for f in &e.mce_flags {
            let flag = MceFlags::from_name(f.get_ref()).ok_or_else(|| {
                ctx.err(
                    Some(f.span()),
                    format!("unknown MCE flag `{}`", f.get_ref()),
                    "MCE flag",
                    Some(format!(
                        "known flags: {}",
                        MceFlags::NAMED
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )
            })?;
            include.push(CodePattern::Mce(flag));
        }
        for t in &e.title_contains {
            include.push(CodePattern::TitleContains(Box::new(TitleNeedle::new(t))));
        }
        if include.is_empty() {
            return Err(ctx.err(
                Some(spec.name.span()),
                format!("an entry of rule `{name}` matches no codes"),
                "this rule",
                Some("give the entry codes, regex, mce_flags or title_contains".into()),
            ));
        }
        let codes = CodeSetMatcher {
            include,
            exclude: patterns(ctx, &e.except)?,
        };
        let unless = CodeSetMatcher {
            include: patterns(ctx, &e.unless_claim_has)?,
            exclude: Vec::new(),
        };
        entries.push(Entry {
            static_codes: codes.to_static(),
            static_unless: unless.to_static(),
            codes,
            unless,
            cite: e.cite.clone(),
        });
    }
    // Every code any entry can match, when all entries are static: a claim
    // with none of them is done after one look-up per code.
    let prefilter = entries.iter().try_fold(StaticCodeSet::default(), |acc, e| {
        e.static_codes.as_ref().map(|s| acc.union_cover(s))
    });
    Ok(PackRule {
        meta: RuleMeta {
            code,
            name,
            group: spec.group,
            default_severity: severity,
            enabled_by_default: spec.enabled,
            summary: spec.summary,
            explanation: spec.explanation.trim().to_string(),
            source: format!(
                "{} (pack {}, FY{}: {})",
                spec.source, pack.name, pack.fiscal_year, pack.source
            ),
            origin: RuleOrigin::Pack {
                pack: pack.name.clone(),
                path: ctx.path.to_string(),
            },
        },
        message,
        help,
        position,
        claim_types,
        severity_by_claim_type,
        max_per_claim: spec.max_per_claim,
        yields_to: spec.yields_to.iter().map(|s| s.get_ref().clone()).collect(),
        entries,
        prefilter,
    })
}

/// Writes `value` to a finding's text.
fn put(out: &mut String, value: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{value}");
}

/// Parses a `message` or `help` text ([`Template`]).
fn template(ctx: &Ctx<'_>, text: &Spanned<String>, what: &str) -> Result<Template, Box<PackError>> {
    Template::parse(text.get_ref()).map_err(|name| {
        ctx.err(
            Some(text.span()),
            format!("unknown placeholder `{{{name}}}` in the {what}"),
            what,
            Some(format!("the placeholders are {}", template::field_list())),
        )
    })
}

fn parse_severity(ctx: &Ctx<'_>, s: &Spanned<String>) -> Result<Severity, Box<PackError>> {
    Severity::parse(s.get_ref()).ok_or_else(|| {
        ctx.err(
            Some(s.span()),
            format!("unknown severity `{}`", s.get_ref()),
            "severity",
            Some("use \"error\", \"warning\" or \"info\"".into()),
        )
    })
}

fn patterns(ctx: &Ctx<'_>, list: &[Spanned<String>]) -> Result<Vec<CodePattern>, Box<PackError>> {
    list.iter()
        .map(|s| {
            CodePattern::parse_code_or_range(s.get_ref()).map_err(|m| {
                ctx.err(
                    Some(s.span()),
                    m,
                    "code or range",
                    Some(
                        "write codes as `Z51.1`, `Z51.1-` (and below) or ranges as `A00-B99`"
                            .into(),
                    ),
                )
            })
        })
        .collect()
}

impl PackRule {
    pub fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// The code patterns this rule names, for checking packs against the code sets.
    pub fn named_codes(&self) -> Vec<CodeKey> {
        let mut out = Vec::new();
        for e in &self.entries {
            for p in e
                .codes
                .include
                .iter()
                .chain(&e.codes.exclude)
                .chain(&e.unless.include)
            {
                match p {
                    CodePattern::Prefix(k) => out.push(*k),
                    CodePattern::Range(a, b) => {
                        out.push(*a);
                        out.push(*b);
                    }
                    CodePattern::Regex(_) | CodePattern::Mce(_) | CodePattern::TitleContains(_) => {
                    }
                }
            }
        }
        out
    }

    /// Rules that take precedence over this one on the same cell.
    pub fn yields_to(&self) -> &[String] {
        &self.yields_to
    }

    fn looks_at(&self, dx: &Diagnosis) -> bool {
        let first = dx.role == DxRole::Sequenced && dx.position == 1;
        match self.position {
            Position::First => first,
            Position::NotFirst => {
                !first && matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause)
            }
            Position::Any => matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause),
        }
    }

    /// Every finding is on a code that one of the entries lists: the
    /// engine passes over claims without one ([`crate::engine::gate`]).
    pub fn concerns(&self, code: &CodeView<'_>) -> bool {
        if let Some(pre) = &self.prefilter
            && !pre.contains(code.key)
        {
            return false;
        }
        self.entries.iter().any(|e| e.lists(code))
    }

    pub fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        let claim_type = ctx.claim.claim_type;
        if !self.claim_types.contains(&claim_type) {
            return;
        }
        let severity = self
            .severity_by_claim_type
            .iter()
            .find(|(t, _)| *t == claim_type)
            .map(|(_, s)| *s)
            .filter(|_| out.severity() == self.meta.default_severity);
        if let Some(pre) = &self.prefilter
            && !ctx
                .codes()
                .any(|(dx, key, _)| self.looks_at(dx) && pre.contains(key))
        {
            return;
        }
        let ed = &ctx.edition;
        // One finding per cell, even when several entries match it.
        let mut reported: Vec<*const Diagnosis> = Vec::new();
        for entry in &self.entries {
            let mut seen = 0u32;
            let mut first_match: Option<CodeKey> = None;
            for (dx, key, _) in ctx.codes() {
                if !self.looks_at(dx) || !entry.matches(key, ctx) {
                    continue;
                }
                seen += 1;
                let first = *first_match.get_or_insert(key);
                if self.max_per_claim.is_some_and(|max| seen <= max) {
                    continue;
                }
                let excused = !entry.unless.is_empty()
                    && ctx
                        .codes()
                        .any(|(other, k, _)| !std::ptr::eq(other, dx) && entry.excuses(k, ctx));
                if excused || reported.contains(&std::ptr::from_ref(dx)) {
                    continue;
                }
                reported.push(std::ptr::from_ref(dx));
                let fill = |template: &Template, out: &mut String| {
                    template.render(out, |field, out| match field {
                        Field::Code => put(out, key),
                        Field::Title => {
                            if let Some(titled) = ed.titled_entry(key) {
                                titled.write_title(out);
                            }
                        }
                        Field::CodeTitle => write_code_with_title(ed, key, out),
                        Field::Position => put(out, dx.position),
                        Field::ClaimType => out.push_str(claim_type.as_str()),
                        Field::First => put(out, first),
                        Field::Count => put(out, seen),
                        Field::Cite => out.push_str(&entry.cite),
                    });
                };
                let mut message = String::with_capacity(96);
                fill(&self.message, &mut message);
                let d = out.diagnosis(dx, message);
                if let Some(h) = &self.help {
                    let mut help = String::with_capacity(96);
                    fill(h, &mut help);
                    help.push_str(" (");
                    help.push_str(&entry.cite);
                    help.push(')');
                    d.with_help(help);
                } else {
                    d.with_help(entry.cite.clone());
                }
                if let Some(s) = severity {
                    d.with_severity(s);
                }
            }
        }
    }
}
