//! The rule engine: the catalog of rules (native and packs), the selection a
//! run makes from it, and the evaluation of one claim.

pub mod context;
pub mod diagnostic;
pub mod emit;
pub mod files;
pub mod gate;
pub mod matcher;
pub mod memo;
pub mod pack;
pub mod rule;
pub mod template;

use std::collections::HashSet;
use std::sync::Arc;

use crate::claims::{CellLoc, Claim};
use crate::codeset::poa::PoaExemptList;
use crate::codeset::registry::CodeSets;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::{Diagnostic, Location, RuleMeta, RuleRef, Severity};
use crate::engine::emit::Emitter;
use crate::engine::files::FileTable;
use crate::engine::gate::{CodeView, Gate, Gates};
use crate::engine::pack::{PackError, PackRule, load_pack};
use crate::engine::rule::NativeRule;

/// The rule packs compiled into the binary.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "rules/sequencing.toml",
        include_str!("../../rules/sequencing.toml"),
    ),
    (
        "rules/external-causes.toml",
        include_str!("../../rules/external-causes.toml"),
    ),
    ("rules/mce.toml", include_str!("../../rules/mce.toml")),
];

enum Implementation {
    Native(Box<dyn NativeRule>),
    Pack(Box<PackRule>),
}

struct CatalogRule {
    meta: RuleRef,
    implementation: Implementation,
}

impl CatalogRule {
    fn gate(&self) -> Gate {
        match &self.implementation {
            Implementation::Native(r) => r.gate(),
            Implementation::Pack(_) => Gate::Codes,
        }
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        match &self.implementation {
            Implementation::Native(r) => r.concerns(code),
            Implementation::Pack(r) => r.concerns(code),
        }
    }
}

/// Every rule a run could use: native rules, built-in packs, user packs.
pub struct Catalog {
    rules: Vec<CatalogRule>,
}

