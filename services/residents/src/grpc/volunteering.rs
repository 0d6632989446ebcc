//! `VolunteeringService`: roles and tenancy, request validation (every field
//! violation at once) and mapping. Who organises, records and certifies is
//! the activity decider's rule; here the caller must at least be staff of
//! the district or a resident acting as themselves.

use super::access::{RESIDENT, ensure_acts_for, ensure_participant_read, ensure_write};
use super::errors::participation_error;
use super::receipt::receipt;
use super::validate::{Violations, invalid, position_page_token};
use crate::app::volunteering::{
    ActivityFilter, ActivityView, CatalogueEntry, LedgerKind, Organiser, ScheduleActivity,
};
use crate::app::{ParticipationError, VolunteeringApp, VolunteeringAppError, VolunteeringError};
use crate::domain::participation::volunteering::{MAX_POINTS_PER_HOUR, PointsError};
use chrono::{DateTime, Utc};
use gongzhi_commands::CommandError;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use tonic::{Request, Response, Status};
use uuid::Uuid;

const MAX_TITLE_CHARS: usize = 200;
const MAX_ITEM_NAME_CHARS: usize = 100;

pub struct VolunteeringGrpc {
    app: VolunteeringApp,
}

impl VolunteeringGrpc {
    pub fn new(app: VolunteeringApp) -> Self {
        Self { app }
    }
}

/// NOT_FOUND answers name what was not found.
fn volunteering_error(error: VolunteeringAppError) -> ApiError {
    let what = match &error {
        ParticipationError::Command(CommandError::Domain(rule)) => match rule {
            VolunteeringError::Activity(_) => "activity",
            VolunteeringError::Points(
                PointsError::NotFound | PointsError::WrongDistrict { .. },
            ) => "points account",
            VolunteeringError::Points(_) | VolunteeringError::RedemptionRefunded => "redemption",
            VolunteeringError::Catalogue(_) => "catalogue item",
        },
        ParticipationError::NotFound(what) => what,
        _ => "item",
    };
    participation_error(error, what)
}

fn status(error: VolunteeringAppError) -> Status {
    volunteering_error(error).into()
}

/// The caller as organiser: staff of the district, or a resident of it
/// acting as themselves (their token's subject is their resident id).
fn organiser(caller: &Caller, district: &DistrictCode) -> Result<Organiser, ApiError> {
    match ensure_write(caller, district) {
        Ok(()) => return Ok(Organiser::Staff),
        Err(denied) if !caller.has_role(RESIDENT) => return Err(denied),
        Err(_) => {}
    }
    let resident_id = Uuid::parse_str(&caller.subject).map_err(|_| {
        ApiError::permission_denied("a resident's token must name their resident id")
    })?;
    ensure_acts_for(caller, district, &resident_id)?;
    Ok(Organiser::Resident(resident_id))
}

fn time(v: &mut Violations, field: &str, raw: &str) -> Option<DateTime<Utc>> {
    v.check(
        field,
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 time, e.g. 2026-05-01T09:00:00+08:00"),
    )
}

fn positive(v: &mut Violations, field: &str, value: i64) -> Option<i64> {
    if value < 1 {
        v.add(field, format!("must be at least 1, got {value}"));
        return None;
    }
    Some(value)
}

fn catalogue_entry(
    v: &mut Violations,
    name: &str,
    cost: i64,
    stock: u32,
) -> Option<CatalogueEntry> {
    let name = v.text("name", name, MAX_ITEM_NAME_CHARS);
    let cost = positive(v, "cost", cost);
    Some(CatalogueEntry {
        name: name?,
        cost: cost?,
        stock,
    })
}

fn activity_pb(view: ActivityView) -> pb::Activity {
    pb::Activity {
        activity_id: view.activity_id,
        district: view.district,
        community: view.community,
        organiser_id: view.organiser_id,
        title: view.title,
        starts_at: view.starts_at,
        ends_at: view.ends_at,
        duration_minutes: view.duration_minutes,
        points_per_hour: view.points_per_hour,
        status: if view.certified {
            pb::ActivityStatus::Certified
        } else {
            pb::ActivityStatus::Planned
        } as i32,
        certified_at: view.certified_at,
        attendance: view
            .attendance
            .into_iter()
            .map(|a| pb::ActivityAttendance {
                volunteer_id: a.volunteer_id,
                minutes: a.minutes,
                points: a.points,
            })
            .collect(),
    }
}

