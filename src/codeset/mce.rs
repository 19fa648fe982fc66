//! The CMS Medicare Code Editor (MCE) diagnosis master as a timeline: for
//! every code, the periods in which it is a valid (billable) diagnosis and
//! the MCE edit lists it belongs to in each period.
//!
//! Input: a tab-separated file with the header `code start_date end_date
//! flags` (dates `YYYYMMDD`, flags comma-separated, code without dot).
//!
//! Compiled into the crate and, by path, into `build.rs`.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

use super::code::CodeKey;
use super::model::{ImportError, TsvTable};
use crate::date::{Date, DateRange};

/// The MCE edit lists a code belongs to during one period, as a bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MceFlags(u32);

impl MceFlags {
    /// Age conflict: newborn (age 0).
    pub const NEWBORN: MceFlags = MceFlags(1 << 0);
    /// Age conflict: pediatric (0-17).
    pub const PEDIATRIC: MceFlags = MceFlags(1 << 1);
    /// Age conflict: maternity (9-64; 12-55 before 2019-10-01).
    pub const MATERNITY: MceFlags = MceFlags(1 << 2);
    /// Age conflict: adult (15-124).
    pub const ADULT: MceFlags = MceFlags(1 << 3);
    /// Sex conflict: female only (edit ended 2024-09-30).
    pub const FEMALE: MceFlags = MceFlags(1 << 4);
    /// Sex conflict: male only (edit ended 2024-09-30).
    pub const MALE: MceFlags = MceFlags(1 << 5);
    /// Manifestation code: may not be principal / first-listed.
    pub const MANIFESTATION: MceFlags = MceFlags(1 << 6);
    /// Unacceptable principal diagnosis.
    pub const UNACCEPTABLE: MceFlags = MceFlags(1 << 7);
    /// Questionable admission as principal diagnosis.
    pub const QADM: MceFlags = MceFlags(1 << 8);
    /// External cause of morbidity (V00-Y99) as principal diagnosis.
    pub const ECODEPDX: MceFlags = MceFlags(1 << 9);
    /// Treated as unspecified by the MCE "unspecified code" edit.
    pub const UNSPECIFIED: MceFlags = MceFlags(1 << 10);
    /// Delivery outcome (Z37.-).
    pub const DELOUT: MceFlags = MceFlags(1 << 11);
    /// Type 1 diabetes.
    pub const DIABTYPE1: MceFlags = MceFlags(1 << 12);
    /// Requires a secondary diagnosis.
    pub const REQSDX: MceFlags = MceFlags(1 << 13);
    /// Clinical trial (Z00.6).
    pub const CLINTRIAL: MceFlags = MceFlags(1 << 14);
    /// Wrong procedure performed (Y65.51-Y65.53).
    pub const WRNGPROC: MceFlags = MceFlags(1 << 15);
    /// COVID-19 related list (ncov6).
    pub const NCOV6: MceFlags = MceFlags(1 << 16);
    /// COVID-19 related list (ncov7).
    pub const NCOV7: MceFlags = MceFlags(1 << 17);
    /// COVID-19 related list (ncov_z302).
    pub const NCOV_Z302: MceFlags = MceFlags(1 << 18);

