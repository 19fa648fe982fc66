//! Turning the current record into claim parts: the claim-level cells
//! (dates, demographics, claim type, code type) and the diagnosis cells of a
//! wide row. Each cell keeps its exact location.
//!
//! Positions are slots, not counts: an empty sequenced cell still occupies
//! its position, so a claim whose first diagnosis cell is empty has no
//! position 1 (and the empty cell is recorded in [`Claim::gaps`]) instead of
//! silently promoting a secondary diagnosis to principal.

use std::sync::Arc;

use super::claim::{
    Cell, CellLoc, CellText, Claim, ClaimType, CodeCell, CodeSystem, Diagnosis, DxRole, FileId, Sex,
};
use super::columns::{DxColumn, DxSeries, Mapping};
use super::members::Members;
use super::rows::{RowFault, field_str};
use super::staged::RecordView;
use super::values::{
    claim_type_from_bill_type, claim_type_from_ccw, claim_type_from_text, code_system_from_text,
    parse_age, parse_code, poa_value,
};
use crate::date::Date;

/// Everything needed to read one row, borrowed from the claim reader.
pub struct RowCtx<'a, V: ?Sized> {
    pub rec: &'a V,
    pub map: &'a Mapping,
    pub members: Option<&'a Members>,
    pub file: FileId,
    pub keep_source_lines: bool,
    /// Claim type when no column says: the default, else the file name's.
    pub fallback_type: ClaimType,
}

