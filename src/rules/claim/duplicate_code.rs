use crate::claims::DxRole;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::rule::NativeRule;

declare_rule! {
    /// ## What it does
    /// Flags a code reported twice on one claim (in any spelling: `E119`,
    /// `e11.9`). The finding is on the second occurrence and names the first.
    /// The admitting diagnosis and reason-for-visit columns are not counted:
    /// they may repeat a coded diagnosis by design.
    ///
    /// ## Why is this bad?
    /// A code is reported once per claim. Duplicates take diagnosis slots
    /// (payers read a limited number), some payers reject them, and they
    /// usually mean two export columns were merged or a code was copied over
    /// the one that was meant.
    ///
    /// ## Example
    /// `dx1 = E11.9, dx3 = E119`.
    ///
    /// ## Fix
    /// Remove the repeat, or replace it with the code that was intended.
    ///
    /// ## References
    /// CMS claim instructions (UB-04 FL 67, CMS-1500 item 21): each
    /// diagnosis is reported once.
    pub struct DuplicateCode {
        code: "DX012",
        name: "duplicate-code",
        group: "claim",
        severity: Warning,
        enabled: true,
        summary: "The same code appears more than once on a claim",
        source: "CMS UB-04 / CMS-1500 claim instructions",
    }
}

impl NativeRule for DuplicateCode {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        let coded = || {
            ctx.codes()
                .filter(|(dx, _, _)| matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause))
        };
        // The codes so far, as integers, for claims of usual length.
        let mut earlier = [0u64; 32];
        for (i, (dx, key, _)) in coded().enumerate() {
            if i < earlier.len() {
                let k = key.to_u64();
                earlier[i] = k;
                if !earlier[..i].contains(&k) {
                    continue;
                }
            }
            let Some((first, _, _)) = coded().take(i).find(|(_, k, _)| *k == key) else {
                continue;
            };
            let first_field = out_field_name(first);
            out.diagnosis(
                dx,
                format!("{key} is already reported on this claim{first_field}"),
            )
            .with_help(format!(
                "remove the repeated {key}, or replace it with the code that was meant"
            ));
        }
    }
}

fn out_field_name(dx: &crate::claims::Diagnosis) -> String {
    if dx.position > 0 {
        format!(" (position {})", dx.position)
    } else {
        String::new()
    }
}
