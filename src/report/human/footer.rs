//! The `help:` and `note:` lines under a finding's snippet, wrapped to the
//! report's width exactly as miette's `GraphicalReportHandler` wraps its
//! help and footer (textwrap, the same options and indents), but done here
//! so that each distinct help block is wrapped once.
//!
//! Wrapping was most of the human report's cost: textwrap finds line-break
//! opportunities by the Unicode rules, about 40,000 instructions a finding,
//! which made the report, not the rules, the slowest part of a run on two
//! threads. A run repeats a few thousand help blocks (the rule's help and
//! its suggestions) across all its findings; the notes (claim, field) are
//! short and almost always fit on one line as they are.

use owo_colors::{OwoColorize, Style};

use crate::codeset::fast_hash::FastMap;

/// Help blocks kept wrapped. Past this many the cache starts over, so a
/// run whose help texts are all different keeps a bounded memory.
const KEPT: usize = 8192;

pub(crate) struct Footer {
    /// The text width: the report's width less the two columns miette
    /// keeps free.
    width: usize,
    /// `  help: `, styled as the theme styles it.
    help_indent: String,
    helps: FastMap<String, String>,
}

impl Footer {
    pub(crate) fn new(report_width: usize, help_style: Style) -> Self {
        Footer {
            width: report_width.saturating_sub(2),
            help_indent: "  help: ".style(help_style).to_string(),
            helps: FastMap::default(),
        }
    }

    /// Appends the help block and its newline.
    pub(crate) fn help(&mut self, text: &str, out: &mut String) {
        if let Some(wrapped) = self.helps.get(text) {
            out.push_str(wrapped);
            return;
        }
        if self.helps.len() >= KEPT {
            self.helps.clear();
        }
        let options = textwrap::Options::new(self.width)
            .initial_indent(&self.help_indent)
            .subsequent_indent("        ");
        let mut wrapped = textwrap::fill(text, options);
        wrapped.push('\n');
        out.push_str(&wrapped);
        self.helps.insert(text.to_owned(), wrapped);
    }

    /// Appends the note: a blank line, the note, a newline.
    pub(crate) fn note(&self, text: &str, out: &mut String) {
        out.push('\n');
        if fits_as_is(text, 2, self.width) {
            out.push_str("  ");
            out.push_str(text);
        } else {
            let options = textwrap::Options::new(self.width)
                .initial_indent("  ")
                .subsequent_indent("  ");
            out.push_str(&textwrap::fill(text, options));
        }
        out.push('\n');
    }
}

/// Whether textwrap would give `text` back whole after an indent of
/// `indent` columns: one line of printable ASCII (a column a byte), no
/// space at either end, that fits in `width`.
fn fits_as_is(text: &str, indent: usize, width: usize) -> bool {
    indent + text.len() <= width
        && text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use miette::{GraphicalReportHandler, GraphicalTheme};

    use super::*;

    /// A finding with only a help text, for miette to render.
    #[derive(Debug)]
    struct Helped(String);

    impl fmt::Display for Helped {
        fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
            Ok(())
        }
    }

    impl std::error::Error for Helped {}

    impl miette::Diagnostic for Helped {
        fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
            Some(Box::new(&self.0))
        }
    }

    /// What miette writes after the message line for `help` and `note`,
    /// and what the footer writes for them.
    fn both(theme: GraphicalTheme, width: usize, help: &str, note: &str) -> (String, String) {
        let mut footer = Footer::new(width, theme.styles.help);
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_footer(note.to_string());
        let mut theirs = String::new();
        handler
            .render_report(&mut theirs, &Helped(help.to_string()))
            .unwrap();
        let theirs = theirs.split_once('\n').unwrap().1.to_string();
        let mut ours = String::new();
        footer.help(help, &mut ours);
        footer.note(note, &mut ours);
        (ours, theirs)
    }

    #[test]
    fn help_and_notes_are_what_miette_writes() {
        let helps = [
            "use a billable code below Z53.2\nZ53.20 Procedure and treatment not carried out because of contraindication\nZ53.21 Procedure and treatment not carried out due to patient leaving prior to being seen by health care provider",
            "check the birth date or age first, then the code: the MCE age edit returns the claim for correction (E08-E13 with .42)",
            "short",
            "a word-with-hyphens-that-is-much-longer-than-any-line-could-ever-hold-at-all-so-it-breaks-somewhere",
            "naïve façade résumé — dashes, and ½ widths: 日本語のテキストも折り返す必要があります",
        ];
        let notes = [
            "note: claim C1042, field dx1",
            "note: claim C-1 2 3, field dx 12, code e119 (read as E11.9)",
            "note: claim  two  spaces, field dx1 ",
            "note: claim C1, field a-very-long-hyphenated-column-name-that-goes-past-the-end-of-a-line",
            "note: claim Ç1, field dx1",
        ];
        let mut compared = 0;
        for width in [20, 40, 60, 79, 80, 81, 100] {
            for color in [false, true] {
                for help in helps {
                    for note in notes {
                        let theme = if color {
                            GraphicalTheme::unicode()
                        } else {
                            GraphicalTheme::unicode_nocolor()
                        };
                        let (ours, theirs) = both(theme, width, help, note);
                        assert_eq!(ours, theirs, "{width} {color}: {help:?} {note:?}");
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 350);
        // Notes of every length around the width, words and one long word.
        for width in [40, 100] {
            for len in width - 10..width + 4 {
                for word in ["ab ", "abcdefghijklmnopqrstuvwxyz"] {
                    let mut note = String::from("note: ");
                    while note.len() < len {
                        note.push_str(word);
                    }
                    note.truncate(len);
                    let note = note.trim_end();
                    let (ours, theirs) = both(GraphicalTheme::unicode_nocolor(), width, "h", note);
                    assert_eq!(ours, theirs, "{width}: {note:?}");
                }
            }
        }
    }

    #[test]
    fn notes_that_fit_skip_textwrap() {
        assert!(fits_as_is("note: claim C1", 2, 98));
        assert!(!fits_as_is("note: claim C1 ", 2, 98));
        assert!(!fits_as_is("note: claim Ç1", 2, 98));
        assert!(!fits_as_is("note:\tclaim", 2, 98));
        assert!(!fits_as_is(&"x".repeat(97), 2, 98));
        assert!(fits_as_is(&"x".repeat(96), 2, 98));
    }

    #[test]
    fn each_help_block_is_wrapped_once() {
        let mut footer = Footer::new(40, Style::new());
        let mut first = String::new();
        footer.help("use a billable code below Z53.2", &mut first);
        let mut again = String::new();
        footer.help("use a billable code below Z53.2", &mut again);
        assert_eq!(again, first);
        assert_eq!(footer.helps.len(), 1);
    }
}
