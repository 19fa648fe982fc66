//! The rule interface and the macro that declares a native rule from its
//! documentation, so that code, `dxlint explain` and SARIF metadata share one
//! source.

use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;

/// A rule written in Rust. One rule per file under `src/rules/`.
pub trait NativeRule: Send + Sync {
    /// Identity and documentation.
    fn meta(&self) -> RuleMeta;

    /// Checks one claim and emits findings through `out`.
    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>);
}

/// Declares a native rule type from its doc comment.
///
/// The doc comment is the rule's explanation (What it does / Why is this bad? /
/// Example / Fix / References), printed by `dxlint explain`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            group: $group:literal,
            severity: $severity:ident,
            enabled: $enabled:literal,
            summary: $summary:literal,
            source: $source:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $name;

        impl $name {
            pub const CODE: &'static str = $code;
            pub const NAME: &'static str = $kebab;

            pub fn rule_meta() -> $crate::engine::diagnostic::RuleMeta {
                $crate::engine::diagnostic::RuleMeta {
                    code: $code.to_string(),
                    name: $kebab.to_string(),
                    group: $group.to_string(),
                    default_severity: $crate::engine::diagnostic::Severity::$severity,
                    enabled_by_default: $enabled,
                    summary: $summary.to_string(),
                    explanation: $crate::engine::rule::unindent_doc(&[$($doc),*]),
                    source: $source.to_string(),
                    origin: $crate::engine::diagnostic::RuleOrigin::Native,
                }
            }
        }
    };
}

/// Joins doc-comment lines into Markdown, removing the one space rustdoc keeps.
pub fn unindent_doc(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string()
}
