//! Reading claim-level values out of cell text: claim type (from a claim
//! type column, a CCW claim type code, a bill type or the file name), code
//! system, age, POA. Kept apart from row handling so each rule is testable
//! on its own.

use super::claim::{AgeError, CellText, ClaimType, CodeSystem};
use super::lookalike::trim_invisible;
use crate::codeset::code::{CodeFormatError, CodeKey};

/// Oldest age taken as plausible.
pub const MAX_AGE: u16 = 124;

/// Trims the padding exports put around values (spaces, tabs).
pub fn trim(bytes: &[u8]) -> &[u8] {
    let (start, end) = unpadded(bytes);
    bytes.get(start..end).unwrap_or_default()
}

/// [`trim`] for text. (Only spaces and tabs are cut, so what is left
/// starts and ends on character boundaries.)
pub fn trim_text(text: &str) -> &str {
    let (start, end) = unpadded(text.as_bytes());
    text.get(start..end).unwrap_or_default()
}

/// Where `bytes` start and end without the spaces and tabs around them.
fn unpadded(bytes: &[u8]) -> (usize, usize) {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    (start, end)
}

/// Letters and digits only, lower case (`ICD-10-CM` -> `icd10cm`), into `buf`.
fn squash<'a>(text: &str, buf: &'a mut [u8; 32]) -> &'a str {
    let mut n = 0;
    for b in text.bytes().filter(u8::is_ascii_alphanumeric) {
        if n == buf.len() {
            break;
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

/// Hospital inpatient when the bill type's facility + classification digits
/// are 11, 12 or 41; any other well-formed bill type is outpatient
/// (institutional, not hospital inpatient). Accepts `111`, `0111`, `11`.
pub fn claim_type_from_bill_type(text: &str) -> Option<ClaimType> {
    let t = text.trim();
    if t.len() < 2 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = if t.len() == 4 {
        t.strip_prefix('0').unwrap_or(t)
    } else {
        t
    };
    match t.get(..2)? {
        "11" | "12" | "41" => Some(ClaimType::Inpatient),
        "00" => None,
        _ => Some(ClaimType::Outpatient),
    }
}

/// CCW `NCH_CLM_TYPE_CD`: 60/61 inpatient; 40 outpatient; 10 home health,
/// 20/30 SNF and 50 hospice are other institutional claims, read as
/// outpatient (position 1 is first-listed, no inpatient-only edits);
/// 71/72/81/82 carrier and DME are professional.
pub fn claim_type_from_ccw(text: &str) -> Option<ClaimType> {
    match text.trim() {
        "60" | "61" => Some(ClaimType::Inpatient),
        "40" | "10" | "20" | "30" | "50" => Some(ClaimType::Outpatient),
        "71" | "72" | "81" | "82" => Some(ClaimType::Professional),
        _ => None,
    }
}

/// A claim type column's value. `institutional` (Tuva) is inpatient when the
/// bill type says hospital inpatient, otherwise outpatient. CCW codes are
/// accepted too, so a claim type override may name `NCH_CLM_TYPE_CD`.
pub fn claim_type_from_text(text: &str, bill_type: Option<&str>) -> Option<ClaimType> {
    // The usual spellings first, as written: squashing and trying every
    // alias cost more than the rest of the claim-level cells together.
    match text {
        "professional" => return Some(ClaimType::Professional),
        "inpatient" => return Some(ClaimType::Inpatient),
        "outpatient" => return Some(ClaimType::Outpatient),
        _ => {}
    }
    let mut buf = [0u8; 32];
    match squash(text, &mut buf) {
        "inpatient" | "ip" | "i" | "inp" | "hospitalinpatient" => Some(ClaimType::Inpatient),
        "outpatient" | "op" | "o" | "outp" | "hospitaloutpatient" => Some(ClaimType::Outpatient),
        "professional" | "prof" | "p" | "carrier" | "physician" | "cms1500" | "hcfa" | "837p"
        | "dme" => Some(ClaimType::Professional),
        "institutional" | "inst" | "facility" | "837i" | "ub04" => {
            Some(match bill_type.and_then(claim_type_from_bill_type) {
                Some(ClaimType::Inpatient) => ClaimType::Inpatient,
                _ => ClaimType::Outpatient,
            })
        }
        other => claim_type_from_ccw(other),
    }
}

/// The claim type a file name suggests (`inpatient.csv`, `carrier_2019.csv`).
pub fn claim_type_from_file_name(name: &str) -> Option<ClaimType> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    if base.contains("outpatient") {
        Some(ClaimType::Outpatient)
    } else if base.contains("inpatient") {
        Some(ClaimType::Inpatient)
    } else if base.contains("carrier") || base.contains("professional") {
        Some(ClaimType::Professional)
    } else {
        None
    }
}

/// What a code type or ICD version cell says, without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeSystemKind {
    Icd10Cm,
    Icd9Cm,
    Other,
}

