//! Passing over rules on claims they cannot fire on.
//!
//! Most rules fire only on a code with some property of its own: a header
//! code, a code with "code first" notes, a code one of a pack's entries
//! lists. Such a rule says so ([`Gate::Codes`]) and answers, once per code
//! and edition, whether a code concerns it. The engine keeps the answers of
//! all rules for a code as one word, ORs the words of a claim's codes, and
//! skips every gated rule whose bit is not set. The word is kept beside
//! the code's facts in the thread's facts table, so a clean claim costs
//! nothing past resolving its codes instead of a visit from every rule.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use smallvec::SmallVec;

use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::{Edition, Standing};
use crate::engine::context::ClaimContext;
use crate::engine::memo::{CodeWord, Slot};

/// Which claims a rule must see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Every claim.
    EveryClaim,
    /// Only claims with a code that [`concerns`](crate::engine::rule::NativeRule::concerns)
    /// the rule. The rule promises that on a claim where no well-formed
    /// ICD-10-CM code concerns it, it finds nothing and changes nothing (no
    /// counters). (A finding may sit on another code: `excludes1-conflict`
    /// reports the later code of a pair whose note the earlier one holds.)
    Codes,
}

/// A well-formed ICD-10-CM code of a claim, resolved against its edition:
/// what a rule may read to say whether the code concerns it. The answer
/// must depend on nothing else (not the claim, not its position), since it
/// is kept for every claim on the same edition.
pub struct CodeView<'a> {
    pub edition: &'a Edition<'a>,
    pub key: CodeKey,
    pub standing: Standing,
    pub mce: Option<MceFlags>,
    /// The code's number in this thread's memos.
    pub slot: Slot,
    /// The rules' numbers for the code, as far as known
    /// ([`Resolved::words`](crate::engine::context::Resolved::words)); the
    /// first rule to work one out files it for the others.
    pub words: Cell<[u32; CodeWord::COUNT]>,
}

impl CodeView<'_> {
    /// A rule's number for the code (0: not worked out yet).
    pub fn word(&self, word: CodeWord) -> u32 {
        self.words.get()[word as usize]
    }

    /// Files a rule's number for the code, here and in the thread's facts
    /// table ([`ClaimContext::keep_code_word`]).
    pub fn keep_word(&self, word: CodeWord, value: u32) {
        let mut words = self.words.get();
        words[word as usize] = value;
        self.words.set(words);
        ClaimContext::keep_code_word(self.edition, self.key, word, value);
    }
}

/// A code's answers, one bit per gated rule; the top bit marks a computed
/// word. 32 bits keep the memo at 4 bytes a code in every worker.
type Word = u32;
const GATE_BITS: usize = 31;
const COMPUTED: Word = 1 << 31;

/// The gate bit of each active rule: 0 for rules that see every claim.
pub struct Gates {
    /// Parallel to the engine's active rules.
    bits: Vec<Word>,
    /// Distinguishes engines in the thread's facts table ([`Gates::engine`]).
    engine: u64,
    /// False with `DXLINT_RULE_GATES=off` (every rule sees every claim, to
    /// compare) or when no active rule is gated: claims skip the memo.
    enabled: bool,
}

static NEXT_ENGINE: AtomicU64 = AtomicU64::new(1);

impl Gates {
    /// Bits for the rules whose gate is [`Gate::Codes`], in order, as far
    /// as bits go; later rules see every claim.
    pub fn new(gates: impl Iterator<Item = Gate>) -> Gates {
        let mut next = 0;
        let bits: Vec<Word> = gates
            .map(|g| {
                if g == Gate::Codes && next < GATE_BITS {
                    next += 1;
                    1 << (next - 1)
                } else {
                    0
                }
            })
            .collect();
        let switched_on = std::env::var("DXLINT_RULE_GATES").map_or(true, |v| v != "off");
        Gates {
            enabled: switched_on && bits.iter().any(|&b| b != 0),
            bits,
            engine: NEXT_ENGINE.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Distinguishes engines in the thread's facts table, which keeps each
    /// code's gate word for one engine at a time.
    pub fn engine(&self) -> u64 {
        self.engine
    }

    /// The bits of the rules the claim's codes concern; `concerns(i, code)`
    /// asks active rule `i`, once per code on this thread (the answers are
    /// kept with the code's facts, [`ClaimContext::file_gates`]).
    pub fn claim_word(
        &self,
        ctx: &mut ClaimContext<'_>,
        concerns: impl Fn(usize, &CodeView<'_>) -> bool,
    ) -> Word {
        if !self.enabled {
            return Word::MAX;
        }
        let mut word = 0;
        let mut learned: SmallVec<[(CodeKey, Word); 4]> = SmallVec::new();
        for r in ctx.resolved.iter().filter(|r| r.icd10) {
            let (Some(key), Some(standing), Some(slot)) = (r.key, r.standing, r.slot) else {
                continue;
            };
            let mut known = r.gate;
            if known == 0 {
                known = match learned.iter().find(|(k, _)| *k == key) {
                    Some(&(_, w)) => w,
                    None => {
                        let code = CodeView {
                            edition: &ctx.edition,
                            key,
                            standing,
                            mce: r.mce,
                            slot,
                            words: Cell::new(r.words),
                        };
                        let w = COMPUTED
                            | self
                                .bits
                                .iter()
                                .enumerate()
                                .filter(|&(i, &bit)| bit != 0 && concerns(i, &code))
                                .fold(0, |w, (_, &bit)| w | bit);
                        learned.push((key, w));
                        w
                    }
                };
            }
            word |= known;
        }
        if !learned.is_empty() {
            ctx.file_gates(&learned);
        }
        word
    }

    /// Does active rule `i` run on a claim whose codes give `word`?
    pub fn runs(&self, i: usize, word: Word) -> bool {
        let bit = self.bits[i];
        bit == 0 || word & bit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_past_the_last_bit_see_every_claim() {
        let kinds = (0..40).map(|i| {
            if i % 5 == 4 {
                Gate::EveryClaim
            } else {
                Gate::Codes
            }
        });
        let gates = Gates::new(kinds);
        let gated: Vec<usize> = (0..40).filter(|&i| gates.bits[i] != 0).collect();
        // 32 of the 40 are gated, but only 31 bits are free.
        assert_eq!(gated.len(), GATE_BITS);
        let mut seen: Word = 0;
        for &i in &gated {
            assert_eq!(gates.bits[i].count_ones(), 1);
            assert_eq!(seen & gates.bits[i], 0, "each bit once");
            seen |= gates.bits[i];
        }
        assert_eq!(seen & COMPUTED, 0);
        // A claim whose codes concern nobody runs the ungated rules only.
        let word = COMPUTED;
        for i in 0..40 {
            assert_eq!(gates.runs(i, word), gates.bits[i] == 0, "rule {i}");
        }
        // ... and a rule's own bit lets it run.
        let first = gated[0];
        assert!(gates.runs(first, COMPUTED | gates.bits[first]));
    }
}
