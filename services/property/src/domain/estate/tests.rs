use super::*;
use crate::domain::EstateEvent;
use crate::domain::area::{Area, AreaBasis, UnitAreas};
use crate::domain::first_assembly::PreparatoryGroupError;
use chrono::{NaiveDate, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode};

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn given(commands: Vec<EstateCommand>) -> EstateState {
    commands
        .into_iter()
        .fold(EstateState::default(), |state, command| {
            let events = Estate::decide(&state, command).expect("given commands are accepted");
            events.iter().fold(state, Estate::evolve)
        })
}

fn register() -> EstateCommand {
    EstateCommand::Register {
        estate_id: "e1".into(),
        district: district(),
        community: "500108001002".into(),
        name: "南山苑".into(),
        developer_id: "91500000MA5U000000".into(),
        at: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time"),
    }
}

fn building() -> EstateCommand {
    EstateCommand::AddBuilding {
        district: district(),
        building_id: "b1".into(),
        name: "1栋".into(),
    }
}

fn unit(id: &str, centiares: u64) -> EstateCommand {
    EstateCommand::AddUnit {
        district: district(),
        unit: NewUnit {
            unit_id: id.into(),
            building_id: "b1".into(),
            number: id.into(),
            areas: UnitAreas {
                contract: Some(Area::from_centiares(centiares)),
                ..UnitAreas::default()
            },
        },
    }
}

fn deliver(id: &str, owner: &str, on: NaiveDate) -> EstateCommand {
    EstateCommand::Deliver {
        district: district(),
        unit_id: id.into(),
        owner_id: owner.into(),
        resident_id: None,
        on,
    }
}

fn estate_of_four() -> Vec<EstateCommand> {
    vec![
        register(),
        building(),
        unit("u1", 10_000),
        unit("u2", 10_000),
        unit("u3", 10_000),
        unit("u4", 10_000),
    ]
}

fn group(n: usize, today: NaiveDate) -> EstateCommand {
    EstateCommand::FormPreparatoryGroup {
        district: district(),
        led_by: "street-officer-1".into(),
        led_by_street_office: true,
        members: (0..n).map(|i| (format!("m{i}"), "owner".into())).collect(),
        today,
    }
}

fn refused(state: &EstateState, command: EstateCommand) -> EstateError {
    Estate::decide(state, command).expect_err("refused")
}

#[test]
fn units_need_an_area_a_building_and_a_fresh_id() {
    let state = given(vec![register(), building(), unit("u1", 100)]);
    assert_eq!(
        refused(&state, unit("u1", 100)),
        EstateError::UnitExists("u1".into())
    );
    assert_eq!(
        refused(&state, unit("u2", 0)),
        EstateError::NoArea("u2".into())
    );
    let mut elsewhere = unit("u3", 100);
    if let EstateCommand::AddUnit { unit, .. } = &mut elsewhere {
        unit.building_id = "b9".into();
    }
    assert_eq!(
        refused(&state, elsewhere),
        EstateError::BuildingNotFound("b9".into())
    );
}

#[test]
fn the_register_area_wins_once_recorded() {
    let state = given(vec![
        register(),
        building(),
        unit("u1", 9_000),
        EstateCommand::RecordArea {
            district: district(),
            unit_id: "u1".into(),
            basis: AreaBasis::Register,
            area: Area::from_centiares(8_950),
        },
    ]);
    let EstateState::Present(facts) = state else {
        panic!("estate exists")
    };
    assert_eq!(facts.total_area(), Area::from_centiares(8_950));
}

#[test]
fn a_unit_is_delivered_once_and_transferred_only_after() {
    let state = given(estate_of_four());
    let transfer = |to: &str| EstateCommand::Transfer {
        district: district(),
        unit_id: "u1".into(),
        to_owner_id: to.into(),
        to_resident_id: None,
        on: day(2026, 5, 1),
    };
    assert_eq!(
        refused(&state, transfer("o2")),
        EstateError::NotDelivered("u1".into())
    );
    let state = given(
        estate_of_four()
            .into_iter()
            .chain([deliver("u1", "o1", day(2026, 1, 1))])
            .collect(),
    );
    assert_eq!(
        refused(&state, deliver("u1", "o2", day(2026, 2, 1))),
        EstateError::AlreadyDelivered("u1".into())
    );
    assert_eq!(
        refused(&state, transfer("o1")),
        EstateError::SameOwner {
            unit: "u1".into(),
            owner: "o1".into()
        }
    );
    let events = Estate::decide(&state, transfer("o2")).expect("transfer");
    assert!(matches!(&events[..], [EstateEvent::Transferred(e)] if e.from_owner_id == "o1"));
}

#[test]
fn developer_is_never_an_owner_id() {
    let state = given(estate_of_four());
    assert_eq!(
        refused(&state, deliver("u1", "developer", day(2026, 1, 1))),
        EstateError::ReservedOwnerId
    );
}

#[test]
fn the_roll_counts_unsold_units_as_one_head() {
    let state = given(
        estate_of_four()
            .into_iter()
            .chain([
                deliver("u1", "o1", day(2026, 1, 1)),
                deliver("u2", "o1", day(2026, 1, 1)),
            ])
            .collect(),
    );
    let EstateState::Present(facts) = state else {
        panic!("estate exists")
    };
    let roll = facts.roll().expect("roll");
    assert_eq!(roll.head_count(), 2);
    assert_eq!(facts.delivered_area(), Area::from_centiares(20_000));
}

#[test]
fn the_preparatory_group_waits_for_eligibility_and_is_formed_once() {
    let one_delivered: Vec<EstateCommand> = estate_of_four()
        .into_iter()
        .chain([deliver("u1", "o1", day(2024, 6, 1))])
        .collect();
    // A quarter delivered: not half, and before two years.
    let state = given(one_delivered.clone());
    assert_eq!(
        refused(&state, group(5, day(2026, 5, 31))),
        EstateError::NotEligible
    );
    // Two years later a quarter (at least a fifth) suffices.
    let events = Estate::decide(&state, group(5, day(2026, 6, 1))).expect("eligible");
    assert!(
        matches!(&events[..], [EstateEvent::PreparatoryGroupFormed(e)]
        if e.eligibility == "TWO_YEARS_WITH_A_FIFTH")
    );
    // Half delivered is eligible at once.
    let half = given(
        one_delivered
            .into_iter()
            .chain([deliver("u2", "o2", day(2024, 6, 2))])
            .collect(),
    );
    assert_eq!(
        refused(&half, group(4, day(2024, 6, 3))),
        EstateError::PreparatoryGroup(PreparatoryGroupError::Size(4))
    );
    let formed = given(
        estate_of_four()
            .into_iter()
            .chain([
                deliver("u1", "o1", day(2024, 6, 1)),
                deliver("u2", "o2", day(2024, 6, 2)),
                group(9, day(2024, 6, 3)),
            ])
            .collect(),
    );
    assert_eq!(
        refused(&formed, group(5, day(2024, 6, 4))),
        EstateError::PreparatoryGroupExists
    );
}

#[test]
fn another_district_does_not_see_the_estate() {
    let state = given(estate_of_four());
    let other = DistrictCode::parse("500103").expect("district");
    let error = refused(
        &state,
        EstateCommand::AddBuilding {
            district: other,
            building_id: "b2".into(),
            name: "2栋".into(),
        },
    );
    assert!(error.hides_existence());
    assert_eq!(
        refused(&EstateState::default(), building()),
        EstateError::NotFound
    );
    assert_eq!(refused(&state, register()), EstateError::AlreadyExists);
}
