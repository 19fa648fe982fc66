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
//! ```
//!
//! `--no-claim-ids` leaves the claim-id table out. Columns are found by the
//! generator's names (`claim_id`, `service_date`, `dx1`..). The hashes and
//! the date parser are dxlint's own. Prints the rows, claims, distinct
//! diagnosis cells and a checksum to stdout.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::process::ExitCode;

use dxlint::claims::hash::{IdentityBuild, hash_bytes};
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

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let with_claim_ids = match args.iter().position(|a| a == "--no-claim-ids") {
        Some(i) => {
            args.remove(i);
            false
        }
        None => true,
    };
    let [path] = args.as_slice() else {
        eprintln!("usage: claims-floor [--no-claim-ids] FILE");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("claims-floor: {e}");
            return ExitCode::from(2);
        }
    };
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            eprintln!("claims-floor: {e}");
            return ExitCode::from(2);
        }
    };
    let column = |name: &[u8]| headers.iter().position(|h| h == name);
    let (Some(id_col), Some(date_col)) = (column(b"claim_id"), column(b"service_date")) else {
        eprintln!("claims-floor: {path} has no claim_id or service_date column");
        return ExitCode::from(2);
    };
    let dx_cols: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with(b"dx"))
        .map(|(i, _)| i)
        .collect();

    let mut claims: HashMap<u64, u32, IdentityBuild> = HashMap::default();
    let mut cells = CellTable::default();
    let mut long_cells: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut codes: Vec<u32> = Vec::with_capacity(dx_cols.len());
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut claim_count, mut sum) = (0u64, 0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("claims-floor: {e}");
                return ExitCode::from(1);
            }
        }
        rows += 1;
        if with_claim_ids {
            if claims.len() >= CLAIMS_KEPT {
                claims.clear();
            }
            let next = claims.len() as u32;
            let id = hash_bytes(record.get(id_col).unwrap_or_default());
            let seen = *claims.entry(id).or_insert(next);
            claim_count += u64::from(seen == next);
        }
        sum = sum.wrapping_add(date_number(record.get(date_col).unwrap_or_default()));
        codes.clear();
        for &c in &dx_cols {
            let cell = record.get(c).unwrap_or_default();
            if cell.is_empty() {
                continue;
            }
            let next = (cells.len() + long_cells.len()) as u32;
            let id = match packed(cell) {
                Some(k) => *cells.entry(k).or_insert(next),
                None => *long_cells.entry(cell.to_vec()).or_insert(next),
            };
            codes.push(id);
        }
        sum = sum
            .wrapping_mul(31)
            .wrapping_add(codes.iter().map(|&i| u64::from(i)).sum());
    }
    println!(
        "{rows} rows, {claim_count} claims, {} distinct diagnosis cells, checksum {sum}",
        cells.len() + long_cells.len()
    );
    ExitCode::SUCCESS
}
