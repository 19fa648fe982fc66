//! Which column is which: header auto-detection with aliases, the user's
//! overrides, and the layout (one row per claim line, or one row per
//! diagnosis).
//!
//! Exports name the same thing many ways (`CLM_FROM_DT`, `claim_start_date`,
//! `DOS`), so names are compared after [`normalize`]: lower case, letters and
//! digits only. Single-valued roles take the header matching the earliest
//! alias in their list (so `person_id` beats `member_id` when a file has
//! both); numbered columns (`dx1`, `diagnosis_code_1`, `ICD_DGNS_CD1`) are
//! recognised by prefix and paired with their POA and version columns by
//! number.
//!
//! Principal + numbered columns (CCW `PRNCPAL_DGNS_CD` with
//! `ICD_DGNS_CD1..25`): the principal column is position 1 and the numbered
//! columns follow it. Column number 1 usually repeats the principal in CCW
//! files; on a row where it is empty or holds the same code, it is the
//! principal's own slot and is neither a second diagnosis nor a gap (see
//! [`DxSeries::first_repeats_lead`]). On a row where it differs, it is
//! position 2 and the numbered columns shift by one.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use serde::Deserialize;

use super::aliases::*;
use super::error::InputError;
use crate::codeset::code::CodeKey;
use crate::date::Date;

/// How diagnoses are laid out in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per claim (or claim line), diagnoses in columns.
    Wide,
    /// One row per diagnosis: claim id, sequence, code.
    Long,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Long => "long",
        }
    }
}

/// The user's column overrides: `[columns]` in `dxlint.toml` or CLI flags.
/// Every field is optional; a given name must be in the header (matched
/// exactly, then case- and punctuation-insensitively).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnMap {
    pub layout: Option<Layout>,
    pub claim_id: Option<String>,
    pub member_id: Option<String>,
    pub service_date: Option<String>,
    pub through_date: Option<String>,
    pub birth_date: Option<String>,
    pub age: Option<String>,
    pub sex: Option<String>,
    pub claim_type: Option<String>,
    pub bill_type: Option<String>,
    pub code_type: Option<String>,
    /// Wide layout: the sequenced diagnosis columns, position 1 first. Replaces
    /// auto-detection of principal and numbered columns.
    pub diagnoses: Vec<String>,
    /// Wide layout: POA columns paired with `diagnoses` (or with the detected
    /// sequence) by index. Long layout: the first entry is the POA column.
    pub poa: Vec<String>,
    pub admitting: Option<String>,
    /// Long layout: the diagnosis sequence column.
    pub sequence: Option<String>,
    /// Long layout: the diagnosis code column.
    pub code: Option<String>,
}

/// A diagnosis column with the columns paired with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DxColumn {
    pub code: usize,
    pub poa: Option<usize>,
    /// Per-diagnosis ICD version column (CCW `ICD_DGNS_VRSN_CD1`: 0 = ICD-10, 9 = ICD-9).
    pub version: Option<usize>,
}

/// An ordered run of diagnosis columns, optionally led by a column that
/// stands before the numbered ones (the principal; CCW's first external cause).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DxSeries {
    pub lead: Option<DxColumn>,
    /// Numbered columns in number order.
    pub numbered: Vec<DxColumn>,
    /// `numbered[0]` is column number 1 and `lead` is present: on rows where
    /// it is empty or repeats the lead's code, it is the lead's own slot.
    pub first_repeats_lead: bool,
}

impl DxSeries {
    pub fn is_empty(&self) -> bool {
        self.lead.is_none() && self.numbered.is_empty()
    }

    fn columns(&self) -> impl Iterator<Item = &DxColumn> {
        self.lead.iter().chain(self.numbered.iter())
    }

    fn columns_mut(&mut self) -> impl Iterator<Item = &mut DxColumn> {
        self.lead.iter_mut().chain(self.numbered.iter_mut())
    }
}

/// The resolved columns of one file (indices into its header).
#[derive(Clone, Debug)]
pub struct Mapping {
    pub layout: Layout,
    pub claim_id: Option<usize>,
    pub member_id: Option<usize>,
    pub service_date: Option<usize>,
    pub through_date: Option<usize>,
    pub birth_date: Option<usize>,
    pub age: Option<usize>,
    pub sex: Option<usize>,
    pub claim_type: Option<usize>,
    pub bill_type: Option<usize>,
    /// CCW `NCH_CLM_TYPE_CD`.
    pub ccw_claim_type: Option<usize>,
    /// Claim-level (wide) or row-level (long) code type / ICD version.
    pub code_type: Option<usize>,
    /// Wide: the sequenced diagnoses (principal / first-listed first).
    pub sequenced: DxSeries,
    pub admitting: Option<DxColumn>,
    pub reason_for_visit: Vec<DxColumn>,
    pub external_cause: DxSeries,
    /// Long: the sequence column (rows ordered by it within a claim).
    pub sequence: Option<usize>,
    /// Long: the code column.
    pub code: Option<usize>,
    /// Long: the POA column.
    pub poa: Option<usize>,
    headers: Vec<Arc<str>>,
    /// Header columns that are not read although their names say they
    /// should be (see [`Mapping::notes`]).
    notes: Vec<String>,
}