fn ledger_kind(kind: LedgerKind) -> pb::PointsEntryKind {
    match kind {
        LedgerKind::Earned => pb::PointsEntryKind::Earned,
        LedgerKind::Redeemed => pb::PointsEntryKind::Redeemed,
        LedgerKind::Refunded => pb::PointsEntryKind::Refunded,
    }
}

#[tonic::async_trait]
impl pb::volunteering_service_server::VolunteeringService for VolunteeringGrpc {
    async fn schedule_activity(
        &self,
        request: Request<pb::ScheduleActivityRequest>,
    ) -> Result<Response<pb::ScheduleActivityResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let community = v.community(&r.community, district.as_ref());
        let title = v.text("title", &r.title, MAX_TITLE_CHARS);
        let starts_at = time(&mut v, "starts_at", &r.starts_at);
        let ends_at = time(&mut v, "ends_at", &r.ends_at);
        if let (Some(starts), Some(ends)) = (starts_at, ends_at)
            && ends <= starts
        {
            v.add("ends_at", "must be after starts_at");
        }
        if !(1..=MAX_POINTS_PER_HOUR).contains(&r.points_per_hour) {
            v.add(
                "points_per_hour",
                format!("must be between 1 and {MAX_POINTS_PER_HOUR}"),
            );
        }
        v.finish()?;
        let (Some(district), Some(community), Some(title), Some(starts_at), Some(ends_at)) =
            (district, community, title, starts_at, ends_at)
        else {
            return Err(invalid());
        };
        let organiser = organiser(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let plan = ScheduleActivity {
            community,
            title,
            starts_at,
            ends_at,
            points_per_hour: r.points_per_hour,
        };
        let (activity_id, written) = self
            .app
            .schedule(&context, district, organiser, plan)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ScheduleActivityResponse {
            activity_id: activity_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn record_attendance(
        &self,
        request: Request<pb::RecordAttendanceRequest>,
    ) -> Result<Response<pb::RecordAttendanceResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, activity_id) =
            v.target(&r.request_id, &r.district, "activity_id", &r.activity_id);
        let volunteer_id = v.uuid("volunteer_id", &r.volunteer_id);
        let minutes = positive(&mut v, "minutes", r.minutes);
        v.finish()?;
        let (Some(district), Some(activity_id), Some(volunteer_id), Some(minutes)) =
            (district, activity_id, volunteer_id, minutes)
        else {
            return Err(invalid());
        };
        organiser(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .record_attendance(&context, district, activity_id, volunteer_id, minutes)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RecordAttendanceResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn amend_attendance(
        &self,
        request: Request<pb::AmendAttendanceRequest>,
    ) -> Result<Response<pb::AmendAttendanceResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, activity_id) =
            v.target(&r.request_id, &r.district, "activity_id", &r.activity_id);
        let volunteer_id = v.uuid("volunteer_id", &r.volunteer_id);
        let minutes = positive(&mut v, "minutes", r.minutes);
        v.finish()?;
        let (Some(district), Some(activity_id), Some(volunteer_id), Some(minutes)) =
            (district, activity_id, volunteer_id, minutes)
        else {
            return Err(invalid());
        };
        organiser(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .amend_attendance(&context, district, activity_id, volunteer_id, minutes)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AmendAttendanceResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn certify_activity(
        &self,
        request: Request<pb::CertifyActivityRequest>,
    ) -> Result<Response<pb::CertifyActivityResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, activity_id) =
            v.target(&r.request_id, &r.district, "activity_id", &r.activity_id);
        v.finish()?;
        let (Some(district), Some(activity_id)) = (district, activity_id) else {
            return Err(invalid());
        };
        organiser(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let certified = self
            .app
            .certify(&context, district, activity_id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CertifyActivityResponse {
            receipt: Some(receipt(&certified.receipt)),
            credited: certified
                .credited
                .into_iter()
                .map(
                    |(volunteer_id, minutes, points)| pb::VolunteerCertifiedHours {
                        volunteer_id,
                        minutes,
                        points,
                    },
                )
                .collect(),
        }))
    }

