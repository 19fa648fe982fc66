//! Deterministic synthetic claim files for benchmarks and load tests.
//!
//! ```sh
//! cargo run --release --example gen-claims -- --rows 1000000 --seed 7 > claims.csv
//! cargo run --release --example gen-claims -- --rows 200000 --layout tuva > tuva.csv
//! ```
//!
//! Codes come from the embedded code sets with a realistic skew: the codes
//! that pass every rule are shuffled by the seed and drawn with a Zipf
//! distribution, so a few hundred common codes carry most diagnoses. Each
//! claim has 1 to 25 diagnoses (about 6 on average), a service date in
//! FY2025-FY2026, a member with an age and a sex. About 5% of the claims
//! (`--defects`) carry one defect of a kind the rules catch: header codes,
//! typos, malformed codes, missing 7th characters, codes not valid on the
//! date, sequencing errors, duplicates, gaps, bad dates and sexes, claims
//! without diagnoses and rows with the wrong number of fields.
//!
//! Which codes are clean, and which defects really fire, is decided by
//! running the engine itself on small probe claims at start-up, so the
//! generator follows the rules as they change. Each claim is checked too
//! before its defect is injected: a code the engine flags for the patient
//! (an age edit) or with another code (Excludes1, code-first order) is
//! drawn again, so the file holds its planned defects and no accidental
//! ones. The same seed, layout and
//! row count always produce the same bytes. A summary of what was injected
//! goes to stderr.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use dxlint::claims::{
    Cell, CellLoc, Claim, ClaimType, CodeCell, CodeSystem, Diagnosis, DxRole, Sex,
};
use dxlint::codeset::code::CodeKey;
use dxlint::codeset::registry::CodeSets;
use dxlint::codeset::version::Version;
use dxlint::date::Date;
use dxlint::engine::files::FileTable;
use dxlint::engine::{Catalog, Engine, Selection};

/// Most diagnoses on one claim.
const MAX_DX: usize = 25;
/// Zipf exponent of code popularity.
const ZIPF_S: f64 = 1.05;
/// First and last service date (FY2025 and FY2026).
const FIRST_DAY: Date = Date::ymd(2024, 10, 1);
const LAST_DAY: Date = Date::ymd(2026, 9, 30);

#[derive(Parser, Debug)]
#[command(
    name = "gen-claims",
    about = "Write a deterministic synthetic claims file to stdout"
)]
struct Args {
    /// Data rows to write (the header not counted)
    #[arg(long, default_value_t = 100_000)]
    rows: u64,
    /// Seed of the generator: same seed, same file
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// File layout
    #[arg(long, value_enum, default_value_t = LayoutArg::Wide)]
    layout: LayoutArg,
    /// Share of claims that carry a defect
    #[arg(long, default_value_t = 0.05)]
    defects: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LayoutArg {
    /// One row per claim: claim_id, member_id, claim_type, service_date, birth_date, sex, dx1..dx25
    Wide,
    /// Tuva Project medical_claim: claim lines repeating the claim's diagnoses (dotless)
    Tuva,
    /// One row per diagnosis: claim_id, member_id, claim_type, service_date, birth_date, sex, seq, dx_code
    Long,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.defects) {
        eprintln!("gen-claims: --defects is a share between 0 and 1");
        return ExitCode::from(2);
    }
    let pools = match Pools::build(args.seed) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gen-claims: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut generator = match Generator::new(&args, &pools) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("gen-claims: {e}");
            return ExitCode::from(2);
        }
    };
    let result = generator.run(&mut out).and_then(|()| out.flush());
    match result {
        Ok(()) => {
            generator.print_summary();
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-claims: {e}");
            ExitCode::from(1)
        }
    }
}

// ---------------------------------------------------------------------------
// Random numbers: SplitMix64 to seed, xoshiro256** to draw.

struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut st = seed;
        Rng {
            s: [
                splitmix64(&mut st),
                splitmix64(&mut st),
                splitmix64(&mut st),
                splitmix64(&mut st),
            ],
        }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Code pools, classified by running the engine on probe claims.

/// Runs the default rules on one-claim probes.
struct Probe {
    engine: Engine,
    sets: CodeSets,
    files: FileTable,
    found: Vec<dxlint::engine::diagnostic::Diagnostic>,
}

/// Demographics the clean codes must pass with (both sexes, an adult).
const PROBE_SEXES: [Sex; 2] = [Sex::Female, Sex::Male];
const PROBE_BIRTH: Date = Date::ymd(1979, 6, 15);
/// A date in each fiscal year the generator writes.
const PROBE_DATES: [Date; 2] = [Date::ymd(2025, 3, 14), Date::ymd(2026, 3, 13)];

impl Probe {
    fn new() -> Result<Probe, String> {
        let catalog = Catalog::load(&[]).map_err(|e| e.to_string())?;
        let engine = Engine::new(catalog, &Selection::default()).map_err(|e| e.to_string())?;
        let mut files = FileTable::default();
        let file = files.add("probe.csv");
        files.set_headers(file, Vec::new());
        Ok(Probe {
            engine,
            sets: CodeSets::embedded(),
            files,
            found: Vec::new(),
        })
    }