/// Lower case, letters and digits only: `Diagnosis_Code-1` -> `diagnosiscode1`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `3 and 4`, `3, 4 and 9` (1-based column numbers).
fn numbers(cols: &[usize]) -> String {
    let names: Vec<String> = cols.iter().map(|c| (c + 1).to_string()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Whether a header line is really a data row: returns which fields look
/// like data (a date, a diagnosis code, a number), never their content.
/// Only asked once the header's names could not be mapped.
pub fn looks_like_data(headers: &[Arc<str>]) -> Option<String> {
    let mut dates = Vec::new();
    let mut codes = Vec::new();
    let mut numbers_found = Vec::new();
    let mut filled = 0usize;
    for (i, h) in headers.iter().enumerate() {
        let t = h.trim();
        if t.is_empty() {
            continue;
        }
        filled += 1;
        let b = t.as_bytes();
        let code_shaped = CodeKey::parse(t).is_ok()
            && (t.contains('.')
                || (b.len() >= 3
                    && b.get(1..3)
                        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))));
        if Date::parse(t).is_ok() {
            dates.push(i + 1);
        } else if code_shaped {
            codes.push(i + 1);
        } else if t
            .trim_start_matches(['-', '+'])
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.')
            && t.bytes().any(|c| c.is_ascii_digit())
        {
            numbers_found.push(i + 1);
        }
    }
    let mostly_numbers = filled > 0 && numbers_found.len() * 2 >= filled;
    if dates.is_empty() && codes.is_empty() && !mostly_numbers {
        return None;
    }
    let list = |cols: &[usize]| numbers(&cols.iter().map(|c| c - 1).collect::<Vec<_>>());
    let mut parts = Vec::new();
    let mut describe = |cols: &[usize], one: &str, many: &str| {
        let cols = &cols[..cols.len().min(5)];
        match cols.len() {
            0 => {}
            1 => parts.push(format!("field {} {one}", list(cols))),
            _ => parts.push(format!("fields {} {many}", list(cols))),
        }
    };
    describe(&dates, "is a date", "are dates");
    describe(
        &codes,
        "is shaped like a diagnosis code",
        "are shaped like diagnosis codes",
    );
    describe(&numbers_found, "is a number", "are numbers");
    Some(parts.join(", "))
}

/// Largest column number taken as a diagnosis number (`dx999`).
const MAX_NUMBER: u32 = 999;

