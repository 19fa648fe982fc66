//! Code matchers for rule packs: prefixes (`Z51.1-`), ranges (`A00-B99`,
//! `B27.0-B27.9`), regular expressions and MCE edit flags.

use regex::Regex;

use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::Edition;
use crate::codeset::text_signature;
use crate::codeset::version::Entry;
use crate::engine::context::ClaimContext;

/// One way of naming a set of codes.
#[derive(Clone, Debug)]
pub enum CodePattern {
    /// The code and everything below it.
    Prefix(CodeKey),
    /// Codes whose leading characters fall between two bounds, inclusive;
    /// each bound compares with the code cut to the bound's length.
    Range(CodeKey, CodeKey),
    /// A regular expression over the dotless code.
    Regex(Regex),
    /// Codes carrying one of these MCE flags on the date of service.
    Mce(MceFlags),
    /// Codes whose title contains this text (in any case).
    TitleContains(Box<TitleNeedle>),
}

/// Lower-case text searched for in titles, with its compiled searcher:
/// packs search the title of every code they meet.
#[derive(Clone, Debug)]
pub struct TitleNeedle {
    text: String,
    finder: memchr::memmem::Finder<'static>,
    /// The text's [`text_signature`]: a title whose signature lacks a bit of
    /// it is passed over unread.
    signature: u64,
}

impl TitleNeedle {
    pub fn new(text: &str) -> TitleNeedle {
        let text = text.to_lowercase();
        let finder = memchr::memmem::Finder::new(text.as_bytes()).into_owned();
        let signature = text_signature(text.as_bytes());
        TitleNeedle {
            text,
            finder,
            signature,
        }
    }

    /// Whether `entry`'s title contains the text, in any case.
    fn found_in(&self, entry: &Entry<'_>) -> bool {
        // Reading a title is a cache miss of its own, and most titles lack
        // one of the text's trigrams.
        if entry.title_signature() & self.signature != self.signature {
            return false;
        }
        TITLE.with_borrow_mut(|title| {
            title.clear();
            entry.write_title(title);
            title_contains(title, self)
        })
    }
}

impl CodePattern {
    /// Parses `Z51.1-`, `Z51.1`, `A00-B99`. Errors are plain text for the
    /// pack loader to place in the TOML.
    pub fn parse_code_or_range(text: &str) -> Result<CodePattern, String> {
        let t = text.trim();
        let t = t
            .strip_suffix(".-")
            .or_else(|| t.strip_suffix('-'))
            .unwrap_or(t);
        if let Some((lo, hi)) = t.split_once('-') {
            let lo = parse_key(lo)?;
            let hi = parse_key(hi)?;
            if lo.truncated(hi.len()) > hi {
                return Err(format!("range `{text}` ends before it starts"));
            }
            return Ok(CodePattern::Range(lo, hi));
        }
        parse_key(t).map(CodePattern::Prefix)
    }

    pub fn matches(&self, key: CodeKey, edition: &Edition<'_>) -> bool {
        self.matches_in(key, edition, Flags::Look)
    }

    /// [`CodePattern::matches`] on a claim under check: MCE flags come from
    /// the claim's memo.
    pub fn matches_on(&self, key: CodeKey, ctx: &ClaimContext<'_>) -> bool {
        self.matches_in(key, &ctx.edition, Flags::Claim(ctx))
    }

    fn matches_in(&self, key: CodeKey, edition: &Edition<'_>, flags: Flags<'_>) -> bool {
        match self {
            CodePattern::Mce(wanted) => match flags {
                Flags::Look => edition.mce_flags(key),
                Flags::Claim(ctx) => ctx.mce_flags(key),
                Flags::Known(known) => known,
            }
            .is_some_and(|f| f.intersects(*wanted)),
            CodePattern::Prefix(p) => has_prefix(key, *p),
            CodePattern::Range(lo, hi) => {
                key.truncated(lo.len()) >= *lo && key.truncated(hi.len()) <= *hi && key.len() >= 3
            }
            CodePattern::Regex(re) => re.is_match(key.as_str()),
            CodePattern::TitleContains(needle) => edition
                .titled_entry(key)
                .is_some_and(|entry| needle.found_in(&entry)),
        }
    }

