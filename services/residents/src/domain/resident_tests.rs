//! Given events, when a command, then events or an error.

use super::*;
use gongzhi_kernel::Decider;

const DISTRICT: &str = "500108";
const COMMUNITY: &str = "500108001001";

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn sealed(tag: &str) -> Sealed {
    Sealed(tag.as_bytes().to_vec())
}

fn placement(community: &str, grid: Option<&str>) -> Placement {
    Placement {
        community: community.into(),
        grid: grid.map(Into::into),
        dwelling: sealed("dwelling"),
    }
}

fn register() -> ResidentCommand {
    ResidentCommand::Register {
        resident_id: "r1".into(),
        district: district(DISTRICT),
        placement: placement(COMMUNITY, Some("500108001001007")),
        residency: pb::Residency::Registered,
        sex: pb::Sex::Female,
        birth_year: 1949,
        name: sealed("name"),
        id_number: sealed("id"),
        phone: Some(sealed("phone")),
        id_number_hash: "hash".into(),
    }
}

fn given(history: &[ResidentCommand]) -> (ResidentState, Vec<ResidentEvent>) {
    let mut state = ResidentState::Absent;
    let mut events = Vec::new();
    for command in history {
        for event in Resident::decide(&state, command.clone()).expect("history must be valid") {
            state = Resident::evolve(state, &event);
            events.push(event);
        }
    }
    (state, events)
}

fn when(
    history: &[ResidentCommand],
    command: ResidentCommand,
) -> Result<Vec<ResidentEvent>, ResidentError> {
    Resident::decide(&given(history).0, command)
}

fn move_out() -> ResidentCommand {
    ResidentCommand::MoveOut {
        district: district(DISTRICT),
        reason: "work".into(),
    }
}

fn erase() -> ResidentCommand {
    ResidentCommand::EraseData {
        district: district(DISTRICT),
        by: "admin".into(),
    }
}

#[test]
fn registering_emits_sealed_personal_data_only() {
    let events = when(&[], register()).expect("register");
    let [ResidentEvent::Registered(e)] = events.as_slice() else {
        panic!("one registration expected, got {events:?}")
    };
    assert_eq!(
        (e.community.as_str(), e.grid.as_str(), e.birth_year),
        (COMMUNITY, "500108001001007", 1949)
    );
    assert_eq!(
        e.id_number.as_ref().map(|s| s.ciphertext.as_slice()),
        Some(b"id".as_slice())
    );
}

#[test]
fn registering_twice_is_refused() {
    assert_eq!(
        when(&[register()], register()),
        Err(ResidentError::AlreadyRegistered)
    );
}

#[test]
fn a_community_outside_the_district_is_refused() {
    let mut command = register();
    if let ResidentCommand::Register { placement: p, .. } = &mut command {
        *p = placement("110105001001", None);
    }
    assert!(matches!(
        when(&[], command),
        Err(ResidentError::CommunityOutsideDistrict { .. })
    ));
}

#[test]
fn a_grid_outside_the_community_is_refused() {
    let change = ResidentCommand::ChangeDwelling {
        district: district(DISTRICT),
        placement: placement(COMMUNITY, Some("500108001002001")),
    };
    assert!(matches!(
        when(&[register()], change),
        Err(ResidentError::GridOutsideCommunity { .. })
    ));
}

#[test]
fn another_district_cannot_act_on_the_resident() {
    let command = ResidentCommand::MoveOut {
        district: district("110105"),
        reason: "x".into(),
    };
    assert!(matches!(
        when(&[register()], command),
        Err(ResidentError::WrongDistrict { .. })
    ));
}

#[test]
fn moving_out_then_in_again() {
    assert_eq!(
        when(&[register(), move_out()], move_out()),
        Err(ResidentError::MovedOut)
    );
    let move_in = ResidentCommand::MoveIn {
        district: district(DISTRICT),
        placement: placement(COMMUNITY, None),
    };
    assert_eq!(
        when(&[register()], move_in.clone()),
        Err(ResidentError::NotMovedOut)
    );
    assert!(matches!(
        when(&[register(), move_out()], move_in).as_deref(),
        Ok([ResidentEvent::MovedIn(_)])
    ));
}

#[test]
fn a_moved_out_resident_takes_no_new_contact_details() {
    let update = ResidentCommand::UpdateContactDetails {
        district: district(DISTRICT),
        phone: sealed("p2"),
    };
    assert_eq!(
        when(&[register(), move_out()], update),
        Err(ResidentError::MovedOut)
    );
}

#[test]
fn erasure_is_recorded_once_and_blocks_new_personal_data() {
    assert!(matches!(
        when(&[register()], erase()).as_deref(),
        Ok([ResidentEvent::DataErased(_)])
    ));
    assert_eq!(when(&[register(), erase()], erase()), Ok(Vec::new()));
    let tags = ResidentCommand::SetNeedsTags {
        district: district(DISTRICT),
        tags: sealed("tags"),
    };
    assert_eq!(
        when(&[register(), erase()], tags),
        Err(ResidentError::Erased)
    );
    // Moving out carries no personal data, so an erased resident may still move out.
    assert!(when(&[register(), erase()], move_out()).is_ok());
}

#[test]
fn commands_on_an_unknown_resident_are_not_found() {
    assert_eq!(when(&[], move_out()), Err(ResidentError::NotFound));
    assert_eq!(when(&[], erase()), Err(ResidentError::NotFound));
}

#[test]
fn every_event_round_trips_through_the_codec() {
    use gongzhi_kernel::EventCodec;
    let (_, events) = given(&[register(), move_out(), erase()]);
    for event in events {
        assert_eq!(
            ResidentEvent::decode(event.event_type(), &event.encode()),
            Ok(event)
        );
    }
}
