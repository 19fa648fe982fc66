use std::cell::OnceCell;
use std::rc::Rc;

use smallvec::SmallVec;

use crate::claims::{Diagnosis, DxRole};
use crate::codeset::code::CodeKey;
use crate::codeset::registry::Edition;
use crate::codeset::version::{NoteGroup, NoteKind, Version};
use crate::declare_rule;
use crate::engine::context::ClaimContext;
use crate::engine::diagnostic::RuleMeta;
use crate::engine::emit::Emitter;
use crate::engine::gate::{CodeView, Gate};
use crate::engine::memo::CodeWord;
use crate::engine::rule::NativeRule;
use crate::rules::blocks::Blocks;
use crate::rules::describe::{date_is_covered, titled, with_lead};
use crate::rules::note_memo::{DerivedNotes, with_note_memo};
use crate::rules::notes::{NoteRefs, content_words, parse_note, same_word};
use crate::rules::sequencing::code_first::origin_label;

declare_rule! {
    /// ## What it does
    /// Flags two codes on one claim when an Excludes1 note of one of them
    /// names the other. The notes are those of the release in force on the
    /// service date: the code's own and those it inherits from its category,
    /// subcategories, section and chapter. The finding is reported once per
    /// pair, on the code listed later, and quotes the note.
    ///
    /// References are read as the tabular writes them: `(E10.-)`,
    /// `(O24.4-)`, `(O10-O11, O13-O16)`, `(E08-E13 with .42)`, `(B27.0-B27.9
    /// with fifth character 1)`. Parts of a note that name no code are
    /// skipped. Excludes2 notes ("not included here") never count: both codes
    /// may be reported together.
    ///
    /// A reference to one code excludes that code. A reference to a range or
    /// a whole category names where the excluded condition is classified, so
    /// a code there is excluded only when its title or inclusion terms share
    /// a word with the note: M40's "postprocedural kyphosis and lordosis
    /// (M96.-)" excludes M96.3 (postlaminectomy kyphosis) but not M96.1
    /// (postlaminectomy syndrome).
    ///
    /// Dates without a loaded release use the nearest release's notes;
    /// claims dated before 2015-10-01 are not checked.
    ///
    /// ## Why is this bad?
    /// Excludes1 means "not coded here": the two codes describe conditions
    /// that cannot occur together (type 1 and type 2 diabetes), or one code
    /// already includes what the other describes (E11.42, diabetic
    /// polyneuropathy, includes the polyneuropathy that G63 would add).
    /// Payers' edits reject such pairs.
    ///
    /// The guidelines allow one exception: when the two conditions are
    /// unrelated to each other, both may be reported (Guidelines I.A.12.a,
    /// with the example of F45.8 and G47.63). When a finding is such a case,
    /// the record must show it; if it is unclear, query the provider.
    ///
    /// ## Example
    /// `dx1 = E10.9, dx2 = E11.9`: E11 has Excludes1 "type 1 diabetes
    /// mellitus (E10.-)".
    ///
    /// `dx1 = E11.42, dx2 = G63`: G63 has Excludes1 "diabetes mellitus
    /// (E08-E13 with .42)".
    ///
    /// ## Fix
    /// Keep the code that the documentation supports (`E11.42` alone), or
    /// document that the two conditions are unrelated.
    ///
    /// ## References
    /// ICD-10-CM Official Guidelines FY2025, I.A.12.a (Excludes1, and the
    /// exception for unrelated conditions) and I.A.12.b (Excludes2); the
    /// Excludes1 notes of the Tabular List.
    pub struct Excludes1Conflict {
        code: "DX302",
        name: "excludes1-conflict",
        group: "combinations",
        severity: Error,
        enabled: true,
        summary: "Two codes on one claim where an Excludes1 note of one names the other",
        source: "ICD-10-CM Official Guidelines I.A.12.a; Tabular List Excludes1 notes",
    }
}

/// A code of the claim under check.
struct Coded<'c> {
    dx: &'c Diagnosis,
    key: CodeKey,
    /// Its [`CodeWord::Excludes1`].
    word: u32,
    /// Its [`Blocks::index`].
    block: usize,
}

/// One Excludes1 note, with the codes it names.
#[derive(Debug)]
struct Exclusion {
    /// Where it is written: `E11`, `section G60-G65`, `chapter 15`.
    origin: String,
    /// The note, after its heading when it has one.
    text: String,
    refs: NoteRefs,
    /// Parallel to `refs.refs`: the reference names a range, category or
    /// subcategory, not one billable code.
    broad: Vec<bool>,
    /// The words the note describes the excluded condition with, found
    /// when a broad reference first names a code of a claim: few notes
    /// are ever asked, and finding them for every note parsed was about
    /// 30% of what this rule derives at a code's first sight.
    words: OnceCell<Vec<String>>,
    /// The two-character prefixes of the codes it names.
    blocks: Blocks,
}

