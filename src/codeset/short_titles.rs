//! Short (abbreviated) titles for code sets read from the tabular XML, which
//! has long titles only.
//!
//! CMS publishes short titles in the order file and, for billable codes, in
//! the outpatient code editor's (IOCE) diagnosis table. `build.rs` uses these
//! to give the embedded versions the official short titles.
//!
//! Compiled into the crate and, by path, into `build.rs`.

use std::collections::HashMap;

use super::code::CodeKey;
use super::model::{CodeSetData, ImportError, TsvTable};

/// Short titles by code from an IOCE diagnosis table (tab-separated, header
/// with `code` and `short_description` columns).
pub fn parse_ioce_short_titles(text: &str) -> Result<HashMap<CodeKey, String>, ImportError> {
    let (table, [c_code, c_short]) = TsvTable::open(
        text,
        ["code", "short_description"],
        "the header must name both (tab-separated)",
    )?;
    let mut out = HashMap::new();
    for (line_no, fields) in table {
        let code = fields.get(c_code).copied().unwrap_or("");
        let key = CodeKey::from_dotless(code.as_bytes())
            .ok_or_else(|| ImportError::at_line(line_no, format!("{code:?} is not a code")))?;
        let short = fields.get(c_short).copied().unwrap_or("");
        if !short.is_empty() {
            out.insert(key, short.to_string());
        }
    }
    Ok(out)
}

/// The short titles a code set already carries, by code.
pub fn short_titles_of(data: &CodeSetData) -> HashMap<CodeKey, String> {
    data.entries
        .iter()
        .filter_map(|e| e.short_title.clone().map(|s| (e.key, s)))
        .collect()
}

/// Where the short titles of [`fill_short_titles`] came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShortTitleSources {
    pub primary: usize,
    pub previous: usize,
    pub long_title: usize,
}

/// Gives every entry of `target` a short title: from `primary` where it
/// lists the code; else the short title of the same code in `previous` (the
/// prior fiscal year) when its long title is unchanged; else the long title.
pub fn fill_short_titles(
    target: &mut CodeSetData,
    primary: &HashMap<CodeKey, String>,
    previous: Option<&CodeSetData>,
) -> ShortTitleSources {
    let earlier: HashMap<CodeKey, (&str, &str)> = previous
        .map(|p| {
            p.entries
                .iter()
                .filter_map(|e| Some((e.key, (e.title.as_str(), e.short_title.as_deref()?))))
                .collect()
        })
        .unwrap_or_default();
    let mut counts = ShortTitleSources::default();
    for entry in &mut target.entries {
        let short = if let Some(s) = primary.get(&entry.key) {
            counts.primary += 1;
            s.clone()
        } else if let Some((_, s)) = earlier
            .get(&entry.key)
            .filter(|(long, _)| *long == entry.title)
        {
            counts.previous += 1;
            (*s).to_string()
        } else {
            counts.long_title += 1;
            entry.title.clone()
        };
        entry.short_title = Some(short);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::model::{EntryData, SourceKind};

    fn set(rows: &[(&str, &str, Option<&str>)]) -> CodeSetData {
        let mut data = CodeSetData::new(SourceKind::TabularXml);
        for (code, long, short) in rows {
            let mut e = EntryData::new(
                CodeKey::from_dotless(code.as_bytes()).unwrap(),
                true,
                long.to_string(),
            );
            e.short_title = short.map(str::to_string);
            data.entries.push(e);
        }
        data
    }

    #[test]
    fn prefers_primary_then_unchanged_previous_then_long() {
        let previous = set(&[
            ("A00", "Cholera", Some("Chol")),
            ("B00", "Old title", Some("Old")),
        ]);
        let mut target = set(&[
            ("A00", "Cholera", None),
            ("B00", "New title", None),
            ("C00", "Lip", None),
        ]);
        let primary =
            parse_ioce_short_titles("code\tshort_description\tlo_age\nC00\tLip short\t0\n")
                .unwrap();
        let counts = fill_short_titles(&mut target, &primary, Some(&previous));
        let shorts: Vec<_> = target
            .entries
            .iter()
            .map(|e| e.short_title.clone().unwrap())
            .collect();
        assert_eq!(shorts, ["Chol", "New title", "Lip short"]);
        assert_eq!(
            counts,
            ShortTitleSources {
                primary: 1,
                previous: 1,
                long_title: 1
            }
        );
    }
}
