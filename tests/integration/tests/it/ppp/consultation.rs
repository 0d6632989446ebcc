//! Residents co-decide: the district requires a consultation before
//! approval (the default), and one that cites a residents' meeting takes its
//! outcome from the residents' own `MotionClosed`, which reaches ppp over
//! NATS; a motion not closed yet is refused and nothing is written.

use super::walk::Walk;
use super::*;
use chrono::TimeDelta;
use gongzhi_kernel::Clock;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use gongzhi_proto::gongzhi::residents::v1::meeting_service_client::MeetingServiceClient;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;

fn consult(
    walk: &Walk,
    request_id: &str,
    meeting_id: &str,
    motion_id: &str,
    at: u64,
) -> pb::RecordConsultationRequest {
    pb::RecordConsultationRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        project_id: walk.project_id.clone(),
        meeting_id: meeting_id.into(),
        motion_id: motion_id.into(),
        votes_for: 0,
        votes_against: 0,
        min_position: at,
    }
}

/// Tables a motion, casts one vote per resident (`true` for), closes it;
/// answers the motion id and the position of its closing.
async fn decide(
    meetings: &mut MeetingServiceClient<Channel>,
    meeting_id: &str,
    name: &str,
    votes: &[(&String, bool)],
    worker: &str,
) -> anyhow::Result<(String, u64)> {
    let motion_id = meetings
        .table_motion(authorized(
            residents::TableMotionRequest {
                request_id: format!("{name}-table"),
                district: DISTRICT.into(),
                meeting_id: meeting_id.into(),
                title: "同意在社区建设养老服务中心(PPP)".into(),
            },
            worker,
        )?)
        .await?
        .into_inner()
        .motion_id;
    for (n, (resident, for_it)) in votes.iter().enumerate() {
        let choice = if *for_it {
            residents::MotionChoice::For
        } else {
            residents::MotionChoice::Against
        };
        meetings
            .cast_vote(authorized(
                residents::CastVoteRequest {
                    request_id: format!("{name}-vote-{n}"),
                    district: DISTRICT.into(),
                    meeting_id: meeting_id.into(),
                    motion_id: motion_id.clone(),
                    resident_id: (*resident).clone(),
                    choice: choice as i32,
                },
                worker,
            )?)
            .await?;
    }
    let closed = meetings
        .close_motion(authorized(
            residents::CloseMotionRequest {
                request_id: format!("{name}-close"),
                district: DISTRICT.into(),
                meeting_id: meeting_id.into(),
                motion_id: motion_id.clone(),
            },
            worker,
        )?)
        .await?
        .into_inner();
    Ok((motion_id, closed.receipt.map_or(0, |r| r.position)))
}

