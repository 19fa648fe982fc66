//! Bytes a report writes now but places later: held in memory up to a
//! limit, then in an anonymous temporary file, so that memory stays flat
//! however many findings a run has.
//!
//! The HTML page puts its summary above the findings table, yet the summary
//! is known only when the run ends. The rendered rows wait here until then.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// Bytes kept in memory before they go to disk: about ten thousand
/// findings' rows, so that small runs never touch the file system.
pub(crate) const IN_MEMORY: usize = 8 << 20;

pub(crate) struct Spool {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    limit: usize,
}

impl Spool {
    pub(crate) fn new(limit: usize) -> Self {
        Spool {
            memory: Vec::new(),
            file: None,
            limit,
        }
    }

    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(bytes);
        }
        if self.memory.len() + bytes.len() <= self.limit {
            self.memory.extend_from_slice(bytes);
            return Ok(());
        }
        let mut file = BufWriter::with_capacity(1 << 16, spill_file()?);
        file.write_all(&self.memory)?;
        file.write_all(bytes)?;
        self.memory = Vec::new();
        self.file = Some(file);
        Ok(())
    }

    /// Writes everything spooled, in order, to `out`. The temporary file,
    /// if there was one, is deleted when the spool is dropped (it was never
    /// linked where it could be left behind).
    pub(crate) fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.memory)?;
        if let Some(file) = self.file.take() {
            let mut file = file.into_inner().map_err(|e| e.into_error())?;
            file.rewind()?;
            io::copy(&mut file, out)?;
        }
        Ok(())
    }
}

fn spill_file() -> io::Result<File> {
    tempfile::tempfile().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot create a temporary file in {} for the report's rows: {e} (set TMPDIR to a writable directory)",
                std::env::temp_dir().display()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spooled(limit: usize, pieces: &[&str]) -> (bool, String) {
        let mut spool = Spool::new(limit);
        for p in pieces {
            spool.write_all(p.as_bytes()).unwrap();
        }
        let spilled = spool.file.is_some();
        let mut out = Vec::new();
        spool.copy_to(&mut out).unwrap();
        (spilled, String::from_utf8(out).unwrap())
    }

    #[test]
    fn keeps_small_runs_in_memory() {
        assert_eq!(
            spooled(10, &["abc", "defg", "hij"]),
            (false, "abcdefghij".into())
        );
    }

    #[test]
    fn spills_past_the_limit_and_gives_back_the_same_bytes() {
        assert_eq!(
            spooled(10, &["abc", "defg", "hijk", "l"]),
            (true, "abcdefghijkl".into())
        );
        let many: Vec<String> = (0..10_000).map(|i| format!("<tr>{i}</tr>\n")).collect();
        let pieces: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(spooled(1000, &pieces), (true, many.concat()));
    }
}
