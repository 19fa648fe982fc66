//! `--format json`: one JSON document, written as the run goes.
//!
//! Shape: `{ "tool": {name, version}, "diagnostics": [..], "code_sets":
//! [..], "summary": {..} }`, each diagnostic the object described in
//! `record.rs` (the same as a `jsonl` line), one to a line. Diagnostics are
//! written as they arrive and the code sets and summary once the run ends,
//! so memory does not grow with the findings; the document is valid once
//! `finish` has written its end.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::record::Record;
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::Diagnostic;

pub struct JsonReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    tool: Tool,
    /// The document's opening has been written.
    opened: bool,
    diagnostics: u64,
    /// The diagnostic being written, kept from one to the next.
    line: Vec<u8>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl JsonReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonReporter {
            out: BufWriter::new(out),
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            opened: false,
            diagnostics: 0,
            line: Vec::with_capacity(1024),
        }
    }

    /// Writes the document up to the first diagnostic, once.
    fn open(&mut self) -> io::Result<()> {
        if !self.opened {
            self.opened = true;
            self.out.write_all(b"{\n  \"tool\": ")?;
            serde_json::to_writer(&mut self.out, &self.tool)?;
            self.out.write_all(b",\n  \"diagnostics\": [")?;
        }
        Ok(())
    }
}

impl Reporter for JsonReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = Tool {
            name: run.tool,
            version: run.version,
        };
        // Nothing is written yet: a run that fails before its first
        // finding leaves no half document behind.
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> io::Result<()> {
        self.open()?;
        self.line.clear();
        self.line.extend_from_slice(if self.diagnostics == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        Record::from(diagnostic).write_line(&mut self.line);
        self.diagnostics += 1;
        self.out.write_all(&self.line)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.open()?;
        let closing: &[u8] = if self.diagnostics == 0 {
            b"],\n"
        } else {
            b"\n  ],\n"
        };
        self.out.write_all(closing)?;
        self.out.write_all(b"  \"code_sets\": ")?;
        serde_json::to_writer(&mut self.out, &summary.code_sets_used)?;
        let summary = serde_json::to_string_pretty(summary)?.replace('\n', "\n  ");
        writeln!(self.out, ",\n  \"summary\": {summary}\n}}")?;
        self.out.flush()
    }
}
