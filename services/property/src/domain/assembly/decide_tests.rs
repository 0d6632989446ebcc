use super::*;
use crate::domain::AssemblyEvent;
use crate::domain::area::Area;
use chrono::{NaiveDate, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0)
        .single()
        .expect("time")
}

fn owner(i: usize) -> Head {
    Head::Owner(format!("o{i}"))
}

/// Four owners of 100 m² and 200 m² of unsold units: five heads, 600 m².
fn roll() -> Roll {
    Roll::from_heads(
        (0..4)
            .map(|i| (owner(i), Area::from_centiares(10_000)))
            .chain([(Head::UnsoldDeveloperUnits, Area::from_centiares(20_000))]),
    )
}

fn convene(notice: NaiveDate, held: NaiveDate) -> AssemblyCommand {
    AssemblyCommand::Convene {
        assembly_id: "a1".into(),
        estate_id: "e1".into(),
        district: district(),
        first: true,
        convened_by: "preparatory-group".into(),
        notice_given_on: notice,
        held_on: held,
        matters: vec![
            MatterSpec {
                matter_id: "hire".into(),
                matter: Matter::HireOrDismissManager,
                title: "选聘物业".into(),
                proposal: "company 9150...".into(),
            },
            MatterSpec {
                matter_id: "raise".into(),
                matter: Matter::RaiseMaintenanceFund,
                title: "续筹维修资金".into(),
                proposal: "20 yuan/m²".into(),
            },
        ],
        roll: roll(),
    }
}

fn ballot(matter: &str, head: Head, choice: Choice) -> AssemblyCommand {
    AssemblyCommand::CastBallot {
        district: district(),
        matter_id: matter.into(),
        head,
        choice,
        channel: pb::BallotChannel::Online,
        at: at(),
    }
}

fn run(state: AssemblyState, command: AssemblyCommand) -> AssemblyState {
    let events = Assembly::decide(&state, command).expect("accepted");
    events.iter().fold(state, Assembly::evolve)
}

fn convened() -> AssemblyState {
    run(AssemblyState::default(), convene(day(1), day(16)))
}

#[test]
fn notice_is_at_least_fifteen_days() {
    assert_eq!(
        Assembly::decide(&AssemblyState::default(), convene(day(2), day(16))),
        Err(AssemblyError::NoticeTooShort { days: 14 })
    );
    assert!(Assembly::decide(&AssemblyState::default(), convene(day(1), day(16))).is_ok());
}

#[test]
fn one_ballot_per_head_and_matter_from_the_roll_only() {
    let state = run(convened(), ballot("hire", owner(0), Choice::For));
    assert_eq!(
        Assembly::decide(&state, ballot("hire", owner(0), Choice::Against)),
        Err(AssemblyError::SecondBallot {
            head: "o0".into(),
            matter_id: "hire".into()
        })
    );
    // The same owner may vote on another matter.
    assert!(Assembly::decide(&state, ballot("raise", owner(0), Choice::For)).is_ok());
    assert_eq!(
        Assembly::decide(&state, ballot("hire", owner(9), Choice::For)),
        Err(AssemblyError::NotOnRoll("o9".into()))
    );
    assert_eq!(
        Assembly::decide(&state, ballot("nope", owner(1), Choice::For)),
        Err(AssemblyError::MatterNotFound("nope".into()))
    );
}

#[test]
fn closing_counts_every_matter_with_its_reason() {
    // Owners 0-3 and the developer all take part (600 of 600 m², 5 of 5):
    // hire: 0,1,2 for (300 m² of 600 is not more than half) -> fails on area;
    // raise: everyone for but the developer: 400/600 < 3/4 -> fails.
    let mut state = convened();
    for i in 0..4 {
        state = run(
            state,
            ballot(
                "hire",
                owner(i),
                if i < 3 { Choice::For } else { Choice::Against },
            ),
        );
        state = run(state, ballot("raise", owner(i), Choice::For));
    }
    state = run(
        state,
        ballot("hire", Head::UnsoldDeveloperUnits, Choice::Abstain),
    );
    state = run(
        state,
        ballot("raise", Head::UnsoldDeveloperUnits, Choice::Against),
    );
    let events = Assembly::decide(
        &state,
        AssemblyCommand::Close {
            district: district(),
            at: at(),
        },
    )
    .expect("close");
    let decided: Vec<(String, bool, i32)> = events
        .iter()
        .filter_map(|e| match e {
            AssemblyEvent::MatterDecided(d) => Some((d.matter_id.clone(), d.passed, d.reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        decided,
        vec![
            (
                "hire".into(),
                false,
                pb::MatterOutcomeReason::AgreeingAreaBelowThreshold as i32
            ),
            (
                "raise".into(),
                false,
                pb::MatterOutcomeReason::AgreeingAreaBelowThreshold as i32
            ),
        ]
    );
    let closed = events.iter().fold(state, Assembly::evolve);
    let AssemblyState::Present(facts) = &closed else {
        panic!("assembly exists")
    };
    assert_eq!(facts.decision("hire").map(|d| d.passed), Some(false));
    assert_eq!(
        Assembly::decide(&closed, ballot("hire", owner(3), Choice::For)),
        Err(AssemblyError::Closed)
    );
}

#[test]
fn decisions_are_unknown_until_closing() {
    let state = run(convened(), ballot("hire", owner(0), Choice::For));
    let AssemblyState::Present(facts) = &state else {
        panic!("assembly exists")
    };
    assert_eq!(facts.decision("hire"), None);
}

#[test]
fn the_frozen_roll_survives_the_event_round_trip() {
    let AssemblyState::Present(facts) = convened() else {
        panic!("assembly exists")
    };
    assert_eq!(facts.roll, roll());
    assert_eq!(facts.roll.head_count(), 5);
}

#[test]
fn matters_are_required_unique_and_titled() {
    let mut command = convene(day(1), day(16));
    if let AssemblyCommand::Convene { matters, .. } = &mut command {
        matters[1].matter_id = "hire".into();
    }
    assert_eq!(
        Assembly::decide(&AssemblyState::default(), command),
        Err(AssemblyError::DuplicateMatter("hire".into()))
    );
    let mut command = convene(day(1), day(16));
    if let AssemblyCommand::Convene { matters, .. } = &mut command {
        matters.clear();
    }
    assert_eq!(
        Assembly::decide(&AssemblyState::default(), command),
        Err(AssemblyError::NoMatters)
    );
}
