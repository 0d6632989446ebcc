//! Application results into proto messages, and application errors mapped
//! once to [`ApiError`].

use crate::app::cases::CaseAppError;
use crate::domain::case::CaseError;
use crate::projections::{CaseRow, SummonedUnitRow};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_projections::ProjectionError;
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_server::ApiError;

pub fn receipt(receipt: &Receipt) -> pb::CommandReceipt {
    pb::CommandReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    }
}

pub fn case_error(error: CaseAppError) -> ApiError {
    let mapped = match error {
        CaseAppError::Command(CommandError::Domain(
            CaseError::NotFound | CaseError::WrongDistrict { .. },
        ))
        | CaseAppError::NotFound => {
            // Another district's case is "not found" here: the answer must
            // not tell that it exists elsewhere.
            ApiError::not_found("case not found")
        }
        CaseAppError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        CaseAppError::Command(CommandError::Store(store)) | CaseAppError::Store(store) => {
            store.into()
        }
        CaseAppError::Command(CommandError::Decode(decode)) => ApiError::internal(&decode),
        CaseAppError::UnknownCategory(category) => ApiError::failed_precondition(
            "CASE_UNKNOWN_CATEGORY",
            format!("category {category} is not in the district's catalogue"),
            vec![("category", category)],
        ),
        CaseAppError::NoHandleLimit(category) => ApiError::failed_precondition(
            "CASE_NO_HANDLE_LIMIT",
            format!("the district's time limits give no handle limit for category {category}"),
            vec![("category", category)],
        ),
        CaseAppError::Deadline(error) => ApiError::failed_precondition(
            "CASE_DEADLINE_UNCOMPUTABLE",
            error.to_string(),
            Vec::new(),
        ),
        CaseAppError::NotContracted { unit_id, why } => ApiError::failed_precondition(
            "DISPATCH_UNIT_NOT_CONTRACTED",
            format!("unit {unit_id} is a provider without a dispatchable contract in force: {why}"),
            vec![("unit_id", unit_id)],
        ),
        CaseAppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        CaseAppError::Projection(ProjectionError::Store(store)) => store.into(),
        CaseAppError::Projection(other) => ApiError::internal(&other),
    };
    mapped.in_context("grids")
}

fn summoned(unit: SummonedUnitRow) -> pb::SummonedUnit {
    pb::SummonedUnit {
        unit_id: unit.unit_id,
        summon_id: unit.summon_id,
        summoned_by: unit.summoned_by,
        summoned_at: unit.summoned_at,
        respond_by: unit.respond_by,
        acknowledged_at: unit.acknowledged_at,
        acknowledged_late: unit.acknowledged_late,
        arrived_at: unit.arrived_at,
        arrived_late: unit.arrived_late,
        flagged_late: unit.flagged_late,
    }
}

pub fn case(row: CaseRow) -> pb::Case {
    pb::Case {
        case_id: row.case_id,
        district: row.district,
        grid: row.grid,
        community: row.community,
        category: row.category,
        source: row.source,
        urgency: row.urgency,
        status: row.status.into(),
        description: row.description,
        location: Some(pb::CaseLocation {
            latitude: row.latitude,
            longitude: row.longitude,
        }),
        reported_by: row.reported_by,
        reported_at: row.reported_at,
        unit_id: row.unit_id,
        deadlines: row
            .deadlines
            .into_iter()
            .map(|(stage, deadline, overdue)| pb::StageDeadline {
                stage: stage.into(),
                deadline,
                overdue,
            })
            .collect(),
        return_count: row.return_count,
        rework_count: row.rework_count,
        feedback_count: row.feedback_count,
        rating: row.rating,
        merged_into: row.merged_into,
        summoned_units: row.summoned_units.into_iter().map(summoned).collect(),
        closed_at: row.closed_at,
        closed_on_time: row.closed_on_time,
        origin: row.origin,
    }
}

pub fn dispatch_unit(unit: crate::projections::ServiceUnit) -> pb::DispatchUnit {
    pb::DispatchUnit {
        unit_id: unit.unit_id,
        name: unit.name,
        item_code: unit.item_code,
        purchase_id: unit.purchase_id,
        contract_id: unit.contract_id,
        starts_on: unit.starts_on,
        ends_on: unit.ends_on,
        active: unit.active,
    }
}