    async fn add_catalogue_item(
        &self,
        request: Request<pb::AddCatalogueItemRequest>,
    ) -> Result<Response<pb::AddCatalogueItemResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let entry = catalogue_entry(&mut v, &r.name, r.cost, r.stock);
        v.finish()?;
        let (Some(district), Some(entry)) = (district, entry) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (item_id, written) = self
            .app
            .add_catalogue_item(&context, district, entry)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddCatalogueItemResponse {
            item_id: item_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn update_catalogue_item(
        &self,
        request: Request<pb::UpdateCatalogueItemRequest>,
    ) -> Result<Response<pb::UpdateCatalogueItemResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let item_id = v.uuid("item_id", &r.item_id);
        let entry = catalogue_entry(&mut v, &r.name, r.cost, r.stock);
        v.finish()?;
        let (Some(district), Some(item_id), Some(entry)) = (district, item_id, entry) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .update_catalogue_item(&context, district, item_id, entry)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UpdateCatalogueItemResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn redeem_points(
        &self,
        request: Request<pb::RedeemPointsRequest>,
    ) -> Result<Response<pb::RedeemPointsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let resident_id = v.resident_id(&r.resident_id);
        let item_id = v.uuid("item_id", &r.item_id);
        let cost = positive(&mut v, "cost", r.cost);
        v.finish()?;
        let (Some(district), Some(resident_id), Some(item_id), Some(cost)) =
            (district, resident_id, item_id, cost)
        else {
            return Err(invalid());
        };
        ensure_acts_for(&caller, &district, &resident_id)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let redeemed = self
            .app
            .redeem(&context, district, resident_id, item_id, cost)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RedeemPointsResponse {
            redemption_id: redeemed.redemption_id.to_string(),
            balance: redeemed.balance,
            receipt: Some(receipt(&redeemed.receipt)),
        }))
    }

    async fn get_activity(
        &self,
        request: Request<pb::GetActivityRequest>,
    ) -> Result<Response<pb::GetActivityResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let activity_id = v.uuid("activity_id", &r.activity_id);
        v.finish()?;
        let (Some(district), Some(activity_id)) = (district, activity_id) else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .get_activity(&district, activity_id, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetActivityResponse {
            activity: Some(activity_pb(view)),
        }))
    }

    async fn list_activities(
        &self,
        request: Request<pb::ListActivitiesRequest>,
    ) -> Result<Response<pb::ListActivitiesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let community = if r.community.is_empty() {
            Some(None)
        } else {
            v.community(&r.community, district.as_ref())
                .map(|c| Some(c.as_str().to_owned()))
        };
        let certified = match pb::ActivityStatus::try_from(r.status) {
            Ok(pb::ActivityStatus::Unspecified) => Some(None),
            Ok(pb::ActivityStatus::Planned) => Some(Some(false)),
            Ok(pb::ActivityStatus::Certified) => Some(Some(true)),
            Err(_) => {
                v.add("status", "not an activity status");
                None
            }
        };
        let after = position_page_token(&mut v, &r.page_token);
        v.finish()?;
        let (Some(district), Some(community), Some(certified), Some(after)) =
            (district, community, certified, after)
        else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let filter = ActivityFilter {
            community,
            certified,
        };
        let page = self
            .app
            .list_activities(&district, &filter, r.page_size, after, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListActivitiesResponse {
            activities: page.activities.into_iter().map(activity_pb).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn get_points_account(
        &self,
        request: Request<pb::GetPointsAccountRequest>,
    ) -> Result<Response<pb::GetPointsAccountResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let resident_id = v.resident_id(&r.resident_id);
        v.finish()?;
        let (Some(district), Some(resident_id)) = (district, resident_id) else {
            return Err(invalid());
        };
        ensure_acts_for(&caller, &district, &resident_id)?;
        let account = self
            .app
            .get_points_account(&district, resident_id, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetPointsAccountResponse {
            account: Some(pb::PointsAccountView {
                resident_id: account.resident_id,
                district: account.district,
                balance: account.balance,
                earned: account.earned,
                redeemed: account.redeemed,
                refunded: account.refunded,
                entries: account
                    .entries
                    .into_iter()
                    .map(|e| pb::PointsLedgerEntry {
                        kind: ledger_kind(e.kind) as i32,
                        points: e.points,
                        balance_after: e.balance_after,
                        activity_id: e.activity_id,
                        redemption_id: e.redemption_id,
                        item_id: e.item_id,
                        at: e.at,
                        position: e.position,
                    })
                    .collect(),
            }),
        }))
    }

    async fn list_catalogue(
        &self,
        request: Request<pb::ListCatalogueRequest>,
    ) -> Result<Response<pb::ListCatalogueResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let Some(district) = district else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let items = self
            .app
            .list_catalogue(&district, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListCatalogueResponse {
            items: items
                .into_iter()
                .map(|item| pb::CatalogueItem {
                    item_id: item.item_id,
                    district: item.district,
                    name: item.name,
                    cost: item.cost,
                    stock: item.stock,
                })
                .collect(),
        }))
    }
}
