//! Whistle summons (吹哨报到): summoning, acknowledging, arriving, late
//! flags, and units staying attached until the case closes.

use super::given::*;
use super::*;

const FIRE: &str = "unit-fire-station";
const HOUSING: &str = "dept-housing";

fn registered() -> Vec<CaseAction> {
    vec![report(), register()]
}

fn summoned() -> Vec<CaseAction> {
    let mut history = registered();
    history.push(summon("s1", &[FIRE, HOUSING], t(60)));
    history
}

fn with(mut history: Vec<CaseAction>, more: &[CaseAction]) -> Vec<CaseAction> {
    history.extend_from_slice(more);
    history
}

#[test]
fn summoning_sets_the_time_to_respond() {
    let event = then_event(&registered(), summon("s1", &[FIRE, HOUSING], t(60)));
    assert_eq!(
        event,
        CaseEvent::UnitsSummoned(pb::UnitsSummoned {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            summon_id: "s1".into(),
            unit_ids: vec![FIRE.into(), HOUSING.into()],
            summoned_by: "500108001".into(),
            summoned_at: "2026-11-25T02:00:00Z".into(),
            respond_by: "2026-11-25T02:30:00Z".into(),
        })
    );
    let facts = facts(&summoned());
    assert_eq!(facts.attached_units(), vec![FIRE, HOUSING]);
    assert_eq!(facts.summoned(FIRE).map(|u| u.respond_by), Some(t(90)));
}

#[test]
fn a_summons_with_a_late_unit_records_who_was_late() {
    let history = with(summoned(), &[acknowledge(FIRE, t(65)), arrive(FIRE, t(85))]);
    let (_, events) = given(&history);
    assert!(matches!(&events[3], CaseEvent::SummonsAcknowledged(e) if !e.late));
    assert!(matches!(&events[4], CaseEvent::UnitArrived(e) if !e.late));

    let flag = then_event(&history, flag_late(HOUSING, t(91)));
    assert_eq!(
        flag,
        CaseEvent::SummonsLateFlagged(pb::SummonsLateFlagged {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            summon_id: "s1".into(),
            unit_id: HOUSING.into(),
            respond_by: "2026-11-25T02:30:00Z".into(),
            flagged_at: "2026-11-25T02:31:00Z".into(),
            acknowledged: false,
        })
    );
    let history = with(history, &[flag_late(HOUSING, t(91))]);
    let ack = then_event(&history, acknowledge(HOUSING, t(95)));
    assert_eq!(
        ack,
        CaseEvent::SummonsAcknowledged(pb::SummonsAcknowledged {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            summon_id: "s1".into(),
            unit_id: HOUSING.into(),
            acknowledged_at: "2026-11-25T02:35:00Z".into(),
            late: true,
        })
    );
    let history = with(history, &[acknowledge(HOUSING, t(95))]);
    let arrival = then_event(&history, arrive(HOUSING, t(120)));
    assert_eq!(
        arrival,
        CaseEvent::UnitArrived(pb::UnitArrived {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            summon_id: "s1".into(),
            unit_id: HOUSING.into(),
            arrived_at: "2026-11-25T03:00:00Z".into(),
            late: true,
        })
    );
    let facts = facts(&with(history, &[arrive(HOUSING, t(120))]));
    let housing = facts.summoned(HOUSING).expect("housing summoned");
    assert!(housing.flagged_late && housing.acknowledged_late && housing.arrived_late);
    let fire = facts.summoned(FIRE).expect("fire summoned");
    assert!(!fire.flagged_late && !fire.acknowledged_late && !fire.arrived_late);
}

#[test]
fn responding_exactly_at_the_deadline_is_on_time() {
    let history = with(summoned(), &[acknowledge(FIRE, t(90))]);
    assert!(matches!(
        then_event(&history, arrive(FIRE, t(90))),
        CaseEvent::UnitArrived(e) if !e.late
    ));
}

#[test]
fn summoned_units_stay_attached_until_the_case_closes() {
    let history = with(summoned(), &[dispatch(UNIT), feedback(UNIT), verify(true)]);
    assert_eq!(facts(&history).attached_units(), vec![FIRE, HOUSING]);
    let CaseEvent::Closed(closed) = then_event(&history, close()) else {
        panic!("closed event expected");
    };
    assert_eq!(closed.summoned_units, vec![FIRE, HOUSING]);
    let closed = facts(&with(history, &[close()]));
    assert!(closed.attached_units().is_empty());
    assert_eq!(closed.summoned_units.len(), 2, "the record stays");
}

