//! `dxlint check`: read claim files, run the rules, report.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::claims::{
    ClaimReader, ColumnMap, FileId, InputOptions, Members, ReadCount, open_counted, open_input,
};
use crate::cli::args::{CheckArgs, ColorChoice};
use crate::cli::pipeline::{Checker, Workers, check_events};
use crate::cli::progress::{self, FileProgress};
use crate::cli::{ExitCode, Failure, load_catalog, load_codesets, load_config, to_stderr};
use crate::codeset::poa::PoaExemptList;
use crate::codeset::registry::CodeSets;
use crate::config::parse_claim_type;
use crate::engine::diagnostic::{Diagnostic, Severity};
use crate::engine::files::FileTable;
use crate::engine::{Engine, Selection};
use crate::report::{FileSummary, Format, ReportOptions, Reporter, RunInfo, Summary, reporter};

pub fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    if let Some(code) = crate::cli::fix::before_check(&args)? {
        return Ok(code);
    }
    let config = load_config(&args.packs)?;
    let catalog = load_catalog(&config, &args.packs.rules)?;
    config.validate(&catalog).map_err(Failure::boxed)?;

    let selection = merge_selection(&config.selection, &args);
    let poa_exempt = match args.poa_exempt.as_ref().or(config.poa_exempt.as_ref()) {
        Some(path) => Some(PoaExemptList::load(path).map_err(|e| Failure::io(e.to_string()))?),
        None => None,
    };
    let engine = Engine::new(catalog, &selection)
        .map_err(|e| Failure::usage(e.to_string()))?
        .with_poa_exempt(poa_exempt);

    let mut codeset_paths = config.codesets.clone();
    codeset_paths.extend(args.codeset.iter().cloned());
    let codesets = load_codesets(&codeset_paths)?;

    let stdout_tty = std::io::stdout().is_terminal() && args.output.is_none();
    let format = args.format.unwrap_or(if stdout_tty {
        Format::Human
    } else {
        Format::Short
    });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::io(format!("cannot write {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    // Machine formats keep stdout for the report; the summary goes to stderr.
    let summary_in_report = matches!(
        format,
        Format::Human | Format::Json | Format::Sarif | Format::Github
    );
    let options = ReportOptions {
        color,
        // Rows shown in a report that leaves the terminal (a pipe, a file, a
        // CI log) are masked unless asked for.
        redact: args.redact || (!stdout_tty && !args.no_redact),
        width: None,
        delimiter: b',',
        show_summary: !args.quiet && summary_in_report,
    };
    let report = reporter(format, out, &options);
    let (mut report, excused) = crate::cli::baseline::filter(report, args.baseline.as_deref())?;
    let run_info = RunInfo {
        tool: "dxlint",
        version: env!("CARGO_PKG_VERSION"),
        rules: engine.active_rules(),
    };
    report.begin(&run_info).map_err(Failure::output)?;

    let mut files = FileTable::default();
    let members = load_members(&config.members, &args.members, &mut files)?;
    let mut summary = Summary::default();
    if let Some(m) = &members {
        report_member_rows(m, &engine, &files, report.as_mut(), &mut summary)?;
    }
    let mut columns = config.columns.clone();
    apply_column_flags(&mut columns, &args);
    let input_options = InputOptions {
        delimiter: parse_delimiter(args.delimiter.as_deref())?,
        columns,
        default_claim_type: match args.claim_type.as_deref() {
            Some(t) => Some(parse_claim_type(t).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown claim type `{t}`: use inpatient, outpatient or professional"
                ))
            })?),
            None => config.claim_type,
        },
        keep_source_lines: format == Format::Human,
        ..InputOptions::default()
    };

    let threads = thread_count(args.threads)?;
    let run = FileRun {
        verbose: args.verbose,
        show_progress: progress::wanted(
            args.quiet,
            args.no_progress,
            args.output.is_some() || progress::stdout_is_file(),
        ),
    };
    // Every file is known to the table before checking starts, so that the
    // workers can read it for the whole run.
    let ids: Vec<FileId> = args
        .files
        .iter()
        .map(|p| files.add(&display_name(p)))
        .collect();
    let checker = Checker {
        engine: &engine,
        codesets: &codesets,
        files: &files,
    };
    let mut unreadable = 0usize;
    std::thread::scope(|scope| {
        // One set of workers serves every file (see `pipeline`).
        let workers = (threads > 1).then(|| Workers::start(scope, threads, checker));
        for (path, &id) in args.files.iter().zip(&ids) {
            let file_summary = check_file(
                path,
                id,
                &input_options,
                members.as_ref(),
                checker,
                workers.as_ref(),
                report.as_mut(),
                &mut summary,
                run,
            )?;
            if file_summary.error.is_some() {
                unreadable += 1;
            }
            summary.rows_read += file_summary.rows_read;
            summary.rows_checked += file_summary.rows_checked;
            summary.rows_rejected += file_summary.rows_rejected;
            summary.claims += file_summary.claims;
            summary.claims_icd9 += file_summary.claims_icd9;
            summary.files.push(file_summary);
        }
        Ok::<(), Failure>(())
    })?;
    summary.notices.extend(coverage_notices(&codesets));
    summary.notices.extend(engine.notices());
    summary.code_sets_used = codesets.editions_used();
    summary.elapsed = started.elapsed();
    excused.settle(&mut summary);
    report.finish(&summary).map_err(Failure::output)?;
    if !args.quiet && !summary_in_report {
        print_short_summary(&summary);
    }

    let errors = summary.count(Severity::Error);
    let warnings = summary.count(Severity::Warning);
    Ok(if unreadable > 0 {
        ExitCode::Failure
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}

/// Files smaller than this are checked on this thread even when workers
/// run: a file of a batch or two leaves nothing to do in parallel, and
/// handing its rows from thread to thread costs more than the second core
/// gains. (250 files of 600 rows, 72 KB each: 0.57 s on two threads against
/// 0.45 s on one; 300 files of 1,000 rows, 116 KB: 0.59-0.68 s against
/// 0.74-0.79 s.) A gzip file is measured by its compressed size.
pub const SMALL_FILE: u64 = 96 << 10;

/// How each file is checked.
#[derive(Clone, Copy)]
struct FileRun {
    verbose: bool,
    show_progress: bool,
}

/// Checks the file `path`, registered in the run's file table as `id`, on
/// `workers` (`None`: on this thread).
#[allow(clippy::too_many_arguments)]
fn check_file<'m>(
    path: &Path,
    id: FileId,
    options: &InputOptions,
    members: Option<&'m Members>,
    checker: Checker<'_>,
    workers: Option<&Workers<'m>>,
    report: &mut (dyn Reporter + Send),
    summary: &mut Summary,
    run: FileRun,
) -> Result<FileSummary, Failure> {
    let display = display_name(path);
    let files = checker.files;
    let mut fs = FileSummary {
        path: display.clone(),
        ..FileSummary::default()
    };
    let read = ReadCount::default();
    let (input, size) = match open_counted(&path.to_string_lossy(), &read) {
        Ok(r) => r,
        Err(e) => {
            fs.error = Some(e.to_string());
            to_stderr(format_args!("{:?}", miette::Report::new(e)));
            return Ok(fs);
        }
    };
    let mut reader = match ClaimReader::open(id, &display, input, options, members) {
        Ok(r) => r,
        Err(e) => {
            fs.error = Some(e.to_string());
            to_stderr(format_args!("{:?}", miette::Report::new(e)));
            return Ok(fs);
        }
    };
    files.set_headers(id, reader.headers().to_vec());
    if run.verbose {
        to_stderr(format_args!("{display}: {}", reader.mapping().describe()));
    }
    // Standard input and pipes have no size: they may be large.
    let small = size.is_some_and(|n| n < SMALL_FILE);
    let workers = workers.filter(|_| !small);
    // A small file is done before a progress line would appear.
    let progress = (run.show_progress && !small).then(|| FileProgress::start(&display, size, read));
    let stats = check_events(&mut reader, checker, workers, |d: &Diagnostic| {
        *summary.by_severity.entry(d.severity).or_default() += 1;
        match summary.by_rule.get_mut(d.rule.name.as_str()) {
            Some(n) => *n += 1,
            None => {
                summary.by_rule.insert(d.rule.name.clone(), 1);
            }
        }
        summary.diagnostics += 1;
        report.diagnostic(d).map_err(Failure::output)
    });
    // The line is cleared before anything else goes to stderr.
    if let Some(p) = progress {
        p.finish();
    }
    let stats = stats?;
    // A read failure part-way through (disk error, corrupt gzip) ends the
    // events early: the file counts as unreadable, after what was read.
    if let Some(e) = reader.take_error() {
        fs.error = Some(e.to_string());
        to_stderr(format_args!("{:?}", miette::Report::new(e)));
    }
    summary.notices.extend(reader.notices());
    fs.rows_read = stats.rows_read;
    fs.rows_checked = stats.rows_checked;
    fs.rows_rejected = stats.rows_rejected;
    fs.rows_repeated = stats.rows_repeated;
    fs.claims = stats.claims;
    fs.claims_icd9 = stats.claims_icd9;
    Ok(fs)
}

