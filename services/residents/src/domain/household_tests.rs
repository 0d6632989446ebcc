//! Given events, when a command, then events or an error.

use super::*;
use gongzhi_kernel::Decider;

const DISTRICT: &str = "500108";
const COMMUNITY: &str = "500108001001";
const HEAD: &str = "r-head";
const SPOUSE: &str = "r-spouse";
const CHILD: &str = "r-child";

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn create() -> HouseholdCommand {
    HouseholdCommand::Create {
        household_id: "h1".into(),
        district: district(DISTRICT),
        community: COMMUNITY.into(),
        head_resident_id: HEAD.into(),
    }
}

fn add(resident_id: &str, relation: Relation) -> HouseholdCommand {
    HouseholdCommand::AddMember {
        district: district(DISTRICT),
        resident_id: resident_id.into(),
        relation,
    }
}

fn remove(resident_id: &str) -> HouseholdCommand {
    HouseholdCommand::RemoveMember {
        district: district(DISTRICT),
        resident_id: resident_id.into(),
    }
}

fn change_head(new_head: &str, previous_head_relation: Relation) -> HouseholdCommand {
    HouseholdCommand::ChangeHead {
        district: district(DISTRICT),
        new_head_resident_id: new_head.into(),
        previous_head_relation,
    }
}

fn family() -> Vec<HouseholdCommand> {
    vec![
        create(),
        add(SPOUSE, Relation::Spouse),
        add(CHILD, Relation::Child),
    ]
}

fn given(history: &[HouseholdCommand]) -> (HouseholdState, Vec<HouseholdEvent>) {
    let mut state = HouseholdState::Absent;
    let mut events = Vec::new();
    for command in history {
        for event in Household::decide(&state, command.clone()).expect("history must be valid") {
            state = Household::evolve(state, &event);
            events.push(event);
        }
    }
    (state, events)
}

fn when(
    history: &[HouseholdCommand],
    command: HouseholdCommand,
) -> Result<Vec<HouseholdEvent>, HouseholdError> {
    Household::decide(&given(history).0, command)
}

fn facts(history: &[HouseholdCommand]) -> HouseholdFacts {
    match given(history).0 {
        HouseholdState::Present(facts) => facts,
        HouseholdState::Absent => panic!("household expected after {history:?}"),
    }
}

fn members(facts: &HouseholdFacts) -> Vec<(&str, Relation)> {
    facts
        .members
        .iter()
        .map(|m| (m.resident_id.as_str(), m.relation))
        .collect()
}

