//! Cell values as claims write them: code normalisation (look-alikes and
//! invisible padding included) and lookup in every built-in code set, and
//! the date, age, sex, claim type and code system readers.
#![no_main]

use dxlint::claims::values::{
    claim_type_from_bill_type, claim_type_from_ccw, claim_type_from_text, code_system_kind,
    parse_age, parse_code,
};
use dxlint::claims::{Sex, lookalike};
use dxlint::codeset::code::CodeKey;
use dxlint::date::Date;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let strict = CodeKey::parse(text);
    let lenient = parse_code(text);
    if let Ok(key) = strict {
        assert_eq!(lenient, Ok(key), "padding-tolerant parsing accepts what strict parsing does");
        assert_eq!(CodeKey::parse(&key.dotted()), Ok(key), "dotted form round-trips");
        assert_eq!(CodeKey::from_u64(key.to_u64()), Some(key));
    }
    if let Ok(key) = lenient {
        common::with_engine(|_, sets| common::exercise_code(sets, key));
        let _ = key.category();
        let _ = key.truncated(5);
        let _ = key.with_char(b'X');
    }
    if let Some(ascii) = lookalike::to_ascii(text) {
        assert!(ascii.is_ascii());
        let _ = parse_code(&ascii);
    }
    let _ = lookalike::visible(text);
    let _ = lookalike::trim_invisible(text);
    for c in text.chars().take(64) {
        let _ = lookalike::describe(c);
    }
    if let Ok(date) = Date::parse(text) {
        let _ = date.days_since_epoch();
        let _ = date.fiscal_year();
        let _ = date.to_string();
    }
    let _ = parse_age(text);
    let _ = Sex::parse(text);
    let _ = code_system_kind(text);
    let _ = claim_type_from_text(text, Some(text));
    let _ = claim_type_from_bill_type(text);
    let _ = claim_type_from_ccw(text);
});
