//! The `message` and `help` texts of pack rules, such as
//! `{code} ({title}) is not accepted in position {position}`: parsed into
//! text and placeholders when the pack loads, so that a misspelt
//! placeholder is an error in the TOML rather than text in every finding,
//! and a finding's message is written in one pass, working out only the
//! values its text names.

/// A value a finding's message can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The code, dotted.
    Code,
    /// The code's title.
    Title,
    /// The code and its title.
    CodeTitle,
    /// The diagnosis position.
    Position,
    /// The claim's type.
    ClaimType,
    /// The first code of the entry on the claim.
    First,
    /// How many codes of the entry the claim has so far.
    Count,
    /// The entry's citation.
    Cite,
}

/// The placeholders, as written between braces.
const FIELDS: [(&str, Field); 8] = [
    ("code", Field::Code),
    ("title", Field::Title),
    ("code_title", Field::CodeTitle),
    ("position", Field::Position),
    ("claim_type", Field::ClaimType),
    ("first", Field::First),
    ("count", Field::Count),
    ("cite", Field::Cite),
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(Box<str>),
    Field(Field),
}

/// A parsed message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `text`. A placeholder is a lower-case name (letters and
    /// underscores) between braces; any other brace is text. Errors with
    /// the name of an unknown placeholder.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let name_len = after
                .bytes()
                .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
                .count();
            if name_len == 0 || after.as_bytes().get(name_len) != Some(&b'}') {
                literal.push_str(&rest[..=open]);
                rest = after;
                continue;
            }
            let name = &after[..name_len];
            let field = FIELDS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, f)| *f)
                .ok_or_else(|| name.to_string())?;
            literal.push_str(&rest[..open]);
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal).into()));
            }
            parts.push(Part::Field(field));
            rest = &after[name_len + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal.into()));
        }
        Ok(Template { parts })
    }

    /// Writes the text to `out`, with `value` writing each placeholder's
    /// value.
    pub fn render(&self, out: &mut String, mut value: impl FnMut(Field, &mut String)) {
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => value(*f, out),
            }
        }
    }
}

/// The placeholders a message may use, for error messages.
pub fn field_list() -> String {
    FIELDS
        .iter()
        .map(|(n, _)| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &Template) -> String {
        let mut out = String::new();
        t.render(&mut out, |f, out| {
            out.push_str(match f {
                Field::Code => "Z53.2",
                Field::Title => "Procedure not carried out",
                Field::Position => "3",
                Field::Cite => "I.A.13",
                _ => "?",
            })
        });
        out
    }

    #[test]
    fn placeholders_are_filled_and_text_kept() {
        let t = Template::parse("{code} ({title}) in position {position}; see {cite}").unwrap();
        assert_eq!(
            render(&t),
            "Z53.2 (Procedure not carried out) in position 3; see I.A.13"
        );
        assert_eq!(
            render(&Template::parse("no placeholders").unwrap()),
            "no placeholders"
        );
        assert_eq!(render(&Template::parse("").unwrap()), "");
        assert_eq!(
            render(&Template::parse("{code}{code}").unwrap()),
            "Z53.2Z53.2"
        );
    }

    #[test]
    fn braces_that_are_not_placeholders_are_text() {
        for text in [
            "{",
            "}",
            "{}",
            "{ code }",
            "{Code}",
            "a {b",
            "{code",
            "set {1,2}",
        ] {
            assert_eq!(render(&Template::parse(text).unwrap()), text, "{text:?}");
        }
        assert_eq!(render(&Template::parse("{{code}}").unwrap()), "{Z53.2}");
    }

    #[test]
    fn unknown_placeholders_are_named() {
        assert_eq!(
            Template::parse("{code} ({titel})"),
            Err("titel".to_string())
        );
        assert_eq!(
            Template::parse("{first_code}"),
            Err("first_code".to_string())
        );
    }

    #[test]
    fn every_field_is_listed_once() {
        let list = field_list();
        for (name, _) in FIELDS {
            assert_eq!(list.matches(&format!("{{{name}}}")).count(), 1, "{name}");
        }
    }
}
