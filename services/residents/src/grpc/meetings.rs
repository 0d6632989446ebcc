//! `MeetingService`: field validation (every violation at once), who may do
//! what, and mapping to and from the application layer.
//!
//! Who may convene: the residents' committee is convened by its community
//! workers, the street office by street officers, a petition is recorded by
//! any staff of the district or sent by a resident who signed it; district
//! administrators may convene as any of them, city administrators anywhere.
//! The district's rules then say which conveners it accepts at all.

use super::access::{
    COMMUNITY_WORKER, DISTRICT_ADMIN, RESIDENT, STREET_OFFICER, ensure_acts_for,
    ensure_participant_read, ensure_write,
};
use super::errors::participation_error;
use super::receipt::receipt;
use super::validate::{Violations, invalid};
use crate::app::meetings::{
    ConveneMeeting, MeetingAppError, MeetingChange, MeetingView, MeetingsApp, MotionView,
};
use crate::domain::participation::meetings::{
    MeetingConvener, MeetingKind, MeetingPhase, MotionChoice, Share,
};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller, CommandContext};
use std::collections::BTreeSet;
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub const MAX_TITLE_CHARS: usize = 200;
/// Residents registered present in one request.
pub const MAX_ATTENDEES_PER_REQUEST: usize = 500;
/// Signatories of one petition (each is checked against the registry).
pub const MAX_PETITION_SIGNATORIES: usize = 5000;
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

pub struct MeetingGrpc {
    app: MeetingsApp,
}

impl MeetingGrpc {
    pub fn new(app: MeetingsApp) -> Self {
        Self { app }
    }

    async fn change(
        &self,
        caller: Caller,
        request_id: &str,
        district: DistrictCode,
        meeting_id: Uuid,
        change: MeetingChange,
    ) -> Result<pb::CommandReceipt, Status> {
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .change(&context, district, meeting_id, change)
            .await
            .map_err(meeting_error)?;
        Ok(receipt(&written))
    }
}

fn meeting_error(error: MeetingAppError) -> ApiError {
    participation_error(error, "meeting")
}

fn kind(v: &mut Violations, raw: i32) -> Option<MeetingKind> {
    match MeetingKind::try_from(raw) {
        Ok(MeetingKind::Unspecified) | Err(_) => {
            v.add("kind", "required: one of the MEETING_KIND_* values");
            None
        }
        Ok(kind) => Some(kind),
    }
}

fn convener(v: &mut Violations, raw: i32) -> Option<MeetingConvener> {
    match MeetingConvener::try_from(raw) {
        Ok(MeetingConvener::Unspecified) | Err(_) => {
            v.add("convener", "required: one of the MEETING_CONVENER_* values");
            None
        }
        Ok(convener) => Some(convener),
    }
}

fn time(v: &mut Violations, field: &str, raw: &str) -> Option<DateTime<Utc>> {
    v.check(
        field,
        DateTime::parse_from_rfc3339(raw)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 time with offset, e.g. 2026-03-08T19:00:00+08:00"),
    )
}