impl Exclusion {
    /// Does the note, applying to `owner`, exclude `key`? A reference that
    /// names `owner` itself does not count: a note cannot exclude the code
    /// it is written for. A reference to one code decides alone. A
    /// reference to a range or a whole category names where the excluded
    /// condition is classified, not every code there: the code's own title
    /// or inclusion terms (or those of its parents below the referenced
    /// level) must share a word with the note. `postprocedural kyphosis and
    /// lordosis (M96.-)` excludes M96.3, postlaminectomy kyphosis, but not
    /// M96.1, postlaminectomy syndrome.
    fn excludes(&self, ed: &Edition<'_>, owner: CodeKey, key: CodeKey) -> bool {
        self.blocks.contains(key)
            && self.refs.refs.iter().zip(&self.broad).any(|(r, broad)| {
                r.matches(key)
                    && !r.matches(owner)
                    && (!broad || {
                        let words = self.words.get_or_init(|| content_words(&self.text));
                        words.is_empty() || described(ed, key, r.level(), words)
                    })
            })
    }
}

/// Do the title or inclusion terms of `key`, or of its parents longer than
/// `level`, share a word with `words`? Codes the release does not list
/// count as described.
fn described(ed: &Edition<'_>, key: CodeKey, level: usize, words: &[String]) -> bool {
    let Some(entry) = ed.entry(key) else {
        return true;
    };
    let chain =
        std::iter::once(entry).chain(entry.ancestors().take_while(|e| e.key().len() > level));
    for e in chain {
        let title = e.title();
        let texts = std::iter::once(title.as_ref()).chain(e.notes(NoteKind::InclusionTerm));
        for text in texts {
            if content_words(text)
                .iter()
                .any(|w| words.iter().any(|n| same_word(w, n)))
            {
                return true;
            }
        }
    }
    false
}

/// The Excludes1 notes written on one code, section or chapter, parsed once
/// for every code that inherits them.
#[derive(Debug)]
pub(crate) struct GroupExclusions {
    blocks: Blocks,
    list: Vec<Exclusion>,
}

/// The Excludes1 notes that apply to one code, with the prefixes of the
/// codes they name, to pass over most pairs without reading the notes.
/// Codes that inherit the same notes share one.
#[derive(Debug)]
pub(crate) struct CodeExclusions {
    blocks: Blocks,
    groups: Vec<Rc<GroupExclusions>>,
}

impl CodeExclusions {
    /// The note, applying to `owner`, that excludes `key`.
    fn find(&self, ed: &Edition<'_>, owner: CodeKey, key: CodeKey) -> Option<&Exclusion> {
        if !self.blocks.contains(key) {
            return None;
        }
        self.groups
            .iter()
            .filter(|g| g.blocks.contains(key))
            .flat_map(|g| &g.list)
            .find(|e| e.excludes(ed, owner, key))
    }
}

/// The Excludes1 note of `owner` (its exclusions `ex`) that names `other`.
/// Inlined: it runs for every pair of a claim's codes, and a call costs
/// more than the prefix test that settles most pairs.
#[inline(always)]
fn naming<'e>(
    ed: &Edition<'_>,
    ex: &'e Option<Rc<CodeExclusions>>,
    owner: &Coded<'_>,
    other: &Coded<'_>,
) -> Option<&'e Exclusion> {
    ex.as_ref()
        .filter(|ex| ex.blocks.has(other.block))
        .and_then(|ex| ex.find(ed, owner.key, other.key))
}

/// The Excludes1 notes of one group that name codes.
fn group_exclusions(version: &Version, group: &NoteGroup<'_>) -> Option<GroupExclusions> {
    let mut list: Vec<Exclusion> = Vec::new();
    // A note that ends in a colon and names no code heads the notes after
    // it in the same group: `polyneuropathy (in):` above `diabetes mellitus
    // (E08-E13 with .42)`.
    let mut heading: Option<&str> = None;
    for note in group.texts() {
        let refs = parse_note(note, version);
        if refs.is_empty() {
            heading = note.trim_end().ends_with(':').then_some(note.trim());
            continue;
        }
        let text = match heading {
            Some(h) => with_lead(h, note),
            None => note.trim().to_string(),
        };
        let broad = refs.refs.iter().map(|r| r.is_broad(version)).collect();
        let blocks = refs.blocks();
        list.push(Exclusion {
            origin: origin_label(group.from),
            text,
            refs,
            broad,
            words: OnceCell::new(),
            blocks,
        });
    }
    let mut blocks = Blocks::default();
    for e in &list {
        blocks.union(&e.blocks);
    }
    (!list.is_empty()).then_some(GroupExclusions { blocks, list })
}

