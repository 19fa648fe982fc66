//! Member (eligibility / beneficiary) files: birth date and sex by member
//! id, for claims files that do not carry them (Tuva keeps demographics in
//! `eligibility`, CCW in `beneficiary_YYYY`).
//!
//! One small record per member is kept, pointing back at the member file's
//! cells so findings about age or sex can show where the value came from.
//! Files are read in the order given and later values override earlier ones
//! (CCW's 2021 file over 2015's); an empty cell never erases a value.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use super::claim::{Cell, CellLoc, FileId, Sex};
use super::columns::{BIRTH_OR_SEX_ALIASES, MEMBER_ID_ALIASES, member_file_columns};
use super::error::InputError;
use super::events::MalformedRow;
use super::reader::RecordReader;
use super::rows::{binary_head, field_str, header_names, is_blank, malformed, shape_fault};
use crate::date::{Date, DateError};

/// How many malformed member rows are kept for reporting (all are counted).
const MALFORMED_KEPT: usize = 100;

/// A member file's cell, compactly.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberCell<T> {
    pub loc: CellLoc,
    pub raw: Box<str>,
    pub value: T,
}

impl<T: Clone> MemberCell<T> {
    /// The cell as a claim carries it.
    pub fn to_cell(&self) -> Cell<T> {
        Cell {
            loc: self.loc,
            raw: self.raw.as_ref().into(),
            value: self.value.clone(),
        }
    }
}

/// What is known about one member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Member {
    pub birth_date: Option<MemberCell<Result<Date, DateError>>>,
    pub sex: Option<MemberCell<Result<Sex, ()>>>,
}

/// Members by id, from one or more member files.
#[derive(Debug, Default)]
pub struct Members {
    map: HashMap<Box<str>, Member>,
    /// Each member file's header, for naming the columns of member cells.
    headers: Vec<(FileId, Vec<Arc<str>>)>,
    malformed: Vec<MalformedRow>,
    rows_read: u64,
    rows_rejected: u64,
}

impl Members {
    pub fn new() -> Members {
        Members::default()
    }

    /// Reads member files in order; later files override earlier ones.
    /// Takes the readers by value (reading needs them mutable).
    pub fn load(
        files: impl IntoIterator<Item = (FileId, String, Box<dyn Read + Send>)>,
    ) -> Result<Members, InputError> {
        let mut members = Members::new();
        for (file, name, input) in files {
            members.add_file(file, &name, input)?;
        }
        Ok(members)
    }

    /// Reads one more member file; its values override what is known.
    pub fn add_file(
        &mut self,
        file: FileId,
        name: &str,
        input: Box<dyn Read + Send>,
    ) -> Result<(), InputError> {
        let read_err = |line: u64, source| InputError::Read {
            file: name.to_string(),
            line,
            source,
        };
        let mut rec = RecordReader::new(input, file, None).map_err(|e| read_err(1, e))?;
        if let Some((what, help)) = binary_head(rec.peek()) {
            return Err(InputError::NotText {
                file: name.to_string(),
                what,
                help,
            });
        }
        if !rec.next_record().map_err(|e| read_err(1, e))? {
            return Err(InputError::Empty {
                file: name.to_string(),
            });
        }
        let headers = header_names(&rec);
        self.headers.push((file, headers.clone()));
        let found = || headers.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        let (id_col, birth_col, sex_col) = member_file_columns(&headers);
        let Some(id_col) = id_col else {
            return Err(InputError::MemberColumns {
                file: name.to_string(),
                missing: "member id",
                expected: MEMBER_ID_ALIASES,
                found: found(),
            });
        };
        if birth_col.is_none() && sex_col.is_none() {
            return Err(InputError::MemberColumns {
                file: name.to_string(),
                missing: "birth date or sex",
                expected: BIRTH_OR_SEX_ALIASES,
                found: found(),
            });
        }
        loop {
            let line = rec.last_line() + 1;
            if !rec.next_record().map_err(|e| read_err(line, e))? {
                return Ok(());
            }
            if is_blank(&rec, headers.len()) {
                continue;
            }
            self.rows_read += 1;
            rec.decode();
            if let Err(fault) = self.add_row(&rec, id_col, birth_col, sex_col, headers.len()) {
                self.rows_rejected += 1;
                if self.malformed.len() < MALFORMED_KEPT {
                    self.malformed.push(malformed(&rec, fault, true));
                }
            }
        }
    }

