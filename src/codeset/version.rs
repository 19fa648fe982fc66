//! One fiscal year's ICD-10-CM code set.
//!
//! A [`Version`] reads everything straight out of its blob: looking a code up
//! is one hash probe, and an [`Entry`] is a reference plus an index, so
//! nothing is allocated except titles computed on demand (the titles of
//! 7th-character codes, which the blob does not store).

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::blob::VersionBlob;
use super::code::CodeKey;
use super::error::LoadError;
use crate::date::{Date, DateRange};

pub use super::entry::{
    Chapter, Children, Descendants, Entries, Entry, InheritedNote, NoteGroup, NoteOrigin, Section,
    SeventhChars,
};
pub use super::model::{NoteKind, SourceKind};

/// Where a version's data came from.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    Embedded,
    File(PathBuf),
}

/// One fiscal year's code set. `Send + Sync`; cheap to share by reference.
pub struct Version {
    blob: VersionBlob,
    origin: Origin,
    /// Distinct for every `Version` opened in this process.
    id: u64,
}

/// The next [`Version::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Version {
    /// The code sets built into dxlint (FY2025, FY2026), oldest first. The
    /// first call opens them (a header check each); later calls are free.
    pub fn embedded() -> &'static [Version] {
        super::embedded::versions()
    }

    /// The embedded version whose fiscal year contains `date`, if any.
    pub fn embedded_for(date: Date) -> Option<&'static Version> {
        Version::embedded()
            .iter()
            .find(|v| v.effective().contains(date))
    }

    /// Reads a code set released by CMS: an order file (`.txt`) or the
    /// Tabular List XML (`.xml`), either optionally gzip-compressed. The
    /// format is detected from the content; the fiscal year comes from the
    /// XML `<version>` element or else from a year in the file name.
    pub fn load(path: &Path) -> Result<Version, LoadError> {
        super::load::load_version(path)
    }

    pub(crate) fn from_blob(
        bytes: Cow<'static, [u8]>,
        strings: Cow<'static, [u8]>,
        origin: Origin,
    ) -> Result<Version, String> {
        Ok(Version {
            blob: VersionBlob::open(bytes, strings)?,
            origin,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// A number no other `Version` of this process has: a key for caches of
    /// what rules derive from a release (parsed notes), which must not mix
    /// two releases of the same fiscal year.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn fiscal_year(&self) -> u16 {
        self.blob.fiscal_year
    }

    /// The dates of service this code set applies to (FY N: N-1-10-01 to N-09-30).
    pub fn effective(&self) -> DateRange {
        DateRange::fiscal_year(self.fiscal_year())
    }

    /// `FY2026 (tabular XML, embedded)`, `FY2027 (order file, /path/to/file)`.
    pub fn label(&self) -> String {
        let source = match &self.origin {
            Origin::Embedded => "embedded".to_string(),
            Origin::File(path) => path.display().to_string(),
        };
        format!(
            "FY{} ({}, {source})",
            self.fiscal_year(),
            self.kind().describe()
        )
    }

    pub fn kind(&self) -> SourceKind {
        self.blob.kind
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self.origin, Origin::Embedded)
    }

    /// The file a run-time version was loaded from.
    pub fn source_path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Embedded => None,
            Origin::File(path) => Some(path),
        }
    }

    /// Number of codes, headers included.
    pub fn len(&self) -> usize {
        self.blob.entry_count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of codes valid for submission.
    pub fn billable_count(&self) -> usize {
        self.blob.billable_count as usize
    }

    /// Size of the packed records, index and tables in bytes, not counting
    /// the string table (which the embedded versions share).
    pub fn blob_size(&self) -> usize {
        self.blob.byte_len()
    }

    /// Size of the string table this version's text lives in.
    pub fn string_table_size(&self) -> usize {
        self.blob.strings_len()
    }

    /// The entry for `key`, if the code exists in this version (header or
    /// billable).
    pub fn get(&self, key: CodeKey) -> Option<Entry<'_>> {
        self.blob.find(key).map(|i| Entry::new(&self.blob, i))
    }

    pub fn contains(&self, key: CodeKey) -> bool {
        self.blob.find(key).is_some()
    }

    /// The chapters in tabular order (none for an order file).
    pub fn chapters(&self) -> impl Iterator<Item = Chapter<'_>> {
        (0..self.blob.chapter_count()).map(|c| {
            let (number, title, _) = self.blob.chapter(c as u8);
            Chapter { number, title }
        })
    }

    /// The sections (blocks) in tabular order, the code-less wider blocks
    /// (`C00-C96`) included (none for an order file).
    pub fn sections(&self) -> impl Iterator<Item = Section<'_>> {
        (0..self.blob.section_count()).map(|s| {
            let (id, title, ..) = self.blob.section(s as u16);
            Section { id, title }
        })
    }

    /// Every entry in tabular order.
    pub fn entries(&self) -> Entries<'_> {
        Entries::all(&self.blob)
    }

    /// Every code below `key` (not `key` itself) in tabular order. `key`
    /// need not be a code: `S0000X` yields `S00.00XA`, `S00.00XD`, ...
    pub fn descendants(&self, key: CodeKey) -> Descendants<'_> {
        if let Some(i) = self.blob.find(key) {
            return Descendants::of(&self.blob, i, None);
        }
        // The codes starting with `key` all lie in the block of its longest
        // prefix that is a code.
        let holder = (3..key.len())
            .rev()
            .find_map(|len| self.blob.find(key.truncated(len)));
        match holder {
            Some(i) => Descendants::of(&self.blob, i, Some(key)),
            None => Descendants::empty(&self.blob),
        }
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({}, {} codes)", self.label(), self.len())
    }
}
