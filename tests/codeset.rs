//! The embedded code sets and MCE timeline against the counts and facts the
//! release files state, and run-time loading of order files and XML.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dxlint::codeset::{
    CodeKey, Entry, LoadError, MceFlags, NoteKind, NoteOrigin, SourceKind, Timeline, Version,
};
use dxlint::date::{Date, DateRange};

fn key(code: &str) -> CodeKey {
    CodeKey::parse(code).unwrap()
}

fn fy(year: u16) -> &'static Version {
    Version::embedded()
        .iter()
        .find(|v| v.fiscal_year() == year)
        .unwrap()
}

fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn codes<'a>(it: impl Iterator<Item = Entry<'a>>) -> Vec<String> {
    it.map(|e| e.key().to_string()).collect()
}

fn billable_set(v: &Version) -> HashSet<CodeKey> {
    v.entries()
        .filter(Entry::is_billable)
        .map(|e| e.key())
        .collect()
}

/// The tabular writes a few names with diacritics that the ASCII order file
/// spells plainly (Ménière, Sjögren, Sézary, ...).
fn fold_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' | 'è' => 'e',
            'ô' | 'ö' => 'o',
            'ä' => 'a',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

#[test]
fn shared_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Version>();
    check::<Timeline>();
    check::<Entry<'static>>();
    check::<LoadError>();
}

#[test]
fn embedded_versions_are_fy2025_and_fy2026() {
    let versions = Version::embedded();
    let years: Vec<u16> = versions.iter().map(Version::fiscal_year).collect();
    assert_eq!(years, [2025, 2026]);
    for v in versions {
        assert!(v.is_embedded());
        assert_eq!(v.kind(), SourceKind::TabularXml);
        assert_eq!(v.source_path(), None);
    }
    assert_eq!(fy(2026).label(), "FY2026 (tabular XML, embedded)");
    assert_eq!(
        fy(2026).effective(),
        DateRange {
            start: Date::ymd(2025, 10, 1),
            end: Date::ymd(2026, 9, 30)
        }
    );
    assert_eq!(
        Version::embedded_for(Date::ymd(2025, 9, 30)).map(Version::fiscal_year),
        Some(2025)
    );
    assert!(Version::embedded_for(Date::ymd(2026, 10, 1)).is_none());
}

#[test]
fn fy2025_from_xml_equals_the_fy2025_order_file() {
    let xml = fy(2025);
    let order = Version::load(&crate_path("data/icd10cm_order_2025.txt.gz")).unwrap();
    assert_eq!(order.kind(), SourceKind::OrderFile);
    assert_eq!(order.fiscal_year(), 2025);
    assert_eq!((xml.len(), xml.billable_count()), (97_584, 74_260));
    assert_eq!((order.len(), order.billable_count()), (97_584, 74_260));

    let mut accented = Vec::new();
    for (a, b) in xml.entries().zip(order.entries()) {
        assert_eq!(a.key(), b.key());
        assert_eq!(a.is_billable(), b.is_billable(), "{}", a.key());
        assert_eq!(
            a.parent().map(|p| p.key()),
            b.parent().map(|p| p.key()),
            "{}",
            a.key()
        );
        assert_eq!(a.short_title(), b.short_title(), "{}", a.key());
        let (ta, tb) = (a.title(), b.title());
        if ta != tb {
            assert_eq!(fold_diacritics(&ta), tb, "{}", a.key());
            accented.push(a.key());
        }
    }
    // Every long title matches, the 7th-character titles built as "parent
    // title, meaning" included, except where the XML keeps diacritics.
    assert_eq!(accented.len(), 151);
    assert!(accented.contains(&key("H81.01")));
    assert_eq!(
        xml.get(key("H81.01")).unwrap().title(),
        "Ménière's disease, right ear"
    );
    assert_eq!(
        order.get(key("H81.01")).unwrap().title(),
        "Meniere's disease, right ear"
    );

    // The order file does not mark 7th-character codes; the importer infers
    // them from shape and titles, and finds 8 more headers whose 7-character
    // children the XML lists one by one (J34.820 -> J34.8200 ...).
    let required = |v: &Version| -> HashSet<CodeKey> {
        v.entries()
            .filter(Entry::requires_seventh_character)
            .map(|e| e.key())
            .collect()
    };
    let (from_xml, from_order) = (required(xml), required(&order));
    assert_eq!(from_xml.len(), 12_856);
    assert!(from_xml.is_subset(&from_order));
    let mut extra: Vec<String> = from_order
        .difference(&from_xml)
        .map(|k| k.to_string())
        .collect();
    extra.sort();
    assert_eq!(
        extra,
        [
            "J34.820", "J34.821", "K63.821", "T86.840", "T86.841", "T86.842", "T86.848", "T86.849"
        ]
    );
}

