//! What the note-reading rules derive from each code's notes, kept per
//! thread. Each distinct list a code inherits is made once and numbered,
//! and the number is kept with the code's facts ([`CodeWord`]): resolving
//! a claim's codes brings it along, so those rules (`excludes1-conflict`,
//! `code-first-order`, `missing-underlying-code`) look nothing up per code.
//!
//! [`CodeWord`]: crate::engine::memo::CodeWord

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use crate::codeset::code::CodeKey;
use crate::codeset::registry::Edition;
use crate::codeset::version::{Entry, NoteGroup, NoteKind, Version};
use crate::engine::context::ClaimContext;
use crate::engine::gate::CodeView;
use crate::engine::memo::{CodeWord, KeyHasher, Memo, release_key};
use crate::rules::blocks::Blocks;
use crate::rules::combinations::excludes1_conflict::{CodeExclusions, GroupExclusions};
use crate::rules::sequencing::code_first::Instruction;

/// The code-first instructions that apply to a code, nearest first.
pub(crate) type InstructionList = Rc<Vec<Rc<Instruction>>>;

/// What one rule derives from the notes of one kind: each note group
/// parsed once for every code that inherits it, and each distinct run of
/// groups a code inherits combined once, shared by the codes with that run.
pub(crate) struct DerivedNotes<G, L> {
    /// By release and group; `None`: the group holds nothing of use.
    groups: Memo<Option<Rc<G>>>,
    /// The numbers of the groups of use a category passes on (its own, its
    /// sections' and its chapter's), by release and category: the long
    /// part of every walk, taken once per category.
    categories: Memo<Box<[u32]>>,
    /// By [`list_key`] (the release and the groups' numbers): the list's
    /// number in `made`.
    lists: HashMap<Box<[u32]>, u32, BuildHasherDefault<KeyHasher>>,
    /// Every list made, by number.
    made: Vec<Rc<L>>,
    /// The key of the code at hand's list ([`list_key`]), reused from code
    /// to code.
    found: Vec<u32>,
}

/// Starts the key of a list in `out`: the release, in [`LIST_KEY_LEN`]
/// numbers; the groups' numbers, nearest first, follow.
fn list_key(version: &Version, out: &mut Vec<u32>) {
    let id = version.id();
    out.extend([id as u32, (id >> 32) as u32]);
}

const LIST_KEY_LEN: usize = 2;

impl<G, L> Default for DerivedNotes<G, L> {
    fn default() -> Self {
        DerivedNotes {
            groups: Memo::default(),
            categories: Memo::default(),
            lists: HashMap::default(),
            made: Vec::new(),
            found: Vec::new(),
        }
    }
}

