//! The claim as the engine sees it: typed values, each with the exact cell it
//! came from, so every finding can point at its row and column.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use super::values::parse_code;

use crate::codeset::code::{CodeFormatError, CodeKey};
use crate::date::{Date, DateError};

/// Index of an input file in the run (claims files first, then member files).
pub type FileId = u32;

/// Where a cell is. `line` and `column` are 1-based; `column` is the byte
/// column of the cell's first byte in its physical line (quoted newlines
/// before the cell in the same record are accounted for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellLoc {
    pub file: FileId,
    pub line: u64,
    pub column: u32,
    /// Byte length of the cell as written, quotes included.
    pub len: u32,
    /// Index of the column in its file's header.
    pub field: u32,
}

/// A cell's text. Cells are short (codes, dates, ids), so they are kept
/// inline without a heap allocation each.
pub type CellText = compact_str::CompactString;

/// A typed value and the cell it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell<T> {
    pub loc: CellLoc,
    /// The cell's text, unquoted, trimmed of surrounding spaces.
    pub raw: CellText,
    pub value: T,
}

/// The setting a claim comes from; decides which edits apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimType {
    /// Hospital inpatient (bill type 11x, 12x, 41x; CCW claim type 60): position 1 is the principal diagnosis.
    Inpatient,
    /// Hospital outpatient (bill type 13x, 14x, 7xx, 8xx...; CCW 40): position 1 is the first-listed diagnosis.
    Outpatient,
    /// Physician / supplier (CMS-1500, CCW carrier 71/72).
    Professional,
    /// Not stated and not derivable.
    Unknown,
}

impl ClaimType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimType::Inpatient => "inpatient",
            ClaimType::Outpatient => "outpatient",
            ClaimType::Professional => "professional",
            ClaimType::Unknown => "unknown",
        }
    }
}

/// Administrative sex as claims code it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

impl Sex {
    /// Accepts M/F/U, male/female/unknown, CMS's 1/2/0 (any case, trimmed).
    pub fn parse(s: &str) -> Option<Sex> {
        // One letter is how nearly every file writes it.
        match s.as_bytes() {
            [b'M' | b'm'] => return Some(Sex::Male),
            [b'F' | b'f'] => return Some(Sex::Female),
            _ => {}
        }
        let s = s.trim();
        let is = |names: &[&str]| names.iter().any(|n| s.eq_ignore_ascii_case(n));
        if is(&["m", "male", "1"]) {
            Some(Sex::Male)
        } else if is(&["f", "female", "2"]) {
            Some(Sex::Female)
        } else if is(&["u", "unknown", "0"]) {
            Some(Sex::Unknown)
        } else {
            None
        }
    }
}

/// What a diagnosis cell is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DxRole {
    /// A sequenced diagnosis; position 1 is principal / first-listed.
    Sequenced,
    /// Admitting diagnosis: not position 1, not part of the sequence.
    Admitting,
    /// Patient's reason for visit: not position 1, not part of the sequence.
    ReasonForVisit,
    /// A dedicated external-cause column (CCW FST_DGNS_E_CD, ICD_DGNS_E_CD1..).
    ExternalCause,
}

/// A cell that reads as an age in years, or why it does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgeError {
    NotANumber,
    OutOfRange,
}

/// A diagnosis code cell: its place, its text and the code it reads as.
///
/// Nearly every cell spells its code plainly (`E11.9`, `S42325B`: capital
/// letters and digits, at most a dot after the category), and then the text
/// is the code itself: it is not copied but spelled again when asked for
/// ([`CodeCell::raw`]). Only other cells keep their text.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeCell {
    pub loc: CellLoc,
    /// The parsed key, or why the text is not shaped like a code.
    pub value: Result<CodeKey, CodeFormatError>,
    /// The cell's text, unquoted and trimmed of spaces, unless it is a
    /// plain spelling of `value`.
    written: Option<CellText>,
    /// A plain spelling has a dot after the category.
    dotted: bool,
}

impl CodeCell {
    /// The cell of `text` at `loc` (text unquoted, trimmed of spaces).
    pub fn new(loc: CellLoc, text: &str) -> CodeCell {
        match CodeKey::parse_plain_spelling(text) {
            Some((key, dotted)) => CodeCell {
                loc,
                value: Ok(key),
                written: None,
                dotted,
            },
            None => CodeCell {
                loc,
                value: parse_code(text),
                written: Some(text.into()),
                dotted: false,
            },
        }
    }