#[test]
fn fy2026_counts_and_changes_from_fy2025() {
    let (v25, v26) = (fy(2025), fy(2026));
    assert_eq!((v26.len(), v26.billable_count()), (98_186, 74_719));
    let (b25, b26) = (billable_set(v25), billable_set(v26));
    assert_eq!(b26.difference(&b25).count(), 487);
    assert!(b26.contains(&key("E11.A")) && b26.contains(&key("G35.A")));

    let mut to_header: Vec<String> = b25
        .iter()
        .filter(|k| v26.get(**k).is_some_and(|e| !e.is_billable()))
        .map(|k| k.to_string())
        .collect();
    to_header.sort();
    assert_eq!(
        to_header,
        [
            "B88.0", "D71", "E72.53", "E78.01", "E88.1", "G35", "H01.8", "Q89.8", "Q99.8", "R10.2",
            "R76.8", "Z40.8", "Z59.86", "Z84.1", "Z91.011", "Z91.012"
        ]
    );
    let mut deleted: Vec<String> = b25
        .iter()
        .filter(|k| !v26.contains(**k))
        .map(|k| k.to_string())
        .collect();
    deleted.sort();
    assert_eq!(
        deleted,
        [
            "S30.1XXA", "S30.1XXD", "S30.1XXS", "T78.07XA", "T78.07XD", "T78.07XS", "T78.08XA",
            "T78.08XD", "T78.08XS", "T78.1XXA", "T78.1XXD", "T78.1XXS"
        ]
    );
}

#[test]
fn fy2026_short_titles_come_from_ioce_then_fy2025() {
    let v26 = fy(2026);
    let e = v26.get(key("S72.001A")).unwrap();
    assert_eq!(
        e.short_title(),
        "Fracture of unsp part of neck of right femur, init"
    );
    // A header unchanged since FY2025 keeps its FY2025 short title.
    assert_eq!(
        v26.get(key("S72.001")).unwrap().short_title(),
        fy(2025).get(key("S72.001")).unwrap().short_title()
    );
    // New headers have no official short title: the long title stands in.
    let g35 = v26.get(key("G35")).unwrap();
    assert_eq!(g35.short_title(), g35.title());
}

#[test]
fn headers_children_and_titles() {
    let v = fy(2026);
    let z532 = v.get(key("Z53.2")).unwrap();
    assert!(!z532.is_billable());
    assert_eq!(
        z532.title(),
        "Procedure and treatment not carried out because of patient's decision for other and unspecified reasons"
    );
    assert_eq!(codes(z532.children()), ["Z53.20", "Z53.21", "Z53.29"]);
    let titles: Vec<String> = z532.children().map(|c| c.title().into_owned()).collect();
    assert_eq!(
        titles,
        [
            "Procedure and treatment not carried out because of patient's decision for unspecified reasons",
            "Procedure and treatment not carried out due to patient leaving prior to being seen by health care provider",
            "Procedure and treatment not carried out because of patient's decision for other reasons",
        ]
    );
    assert!(
        z532.children()
            .all(|c| c.is_billable() && c.parent() == Some(z532))
    );
    assert_eq!(z532.parent().unwrap().key(), key("Z53"));
    assert!(v.get(key("Z53.22")).is_none());

    let s72001a = v.get(key("S72.001A")).unwrap();
    assert_eq!(s72001a.chapter().unwrap().number, "19");
    assert_eq!(
        s72001a.chapter().unwrap().name(),
        "Injury, poisoning and certain other consequences of external causes"
    );
    assert_eq!(s72001a.section().unwrap().id, "S70-S79");
    assert_eq!(
        s72001a.section().unwrap().name(),
        "Injuries to the hip and thigh"
    );
    let ancestors = codes(s72001a.ancestors());
    assert_eq!(ancestors, ["S72.001", "S72.00", "S72.0", "S72"]);
    assert_eq!(v.chapters().count(), 22);
    assert!(v.sections().any(|s| s.id == "C00-C96"));
}

