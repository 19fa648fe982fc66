//! Turns the tabular's `diag` trees into the flat code list: tabular order,
//! parents, and the full 7-character codes.
//!
//! The XML lists categories and subcategories but not the full 7-character
//! codes: a `sevenChrDef` on a diag applies to every leaf below it, and the
//! leaves are expanded here (placeholder `X` up to six characters, then the
//! 7th character). A diag with diags below it gets no extensions itself; a
//! code is billable iff nothing lies below it after expansion.
//!
//! Compiled into the crate and, by path, into `build.rs`.

use super::code::CodeKey;
use super::fast_hash::FastSet;
use super::model::{CodeSetData, EntryData, NoteData, SeventhDef};

/// The exception the tabular states only in a free-text note under S06:
/// "7th characters D and S do not apply to codes in category S06 with 6th
/// character 7 - death due to brain injury prior to regaining consciousness,
/// or 8 - death due to other cause prior to regaining consciousness."
/// `code6` is the code padded to six characters.
pub fn seventh_character_excluded(code6: &[u8], ch: u8) -> bool {
    code6.starts_with(b"S06")
        && matches!(code6.get(5), Some(b'7' | b'8'))
        && matches!(ch, b'D' | b'S')
}

/// A `diag` element with everything nested in it, before flattening.
pub(crate) struct DiagNode {
    pub key: CodeKey,
    /// Byte position of the element, for error messages.
    pub pos: u64,
    pub title: String,
    pub notes: Vec<NoteData>,
    pub seventh: Option<SeventhDef>,
    pub children: Vec<DiagNode>,
}

/// A problem found while flattening, at the byte position of a diag.
pub(crate) struct NodeError {
    pub pos: u64,
    pub message: String,
}

/// The chapter and section a tree belongs to.
#[derive(Clone, Copy)]
pub(crate) struct Place {
    pub chapter: usize,
    pub section: usize,
}

/// Appends the top-level diag `node` of a section and everything below it to
/// `data.entries` in tabular order. `seen` holds every code so far.
pub(crate) fn flatten(
    data: &mut CodeSetData,
    seen: &mut FastSet<CodeKey>,
    node: DiagNode,
    place: Place,
) -> Result<(), NodeError> {
    flatten_below(data, seen, node, None, None, place)
}

fn flatten_below(
    data: &mut CodeSetData,
    seen: &mut FastSet<CodeKey>,
    node: DiagNode,
    inherited: Option<usize>,
    parent: Option<usize>,
    place: Place,
) -> Result<(), NodeError> {
    let error = |message: String| NodeError {
        pos: node.pos,
        message,
    };
    if let Some(parent) = parent {
        let parent_key = data.entries[parent].key;
        if !node.key.starts_with(&parent_key) || node.key == parent_key {
            return Err(error(format!(
                "diag {} is nested under {parent_key} but does not extend it",
                node.key
            )));
        }
    }
    if !seen.insert(node.key) {
        return Err(error(format!("code {} is listed twice", node.key)));
    }
    let mut seventh = match node.seventh {
        Some(def) => Some(data.intern_seventh_def(def)),
        None => inherited,
    };
    let index = data.entries.len();
    let mut entry = EntryData::new(node.key, false, node.title);
    entry.parent = parent;
    entry.chapter = Some(place.chapter);
    entry.section = Some(place.section);
    entry.notes = node.notes;
    if !node.children.is_empty() {
        entry.seventh = seventh;
        data.entries.push(entry);
        for child in node.children {
            flatten_below(data, seen, child, seventh, Some(index), place)?;
        }
        return Ok(());
    }
    let Some(def_index) = seventh else {
        entry.billable = true;
        data.entries.push(entry);
        return Ok(());
    };
    if node.key.len() >= CodeKey::MAX_LEN {
        return Err(error(format!(
            "code {} already has 7 characters but a sevenChrDef applies to it",
            node.key
        )));
    }
    let base = padded_to_six(node.key);
    seventh = Some(restrict_def(data, def_index, base));
    entry.seventh = seventh;
    let def_index = seventh.unwrap_or(def_index);
    let header_title = entry.title.clone();
    data.entries.push(entry);
    let extensions = data.seventh_defs[def_index].extensions.clone();
    for ext in extensions {
        let Some(key) = base.with_char(ext.ch) else {
            continue;
        };
        if !seen.insert(key) {
            return Err(error(format!("expanded code {key} is listed twice")));
        }
        let mut full = EntryData::new(key, true, format!("{header_title}, {}", ext.meaning));
        full.parent = Some(index);
        full.chapter = Some(place.chapter);
        full.section = Some(place.section);
        full.seventh = Some(def_index);
        full.expanded = true;
        data.entries.push(full);
    }
    Ok(())
}