/// Why a catalog or selection could not be built.
#[derive(Debug)]
pub enum EngineError {
    Pack(Box<PackError>),
    /// Two rules share a code or a name.
    Conflict(String),
    /// A selector names no rule; `0` is the selector.
    UnknownSelector(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Pack(e) => write!(f, "{e}"),
            EngineError::Conflict(m) => f.write_str(m),
            EngineError::UnknownSelector(s) => write!(
                f,
                "`{s}` names no rule, rule group or code prefix (see `dxlint rules`)"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

impl Catalog {
    /// Native rules, the built-in packs, and the user's packs (`(path, text)`).
    pub fn load(user_packs: &[(String, String)]) -> Result<Catalog, EngineError> {
        let mut rules: Vec<CatalogRule> = crate::rules::native_rules()
            .into_iter()
            .map(|r| CatalogRule {
                meta: Arc::new(r.meta()),
                implementation: Implementation::Native(r),
            })
            .collect();
        let builtin = BUILTIN_PACKS
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()));
        for (path, text) in builtin.chain(user_packs.iter().cloned()) {
            for rule in load_pack(&path, &text).map_err(EngineError::Pack)? {
                let meta = Arc::new(rule.meta().clone());
                if let Some(clash) = rules
                    .iter()
                    .find(|r| r.meta.code == meta.code || r.meta.name == meta.name)
                {
                    return Err(EngineError::Conflict(format!(
                        "{path}: rule {} {} clashes with {} {} ({}): rule codes and names must be unique",
                        meta.code,
                        meta.name,
                        clash.meta.code,
                        clash.meta.name,
                        origin_label(&clash.meta)
                    )));
                }
                rules.push(CatalogRule {
                    meta,
                    implementation: Implementation::Pack(Box::new(rule)),
                });
            }
        }
        rules.sort_by(|a, b| a.meta.code.cmp(&b.meta.code));
        Ok(Catalog { rules })
    }

    pub fn rules(&self) -> impl Iterator<Item = &RuleRef> {
        self.rules.iter().map(|r| &r.meta)
    }

    /// A rule by code (`DX103`) or name (`non-billable-code`), any case.
    pub fn find(&self, code_or_name: &str) -> Option<&RuleRef> {
        let q = code_or_name.trim();
        self.rules()
            .find(|m| m.code.eq_ignore_ascii_case(q) || m.name.eq_ignore_ascii_case(q))
    }

    /// The pack rules, for checks that read their code lists.
    pub fn pack_rules(&self) -> impl Iterator<Item = &PackRule> {
        self.rules.iter().filter_map(|r| match &r.implementation {
            Implementation::Pack(p) => Some(p.as_ref()),
            Implementation::Native(_) => None,
        })
    }

    /// The rules a selector names: `ALL`, a code, a code prefix (`DX1`), a
    /// name, or a group.
    pub fn matching(&self, selector: &str) -> Vec<usize> {
        let s = selector.trim();
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let m = &r.meta;
                s.eq_ignore_ascii_case("all")
                    || m.name.eq_ignore_ascii_case(s)
                    || m.group.eq_ignore_ascii_case(s)
                    || (!s.is_empty()
                        && m.code
                            .to_ascii_uppercase()
                            .starts_with(&s.to_ascii_uppercase()))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

fn origin_label(meta: &RuleMeta) -> String {
    match &meta.origin {
        diagnostic::RuleOrigin::Native => "native".to_string(),
        diagnostic::RuleOrigin::Pack { path, .. } => path.clone(),
    }
}

/// Which rules run, at which severity.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Replaces the default set when given.
    pub select: Option<Vec<String>>,
    /// Added to the (default or selected) set: turns on rules that are off by default.
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severity overrides by selector, applied in order.
    pub severity: Vec<(String, Severity)>,
}

struct ActiveRule {
    index: usize,
    severity: Severity,
}

/// The rules of one run, ready to check claims.
pub struct Engine {
    catalog: Catalog,
    active: Vec<ActiveRule>,
    /// Active rules that give way to others on the same cell: (rule, rules it yields to).
    yields: Vec<(String, Vec<String>)>,
    /// The POA-exempt list the POA rules read, when one is loaded.
    poa_exempt: Option<Arc<PoaExemptList>>,
    /// Which active rules a claim's codes call for.
    gates: Gates,
}

impl Engine {
    pub fn new(catalog: Catalog, selection: &Selection) -> Result<Engine, EngineError> {
        let resolve = |s: &String| {
            let m = catalog.matching(s);
            if m.is_empty() {
                Err(EngineError::UnknownSelector(s.clone()))
            } else {
                Ok(m)
            }
        };
        let mut on: HashSet<usize> = match &selection.select {
            Some(list) => {
                let mut set = HashSet::new();
                for s in list {
                    set.extend(resolve(s)?);
                }
                set
            }
            None => catalog
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.meta.enabled_by_default)
                .map(|(i, _)| i)
                .collect(),
        };
        for s in &selection.extend_select {
            on.extend(resolve(s)?);
        }
        for s in &selection.ignore {
            for i in resolve(s)? {
                on.remove(&i);
            }
        }
        let mut active: Vec<ActiveRule> = on
            .into_iter()
            .map(|index| ActiveRule {
                index,
                severity: catalog.rules[index].meta.default_severity,
            })
            .collect();
        for (s, sev) in &selection.severity {
            let named = resolve(s)?;
            for a in active.iter_mut().filter(|a| named.contains(&a.index)) {
                a.severity = *sev;
            }
        }
        active.sort_by_key(|a| a.index);
        let yields = active
            .iter()
            .filter_map(|a| match &catalog.rules[a.index].implementation {
                Implementation::Pack(p) if !p.yields_to().is_empty() => {
                    Some((p.meta().name.clone(), p.yields_to().to_vec()))
                }
                _ => None,
            })
            .collect();
        let gates = Gates::new(active.iter().map(|a| catalog.rules[a.index].gate()));
        Ok(Engine {
            catalog,
            active,
            yields,
            poa_exempt: None,
            gates,
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Gives the POA rules a POA-exempt code list (`--poa-exempt FILE`).
    /// Without one, `missing-poa-indicator` and `poa-exempt-misuse` stay silent.
    pub fn with_poa_exempt(mut self, list: Option<PoaExemptList>) -> Engine {
        self.poa_exempt = list.map(Arc::new);
        self
    }

    pub fn poa_exempt(&self) -> Option<&PoaExemptList> {
        self.poa_exempt.as_deref()
    }

    /// The active rules' run-level notes for the summary (each text once),
    /// read after the claims are checked.
    pub fn notices(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in &self.active {
            if let Implementation::Native(r) = &self.catalog.rules[a.index].implementation {
                for n in r.notices() {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    /// The rules that run, in code order.
    pub fn active_rules(&self) -> Vec<RuleRef> {
        self.active
            .iter()
            .map(|a| self.catalog.rules[a.index].meta.clone())
            .collect()
    }

    pub fn is_active(&self, name: &str) -> bool {
        self.active
            .iter()
            .any(|a| self.catalog.rules[a.index].meta.name == name)
    }

    /// Checks one claim, appending findings in cell order.
    pub fn check_claim(
        &self,
        claim: &Claim,
        codesets: &CodeSets,
        files: &FileTable,
        out: &mut Vec<Diagnostic>,
    ) {
        let date = claim.service_date.as_ref().and_then(|c| c.value.ok());
        let mut ctx = ClaimContext::new(claim, codesets.edition(date), self.gates.engine());
        ctx.poa_exempt = self.poa_exempt.as_deref();
        let start = out.len();
        let word = self.gates.claim_word(&mut ctx, |i, code| {
            self.catalog.rules[self.active[i].index].concerns(code)
        });
        for (i, a) in self.active.iter().enumerate() {
            if !self.gates.runs(i, word) {
                continue;
            }
            let rule = &self.catalog.rules[a.index];
            let mut emitter = Emitter::new(&rule.meta, a.severity, claim, files, out);
            match &rule.implementation {
                Implementation::Native(r) => r.check(&ctx, &mut emitter),
                Implementation::Pack(r) => r.check(&ctx, &mut emitter),
            }
        }
        self.drop_yielded(out, start);
        // Report in the order of the file: by line, then column, then rule.
        out[start..].sort_by(|a, b| {
            (a.location.line, a.location.column, &a.rule.code).cmp(&(
                b.location.line,
                b.location.column,
                &b.rule.code,
            ))
        });
    }

    /// Removes findings of rules that yield to another rule which fired on
    /// the same cell (e.g. `secondary-only-code` on inpatient claims gives way
    /// to `unacceptable-principal-diagnosis`).
    fn drop_yielded(&self, out: &mut Vec<Diagnostic>, start: usize) {
        if self.yields.is_empty() || out.len() - start < 2 {
            return;
        }
        let fired: Vec<(String, u64, u32)> = out[start..]
            .iter()
            .map(|d| (d.rule.name.clone(), d.location.line, d.location.column))
            .collect();
        let mut index = 0;
        out.retain(|d| {
            let i = index;
            index += 1;
            if i < start {
                return true;
            }
            let Some((_, winners)) = self.yields.iter().find(|(name, _)| *name == d.rule.name)
            else {
                return true;
            };
            !fired.iter().any(|(name, line, column)| {
                winners.contains(name) && *line == d.location.line && *column == d.location.column
            })
        });
    }

    /// The `malformed-row` finding for a row the reader rejected; `None`
    /// when the rule is switched off.
    pub fn malformed_row(
        &self,
        loc: CellLoc,
        reason: &str,
        source_line: Option<Arc<str>>,
        files: &FileTable,
    ) -> Option<Diagnostic> {
        let a = self.active.iter().find(|a| {
            self.catalog.rules[a.index].meta.name
                == crate::rules::data::malformed_row::MalformedRow::NAME
        })?;
        let rule = &self.catalog.rules[a.index];
        Some(Diagnostic {
            rule: rule.meta.clone(),
            severity: a.severity,
            message: reason.to_string(),
            help: Some("fix the row so it has the header's fields, closed quotes and UTF-8 text; the rest of the file was still checked".into()),
            location: Location {
                file: files.name(loc.file),
                line: loc.line,
                column: loc.column,
                len: loc.len,
                field: files.header(loc.file, loc.field),
            },
            claim_id: None,
            code: None,
            suggestions: Vec::new(),
            source_line,
        })
    }
}
