//! CMS's list of diagnosis codes exempt from present-on-admission (POA)
//! reporting, read at run time from the file the user downloads from CMS.
//!
//! Layout (CMS "POAexemptCodesFYnn.txt"): tab-separated, one header line,
//! then one code per line. The header names the columns; the code column is
//! the one called `POAexemptCode` (any case), else the first column whose
//! values look like codes. Codes are written dotted (`B90.0`); dotless codes
//! are accepted too. Other columns (order number, description) are ignored.
//! The file may be gzip-compressed and may end lines with CRLF.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::code::CodeKey;
use super::error::LoadError;
use super::load::read_source;
use super::order_file::decode_text;

const NO_CODE_COLUMN: &str = "no column named POAexemptCode and no field that looks like a code";

/// The codes of one POA-exempt list.
#[derive(Debug, Clone)]
pub struct PoaExemptList {
    codes: HashSet<CodeKey>,
    /// The fiscal year the header or the file name names (`OrdFY25`,
    /// `POAexemptCodesFY25.txt`), when one does.
    fiscal_year: Option<u16>,
    path: Option<PathBuf>,
}

impl PoaExemptList {
    /// Reads a list from a file (optionally gzip-compressed).
    pub fn load(path: &Path) -> Result<PoaExemptList, LoadError> {
        let bytes = read_source(path)?;
        let text = decode_text(&bytes);
        let mut list = PoaExemptList::parse(&text).map_err(|(line, message)| LoadError::Parse {
            path: path.to_path_buf(),
            what: "POA-exempt code list",
            line,
            message,
        })?;
        if list.fiscal_year.is_none() {
            list.fiscal_year = path
                .file_name()
                .and_then(|n| fiscal_year_in(&n.to_string_lossy()));
        }
        list.path = Some(path.to_path_buf());
        Ok(list)
    }

    /// Parses the text of a list. Errors carry the 1-based line, when there is one.
    pub fn parse(text: &str) -> Result<PoaExemptList, (Option<usize>, String)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err((None, "the file is empty".to_string()));
        };
        let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
        let named = columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case("poaexemptcode"));
        let fiscal_year = columns.first().and_then(|c| fiscal_year_in(c));
        let mut codes = HashSet::new();
        let mut column = named;
        for (n, line) in lines {
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            let col = match column {
                Some(c) => c,
                None => {
                    // No named column: the first field shaped like a code decides.
                    let Some(found) = fields.iter().position(|f| looks_like_code(f)) else {
                        return Err((Some(n + 1), NO_CODE_COLUMN.to_string()));
                    };
                    column = Some(found);
                    found
                }
            };
            let raw = fields.get(col).copied().unwrap_or("");
            let key = CodeKey::parse(raw)
                .map_err(|e| (Some(n + 1), format!("{raw:?} is not a code: {e}")))?;
            codes.insert(key);
        }
        if codes.is_empty() {
            return Err((None, "the file lists no codes".to_string()));
        }
        Ok(PoaExemptList {
            codes,
            fiscal_year,
            path: None,
        })
    }

    /// Is `key` exempt? A listed category or subcategory exempts the codes below it.
    pub fn contains(&self, key: CodeKey) -> bool {
        (3..=key.len()).any(|len| self.codes.contains(&key.truncated(len)))
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn fiscal_year(&self) -> Option<u16> {
        self.fiscal_year
    }

    /// `POA-exempt list FY2025 (path, 38154 codes)`.
    pub fn label(&self) -> String {
        let year = self
            .fiscal_year
            .map(|y| format!(" FY{y}"))
            .unwrap_or_default();
        let path = self
            .path
            .as_ref()
            .map(|p| format!("{}, ", p.display()))
            .unwrap_or_default();
        format!("POA-exempt list{year} ({path}{} codes)", self.codes.len())
    }
}

/// `B90.0`, `Z3A39`: a letter, a digit, then letters and digits, with at most one dot.
fn looks_like_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1].is_ascii_digit() && CodeKey::parse(s).is_ok()
}

/// The year of `FY25`, `FY2025`, `Order25` (the CMS header spellings) or
/// of a file name holding one of them.
fn fiscal_year_in(s: &str) -> Option<u16> {
    let lower = s.to_ascii_lowercase();
    for marker in ["fy", "order", "ord"] {
        if let Some(i) = lower.find(marker) {
            let digits: String = lower[i + marker.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            match digits.len() {
                2 => return digits.parse::<u16>().ok().map(|y| 2000 + y),
                4 => return digits.parse().ok(),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    #[test]
    fn reads_the_cms_layout() {
        let text = "OrdFY25\tPOAexemptCode\tDescription\r\n00001\tB90.0\tSequelae\r\n00002\tZ3A39\t39 weeks\r\n\r\n";
        let list = PoaExemptList::parse(text).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list.fiscal_year(), Some(2025));
        assert!(list.contains(key("B90.0")));
        assert!(list.contains(key("Z3A.39")));
        assert!(!list.contains(key("B90.1")));
    }

    #[test]
    fn a_listed_category_covers_its_codes() {
        let list = PoaExemptList::parse("Order25\tPOAexemptCode\tDescription\n1\tZ38\tLiveborn\n")
            .unwrap();
        assert!(list.contains(key("Z38.00")));
        assert!(!list.contains(key("Z39.0")));
    }

    #[test]
    fn finds_the_code_column_without_its_name() {
        let list = PoaExemptList::parse("n\tcode\ttitle\n1\tY92.009\tHome\n").unwrap();
        assert!(list.contains(key("Y92.009")));
    }

    #[test]
    fn points_at_bad_lines() {
        let err =
            PoaExemptList::parse("OrdFY25\tPOAexemptCode\tDescription\n1\tB90.0\tx\n2\t9ZZ\ty\n")
                .unwrap_err();
        assert_eq!(err.0, Some(3));
        assert!(PoaExemptList::parse("").is_err());
        assert!(PoaExemptList::parse("OrdFY25\tPOAexemptCode\tDescription\n").is_err());
    }

    #[test]
    fn years_from_headers_and_names() {
        assert_eq!(fiscal_year_in("OrdFY25"), Some(2025));
        assert_eq!(fiscal_year_in("Order26"), Some(2026));
        assert_eq!(fiscal_year_in("POAexemptCodesFY2027.txt"), Some(2027));
        assert_eq!(fiscal_year_in("codes.txt"), None);
    }
}
