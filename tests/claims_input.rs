//! Claim input on small fixtures in the layouts users export (Tuva, CCW
//! RIF, long format, TSV, CRLF + BOM, quoted newlines, ragged rows), with
//! exact lines, columns, positions and counts.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dxlint::claims::{
    Claim, ClaimReader, ClaimType, CodeSystem, ColumnMap, DxRole, Event, FileStats, InputOptions,
    Layout, MalformedRow, Members, Sex, open_input,
};
use dxlint::codeset::code::{CodeFormatError, CodeKey};
use dxlint::date::{Date, DateError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/input")
        .join(name)
}

fn input(name: &str) -> Box<dyn Read + Send> {
    open_input(fixture(name).to_str().unwrap()).unwrap()
}

struct Read_ {
    claims: Vec<Claim>,
    malformed: Vec<MalformedRow>,
    stats: FileStats,
    headers: Vec<Arc<str>>,
}

fn read_with(name: &str, opts: &InputOptions, members: Option<&Members>) -> Read_ {
    let mut r = ClaimReader::open(0, name, input(name), opts, members).unwrap();
    let mut claims = Vec::new();
    let mut malformed = Vec::new();
    while let Some(ev) = r.next_event() {
        match ev {
            Event::Claim(c) => claims.push(*c),
            Event::Malformed(m) => malformed.push(m),
        }
    }
    assert!(r.take_error().is_none());
    let stats = *r.stats();
    assert_eq!(
        stats.rows_read,
        stats.rows_checked + stats.rows_rejected,
        "{name}: {stats:?}"
    );
    Read_ {
        claims,
        malformed,
        stats,
        headers: r.headers().to_vec(),
    }
}

fn read(name: &str) -> Read_ {
    read_with(name, &InputOptions::default(), None)
}

fn codes(c: &Claim) -> Vec<(String, DxRole, u16)> {
    c.diagnoses
        .iter()
        .map(|d| (d.code.raw().into_owned(), d.role, d.position))
        .collect()
}

fn at(l: &dxlint::claims::CellLoc) -> (u64, u32, u32, u32) {
    (l.line, l.column, l.len, l.field)
}

fn claim<'a>(r: &'a Read_, id: &str) -> Vec<&'a Claim> {
    r.claims
        .iter()
        .filter(|c| c.id.as_deref() == Some(id))
        .collect()
}

fn eligibility() -> Members {
    Members::load(vec![(
        1,
        "tuva_eligibility.csv".to_string(),
        input("tuva_eligibility.csv"),
    )])
    .unwrap()
}

