use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Reports a row that cannot be read as a record of the file: more or
    /// fewer fields than the header, a quote that is never closed, text that
    /// is not valid UTF-8. The row is counted as rejected and the rest of the
    /// file is still checked.
    ///
    /// ## Why is this bad?
    /// A row that cannot be read cannot be checked, and the claims it holds
    /// would otherwise vanish from the report silently. Broken rows usually
    /// come from unescaped delimiters or quotes in free-text columns, or from
    /// exports cut short.
    ///
    /// ## Example
    /// A header with 12 columns and a row with 13 because a provider name
    /// contains an unquoted comma.
    ///
    /// ## Fix
    /// Quote fields that contain the delimiter, close quotes, and export as UTF-8.
    ///
    /// ## References
    /// RFC 4180 (CSV).
    pub struct MalformedRow {
        code: "DX001",
        name: "malformed-row",
        group: "data",
        severity: Error,
        enabled: true,
        summary: "A row cannot be read as a record (field count, quoting, encoding)",
        source: "RFC 4180",
    }
}

impl NativeRule for MalformedRow {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    /// Malformed rows never become claims: the engine reports them as they
    /// are read (see `Engine::malformed_row`), so there is nothing to check here.
    fn check(&self, _ctx: &ClaimContext<'_>, _out: &mut Emitter<'_>) {}
}
