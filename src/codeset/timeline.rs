//! Code validity by date of service, from the CMS MCE diagnosis master.
//!
//! The tabular versions answer "is this code billable in FY N"; the timeline
//! answers it for any date from 2015-10-01 to the end of the MCE release,
//! including dates outside the embedded fiscal years, and carries the MCE
//! edit flags of each period.

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

use super::blob::{Blob, probe};
use super::blob_format::{
    self as f, PERIOD_LEN, TIMELINE_CODE_LEN, timeline_header, timeline_section,
};
use super::blob_write::write_timeline;
use super::code::CodeKey;
use super::error::LoadError;
use super::load::read_source;
use super::mce::{MceFlags, parse_mce};
use super::order_file::decode_text;
use crate::date::{Date, DateRange};

/// One period in which a code is valid, with its MCE flags then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub valid: DateRange,
    pub flags: MceFlags,
}

/// Every code's validity periods. `Send + Sync`.
pub struct Timeline {
    blob: Blob<{ timeline_section::COUNT }>,
    hash_bits: u8,
    code_count: u32,
    coverage: DateRange,
    /// Stands in for a key the writer cannot have produced.
    placeholder: CodeKey,
    /// Every period's first and last day, sorted (see [`Timeline::segment`]).
    boundaries: OnceLock<(Vec<Date>, Vec<Date>)>,
}

impl Timeline {
    /// The MCE v44 timeline built into dxlint (2015-10-01 to 2027-03-31).
    pub fn embedded() -> &'static Timeline {
        static TIMELINE: OnceLock<Timeline> = OnceLock::new();
        TIMELINE.get_or_init(|| {
            Timeline::from_blob(Cow::Borrowed(super::embedded::TIMELINE)).unwrap_or_else(|e| {
                panic!("the embedded MCE timeline is broken ({e}); rebuild dxlint")
            })
        })
    }

    /// Reads an MCE diagnosis master TSV (`code start_date end_date flags`,
    /// optionally gzip-compressed), such as a newer release exported the
    /// same way as the embedded one.
    pub fn load(path: &Path) -> Result<Timeline, LoadError> {
        let bytes = read_source(path)?;
        let parse_error = |err: super::model::ImportError| LoadError::Parse {
            path: path.to_path_buf(),
            what: "MCE diagnosis master",
            line: err.line,
            message: err.message,
        };
        let rows = parse_mce(&decode_text(&bytes)).map_err(parse_error)?;
        let blob = write_timeline(&rows).map_err(parse_error)?;
        Timeline::from_blob(Cow::Owned(blob))
            .map_err(|m| parse_error(super::model::ImportError::new(m)))
    }

    pub(crate) fn from_blob(bytes: Cow<'static, [u8]>) -> Result<Timeline, String> {
        let blob: Blob<{ timeline_section::COUNT }> = Blob::open(bytes, f::TIMELINE_MAGIC)?;
        let h = blob.header();
        let hash_bits = h[timeline_header::HASH_BITS];
        let code_count = f::u32_at(h, timeline_header::CODE_COUNT);
        let period_count = f::u32_at(h, timeline_header::PERIOD_COUNT);
        let coverage = DateRange {
            start: unpack(f::u32_at(h, timeline_header::COVERAGE_START)),
            end: unpack(f::u32_at(h, timeline_header::COVERAGE_END)),
        };
        let ok = (1..=31).contains(&hash_bits)
            && blob.section(timeline_section::CODES).len()
                == code_count as usize * TIMELINE_CODE_LEN
            && blob.section(timeline_section::PERIODS).len() == period_count as usize * PERIOD_LEN
            && blob.section(timeline_section::HASH).len() == f::HASH_SLOT_LEN << hash_bits;
        if !ok {
            return Err("timeline blob sections have inconsistent sizes".into());
        }
        let placeholder = CodeKey::from_dotless(b"ZZZ").ok_or("no placeholder key")?;
        Ok(Timeline {
            blob,
            hash_bits,
            code_count,
            coverage,
            placeholder,
            boundaries: OnceLock::new(),
        })
    }

    /// The dates the timeline speaks for: from the earliest start to the
    /// latest end of any period.
    pub fn coverage(&self) -> DateRange {
        self.coverage
    }

    /// Number of codes that are valid on some date.
    pub fn len(&self) -> usize {
        self.code_count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.code_count == 0
    }

    fn code_rec(&self, i: u32) -> &[u8] {
        let at = i as usize * TIMELINE_CODE_LEN;
        &self.blob.section(timeline_section::CODES)[at..at + TIMELINE_CODE_LEN]
    }

    fn key(&self, i: u32) -> CodeKey {
        CodeKey::from_u64(f::u64_at(self.code_rec(i), 0)).unwrap_or(self.placeholder)
    }

    fn find(&self, key: CodeKey) -> Option<u32> {
        probe(
            self.blob.section(timeline_section::HASH),
            self.hash_bits,
            key.to_u64(),
            |i| f::u64_at(self.code_rec(i), 0),
        )
    }

    fn periods_of(&self, i: u32) -> Periods<'_> {
        let rec = self.code_rec(i);
        let first = f::u32_at(rec, 8);
        Periods {
            t: self,
            next: first,
            end: first + f::u32_at(rec, 12),
        }
    }

    fn period(&self, p: u32) -> Period {
        let at = p as usize * PERIOD_LEN;
        let b = &self.blob.section(timeline_section::PERIODS)[at..at + PERIOD_LEN];
        Period {
            valid: DateRange {
                start: unpack(f::u32_at(b, 0)),
                end: unpack(f::u32_at(b, 4)),
            },
            flags: MceFlags::from_bits_truncate(f::u32_at(b, 8)),
        }
    }

    /// A number shared by exactly the dates on which every code has the
    /// same validity and flags: dates between two consecutive period
    /// starts or ends. Caches of per-code answers key on it instead of the
    /// date, so that a file of claims spread over a year asks once per code
    /// and update, not once per code and day.
    pub fn segment(&self, date: Date) -> u32 {
        let (starts, ends) = self.boundaries.get_or_init(|| {
            let (mut starts, mut ends): (Vec<Date>, Vec<Date>) = (0..self.period_count())
                .map(|p| {
                    let valid = self.period(p).valid;
                    (valid.start, valid.end)
                })
                .unzip();
            for list in [&mut starts, &mut ends] {
                list.sort_unstable();
                list.dedup();
            }
            (starts, ends)
        });
        let started = starts.partition_point(|s| *s <= date);
        let ended = ends.partition_point(|e| *e < date);
        // Both counts only grow with the date, and equal counts mean no
        // period starts or ends between two dates.
        (started + ended) as u32
    }

    fn period_count(&self) -> u32 {
        (self.blob.section(timeline_section::PERIODS).len() / PERIOD_LEN) as u32
    }

    /// The periods in which `key` is valid, oldest first (none for headers
    /// and unknown codes).
    pub fn periods(&self, key: CodeKey) -> Periods<'_> {
        match self.find(key) {
            Some(i) => self.periods_of(i),
            None => Periods {
                t: self,
                next: 0,
                end: 0,
            },
        }
    }

    /// The MCE flags of `key` on `date`; `Some` iff the code is valid
    /// (billable) on that date.
    pub fn flags_on(&self, key: CodeKey, date: Date) -> Option<MceFlags> {
        self.periods(key)
            .find(|p| p.valid.contains(date))
            .map(|p| p.flags)
    }

    pub fn is_valid_on(&self, key: CodeKey, date: Date) -> bool {
        self.flags_on(key, date).is_some()
    }

    /// Every code in the timeline, in character order.
    pub fn codes(&self) -> impl Iterator<Item = CodeKey> + '_ {
        (0..self.code_count).map(|i| self.key(i))
    }

    /// The codes valid on `date`, in character order.
    pub fn valid_on(&self, date: Date) -> impl Iterator<Item = CodeKey> + '_ {
        (0..self.code_count)
            .filter(move |&i| self.periods_of(i).any(|p| p.valid.contains(date)))
            .map(|i| self.key(i))
    }

    pub fn count_valid_on(&self, date: Date) -> usize {
        self.valid_on(date).count()
    }

    /// The codes longer than `prefix` that start with it and are valid on
    /// `date`, in character order. A non-empty result means `prefix` is a
    /// header (or a code cut short) on that date.
    pub fn valid_descendants_on(
        &self,
        prefix: CodeKey,
        date: Date,
    ) -> impl Iterator<Item = CodeKey> + '_ {
        let start = self.lower_bound(prefix);
        (start..self.code_count)
            .map(move |i| (i, self.key(i)))
            .take_while(move |(_, k)| k.starts_with(&prefix))
            .filter(move |(i, k)| {
                *k != prefix && self.periods_of(*i).any(|p| p.valid.contains(date))
            })
            .map(|(_, k)| k)
    }

    /// Does any code start with `prefix`?
    pub fn has_code_under(&self, prefix: CodeKey) -> bool {
        let i = self.lower_bound(prefix);
        i < self.code_count && self.key(i).starts_with(&prefix)
    }

    /// The first code index whose characters sort at or after `prefix`.
    fn lower_bound(&self, prefix: CodeKey) -> u32 {
        let (mut lo, mut hi) = (0u32, self.code_count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid).as_bytes() < prefix.as_bytes() {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl std::fmt::Debug for Timeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Timeline({} codes, {} to {})",
            self.len(),
            self.coverage.start,
            self.coverage.end
        )
    }
}