#[test]
fn tuva_layout_groups_interleaved_lines_and_joins_members() {
    let members = eligibility();
    let r = read_with(
        "tuva_medical_claim.csv",
        &InputOptions::default(),
        Some(&members),
    );
    assert_eq!(
        r.stats,
        FileStats {
            rows_read: 12,
            rows_checked: 12,
            rows_rejected: 0,
            rows_repeated: 5,
            claims: 5,
            claims_icd9: 1,
            claim_events: 6,
            claims_split: 0,
            rows_code_type_other: 3,
        }
    );
    let ids: Vec<_> = r
        .claims
        .iter()
        .map(|c| (c.id.as_deref().unwrap().to_string(), c.line))
        .collect();
    let want = [
        ("1001", 2),
        ("2002", 4),
        ("4004", 9),
        ("5005", 10),
        ("5005", 12),
        ("6006", 13),
    ];
    assert_eq!(ids, want.map(|(i, l)| (i.to_string(), l)));

    let c = claim(&r, "1001")[0];
    assert_eq!(c.claim_type, ClaimType::Inpatient);
    assert_eq!(c.code_type.as_ref().unwrap().value, CodeSystem::Icd10Cm);
    assert_eq!(
        codes(c),
        [
            ("I2510".into(), DxRole::Sequenced, 1),
            ("E785".into(), DxRole::Sequenced, 2),
            ("I10".into(), DxRole::Sequenced, 3)
        ]
    );
    assert_eq!(at(&c.diagnoses[0].code.loc), (2, 75, 5, 10));
    assert_eq!(
        c.diagnoses[0].code.value,
        Ok(CodeKey::parse("I25.10").unwrap())
    );
    let poa = c.diagnoses[0].poa.as_ref().unwrap();
    assert_eq!((poa.value.as_str(), at(&poa.loc)), ("Y", (2, 90, 1, 13)));
    assert_eq!(
        c.service_date.as_ref().unwrap().value,
        Ok(Date::ymd(2017, 12, 14))
    );
    assert_eq!(
        c.through_date.as_ref().unwrap().value,
        Ok(Date::ymd(2017, 12, 16))
    );
    // Demographics come from the eligibility file (file 1), last row wins.
    let birth = c.birth_date.as_ref().unwrap();
    assert_eq!(
        (
            birth.value,
            birth.loc.file,
            birth.loc.line,
            birth.loc.column
        ),
        (Ok(Date::ymd(1945, 5, 16)), 1, 3, 12)
    );
    assert_eq!(c.sex.as_ref().unwrap().value, Ok(Sex::Male));
    assert!(c.gaps.is_empty());

    let c = claim(&r, "2002")[0];
    assert_eq!(c.claim_type, ClaimType::Professional);
    let ct = c.code_type.as_ref().unwrap();
    assert_eq!(
        (ct.value.clone(), at(&ct.loc)),
        (CodeSystem::Other("icd-10-pcs".into()), (4, 51, 10, 9))
    );
    assert_eq!(c.diagnoses[0].code_system, CodeSystem::Icd10Cm);
    assert_eq!(
        c.diagnoses[0].poa.as_ref().map(|p| p.raw.as_str()),
        Some("")
    );

    // First diagnosis cell empty: no position 1, the empty cell is a gap.
    let c = claim(&r, "4004")[0];
    assert_eq!(c.claim_type, ClaimType::Outpatient);
    assert_eq!(
        codes(c),
        [
            ("J189".into(), DxRole::Sequenced, 2),
            ("R627".into(), DxRole::Sequenced, 3)
        ]
    );
    assert_eq!(at(&c.diagnoses[0].code.loc), (9, 66, 4, 11));
    assert_eq!(c.gaps.iter().map(at).collect::<Vec<_>>(), [(9, 65, 0, 10)]);
    assert!(c.first_listed().is_none());

    // New content for a known claim is emitted again under the same id.
    let five = claim(&r, "5005");
    assert_eq!(five.len(), 2);
    assert_eq!(codes(five[1]).len(), 2);
    assert_eq!(at(&five[1].diagnoses[1].code.loc), (12, 66, 3, 11));
    assert!(
        five[0].birth_date.is_none(),
        "person 40 is not in the eligibility file"
    );

    let c = claim(&r, "6006")[0];
    assert!(c.diagnoses.is_empty() && c.code_type.is_none());
    assert_eq!(r.headers[10].as_ref(), "diagnosis_code_1");
}

