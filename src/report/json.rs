//! `--format json`: one JSON document, written as the run goes.
//!
//! Shape: `{ "tool": {name, version}, "diagnostics": [..], "code_sets":
//! [..], "summary": {..} }`, each diagnostic the object described in
//! `record.rs` (the same as a `jsonl` line), one to a line. Diagnostics are
//! written as they arrive and the code sets and summary once the run ends
//! ([`StreamedDocument`]), so memory does not grow with the findings; the
//! document is valid once `finish` has written its end.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::record::Record;
use super::streamed::{Member, StreamedDocument};
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::Diagnostic;

pub struct JsonReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    document: StreamedDocument,
    /// The diagnostic being written, kept from one to the next.
    line: Vec<u8>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The document up to its diagnostics.
fn document(tool: &Tool) -> StreamedDocument {
    let tool = serde_json::to_string(tool).expect("two strings serialize");
    let opening = format!("{{\n  \"tool\": {tool},\n  \"diagnostics\": [");
    StreamedDocument::new(opening, "    ", "}\n")
}

impl JsonReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonReporter {
            out: BufWriter::new(out),
            document: document(&Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            }),
            line: Vec::with_capacity(1024),
        }
    }
}

impl Reporter for JsonReporter {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.document = document(&Tool {
            name: run.tool,
            version: run.version,
        });
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> io::Result<()> {
        self.line.clear();
        Record::from(diagnostic).write_line(&mut self.line);
        self.document.item(&mut self.out)?;
        self.out.write_all(&self.line)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let members: [(&str, &dyn Member); 2] =
            [("code_sets", &summary.code_sets_used), ("summary", summary)];
        self.document.close(&mut self.out, &members)?;
        self.out.flush()
    }
}
