//! Code references inside the Tabular List's instructional notes, for the
//! rules that read notes (`code-first-order`, `missing-underlying-code`,
//! `excludes1-conflict`).
//!
//! A note names the codes it points at in parentheses after its words:
//! `amyloidosis (E85.-)`, `endocrine disease, except diabetes (E00-E07,
//! E15-E16, E20-E34)`, `diabetes mellitus (E08-E13 with .42)`,
//! `infectious mononucleosis complicated by polyneuropathy (B27.0-B27.9 with
//! fifth character 1)`, `poisoning (T36-T65 with fifth or sixth character
//! 1-4)`. Each comma-separated piece is a code, a code with everything below
//! it (`E85.-`, `O24.4-`), or a range, optionally narrowed by a `with ...`
//! qualifier. The tabular writes these by hand, so spacing and trailing
//! dashes vary (`B65.0 -B83.9`, `I70.2--I70.7-`, `N05.8.-`); those are
//! normalised. A piece that still cannot be read, a qualifier this parser
//! does not know (`with final characters -91`, `to indicate intent`), or a
//! bound that is no code of the release is counted as unresolved and never
//! guessed at.

use std::borrow::Cow;

use crate::codeset::code::CodeKey;
use crate::codeset::version::Version;
use crate::rules::blocks::Blocks;

/// One resolved reference: the codes from `lo` to `hi` (each bound compared
/// with the code cut to the bound's length, so a single code `E85` names
/// `E85` and everything below it), optionally narrowed by a qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoteRef {
    lo: CodeKey,
    hi: CodeKey,
    only: Option<Qualifier>,
}

/// The `with ...` part of a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Qualifier {
    /// The character at one of these 0-based positions (bit set) lies in
    /// `lo..=hi`: `with fifth character 1`, `with fifth or sixth character
    /// 1-4`. With several positions, the last one the code fills counts.
    Chars { positions: u8, lo: u8, hi: u8 },
    /// The characters after the category start with something between `lo`
    /// and `hi` (each compared at its own length): `with .42`, `with .51-.52`.
    AfterCategory { lo: Suffix, hi: Suffix },
}

/// Up to four characters after the category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Suffix {
    bytes: [u8; 4],
    len: u8,
}

impl Suffix {
    fn parse(s: &str) -> Option<Suffix> {
        let s = s.trim().trim_start_matches('.').trim_end_matches('-');
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let mut bytes = [0u8; 4];
        for (slot, b) in bytes.iter_mut().zip(s.bytes()) {
            *slot = b.to_ascii_uppercase();
        }
        Some(Suffix {
            bytes,
            len: s.len() as u8,
        })
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl NoteRef {
    /// Does the reference name `key`?
    pub fn matches(&self, key: CodeKey) -> bool {
        // The key cut to each bound's length lies between them, compared
        // as integers that sort as the keys do.
        key.len() >= self.lo.len()
            && key.prefix_order_key(self.lo.len()) >= self.lo.order_key()
            && key.prefix_order_key(self.hi.len().min(key.len())) <= self.hi.order_key()
            && self.only.is_none_or(|q| q.matches(key))
    }

    /// A single code with everything below it (`E85.-`, `Z3A`).
    pub fn prefix(key: CodeKey) -> NoteRef {
        NoteRef {
            lo: key,
            hi: key,
            only: None,
        }
    }

    /// The length of the codes that bound the reference (3 for `E85.-`
    /// and `E08-E13`, 5 for `O24.4-`).
    pub fn level(&self) -> usize {
        self.lo.len().min(self.hi.len())
    }

    /// Adds the two-character prefixes of the codes it can name to `blocks`.
    pub fn add_blocks(&self, blocks: &mut Blocks) {
        blocks.insert_range(self.lo, self.hi);
    }

    /// Does the reference name more than one billable code: a range, or a
    /// category or subcategory with codes below it?
    pub fn is_broad(&self, version: &Version) -> bool {
        self.lo != self.hi
            || self.only.is_some()
            || !version.get(self.lo).is_some_and(|e| e.is_billable())
    }
}

impl Qualifier {
    fn matches(&self, key: CodeKey) -> bool {
        let b = key.as_bytes();
        match *self {
            Qualifier::Chars { positions, lo, hi } => {
                // "Fifth or sixth character": the later of the two that the
                // code fills with something other than the placeholder X
                // (T39.011A: the sixth; T58.01XA: the fifth).
                (0..7)
                    .rev()
                    .filter(|&i| positions & (1 << i) != 0)
                    .find_map(|i| b.get(i).filter(|&&c| c != b'X'))
                    .is_some_and(|c| (lo..=hi).contains(c))
            }
            Qualifier::AfterCategory { lo, hi } => {
                let rest = &b[3.min(b.len())..];
                rest.len() >= lo.as_bytes().len()
                    && &rest[..lo.as_bytes().len()] >= lo.as_bytes()
                    && &rest[..hi.as_bytes().len().min(rest.len())] <= hi.as_bytes()
            }
        }
    }
}

/// The references of one note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteRefs {
    pub refs: Vec<NoteRef>,
    /// Pieces that look like references but could not be resolved.
    pub unresolved: u32,
}

impl NoteRefs {
    /// At least one reference, and every one resolved.
    pub fn is_complete(&self) -> bool {
        !self.refs.is_empty() && self.unresolved == 0
    }