#[test]
fn seventh_characters_and_placeholders() {
    let v = fy(2026);
    let s72001 = v.get(key("S72.001")).unwrap();
    assert!(s72001.requires_seventh_character() && !s72001.is_billable());
    let billable: Vec<String> = codes(s72001.billable_descendants());
    assert_eq!(billable.len(), 16);
    assert_eq!(billable[0], "S72.001A");
    let full = v.get(key("S72.001A")).unwrap();
    assert!(
        full.is_seventh_character_code()
            && full.is_billable()
            && !full.requires_seventh_character()
    );
    assert_eq!(
        full.title(),
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    );
    assert_eq!(
        full.seventh_character(),
        Some((b'A', "initial encounter for closed fracture"))
    );
    let def = s72001.seventh_characters().unwrap();
    assert_eq!(def.chars(), "ABCDEFGHJKMNPQRS");
    assert_eq!(
        def.get(b'b'),
        Some("initial encounter for open fracture type I or II")
    );
    assert_eq!(
        def.notes_for(b'B').collect::<Vec<_>>(),
        ["initial encounter for open fracture NOS"]
    );
    assert!(def.note().unwrap().contains("category S72"));
    // The category itself carries the definition but is not a header of
    // 7th-character codes.
    let s72 = v.get(key("S72")).unwrap();
    assert!(s72.seventh_characters().is_some() && !s72.requires_seventh_character());
    assert!(v.get(key("S72.0")).unwrap().seventh_characters().is_some());

    let t8140 = v.get(key("T81.40")).unwrap();
    assert!(t8140.requires_seventh_character());
    assert_eq!(
        codes(t8140.children()),
        ["T81.40XA", "T81.40XD", "T81.40XS"]
    );
    assert!(v.get(key("T81.40XA")).unwrap().is_billable());
    assert!(v.get(key("T81.40A")).is_none());

    let s0000 = v.get(key("S00.00")).unwrap();
    assert!(s0000.requires_seventh_character());
    assert_eq!(
        codes(s0000.children()),
        ["S00.00XA", "S00.00XD", "S00.00XS"]
    );
    assert!(v.get(key("S00.00X")).is_none());
    // Prefix search below a non-code.
    assert_eq!(
        codes(v.descendants(key("S0000X"))),
        ["S00.00XA", "S00.00XD", "S00.00XS"]
    );
    assert_eq!(
        codes(v.descendants(key("S0000"))),
        ["S00.00XA", "S00.00XD", "S00.00XS"]
    );
    assert_eq!(v.descendants(key("S00.00XA")).count(), 0);
    assert_eq!(v.descendants(key("S99.9X9")).count(), 0);
    assert_eq!(v.descendants(key("U99")).count(), 0);
    assert_eq!(v.descendants(key("S72.00")).count(), 3 + 3 * 16);

    // E11.37 takes laterality as its 7th character, after a placeholder.
    assert_eq!(
        codes(v.get(key("E11.37")).unwrap().children()),
        ["E11.37X1", "E11.37X2", "E11.37X3", "E11.37X9"]
    );
}

