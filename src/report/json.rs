//! `--format json`: one JSON document written when the run ends.
//!
//! Shape: `{ "tool": {name, version}, "code_sets": [..], "summary": {..},
//! "diagnostics": [..] }`, each diagnostic the object described in
//! `record.rs`. Diagnostics are held in memory until `finish` because the
//! document is only valid once complete; use `jsonl` to stream.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::record::{Record, without_source};
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::Diagnostic;

pub struct JsonReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    tool: Tool,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    tool: &'a Tool,
    code_sets: &'a [String],
    summary: &'a Summary,
    diagnostics: Vec<Record<'a>>,
}

impl JsonReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonReporter {
            out: BufWriter::new(out),
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            diagnostics: Vec::new(),
        }
    }
}

impl Reporter for JsonReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.tool = Tool {
            name: run.tool,
            version: run.version,
        };
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> io::Result<()> {
        self.diagnostics.push(without_source(diagnostic));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let doc = Document {
            tool: &self.tool,
            code_sets: &summary.code_sets_used,
            summary,
            diagnostics: self.diagnostics.iter().map(Record::from).collect(),
        };
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