    /// Every flag with the name the MCE file uses for it, in bit order.
    pub const NAMED: [(&'static str, MceFlags); 19] = [
        ("newborn", MceFlags::NEWBORN),
        ("pediatric", MceFlags::PEDIATRIC),
        ("maternity", MceFlags::MATERNITY),
        ("adult", MceFlags::ADULT),
        ("female", MceFlags::FEMALE),
        ("male", MceFlags::MALE),
        ("manifestation", MceFlags::MANIFESTATION),
        ("unacceptable", MceFlags::UNACCEPTABLE),
        ("qadm", MceFlags::QADM),
        ("ecodepdx", MceFlags::ECODEPDX),
        ("unspecified", MceFlags::UNSPECIFIED),
        ("delout", MceFlags::DELOUT),
        ("diabtypeI", MceFlags::DIABTYPE1),
        ("reqsdx", MceFlags::REQSDX),
        ("clintrial", MceFlags::CLINTRIAL),
        ("wrngproc", MceFlags::WRNGPROC),
        ("ncov6", MceFlags::NCOV6),
        ("ncov7", MceFlags::NCOV7),
        ("ncov_z302", MceFlags::NCOV_Z302),
    ];

    const ALL_BITS: u32 = (1 << 19) - 1;

    pub const fn empty() -> MceFlags {
        MceFlags(0)
    }

    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The flags of `bits`, ignoring bits that name no flag.
    pub const fn from_bits_truncate(bits: u32) -> MceFlags {
        MceFlags(bits & Self::ALL_BITS)
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every flag of `other` is set in `self`.
    pub const fn contains(self, other: MceFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when `self` and `other` share a flag.
    pub const fn intersects(self, other: MceFlags) -> bool {
        self.0 & other.0 != 0
    }

    pub fn insert(&mut self, other: MceFlags) {
        self.0 |= other.0;
    }

    /// The flag the MCE file calls `name` (`diabtypeI`, `ncov_z302`, ...).
    pub fn from_name(name: &str) -> Option<MceFlags> {
        MceFlags::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }

    /// The names of the flags set, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        MceFlags::NAMED
            .into_iter()
            .filter(move |(_, f)| self.contains(*f))
            .map(|(n, _)| n)
    }
}

impl BitOr for MceFlags {
    type Output = MceFlags;
    fn bitor(self, rhs: MceFlags) -> MceFlags {
        MceFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for MceFlags {
    fn bitor_assign(&mut self, rhs: MceFlags) {
        self.0 |= rhs.0;
    }
}

/// Comma-separated names, as the MCE file writes them.
impl fmt::Display for MceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl fmt::Debug for MceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MceFlags({self})")
    }
}

/// One row of the MCE master: `key` is valid from `valid.start` to
/// `valid.end` (inclusive) with `flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MceRow {
    pub key: CodeKey,
    pub valid: DateRange,
    pub flags: MceFlags,
}

/// Parses the MCE diagnosis master TSV. Rows come back sorted by code and
/// start date; a code's periods must not overlap.
pub fn parse_mce(text: &str) -> Result<Vec<MceRow>, ImportError> {
    let (table, [c_code, c_start, c_end, c_flags]) = TsvTable::open(
        text,
        ["code", "start_date", "end_date", "flags"],
        "the header must be: code, start_date, end_date, flags (tab-separated)",
    )?;
    let mut rows: Vec<(MceRow, usize)> = Vec::new();
    for (line_no, fields) in table {
        let field = |i: usize| fields.get(i).copied().unwrap_or("");
        let key = CodeKey::from_dotless(field(c_code).as_bytes()).ok_or_else(|| {
            ImportError::at_line(line_no, format!("{:?} is not a code", field(c_code)))
        })?;
        let date = |i: usize| {
            Date::parse(field(i))
                .map_err(|err| ImportError::at_line(line_no, format!("{:?}: {err}", field(i))))
        };
        let valid = DateRange {
            start: date(c_start)?,
            end: date(c_end)?,
        };
        if valid.start > valid.end {
            return Err(ImportError::at_line(
                line_no,
                format!("{key}: the period ends before it starts"),
            ));
        }
        let mut flags = MceFlags::empty();
        for name in field(c_flags)
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            flags |= MceFlags::from_name(name).ok_or_else(|| {
                ImportError::at_line(line_no, format!("unknown MCE flag {name:?}"))
            })?;
        }
        rows.push((MceRow { key, valid, flags }, line_no));
    }
    if rows.is_empty() {
        return Err(ImportError::new("the file lists no codes"));
    }
    rows.sort_by(|a, b| {
        (a.0.key.as_bytes(), a.0.valid.start).cmp(&(b.0.key.as_bytes(), b.0.valid.start))
    });
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0].0, &pair[1].0);
        if a.key == b.key && b.valid.start <= a.valid.end {
            return Err(ImportError::at_line(
                pair[1].1,
                format!(
                    "{}: the period from {} overlaps the one ending {}",
                    b.key, b.valid.start, a.valid.end
                ),
            ));
        }
    }
    Ok(rows.into_iter().map(|(row, _)| row).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_through_names() {
        let f = MceFlags::ADULT | MceFlags::DIABTYPE1 | MceFlags::NCOV_Z302;
        assert_eq!(
            f.names().collect::<Vec<_>>(),
            ["adult", "diabtypeI", "ncov_z302"]
        );
        assert_eq!(f.to_string(), "adult,diabtypeI,ncov_z302");
        assert!(f.contains(MceFlags::ADULT) && !f.contains(MceFlags::MALE));
        assert_eq!(MceFlags::from_name("wrngproc"), Some(MceFlags::WRNGPROC));
        assert_eq!(MceFlags::from_bits_truncate(u32::MAX).names().count(), 19);
    }

    #[test]
    fn parses_rows_and_rejects_overlaps() {
        let text = "code\tstart_date\tend_date\tflags\r\nZ2821\t20151001\t20270331\tunacceptable\r\nA000\t20151001\t20270331\t\r\n";
        let rows = parse_mce(text).unwrap();
        assert_eq!(rows[0].key.as_str(), "A000");
        assert_eq!(rows[1].flags, MceFlags::UNACCEPTABLE);
        assert_eq!(rows[1].valid.end, Date::ymd(2027, 3, 31));
        let overlap = "code\tstart_date\tend_date\tflags\nA000\t20151001\t20200101\t\nA000\t20191001\t20270331\t\n";
        assert_eq!(parse_mce(overlap).unwrap_err().line, Some(3));
        let bad = "code\tstart_date\tend_date\tflags\nA000\t20151001\t20270331\tpurple\n";
        let err = parse_mce(bad).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("purple"));
    }
}
