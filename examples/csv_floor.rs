//! The throughput floor for `scripts/bench.sh`: read every record of a CSV
//! file with the `csv` crate as `ByteRecord`s and touch every field, nothing
//! else. A linter that must read the same bytes cannot be faster than this.
//!
//! ```sh
//! cargo run --release --example csv-floor -- claims.csv
//! ```
//!
//! Prints the records, fields and a checksum of the field bytes (so the
//! work cannot be optimised away) to stdout.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: csv-floor FILE");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(&path)
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("csv-floor: {e}");
            return ExitCode::from(2);
        }
    };
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields, mut sum) = (0u64, 0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("csv-floor: {e}");
                return ExitCode::from(1);
            }
        }
        records += 1;
        for field in &record {
            fields += 1;
            sum = sum.wrapping_add(field.len() as u64);
            if let Some(&b) = field.first() {
                sum = sum.wrapping_mul(31).wrapping_add(u64::from(b));
            }
        }
    }
    println!("{records} records, {fields} fields, checksum {sum}");
    ExitCode::SUCCESS
}
