//! ICD-10-CM code sets: import (tabular XML, order file, MCE timeline),
//! compact indexed storage, and lookup by fiscal year and date of service.
//!
//! - [`Version`]: one fiscal year's codes with titles, hierarchy, chapters,
//!   sections, notes and 7th characters. FY2025 and FY2026 are embedded;
//!   newer releases load at run time with [`Version::load`].
//! - [`Timeline`]: which codes are valid on which dates (2015-10-01 onward),
//!   with the MCE edit flags of each period.
//!
//! The importers (`model`, `tabular` with `expand`, `order_file`, `mce`,
//! `short_titles`) and the blob writer are also compiled into `build.rs`, which packs the
//! files in `data/` into blobs that the binary embeds; they depend only on
//! `std`, `quick-xml`, `code.rs` and `date.rs` for that reason.

pub mod categories;
pub mod code;
pub mod registry;

pub mod mce;
pub mod model;
pub mod order_file;
pub mod short_titles;
pub mod tabular;

mod blob;
mod blob_format;
mod blob_write;
mod embedded;
mod entry;
mod error;
mod expand;
pub(crate) mod fast_hash;
mod load;
pub mod poa;
pub mod timeline;
pub mod version;

pub use blob_format::text_signature;
pub use code::{CodeFormatError, CodeKey};
pub use error::LoadError;
pub use mce::MceFlags;
pub use model::{NoteKind, SourceKind};
pub use poa::PoaExemptList;
pub use timeline::{Period, Periods, Timeline};
pub use version::{
    Chapter, Children, Descendants, Entries, Entry, InheritedNote, NoteOrigin, Section,
    SeventhChars, Version,
};
