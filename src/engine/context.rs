//! Everything a rule may read while it checks one claim: the claim, the code
//! set edition for its service date, and each diagnosis resolved once.

use std::cell::RefCell;

use crate::claims::{Claim, CodeSystem, Diagnosis, DxRole};
use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::poa::PoaExemptList;
use crate::codeset::registry::{Edition, Standing};
use crate::date::Date;
use crate::engine::memo::{CodeWord, FactsTable, Slot};

/// A diagnosis cell resolved against the claim's edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The normalised code; `None` when the cell is not shaped like a code.
    pub key: Option<CodeKey>,
    /// The code's standing on the service date.
    pub standing: Option<Standing>,
    /// False for diagnoses that say they are coded in ICD-9-CM.
    pub icd10: bool,
    /// The code's MCE edit flags on the service date, when it is billable
    /// there ([`Edition::mce_flags`]).
    pub mce: Option<MceFlags>,
    /// The code's number in this thread's memos, for rules that keep what
    /// they derive from it in a [`SlotMemo`](crate::engine::memo::SlotMemo).
    pub slot: Option<Slot>,
    /// The code's gate word for the engine, when known (else 0).
    pub gate: u32,
    /// The rules' numbers for the code ([`CodeWord`]), 0 when not known.
    pub words: [u32; CodeWord::COUNT],
}

impl Resolved {
    /// A rule's number for the code ([`CodeWord`]); 0 when not known yet.
    pub fn word(&self, word: CodeWord) -> u32 {
        self.words[word as usize]
    }
}

thread_local! {
    static FACTS: RefCell<FactsTable> = RefCell::new(FactsTable::default());
    /// The `resolved` list of the last claim checked on this thread, for
    /// the next one: a context built around an inline list was copied
    /// twice on its way out of `new` (about 800 bytes each time).
    static SPARE: RefCell<Vec<Resolved>> = const { RefCell::new(Vec::new()) };
}

/// One claim under evaluation.
pub struct ClaimContext<'a> {
    pub claim: &'a Claim,
    pub edition: Edition<'a>,
    /// Parallel to `claim.diagnoses`.
    pub resolved: Vec<Resolved>,
    /// The usable service date, if any.
    pub service_date: Option<Date>,
    /// The patient's age in whole years on the service date, when known.
    pub age: Option<u32>,
    /// The POA-exempt code list of the run, when one is loaded (`--poa-exempt`).
    pub poa_exempt: Option<&'a PoaExemptList>,
}

impl<'a> ClaimContext<'a> {
    /// The claim resolved against `edition`, with the gate words this
    /// thread knows for engine `engine` ([`Gates::engine`](crate::engine::gate::Gates::engine)).
    pub fn new(claim: &'a Claim, edition: Edition<'a>, engine: u64) -> ClaimContext<'a> {
        let mut resolved = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        FACTS.with(|memo| {
            let mut table = memo.borrow_mut();
            table.serve_engine(engine);
            let mut table = table.edition(&edition);
            let keys = claim.diagnoses.iter().filter_map(|dx| dx.code.value.ok());
            std::hint::black_box(table.touch(keys));
            resolved.extend(claim.diagnoses.iter().map(|dx| {
                let icd10 = dx.code_system != CodeSystem::Icd9Cm;
                let key = dx.code.value.ok();
                let facts = key.filter(|_| icd10).map(|k| table.get(k));
                Resolved {
                    key,
                    standing: facts.map(|f| f.standing),
                    icd10,
                    mce: facts.and_then(|f| f.mce),
                    slot: facts.map(|f| f.slot),
                    gate: facts.map_or(0, |f| f.gate),
                    words: facts.map_or([0; CodeWord::COUNT], |f| f.words),
                }
            }));
        });
        let service_date = claim.service_date.as_ref().and_then(|c| c.value.ok());
        let age = patient_age(claim, service_date);
        ClaimContext {
            claim,
            edition,
            resolved,
            service_date,
            age,
            poa_exempt: None,
        }
    }

    /// Keeps the gate words worked out for codes of this claim, for the
    /// next claims on the same edition (the thread's facts table holds
    /// them), and takes up the rules' numbers that working them out filed
    /// ([`ClaimContext::keep_code_word`]), so that the rules need not
    /// derive them again for this claim.
    pub fn file_gates(&mut self, words: &[(CodeKey, u32)]) {
        FACTS.with(|memo| {
            let mut table = memo.borrow_mut();
            let mut table = table.edition(&self.edition);
            for &(key, word) in words {
                let Some(filed) = table.set_gate(key, word) else {
                    continue;
                };
                for r in self.resolved.iter_mut().filter(|r| r.key == Some(key)) {
                    r.words = filed;
                }
            }
        });
    }

    /// Keeps a rule's number for `key` with the code's facts on `edition`
    /// ([`CodeWord`]), for the next claims that have the code.
    pub fn keep_code_word(edition: &Edition<'_>, key: CodeKey, word: CodeWord, value: u32) {
        FACTS.with(|memo| {
            memo.borrow_mut()
                .edition(edition)
                .set_word(key, word, value)
        });
    }

    /// The MCE edit flags of `key` on the claim's date
    /// ([`Edition::mce_flags`]): resolved once for the claim's own codes.
    pub fn mce_flags(&self, key: CodeKey) -> Option<MceFlags> {
        match self.resolved.iter().find(|r| r.key == Some(key) && r.icd10) {
            Some(r) => r.mce,
            None => self.edition.mce_flags(key),
        }
    }

    /// Diagnoses with their resolution, in claim order.
    pub fn diagnoses(&self) -> impl Iterator<Item = (&'a Diagnosis, &Resolved)> {
        self.claim.diagnoses.iter().zip(self.resolved.iter())
    }

    /// Well-formed ICD-10-CM codes with their diagnoses.
    pub fn codes(&self) -> impl Iterator<Item = (&'a Diagnosis, CodeKey, &Resolved)> {
        self.diagnoses()
            .filter_map(|(dx, r)| r.key.filter(|_| r.icd10).map(|k| (dx, k, r)))
    }

    /// The code in position 1 (principal / first-listed), when well formed.
    pub fn first_listed(&self) -> Option<(&'a Diagnosis, CodeKey)> {
        self.codes()
            .find(|(dx, _, _)| dx.role == DxRole::Sequenced && dx.position == 1)
            .map(|(dx, k, _)| (dx, k))
    }
}

impl Drop for ClaimContext<'_> {
    /// Hands the `resolved` list to the next claim on this thread (kept
    /// unless one huge claim grew it).
    fn drop(&mut self) {
        if self.resolved.capacity() <= REUSED_CAPACITY {
            let mut list = std::mem::take(&mut self.resolved);
            list.clear();
            SPARE.with(|s| *s.borrow_mut() = list);
        }
    }
}

/// Lists longer than this are not kept for the next claim.
const REUSED_CAPACITY: usize = 64;

/// Age on the service date: from the birth date when both dates are good,
/// else the age column.
fn patient_age(claim: &Claim, service_date: Option<Date>) -> Option<u32> {
    let birth = claim.birth_date.as_ref().and_then(|c| c.value.ok());
    if let (Some(dos), Some(birth)) = (service_date, birth) {
        return dos.years_since(birth);
    }
    claim
        .age
        .as_ref()
        .and_then(|c| c.value.as_ref().ok())
        .map(|a| u32::from(*a))
}
