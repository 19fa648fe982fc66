//! Which categories (first three characters) hold any code, remembered as
//! they are asked about: a test that stays in the processor's cache, for
//! code-shaped guesses that mostly name no category at all (the suggestion
//! search tries a few hundred per unknown code, and a look-up in a release
//! is a cache miss or two).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::codeset::code::CodeKey;

/// Letters, then two letters-or-digits.
const SIZE: usize = 26 * 36 * 36;

/// The answer bits of one category.
const PRESENT: u64 = 0b01;
const ABSENT: u64 = 0b10;

/// Two bits per category, filled on first use; shared by every thread (the
/// answer for a category never changes, so racing threads write the same
/// bits).
pub struct Categories(Box<[AtomicU64]>);

impl Default for Categories {
    fn default() -> Self {
        Categories(
            (0..(2 * SIZE).div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect(),
        )
    }
}

/// A letter or digit's place among the 36, upper case only.
fn alnum(b: u8) -> Option<usize> {
    match b {
        b'0'..=b'9' => Some(usize::from(b - b'0')),
        b'A'..=b'Z' => Some(10 + usize::from(b - b'A')),
        _ => None,
    }
}

fn index(key: CodeKey) -> Option<usize> {
    let b = key.as_bytes();
    let first = b.first().filter(|c| c.is_ascii_uppercase())?;
    let letter = usize::from(first - b'A');
    Some((letter * 36 + alnum(*b.get(1)?)?) * 36 + alnum(*b.get(2)?)?)
}

impl Categories {
    /// Does `key`'s category hold any code? `exists` answers for the
    /// category the first time it is asked about.
    pub fn contains(&self, key: CodeKey, exists: impl FnOnce(CodeKey) -> bool) -> bool {
        let Some(i) = index(key) else {
            return false;
        };
        let (word, shift) = (&self.0[2 * i / 64], (2 * i % 64) as u32);
        match (word.load(Ordering::Relaxed) >> shift) & 0b11 {
            PRESENT => true,
            ABSENT => false,
            _ => {
                let present = exists(key.category());
                let bits = if present { PRESENT } else { ABSENT };
                word.fetch_or(bits << shift, Ordering::Relaxed);
                present
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    #[test]
    fn asks_once_per_category_and_remembers() {
        let set = Categories::default();
        let known = [key("E11"), key("Z3A"), key("I10")];
        let asked = std::cell::Cell::new(0);
        let exists = |c: CodeKey| {
            asked.set(asked.get() + 1);
            known.contains(&c)
        };
        for yes in ["E11", "E11.65", "Z3A", "Z3A.00", "I10", "E11.9"] {
            assert!(set.contains(key(yes), exists), "{yes}");
        }
        for no in ["E10.9", "Z3B", "I11", "A00", "E10"] {
            assert!(!set.contains(key(no), exists), "{no}");
        }
        // E11, Z3A, I10, E10, Z3B, I11, A00: each asked about once.
        assert_eq!(asked.get(), 7);
    }
}