impl<G, L> DerivedNotes<G, L> {
    /// The combined list of what `parse` makes of the `kind` note groups
    /// that apply to `key` in `version`, nearest first (the groups of
    /// [`Entry::for_each_note_group`]); `None` when the code is not in the
    /// release or no group holds anything of use. The list comes with its
    /// number, the same for every code that inherits the same groups.
    pub fn list(
        &mut self,
        version: &Version,
        key: CodeKey,
        kind: NoteKind,
        parse: impl Fn(&NoteGroup<'_>) -> Option<G>,
        combine: impl FnOnce(Vec<Rc<G>>) -> L,
    ) -> Option<(u32, Rc<L>)> {
        let entry = version.get(key)?;
        // The walk gathers group numbers only: most codes inherit a list
        // already made, and its parts (each an allocation of its own, so a
        // cache miss to count a reference) are gathered only for a new one.
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        list_key(version, &mut found);
        for code in std::iter::once(entry).chain(entry.ancestors()) {
            if code.parent().is_some() {
                self.own_groups(version, code, kind, &parse, &mut found);
                continue;
            }
            let at = release_key(version, code.index() as u64);
            match self.categories.get(&at) {
                Some(top) => found.extend_from_slice(top),
                None => {
                    let mut top = Vec::new();
                    self.own_groups(version, code, kind, &parse, &mut top);
                    found.extend_from_slice(&top);
                    self.categories.insert(at, top.into());
                }
            }
        }
        let n = if found.len() == LIST_KEY_LEN {
            None
        } else if let Some(&n) = self.lists.get(&found[..]) {
            Some(n)
        } else {
            let parts = found[LIST_KEY_LEN..]
                .iter()
                .filter_map(|&id| self.groups.get(&release_key(version, u64::from(id))))
                .flatten()
                .cloned()
                .collect();
            let n = self.made.len() as u32;
            self.made.push(Rc::new(combine(parts)));
            self.lists.insert(found.as_slice().into(), n);
            Some(n)
        };
        self.found = found;
        n.map(|n| (n, Rc::clone(&self.made[n as usize])))
    }

    /// The list of a code whose [`CodeWord`](crate::engine::memo::CodeWord)
    /// is `word`. A word of 0 (not derived on this thread) has `derive` make
    /// the list ([`DerivedNotes::list`]) and `keep` file the code's word:
    /// 1 for no list, the list's number + 2 otherwise.
    fn for_code(
        &mut self,
        word: u32,
        derive: impl FnOnce(&mut Self) -> Option<(u32, Rc<L>)>,
        keep: impl FnOnce(u32),
    ) -> Option<Rc<L>> {
        if word == 0 {
            let made = derive(self);
            keep(made.as_ref().map_or(1, |(n, _)| n + 2));
            return made.map(|(_, list)| list);
        }
        self.made.get(list_number(word)?).cloned()
    }

    /// [`DerivedNotes::for_code`] for a code the gates ask about, the list
    /// made by the rule's `derive` ([`DerivedNotes::list`] with its own
    /// parsing): the code's `word` is read from `code` and, once made,
    /// filed there and in the thread's facts table ([`CodeView::keep_word`]).
    pub fn for_view(
        &mut self,
        code: &CodeView<'_>,
        word: CodeWord,
        derive: impl FnOnce(&mut Self, &Version, CodeKey) -> Option<(u32, Rc<L>)>,
    ) -> Option<Rc<L>> {
        self.for_code(
            code.word(word),
            |m| derive(m, code.edition.version(), code.key),
            |w| code.keep_word(word, w),
        )
    }

    /// [`DerivedNotes::for_code`] for `key` on a claim of `edition`, whose
    /// `word` is `filed` ([`Resolved::word`]); a word made here is filed in
    /// the thread's facts table ([`ClaimContext::keep_code_word`]).
    ///
    /// [`Resolved::word`]: crate::engine::context::Resolved::word
    pub fn for_claim_code(
        &mut self,
        edition: &Edition<'_>,
        key: CodeKey,
        word: CodeWord,
        filed: u32,
        derive: impl FnOnce(&mut Self, &Version, CodeKey) -> Option<(u32, Rc<L>)>,
    ) -> Option<Rc<L>> {
        self.for_code(
            filed,
            |m| derive(m, edition.version(), key),
            |w| ClaimContext::keep_code_word(edition, key, word, w),
        )
    }

    /// Adds the groups of use written on `code` ([`Entry::for_each_own_note_group`]).
    fn own_groups(
        &mut self,
        version: &Version,
        code: Entry<'_>,
        kind: NoteKind,
        parse: &impl Fn(&NoteGroup<'_>) -> Option<G>,
        out: &mut Vec<u32>,
    ) {
        code.for_each_own_note_group(kind, |group| {
            let parsed = self
                .groups
                .entry(release_key(version, u64::from(group.id())))
                .or_insert_with(|| parse(&group).map(Rc::new));
            if parsed.is_some() {
                out.push(group.id());
            }
        });
    }
}

/// The list a code's word names ([`DerivedNotes::for_code`]): none for 0
/// (not derived yet) and 1 (no list).
fn list_number(word: u32) -> Option<usize> {
    (word as usize).checked_sub(2)
}

#[derive(Default)]
pub(crate) struct NoteMemo {
    pub exclusions: DerivedNotes<GroupExclusions, CodeExclusions>,
    pub instructions: DerivedNotes<Instruction, Vec<Rc<Instruction>>>,
    /// The prefixes each Excludes1 list names, by the list's word: read
    /// from one small table, they let `excludes1-conflict` pass over a
    /// list without touching it (each list is a cache miss of its own).
    exclusion_blocks: Vec<Option<Blocks>>,
    /// The same prefixes folded into one word ([`Blocks::folded`]; 0: not
    /// known), a table a sixth the size that settles most lists alone.
    exclusion_folds: Vec<u64>,
}

impl NoteMemo {
    /// The prefixes of the Excludes1 list a code's `word` names, when
    /// known ([`NoteMemo::keep_exclusion_blocks`]).
    pub fn exclusion_blocks(&self, word: u32) -> Option<Blocks> {
        self.exclusion_blocks
            .get(list_number(word)?)
            .copied()
            .flatten()
    }

    /// [`NoteMemo::exclusion_blocks`] folded ([`Blocks::folded`]), when
    /// known.
    pub fn exclusion_fold(&self, word: u32) -> Option<u64> {
        let fold = *self.exclusion_folds.get(list_number(word)?)?;
        (fold != 0).then_some(fold)
    }

    /// Notes the prefixes of the list that `word` names.
    pub fn keep_exclusion_blocks(&mut self, word: u32, blocks: Blocks) {
        let Some(n) = list_number(word) else {
            return;
        };
        if self.exclusion_blocks.len() <= n {
            self.exclusion_blocks.resize(n + 1, None);
            self.exclusion_folds.resize(n + 1, 0);
        }
        self.exclusion_blocks[n] = Some(blocks);
        self.exclusion_folds[n] = blocks.folded();
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
        .map(|(_, list)| list)
    }

    #[test]
    fn lists_built_from_parents_hold_every_inherited_group_in_order() {
        // In tabular order, a code's parents are walked before it; in
        // reverse, the code's walk meets them first.
        for (v, reverse) in Version::embedded()
            .iter()
            .flat_map(|v| [(v, false), (v, true)])
        {
            for kind in [NoteKind::Excludes1, NoteKind::CodeFirst] {
                let mut memo = DerivedNotes::default();
                let mut compared = 0;
                let mut entries: Vec<_> = v.entries().collect();
                if reverse {
                    entries.reverse();
                }
                for e in entries {
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

    /// A code's word names its list: 0 derives it and files the word, 1
    /// is no list, and a filed word finds the list without deriving.
    #[test]
    fn a_codes_word_names_its_list() {
        let v = Version::embedded().last().unwrap();
        let mut memo: DerivedNotes<u32, Vec<u32>> = DerivedNotes::default();
        let key = |s: &str| CodeKey::parse(s).unwrap();
        let derive = |code: &'static str| {
            move |m: &mut DerivedNotes<u32, Vec<u32>>| {
                m.list(
                    v,
                    key(code),
                    NoteKind::Excludes1,
                    |g| Some(g.id()),
                    |parts| parts.iter().map(|p| **p).collect(),
                )
            }
        };
        let mut filed = Vec::new();
        let e11 = memo
            .for_code(0, derive("E11.8"), |w| filed.push(w))
            .unwrap();
        let none = memo.for_code(0, derive("Z99.999"), |w| filed.push(w));
        assert!(none.is_none());
        assert_eq!(filed[1], 1);
        assert!(filed[0] >= 2);
        // Filed words are read back without deriving.
        let again = memo.for_code(filed[0], |_| unreachable!(), |_| unreachable!());
        assert!(Rc::ptr_eq(&again.unwrap(), &e11));
        assert!(
            memo.for_code(1, |_| unreachable!(), |_| unreachable!())
                .is_none()
        );
        // E11.65 inherits the same groups: the same list and word.
        let mut shared = 0;
        let e1165 = memo.for_code(0, derive("E11.65"), |w| shared = w).unwrap();
        assert_eq!(shared, filed[0]);
        assert!(Rc::ptr_eq(&e1165, &e11));
    }

    /// The prefix table answers only for lists whose prefixes were kept.
    #[test]
    fn exclusion_prefixes_are_kept_by_list_word() {
        let mut memo = NoteMemo::default();
        let mut blocks = Blocks::default();
        blocks.insert(CodeKey::parse("E10").unwrap());
        assert_eq!(memo.exclusion_blocks(0), None);
        assert_eq!(memo.exclusion_blocks(1), None);
        assert_eq!(memo.exclusion_blocks(7), None);
        memo.keep_exclusion_blocks(0, blocks);
        memo.keep_exclusion_blocks(1, blocks);
        assert_eq!(memo.exclusion_blocks(2), None, "words 0 and 1 name no list");
        memo.keep_exclusion_blocks(7, blocks);
        assert_eq!(memo.exclusion_blocks(7), Some(blocks));
        assert_eq!(memo.exclusion_blocks(6), None);
        assert_eq!(memo.exclusion_fold(7), Some(blocks.folded()));
        assert_eq!(
            (memo.exclusion_fold(6), memo.exclusion_fold(1)),
            (None, None)
        );
    }
}
