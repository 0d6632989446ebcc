//! Meetings end to end: convening with the notice and the registry's count
//! of the eligible, attendance, quorum and majority at their boundaries,
//! votes once per person and motion, per-district rules from the config.
//! Every refusal is checked to have written nothing (the meeting's stream)
//! and changed nothing (the read model).

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_eventstore::{Direction, ReadFrom, StreamName};
use gongzhi_kernel::{Clock, FakeClock};
use gongzhi_proto::gongzhi::residents::v1::meeting_service_client::MeetingServiceClient;
use gongzhi_residents::app::config::{DistrictConfig, ResidentsConfig};
use gongzhi_residents::domain::participation::meetings::{
    ConveningRules, MeetingConvener, MeetingRules, QuorumRules, Share,
};
use std::sync::Arc;
use tonic::Code;
use tonic_types::StatusExt;

/// 1 March 2026, 09:00 in China.
pub(super) fn march_first() -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 3, 1, 1, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("no such time"))
}

struct Room {
    service: Residents,
    clock: FakeClock,
    residents: ResidentServiceClient<Channel>,
    meetings: MeetingServiceClient<Channel>,
}

impl Room {
    async fn open(overrides: ServeOverrides) -> anyhow::Result<Self> {
        let clock = FakeClock::at(march_first()?);
        let service = Residents::start_with(ServeOverrides {
            clock: Some(Arc::new(clock.clone())),
            ..overrides
        })
        .await?;
        let residents = service.client().await?;
        let meetings =
            MeetingServiceClient::connect(format!("http://{}", service.started.addr)).await?;
        Ok(Self {
            service,
            clock,
            residents,
            meetings,
        })
    }

    /// Registers the `n`th test resident; answers their id.
    async fn resident(&mut self, n: u32) -> anyhow::Result<String> {
        Ok(register_nth(&mut self.residents, n).await?.0)
    }

    async fn events_in(&self, meeting_id: &str) -> anyhow::Result<usize> {
        let stream = StreamName::new("meeting", uuid::Uuid::parse_str(meeting_id)?)?;
        Ok(self
            .service
            .started
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10_000)
            .await?
            .len())
    }

    async fn get(&mut self, meeting_id: &str, min_position: u64) -> anyhow::Result<pb::Meeting> {
        self.meetings
            .get_meeting(authorized(
                pb::GetMeetingRequest {
                    district: DISTRICT.into(),
                    meeting_id: meeting_id.into(),
                    min_position,
                },
                &community_worker()?,
            )?)
            .await?
            .into_inner()
            .meeting
            .ok_or_else(|| anyhow::anyhow!("no meeting in the answer"))
    }

    fn convening(&self, request_id: &str, notice: TimeDelta) -> pb::ConveneMeetingRequest {
        pb::ConveneMeetingRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            kind: pb::MeetingKind::ResidentsCouncil as i32,
            title: "楼道加装电梯".into(),
            convener: pb::MeetingConvener::ResidentsCommittee as i32,
            scheduled_at: (self.clock.now() + notice).to_rfc3339(),
            petition_signatory_ids: Vec::new(),
        }
    }

    async fn attend(
        &mut self,
        request_id: &str,
        meeting_id: &str,
        ids: &[&String],
        token: &str,
    ) -> Result<u64, tonic::Status> {
        let request = pb::RegisterAttendanceRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            meeting_id: meeting_id.into(),
            resident_ids: ids.iter().map(|id| (*id).clone()).collect(),
        };
        let answer = self
            .meetings
            .register_attendance(with_token(request, token)?)
            .await?;
        Ok(position(answer.into_inner().receipt))
    }

    async fn open_meeting(
        &mut self,
        request_id: &str,
        meeting_id: &str,
    ) -> Result<u64, tonic::Status> {
        let request = pb::OpenMeetingRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            meeting_id: meeting_id.into(),
        };
        let answer = self
            .meetings
            .open_meeting(with_token(request, &worker()?)?)
            .await?;
        Ok(position(answer.into_inner().receipt))
    }

    async fn vote(
        &mut self,
        request_id: &str,
        meeting_id: &str,
        motion_id: &str,
        voter: &str,
        choice: pb::MotionChoice,
        token: &str,
    ) -> Result<pb::CommandReceipt, tonic::Status> {
        let request = pb::CastVoteRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            meeting_id: meeting_id.into(),
            motion_id: motion_id.into(),
            resident_id: voter.into(),
            choice: choice as i32,
        };
        let answer = self.meetings.cast_vote(with_token(request, token)?).await?;
        answer
            .into_inner()
            .receipt
            .ok_or_else(|| tonic::Status::internal("no receipt"))
    }

    async fn table(&mut self, request_id: &str, meeting_id: &str) -> anyhow::Result<String> {
        Ok(self
            .meetings
            .table_motion(authorized(
                pb::TableMotionRequest {
                    request_id: request_id.into(),
                    district: DISTRICT.into(),
                    meeting_id: meeting_id.into(),
                    title: "同意加装电梯".into(),
                },
                &worker()?,
            )?)
            .await?
            .into_inner()
            .motion_id)
    }

    async fn close_motion(
        &mut self,
        request_id: &str,
        meeting_id: &str,
        motion_id: &str,
    ) -> anyhow::Result<u64> {
        let answer = self
            .meetings
            .close_motion(authorized(
                pb::CloseMotionRequest {
                    request_id: request_id.into(),
                    district: DISTRICT.into(),
                    meeting_id: meeting_id.into(),
                    motion_id: motion_id.into(),
                },
                &worker()?,
            )?)
            .await?;
        Ok(position(answer.into_inner().receipt))
    }
}

