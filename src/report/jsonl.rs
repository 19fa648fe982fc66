//! `--format jsonl`: one diagnostic object per line (the same object as the
//! entries of the JSON format), written as diagnostics arrive so consumers
//! can start before the run ends. Nothing else goes to this stream: no
//! header, no summary (a CLI prints the summary on stderr).

use std::io::{self, BufWriter, Write};

use super::record::Record;
use super::{Reporter, RunInfo, Summary};
use crate::engine::diagnostic::Diagnostic;

pub struct JsonlReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    /// The line being written, kept from finding to finding.
    line: Vec<u8>,
}

impl JsonlReporter {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        JsonlReporter {
            out: BufWriter::new(out),
            line: Vec::with_capacity(1024),
        }
    }
}

impl Reporter for JsonlReporter {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> io::Result<()> {
        self.line.clear();
        Record::from(diagnostic).write_line(&mut self.line);
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
