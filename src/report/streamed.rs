//! A JSON document written as the run goes, for the `json` and `sarif`
//! reports: its one long array (the findings) an item to a line as they
//! arrive, then the members that only the end of the run knows.

use std::io::{self, Write};

use serde::Serialize;

pub(crate) struct StreamedDocument {
    /// The document up to its array's `[`: written before the first item,
    /// or at the end when there is none, so that a run that fails before
    /// its first finding leaves no half document.
    opening: String,
    /// The items' indentation; the closing bracket and the members after
    /// it stand two spaces to the left.
    indent: &'static str,
    /// What follows the last member: the brackets the opening left open.
    tail: &'static str,
    opened: bool,
    items: u64,
}

impl StreamedDocument {
    pub(crate) fn new(opening: String, indent: &'static str, tail: &'static str) -> Self {
        StreamedDocument {
            opening,
            indent,
            tail,
            opened: false,
            items: 0,
        }
    }

    fn open(&mut self, out: &mut impl Write) -> io::Result<()> {
        if !self.opened {
            self.opened = true;
            out.write_all(self.opening.as_bytes())?;
        }
        Ok(())
    }

    /// Starts the array's next item on a line of its own; the caller
    /// writes the item, on that one line.
    pub(crate) fn item(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.open(out)?;
        out.write_all(if self.items == 0 { b"\n" } else { b",\n" })?;
        out.write_all(self.indent.as_bytes())?;
        self.items += 1;
        Ok(())
    }

    /// Ends the array, then writes `members` (each pretty-printed and
    /// indented where it stands) and the tail.
    pub(crate) fn close(
        &mut self,
        out: &mut impl Write,
        members: &[(&str, &dyn Member)],
    ) -> io::Result<()> {
        self.open(out)?;
        let outer = &self.indent[2..];
        if self.items > 0 {
            write!(out, "\n{outer}")?;
        }
        out.write_all(b"]")?;
        for (name, value) in members {
            let text = value.pretty()?.replace('\n', &format!("\n{outer}"));
            write!(out, ",\n{outer}\"{name}\": {text}")?;
        }
        writeln!(out)?;
        out.write_all(self.tail.as_bytes())
    }
}

/// A member written after the array, in its own type's field order.
pub(crate) trait Member {
    fn pretty(&self) -> serde_json::Result<String>;
}

impl<T: Serialize> Member for T {
    fn pretty(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self)
    }
}
