//! `--format short`: one line per finding,
//! `path:line:col: severity[CODE name] message`, the shape editors and
//! `grep` understand. With `show_summary`, the run headline follows on the
//! same stream.

use std::io::{self, BufWriter, Write};

use super::text::{headline, one_line};
use super::{ReportOptions, Reporter, RunInfo, Summary};
use crate::engine::diagnostic::Diagnostic;

pub struct ShortReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    show_summary: bool,
}

impl ShortReporter {
    pub fn new(out: Box<dyn Write + Send>, options: &ReportOptions) -> Self {
        ShortReporter {
            out: BufWriter::new(out),
            show_summary: options.show_summary,
        }
    }
}

impl Reporter for ShortReporter {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        let loc = &d.location;
        writeln!(
            self.out,
            "{}:{}:{}: {}[{} {}] {}",
            one_line(&loc.file),
            loc.line,
            loc.column,
            d.severity,
            d.rule.code,
            d.rule.name,
            one_line(&d.message)
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.show_summary {
            writeln!(self.out, "{}", headline(summary))?;
        }
        self.out.flush()
    }
}
