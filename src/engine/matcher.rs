//! Code matchers for rule packs: prefixes (`Z51.1-`), ranges (`A00-B99`,
//! `B27.0-B27.9`), regular expressions and MCE edit flags.

use regex::Regex;

use crate::codeset::code::CodeKey;
use crate::codeset::mce::MceFlags;
use crate::codeset::registry::Edition;

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
    /// Codes whose title contains this lower-case text.
    TitleContains(String),
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
        match self {
            CodePattern::Prefix(p) => key.starts_with(p),
            CodePattern::Range(lo, hi) => {
                key.truncated(lo.len()) >= *lo && key.truncated(hi.len()) <= *hi && key.len() >= 3
            }
            CodePattern::Regex(re) => re.is_match(key.as_str()),
            CodePattern::Mce(flags) => edition.mce_flags(key).is_some_and(|f| f.intersects(*flags)),
            CodePattern::TitleContains(text) => edition
                .title(key)
                .is_some_and(|t| t.to_lowercase().contains(text.as_str())),
        }
    }
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

    pub fn is_empty(&self) -> bool {
        self.include.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> CodeKey {
        CodeKey::parse(s).unwrap()
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
}