#[test]
fn s06_exception_removes_d_and_s_after_sixth_character_7_and_8() {
    let v = fy(2026);
    // Concussion (S06.0) has no 6th character 7 at all.
    assert!(v.get(key("S06.0X7")).is_none() && v.get(key("S06.0X7D")).is_none());
    assert!(v.get(key("S06.0X1D")).is_some_and(|e| e.is_billable()));
    // Traumatic cerebral edema with death before regaining consciousness.
    assert!(v.get(key("S06.1X7A")).is_some_and(|e| e.is_billable()));
    assert!(v.get(key("S06.1X7D")).is_none() && v.get(key("S06.1X7S")).is_none());
    assert!(v.get(key("S06.1X8D")).is_none());
    assert!(v.get(key("S06.1X6D")).is_some());
    let s061x7 = v.get(key("S06.1X7")).unwrap();
    assert!(s061x7.requires_seventh_character());
    assert_eq!(codes(s061x7.children()), ["S06.1X7A"]);
    assert_eq!(s061x7.seventh_characters().unwrap().chars(), "A");
    assert_eq!(
        v.get(key("S06"))
            .unwrap()
            .seventh_characters()
            .unwrap()
            .chars(),
        "ADS"
    );
    assert!(
        v.get(key("S06"))
            .unwrap()
            .notes(NoteKind::Note)
            .any(|n| n.starts_with("7th characters D and S do not apply"))
    );
    // 38 headers with 6th character 7 or 8 each have only A: the exception
    // removes 76 codes (S06.1X7D/S, S06.1X8D/S, S06.2X7D/S, ... S06.9X8D/S).
    let headers: Vec<Entry<'_>> = v
        .descendants(key("S06"))
        .filter(|e| {
            e.requires_seventh_character() && matches!(e.key().as_bytes().get(5), Some(b'7' | b'8'))
        })
        .collect();
    assert_eq!(headers.len(), 38);
    assert!(
        headers
            .iter()
            .all(|h| codes(h.children()) == [format!("{}A", h.key())])
    );
    assert_eq!(headers[0].key(), key("S06.1X7"));
    assert_eq!(headers[37].key(), key("S06.9X8"));
}

#[test]
fn codes_new_in_fy2026() {
    let e = fy(2026).get(key("QA0.0101")).unwrap();
    assert!(e.is_billable());
    assert_eq!(e.title(), "SCN2A-related neurodevelopmental disorder");
    assert_eq!(e.chapter().unwrap().number, "17");
    assert!(fy(2025).get(key("QA0.0101")).is_none());
}

#[test]
fn notes_own_and_inherited() {
    let v = fy(2026);
    let e119 = v.get(key("E11.9")).unwrap();
    let own: Vec<&str> = e119.notes(NoteKind::Excludes1).collect();
    assert_eq!(
        own,
        ["type 2 diabetes mellitus, without complications in remission (E11.A)"]
    );
    let inherited = e119.inherited_notes(NoteKind::Excludes1);
    assert_eq!(
        (inherited[0].from, inherited[0].text),
        (NoteOrigin::Code(key("E11.9")), own[0])
    );
    let type1 = inherited
        .iter()
        .find(|n| n.text.contains("type 1 diabetes mellitus"))
        .unwrap();
    assert_eq!(type1.from, NoteOrigin::Code(key("E11")));
    assert_eq!(type1.text, "type 1 diabetes mellitus (E10.-)");
    // Nearest first: E11's own notes come before the chapter's.
    let last = inherited.last().unwrap();
    assert_eq!(last.from, NoteOrigin::Chapter("4"));

    let z3a = v.get(key("Z3A")).unwrap();
    let code_first: Vec<&str> = z3a.notes(NoteKind::CodeFirst).collect();
    assert_eq!(
        code_first,
        ["obstetric condition or encounter for delivery (O09-O60, O80-O82, O94-O9A)"]
    );
    let z3a20 = v.get(key("Z3A.20")).unwrap();
    assert_eq!(
        z3a20.inherited_notes(NoteKind::CodeFirst)[0].from,
        NoteOrigin::Code(key("Z3A"))
    );

    // Notes of a code-less wider block reach the codes of the blocks inside it.
    let t2000 = v.get(key("T20.00XA")).unwrap();
    let includes = t2000.inherited_notes(NoteKind::Includes);
    assert!(
        includes
            .iter()
            .any(|n| n.from == NoteOrigin::Section("T20-T32"))
    );
    assert!(
        includes
            .iter()
            .any(|n| n.from == NoteOrigin::Section("T20-T25"))
    );
    let s72 = v.get(key("S72.001A")).unwrap();
    assert!(
        s72.inherited_notes(NoteKind::Excludes2)
            .iter()
            .any(|n| n.from == NoteOrigin::Code(key("S72")))
    );
}

#[test]
fn every_embedded_entry_is_consistent() {
    for v in Version::embedded() {
        let mut billable = 0;
        for (i, e) in v.entries().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(v.get(e.key()), Some(e));
            billable += usize::from(e.is_billable());
            assert_eq!(
                e.is_billable(),
                e.children().next().is_none(),
                "{}",
                e.key()
            );
            if let Some(p) = e.parent() {
                assert!(e.key().starts_with(&p.key()) && p.index() < i);
            }
            assert!(!e.title().is_empty() && !e.short_title().is_empty());
        }
        assert_eq!(billable, v.billable_count());
    }
}

