//! Who may do what. A caller acts only in the districts its token lists,
//! unless it is city-wide: `city_admin` everywhere, `city_reader` reads
//! everywhere. PPP contracts are run by the district's `ppp_officer` and
//! `district_admin`; community and street staff may read them. The OCDS
//! export is open data: any authenticated caller may read it.

use gongzhi_kernel::DistrictCode;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

pub const PPP_OFFICER: &str = "ppp_officer";
pub const DISTRICT_ADMIN: &str = "district_admin";
pub const CITY_READER: &str = "city_reader";
const READERS: [&str; 4] = [
    PPP_OFFICER,
    DISTRICT_ADMIN,
    "community_worker",
    "street_officer",
];

pub fn ensure_write(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !caller.has_role(PPP_OFFICER) && !caller.has_role(DISTRICT_ADMIN) {
        return Err(ApiError::permission_denied(
            "running PPP projects needs the ppp_officer or district_admin role",
        ));
    }
    caller.ensure_district(district)
}

pub fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !READERS.iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(
            "reading PPP projects needs a district staff role or a city role",
        ));
    }
    caller.ensure_district(district)
}
