//! The wish decider: checks a command against the wish's facts and answers
//! the events that record it.

use super::state::evolve;
use super::{
    Claimant, WishClaimantKind, WishCommand, WishError, WishEvent, WishFacts, WishState,
    WishStatus, time,
};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

const TEXT_MAX_CHARS: usize = 500;

pub struct Wish;

fn existing<'a>(state: &'a WishState, district: &DistrictCode) -> Result<&'a WishFacts, WishError> {
    let WishState::Present(facts) = state else {
        return Err(WishError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(WishError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    Ok(facts)
}

fn expect_status(facts: &WishFacts, expected: WishStatus) -> Result<(), WishError> {
    if facts.status != expected {
        return Err(WishError::WrongStatus {
            status: facts.status,
            expected,
        });
    }
    Ok(())
}

fn text(field: &'static str, value: &str, required: bool) -> Result<(), WishError> {
    if required && value.trim().is_empty() {
        return Err(WishError::Required { field });
    }
    let chars = value.chars().count();
    if chars > TEXT_MAX_CHARS {
        return Err(WishError::TooLong {
            field,
            chars,
            max: TEXT_MAX_CHARS,
        });
    }
    Ok(())
}

/// The wish's current claimant must be the caller.
fn by_claimant(facts: &WishFacts, claimant: &Claimant) -> Result<(), WishError> {
    if facts.claimant.as_ref() != Some(claimant) {
        return Err(WishError::NotClaimant);
    }
    Ok(())
}

fn by_poster(facts: &WishFacts, resident_id: &str) -> Result<(), WishError> {
    if facts.posted_by != resident_id {
        return Err(WishError::NotPoster);
    }
    Ok(())
}

impl Decider for Wish {
    type State = WishState;
    type Command = WishCommand;
    type Event = WishEvent;
    type Error = WishError;

    fn decide(state: &WishState, command: WishCommand) -> Result<Vec<WishEvent>, WishError> {
        let event = match command {
            WishCommand::Post {
                wish_id,
                district,
                community,
                resident_id,
                text: wish_text,
                posted_at,
            } => {
                if *state != WishState::Absent {
                    return Err(WishError::AlreadyExists);
                }
                if resident_id.trim().is_empty() {
                    return Err(WishError::Required {
                        field: "resident_id",
                    });
                }
                text("text", &wish_text, true)?;
                if !community.starts_with(district.as_str()) {
                    return Err(WishError::CommunityOutsideDistrict {
                        community,
                        district: district.to_string(),
                    });
                }
                WishEvent::Posted(pb::WishPosted {
                    wish_id,
                    district: district.to_string(),
                    community,
                    posted_by: resident_id,
                    text: wish_text,
                    posted_at: time::stamp(posted_at),
                })
            }
            WishCommand::Claim {
                district,
                claimant,
                claimed_at,
            } => {
                let facts = existing(state, &district)?;
                expect_status(facts, WishStatus::Open)?;
                if claimant.kind == WishClaimantKind::Unspecified {
                    return Err(WishError::Required {
                        field: "claimant kind",
                    });
                }
                if claimant.id.trim().is_empty() {
                    return Err(WishError::Required {
                        field: "claimant id",
                    });
                }
                if claimant.id == facts.posted_by {
                    return Err(WishError::OwnWish);
                }
                WishEvent::Claimed(pb::WishClaimed {
                    wish_id: facts.wish_id.clone(),
                    district: district.to_string(),
                    claimant: Some(claimant.to_pb()),
                    claimed_at: time::stamp(claimed_at),
                })
            }
            WishCommand::Release {
                district,
                claimant,
                released_at,
            } => {
                let facts = existing(state, &district)?;
                expect_status(facts, WishStatus::Claimed)?;
                by_claimant(facts, &claimant)?;
                WishEvent::Released(pb::WishReleased {
                    wish_id: facts.wish_id.clone(),
                    district: district.to_string(),
                    claimant: Some(claimant.to_pb()),
                    released_at: time::stamp(released_at),
                })
            }
            WishCommand::Fulfil {
                district,
                claimant,
                note,
                fulfilled_at,
            } => {
                let facts = existing(state, &district)?;
                expect_status(facts, WishStatus::Claimed)?;
                by_claimant(facts, &claimant)?;
                text("note", &note, false)?;
                WishEvent::Fulfilled(pb::WishFulfilled {
                    wish_id: facts.wish_id.clone(),
                    district: district.to_string(),
                    claimant: Some(claimant.to_pb()),
                    note,
                    fulfilled_at: time::stamp(fulfilled_at),
                })
            }
            WishCommand::Confirm {
                district,
                resident_id,
                confirmed_at,
            } => {
                let facts = existing(state, &district)?;
                by_poster(facts, &resident_id)?;
                expect_status(facts, WishStatus::Fulfilled)?;
                WishEvent::Confirmed(pb::WishConfirmed {
                    wish_id: facts.wish_id.clone(),
                    district: district.to_string(),
                    confirmed_by: resident_id,
                    confirmed_at: time::stamp(confirmed_at),
                })
            }
            WishCommand::Withdraw {
                district,
                resident_id,
                withdrawn_at,
            } => {
                let facts = existing(state, &district)?;
                by_poster(facts, &resident_id)?;
                expect_status(facts, WishStatus::Open)?;
                WishEvent::Withdrawn(pb::WishWithdrawn {
                    wish_id: facts.wish_id.clone(),
                    district: district.to_string(),
                    withdrawn_by: resident_id,
                    withdrawn_at: time::stamp(withdrawn_at),
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: WishState, event: &WishEvent) -> WishState {
        evolve(state, event)
    }
}
