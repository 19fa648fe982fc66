//! Calendar dates as claims write them.
//!
//! Claim exports spell dates four ways (ISO `2025-03-14`, compact `20250314`,
//! US `03/14/2025`, CCW `14-Mar-2025`). [`Date::parse`] accepts all four and
//! rejects impossible days (`2026-02-30`, `00/00/0000`) instead of rolling them
//! over, because a silently corrected date picks the wrong code set.

use std::fmt;

/// A proleptic Gregorian date. Ordered, `Copy`, 4 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl Date {
    /// A checked constructor: `None` for a day that does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// `const` constructor for literals known to be valid.
    pub const fn ymd(year: u16, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD`, `YYYYMMDD`, `MM/DD/YYYY` (also `M/D/YYYY`) and
    /// `DD-Mon-YYYY` (month name in any case). Surrounding spaces are ignored.
    /// A time part after the date (`2025-03-14 08:01:18`, `2025-03-14T08:01`)
    /// is ignored too: exports often carry timestamps in date columns.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        // The common spelling, `YYYY-MM-DD` with nothing around it, read
        // directly (the same checks as the general path below).
        let b = text.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let digits = |r: std::ops::Range<usize>| {
                b[r].iter().try_fold(0u32, |n, &c| {
                    c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
                })
            };
            if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
                return Self::checked(y, m, d);
            }
        }
        let s = text.trim();
        if s.is_empty() {
            return Err(DateError::Empty);
        }
        let s = s.split([' ', 'T']).next().unwrap_or(s);
        let b = s.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            Self::from_parts(&s[0..4], &s[5..7], &s[8..10])
        } else if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            Self::from_parts(&s[0..4], &s[4..6], &s[6..8])
        } else if s.contains('/') {
            let mut it = s.split('/');
            match (it.next(), it.next(), it.next(), it.next()) {
                (Some(m), Some(d), Some(y), None) if y.len() == 4 => Self::from_parts(y, m, d),
                _ => Err(DateError::UnknownFormat),
            }
        } else if s.contains('-') {
            let mut it = s.split('-');
            match (it.next(), it.next(), it.next(), it.next()) {
                (Some(d), Some(mon), Some(y), None) if y.len() == 4 && mon.len() == 3 => {
                    let lower = mon.to_ascii_lowercase();
                    match MONTHS.iter().position(|m| *m == lower) {
                        Some(i) => Self::from_numbers(y, (i + 1) as u32, d),
                        None => Err(DateError::UnknownFormat),
                    }
                }
                _ => Err(DateError::UnknownFormat),
            }
        } else {
            Err(DateError::UnknownFormat)
        }
    }

    fn from_parts(y: &str, m: &str, d: &str) -> Result<Date, DateError> {
        let month = number(m).ok_or(DateError::UnknownFormat)?;
        Self::from_numbers(y, month, d)
    }

    fn from_numbers(y: &str, month: u32, d: &str) -> Result<Date, DateError> {
        let year = number(y).ok_or(DateError::UnknownFormat)?;
        let day = number(d).ok_or(DateError::UnknownFormat)?;
        Self::checked(year, month, day)
    }

    fn checked(year: u32, month: u32, day: u32) -> Result<Date, DateError> {
        if year > 9999 || month > 12 || day > 31 {
            return Err(DateError::Impossible);
        }
        Date::new(year as u16, month as u8, day as u8).ok_or(DateError::Impossible)
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole years from `birth` to `self` (a birthday counts on its day;
    /// 29 February birthdays count on 1 March in common years).
    /// `None` when `birth` is after `self`.
    pub fn years_since(self, birth: Date) -> Option<u32> {
        if birth > self {
            return None;
        }
        let mut years = u32::from(self.year - birth.year);
        if (self.month, self.day) < (birth.month, birth.day) {
            years -= 1;
        }
        Some(years)
    }

    /// The compact `YYYYMMDD` number, as CMS files write dates.
    pub fn to_yyyymmdd(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    /// Inverse of [`Date::to_yyyymmdd`].
    pub fn from_yyyymmdd(n: u32) -> Option<Date> {
        let year = n / 10_000;
        if year > 9999 {
            return None;
        }
        Date::new(year as u16, ((n / 100) % 100) as u8, (n % 100) as u8)
    }

    /// The ICD-10-CM fiscal year a service date falls in (FY N runs from
    /// N-1-10-01 to N-09-30).
    pub fn fiscal_year(self) -> u16 {
        if self.month >= 10 {
            self.year + 1
        } else {
            self.year
        }
    }
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a date cell could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Empty,
    /// Not one of the accepted spellings.
    UnknownFormat,
    /// Shaped like a date but no such day exists (2026-02-30, 00/00/0000).
    Impossible,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Empty => "the date is empty",
            DateError::UnknownFormat => {
                "not a date in a known format (YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, DD-Mon-YYYY)"
            }
            DateError::Impossible => "no such day exists",
        })
    }
}

/// An inclusive range of dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// The dates of service of ICD-10-CM fiscal year `fy`.
    pub fn fiscal_year(fy: u16) -> DateRange {
        DateRange {
            start: Date::ymd(fy - 1, 10, 1),
            end: Date::ymd(fy, 9, 30),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_directly_as_by_the_general_path() {
        // A leading space sends the same text through the general path.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let pieces = ["0", "1", "2", "9", "3", "-", "a", " "];
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut t: String = (0..10)
                .map(|k| pieces[((state >> (3 * k)) % pieces.len() as u64) as usize])
                .collect();
            if state % 2 == 0 {
                t.replace_range(4..5, "-");
                t.replace_range(7..8, "-");
            }
            assert_eq!(Date::parse(&t), Date::parse(&format!(" {t}")), "{t:?}");
        }
        for t in [
            "2025-02-28",
            "2024-02-29",
            "2025-02-29",
            "2025-13-01",
            "0000-01-01",
            "2025-00-10",
            "2025-04-31",
        ] {
            assert_eq!(Date::parse(t), Date::parse(&format!(" {t}")), "{t:?}");
        }
    }

    #[test]
    fn parses_every_accepted_spelling() {
        let want = Date::ymd(2025, 3, 14);
        for s in [
            "2025-03-14",
            "20250314",
            "03/14/2025",
            "3/14/2025",
            "14-Mar-2025",
            "14-MAR-2025",
            " 2025-03-14 ",
            "2025-03-14 08:01:18",
        ] {
            assert_eq!(Date::parse(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn rejects_impossible_days() {
        assert_eq!(Date::parse("2026-02-30"), Err(DateError::Impossible));
        assert_eq!(Date::parse("00/00/0000"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2023-02-29"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2024-02-29"), Ok(Date::ymd(2024, 2, 29)));
        assert_eq!(Date::parse("2025-13-01"), Err(DateError::Impossible));
        assert_eq!(Date::parse("yesterday"), Err(DateError::UnknownFormat));
        assert_eq!(Date::parse(""), Err(DateError::Empty));
        assert_eq!(Date::parse("14-Foo-2025"), Err(DateError::UnknownFormat));
    }

    #[test]
    fn ages_and_fiscal_years() {
        let dos = Date::ymd(2025, 6, 1);
        assert_eq!(dos.years_since(Date::ymd(2019, 6, 1)), Some(6));
        assert_eq!(dos.years_since(Date::ymd(2019, 6, 2)), Some(5));
        assert_eq!(dos.years_since(Date::ymd(2025, 6, 2)), None);
        assert_eq!(Date::ymd(2024, 10, 1).fiscal_year(), 2025);
        assert_eq!(Date::ymd(2025, 9, 30).fiscal_year(), 2025);
        assert_eq!(Date::ymd(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(Date::from_yyyymmdd(20270331), Some(Date::ymd(2027, 3, 31)));
    }
}
