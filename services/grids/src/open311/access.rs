//! Who calls: a Gongzhi token from `api_key` or `Authorization: Bearer`,
//! and the district (`jurisdiction_id`) it acts on.

use super::error::Open311Error;
use super::params::Params;
use axum::http::{HeaderMap, header};
use gongzhi_kernel::DistrictCode;
use gongzhi_server::{CITY_ADMIN_ROLE, Caller, TokenVerifier};

const DISTRICT_ROLES: [&str; 4] = [
    "grid_worker",
    "community_worker",
    "street_officer",
    "district_admin",
];
const CITY_READER: &str = "city_reader";

fn token<'a>(headers: &'a HeaderMap, params: &'a Params) -> Option<&'a str> {
    if let Some(key) = params.get("api_key") {
        return Some(key);
    }
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

pub fn caller(
    verifier: &TokenVerifier,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Caller, Open311Error> {
    let token = token(headers, params)
        .ok_or_else(|| Open311Error::unauthenticated("api_key or a bearer token is required"))?;
    verifier
        .verify(token)
        .map_err(|_| Open311Error::unauthenticated("the api_key is not a valid token"))
}

/// The district from `jurisdiction_id`, else the caller's only district,
/// once the caller may act on it (`write`: city readers only read).
pub fn district(
    caller: &Caller,
    params: &Params,
    write: bool,
) -> Result<DistrictCode, Open311Error> {
    let district = match params.get("jurisdiction_id") {
        Some(raw) => DistrictCode::parse(raw).map_err(|_| {
            Open311Error::bad_request("jurisdiction_id must be a 6-digit district code")
        })?,
        None => match caller.districts.as_slice() {
            [only] => only.clone(),
            _ => {
                return Err(Open311Error::bad_request(
                    "jurisdiction_id is required for a token of several or no districts",
                ));
            }
        },
    };
    if caller.has_role(CITY_ADMIN_ROLE) || (!write && caller.has_role(CITY_READER)) {
        return Ok(district);
    }
    if !DISTRICT_ROLES.iter().any(|role| caller.has_role(role)) {
        return Err(Open311Error::forbidden("the token has no district role"));
    }
    if !caller.districts.contains(&district) {
        return Err(Open311Error::forbidden(format!(
            "the token may not act on jurisdiction {district}"
        )));
    }
    Ok(district)
}
