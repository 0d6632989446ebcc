//! Open Contracting Data Standard (OCDS) documents, for the open data of the
//! ppp and procurement services.
//!
//! Contract:
//! - [`release_package`] wraps releases as an OCDS 1.1 release package;
//!   [`record_package`] groups releases by `ocid` into records, each with
//!   its releases linked and a compiled release merged from them by
//!   [`compile`];
//! - [`compile`] follows the OCDS merge routine: releases in date order,
//!   objects merged field by field, arrays of objects with `id` merged item
//!   by item on `id`, any other value replaced by the later release, `null`
//!   removing the field; the compiled release is tagged `compiled`;
//! - the schemas the documents must meet ship in `schema/` (OCDS 1.1.5 and
//!   the PPP profile, with their licences); [`validate`] (feature
//!   `validate`) checks documents against them offline.

mod merge;
mod package;
#[cfg(any(test, feature = "validate"))]
pub mod validate;

pub use merge::compile;
pub use package::{Publisher, record_package, release_package};

/// OCDS schema version of the packages built here.
pub const OCDS_VERSION: &str = "1.1";

/// Where the shipped schemas are (for tools and tests).
pub fn schema_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// The `ocid` of a contracting process: the publisher's prefix and its
/// own id, joined by a hyphen.
pub fn ocid(prefix: &str, id: &str) -> String {
    format!("{prefix}-{id}")
}
