//! Which code set answers for a date of service.
//!
//! A claim is checked against the fiscal-year release in force on its
//! service date. The tabular releases (embedded FY2025/FY2026 and any the user
//! loads) answer for their own fiscal years with full structure and notes.
//! For every other date inside the MCE timeline (2015-10-01 .. 2027-03-31,
//! FY2027 included) the timeline decides validity and billability, and titles
//! come from the nearest tabular release. A date nothing covers is checked
//! against the newest release and counted, so the run can say so once.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::codeset::categories::Categories;
use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::timeline::Timeline;
use crate::codeset::version::{Entry, Version};
use crate::date::{Date, DateRange};
use crate::tally::Sharded;

/// Every code set known to a run.
pub struct CodeSets {
    /// Tabular releases, sorted by fiscal year (a loaded release replaces an
    /// embedded one of the same year).
    versions: Vec<VersionRef>,
    timeline: &'static Timeline,
    /// What the claims were checked against.
    usage: Sharded<Usage>,
    /// Which categories hold a code of a release or the timeline, as asked
    /// ([`CodeSets::has_category`]).
    categories: Categories,
}

/// The first and last fiscal years counted in [`Usage`].
const FIRST_YEAR: u16 = 2016;
const LAST_YEAR: u16 = 2040;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

/// Claims counted by what they were checked against (every claim adds to
/// one count, so the threads count in shards: [`Sharded`]).
#[derive(Default)]
struct Usage {
    /// Claims whose service date no release and no timeline covers.
    uncovered: AtomicU64,
    /// Claims with no usable service date (checked against the newest release).
    undated: AtomicU64,
    /// Claims checked per fiscal year and basis: `[year - FIRST_YEAR][basis]`,
    /// basis 0 = tabular release, 1 = MCE timeline.
    by_year: [[AtomicU64; 2]; YEARS],
}

enum VersionRef {
    Embedded(&'static Version),
    Loaded(Box<Version>),
}

impl VersionRef {
    fn get(&self) -> &Version {
        match self {
            VersionRef::Embedded(v) => v,
            VersionRef::Loaded(v) => v,
        }
    }
}

/// How the validity of codes is decided for a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The tabular release in force on the date.
    Tabular,
    /// The MCE timeline on this date; titles and structure from the nearest release.
    Timeline(Date),
    /// No code set covers the date (or there is no date): the newest release.
    Fallback,
}

/// A code's standing on a claim's date of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Valid for submission.
    Billable,
    /// A category or subcategory with more specific codes below it.
    Header,
    /// Not a code on this date.
    Unknown,
}

/// The code set that answers for one date of service.
#[derive(Clone, Copy)]
pub struct Edition<'a> {
    sets: &'a CodeSets,
    /// The release whose titles, structure and notes apply.
    version: &'a Version,
    basis: Basis,
}

impl CodeSets {
    /// The embedded releases and timeline, plus releases loaded at run time.
    pub fn new(loaded: Vec<Version>) -> CodeSets {
        let mut versions: Vec<VersionRef> = Version::embedded()
            .iter()
            .map(VersionRef::Embedded)
            .collect();
        for v in loaded {
            versions.retain(|existing| existing.get().fiscal_year() != v.fiscal_year());
            versions.push(VersionRef::Loaded(Box::new(v)));
        }
        versions.sort_by_key(|v| v.get().fiscal_year());
        CodeSets {
            versions,
            timeline: Timeline::embedded(),
            usage: Sharded::default(),
            categories: Categories::default(),
        }
    }

    /// Does any release or the timeline have a code in `key`'s category
    /// (its first three characters)? True for every code any edition calls
    /// valid; answered from a table in cache after the first question about
    /// the category.
    pub fn has_category(&self, key: CodeKey) -> bool {
        self.categories.contains(key, |category| {
            let in_release =
                |v: &Version| v.contains(category) || v.descendants(category).next().is_some();
            self.versions().any(in_release) || self.timeline.has_code_under(category)
        })
    }