/// The code padded with the placeholder `X` to six characters, the length
/// a 7th character is appended to (`T81.4` -> `T814X`, then `T814XA`).
pub fn padded_to_six(key: CodeKey) -> CodeKey {
    let mut out = key;
    while out.len() < CodeKey::MAX_LEN - 1 {
        out = out.with_char(b'X').unwrap_or(out);
    }
    out
}

/// The definition that actually applies to the leaf padded to `base`: the
/// inherited one, minus the extensions the S06 note rules out.
fn restrict_def(data: &mut CodeSetData, def_index: usize, base: CodeKey) -> usize {
    let def = &data.seventh_defs[def_index];
    if !def
        .extensions
        .iter()
        .any(|x| seventh_character_excluded(base.as_bytes(), x.ch))
    {
        return def_index;
    }
    let mut narrowed = def.clone();
    narrowed
        .extensions
        .retain(|x| !seventh_character_excluded(base.as_bytes(), x.ch));
    data.intern_seventh_def(narrowed)
}

/// The first and last category of a block id (`A00-A09`, or `T07`).
fn block_range(id: &str) -> (&str, &str) {
    match id.split_once('-') {
        Some((first, last)) => (first.trim(), last.trim()),
        None => (id.trim(), id.trim()),
    }
}

/// Links every section to the narrowest other block of its chapter whose
/// range covers it (the code-less blocks such as `C00-C96`).
pub(crate) fn link_enclosing_sections(data: &mut CodeSetData) {
    let has_codes: Vec<bool> = {
        let mut v = vec![false; data.sections.len()];
        for e in &data.entries {
            if let Some(s) = e.section {
                v[s] = true;
            }
        }
        v
    };
    let ranges: Vec<(String, String)> = data
        .sections
        .iter()
        .map(|s| {
            let (a, b) = block_range(&s.id);
            (a.to_string(), b.to_string())
        })
        .collect();
    for i in 0..data.sections.len() {
        let (first, last) = (&ranges[i].0, &ranges[i].1);
        let mut best: Option<usize> = None;
        for (j, (bf, bl)) in ranges.iter().enumerate() {
            let covers = j != i
                && !has_codes[j]
                && data.sections[j].chapter == data.sections[i].chapter
                && bf <= first
                && last <= bl
                && (bf, bl) != (first, last);
            if !covers {
                continue;
            }
            let narrower = match best {
                None => true,
                Some(b) => bf >= &ranges[b].0 && bl <= &ranges[b].1,
            };
            if narrower {
                best = Some(j);
            }
        }
        data.sections[i].enclosing = best;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: &str) -> CodeKey {
        CodeKey::from_dotless(code.as_bytes()).unwrap()
    }

    #[test]
    fn pads_with_placeholder_and_applies_the_s06_exception() {
        assert_eq!(padded_to_six(key("T814")).as_str(), "T814XX");
        assert_eq!(padded_to_six(key("S0000")).as_str(), "S0000X");
        assert_eq!(padded_to_six(key("S72001")).as_str(), "S72001");
        assert!(seventh_character_excluded(b"S061X7", b'D'));
        assert!(seventh_character_excluded(b"S06308", b'S'));
        assert!(!seventh_character_excluded(b"S061X7", b'A'));
        assert!(!seventh_character_excluded(b"S061X6", b'D'));
        assert!(!seventh_character_excluded(b"S72007", b'D'));
    }
}
