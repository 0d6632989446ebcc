//! Who may do what in the grids context. Tenancy as in residents: a caller
//! acts only in the districts its token lists, unless it is city-wide
//! (`city_admin` everywhere, `city_reader` reads everywhere).
//!
//! Roles: `grid_worker` reports; `command_center` registers, rejects,
//! merges, dispatches, verifies, closes, defers, resumes and summons;
//! `department` is a responsible unit (its unit id is the token subject)
//! that returns, gives feedback, acknowledges and arrives;
//! `community_worker` and `street_officer` report and summon;
//! `district_admin` does everything in its districts. Every district role
//! may read and evaluate its district's cases.

use gongzhi_kernel::DistrictCode;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

pub const GRID_WORKER: &str = "grid_worker";
pub const COMMAND_CENTER: &str = "command_center";
pub const DEPARTMENT: &str = "department";
pub const COMMUNITY_WORKER: &str = "community_worker";
pub const STREET_OFFICER: &str = "street_officer";
pub const DISTRICT_ADMIN: &str = "district_admin";
pub const CITY_READER: &str = "city_reader";

pub const DISTRICT_ROLES: [&str; 6] = [
    GRID_WORKER,
    COMMAND_CENTER,
    DEPARTMENT,
    COMMUNITY_WORKER,
    STREET_OFFICER,
    DISTRICT_ADMIN,
];

/// What a case command needs, by who usually does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDuty {
    Report,
    /// Register, reject, merge, dispatch, verify, close, defer, resume.
    Command,
    Summon,
    /// Return, feedback, acknowledge, arrive: the unit itself.
    Unit,
    Evaluate,
}

impl CaseDuty {
    fn roles(self) -> &'static [&'static str] {
        match self {
            Self::Report => &[
                GRID_WORKER,
                COMMUNITY_WORKER,
                STREET_OFFICER,
                DISTRICT_ADMIN,
            ],
            Self::Command => &[COMMAND_CENTER, DISTRICT_ADMIN],
            Self::Summon => &[
                COMMAND_CENTER,
                COMMUNITY_WORKER,
                STREET_OFFICER,
                DISTRICT_ADMIN,
            ],
            Self::Unit => &[DEPARTMENT, DISTRICT_ADMIN],
            Self::Evaluate => &DISTRICT_ROLES,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Report => {
                "reporting a case needs a grid worker, community, street or district role"
            }
            Self::Command => "this case command needs the command_center or district_admin role",
            Self::Summon => "summoning needs a command centre, community, street or district role",
            Self::Unit => "this case command is for the responsible department (or district_admin)",
            Self::Evaluate => "evaluating a case needs a role in its district",
        }
    }
}

pub fn ensure_case_write(
    caller: &Caller,
    district: &DistrictCode,
    duty: CaseDuty,
) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !duty.roles().iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(duty.describe()));
    }
    caller.ensure_district(district)
}

/// The unit a unit command acts for: a department acts only as itself (its
/// token subject); an administrator names the unit it acts for.
pub fn acting_unit(caller: &Caller, requested: &str) -> Result<String, ApiError> {
    let requested = requested.trim();
    let administrator = caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(DISTRICT_ADMIN);
    if requested.is_empty() {
        return Ok(caller.subject.clone());
    }
    if requested == caller.subject || administrator {
        return Ok(requested.to_owned());
    }
    Err(ApiError::permission_denied(
        "a department acts only for its own unit",
    ))
}

pub fn ensure_case_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !DISTRICT_ROLES.iter().any(|role| caller.has_role(role)) {
        return Err(ApiError::permission_denied(
            "reading cases needs a role in the district or a city role",
        ));
    }
    caller.ensure_district(district)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::ErrorCode;

    fn caller(subject: &str, roles: &[&str], districts: &[&str]) -> Caller {
        Caller {
            subject: subject.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            districts: districts
                .iter()
                .map(|d| DistrictCode::parse(d).unwrap_or_else(|e| panic!("{e}")))
                .collect(),
        }
    }

    fn here() -> DistrictCode {
        DistrictCode::parse("500108").unwrap_or_else(|e| panic!("{e}"))
    }

    fn code(result: Result<(), ApiError>) -> Option<ErrorCode> {
        result.err().map(|e| e.kind())
    }

    #[test]
    fn each_duty_belongs_to_its_roles() {
        let denied = Some(ErrorCode::PermissionDenied);
        let worker = caller("w", &[GRID_WORKER], &["500108"]);
        let centre = caller("c", &[COMMAND_CENTER], &["500108"]);
        let unit = caller("u", &[DEPARTMENT], &["500108"]);
        assert_eq!(
            code(ensure_case_write(&worker, &here(), CaseDuty::Report)),
            None
        );
        assert_eq!(
            code(ensure_case_write(&worker, &here(), CaseDuty::Command)),
            denied
        );
        assert_eq!(
            code(ensure_case_write(&centre, &here(), CaseDuty::Command)),
            None
        );
        assert_eq!(
            code(ensure_case_write(&centre, &here(), CaseDuty::Unit)),
            denied
        );
        assert_eq!(
            code(ensure_case_write(&unit, &here(), CaseDuty::Unit)),
            None
        );
        assert_eq!(
            code(ensure_case_write(&unit, &here(), CaseDuty::Summon)),
            denied
        );
        for role in DISTRICT_ROLES {
            let anyone = caller("x", &[role], &["500108"]);
            assert_eq!(
                code(ensure_case_write(&anyone, &here(), CaseDuty::Evaluate)),
                None
            );
            assert_eq!(code(ensure_case_read(&anyone, &here())), None);
        }
    }

    #[test]
    fn another_district_is_refused_unless_city_wide() {
        let denied = Some(ErrorCode::PermissionDenied);
        let elsewhere = caller("a", &[DISTRICT_ADMIN], &["500103"]);
        assert_eq!(
            code(ensure_case_write(&elsewhere, &here(), CaseDuty::Report)),
            denied
        );
        assert_eq!(code(ensure_case_read(&elsewhere, &here())), denied);
        let reader = caller("r", &[CITY_READER], &[]);
        assert_eq!(code(ensure_case_read(&reader, &here())), None);
        assert_eq!(
            code(ensure_case_write(&reader, &here(), CaseDuty::Evaluate)),
            denied
        );
        let admin = caller("a", &[CITY_ADMIN_ROLE], &[]);
        assert_eq!(
            code(ensure_case_write(&admin, &here(), CaseDuty::Command)),
            None
        );
    }

    #[test]
    fn a_department_acts_only_as_itself() {
        let unit = caller("unit-a", &[DEPARTMENT], &["500108"]);
        assert_eq!(acting_unit(&unit, "").ok().as_deref(), Some("unit-a"));
        assert_eq!(acting_unit(&unit, "unit-a").ok().as_deref(), Some("unit-a"));
        assert!(acting_unit(&unit, "unit-b").is_err());
        let admin = caller("admin", &[DISTRICT_ADMIN], &["500108"]);
        assert_eq!(
            acting_unit(&admin, "unit-b").ok().as_deref(),
            Some("unit-b")
        );
    }
}