#[test]
fn creating_makes_the_head_the_first_member() {
    let events = when(&[], create()).expect("create");
    assert_eq!(
        events,
        vec![HouseholdEvent::Created(pb::HouseholdCreated {
            household_id: "h1".into(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            head_resident_id: HEAD.into(),
        })]
    );
    let facts = facts(&[create()]);
    assert_eq!(facts.head_resident_id.as_deref(), Some(HEAD));
    assert_eq!(members(&facts), vec![(HEAD, Relation::Head)]);
}

#[test]
fn creating_twice_is_refused() {
    assert_eq!(
        when(&[create()], create()),
        Err(HouseholdError::AlreadyExists)
    );
}

#[test]
fn a_community_outside_the_district_is_refused() {
    let command = HouseholdCommand::Create {
        household_id: "h1".into(),
        district: district(DISTRICT),
        community: "110105001001".into(),
        head_resident_id: HEAD.into(),
    };
    assert!(matches!(
        when(&[], command),
        Err(HouseholdError::CommunityOutsideDistrict { .. })
    ));
}

#[test]
fn adding_members_records_their_relation_to_the_head() {
    assert_eq!(
        when(&[create()], add(SPOUSE, Relation::Spouse)),
        Ok(vec![HouseholdEvent::MemberAdded(
            pb::HouseholdMemberAdded {
                household_id: "h1".into(),
                district: DISTRICT.into(),
                resident_id: SPOUSE.into(),
                relation: Relation::Spouse.into(),
            }
        )])
    );
    assert_eq!(
        members(&facts(&family())),
        vec![
            (HEAD, Relation::Head),
            (SPOUSE, Relation::Spouse),
            (CHILD, Relation::Child)
        ]
    );
}

#[test]
fn a_resident_is_at_most_once_in_a_household() {
    for resident_id in [SPOUSE, HEAD] {
        assert_eq!(
            when(&family(), add(resident_id, Relation::Sibling)),
            Err(HouseholdError::AlreadyMember {
                resident_id: resident_id.into()
            })
        );
    }
}

#[test]
fn a_member_needs_a_relation_other_than_head() {
    assert_eq!(
        when(&[create()], add(SPOUSE, Relation::Unspecified)),
        Err(HouseholdError::RelationRequired)
    );
    assert_eq!(
        when(&[create()], add(SPOUSE, Relation::Head)),
        Err(HouseholdError::HeadRelationReserved)
    );
}

#[test]
fn removing_a_member() {
    assert!(matches!(
        when(&family(), remove(CHILD)).as_deref(),
        Ok([HouseholdEvent::MemberRemoved(_)])
    ));
    let mut history = family();
    history.push(remove(CHILD));
    assert_eq!(
        members(&facts(&history)),
        vec![(HEAD, Relation::Head), (SPOUSE, Relation::Spouse)]
    );
    assert_eq!(
        when(&history, remove(CHILD)),
        Err(HouseholdError::NotMember {
            resident_id: CHILD.into()
        })
    );
}

#[test]
fn the_head_cannot_leave_while_others_remain() {
    assert_eq!(
        when(&family(), remove(HEAD)),
        Err(HouseholdError::HeadCannotLeave)
    );
}

#[test]
fn the_head_leaving_last_empties_and_closes_the_household() {
    let history = [create(), remove(HEAD)];
    let facts = facts(&history);
    assert_eq!(facts.head_resident_id, None);
    assert!(facts.members.is_empty());
    assert_eq!(
        when(&history, add(SPOUSE, Relation::Spouse)),
        Err(HouseholdError::Empty)
    );
    assert_eq!(when(&history, remove(HEAD)), Err(HouseholdError::Empty));
}

#[test]
fn changing_the_head_keeps_the_previous_head_as_a_member() {
    assert_eq!(
        when(&family(), change_head(SPOUSE, Relation::Spouse)),
        Ok(vec![HouseholdEvent::HeadChanged(
            pb::HouseholdHeadChanged {
                household_id: "h1".into(),
                district: DISTRICT.into(),
                new_head_resident_id: SPOUSE.into(),
                previous_head_resident_id: HEAD.into(),
                previous_head_relation: Relation::Spouse.into(),
            }
        )])
    );
    let mut history = family();
    history.push(change_head(SPOUSE, Relation::Spouse));
    let facts = facts(&history);
    assert_eq!(facts.head_resident_id.as_deref(), Some(SPOUSE));
    assert_eq!(
        members(&facts),
        vec![
            (HEAD, Relation::Spouse),
            (SPOUSE, Relation::Head),
            (CHILD, Relation::Child)
        ]
    );
    // The previous head may now leave; the new one may not.
    assert!(when(&history, remove(HEAD)).is_ok());
    assert_eq!(
        when(&history, remove(SPOUSE)),
        Err(HouseholdError::HeadCannotLeave)
    );
}

#[test]
fn the_new_head_must_be_another_member() {
    assert_eq!(
        when(&family(), change_head("r-stranger", Relation::Parent)),
        Err(HouseholdError::NotMember {
            resident_id: "r-stranger".into()
        })
    );
    assert_eq!(
        when(&family(), change_head(HEAD, Relation::Parent)),
        Err(HouseholdError::AlreadyHead {
            resident_id: HEAD.into()
        })
    );
}

#[test]
fn the_previous_head_needs_a_relation_other_than_head() {
    assert_eq!(
        when(&family(), change_head(CHILD, Relation::Head)),
        Err(HouseholdError::HeadRelationReserved)
    );
    assert_eq!(
        when(&family(), change_head(CHILD, Relation::Unspecified)),
        Err(HouseholdError::RelationRequired)
    );
}

#[test]
fn another_district_cannot_act_on_the_household() {
    let other = district("110105");
    let commands = [
        HouseholdCommand::AddMember {
            district: other.clone(),
            resident_id: "r-x".into(),
            relation: Relation::Child,
        },
        HouseholdCommand::RemoveMember {
            district: other.clone(),
            resident_id: CHILD.into(),
        },
        HouseholdCommand::ChangeHead {
            district: other,
            new_head_resident_id: SPOUSE.into(),
            previous_head_relation: Relation::Spouse,
        },
    ];
    for command in commands {
        assert_eq!(
            when(&family(), command),
            Err(HouseholdError::WrongDistrict {
                given: "110105".into(),
                actual: DISTRICT.into()
            })
        );
    }
}

#[test]
fn commands_on_an_unknown_household_are_not_found() {
    for command in [
        add(SPOUSE, Relation::Spouse),
        remove(HEAD),
        change_head(SPOUSE, Relation::Spouse),
    ] {
        assert_eq!(when(&[], command), Err(HouseholdError::NotFound));
    }
}

#[test]
fn every_reason_is_a_distinct_screaming_snake_code() {
    let errors = [
        HouseholdError::AlreadyExists,
        HouseholdError::NotFound,
        HouseholdError::WrongDistrict {
            given: String::new(),
            actual: String::new(),
        },
        HouseholdError::CommunityOutsideDistrict {
            community: String::new(),
            district: String::new(),
        },
        HouseholdError::Empty,
        HouseholdError::AlreadyMember {
            resident_id: String::new(),
        },
        HouseholdError::NotMember {
            resident_id: String::new(),
        },
        HouseholdError::HeadCannotLeave,
        HouseholdError::AlreadyHead {
            resident_id: String::new(),
        },
        HouseholdError::HeadRelationReserved,
        HouseholdError::RelationRequired,
    ];
    let mut reasons: Vec<_> = errors.iter().map(HouseholdError::reason).collect();
    assert!(
        reasons
            .iter()
            .all(|r| r.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
    );
    reasons.sort_unstable();
    reasons.dedup();
    assert_eq!(reasons.len(), errors.len());
}

#[test]
fn every_event_round_trips_through_the_codec() {
    use gongzhi_kernel::EventCodec;
    let mut history = family();
    history.push(change_head(SPOUSE, Relation::Spouse));
    history.push(remove(CHILD));
    let (_, events) = given(&history);
    assert_eq!(events.len(), 5);
    for event in events {
        assert_eq!(
            HouseholdEvent::decode(event.event_type(), &event.encode()),
            Ok(event)
        );
    }
    assert_eq!(
        HouseholdEvent::decode("gongzhi.residents.v1.Nope", &[]),
        Err(gongzhi_kernel::DecodeError::UnknownType(
            "gongzhi.residents.v1.Nope".into()
        ))
    );
    assert!(matches!(
        HouseholdEvent::decode(crate::domain::household_codec::HOUSEHOLD_CREATED, &[0xff]),
        Err(gongzhi_kernel::DecodeError::Malformed { .. })
    ));
}
