//! What the note-reading rules derive from each code's notes, kept per
//! thread in one record per code: a claim's codes cost one memory access
//! each, however many of those rules run (`excludes1-conflict`,
//! `code-first-order`, `missing-underlying-code`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::engine::memo::{Memo, SlotMemo};
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

/// Codes that inherit the same note groups share one derived list: the
/// key is the release and the groups' numbers.
pub(crate) type SharedLists<T> = HashMap<(u64, Box<[u32]>), T>;

#[derive(Default)]
pub(crate) struct NoteMemo {
    /// By the engine's code slot.
    pub codes: SlotMemo<CodeNotes>,
    /// Parsed note groups, by release and group, shared by every code that
    /// inherits them.
    pub exclusion_groups: Memo<Option<Rc<GroupExclusions>>>,
    pub exclusion_lists: SharedLists<Rc<CodeExclusions>>,
    pub instruction_groups: Memo<Rc<Instruction>>,
    pub instruction_lists: SharedLists<InstructionList>,
}

thread_local! {
    static NOTE_MEMO: RefCell<NoteMemo> = RefCell::new(NoteMemo::default());
}

/// Runs `f` with this thread's memo. `f` must not call it again.
pub(crate) fn with_note_memo<R>(f: impl FnOnce(&mut NoteMemo) -> R) -> R {
    NOTE_MEMO.with(|memo| f(&mut memo.borrow_mut()))
}
