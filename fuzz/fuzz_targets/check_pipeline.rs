//! The whole check over arbitrary bytes: reading, every rule against the
//! built-in code sets, and every report format (human with and without
//! redaction), written to nowhere.
#![no_main]

use std::io;

use dxlint::claims::Event;
use dxlint::engine::files::FileTable;
use dxlint::report::{Format, ReportOptions, RunInfo, Summary, reporter};
use libfuzzer_sys::fuzz_target;

mod common;

const FORMATS: [Format; 6] = [
    Format::Human,
    Format::Short,
    Format::Json,
    Format::Jsonl,
    Format::Sarif,
    Format::Github,
];

fuzz_target!(|data: &[u8]| {
    common::with_engine(|engine, sets| {
        let mut files = FileTable::default();
        let id = files.add("fuzz.csv");
        let mut found = Vec::new();
        let mut headers_set = false;
        common::read_all(data, |reader, event| {
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
});
