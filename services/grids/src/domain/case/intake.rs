//! The front of the loop: a report comes in, then the command centre
//! registers it (立案), rejects it, or merges it into the case it duplicates.

use super::command::{CaseActionKind, CaseDeadlines, CaseReport};
use super::time::{stamp, stamp_optional};
use super::{
    CaseError, CaseEvent, CaseFacts, CaseSource, CaseStatus, CaseUrgency, non_blank, pb,
    require_open, require_status,
};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;

const GRID_CODE_LEN: usize = 15;

pub(super) fn report(district: &DistrictCode, report: CaseReport) -> Result<CaseEvent, CaseError> {
    let case_id = non_blank(report.case_id, CaseError::CaseIdRequired)?;
    if report.source == CaseSource::Unspecified {
        return Err(CaseError::SourceRequired);
    }
    if report.urgency == CaseUrgency::Unspecified {
        return Err(CaseError::UrgencyRequired);
    }
    let grid = report.grid;
    if grid.len() != GRID_CODE_LEN || !grid.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CaseError::InvalidGridCode { grid });
    }
    if !grid.starts_with(district.as_str()) {
        return Err(CaseError::GridOutsideDistrict {
            grid,
            district: district.to_string(),
        });
    }
    let category = non_blank(report.category, CaseError::CategoryRequired)?;
    let description = non_blank(report.description, CaseError::DescriptionRequired)?;
    let reported_by = report.reported_by.trim().to_owned();
    if report.source == CaseSource::Patrol && reported_by.is_empty() {
        return Err(CaseError::ReporterRequired);
    }
    let latitude_ok = report.latitude.is_finite() && report.latitude.abs() <= 90.0;
    let longitude_ok = report.longitude.is_finite() && report.longitude.abs() <= 180.0;
    if !latitude_ok || !longitude_ok {
        return Err(CaseError::InvalidLocation);
    }
    after(report.register_deadline, report.reported_at, "register")?;
    Ok(CaseEvent::Reported(pb::CaseReported {
        case_id,
        district: district.to_string(),
        grid,
        category,
        source: report.source.into(),
        urgency: report.urgency.into(),
        description,
        location: Some(pb::CaseLocation {
            latitude: report.latitude,
            longitude: report.longitude,
        }),
        reported_by,
        reported_at: stamp(report.reported_at),
        register_deadline: stamp_optional(report.register_deadline),
        origin: report.origin.trim().to_owned(),
    }))
}

pub(super) fn register(
    facts: &CaseFacts,
    kind: CaseActionKind,
    registered_at: DateTime<Utc>,
    deadlines: CaseDeadlines,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Reported])?;
    after_start(deadlines, registered_at)?;
    Ok(CaseEvent::Registered(pb::CaseRegistered {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        registered_at: stamp(registered_at),
        dispatch_deadline: stamp_optional(deadlines.dispatch_by),
        handle_deadline: stamp(deadlines.handle_by),
        close_deadline: stamp_optional(deadlines.close_by),
    }))
}

pub(super) fn reject(
    facts: &CaseFacts,
    kind: CaseActionKind,
    reason: String,
    rejected_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Reported])?;
    let reason = non_blank(reason, CaseError::ReasonRequired)?;
    Ok(CaseEvent::Rejected(pb::CaseRejected {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        reason,
        rejected_at: stamp(rejected_at),
    }))
}

pub(super) fn merge_duplicate(
    facts: &CaseFacts,
    kind: CaseActionKind,
    into_case_id: String,
    merged_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Reported])?;
    let into_case_id = non_blank(into_case_id, CaseError::CaseIdRequired)?;
    if into_case_id == facts.case_id {
        return Err(CaseError::MergeIntoSelf);
    }
    Ok(CaseEvent::Merged(pb::CaseMerged {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        into_case_id,
        merged_at: stamp(merged_at),
    }))
}

pub(super) fn absorb_duplicate(
    facts: &CaseFacts,
    kind: CaseActionKind,
    duplicate_case_id: String,
    merged_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_open(facts, kind)?;
    let duplicate_case_id = non_blank(duplicate_case_id, CaseError::CaseIdRequired)?;
    if duplicate_case_id == facts.case_id {
        return Err(CaseError::MergeIntoSelf);
    }
    if facts.merged_duplicates.contains(&duplicate_case_id) {
        return Err(CaseError::DuplicateAlreadyMerged { duplicate_case_id });
    }
    Ok(CaseEvent::DuplicateMerged(pb::DuplicateMerged {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        duplicate_case_id,
        merged_at: stamp(merged_at),
    }))
}

/// The deadlines set from `start` (registration or resumption) follow it.
pub(super) fn after_start(deadlines: CaseDeadlines, start: DateTime<Utc>) -> Result<(), CaseError> {
    after(deadlines.dispatch_by, start, "dispatch")?;
    after(Some(deadlines.handle_by), start, "handle")?;
    after(deadlines.close_by, start, "close")
}

/// A deadline, when set, must come after the time its stage starts from.
pub(super) fn after(
    deadline: Option<DateTime<Utc>>,
    start: DateTime<Utc>,
    stage: &'static str,
) -> Result<(), CaseError> {
    match deadline {
        Some(deadline) if deadline <= start => Err(CaseError::DeadlineNotAfterStart { stage }),
        _ => Ok(()),
    }
}
