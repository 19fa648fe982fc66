//! The "code first" instructions of a code, read from the tabular notes of
//! the claim's release and shared by `code-first-order` and
//! `missing-underlying-code`.
//!
//! The tabular stores a code-first instruction as a run of notes on one
//! code, section or chapter. The first may be a heading that ends in a colon
//! (`underlying disease, such as:`, `, if applicable:`, `tachycardia
//! complicating:`); the others are items, each naming codes in parentheses.
//! A code inherits the instructions of its ancestors, its section and its
//! chapter, nearest first.
//!
//! How strongly an instruction asks for the underlying code depends on its
//! wording (Guidelines I.A.13 and I.B.7):
//! - one plain item (`Z3A`: obstetric condition or encounter for delivery
//!   (O09-O60, O80-O82, O94-O9A)) names the condition that must be coded:
//!   [`Need::Required`];
//! - a list after "such as" (`G63`: underlying disease, such as: amyloidosis
//!   (E85.-); ...) gives examples of what the condition may be:
//!   [`Need::Examples`];
//! - "if applicable", "if known", "any", "associated", or wording that names
//!   a circumstance ("complicating", "due to", "following", "during",
//!   "when", "for adverse effects"), a heading without "such as", or several
//!   plain items (alternative circumstances, as under A41 or I50) make the
//!   underlying code optional: [`Need::Optional`]. The order still applies
//!   when both codes are reported.
//!
//! Parsed instructions are kept per thread, keyed by the release and the
//! code, so each code's notes are read once; a code without code-first
//! notes costs one hash probe.

use std::rc::Rc;

use smallvec::SmallVec;

use crate::claims::Diagnosis;
use crate::codeset::code::CodeKey;
use crate::codeset::version::{InheritedNote, NoteKind, NoteOrigin, Version};
use crate::engine::context::ClaimContext;
use crate::engine::gate::CodeView;
use crate::engine::memo::CodeWord;
use crate::rules::blocks::Blocks;
use crate::rules::describe::with_lead;
use crate::rules::note_memo::{DerivedNotes, InstructionList, with_note_memo};
use crate::rules::notes::{NoteRefs, has_phrase, parse_note, words};

/// How strongly an instruction asks for the underlying code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The named condition must be on the claim.
    Required,
    /// The items are examples of the underlying condition.
    Examples,
    /// The underlying code is reported only when it applies.
    Optional,
}

/// One item of an instruction: its text and the codes it names.
#[derive(Clone, Debug)]
pub struct Item {
    pub text: String,
    pub refs: NoteRefs,
}

/// One code-first instruction as written on one code, section or chapter.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Where it is written: `G63`, `section T36-T50`, `chapter 15`.
    pub origin: String,
    /// A first note that ends in a colon and names no code.
    pub heading: Option<String>,
    pub items: Vec<Item>,
    pub need: Need,
    /// The two-character prefixes of every code the items name.
    pub blocks: Blocks,
}

/// Words that make an underlying code optional or conditional.
const OPTIONAL_WORDING: &[&str] = &[
    "applicable",
    "known",
    "any",
    "associated",
    "complicating",
    "due to",
    "following",
    "during",
    "when",
    "for adverse effects",
];

impl Instruction {
    /// Every item names codes and every reference resolved.
    pub fn is_complete(&self) -> bool {
        !self.items.is_empty() && self.items.iter().all(|i| i.refs.is_complete())
    }

    /// Some item names a code that resolved.
    pub fn has_refs(&self) -> bool {
        self.items.iter().any(|i| !i.refs.refs.is_empty())
    }

    /// The item whose codes include `key`.
    pub fn item_for(&self, key: CodeKey) -> Option<&Item> {
        self.items.iter().find(|i| i.refs.matches(key))
    }

    pub fn matches(&self, key: CodeKey) -> bool {
        self.item_for(key).is_some()
    }