#[test]
fn mce_timeline_matches_the_tabular_versions() {
    let t = Timeline::embedded();
    assert_eq!(
        t.coverage(),
        DateRange {
            start: Date::ymd(2015, 10, 1),
            end: Date::ymd(2027, 3, 31)
        }
    );
    assert_eq!(t.len(), 75_909);
    for (year, date) in [
        (2025, Date::ymd(2024, 10, 1)),
        (2026, Date::ymd(2025, 10, 1)),
    ] {
        let valid: HashSet<CodeKey> = t.valid_on(date).collect();
        assert_eq!(valid, billable_set(fy(year)), "FY{year}");
        assert_eq!(t.count_valid_on(date), valid.len());
    }
    assert_eq!(t.count_valid_on(Date::ymd(2026, 10, 1)), 74_879);

    let f64a = key("F64.A");
    assert_eq!(t.flags_on(f64a, Date::ymd(2026, 9, 30)), None);
    assert_eq!(
        t.flags_on(f64a, Date::ymd(2026, 10, 1)),
        Some(MceFlags::empty())
    );
    assert_eq!(
        t.periods(f64a).next().unwrap().valid.start,
        Date::ymd(2026, 10, 1)
    );
    let d691: Vec<_> = t.periods(key("D69.1")).collect();
    assert_eq!(d691.last().unwrap().valid.end, Date::ymd(2026, 9, 30));
    assert!(t.flags_on(key("D69.1"), Date::ymd(2026, 10, 1)).is_none());
    let z2821 = t.flags_on(key("Z28.21"), Date::ymd(2025, 1, 1)).unwrap();
    assert!(z2821.contains(MceFlags::UNACCEPTABLE));
    assert!(z2821.names().any(|n| n == "unacceptable"));
    // A header has no periods; its billable children do.
    assert_eq!(t.periods(key("Z53.2")).count(), 0);
    let below: Vec<String> = t
        .valid_descendants_on(key("Z53.2"), Date::ymd(2025, 1, 1))
        .map(|k| k.to_string())
        .collect();
    assert_eq!(below, ["Z53.20", "Z53.21", "Z53.29"]);
    // I42.0 is billable until FY2027 splits it.
    let i420 = key("I42.0");
    assert!(t.is_valid_on(i420, Date::ymd(2026, 9, 30)));
    assert_eq!(
        t.valid_descendants_on(i420, Date::ymd(2026, 9, 30)).count(),
        0
    );
    let split: Vec<String> = t
        .valid_descendants_on(i420, Date::ymd(2026, 10, 1))
        .map(|k| k.to_string())
        .collect();
    assert_eq!(split, ["I42.00", "I42.01", "I42.09"]);
}

#[test]
fn mce_flags_cover_every_list_in_the_file() {
    let t = Timeline::embedded();
    let mut seen = MceFlags::empty();
    for k in t.codes() {
        for p in t.periods(k) {
            seen |= p.flags;
        }
    }
    assert_eq!(seen.names().count(), 19);
    assert!(
        t.flags_on(key("E10.9"), Date::ymd(2025, 1, 1))
            .unwrap()
            .contains(MceFlags::DIABTYPE1)
    );
    let sex_ended = t.flags_on(key("N40.0"), Date::ymd(2024, 9, 30)).unwrap();
    assert!(sex_ended.contains(MceFlags::MALE));
    assert!(
        !t.flags_on(key("N40.0"), Date::ymd(2024, 10, 1))
            .unwrap()
            .contains(MceFlags::MALE)
    );
}

#[test]
fn loads_the_fy2021_order_file_from_shared() {
    let path = crate_path("../shared/codesets/icd10cm_order_2021.txt.gz");
    if !path.exists() {
        println!("skipped: ../shared not present");
        return;
    }
    let v = Version::load(&path).unwrap();
    assert_eq!(v.fiscal_year(), 2021);
    assert_eq!(v.kind(), SourceKind::OrderFile);
    assert!(!v.is_embedded());
    assert_eq!((v.len(), v.billable_count()), (95_358, 72_621));
    assert!(
        v.label().starts_with("FY2021 (order file, ")
            && v.label().contains("icd10cm_order_2021.txt.gz")
    );
    assert_eq!(v.effective().start, Date::ymd(2020, 10, 1));
    // Billable in FY2021 per the timeline, exactly.
    let valid: HashSet<CodeKey> = Timeline::embedded()
        .valid_on(Date::ymd(2021, 1, 1))
        .collect();
    assert_eq!(valid, billable_set(&v));
    assert!(v.get(key("U07.1")).is_some_and(|e| e.is_billable()));
    assert!(v.get(key("S72.001")).unwrap().requires_seventh_character());
    assert_eq!(v.get(key("S72.001A")).unwrap().chapter(), None);
}

