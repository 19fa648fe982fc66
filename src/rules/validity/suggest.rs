//! Close real codes for a code that does not exist: the typing slips that
//! produce most unknown codes, each tried with O(1) look-ups.

use crate::codeset::code::CodeKey;
use crate::codeset::registry::Edition;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Up to `limit` codes billable on the edition's date that are one slip away
/// from `key`, most likely first: O/0 and I/1 confusion, a transposition, a
/// missing placeholder X, a missing or extra character, one wrong character.
pub fn close_codes(edition: &Edition<'_>, key: CodeKey, limit: usize) -> Vec<CodeKey> {
    let mut found: Vec<CodeKey> = Vec::new();
    let bytes = key.as_bytes();
    let n = bytes.len();
    // Candidates are spelled in a stack buffer: this runs for every unknown
    // code, over several hundred candidates each.
    let mut push = |candidate: &[u8]| {
        if let Some(k) = CodeKey::from_dotless(candidate)
            && k != key
            && !found.contains(&k)
            && edition.is_billable(k)
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
}
