//! The Tabular List XML importer (see `harness::tabular_xml`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::tabular_xml(data));
