use std::cell::RefCell;

use crate::claims::{DxRole, Sex};
use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::timeline::Timeline;
use crate::date::Date;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::memo::{Slot, SlotMemo};
use crate::engine::rule::NativeRule;
use crate::rules::describe::{date_is_covered, titled};

declare_rule! {
    /// ## What it does
    /// Flags a diagnosis that CMS's Medicare Code Editor listed as female-only
    /// or male-only, on a claim whose patient has the other sex (from the
    /// claim or the member file; unknown sex is not checked). Off by default:
    /// turn it on with `--extend-select sex-conflict`.
    ///
    /// CMS ended the MCE sex conflict edit for discharges from 2024-10-01, but
    /// many payers still apply it. This rule uses the last lists CMS
    /// published: for every date of service, a code's sex is the one of its
    /// last MCE period that carried a female or male flag (the periods ending
    /// 2024-09-30). Codes created after the edit ended have no sex list and
    /// are never flagged.
    ///
    /// ## Why is this bad?
    /// A sex-specific code on a patient of the other sex usually means a wrong
    /// code or a wrong sex on the member record; payers that keep the edit
    /// deny the claim. Correct cases exist (transgender patients, for which
    /// CMS withdrew the edit), so review each finding before changing codes.
    ///
    /// ## Example
    /// `N40.0` (benign prostatic hyperplasia, male) on a female patient;
    /// `N95.1` (menopausal states, female) on a male patient.
    ///
    /// ## Fix
    /// Correct the sex on the member record or the code, or document why the
    /// code applies.
    ///
    /// ## References
    /// CMS Medicare Code Editor, "Sex conflict" edit (female and male
    /// diagnosis lists, last in MCE versions in force until 2024-09-30).
    pub struct SexConflict {
        code: "DX402",
        name: "sex-conflict",
        group: "demographics",
        severity: Error,
        enabled: false,
        summary: "A female-only or male-only diagnosis on a patient of the other sex (last MCE sex lists, off by default)",
        source: "CMS Medicare Code Editor: sex conflict edit (lists in force until 2024-09-30)",
    }
}

/// The code's sex list in its last MCE period that had one, and when that period ended.
pub fn last_sex_list(timeline: &Timeline, key: CodeKey) -> Option<(Sex, Date)> {
    timeline
        .periods(key)
        .filter(|p| p.flags.intersects(MceFlags::FEMALE | MceFlags::MALE))
        .last()
        .map(|p| {
            let sex = if p.flags.contains(MceFlags::FEMALE) {
                Sex::Female
            } else {
                Sex::Male
            };
            (sex, p.valid.end)
        })
}

/// A code's last MCE sex list and when it ended ([`last_sex_list`]).
type SexList = Option<(Sex, Date)>;

thread_local! {
    /// [`last_sex_list`] by code slot; `None`: not looked up yet.
    static LISTS: RefCell<SlotMemo<Option<SexList>>> = RefCell::new(SlotMemo::default());
}

/// [`last_sex_list`], looked up once per code on this thread (the list
/// comes from the code's whole MCE history).
fn sex_list(timeline: &Timeline, key: CodeKey, slot: Option<Slot>) -> SexList {
    match slot {
        Some(slot) => LISTS.with(|memo| {
            *memo
                .borrow_mut()
                .entry(slot)
                .get_or_insert_with(|| last_sex_list(timeline, key))
        }),
        None => last_sex_list(timeline, key),
    }
}

impl NativeRule for SexConflict {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        sex_list(code.edition.sets().timeline(), code.key, Some(code.slot)).is_some()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !date_is_covered(ctx) {
            return;
        }
        let Some(Ok(sex @ (Sex::Female | Sex::Male))) = ctx.claim.sex.as_ref().map(|c| c.value)
        else {
            return;
        };
        let timeline = ctx.edition.sets().timeline();
        for (dx, key, r) in ctx.codes() {
            if !matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause) {
                continue;
            }
            let Some((listed, until)) = sex_list(timeline, key, r.slot) else {
                continue;
            };
            if listed == sex {
                continue;
            }
            let (listed, patient) = match listed {
                Sex::Female => ("female", "male"),
                _ => ("male", "female"),
            };
            out.diagnosis(
                dx,
                format!(
                    "{} is on the MCE {listed}-only list (last list, in force until {until}), but the patient is {patient}",
                    titled(&ctx.edition, key)
                ),
            )
            .with_help("check the sex on the claim or member file, then the code");
        }
    }
}