/// Threads for checking: `--threads`, else `DXLINT_THREADS`, else one per
/// core; 0 means one per core.
fn thread_count(flag: Option<usize>) -> Result<usize, Failure> {
    let n = match flag {
        Some(n) => n,
        None => match std::env::var("DXLINT_THREADS") {
            Ok(v) if !v.trim().is_empty() => v.trim().parse::<usize>().map_err(|_| {
                Failure::usage(format!(
                    "DXLINT_THREADS must be a number of threads, not `{v}`"
                ))
            })?,
            _ => 0,
        },
    };
    Ok(if n == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_AUTO_THREADS))
    } else {
        n
    })
}

/// The most workers "one per core" starts. One reading thread feeds them:
/// it reads and groups about 2.6 million rows a second, which five or six
/// workers keep up with, and each worker keeps memos of its own (about
/// 25 MB), so more cores would add memory, not speed. `--threads N` is
/// taken as given.
const MAX_AUTO_THREADS: usize = 8;

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn load_members(
    from_config: &[PathBuf],
    from_args: &[PathBuf],
    files: &mut FileTable,
) -> Result<Option<Members>, Failure> {
    let paths: Vec<&PathBuf> = from_config.iter().chain(from_args).collect();
    if paths.is_empty() {
        return Ok(None);
    }
    let mut inputs = Vec::with_capacity(paths.len());
    for p in paths {
        let name = display_name(p);
        let id = files.add(&name);
        let reader = open_input(&p.to_string_lossy()).map_err(Failure::report)?;
        inputs.push((id, name, reader));
    }
    let members = Members::load(inputs).map_err(Failure::report)?;
    for (id, headers) in members.headers() {
        files.set_headers(*id, headers.clone());
    }
    Ok(Some(members))
}

