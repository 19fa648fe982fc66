//! Claim ingestion over arbitrary bytes (see `harness::claims_read`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::claims_read(data));
