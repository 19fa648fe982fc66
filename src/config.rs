//! `dxlint.toml`: rule selection, severities, the column map, the default
//! claim type, and extra code sets and rule packs.
//!
//! Found from the current folder upward, or named with `--config`. Paths in
//! it are relative to the file. Errors point into the TOML.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::claims::ClaimType;
use crate::claims::columns::ColumnMap;
use crate::engine::diagnostic::Severity;
use crate::engine::{Catalog, Selection};
use crate::toml_error::TomlError;

pub const FILE_NAME: &str = "dxlint.toml";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    claim_type: Option<Spanned<String>>,
    #[serde(default)]
    codesets: Vec<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    members: Vec<String>,
    poa_exempt: Option<String>,
    #[serde(default)]
    columns: ColumnMap,
}

/// A loaded configuration, paths resolved against the config file's folder.
#[derive(Default)]
pub struct Config {
    /// The file it came from (`None`: defaults).
    pub path: Option<PathBuf>,
    pub selection: Selection,
    pub claim_type: Option<ClaimType>,
    pub codesets: Vec<PathBuf>,
    pub rule_packs: Vec<PathBuf>,
    pub members: Vec<PathBuf>,
    /// CMS's POA-exempt code list for the POA rules (`poa-exempt`).
    pub poa_exempt: Option<PathBuf>,
    pub columns: ColumnMap,
    /// Kept to check selectors against the catalog once packs are loaded.
    selectors: Vec<(Spanned<String>, &'static str)>,
    source: Option<Arc<str>>,
}

/// A configuration error, with a label on the offending TOML.
pub type ConfigError = TomlError;

const CODE: &str = "dxlint::config";

fn at(
    path: &Path,
    text: &Arc<str>,
    span: Option<Range<usize>>,
    message: String,
    label: &str,
    help: Option<String>,
) -> Box<ConfigError> {
    TomlError::at(
        CODE,
        &path.display().to_string(),
        text,
        span,
        message,
        label,
        help,
    )
}

impl Config {
    /// `dxlint.toml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, Box<ConfigError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            TomlError::plain(CODE, format!("cannot read config {}: {e}", path.display()))
        })?;
        Config::parse(path, &text)
    }

    /// Parses config text; `path` names it in errors and resolves relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Box<ConfigError>> {
        let text: Arc<str> = Arc::from(text);
        let raw: RawConfig = toml::from_str(&text).map_err(|e| {
            at(
                path,
                &text,
                e.span(),
                e.message().to_string(),
                "here",
                Some("see the Configuration section of the README".into()),
            )
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolve = |p: &String| base.join(p);
        let mut severity = Vec::new();
        for (selector, sev) in &raw.severity {
            let level = Severity::parse(sev.get_ref()).ok_or_else(|| {
                at(
                    path,
                    &text,
                    Some(sev.span()),
                    format!("unknown severity `{}`", sev.get_ref()),
                    "severity",
                    Some("use \"error\", \"warning\" or \"info\"".into()),
                )
            })?;
            severity.push((selector.clone(), level));
        }
        let claim_type = match &raw.claim_type {
            None => None,
            Some(t) => Some(parse_claim_type(t.get_ref()).ok_or_else(|| {
                at(
                    path,
                    &text,
                    Some(t.span()),
                    format!("unknown claim type `{}`", t.get_ref()),
                    "claim type",
                    Some("use inpatient, outpatient or professional".into()),
                )
            })?),
        };
        let mut selectors: Vec<(Spanned<String>, &'static str)> = Vec::new();
        if let Some(list) = &raw.select {
            selectors.extend(list.iter().cloned().map(|s| (s, "select")));
        }
        selectors.extend(
            raw.extend_select
                .iter()
                .cloned()
                .map(|s| (s, "extend-select")),
        );
        selectors.extend(raw.ignore.iter().cloned().map(|s| (s, "ignore")));
        let plain =
            |v: &[Spanned<String>]| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
        Ok(Config {
            path: Some(path.to_path_buf()),
            selection: Selection {
                select: raw.select.as_deref().map(plain),
                extend_select: plain(&raw.extend_select),
                ignore: plain(&raw.ignore),
                severity,
            },
            claim_type,
            codesets: raw.codesets.iter().map(resolve).collect(),
            rule_packs: raw.rules.iter().map(resolve).collect(),
            members: raw.members.iter().map(resolve).collect(),
            poa_exempt: raw.poa_exempt.as_ref().map(resolve),
            columns: raw.columns,
            selectors,
            source: Some(text),
        })
    }

    /// Checks that every selector and severity key names a rule of the
    /// catalog, pointing at the first that does not.
    pub fn validate(&self, catalog: &Catalog) -> Result<(), Box<ConfigError>> {
        let (Some(path), Some(text)) = (&self.path, &self.source) else {
            return Ok(());
        };
        for (s, key) in &self.selectors {
            if catalog.matching(s.get_ref()).is_empty() {
                return Err(unknown_rule(
                    path,
                    text,
                    s.get_ref(),
                    Some(s.span()),
                    key,
                    catalog,
                ));
            }
        }
        for (selector, _) in &self.selection.severity {
            if catalog.matching(selector).is_empty() {
                let span = find_key(text, selector);
                return Err(unknown_rule(
                    path, text, selector, span, "severity", catalog,
                ));
            }
        }
        Ok(())
    }
}

fn unknown_rule(
    path: &Path,
    text: &Arc<str>,
    name: &str,
    span: Option<Range<usize>>,
    key: &str,
    catalog: &Catalog,
) -> Box<ConfigError> {
    let close = catalog
        .rules()
        .map(|r| (strsim::levenshtein(&r.name, name), r.name.clone()))
        .filter(|(d, _)| *d <= 3)
        .min();
    let help = match close {
        Some((_, n)) => format!("did you mean `{n}`? `dxlint rules` lists every rule"),
        None => "`dxlint rules` lists every rule code, name and group".to_string(),
    };
    at(
        path,
        text,
        span,
        format!("`{name}` in {key} names no rule"),
        "unknown rule",
        Some(help),
    )
}

/// The span of a table key as written (quoted or bare), for errors on keys.
fn find_key(text: &str, key: &str) -> Option<Range<usize>> {
    let quoted = format!("\"{key}\"");
    text.find(&quoted)
        .map(|i| i..i + quoted.len())
        .or_else(|| text.find(key).map(|i| i..i + key.len()))
}

/// `inpatient`, `outpatient`, `professional` (any case).
pub fn parse_claim_type(s: &str) -> Option<ClaimType> {
    match s.trim().to_ascii_lowercase().as_str() {
        "inpatient" | "ip" => Some(ClaimType::Inpatient),
        "outpatient" | "op" => Some(ClaimType::Outpatient),
        "professional" | "prof" | "carrier" => Some(ClaimType::Professional),
        _ => None,
    }
}
