//! Importer for the ICD-10-CM Tabular List XML (`icd10cm_tabular_YYYY.xml`).
//!
//! Reads chapters, sections, notes and each section's `diag` trees;
//! `expand.rs` turns the trees into the code list (7th characters included).
//!
//! Compiled into the crate and, by path, into `build.rs`: depends only on
//! `std`, `quick-xml` and sibling files that do the same.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::code::CodeKey;
use super::expand::{DiagNode, Place, flatten, link_enclosing_sections};
use super::fast_hash::FastSet;
use super::model::{
    ChapterData, CodeSetData, ExtensionData, ImportError, NoteData, NoteKind, SectionData,
    SeventhDef, SourceKind,
};

/// The root element of every Tabular List XML release.
pub const ROOT_ELEMENT: &str = "ICD10CM.tabular";

/// Parses a whole Tabular List XML document.
pub fn parse_tabular(xml: &str) -> Result<CodeSetData, ImportError> {
    let mut parser = Parser::new(xml);
    let mut data = CodeSetData::new(SourceKind::TabularXml);
    let mut seen = FastSet::default();
    let mut seen_root = false;
    loop {
        match parser.next()? {
            Event::Start(e) if e.name().as_ref() == ROOT_ELEMENT => seen_root = true,
            Event::Start(e) if !seen_root => {
                return Err(parser.error(format!(
                    "the root element is <{}>, not <{ROOT_ELEMENT}>: not an ICD-10-CM Tabular List",
                    e.name().as_ref()
                )));
            }
            Event::Start(e) => match e.name().as_ref() {
                "version" => {
                    let text = parser.text("version")?;
                    data.fiscal_year = text.trim().parse().ok();
                }
                "chapter" => parse_chapter(&mut parser, &mut data, &mut seen)?,
                _ => parser.skip(&e)?,
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(ImportError::new(format!(
            "no <{ROOT_ELEMENT}> element: not an ICD-10-CM Tabular List"
        )));
    }
    if data.entries.is_empty() {
        return Err(ImportError::new("the tabular lists no codes"));
    }
    link_enclosing_sections(&mut data);
    Ok(data)
}

/// A pull parser over the document with the helpers the importer needs.
struct Parser<'x> {
    src: &'x str,
    reader: Reader<&'x [u8]>,
}

impl<'x> Parser<'x> {
    fn new(src: &'x str) -> Parser<'x> {
        let reader = Reader::from_str(src);
        Parser { src, reader }
    }

    fn next(&mut self) -> Result<Event<'x>, ImportError> {
        match self.reader.read_event() {
            Ok(e) => Ok(e),
            Err(err) => {
                let line = line_of(self.src, self.reader.error_position());
                Err(ImportError::at_line(line, format!("malformed XML: {err}")))
            }
        }
    }

    fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn error(&self, message: String) -> ImportError {
        self.error_at(self.position(), message)
    }

    fn error_at(&self, pos: u64, message: String) -> ImportError {
        ImportError::at_line(line_of(self.src, pos), message)
    }

    /// Skips the element just started by `start`.
    fn skip(&mut self, start: &BytesStart<'x>) -> Result<(), ImportError> {
        match self.reader.read_to_end(start.name()) {
            Ok(_) => Ok(()),
            Err(err) => {
                let line = line_of(self.src, self.reader.error_position());
                Err(ImportError::at_line(line, format!("malformed XML: {err}")))
            }
        }
    }

    /// The text content of the element just started, up to its end tag
    /// `end`, with entities resolved, trimmed, and line breaks (with the
    /// indentation around them) folded into single spaces.
    fn text(&mut self, end: &str) -> Result<String, ImportError> {
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(c) => out.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => {
                    if let Ok(Some(ch)) = r.resolve_char_ref() {
                        out.push(ch);
                    } else if let Some(s) = resolve_predefined_entity(&r) {
                        out.push_str(s);
                    } else {
                        return Err(self.error(format!("unknown entity &{};", &*r)));
                    }
                }
                Event::Start(_) => depth += 1,
                Event::End(e) if depth == 0 && e.name().as_ref() == end => break,
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Eof => {
                    return Err(self.error(format!("the document ends inside <{end}>")));
                }
                _ => {}
            }
        }
        Ok(clean_text(&out))
    }

    /// The `note` texts of a note container such as `<excludes1>`.
    fn notes(&mut self, end: &str) -> Result<Vec<String>, ImportError> {
        let mut out = Vec::new();
        loop {
            match self.next()? {
                Event::Start(e) if e.name().as_ref() == "note" => {
                    let text = self.text("note")?;
                    if !text.is_empty() {
                        out.push(text);
                    }
                }
                Event::Start(e) => self.skip(&e)?,
                Event::End(e) if e.name().as_ref() == end => return Ok(out),
                Event::Eof => return Err(self.error("the document ends inside a note list".into())),
                _ => {}
            }
        }
    }
}