    /// Nothing in the note looks like a code reference.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty() && self.unresolved == 0
    }

    pub fn matches(&self, key: CodeKey) -> bool {
        self.refs.iter().any(|r| r.matches(key))
    }

    /// The two-character prefixes of the codes the note can name.
    pub fn blocks(&self) -> Blocks {
        let mut b = Blocks::default();
        for r in &self.refs {
            r.add_blocks(&mut b);
        }
        b
    }
}

/// Reads the references out of a note's text, resolving them against
/// `version` (each bound must be a code, category or subcategory there).
pub fn parse_note(text: &str, version: &Version) -> NoteRefs {
    let mut out = NoteRefs::default();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        let group = &after[..close];
        rest = &after[close + 1..];
        let pieces: Vec<&str> = group
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if !pieces.iter().any(|p| looks_like_reference(p)) {
            // Words in parentheses: `(sequela)`, `(CKD)`, `(in)`.
            continue;
        }
        // A qualifier written after the parenthesis applies to the whole group:
        // `underdosing of medication (T36-T50) with fifth or sixth character 6`.
        let trailing = rest
            .trim_start()
            .strip_prefix("with ")
            .map(|q| q.split(['(', ',', ';']).next().unwrap_or(""));
        let first_new = out.refs.len();
        let mut group_ok = true;
        for piece in pieces {
            if let Some(q) = piece.strip_prefix("with ") {
                // `(T39.0-, with sixth character 1-4)`: narrows the piece before it.
                let own = out.refs.len() > first_new;
                match (parse_qualifier(q), out.refs.last_mut()) {
                    (Some(q), Some(last)) if own && last.only.is_none() => last.only = Some(q),
                    _ => group_ok = false,
                }
                continue;
            }
            if !looks_like_reference(piece) {
                group_ok = false;
                continue;
            }
            match parse_reference(piece, version) {
                Some(r) => out.refs.push(r),
                None => out.unresolved += 1,
            }
        }
        if !group_ok {
            out.unresolved += 1;
        }
        if let Some(q) = trailing {
            match parse_qualifier(q) {
                Some(q) => {
                    for r in &mut out.refs[first_new..] {
                        r.only.get_or_insert(q);
                    }
                }
                None => {
                    // The group is narrowed in a way we cannot read: drop it.
                    out.unresolved += (out.refs.len() - first_new) as u32;
                    out.refs.truncate(first_new);
                }
            }
        }
    }
    out
}

/// `E85.-`, `B20`, `T43.1X with ...`: a letter, a digit, a letter or digit,
/// then a dot, dash, space or the end.
fn looks_like_reference(piece: &str) -> bool {
    let b = piece.as_bytes();
    b.len() >= 3
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b[2].is_ascii_alphanumeric()
        && b.get(3).is_none_or(|c| matches!(c, b'.' | b'-' | b' '))
}

/// One piece: a code, a code and what is below it, or a range, with an
/// optional qualifier.
fn parse_reference(piece: &str, version: &Version) -> Option<NoteRef> {
    let (code_part, qualifier) = match piece.find("with") {
        Some(i) => (&piece[..i], Some(&piece[i + 4..])),
        None => (piece, None),
    };
    let only = match qualifier {
        Some(q) => Some(parse_qualifier(q)?),
        None => None,
    };
    // `M05.00 to M05.8A` is a range too. Most pieces hold no space at all
    // (`F33.-`, `T36-T50`) and are read where they stand.
    let compact: Cow<'_, str> = if code_part.contains(char::is_whitespace) {
        let joined = code_part.replace(" to ", "-");
        Cow::Owned(joined.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        Cow::Borrowed(code_part)
    };
    let compact = strip_open_end(&compact);
    // The range dash is the one followed by the second code's letter.
    let split = compact
        .char_indices()
        .find(|&(i, c)| c == '-' && compact[i + 1..].starts_with(|n: char| n.is_ascii_uppercase()));
    let (lo, hi) = match split {
        Some((i, _)) => (
            strip_open_end(&compact[..i]),
            strip_open_end(&compact[i + 1..]),
        ),
        None => (compact, compact),
    };
    let lo = CodeKey::parse(lo).ok()?;
    let hi = CodeKey::parse(hi).ok()?;
    if lo.truncated(hi.len()) > hi || !exists(version, lo) || !exists(version, hi) {
        return None;
    }
    Some(NoteRef { lo, hi, only })
}

