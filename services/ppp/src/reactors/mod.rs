//! Reactions to other contexts' events.

mod facility_feedback;

pub use facility_feedback::{FEEDBACK, FacilityFeedbackReactor};
