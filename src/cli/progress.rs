//! A progress line on the terminal while a large file is checked.
//!
//! A file of tens of millions of claims takes a minute; a silent minute
//! looks like a hang. When the report goes to a file (`-o`, or stdout
//! redirected to one) and stderr is a terminal, `check` shows how much of
//! the file is read, the rate and the time left. Not when the report goes
//! to a pipe: a pager such as `less` owns the terminal then. The line
//! appears only once a file has taken [`SHOW_AFTER`], so small files never
//! flash one, and it is cleared before anything else is written to stderr.
//!
//! The reading thread only adds to a [`ReadCount`] per buffer it fills; a
//! ticker thread of its own turns that into the line, so checking is not
//! slowed by drawing.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::claims::ReadCount;

/// How long a file is checked before its progress line appears.
pub const SHOW_AFTER: Duration = Duration::from_millis(500);

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Whether `check` shows progress: not with `--quiet` or `--no-progress`,
/// and only when the report goes to a file and stderr is a terminal.
pub fn wanted(quiet: bool, no_progress: bool, report_to_file: bool) -> bool {
    !quiet && !no_progress && report_to_file && std::io::stderr().is_terminal()
}

/// Whether standard output is a regular file (`dxlint check ... > out`).
pub fn stdout_is_file() -> bool {
    // /dev/stdout leads to whatever descriptor 1 is.
    cfg!(unix) && std::fs::metadata("/dev/stdout").is_ok_and(|m| m.is_file())
}

/// The progress line of one file, drawn by a ticker thread until
/// [`FileProgress::finish`] (or drop) clears it.
pub struct FileProgress {
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<JoinHandle<()>>,
}

impl FileProgress {
    /// Starts following `count` for the file `name` of `total` bytes
    /// (`None`: standard input or a pipe, shown without a bar).
    pub fn start(name: &str, total: Option<u64>, count: ReadCount) -> FileProgress {
        let (stop, stopped) = mpsc::channel::<()>();
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden())
            .with_style(style(total.is_some()))
            .with_prefix(name.to_string());
        let ticker = std::thread::Builder::new()
            .name("dxlint-progress".into())
            .spawn(move || follow(&bar, &count, &stopped))
            .ok();
        FileProgress {
            stop: Some(stop),
            ticker,
        }
    }

    /// Clears the line (when it was shown) and stops the ticker.
    pub fn finish(mut self) {
        self.stop_ticker();
    }

    fn stop_ticker(&mut self) {
        // Dropping the sender wakes the ticker at once.
        self.stop.take();
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FileProgress {
    fn drop(&mut self) {
        self.stop_ticker();
    }
}

/// The ticker: waits [`SHOW_AFTER`], then redraws every [`TICK`] until the
/// file is done.
fn follow(bar: &ProgressBar, count: &ReadCount, stopped: &mpsc::Receiver<()>) {
    let started = Instant::now();
    let mut shown = false;
    loop {
        let wait = if shown {
            TICK
        } else {
            SHOW_AFTER.saturating_sub(started.elapsed())
        };
        match stopped.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
        if !shown {
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            shown = true;
        }
        bar.set_position(count.get());
    }
    if shown {
        bar.finish_and_clear();
    }
}

/// The line for a file of known size.
const SIZED: &str =
    "{spinner} checking {prefix}  {wide_bar}  {bytes}/{total_bytes}  {bytes_per_sec}  {eta} left";
/// The line for standard input or a pipe.
const UNSIZED: &str = "{spinner} checking {prefix}  {bytes} read  {bytes_per_sec}  {elapsed}";

fn style(sized: bool) -> ProgressStyle {
    let template = if sized { SIZED } else { UNSIZED };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_templates_parse() {
        // `style` falls back to the default bar on a template error; the
        // templates must not need it.
        for t in [SIZED, UNSIZED] {
            assert!(ProgressStyle::with_template(t).is_ok(), "{t}");
        }
    }

    #[test]
    fn a_quick_file_stops_the_ticker_at_once() {
        let started = Instant::now();
        let progress = FileProgress::start("claims.csv", Some(100), ReadCount::default());
        progress.finish();
        // Finishing does not wait out the delay before the line appears.
        assert!(started.elapsed() < SHOW_AFTER);
    }

    #[test]
    fn quiet_runs_and_reports_not_in_a_file_show_none() {
        assert!(!wanted(true, false, true));
        assert!(!wanted(false, true, true));
        assert!(!wanted(false, false, false));
    }
}
