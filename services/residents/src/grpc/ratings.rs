//! `gongzhi.residents.v1.RatingService`: field validation (all violations at
//! once), who may rate and read, mapping to and from the application.

use super::access::{
    CITY_READER, COMMUNITY_WORKER, DISTRICT_ADMIN, STREET_OFFICER, ensure_acts_for,
    ensure_participant_read,
};
use super::errors::participation_error;
use super::receipt::receipt;
use super::validate::Violations;
use crate::app::ratings::{RateSubject, RatingFilter, RatingPage, RatingSummaryView, RatingsApp};
use crate::domain::participation::ratings::{
    COMMENT_MAX_CHARS, RatingSubject, RatingSubjectKind, STARS,
};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller, CommandContext};
use tonic::{Request, Response, Status};

pub struct RatingGrpc {
    app: RatingsApp,
}

impl RatingGrpc {
    pub fn new(app: RatingsApp) -> Self {
        Self { app }
    }
}

const WHAT: &str = "rating";

/// The subject kind: one of the named kinds, not UNSPECIFIED.
fn subject_kind(v: &mut Violations, raw: i32) -> Option<RatingSubjectKind> {
    match RatingSubjectKind::try_from(raw) {
        Ok(RatingSubjectKind::Unspecified) => {
            v.add(
                "subject_kind",
                "required: RATING_SUBJECT_KIND_CASE, _SERVICE, _FACILITY or _PROPERTY_COMPANY",
            );
            None
        }
        Ok(kind) => Some(kind),
        Err(_) => {
            v.add(
                "subject_kind",
                format!("{raw} is not a rating subject kind"),
            );
            None
        }
    }
}

/// The subject of a request: the kind, then the id checked against it.
fn subject(v: &mut Violations, kind: i32, id: &str) -> Option<RatingSubject> {
    let kind = subject_kind(v, kind);
    let Some(kind) = kind else {
        if id.trim().is_empty() {
            v.add("subject_id", "required");
        }
        return None;
    };
    v.check("subject_id", RatingSubject::parse(kind, id))
}

fn summary(
    kind: RatingSubjectKind,
    subject_id: &str,
    view: RatingSummaryView,
) -> pb::RatingSummary {
    pb::RatingSummary {
        subject_kind: kind as i32,
        subject_id: subject_id.to_owned(),
        count: view.count,
        star_sum: view.star_sum,
        distribution: (1u32..)
            .zip(view.distribution)
            .map(|(stars, count)| pb::StarCount { stars, count })
            .collect(),
    }
}

/// Who rated is shown to staff and city roles, and to the rater themselves.
fn sees_rater(caller: &Caller, rater: &str) -> bool {
    caller.subject == rater
        || [
            COMMUNITY_WORKER,
            STREET_OFFICER,
            DISTRICT_ADMIN,
            CITY_READER,
            CITY_ADMIN_ROLE,
        ]
        .iter()
        .any(|role| caller.has_role(role))
}

fn page(caller: &Caller, page: RatingPage) -> pb::ListRatingsResponse {
    pb::ListRatingsResponse {
        ratings: page
            .ratings
            .into_iter()
            .map(|r| pb::Rating {
                rater_resident_id: if sees_rater(caller, &r.rater) {
                    r.rater
                } else {
                    String::new()
                },
                rating_id: r.rating_id,
                district: r.district,
                community: r.community,
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                stars: r.stars,
                comment: r.comment,
                rated_at: r.rated_at,
            })
            .collect(),
        next_page_token: page.next_before.map(|p| p.to_string()).unwrap_or_default(),
    }
}

fn filter(
    v: &mut Violations,
    r: &pb::ListRatingsRequest,
    district: Option<&gongzhi_kernel::DistrictCode>,
) -> Option<RatingFilter> {
    let by_subject = r.subject_kind != 0 || !r.subject_id.is_empty();
    let by_community = !r.community.is_empty();
    if by_subject && by_community {
        v.add("community", "give a subject or a community, not both");
        return None;
    }
    if by_subject {
        return subject(v, r.subject_kind, &r.subject_id).map(RatingFilter::Subject);
    }
    if by_community {
        return v
            .community(&r.community, district)
            .map(|c| RatingFilter::Community(c.as_str().to_owned()));
    }
    Some(RatingFilter::District)
}

fn page_token(v: &mut Violations, raw: &str) -> Option<Option<u64>> {
    if raw.is_empty() {
        return Some(None);
    }
    v.check(
        "page_token",
        raw.parse::<u64>()
            .map_err(|_| "not a page token from this service"),
    )
    .map(Some)
}

#[tonic::async_trait]
impl pb::rating_service_server::RatingService for RatingGrpc {
    async fn rate_subject(
        &self,
        request: Request<pb::RateSubjectRequest>,
    ) -> Result<Response<pb::RateSubjectResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let rater = v.uuid("rater_resident_id", &r.rater_resident_id);
        let subject = subject(&mut v, r.subject_kind, &r.subject_id);
        if !STARS.contains(&r.stars) {
            v.add("stars", format!("must be from 1 to 5, got {}", r.stars));
        }
        let comment = v.optional_text("comment", &r.comment, COMMENT_MAX_CHARS);
        v.finish()?;
        let (Some(district), Some(rater), Some(subject), Some(comment)) =
            (district, rater, subject, comment)
        else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_acts_for(&caller, &district, &rater)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let rate = RateSubject {
            rater,
            subject,
            stars: r.stars,
            comment,
        };
        let (rating_id, written) = self
            .app
            .rate(&context, &district, rate)
            .await
            .map_err(|e| participation_error(e, WHAT))?;
        Ok(Response::new(pb::RateSubjectResponse {
            rating_id: rating_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_rating_summary(
        &self,
        request: Request<pb::GetRatingSummaryRequest>,
    ) -> Result<Response<pb::GetRatingSummaryResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let subject = subject(&mut v, r.subject_kind, &r.subject_id);
        v.finish()?;
        let (Some(district), Some(subject)) = (district, subject) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .summary(&district, &subject, r.min_position)
            .await
            .map_err(|e| participation_error(e, WHAT))?;
        Ok(Response::new(pb::GetRatingSummaryResponse {
            summary: Some(summary(subject.kind(), subject.id(), view)),
        }))
    }

    async fn list_ratings(
        &self,
        request: Request<pb::ListRatingsRequest>,
    ) -> Result<Response<pb::ListRatingsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let filter = filter(&mut v, &r, district.as_ref());
        let before = page_token(&mut v, &r.page_token);
        v.finish()?;
        let (Some(district), Some(filter), Some(before)) = (district, filter, before) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_participant_read(&caller, &district)?;
        let found = self
            .app
            .list(&district, &filter, r.page_size, before, r.min_position)
            .await
            .map_err(|e| participation_error(e, WHAT))?;
        Ok(Response::new(page(&caller, found)))
    }
}
