//! Importer for CMS's code-description "order file" (`icd10cm_order_YYYY.txt`).
//!
//! Fixed width, one code per line in tabular order, CRLF line ends, Latin-1:
//!
//! | columns (1-based) | field |
//! |---|---|
//! | 1-5 | order number, zero-padded |
//! | 7-13 | code, no dot, space-padded |
//! | 15 | `1` billable, `0` header |
//! | 17-76 | short title, space-padded |
//! | 78- | long title |
//!
//! The file has no chapters, sections or notes, and does not say which codes
//! are 7th-character expansions. The importer infers the last from the
//! titles: a header whose children are all its own code (padded with `X`)
//! plus one character, titled "header title, meaning", is a header that
//! requires a 7th character, and those meanings form its 7th-character list.
//!
//! Compiled into the crate and, by path, into `build.rs`.

use std::borrow::Cow;

use super::code::CodeKey;
use super::expand::padded_to_six;
use super::fast_hash::FastMap;
use super::model::{CodeSetData, EntryData, ExtensionData, ImportError, SeventhDef, SourceKind};

const CODE_COLUMNS: (usize, usize) = (6, 13);
const FLAG_COLUMN: usize = 14;
const SHORT_COLUMNS: (usize, usize) = (16, 76);
const LONG_COLUMN: usize = 77;

/// True when the first non-empty line of `bytes` has the order-file layout.
pub fn looks_like_order_file(bytes: &[u8]) -> bool {
    let first = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !l.iter().all(u8::is_ascii_whitespace));
    match first {
        Some(line) => line_shape_ok(line),
        None => false,
    }
}

fn line_shape_ok(line: &[u8]) -> bool {
    line.len() > SHORT_COLUMNS.0
        && line[..5].iter().all(u8::is_ascii_digit)
        && line[5] == b' '
        && line[CODE_COLUMNS.0].is_ascii_alphabetic()
        && line[CODE_COLUMNS.0..CODE_COLUMNS.1]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b' ')
        && line[CODE_COLUMNS.1] == b' '
        && matches!(line[FLAG_COLUMN], b'0' | b'1')
        && line[FLAG_COLUMN + 1] == b' '
}

/// Decodes an order file's bytes: UTF-8 when the whole file is valid UTF-8
/// (a re-saved file), Latin-1 otherwise (as CMS ships it).
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Parses a whole order file.
pub fn parse_order_file(bytes: &[u8]) -> Result<CodeSetData, ImportError> {
    let text = decode_text(bytes);
    let mut data = CodeSetData::new(SourceKind::OrderFile);
    let mut index: FastMap<CodeKey, usize> = FastMap::default();
    let mut lines: Vec<usize> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let entry = parse_line(line).map_err(|msg| ImportError::at_line(line_no, msg))?;
        if index.insert(entry.key, data.entries.len()).is_some() {
            return Err(ImportError::at_line(
                line_no,
                format!("code {} is listed twice", entry.key),
            ));
        }
        data.entries.push(entry);
        lines.push(line_no);
    }
    if data.entries.is_empty() {
        return Err(ImportError::new("the file lists no codes"));
    }
    link_parents(&mut data, &index, &lines)?;
    infer_seventh_characters(&mut data);
    Ok(data)
}

fn parse_line(line: &str) -> Result<EntryData, String> {
    if !line_shape_ok(line.as_bytes()) {
        return Err(format!(
            "not in the order-file layout (order number in columns 1-5, code in 7-13, \
             billable flag 0/1 in 15, short title from 17, long title from 78): {line:?}"
        ));
    }
    let code = column(line, CODE_COLUMNS.0, Some(CODE_COLUMNS.1)).trim_end();
    let key = CodeKey::from_dotless(code.as_bytes())
        .ok_or_else(|| format!("{code:?} in columns 7-13 is not a code"))?;
    let billable = line.as_bytes()[FLAG_COLUMN] == b'1';
    let short = column(line, SHORT_COLUMNS.0, Some(SHORT_COLUMNS.1)).trim();
    let long = column(line, LONG_COLUMN, None).trim();
    if long.is_empty() {
        return Err(format!("code {key} has no long title (column 78 onward)"));
    }
    let mut entry = EntryData::new(key, billable, long.to_string());
    entry.short_title = Some(if short.is_empty() { long } else { short }.to_string());
    Ok(entry)
}

/// Characters `from..to` (0-based, `to` exclusive or end of line).
fn column(line: &str, from: usize, to: Option<usize>) -> &str {
    if line.is_ascii() {
        let end = to.unwrap_or(line.len()).min(line.len());
        return line.get(from.min(end)..end).unwrap_or("");
    }
    let mut offsets = line
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()));
    let start = offsets.clone().nth(from).unwrap_or(line.len());
    let end = match to {
        Some(to) => offsets.nth(to).unwrap_or(line.len()),
        None => line.len(),
    };
    line.get(start..end.max(start)).unwrap_or("")
}