/// Classifies a code type or ICD version cell: `icd-10-cm`, `ICD10`, `10`,
/// CCW `0` are ICD-10-CM; `icd-9-cm`, `9` are ICD-9-CM (X12 qualifiers
/// ABK/ABF/ABJ/APR and BK/BF/BJ/PR too). `None` for an empty cell.
pub fn code_system_kind(text: &str) -> Option<CodeSystemKind> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let mut buf = [0u8; 32];
    Some(match squash(t, &mut buf) {
        "icd10cm" | "icd10" | "10" | "0" | "icd10dx" | "abk" | "abf" | "abj" | "apr" | "abn" => {
            CodeSystemKind::Icd10Cm
        }
        "icd9cm" | "icd9" | "9" | "icd9dx" | "bk" | "bf" | "bj" | "pr" | "bn" => {
            CodeSystemKind::Icd9Cm
        }
        _ => CodeSystemKind::Other,
    })
}

/// [`code_system_kind`] as a [`CodeSystem`]; `Other` keeps the text as written.
pub fn code_system_from_text(text: &str) -> Option<CodeSystem> {
    Some(match code_system_kind(text)? {
        CodeSystemKind::Icd10Cm => CodeSystem::Icd10Cm,
        CodeSystemKind::Icd9Cm => CodeSystem::Icd9Cm,
        CodeSystemKind::Other => CodeSystem::Other(text.trim().to_string()),
    })
}

/// An age cell: whole years `0..=124` (`45` or `45.0`).
pub fn parse_age(text: &str) -> Result<u16, AgeError> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let (negative, digits) = match whole.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, whole.strip_prefix('+').unwrap_or(whole)),
    };
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b == b'0')
    {
        return Err(AgeError::NotANumber);
    }
    if negative {
        return Err(AgeError::OutOfRange);
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= u32::from(MAX_AGE) => Ok(n as u16),
        _ => Err(AgeError::OutOfRange),
    }
}

/// A diagnosis cell's code. Invisible padding at the cell's edges (no-break
/// and zero-width spaces pasted with the code) is seen past, so the code
/// behind it is still checked; the cell's raw text keeps the padding, and
/// `invalid-code-format` reports it. Invisible characters inside the code
/// are not skipped: they make the cell not a code.
pub fn parse_code(text: &str) -> Result<CodeKey, CodeFormatError> {
    if text.is_ascii() {
        CodeKey::parse(text)
    } else {
        CodeKey::parse(trim_invisible(text))
    }
}

