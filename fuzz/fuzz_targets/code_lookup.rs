//! Code normalisation and lookup, and the other cell readers (see `harness::code_lookup`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::code_lookup(data));
