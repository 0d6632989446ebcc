//! Withdrawing a project before its contract is signed.

use super::decide::{required, time};
use super::{ProjectError, ProjectEvent, ProjectStage, ProjectState};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::ppp::v1 as pb;

/// Allowed while nothing binds the partner: before the contract is signed.
pub(super) fn withdraw(
    state: &ProjectState,
    district: &DistrictCode,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<ProjectEvent, ProjectError> {
    let ProjectState::Present(facts) = state else {
        return Err(ProjectError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(ProjectError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    let before_signing = match facts.stage {
        ProjectStage::Identification | ProjectStage::Preparation => true,
        ProjectStage::Procurement => facts.partner.is_none(),
        ProjectStage::Execution
        | ProjectStage::Handover
        | ProjectStage::Closed
        | ProjectStage::Withdrawn
        | ProjectStage::Unspecified => false,
    };
    if !before_signing {
        return Err(ProjectError::NotWithdrawable { stage: facts.stage });
    }
    let reason = reason.trim();
    required("reason", reason)?;
    Ok(ProjectEvent::Withdrawn(pb::ProjectWithdrawn {
        project_id: facts.project_id.clone(),
        district: facts.district.clone(),
        from_stage: facts.stage as i32,
        reason: reason.to_owned(),
        withdrawn_at: time(at),
    }))
}