/// The POA indicator's value: trimmed, upper case (`y` -> `Y`).
pub fn poa_value(raw: &str) -> CellText {
    let mut value = CellText::from(raw);
    value.make_ascii_uppercase();
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_spaces_and_tabs_only() {
        for (text, want) in [
            (" \tE11.9\t ", "E11.9"),
            ("E11.9", "E11.9"),
            ("  ", ""),
            ("", ""),
            ("\u{a0}E11.9 ", "\u{a0}E11.9"),
            (" é \n", "é \n"),
        ] {
            assert_eq!(trim_text(text), want, "{text:?}");
            assert_eq!(trim(text.as_bytes()), want.as_bytes(), "{text:?}");
        }
    }

    #[test]
    fn claim_types() {
        assert_eq!(
            claim_type_from_text("institutional", Some("111")),
            Some(ClaimType::Inpatient)
        );
        assert_eq!(
            claim_type_from_text("Institutional", Some("0121")),
            Some(ClaimType::Inpatient)
        );
        assert_eq!(
            claim_type_from_text("institutional", Some("131")),
            Some(ClaimType::Outpatient)
        );
        assert_eq!(
            claim_type_from_text("institutional", None),
            Some(ClaimType::Outpatient)
        );
        assert_eq!(
            claim_type_from_text("professional", Some("111")),
            Some(ClaimType::Professional)
        );
        assert_eq!(claim_type_from_text("60", None), Some(ClaimType::Inpatient));
        assert_eq!(claim_type_from_text("dental", None), None);
        assert_eq!(claim_type_from_bill_type("411"), Some(ClaimType::Inpatient));
        assert_eq!(
            claim_type_from_bill_type("0731"),
            Some(ClaimType::Outpatient)
        );
        assert_eq!(claim_type_from_bill_type("x1"), None);
        assert_eq!(claim_type_from_ccw("71"), Some(ClaimType::Professional));
        assert_eq!(claim_type_from_ccw("20"), Some(ClaimType::Outpatient));
        assert_eq!(
            claim_type_from_file_name("data/ccw/outpatient.csv"),
            Some(ClaimType::Outpatient)
        );
        assert_eq!(
            claim_type_from_file_name("INPATIENT_2019.csv.gz"),
            Some(ClaimType::Inpatient)
        );
        assert_eq!(
            claim_type_from_file_name("carrier.csv"),
            Some(ClaimType::Professional)
        );
        assert_eq!(claim_type_from_file_name("claims.csv"), None);
    }

    #[test]
    fn code_systems() {
        for t in ["icd-10-cm", "ICD10", "10", "0", " icd_10_cm "] {
            assert_eq!(code_system_from_text(t), Some(CodeSystem::Icd10Cm), "{t}");
        }
        for t in ["icd-9-cm", "ICD9", "9"] {
            assert_eq!(code_system_from_text(t), Some(CodeSystem::Icd9Cm), "{t}");
        }
        assert_eq!(
            code_system_from_text("icd-10-pcs"),
            Some(CodeSystem::Other("icd-10-pcs".into()))
        );
        assert_eq!(code_system_from_text("  "), None);
    }

    #[test]
    fn codes_behind_invisible_padding() {
        let e119 = CodeKey::parse("E11.9");
        assert_eq!(parse_code("\u{a0}E11.9\u{200b}"), e119);
        assert_eq!(parse_code("\u{feff} e119 "), e119);
        assert_eq!(parse_code("\u{a0}"), Err(CodeFormatError::Empty));
        assert!(matches!(
            parse_code("E11\u{a0}.9"),
            Err(CodeFormatError::BadCharacter { ch: '\u{a0}', .. })
        ));
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age(" 45 "), Ok(45));
        assert_eq!(parse_age("0"), Ok(0));
        assert_eq!(parse_age("124.0"), Ok(124));
        assert_eq!(parse_age("125"), Err(AgeError::OutOfRange));
        assert_eq!(parse_age("-1"), Err(AgeError::OutOfRange));
        assert_eq!(parse_age("99999999999999"), Err(AgeError::OutOfRange));
        assert_eq!(parse_age("4.5"), Err(AgeError::NotANumber));
        assert_eq!(parse_age("old"), Err(AgeError::NotANumber));
        assert_eq!(parse_age(""), Err(AgeError::NotANumber));
    }
}