    fn count_use(&self, fiscal_year: u16, basis: usize) {
        if let Some(slot) = self
            .usage
            .local()
            .by_year
            .get(usize::from(fiscal_year.saturating_sub(FIRST_YEAR)))
        {
            slot[basis].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The code sets claims were checked against so far, with claim counts:
    /// `FY2026 (tabular XML, embedded): 1204 claims`.
    pub fn editions_used(&self) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..YEARS {
            let fy = FIRST_YEAR + i as u16;
            let tabular = self.usage.total(|u| &u.by_year[i][0]);
            if tabular > 0 {
                let label = self
                    .version_for_year(fy)
                    .map(|v| v.label())
                    .unwrap_or_else(|| format!("FY{fy}"));
                out.push(format!(
                    "{label}: {tabular} claim{}",
                    if tabular == 1 { "" } else { "s" }
                ));
            }
            let timeline = self.usage.total(|u| &u.by_year[i][1]);
            if timeline > 0 {
                out.push(format!(
                    "FY{fy} (CMS MCE v44 timeline; titles from FY{}): {timeline} claim{}",
                    self.nearest(Date::ymd(fy, 1, 1)).fiscal_year(),
                    if timeline == 1 { "" } else { "s" }
                ));
            }
        }
        out
    }

    /// Only the embedded code sets.
    pub fn embedded() -> CodeSets {
        CodeSets::new(Vec::new())
    }

    pub fn versions(&self) -> impl Iterator<Item = &Version> {
        self.versions.iter().map(VersionRef::get)
    }

    pub fn newest(&self) -> &Version {
        // `new` always holds the embedded releases.
        self.versions
            .last()
            .map(VersionRef::get)
            .unwrap_or_else(|| &Version::embedded()[0])
    }

    pub fn timeline(&self) -> &Timeline {
        self.timeline
    }

    /// The release for fiscal year `fy`, if one is loaded or embedded.
    pub fn version_for_year(&self, fy: u16) -> Option<&Version> {
        self.versions().find(|v| v.fiscal_year() == fy)
    }

    /// The edition for a date of service (`None`: the claim has no usable date).
    pub fn edition(&self, date: Option<Date>) -> Edition<'_> {
        let Some(date) = date else {
            self.usage.local().undated.fetch_add(1, Ordering::Relaxed);
            return Edition {
                sets: self,
                version: self.newest(),
                basis: Basis::Fallback,
            };
        };
        if let Some(v) = self.versions().find(|v| v.effective().contains(date)) {
            self.count_use(v.fiscal_year(), 0);
            return Edition {
                sets: self,
                version: v,
                basis: Basis::Tabular,
            };
        }
        if self.timeline.coverage().contains(date) {
            self.count_use(date.fiscal_year(), 1);
            return Edition {
                sets: self,
                version: self.nearest(date),
                basis: Basis::Timeline(date),
            };
        }
        self.usage.local().uncovered.fetch_add(1, Ordering::Relaxed);
        Edition {
            sets: self,
            version: self.newest(),
            basis: Basis::Fallback,
        }
    }

    /// The release whose fiscal year is closest to the date's.
    fn nearest(&self, date: Date) -> &Version {
        let fy = i32::from(date.fiscal_year());
        self.versions()
            .min_by_key(|v| {
                (
                    (i32::from(v.fiscal_year()) - fy).abs(),
                    -i32::from(v.fiscal_year()),
                )
            })
            .unwrap_or_else(|| self.newest())
    }

    /// Claims so far whose service date no code set covers.
    pub fn uncovered_claims(&self) -> u64 {
        self.usage.total(|u| &u.uncovered)
    }

    /// Claims so far without a usable service date.
    pub fn undated_claims(&self) -> u64 {
        self.usage.total(|u| &u.undated)
    }