#[test]
fn ccw_inpatient_principal_and_icd_dgns_cd1() {
    let members = Members::load(vec![
        (
            1,
            "ccw_beneficiary_2020.csv".to_string(),
            input("ccw_beneficiary_2020.csv"),
        ),
        (
            2,
            "ccw_beneficiary_2021.csv".to_string(),
            input("ccw_beneficiary_2021.csv"),
        ),
    ])
    .unwrap();
    let r = read_with(
        "ccw_inpatient.csv",
        &InputOptions::default(),
        Some(&members),
    );
    assert_eq!(
        (
            r.stats.rows_read,
            r.stats.rows_checked,
            r.stats.claims,
            r.stats.claims_icd9
        ),
        (4, 4, 3, 1)
    );
    assert!(r.malformed.is_empty());

    // ICD_DGNS_CD1 repeats the principal: one diagnosis at position 1, with
    // CLM_POA_IND_SW1 as its POA; no duplicate.
    let c = claim(&r, "9001")[0];
    assert_eq!(c.claim_type, ClaimType::Inpatient);
    assert_eq!(
        codes(c),
        [
            ("I214".into(), DxRole::Sequenced, 1),
            ("E119".into(), DxRole::Sequenced, 2),
            ("R079".into(), DxRole::Admitting, 0),
            ("W19XXXA".into(), DxRole::ExternalCause, 0),
            ("Y92009".into(), DxRole::ExternalCause, 0),
        ]
    );
    assert_eq!(at(&c.diagnoses[0].code.loc), (2, 47, 4, 8));
    assert_eq!(
        c.diagnoses[0]
            .poa
            .as_ref()
            .map(|p| (p.raw.as_str(), at(&p.loc))),
        Some(("Y", (2, 61, 1, 12)))
    );
    assert_eq!(
        c.diagnoses[1].poa.as_ref().map(|p| p.raw.as_str()),
        Some("N")
    );
    assert_eq!(
        c.diagnoses[4].poa.as_ref().map(|p| p.raw.as_str()),
        Some("Y")
    );
    assert!(c.gaps.is_empty(), "blank trailing cells are not gaps");
    assert_eq!(
        c.service_date.as_ref().unwrap().value,
        Ok(Date::ymd(2017, 3, 19))
    );
    let birth = c.birth_date.as_ref().unwrap();
    assert_eq!(
        (
            birth.raw.as_str(),
            birth.value,
            birth.loc.file,
            birth.loc.line,
            birth.loc.column
        ),
        ("17-Jan-1942", Ok(Date::ymd(1942, 1, 17)), 2, 2, 8)
    );
    assert_eq!(c.sex.as_ref().unwrap().value, Ok(Sex::Female));

    // ICD_DGNS_CD1 differs from the principal: it is position 2.
    let c = claim(&r, "9002")[0];
    assert_eq!(
        codes(c),
        [
            ("C188".into(), DxRole::Sequenced, 1),
            ("I4891".into(), DxRole::Sequenced, 2),
            ("K635".into(), DxRole::Sequenced, 3)
        ]
    );
    assert!(c.diagnoses[0].poa.is_none());
    assert_eq!(at(&c.diagnoses[1].code.loc), (3, 50, 5, 10));
    assert_eq!(
        c.sex.as_ref().map(|s| (s.value, s.loc.file)),
        Some((Ok(Sex::Male), 1))
    );

    // Principal empty: a gap at position 1; the empty ICD_DGNS_CD1 is its slot.
    let c = claim(&r, "9004")[0];
    assert_eq!(codes(c), [("J189".into(), DxRole::Sequenced, 2)]);
    assert_eq!(c.gaps.iter().map(at).collect::<Vec<_>>(), [(5, 43, 0, 8)]);
    assert_eq!(c.sex.as_ref().unwrap().value, Ok(Sex::Unknown));
    assert!(
        claim(&r, "9003").is_empty(),
        "all-ICD-9 claim is counted, not emitted"
    );
}

#[test]
fn ccw_carrier_lines_repeat_the_header_diagnoses() {
    let r = read("ccw_carrier.csv");
    assert_eq!(
        (
            r.stats.rows_read,
            r.stats.rows_repeated,
            r.stats.claims,
            r.stats.claim_events
        ),
        (3, 1, 2, 2)
    );
    let c = claim(&r, "7001")[0];
    assert_eq!(c.claim_type, ClaimType::Professional);
    assert_eq!(
        codes(c),
        [
            ("O039".into(), DxRole::Sequenced, 1),
            ("E034".into(), DxRole::Sequenced, 2)
        ]
    );
    assert_eq!(
        codes(claim(&r, "7002")[0]),
        [("J029".into(), DxRole::Sequenced, 1)]
    );
}

#[test]
fn long_layout_orders_by_sequence_and_reports_problems() {
    let r = read("long.csv");
    assert_eq!(
        r.stats,
        FileStats {
            rows_read: 12,
            rows_checked: 10,
            rows_rejected: 2,
            rows_repeated: 0,
            claims: 4,
            claims_icd9: 1,
            claim_events: 4,
            claims_split: 1,
            rows_code_type_other: 0,
        }
    );
    let a = claim(&r, "A1");
    assert_eq!(a.len(), 2, "A1 reappears after B2: a separate claim");
    assert_eq!(
        codes(a[0]),
        [
            ("I10".into(), DxRole::Sequenced, 1),
            ("E11.9".into(), DxRole::Sequenced, 2)
        ]
    );
    assert_eq!(at(&a[0].diagnoses[0].code.loc), (3, 6, 3, 2));
    assert!(a[0].gaps.is_empty(), "a trailing empty code is not a gap");
    assert_eq!((a[0].line, a[1].line), (2, 9));
    assert_eq!(a[0].sex.as_ref().unwrap().value, Ok(Sex::Female));
    let b = claim(&r, "B2")[0];
    assert_eq!(
        codes(b),
        [
            ("Z00.00".into(), DxRole::Sequenced, 1),
            ("R05.9".into(), DxRole::Sequenced, 3)
        ]
    );
    assert_eq!(b.gaps.iter().map(at).collect::<Vec<_>>(), [(7, 6, 0, 2)]);
    let d = claim(&r, "D4")[0];
    assert_eq!(d.diagnoses[0].poa.as_ref().unwrap().value, "Y");
    assert!(claim(&r, "C3").is_empty());

    let m: Vec<_> = r
        .malformed
        .iter()
        .map(|m| (at(&m.loc), m.reason.as_str()))
        .collect();
    assert_eq!(
        m,
        [
            (
                (6, 4, 1, 1),
                "the sequence is not a whole number; rows are ordered by it"
            ),
            (
                (10, 1, 0, 0),
                "the claim id is empty; rows are grouped into claims by it"
            ),
        ]
    );
}