/// Distinct resident ids, at least one and at most `max`.
fn resident_ids(v: &mut Violations, field: &str, raw: &[String], max: usize) -> Option<Vec<Uuid>> {
    if raw.is_empty() {
        v.add(field, "at least one resident id is required");
        return None;
    }
    if raw.len() > max {
        v.add(field, format!("at most {max} per request"));
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut ids = Vec::with_capacity(raw.len());
    for (index, value) in raw.iter().enumerate() {
        let field = format!("{field}[{index}]");
        let id = v.uuid(&field, value)?;
        if !seen.insert(id) {
            v.add(&field, "named twice");
            return None;
        }
        ids.push(id);
    }
    Some(ids)
}

fn choice(v: &mut Violations, raw: i32) -> Option<MotionChoice> {
    match MotionChoice::try_from(raw) {
        Ok(MotionChoice::Unspecified) | Err(_) => {
            v.add("choice", "required: one of the MOTION_CHOICE_* values");
            None
        }
        Ok(choice) => Some(choice),
    }
}

pub(super) fn page_size(v: &mut Violations, raw: u32) -> Option<u32> {
    match raw {
        0 => Some(DEFAULT_PAGE_SIZE),
        size if size <= MAX_PAGE_SIZE => Some(size),
        _ => {
            v.add("page_size", format!("at most {MAX_PAGE_SIZE}"));
            None
        }
    }
}

/// A page token is the position of the last item of the previous page.
pub(super) fn page_token(v: &mut Violations, raw: &str) -> Option<i64> {
    if raw.is_empty() {
        return Some(0);
    }
    v.check(
        "page_token",
        raw.parse::<i64>()
            .ok()
            .filter(|position| *position > 0)
            .ok_or("not a page token from this service"),
    )
}

/// The district's staff with one of `roles`, or a city administrator.
fn staff_with(caller: &Caller, district: &DistrictCode, roles: &[&str]) -> bool {
    caller.has_role(CITY_ADMIN_ROLE)
        || (roles.iter().any(|role| caller.has_role(role))
            && caller.ensure_district(district).is_ok())
}

fn ensure_may_convene(
    caller: &Caller,
    district: &DistrictCode,
    convener: MeetingConvener,
    signatories: &[Uuid],
) -> Result<(), ApiError> {
    let allowed = match convener {
        MeetingConvener::ResidentsCommittee => {
            staff_with(caller, district, &[COMMUNITY_WORKER, DISTRICT_ADMIN])
        }
        MeetingConvener::StreetOffice => {
            staff_with(caller, district, &[STREET_OFFICER, DISTRICT_ADMIN])
        }
        MeetingConvener::ResidentsPetition => {
            staff_with(
                caller,
                district,
                &[COMMUNITY_WORKER, STREET_OFFICER, DISTRICT_ADMIN],
            ) || (caller.has_role(RESIDENT)
                && caller.ensure_district(district).is_ok()
                && signatories.iter().any(|s| s.to_string() == caller.subject))
        }
        MeetingConvener::Unspecified => false,
    };
    if allowed {
        return Ok(());
    }
    caller.ensure_district(district)?;
    Err(ApiError::permission_denied(format!(
        "{} may not be convened by this caller: the committee by community workers, the street office by street officers, a petition by staff or a resident who signed it",
        convener.as_str_name()
    )))
}

fn share(share: Share) -> pb::MeetingShare {
    pb::MeetingShare {
        numerator: share.numerator(),
        denominator: share.denominator(),
    }
}

fn phase(phase: Option<MeetingPhase>) -> pb::MeetingPhase {
    match phase {
        Some(MeetingPhase::Convened) => pb::MeetingPhase::Convened,
        Some(MeetingPhase::Open) => pb::MeetingPhase::Open,
        Some(MeetingPhase::Closed) => pb::MeetingPhase::Closed,
        None => pb::MeetingPhase::Unspecified,
    }
}

fn motion(view: MotionView) -> pb::MeetingMotion {
    pb::MeetingMotion {
        motion_id: view.motion_id,
        title: view.title,
        votes_for: view.counts.votes_for,
        votes_against: view.counts.votes_against,
        abstentions: view.counts.abstentions,
        closed: view.closed,
        passed: view.passed,
        reason: view.reason.into(),
        explanation: view.explanation,
    }
}

fn meeting(view: MeetingView) -> pb::Meeting {
    let quorum_reached = view.quorum_reached();
    pb::Meeting {
        meeting_id: view.meeting_id,
        district: view.district,
        community: view.community,
        kind: view.kind,
        title: view.title,
        convener: view.convener,
        convened_by: view.convened_by,
        petition_signatures: view.petition_signatures,
        scheduled_at: view.scheduled_at,
        notice_given_at: view.notice_given_at,
        eligible_count: view.eligible_count,
        present_count: view.present_count,
        quorum_reached,
        quorum_share: Some(share(view.rules.quorum_share)),
        passing_share: Some(share(view.rules.passing_share)),
        phase: phase(view.phase).into(),
        opened_at: view.opened_at,
        closed_at: view.closed_at,
        motions: view.motions.into_iter().map(motion).collect(),
    }
}

#[tonic::async_trait]
impl pb::meeting_service_server::MeetingService for MeetingGrpc {
    async fn convene_meeting(
        &self,
        request: Request<pb::ConveneMeetingRequest>,
    ) -> Result<Response<pb::ConveneMeetingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let community = v.community(&r.community, district.as_ref());
        let kind = kind(&mut v, r.kind);
        let title = v.text("title", &r.title, MAX_TITLE_CHARS);
        let convener = convener(&mut v, r.convener);
        let scheduled_at = time(&mut v, "scheduled_at", &r.scheduled_at);
        let signatories = match convener {
            Some(MeetingConvener::ResidentsPetition) => resident_ids(
                &mut v,
                "petition_signatory_ids",
                &r.petition_signatory_ids,
                MAX_PETITION_SIGNATORIES,
            ),
            _ if !r.petition_signatory_ids.is_empty() => {
                v.add(
                    "petition_signatory_ids",
                    "only for MEETING_CONVENER_RESIDENTS_PETITION",
                );
                None
            }
            _ => Some(Vec::new()),
        };
        v.finish()?;
        let (
            Some(district),
            Some(community),
            Some(kind),
            Some(title),
            Some(convener),
            Some(scheduled_at),
            Some(petition_signatories),
        ) = (
            district,
            community,
            kind,
            title,
            convener,
            scheduled_at,
            signatories,
        )
        else {
            return Err(invalid());
        };
        ensure_may_convene(&caller, &district, convener, &petition_signatories)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let convened = self
            .app
            .convene(
                &context,
                ConveneMeeting {
                    district,
                    community,
                    kind,
                    title,
                    convener,
                    scheduled_at,
                    petition_signatories,
                },
            )
            .await
            .map_err(meeting_error)?;
        Ok(Response::new(pb::ConveneMeetingResponse {
            meeting_id: convened.meeting_id.to_string(),
            receipt: Some(receipt(&convened.receipt)),
            eligible_count: convened.eligible_count,
        }))
    }

    async fn register_attendance(
        &self,
        request: Request<pb::RegisterAttendanceRequest>,
    ) -> Result<Response<pb::RegisterAttendanceResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        let voters = resident_ids(
            &mut v,
            "resident_ids",
            &r.resident_ids,
            MAX_ATTENDEES_PER_REQUEST,
        );
        v.finish()?;
        let (Some(district), Some(meeting_id), Some(voters)) = (district, meeting_id, voters)
        else {
            return Err(invalid());
        };
        for voter in &voters {
            ensure_acts_for(&caller, &district, voter)?;
        }
        let receipt = self
            .change(
                caller,
                &r.request_id,
                district,
                meeting_id,
                MeetingChange::RegisterAttendance { voters },
            )
            .await?;
        Ok(Response::new(pb::RegisterAttendanceResponse {
            receipt: Some(receipt),
        }))
    }

    async fn open_meeting(
        &self,
        request: Request<pb::OpenMeetingRequest>,
    ) -> Result<Response<pb::OpenMeetingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        v.finish()?;
        let (Some(district), Some(meeting_id)) = (district, meeting_id) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                district,
                meeting_id,
                MeetingChange::Open,
            )
            .await?;
        Ok(Response::new(pb::OpenMeetingResponse {
            receipt: Some(receipt),
        }))
    }

    async fn table_motion(
        &self,
        request: Request<pb::TableMotionRequest>,
    ) -> Result<Response<pb::TableMotionResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        let title = v.text("title", &r.title, MAX_TITLE_CHARS);
        v.finish()?;
        let (Some(district), Some(meeting_id), Some(title)) = (district, meeting_id, title) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (motion_id, written) = self
            .app
            .table_motion(&context, district, meeting_id, title)
            .await
            .map_err(meeting_error)?;
        Ok(Response::new(pb::TableMotionResponse {
            motion_id: motion_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn cast_vote(
        &self,
        request: Request<pb::CastVoteRequest>,
    ) -> Result<Response<pb::CastVoteResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        let motion_id = v.uuid("motion_id", &r.motion_id);
        let voter = v.uuid("resident_id", &r.resident_id);
        let choice = choice(&mut v, r.choice);
        v.finish()?;
        let (Some(district), Some(meeting_id), Some(motion_id), Some(voter), Some(choice)) =
            (district, meeting_id, motion_id, voter, choice)
        else {
            return Err(invalid());
        };
        ensure_acts_for(&caller, &district, &voter)?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                district,
                meeting_id,
                MeetingChange::CastVote {
                    motion_id,
                    voter,
                    choice,
                },
            )
            .await?;
        Ok(Response::new(pb::CastVoteResponse {
            receipt: Some(receipt),
        }))
    }

    async fn close_motion(
        &self,
        request: Request<pb::CloseMotionRequest>,
    ) -> Result<Response<pb::CloseMotionResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        let motion_id = v.uuid("motion_id", &r.motion_id);
        v.finish()?;
        let (Some(district), Some(meeting_id), Some(motion_id)) = (district, meeting_id, motion_id)
        else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                district,
                meeting_id,
                MeetingChange::CloseMotion { motion_id },
            )
            .await?;
        Ok(Response::new(pb::CloseMotionResponse {
            receipt: Some(receipt),
        }))
    }

    async fn close_meeting(
        &self,
        request: Request<pb::CloseMeetingRequest>,
    ) -> Result<Response<pb::CloseMeetingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, meeting_id) =
            v.target(&r.request_id, &r.district, "meeting_id", &r.meeting_id);
        v.finish()?;
        let (Some(district), Some(meeting_id)) = (district, meeting_id) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                district,
                meeting_id,
                MeetingChange::Close,
            )
            .await?;
        Ok(Response::new(pb::CloseMeetingResponse {
            receipt: Some(receipt),
        }))
    }

    async fn get_meeting(
        &self,
        request: Request<pb::GetMeetingRequest>,
    ) -> Result<Response<pb::GetMeetingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let meeting_id = v.uuid("meeting_id", &r.meeting_id);
        v.finish()?;
        let (Some(district), Some(meeting_id)) = (district, meeting_id) else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .get(&district, meeting_id, r.min_position)
            .await
            .map_err(meeting_error)?;
        Ok(Response::new(pb::GetMeetingResponse {
            meeting: Some(meeting(view)),
        }))
    }

    async fn list_meetings(
        &self,
        request: Request<pb::ListMeetingsRequest>,
    ) -> Result<Response<pb::ListMeetingsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let community = if r.community.is_empty() {
            Some(None)
        } else {
            v.community(&r.community, district.as_ref()).map(Some)
        };
        let size = page_size(&mut v, r.page_size);
        let after = page_token(&mut v, &r.page_token);
        v.finish()?;
        let (Some(district), Some(community), Some(size), Some(after)) =
            (district, community, size, after)
        else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let (meetings, next) = self
            .app
            .list(&district, community.as_ref(), size, after, r.min_position)
            .await
            .map_err(meeting_error)?;
        Ok(Response::new(pb::ListMeetingsResponse {
            meetings: meetings.into_iter().map(meeting).collect(),
            next_page_token: next.map(|p| p.to_string()).unwrap_or_default(),
        }))
    }
}
