//! `dxlint baseline FILES...` and `check --baseline FILE`.

use std::path::Path;

use crate::baseline::{Baseline, Excused, Filter};
use crate::cli::args::CheckArgs;
use crate::cli::{ExitCode, Failure, check};
use crate::report::{Format, Reporter};

/// Writes the run's findings as a baseline (stdout, or `-o`). Takes every
/// option `check` takes; the format is always the baseline's. Exits 0 once
/// the baseline is written, whatever it holds.
pub fn run(mut args: CheckArgs) -> Result<ExitCode, Failure> {
    args.format = Some(Format::Baseline);
    match check::run(args)? {
        ExitCode::Findings => Ok(ExitCode::Clean),
        code => Ok(code),
    }
}

/// `report` with the findings of the baseline at `path` left out, and the
/// handle that accounts for them. Without a baseline, `report` unchanged.
pub fn filter(
    report: Box<dyn Reporter + Send>,
    path: Option<&Path>,
) -> Result<(Box<dyn Reporter + Send>, Excused), Failure> {
    let Some(path) = path else {
        return Ok((report, Excused::default()));
    };
    let baseline = Baseline::load(path).map_err(|e| Failure::io(e.to_string()))?;
    let (filter, excused) = Filter::new(report, baseline, &path.display().to_string());
    Ok((Box::new(filter), excused))
}