#[test]
fn long_layout_caps_a_claim_at_1000_diagnoses() {
    let mut text = String::from("claim_id,seq,code\n");
    for i in 1..=1002 {
        text.push_str(&format!("X,{i},A{:02}.0\n", i % 100));
    }
    text.push_str("Y,1,B20\n");
    let opts = InputOptions::default();
    let mut r = ClaimReader::open(
        0,
        "big.csv",
        Box::new(std::io::Cursor::new(text.into_bytes())),
        &opts,
        None,
    )
    .unwrap();
    let events: Vec<Event> = r.by_ref().collect();
    let malformed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Malformed(m) => Some((m.loc.line, m.reason.clone())),
            Event::Claim(_) => None,
        })
        .collect();
    assert_eq!(
        malformed,
        [
            (1002, "the claim exceeds 1000 diagnoses".to_string()),
            (1003, "the claim exceeds 1000 diagnoses".to_string())
        ]
    );
    let claims: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Claim(c) => Some(c),
            Event::Malformed(_) => None,
        })
        .collect();
    assert_eq!(claims[0].diagnoses.len(), 1000);
    assert_eq!(claims[0].diagnoses[999].position, 1000);
    assert_eq!(claims[1].id.as_deref(), Some("Y"));
    let s = r.stats();
    assert_eq!(
        (s.rows_read, s.rows_checked, s.rows_rejected, s.claims),
        (1003, 1001, 2, 2)
    );
}

#[test]
fn tsv_with_ages_and_typed_cells() {
    let r = read("claims.tsv");
    assert_eq!(r.stats.claims, 3);
    let t1 = claim(&r, "T1")[0];
    assert_eq!(
        t1.service_date.as_ref().unwrap().value,
        Ok(Date::ymd(2025, 3, 14))
    );
    assert_eq!(
        t1.birth_date.as_ref().unwrap().value,
        Ok(Date::ymd(1980, 2, 29))
    );
    assert_eq!(t1.age.as_ref().unwrap().value, Ok(45));
    assert_eq!(at(&t1.diagnoses[1].code.loc), (2, 35, 5, 6));
    assert_eq!(t1.claim_type, ClaimType::Unknown);
    let t2 = claim(&r, "T2")[0];
    assert_eq!(at(&t2.age.as_ref().unwrap().loc), (3, 18, 3, 4));
    assert_eq!(
        t2.age.as_ref().unwrap().value,
        Err(dxlint::claims::AgeError::OutOfRange)
    );
    assert!(t2.birth_date.is_none());
    assert_eq!(t2.gaps.len(), 1);
    let t3 = claim(&r, "T3")[0];
    assert_eq!(
        t3.age.as_ref().unwrap().value,
        Err(dxlint::claims::AgeError::NotANumber)
    );
    assert_eq!(t3.sex.as_ref().unwrap().value, Err(()));
    assert_eq!(
        t3.service_date.as_ref().unwrap().value,
        Ok(Date::ymd(2025, 3, 16))
    );
}

#[test]
fn crlf_bom_and_mixed_line_endings() {
    let r = read("crlf_bom.csv");
    assert_eq!(r.headers[0].as_ref(), "claim_id");
    assert_eq!(r.claims.len(), 3);
    let two = claim(&r, "2")[0];
    assert_eq!(codes(two), [("C50.911".into(), DxRole::Sequenced, 1)]);
    assert_eq!(at(&two.diagnoses[0].code.loc), (3, 14, 7, 2));
    let three = claim(&r, "3")[0];
    assert_eq!(three.line, 4);
    assert_eq!(at(&three.diagnoses[1].code.loc), (4, 18, 5, 3));
    assert_eq!(
        three.diagnoses[1].code.raw(),
        "E11.9",
        "no stray carriage return"
    );
}

