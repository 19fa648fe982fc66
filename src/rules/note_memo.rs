//! What the note-reading rules derive from each code's notes, kept per
//! thread in one record per code: a claim's codes cost one memory access
//! each, however many of those rules run (`excludes1-conflict`,
//! `code-first-order`, `missing-underlying-code`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::codeset::code::CodeKey;
use crate::codeset::version::{NoteGroup, NoteKind, Version};
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
    /// By release and the groups' numbers.
    lists: HashMap<(u64, Box<[u32]>), Rc<L>>,
}

impl<G, L> Default for DerivedNotes<G, L> {
    fn default() -> Self {
        DerivedNotes {
            groups: Memo::default(),
            lists: HashMap::new(),
        }
    }
}

impl<G, L> DerivedNotes<G, L> {
    /// The combined list of what `parse` makes of the `kind` note groups
    /// that apply to `key` in `version`, nearest first; `None` when the
    /// code is not in the release or no group holds anything of use.
    pub fn list(
        &mut self,
        version: &Version,
        key: CodeKey,
        kind: NoteKind,
        parse: impl Fn(&NoteGroup<'_>) -> Option<G>,
        combine: impl FnOnce(Vec<Rc<G>>) -> L,
    ) -> Option<Rc<L>> {
        let entry = version.get(key)?;
        let mut ids: Vec<u32> = Vec::new();
        let mut parts: Vec<Rc<G>> = Vec::new();
        entry.for_each_note_group(kind, |group| {
            let parsed = self
                .groups
                .entry(release_key(version, u64::from(group.id())))
                .or_insert_with(|| parse(&group).map(Rc::new));
            if let Some(part) = parsed {
                ids.push(group.id());
                parts.push(Rc::clone(part));
            }
        });
        if parts.is_empty() {
            return None;
        }
        let shared = self
            .lists
            .entry((version.id(), ids.into_boxed_slice()))
            .or_insert_with(|| Rc::new(combine(parts)));
        Some(Rc::clone(shared))
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