    /// Checks an inpatient claim with `codes` in order; the findings are in `found`.
    fn run(&mut self, date: Date, sex: Sex, codes: &[CodeKey]) {
        self.run_claim(ClaimType::Inpatient, date, PROBE_BIRTH, sex, codes);
    }

    /// Checks a claim with `codes` in order (diagnosis `i` in column
    /// `10 + i`); the findings are in `found`.
    fn run_claim(
        &mut self,
        claim_type: ClaimType,
        date: Date,
        birth: Date,
        sex: Sex,
        codes: &[CodeKey],
    ) {
        let loc = |column: u32| CellLoc {
            file: 0,
            line: 2,
            column,
            len: 1,
            field: column,
        };
        let cell_date = |d: Date, column| Cell {
            loc: loc(column),
            raw: d.to_string().into(),
            value: Ok(d),
        };
        let claim = Claim {
            file: 0,
            id: Some("P1".into()),
            line: 2,
            claim_type,
            code_type: None,
            service_date: Some(cell_date(date, 1)),
            through_date: None,
            birth_date: Some(cell_date(birth, 2)),
            age: None,
            sex: Some(Cell {
                loc: loc(3),
                raw: "X".into(),
                value: Ok(sex),
            }),
            diagnoses: codes
                .iter()
                .enumerate()
                .map(|(i, k)| Diagnosis {
                    code: CodeCell::new(loc(10 + i as u32), &k.dotted()),
                    role: DxRole::Sequenced,
                    position: i as u16 + 1,
                    poa: None,
                    code_system: CodeSystem::Icd10Cm,
                })
                .collect(),
            gaps: Vec::new(),
            source_lines: Vec::new(),
        };
        self.found.clear();
        self.engine
            .check_claim(&claim, &self.sets, &self.files, &mut self.found);
    }

    /// The rule names that fire on an inpatient claim with `codes` in order.
    fn fire(&mut self, date: Date, sex: Sex, codes: &[CodeKey]) -> Vec<String> {
        self.run(date, sex, codes);
        self.found.iter().map(|d| d.rule.name.clone()).collect()
    }

    /// Nothing fires on either date, for either sex.
    fn clean(&mut self, codes: &[CodeKey]) -> bool {
        PROBE_DATES.iter().all(|&d| {
            PROBE_SEXES.iter().all(|&s| {
                self.run(d, s, codes);
                self.found.is_empty()
            })
        })
    }

    /// Exactly `rule` fires (once) on `date`.
    fn only(&mut self, date: Date, codes: &[CodeKey], rule: &str) -> bool {
        self.run(date, Sex::Female, codes);
        self.found.len() == 1 && self.found[0].rule.name == rule
    }
}

/// A code with its two spellings.
#[derive(Clone)]
struct Code {
    key: CodeKey,
    dotted: String,
    dotless: String,
}

impl Code {
    fn new(key: CodeKey) -> Code {
        Code {
            key,
            dotted: key.dotted(),
            dotless: key.as_str().to_string(),
        }
    }
}

fn key(s: &str) -> CodeKey {
    CodeKey::parse(s).unwrap_or_else(|e| panic!("{s} is not a code: {e}"))
}

struct Pools {
    /// Billable codes that pass every rule in position 2 or later, in
    /// popularity order (shuffled by the seed).
    common: Vec<Code>,
    /// Parallel to `common`: also passes as principal diagnosis.
    first_ok: Vec<bool>,
    /// Cumulative Zipf weights over `common`.
    cdf: Vec<f64>,
    /// Header codes (non-billable on both fiscal years).
    headers: Vec<Code>,
    /// Well-formed codes that exist nowhere: slips of the keyboard.
    typos: Vec<String>,
    /// Codes cut before their 7th character.
    seventh: Vec<Code>,
    /// Billable in FY2026 only (invalid on FY2025 dates).
    added: Vec<Code>,
    /// Billable in FY2025 only (invalid on FY2026 dates).
    dropped: Vec<Code>,
    /// Cells that are not shaped like a code.
    malformed_codes: &'static [&'static str],
    /// A code that may only be first-listed (reported second).
    first_only: Code,
    /// A code that is only ever secondary (reported first).
    secondary_only: Code,
    /// An external cause code (reported first).
    external_cause: Code,
    /// Two place-of-occurrence codes (one per claim is allowed).
    places: [Code; 2],
}

