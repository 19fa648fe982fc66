use crate::claims::{Diagnosis, DxRole};
use crate::codeset::mce::MceFlags;
use crate::date::Date;
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::rule::NativeRule;
use crate::rules::describe::{date_is_covered, titled};
use crate::tally::Count;

declare_rule! {
    /// ## What it does
    /// Flags a diagnosis that CMS's Medicare Code Editor limits to an age
    /// group, on a claim whose patient is outside that group on the date of
    /// service. The groups and their ages:
    ///
    /// | MCE list | ages (years) |
    /// |---|---|
    /// | newborn | 0 |
    /// | pediatric | 0-17 |
    /// | maternity | 9-64 (12-55 for services before 2019-10-01) |
    /// | adult | 15-124 |
    ///
    /// A code's lists are those of the MCE in force on the service date. The
    /// age comes from the birth date and the service date, or the claim's age
    /// column, or a member file joined with `--members`. Claims without an
    /// age are not checked; the summary says how many of them held an
    /// age-limited code. Claims dated before 2015-10-01, which no MCE
    /// release covers, are not checked either.
    ///
    /// ## Why is this bad?
    /// An age-limited code on a patient of another age is almost always a
    /// wrong code or a wrong birth date. Medicare's editor returns the claim,
    /// and most payers apply the same edit.
    ///
    /// ## Example
    /// `Z00.00` (adult general examination) on a 6-year-old; `O80`
    /// (uncomplicated delivery, maternity) on a 70-year-old; `P07.30`
    /// (newborn) on a 40-year-old.
    ///
    /// ## Fix
    /// Check the birth date on the claim or member file, then the code: the
    /// child's well visit is `Z00.129` or `Z00.121`.
    ///
    /// ## References
    /// CMS Medicare Code Editor, "Age conflict" edit (newborn, pediatric,
    /// maternity and adult diagnosis lists, MCE v44); ICD-10-CM Official
    /// Guidelines I.C.16 (newborn codes are used only on the newborn record).
    pub struct AgeConflict {
        code: "DX401",
        name: "age-conflict",
        group: "demographics",
        severity: Error,
        enabled: true,
        summary: "A diagnosis limited to an age group on a patient outside it (MCE age edits)",
        source: "CMS Medicare Code Editor: age conflict edit",
        state: { without_age: Count },
    }
}

/// The MCE age lists: flag, name, youngest and oldest age.
fn age_groups(service_date: Option<Date>) -> [(MceFlags, &'static str, u32, u32); 4] {
    let maternity = match service_date {
        Some(d) if d < Date::ymd(2019, 10, 1) => (12, 55),
        _ => (9, 64),
    };
    [
        (MceFlags::NEWBORN, "newborn", 0, 0),
        (MceFlags::PEDIATRIC, "pediatric", 0, 17),
        (MceFlags::MATERNITY, "maternity", maternity.0, maternity.1),
        (MceFlags::ADULT, "adult", 15, 124),
    ]
}

const AGE_FLAGS: MceFlags = MceFlags::from_bits_truncate(
    MceFlags::NEWBORN.bits()
        | MceFlags::PEDIATRIC.bits()
        | MceFlags::MATERNITY.bits()
        | MceFlags::ADULT.bits(),
);

fn reported(dx: &Diagnosis) -> bool {
    matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause)
}

impl NativeRule for AgeConflict {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        code.mce.is_some_and(|f| f.intersects(AGE_FLAGS))
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !date_is_covered(ctx) {
            return;
        }
        let ed = &ctx.edition;
        let Some(age) = ctx.age else {
            let limited = ctx
                .codes()
                .any(|(dx, _, r)| reported(dx) && r.mce.is_some_and(|f| f.intersects(AGE_FLAGS)));
            if limited {
                self.without_age.add_one();
            }
            return;
        };
        let groups = age_groups(ctx.service_date);
        for (dx, key, r) in ctx.codes() {
            if !reported(dx) {
                continue;
            }
            let Some(flags) = r.mce else {
                continue;
            };
            let Some((_, name, lo, hi)) = groups
                .iter()
                .find(|(flag, _, lo, hi)| flags.contains(*flag) && !(*lo..=*hi).contains(&age))
            else {
                continue;
            };
            let range = if lo == hi {
                format!("age {lo}")
            } else {
                format!("ages {lo}-{hi}")
            };
            out.diagnosis(
                dx,
                format!(
                    "{} is on the MCE {name} list ({range}), but the patient is {age} on the service date",
                    titled(ed, key)
                ),
            )
            .with_help("check the birth date or age first, then the code: the MCE age edit returns the claim");
        }
    }

    fn notices(&self) -> Vec<String> {
        let n = self.without_age.get();
        if n == 0 {
            return Vec::new();
        }
        vec![format!(
            "age-conflict: {n} claim{} with age-limited codes had no age (no birth date, age column or member record) and {} not checked; join a member file with --members",
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" }
        )]
    }
}