/// 1-based line number of a byte position.
fn line_of(src: &str, pos: u64) -> usize {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(src.len());
    src.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn clean_text(raw: &str) -> String {
    let trimmed = raw.trim();
    if !trimmed.contains('\n') {
        return trimmed.to_string();
    }
    let mut out = String::with_capacity(trimmed.len());
    for (i, line) in trimmed.lines().map(str::trim).enumerate() {
        if i > 0 && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

fn parse_chapter(
    p: &mut Parser<'_>,
    data: &mut CodeSetData,
    seen: &mut FastSet<CodeKey>,
) -> Result<(), ImportError> {
    let chapter = data.chapters.len();
    data.chapters.push(ChapterData::default());
    loop {
        match p.next()? {
            Event::Start(e) => {
                let name = e.name();
                match name.as_ref() {
                    "name" => data.chapters[chapter].number = p.text("name")?,
                    "desc" => data.chapters[chapter].title = p.text("desc")?,
                    "section" => {
                        let id = attribute(p, &e, "id")?;
                        parse_section(p, data, seen, chapter, id)?;
                    }
                    other => match NoteKind::from_xml_element(other) {
                        Some(kind) => {
                            let texts = p.notes(other)?;
                            push_notes(&mut data.chapters[chapter].notes, kind, texts);
                        }
                        None => p.skip(&e)?,
                    },
                }
            }
            Event::End(e) if e.name().as_ref() == "chapter" => break,
            Event::Eof => return Err(p.error("the document ends inside a chapter".into())),
            _ => {}
        }
    }
    if data.chapters[chapter].number.is_empty() {
        return Err(p.error("a chapter has no <name>".into()));
    }
    Ok(())
}

fn parse_section(
    p: &mut Parser<'_>,
    data: &mut CodeSetData,
    seen: &mut FastSet<CodeKey>,
    chapter: usize,
    id: String,
) -> Result<(), ImportError> {
    let mut section = SectionData {
        id,
        chapter,
        ..SectionData::default()
    };
    let mut diags = Vec::new();
    loop {
        match p.next()? {
            Event::Start(e) => {
                let name = e.name();
                match name.as_ref() {
                    "desc" => section.title = p.text("desc")?,
                    "diag" => diags.push(parse_diag(p)?),
                    other => match NoteKind::from_xml_element(other) {
                        Some(kind) => {
                            let texts = p.notes(other)?;
                            push_notes(&mut section.notes, kind, texts);
                        }
                        None => p.skip(&e)?,
                    },
                }
            }
            Event::End(e) if e.name().as_ref() == "section" => break,
            Event::Eof => return Err(p.error("the document ends inside a section".into())),
            _ => {}
        }
    }
    let index = data.sections.len();
    data.sections.push(section);
    let place = Place {
        chapter,
        section: index,
    };
    for diag in diags {
        flatten(data, seen, diag, place).map_err(|e| p.error_at(e.pos, e.message))?;
    }
    Ok(())
}

fn parse_diag(p: &mut Parser<'_>) -> Result<DiagNode, ImportError> {
    let pos = p.position();
    let mut name: Option<String> = None;
    let mut title = String::new();
    let mut notes = Vec::new();
    let mut seventh_note: Option<String> = None;
    let mut extensions: Option<Vec<ExtensionData>> = None;
    let mut children = Vec::new();
    loop {
        match p.next()? {
            Event::Start(e) => {
                let tag = e.name();
                match tag.as_ref() {
                    "name" => name = Some(p.text("name")?),
                    "desc" => title = p.text("desc")?,
                    "diag" => children.push(parse_diag(p)?),
                    "sevenChrDef" => extensions = Some(parse_seventh_def(p)?),
                    "sevenChrNote" => seventh_note = p.notes("sevenChrNote")?.into_iter().next(),
                    other => match NoteKind::from_xml_element(other) {
                        Some(kind) => {
                            let texts = p.notes(other)?;
                            push_notes(&mut notes, kind, texts);
                        }
                        None => p.skip(&e)?,
                    },
                }
            }
            Event::End(e) if e.name().as_ref() == "diag" => break,
            Event::Eof => return Err(p.error("the document ends inside a diag".into())),
            _ => {}
        }
    }
    let Some(name) = name else {
        return Err(p.error_at(pos, "a <diag> has no <name>".into()));
    };
    let key = CodeKey::parse(&name)
        .map_err(|err| p.error_at(pos, format!("diag name {name:?} is not a code: {err}")))?;
    if title.is_empty() {
        return Err(p.error_at(pos, format!("diag {key} has no <desc>")));
    }
    let seventh = extensions.map(|extensions| SeventhDef {
        note: seventh_note,
        extensions,
    });
    Ok(DiagNode {
        key,
        pos,
        title,
        notes,
        seventh,
        children,
    })
}

fn parse_seventh_def(p: &mut Parser<'_>) -> Result<Vec<ExtensionData>, ImportError> {
    let mut out: Vec<ExtensionData> = Vec::new();
    loop {
        match p.next()? {
            Event::Start(e) => match e.name().as_ref() {
                "extension" => {
                    let value = attribute(p, &e, "char")?;
                    let ch = match value.as_bytes() {
                        [c] if c.is_ascii_alphanumeric() => c.to_ascii_uppercase(),
                        _ => {
                            return Err(p.error(format!(
                                "7th character {value:?} is not one letter or digit"
                            )));
                        }
                    };
                    let meaning = p.text("extension")?;
                    if out.iter().any(|x| x.ch == ch) {
                        return Err(p.error(format!("7th character {value} is defined twice")));
                    }
                    out.push(ExtensionData {
                        ch,
                        meaning,
                        notes: Vec::new(),
                    });
                }
                // A note inside the definition qualifies the extension before it.
                "note" => {
                    let text = p.text("note")?;
                    if let Some(last) = out.last_mut() {
                        last.notes.push(text);
                    }
                }
                _ => p.skip(&e)?,
            },
            Event::End(e) if e.name().as_ref() == "sevenChrDef" => break,
            Event::Eof => return Err(p.error("the document ends inside a sevenChrDef".into())),
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(p.error("a sevenChrDef lists no extension".into()));
    }
    Ok(out)
}

fn attribute(p: &Parser<'_>, e: &BytesStart<'_>, name: &str) -> Result<String, ImportError> {
    let element = e.name().as_ref().to_string();
    match e.try_get_attribute(name) {
        Ok(Some(attr)) => Ok(attr.value.trim().to_string()),
        Ok(None) => Err(p.error(format!("<{element}> has no {name} attribute"))),
        Err(err) => Err(p.error(format!("<{element}>: {err}"))),
    }
}

fn push_notes(into: &mut Vec<NoteData>, kind: NoteKind, texts: Vec<String>) {
    into.extend(texts.into_iter().map(|text| NoteData { kind, text }));
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2030</version>
  <chapter>
    <name>19</name>
    <desc>Injury (S00-T88)</desc>
    <section id="S00-S09"><desc>Head (S00-S09)</desc></section>
    <section id="S00-S01">
      <desc>Superficial (S00-S01)</desc>
      <diag>
        <name>S00</name>
        <desc>Superficial injury of head</desc>
        <excludes1><note>a &amp; b</note></excludes1>
        <sevenChrNote><note>Use a 7th character:</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="D">subsequent encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag>
          <name>S00.0</name>
          <desc>Superficial injury of scalp</desc>
        </diag>
      </diag>
    </section>
    <section id="S06">
      <desc>Brain (S06)</desc>
      <diag>
        <name>S06</name>
        <desc>Intracranial injury</desc>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="D">subsequent encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag><name>S06.0X7</name><desc>Concussion with death</desc></diag>
        <diag><name>S06.0X1</name><desc>Concussion, brief</desc></diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>"#;

    fn codes(data: &CodeSetData) -> Vec<String> {
        data.entries
            .iter()
            .map(|e| e.key.as_str().to_string())
            .collect()
    }

    #[test]
    fn expands_seventh_characters_with_placeholder_and_exception() {
        let data = parse_tabular(MINI).unwrap();
        assert_eq!(data.fiscal_year, Some(2030));
        assert_eq!(
            codes(&data),
            [
                "S00", "S000", "S000XXA", "S000XXD", "S000XXS", "S06", "S060X7", "S060X7A",
                "S060X1", "S060X1A", "S060X1D", "S060X1S"
            ]
        );
        let billable: Vec<bool> = data.entries.iter().map(|e| e.billable).collect();
        assert_eq!(billable.iter().filter(|b| **b).count(), 7);
        assert_eq!(
            data.entries[2].title,
            "Superficial injury of scalp, initial encounter"
        );
        assert_eq!(data.entries[2].parent, Some(1));
        assert_eq!(data.entries[0].notes[0].text, "a & b");
        assert_eq!(data.sections[1].enclosing, Some(0));
        assert_eq!(data.sections[2].enclosing, Some(0));
        assert_eq!(data.sections[0].enclosing, None);
    }

    #[test]
    fn reports_lines_of_broken_input() {
        let broken = MINI.replace("<name>S00.0</name>", "<name>T00.0</name>");
        let err = parse_tabular(&broken).unwrap_err();
        assert!(err.message.contains("nested under S00"), "{err}");
        assert_eq!(err.line, Some(20));
        let err = parse_tabular("<html><body/></html>").unwrap_err();
        assert!(
            err.message.contains("not an ICD-10-CM Tabular List"),
            "{err}"
        );
    }

    #[test]
    fn folds_line_breaks_in_text() {
        assert_eq!(
            clean_text("\n   Intestinal infectious diseases\n  "),
            "Intestinal infectious diseases"
        );
        assert_eq!(clean_text("a\n   b"), "a b");
        assert_eq!(clean_text("a  b"), "a  b");
    }
}