    /// The sort keys of the codes this pattern names, as one interval,
    /// for prefixes and ranges (see [`order_key_max`]).
    fn bounds(&self) -> Option<(u64, u64)> {
        match self {
            CodePattern::Prefix(p) => Some((p.order_key(), order_key_max(*p))),
            CodePattern::Range(lo, hi) => Some((lo.order_key(), order_key_max(*hi))),
            CodePattern::Regex(_) | CodePattern::Mce(_) | CodePattern::TitleContains(_) => None,
        }
    }
}

/// Where a pattern reads a code's MCE flags from.
#[derive(Clone, Copy)]
enum Flags<'c> {
    /// The code sets.
    Look,
    /// The claim's memo.
    Claim(&'c ClaimContext<'c>),
    /// Already looked up.
    Known(Option<MceFlags>),
}

/// The largest [`CodeKey::order_key`] of a code that starts with `key`.
///
/// A prefix `p` holds exactly the codes from `p.order_key()` to
/// `order_key_max(p)`. A range `lo-hi` (each bound compared with the code
/// cut to the bound's length) holds exactly the codes from `lo.order_key()`
/// to `order_key_max(hi)`: a code cut to `lo`'s length is at least `lo`
/// when its padded bytes are, and cut to `hi`'s length at most `hi` when
/// its padded bytes are at most `hi` followed by the largest bytes.
fn order_key_max(key: CodeKey) -> u64 {
    let rest = u64::MAX
        .checked_shr(8 * (1 + key.len() as u32))
        .unwrap_or(0);
    key.order_key() | rest
}

/// `key.starts_with(&prefix)`, on the keys' integer forms.
#[inline]
fn has_prefix(key: CodeKey, prefix: CodeKey) -> bool {
    let n = prefix.len();
    let mask = (1u64 << (8 * n)) - 1;
    key.len() >= n && (key.to_u64() ^ prefix.to_u64()) & mask == 0
}

thread_local! {
    /// The title under search, spelled into one buffer per thread.
    static TITLE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Whether `title`, lower-cased, contains `needle`. ASCII titles are
/// lower-cased in place and searched with the compiled searcher; others
/// are lower-cased into a new string first.
fn title_contains(title: &mut String, needle: &TitleNeedle) -> bool {
    if !title.is_ascii() {
        return title.to_lowercase().contains(&needle.text);
    }
    title.make_ascii_lowercase();
    needle.finder.find(title.as_bytes()).is_some()
}

fn parse_key(s: &str) -> Result<CodeKey, String> {
    CodeKey::parse(s).map_err(|e| format!("`{}` is not a code: {e}", s.trim()))
}

/// A set of codes: any of `include`, none of `exclude`.
#[derive(Clone, Debug, Default)]
pub struct CodeSetMatcher {
    pub include: Vec<CodePattern>,
    pub exclude: Vec<CodePattern>,
}

impl CodeSetMatcher {
    pub fn matches(&self, key: CodeKey, edition: &Edition<'_>) -> bool {
        self.include.iter().any(|p| p.matches(key, edition))
            && !self.exclude.iter().any(|p| p.matches(key, edition))
    }

    /// [`CodeSetMatcher::matches`] on a claim under check.
    pub fn matches_on(&self, key: CodeKey, ctx: &ClaimContext<'_>) -> bool {
        self.matches_with(key, &ctx.edition, Flags::Claim(ctx))
    }

    /// [`CodeSetMatcher::matches`] for a code whose MCE flags on the
    /// edition are already known.
    pub fn matches_known(
        &self,
        key: CodeKey,
        edition: &Edition<'_>,
        mce: Option<MceFlags>,
    ) -> bool {
        self.matches_with(key, edition, Flags::Known(mce))
    }

    fn matches_with(&self, key: CodeKey, edition: &Edition<'_>, flags: Flags<'_>) -> bool {
        self.include
            .iter()
            .any(|p| p.matches_in(key, edition, flags))
            && !self
                .exclude
                .iter()
                .any(|p| p.matches_in(key, edition, flags))
    }

    pub fn is_empty(&self) -> bool {
        self.include.is_empty()
    }

    /// The same set as sorted intervals, when it is made of prefixes and
    /// ranges only (`None` when a regex, flag or title decides).
    pub fn to_static(&self) -> Option<StaticCodeSet> {
        let bounds = |list: &[CodePattern]| -> Option<Vec<(u64, u64)>> {
            list.iter().map(CodePattern::bounds).collect()
        };
        Some(StaticCodeSet {
            include: merged(bounds(&self.include)?),
            exclude: merged(bounds(&self.exclude)?),
        })
    }
}

/// A set of codes named by prefixes and ranges, as sorted disjoint
/// intervals of sort keys: membership is a binary search, with no code
/// set look-up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaticCodeSet {
    include: Vec<(u64, u64)>,
    exclude: Vec<(u64, u64)>,
}

