//! Loading source files at run time: read, decompress, recognise the
//! format, import, and pack into a blob that the same reader as the
//! embedded data serves.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::blob_write::{StringPool, write_version};
use super::error::LoadError;
use super::model::{ImportError, SourceKind};
use super::order_file::{looks_like_order_file, parse_order_file};
use super::tabular::parse_tabular;
use super::version::{Origin, Version};

/// ICD-10-CM began with FY2016; later years are plausible for decades.
const FISCAL_YEARS: std::ops::RangeInclusive<u16> = 2016..=2099;

/// Editors that re-save a release file may put a byte-order mark first.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file's bytes, decompressed when they start with the gzip magic.
pub(crate) fn read_source(path: &Path) -> Result<Vec<u8>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 8);
    MultiGzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .map_err(|source| LoadError::Decompress {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(out)
}

/// What a code-set file holds, judged from its first bytes.
fn detect(bytes: &[u8]) -> Option<SourceKind> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[first] == b'<' {
        Some(SourceKind::TabularXml)
    } else if looks_like_order_file(body) {
        Some(SourceKind::OrderFile)
    } else {
        None
    }
}

/// The fiscal year named in a file name: the one 4-digit number 20xx in it
/// (`icd10cm_order_2027.txt`, `icd10cm-tabular-April-1-2026.xml`).
pub(crate) fn fiscal_year_from_name(path: &Path) -> Result<u16, Vec<u16>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut found: Vec<u16> = Vec::new();
    for run in name.split(|c: char| !c.is_ascii_digit()) {
        if run.len() == 4
            && run.starts_with("20")
            && let Ok(year) = run.parse::<u16>()
            && FISCAL_YEARS.contains(&year)
            && !found.contains(&year)
        {
            found.push(year);
        }
    }
    match found.as_slice() {
        [year] => Ok(*year),
        _ => Err(found),
    }
}

fn parse_error(path: &Path, kind: SourceKind, err: ImportError) -> LoadError {
    LoadError::Parse {
        path: path.to_path_buf(),
        what: kind.describe(),
        line: err.line,
        message: err.message,
    }
}

pub(crate) fn load_version(path: &Path) -> Result<Version, LoadError> {
    let raw = read_source(path)?;
    let bytes = raw.strip_prefix(UTF8_BOM).unwrap_or(&raw);
    let kind = detect(bytes).ok_or_else(|| LoadError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    let data = match kind {
        SourceKind::TabularXml => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                parse_error(
                    path,
                    kind,
                    ImportError::new(format!("the XML is not valid UTF-8 ({e})")),
                )
            })?;
            parse_tabular(text)
        }
        SourceKind::OrderFile => parse_order_file(bytes),
    }
    .map_err(|err| parse_error(path, kind, err))?;
    let fiscal_year = match data.fiscal_year.filter(|y| FISCAL_YEARS.contains(y)) {
        Some(year) => year,
        None => fiscal_year_from_name(path).map_err(|candidates| LoadError::FiscalYear {
            path: path.to_path_buf(),
            candidates,
        })?,
    };
    let mut strings = StringPool::with_capacity(data.entries.len() * 2);
    let blob = write_version(&data, fiscal_year, &mut strings)
        .map_err(|err| parse_error(path, kind, err))?;
    let strings = Cow::Owned(strings.into_bytes());
    Version::from_blob(Cow::Owned(blob), strings, Origin::File(path.to_path_buf()))
        .map_err(|message| parse_error(path, kind, ImportError::new(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_year_in_file_names() {
        assert_eq!(
            fiscal_year_from_name(Path::new("/x/icd10cm_order_2027.txt")),
            Ok(2027)
        );
        assert_eq!(
            fiscal_year_from_name(Path::new("icd10cm-tabular-April-1-2026.xml.gz")),
            Ok(2026)
        );
        assert_eq!(
            fiscal_year_from_name(Path::new("/2025/codes.txt")),
            Err(vec![])
        );
        assert_eq!(
            fiscal_year_from_name(Path::new("order_2026_2027.txt")),
            Err(vec![2026, 2027])
        );
        assert_eq!(
            fiscal_year_from_name(Path::new("order_20270.txt")),
            Err(vec![])
        );
    }

    #[test]
    fn detects_formats_from_content() {
        assert_eq!(
            detect(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>"),
            Some(SourceKind::TabularXml)
        );
        assert_eq!(
            detect(b"00001 A00     0 Cholera      "),
            Some(SourceKind::OrderFile)
        );
        assert_eq!(detect(b"code,description\n"), None);
        assert_eq!(detect(b""), None);
    }
}
