//! Helpers shared by the fuzz targets (each target includes this file).

#![allow(dead_code)]

use std::io::{self, Cursor, Read};
use std::path::PathBuf;

use dxlint::claims::{ClaimReader, Event, InputOptions, Layout};
use dxlint::codeset::code::CodeKey;
use dxlint::codeset::registry::CodeSets;
use dxlint::codeset::version::Version;
use dxlint::date::Date;
use dxlint::engine::{Catalog, Engine, Selection};

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
    let Ok(version) = Version::load(&path) else {
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
