//! Who may do what. The buyer (a street office or the district) acts through
//! `street_officer` or `district_admin` of its district; any district role
//! and `city_reader` read; `city_admin` does everything everywhere.

use gongzhi_kernel::DistrictCode;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

pub const COMMUNITY_WORKER: &str = "community_worker";
pub const STREET_OFFICER: &str = "street_officer";
pub const DISTRICT_ADMIN: &str = "district_admin";
pub const CITY_READER: &str = "city_reader";

pub const BUYER_ROLES: [&str; 2] = [STREET_OFFICER, DISTRICT_ADMIN];
const READER_ROLES: [&str; 3] = [COMMUNITY_WORKER, STREET_OFFICER, DISTRICT_ADMIN];

pub fn ensure_buyer(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !BUYER_ROLES.iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(
            "purchasing services needs the street_officer or district_admin role",
        ));
    }
    caller.ensure_district(district)
}

pub fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !READER_ROLES.iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(
            "reading procurement needs a community, street, district or city role",
        ));
    }
    caller.ensure_district(district)
}
