//! China's administrative divisions as data shipped in the crate: every
//! district (区/县, 6 digits) of the country, and the streets (9 digits) and
//! communities (12 digits) of a chosen set of districts. Codes are the
//! National Bureau of Statistics statistical division codes from the npm
//! package `china-division` 2.7.0 (see `data/README.md` for edition, licence
//! and how to regenerate).
//!
//! Contract: a [`StreetCode`], [`CommunityCode`] or [`GridCode`] exists only
//! if its code is in the table (a grid: its community is, and its sequence is
//! 001 to 999), and its prefixes are its parents. Input is refused with a
//! typed [`DivisionError`] whose [`kind`](DivisionError::kind) tells malformed,
//! unknown, not covered, and wrong parent apart.

mod codes;
mod divisions;
mod error;
mod table;

pub use codes::{CommunityCode, GridCode, StreetCode};
pub use divisions::{DivisionTables, Divisions};
pub use error::{DivisionError, DivisionErrorKind, Level, TableError, TableErrorKind};
pub use table::Division;
