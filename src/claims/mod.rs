//! Claim input: reading claim exports (CSV, TSV, pipe), finding the columns,
//! and turning rows into [`Claim`]s for the engine.
//!
//! Data flows one way: bytes -> records (with exact cell positions) ->
//! column mapping -> claims. Nothing here knows about rules or reports.
//!
//! Use: [`open_input`] a path (`-` = stdin, gzip detected), optionally
//! [`Members::load`] member files, then [`ClaimReader::open`] and pull
//! [`Event`]s with [`ClaimReader::next_event`]; [`ClaimReader::stats`] gives
//! the file's accounting and [`ClaimReader::take_error`] a read failure.
//!
//! - [`reader`]: streaming records with exact field locations.
//! - [`columns`]: header aliases, overrides ([`ColumnMap`]), layout.
//! - [`source`]: rows to claims (wide grouping, long grouping).
//! - [`members`]: birth date and sex by member id.
//! - [`values`]: claim type, code system, age, codes from cell text.
//! - [`lookalike`]: invisible and look-alike characters in code cells.
//! - [`open`]: files, stdin, gzip, and files that are not text.

#[rustfmt::skip]
mod aliases;
mod build;
pub mod claim;
pub mod columns;
pub mod error;
pub mod events;
pub mod hash;
mod long;
pub mod lookalike;
pub mod members;
pub mod open;
pub mod reader;
mod rows;
pub mod source;
pub mod staged;
pub mod values;
mod wide;

pub use claim::{
    AgeError, Cell, CellLoc, CellText, Claim, ClaimType, CodeCell, CodeSystem, Diagnosis, DxRole,
    FileId, Sex,
};
pub use columns::{ColumnMap, DxColumn, DxSeries, Layout, Mapping};
pub use error::InputError;
pub use events::{Event, FileStats, MalformedRow};
pub use long::MAX_DIAGNOSES;
pub use members::{Member, MemberCell, Members};
pub use open::{ReadCount, open_counted, open_input};
pub use source::{ClaimReader, InputOptions};
