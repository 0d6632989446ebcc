//! Case requests into application values. Every problem becomes one field
//! violation and all of them are reported together.

use crate::app::cases::ReportCase;
use crate::app::config::GridsConfig;
use crate::domain::calendar::CaseCategory;
use crate::domain::case::{CaseSource, CaseUrgency};
use crate::projections::CaseRowFilter;
use gongzhi_divisions::Divisions;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_server::ApiError;
use uuid::Uuid;

pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_REASON_CHARS: usize = 500;
pub const MAX_ID_CHARS: usize = 100;
pub const MAX_UNITS_PER_SUMMONS: usize = 50;

/// The shared collector ([`gongzhi_server::Violations`]) with this
/// service's field parsers on top.
#[derive(Default)]
pub struct Violations(gongzhi_server::Violations);

impl std::ops::Deref for Violations {
    type Target = gongzhi_server::Violations;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Violations {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// The case a command is for.
pub type Target = (DistrictCode, Uuid);

impl Violations {
    pub fn finish(self) -> Result<(), ApiError> {
        self.0.finish()
    }

    /// `request_id`, `district` and `case_id` of a command.
    pub fn target(&mut self, request_id: &str, district: &str, case_id: &str) -> Option<Target> {
        self.request_id(request_id);
        let district = self.district(district);
        let case_id = self.uuid("case_id", case_id);
        Some((district?, case_id?))
    }

    pub fn grid(&mut self, raw: &str, district: Option<&DistrictCode>) -> Option<String> {
        if raw.trim().is_empty() {
            self.add("grid", "required");
            return None;
        }
        // Without a valid district there is nothing to check it against; the
        // district's own violation says why.
        let grid = self.check("grid", Divisions::embedded().unit_grid_in(raw, district?))?;
        Some(grid.as_str().to_owned())
    }

    fn category(
        &mut self,
        raw: &str,
        district: Option<&DistrictCode>,
        config: &GridsConfig,
    ) -> Option<CaseCategory> {
        let category = self.check("category", CaseCategory::parse(raw))?;
        if !config.district(district?).catalogue.contains(&category) {
            self.add("category", "not in the district's category catalogue");
            return None;
        }
        Some(category)
    }

    /// The street (9 digits) or community (12 digits) that summons.
    pub fn summoner(&mut self, raw: &str, district: Option<&DistrictCode>) -> Option<String> {
        let district = district?;
        let divisions = Divisions::embedded();
        let checked = match raw.len() {
            9 => divisions
                .street_code_in(raw, district)
                .map(|c| c.as_str().to_owned()),
            _ => divisions
                .community_code_in(raw, district)
                .map(|c| c.as_str().to_owned()),
        };
        self.check("summoned_by", checked)
    }
}

/// The value behind a check that passed; `finish` has already reported any
/// that did not.
pub fn some<T>(value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::invalid_argument(Vec::new()))
}

pub fn report(
    request: &pb::ReportCaseRequest,
    config: &GridsConfig,
    caller_subject: &str,
) -> Result<ReportCase, ApiError> {
    let mut v = Violations::default();
    v.request_id(&request.request_id);
    let district = v.district(&request.district);
    let grid = v.grid(&request.grid, district.as_ref());
    let category = v.category(&request.category, district.as_ref(), config);
    let source = match CaseSource::try_from(request.source) {
        Ok(CaseSource::Unspecified) | Err(_) => {
            v.add("source", "required: patrol, resident, hotline or sensor");
            None
        }
        Ok(source) => Some(source),
    };
    let urgency = match CaseUrgency::try_from(request.urgency) {
        Ok(CaseUrgency::Unspecified) | Err(_) => {
            v.add("urgency", "required: normal, urgent or very urgent");
            None
        }
        Ok(urgency) => Some(urgency),
    };
    let description = v.text("description", &request.description, MAX_DESCRIPTION_CHARS);
    let location = match &request.location {
        None => {
            v.add("location", "required");
            None
        }
        Some(l) if !(-90.0..=90.0).contains(&l.latitude) => {
            v.add("location.latitude", "must be within [-90, 90]");
            None
        }
        Some(l) if !(-180.0..=180.0).contains(&l.longitude) => {
            v.add("location.longitude", "must be within [-180, 180]");
            None
        }
        Some(l) => Some((l.latitude, l.longitude)),
    };
    let reported_by = v.optional_text("reported_by", &request.reported_by, MAX_ID_CHARS);
    v.finish()?;
    let (latitude, longitude) = some(location)?;
    let reported_by = some(reported_by)?;
    Ok(ReportCase {
        district: some(district)?,
        grid: some(grid)?,
        category: some(category)?,
        source: some(source)?,
        urgency: some(urgency)?,
        description: some(description)?,
        latitude,
        longitude,
        reported_by: if reported_by.is_empty() {
            caller_subject.to_owned()
        } else {
            reported_by
        },
        origin: String::new(),
    })
}

pub fn filter(
    v: &mut Violations,
    request: &pb::ListCasesRequest,
    district: Option<&DistrictCode>,
) -> Option<CaseRowFilter> {
    let status = match pb::CaseStatus::try_from(request.status) {
        Ok(pb::CaseStatus::Unspecified) => Some(None),
        Ok(status) => Some(Some(status)),
        Err(_) => {
            v.add("status", "unknown status");
            None
        }
    };
    let grid = if request.grid.is_empty() {
        Some(None)
    } else {
        v.grid(&request.grid, district).map(Some)
    };
    let unit_id = v.optional_text("unit_id", &request.unit_id, MAX_ID_CHARS);
    let page_token_ok =
        request.page_token.is_empty() || v.uuid("page_token", &request.page_token).is_some();
    let (status, grid, unit_id) = (status?, grid?, unit_id?);
    if !page_token_ok {
        return None;
    }
    Some(CaseRowFilter {
        status,
        grid,
        unit_id: (!unit_id.is_empty()).then_some(unit_id),
        overdue_only: request.overdue_only,
    })
}

/// The target and one text field of a command, validated together.
pub fn target_and_text(
    request_id: &str,
    district: &str,
    case_id: &str,
    text: (&str, &str, usize),
) -> Result<(Target, String), ApiError> {
    let mut v = Violations::default();
    let target = v.target(request_id, district, case_id);
    let (field, raw, max) = text;
    let text = v.text(field, raw, max);
    v.finish()?;
    Ok((some(target)?, some(text)?))
}

pub fn target_only(request_id: &str, district: &str, case_id: &str) -> Result<Target, ApiError> {
    let mut v = Violations::default();
    let target = v.target(request_id, district, case_id);
    v.finish()?;
    some(target)
}

/// The target and an optional unit id.
pub fn target_and_unit(
    request_id: &str,
    district: &str,
    case_id: &str,
    unit_id: &str,
    text: Option<(&str, &str, usize)>,
) -> Result<(Target, String), ApiError> {
    let mut v = Violations::default();
    let target = v.target(request_id, district, case_id);
    v.optional_text("unit_id", unit_id, MAX_ID_CHARS);
    let text = match text {
        Some((field, raw, max)) => v.text(field, raw, max),
        None => Some(String::new()),
    };
    v.finish()?;
    Ok((some(target)?, some(text)?))
}
