//! The rule interface and the macro that declares a native rule from its
//! documentation, so that code, `dxlint explain` and SARIF metadata share one
//! source.

use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};

/// A rule written in Rust. One rule per file under `src/rules/`.
pub trait NativeRule: Send + Sync {
    /// Identity and documentation.
    fn meta(&self) -> RuleMeta;

    /// Checks one claim and emits findings through `out`.
    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>);

    /// Which claims the rule must see ([`Gate`]): every claim, unless the
    /// rule fires only on codes that [`NativeRule::concerns`] picks.
    fn gate(&self) -> Gate {
        Gate::EveryClaim
    }

    /// For a [`Gate::Codes`] rule: can `code` make the rule fire, on some
    /// claim on the same edition? Asked once per code; `true` when unsure.
    fn concerns(&self, _code: &CodeView<'_>) -> bool {
        true
    }

    /// Run-level notes for the summary, read once the claims are checked:
    /// what the rule could not check and why (claims without an age, no
    /// POA-exempt list loaded). Most rules have none.
    fn notices(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Declares a native rule type from its doc comment.
///
/// The doc comment is the rule's explanation (What it does / Why is this bad? /
/// Example / Fix / References), printed by `dxlint explain`.
///
/// A rule that keeps run-level state (counters for its summary notes) lists
/// its fields after `source` as `state: { field: Type, ... }`; the fields
/// start at their `Default`.
#[macro_export]
macro_rules! declare_rule {
    (
        @meta $name:ident, [$($doc:literal),*], $code:literal, $kebab:literal, $group:literal,
        $severity:ident, $enabled:literal, $summary:literal, $source:literal
    ) => {
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

        $crate::declare_rule!(@meta $name, [$($doc),*], $code, $kebab, $group, $severity, $enabled, $summary, $source);
    };
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            group: $group:literal,
            severity: $severity:ident,
            enabled: $enabled:literal,
            summary: $summary:literal,
            source: $source:literal,
            state: { $($field:ident: $ty:ty),* $(,)? } $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default)]
        pub struct $name {
            $($field: $ty),*
        }

        $crate::declare_rule!(@meta $name, [$($doc),*], $code, $kebab, $group, $severity, $enabled, $summary, $source);
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
