//! The parts every project request shares: the project it names, the
//! caller's right to act on it, and the identification's own fields.

use super::access::{ensure_read, ensure_write};
use super::validate::{NAME_MAX_CHARS, mechanism, model, positive_fen, years};
use crate::app::IdentifyProject;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, Violations};
use tonic::{Request, Status};
use uuid::Uuid;

/// `(request_id, district, project_id)` checked with the request's other
/// violations, then the caller's right to write there.
pub fn target(
    caller: Caller,
    (request_id, district, project_id): (&str, &str, &str),
    mut v: Violations,
) -> Result<(CommandContext, DistrictCode, Uuid), Status> {
    v.request_id(request_id);
    let district = v.district(district);
    let project_id = v.uuid("project_id", project_id);
    v.finish()?;
    let (Some(district), Some(project_id)) = (district, project_id) else {
        return Err(ApiError::invalid_argument(Vec::new()).into());
    };
    ensure_write(&caller, &district)?;
    Ok((
        CommandContext::new(caller, request_id)?,
        district,
        project_id,
    ))
}

pub fn read_target(
    caller: &Caller,
    district: &str,
    project_id: &str,
) -> Result<(DistrictCode, Uuid), Status> {
    let mut v = Violations::default();
    let district = v.district(district);
    let project_id = v.uuid("project_id", project_id);
    v.finish()?;
    let (Some(district), Some(project_id)) = (district, project_id) else {
        return Err(ApiError::invalid_argument(Vec::new()).into());
    };
    ensure_read(caller, &district)?;
    Ok((district, project_id))
}

pub fn identification(
    v: &mut Violations,
    r: &pb::IdentifyProjectRequest,
) -> Option<IdentifyProject> {
    let community = v.check(
        "community",
        if r.community.len() == 12 && r.community.bytes().all(|b| b.is_ascii_digit()) {
            Ok(r.community.clone())
        } else {
            Err("must be a 12-digit community code")
        },
    );
    let grid = v.check(
        "grid",
        if r.grid.is_empty() || (r.grid.len() == 15 && r.grid.bytes().all(|b| b.is_ascii_digit())) {
            Ok(r.grid.clone())
        } else {
            Err("must be a 15-digit unit grid code, or empty")
        },
    );
    let name = v.text("name", &r.name, NAME_MAX_CHARS);
    let facility = v.text("facility", &r.facility, NAME_MAX_CHARS);
    let model = model(v, r.model);
    let mechanism = mechanism(v, r.mechanism);
    let cost = positive_fen(v, "construction_cost_fen", r.construction_cost_fen);
    let outlays = years(v, "government_outlays", &r.government_outlays);
    if r.term_years == 0 {
        v.add("term_years", "must be above zero");
    }
    if !(2000..=2100).contains(&r.first_year) {
        v.add("first_year", "must be a calendar year 2000 to 2100");
    }
    Some(IdentifyProject {
        // Checked with the other ids by `target`.
        project_id: Uuid::nil(),
        community: community?,
        name: name?,
        facility: facility?,
        model: model?,
        mechanism: mechanism?,
        term_years: r.term_years,
        first_year: r.first_year,
        construction_cost: cost?,
        government_outlays: outlays?,
        performance_linked_percent: (r.performance_linked_percent > 0)
            .then_some(r.performance_linked_percent),
        grid: grid?,
    })
}

pub fn split<T>(request: Request<T>) -> Result<(Caller, T), Status> {
    let caller = Caller::from_request(&request)?;
    Ok((caller, request.into_inner()))
}