fn unpack(v: u32) -> Date {
    let (y, m, d) = f::unpack_date(v);
    Date::ymd(y, m, d)
}

/// The periods of one code.
#[derive(Clone)]
pub struct Periods<'a> {
    t: &'a Timeline,
    next: u32,
    end: u32,
}

impl Iterator for Periods<'_> {
    type Item = Period;
    fn next(&mut self) -> Option<Period> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.t.period(self.next - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Periods<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_share_a_segment_exactly_when_every_code_answers_alike() {
        let t = Timeline::embedded();
        let day = |y, m, d| Date::ymd(y, m, d);
        // FY2027 codes start on 2026-10-01: the day before is another segment.
        assert_ne!(t.segment(day(2026, 9, 30)), t.segment(day(2026, 10, 1)));
        assert_eq!(t.segment(day(2026, 10, 1)), t.segment(day(2026, 12, 31)));
        // Every code's flags agree on two dates of one segment.
        let pairs = [
            (day(2026, 10, 1), day(2026, 11, 15)),
            (day(2024, 10, 1), day(2025, 3, 31)),
            (day(2019, 1, 1), day(2019, 2, 1)),
        ];
        let mut compared = 0;
        for (a, b) in pairs {
            if t.segment(a) != t.segment(b) {
                continue;
            }
            compared += 1;
            for key in t.codes() {
                assert_eq!(
                    t.flags_on(key, a),
                    t.flags_on(key, b),
                    "{key} on {a} and {b}"
                );
            }
        }
        assert!(compared >= 2, "only {compared} pairs shared a segment");
        // Segments only grow with the date.
        let mut last = 0;
        for year in 2015..=2027 {
            for month in 1..=12 {
                let date = day(year, month, 1);
                if !t.coverage().contains(date) {
                    continue;
                }
                let s = t.segment(date);
                assert!(s >= last, "segment of {date} before the previous month's");
                last = s;
            }
        }
    }
}