impl<V: RecordView + ?Sized> RowCtx<'_, V> {
    /// A column's trimmed text and location; `None` when the file has no
    /// such column.
    pub fn text(&self, col: Option<usize>) -> Result<Option<(CellLoc, &str)>, RowFault> {
        let Some(col) = col else { return Ok(None) };
        let text = field_str(self.rec, col)?;
        Ok(Some((
            self.rec.loc(col).unwrap_or_else(|| self.rec.row_loc()),
            text,
        )))
    }

    /// A column's text when present and non-empty.
    fn filled(&self, col: Option<usize>) -> Result<Option<(CellLoc, &str)>, RowFault> {
        Ok(self.text(col)?.filter(|(_, t)| !t.is_empty()))
    }

    fn claim_type(&self) -> Result<ClaimType, RowFault> {
        let bill = self.filled(self.map.bill_type)?.map(|(_, t)| t);
        if let Some((_, t)) = self.filled(self.map.claim_type)?
            && let Some(ct) = claim_type_from_text(t, bill)
        {
            return Ok(ct);
        }
        if let Some((_, t)) = self.filled(self.map.ccw_claim_type)?
            && let Some(ct) = claim_type_from_ccw(t)
        {
            return Ok(ct);
        }
        if let Some(ct) = bill.and_then(claim_type_from_bill_type) {
            return Ok(ct);
        }
        Ok(self.fallback_type)
    }

    /// A date column's cell: `None` without the column, or when the cell
    /// is empty unless `keep_empty`.
    fn date(
        &self,
        col: Option<usize>,
        keep_empty: bool,
    ) -> Result<Option<(CellLoc, &str)>, RowFault> {
        Ok(self.text(col)?.filter(|(_, t)| keep_empty || !t.is_empty()))
    }

    /// The claim-level part of a claim from the current row: everything but
    /// the diagnoses.
    pub fn claim_head(&self, id: Option<&str>) -> Result<Box<Claim>, RowFault> {
        // Read every cell first: a fault leaves nothing half built.
        let code_type = self
            .filled(self.map.code_type)?
            .and_then(|(loc, t)| code_system_from_text(t).map(|value| (loc, t, value)));
        let claim_type = self.claim_type()?;
        let service_date = self.date(self.map.service_date, true)?;
        let through_date = self.date(self.map.through_date, false)?;
        let birth_date = self.date(self.map.birth_date, false)?;
        let age = self.filled(self.map.age)?;
        let sex = self.filled(self.map.sex)?;
        let mut claim = Claim::started(self.file, self.rec.line(), claim_type);
        // The texts are written where they stay (see `put`).
        if let Some(id) = id {
            claim.id.insert(CellText::default()).push_str(id);
        }
        if let Some((loc, t, value)) = code_type {
            put(&mut claim.code_type, loc, t, value);
        }
        // An empty service date cell is kept: the engine must say why it
        // cannot pick a code set.
        for (slot, cell) in [
            (&mut claim.service_date, service_date),
            (&mut claim.through_date, through_date),
            (&mut claim.birth_date, birth_date),
        ] {
            if let Some((loc, t)) = cell {
                put(slot, loc, t, Date::parse(t));
            }
        }
        if let Some((loc, t)) = age {
            put(&mut claim.age, loc, t, parse_age(t));
        }
        if let Some((loc, t)) = sex {
            put(&mut claim.sex, loc, t, Sex::parse(t).ok_or(()));
        }
        if (claim.birth_date.is_none() || claim.sex.is_none())
            && let Some(members) = self.members
            && let Some((_, member_id)) = self.filled(self.map.member_id)?
            && let Some(member) = members.get(member_id)
        {
            if claim.birth_date.is_none() {
                claim.birth_date = member.birth_date.as_ref().map(|c| c.to_cell());
            }
            if claim.sex.is_none() {
                claim.sex = member.sex.as_ref().map(|c| c.to_cell());
            }
        }
        self.add_source_lines(&mut claim);
        Ok(claim)
    }

    /// Appends the current record's physical lines to the claim, when kept.
    pub fn add_source_lines(&self, claim: &mut Claim) {
        if self.keep_source_lines {
            self.rec.for_each_line(|line, text| {
                claim
                    .source_lines
                    .push((line, Arc::from(String::from_utf8_lossy(text).as_ref())));
            });
        }
    }

    /// The code system of a diagnosis: its own version cell, else the
    /// claim's code type when that is ICD-9-CM or ICD-10-CM, else ICD-10-CM.
    pub fn dx_system(
        &self,
        version: Option<usize>,
        claim_level: Option<&CodeSystem>,
    ) -> Result<CodeSystem, RowFault> {
        if let Some((_, t)) = self.filled(version)?
            && let Some(cs) = code_system_from_text(t)
        {
            return Ok(cs);
        }
        Ok(match claim_level {
            Some(CodeSystem::Icd9Cm) => CodeSystem::Icd9Cm,
            _ => CodeSystem::Icd10Cm,
        })
    }

    /// A POA cell for `col` (present whenever the column is, possibly empty).
    pub fn poa(&self, col: Option<usize>) -> Result<Option<Cell<CellText>>, RowFault> {
        Ok(self.text(col)?.map(|(loc, t)| Cell {
            loc,
            raw: t.into(),
            value: poa_value(t),
        }))
    }

    /// Adds the diagnoses of a wide row to `claim`: sequenced, then
    /// admitting, reason for visit, external cause.
    pub fn wide_diagnoses(&self, claim: &mut Claim) -> Result<(), RowFault> {
        // Room for most claims at once (a claim has about 6 diagnoses).
        claim.diagnoses.reserve(8);
        let claim_level = claim.code_type.as_ref().map(|c| c.value.clone());
        let cl = claim_level.as_ref();
        self.series(
            &self.map.sequenced,
            DxRole::Sequenced,
            cl,
            &mut claim.diagnoses,
            Some(&mut claim.gaps),
        )?;
        if let Some(col) = &self.map.admitting {
            self.single(col, DxRole::Admitting, cl, &mut claim.diagnoses)?;
        }
        for col in &self.map.reason_for_visit {
            self.single(col, DxRole::ReasonForVisit, cl, &mut claim.diagnoses)?;
        }
        self.series(
            &self.map.external_cause,
            DxRole::ExternalCause,
            cl,
            &mut claim.diagnoses,
            None,
        )?;
        Ok(())
    }

    fn loc(&self, col: usize) -> CellLoc {
        self.rec.loc(col).unwrap_or_else(|| self.rec.row_loc())
    }

    /// Appends the diagnosis in `col` (built in place: it is large).
    fn push_diagnosis(
        &self,
        out: &mut Vec<Diagnosis>,
        col: &DxColumn,
        text: &str,
        role: DxRole,
        position: u16,
        cl: Option<&CodeSystem>,
    ) -> Result<(), RowFault> {
        // Most files have neither POA nor version columns: skip the look-ups.
        let poa = match col.poa {
            None => None,
            some => self.poa(some)?,
        };
        let code_system = match (col.version, cl) {
            (None, None) => CodeSystem::Icd10Cm,
            (version, cl) => self.dx_system(version, cl)?,
        };
        out.push(Diagnosis {
            code: CodeCell::new(self.loc(col.code), text),
            role,
            position,
            poa,
            code_system,
        });
        Ok(())
    }

    fn single(
        &self,
        col: &DxColumn,
        role: DxRole,
        cl: Option<&CodeSystem>,
        out: &mut Vec<Diagnosis>,
    ) -> Result<(), RowFault> {
        let text = self.code_text(col)?;
        if !text.is_empty() {
            self.push_diagnosis(out, col, text, role, 0, cl)?;
        }
        Ok(())
    }

    /// The code cell's text ("" when empty).
    fn code_text(&self, col: &DxColumn) -> Result<&str, RowFault> {
        // Most diagnosis cells of a wide row are empty: skip decoding them.
        if self.rec.field_len(col.code) == 0 {
            Ok("")
        } else {
            field_str(self.rec, col.code)
        }
    }

    /// [`RowCtx::series`] without a lead column (most files): slot `k` is
    /// position `k + 1`.
    fn plain_series(
        &self,
        columns: &[DxColumn],
        role: DxRole,
        cl: Option<&CodeSystem>,
        out: &mut Vec<Diagnosis>,
        mut gaps: Option<&mut Vec<CellLoc>>,
    ) -> Result<(), RowFault> {
        let sequenced = role == DxRole::Sequenced;
        let mut empty_from: Option<usize> = None;
        for (k, col) in columns.iter().enumerate() {
            let text = self.code_text(col)?;
            if text.is_empty() {
                empty_from.get_or_insert(k);
                continue;
            }
            if let (Some(from), Some(gaps)) = (empty_from.take(), gaps.as_deref_mut()) {
                gaps.extend(columns[from..k].iter().map(|c| self.loc(c.code)));
            }
            let position = if sequenced {
                u16::try_from(k + 1).unwrap_or(u16::MAX)
            } else {
                0
            };
            self.push_diagnosis(out, col, text, role, position, cl)?;
        }
        Ok(())
    }

    /// One series of diagnosis columns (see [`DxSeries`]). Sequenced
    /// diagnoses get slot positions, and empty slots before a filled one go
    /// to `gaps`; other roles get position 0.
    fn series(
        &self,
        s: &DxSeries,
        role: DxRole,
        cl: Option<&CodeSystem>,
        out: &mut Vec<Diagnosis>,
        mut gaps: Option<&mut Vec<CellLoc>>,
    ) -> Result<(), RowFault> {
        let sequenced = role == DxRole::Sequenced;
        let Some(lead) = &s.lead else {
            return self.plain_series(&s.numbered, role, cl, out, gaps);
        };
        // Slot 0 is the lead column, slot k the k-th numbered one.
        let slot = |k: usize| match k {
            0 => Some(lead),
            _ => s.numbered.get(k - 1),
        };
        let mut position: u16 = 0;
        let mut lead_text = "";
        let mut lead_index: Option<usize> = None;
        // The slot that is the lead's own (CCW ICD_DGNS_CD1), and the first
        // empty slot since the last filled one.
        let mut merged: Option<usize> = None;
        let mut empty_from: Option<usize> = None;
        for k in 0..=s.numbered.len() {
            let Some(col) = slot(k) else { break };
            let text = self.code_text(col)?;
            if k == 0 {
                lead_text = text;
            } else if s.first_repeats_lead
                && k == 1
                && (text.is_empty() || same_code(text, lead_text))
            {
                merged = Some(k);
                if let Some(d) = lead_index.and_then(|i| out.get_mut(i)) {
                    if lead.poa.is_none() && col.poa.is_some() {
                        d.poa = self.poa(col.poa)?;
                    }
                    if lead.version.is_none() && col.version.is_some() {
                        d.code_system = self.dx_system(col.version, cl)?;
                    }
                }
                continue;
            }
            if sequenced {
                position = position.saturating_add(1);
            }
            if text.is_empty() {
                empty_from.get_or_insert(k);
                continue;
            }
            if let (Some(from), Some(gaps)) = (empty_from.take(), gaps.as_deref_mut()) {
                let empties = (from..k).filter(|&j| Some(j) != merged);
                gaps.extend(empties.filter_map(&slot).map(|c| self.loc(c.code)));
            }
            if k == 0 {
                lead_index = Some(out.len());
            }
            let position = if sequenced { position } else { 0 };
            self.push_diagnosis(out, col, text, role, position, cl)?;
        }
        Ok(())
    }
}

/// Sets `slot` to the cell of `text`, writing the text where the cell
/// stays. A short string made on the stack and then moved is a
/// store-forwarding stall: its bytes are copied in narrow pieces and at
/// once read back a word at a time (a sampling profile put 3% of a run
/// there).
fn put<T>(slot: &mut Option<Cell<T>>, loc: CellLoc, text: &str, value: T) {
    slot.insert(Cell {
        loc,
        raw: CellText::default(),
        value,
    })
    .raw
    .push_str(text);
}

/// Two cells hold the same code (normalised), or the same text.
pub fn same_code(a: &str, b: &str) -> bool {
    match (parse_code(a), parse_code(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// True when every diagnosis is ICD-9-CM (a claim with none is ICD-9 when
/// its code type says so): the engine cannot check it.
pub fn is_icd9(claim: &Claim) -> bool {
    if claim.diagnoses.is_empty() {
        return claim
            .code_type
            .as_ref()
            .is_some_and(|c| c.value == CodeSystem::Icd9Cm);
    }
    claim
        .diagnoses
        .iter()
        .all(|d| d.code_system == CodeSystem::Icd9Cm)
}