#[test]
fn quoted_newline_then_bad_code_points_at_the_right_line_and_column() {
    let opts = InputOptions {
        keep_source_lines: true,
        ..InputOptions::default()
    };
    let r = read_with("quoted.csv", &opts, None);
    let c = claim(&r, "1")[0];
    assert_eq!(c.line, 2);
    let bad = &c.diagnoses[1];
    assert_eq!(bad.code.raw(), "E11.9.9");
    assert_eq!(
        bad.code.value,
        Err(CodeFormatError::MisplacedDot { offset: 5 })
    );
    assert_eq!(at(&bad.code.loc), (3, 42, 7, 4));
    assert_eq!(at(&c.service_date.as_ref().unwrap().loc), (3, 25, 10, 2));
    assert_eq!(
        c.source_lines,
        [
            (2, Arc::from("1,\"first line")),
            (
                3,
                Arc::from("second \"\"quoted\"\" line\",2024-01-01,A01.1,E11.9.9")
            )
        ]
    );
    assert_eq!(c.source_line(3).map(|l| &l[41..48]), Some("E11.9.9"));
    let two = claim(&r, "2")[0];
    assert_eq!(
        (two.line, at(&two.diagnoses[0].code.loc)),
        (4, (4, 20, 3, 3))
    );
}

#[test]
fn ragged_rows_are_reported_and_reading_continues() {
    let opts = InputOptions {
        keep_source_lines: true,
        ..InputOptions::default()
    };
    let r = read_with("ragged.csv", &opts, None);
    assert_eq!(
        (
            r.stats.rows_read,
            r.stats.rows_checked,
            r.stats.rows_rejected
        ),
        (4, 2, 2)
    );
    let m: Vec<_> = r
        .malformed
        .iter()
        .map(|m| (at(&m.loc), m.reason.as_str(), m.source_line.as_deref()))
        .collect();
    assert_eq!(
        m,
        [
            (
                (3, 21, 0, 3),
                "the row has 3 fields, the header has 4",
                Some("2,2024-01-02,C50.911")
            ),
            (
                (4, 26, 5, 4),
                "the row has 6 fields, the header has 4",
                Some("3,2024-01-03,D10.0,E11.9,extra,more")
            ),
        ]
    );
    assert_eq!(
        r.malformed[0].field_name(&r.headers).map(|h| h.as_ref()),
        Some("dx2")
    );
    assert!(r.malformed[1].field_name(&r.headers).is_none());
    let four = claim(&r, "4")[0];
    assert_eq!(at(&four.diagnoses[1].code.loc), (5, 20, 6, 3));
}

#[test]
fn unclosed_quote_at_end_of_file() {
    let r = read("unclosed.csv");
    assert_eq!(
        (r.stats.rows_read, r.stats.rows_rejected, r.claims.len()),
        (2, 1, 1)
    );
    assert_eq!(at(&r.malformed[0].loc).0, 3);
    assert_eq!(at(&r.malformed[0].loc).1, 3);
    assert_eq!(
        r.malformed[0].reason,
        "the quote opened in this field is never closed: the row runs to the end of the file, \
         taking in lines 3 to 4"
    );
}

#[test]
fn code_spellings_normalise_and_keep_their_cells() {
    let r = read("spellings.csv");
    let c = &r.claims[0];
    let e119 = CodeKey::parse("E11.9").unwrap();
    for d in &c.diagnoses[..4] {
        assert_eq!(d.code.value, Ok(e119), "{}", d.code.raw());
    }
    let raws: Vec<_> = c
        .diagnoses
        .iter()
        .map(|d| d.code.raw().into_owned())
        .collect();
    assert_eq!(
        raws,
        ["E11.9", "e119", "E11.9", "E119", "s72.001a", "E1.19"]
    );
    assert_eq!(at(&c.diagnoses[2].code.loc), (2, 14, 7, 3));
    assert_eq!(at(&c.diagnoses[3].code.loc), (2, 22, 6, 4));
    assert_eq!(
        c.diagnoses[4].code.value.map(|k| k.to_string()),
        Ok("S72.001A".to_string())
    );
    assert_eq!(
        c.diagnoses[5].code.value,
        Err(CodeFormatError::MisplacedDot { offset: 2 })
    );
}