#[test]
fn a_second_summons_adds_new_units_only() {
    let history = summoned();
    assert!(when(&history, summon("s2", &[UNIT], t(70))).is_ok());
    assert_eq!(
        when(&history, summon("s1", &[UNIT], t(70))),
        Err(CaseError::SummonAlreadyExists {
            summon_id: "s1".into()
        })
    );
    assert_eq!(
        when(&history, summon("s2", &[UNIT, FIRE], t(70))),
        Err(CaseError::UnitAlreadySummoned {
            unit_id: FIRE.into()
        })
    );
}

#[test]
fn a_malformed_summons_is_refused() {
    let history = registered();
    let cases = [
        (summon("", &[FIRE], t(60)), CaseError::SummonIdRequired),
        (summon("s1", &[], t(60)), CaseError::UnitsRequired),
        (summon("s1", &[FIRE, " "], t(60)), CaseError::UnitRequired),
        (
            summon("s1", &[FIRE, FIRE], t(60)),
            CaseError::UnitListedTwice {
                unit_id: FIRE.into(),
            },
        ),
    ];
    for (action, error) in cases {
        assert_eq!(when(&history, action), Err(error));
    }
    let no_summoner = CaseAction::Summon {
        summon_id: "s1".into(),
        unit_ids: vec![FIRE.into()],
        summoned_by: String::new(),
        summoned_at: t(60),
        respond_within: chrono::TimeDelta::minutes(30),
    };
    assert_eq!(
        when(&history, no_summoner),
        Err(CaseError::SummonerRequired)
    );
    let no_window = CaseAction::Summon {
        summon_id: "s1".into(),
        unit_ids: vec![FIRE.into()],
        summoned_by: "500108001".into(),
        summoned_at: t(60),
        respond_within: chrono::TimeDelta::zero(),
    };
    assert_eq!(
        when(&history, no_window),
        Err(CaseError::InvalidResponseWindow)
    );
}

#[test]
fn responses_out_of_order_are_refused() {
    let history = summoned();
    let not_summoned = CaseError::UnitNotSummoned {
        unit_id: UNIT.into(),
    };
    assert_eq!(
        when(&history, acknowledge(UNIT, t(65))),
        Err(not_summoned.clone())
    );
    assert_eq!(
        when(&history, arrive(UNIT, t(65))),
        Err(not_summoned.clone())
    );
    assert_eq!(when(&history, flag_late(UNIT, t(99))), Err(not_summoned));
    assert_eq!(
        when(&history, acknowledge(FIRE, t(59))),
        Err(CaseError::BeforeSummons)
    );
    assert_eq!(
        when(&history, arrive(FIRE, t(65))),
        Err(CaseError::NotAcknowledged {
            unit_id: FIRE.into()
        })
    );
    let acknowledged = with(history, &[acknowledge(FIRE, t(65))]);
    assert_eq!(
        when(&acknowledged, acknowledge(FIRE, t(66))),
        Err(CaseError::AlreadyAcknowledged {
            unit_id: FIRE.into()
        })
    );
    assert_eq!(
        when(&acknowledged, arrive(FIRE, t(59))),
        Err(CaseError::BeforeSummons)
    );
    let arrived = with(acknowledged, &[arrive(FIRE, t(70))]);
    assert_eq!(
        when(&arrived, arrive(FIRE, t(71))),
        Err(CaseError::AlreadyArrived {
            unit_id: FIRE.into()
        })
    );
    assert_eq!(
        when(&arrived, flag_late(FIRE, t(99))),
        Err(CaseError::AlreadyArrived {
            unit_id: FIRE.into()
        })
    );
}

#[test]
fn a_late_flag_needs_the_deadline_passed_and_is_raised_once() {
    let history = with(summoned(), &[acknowledge(HOUSING, t(61))]);
    assert_eq!(
        when(&history, flag_late(HOUSING, t(90))),
        Err(CaseError::SummonsNotDue {
            unit_id: HOUSING.into()
        })
    );
    assert!(matches!(
        then_event(&history, flag_late(HOUSING, t(91))),
        CaseEvent::SummonsLateFlagged(e) if e.acknowledged
    ));
    let flagged = with(history, &[flag_late(HOUSING, t(91))]);
    assert_eq!(
        when(&flagged, flag_late(HOUSING, t(200))),
        Err(CaseError::AlreadyFlaggedLate {
            unit_id: HOUSING.into()
        })
    );
}
