//! Coding-guideline rules (issue 3) end to end: the mixed fixture where
//! every guideline rule fires and clean claims stay clean, the summary
//! notes, the rule packs against the code sets, and how much of the
//! tabular's code-first notes the note reader resolves.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use assert_cmd::Command;
use dxlint::codeset::registry::CodeSets;
use dxlint::codeset::{NoteKind, NoteOrigin, Version};
use dxlint::engine::Catalog;
use dxlint::rules::notes::parse_note;
use dxlint::rules::sequencing::code_first::{Need, origin_label, parse_instructions};

const EXEMPT: &str = "fixtures/poa/POAexemptCodes-sample.txt";

/// The rules issue 3 names, in its order.
const GUIDELINE_RULES: [&str; 16] = [
    "first-listed-only-code",
    "unacceptable-principal-diagnosis",
    "secondary-only-code",
    "external-cause-first-listed",
    "manifestation-first-listed",
    "code-first-order",
    "missing-underlying-code",
    "questionable-admission",
    "excludes1-conflict",
    "external-cause-repeated",
    "unspecified-code",
    "age-conflict",
    "sex-conflict",
    "invalid-poa-indicator",
    "missing-poa-indicator",
    "poa-exempt-misuse",
];

fn dxlint(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dxlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// (rule name, claim id) of every finding, from the JSON Lines report.
fn findings(args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["check", "--format", "jsonl", "--quiet"];
    if !args.contains(&"--config") {
        all.push("--isolated");
    }
    all.extend_from_slice(args);
    let (_, stdout, stderr) = dxlint(&all);
    assert!(!stdout.is_empty(), "no report: {stderr}");
    stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                v["rule_name"].as_str().unwrap().to_string(),
                v["claim_id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn mixed_file_fires_every_guideline_rule_and_clean_claims_stay_clean() {
    let found = findings(&[
        "--extend-select",
        "sex-conflict,unspecified-code",
        "--poa-exempt",
        EXEMPT,
        "fixtures/rules/guidelines-mixed.csv",
    ]);
    let rules: BTreeSet<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    for rule in GUIDELINE_RULES {
        assert!(rules.contains(rule), "{rule} never fires on the mixed file");
    }
    let on_clean: Vec<_> = found
        .iter()
        .filter(|(_, claim)| claim.starts_with("OK-"))
        .collect();
    assert_eq!(
        on_clean,
        Vec::<&(String, String)>::new(),
        "findings on claims that must stay clean"
    );
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/rules/guidelines-mixed.csv"
    ))
    .unwrap();
    let flagged: HashSet<&str> = found.iter().map(|(_, c)| c.as_str()).collect();
    let clean = text.lines().filter(|l| l.starts_with("OK-")).count();
    assert_eq!(clean, 10);
    for id in text
        .lines()
        .filter_map(|l| l.split(',').next())
        .filter(|id| id.starts_with("FX-"))
    {
        assert!(flagged.contains(id), "{id} has no finding");
    }
}

#[test]
fn summary_says_what_was_not_checked() {
    // Claims with age-limited codes but no age, and POA columns without a list.
    let (_, _, stderr) = dxlint(&[
        "check",
        "--isolated",
        "--format",
        "short",
        "fixtures/rules/age-conflict.csv",
    ]);
    assert!(
        stderr.contains("note: age-conflict: 1 claim with age-limited codes had no age"),
        "{stderr}"
    );
    let (_, _, stderr) = dxlint(&[
        "check",
        "--isolated",
        "--format",
        "short",
        "fixtures/rules/poa.csv",
    ]);
    let poa_notes = stderr
        .lines()
        .filter(|l| l.contains("no POA-exempt list loaded"))
        .count();
    assert_eq!(
        poa_notes, 1,
        "one note for both list-based POA rules: {stderr}"
    );
    assert!(
        stderr.contains("5 inpatient claims with POA indicators were not checked"),
        "{stderr}"
    );
    let (_, _, stderr) = dxlint(&[
        "check",
        "--isolated",
        "--format",
        "short",
        "--poa-exempt",
        EXEMPT,
        "fixtures/rules/poa.csv",
    ]);
    assert!(!stderr.contains("POA-exempt list"), "{stderr}");
}

#[test]
fn poa_exempt_list_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("POAexemptCodesFY25.txt");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/poa/POAexemptCodes-sample.txt"
        ),
        &list,
    )
    .unwrap();
    let config = dir.path().join("dxlint.toml");
    std::fs::write(&config, "poa-exempt = \"POAexemptCodesFY25.txt\"\n").unwrap();
    let found = findings(&[
        "--config",
        config.to_str().unwrap(),
        "fixtures/rules/poa.csv",
    ]);
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| r == "poa-exempt-misuse")
            .count(),
        2
    );
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| r == "missing-poa-indicator")
            .count(),
        2
    );
    // A list that does not load stops the run.
    let (code, _, stderr) = dxlint(&[
        "check",
        "--isolated",
        "--poa-exempt",
        "fixtures/rules/poa.csv",
        "fixtures/rules/poa.csv",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("POA-exempt code list"), "{stderr}");
}

