//! Who may read and change the grid map. A caller acts only in the districts
//! its token lists, unless it is city-wide: `city_admin` everywhere,
//! `city_reader` reads everywhere.

use gongzhi_kernel::DistrictCode;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

const CITY_READER: &str = "city_reader";

/// District roles that draw the map and staff it.
const MAP_WRITERS: [&str; 3] = ["command_center", "street_officer", "district_admin"];

/// Every district role; each may read its districts' map.
const DISTRICT_ROLES: [&str; 5] = [
    "community_worker",
    "grid_worker",
    "command_center",
    "street_officer",
    "district_admin",
];

fn has_any(caller: &Caller, roles: &[&str]) -> bool {
    roles.iter().any(|role| caller.has_role(role))
}

pub fn ensure_write(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !has_any(caller, &MAP_WRITERS) {
        return Err(ApiError::permission_denied(
            "changing the grid map needs the command_center, street_officer or district_admin role",
        ));
    }
    caller.ensure_district(district)
}

pub fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !has_any(caller, &DISTRICT_ROLES) {
        return Err(ApiError::permission_denied(
            "reading the grid map needs a district role or a city role",
        ));
    }
    caller.ensure_district(district)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(roles: &[&str], districts: &[&str]) -> Caller {
        Caller {
            subject: "tester".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            districts: districts
                .iter()
                .filter_map(|d| DistrictCode::parse(d).ok())
                .collect(),
        }
    }

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|_| panic!("{code} is a district code"))
    }

    #[test]
    fn writers_act_only_in_their_districts() {
        let here = district("500108");
        let there = district("500103");
        let officer = caller(&["street_officer"], &["500108"]);
        assert!(ensure_write(&officer, &here).is_ok());
        assert!(ensure_write(&officer, &there).is_err());
        assert!(ensure_write(&caller(&["city_admin"], &[]), &there).is_ok());
    }

    #[test]
    fn grid_workers_read_but_do_not_draw() {
        let here = district("500108");
        let worker = caller(&["grid_worker"], &["500108"]);
        assert!(ensure_read(&worker, &here).is_ok());
        assert!(ensure_write(&worker, &here).is_err());
        assert!(ensure_read(&caller(&["city_reader"], &[]), &here).is_ok());
        assert!(ensure_write(&caller(&["city_reader"], &[]), &here).is_err());
        assert!(ensure_read(&caller(&[], &["500108"]), &here).is_err());
    }
}
