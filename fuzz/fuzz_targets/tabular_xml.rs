//! Tabular List XML from arbitrary bytes: import, packing into a blob,
//! reading it back, lookups.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = dxlint::codeset::tabular::parse_tabular(xml);
    }
    common::load_codeset("icd10cm_tabular_2027.xml", data);
});
