//! Replays every input saved under `fuzz/regressions/<target>/` (inputs
//! that once crashed a fuzz target, kept after the fix) and the seed inputs
//! under `fuzz/seeds/<target>/` through the same code the fuzz targets run,
//! so that `cargo test` guards the fixes without libFuzzer.

use std::path::Path;

#[path = "../fuzz/harness.rs"]
mod harness;

fn replay(kind: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind);
    let mut replayed = 0;
    for &(target, run) in harness::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            eprintln!("{target}: {}", path.display());
            run(&data);
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn saved_crash_inputs_no_longer_crash() {
    replay("regressions");
}

#[test]
fn seed_inputs_run_through_every_target() {
    assert!(replay("seeds") > 0, "fuzz/seeds holds the starting corpora");
}
