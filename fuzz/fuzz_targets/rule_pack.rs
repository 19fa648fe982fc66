//! Rule packs from arbitrary TOML (see `harness::rule_pack`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::rule_pack(data));
