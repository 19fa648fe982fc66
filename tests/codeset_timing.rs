//! Load-time measurements, ignored by default. Run each in its own process,
//! in a release build, so that "first" really is first:
//!
//! ```text
//! cargo test --release --test codeset_timing -- --ignored --nocapture first_lookup
//! cargo test --release --test codeset_timing -- --ignored --nocapture full_xml
//! ```

use std::path::Path;
use std::time::Instant;

use dxlint::codeset::{CodeKey, Timeline, Version};
use dxlint::date::Date;

#[test]
#[ignore = "timing; run on its own in a release build"]
fn first_lookup_in_embedded_data() {
    let key = CodeKey::parse("S72.001A").unwrap();
    let start = Instant::now();
    let versions = Version::embedded();
    let entry = versions[1].get(key).unwrap();
    let billable = entry.is_billable();
    let first = start.elapsed();
    let start = Instant::now();
    let flags = Timeline::embedded().flags_on(key, Date::ymd(2026, 1, 5));
    let timeline_first = start.elapsed();
    let start = Instant::now();
    let mut found = 0usize;
    for v in versions {
        for e in v.entries().step_by(97) {
            found += usize::from(v.get(e.key()).is_some());
        }
    }
    let per_lookup = start.elapsed() / u32::try_from(found).unwrap_or(1);
    assert!(billable && flags.is_some());
    println!(
        "embedded: first Version::embedded() + get: {first:?}; first Timeline::embedded() + flags_on: \
         {timeline_first:?}; cold-page get: {per_lookup:?} each ({found} lookups); blobs {} + {} bytes \
         + shared strings {} bytes",
        versions[0].blob_size(),
        versions[1].blob_size(),
        versions[0].string_table_size()
    );
    let start = Instant::now();
    let mut found = 0usize;
    for v in versions {
        for e in v.entries().step_by(97) {
            found += usize::from(v.get(e.key()).is_some());
        }
    }
    println!(
        "warm get: {:?} each",
        start.elapsed() / u32::try_from(found).unwrap_or(1)
    );
}

#[test]
#[ignore = "timing; run on its own in a release build"]
fn load_full_xml_at_run_time() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10cm_tabular_2026.xml.gz");
    let start = Instant::now();
    let v = Version::load(&path).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(v.len(), 98_186);
    println!(
        "Version::load(icd10cm_tabular_2026.xml.gz): {elapsed:?}, blob {} + strings {} bytes",
        v.blob_size(),
        v.string_table_size()
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10cm_order_2025.txt.gz");
    let start = Instant::now();
    let v = Version::load(&path).unwrap();
    println!(
        "Version::load(icd10cm_order_2025.txt.gz): {:?}, {} codes",
        start.elapsed(),
        v.len()
    );
}
