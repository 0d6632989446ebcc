//! `CaseMetricsService`: case metrics per scope and period from the
//! `case_metrics` read model (definitions in `proto/gongzhi/grids/v1/metrics.proto`).
//!
//! Contract: bad input is INVALID_ARGUMENT with every field violation at
//! once; callers need a district role of the district, `city_reader` or
//! `city_admin`; `min_position` waits at most `max_wait`, then
//! DEADLINE_EXCEEDED.

use crate::domain::metrics::{CaseTotals, Rate};
use crate::projections::{MetricsScopeFilter, case_totals};
use chrono::NaiveDate;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_proto::gongzhi::grids::v1::case_metrics_service_server::CaseMetricsServiceServer;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller, FieldViolation};
use std::time::Duration;
use tonic::{Request, Response, Status};

/// Roles that read their own districts' metrics.
const DISTRICT_ROLES: [&str; 4] = [
    "grid_worker",
    "community_worker",
    "street_officer",
    "district_admin",
];
const CITY_READER: &str = "city_reader";
/// Longest period one query covers (about ten years).
const MAX_PERIOD_DAYS: i64 = 3_700;
const MAX_ID_CHARS: usize = 128;

pub struct CaseMetricsGrpc {
    metrics: ProjectionHandle,
    max_wait: Duration,
}

impl CaseMetricsGrpc {
    /// `metrics` is the handle of [`crate::projections::CaseMetricsProjection`].
    pub fn new(metrics: ProjectionHandle, max_wait: Duration) -> Self {
        Self { metrics, max_wait }
    }

    pub fn into_server(self) -> CaseMetricsServiceServer<Self> {
        CaseMetricsServiceServer::new(self)
    }
}

fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !DISTRICT_ROLES.iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(
            "reading case metrics needs a grid, community, street, district or city role",
        ));
    }
    caller.ensure_district(district)
}

fn code_scope(
    violations: &mut Vec<FieldViolation>,
    district: &str,
    raw: &str,
    len: usize,
) -> Option<String> {
    if raw.len() == len && raw.bytes().all(|b| b.is_ascii_digit()) && raw.starts_with(district) {
        return Some(raw.to_owned());
    }
    violations.push(FieldViolation::new(
        "scope_id",
        format!("must be a {len}-digit code in district {district}"),
    ));
    None
}

fn scope(
    violations: &mut Vec<FieldViolation>,
    district: &str,
    raw_scope: i32,
    id: &str,
) -> Option<MetricsScopeFilter> {
    let named = |violations: &mut Vec<FieldViolation>| {
        let id = id.trim();
        if id.is_empty() || id.chars().count() > MAX_ID_CHARS {
            violations.push(FieldViolation::new(
                "scope_id",
                format!("required, at most {MAX_ID_CHARS} characters"),
            ));
            return None;
        }
        Some(id.to_owned())
    };
    match pb::MetricsScope::try_from(raw_scope) {
        Ok(pb::MetricsScope::District) => Some(MetricsScopeFilter::District),
        Ok(pb::MetricsScope::Street) => {
            code_scope(violations, district, id, 9).map(MetricsScopeFilter::Street)
        }
        Ok(pb::MetricsScope::Community) => {
            code_scope(violations, district, id, 12).map(MetricsScopeFilter::Community)
        }
        Ok(pb::MetricsScope::Grid) => {
            code_scope(violations, district, id, 15).map(MetricsScopeFilter::Grid)
        }
        Ok(pb::MetricsScope::Department) => named(violations).map(MetricsScopeFilter::Department),
        Ok(pb::MetricsScope::Worker) => named(violations).map(MetricsScopeFilter::Worker),
        Ok(pb::MetricsScope::Unspecified) | Err(_) => {
            violations.push(FieldViolation::new(
                "scope",
                "required: one of the METRICS_SCOPE_* values",
            ));
            None
        }
    }
}

fn date(violations: &mut Vec<FieldViolation>, field: &str, raw: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
    if parsed.is_none() {
        violations.push(FieldViolation::new(field, "must be a date YYYY-MM-DD"));
    }
    parsed
}

fn rate(rate: Rate) -> pb::MetricsRate {
    pb::MetricsRate {
        numerator: rate.numerator,
        denominator: rate.denominator,
        percent: rate.percent_or_na(2),
    }
}

fn response(request: pb::GetCaseMetricsRequest, totals: &CaseTotals) -> pb::GetCaseMetricsResponse {
    let metrics = totals.metrics();
    pb::GetCaseMetricsResponse {
        district: request.district,
        scope: request.scope,
        scope_id: request.scope_id,
        from: request.from,
        to: request.to,
        cases: metrics.cases,
        due: metrics.due,
        closed: metrics.closed,
        closed_on_time: metrics.closed_on_time,
        reworks: metrics.reworks,
        overdue: metrics.overdue,
        deferred: metrics.deferred,
        rated: totals.rated,
        satisfied: totals.satisfied,
        basically_satisfied: totals.basically_satisfied,
        dissatisfied: totals.dissatisfied,
        closure_rate: Some(rate(metrics.closure_rate)),
        on_time_closure_rate: Some(rate(metrics.on_time_closure_rate)),
        rework_rate: Some(rate(metrics.rework_rate)),
        response_rate: Some(rate(metrics.response_rate)),
        resolution_rate: Some(rate(metrics.resolution_rate)),
        satisfaction_rate: Some(rate(metrics.satisfaction_rate)),
    }
}

fn projection_error(error: ProjectionError) -> ApiError {
    match error {
        ProjectionError::NotCaughtUp { wanted, .. } => ApiError::deadline_exceeded(format!(
            "the read model has not reached position {wanted} yet; retry the query"
        )),
        ProjectionError::Store(store) => store.into(),
        other => ApiError::internal(&other),
    }
    .in_context("grids")
}

#[tonic::async_trait]
impl pb::case_metrics_service_server::CaseMetricsService for CaseMetricsGrpc {
    async fn get_case_metrics(
        &self,
        request: Request<pb::GetCaseMetricsRequest>,
    ) -> Result<Response<pb::GetCaseMetricsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut violations = Vec::new();
        let district = DistrictCode::parse(&r.district)
            .map_err(|e| violations.push(FieldViolation::new("district", e.to_string())))
            .ok();
        let scope = scope(&mut violations, &r.district, r.scope, &r.scope_id);
        let from = date(&mut violations, "from", &r.from);
        let to = date(&mut violations, "to", &r.to);
        if let (Some(from), Some(to)) = (from, to) {
            let days = (to - from).num_days();
            if days <= 0 || days > MAX_PERIOD_DAYS {
                violations.push(FieldViolation::new(
                    "to",
                    format!("must be after from, at most {MAX_PERIOD_DAYS} days later"),
                ));
            }
        }
        let (Some(district), Some(scope), Some(from), Some(to), true) =
            (district, scope, from, to, violations.is_empty())
        else {
            return Err(ApiError::invalid_argument(violations).into());
        };
        ensure_read(&caller, &district)?;
        if r.min_position > 0 {
            self.metrics
                .wait_for(r.min_position, self.max_wait)
                .await
                .map_err(projection_error)?;
        }
        let totals = case_totals(&self.metrics, district.as_str(), &scope, from, to)
            .await
            .map_err(projection_error)?;
        Ok(Response::new(response(r, &totals)))
    }
}
