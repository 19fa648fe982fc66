//! Checking on several threads gives the single-threaded run's output, in
//! the same order, and the same summary: on a generated file that exercises
//! every path of the wide-row grouping, and on the Tuva export in
//! `../shared/realworld` when it is there.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dxlint::cli::check::SMALL_FILE;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CODES: &[&str] = &[
    "I10", "E11.9", "E78.5", "J06.9", "M54.50", "K21.9", "F41.9", "Z79.899", "E03.9", "N39.0",
    "R10.9", "G47.33", "I25.10", "E55.9", "D64.9", "J18.9", "I50.9", "R05.9", "S72.001A",
    "W19.XXXA", "Y92.009", "Y92.010", "Z00.00", "Z28.21", "Z53.2", "E11", "S72.001", "T81.40",
    "E11.O9", "I1O", "25000", "E11..9", "R10.2", "M54.5", "G30.9", "F02.80", "Z3A.20", "e119",
    "U07.1", "Z68.41", "O80", "Z38.00",
];
const ICD9: &[&str] = &["4019", "25000", "V700", "2724"];
const DATES: &[&str] = &[
    "2024-11-03",
    "2025-02-14",
    "2025-06-30",
    "2025-10-01",
    "2026-03-13",
    "2026-09-30",
    "20250412",
    "03/14/2026",
    "14-Mar-2025",
    "2023-05-05",
    "2027-01-10",
    "2025-02-30",
    "",
    "yesterday",
];
const DX_COLS: usize = 10;

/// About `rows` rows of a wide file whose claims span several lines, not
/// always adjacent, with repeated and changed contents, ICD-9 claims that
/// turn ICD-10, bad cells, malformed rows, quoted multi-line notes and
/// bytes that are not UTF-8.
fn generated_file(rows: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut out: Vec<u8> = Vec::new();
    let mut header = String::from(
        "claim_id,member_id,claim_type,service_date,birth_date,sex,diagnosis_code_type,note",
    );
    for i in 1..=DX_COLS {
        let _ = write!(header, ",dx{i}");
    }
    header.push('\n');
    out.extend_from_slice(header.as_bytes());
    // Open claims: (id, fixed cells, diagnoses, lines left).
    let mut open: Vec<(String, String, Vec<String>, u32)> = Vec::new();
    let mut next_id = 1;
    let mut written = 0;
    while written < rows {
        if open.len() < 4 || rng.below(3) == 0 {
            let icd9 = rng.below(12) == 0;
            let id = if rng.below(40) == 0 {
                String::new()
            } else {
                format!("C{next_id:05}")
            };
            next_id += 1;
            let fixed = format!(
                "M{},{},{},{},{},{}",
                rng.below(500),
                rng.pick(&[
                    "inpatient",
                    "outpatient",
                    "professional",
                    "institutional",
                    ""
                ]),
                rng.pick(DATES),
                rng.pick(&[
                    "1950-01-01",
                    "1988-07-04",
                    "2024-06-01",
                    "2030-01-01",
                    "1890-02-02",
                    ""
                ]),
                rng.pick(&["F", "M", "U", "X", "female", "2", ""]),
                if icd9 {
                    "icd-9-cm"
                } else {
                    rng.pick(&["icd-10-cm", "icd-10-cm", "", "icd-10-pcs"])
                },
            );
            let n = 1 + rng.below(DX_COLS as u64) as usize;
            let list = if icd9 { ICD9 } else { CODES };
            let dx = (0..n)
                .map(|_| {
                    if rng.below(15) == 0 {
                        String::new()
                    } else {
                        rng.pick(list).to_string()
                    }
                })
                .collect();
            open.push((id, fixed, dx, 1 + rng.below(4) as u32));
        }
        let k = rng.below(open.len() as u64) as usize;
        let (id, fixed, dx, left) = &mut open[k];
        // A later line may carry new content, or turn an ICD-9 claim ICD-10.
        if rng.below(6) == 0 {
            if fixed.ends_with("icd-9-cm") {
                *fixed = fixed.replace("icd-9-cm", "icd-10-cm");
                *dx = vec![rng.pick(CODES).to_string()];
            } else if dx.len() < DX_COLS {
                dx.push(rng.pick(CODES).to_string());
            }
        }
        let note = match rng.below(20) {
            0 => "\"two\nlines, quoted\"".to_string(),
            1 => "\"say \"\"hi\"\"\"".to_string(),
            _ => format!("line{}", rng.below(9)),
        };
        let mut line: Vec<u8> = format!("{id},{fixed},{note}").into_bytes();
        for i in 0..DX_COLS {
            line.push(b',');
            if let Some(code) = dx.get(i) {
                line.extend_from_slice(code.as_bytes());
            }
        }
        match rng.below(60) {
            0 => line.extend_from_slice(b",extra"),
            1 => {
                let cut = line.iter().rposition(|&b| b == b',').unwrap_or(0);
                line.truncate(cut);
            }
            2 => line.extend_from_slice(b"\xff"),
            _ => {}
        }
        line.push(b'\n');
        out.extend_from_slice(&line);
        written += 1;
        *left -= 1;
        if *left == 0 {
            open.swap_remove(k);
        }
    }
    out
}