/// Diagnoses that are among the most frequent on outpatient and
/// professional claims; those that pass every rule lead the popularity order.
const LEADING_CODES: &[&str] = &[
    "I10", "E11.9", "E78.5", "J06.9", "M54.50", "E66.9", "K21.9", "F41.9", "R05.9", "Z79.899",
    "E03.9", "J45.909", "N39.0", "R10.9", "M25.561", "G47.33", "F32.A", "I25.10", "E55.9", "D64.9",
    "R51.9", "E11.65", "J02.9", "R07.9", "M17.11", "E78.2", "I48.91", "J44.9", "N18.30", "F17.210",
    "G43.909", "R53.83", "M79.7", "E87.6", "R42", "J18.9", "I50.9", "K58.9", "L30.9", "H52.4",
    "R73.03", "E11.22", "M19.90", "R06.02", "F90.0", "Z79.4", "B34.9", "J30.9", "N40.0", "R11.2",
    "M62.830", "F33.1", "E04.2", "K59.00", "R31.9", "H10.9", "J20.9", "I83.90", "M81.0", "G89.29",
    "E28.2", "Z87.891", "R60.0", "I73.9", "L70.0",
];

const MALFORMED_CODES: &[&str] = &[
    "E11..9", "25000", "E1", "I10-", "E11.9!", "J45.90.1", "ZZ", "4019", "K21.0.0", "R0.5",
];

