//! What the note-reading rules derive from each code's notes, kept per
//! thread in one record per code: a claim's codes cost one memory access
//! each, however many of those rules run (`excludes1-conflict`,
//! `code-first-order`, `missing-underlying-code`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::codeset::code::CodeKey;
use crate::codeset::version::{Entry, NoteGroup, NoteKind, Version};
use crate::engine::memo::{Memo, Slot, SlotMemo, release_key};
use crate::rules::combinations::excludes1_conflict::{CodeExclusions, GroupExclusions};
use crate::rules::sequencing::code_first::Instruction;

/// One code's derived notes; each part is filled by its rule on first use
/// (`*_known`). Kept small: a file touches every code of the releases.
#[derive(Default)]
pub(crate) struct CodeNotes {
    pub excludes1_known: bool,
    pub code_first_known: bool,
    pub excludes1: Option<Rc<CodeExclusions>>,
    pub code_first: Option<InstructionList>,
}

/// The code-first instructions that apply to a code, nearest first.
pub(crate) type InstructionList = Rc<Vec<Rc<Instruction>>>;

/// What one rule derives from the notes of one kind: each note group
/// parsed once for every code that inherits it, and each distinct run of
/// groups a code inherits combined once, shared by the codes with that run.
pub(crate) struct DerivedNotes<G, L> {
    /// By release and group; `None`: the group holds nothing of use.
    groups: Memo<Option<Rc<G>>>,
    /// The groups a category passes on (its own, its sections' and its
    /// chapter's), by release and category: the long part of every walk,
    /// taken once per category.
    categories: Memo<Rc<Inherited<G>>>,
    /// By release and the groups' numbers.
    lists: HashMap<(u64, Box<[u32]>), Rc<L>>,
}

/// Groups of use, with their numbers, nearest first.
struct Inherited<G> {
    ids: Vec<u32>,
    parts: Vec<Rc<G>>,
}

impl<G, L> Default for DerivedNotes<G, L> {
    fn default() -> Self {
        DerivedNotes {
            groups: Memo::default(),
            categories: Memo::default(),
            lists: HashMap::new(),
        }
    }
}