    /// The instruction as the tabular prints it, with up to four items:
    /// `Code first underlying disease, such as: amyloidosis (E85.-); ...`.
    pub fn quote(&self) -> String {
        const SHOWN: usize = 4;
        let mut items: Vec<&str> = self
            .items
            .iter()
            .take(SHOWN)
            .map(|i| i.text.as_str())
            .collect();
        let more = format!("and {} more", self.items.len().saturating_sub(SHOWN));
        if self.items.len() > SHOWN {
            items.push(&more);
        }
        self.lead(&items.join("; "))
    }

    /// One item with the heading it stands under: `Code first, if
    /// applicable, postprocedural sepsis (T81.44-)`.
    pub fn quote_item(&self, item: &Item) -> String {
        self.lead(&item.text)
    }

    fn lead(&self, rest: &str) -> String {
        match &self.heading {
            Some(h) => with_lead(&with_lead("Code first", h), rest),
            None => with_lead("Code first", rest),
        }
    }
}

/// Splits a code's inherited code-first notes into instructions, one per
/// code, section or chapter they are written on.
pub fn parse_instructions(notes: &[InheritedNote<'_>], version: &Version) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < notes.len() {
        let from = notes[start].from;
        let end = notes[start..]
            .iter()
            .position(|n| n.from != from)
            .map_or(notes.len(), |n| start + n);
        let texts: Vec<&str> = notes[start..end].iter().map(|n| n.text).collect();
        out.push(instruction(origin_label(from), &texts, version));
        start = end;
    }
    out
}

/// `G63`, `section T36-T50`, `chapter 15`.
pub fn origin_label(from: NoteOrigin<'_>) -> String {
    match from {
        NoteOrigin::Code(k) => k.dotted(),
        NoteOrigin::Section(id) => format!("section {id}"),
        NoteOrigin::Chapter(n) => format!("chapter {n}"),
    }
}

fn instruction(origin: String, texts: &[&str], version: &Version) -> Instruction {
    let (heading, rest) = match texts.split_first() {
        Some((first, rest))
            if first.trim_end().ends_with(':') && parse_note(first, version).is_empty() =>
        {
            (Some(first.trim().to_string()), rest)
        }
        _ => (None, texts),
    };
    let items: Vec<Item> = rest
        .iter()
        .map(|t| Item {
            text: t.trim().to_string(),
            refs: parse_note(t, version),
        })
        .collect();
    let optional = |t: &str| {
        let w = words(t);
        OPTIONAL_WORDING.iter().any(|p| has_phrase(&w, p))
    };
    let such_as = |t: &str| has_phrase(&words(t), "such as");
    let need = match (&heading, items.iter().find(|i| such_as(&i.text))) {
        (Some(h), _) if such_as(h) => {
            if optional(h) {
                Need::Optional
            } else {
                Need::Examples
            }
        }
        (None, Some(item)) => {
            if optional(&item.text) {
                Need::Optional
            } else {
                Need::Examples
            }
        }
        _ if heading.is_some() || items.len() != 1 => Need::Optional,
        _ if optional(&items[0].text) => Need::Optional,
        _ => Need::Required,
    };
    let mut blocks = Blocks::default();
    for item in &items {
        blocks.union(&item.refs.blocks());
    }
    Instruction {
        origin,
        heading,
        items,
        need,
        blocks,
    }
}

/// The code-first instructions that apply to `key` in `version`, nearest
/// first, with their list's number; `None` when there are none.
fn instructions(
    memo: &mut DerivedNotes<Instruction, Vec<Rc<Instruction>>>,
    version: &Version,
    key: CodeKey,
) -> Option<(u32, InstructionList)> {
    memo.list(
        version,
        key,
        NoteKind::CodeFirst,
        |group| {
            let texts: Vec<&str> = group.texts().collect();
            Some(instruction(origin_label(group.from), &texts, version))
        },
        |list| list,
    )
}

/// Does the code have code-first instructions in its release? (The gate of
/// the rules that read them.)
pub fn has_instructions(code: &CodeView<'_>) -> bool {
    with_note_memo(|memo| {
        memo.instructions
            .for_view(code, CodeWord::CodeFirst, instructions)
    })
    .is_some()
}

