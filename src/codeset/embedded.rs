//! The code sets and timeline built into the binary. `build.rs` packs them
//! from `data/` into `OUT_DIR`; opening one is a header check.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::version::{Origin, Version};

// `build.rs` writes `EMBEDDED_VERSIONS: &[&[u8]]` (oldest first), the
// string table they share `EMBEDDED_STRINGS: &[u8]`, and `TIMELINE: &[u8]`.
include!(concat!(env!("OUT_DIR"), "/embedded_blobs.rs"));

pub(crate) fn versions() -> &'static [Version] {
    static VERSIONS: OnceLock<Vec<Version>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        EMBEDDED_VERSIONS
            .iter()
            .map(|bytes| {
                Version::from_blob(
                    Cow::Borrowed(*bytes),
                    Cow::Borrowed(EMBEDDED_STRINGS),
                    Origin::Embedded,
                )
                .unwrap_or_else(|e| panic!("an embedded code set is broken ({e}); rebuild dxlint"))
            })
            .collect()
    })
}