#[test]
fn every_guideline_rule_is_explained_and_listed() {
    let (_, rules, _) = dxlint(&["rules", "--isolated"]);
    for rule in GUIDELINE_RULES {
        let (code, text, _) = dxlint(&["explain", rule]);
        assert_eq!(code, 0, "{rule}");
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
            "## References",
        ] {
            assert!(text.contains(section), "{rule}: no {section}");
        }
        assert!(
            rules
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(rule)),
            "{rule} not in `dxlint rules`"
        );
    }
    let off: Vec<&str> = rules
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("no"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        off,
        ["sex-conflict", "unspecified-code"],
        "rules off by default"
    );
    let (_, text, _) = dxlint(&["explain", "excludes1-conflict"]);
    assert!(text.contains("I.A.12.a"));
    let (_, text, _) = dxlint(&["explain", "sex-conflict"]);
    assert!(text.contains("2024-09-30"));
}

#[test]
fn packs_name_only_codes_of_a_loaded_release() {
    let sets = CodeSets::embedded();
    let catalog = Catalog::load(&[]).unwrap();
    let mut checked = 0;
    for rule in catalog.pack_rules() {
        for key in rule.named_codes() {
            let known = sets
                .versions()
                .any(|v| v.contains(key) || v.descendants(key).next().is_some());
            assert!(
                known,
                "{} names {key}, which no loaded release has",
                rule.meta().name
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} codes named by the packs");
}

/// How far the note reader gets through the tabular's code-first notes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Resolution {
    /// Notes whose every reference resolved.
    full: usize,
    /// Notes with some references resolved and some not.
    partly: usize,
    /// Notes with code references none of which resolved.
    not: usize,
    /// Notes that name no code at all ("underlying disease").
    no_codes: usize,
    /// Headings of a list ("underlying disease, such as:").
    headings: usize,
}

#[test]
fn code_first_notes_resolve() {
    let mut report = Vec::new();
    for v in Version::embedded() {
        // Every distinct note (by where it is written and its text), and the
        // instructions written on codes, as the rules split them.
        let mut notes: BTreeSet<(String, String)> = BTreeSet::new();
        let mut by_need: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for e in v.entries() {
            let inherited = e.inherited_notes(NoteKind::CodeFirst);
            for n in &inherited {
                notes.insert((origin_label(n.from), n.text.to_string()));
            }
            let own: Vec<_> = inherited
                .iter()
                .copied()
                .filter(|n| n.from == NoteOrigin::Code(e.key()))
                .collect();
            for ins in parse_instructions(&own, v) {
                let need = match ins.need {
                    Need::Required => "required",
                    Need::Examples => "examples",
                    Need::Optional => "optional",
                };
                let slot = by_need.entry(need).or_default();
                slot.0 += 1;
                slot.1 += usize::from(ins.is_complete());
            }
        }
        let mut r = Resolution::default();
        for (_, text) in &notes {
            let refs = parse_note(text, v);
            match (refs.refs.len(), refs.unresolved) {
                (0, 0) if text.trim_end().ends_with(':') => r.headings += 1,
                (0, 0) => r.no_codes += 1,
                (_, 0) => r.full += 1,
                (0, _) => r.not += 1,
                _ => r.partly += 1,
            }
        }
        println!(
            "FY{}: code-first notes {r:?}; instructions on codes (all, complete) {by_need:?}",
            v.fiscal_year()
        );
        report.push((v.fiscal_year(), r, by_need));
    }
    let fy = |y: u16| report.iter().find(|(f, ..)| *f == y).unwrap();
    assert_eq!(
        fy(2025).1,
        Resolution {
            full: 591,
            partly: 0,
            not: 3,
            no_codes: 76,
            headings: 133
        }
    );
    assert_eq!(
        fy(2026).1,
        Resolution {
            full: 596,
            partly: 0,
            not: 3,
            no_codes: 76,
            headings: 134
        }
    );
    let counts = |y: u16| {
        fy(y)
            .2
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<Vec<_>>()
    };
    let expect = |e: [(&str, (usize, usize)); 3]| {
        e.iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(2025),
        expect([
            ("examples", (94, 93)),
            ("optional", (131, 107)),
            ("required", (132, 81))
        ])
    );
    assert_eq!(
        counts(2026),
        expect([
            ("examples", (95, 94)),
            ("optional", (133, 109)),
            ("required", (132, 81))
        ])
    );
}
