//! `POST /open311/v2/requests.json`: a resident's report becomes a case in
//! state REPORTED (source RESIDENT, normal urgency), through the case
//! decider. Each POST is a new case: GeoReport v2 has no idempotency key.

use super::Open311State;
use super::access;
use super::error::Open311Error;
use super::params::Params;
use super::services::known;
use crate::domain::case::{
    CASE_STREAM_CATEGORY, Case, CaseAction, CaseCommand, CaseReport, CaseSource, CaseUrgency,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gongzhi_commands::{CommandError, execute};
use gongzhi_eventstore::StreamName;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use serde_json::json;
use uuid::Uuid;

const MAX_DESCRIPTION_CHARS: usize = 4_000;
const MAX_ADDRESS_CHARS: usize = 500;
/// The `$all` position of the new case's report, for callers that want to
/// wait until the read model shows it.
pub const POSITION_HEADER: &str = "gongzhi-position";

fn coordinate(params: &Params, name: &str, limit: f64) -> Result<Option<f64>, Open311Error> {
    let Some(raw) = params.get(name) else {
        return Ok(None);
    };
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
        _ => Err(Open311Error::bad_request(format!(
            "{name} must be a decimal number of degrees between -{limit} and {limit}"
        ))),
    }
}

/// `(lat, long, address)` from the parameters, geocoding an address alone.
async fn location(
    state: &Open311State,
    district: &DistrictCode,
    params: &Params,
) -> Result<(f64, f64, Option<String>), Open311Error> {
    let latitude = coordinate(params, "lat", 90.0)?;
    let longitude = coordinate(params, "long", 180.0)?;
    let address = params
        .get("address_string")
        .or_else(|| params.get("address_id"))
        .map(|address| address.chars().take(MAX_ADDRESS_CHARS).collect::<String>());
    match (latitude, longitude, address) {
        (Some(latitude), Some(longitude), address) => Ok((latitude, longitude, address)),
        (Some(_), None, _) | (None, Some(_), _) => Err(Open311Error::bad_request(
            "lat and long must be given together",
        )),
        (None, None, Some(address)) => {
            let (latitude, longitude) = state
                .locator
                .geocode(district, &address)
                .await
                .ok_or_else(|| {
                    Open311Error::bad_request("the address cannot be located; send lat and long")
                })?;
            Ok((latitude, longitude, Some(address)))
        }
        (None, None, None) => Err(Open311Error::bad_request(
            "a location is required: lat and long, address_string or address_id",
        )),
    }
}

pub(super) async fn post(
    State(state): State<Open311State>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Open311Error> {
    let params = Params::from_body(&headers, &body)?.merged(Params::from_query(query.as_deref()));
    let caller = access::caller(&state.verifier, &headers, &params)?;
    let district = access::district(&caller, &params, true)?;
    let code = params
        .get("service_code")
        .ok_or_else(|| Open311Error::bad_request("service_code is required"))?;
    let category = known(&state.catalogue, code)?;
    let (latitude, longitude, address) = location(&state, &district, &params).await?;
    let grid = state
        .locator
        .locate(&district, latitude, longitude)
        .await
        .ok_or_else(|| {
            Open311Error::bad_request(format!(
                "the location is not inside a unit grid of jurisdiction {district}"
            ))
        })?;
    let service_name = state
        .catalogue
        .names_of(&category)
        .map_or_else(|| category.to_string(), |(_, minor)| minor.to_owned());
    let mut description = params
        .get("description")
        .map(|text| text.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>())
        .unwrap_or_else(|| service_name.clone());
    if let Some(address) = address {
        description.push_str(&format!("\n地址: {address}"));
    }

    let case_id = Uuid::new_v4();
    let context = CommandContext::new(caller, &format!("open311-{case_id}"))
        .map_err(|e| Open311Error::internal(&e))?;
    let stream =
        StreamName::new(CASE_STREAM_CATEGORY, case_id).map_err(|e| Open311Error::internal(&e))?;
    let command = CaseCommand {
        district: district.clone(),
        action: CaseAction::Report(CaseReport {
            case_id: case_id.to_string(),
            grid,
            category: category.to_string(),
            source: CaseSource::Resident,
            urgency: CaseUrgency::Normal,
            description,
            latitude,
            longitude,
            reported_by: context.caller.subject.clone(),
            reported_at: Utc::now(),
            register_deadline: None,
            origin: String::new(),
        }),
    };
    let receipt = execute::<Case>(
        state.store.as_ref(),
        &stream,
        command,
        |n| context.event_id(u32::try_from(n).unwrap_or(u32::MAX)),
        &context.metadata(Some(district)),
    )
    .await
    .map_err(|error| match error {
        CommandError::Domain(rule) => Open311Error::bad_request(rule.to_string()),
        CommandError::Store(store) => {
            tracing::warn!(error = %store, "open311 report not stored");
            Open311Error::unavailable("the request could not be stored; retry later")
        }
        CommandError::Decode(decode) => Open311Error::internal(&decode),
    })?;
    let body = json!([{
        "service_request_id": case_id.to_string(),
        "service_notice": format!("已受理: {service_name}"),
        "account_id": null,
    }]);
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(position) = HeaderValue::from_str(&receipt.position.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(POSITION_HEADER), position);
    }
    Ok(response)
}