#[test]
fn invalid_utf8_in_a_read_column_rejects_only_that_row() {
    let r = read("latin1.csv");
    assert_eq!(
        (r.stats.rows_read, r.stats.rows_rejected, r.claims.len()),
        (3, 1, 2)
    );
    assert_eq!(at(&r.malformed[0].loc), (3, 14, 4, 2));
    assert!(
        r.malformed[0]
            .reason
            .starts_with("the field is not valid UTF-8")
    );
}

/// A row that repeats an earlier row of its claim is passed over however
/// its cells are quoted; rows whose cells hold the same bytes split
/// differently (a quoted cell holding the delimiter) are new content.
#[test]
fn repeated_rows_are_known_by_their_cells_not_their_quoting() {
    let r = read("repeats_quoted.csv");
    assert_eq!(
        (
            r.stats.rows_read,
            r.stats.rows_repeated,
            r.stats.claims,
            r.stats.claim_events
        ),
        (5, 2, 1, 3)
    );
    let rows: Vec<_> = r.claims.iter().map(|c| (c.line, codes(c))).collect();
    let dx = |code: &str, position| (code.to_string(), DxRole::Sequenced, position);
    assert_eq!(
        rows,
        [
            (2, vec![dx("E11.9", 1), dx("I10,Z00.00", 2)]),
            (4, vec![dx("E11.9,I10", 1), dx("Z00.00", 2)]),
            (5, vec![dx("E11.9", 1), dx("I10", 2), dx("Z00.00", 3)]),
        ]
    );
}

#[test]
fn overrides_name_columns_and_set_the_claim_type() {
    let columns: ColumnMap =
        toml::from_str("layout = \"wide\"\ndiagnoses = [\"dx2\", \"dx1\"]\nservice_date = \"DOS\"")
            .unwrap();
    let opts = InputOptions {
        delimiter: Some(b'\t'),
        columns,
        default_claim_type: Some(ClaimType::Professional),
        keep_source_lines: false,
        max_record_bytes: None,
    };
    let r = read_with("claims.tsv", &opts, None);
    let t1 = claim(&r, "T1")[0];
    assert_eq!(
        codes(t1),
        [
            ("Z37.0".into(), DxRole::Sequenced, 1),
            ("O80".into(), DxRole::Sequenced, 2)
        ]
    );
    assert_eq!(t1.claim_type, ClaimType::Professional);
    let mut reader = ClaimReader::open(0, "claims.tsv", input("claims.tsv"), &opts, None).unwrap();
    assert_eq!(reader.mapping().layout, Layout::Wide);
    assert!(reader.mapping().describe().contains("dx2 (column 7)"));
    assert_eq!(reader.delimiter(), b'\t');
    assert!(reader.next_event().is_some());
}

#[test]
fn file_name_hints_the_claim_type() {
    let text = "claim_id|dx1\n1|A01.1\n";
    let opts = InputOptions::default();
    let mut r = ClaimReader::open(
        0,
        "data/outpatient_2019.csv",
        Box::new(text.as_bytes()),
        &opts,
        None,
    )
    .unwrap();
    match r.next_event() {
        Some(Event::Claim(c)) => assert_eq!(c.claim_type, ClaimType::Outpatient),
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_name_the_file() {
    let opts = InputOptions::default();
    let err = ClaimReader::open(
        3,
        "payments.csv",
        Box::new(&b"claim_id,amount\n1,2\n"[..]),
        &opts,
        None,
    )
    .err()
    .unwrap();
    let msg = err.to_string();
    assert!(
        msg.starts_with("payments.csv: no diagnosis column found."),
        "{msg}"
    );
    assert!(msg.contains("\"claim_id\", \"amount\""), "{msg}");
    let err = ClaimReader::open(3, "empty.csv", Box::new(&b""[..]), &opts, None)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "empty.csv: the file is empty (no header line)"
    );
}

#[test]
fn gzip_input_reads_like_plain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claims.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(fixture("ragged.csv")).unwrap())
        .unwrap();
    enc.finish().unwrap();
    let opts = InputOptions::default();
    let name = path.to_str().unwrap();
    let mut r = ClaimReader::open(0, name, open_input(name).unwrap(), &opts, None).unwrap();
    let n = r.by_ref().count();
    assert_eq!((n, r.stats().rows_read, r.stats().rows_rejected), (4, 4, 2));
}

