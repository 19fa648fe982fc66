//! Checking claims files on several threads, with each file's findings in
//! file order and the accounting of the single-threaded run.
//!
//! ```text
//! reading thread        workers (N)                 this thread
//! records, grouping --> build claims, run rules --> settle counts, report
//!        ^                                              |
//!        +------------------ empty batches -------------+
//! ```
//!
//! The reading thread splits records, groups rows by claim id (the wide
//! layout's fingerprint grouping and the long layout's claim boundaries
//! need the rows in file order) and copies the cells of new rows into a
//! batch ([`ClaimReader::next_batch`]). Workers build the claims of a batch
//! and check them. This thread takes the batches back
//! in sequence order, settles the file's counts and hands the findings to
//! the reporter. A fixed pool of batches circulates, so memory does not grow
//! with the file and a slow reporter slows the reader instead of queueing.
//!
//! The workers ([`Workers`]) are started once per run and serve every file:
//! each keeps what it learns of the codes in its thread's memos, so the
//! second file of a run starts with them warm. (Workers started per file
//! derived every code's facts and notes again for each file: a run of 100
//! files of 10,000 rows took twice as long on two threads as on one.) The
//! reading thread is started per file.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread::Scope;

use crossbeam_channel::{Sender, bounded};

use crate::claims::staged::{
    BuiltTally, Item, LongAssembly, RowBatch, RowBuilder, Tally, coded_in_icd9,
};
use crate::claims::{Claim, ClaimReader, Event, FileStats};
use crate::codeset::registry::CodeSets;
use crate::engine::Engine;
use crate::engine::diagnostic::Diagnostic;
use crate::engine::files::FileTable;

/// Rows per batch: large enough that handing a batch over costs little per
/// row, small enough that the pool stays a few megabytes.
const BATCH_ROWS: usize = 512;

/// Batches in circulation per worker. Four left the workers idle whenever
/// the reporting or the reading thread waited a few milliseconds for a core
/// (four threads share two); eight cover that for about 3 MiB more.
const BATCHES_PER_WORKER: usize = 8;

/// What the checks share.
#[derive(Clone, Copy)]
pub struct Checker<'a> {
    pub engine: &'a Engine,
    pub codesets: &'a CodeSets,
    pub files: &'a FileTable,
}

impl Checker<'_> {
    fn event(&self, event: &Event, out: &mut Vec<Diagnostic>) {
        match event {
            Event::Claim(claim) => self.claim(claim, out),
            Event::Malformed(row) => out.extend(self.engine.malformed_row(
                row.loc,
                &row.reason,
                row.source_line.clone(),
                self.files,
            )),
        }
    }

    fn claim(&self, claim: &Claim, out: &mut Vec<Diagnostic>) {
        self.engine
            .check_claim(claim, self.codesets, self.files, out);
    }
}

/// A batch to check, with what building its claims needs and where it goes
/// back to.
struct Task<'m> {
    job: Job,
    builder: Arc<RowBuilder<'m>>,
    done: Sender<Job>,
}

/// The worker threads of a run (see the module docs).
pub struct Workers<'m> {
    tasks: Sender<Task<'m>>,
    count: usize,
}

impl<'m> Workers<'m> {
    /// Starts `count` workers in `scope` that check with `checker`. They
    /// stop when `Workers` is dropped, which must happen before `scope`
    /// ends (the scope waits for them).
    pub fn start<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        count: usize,
        checker: Checker<'env>,
    ) -> Workers<'m>
    where
        'm: 'scope,
    {
        let count = count.max(1);
        let (tasks, queue) = bounded::<Task<'m>>(count * BATCHES_PER_WORKER);
        for _ in 0..count {
            let queue = queue.clone();
            scope.spawn(move || {
                while let Ok(Task {
                    mut job,
                    builder,
                    done,
                }) = queue.recv()
                {
                    let run = std::panic::AssertUnwindSafe(|| job.process(&builder, checker));
                    if let Err(payload) = std::panic::catch_unwind(run) {
                        job.panic = Some(payload);
                    }
                    // The file's pipeline may have stopped (a reporter
                    // error): the batch is dropped.
                    let _ = done.send(job);
                }
            });
        }
        Workers { tasks, count }
    }
}

/// Reads `reader` to its end and checks every claim, on `workers` (`None`:
/// all on this thread). `emit` receives each finding in file order; its
/// first error stops the run and is returned. Returns the file's
/// accounting (see [`ClaimReader::stats`]).
pub fn check_events<'m, E>(
    reader: &mut ClaimReader<'m>,
    checker: Checker<'_>,
    workers: Option<&Workers<'m>>,
    mut emit: impl FnMut(&Diagnostic) -> Result<(), E>,
) -> Result<FileStats, E>
where
    E: Send,
{
    let Some(workers) = workers else {
        let mut found: Vec<Diagnostic> = Vec::new();
        while let Some(event) = reader.next_event() {
            found.clear();
            checker.event(&event, &mut found);
            for d in &found {
                emit(d)?;
            }
            if let Event::Claim(claim) = event {
                claim.recycle();
            }
        }
        return Ok(*reader.stats());
    };
    let mut tally = BuiltTally::new();
    run_pipeline(reader, workers, |job| {
        for settle in &job.settle {
            match *settle {
                Settle::Row(t, icd9) => tally.settle(&t, icd9),
                Settle::LongClaim(icd9) => tally.settle_long(icd9),
                Settle::Rejected => tally.reject(),
            }
        }
        job.found.iter().try_for_each(&mut emit)
    })?;
    Ok(tally.total(reader.stats()))
}

