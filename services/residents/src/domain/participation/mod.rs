//! Residents' participation (issue 5), pure deciders: proposals and
//! complaints, satisfaction ratings, meetings and votes, representative
//! elections, volunteering and points, micro-wishes.

pub mod elections;
pub mod meetings;
pub mod proposals;
pub mod ratings;
pub mod volunteering;
pub mod wishes;
