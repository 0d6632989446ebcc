//! Counting one matter's ballots against the roll.

use super::{Head, Matter, Roll, Threshold};
use crate::domain::area::Area;
use crate::domain::share::Share;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    For,
    Against,
    Abstain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub head: Head,
    pub choice: Choice,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    #[error("{0:?} is not on the roll")]
    NotOnRoll(Head),
    #[error("{0:?} cast more than one ballot on this matter")]
    SecondBallot(Head),
}

/// Area and heads of one group of the count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Part {
    pub area: Area,
    pub heads: u64,
}

impl Part {
    fn add(&mut self, area: Area) {
        self.area = self.area + area;
        self.heads += 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub roll: Part,
    pub participating: Part,
    pub agree: Part,
    pub against: Part,
    pub abstain: Part,
}

/// Why a matter passed or failed: the first unmet condition in the order
/// the law states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeReason {
    Passed,
    ParticipatingAreaBelowTwoThirds,
    ParticipatingHeadsBelowTwoThirds,
    AgreeingAreaBelowThreshold,
    AgreeingHeadsBelowThreshold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub matter: Matter,
    pub threshold: Threshold,
    pub tally: Tally,
    pub passed: bool,
    pub reason: OutcomeReason,
}

/// Counts `ballots` on `matter`. A ballot from a head not on the roll, or a
/// second ballot from one head, is an error: the count never guesses.
pub fn count(roll: &Roll, matter: Matter, ballots: &[Ballot]) -> Result<Outcome, TallyError> {
    let mut choices: BTreeMap<&Head, Choice> = BTreeMap::new();
    for ballot in ballots {
        if roll.area_of(&ballot.head).is_none() {
            return Err(TallyError::NotOnRoll(ballot.head.clone()));
        }
        if choices.insert(&ballot.head, ballot.choice).is_some() {
            return Err(TallyError::SecondBallot(ballot.head.clone()));
        }
    }
    let mut tally = Tally {
        roll: Part {
            area: roll.total_area(),
            heads: roll.head_count(),
        },
        participating: Part::default(),
        agree: Part::default(),
        against: Part::default(),
        abstain: Part::default(),
    };
    for (head, choice) in choices {
        let area = roll.area_of(head).unwrap_or_default();
        tally.participating.add(area);
        match choice {
            Choice::For => tally.agree.add(area),
            Choice::Against => tally.against.add(area),
            Choice::Abstain => tally.abstain.add(area),
        }
    }
    let threshold = matter.threshold();
    let reason = if !Share::TWO_THIRDS.reached_by(
        tally.participating.area.centiares(),
        tally.roll.area.centiares(),
    ) {
        OutcomeReason::ParticipatingAreaBelowTwoThirds
    } else if !Share::TWO_THIRDS.reached_by(tally.participating.heads, tally.roll.heads) {
        OutcomeReason::ParticipatingHeadsBelowTwoThirds
    } else if !threshold.met(
        tally.agree.area.centiares(),
        tally.participating.area.centiares(),
    ) {
        OutcomeReason::AgreeingAreaBelowThreshold
    } else if !threshold.met(tally.agree.heads, tally.participating.heads) {
        OutcomeReason::AgreeingHeadsBelowThreshold
    } else {
        OutcomeReason::Passed
    };
    Ok(Outcome {
        matter,
        threshold,
        tally,
        passed: reason == OutcomeReason::Passed,
        reason,
    })
}