#[test]
fn loads_an_order_file_fixture_for_a_future_year() {
    let path = crate_path("fixtures/codesets/icd10cm_order_2027.txt");
    let v = Version::load(&path).unwrap();
    assert_eq!(v.fiscal_year(), 2027);
    assert_eq!(v.effective(), DateRange::fiscal_year(2027));
    assert_eq!((v.len(), v.billable_count()), (35, 22));
    let f64a = v.get(key("F64.A")).unwrap();
    assert!(f64a.is_billable());
    assert_eq!(f64a.title(), "Gender incongruence, unspecified");
    assert_eq!(f64a.parent().unwrap().key(), key("F64"));
    assert_eq!(
        codes(v.get(key("F64")).unwrap().children())
            .last()
            .map(String::as_str),
        Some("F64.A")
    );
    assert!(
        v.get(key("J4B"))
            .is_some_and(|e| e.is_billable() && e.parent().is_none())
    );
    assert_eq!(
        v.get(key("M35.00")).unwrap().title(),
        "Sjögren syndrome, unspecified"
    );
    let s72001 = v.get(key("S72.001")).unwrap();
    assert!(s72001.requires_seventh_character());
    assert_eq!(s72001.seventh_characters().unwrap().chars(), "ABDS");
    let s72001d = v.get(key("S72.001D")).unwrap();
    assert_eq!(
        s72001d.short_title(),
        "Fx unsp part of nk of r femr, subs for clos fx w routn heal"
    );
    assert_eq!(
        s72001d.title(),
        "Fracture of unspecified part of neck of right femur, subsequent encounter for closed fracture with routine healing"
    );
    assert!(v.get(key("T81.40")).unwrap().requires_seventh_character());
    assert_eq!(
        codes(v.descendants(key("T8140X"))),
        ["T81.40XA", "T81.40XD", "T81.40XS"]
    );
    assert!(!v.get(key("Z53.2")).unwrap().requires_seventh_character());
    assert_eq!(
        v.get(key("Z53.2"))
            .unwrap()
            .notes(NoteKind::Excludes1)
            .count(),
        0
    );
}

#[test]
fn loads_a_tabular_xml_fixture_and_expands_it() {
    let path = crate_path("fixtures/codesets/tabular_mini.xml");
    let v = Version::load(&path).unwrap();
    assert_eq!(v.fiscal_year(), 2027);
    assert_eq!(v.kind(), SourceKind::TabularXml);
    assert_eq!(
        v.label(),
        format!("FY2027 (tabular XML, {})", path.display())
    );
    assert_eq!(
        codes(v.entries()),
        [
            "E11", "E11.3", "E11.37", "E11.37X1", "E11.37X2", "E11.37X3", "E11.37X9", "E11.9",
            "S00", "S00.0", "S00.00", "S00.00XA", "S00.00XD", "S00.00XS", "S00.03", "S00.03XA",
            "S00.03XD", "S00.03XS", "S06", "S06.0", "S06.0X1", "S06.0X1A", "S06.0X1D", "S06.0X1S",
            "S06.0X7", "S06.0X7A", "T81", "T81.4", "T81.40", "T81.40XA", "T81.40XD", "T81.40XS",
            "T81.7", "T81.7XXA", "T81.7XXD", "T81.7XXS"
        ]
    );
    assert_eq!(v.billable_count(), 21);
    let e = v.get(key("T81.7XXD")).unwrap();
    assert_eq!(
        e.title(),
        "Vascular complications following a procedure, not elsewhere classified, subsequent encounter"
    );
    assert_eq!(e.short_title(), e.title());
    assert_eq!(e.section().unwrap().id, "T80-T88");
    assert_eq!(
        v.get(key("E11.37X2")).unwrap().title().as_ref(),
        "Type 2 diabetes mellitus with diabetic macular edema, resolved following treatment, left eye"
    );
    let notes = v
        .get(key("S00.03XA"))
        .unwrap()
        .inherited_notes(NoteKind::Includes);
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].from, notes[0].text),
        (NoteOrigin::Section("S00-S09"), "injuries of ear & eye")
    );
    let e119 = v
        .get(key("E11.9"))
        .unwrap()
        .inherited_notes(NoteKind::Excludes1);
    let origins: Vec<NoteOrigin<'_>> = e119.iter().map(|n| n.from).collect();
    assert_eq!(
        origins,
        [NoteOrigin::Code(key("E11")), NoteOrigin::Chapter("4")]
    );
    assert_eq!(
        v.get(key("S00.0"))
            .unwrap()
            .inherited_notes(NoteKind::InclusionTerm)
            .len(),
        0
    );
    assert_eq!(
        v.get(key("S00.03"))
            .unwrap()
            .notes(NoteKind::InclusionTerm)
            .collect::<Vec<_>>(),
        ["Bruise of scalp"]
    );
}

