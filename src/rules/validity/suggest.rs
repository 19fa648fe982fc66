//! Close real codes for a code that does not exist: the typing slips that
//! produce most unknown codes, each tried with O(1) look-ups.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::codeset::code::CodeKey;
use crate::codeset::fast_hash::FastSet;
use crate::codeset::registry::Edition;

/// Answers kept per thread before the memo starts over.
const REMEMBERED: usize = 4096;

thread_local! {
    /// Suggestions by edition, code and limit: a file with a wrong code
    /// usually has it many times, and each search costs a few hundred
    /// look-ups.
    static SUGGESTED: RefCell<HashMap<(u64, u64, usize), Vec<CodeKey>>> =
        RefCell::new(HashMap::new());
}

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Up to `limit` codes billable on the edition's date that are one slip away
/// from `key`, most likely first: O/0 and I/1 confusion, a transposition, a
/// missing placeholder X, a missing or extra character, one wrong character.
pub fn close_codes(edition: &Edition<'_>, key: CodeKey, limit: usize) -> Vec<CodeKey> {
    let memo_key = (edition.memo_id(), key.to_u64(), limit);
    if let Some(known) = SUGGESTED.with_borrow(|m| m.get(&memo_key).cloned()) {
        return known;
    }
    // Most candidates change the category into one no code has: the table
    // of known categories settles them without a look-up in the release.
    let sets = edition.sets();
    // Most of the rest keep the code's category: its billable codes,
    // gathered once from one stretch of the release, answer for them
    // instead of a look-up each (a cache miss each, hundreds a search).
    let category = key.category();
    let near: FastSet<CodeKey> = if sets.has_category(category) {
        let mut near: FastSet<CodeKey> =
            edition.billable_descendants(category).into_iter().collect();
        if edition.is_billable(category) {
            near.insert(category);
        }
        near
    } else {
        FastSet::default()
    };
    let found = search(
        key,
        limit,
        |k| sets.has_category(k),
        |k| {
            if k.category() == category {
                near.contains(&k)
            } else {
                edition.is_billable(k)
            }
        },
    );
    SUGGESTED.with_borrow_mut(|m| {
        if m.len() >= REMEMBERED {
            m.clear();
        }
        m.insert(memo_key, found.clone());
    });
    found
}

/// The search itself; `may_exist` passes over candidates cheaply (it must
/// hold for every code the edition calls billable), and `billable` answers
/// as [`Edition::is_billable`] does.
fn search(
    key: CodeKey,
    limit: usize,
    may_exist: impl Fn(CodeKey) -> bool,
    billable: impl Fn(CodeKey) -> bool,
) -> Vec<CodeKey> {
    let mut found: Vec<CodeKey> = Vec::new();
    let bytes = key.as_bytes();
    let n = bytes.len();
    // Candidates are spelled in a stack buffer: this runs for every unknown
    // code, over several hundred candidates each.
    let mut push = |candidate: &[u8]| {
        if let Some(k) = CodeKey::from_dotless(candidate)
            && k != key
            && may_exist(k)
            && !found.contains(&k)
            && billable(k)
        {
            found.push(k);
        }
    };
    let mut v = [0u8; CodeKey::MAX_LEN + 1];

    // Look-alike characters.
    for i in 0..n {
        let swap = match bytes[i] {
            b'O' => b'0',
            b'0' => b'O',
            b'I' => b'1',
            b'1' => b'I',
            _ => continue,
        };
        v[..n].copy_from_slice(bytes);
        v[i] = swap;
        push(&v[..n]);
    }
    // Adjacent transpositions.
    for i in 1..n {
        v[..n].copy_from_slice(bytes);
        v.swap(i - 1, i);
        push(&v[..n]);
    }
    // A 7th character written without its placeholder X (S0000A -> S00.00XA).
    if (4..7).contains(&n) {
        v[..n - 1].copy_from_slice(&bytes[..n - 1]);
        v[n - 1..6].fill(b'X');
        v[6] = bytes[n - 1];
        push(&v[..7]);
    }
    // One character too many.
    for i in 0..n {
        v[..i].copy_from_slice(&bytes[..i]);
        v[i..n - 1].copy_from_slice(&bytes[i + 1..]);
        push(&v[..n - 1]);
    }
    // One character missing.
    if n < CodeKey::MAX_LEN {
        for i in 1..=n {
            v[..i].copy_from_slice(&bytes[..i]);
            v[i + 1..=n].copy_from_slice(&bytes[i..]);
            for &c in ALPHABET {
                v[i] = c;
                push(&v[..=n]);
            }
        }
    }
    // One character wrong.
    for i in 0..n {
        v[..n].copy_from_slice(bytes);
        for &c in ALPHABET {
            if c == bytes[i] {
                continue;
            }
            v[i] = c;
            push(&v[..n]);
        }
    }
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::registry::CodeSets;
    use crate::date::Date;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    /// Each kind of slip leads back to the code that was meant.
    #[test]
    fn every_kind_of_slip_is_undone() {
        let sets = CodeSets::embedded();
        let ed = sets.edition(Some(Date::ymd(2025, 3, 1)));
        let cases = [
            ("E1I.9", "E11.9"),      // look-alike: I for 1
            ("EI1.9", "E11.9"),      // look-alike in the category
            ("E19.1", "E11.9"),      // adjacent characters swapped
            ("S00.00A", "S00.00XA"), // 7th character without its placeholder
            ("I10.0", "I10"),        // one character too many
            ("E19", "E11.9"),        // one character missing
            ("E12.9", "E11.9"),      // one character wrong
        ];
        for (typed, meant) in cases {
            assert_eq!(
                ed.standing(key(typed)),
                crate::codeset::registry::Standing::Unknown,
                "{typed}"
            );
            let close = close_codes(&ed, key(typed), 20);
            assert!(close.contains(&key(meant)), "{typed}: {close:?}");
            assert!(
                close.iter().all(|k| ed.is_billable(*k)),
                "{typed}: {close:?}"
            );
        }
        // At most `limit`, never the code itself.
        let close = close_codes(&ed, key("E12.9"), 2);
        assert_eq!(close.len(), 2);
        assert!(!close.contains(&key("E12.9")));
    }

    /// The category pre-test and the gathered codes of the category change
    /// no answer: the same suggestions as a search that looks every
    /// candidate up, for slips of codes from every chapter, on a release's
    /// date and on timeline dates.
    #[test]
    fn the_shortcuts_change_no_answer() {
        let sets = CodeSets::embedded();
        let mut compared = 0;
        for date in [
            Date::ymd(2025, 3, 1),
            Date::ymd(2018, 6, 1),
            Date::ymd(2026, 12, 1),
        ] {
            let ed = sets.edition(Some(date));
            for (n, e) in sets.newest().entries().step_by(97).enumerate() {
                // One slip: a wrong character, or the category's second and
                // third characters swapped.
                let mut typed = e.key().as_bytes().to_vec();
                if n % 2 == 0 {
                    let at = typed.len() / 2;
                    typed[at] = if typed[at] == b'9' { b'8' } else { b'9' };
                } else {
                    typed.swap(1, 2);
                }
                let Some(typed) = CodeKey::from_dotless(&typed) else {
                    continue;
                };
                let fast = close_codes(&ed, typed, 5);
                let slow = search(typed, 5, |_| true, |k| ed.is_billable(k));
                assert_eq!(fast, slow, "{typed} on {date:?}");
                compared += usize::from(!fast.is_empty());
            }
        }
        assert!(compared > 100, "{compared} searches found something");
    }
}