    /// The cell's text as written (unquoted, trimmed of spaces).
    pub fn raw(&self) -> Cow<'_, str> {
        match (&self.written, self.value) {
            (Some(text), _) => Cow::Borrowed(text.as_str()),
            (None, Ok(key)) if self.dotted => {
                let s = key.as_str();
                Cow::Owned(format!("{}.{}", &s[..3], &s[3..]))
            }
            (None, Ok(key)) => Cow::Owned(key.as_str().to_string()),
            // Not made: a cell without text is a plain spelling of a key.
            (None, Err(_)) => Cow::Borrowed(""),
        }
    }

    /// The text when the cell is not a plain spelling of a code: the cells
    /// that can hold padding, look-alike characters or malformed codes.
    pub fn written(&self) -> Option<&str> {
        self.written.as_deref()
    }
}

/// One diagnosis on a claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    /// The code cell. Empty cells are not diagnoses (see [`Claim::gaps`]).
    pub code: CodeCell,
    pub role: DxRole,
    /// 1-based position among the sequenced diagnoses (1 = principal or
    /// first-listed); 0 for admitting, reason-for-visit and external-cause columns.
    pub position: u16,
    /// The present-on-admission indicator cell paired with this diagnosis, if any.
    pub poa: Option<Cell<CellText>>,
    /// ICD-9 or ICD-10 as the per-diagnosis version column says (CCW ICD_DGNS_VRSN_CD).
    pub code_system: CodeSystem,
}

/// The code system a claim or a diagnosis says it uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CodeSystem {
    Icd10Cm,
    Icd9Cm,
    /// A value that is neither (e.g. `icd-10-pcs` in a diagnosis code type column).
    Other(String),
}

/// One claim, built from one row (wide layout) or several rows (long layout).
#[derive(Clone, Debug)]
pub struct Claim {
    pub file: FileId,
    /// The claim id as written (trimmed); `None` when the file has no claim
    /// id column or the row's claim id cell is empty (each such row is then
    /// its own claim).
    pub id: Option<CellText>,
    /// The 1-based physical line of the claim's first row.
    pub line: u64,
    pub claim_type: ClaimType,
    /// The claim-level code type column (Tuva diagnosis_code_type), when present.
    pub code_type: Option<Cell<CodeSystem>>,
    /// Service date (or from date / claim start date).
    pub service_date: Option<Cell<Result<Date, DateError>>>,
    /// Through / end date, when the file has one.
    pub through_date: Option<Cell<Result<Date, DateError>>>,
    /// Birth date, from the claim row or the member file.
    pub birth_date: Option<Cell<Result<Date, DateError>>>,
    /// Age in years as written on the claim (when there is an age column).
    pub age: Option<Cell<Result<u16, AgeError>>>,
    /// Sex as written on the claim or the member file; `Err` holds nothing
    /// more than the raw text already in the cell.
    pub sex: Option<Cell<Result<Sex, ()>>>,
    /// Diagnoses in sequence order (position 1 first), then admitting,
    /// reason-for-visit and external-cause cells.
    pub diagnoses: Vec<Diagnosis>,
    /// Empty sequenced diagnosis cells that stand before a filled one.
    pub gaps: Vec<CellLoc>,
    /// Raw physical lines of the claim's rows, by line number, kept only when
    /// a reporter shows source lines.
    pub source_lines: Vec<(u64, Arc<str>)>,
}

/// Lists longer than this are not kept for reuse: one huge long-layout
/// claim must not pin its memory for the rest of the run.
const REUSED_CAPACITY: usize = 64;

thread_local! {
    /// A claim already checked on this thread, for the next claim built
    /// here: allocating claims and their lists, and moving them by value,
    /// were a measurable part of reading a row.
    static SPARE: RefCell<Option<Box<Claim>>> = const { RefCell::new(None) };
}

impl Claim {
    /// A claim from line `line` of file `file` with no cell read yet.
    pub fn new(file: FileId, line: u64, claim_type: ClaimType) -> Claim {
        Claim {
            file,
            id: None,
            line,
            claim_type,
            code_type: None,
            service_date: None,
            through_date: None,
            birth_date: None,
            age: None,
            sex: None,
            diagnoses: Vec::new(),
            gaps: Vec::new(),
            source_lines: Vec::new(),
        }
    }

    /// [`Claim::new`] in a box: this thread's recycled claim
    /// ([`Claim::recycle`]) when there is one, its cells emptied in place
    /// (building the claim on the stack and moving it into the box copied
    /// the whole claim for every row).
    pub(crate) fn started(file: FileId, line: u64, claim_type: ClaimType) -> Box<Claim> {
        let Some(mut spare) = SPARE.with(|s| s.borrow_mut().take()) else {
            return Box::new(Claim::new(file, line, claim_type));
        };
        // Every field named, so that a new one is not forgotten here.
        let Claim {
            file: c_file,
            id,
            line: c_line,
            claim_type: c_type,
            code_type,
            service_date,
            through_date,
            birth_date,
            age,
            sex,
            diagnoses,
            gaps,
            source_lines,
        } = &mut *spare;
        *c_file = file;
        *c_line = line;
        *c_type = claim_type;
        *id = None;
        *code_type = None;
        *service_date = None;
        *through_date = None;
        *birth_date = None;
        *age = None;
        *sex = None;
        // Emptied when recycled.
        debug_assert!(diagnoses.is_empty() && gaps.is_empty() && source_lines.is_empty());
        spare
    }

