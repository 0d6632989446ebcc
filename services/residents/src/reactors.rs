//! Reactors: handlers fed like projections from another context's events,
//! which turn them into commands of this one. Each keeps a small table of
//! what it did, in its own read-model generation; every command it sends is
//! idempotent by a request id derived from the event, so a redelivery or a
//! rebuild replays instead of writing twice.

mod complaint_outcomes;

pub use complaint_outcomes::{
    COMPLAINT_OUTCOMES, ComplaintOutcomesReactor, answer_text, request_id_for,
};