/// Sets every entry's parent (the longest proper prefix in the file) and
/// checks that each code follows its parent's block, which the blob's
/// subtree ranges rely on.
fn link_parents(
    data: &mut CodeSetData,
    index: &FastMap<CodeKey, usize>,
    lines: &[usize],
) -> Result<(), ImportError> {
    let mut stack: Vec<usize> = Vec::new();
    for (i, &line) in lines.iter().enumerate() {
        let key = data.entries[i].key;
        let parent = (3..key.len())
            .rev()
            .find_map(|len| index.get(&key.truncated(len)).copied());
        while let Some(&top) = stack.last() {
            if key.starts_with(&data.entries[top].key) {
                break;
            }
            stack.pop();
        }
        if let Some(p) = parent
            && stack.last() != Some(&p)
        {
            return Err(ImportError::at_line(
                line,
                format!(
                    "code {key} is not in the block of its parent {} (the file is not in tabular order)",
                    data.entries[p].key
                ),
            ));
        }
        data.entries[i].parent = parent;
        stack.push(i);
    }
    Ok(())
}

fn infer_seventh_characters(data: &mut CodeSetData) {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); data.entries.len()];
    for (i, e) in data.entries.iter().enumerate() {
        if let Some(p) = e.parent {
            children[p].push(i);
        }
    }
    for (header, kids) in children.iter().enumerate() {
        if kids.is_empty() || data.entries[header].key.len() >= CodeKey::MAX_LEN {
            continue;
        }
        let base = padded_to_six(data.entries[header].key);
        let prefix = format!("{}, ", data.entries[header].title);
        let mut extensions = Vec::with_capacity(kids.len());
        for &k in kids {
            let child = &data.entries[k];
            let meaning = child.title.strip_prefix(&prefix).filter(|m| !m.is_empty());
            match (
                meaning,
                child.key.len() == CodeKey::MAX_LEN && child.key.truncated(6) == base,
            ) {
                (Some(meaning), true) => extensions.push(ExtensionData {
                    ch: child.key.as_bytes()[CodeKey::MAX_LEN - 1],
                    meaning: meaning.to_string(),
                    notes: Vec::new(),
                }),
                _ => break,
            }
        }
        if extensions.len() != kids.len() {
            continue;
        }
        let def = data.intern_seventh_def(SeventhDef {
            note: None,
            extensions,
        });
        data.entries[header].seventh = Some(def);
        for &k in kids {
            data.entries[k].seventh = Some(def);
            data.entries[k].expanded = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(order: u32, code: &str, billable: bool, short: &str, long: &str) -> String {
        format!(
            "{order:05} {code:<7} {} {short:<60} {long}\r\n",
            u8::from(billable)
        )
    }

    fn sample() -> String {
        [
            line(1, "S72", false, "Fracture of femur", "Fracture of femur"),
            line(
                2,
                "S72001",
                false,
                "Fx unsp part of neck of right femur",
                "Fracture of neck of right femur",
            ),
            line(
                3,
                "S72001A",
                true,
                "Fx neck of r femur, init",
                "Fracture of neck of right femur, initial encounter",
            ),
            line(
                4,
                "S72001D",
                true,
                "Fx neck of r femur, subs",
                "Fracture of neck of right femur, subsequent encounter",
            ),
            line(5, "Z3A", false, "Weeks of gestation", "Weeks of gestation"),
            line(
                6,
                "Z3A00",
                true,
                "Weeks of gestation not specified",
                "Weeks of gestation of pregnancy not specified",
            ),
        ]
        .concat()
    }

    #[test]
    fn reads_fields_parents_and_inferred_seventh_characters() {
        let text = sample();
        assert!(looks_like_order_file(text.as_bytes()));
        let data = parse_order_file(text.as_bytes()).unwrap();
        let keys: Vec<&str> = data.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            ["S72", "S72001", "S72001A", "S72001D", "Z3A", "Z3A00"]
        );
        assert_eq!(data.entries[1].parent, Some(0));
        assert_eq!(data.entries[5].parent, Some(4));
        assert!(data.entries[2].billable && !data.entries[1].billable);
        assert_eq!(
            data.entries[2].short_title.as_deref(),
            Some("Fx neck of r femur, init")
        );
        assert!(data.entries[2].expanded && data.entries[1].seventh.is_some());
        assert!(!data.entries[5].expanded && data.entries[4].seventh.is_none());
        let def = &data.seventh_defs[0];
        assert_eq!(def.meaning(b'D'), Some("subsequent encounter"));
    }

    #[test]
    fn decodes_latin1_and_reports_line_numbers() {
        let mut bytes = line(1, "G65", false, "Sequelae", "Sequelae").into_bytes();
        bytes.extend_from_slice(b"00002 G650    1 Sequelae of Guillain-Barr\xe9 syndrome");
        bytes.extend_from_slice(&[b' '; 25]);
        bytes.extend_from_slice(b" Sequelae of Guillain-Barr\xe9 syndrome\r\n");
        let data = parse_order_file(&bytes).unwrap();
        assert_eq!(data.entries[1].title, "Sequelae of Guillain-Barré syndrome");
        let mut broken = sample();
        broken.push_str("00007 Z3A0X 7 broken\r\n");
        let err = parse_order_file(broken.as_bytes()).unwrap_err();
        assert_eq!(err.line, Some(7));
        let out_of_order = [sample(), line(7, "S72001S", true, "x", "y")].concat();
        let err = parse_order_file(out_of_order.as_bytes()).unwrap_err();
        assert_eq!(err.line, Some(7));
        assert!(
            err.message
                .contains("not in the block of its parent S72.001"),
            "{err}"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(column("abcdef", 2, Some(4)), "cd");
        assert_eq!(column("aébcdef", 1, Some(3)), "éb");
        assert_eq!(column("abc", 5, None), "");
    }
}