/// Drops the dashes and dots that mean "and below": `E85.-`, `N05.8.-`, `I70.2-`.
fn strip_open_end(s: &str) -> &str {
    s.trim_end_matches(['-', '.'])
}

/// Is `key` a code of the release, or the start of some?
fn exists(version: &Version, key: CodeKey) -> bool {
    version.contains(key) || version.descendants(key).next().is_some()
}

/// `.42`, `.51-.52`, `fifth character 1`, `5th character 9`, `sixth
/// character 1-4`, `fifth or sixth character 1-4`, `7th character B`.
fn parse_qualifier(text: &str) -> Option<Qualifier> {
    let t = text.trim().trim_end_matches(')').trim();
    if t.starts_with('.') {
        let (lo, hi) = match t.find("-.") {
            Some(i) => (&t[..i], &t[i + 1..]),
            None => (t, t),
        };
        return Some(Qualifier::AfterCategory {
            lo: Suffix::parse(lo)?,
            hi: Suffix::parse(hi)?,
        });
    }
    let lower = t.to_ascii_lowercase();
    let (ordinals, value) = lower.split_once(" character ")?;
    let mut positions = 0u8;
    for word in ordinals.split(" or ") {
        let pos = match word.trim() {
            "fourth" | "4th" => 3,
            "fifth" | "5th" => 4,
            "sixth" | "6th" => 5,
            "seventh" | "7th" => 6,
            _ => return None,
        };
        positions |= 1 << pos;
    }
    let value = value.trim().to_ascii_uppercase();
    let (lo, hi) = match value.split_once('-') {
        Some((a, b)) => (single_char(a)?, single_char(b)?),
        None => (single_char(&value)?, single_char(&value)?),
    };
    (lo <= hi).then_some(Qualifier::Chars { positions, lo, hi })
}

fn single_char(s: &str) -> Option<u8> {
    let b = s.trim().as_bytes();
    (b.len() == 1 && b[0].is_ascii_alphanumeric()).then(|| b[0])
}

/// The note's words outside parentheses, lower case, for reading its wording.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Words too common in titles and notes to say what a condition is.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "of",
    "the",
    "in",
    "on",
    "with",
    "without",
    "to",
    "by",
    "as",
    "at",
    "for",
    "from",
    "not",
    "nos",
    "nec",
    "than",
    "such",
    "any",
    "other",
    "unspecified",
    "specified",
    "due",
];

/// The words of a note or title that name conditions: lower case, outside
/// parentheses, without function words.
pub fn content_words(text: &str) -> Vec<String> {
    words(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !FUNCTION_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// Do two words name the same thing? Equal, or sharing their first six
/// letters (`hypertensive`, `hypertension`).
pub fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 6 && b.len() >= 6 && a.as_bytes()[..6] == b.as_bytes()[..6])
}