#[tokio::test]
async fn approval_waits_for_the_residents_meeting_to_pass_the_motion() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let walk = Walk::new("80000000-0000-4000-8000-000000000008")?;
    identify_and_evaluate(
        &mut ppp,
        &walk.project_id,
        pb::PaymentMechanism::GovernmentPays,
        400_000,
    )
    .await?;
    walk.confirm_affordability(&mut ppp).await?;
    walk.advance(&mut ppp, 1).await?;
    step!(
        walk,
        ppp,
        submit_implementation_plan,
        pb::SubmitImplementationPlanRequest {
            request_id: "plan".into(),
            district: DISTRICT.into(),
            project_id: walk.project_id.clone(),
            summary: "BOT 20 years".into(),
            risks: vec![pb::RiskAllocation {
                risk: "construction".into(),
                bearer: pb::RiskBearer::Private as i32,
                description: String::new()
            }],
        }
    )?;
    let approve = |request_id: &str| pb::ApproveProjectRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        project_id: walk.project_id.clone(),
    };
    assert_eq!(
        reason(step!(walk, ppp, approve_project, approve("approve-0"))),
        "CONSULTATION_MISSING"
    );

    // Three adult residents of the community meet as a residents' council.
    let worker = token_for(
        "worker-500108",
        &["community_worker", "district_admin"],
        &[DISTRICT],
    )?;
    let mut people = ResidentServiceClient::connect(ppp.url()).await?;
    let mut adults = Vec::new();
    for n in 1..=3 {
        let mut registration = crate::residents::registration(&format!("register-{n}"));
        registration.id_number = crate::residents::id_number(n)?;
        registration.name = format!("居民{n}");
        adults.push(
            people
                .register_resident(authorized(registration, &worker)?)
                .await?
                .into_inner()
                .resident_id,
        );
    }
    let mut meetings = MeetingServiceClient::connect(ppp.url()).await?;
    let meeting_id = meetings
        .convene_meeting(authorized(
            residents::ConveneMeetingRequest {
                request_id: "convene".into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                kind: residents::MeetingKind::ResidentsCouncil as i32,
                title: "社区养老服务中心建设协商".into(),
                convener: residents::MeetingConvener::ResidentsCommittee as i32,
                scheduled_at: (ppp.clock.now() + TimeDelta::days(7)).to_rfc3339(),
                petition_signatory_ids: Vec::new(),
            },
            &worker,
        )?)
        .await?
        .into_inner()
        .meeting_id;

    // A motion that has not closed cannot be cited; nothing is written.
    let before = ppp.events(&walk.project_id).await?;
    let early = step!(
        walk,
        ppp,
        record_consultation,
        consult(&walk, "consult-early", &meeting_id, "no-such-motion", 0)
    );
    assert_eq!(reason(early), "MOTION_NOT_CLOSED");
    assert_eq!(ppp.events(&walk.project_id).await?, before);
    // Votes are the meeting's, never the caller's.
    let mut forged = consult(&walk, "consult-forged", &meeting_id, "m", 0);
    forged.votes_for = 99;
    assert_eq!(
        bad_fields(step!(walk, ppp, record_consultation, forged)),
        ["votes_for"]
    );

    meetings
        .register_attendance(authorized(
            residents::RegisterAttendanceRequest {
                request_id: "attend".into(),
                district: DISTRICT.into(),
                meeting_id: meeting_id.clone(),
                resident_ids: adults.clone(),
            },
            &worker,
        )?)
        .await?;
    ppp.clock.advance(TimeDelta::days(7));
    meetings
        .open_meeting(authorized(
            residents::OpenMeetingRequest {
                request_id: "open".into(),
                district: DISTRICT.into(),
                meeting_id: meeting_id.clone(),
            },
            &worker,
        )?)
        .await?;

    // One for, two against: the consultation is recorded as failed, and
    // approval stays refused.
    let (rejected, at) = decide(
        &mut meetings,
        &meeting_id,
        "first",
        &[(&adults[0], true), (&adults[1], false), (&adults[2], false)],
        &worker,
    )
    .await?;
    step!(
        walk,
        ppp,
        record_consultation,
        consult(&walk, "consult-1", &meeting_id, &rejected, at)
    )?;
    assert_eq!(
        reason(step!(walk, ppp, approve_project, approve("approve-1"))),
        "CONSULTATION_MISSING"
    );

    // Two of three for: passed by the residents' majority; approval follows.
    let (passed, at) = decide(
        &mut meetings,
        &meeting_id,
        "second",
        &[(&adults[0], true), (&adults[1], true), (&adults[2], false)],
        &worker,
    )
    .await?;
    step!(
        walk,
        ppp,
        record_consultation,
        consult(&walk, "consult-2", &meeting_id, &passed, at)
    )?;
    let approved = step!(walk, ppp, approve_project, approve("approve-2"))?;
    let project = ppp
        .projects
        .get_project(authorized(
            pb::GetProjectRequest {
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                min_position: approved,
            },
            &officer()?,
        )?)
        .await?
        .into_inner()
        .project
        .ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert!(project.consultation_required && project.consultation_passed && project.approved);
    ppp.stop().await
}