/// Member rows that could not be read are findings like claim rows: each
/// kept one is reported, and a notice gives the member files' accounting.
fn report_member_rows(
    members: &Members,
    engine: &Engine,
    files: &FileTable,
    report: &mut (dyn Reporter + Send),
    summary: &mut Summary,
) -> Result<(), Failure> {
    for row in members.malformed() {
        let source_line = row.source_line.clone();
        if let Some(d) = engine.malformed_row(row.loc, &row.reason, source_line, files) {
            *summary.by_severity.entry(d.severity).or_default() += 1;
            *summary.by_rule.entry(d.rule.name.clone()).or_default() += 1;
            summary.diagnostics += 1;
            report.diagnostic(&d).map_err(Failure::output)?;
        }
    }
    let rejected = members.rows_rejected();
    let reported = members.malformed().len() as u64;
    let mut note = format!(
        "member files: {} rows read, {} used, {rejected} rejected",
        members.rows_read(),
        members.rows_read().saturating_sub(rejected)
    );
    if rejected > reported {
        note.push_str(&format!(" (the first {reported} are reported)"));
    }
    summary.notices.push(note);
    Ok(())
}

fn merge_selection(config: &Selection, args: &CheckArgs) -> Selection {
    let mut s = config.clone();
    if let Some(select) = &args.select {
        s.select = Some(select.clone());
    }
    s.extend_select.extend(args.extend_select.iter().cloned());
    s.ignore.extend(args.ignore.iter().cloned());
    s
}

