//! `dxlint.toml` from arbitrary text (see `harness::config`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::config(data));