/// Calls `f` for each diagnosis of the claim that `keep` selects and whose
/// code has code-first instructions in the claim's release, with them.
pub fn each_with_instructions<'c>(
    ctx: &ClaimContext<'c>,
    keep: impl Fn(&Diagnosis) -> bool,
    mut f: impl FnMut(&'c Diagnosis, CodeKey, &[Rc<Instruction>]),
) {
    // Looked up first, all in one visit to the memo, so that `f` may do
    // anything; most claims have no code with instructions.
    let mut found: SmallVec<[(&'c Diagnosis, CodeKey, InstructionList); 4]> = SmallVec::new();
    with_note_memo(|memo| {
        for (dx, key, r) in ctx.codes() {
            if !keep(dx) {
                continue;
            }
            if let Some(list) = memo.instructions.for_claim_code(
                &ctx.edition,
                key,
                CodeWord::CodeFirst,
                r.word(CodeWord::CodeFirst),
                instructions,
            ) {
                found.push((dx, key, list));
            }
        }
    });
    for (dx, key, list) in found {
        f(dx, key, &list);
    }
}

/// The two-character prefixes of the claim's codes that `keep` selects.
pub fn claim_blocks(ctx: &ClaimContext<'_>, keep: impl Fn(&Diagnosis) -> bool) -> Blocks {
    let mut blocks = Blocks::default();
    for (dx, key, _) in ctx.codes() {
        if keep(dx) {
            blocks.insert(key);
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    fn of(code: &str) -> Vec<Instruction> {
        let v = Version::embedded().last().unwrap();
        let notes = v
            .get(key(code))
            .unwrap()
            .inherited_notes(NoteKind::CodeFirst);
        parse_instructions(&notes, v)
    }

    #[test]
    fn weeks_of_gestation_require_an_obstetric_code() {
        let ins = of("Z3A.39");
        assert_eq!(ins.len(), 1);
        assert_eq!(ins[0].origin, "Z3A");
        assert_eq!(ins[0].need, Need::Required);
        assert!(ins[0].is_complete());
        assert!(ins[0].matches(key("O80")) && !ins[0].matches(key("Z34.83")));
    }

    #[test]
    fn such_as_lists_are_examples() {
        let ins = of("G63");
        assert_eq!(ins[0].need, Need::Examples);
        assert_eq!(
            ins[0].heading.as_deref(),
            Some("underlying disease, such as:")
        );
        let amyloidosis = ins[0].item_for(key("E85.4")).unwrap();
        assert_eq!(
            ins[0].quote_item(amyloidosis),
            "Code first underlying disease, such as: amyloidosis (E85.-)"
        );
        assert_eq!(ins[0].items.len(), 5);
        assert!(ins[0].is_complete());
        assert!(ins[0].matches(key("E85.4")) && !ins[0].matches(key("E11.42")));
    }

    #[test]
    fn wording_makes_the_underlying_code_optional() {
        // Several alternative circumstances.
        assert!(of("A41.9").iter().all(|i| i.need == Need::Optional));
        assert!(of("I50.9").iter().all(|i| i.need == Need::Optional));
        // "any associated", "if applicable", "complicating:".
        assert!(of("N18.30").iter().all(|i| i.need == Need::Optional));
        assert!(of("J18.9").iter().all(|i| i.need == Need::Optional));
        assert!(of("I47.1").iter().all(|i| i.need == Need::Optional));
        assert!(of("Z87.891").iter().all(|i| i.need == Need::Optional));
        // One plain item names the condition.
        assert_eq!(of("D63.1")[0].need, Need::Required);
    }

    #[test]
    fn quotes_long_lists_shortly() {
        let q = of("F02.80")[0].quote();
        assert!(
            q.starts_with(
                "Code first the underlying physiological condition, such as: Alzheimer's (G30.-);"
            ),
            "{q}"
        );
        assert!(q.ends_with("; and 21 more"), "{q}");
        let sepsis = &of("A41.9")[0];
        assert_eq!(
            sepsis.quote_item(&sepsis.items[0]),
            "Code first, if applicable, postprocedural sepsis (T81.44-)"
        );
    }
}