pub(crate) fn apply_column_flags(columns: &mut ColumnMap, args: &CheckArgs) {
    if let Some(c) = &args.claim_id_column {
        columns.claim_id = Some(c.clone());
    }
    if let Some(c) = &args.service_date_column {
        columns.service_date = Some(c.clone());
    }
    if let Some(c) = &args.dx_columns {
        columns.diagnoses = c.clone();
    }
}

pub(crate) fn parse_delimiter(s: Option<&str>) -> Result<Option<u8>, Failure> {
    match s {
        None => Ok(None),
        Some("tab" | "\\t" | "\t") => Ok(Some(b'\t')),
        Some("pipe") => Ok(Some(b'|')),
        Some("comma") => Ok(Some(b',')),
        Some(s) if s.len() == 1 && s.is_ascii() => Ok(s.bytes().next()),
        Some(s) => Err(Failure::usage(format!(
            "--delimiter takes one ASCII character or `tab`, not `{s}`"
        ))),
    }
}

/// Run-level notices about dates the code sets do not cover.
fn coverage_notices(codesets: &CodeSets) -> Vec<String> {
    let mut notes = Vec::new();
    let uncovered = codesets.uncovered_claims();
    if uncovered > 0 {
        let range = codesets.covered_range();
        notes.push(format!(
            "{uncovered} claim{} had a service date outside {} .. {}, which no loaded code set covers; {} checked against FY{} (load the right release with --codeset)",
            plural(uncovered),
            range.start,
            range.end,
            if uncovered == 1 { "it was" } else { "they were" },
            codesets.newest().fiscal_year()
        ));
    }
    let undated = codesets.undated_claims();
    if undated > 0 {
        notes.push(format!(
            "{undated} claim{} had no usable service date and {} checked against FY{}",
            plural(undated),
            if undated == 1 { "was" } else { "were" },
            codesets.newest().fiscal_year()
        ));
    }
    notes
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn print_short_summary(summary: &Summary) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "dxlint: {} error{}, {} warning{}, {} info in {} file{} ({} rows read, {} checked, {} rejected; {} claims) in {:.2}s",
        summary.count(Severity::Error),
        plural(summary.count(Severity::Error)),
        summary.count(Severity::Warning),
        plural(summary.count(Severity::Warning)),
        summary.count(Severity::Info),
        summary.files.len(),
        plural(summary.files.len() as u64),
        summary.rows_read,
        summary.rows_checked,
        summary.rows_rejected,
        summary.claims,
        summary.elapsed.as_secs_f64()
    );
    if summary.files.len() > 1 {
        for f in &summary.files {
            let _ = match &f.error {
                Some(e) => writeln!(err, "  {}: not read: {e}", f.path),
                None => writeln!(
                    err,
                    "  {}: {} rows read, {} checked, {} rejected; {} claims",
                    f.path, f.rows_read, f.rows_checked, f.rows_rejected, f.claims
                ),
            };
        }
    }
    for n in &summary.notices {
        let _ = writeln!(err, "note: {n}");
    }
}
