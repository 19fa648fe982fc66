//! Close real codes for a code that does not exist: the typing slips that
//! produce most unknown codes, each tried with O(1) look-ups.

use crate::codeset::code::CodeKey;
use crate::codeset::registry::{Edition, Standing};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Up to `limit` codes billable on the edition's date that are one slip away
/// from `key`, most likely first: O/0 and I/1 confusion, a transposition, a
/// missing placeholder X, a missing or extra character, one wrong character.
pub fn close_codes(edition: &Edition<'_>, key: CodeKey, limit: usize) -> Vec<CodeKey> {
    let mut found: Vec<CodeKey> = Vec::new();
    let push = |k: CodeKey, found: &mut Vec<CodeKey>| {
        if k != key && !found.contains(&k) && edition.standing(k) == Standing::Billable {
            found.push(k);
        }
    };
    let bytes = key.as_bytes();
    let n = bytes.len();

    // Look-alike characters.
    for i in 0..n {
        let swap = match bytes[i] {
            b'O' => Some(b'0'),
            b'0' => Some(b'O'),
            b'I' => Some(b'1'),
            b'1' => Some(b'I'),
            _ => None,
        };
        if let Some(c) = swap {
            let mut v = bytes.to_vec();
            v[i] = c;
            if let Some(k) = CodeKey::from_dotless(&v) {
                push(k, &mut found);
            }
        }
    }
    // Adjacent transpositions.
    for i in 1..n {
        let mut v = bytes.to_vec();
        v.swap(i - 1, i);
        if let Some(k) = CodeKey::from_dotless(&v) {
            push(k, &mut found);
        }
    }
    // A 7th character written without its placeholder X (S0000A -> S00.00XA).
    if (4..7).contains(&n) {
        let (head, last) = bytes.split_at(n - 1);
        let mut v = head.to_vec();
        while v.len() < 6 {
            v.push(b'X');
        }
        v.extend_from_slice(last);
        if let Some(k) = CodeKey::from_dotless(&v) {
            push(k, &mut found);
        }
    }
    // One character too many.
    for i in 0..n {
        let mut v = bytes.to_vec();
        v.remove(i);
        if let Some(k) = CodeKey::from_dotless(&v) {
            push(k, &mut found);
        }
    }
    // One character missing.
    if n < CodeKey::MAX_LEN {
        for i in 1..=n {
            for &c in ALPHABET {
                let mut v = bytes.to_vec();
                v.insert(i, c);
                if let Some(k) = CodeKey::from_dotless(&v) {
                    push(k, &mut found);
                }
            }
        }
    }
    // One character wrong.
    for i in 0..n {
        for &c in ALPHABET {
            if c == bytes[i] {
                continue;
            }
            let mut v = bytes.to_vec();
            v[i] = c;
            if let Some(k) = CodeKey::from_dotless(&v) {
                push(k, &mut found);
            }
        }
    }
    found.truncate(limit);
    found
}