/// Exit code, stdout and stderr of `dxlint check`, run times blanked.
fn run(args: &[&str], threads: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .args(["check", "--isolated", "--threads", threads])
        .args(args)
        .output()
        .unwrap();
    let seconds = regex::Regex::new(r"[0-9]+\.[0-9]+s\b").unwrap();
    let blank = |b: &[u8]| {
        seconds
            .replace_all(&String::from_utf8_lossy(b), "Ns")
            .into_owned()
    };
    (
        out.status.code().unwrap_or(-1),
        blank(&out.stdout),
        blank(&out.stderr),
    )
}

fn same_with_threads(args: &[&str]) {
    let one = run(args, "1");
    assert!(!one.1.is_empty(), "no findings for {args:?}: {}", one.2);
    for threads in ["2", "3"] {
        let many = run(args, threads);
        assert_eq!(one.0, many.0, "exit code, {threads} threads, {args:?}");
        assert_eq!(one.2, many.2, "summary, {threads} threads, {args:?}");
        assert!(
            one.1 == many.1,
            "findings differ with {threads} threads for {args:?}"
        );
    }
}

/// Writes a file for the workers to check. Smaller files are checked on
/// the main thread whatever `--threads` says: these tests are about the
/// workers.
fn write_for_workers(path: &Path, text: impl AsRef<[u8]>) {
    let text = text.as_ref();
    assert!(
        text.len() as u64 >= SMALL_FILE,
        "{}: {} bytes",
        path.display(),
        text.len()
    );
    std::fs::write(path, text).unwrap();
}

fn write_generated(dir: &Path, rows: usize, seed: u64) -> PathBuf {
    let path = dir.join(format!("generated-{seed}.csv"));
    write_for_workers(&path, generated_file(rows, seed));
    path
}

#[test]
fn generated_file_same_findings_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_generated(dir.path(), 5000, 11);
    let file = path.to_str().unwrap();
    for format in ["jsonl", "short", "human"] {
        same_with_threads(&["--format", format, "--color", "never", file]);
    }
}

