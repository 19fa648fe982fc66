//! A second floor for `scripts/bench.sh`: what any checker of a wide claims
//! file does before its first rule, as cheaply as it can be done. On top of
//! the `csv` floor (every record read as a `ByteRecord`), each row's claim id
//! is looked up in a table of the claims seen so far (a line that repeats a
//! claim must be recognised), its service date is read, and each diagnosis
//! cell is turned into a number by a table of the distinct cells seen so far
//! (the cheapest form in which a rule engine could meet a code).
//!
//! ```sh
//! cargo run --release --example claims-floor -- claims.csv
//! cargo run --release --example claims-floor -- --no-claim-ids claims.csv
//! cargo run --release --example claims-floor -- --dxlint-reader claims.csv
//! ```
//!
//! `--no-claim-ids` leaves the claim-id table out. `--dxlint-reader` reads
//! the records with dxlint's own reader (which splits rows without quotes
//! itself) instead of the `csv` crate's. Columns are found by the
//! generator's names (`claim_id`, `service_date`, `dx1`..). The hashes and
//! the date parser are dxlint's own. Prints the rows, claims, distinct
//! diagnosis cells and a checksum to stdout.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::process::ExitCode;

use dxlint::claims::hash::{IdentityBuild, hash_bytes};
use dxlint::claims::reader::RecordReader;
use dxlint::date::Date;
use dxlint::engine::memo::KeyHasher;

/// Claim ids remembered before the table starts over: the memory dxlint's
/// two generations of claim ids take.
const CLAIMS_KEPT: usize = 2 * 229_376;

/// Distinct diagnosis cells, by their bytes packed into an integer.
type CellTable = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// A cell's bytes as one integer when it has at most 8 (every code).
fn packed(cell: &[u8]) -> Option<u64> {
    let mut w = [0u8; 8];
    w.get_mut(..cell.len())?.copy_from_slice(cell);
    Some(u64::from_le_bytes(w))
}

/// The service date as a number (0 when it does not read as a date).
fn date_number(cell: &[u8]) -> u64 {
    std::str::from_utf8(cell)
        .ok()
        .and_then(|t| Date::parse(t).ok())
        .map_or(0, |d| u64::from(d.to_yyyymmdd()))
}

/// What the floor does with each row, whichever reader reads it.
struct Floor {
    id_col: usize,
    date_col: usize,
    dx_cols: Vec<usize>,
    with_claim_ids: bool,
    claims: HashMap<u64, u32, IdentityBuild>,
    cells: CellTable,
    long_cells: HashMap<Vec<u8>, u32>,
    codes: Vec<u32>,
    rows: u64,
    claim_count: u64,
    sum: u64,
}

impl Floor {
    fn new(headers: &[&[u8]], with_claim_ids: bool) -> Option<Floor> {
        let column = |name: &[u8]| headers.iter().position(|h| *h == name);
        Some(Floor {
            id_col: column(b"claim_id")?,
            date_col: column(b"service_date")?,
            dx_cols: (0..headers.len())
                .filter(|&i| headers[i].starts_with(b"dx"))
                .collect(),
            with_claim_ids,
            claims: HashMap::default(),
            cells: CellTable::default(),
            long_cells: HashMap::new(),
            codes: Vec::new(),
            rows: 0,
            claim_count: 0,
            sum: 0,
        })
    }

    /// One row, its fields by index (empty when absent).
    fn row<'r>(&mut self, field: impl Fn(usize) -> &'r [u8]) {
        self.rows += 1;
        if self.with_claim_ids {
            if self.claims.len() >= CLAIMS_KEPT {
                self.claims.clear();
            }
            let next = self.claims.len() as u32;
            let id = hash_bytes(field(self.id_col));
            let seen = *self.claims.entry(id).or_insert(next);
            self.claim_count += u64::from(seen == next);
        }
        self.sum = self.sum.wrapping_add(date_number(field(self.date_col)));
        self.codes.clear();
        for &c in &self.dx_cols {
            let cell = field(c);
            if cell.is_empty() {
                continue;
            }
            let next = (self.cells.len() + self.long_cells.len()) as u32;
            let id = match packed(cell) {
                Some(k) => *self.cells.entry(k).or_insert(next),
                None => *self.long_cells.entry(cell.to_vec()).or_insert(next),
            };
            self.codes.push(id);
        }
        self.sum = self
            .sum
            .wrapping_mul(31)
            .wrapping_add(self.codes.iter().map(|&i| u64::from(i)).sum());
    }
}

/// Reads `path` with the `csv` crate.
fn with_csv_crate(path: &str, with_claim_ids: bool) -> Result<Floor, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let headers = reader.byte_headers().map_err(|e| e.to_string())?.clone();
    let names: Vec<&[u8]> = headers.iter().collect();
    let mut floor =
        Floor::new(&names, with_claim_ids).ok_or("no claim_id or service_date column")?;
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        floor.row(|i| record.get(i).unwrap_or_default());
    }
    Ok(floor)
}

/// Reads `path` with dxlint's record reader.
fn with_dxlint_reader(path: &str, with_claim_ids: bool) -> Result<Floor, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = RecordReader::new(file, 0, None).map_err(|e| e.to_string())?;
    if !reader.next_record().map_err(|e| e.to_string())? {
        return Err("no header".into());
    }
    let headers: Vec<Vec<u8>> = (0..reader.len())
        .map(|i| reader.field(i).unwrap_or_default().to_vec())
        .collect();
    let names: Vec<&[u8]> = headers.iter().map(Vec::as_slice).collect();
    let mut floor =
        Floor::new(&names, with_claim_ids).ok_or("no claim_id or service_date column")?;
    while reader.next_record().map_err(|e| e.to_string())? {
        floor.row(|i| reader.field(i).unwrap_or_default());
    }
    Ok(floor)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut flag = |name: &str| match args.iter().position(|a| a == name) {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    };
    let with_claim_ids = !flag("--no-claim-ids");
    let dxlint_reader = flag("--dxlint-reader");
    let [path] = args.as_slice() else {
        eprintln!("usage: claims-floor [--no-claim-ids] [--dxlint-reader] FILE");
        return ExitCode::from(2);
    };
    let read = if dxlint_reader {
        with_dxlint_reader(path, with_claim_ids)
    } else {
        with_csv_crate(path, with_claim_ids)
    };
    let floor = match read {
        Ok(f) => f,
        Err(e) => {
            eprintln!("claims-floor: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{} rows, {} claims, {} distinct diagnosis cells, checksum {}",
        floor.rows,
        floor.claim_count,
        floor.cells.len() + floor.long_cells.len(),
        floor.sum
    );
    ExitCode::SUCCESS
}