    /// The range of service dates some code set covers.
    pub fn covered_range(&self) -> DateRange {
        let mut range = self.timeline.coverage();
        for v in self.versions() {
            let e = v.effective();
            range.start = range.start.min(e.start);
            range.end = range.end.max(e.end);
        }
        range
    }

    /// Where a code was valid (billable) at some time, for "not valid on this
    /// date" messages: the timeline's periods, then the releases' years.
    pub fn validity_periods(&self, key: CodeKey) -> Vec<DateRange> {
        let mut periods: Vec<DateRange> = self.timeline.periods(key).map(|p| p.valid).collect();
        for v in self.versions() {
            let eff = v.effective();
            let covered_by_timeline = self.timeline.coverage().contains(eff.start);
            if !covered_by_timeline && v.get(key).is_some_and(|e| e.is_billable()) {
                periods.push(eff);
            }
        }
        periods.sort_by_key(|r| r.start);
        // Merge adjacent periods (flag changes split the timeline's rows).
        let mut merged: Vec<DateRange> = Vec::with_capacity(periods.len());
        for p in periods {
            match merged.last_mut() {
                Some(last) if next_day(last.end) >= p.start => last.end = last.end.max(p.end),
                _ => merged.push(p),
            }
        }
        merged
    }

    /// A release (other than `except`) in which the code exists at all, as
    /// header or billable, newest first.
    pub fn release_with(&self, key: CodeKey, except: u16) -> Option<(&Version, Entry<'_>)> {
        self.versions
            .iter()
            .rev()
            .map(VersionRef::get)
            .filter(|v| v.fiscal_year() != except)
            .find_map(|v| v.get(key).map(|e| (v, e)))
    }
}

fn next_day(d: Date) -> Date {
    Date::from_yyyymmdd(d.to_yyyymmdd() + 1)
        .or_else(|| Date::new(d.year(), d.month() + 1, 1))
        .or_else(|| Date::new(d.year() + 1, 1, 1))
        .unwrap_or(d)
}

