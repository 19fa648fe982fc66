//! Reading, every rule and every report format over arbitrary bytes (see `harness::check_pipeline`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::check_pipeline(data));
