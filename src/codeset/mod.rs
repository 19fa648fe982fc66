//! ICD-10-CM code sets: import (tabular XML, order file, MCE timeline),
//! compact indexed storage, and lookup by fiscal year and date of service.

pub mod code;
pub mod registry;