/// Splits `dx12poa` into (`dx`, 12, `poa`) at the last run of digits. A
/// number too large for `u32` comes back as `u32::MAX`.
fn split_number(norm: &str) -> Option<(&str, u32, &str)> {
    let bytes = norm.as_bytes();
    let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
    let start = bytes
        .get(..end)?
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let n: u32 = norm.get(start..end)?.parse().unwrap_or(u32::MAX);
    if start == 0 {
        return None;
    }
    Some((norm.get(..start)?, n, norm.get(end..)?))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Numbered {
    Dx,
    DxPoa,
    DxVersion,
    Ext,
    ExtPoa,
    ExtVersion,
    Rfv,
    RfvVersion,
}

fn classify_numbered(prefix: &str, suffix: &str) -> Option<Numbered> {
    let is = |list: &[&str], s: &str| list.contains(&s);
    if suffix.is_empty() {
        // Order matters: `dxpoa1` is a POA column, `dxversion1` a version column.
        let kinds = [
            (POA_PREFIXES, Numbered::DxPoa),
            (VERSION_PREFIXES, Numbered::DxVersion),
            (EXT_POA_PREFIXES, Numbered::ExtPoa),
            (EXT_VERSION_PREFIXES, Numbered::ExtVersion),
            (RFV_VERSION_PREFIXES, Numbered::RfvVersion),
            (EXT_PREFIXES, Numbered::Ext),
            (RFV_PREFIXES, Numbered::Rfv),
            (DX_PREFIXES, Numbered::Dx),
        ];
        return kinds
            .iter()
            .find(|(list, _)| is(list, prefix))
            .map(|(_, k)| *k);
    }
    if is(DX_PREFIXES, prefix) && is(POA_SUFFIXES, suffix) {
        return Some(Numbered::DxPoa);
    }
    if is(DX_PREFIXES, prefix) && is(VERSION_SUFFIXES, suffix) {
        return Some(Numbered::DxVersion);
    }
    None
}

/// First header matching the earliest alias in `aliases`.
fn by_alias(norms: &[String], aliases: &[&str]) -> Option<usize> {
    aliases
        .iter()
        .find_map(|a| norms.iter().position(|n| n == a))
}

fn names(headers: &[Arc<str>]) -> Vec<String> {
    headers.iter().map(|h| h.to_string()).collect()
}

/// Finds a configured column: exact name first, then normalized.
fn find(
    file: &str,
    headers: &[Arc<str>],
    norms: &[String],
    setting: &'static str,
    name: &str,
) -> Result<usize, InputError> {
    let wanted = name.trim();
    if let Some(i) = headers.iter().position(|h| h.trim() == wanted) {
        return Ok(i);
    }
    let norm = normalize(wanted);
    norms
        .iter()
        .position(|n| !norm.is_empty() && *n == norm)
        .ok_or_else(|| InputError::UnknownColumn {
            file: file.to_string(),
            setting,
            name: name.to_string(),
            found: names(headers),
        })
}

/// Numbered columns of one kind, by number (first header wins a number;
/// later headers with the same number are kept aside to be reported).
#[derive(Default)]
struct NumberedCols {
    cols: BTreeMap<u32, usize>,
    /// (column kept, column ignored) for numbers given twice.
    ignored: Vec<(usize, usize)>,
}

impl NumberedCols {
    fn add(&mut self, n: u32, idx: usize) {
        match self.cols.get(&n) {
            Some(&kept) => self.ignored.push((kept, idx)),
            None => {
                self.cols.insert(n, idx);
            }
        }
    }

    fn get(&self, n: u32) -> Option<usize> {
        self.cols.get(&n).copied()
    }

    fn sorted(&self) -> Vec<(u32, usize)> {
        self.cols.iter().map(|(&n, &i)| (n, i)).collect()
    }
}

/// Builds a numbered series, pairing POA and version columns by number.
fn series(
    lead: Option<DxColumn>,
    codes: &NumberedCols,
    poa: &NumberedCols,
    version: &NumberedCols,
) -> DxSeries {
    let sorted = codes.sorted();
    let numbered: Vec<DxColumn> = sorted
        .iter()
        .map(|&(n, code)| DxColumn {
            code,
            poa: poa.get(n),
            version: version.get(n),
        })
        .collect();
    let first_repeats_lead = lead.is_some() && sorted.first().is_some_and(|&(n, _)| n == 1);
    DxSeries {
        lead,
        numbered,
        first_repeats_lead,
    }
}

/// Aliases a member file's id column may have, best first.
pub const MEMBER_ID_ALIASES: &str = "person_id, bene_id, member_id, patient_id, mrn";
/// Aliases of a member file's birth date and sex columns.
pub const BIRTH_OR_SEX_ALIASES: &str =
    "birth_date, dob, date_of_birth, bene_birth_dt; sex, gender, bene_sex_ident_cd";

/// A member file's (member id, birth date, sex) columns.
pub fn member_file_columns(headers: &[Arc<str>]) -> (Option<usize>, Option<usize>, Option<usize>) {
    let norms: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    (
        by_alias(&norms, MEMBER_ID),
        by_alias(&norms, BIRTH_DATE),
        by_alias(&norms, SEX),
    )
}

impl Mapping {
    /// Resolves the columns of `headers`, applying `overrides`. `file` names
    /// the file in errors.
    pub fn detect(
        file: &str,
        headers: &[Arc<str>],
        overrides: &ColumnMap,
    ) -> Result<Mapping, InputError> {
        let norms: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
        let one = |aliases: &[&str]| by_alias(&norms, aliases);

        let mut dx = NumberedCols::default();
        let mut dx_poa = NumberedCols::default();
        let mut dx_version = NumberedCols::default();
        let mut ext = NumberedCols::default();
        let mut ext_poa = NumberedCols::default();
        let mut ext_version = NumberedCols::default();
        let mut rfv = NumberedCols::default();
        let mut rfv_version = NumberedCols::default();
        let mut beyond: Vec<usize> = Vec::new();
        for (i, norm) in norms.iter().enumerate() {
            let Some((prefix, n, suffix)) = split_number(norm) else {
                continue;
            };
            let kind = classify_numbered(prefix, suffix);
            if kind.is_some() && n > MAX_NUMBER {
                beyond.push(i);
                continue;
            }
            let target = match kind {
                Some(Numbered::Dx) => &mut dx,
                Some(Numbered::DxPoa) => &mut dx_poa,
                Some(Numbered::DxVersion) => &mut dx_version,
                Some(Numbered::Ext) => &mut ext,
                Some(Numbered::ExtPoa) => &mut ext_poa,
                Some(Numbered::ExtVersion) => &mut ext_version,
                Some(Numbered::Rfv) => &mut rfv,
                Some(Numbered::RfvVersion) => &mut rfv_version,
                None => continue,
            };
            target.add(n, i);
        }

        let principal = one(PRINCIPAL).map(|code| DxColumn {
            code,
            poa: one(PRINCIPAL_POA),
            version: one(PRINCIPAL_VERSION),
        });
        let ext_first = one(EXT_FIRST).map(|code| DxColumn {
            code,
            poa: None,
            version: one(EXT_FIRST_VERSION),
        });
        let mut reason_for_visit: Vec<DxColumn> = one(RFV_SINGLE)
            .map(|code| DxColumn {
                code,
                poa: None,
                version: None,
            })
            .into_iter()
            .collect();
        reason_for_visit
            .extend(series(None, &rfv, &NumberedCols::default(), &rfv_version).numbered);

        let mut m = Mapping {
            layout: Layout::Wide,
            claim_id: one(CLAIM_ID),
            member_id: one(MEMBER_ID),
            service_date: one(SERVICE_DATE),
            through_date: one(THROUGH_DATE),
            birth_date: one(BIRTH_DATE),
            age: one(AGE),
            sex: one(SEX),
            claim_type: one(CLAIM_TYPE),
            bill_type: one(BILL_TYPE),
            ccw_claim_type: one(CCW_CLAIM_TYPE),
            code_type: one(CODE_TYPE),
            sequenced: series(principal, &dx, &dx_poa, &dx_version),
            admitting: one(ADMITTING).map(|code| DxColumn {
                code,
                poa: None,
                version: one(ADMITTING_VERSION),
            }),
            reason_for_visit,
            external_cause: series(ext_first, &ext, &ext_poa, &ext_version),
            sequence: one(SEQUENCE),
            code: one(CODE),
            poa: one(LONG_POA),
            headers: headers.to_vec(),
            notes: Vec::new(),
        };
        m.apply(file, &norms, overrides)?;
        m.check(file)?;
        let numbered_twice: Vec<(usize, usize)> = [
            &dx,
            &dx_poa,
            &dx_version,
            &ext,
            &ext_poa,
            &ext_version,
            &rfv,
            &rfv_version,
        ]
        .iter()
        .flat_map(|c| c.ignored.iter().copied())
        .collect();
        m.notes = m.column_notes(&norms, &numbered_twice, &beyond);
        Ok(m)
    }

    /// Says which columns are ignored: a name given to several columns
    /// (the first is read, or the one a setting names exactly), two
    /// spellings of one diagnosis number, numbers above [`MAX_NUMBER`].
    fn column_notes(
        &self,
        norms: &[String],
        numbered_twice: &[(usize, usize)],
        beyond: &[usize],
    ) -> Vec<String> {
        let mut notes = Vec::new();
        if self.service_date.is_none() {
            notes.push(
                "no service date column (service_date, dos, from_date, claim_start_date, \
                 clm_from_dt, ...): every claim is checked against the newest code set; name the \
                 column with --service-date-column or [columns] service_date"
                    .to_string(),
            );
        }
        let mut used = self.content_columns();
        used.extend(self.claim_id);
        used.sort_unstable();
        used.dedup();
        let is_used = |i: usize| used.binary_search(&i).is_ok();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in norms.iter().enumerate() {
            if !n.is_empty() {
                by_name.entry(n.as_str()).or_default().push(i);
            }
        }
        let header = |i: usize| self.headers.get(i).map_or("", |h| h);
        for &u in &used {
            let Some(same) = norms.get(u).and_then(|n| by_name.get(n.as_str())) else {
                continue;
            };
            let ignored: Vec<usize> = same.iter().copied().filter(|&j| !is_used(j)).collect();
            if ignored.is_empty() {
                continue;
            }
            let mut cols: Vec<usize> = ignored.clone();
            cols.push(u);
            cols.sort_unstable();
            let list = numbers(&cols);
            let rest = if ignored.len() == 1 {
                format!("column {} is ignored", ignored[0] + 1)
            } else {
                "the others are ignored".to_string()
            };
            notes.push(format!(
                "the header names {:?} in columns {list}: column {} is read and {rest}",
                header(u),
                u + 1
            ));
        }
        for &(kept, ignored) in numbered_twice {
            if norms.get(kept) == norms.get(ignored) || is_used(ignored) {
                continue;
            }
            notes.push(format!(
                "column {} {:?} is ignored: column {} {:?} has the same number",
                ignored + 1,
                header(ignored),
                kept + 1,
                header(kept)
            ));
        }
        if let Some(&first) = beyond.first() {
            let more = match beyond.len() {
                1 => String::new(),
                2 => " and 1 more".to_string(),
                n => format!(" and {} more", n - 1),
            };
            notes.push(format!(
                "column {} {:?}{more} {} numbered above {MAX_NUMBER} and not read",
                first + 1,
                header(first),
                if beyond.len() == 1 { "is" } else { "are" }
            ));
        }
        notes
    }

    /// Columns that are not read although their names say what they hold,
    /// as sentences for a notice (e.g. a name that two columns share).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Applies the user's overrides on top of what was detected.
    fn apply(&mut self, file: &str, norms: &[String], o: &ColumnMap) -> Result<(), InputError> {
        let headers = self.headers.clone();
        let find = |setting: &'static str, name: &str| find(file, &headers, norms, setting, name);
        let singles: [(&'static str, &Option<String>, &mut Option<usize>); 12] = [
            ("claim_id", &o.claim_id, &mut self.claim_id),
            ("member_id", &o.member_id, &mut self.member_id),
            ("service_date", &o.service_date, &mut self.service_date),
            ("through_date", &o.through_date, &mut self.through_date),
            ("birth_date", &o.birth_date, &mut self.birth_date),
            ("age", &o.age, &mut self.age),
            ("sex", &o.sex, &mut self.sex),
            ("claim_type", &o.claim_type, &mut self.claim_type),
            ("bill_type", &o.bill_type, &mut self.bill_type),
            ("code_type", &o.code_type, &mut self.code_type),
            ("sequence", &o.sequence, &mut self.sequence),
            ("code", &o.code, &mut self.code),
        ];
        for (setting, name, slot) in singles {
            if let Some(name) = name {
                *slot = Some(find(setting, name)?);
            }
        }
        if let Some(name) = &o.admitting {
            self.admitting = Some(DxColumn {
                code: find("admitting", name)?,
                poa: None,
                version: None,
            });
        }
        if !o.diagnoses.is_empty() {
            let mut numbered = Vec::with_capacity(o.diagnoses.len());
            for name in &o.diagnoses {
                numbered.push(DxColumn {
                    code: find("diagnoses", name)?,
                    poa: None,
                    version: None,
                });
            }
            self.sequenced = DxSeries {
                lead: None,
                numbered,
                first_repeats_lead: false,
            };
        }
        let layout = match o.layout {
            Some(l) => l,
            None if !o.diagnoses.is_empty() => Layout::Wide,
            None if o.code.is_some() => Layout::Long,
            None if !self.sequenced.is_empty() => Layout::Wide,
            None => Layout::Long,
        };
        self.layout = layout;
        if !o.poa.is_empty() {
            let mut poa = Vec::with_capacity(o.poa.len());
            for name in &o.poa {
                poa.push(find("poa", name)?);
            }
            match layout {
                Layout::Long => self.poa = poa.first().copied(),
                Layout::Wide => {
                    let count = self.sequenced.columns().count();
                    if poa.len() > count {
                        return Err(InputError::Layout {
                            file: file.to_string(),
                            message: format!(
                                "{} POA columns are configured for {count} diagnosis columns",
                                poa.len()
                            ),
                            found: names(&headers),
                        });
                    }
                    for (col, p) in self.sequenced.columns_mut().zip(poa) {
                        col.poa = Some(p);
                    }
                }
            }
        }
        Ok(())
    }

    /// Refuses mappings that cannot produce a diagnosis.
    fn check(&self, file: &str) -> Result<(), InputError> {
        let err = |message: &str| InputError::Layout {
            file: file.to_string(),
            message: message.to_string(),
            found: names(&self.headers),
        };
        match self.layout {
            Layout::Wide if self.sequenced.is_empty() => {
                if self.code.is_some() && self.claim_id.is_some() {
                    return Err(err(
                        "the wide layout was requested but no diagnosis columns were found (the file looks like one row per diagnosis: set layout = \"long\")",
                    ));
                }
                Err(InputError::NoDiagnosisColumn {
                    file: file.to_string(),
                    found: names(&self.headers),
                })
            }
            Layout::Long if self.code.is_none() => Err(InputError::NoDiagnosisColumn {
                file: file.to_string(),
                found: names(&self.headers),
            }),
            Layout::Long if self.claim_id.is_none() => Err(err(
                "one row per diagnosis needs a claim id column to group rows into claims (claim_id, clm_id, encounter_id, claim_number)",
            )),
            _ => Ok(()),
        }
    }

    pub fn headers(&self) -> &[Arc<str>] {
        &self.headers
    }

    /// Every column whose content the engine consumes, in column order
    /// (the claim id excluded): what a row's content fingerprint covers.
    pub fn content_columns(&self) -> Vec<usize> {
        let mut v: Vec<usize> = [
            self.member_id,
            self.service_date,
            self.through_date,
            self.birth_date,
            self.age,
            self.sex,
            self.claim_type,
            self.bill_type,
            self.ccw_claim_type,
            self.code_type,
        ]
        .into_iter()
        .flatten()
        .collect();
        let dx_cols = self
            .sequenced
            .columns()
            .chain(self.admitting.iter())
            .chain(self.reason_for_visit.iter())
            .chain(self.external_cause.columns());
        for c in dx_cols {
            v.extend([Some(c.code), c.poa, c.version].into_iter().flatten());
        }
        if self.layout == Layout::Long {
            v.extend([self.sequence, self.code, self.poa].into_iter().flatten());
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    fn name(&self, i: usize) -> String {
        match self.headers.get(i) {
            Some(h) => format!("{h} (column {})", i + 1),
            None => format!("column {}", i + 1),
        }
    }

    fn dx_text(&self, c: &DxColumn) -> String {
        let mut s = self.name(c.code);
        if let Some(p) = c.poa {
            let _ = write!(s, " + POA {}", self.headers.get(p).map_or("?", |h| h));
        }
        if let Some(v) = c.version {
            let _ = write!(s, " + version {}", self.headers.get(v).map_or("?", |h| h));
        }
        s
    }

    /// A human-readable account of the mapping, for `--verbose`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let layout = match self.layout {
            Layout::Wide => {
                "wide (diagnoses in columns; rows with the same claim id form one claim)"
            }
            Layout::Long => {
                "long (one row per diagnosis; consecutive rows with the same claim id form one claim)"
            }
        };
        let _ = writeln!(out, "layout: {layout}");
        let singles = [
            ("claim id", self.claim_id),
            ("member id", self.member_id),
            ("service date", self.service_date),
            ("through date", self.through_date),
            ("birth date", self.birth_date),
            ("age", self.age),
            ("sex", self.sex),
            ("claim type", self.claim_type),
            ("bill type", self.bill_type),
            ("CCW claim type", self.ccw_claim_type),
            ("code type", self.code_type),
        ];
        for (label, col) in singles {
            let _ = writeln!(
                out,
                "{label}: {}",
                col.map_or_else(|| "(none)".to_string(), |i| self.name(i))
            );
        }
        match self.layout {
            Layout::Wide => {
                if let Some(p) = &self.sequenced.lead {
                    let _ = writeln!(out, "position 1 (principal): {}", self.dx_text(p));
                }
                if self.sequenced.first_repeats_lead
                    && let Some(first) = self.sequenced.numbered.first()
                {
                    let _ = writeln!(
                        out,
                        "  {} is the principal's own slot on rows where it is empty or repeats the principal; otherwise it is the next position",
                        self.headers.get(first.code).map_or("?", |h| h)
                    );
                }
                let _ = writeln!(
                    out,
                    "sequenced diagnoses ({}):",
                    self.sequenced.numbered.len()
                );
                for c in &self.sequenced.numbered {
                    let _ = writeln!(out, "  {}", self.dx_text(c));
                }
            }
            Layout::Long => {
                let col =
                    |c: Option<usize>| c.map_or_else(|| "(none)".to_string(), |i| self.name(i));
                let _ = writeln!(out, "sequence: {}", col(self.sequence));
                let _ = writeln!(out, "code: {}", col(self.code));
                let _ = writeln!(out, "POA: {}", col(self.poa));
            }
        }
        if let Some(a) = &self.admitting {
            let _ = writeln!(out, "admitting diagnosis: {}", self.dx_text(a));
        }
        for c in &self.reason_for_visit {
            let _ = writeln!(out, "reason for visit: {}", self.dx_text(c));
        }
        for c in self.external_cause.columns() {
            let _ = writeln!(out, "external cause: {}", self.dx_text(c));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<Arc<str>> {
        names.iter().map(|n| Arc::from(*n)).collect()
    }

    fn detect(names: &[&str]) -> Mapping {
        Mapping::detect("t.csv", &headers(names), &ColumnMap::default()).unwrap()
    }

    #[test]
    fn splits_numbers() {
        assert_eq!(split_number("dx12poa"), Some(("dx", 12, "poa")));
        assert_eq!(split_number("icd10dx1"), Some(("icd10dx", 1, "")));
        assert_eq!(split_number("12"), None);
        assert_eq!(split_number("dx"), None);
        assert_eq!(normalize(" Diagnosis_Code-1 "), "diagnosiscode1");
    }

    #[test]
    fn tuva_layout() {
        let m = detect(&[
            "claim_id",
            "claim_line_number",
            "claim_type",
            "person_id",
            "member_id",
            "claim_start_date",
            "claim_end_date",
            "admission_date",
            "bill_type_code",
            "diagnosis_code_type",
            "diagnosis_code_1",
            "diagnosis_code_2",
            "diagnosis_poa_1",
            "diagnosis_poa_2",
            "procedure_code_type",
            "procedure_code_1",
        ]);
        assert_eq!(m.layout, Layout::Wide);
        assert_eq!(
            (m.claim_id, m.member_id, m.service_date, m.through_date),
            (Some(0), Some(3), Some(5), Some(6))
        );
        assert_eq!(
            (m.claim_type, m.bill_type, m.code_type),
            (Some(2), Some(8), Some(9))
        );
        assert_eq!(
            m.sequenced.numbered,
            [
                DxColumn {
                    code: 10,
                    poa: Some(12),
                    version: None
                },
                DxColumn {
                    code: 11,
                    poa: Some(13),
                    version: None
                }
            ]
        );
        assert!(m.sequenced.lead.is_none());
        assert_eq!(m.content_columns(), [2, 3, 5, 6, 8, 9, 10, 11, 12, 13]);
        assert!(
            m.describe()
                .contains("service date: claim_start_date (column 6)")
        );
    }

    #[test]
    fn ccw_layout() {
        let m = detect(&[
            "BENE_ID",
            "CLM_ID",
            "NCH_CLM_TYPE_CD",
            "CLM_FROM_DT",
            "CLM_THRU_DT",
            "ADMTG_DGNS_CD",
            "ADMTG_DGNS_VRSN_CD",
            "PRNCPAL_DGNS_CD",
            "PRNCPAL_DGNS_VRSN_CD",
            "ICD_DGNS_CD1",
            "ICD_DGNS_VRSN_CD1",
            "CLM_POA_IND_SW1",
            "ICD_DGNS_CD2",
            "ICD_DGNS_VRSN_CD2",
            "CLM_POA_IND_SW2",
            "FST_DGNS_E_CD",
            "FST_DGNS_E_VRSN_CD",
            "ICD_DGNS_E_CD1",
            "ICD_DGNS_E_VRSN_CD1",
            "CLM_E_POA_IND_SW1",
            "ICD_PRCDR_VRSN_CD1",
            "RSN_VISIT_CD1",
            "RSN_VISIT_VRSN_CD1",
            "LINE_ICD_DGNS_CD",
        ]);
        assert_eq!(
            (m.claim_id, m.member_id, m.ccw_claim_type),
            (Some(1), Some(0), Some(2))
        );
        assert_eq!(
            m.sequenced.lead,
            Some(DxColumn {
                code: 7,
                poa: None,
                version: Some(8)
            })
        );
        assert!(m.sequenced.first_repeats_lead);
        assert_eq!(
            m.sequenced.numbered,
            [
                DxColumn {
                    code: 9,
                    poa: Some(11),
                    version: Some(10)
                },
                DxColumn {
                    code: 12,
                    poa: Some(14),
                    version: Some(13)
                }
            ]
        );
        assert_eq!(
            m.admitting,
            Some(DxColumn {
                code: 5,
                poa: None,
                version: Some(6)
            })
        );
        assert_eq!(
            m.external_cause.lead,
            Some(DxColumn {
                code: 15,
                poa: None,
                version: Some(16)
            })
        );
        assert_eq!(
            m.external_cause.numbered,
            [DxColumn {
                code: 17,
                poa: Some(19),
                version: Some(18)
            }]
        );
        assert_eq!(
            m.reason_for_visit,
            [DxColumn {
                code: 21,
                poa: None,
                version: Some(22)
            }]
        );
    }

    #[test]
    fn aliases_and_suffixed_poa() {
        let m = detect(&[
            "Encounter ID",
            "MRN",
            "DOS",
            "DOB",
            "Gender",
            "dx1",
            "dx1_poa",
            "DX2",
            "dx2_poa",
            "poa_principal",
        ]);
        assert_eq!(
            (m.claim_id, m.member_id, m.service_date, m.birth_date, m.sex),
            (Some(0), Some(1), Some(2), Some(3), Some(4))
        );
        assert_eq!(
            m.sequenced.numbered[1],
            DxColumn {
                code: 7,
                poa: Some(8),
                version: None
            }
        );
    }

    #[test]
    fn long_layout() {
        let m = detect(&["claim_id", "seq", "dx_code", "poa", "service_date"]);
        assert_eq!(m.layout, Layout::Long);
        assert_eq!((m.sequence, m.code, m.poa), (Some(1), Some(2), Some(3)));
        let err = Mapping::detect("l.csv", &headers(&["seq", "code"]), &ColumnMap::default())
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("l.csv: one row per diagnosis needs a claim id"),
            "{err}"
        );
    }

    #[test]
    fn missing_diagnoses_is_an_error_listing_columns() {
        let err = Mapping::detect("x.csv", &headers(&["id", "amount"]), &ColumnMap::default())
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.csv: no diagnosis column found"), "{msg}");
        assert!(msg.contains("\"id\", \"amount\""), "{msg}");
    }

    #[test]
    fn overrides_apply() {
        let o: ColumnMap = toml::from_str(
            "layout = \"wide\"\nclaim_id = \"ref\"\ndiagnoses = [\"A\", \"b\"]\npoa = [\"PA\"]\nservice_date = \"when\"",
        )
        .unwrap();
        let m = Mapping::detect(
            "o.csv",
            &headers(&["REF", "when", "A", "B", "PA", "dx1"]),
            &o,
        )
        .unwrap();
        assert_eq!((m.claim_id, m.service_date), (Some(0), Some(1)));
        assert_eq!(
            m.sequenced.numbered,
            [
                DxColumn {
                    code: 2,
                    poa: Some(4),
                    version: None
                },
                DxColumn {
                    code: 3,
                    poa: None,
                    version: None
                }
            ]
        );
        let bad = ColumnMap {
            sex: Some("gender".into()),
            ..ColumnMap::default()
        };
        let err = Mapping::detect("o.csv", &headers(&["dx1"]), &bad).unwrap_err();
        assert!(
            err.to_string()
                .contains("the column \"gender\" given for `sex` is not in the header")
        );
        assert!(toml::from_str::<ColumnMap>("colour = \"x\"").is_err());
        assert!(toml::from_str::<ColumnMap>("layout = \"tall\"").is_err());
    }

    #[test]
    fn every_documented_alias_resolves() {
        type Getter = fn(&Mapping) -> Option<usize>;
        let single: &[(&str, Getter)] = &[
            ("claim_id clm_id encounter_id claim_number claimid", |m| {
                m.claim_id
            }),
            ("person_id member_id patient_id bene_id mrn", |m| {
                m.member_id
            }),
            (
                "service_date dos date_of_service from_date claim_start_date clm_from_dt admission_date",
                |m| m.service_date,
            ),
            ("through_date to_date claim_end_date clm_thru_dt", |m| {
                m.through_date
            }),
            ("birth_date dob date_of_birth bene_birth_dt", |m| {
                m.birth_date
            }),
            ("age patient_age", |m| m.age),
            ("sex gender bene_sex_ident_cd", |m| m.sex),
            ("claim_type", |m| m.claim_type),
            ("bill_type bill_type_code type_of_bill", |m| m.bill_type),
            ("nch_clm_type_cd", |m| m.ccw_claim_type),
            ("diagnosis_code_type dx_code_type icd_version", |m| {
                m.code_type
            }),
        ];
        for (aliases, get) in single {
            for alias in aliases.split(' ') {
                let m = detect(&["dx1", alias]);
                assert_eq!(get(&m), Some(1), "{alias}");
            }
        }
        for name in [
            "dx1",
            "dx_1",
            "diag1",
            "diagnosis1",
            "diagnosis_code_1",
            "icd_dgns_cd1",
            "icd10_dx_1",
            "DX12",
        ] {
            assert_eq!(detect(&[name]).sequenced.numbered.len(), 1, "{name}");
        }
        for name in [
            "principal_dx",
            "pdx",
            "prncpal_dgns_cd",
            "principal_diagnosis",
        ] {
            assert!(detect(&[name]).sequenced.lead.is_some(), "{name}");
        }
        for (dx, poa) in [
            ("dx1", "poa1"),
            ("dx1", "dx1_poa"),
            ("diagnosis_code_1", "diagnosis_poa_1"),
            ("icd_dgns_cd1", "clm_poa_ind_sw1"),
        ] {
            assert_eq!(
                detect(&[dx, poa]).sequenced.numbered[0].poa,
                Some(1),
                "{poa}"
            );
        }
        assert_eq!(
            detect(&["pdx", "poa_principal"])
                .sequenced
                .lead
                .and_then(|c| c.poa),
            Some(1)
        );
        assert_eq!(
            detect(&["icd_dgns_cd1", "icd_dgns_vrsn_cd1"])
                .sequenced
                .numbered[0]
                .version,
            Some(1)
        );
        for name in ["admitting_dx", "admtg_dgns_cd", "admit_dx"] {
            assert!(detect(&["dx1", name]).admitting.is_some(), "{name}");
        }
        assert_eq!(
            detect(&["dx1", "rsn_visit_cd1", "rsn_visit_cd2", "rsn_visit_cd3"])
                .reason_for_visit
                .len(),
            3
        );
        let m = detect(&["dx1", "fst_dgns_e_cd", "icd_dgns_e_cd1", "icd_dgns_e_cd12"]);
        assert_eq!(
            (
                m.external_cause.lead.map(|c| c.code),
                m.external_cause.numbered.len()
            ),
            (Some(1), 2)
        );
        assert_eq!(detect(&["dx1", "ecode1"]).external_cause.numbered.len(), 1);
        for seq in ["seq", "sequence", "dx_seq", "diagnosis_sequence", "line"] {
            for code in ["code", "dx", "dx_code", "diagnosis_code", "icd10"] {
                let m = detect(&["claim_id", seq, code, "poa"]);
                assert_eq!(
                    (m.layout, m.sequence, m.code, m.poa),
                    (Layout::Long, Some(1), Some(2), Some(3)),
                    "{seq} {code}"
                );
            }
        }
    }

    #[test]
    fn a_data_row_is_told_from_a_header() {
        let h = |names: &[&str]| headers(names);
        assert_eq!(
            looks_like_data(&h(&["C1", "2025-11-03", "E11.9", "I10"])).as_deref(),
            Some("field 2 is a date, fields 3 and 4 are shaped like diagnosis codes")
        );
        assert_eq!(
            looks_like_data(&h(&["1001", "42", "x"])).as_deref(),
            Some("fields 1 and 2 are numbers")
        );
        assert_eq!(looks_like_data(&h(&["claim", "dx1", "dos", "notes"])), None);
        assert_eq!(
            looks_like_data(&h(&["id", "1"])).as_deref(),
            Some("field 2 is a number")
        );
        assert_eq!(looks_like_data(&h(&[])), None);
    }

    #[test]
    fn ignored_columns_are_noted() {
        let m = detect(&[
            "claim_id", "dos", "dx1", "DX_1", "diag2", "dx2", "dx1000", "dx1001",
        ]);
        assert_eq!(
            m.notes(),
            [
                "the header names \"dx1\" in columns 3 and 4: column 3 is read and column 4 is ignored",
                "column 6 \"dx2\" is ignored: column 5 \"diag2\" has the same number",
                "column 7 \"dx1000\" and 1 more are numbered above 999 and not read",
            ]
        );
        let m = detect(&["claim_id", "dx1"]);
        assert_eq!(m.notes().len(), 1);
        assert!(m.notes()[0].starts_with("no service date column"));
        let clean = detect(&["claim_id", "service_date", "dx1", "notes", "notes"]);
        assert!(
            clean.notes().is_empty(),
            "duplicates of unread columns do not matter"
        );
    }
}