#[test]
fn read_failure_part_way_is_kept() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let data = b"claim_id,dx1\n1,A01.1\n2,B2";
            if self.0 >= data.len() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = (data.len() - self.0).min(buf.len()).min(14);
            buf[..n].copy_from_slice(&data[self.0..self.0 + n]);
            self.0 += n;
            Ok(n)
        }
    }
    let opts = InputOptions::default();
    let mut r = ClaimReader::open(0, "f.csv", Box::new(Failing(0)), &opts, None).unwrap();
    let n = r.by_ref().count();
    assert_eq!(n, 1);
    let err = r.take_error().unwrap();
    assert_eq!(err.to_string(), "f.csv:3: reading failed: disk on fire");
}

#[test]
fn member_fallback_does_not_override_claim_cells() {
    let text = "claim_id,person_id,birth_date,sex,dx1\n1,10,2000-01-01,,A01.1\n";
    let members = eligibility();
    let opts = InputOptions::default();
    let mut r =
        ClaimReader::open(0, "c.csv", Box::new(text.as_bytes()), &opts, Some(&members)).unwrap();
    let Some(Event::Claim(c)) = r.next_event() else {
        panic!()
    };
    let b = c.birth_date.unwrap();
    assert_eq!((b.value, b.loc.file), (Ok(Date::ymd(2000, 1, 1)), 0));
    let s = c.sex.unwrap();
    assert_eq!(
        (s.value, s.loc.file, s.raw.as_str()),
        (Ok(Sex::Male), 1, "male")
    );
    let empty_dos = "claim_id,service_date,dx1\n1,,A01.1\n";
    let mut r = ClaimReader::open(0, "c.csv", Box::new(empty_dos.as_bytes()), &opts, None).unwrap();
    let Some(Event::Claim(c)) = r.next_event() else {
        panic!()
    };
    assert_eq!(c.service_date.unwrap().value, Err(DateError::Empty));
}

/// Reads bytes in small uneven pieces, to cross buffer refills anywhere.
struct Chunked {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (1 + self.pos % self.step)
            .min(buf.len())
            .min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn arbitrary_bytes_never_panic_and_rows_are_accounted_for() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[&[u8]] = &[
        b",",
        b"|",
        b"\t",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"A01.1",
        b"e119",
        b"9",
        b"icd-9-cm",
        b"icd-10-pcs",
        b"2024-01-01",
        b"17-Jan-1942",
        b"\xef\xbb\xbf",
        b"\xff",
        b"\xc3\xa9",
        b"x",
        b"",
    ];
    let headers: &[&[u8]] = &[
        b"claim_id,dx1,dx2,poa1,code_type,service_date,age,sex\n",
        b"CLM_ID|PRNCPAL_DGNS_CD|ICD_DGNS_CD1|ICD_DGNS_VRSN_CD1|FST_DGNS_E_CD|ICD_DGNS_E_CD1\n",
        b"claim_id\tseq\tcode\tpoa\n",
        b"\xef\xbb\xbfclaim_id,\"dx\n1\",dx2\r\n",
    ];
    for round in 0..400 {
        let mut data = headers[round % headers.len()].to_vec();
        for _ in 0..(next() % 300) {
            data.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        for keep in [false, true] {
            let opts = InputOptions {
                keep_source_lines: keep,
                ..InputOptions::default()
            };
            let input = Chunked {
                data: data.clone(),
                pos: 0,
                step: 1 + (next() % 7) as usize,
            };
            let Ok(mut r) = ClaimReader::open(0, "fuzz.csv", Box::new(input), &opts, None) else {
                continue;
            };
            let mut malformed = 0;
            while let Some(ev) = r.next_event() {
                match ev {
                    Event::Malformed(m) => {
                        malformed += 1;
                        assert!(m.loc.line >= 2 && m.loc.column >= 1, "{m:?}");
                    }
                    Event::Claim(c) => {
                        assert!(c.line >= 2);
                        for d in &c.diagnoses {
                            assert!(d.code.loc.line >= c.line && d.code.loc.column >= 1);
                        }
                    }
                }
            }
            let s = r.stats();
            assert_eq!(
                s.rows_read,
                s.rows_checked + s.rows_rejected,
                "round {round}: {s:?}"
            );
            assert_eq!(s.rows_rejected, malformed);
        }
    }
}

#[test]
fn readers_and_events_can_move_to_worker_threads() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<ClaimReader<'static>>();
    send::<Event>();
    sync::<Members>();
    send::<dxlint::claims::InputError>();
    sync::<dxlint::claims::InputError>();
}