impl Pools {
    fn build(seed: u64) -> Result<Pools, String> {
        let mut rng = Rng::new(seed ^ 0x636f_6465_7365_7473);
        let mut probe = Probe::new()?;
        let [fy25, fy26] = match Version::embedded() {
            [a, b, ..] => [a, b],
            _ => return Err("the embedded code sets are missing".to_string()),
        };

        let billable_25: HashSet<CodeKey> = fy25
            .entries()
            .filter(|e| e.is_billable())
            .map(|e| e.key())
            .collect();
        let mut candidates: Vec<CodeKey> = fy26
            .entries()
            .filter(|e| e.is_billable() && billable_25.contains(&e.key()))
            .map(|e| e.key())
            .collect();
        // One external cause per category at most: Y92/Y93/Y99 are injected on purpose.
        let repeat_limited = [key("Y92"), key("Y93"), key("Y99")];
        candidates.retain(|k| !repeat_limited.iter().any(|p| k.starts_with(p)));
        candidates.sort();
        // Popularity order: a weighted shuffle in which chronic and common
        // conditions (short codes outside the injury and external cause
        // chapters) are more likely to rank high than injury encounter codes.
        let mut ranked: Vec<(f64, CodeKey)> = candidates
            .iter()
            .map(|&k| {
                let injury = matches!(k.as_bytes()[0], b'S' | b'T' | b'V' | b'W' | b'X' | b'Y');
                let weight = if injury || k.len() == 7 {
                    1.0
                } else if k.len() <= 5 {
                    12.0
                } else {
                    4.0
                };
                (-rng.unit().max(f64::MIN_POSITIVE).ln() / weight, k)
            })
            .collect();
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Codes that lead real claim files go first, in this order.
        let leaders: Vec<CodeKey> = LEADING_CODES.iter().map(|c| key(c)).collect();
        let candidates: Vec<CodeKey> = leaders
            .iter()
            .copied()
            .filter(|k| candidates.binary_search(k).is_ok())
            .chain(
                ranked
                    .into_iter()
                    .map(|(_, k)| k)
                    .filter(|k| !leaders.contains(k)),
            )
            .collect();

        let mut first_ok = Vec::with_capacity(candidates.len());
        let mut common = Vec::with_capacity(candidates.len());
        // A principal diagnosis that passes every rule, to probe the others behind.
        let anchor = *candidates
            .iter()
            .find(|&&k| probe.clean(&[k]))
            .ok_or("no code passes every rule as principal diagnosis")?;
        for &k in &candidates {
            if k == anchor || probe.clean(&[anchor, k]) {
                common.push(Code::new(k));
                first_ok.push(k == anchor || probe.clean(&[k]));
            }
        }
        if common.len() < 1000 {
            return Err(format!("only {} clean codes found", common.len()));
        }
        let mut total = 0.0;
        let cdf = (0..common.len())
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(ZIPF_S);
                total
            })
            .collect();

        let date25 = PROBE_DATES[0];
        let date26 = PROBE_DATES[1];
        let both = |rule: &'static str| {
            move |probe: &mut Probe, k: CodeKey| {
                probe.only(date25, &[anchor, k], rule) && probe.only(date26, &[anchor, k], rule)
            }
        };

        // Headers: existing in both years, not billable in either.
        let mut header_candidates: Vec<CodeKey> = fy26
            .entries()
            .filter(|e| !e.is_billable() && fy25.get(e.key()).is_some_and(|o| !o.is_billable()))
            .map(|e| e.key())
            .collect();
        rng.shuffle(&mut header_candidates);
        let headers = collect(
            &mut probe,
            &header_candidates,
            400,
            both("non-billable-code"),
        );

        // Missing 7th character: a 7-character code cut back to six, or to
        // the code before its placeholder X.
        let mut cut: Vec<CodeKey> = Vec::new();
        for c in common.iter().filter(|c| c.key.len() == 7) {
            let six = c.key.truncated(6);
            cut.push(six);
            let bare = six.as_str().trim_end_matches('X');
            if bare.len() < 6
                && let Some(k) = CodeKey::from_dotless(bare.as_bytes())
            {
                cut.push(k);
            }
        }
        cut.sort();
        cut.dedup();
        rng.shuffle(&mut cut);
        let seventh = collect(&mut probe, &cut, 400, both("missing-seventh-character"));

        // Typos: one slip away from a common code, and in no code set.
        let mut slips: Vec<CodeKey> = Vec::new();
        for c in common.iter().take(3000) {
            let mut b = c.key.as_bytes().to_vec();
            let i = 1 + rng.index(b.len() - 1);
            match rng.below(3) {
                0 => b[i] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[rng.index(34)],
                1 if i + 1 < b.len() => b.swap(i, i + 1),
                _ => {
                    b[i] = if b[i] == b'0' {
                        b'O'
                    } else if b[i] == b'1' {
                        b'I'
                    } else {
                        b'0'
                    }
                }
            }
            if let Some(k) = CodeKey::from_dotless(&b) {
                slips.push(k);
            }
        }
        let typo_keys = collect(&mut probe, &slips, 600, both("unknown-code"));
        let typos = typo_keys.iter().map(|c| c.dotted.clone()).collect();

        // Codes that changed between the years.
        let billable_26: HashSet<CodeKey> = fy26
            .entries()
            .filter(|e| e.is_billable())
            .map(|e| e.key())
            .collect();
        let mut added_keys: Vec<CodeKey> = billable_26
            .iter()
            .copied()
            .filter(|k| fy25.get(*k).is_none())
            .collect();
        let mut dropped_keys: Vec<CodeKey> = billable_25
            .iter()
            .copied()
            .filter(|k| fy26.get(*k).is_none())
            .collect();
        added_keys.sort();
        dropped_keys.sort();
        let not_valid = "code-not-valid-on-service-date";
        let added = collect(&mut probe, &added_keys, 300, |p, k| {
            p.only(date25, &[anchor, k], not_valid)
                && p.fire(date26, Sex::Female, &[anchor, k]).is_empty()
        });
        let dropped = collect(&mut probe, &dropped_keys, 300, |p, k| {
            p.only(date26, &[anchor, k], not_valid)
                && p.fire(date25, Sex::Female, &[anchor, k]).is_empty()
        });
        if headers.is_empty() || seventh.is_empty() || added.is_empty() || dropped.is_empty() {
            return Err("the code sets gave no examples for some defect".to_string());
        }

        let first_only = Code::new(key("Z00.00"));
        let secondary_only = Code::new(key("Z28.21"));
        let external_cause = Code::new(key("W19.XXXA"));
        let places = [Code::new(key("Y92.009")), Code::new(key("Y92.010"))];
        // Each injected sequencing defect must fire its rule (on inpatient
        // claims a code the MCE rejects as principal gives way to that edit).
        let checks: [(Vec<String>, &[&str]); 4] = [
            (
                probe.fire(date26, Sex::Female, &[anchor, first_only.key]),
                &["first-listed-only-code"],
            ),
            (
                probe.fire(date26, Sex::Female, &[secondary_only.key, anchor]),
                &["secondary-only-code", "unacceptable-principal-diagnosis"],
            ),
            (
                probe.fire(date26, Sex::Female, &[external_cause.key, anchor]),
                &["external-cause-first-listed"],
            ),
            (
                probe.fire(date26, Sex::Female, &[anchor, places[0].key, places[1].key]),
                &["external-cause-repeated"],
            ),
        ];
        for (fired, rules) in &checks {
            if !fired.iter().any(|f| rules.contains(&f.as_str())) {
                return Err(format!("the probe for {} found {fired:?}", rules[0]));
            }
        }

        Ok(Pools {
            common,
            first_ok,
            cdf,
            headers,
            typos,
            seventh,
            added,
            dropped,
            malformed_codes: MALFORMED_CODES,
            first_only,
            secondary_only,
            external_cause,
            places,
        })
    }

    /// A code index by popularity.
    fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cdf[self.cdf.len() - 1];
        let u = rng.unit() * total;
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1)
    }
}

