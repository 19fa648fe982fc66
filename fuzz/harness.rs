//! What each fuzz target does with its input, as plain functions: the
//! targets in `fuzz_targets/` call them, and `tests/fuzz_regressions.rs` in
//! the main crate replays every saved crash input through them under
//! `cargo test`, without libFuzzer. Depends on dxlint only.

#![allow(dead_code)]

use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use dxlint::claims::values::{
    claim_type_from_bill_type, claim_type_from_ccw, claim_type_from_text, code_system_kind,
    parse_age, parse_code,
};
use dxlint::claims::{ClaimReader, Event, InputOptions, Layout, Sex, lookalike};
use dxlint::codeset::code::CodeKey;
use dxlint::codeset::registry::CodeSets;
use dxlint::codeset::version::Version;
use dxlint::config::Config;
use dxlint::date::Date;
use dxlint::engine::files::FileTable;
use dxlint::engine::pack::load_pack;
use dxlint::engine::{Catalog, Engine, Selection};
use dxlint::report::{Format, ReportOptions, RunInfo, Summary, reporter};

/// Hands out the input in chunks of `step` bytes, so that record and
/// buffer boundaries fall everywhere.
pub struct Trickle {
    data: Cursor<Vec<u8>>,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.step);
        self.data.read(&mut buf[..n])
    }
}

/// Reading options from the first byte of the input; the rest is the file.
/// Small record limits and chunk sizes make the rare paths common.
pub fn options(data: &[u8]) -> (InputOptions, Box<dyn Read + Send>) {
    let (&flags, rest) = data.split_first().unwrap_or((&0, &[]));
    let mut opts = InputOptions {
        delimiter: match flags & 3 {
            0 => None,
            1 => Some(b','),
            2 => Some(b'\t'),
            _ => Some(b'|'),
        },
        keep_source_lines: flags & 4 != 0,
        ..InputOptions::default()
    };
    if flags & 8 != 0 {
        opts.columns.layout = Some(Layout::Long);
    }
    if flags & 16 != 0 {
        opts.max_record_bytes = Some(64);
    }
    let step = match flags >> 5 {
        0 => usize::MAX,
        k => usize::from(k) * 3 - 2,
    };
    let input = Trickle {
        data: Cursor::new(rest.to_vec()),
        step,
    };
    (opts, Box::new(input))
}

