use super::*;
use chrono::{Duration, TimeZone};
use gongzhi_kernel::Decider;

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::days(n - 1)
}

fn open() -> VentureCommand {
    VentureCommand::Open {
        round_id: "r1".into(),
        district: district(),
        title: "2027年南岸区社区公益创投".into(),
        total_budget_fen: 30_000_000,
        cap_per_project_fen: 10_000_000,
        call_deadline: day(30),
        at: day(1),
    }
}

fn apply(project: &str, provider: &str, requested: u64, at: DateTime<Utc>) -> VentureCommand {
    VentureCommand::Apply {
        district: district(),
        project_id: project.into(),
        provider_id: provider.into(),
        title: "独居老人助餐".into(),
        requested_fen: requested,
        at,
    }
}

fn screen(project: &str, passed: bool) -> VentureCommand {
    VentureCommand::Screen {
        district: district(),
        project_id: project.into(),
        passed,
        reason: if passed {
            String::new()
        } else {
            "outside the round's themes".into()
        },
        at: day(31),
    }
}

fn pitch(project: &str, score: u32) -> VentureCommand {
    VentureCommand::ReviewPitch {
        district: district(),
        project_id: project.into(),
        score,
    }
}

fn fund(project: &str, tranches: &[u64]) -> VentureCommand {
    VentureCommand::Fund {
        district: district(),
        project_id: project.into(),
        tranches_fen: tranches.to_vec(),
        bands: GradeBands::default(),
    }
}

fn release(project: &str) -> VentureCommand {
    VentureCommand::ReleaseTranche {
        district: district(),
        project_id: project.into(),
        at: day(60),
    }
}

fn mid_term(project: &str, score: u32) -> VentureCommand {
    VentureCommand::ReviewMidTerm {
        district: district(),
        project_id: project.into(),
        score,
        bands: GradeBands::default(),
    }
}

fn grade(project: &str, score: u32) -> VentureCommand {
    VentureCommand::Grade {
        district: district(),
        project_id: project.into(),
        score,
        bands: GradeBands::default(),
    }
}

fn history(commands: Vec<VentureCommand>) -> Vec<VentureEvent> {
    let mut events = Vec::new();
    for command in commands {
        let more = VentureRound::decide(&VentureRound::fold(&events), command.clone())
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        events.extend(more);
    }
    events
}

fn refused(given: Vec<VentureCommand>, command: VentureCommand, error: VentureError) {
    let events = history(given);
    assert_eq!(
        VentureRound::decide(&VentureRound::fold(&events), command),
        Err(error)
    );
}

fn pitched() -> Vec<VentureCommand> {
    vec![
        open(),
        apply("p1", "org1", 8_000_000, day(10)),
        apply("p2", "org2", 10_000_000, day(11)),
        screen("p1", true),
        screen("p2", false),
        pitch("p1", 78),
    ]
}

fn funded() -> Vec<VentureCommand> {
    let mut c = pitched();
    c.push(fund("p1", &[5_000_000, 3_000_000]));
    c
}

#[test]
fn a_round_needs_a_cap_within_its_budget_and_a_later_deadline() {
    let mut bad = open();
    if let VentureCommand::Open {
        cap_per_project_fen,
        ..
    } = &mut bad
    {
        *cap_per_project_fen = 40_000_000;
    }
    assert_eq!(
        VentureRound::decide(&VentureState::Absent, bad),
        Err(VentureError::CapOutOfRange)
    );
    let mut bad = open();
    if let VentureCommand::Open { call_deadline, .. } = &mut bad {
        *call_deadline = day(1);
    }
    assert_eq!(
        VentureRound::decide(&VentureState::Absent, bad),
        Err(VentureError::DeadlineBeforeOpening)
    );
    refused(vec![open()], open(), VentureError::AlreadyExists);
}

#[test]
fn one_project_per_organisation_and_at_most_the_cap() {
    let given = vec![open(), apply("p1", "org1", 8_000_000, day(10))];
    refused(
        given.clone(),
        apply("p2", "org1", 1_000, day(11)),
        VentureError::OrganisationAlreadyApplied("org1".into()),
    );
    refused(
        given.clone(),
        apply("p1", "org2", 1_000, day(11)),
        VentureError::ProjectExists("p1".into()),
    );
    refused(
        given.clone(),
        apply("p3", "org3", 10_000_001, day(11)),
        VentureError::RequestOutOfRange {
            requested: 10_000_001,
            cap: 10_000_000,
        },
    );
    refused(
        given,
        apply("p3", "org3", 1_000, day(31)),
        VentureError::CallClosed,
    );
}

#[test]
fn screening_follows_the_call_and_gates_the_pitch() {
    let given = vec![
        open(),
        apply("p1", "org1", 8_000_000, day(10)),
        apply("p2", "org2", 1_000, day(10)),
    ];
    let mut early = screen("p1", true);
    if let VentureCommand::Screen { at, .. } = &mut early {
        *at = day(29);
    }
    refused(given.clone(), early, VentureError::CallOpen);
    refused(
        given.clone(),
        pitch("p1", 80),
        VentureError::NotYet("p1".into(), "screening"),
    );
    let mut screened = given;
    screened.push(screen("p1", true));
    screened.push(screen("p2", false));
    refused(
        screened.clone(),
        screen("p1", false),
        VentureError::AlreadyDone("p1".into(), "screening"),
    );
    refused(
        screened.clone(),
        pitch("p2", 80),
        VentureError::ScreenedOut("p2".into()),
    );
    refused(
        screened,
        pitch("p1", 101),
        VentureError::ScoreOutOfRange(101),
    );
}

