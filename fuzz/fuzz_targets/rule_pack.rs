//! Rule packs from arbitrary TOML: parsing and validation, then, for packs
//! that load, every rule against a few claims.
#![no_main]

use std::io::Cursor;

use dxlint::claims::{ClaimReader, Event, InputOptions};
use dxlint::codeset::registry::CodeSets;
use dxlint::engine::files::FileTable;
use dxlint::engine::pack::load_pack;
use dxlint::engine::{Catalog, Engine, Selection};
use libfuzzer_sys::fuzz_target;

const CLAIMS: &str = "claim_id,claim_type,service_date,birth_date,sex,dx1,dx2,dx3\n\
    A,inpatient,2025-11-03,1950-01-01,F,E11.9,I10,Z79.4\n\
    B,outpatient,2025-03-10,2020-05-05,M,Z53.2,M54.50,M54.50\n\
    C,professional,2026-11-01,1990-07-01,U,S72.001A,W19.XXXA,Y92.009\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if load_pack("fuzz.toml", text).is_err() {
        return;
    }
    let Ok(catalog) = Catalog::load(&[("fuzz.toml".to_string(), text.to_string())]) else {
        return;
    };
    let selection = Selection {
        select: Some(vec!["ALL".to_string()]),
        ..Selection::default()
    };
    let Ok(engine) = Engine::new(catalog, &selection) else {
        return;
    };
    let sets = CodeSets::new(Vec::new());
    let mut files = FileTable::default();
    let id = files.add("claims.csv");
    let input = Box::new(Cursor::new(CLAIMS.as_bytes().to_vec()));
    let Ok(mut reader) = ClaimReader::open(id, "claims.csv", input, &InputOptions::default(), None)
    else {
        return;
    };
    files.set_headers(id, reader.headers().to_vec());
    let mut out = Vec::new();
    while let Some(event) = reader.next_event() {
        if let Event::Claim(claim) = event {
            engine.check_claim(&claim, &sets, &files, &mut out);
        }
    }
});