/// Reads every event of `data` and checks the accounting; calls `each`
/// with every event.
pub fn read_all(data: &[u8], mut each: impl FnMut(&ClaimReader<'_>, &Event)) {
    let (opts, input) = options(data);
    let Ok(mut reader) = ClaimReader::open(0, "fuzz.csv", input, &opts, None) else {
        return;
    };
    while let Some(event) = reader.next_event() {
        each(&reader, &event);
    }
    let s = *reader.stats();
    assert_eq!(s.rows_read, s.rows_checked + s.rows_rejected, "{s:?}");
    assert!(s.rows_repeated <= s.rows_checked, "{s:?}");
    assert!(s.claims <= s.claim_events, "{s:?}");
    let _ = reader.notices();
    let _ = reader.mapping().describe();
}

thread_local! {
    static ENGINE: (Engine, CodeSets) = {
        let catalog = Catalog::load(&[]).expect("built-in rules load");
        let selection = Selection {
            select: Some(vec!["ALL".to_string()]),
            ..Selection::default()
        };
        let engine = Engine::new(catalog, &selection).expect("ALL selects");
        (engine, CodeSets::new(Vec::new()))
    };
}

/// Runs `f` with an engine that has every rule on, and the built-in code sets.
pub fn with_engine<T>(f: impl FnOnce(&Engine, &CodeSets) -> T) -> T {
    ENGINE.with(|(engine, sets)| f(engine, sets))
}

/// Dates that pick each built-in code set, the MCE timeline, and nothing.
pub fn probe_dates() -> [Option<Date>; 5] {
    [
        None,
        Date::new(2016, 3, 1),
        Date::new(2025, 3, 1),
        Date::new(2026, 3, 1),
        Date::new(2027, 1, 15),
    ]
}

/// Asks a code set everything about `key`.
pub fn exercise_code(sets: &CodeSets, key: CodeKey) {
    for date in probe_dates() {
        let ed = sets.edition(date);
        let _ = ed.label();
        let _ = ed.standing(key);
        let _ = ed.title(key);
        let _ = ed.mce_flags(key);
        let _ = ed.requires_seventh_character(key);
        let _ = ed.is_billable(key);
        let _ = ed.billable_descendants(key);
        let _ = dxlint::rules::validity::suggest::close_codes(&ed, key, 5);
    }
    let _ = sets.validity_periods(key);
    let _ = sets.release_with(key, 0);
    for v in sets.versions() {
        exercise_entry(v, key);
    }
}

/// Walks a version's entry for `key`: titles, family, notes.
pub fn exercise_entry(v: &Version, key: CodeKey) {
    let Some(e) = v.get(key) else { return };
    assert_eq!(e.key(), key);
    let _ = e.title();
    let _ = e.short_title();
    let _ = e.is_billable();
    let _ = e.parent().map(|p| p.key());
    let _ = e.ancestors().count();
    let _ = e.children().count();
    let _ = e.descendants().take(64).count();
    let _ = e.billable_descendants().take(64).count();
    let _ = e.chapter();
    let _ = e.section();
    let _ = e.seventh_characters();
    let _ = e.seventh_character();
    let _ = e.requires_seventh_character();
    for kind in [
        dxlint::codeset::NoteKind::InclusionTerm,
        dxlint::codeset::NoteKind::Includes,
        dxlint::codeset::NoteKind::Excludes1,
        dxlint::codeset::NoteKind::Excludes2,
        dxlint::codeset::NoteKind::CodeFirst,
        dxlint::codeset::NoteKind::UseAdditionalCode,
        dxlint::codeset::NoteKind::CodeAlso,
    ] {
        let _ = e.notes(kind).count();
        let _ = e.inherited_notes(kind);
    }
}

/// A temporary file path for this process, named `name`.
pub fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dxlint-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// Loads `data` as a code-set file named `name` and walks what it holds.
pub fn load_codeset(name: &str, data: &[u8]) {
    let path = temp_path(name);
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let loaded = Version::load(&path);
    let _ = std::fs::remove_file(&path);
    let Ok(version) = loaded else {
        return;
    };
    let _ = version.label();
    let _ = version.effective();
    let _ = version.chapters().count();
    let _ = version.sections().count();
    let keys: Vec<CodeKey> = version.entries().map(|e| e.key()).take(512).collect();
    for &key in &keys {
        exercise_entry(&version, key);
        let _ = version.descendants(key).take(64).count();
    }
    let sets = CodeSets::new(vec![version]);
    for &key in keys.iter().take(32) {
        exercise_code(&sets, key);
    }
}

/// `claims_read`: claim ingestion over arbitrary bytes: records, positions,
/// header detection, wide and long grouping, accounting.
pub fn claims_read(data: &[u8]) {
    read_all(data, |reader, event| match event {
        Event::Claim(claim) => {
            for dx in &claim.diagnoses {
                assert!(dx.code.loc.line >= 1 && dx.code.loc.column >= 1);
                let _ = reader.headers().get(dx.code.loc.field as usize);
            }
            for (line, _) in &claim.source_lines {
                assert!(*line >= claim.line);
            }
        }
        Event::Malformed(row) => {
            assert!(row.loc.line >= 1 && row.loc.column >= 1);
            let _ = row.field_name(reader.headers());
        }
    });
}

const FORMATS: [Format; 6] = [
    Format::Human,
    Format::Short,
    Format::Json,
    Format::Jsonl,
    Format::Sarif,
    Format::Github,
];

/// `check_pipeline`: the whole check over arbitrary bytes: reading, every
/// rule against the built-in code sets, and every report format (human
/// with and without redaction), written to nowhere.
pub fn check_pipeline(data: &[u8]) {
    with_engine(|engine, sets| {
        let mut files = FileTable::default();
        let id = files.add("fuzz.csv");
        let mut found = Vec::new();
        let mut headers_set = false;
        read_all(data, |reader, event| {
            if !headers_set {
                files.set_headers(id, reader.headers().to_vec());
                headers_set = true;
            }
            match event {
                Event::Claim(claim) => engine.check_claim(claim, sets, &files, &mut found),
                Event::Malformed(row) => found.extend(engine.malformed_row(
                    row.loc,
                    &row.reason,
                    row.source_line.clone(),
                    &files,
                )),
            }
        });
        let run = RunInfo {
            tool: "dxlint",
            version: "fuzz",
            rules: engine.active_rules(),
        };
        for format in FORMATS {
            for redact in [false, true] {
                if redact && format != Format::Human {
                    continue;
                }
                let options = ReportOptions {
                    redact,
                    width: Some(60),
                    ..ReportOptions::default()
                };
                let mut report = reporter(format, Box::new(io::sink()), &options);
                report.begin(&run).expect("sink");
                for d in &found {
                    report.diagnostic(d).expect("sink");
                }
                report.finish(&Summary::default()).expect("sink");
            }
        }
    });
}

/// `code_lookup`: cell values as claims write them: code normalisation
/// (look-alikes and invisible padding included) and lookup in every
/// built-in code set, and the date, age, sex, claim type and code system
/// readers.
pub fn code_lookup(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let strict = CodeKey::parse(text);
    let lenient = parse_code(text);
    if let Ok(key) = strict {
        assert_eq!(
            lenient,
            Ok(key),
            "padding-tolerant parsing accepts what strict parsing does"
        );
        assert_eq!(
            CodeKey::parse(&key.dotted()),
            Ok(key),
            "the dotted form round-trips"
        );
        assert_eq!(CodeKey::from_u64(key.to_u64()), Some(key));
    }
    if let Ok(key) = lenient {
        with_engine(|_, sets| exercise_code(sets, key));
        let _ = key.category();
        let _ = key.truncated(5);
        let _ = key.with_char(b'X');
    }
    if let Some(ascii) = lookalike::to_ascii(text) {
        assert!(ascii.is_ascii());
        let _ = parse_code(&ascii);
    }
    let _ = lookalike::visible(text);
    let _ = lookalike::trim_invisible(text);
    for c in text.chars().take(64) {
        let _ = lookalike::describe(c);
    }
    if let Ok(date) = Date::parse(text) {
        let _ = date.days_since_epoch();
        let _ = date.fiscal_year();
        assert_eq!(Date::parse(&date.to_string()), Ok(date));
    }
    let _ = parse_age(text);
    let _ = Sex::parse(text);
    let _ = code_system_kind(text);
    let _ = claim_type_from_text(text, Some(text));
    let _ = claim_type_from_bill_type(text);
    let _ = claim_type_from_ccw(text);
}

const PACK_CLAIMS: &str = "claim_id,claim_type,service_date,birth_date,sex,dx1,dx2,dx3\n\
    A,inpatient,2025-11-03,1950-01-01,F,E11.9,I10,Z79.4\n\
    B,outpatient,2025-03-10,2020-05-05,M,Z53.2,M54.50,M54.50\n\
    C,professional,2026-11-01,1990-07-01,U,S72.001A,W19.XXXA,Y92.009\n";

/// `rule_pack`: rule packs from arbitrary TOML: parsing and validation,
/// then, for packs that load, every rule against a few claims.
pub fn rule_pack(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = load_pack("fuzz.toml", text) {
        let _ = format!("{:?}", miette::Report::new_boxed(e));
        return;
    }
    let Ok(catalog) = Catalog::load(&[("fuzz.toml".to_string(), text.to_string())]) else {
        return;
    };
    let selection = Selection {
        select: Some(vec!["ALL".to_string()]),
        ..Selection::default()
    };
    let Ok(engine) = Engine::new(catalog, &selection) else {
        return;
    };
    let sets = CodeSets::new(Vec::new());
    let mut files = FileTable::default();
    let id = files.add("claims.csv");
    let input = Box::new(Cursor::new(PACK_CLAIMS.as_bytes().to_vec()));
    let Ok(mut reader) = ClaimReader::open(id, "claims.csv", input, &InputOptions::default(), None)
    else {
        return;
    };
    files.set_headers(id, reader.headers().to_vec());
    let mut out = Vec::new();
    while let Some(event) = reader.next_event() {
        if let Event::Claim(claim) = event {
            engine.check_claim(&claim, &sets, &files, &mut out);
        }
    }
}

/// `config`: `dxlint.toml` from arbitrary text: parsing, error spans,
/// validation against the rule catalog.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(Path::new("dxlint.toml"), text) {
        Ok(config) => with_engine(|engine, _| {
            if let Err(e) = config.validate(engine.catalog()) {
                let _ = format!("{:?}", miette::Report::new_boxed(e));
            }
        }),
        Err(e) => {
            let _ = format!("{:?}", miette::Report::new_boxed(e));
        }
    }
}

/// `order_file`: CMS order files from arbitrary bytes: import, packing into
/// a blob, reading it back, lookups.
pub fn order_file(data: &[u8]) {
    let _ = dxlint::codeset::order_file::parse_order_file(data);
    load_codeset("icd10cm_order_2027.txt", data);
}

/// `tabular_xml`: Tabular List XML from arbitrary bytes: import, packing
/// into a blob, reading it back, lookups.
pub fn tabular_xml(data: &[u8]) {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = dxlint::codeset::tabular::parse_tabular(xml);
    }
    load_codeset("icd10cm_tabular_2027.xml", data);
}

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name, for replaying saved inputs.
pub const TARGETS: &[(&str, Target)] = &[
    ("claims_read", claims_read),
    ("check_pipeline", check_pipeline),
    ("code_lookup", code_lookup),
    ("rule_pack", rule_pack),
    ("config", config),
    ("order_file", order_file),
    ("tabular_xml", tabular_xml),
];