#[test]
fn funding_needs_a_passed_pitch_and_stays_within_cap_request_and_budget() {
    let mut low = pitched();
    low[5] = pitch("p1", 59);
    refused(
        low,
        fund("p1", &[1, 1]),
        VentureError::PitchBelowPassMark {
            project: "p1".into(),
            score: 59,
        },
    );
    refused(pitched(), fund("p1", &[8_000_000]), VentureError::Tranches);
    refused(
        pitched(),
        fund("p1", &[8_000_000, 0]),
        VentureError::Tranches,
    );
    refused(
        pitched(),
        fund("p1", &[5_000_000, 3_000_001]),
        VentureError::FundingOverLimit {
            amount: 8_000_001,
            limit: 8_000_000,
        },
    );
    refused(
        funded(),
        fund("p1", &[1, 1]),
        VentureError::AlreadyDone("p1".into(), "funding"),
    );
}

#[test]
fn the_round_budget_bounds_all_funding() {
    let mut given = vec![open()];
    for n in 1..=4 {
        given.push(apply(
            &format!("p{n}"),
            &format!("org{n}"),
            10_000_000,
            day(10),
        ));
    }
    for n in 1..=4 {
        given.push(screen(&format!("p{n}"), true));
        given.push(pitch(&format!("p{n}"), 90));
    }
    for n in 1..=3 {
        given.push(fund(&format!("p{n}"), &[5_000_000, 4_000_000]));
    }
    refused(
        given,
        fund("p4", &[2_000_000, 2_000_000]),
        VentureError::FundingOverLimit {
            amount: 4_000_000,
            limit: 3_000_000,
        },
    );
}

#[test]
fn the_last_tranche_waits_for_a_passed_mid_term_review() {
    let mut given = funded();
    refused(
        given.clone(),
        mid_term("p1", 80),
        VentureError::NotYet("p1".into(), "the first tranche"),
    );
    given.push(release("p1"));
    refused(given.clone(), release("p1"), VentureError::MidTermNotPassed);
    let mut failed = given.clone();
    failed.push(mid_term("p1", 59));
    refused(failed, release("p1"), VentureError::MidTermNotPassed);
    given.push(mid_term("p1", 70));
    given.push(release("p1"));
    let events = history(given.clone());
    let Some(VentureEvent::TrancheReleased(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!((e.index, e.amount_fen), (1, 3_000_000));
    refused(given, release("p1"), VentureError::AllReleased);
}

#[test]
fn the_final_grade_follows_the_bands() {
    let mut given = funded();
    given.push(release("p1"));
    refused(
        given.clone(),
        grade("p1", 90),
        VentureError::NotYet("p1".into(), "the mid-term review"),
    );
    given.push(mid_term("p1", 70));
    for (score, expected) in [
        (100, VentureGrade::A),
        (85, VentureGrade::A),
        (84, VentureGrade::B),
        (60, VentureGrade::B),
        (59, VentureGrade::C),
        (0, VentureGrade::C),
    ] {
        let mut c = given.clone();
        c.push(grade("p1", score));
        let events = history(c);
        let Some(VentureEvent::Graded(e)) = events.last() else {
            panic!("{events:?}")
        };
        assert_eq!(e.grade, expected as i32, "score {score}");
    }
    given.push(grade("p1", 90));
    refused(
        given,
        grade("p1", 90),
        VentureError::AlreadyDone("p1".into(), "the final evaluation"),
    );
}

#[test]
fn a_district_keeps_its_own_round() {
    let events = history(vec![open()]);
    let other = VentureCommand::ReviewPitch {
        district: DistrictCode::parse("110105").expect("district"),
        project_id: "p1".into(),
        score: 80,
    };
    assert_eq!(
        VentureRound::decide(&VentureRound::fold(&events), other),
        Err(VentureError::WrongDistrict)
    );
}

mod grade_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn grades_follow_the_bands_and_never_fall_as_scores_rise(score in 0u32..=100, more in 0u32..=100) {
            let bands = GradeBands::default();
            let expected = if score >= 85 { VentureGrade::A } else if score >= 60 { VentureGrade::B } else { VentureGrade::C };
            prop_assert_eq!(bands.grade(score), expected);
            prop_assert_eq!(bands.passes(score), score >= 60);
            // A, B, C are numbered 1, 2, 3: a higher score never gets a larger number.
            let higher = score.max(more);
            prop_assert!((bands.grade(higher) as i32) <= (bands.grade(score) as i32));
        }

        #[test]
        fn local_bands_move_the_boundaries(a_from in 61u32..=100, b_from in 1u32..=60, score in 0u32..=100) {
            let bands = GradeBands { a_from, b_from };
            prop_assert_eq!(bands.grade(score) == VentureGrade::A, score >= a_from);
            prop_assert_eq!(bands.grade(score) == VentureGrade::C, score < b_from);
        }
    }
}
