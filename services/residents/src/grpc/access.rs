//! Who may do what. A caller acts only in the districts its token lists,
//! unless it is city-wide: `city_admin` everywhere, `city_reader` reads
//! everywhere. Personal data is shown in clear to district administrators
//! and city administrators only; everyone else sees it masked.

use crate::app::PersonalDataView;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

pub const COMMUNITY_WORKER: &str = "community_worker";
pub const STREET_OFFICER: &str = "street_officer";
pub const DISTRICT_ADMIN: &str = "district_admin";
pub const CITY_READER: &str = "city_reader";

const DISTRICT_ROLES: [&str; 3] = [COMMUNITY_WORKER, STREET_OFFICER, DISTRICT_ADMIN];

fn has_district_role(caller: &Caller) -> bool {
    DISTRICT_ROLES.iter().any(|role| caller.has_role(role))
}

pub fn ensure_write(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !has_district_role(caller) {
        return Err(ApiError::permission_denied(
            "changing residents needs a community, street or district role",
        ));
    }
    caller.ensure_district(district)
}

pub fn ensure_erase(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !caller.has_role(DISTRICT_ADMIN) {
        return Err(ApiError::permission_denied(
            "erasing personal data needs the district_admin role",
        ));
    }
    caller.ensure_district(district)
}

pub fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !has_district_role(caller) {
        return Err(ApiError::permission_denied(
            "reading residents needs a community, street, district or city role",
        ));
    }
    caller.ensure_district(district)
}

pub fn personal_data_view(caller: &Caller, district: &DistrictCode) -> PersonalDataView {
    let district_admin_here =
        caller.has_role(DISTRICT_ADMIN) && caller.districts.contains(district);
    if caller.has_role(CITY_ADMIN_ROLE) || district_admin_here {
        PersonalDataView::Clear
    } else {
        PersonalDataView::Masked
    }
}

/// A resident acting for themselves through a resident-facing app: the
/// token's subject is their resident id.
pub const RESIDENT: &str = "resident";

/// Acting as `resident_id` in participation: the resident themselves (role
/// `resident`, subject = resident id, district in the token), or staff of the
/// district recording it on the resident's behalf (a paper complaint, a vote
/// cast at a meeting). The event metadata keeps who actually sent it.
pub fn ensure_acts_for(
    caller: &Caller,
    district: &DistrictCode,
    resident_id: &uuid::Uuid,
) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if has_district_role(caller) {
        return caller.ensure_district(district);
    }
    if caller.has_role(RESIDENT) {
        caller.ensure_district(district)?;
        if caller.subject == resident_id.to_string() {
            return Ok(());
        }
        return Err(ApiError::permission_denied(
            "a resident acts only for themselves",
        ));
    }
    Err(ApiError::permission_denied(
        "participation needs the resident role or a community, street or district role",
    ))
}

/// Reading participation (items, meetings, wishes, results): public to the
/// district's residents and staff, and to city-wide roles.
pub fn ensure_participant_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !has_district_role(caller) && !caller.has_role(RESIDENT) {
        return Err(ApiError::permission_denied(
            "reading participation needs the resident role or a community, street, district or city role",
        ));
    }
    caller.ensure_district(district)
}
