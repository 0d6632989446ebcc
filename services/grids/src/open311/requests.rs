//! `GET /open311/v2/requests.json` and `GET /open311/v2/requests/{id}.json`
//! from the `case_metrics` read model.

use super::Open311State;
use super::access;
use super::error::Open311Error;
use super::intake::POSITION_HEADER;
use super::params::Params;
use crate::domain::calendar::CaseCategory;
use crate::projections::{CaseRequestRow, RequestFilter, case_requests};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, TimeDelta, Utc};
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use serde_json::{Value, json};
use std::time::Duration;

const MAX_RESULTS: u32 = 1_000;
const DEFAULT_DAYS: i64 = 90;
/// Longest a read waits for the position in the `gongzhi-position` header.
const READ_WAIT: Duration = Duration::from_secs(5);
const LOCAL_OFFSET_SECONDS: i32 = 8 * 3600;

fn local_time(ms: i64) -> Value {
    let offset = FixedOffset::east_opt(LOCAL_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix());
    DateTime::from_timestamp_millis(ms).map_or(Value::Null, |time| {
        Value::String(
            time.with_timezone(&offset)
                .to_rfc3339_opts(SecondsFormat::Secs, false),
        )
    })
}

fn render(state: &Open311State, row: &CaseRequestRow) -> Value {
    let service_name = CaseCategory::parse(&row.category)
        .ok()
        .and_then(|category| {
            state
                .catalogue
                .names_of(&category)
                .map(|(_, minor)| minor.to_owned())
        })
        .unwrap_or_else(|| row.category.clone());
    let status = if row.is_closed() { "closed" } else { "open" };
    let agency = (!row.unit.is_empty()).then(|| row.unit.clone());
    json!({
        "service_request_id": row.case_id,
        "status": status,
        "status_notes": row.status_notes,
        "service_name": service_name,
        "service_code": row.category,
        "description": row.description,
        "agency_responsible": agency,
        "service_notice": null,
        "requested_datetime": local_time(row.reported_ms),
        "updated_datetime": local_time(row.updated_ms),
        "expected_datetime": null,
        "address": null,
        "address_id": null,
        "zipcode": null,
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": null,
    })
}

fn projection_error(error: ProjectionError) -> Open311Error {
    match error {
        ProjectionError::NotCaughtUp { .. } => {
            Open311Error::unavailable("the request is not readable yet; retry")
        }
        other => Open311Error::internal(&other),
    }
}

/// Read-your-writes: waits (bounded) for the position a POST answered.
async fn wait_for_header(
    handle: &ProjectionHandle,
    headers: &HeaderMap,
) -> Result<(), Open311Error> {
    let Some(raw) = headers.get(POSITION_HEADER) else {
        return Ok(());
    };
    let position = raw
        .to_str()
        .ok()
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| Open311Error::bad_request(format!("{POSITION_HEADER} must be a number")))?;
    handle
        .wait_for(position, READ_WAIT)
        .await
        .map_err(projection_error)
}

fn time_param(params: &Params, name: &str) -> Result<Option<i64>, Open311Error> {
    params
        .get(name)
        .map(|raw| {
            DateTime::parse_from_rfc3339(raw)
                .map(|time| time.timestamp_millis())
                .map_err(|_| {
                    Open311Error::bad_request(format!(
                        "{name} must be a W3C date time such as 2026-01-01T00:00:00+08:00"
                    ))
                })
        })
        .transpose()
}

fn status_param(params: &Params) -> Result<Option<bool>, Open311Error> {
    let Some(raw) = params.get("status") else {
        return Ok(None);
    };
    let (mut open, mut closed) = (false, false);
    for status in raw.split(',').map(str::trim) {
        match status {
            "open" => open = true,
            "closed" => closed = true,
            _ => return Err(Open311Error::bad_request("status must be open or closed")),
        }
    }
    Ok(if open == closed { None } else { Some(closed) })
}

fn filter(params: &Params, district: String) -> Result<RequestFilter, Open311Error> {
    let mut filter = RequestFilter {
        district,
        limit: MAX_RESULTS,
        ..RequestFilter::default()
    };
    if let Some(ids) = params.get("service_request_id") {
        // The ids alone select: the spec says other filters are then ignored.
        filter.case_ids = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .take(MAX_RESULTS as usize)
            .map(str::to_owned)
            .collect();
        return Ok(filter);
    }
    filter.category = params.get("service_code").map(str::to_owned);
    filter.closed = status_param(params)?;
    filter.reported_from_ms = time_param(params, "start_date")?;
    filter.reported_to_ms = time_param(params, "end_date")?;
    if filter.reported_from_ms.is_none() && filter.reported_to_ms.is_none() {
        let since = Utc::now() - TimeDelta::days(DEFAULT_DAYS);
        filter.reported_from_ms = Some(since.timestamp_millis());
    }
    Ok(filter)
}

pub(super) async fn list(
    State(state): State<Open311State>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, Open311Error> {
    let params = Params::from_query(query.as_deref());
    let caller = access::caller(&state.verifier, &headers, &params)?;
    let district = access::district(&caller, &params, false)?;
    let filter = filter(&params, district.to_string())?;
    wait_for_header(&state.requests, &headers).await?;
    let rows = case_requests(&state.requests, &filter)
        .await
        .map_err(projection_error)?;
    Ok(Json(Value::Array(
        rows.iter().map(|row| render(&state, row)).collect(),
    )))
}

pub(super) async fn one(
    State(state): State<Open311State>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, Open311Error> {
    let Some(id) = file.strip_suffix(".json") else {
        return Err(Open311Error::not_found("only .json is served"));
    };
    let params = Params::from_query(query.as_deref());
    let caller = access::caller(&state.verifier, &headers, &params)?;
    let district = access::district(&caller, &params, false)?;
    let filter = RequestFilter {
        district: district.to_string(),
        case_ids: vec![id.to_owned()],
        limit: 1,
        ..RequestFilter::default()
    };
    wait_for_header(&state.requests, &headers).await?;
    let rows = case_requests(&state.requests, &filter)
        .await
        .map_err(projection_error)?;
    if rows.is_empty() {
        return Err(Open311Error::not_found(format!(
            "no service request {id} in jurisdiction {district}"
        )));
    }
    Ok(Json(Value::Array(
        rows.iter().map(|row| render(&state, row)).collect(),
    )))
}