/// One claim or row built by a worker, for the file's accounting.
#[derive(Clone, Copy)]
enum Settle {
    /// A wide row: how it was grouped, and whether it is ICD-9-CM.
    Row(Tally, bool),
    /// A long-layout claim (its rows were counted when read), and whether
    /// it is ICD-9-CM.
    LongClaim(bool),
    /// A row that could not be built.
    Rejected,
}

/// A batch on its way round the pipeline, with what its workers found.
struct Job {
    seq: u64,
    batch: RowBatch,
    /// Findings in file order.
    found: Vec<Diagnostic>,
    /// What was built off the reading thread, in file order, for the
    /// file's accounting.
    settle: Vec<Settle>,
    /// The long-layout claim under assembly (see [`Item::LongRow`]).
    long: LongAssembly,
    /// A panic while checking the batch, to be raised again on the main
    /// thread once the pipeline has stopped.
    panic: Option<Box<dyn std::any::Any + Send>>,
}

impl Job {
    fn new() -> Job {
        Job {
            seq: 0,
            batch: RowBatch::new(),
            found: Vec::new(),
            settle: Vec::new(),
            long: LongAssembly::default(),
            panic: None,
        }
    }

    /// Builds and checks the batch's claims.
    fn process(&mut self, builder: &RowBuilder<'_>, checker: Checker<'_>) {
        self.found.clear();
        self.settle.clear();
        let mut items = std::mem::take(&mut self.batch.items);
        for item in items.drain(..) {
            match item {
                Item::LongRow { row, seq, start } => {
                    match builder.long_row(&self.batch, row, seq, start, &mut self.long) {
                        Ok(Some(claim)) => {
                            self.claim(&claim, Settle::LongClaim, checker);
                            claim.recycle();
                        }
                        Ok(None) => {}
                        Err(row) => {
                            self.settle.push(Settle::Rejected);
                            checker.event(&Event::Malformed(row), &mut self.found);
                        }
                    }
                }
                Item::LongEnd => {
                    if let Some(claim) = self.long.end() {
                        self.claim(&claim, Settle::LongClaim, checker);
                        claim.recycle();
                    }
                }
                Item::Ready(event) => checker.event(&event, &mut self.found),
                Item::Built(claim, tally) => {
                    self.claim(&claim, |icd9| Settle::Row(tally, icd9), checker);
                    claim.recycle();
                }
                Item::Row(row, tally) => match builder.build(&self.batch, row) {
                    Ok(claim) => {
                        self.claim(&claim, |icd9| Settle::Row(tally, icd9), checker);
                        claim.recycle();
                    }
                    Err(row) => {
                        self.settle.push(Settle::Rejected);
                        checker.event(&Event::Malformed(row), &mut self.found);
                    }
                },
            }
        }
        // A claim still open here lost the end of its file (a read error).
        self.long.discard();
        self.batch.items = items;
    }

    /// Checks a claim built here unless it is ICD-9-CM, and files how it
    /// counts (`settle`, given whether it is ICD-9-CM).
    fn claim(&mut self, claim: &Claim, settle: impl FnOnce(bool) -> Settle, checker: Checker<'_>) {
        let icd9 = coded_in_icd9(claim);
        self.settle.push(settle(icd9));
        if !icd9 {
            checker.claim(claim, &mut self.found);
        }
    }
}

/// Runs the reading thread, feeds its batches to `workers`, and runs
/// `deliver` on this thread for each batch in order; stops at `deliver`'s
/// first error.
fn run_pipeline<'m, E: Send>(
    reader: &mut ClaimReader<'m>,
    workers: &Workers<'m>,
    mut deliver: impl FnMut(&Job) -> Result<(), E>,
) -> Result<(), E> {
    let builder = Arc::new(reader.row_builder());
    let pool = workers.count * BATCHES_PER_WORKER;
    // Every channel can hold the whole pool: sends never block, only the
    // reader waits, for an empty batch.
    let (free_tx, free_rx) = bounded::<Job>(pool);
    let (done_tx, done_rx) = bounded::<Job>(pool);
    for _ in 0..pool {
        // The receiver is alive: this cannot fail.
        let _ = free_tx.send(Job::new());
    }
    let tasks = workers.tasks.clone();
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut seq = 0;
            while let Ok(mut job) = free_rx.recv() {
                let more = reader.next_batch(&mut job.batch, BATCH_ROWS);
                job.seq = seq;
                seq += 1;
                let task = Task {
                    job,
                    builder: Arc::clone(&builder),
                    done: done_tx.clone(),
                };
                if tasks.send(task).is_err() || !more {
                    break;
                }
            }
        });
        let mut free_tx = Some(free_tx);
        let mut waiting: BTreeMap<u64, Job> = BTreeMap::new();
        let mut next = 0u64;
        let mut result = Ok(());
        let mut panic = None;
        for mut job in done_rx.iter() {
            if let Some(payload) = job.panic.take() {
                // Stop reading; the batches still out come back and are dropped.
                panic.get_or_insert(payload);
                free_tx = None;
                continue;
            }
            if panic.is_some() {
                continue;
            }
            waiting.insert(job.seq, job);
            while let Some(job) = waiting.remove(&next) {
                next += 1;
                if result.is_ok() {
                    result = deliver(&job);
                }
                match (&result, &free_tx) {
                    (Ok(()), Some(tx)) => {
                        // The reader may be done already.
                        let _ = tx.send(job);
                    }
                    // Stop the reader: it waits for a batch that never comes.
                    _ => free_tx = None,
                }
            }
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
        result
    })
}
