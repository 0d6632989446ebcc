//! Command execution for event-sourced aggregates.
//!
//! Contract of [`execute`]:
//! - if the command's first event id is already stored, the command was
//!   carried out before (a retried `request_id`): answer the original receipt
//!   with `replayed = true` and decide nothing;
//! - otherwise load the stream, fold it, decide, and append with the revision
//!   that was read as the expected revision;
//! - on a concurrent write (wrong expected revision) reload and decide again,
//!   up to [`MAX_ATTEMPTS`] times, then report the conflict;
//! - a command that decides no events writes nothing and answers the current
//!   revision.

mod execute;

pub use execute::{CommandError, MAX_ATTEMPTS, Receipt, execute, load};
