//! Micro-wishes (微心愿), a pure decider over stream `wish-<uuid>`.
//!
//! Contract: a resident posts a small need (OPEN); a volunteer, party member
//! or unit claims it while OPEN (CLAIMED); the claimant may release it back to
//! OPEN or fulfil it (FULFILLED); only the resident who posted it confirms it
//! (CONFIRMED) or withdraws it while OPEN (WITHDRAWN). Confirmed and withdrawn
//! wishes take no further changes. Nobody claims their own wish. Every command
//! acts only in the wish's own district. Unclaimed wishes age visibly: see
//! [`age_band`].

mod age;
mod codec;
mod command;
mod decide;
mod error;
mod state;
mod time;

pub use age::{WishAge, WishAgeThresholds, WishAgeThresholdsError, age_band};
pub use codec::WishEvent;
pub use command::{Claimant, WishCommand};
pub use decide::Wish;
pub use error::WishError;
pub use gongzhi_proto::gongzhi::residents::v1::WishClaimantKind;
pub use state::{WishFacts, WishState, WishStatus};

#[cfg(test)]
mod age_tests;
#[cfg(test)]
mod decide_tests;