impl StaticCodeSet {
    pub fn contains(&self, key: CodeKey) -> bool {
        let k = key.order_key();
        within(&self.include, k) && !within(&self.exclude, k)
    }

    /// Every code of `self` or `other`: the included intervals of both
    /// (exclusions are dropped, so this may hold more; for pre-filters).
    pub fn union_cover(&self, other: &StaticCodeSet) -> StaticCodeSet {
        let mut include = self.include.clone();
        include.extend_from_slice(&other.include);
        StaticCodeSet {
            include: merged(include),
            exclude: Vec::new(),
        }
    }
}

fn within(intervals: &[(u64, u64)], k: u64) -> bool {
    // Packs name a handful of intervals: a scan beats a binary search.
    for &(start, end) in intervals {
        if k < start {
            return false;
        }
        if k <= end {
            return true;
        }
    }
    false
}

/// Sorted, overlapping and adjacent intervals joined.
fn merged(mut v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    v.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
    }

    /// The signature passes over titles unread but never one that holds
    /// the text: every title is searched for the pack's text, common words
    /// and a piece of itself.
    #[test]
    fn title_signatures_pass_over_only_titles_without_the_text() {
        use crate::codeset::version::Version;
        let needles: Vec<TitleNeedle> = [
            "in diseases classified elsewhere",
            "unspecified",
            "Initial Encounter",
            "type 2",
            "é",
        ]
        .iter()
        .map(|t| TitleNeedle::new(t))
        .collect();
        // Releases loaded at run time get their signatures from the same
        // writer: an order file and a tabular XML file.
        let loaded: Vec<Version> = ["icd10cm_order_2027.txt", "tabular_mini.xml"]
            .iter()
            .map(|name| {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fixtures/codesets")
                    .join(name);
                Version::load(&path).unwrap()
            })
            .collect();
        for v in Version::embedded().iter().chain(&loaded) {
            let (mut searched, mut unread) = (0, 0);
            for entry in v.entries() {
                let title = entry.title().to_lowercase();
                for needle in &needles {
                    let found = needle.found_in(&entry);
                    assert_eq!(
                        found,
                        title.contains(&needle.text),
                        "{} {:?}",
                        entry.key(),
                        needle.text
                    );
                    searched += 1;
                    unread +=
                        usize::from(entry.title_signature() & needle.signature != needle.signature);
                }
                let chars: Vec<char> = title.chars().collect();
                let piece: String = chars[chars.len() / 3..chars.len() * 2 / 3].iter().collect();
                assert!(
                    TitleNeedle::new(&piece).found_in(&entry),
                    "{} {piece:?}",
                    entry.key()
                );
            }
            // Most searches in a full release end at the signature.
            if v.len() > 10_000 {
                assert!(unread * 10 > searched * 6, "{v:?}: {unread} of {searched}");
            }
        }
    }

    #[test]
    fn parses_prefixes_and_ranges() {
        assert!(
            matches!(CodePattern::parse_code_or_range("Z51.1-"), Ok(CodePattern::Prefix(k)) if k == key("Z511"))
        );
        assert!(
            matches!(CodePattern::parse_code_or_range("E10.-"), Ok(CodePattern::Prefix(k)) if k == key("E10"))
        );
        assert!(
            matches!(CodePattern::parse_code_or_range("A00-B99"), Ok(CodePattern::Range(a, b)) if a == key("A00") && b == key("B99"))
        );
        assert!(CodePattern::parse_code_or_range("B99-A00").is_err());
        assert!(CodePattern::parse_code_or_range("2AB").is_err());
    }

    #[test]
    fn range_bounds_compare_at_their_own_length() {
        let sets = crate::codeset::registry::CodeSets::embedded();
        let ed = sets.edition(None);
        let r = CodePattern::parse_code_or_range("O09-O60").unwrap();
        assert!(r.matches(key("O09.90"), &ed));
        assert!(r.matches(key("O60.14X0"), &ed));
        assert!(!r.matches(key("O80"), &ed));
        let r = CodePattern::parse_code_or_range("B27.0-B27.9").unwrap();
        assert!(r.matches(key("B27.01"), &ed));
        assert!(r.matches(key("B27.99"), &ed));
        assert!(!r.matches(key("B28"), &ed));
    }

    /// Every code of the embedded releases, and each cut to every length.
    fn all_keys() -> Vec<CodeKey> {
        let mut keys: Vec<CodeKey> = Vec::new();
        for v in crate::codeset::version::Version::embedded() {
            for e in v.entries() {
                let k = e.key();
                keys.extend((3..=k.len()).map(|n| k.truncated(n)));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn intervals_match_exactly_what_the_patterns_match() {
        let sets = crate::codeset::registry::CodeSets::embedded();
        let ed = sets.edition(None);
        let specs: &[(&[&str], &[&str])] = &[
            (&["Z00", "Z01", "Z02", "Z04"], &[]),
            (&["Z31.81", "Z33.2", "Z34", "Z51.1-", "Z99.12"], &[]),
            (&["V00-Y99"], &["W19"]),
            (
                &["A00-B99", "O09-O60", "B27.0-B27.9", "S72.001-S72.009"],
                &["A01.0", "O10"],
            ),
            (&["E10.-", "E11.65", "I10"], &["E10.9"]),
        ];
        let keys = all_keys();
        for (include, exclude) in specs {
            let parse = |l: &[&str]| {
                l.iter()
                    .map(|s| CodePattern::parse_code_or_range(s).unwrap())
                    .collect::<Vec<_>>()
            };
            let m = CodeSetMatcher {
                include: parse(include),
                exclude: parse(exclude),
            };
            let fast = m.to_static().expect("prefixes and ranges are static");
            for k in &keys {
                assert_eq!(
                    fast.contains(*k),
                    m.matches(*k, &ed),
                    "{k} in {include:?} - {exclude:?}"
                );
            }
        }
        let dynamic = CodeSetMatcher {
            include: vec![CodePattern::Mce(MceFlags::MANIFESTATION)],
            exclude: Vec::new(),
        };
        assert!(dynamic.to_static().is_none());
    }

    #[test]
    fn integer_prefix_test_is_starts_with() {
        let keys = all_keys();
        let prefixes: Vec<CodeKey> = keys.iter().step_by(97).copied().collect();
        for p in &prefixes {
            for k in keys.iter().step_by(13) {
                assert_eq!(has_prefix(*k, *p), k.starts_with(p), "{k} starts with {p}");
            }
            assert!(has_prefix(*p, *p));
        }
    }

    #[test]
    fn title_search_is_lower_case_contains() {
        let cases = [
            (
                "Arthropathy in diseases classified elsewhere",
                "in diseases classified elsewhere",
            ),
            (
                "ARTHROPATHY IN DISEASES CLASSIFIED ELSEWHERE",
                "in diseases classified elsewhere",
            ),
            (
                "Arthropathy in diseases classified",
                "in diseases classified elsewhere",
            ),
            (
                "Méniere's disease, in diseases classified elsewhere",
                "in diseases classified elsewhere",
            ),
            ("Ménière", "ménière"),
            ("KELVIN \u{212a}", "k"),
            ("short", ""),
            ("", "x"),
            // The first 'i' does not start the match; a later one does.
            ("iiin diseases", "in diseases"),
            ("ends with In", "in"),
            ("in disease", "in diseases"),
        ];
        for (title, needle) in cases {
            assert_eq!(
                title_contains(&mut title.to_string(), &TitleNeedle::new(needle)),
                title.to_lowercase().contains(needle),
                "{title:?} / {needle:?}"
            );
        }
    }
}