impl<G, L> DerivedNotes<G, L> {
    /// The combined list of what `parse` makes of the `kind` note groups
    /// that apply to `key` in `version`, nearest first (the groups of
    /// [`Entry::for_each_note_group`]); `None` when the code is not in the
    /// release or no group holds anything of use.
    pub fn list(
        &mut self,
        version: &Version,
        key: CodeKey,
        kind: NoteKind,
        parse: impl Fn(&NoteGroup<'_>) -> Option<G>,
        combine: impl FnOnce(Vec<Rc<G>>) -> L,
    ) -> Option<Rc<L>> {
        let entry = version.get(key)?;
        let mut found = Inherited {
            ids: Vec::new(),
            parts: Vec::new(),
        };
        for code in std::iter::once(entry).chain(entry.ancestors()) {
            if code.parent().is_some() {
                self.own_groups(version, code, kind, &parse, &mut found);
                continue;
            }
            let at = release_key(version, code.index() as u64);
            let top = match self.categories.get(&at) {
                Some(top) => Rc::clone(top),
                None => {
                    let mut top = Inherited {
                        ids: Vec::new(),
                        parts: Vec::new(),
                    };
                    self.own_groups(version, code, kind, &parse, &mut top);
                    let top = Rc::new(top);
                    self.categories.insert(at, Rc::clone(&top));
                    top
                }
            };
            found.ids.extend_from_slice(&top.ids);
            found.parts.extend(top.parts.iter().cloned());
        }
        if found.parts.is_empty() {
            return None;
        }
        let shared = self
            .lists
            .entry((version.id(), found.ids.into_boxed_slice()))
            .or_insert_with(|| Rc::new(combine(found.parts)));
        Some(Rc::clone(shared))
    }

    /// Adds the groups of use written on `code` ([`Entry::for_each_own_note_group`]).
    fn own_groups(
        &mut self,
        version: &Version,
        code: Entry<'_>,
        kind: NoteKind,
        parse: &impl Fn(&NoteGroup<'_>) -> Option<G>,
        out: &mut Inherited<G>,
    ) {
        code.for_each_own_note_group(kind, |group| {
            let parsed = self
                .groups
                .entry(release_key(version, u64::from(group.id())))
                .or_insert_with(|| parse(&group).map(Rc::new));
            if let Some(part) = parsed {
                out.ids.push(group.id());
                out.parts.push(Rc::clone(part));
            }
        });
    }
}

#[derive(Default)]
pub(crate) struct NoteMemo {
    /// By the engine's code slot.
    pub codes: SlotMemo<CodeNotes>,
    pub exclusions: DerivedNotes<GroupExclusions, CodeExclusions>,
    pub instructions: DerivedNotes<Instruction, Vec<Rc<Instruction>>>,
}

impl NoteMemo {
    /// The part of `slot`'s record that `part` selects (its "known" flag
    /// and value), made by `derive` the first time.
    pub fn per_code<T: Clone>(
        &mut self,
        slot: Slot,
        part: fn(&mut CodeNotes) -> (&mut bool, &mut Option<T>),
        derive: impl FnOnce(&mut NoteMemo) -> Option<T>,
    ) -> Option<T> {
        let (known, value) = part(self.codes.entry(slot));
        if *known {
            return value.clone();
        }
        let made = derive(self);
        let (known, value) = part(self.codes.entry(slot));
        *known = true;
        value.clone_from(&made);
        made
    }
}

thread_local! {
    static NOTE_MEMO: RefCell<NoteMemo> = RefCell::new(NoteMemo::default());
}

/// Runs `f` with this thread's memo. `f` must not call it again.
pub(crate) fn with_note_memo<R>(f: impl FnOnce(&mut NoteMemo) -> R) -> R {
    NOTE_MEMO.with(|memo| f(&mut memo.borrow_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists of group numbers, to compare with the groups the code set
    /// walks for each code.
    fn ids(
        memo: &mut DerivedNotes<u32, Vec<u32>>,
        v: &Version,
        key: CodeKey,
        kind: NoteKind,
    ) -> Option<Rc<Vec<u32>>> {
        memo.list(
            v,
            key,
            kind,
            |g| Some(g.id()),
            |parts| parts.iter().map(|p| **p).collect(),
        )
    }

    #[test]
    fn lists_built_from_parents_hold_every_inherited_group_in_order() {
        for v in Version::embedded() {
            for kind in [NoteKind::Excludes1, NoteKind::CodeFirst] {
                let mut memo = DerivedNotes::default();
                let mut compared = 0;
                for e in v.entries() {
                    let mut walked = Vec::new();
                    e.for_each_note_group(kind, |g| walked.push(g.id()));
                    let derived = ids(&mut memo, v, e.key(), kind);
                    assert_eq!(
                        derived.as_deref().cloned().unwrap_or_default(),
                        walked,
                        "{} {kind:?}",
                        e.key()
                    );
                    compared += walked.len();
                }
                assert!(compared > 10_000, "{kind:?}: {compared} groups");
            }
        }
    }

    #[test]
    fn codes_with_the_same_groups_share_one_list() {
        let v = Version::embedded().last().unwrap();
        let mut memo = DerivedNotes::default();
        let key = |s: &str| CodeKey::parse(s).unwrap();
        // E11.8 and E11.65 (below E11.6) inherit E11's Excludes1 notes and
        // write none of their own.
        let a = ids(&mut memo, v, key("E11.8"), NoteKind::Excludes1).unwrap();
        let b = ids(&mut memo, v, key("E11.65"), NoteKind::Excludes1).unwrap();
        assert!(Rc::ptr_eq(&a, &b));
        assert!(ids(&mut memo, v, key("Z99.999"), NoteKind::Excludes1).is_none());
    }
}
