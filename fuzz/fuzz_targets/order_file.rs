//! CMS order files from arbitrary bytes: import, packing into a blob,
//! reading it back, lookups.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = dxlint::codeset::order_file::parse_order_file(data);
    common::load_codeset("icd10cm_order_2027.txt", data);
});