    /// Hands the claim to the next claim built on this thread. Only an
    /// optimisation: a claim that is simply dropped loses nothing.
    pub fn recycle(mut self: Box<Self>) {
        if self.diagnoses.capacity() > REUSED_CAPACITY || self.gaps.capacity() > REUSED_CAPACITY {
            return;
        }
        self.diagnoses.clear();
        self.gaps.clear();
        self.source_lines = Vec::new();
        SPARE.with(|s| *s.borrow_mut() = Some(self));
    }

    /// The sequenced diagnoses (principal / first-listed first).
    pub fn sequenced(&self) -> impl Iterator<Item = &Diagnosis> {
        self.diagnoses
            .iter()
            .filter(|d| d.role == DxRole::Sequenced)
    }

    /// The diagnosis in position 1, if the claim has one.
    pub fn first_listed(&self) -> Option<&Diagnosis> {
        self.diagnoses
            .iter()
            .find(|d| d.role == DxRole::Sequenced && d.position == 1)
    }

    /// The raw text of physical line `line`, when kept.
    pub fn source_line(&self, line: u64) -> Option<&Arc<str>> {
        self.source_lines
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, t)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sexes_in_every_spelling() {
        for (text, sex) in [
            ("M", Some(Sex::Male)),
            ("m", Some(Sex::Male)),
            (" Male ", Some(Sex::Male)),
            ("1", Some(Sex::Male)),
            ("F", Some(Sex::Female)),
            ("female", Some(Sex::Female)),
            ("2", Some(Sex::Female)),
            ("U", Some(Sex::Unknown)),
            ("0", Some(Sex::Unknown)),
            ("unknown", Some(Sex::Unknown)),
            ("X", None),
            ("MF", None),
            ("", None),
        ] {
            assert_eq!(Sex::parse(text), sex, "{text:?}");
        }
    }

    /// A recycled claim's box and lists serve the next claim started on
    /// the thread, its cells emptied; an oversized list is not kept.
    #[test]
    fn recycled_claims_come_back_empty() {
        let loc = CellLoc {
            file: 0,
            line: 2,
            column: 1,
            len: 5,
            field: 0,
        };
        let dx = Diagnosis {
            code: CodeCell::new(loc, "E11.9"),
            role: DxRole::Sequenced,
            position: 1,
            poa: None,
            code_system: CodeSystem::Icd10Cm,
        };
        let mut first = Claim::started(0, 2, ClaimType::Professional);
        first.diagnoses.reserve(8);
        first.diagnoses.push(dx.clone());
        first.gaps.push(loc);
        first.id = Some("C1".into());
        first.sex = Some(Cell {
            loc,
            raw: "F".into(),
            value: Ok(Sex::Female),
        });
        let at = first.diagnoses.as_ptr();
        first.recycle();
        let second = Claim::started(1, 3, ClaimType::Inpatient);
        assert!(second.diagnoses.is_empty() && second.gaps.is_empty());
        assert!(second.id.is_none() && second.sex.is_none());
        assert_eq!(second.diagnoses.as_ptr(), at, "the list is reused");
        assert_eq!(
            (second.file, second.line, second.claim_type),
            (1, 3, ClaimType::Inpatient)
        );
        let mut big = second;
        big.diagnoses
            .extend(std::iter::repeat_n(dx, REUSED_CAPACITY + 1));
        big.recycle();
        let third = Claim::started(0, 4, ClaimType::Unknown);
        assert_eq!(third.diagnoses.capacity(), 0);
    }

    /// Plain spellings are not copied and read back exactly; every other
    /// cell keeps its text.
    #[test]
    fn code_cells_give_back_their_text() {
        let loc = CellLoc {
            file: 0,
            line: 2,
            column: 1,
            len: 0,
            field: 0,
        };
        for (text, plain) in [
            ("E11.9", true),
            ("E119", true),
            ("S42325B", true),
            ("S42.325B", true),
            ("E11.", true),
            ("I10", true),
            ("e11.9", false),
            ("E1.19", false),
            ("E11.9 ", false),
            ("E11..9", false),
            ("E11.9\u{200b}", false),
            ("Е11.9", false),
            ("250.00", false),
            ("\u{200b}", false),
            ("S42.325BX", false),
        ] {
            let cell = CodeCell::new(loc, text);
            assert_eq!(cell.raw(), text, "{text:?}");
            assert_eq!(cell.written().is_none(), plain, "{text:?}");
            assert_eq!(cell.value, parse_code(text), "{text:?}");
        }
    }
}