impl<'a> Edition<'a> {
    /// All code sets of the run (for questions about other dates).
    pub fn sets(&self) -> &'a CodeSets {
        self.sets
    }

    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// The release whose titles, structure and notes apply to this claim.
    pub fn version(&self) -> &'a Version {
        self.version
    }

    /// A number for caches of per-code answers ([`Edition::standing`],
    /// [`Edition::mce_flags`]): two editions of one run share it exactly
    /// when they answer alike.
    pub fn memo_id(&self) -> u64 {
        let release = self.version.id() << 34;
        match self.basis {
            Basis::Tabular | Basis::Fallback => release,
            Basis::Timeline(date) => {
                release | 1 << 33 | u64::from(self.sets.timeline.segment(date))
            }
        }
    }

    /// A short label: `FY2026`, `FY2027 (MCE timeline)`.
    pub fn label(&self) -> String {
        match self.basis {
            Basis::Tabular => format!("FY{}", self.version.fiscal_year()),
            Basis::Timeline(date) => format!(
                "FY{} (CMS MCE timeline; titles from FY{})",
                date.fiscal_year(),
                self.version.fiscal_year()
            ),
            Basis::Fallback => format!("FY{} (newest release)", self.version.fiscal_year()),
        }
    }

    /// The code's standing on the date.
    pub fn standing(&self, key: CodeKey) -> Standing {
        match self.basis {
            Basis::Tabular | Basis::Fallback => match self.version.get(key) {
                Some(e) if e.is_billable() => Standing::Billable,
                Some(_) => Standing::Header,
                None => Standing::Unknown,
            },
            Basis::Timeline(date) => {
                if self.sets.timeline.flags_on(key, date).is_some() {
                    Standing::Billable
                } else if self
                    .sets
                    .timeline
                    .valid_descendants_on(key, date)
                    .next()
                    .is_some()
                {
                    Standing::Header
                } else {
                    Standing::Unknown
                }
            }
        }
    }

    /// The code's entry in the release that gives titles (may be absent for
    /// a code only the timeline knows).
    pub fn entry(&self, key: CodeKey) -> Option<Entry<'a>> {
        self.version.get(key)
    }

    /// The code's title, when a release knows it.
    pub fn title(&self, key: CodeKey) -> Option<Cow<'a, str>> {
        self.titled_entry(key).map(|e| e.title())
    }

    /// The entry that gives the code's title: this edition's, else the
    /// latest release's that has the code.
    pub fn titled_entry(&self, key: CodeKey) -> Option<Entry<'a>> {
        self.entry(key)
            .or_else(|| self.sets.release_with(key, 0).map(|(_, e)| e))
    }

    /// The MCE edit flags of a billable code on this date (timeline dates
    /// and tabular dates alike, when the timeline covers them).
    pub fn mce_flags(&self, key: CodeKey) -> Option<MceFlags> {
        let date = match self.basis {
            Basis::Timeline(d) => d,
            Basis::Tabular | Basis::Fallback => {
                let eff = self.version.effective();
                eff.start.max(self.sets.timeline.coverage().start)
            }
        };
        self.sets.timeline.flags_on(key, date)
    }

    /// Billable codes below `key` on this date, in tabular order.
    pub fn billable_descendants(&self, key: CodeKey) -> Vec<CodeKey> {
        match self.basis {
            Basis::Tabular | Basis::Fallback => self
                .version
                .descendants(key)
                .filter(|e| e.is_billable())
                .map(|e| e.key())
                .collect(),
            Basis::Timeline(date) => {
                let mut v: Vec<CodeKey> =
                    self.sets.timeline.valid_descendants_on(key, date).collect();
                v.sort();
                v
            }
        }
    }

    /// Whether the code is a header whose billable codes differ from it only
    /// by a 7th character (with placeholder X where needed).
    pub fn requires_seventh_character(&self, key: CodeKey) -> bool {
        if let Some(e) = self.entry(key) {
            return e.requires_seventh_character();
        }
        // A placeholder form such as S00.00X or T81.40X is not listed itself:
        // it needs a 7th character when every code below it is one longer.
        let below = self.billable_descendants(key);
        !below.is_empty() && key.len() == 6 && below.iter().all(|k| k.len() == 7)
    }

    /// Is the code billable under this edition? As `standing(key) ==
    /// Standing::Billable`, without looking for descendants when it is not
    /// (the suggestion search asks this of hundreds of mostly unknown codes).
    pub fn is_billable(&self, key: CodeKey) -> bool {
        match self.basis {
            Basis::Tabular | Basis::Fallback => {
                self.version.get(key).is_some_and(|e| e.is_billable())
            }
            Basis::Timeline(date) => self.sets.timeline.flags_on(key, date).is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::SHARDS;

    /// Counts made on several threads add up, each in its own shard.
    #[test]
    fn claims_counted_on_any_thread_add_up() {
        let sets = CodeSets::embedded();
        let dates = [
            Some(Date::ymd(2025, 3, 14)),
            Some(Date::ymd(2025, 11, 2)),
            Some(Date::ymd(2019, 6, 1)),
            Some(Date::ymd(1990, 1, 1)),
            None,
        ];
        std::thread::scope(|s| {
            for _ in 0..SHARDS + 3 {
                s.spawn(|| {
                    for d in dates {
                        sets.edition(d);
                    }
                });
            }
        });
        let n = (SHARDS + 3) as u64;
        assert_eq!((sets.uncovered_claims(), sets.undated_claims()), (n, n));
        let used = sets.editions_used();
        assert_eq!(used.len(), 3, "{used:?}");
        assert!(
            used[0].starts_with("FY2019 (CMS MCE v44 timeline"),
            "{used:?}"
        );
        assert!(used[0].ends_with(&format!(": {n} claims")), "{used:?}");
        for (u, fy) in used[1..].iter().zip(["FY2025", "FY2026"]) {
            assert!(
                u.starts_with(fy) && u.ends_with(&format!(": {n} claims")),
                "{u}"
            );
        }
    }
}