    fn add_row<R: Read>(
        &mut self,
        rec: &RecordReader<R>,
        id_col: usize,
        birth_col: Option<usize>,
        sex_col: Option<usize>,
        header_len: usize,
    ) -> Result<(), super::rows::RowFault> {
        if let Some(fault) = shape_fault(rec, header_len) {
            return Err(fault);
        }
        let id = field_str(rec, id_col)?;
        if id.is_empty() {
            return Ok(());
        }
        let cell = |col: Option<usize>| -> Result<Option<(CellLoc, &str)>, super::rows::RowFault> {
            let Some(col) = col else { return Ok(None) };
            let text = field_str(rec, col)?;
            Ok((!text.is_empty()).then(|| (rec.loc(col).unwrap_or_else(|| rec.row_loc()), text)))
        };
        let birth = cell(birth_col)?;
        let sex = cell(sex_col)?;
        if birth.is_none() && sex.is_none() && self.map.contains_key(id) {
            return Ok(());
        }
        let member = match self.map.get_mut(id) {
            Some(m) => m,
            None => self.map.entry(Box::from(id)).or_default(),
        };
        if let Some((loc, text)) = birth {
            member.birth_date = Some(MemberCell {
                loc,
                raw: Box::from(text),
                value: Date::parse(text),
            });
        }
        if let Some((loc, text)) = sex {
            member.sex = Some(MemberCell {
                loc,
                raw: Box::from(text),
                value: Sex::parse(text).ok_or(()),
            });
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Member> {
        self.map.get(id)
    }

    /// The header of each member file read, by file id.
    pub fn headers(&self) -> &[(FileId, Vec<Arc<str>>)] {
        &self.headers
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Data rows read from all member files.
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// Member rows that could not be read (all counted; the first 100 kept
    /// in [`Members::malformed`]).
    pub fn rows_rejected(&self) -> u64 {
        self.rows_rejected
    }

    pub fn malformed(&self) -> &[MalformedRow] {
        &self.malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn input(text: &str) -> Box<dyn Read + Send> {
        Box::new(Cursor::new(text.as_bytes().to_vec()))
    }

    #[test]
    fn later_files_override_and_empty_cells_do_not_erase() {
        let m = Members::load(vec![
            (5, "b2015.csv".to_string(), input("\u{feff}BENE_ID|BENE_BIRTH_DT|BENE_SEX_IDENT_CD\n-1|17-Jan-1942|2\n-2|01-Feb-1950|1\n")),
            (6, "b2016.csv".to_string(), input("BENE_ID|BENE_BIRTH_DT|BENE_SEX_IDENT_CD\n-1|18-Jan-1942|\n-3|bad|9\n-4|x\n")),
        ])
        .unwrap();
        assert_eq!(m.len(), 3);
        let one = m.get("-1").unwrap();
        let birth = one.birth_date.as_ref().unwrap();
        assert_eq!(birth.value, Ok(Date::ymd(1942, 1, 18)));
        assert_eq!(
            (
                birth.loc.file,
                birth.loc.line,
                birth.loc.column,
                birth.loc.field
            ),
            (6, 2, 4, 1)
        );
        let sex = one.sex.as_ref().unwrap();
        assert_eq!(
            (sex.value, sex.loc.file, sex.loc.line),
            (Ok(Sex::Female), 5, 2)
        );
        let three = m.get("-3").unwrap();
        assert_eq!(three.sex.as_ref().unwrap().value, Err(()));
        assert_eq!(
            three.birth_date.as_ref().unwrap().value,
            Err(DateError::UnknownFormat)
        );
        assert_eq!(m.rows_read(), 5);
        assert_eq!(m.rows_rejected(), 1);
        assert_eq!(m.malformed()[0].loc.line, 4);
        assert_eq!(m.malformed()[0].source_line.as_deref(), Some("-4|x"));
    }

    #[test]
    fn member_files_need_an_id_column() {
        let err = Members::load(vec![(
            0,
            "elig.csv".to_string(),
            input("name,birth_date\nx,2000-01-01\n"),
        )])
        .unwrap_err();
        assert!(
            err.to_string().starts_with("elig.csv: no member id column"),
            "{err}"
        );
        let err = Members::load(vec![(
            0,
            "elig.csv".to_string(),
            input("person_id,plan\n1,x\n"),
        )])
        .unwrap_err();
        assert!(
            err.to_string().contains("no birth date or sex column"),
            "{err}"
        );
        let err = Members::load(vec![(0, "empty.csv".to_string(), input(""))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "empty.csv: the file is empty (no header line)"
        );
    }
}
