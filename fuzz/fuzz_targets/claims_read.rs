//! Claim ingestion over arbitrary bytes: records, positions, header
//! detection, wide and long grouping, accounting.
#![no_main]

use dxlint::claims::Event;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::read_all(data, |reader, event| match event {
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
});