fn worker() -> Result<String, tonic::Status> {
    community_worker().map_err(|e| tonic::Status::internal(e.to_string()))
}

fn with_token<T>(message: T, token: &str) -> Result<Request<T>, tonic::Status> {
    authorized(message, token).map_err(|e| tonic::Status::internal(e.to_string()))
}

fn position(receipt: Option<pb::CommandReceipt>) -> u64 {
    receipt.map_or(0, |r| r.position)
}

pub(super) fn reason<T: std::fmt::Debug>(result: Result<T, tonic::Status>) -> String {
    match result {
        Ok(answer) => format!("accepted: {answer:?}"),
        Err(status) => status
            .get_details_error_info()
            .map(|info| info.reason)
            .unwrap_or_else(|| format!("{:?}: {}", status.code(), status.message())),
    }
}

pub(super) fn code<T>(result: Result<T, tonic::Status>) -> Code {
    result.err().map_or(Code::Ok, |status| status.code())
}

fn counts(motion: &pb::MeetingMotion) -> (u32, u32, u32) {
    (motion.votes_for, motion.votes_against, motion.abstentions)
}

#[tokio::test]
async fn a_council_meets_at_the_quorum_boundary_and_exactly_half_for_fails() -> anyhow::Result<()> {
    let mut room = Room::open(ServeOverrides::default()).await?;
    // Ten eligible: nine born 1950-1958 and one born 1 January 2008, who is
    // 18 on the meeting day (her ID number is opened to know). The one born
    // 1 January 2009 is 17 and not counted.
    let mut adults = Vec::new();
    for n in 0..9 {
        adults.push(room.resident(n).await?);
    }
    adults.push(room.resident(58).await?);
    let minor = room.resident(59).await?;

    let convened = room
        .meetings
        .convene_meeting(authorized(
            room.convening("m-convene", TimeDelta::days(7)),
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    assert_eq!(convened.eligible_count, 10);
    let meeting_id = convened.meeting_id.clone();

    // Five of ten present is not more than half.
    let five: Vec<&String> = adults.iter().take(5).collect();
    let at = room
        .attend("m-attend-5", &meeting_id, &five, &worker()?)
        .await?;
    let refused = room.open_meeting("m-open-early", &meeting_id).await;
    assert_eq!(reason(refused), "MEETING_NOT_YET_DUE");
    room.clock.advance(TimeDelta::days(7));
    let before = room.events_in(&meeting_id).await?;
    let refused = room.open_meeting("m-open-5", &meeting_id).await;
    assert_eq!(reason(refused), "MEETING_QUORUM_NOT_REACHED");
    assert_eq!(room.events_in(&meeting_id).await?, before);
    let seen = room.get(&meeting_id, at).await?;
    assert_eq!(
        (seen.present_count, seen.eligible_count, seen.quorum_reached),
        (5, 10, false)
    );
    assert_eq!(seen.phase, pb::MeetingPhase::Convened as i32);

    // A minor may not attend; a resident registers only themselves.
    let refused = room
        .attend("m-attend-minor", &meeting_id, &[&minor], &worker()?)
        .await;
    assert_eq!(reason(refused), "RESIDENT_NOT_ADULT");
    let sixth = &adults[5];
    let refused = room
        .attend(
            "m-attend-other",
            &meeting_id,
            &[&adults[6]],
            &resident_token(sixth)?,
        )
        .await;
    assert_eq!(code(refused), Code::PermissionDenied);
    assert_eq!(room.events_in(&meeting_id).await?, before);

    // Six of ten is more than half: the meeting opens.
    room.attend("m-attend-6", &meeting_id, &[sixth], &resident_token(sixth)?)
        .await?;
    room.open_meeting("m-open-6", &meeting_id).await?;
    let motion = room.table("m-motion-1", &meeting_id).await?;

    let own = resident_token(&adults[0])?;
    let first_vote = room
        .vote(
            "v-0",
            &meeting_id,
            &motion,
            &adults[0],
            pb::MotionChoice::For,
            &own,
        )
        .await?
        .position;
    let mut last_vote = first_vote;
    for (n, choice) in [
        (1, pb::MotionChoice::For),
        (2, pb::MotionChoice::For),
        (3, pb::MotionChoice::Against),
        (4, pb::MotionChoice::Against),
        (5, pb::MotionChoice::Abstain),
    ] {
        last_vote = room
            .vote(
                &format!("v-{n}"),
                &meeting_id,
                &motion,
                &adults[n],
                choice,
                &worker()?,
            )
            .await?
            .position;
    }
    let retried = room
        .vote(
            "v-0",
            &meeting_id,
            &motion,
            &adults[0],
            pb::MotionChoice::For,
            &own,
        )
        .await?;
    assert!(
        retried.replayed && retried.position == first_vote,
        "a retried request answers its first receipt"
    );
    let before = room.events_in(&meeting_id).await?;

    // Voting twice, for someone else, or without being present: refused.
    let twice = room
        .vote(
            "v-0-again",
            &meeting_id,
            &motion,
            &adults[0],
            pb::MotionChoice::Against,
            &own,
        )
        .await;
    assert_eq!(reason(twice), "MOTION_VOTED_TWICE");
    let for_another = room
        .vote(
            "v-for-1",
            &meeting_id,
            &motion,
            &adults[1],
            pb::MotionChoice::Against,
            &own,
        )
        .await;
    assert_eq!(code(for_another), Code::PermissionDenied);
    let absent = room
        .vote(
            "v-6",
            &meeting_id,
            &motion,
            &adults[6],
            pb::MotionChoice::For,
            &worker()?,
        )
        .await;
    assert_eq!(reason(absent), "MOTION_VOTER_NOT_PRESENT");
    assert_eq!(room.events_in(&meeting_id).await?, before);
    let seen = room.get(&meeting_id, last_vote).await?;
    assert_eq!(counts(&seen.motions[0]), (3, 2, 1), "counts unchanged");
    assert!(!seen.motions[0].closed);

    // Three of six for is exactly half: the motion fails, and says why.
    let at = room.close_motion("m-close-1", &meeting_id, &motion).await?;
    let seen = room.get(&meeting_id, at).await?;
    let closed = &seen.motions[0];
    assert!(closed.closed && !closed.passed);
    assert_eq!(closed.reason, pb::MotionOutcomeReason::NoMajorityFor as i32);
    assert_eq!(
        closed.explanation,
        "failed: 3 of 6 present voted for, not more than 1/2"
    );
    let before = room.events_in(&meeting_id).await?;
    let late = room
        .vote(
            "v-late",
            &meeting_id,
            &motion,
            &adults[5],
            pb::MotionChoice::For,
            &worker()?,
        )
        .await;
    assert_eq!(reason(late), "MOTION_CLOSED");
    assert_eq!(room.events_in(&meeting_id).await?, before);
    assert_eq!(
        counts(&room.get(&meeting_id, at).await?.motions[0]),
        (3, 2, 1)
    );

    // Four of six for is more than half: a second motion passes.
    let second = room.table("m-motion-2", &meeting_id).await?;
    for (n, voter) in adults.iter().take(4).enumerate() {
        room.vote(
            &format!("w-{n}"),
            &meeting_id,
            &second,
            voter,
            pb::MotionChoice::For,
            &worker()?,
        )
        .await?;
    }
    let at = room.close_motion("m-close-2", &meeting_id, &second).await?;
    let seen = room.get(&meeting_id, at).await?;
    assert!(seen.motions[1].passed);
    assert_eq!(
        seen.motions[1].reason,
        pb::MotionOutcomeReason::MajorityFor as i32
    );
    assert_eq!(
        seen.motions[1].explanation,
        "passed: 4 of 6 present voted for, more than 1/2"
    );

    let closed = room
        .meetings
        .close_meeting(authorized(
            pb::CloseMeetingRequest {
                request_id: "m-close".into(),
                district: DISTRICT.into(),
                meeting_id: meeting_id.clone(),
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    let seen = room.get(&meeting_id, position(closed.receipt)).await?;
    assert_eq!(seen.phase, pb::MeetingPhase::Closed as i32);
    assert_eq!(seen.motions.len(), 2);
    let refused = room
        .meetings
        .table_motion(authorized(
            pb::TableMotionRequest {
                request_id: "m-motion-3".into(),
                district: DISTRICT.into(),
                meeting_id: meeting_id.clone(),
                title: "too late".into(),
            },
            &community_worker()?,
        )?)
        .await;
    assert_eq!(reason(refused), "MEETING_CLOSED");
    room.service.stop().await
}

#[tokio::test]
async fn convening_checks_notice_conveners_petitions_and_tenancy() -> anyhow::Result<()> {
    let mut room = Room::open(ServeOverrides::default()).await?;
    let mut adults = Vec::new();
    for n in 0..10 {
        adults.push(room.resident(n).await?);
    }
    let worker = community_worker()?;

    // One minute short of seven days is too short; nothing is convened.
    let short = room.convening("c-short", TimeDelta::days(7) - TimeDelta::minutes(1));
    let refused = room
        .meetings
        .convene_meeting(authorized(short, &worker)?)
        .await;
    assert_eq!(reason(refused), "MEETING_NOTICE_TOO_SHORT");

    // Every bad field at once, as field violations.
    let mut bad = room.convening("c-bad", TimeDelta::days(8));
    bad.community = "500103001001".into();
    bad.kind = 0;
    bad.scheduled_at = "next tuesday".into();
    bad.title = " ".into();
    let refused = room
        .meetings
        .convene_meeting(authorized(bad, &worker)?)
        .await;
    let fields: Vec<String> = refused
        .err()
        .and_then(|s| s.get_details_bad_request())
        .map(|b| b.field_violations.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["community", "kind", "title", "scheduled_at"]);

    // A community worker convenes as the committee, not as the street office.
    let mut as_street = room.convening("c-street", TimeDelta::days(8));
    as_street.convener = pb::MeetingConvener::StreetOffice as i32;
    let refused = room
        .meetings
        .convene_meeting(authorized(as_street.clone(), &worker)?)
        .await;
    assert_eq!(code(refused), Code::PermissionDenied);
    room.meetings
        .convene_meeting(authorized(
            as_street,
            &token(&["street_officer"], &[DISTRICT])?,
        )?)
        .await?;

    // A petition needs one fifth of the ten eligible: one signature is too
    // few, two (exactly one fifth) enough; a signatory may send it.
    let mut petition = room.convening("c-petition-1", TimeDelta::days(8));
    petition.convener = pb::MeetingConvener::ResidentsPetition as i32;
    petition.petition_signatory_ids = vec![adults[0].clone()];
    let first = resident_token(&adults[0])?;
    let refused = room
        .meetings
        .convene_meeting(authorized(petition.clone(), &first)?)
        .await;
    assert_eq!(reason(refused), "MEETING_NOT_ENOUGH_SIGNATURES");
    petition.request_id = "c-petition-2".into();
    petition.petition_signatory_ids = vec![adults[0].clone(), adults[1].clone()];
    let refused = room
        .meetings
        .convene_meeting(authorized(petition.clone(), &resident_token(&adults[2])?)?)
        .await;
    assert_eq!(code(refused), Code::PermissionDenied, "not a signatory");
    let convened = room
        .meetings
        .convene_meeting(authorized(petition.clone(), &first)?)
        .await?
        .into_inner();
    assert_eq!(convened.eligible_count, 10);
    let meeting_id = convened.meeting_id;
    let convened_at = position(convened.receipt);

    // A retry after an eleventh adult moved in answers what was recorded.
    room.resident(10).await?;
    let retried = room
        .meetings
        .convene_meeting(authorized(petition, &first)?)
        .await?
        .into_inner();
    assert_eq!(retried.meeting_id, meeting_id);
    assert_eq!(retried.eligible_count, 10);
    assert!(retried.receipt.is_some_and(|r| r.replayed));

    // Another district's staff: refused in our district, not found in theirs.
    let stranger = token(&["community_worker"], &[OTHER_DISTRICT])?;
    let elsewhere = room.convening("c-elsewhere", TimeDelta::days(8));
    let refused = room
        .meetings
        .convene_meeting(authorized(elsewhere, &stranger)?)
        .await;
    assert_eq!(code(refused), Code::PermissionDenied);
    let get_there = pb::GetMeetingRequest {
        district: OTHER_DISTRICT.into(),
        meeting_id: meeting_id.clone(),
        min_position: convened_at,
    };
    let refused = room
        .meetings
        .get_meeting(authorized(get_there, &stranger)?)
        .await;
    assert_eq!(code(refused), Code::NotFound);
    let attend_there = pb::RegisterAttendanceRequest {
        request_id: "c-attend-there".into(),
        district: OTHER_DISTRICT.into(),
        meeting_id: meeting_id.clone(),
        resident_ids: vec![adults[0].clone()],
    };
    let refused = room
        .meetings
        .register_attendance(authorized(attend_there, &stranger)?)
        .await;
    assert_eq!(code(refused), Code::NotFound);
    assert_eq!(room.events_in(&meeting_id).await?, 1);

    // Listed: the street office's meeting and the petition, nothing refused.
    let list = pb::ListMeetingsRequest {
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        page_size: 0,
        page_token: String::new(),
        min_position: convened_at,
    };
    let listed = room
        .meetings
        .list_meetings(authorized(list, &resident_token(&adults[3])?)?)
        .await?
        .into_inner();
    let conveners: Vec<i32> = listed.meetings.iter().map(|m| m.convener).collect();
    assert_eq!(
        conveners,
        [
            pb::MeetingConvener::StreetOffice as i32,
            pb::MeetingConvener::ResidentsPetition as i32
        ]
    );
    assert_eq!(listed.meetings[1].petition_signatures, 2);
    room.service.stop().await
}

#[tokio::test]
async fn a_district_configures_its_quorum_and_conveners() -> anyhow::Result<()> {
    let district = DistrictCode::parse(DISTRICT)?;
    let two_thirds = Share::parse(2, 3)?;
    let config = ResidentsConfig::default().with_district(
        &district,
        DistrictConfig {
            meetings: MeetingRules {
                convening: ConveningRules {
                    allowed_conveners: vec![MeetingConvener::ResidentsCommittee],
                    minimum_notice: chrono::Duration::days(3),
                    ..Default::default()
                },
                quorum: QuorumRules {
                    quorum_share: two_thirds,
                    passing_share: Share::HALF,
                },
            },
        },
    );
    let mut room = Room::open(ServeOverrides {
        residents_config: Some(Arc::new(config)),
        ..ServeOverrides::default()
    })
    .await?;
    let mut adults = Vec::new();
    for n in 0..3 {
        adults.push(room.resident(n).await?);
    }
    let mut as_street = room.convening("d-street", TimeDelta::days(3));
    as_street.convener = pb::MeetingConvener::StreetOffice as i32;
    let refused = room
        .meetings
        .convene_meeting(authorized(as_street, &district_admin()?)?)
        .await;
    assert_eq!(reason(refused), "MEETING_CONVENER_NOT_ALLOWED");

    let convened = room
        .meetings
        .convene_meeting(authorized(
            room.convening("d-convene", TimeDelta::days(3)),
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    let meeting_id = convened.meeting_id;
    room.clock.advance(TimeDelta::days(3));
    // Two of three is exactly two thirds, not more: no quorum.
    room.attend(
        "d-attend-2",
        &meeting_id,
        &[&adults[0], &adults[1]],
        &worker()?,
    )
    .await?;
    let refused = room.open_meeting("d-open-2", &meeting_id).await;
    assert_eq!(reason(refused), "MEETING_QUORUM_NOT_REACHED");
    room.attend("d-attend-3", &meeting_id, &[&adults[2]], &worker()?)
        .await?;
    let at = room.open_meeting("d-open-3", &meeting_id).await?;
    let seen = room.get(&meeting_id, at).await?;
    assert_eq!(
        seen.quorum_share,
        Some(pb::MeetingShare {
            numerator: 2,
            denominator: 3
        })
    );
    assert!(seen.quorum_reached);
    assert_eq!(seen.phase, pb::MeetingPhase::Open as i32);
    room.service.stop().await
}

/// The same meetings and elections in `gongzhi dev`: every read model table
/// and query on SQLite.
#[tokio::test]
async fn the_embedded_mode_keeps_meetings_and_elections_in_sqlite() -> anyhow::Result<()> {
    use gongzhi_cli::runtime::{DevConfig, start_dev};
    use gongzhi_proto::gongzhi::residents::v1::election_service_client::ElectionServiceClient;
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let address = format!("http://{}", dev.started.addr);
    let mut residents = ResidentServiceClient::connect(address.clone()).await?;
    let mut meetings = MeetingServiceClient::connect(address.clone()).await?;
    let mut elections = ElectionServiceClient::connect(address).await?;
    let mut people = Vec::new();
    for n in 0..3 {
        let mut request = registration(&format!("dev-{n}"));
        request.id_number = id_number(n)?;
        people.push(
            residents
                .register_resident(authorized(request, &dev.token)?)
                .await?
                .into_inner()
                .resident_id,
        );
    }

    let convened = meetings
        .convene_meeting(authorized(
            pb::ConveneMeetingRequest {
                request_id: "dev-meeting".into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                kind: pb::MeetingKind::Hearing as i32,
                title: "停车位收费听证".into(),
                convener: pb::MeetingConvener::ResidentsCommittee as i32,
                scheduled_at: (Utc::now() + TimeDelta::days(8)).to_rfc3339(),
                petition_signatory_ids: Vec::new(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    assert_eq!(convened.eligible_count, 3);
    let attended = meetings
        .register_attendance(authorized(
            pb::RegisterAttendanceRequest {
                request_id: "dev-attend".into(),
                district: DISTRICT.into(),
                meeting_id: convened.meeting_id.clone(),
                resident_ids: people[..2].to_vec(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    let listed = meetings
        .list_meetings(authorized(
            pb::ListMeetingsRequest {
                district: DISTRICT.into(),
                community: String::new(),
                page_size: 1,
                page_token: String::new(),
                min_position: position(attended.receipt),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    assert_eq!(listed.meetings.len(), 1);
    assert_eq!(listed.next_page_token, "");
    assert_eq!(
        (
            listed.meetings[0].present_count,
            listed.meetings[0].quorum_reached
        ),
        (2, true)
    );

    let created = elections
        .create_election(authorized(
            pb::CreateElectionRequest {
                request_id: "dev-election".into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                title: "居民代表".into(),
                groups: vec![pb::ElectionAgeGroup {
                    group_id: "18+".into(),
                    min_age: 18,
                    max_age: 0,
                    seats: 1,
                }],
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    let election_id = created.election_id;
    elections
        .nominate_candidate(authorized(
            pb::NominateCandidateRequest {
                request_id: "dev-nominate".into(),
                district: DISTRICT.into(),
                election_id: election_id.clone(),
                resident_id: people[0].clone(),
            },
            &dev.token,
        )?)
        .await?;
    elections
        .cast_ballot(authorized(
            pb::CastBallotRequest {
                request_id: "dev-ballot".into(),
                district: DISTRICT.into(),
                election_id: election_id.clone(),
                resident_id: people[1].clone(),
                candidate_ids: vec![people[0].clone()],
            },
            &dev.token,
        )?)
        .await?;
    let counted = elections
        .count_election(authorized(
            pb::CountElectionRequest {
                request_id: "dev-count".into(),
                district: DISTRICT.into(),
                election_id: election_id.clone(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    let seen = elections
        .get_election(authorized(
            pb::GetElectionRequest {
                district: DISTRICT.into(),
                election_id,
                min_position: position(counted.receipt),
            },
            &dev.token,
        )?)
        .await?
        .into_inner()
        .election
        .ok_or_else(|| anyhow::anyhow!("no election"))?;
    assert_eq!((seen.eligible_voters, seen.ballots_cast), (3, 1));
    assert_eq!(seen.results[0].elected, [people[0].clone()]);
    assert_eq!(seen.candidates.len(), 1);
    shutdown.cancel();
    dev.started.task.await?
}