#[test]
fn several_files_and_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_generated(dir.path(), 3000, 1);
    let b = write_generated(dir.path(), 1500, 2);
    same_with_threads(&[
        "--format",
        "jsonl",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
}

#[test]
fn generated_file_exercises_the_grouping() {
    let text = generated_file(5000, 11);
    let s = String::from_utf8_lossy(&text);
    assert!(s.contains("icd-9-cm"), "ICD-9 claims");
    assert!(s.contains("\"two\nlines"), "quoted line breaks");
    assert!(
        text.windows(1).any(|w| w[0] == 0xff),
        "bytes that are not UTF-8"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write_generated(dir.path(), 5000, 11);
    let (_, _, summary) = run(&["--format", "jsonl", path.to_str().unwrap()], "2");
    assert!(summary.contains("rejected"), "{summary}");
}

/// A long-layout file: one row per diagnosis, claims split by other
/// claims' rows now and then, bad sequences and empty codes.
fn long_file(claims: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::from("claim_id,seq,dx_code,service_date,birth_date,sex\n");
    let mut previous = String::new();
    for c in 0..claims {
        let id = if rng.below(25) == 0 && !previous.is_empty() {
            previous.clone()
        } else {
            format!("L{c:05}")
        };
        let date = rng.pick(DATES);
        let birth = rng.pick(&["1950-01-01", "2030-01-01", ""]);
        let sex = rng.pick(&["F", "M", "X"]);
        for k in 0..1 + rng.below(8) {
            let seq = match rng.below(40) {
                0 => "x".to_string(),
                1 => String::new(),
                _ => (k + 1).to_string(),
            };
            let code = if rng.below(20) == 0 {
                ""
            } else {
                rng.pick(CODES)
            };
            let _ = writeln!(out, "{id},{seq},{code},{date},{birth},{sex}");
        }
        previous = id;
    }
    out
}

#[test]
fn long_layout_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    write_for_workers(&path, long_file(1500, 5));
    let file = path.to_str().unwrap();
    same_with_threads(&["--format", "jsonl", file]);
    same_with_threads(&["--format", "human", "--color", "never", file]);
}

/// Long-layout rows the reading thread keeps for itself: a row that is not
/// UTF-8 (in an unread column it is still checked; in the code cell it is
/// rejected), and a claim too long for one batch, whose extra rows are
/// rejected. The claims around them go to the workers; ICD-9 claims are
/// counted there.
#[test]
fn long_layout_rows_the_workers_cannot_take() {
    let mut rng = Rng(3);
    let mut text: Vec<u8> =
        b"claim_id,seq,dx_code,icd_version,service_date,birth_date,sex,note\n".to_vec();
    let row =
        |text: &mut Vec<u8>, id: &str, seq: usize, code: &[u8], version: &str, note: &[u8]| {
            text.extend_from_slice(format!("{id},{seq},").as_bytes());
            text.extend_from_slice(code);
            text.extend_from_slice(format!(",{version},2025-03-01,1960-05-05,F,").as_bytes());
            text.extend_from_slice(note);
            text.push(b'\n');
        };
    for c in 0..3000 {
        let id = format!("K{c:05}");
        let icd9 = c % 50 == 7;
        for k in 1..=1 + rng.below(5) as usize {
            let (code, version) = if icd9 {
                (&b"4019"[..], "9")
            } else {
                (rng.pick(CODES).as_bytes(), "10")
            };
            // Not UTF-8: in the note (the row is still read), in the code
            // cell (the row is rejected).
            let note: &[u8] = if c % 97 == 5 { b"caf\xe9" } else { b"ok" };
            let code: &[u8] = if c % 89 == 3 && k == 2 {
                b"E1\xff1.9"
            } else {
                code
            };
            row(&mut text, &id, k, code, version, note);
            if c % 211 == 9 && k == 1 {
                text.extend_from_slice(b"\n");
                text.extend_from_slice(
                    b"claim_id,seq,dx_code,icd_version,service_date,birth_date,sex,note\n",
                );
            }
        }
        if c == 1500 {
            for k in 1..=6000 {
                row(
                    &mut text,
                    "HUGE",
                    k,
                    rng.pick(CODES).as_bytes(),
                    "10",
                    b"ok",
                );
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-odd.csv");
    write_for_workers(&path, &text);
    let file = path.to_str().unwrap();
    same_with_threads(&["--format", "jsonl", file]);
    same_with_threads(&["--format", "short", file]);
    let (_, found, summary) = run(&["--format", "jsonl", file], "2");
    let count = |needle: &str| found.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(count("the claim exceeds 1000 diagnoses"), 5000, "{summary}");
    assert!(count("not valid UTF-8") > 10, "{summary}");
    assert!(count("repeats the header line") > 10, "{summary}");
    // 3,001 claims, 60 of them ICD-9-CM (counted, not checked).
    assert!(
        summary.contains("(15013 rows read, 9972 checked, 5041 rejected; 2941 claims)"),
        "{summary}"
    );
}

/// A long-layout file whose gzip stream breaks off: the claim under
/// assembly when reading fails is lost, the error names the line, and the
/// claims before it are checked, as on one thread.
#[test]
fn long_layout_cut_off_mid_claim() {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(long_file(40_000, 13).as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let cut = &gz[..gz.len() * 3 / 5];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.csv.gz");
    write_for_workers(&path, cut);
    let file = path.to_str().unwrap();
    same_with_threads(&["--format", "jsonl", file]);
    let (code, _, summary) = run(&["--format", "jsonl", file], "2");
    assert_eq!(code, 2, "{summary}");
    assert!(summary.contains("reading failed"), "{summary}");
}

#[test]
fn tuva_export_same_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld/tuva");
    let claims = root.join("medical_claim_seed.csv");
    let members = root.join("eligibility_seed.csv");
    if !claims.exists() {
        eprintln!("skipped: {} is not there", claims.display());
        return;
    }
    let (c, m) = (claims.to_str().unwrap(), members.to_str().unwrap());
    same_with_threads(&["--format", "jsonl", c]);
    same_with_threads(&["--format", "short", c, "--members", m]);
}

/// One set of workers serves every file of a run: files of different
/// layouts and headers, and one that cannot be opened, give the findings,
/// column names and counts of a one-thread run, in order.
#[test]
fn the_workers_of_a_run_serve_each_file_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let wide = write_generated(dir.path(), 2000, 3);
    let long = dir.path().join("long.csv");
    write_for_workers(&long, long_file(800, 9));
    let missing = dir.path().join("missing.csv");
    let again = write_generated(dir.path(), 1200, 4);
    let files = [&wide, &long, &missing, &again].map(|p| p.to_str().unwrap().to_string());
    let args = |format: &'static str| {
        let mut a = vec!["--format", format, "--color", "never"];
        a.extend(files.iter().map(String::as_str));
        a
    };
    same_with_threads(&args("jsonl"));
    same_with_threads(&args("human"));
    let (code, findings, summary) = run(&args("short"), "2");
    assert_eq!(code, 2, "an unreadable file fails the run: {summary}");
    assert!(summary.contains("in 4 files"), "{summary}");
    // Findings of every readable file, each under its own name.
    for path in [&files[0], &files[1], &files[3]] {
        assert!(findings.contains(&format!("{path}:")), "{path}");
    }
    assert!(!findings.contains("missing.csv:"), "{findings}");
}