/// The Excludes1 notes that apply to `key` and name codes, with their
/// list's number.
fn exclusions(
    memo: &mut DerivedNotes<GroupExclusions, CodeExclusions>,
    version: &Version,
    key: CodeKey,
) -> Option<(u32, Rc<CodeExclusions>)> {
    memo.list(
        version,
        key,
        NoteKind::Excludes1,
        |group| group_exclusions(version, group),
        |groups| {
            let mut blocks = Blocks::default();
            for g in &groups {
                blocks.union(&g.blocks);
            }
            CodeExclusions { blocks, groups }
        },
    )
}

impl NativeRule for Excludes1Conflict {
    fn meta(&self) -> RuleMeta {
        Self::rule_meta()
    }

    fn gate(&self) -> Gate {
        Gate::Codes
    }

    fn concerns(&self, code: &CodeView<'_>) -> bool {
        with_note_memo(|memo| {
            memo.exclusions
                .for_view(code, CodeWord::Excludes1, exclusions)
        })
        .is_some()
    }

    fn check(&self, ctx: &ClaimContext<'_>, out: &mut Emitter<'_>) {
        if !date_is_covered(ctx) {
            return;
        }
        let ed = &ctx.edition;
        // Each code once, at its first occurrence: a repeated code is
        // `duplicate-code`'s finding, and each pair is judged once. With
        // each code, its place in the prefix sets, tested for every pair.
        let mut coded: SmallVec<[Coded<'_>; 16]> = SmallVec::new();
        // The prefixes of the claim's codes, and those two codes share.
        let mut all = Blocks::default();
        let mut shared = Blocks::default();
        for (dx, key, r) in ctx.codes() {
            if !matches!(dx.role, DxRole::Sequenced | DxRole::ExternalCause) {
                continue;
            }
            // A repeat shares its prefix with an earlier code: only then
            // are the earlier codes compared.
            let block = Blocks::index(key);
            if all.has(block) {
                if coded.iter().any(|c| c.key == key) {
                    continue;
                }
                shared.insert(key);
            }
            all.insert(key);
            coded.push(Coded {
                dx,
                key,
                word: r.word(CodeWord::Excludes1),
                block,
            });
        }
        if coded.len() < 2 {
            return;
        }
        // A note that names only codes near its own (E11's "type 1
        // diabetes (E10.-)") is passed over unless another code of the
        // claim is near them too. The prefixes come from a table by list
        // number, so that such a list is not read at all.
        let notes: SmallVec<[Option<Rc<CodeExclusions>>; 16]> = with_note_memo(|memo| {
            coded
                .iter()
                .map(|c| {
                    let others = Blocks::others(&all, &shared, c.key);
                    // The folded prefixes settle most lists from a table of
                    // words; the full set is read only when they meet.
                    if memo
                        .exclusion_fold(c.word)
                        .is_some_and(|f| f & others.folded() == 0)
                    {
                        return None;
                    }
                    let near = |b: &Blocks| b.intersects(&others);
                    let known = memo.exclusion_blocks(c.word);
                    if known.is_some_and(|b| !near(&b)) {
                        return None;
                    }
                    let ex = memo.exclusions.for_claim_code(
                        ed,
                        c.key,
                        CodeWord::Excludes1,
                        c.word,
                        exclusions,
                    )?;
                    if known.is_none() {
                        memo.keep_exclusion_blocks(c.word, ex.blocks);
                    }
                    near(&ex.blocks).then_some(ex)
                })
                .collect()
        });
        if notes.iter().all(Option::is_none) {
            return;
        }
        for (j, (later, later_ex)) in coded.iter().zip(&notes).enumerate() {
            for (earlier, earlier_ex) in coded[..j].iter().zip(&notes[..j]) {
                let Some(note) = naming(ed, later_ex, later, earlier)
                    .or_else(|| naming(ed, earlier_ex, earlier, later))
                else {
                    continue;
                };
                let (later_key, earlier_key) = (later.key, earlier.key);
                let earlier = earlier.dx;
                let place = if earlier.position > 0 {
                    format!("position {}", earlier.position)
                } else {
                    "external cause column".to_string()
                };
                out.diagnosis(
                    later.dx,
                    format!(
                        "{} is reported with {earlier_key} ({place}), but the note at {} says \"{}\"",
                        titled(ed, later_key),
                        note.origin,
                        with_lead("Excludes1:", &note.text)
                    ),
                )
                .with_help(
                    "keep the code the record supports; both stand only when the conditions are unrelated (Guidelines I.A.12.a)",
                );
            }
        }
    }
}
