//! Read models built from events.
//!
//! Contract:
//! - a projection applies an event and moves its checkpoint in ONE
//!   transaction, so a redelivered event is skipped, never applied twice;
//! - checkpoints are kept per source context, because each context's events
//!   arrive in order on their own JetStream stream while contexts interleave;
//! - every read model lives in a numbered generation (a PostgreSQL schema
//!   `rm_<name>_g<n>`, or a SQLite file in embedded mode); a rebuild replays
//!   the event store (not NATS, whose retention is finite) into the next
//!   generation while the live one keeps serving, then switches atomically;
//! - a query may pass a `$all` position and wait, bounded, until the
//!   projection has applied every matching event up to it (read-your-writes),
//!   whichever process applied it: on PostgreSQL a checkpoint move is
//!   announced with NOTIFY on commit and each process listens once.

mod applied;
mod apply;
mod backend;
mod error;
mod handle;
mod handler;
mod notify;
mod projection;
mod rebuild;
mod wait;

pub use backend::ReadModelDb;
pub use error::ProjectionError;
pub use handle::{ProjectionHandle, ProjectionStatus};
pub use handler::ProjectionHandler;
pub use notify::LISTENER_APPLICATION_NAME;
pub use projection::{Backend, Projection, Source};
pub use rebuild::RebuildProgress;
