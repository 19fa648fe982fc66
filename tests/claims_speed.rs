//! Throughput of claim input against a plain `csv` crate `ByteRecord` loop
//! over the same synthetic wide file. Ignored by default (it writes and reads
//! a few hundred MB); run with
//! `cargo test --release --test claims_speed -- --ignored --nocapture`.
//! `DXLINT_SPEED_ROWS` sets the row count (default 1,000,000).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use dxlint::claims::reader::RecordReader;
use dxlint::claims::{ClaimReader, Event, InputOptions, open_input};

const CODES: [&str; 16] = [
    "E11.9", "I10", "Z00.00", "J45.909", "M54.50", "R05.9", "N18.30", "E78.5", "F32.9", "K21.9",
    "I25.10", "S72.001A", "Z79.4", "G47.33", "O80", "R07.9",
];

/// Writes `rows` rows in a Tuva-like wide layout: 12 diagnosis and POA
/// columns plus claim-line columns the reader ignores. `lines_per_claim`
/// rows share one claim id and repeat its diagnoses.
fn write_synthetic(path: &Path, rows: usize, lines_per_claim: usize) -> u64 {
    let mut w = BufWriter::new(File::create(path).unwrap());
    let mut header = String::from(
        "claim_id,claim_line_number,claim_type,person_id,claim_start_date,claim_end_date,bill_type_code,diagnosis_code_type",
    );
    for i in 1..=12 {
        header.push_str(&format!(",diagnosis_code_{i}"));
    }
    for i in 1..=12 {
        header.push_str(&format!(",diagnosis_poa_{i}"));
    }
    header.push_str(",hcpcs_code,rendering_npi,paid_amount,allowed_amount\n");
    w.write_all(header.as_bytes()).unwrap();
    let mut line = String::with_capacity(512);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for r in 0..rows {
        let claim = r / lines_per_claim;
        let mut rng = (claim as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xdead_beef;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        line.clear();
        let institutional = next() % 4 == 0;
        let ndx = 1 + (next() % 8) as usize;
        line.push_str(&format!(
            "C{claim:09},{},{},P{:07},2024-{:02}-{:02},2024-{:02}-{:02},{},icd-10-cm",
            r % lines_per_claim + 1,
            if institutional {
                "institutional"
            } else {
                "professional"
            },
            next() % 500_000,
            1 + next() % 12,
            1 + next() % 28,
            12,
            28,
            if institutional { "111" } else { "" },
        ));
        for i in 0..12 {
            line.push(',');
            if i < ndx {
                line.push_str(&CODES[(next() % 16) as usize].replace('.', ""));
            }
        }
        for i in 0..12 {
            line.push(',');
            if institutional && i < ndx {
                line.push('Y');
            }
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        line.push_str(&format!(
            ",99{:03},{:010},{}.{:02},{}.00\n",
            seed % 1000,
            seed % 10_000_000_000,
            seed % 900,
            seed % 100,
            seed % 700
        ));
        w.write_all(line.as_bytes()).unwrap();
    }
    w.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

fn plain_csv(path: &Path) -> (u64, usize) {
    let mut rdr = csv::ReaderBuilder::new().from_path(path).unwrap();
    let mut rec = csv::ByteRecord::new();
    let (mut rows, mut bytes) = (0u64, 0usize);
    while rdr.read_byte_record(&mut rec).unwrap() {
        rows += 1;
        bytes += rec.as_slice().len();
    }
    (rows, bytes)
}

fn dxlint_records(path: &Path) -> (u64, usize) {
    let name = path.to_str().unwrap();
    let mut r = RecordReader::new(open_input(name).unwrap(), 0, None).unwrap();
    let (mut rows, mut bytes) = (0u64, 0usize);
    while r.next_record().unwrap() {
        rows += 1;
        bytes += (0..r.len())
            .map(|i| r.field(i).map_or(0, <[u8]>::len))
            .sum::<usize>();
    }
    (rows - 1, bytes)
}

fn dxlint_claims(path: &Path) -> (u64, usize) {
    let name = path.to_str().unwrap();
    let opts = InputOptions::default();
    let mut r = ClaimReader::open(0, name, open_input(name).unwrap(), &opts, None).unwrap();
    let mut dx = 0usize;
    while let Some(ev) = r.next_event() {
        if let Event::Claim(c) = ev {
            dx += c.diagnoses.len();
        }
    }
    assert_eq!(r.stats().rows_rejected, 0);
    (r.stats().rows_read, dx)
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = None;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        let d = t.elapsed();
        if best.is_none_or(|b| d < b) {
            best = Some(d);
        }
        out = Some(v);
    }
    (best.unwrap_or_default(), out.unwrap())
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn claim_input_throughput_vs_plain_csv() {
    let rows: usize = std::env::var("DXLINT_SPEED_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    // Profiling aid: DXLINT_SPEED_ONLY=csv|records|claims runs one reader
    // once, on DXLINT_SPEED_FILE when set, else on a generated file.
    if let Ok(only) = std::env::var("DXLINT_SPEED_ONLY") {
        let path = match std::env::var("DXLINT_SPEED_FILE") {
            Ok(p) => std::path::PathBuf::from(p),
            Err(_) => {
                let p = dir.path().join("synthetic.csv");
                write_synthetic(&p, rows, 1);
                p
            }
        };
        let t = Instant::now();
        match only.as_str() {
            "csv" => drop(plain_csv(&path)),
            "records" => drop(dxlint_records(&path)),
            _ => drop(dxlint_claims(&path)),
        }
        println!("{only}: {:.3} s", t.elapsed().as_secs_f64());
        return;
    }
    for lines_per_claim in [1, 3] {
        let path = dir.path().join(format!("synthetic_{lines_per_claim}.csv"));
        let size = write_synthetic(&path, rows, lines_per_claim);
        let mb = size as f64 / 1e6;
        let rate = |t: Duration| (rows as f64 / t.as_secs_f64(), mb / t.as_secs_f64());
        let (t_csv, (n_csv, _)) = best_of(3, || plain_csv(&path));
        let (t_rec, (n_rec, _)) = best_of(3, || dxlint_records(&path));
        let (t_dx, (n_dx, dx)) = best_of(3, || dxlint_claims(&path));
        assert_eq!((n_csv, n_rec), (n_dx, n_dx));
        let (r1, m1) = rate(t_csv);
        let (r0, m0) = rate(t_rec);
        let (r2, m2) = rate(t_dx);
        let pct = |t: Duration| 100.0 * t_csv.as_secs_f64() / t.as_secs_f64();
        println!(
            "{rows} rows, {lines_per_claim} line(s) per claim, {mb:.0} MB, {dx} diagnoses emitted\n  csv ByteRecord loop:  {:.3} s, {r1:.0} rows/s, {m1:.0} MB/s\n  dxlint records only:  {:.3} s, {r0:.0} rows/s, {m0:.0} MB/s ({:.0}% of the plain loop)\n  dxlint claims:        {:.3} s, {r2:.0} rows/s, {m2:.0} MB/s ({:.0}% of the plain loop)",
            t_csv.as_secs_f64(),
            t_rec.as_secs_f64(),
            pct(t_rec),
            t_dx.as_secs_f64(),
            pct(t_dx),
        );
    }
}
