//! Claim input on the real-format third-party exports in
//! `../shared/realworld` (Tuva seeds, CMS CCW RIF samples), when present.
//! They are read in place and never copied into the repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dxlint::claims::{
    Claim, ClaimReader, ClaimType, CodeSystem, DxRole, Event, FileStats, InputOptions, Members,
    open_input,
};

fn realworld() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/realworld not present");
        None
    }
}

fn read_all(
    dir: &Path,
    rel: &str,
    file: u32,
    members: Option<&Members>,
) -> (Vec<Claim>, FileStats) {
    let path = dir.join(rel);
    let name = path.to_str().unwrap();
    let opts = InputOptions::default();
    let mut r = ClaimReader::open(file, name, open_input(name).unwrap(), &opts, members).unwrap();
    let mut claims = Vec::new();
    while let Some(ev) = r.next_event() {
        match ev {
            Event::Claim(c) => claims.push(*c),
            Event::Malformed(m) => panic!("{rel}: unexpected malformed row {m:?}"),
        }
    }
    assert!(r.take_error().is_none());
    let stats = *r.stats();
    assert_eq!(
        stats.rows_read,
        stats.rows_checked + stats.rows_rejected,
        "{rel}"
    );
    (claims, stats)
}

fn members(dir: &Path, rels: &[&str], first_id: u32) -> Members {
    let files = rels.iter().enumerate().map(|(i, rel)| {
        let path = dir.join(rel);
        let name = path.to_str().unwrap().to_string();
        let input = open_input(&name).unwrap();
        (first_id + i as u32, name, input)
    });
    Members::load(files.collect::<Vec<_>>()).unwrap()
}

fn sequenced(c: &Claim) -> usize {
    c.sequenced().count()
}

#[test]
fn tuva_medical_claim_seed() {
    let Some(dir) = realworld() else { return };
    let m = members(&dir, &["tuva/eligibility_seed.csv"], 1);
    assert_eq!(m.len(), 10);
    let (claims, s) = read_all(&dir, "tuva/medical_claim_seed.csv", 0, Some(&m));
    assert_eq!(
        (s.rows_read, s.rows_checked, s.rows_rejected),
        (2075, 2075, 0)
    );
    // 1,138 claims; every line of a claim repeats its header diagnoses, so
    // each claim is checked once, at its first line.
    assert_eq!((s.claims_seen(), s.claims, s.claims_icd9), (1138, 1138, 0));
    assert_eq!((s.claim_events, s.rows_repeated), (1138, 937));
    let ids: HashSet<_> = claims.iter().map(|c| c.id.clone().unwrap()).collect();
    assert_eq!(ids.len(), 1138);

    // The 1,462 professional lines that say icd-10-pcs: counted per line,
    // carried once per claim (927 claims) for the engine to report.
    assert_eq!(s.rows_code_type_other, 1462);
    let pcs: Vec<_> = claims
        .iter()
        .filter(|c| matches!(&c.code_type, Some(ct) if ct.value == CodeSystem::Other("icd-10-pcs".into())))
        .collect();
    assert_eq!(pcs.len(), 927);
    assert!(pcs.iter().all(|c| c.claim_type == ClaimType::Professional));

    let by_type = |t| claims.iter().filter(|c| c.claim_type == t).count();
    assert_eq!(
        [
            by_type(ClaimType::Professional),
            by_type(ClaimType::Outpatient),
            by_type(ClaimType::Inpatient)
        ],
        [1006, 125, 7]
    );
    assert_eq!(claims.iter().map(sequenced).sum::<usize>(), 2450);
    assert_eq!(claims.iter().map(|c| c.gaps.len()).sum::<usize>(), 47);
    assert_eq!(
        claims
            .iter()
            .filter(|c| !c.diagnoses.is_empty() && c.first_listed().is_none())
            .count(),
        14
    );
    // Demographics come from the eligibility file.
    assert!(claims.iter().all(|c| {
        c.birth_date
            .as_ref()
            .is_some_and(|b| b.value.is_ok() && b.loc.file == 1)
    }));
    assert!(
        claims
            .iter()
            .all(|c| c.sex.as_ref().is_some_and(|x| x.value.is_ok()))
    );
    assert!(
        claims
            .iter()
            .all(|c| c.service_date.as_ref().is_some_and(|d| d.value.is_ok()))
    );
    // Claim 690699's first line (line 5) has an empty diagnosis_code_1.
    let c = claims
        .iter()
        .find(|c| c.id.as_deref() == Some("690699"))
        .unwrap();
    assert_eq!(c.line, 5);
    assert_eq!((c.gaps[0].line, c.gaps[0].field), (5, 42));
    assert_eq!(c.diagnoses[0].position, 2);
}

#[test]
fn ccw_rif_files_with_beneficiaries() {
    let Some(dir) = realworld() else { return };
    let years: Vec<String> = (2015..=2021)
        .map(|y| format!("ccw-rif/beneficiary_{y}.csv"))
        .collect();
    let rels: Vec<&str> = years.iter().map(String::as_str).collect();
    let m = members(&dir, &rels, 10);
    assert_eq!(m.len(), 3);
    assert_eq!(m.rows_rejected(), 0);

    // (file, rows, claims, repeated rows, sequenced dx, admitting, external cause, claim type)
    let expect = [
        (
            "ccw-rif/carrier.csv",
            221,
            37,
            184,
            328,
            0,
            0,
            ClaimType::Professional,
        ),
        (
            "ccw-rif/inpatient.csv",
            16,
            16,
            0,
            366,
            1,
            29,
            ClaimType::Inpatient,
        ),
        (
            "ccw-rif/outpatient.csv",
            19,
            19,
            0,
            126,
            0,
            29,
            ClaimType::Outpatient,
        ),
    ];
    for (i, (rel, rows, n, repeated, seq, adm, ext, ct)) in expect.into_iter().enumerate() {
        let (claims, s) = read_all(&dir, rel, i as u32, Some(&m));
        assert_eq!(
            (
                s.rows_read,
                s.rows_rejected,
                s.claims,
                s.claims_icd9,
                s.rows_repeated
            ),
            (rows, 0, n, 0, repeated),
            "{rel}"
        );
        assert_eq!(claims.len() as u64, n, "{rel}");
        assert_eq!(claims.iter().map(sequenced).sum::<usize>(), seq, "{rel}");
        let role = |r| {
            claims
                .iter()
                .flat_map(|c| &c.diagnoses)
                .filter(|d| d.role == r)
                .count()
        };
        assert_eq!(
            (role(DxRole::Admitting), role(DxRole::ExternalCause)),
            (adm, ext),
            "{rel}"
        );
        for c in &claims {
            assert_eq!(c.claim_type, ct, "{rel}");
            assert!(c.gaps.is_empty(), "{rel} claim {:?}", c.id);
            let b = c.birth_date.as_ref().expect("birth date joined");
            assert!(b.value.is_ok() && (10..17).contains(&b.loc.file), "{rel}");
            assert!(c.sex.as_ref().is_some_and(|x| x.value.is_ok()), "{rel}");
            // Position 1 appears once: ICD_DGNS_CD1 repeating the principal is not a second diagnosis.
            assert_eq!(
                c.sequenced().filter(|d| d.position == 1).count(),
                1,
                "{rel} claim {:?}",
                c.id
            );
            let positions: Vec<u16> = c.sequenced().map(|d| d.position).collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{rel}");
            assert!(
                c.diagnoses
                    .iter()
                    .all(|d| d.code_system == CodeSystem::Icd10Cm),
                "{rel}"
            );
        }
    }
}