#[test]
fn load_errors_name_the_file_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read(crate_path("fixtures/codesets/icd10cm_order_2027.txt")).unwrap();

    let unnamed = dir.path().join("codes.txt");
    std::fs::write(&unnamed, &fixture).unwrap();
    let err = Version::load(&unnamed).unwrap_err();
    assert!(matches!(err, LoadError::FiscalYear { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("codes.txt") && msg.contains("icd10cm_order_2027.txt"),
        "{msg}"
    );

    let mut broken = fixture.clone();
    broken.extend_from_slice(b"00036 Z5330   x Bad flag\r\n");
    let broken_path = dir.path().join("icd10cm_order_2028.txt");
    std::fs::write(&broken_path, &broken).unwrap();
    let err = Version::load(&broken_path).unwrap_err();
    assert!(
        matches!(err, LoadError::Parse { line: Some(36), .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("icd10cm_order_2028.txt:36:"),
        "{err}"
    );

    let csv = dir.path().join("icd10cm_2027.csv");
    std::fs::write(&csv, "code,title\nA00,Cholera\n").unwrap();
    assert!(matches!(
        Version::load(&csv),
        Err(LoadError::UnknownFormat { .. })
    ));

    let missing = dir.path().join("icd10cm_order_2030.txt");
    let err = Version::load(&missing).unwrap_err();
    assert!(
        matches!(err, LoadError::Io { .. }) && err.to_string().contains("icd10cm_order_2030.txt")
    );

    let fake_gz = dir.path().join("icd10cm_order_2027.txt.gz");
    std::fs::write(&fake_gz, [0x1f, 0x8b, 0, 1, 2, 3]).unwrap();
    assert!(matches!(
        Version::load(&fake_gz),
        Err(LoadError::Decompress { .. })
    ));

    let bad_xml = dir.path().join("icd10cm_tabular_2027.xml");
    std::fs::write(&bad_xml, "<ICD10CM.tabular>\n<chapter>\n<name>1</name>\n<section id=\"A00-A09\">\n<diag><desc>No name</desc></diag>\n</section></chapter></ICD10CM.tabular>").unwrap();
    let err = Version::load(&bad_xml).unwrap_err();
    assert!(
        matches!(err, LoadError::Parse { line: Some(5), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("has no <name>"), "{err}");
}

#[test]
fn timeline_loads_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mce_dx_master.tsv");
    std::fs::write(
        &path,
        "code\tstart_date\tend_date\tflags\nF64A\t20261001\t20280331\t\nZ2821\t20151001\t20280331\tunacceptable,adult\n",
    )
    .unwrap();
    let t = Timeline::load(&path).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t.coverage().end, Date::ymd(2028, 3, 31));
    assert_eq!(
        t.flags_on(key("Z28.21"), Date::ymd(2027, 6, 1)),
        Some(MceFlags::UNACCEPTABLE | MceFlags::ADULT)
    );
    std::fs::write(
        &path,
        "code\tstart_date\tend_date\tflags\nF64A\t20261301\t20280331\t\n",
    )
    .unwrap();
    let err = Timeline::load(&path).unwrap_err();
    assert!(err.to_string().contains("mce_dx_master.tsv:2:"), "{err}");
}
