//! `dxlint.toml` from arbitrary text: parsing, spans, validation against
//! the rule catalog.
#![no_main]

use std::path::Path;

use dxlint::config::Config;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(Path::new("dxlint.toml"), text) {
        Ok(config) => common::with_engine(|engine, _| {
            let _ = config.validate(engine.catalog());
        }),
        Err(e) => {
            let _ = format!("{:?}", miette::Report::new_boxed(e));
        }
    }
});