/// Does `phrase` occur in `text` as whole words?
pub fn has_phrase(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    fn v() -> &'static Version {
        Version::embedded().last().unwrap()
    }

    #[test]
    fn references_compare_cut_keys_as_keys_compare() {
        let notes = [
            "amyloidosis (E85.-)",
            "endocrine disease, except diabetes (E00-E07, E15-E16, E20-E34)",
            "diabetes mellitus (E08-E13 with .42)",
            "gestational diabetes (O24.4-)",
            "injury (S00-T88)",
            "fracture (S72.0-S72.2)",
            "weeks of gestation (Z3A.0-Z3A.49)",
        ];
        let refs: Vec<NoteRef> = notes.iter().flat_map(|n| parse_note(n, v()).refs).collect();
        assert!(refs.len() >= 9);
        let mut compared = 0;
        for e in v().entries() {
            let k = e.key();
            for r in &refs {
                let by_keys = k.len() >= r.lo.len()
                    && k.truncated(r.lo.len()) >= r.lo
                    && k.truncated(r.hi.len()) <= r.hi
                    && r.only.is_none_or(|q| q.matches(k));
                assert_eq!(r.matches(k), by_keys, "{k} {r:?}");
                compared += usize::from(by_keys);
            }
        }
        assert!(compared > 1000, "{compared} matches");
    }

    #[test]
    fn prefixes_and_ranges() {
        let r = parse_note("amyloidosis (E85.-)", v());
        assert!(r.is_complete());
        assert!(r.matches(key("E85.4")) && r.matches(key("E85")) && !r.matches(key("E86.0")));
        let r = parse_note(
            "endocrine disease, except diabetes (E00-E07, E15-E16, E20-E34)",
            v(),
        );
        assert_eq!((r.refs.len(), r.unresolved), (3, 0));
        assert!(r.matches(key("E03.9")) && r.matches(key("E16.2")) && !r.matches(key("E11.9")));
        let r = parse_note(
            "obstetric condition or encounter for delivery (O09-O60, O80-O82, O94-O9A)",
            v(),
        );
        assert!(r.is_complete());
        assert!(r.matches(key("O80")) && r.matches(key("O99.89")) && r.matches(key("O9A.211")));
        assert!(!r.matches(key("O00.90")) && !r.matches(key("O70.0")));
        let r = parse_note("neoplasm (C00-D49)", v());
        assert!(r.matches(key("C50.911")) && r.matches(key("D49.9")) && !r.matches(key("D50.0")));
    }

    #[test]
    fn qualifiers() {
        let r = parse_note("diabetes mellitus (E08-E13 with .42)", v());
        assert!(r.is_complete());
        assert!(r.matches(key("E11.42")) && r.matches(key("E10.42")) && !r.matches(key("E11.9")));
        let r = parse_note(
            "infectious mononucleosis complicated by polyneuropathy (B27.0-B27.9 with fifth character 1)",
            v(),
        );
        assert!(r.is_complete());
        assert!(r.matches(key("B27.01")) && r.matches(key("B27.91")) && !r.matches(key("B27.09")));
        let r = parse_note(
            "poisoning due to drug or toxin, if applicable (T36-T65 with fifth or sixth character 1-4)",
            v(),
        );
        assert!(
            r.matches(key("T39.011A")) && r.matches(key("T51.0X1A")) && r.matches(key("T58.01XA"))
        );
        assert!(!r.matches(key("T39.015A")) && !r.matches(key("T38.3X6A")));
        let r = parse_note(
            "underdosing of medication (T36-T50) with fifth or sixth character 6",
            v(),
        );
        assert!(r.is_complete());
        assert!(r.matches(key("T38.3X6A")) && !r.matches(key("T38.3X5A")));
        let r = parse_note(
            "poisoning due to salicylates, if applicable (T39.0-, with sixth character 1-4)",
            v(),
        );
        assert!(r.is_complete());
        assert!(r.matches(key("T39.011A")) && !r.matches(key("T39.016A")));
        let r = parse_note("gestational diabetes (O24.4-)", v());
        assert!(r.matches(key("O24.410")) && !r.matches(key("O24.01")));
        let r = parse_note("diabetes with foot ulcer (E08-E13 with .51-.52)", v());
        assert!(r.matches(key("E11.51")) && r.matches(key("E11.52")) && !r.matches(key("E11.59")));
    }

    #[test]
    fn hand_written_spellings() {
        assert!(parse_note("helminthiasis (B65.0 -B83.9)", v()).matches(key("B76.9")));
        let r = parse_note("atherosclerosis (I70.2--I70.7-)", v());
        assert!(r.is_complete() && r.matches(key("I70.501")) && !r.matches(key("I70.8")));
        assert!(parse_note("x (N05.8.-)", v()).matches(key("N05.8")));
        assert!(parse_note("pancreas (K85-K86.-)", v()).matches(key("K86.1")));
        assert!(parse_note("hypothyroidism (E05.0-E05.9-)", v()).matches(key("E05.90")));
        let r = parse_note(
            "rheumatoid arthritis with rheumatoid factor by site, if  known (M05.00 to M05.8A)",
            v(),
        );
        assert!(r.is_complete() && r.matches(key("M05.79")) && !r.matches(key("M05.9")));
    }

    #[test]
    fn words_and_unresolvable_pieces() {
        assert!(parse_note("condition resulting from (sequela) of malnutrition", v()).is_empty());
        assert!(parse_note("underlying chronic kidney disease (CKD) (N18.-)", v()).is_complete());
        let r = parse_note(
            "dysphagia following cerebrovascular disease (I69. with final characters -91)",
            v(),
        );
        assert_eq!((r.refs.len(), r.unresolved), (0, 1));
        let r = parse_note(
            "poisoning (T51-T65 with fifth or sixth character to indicate intent), for toxic pneumonopathy",
            v(),
        );
        assert!(!r.is_complete() && r.refs.is_empty());
        // Not a code of the release.
        assert_eq!(parse_note("x (Q99.7)", v()).unresolved, 1);
        assert!(parse_note("glucose-6-phosphate dehydrogenase (G6PD) deficiency", v()).is_empty());
    }

    #[test]
    fn wording() {
        assert_eq!(
            words("Code first, if applicable, sepsis (A41.-)"),
            "code first, if applicable, sepsis "
        );
        assert!(has_phrase("any associated gangrene", "any"));
        assert!(!has_phrase("company", "any"));
        assert!(has_phrase("x, if applicable:", "if applicable"));
    }
}
