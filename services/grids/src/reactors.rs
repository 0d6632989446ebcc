//! Reactors: handlers fed like projections from another context's events,
//! which turn them into commands of this one. Each keeps a small table of
//! what it did, in its own read-model generation, so a rebuild replays it
//! (every command it sends is idempotent by a request id derived from the
//! event).

mod complaint_cases;
pub mod complaint_category;

pub use complaint_cases::{
    COMPLAINT_CASES, ComplaintCase, ComplaintCasesReactor, PROPOSAL_ORIGIN_PREFIX, complaint_case,
    origin_of, request_id_for,
};
