//! Packs the code sets in `data/` into blobs that the crate embeds.
//!
//! For every `data/icd10cm_tabular_YYYY.xml.gz` this parses the Tabular List
//! (expanding 7th characters), gives it short titles (from the order file of
//! the same year, else the IOCE table of that year, else the previous year's
//! short title of an unchanged code, else the long title), and writes
//! `OUT_DIR/icd10cm_fyYYYY.dxcs`; their text goes into one shared string
//! table, `OUT_DIR/icd10cm_strings.bin`. The MCE diagnosis master becomes
//! `OUT_DIR/mce_timeline.dxtl`. `OUT_DIR/embedded_blobs.rs` lists them for
//! `src/codeset/embedded.rs`.
//!
//! The importers are the crate's own files, included by path; they depend
//! only on `std`, `quick-xml`, `code.rs` and `date.rs`. A broken data file
//! stops the build with a message naming it.
#![forbid(unsafe_code)]

#[allow(dead_code, clippy::let_and_return)]
#[path = "src/date.rs"]
mod date;

#[allow(dead_code)]
#[path = "src/codeset/code.rs"]
mod code;

#[allow(dead_code)]
#[path = "src/codeset/fast_hash.rs"]
mod fast_hash;

#[allow(dead_code)]
#[path = "src/codeset/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "src/codeset/expand.rs"]
mod expand;

#[allow(dead_code)]
#[path = "src/codeset/tabular.rs"]
mod tabular;

#[allow(dead_code)]
#[path = "src/codeset/order_file.rs"]
mod order_file;

#[allow(dead_code)]
#[path = "src/codeset/mce.rs"]
mod mce;

#[allow(dead_code)]
#[path = "src/codeset/short_titles.rs"]
mod short_titles;

#[allow(dead_code)]
#[path = "src/codeset/blob_format.rs"]
mod blob_format;

#[allow(dead_code)]
#[path = "src/codeset/blob_write.rs"]
mod blob_write;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::{env, fs};

use code::CodeKey;
use model::CodeSetData;

const SHARED_SOURCES: [&str; 11] = [
    "src/date.rs",
    "src/codeset/code.rs",
    "src/codeset/fast_hash.rs",
    "src/codeset/model.rs",
    "src/codeset/expand.rs",
    "src/codeset/tabular.rs",
    "src/codeset/order_file.rs",
    "src/codeset/mce.rs",
    "src/codeset/short_titles.rs",
    "src/codeset/blob_format.rs",
    "src/codeset/blob_write.rs",
];

fn main() {
    let root =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let data = root.join("data");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=data");
    for source in SHARED_SOURCES {
        println!("cargo:rerun-if-changed={source}");
    }

    let mut sets: Vec<(u16, CodeSetData)> = Vec::new();
    for (year, path) in files_with_year(&data, "icd10cm_tabular_", ".xml.gz") {
        let xml = String::from_utf8(read_gz(&path))
            .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", path.display()));
        let mut set =
            tabular::parse_tabular(&xml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            set.fiscal_year,
            Some(year),
            "{}: <version> does not match the file name",
            path.display()
        );
        let primary = short_titles_for(&data, year);
        short_titles::fill_short_titles(&mut set, &primary, sets.last().map(|(_, s)| s));
        sets.push((year, set));
    }
    assert!(
        !sets.is_empty(),
        "no icd10cm_tabular_YYYY.xml.gz in {}",
        data.display()
    );

    // One string table for all versions: consecutive years share nearly all text.
    let mut strings = blob_write::StringPool::with_capacity(sets.len() * 200_000);
    let mut listing = String::from("pub(crate) static EMBEDDED_VERSIONS: &[&[u8]] = &[\n");
    for (year, set) in &sets {
        let blob = blob_write::write_version(set, *year, &mut strings)
            .unwrap_or_else(|e| panic!("FY{year}: {e}"));
        let target = out.join(format!("icd10cm_fy{year}.dxcs"));
        write(&target, &blob);
        writeln!(
            listing,
            "    include_bytes!({:?}),",
            target.display().to_string()
        )
        .expect("String write");
    }
    listing.push_str("];\n");
    let target = out.join("icd10cm_strings.bin");
    write(&target, &strings.into_bytes());
    writeln!(
        listing,
        "pub(crate) static EMBEDDED_STRINGS: &[u8] = include_bytes!({:?});",
        target.display().to_string()
    )
    .expect("String write");

    let mce_files = files_with_year(&data, "mce_v", "_dx_master.tsv.gz");
    let Some((_, mce_path)) = mce_files.last() else {
        panic!("no mce_vNN_dx_master.tsv.gz in {}", data.display());
    };
    let text = String::from_utf8(read_gz(mce_path))
        .unwrap_or_else(|e| panic!("{}: {e}", mce_path.display()));
    let rows = mce::parse_mce(&text).unwrap_or_else(|e| panic!("{}: {e}", mce_path.display()));
    let blob =
        blob_write::write_timeline(&rows).unwrap_or_else(|e| panic!("{}: {e}", mce_path.display()));
    let target = out.join("mce_timeline.dxtl");
    write(&target, &blob);
    writeln!(
        listing,
        "pub(crate) static TIMELINE: &[u8] = include_bytes!({:?});",
        target.display().to_string()
    )
    .expect("String write");
    write(&out.join("embedded_blobs.rs"), listing.as_bytes());
}

/// Short titles for fiscal year `year`: the order file's, else the IOCE table's.
fn short_titles_for(data: &Path, year: u16) -> HashMap<CodeKey, String> {
    let order = data.join(format!("icd10cm_order_{year}.txt.gz"));
    if order.exists() {
        let set = order_file::parse_order_file(&read_gz(&order))
            .unwrap_or_else(|e| panic!("{}: {e}", order.display()));
        return short_titles::short_titles_of(&set);
    }
    let ioce = data.join(format!("ioce_dx_fy{year}.tsv.gz"));
    if ioce.exists() {
        let text =
            String::from_utf8(read_gz(&ioce)).unwrap_or_else(|e| panic!("{}: {e}", ioce.display()));
        return short_titles::parse_ioce_short_titles(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", ioce.display()));
    }
    HashMap::new()
}

/// Files named `{prefix}{number}{suffix}` in `dir`, sorted by the number.
fn files_with_year(dir: &Path, prefix: &str, suffix: &str) -> Vec<(u16, PathBuf)> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut out: Vec<(u16, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let number = name
                .strip_prefix(prefix)?
                .strip_suffix(suffix)?
                .parse()
                .ok()?;
            Some((number, entry.path()))
        })
        .collect();
    out.sort();
    out
}

fn read_gz(path: &Path) -> Vec<u8> {
    let compressed = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::with_capacity(compressed.len() * 10);
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

fn write(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