/// Up to `want` of `candidates` (in order) that pass `test`.
fn collect(
    probe: &mut Probe,
    candidates: &[CodeKey],
    want: usize,
    mut test: impl FnMut(&mut Probe, CodeKey) -> bool,
) -> Vec<Code> {
    let mut out = Vec::new();
    for &k in candidates {
        if out.len() == want {
            break;
        }
        if test(probe, k) {
            out.push(Code::new(k));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Claims and defects.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Defect {
    HeaderCode,
    UnknownCode,
    InvalidFormat,
    MissingSeventh,
    NotValidOnDate,
    FirstListedOnlySecond,
    SecondaryOnlyFirst,
    ExternalCauseFirst,
    ExternalCauseRepeated,
    Duplicate,
    Gap,
    NoDiagnosis,
    BadServiceDate,
    MissingServiceDate,
    BirthAfterService,
    BadSex,
    ExtraField,
    MissingFields,
}

const DEFECTS: [Defect; 18] = [
    Defect::HeaderCode,
    Defect::UnknownCode,
    Defect::InvalidFormat,
    Defect::MissingSeventh,
    Defect::NotValidOnDate,
    Defect::FirstListedOnlySecond,
    Defect::SecondaryOnlyFirst,
    Defect::ExternalCauseFirst,
    Defect::ExternalCauseRepeated,
    Defect::Duplicate,
    Defect::Gap,
    Defect::NoDiagnosis,
    Defect::BadServiceDate,
    Defect::MissingServiceDate,
    Defect::BirthAfterService,
    Defect::BadSex,
    Defect::ExtraField,
    Defect::MissingFields,
];

impl Defect {
    fn name(self) -> &'static str {
        match self {
            Defect::HeaderCode => "header code",
            Defect::UnknownCode => "typo (unknown code)",
            Defect::InvalidFormat => "malformed code",
            Defect::MissingSeventh => "missing 7th character",
            Defect::NotValidOnDate => "code not valid on the date",
            Defect::FirstListedOnlySecond => "first-listed-only code second",
            Defect::SecondaryOnlyFirst => "secondary-only code first",
            Defect::ExternalCauseFirst => "external cause first",
            Defect::ExternalCauseRepeated => "two Y92 place codes",
            Defect::Duplicate => "duplicate code",
            Defect::Gap => "gap before a diagnosis",
            Defect::NoDiagnosis => "no diagnosis",
            Defect::BadServiceDate => "impossible service date",
            Defect::MissingServiceDate => "empty service date",
            Defect::BirthAfterService => "birth after service",
            Defect::BadSex => "unreadable sex",
            Defect::ExtraField => "row with an extra field",
            Defect::MissingFields => "row with missing fields",
        }
    }

    /// Defects about columns the Tuva layout does not have.
    fn needs_demographics(self) -> bool {
        matches!(self, Defect::BirthAfterService | Defect::BadSex)
    }
}

/// One diagnosis cell as it will be written.
#[derive(Clone, Copy)]
enum DxCell<'p> {
    Code(&'p Code),
    Text(&'p str),
    Empty,
}

/// One claim, before it becomes rows.
struct ClaimDraft<'p> {
    id: u64,
    member: u64,
    claim_type: ClaimType,
    service: Date,
    service_text: Option<&'static str>,
    birth: Date,
    sex: &'static str,
    dx: Vec<DxCell<'p>>,
    /// Write this diagnosis dotless (a second spelling of a duplicate).
    dotless_at: Option<usize>,
    /// Wrong number of fields: +1 extra, -n missing.
    field_skew: i32,
}

struct Generator<'p> {
    rng: Rng,
    pools: &'p Pools,
    layout: LayoutArg,
    rows: u64,
    defect_rate: f64,
    days: Vec<Date>,
    next_claim: u64,
    members: u64,
    // Accounting for the summary.
    rows_written: u64,
    claims_written: u64,
    dx_written: u64,
    injected: Vec<(Defect, u64)>,
    /// Codes drawn again because they conflicted with the patient or with
    /// another code of the claim.
    redrawn: u64,
    probe: Probe,
    line: Vec<u8>,
}

impl<'p> Generator<'p> {
    fn new(args: &Args, pools: &'p Pools) -> Result<Generator<'p>, String> {
        let first = FIRST_DAY.days_since_epoch();
        let last = LAST_DAY.days_since_epoch();
        Ok(Generator {
            rng: Rng::new(args.seed),
            pools,
            layout: args.layout,
            rows: args.rows,
            defect_rate: args.defects,
            days: (first..=last).map(civil_from_days).collect(),
            next_claim: 1,
            members: (args.rows / 3).max(10),
            rows_written: 0,
            claims_written: 0,
            dx_written: 0,
            injected: DEFECTS.iter().map(|d| (*d, 0)).collect(),
            redrawn: 0,
            probe: Probe::new()?,
            line: Vec::with_capacity(1024),
        })
    }

    fn run(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.header(out)?;
        while self.rows_written < self.rows {
            let claim = self.claim();
            self.write_claim(&claim, out)?;
        }
        Ok(())
    }

    fn header(&mut self, out: &mut impl Write) -> io::Result<()> {
        let h: Vec<String> = match self.layout {
            LayoutArg::Wide => [
                "claim_id",
                "member_id",
                "claim_type",
                "service_date",
                "birth_date",
                "sex",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain((1..=MAX_DX).map(|i| format!("dx{i}")))
            .collect(),
            LayoutArg::Tuva => [
                "claim_id",
                "claim_line_number",
                "claim_type",
                "person_id",
                "claim_start_date",
                "claim_end_date",
                "bill_type_code",
                "diagnosis_code_type",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain((1..=MAX_DX).map(|i| format!("diagnosis_code_{i}")))
            .chain(["hcpcs_code".to_string()])
            .collect(),
            LayoutArg::Long => [
                "claim_id",
                "member_id",
                "claim_type",
                "service_date",
                "birth_date",
                "sex",
                "seq",
                "dx_code",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        };
        let mut text = h.join(",");
        text.push('\n');
        out.write_all(text.as_bytes())
    }

    /// The number of diagnoses: 1..=25, mean about 6.
    fn dx_count(&mut self) -> usize {
        let u = self.rng.unit().max(f64::MIN_POSITIVE);
        let extra = (-u.ln() * 5.4) as usize;
        1 + extra.min(MAX_DX - 1)
    }

    fn claim(&mut self) -> ClaimDraft<'p> {
        let pools = self.pools;
        let rng = &mut self.rng;
        let claim_type = match rng.below(100) {
            0..20 => ClaimType::Inpatient,
            20..55 => ClaimType::Outpatient,
            _ => ClaimType::Professional,
        };
        let service = *rng.pick(&self.days);
        let age_years = match rng.below(100) {
            0..18 => rng.below(18),
            18..73 => 18 + rng.below(47),
            _ => 65 + rng.below(31),
        };
        let birth_days = service.days_since_epoch()
            - (age_years as f64 * 365.2425) as i64
            - rng.below(365) as i64;
        let birth = civil_from_days(birth_days);
        let sex = match rng.below(100) {
            0..52 => "F",
            52..99 => "M",
            _ => "U",
        };
        let n = self.dx_count();
        let mut used: Vec<usize> = Vec::with_capacity(n);
        self.draw_codes(&mut used, n);
        // Each code is clean alone, but not every code suits every patient
        // (age edits) or goes with every other code (Excludes1, code-first
        // order): the engine says which to draw again.
        let probe_sex = match sex {
            "F" => Sex::Female,
            "M" => Sex::Male,
            _ => Sex::Unknown,
        };
        for _ in 0..4 {
            let keys: Vec<CodeKey> = used.iter().map(|&i| pools.common[i].key).collect();
            self.probe
                .run_claim(claim_type, service, birth, probe_sex, &keys);
            let mut flagged: Vec<usize> = self
                .probe
                .found
                .iter()
                .filter_map(|d| (d.location.column as usize).checked_sub(10))
                .filter(|&i| i < used.len())
                .collect();
            if flagged.is_empty() {
                break;
            }
            flagged.sort_unstable();
            flagged.dedup();
            for &i in flagged.iter().rev() {
                used.remove(i);
            }
            self.redrawn += flagged.len() as u64;
            self.draw_codes(&mut used, n);
        }
        let mut dx: Vec<DxCell<'p>> = Vec::with_capacity(n + 2);
        dx.extend(used.iter().map(|&i| DxCell::Code(&pools.common[i])));
        let id = self.next_claim;
        self.next_claim += 1;
        let member = 1 + self.rng.below(self.members);
        let mut claim = ClaimDraft {
            id,
            member,
            claim_type,
            service,
            service_text: None,
            birth,
            sex,
            dx,
            dotless_at: None,
            field_skew: 0,
        };
        if self.rng.chance(self.defect_rate) {
            let mut d = *self.rng.pick(&DEFECTS);
            while self.layout != LayoutArg::Wide
                && (d.needs_demographics() && self.layout == LayoutArg::Tuva
                    || self.layout == LayoutArg::Long
                        && matches!(d, Defect::ExtraField | Defect::MissingFields | Defect::Gap))
            {
                d = *self.rng.pick(&DEFECTS);
            }
            self.inject(&mut claim, d);
            if let Some(slot) = self.injected.iter_mut().find(|(k, _)| *k == d) {
                slot.1 += 1;
            }
        }
        claim
    }

    /// Draws pool codes until `used` holds `n`, each once, the first one
    /// able to stand first.
    fn draw_codes(&mut self, used: &mut Vec<usize>, n: usize) {
        while used.len() < n {
            let i = self.pools.draw(&mut self.rng);
            if used.contains(&i) || (used.is_empty() && !self.pools.first_ok[i]) {
                continue;
            }
            used.push(i);
        }
    }

    /// A position other than the first (the claim has at least two diagnoses after this).
    fn later_position(&mut self, claim: &mut ClaimDraft<'p>) -> usize {
        if claim.dx.len() < 2 {
            let i = loop {
                let i = self.pools.draw(&mut self.rng);
                if !matches!(claim.dx[0], DxCell::Code(c) if c.key == self.pools.common[i].key) {
                    break i;
                }
            };
            claim.dx.push(DxCell::Code(&self.pools.common[i]));
        }
        1 + self.rng.index(claim.dx.len() - 1)
    }

    fn inject(&mut self, claim: &mut ClaimDraft<'p>, defect: Defect) {
        let pools = self.pools;
        match defect {
            Defect::HeaderCode => {
                let at = self.later_position(claim);
                claim.dx[at] = DxCell::Code(self.rng.pick(&pools.headers));
            }
            Defect::UnknownCode => {
                let at = self.later_position(claim);
                claim.dx[at] = DxCell::Text(self.rng.pick(&pools.typos).as_str());
            }
            Defect::InvalidFormat => {
                let at = self.later_position(claim);
                let text: &&'static str = self.rng.pick(pools.malformed_codes);
                claim.dx[at] = DxCell::Text(text);
            }
            Defect::MissingSeventh => {
                let at = self.later_position(claim);
                claim.dx[at] = DxCell::Code(self.rng.pick(&pools.seventh));
            }
            Defect::NotValidOnDate => {
                let at = self.later_position(claim);
                let list = if claim.service.fiscal_year() == 2025 {
                    &pools.added
                } else {
                    &pools.dropped
                };
                claim.dx[at] = DxCell::Code(self.rng.pick(list));
            }
            Defect::FirstListedOnlySecond => {
                let at = self.later_position(claim);
                claim.dx[at] = DxCell::Code(&pools.first_only);
            }
            Defect::SecondaryOnlyFirst => claim.dx[0] = DxCell::Code(&pools.secondary_only),
            Defect::ExternalCauseFirst => claim.dx.insert(0, DxCell::Code(&pools.external_cause)),
            Defect::ExternalCauseRepeated => {
                claim.dx.truncate(MAX_DX - 2);
                claim.dx.push(DxCell::Code(&pools.places[0]));
                claim.dx.push(DxCell::Code(&pools.places[1]));
            }
            Defect::Duplicate => {
                let at = self.later_position(claim);
                let from = self.rng.index(at);
                claim.dx[at] = claim.dx[from];
                if self.rng.chance(0.5) {
                    claim.dotless_at = Some(at);
                }
            }
            Defect::Gap => {
                let at = self.later_position(claim);
                claim.dx.insert(at, DxCell::Empty);
            }
            Defect::NoDiagnosis => claim.dx.clear(),
            Defect::BadServiceDate => {
                claim.service_text = Some(*self.rng.pick(
                    &[
                        "2025-02-30",
                        "2025-13-01",
                        "00/00/0000",
                        "yesterday",
                        "2026-04-31",
                    ][..],
                ));
            }
            Defect::MissingServiceDate => claim.service_text = Some(""),
            Defect::BirthAfterService => {
                claim.birth = civil_from_days(
                    claim.service.days_since_epoch() + 30 + self.rng.below(3000) as i64,
                )
            }
            Defect::BadSex => claim.sex = *self.rng.pick(&["X", "3", "N"][..]),
            Defect::ExtraField => claim.field_skew = 1,
            Defect::MissingFields => claim.field_skew = -(1 + self.rng.below(5) as i32),
        }
        claim.dx.truncate(MAX_DX);
    }

    fn write_claim(&mut self, claim: &ClaimDraft<'p>, out: &mut impl Write) -> io::Result<()> {
        self.claims_written += 1;
        match self.layout {
            LayoutArg::Wide => {
                let mut line = std::mem::take(&mut self.line);
                line.clear();
                self.head_cells(claim, &mut line);
                for i in 0..MAX_DX {
                    line.push(b',');
                    if let Some(cell) = claim.dx.get(i) {
                        write_dx(&mut line, *cell, claim.dotless_at == Some(i));
                    }
                }
                finish_row(&mut line, claim.field_skew);
                self.dx_written += claim
                    .dx
                    .iter()
                    .filter(|c| !matches!(c, DxCell::Empty))
                    .count() as u64;
                self.rows_written += 1;
                out.write_all(&line)?;
                self.line = line;
            }
            LayoutArg::Tuva => {
                let lines = match self.rng.below(10) {
                    0..5 => 1,
                    5..8 => 2,
                    8 => 3,
                    _ => 4,
                };
                let lines = lines.min(self.rows - self.rows_written);
                self.dx_written += claim
                    .dx
                    .iter()
                    .filter(|c| !matches!(c, DxCell::Empty))
                    .count() as u64;
                for n in 1..=lines {
                    let mut line = std::mem::take(&mut self.line);
                    line.clear();
                    self.tuva_row(claim, n, &mut line);
                    // A malformed claim has one bad line.
                    finish_row(&mut line, if n == 1 { claim.field_skew } else { 0 });
                    out.write_all(&line)?;
                    self.line = line;
                    self.rows_written += 1;
                }
            }
            LayoutArg::Long => {
                let cells: Vec<DxCell<'p>> = if claim.dx.is_empty() {
                    vec![DxCell::Empty]
                } else {
                    claim.dx.clone()
                };
                for (i, cell) in cells.iter().enumerate() {
                    if self.rows_written == self.rows {
                        break;
                    }
                    let mut line = std::mem::take(&mut self.line);
                    line.clear();
                    self.head_cells(claim, &mut line);
                    line.push(b',');
                    push_num(&mut line, i as u64 + 1);
                    line.push(b',');
                    write_dx(&mut line, *cell, claim.dotless_at == Some(i));
                    line.push(b'\n');
                    out.write_all(&line)?;
                    self.line = line;
                    self.rows_written += 1;
                    self.dx_written += u64::from(!matches!(cell, DxCell::Empty));
                }
            }
        }
        Ok(())
    }

    /// claim_id, member_id, claim_type, service_date, birth_date, sex.
    fn head_cells(&self, claim: &ClaimDraft<'p>, line: &mut Vec<u8>) {
        line.push(b'C');
        push_padded(line, claim.id, 9);
        line.extend_from_slice(b",M");
        push_padded(line, claim.member, 8);
        line.push(b',');
        line.extend_from_slice(claim.claim_type.as_str().as_bytes());
        line.push(b',');
        match claim.service_text {
            Some(t) => line.extend_from_slice(t.as_bytes()),
            None => push_date(line, claim.service),
        }
        line.push(b',');
        push_date(line, claim.birth);
        line.push(b',');
        line.extend_from_slice(claim.sex.as_bytes());
    }

    fn tuva_row(&mut self, claim: &ClaimDraft<'p>, n: u64, line: &mut Vec<u8>) {
        push_num(line, claim.id);
        line.push(b',');
        push_num(line, n);
        let (kind, bill) = match claim.claim_type {
            ClaimType::Inpatient => ("institutional", "111"),
            ClaimType::Outpatient => ("institutional", "131"),
            _ => ("professional", ""),
        };
        line.push(b',');
        line.extend_from_slice(kind.as_bytes());
        line.push(b',');
        push_num(line, claim.member);
        line.push(b',');
        match claim.service_text {
            Some(t) => line.extend_from_slice(t.as_bytes()),
            None => push_date(line, claim.service),
        }
        line.push(b',');
        let stay = if claim.claim_type == ClaimType::Inpatient {
            1 + self.rng.below(6) as i64
        } else {
            0
        };
        push_date(
            line,
            civil_from_days(claim.service.days_since_epoch() + stay),
        );
        line.push(b',');
        line.extend_from_slice(bill.as_bytes());
        line.extend_from_slice(b",icd-10-cm");
        for i in 0..MAX_DX {
            line.push(b',');
            match claim.dx.get(i) {
                Some(DxCell::Code(c)) => line.extend_from_slice(c.dotless.as_bytes()),
                Some(DxCell::Text(t)) => line.extend_from_slice(t.as_bytes()),
                Some(DxCell::Empty) | None => {}
            }
        }
        line.push(b',');
        let hcpcs = 99201 + self.rng.below(15);
        push_num(line, hcpcs);
    }

    fn print_summary(&self) {
        let mut err = io::stderr().lock();
        let _ = writeln!(
            err,
            "gen-claims: {} rows, {} claims, {} diagnoses ({:.2} per claim), {} clean codes in the pool",
            self.rows_written,
            self.claims_written,
            self.dx_written,
            self.dx_written as f64 / self.claims_written.max(1) as f64,
            self.pools.common.len()
        );
        let _ = writeln!(
            err,
            "gen-claims: {} codes drawn again because the engine flagged them for the patient or with another code of the claim",
            self.redrawn
        );
        let total: u64 = self.injected.iter().map(|(_, n)| n).sum();
        let _ = writeln!(
            err,
            "gen-claims: {total} claims with a defect ({:.1}%):",
            100.0 * total as f64 / self.claims_written.max(1) as f64
        );
        for (d, n) in &self.injected {
            let _ = writeln!(err, "  {:>9}  {}", n, d.name());
        }
    }
}

fn write_dx(line: &mut Vec<u8>, cell: DxCell<'_>, dotless: bool) {
    match cell {
        DxCell::Code(c) if dotless => line.extend_from_slice(c.dotless.as_bytes()),
        DxCell::Code(c) => line.extend_from_slice(c.dotted.as_bytes()),
        DxCell::Text(t) => line.extend_from_slice(t.as_bytes()),
        DxCell::Empty => {}
    }
}

/// Ends a row, adding or removing fields when the row is meant to be malformed.
fn finish_row(line: &mut Vec<u8>, skew: i32) {
    if skew > 0 {
        line.extend_from_slice(b",extra");
    }
    for _ in 0..(-skew).max(0) {
        if let Some(p) = line.iter().rposition(|&b| b == b',') {
            line.truncate(p);
        }
    }
    line.push(b'\n');
}

fn push_num(line: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    line.extend_from_slice(&buf[i..]);
}

fn push_padded(line: &mut Vec<u8>, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut x = v;
    let mut i = buf.len();
    while x > 0 {
        i -= 1;
        buf[i] = b'0' + (x % 10) as u8;
        x /= 10;
    }
    let start = (buf.len() - width).min(i);
    line.extend_from_slice(&buf[start..]);
}

fn push_date(line: &mut Vec<u8>, d: Date) {
    push_padded(line, u64::from(d.year()), 4);
    line.push(b'-');
    push_padded(line, u64::from(d.month()), 2);
    line.push(b'-');
    push_padded(line, u64::from(d.day()), 2);
}

/// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date::ymd(year, month, day)
}
