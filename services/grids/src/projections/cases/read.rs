//! Reads of the `cases` read model, for the case queries, the overdue
//! watcher and the metrics. Every function reads the live generation in one
//! short transaction.

use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_proto::gongzhi::grids::v1::{CaseStage, CaseStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A case as the read model holds it. Times are RFC 3339 UTC, '' when unset.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub case_id: String,
    pub district: String,
    pub grid: String,
    pub community: String,
    pub category: String,
    pub source: i32,
    pub urgency: i32,
    pub status: CaseStatus,
    pub description: String,
    pub latitude: f64,
    pub longitude: f64,
    pub reported_by: String,
    pub reported_at: String,
    pub unit_id: String,
    /// `(stage, deadline, overdue)` for each stage, in loop order.
    pub deadlines: Vec<(CaseStage, String, bool)>,
    pub return_count: u32,
    pub rework_count: u32,
    pub feedback_count: u32,
    pub rating: u32,
    pub merged_into: String,
    pub closed_at: String,
    pub closed_on_time: bool,
    pub summoned_units: Vec<SummonedUnitRow>,
    /// What raised it in another context, '' for reports made here.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummonedUnitRow {
    pub unit_id: String,
    pub summon_id: String,
    pub summoned_by: String,
    pub summoned_at: String,
    pub respond_by: String,
    pub acknowledged_at: String,
    pub acknowledged_late: bool,
    pub arrived_at: String,
    pub arrived_late: bool,
    pub flagged_late: bool,
}

/// Filters of [`list_cases`], combined; `None`/`false` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseRowFilter {
    pub status: Option<CaseStatus>,
    pub grid: Option<String>,
    pub unit_id: Option<String>,
    pub overdue_only: bool,
}

/// An unflagged stage deadline of a case that is in that stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDeadline {
    pub case_id: String,
    pub district: String,
    pub stage: CaseStage,
    pub deadline: String,
}

/// A summoned unit of an open case that has not arrived and is not flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSummons {
    pub case_id: String,
    pub district: String,
    pub unit_id: String,
    pub respond_by: String,
}

const STAGES: [(CaseStage, &str); 5] = [
    (CaseStage::Register, "register"),
    (CaseStage::Dispatch, "dispatch"),
    (CaseStage::Handle, "handle"),
    (CaseStage::Verify, "verify"),
    (CaseStage::Close, "close"),
];

/// Statuses in which a stage's clock runs (the decider's "active" phase):
/// only then can the stage be flagged overdue.
fn active_statuses(stage: CaseStage) -> &'static [CaseStatus] {
    use CaseStatus as S;
    match stage {
        CaseStage::Register => &[S::Reported],
        CaseStage::Dispatch => &[S::Registered],
        CaseStage::Handle => &[S::Registered, S::Dispatched, S::Rework],
        CaseStage::Verify => &[S::FeedbackGiven],
        CaseStage::Close => &[
            S::Registered,
            S::Dispatched,
            S::Rework,
            S::FeedbackGiven,
            S::Verified,
        ],
        CaseStage::Unspecified => &[],
    }
}

const OPEN: [CaseStatus; 7] = [
    CaseStatus::Reported,
    CaseStatus::Registered,
    CaseStatus::Dispatched,
    CaseStatus::Rework,
    CaseStatus::FeedbackGiven,
    CaseStatus::Verified,
    CaseStatus::Deferred,
];

fn in_list(statuses: &[CaseStatus]) -> String {
    let values: Vec<String> = statuses.iter().map(|s| (*s as i32).to_string()).collect();
    format!("({})", values.join(", "))
}

fn count(row: &AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    let value: i64 = row.try_get(column)?;
    Ok(u32::try_from(value).unwrap_or(0))
}

fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn case_row(row: &AnyRow) -> Result<CaseRow, sqlx::Error> {
    let status: i64 = row.try_get("status")?;
    let mut deadlines = Vec::new();
    for (stage, name) in STAGES {
        let deadline: String = row.try_get(format!("{name}_deadline").as_str())?;
        if !deadline.is_empty() {
            let overdue = flag(row, &format!("{name}_overdue"))?;
            deadlines.push((stage, deadline, overdue));
        }
    }
    Ok(CaseRow {
        case_id: row.try_get("case_id")?,
        district: row.try_get("district")?,
        grid: row.try_get("grid")?,
        community: row.try_get("community")?,
        category: row.try_get("category")?,
        source: i32::try_from(row.try_get::<i64, _>("source")?).unwrap_or(0),
        urgency: i32::try_from(row.try_get::<i64, _>("urgency")?).unwrap_or(0),
        status: i32::try_from(status)
            .ok()
            .and_then(|s| CaseStatus::try_from(s).ok())
            .unwrap_or(CaseStatus::Unspecified),
        description: row.try_get("description")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        reported_by: row.try_get("reported_by")?,
        reported_at: row.try_get("reported_at")?,
        unit_id: row.try_get("unit_id")?,
        deadlines,
        return_count: count(row, "return_count")?,
        rework_count: count(row, "rework_count")?,
        feedback_count: count(row, "feedback_count")?,
        rating: count(row, "rating")?,
        merged_into: row.try_get("merged_into")?,
        closed_at: row.try_get("closed_at")?,
        closed_on_time: flag(row, "closed_on_time")?,
        summoned_units: Vec::new(),
        origin: row.try_get("origin")?,
    })
}

fn summoned_row(row: &AnyRow) -> Result<SummonedUnitRow, sqlx::Error> {
    Ok(SummonedUnitRow {
        unit_id: row.try_get("unit_id")?,
        summon_id: row.try_get("summon_id")?,
        summoned_by: row.try_get("summoned_by")?,
        summoned_at: row.try_get("summoned_at")?,
        respond_by: row.try_get("respond_by")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        acknowledged_late: flag(row, "acknowledged_late")?,
        arrived_at: row.try_get("arrived_at")?,
        arrived_late: flag(row, "arrived_late")?,
        flagged_late: flag(row, "flagged_late")?,
    })
}

async fn attach_summons(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case: &mut CaseRow,
) -> Result<(), ProjectionError> {
    let rows = sqlx::query(
        "SELECT unit_id, summon_id, summoned_by, summoned_at, respond_by, acknowledged_at, acknowledged_late, \
         arrived_at, arrived_late, flagged_late FROM case_summoned_units WHERE case_id = $1 \
         ORDER BY summoned_at, unit_id",
    )
    .bind(case.case_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    case.summoned_units = rows.iter().map(summoned_row).collect::<Result<_, _>>()?;
    Ok(())
}

/// The case in `district`, or `None` (also when it is in another district).
pub async fn get_case(
    handle: &ProjectionHandle,
    district: &str,
    case_id: &str,
) -> Result<Option<CaseRow>, ProjectionError> {
    let mut tx = handle.read().await?;
    let row = sqlx::query("SELECT * FROM cases WHERE case_id = $1 AND district = $2")
        .bind(case_id.to_owned())
        .bind(district.to_owned())
        .fetch_optional(&mut *tx)
        .await?;
    let mut case = match row {
        Some(row) => case_row(&row)?,
        None => return Ok(None),
    };
    attach_summons(&mut tx, &mut case).await?;
    tx.commit().await?;
    Ok(Some(case))
}

/// Up to `limit` cases of `district` with ids after `after`, in id order.
pub async fn list_cases(
    handle: &ProjectionHandle,
    district: &str,
    filter: &CaseRowFilter,
    after: &str,
    limit: u32,
) -> Result<Vec<CaseRow>, ProjectionError> {
    let mut conditions = vec!["district = $1".to_owned(), "case_id > $2".to_owned()];
    let mut arguments = Vec::new();
    if let Some(status) = filter.status {
        conditions.push(format!("status = {}", status as i32));
    }
    for (column, value) in [("grid", &filter.grid), ("unit_id", &filter.unit_id)] {
        if let Some(value) = value {
            arguments.push(value.clone());
            conditions.push(format!("{column} = ${}", arguments.len() + 2));
        }
    }
    if filter.overdue_only {
        conditions.push(
            "(register_overdue + dispatch_overdue + handle_overdue + verify_overdue + close_overdue) > 0"
                .to_owned(),
        );
    }
    let sql = format!(
        "SELECT * FROM cases WHERE {} ORDER BY case_id LIMIT {}",
        conditions.join(" AND "),
        limit
    );
    let mut tx = handle.read().await?;
    let mut query = sqlx::query(&sql)
        .bind(district.to_owned())
        .bind(after.to_owned());
    for argument in arguments {
        query = query.bind(argument);
    }
    let rows = query.fetch_all(&mut *tx).await?;
    let mut cases = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut case = case_row(row)?;
        attach_summons(&mut tx, &mut case).await?;
        cases.push(case);
    }
    tx.commit().await?;
    Ok(cases)
}

/// Every stage deadline the system may still have to flag, in any district.
pub async fn due_deadlines(handle: &ProjectionHandle) -> Result<Vec<DueDeadline>, ProjectionError> {
    let mut tx = handle.read().await?;
    let mut due = Vec::new();
    for (stage, name) in STAGES {
        let sql = format!(
            "SELECT case_id, district, {name}_deadline FROM cases \
             WHERE {name}_deadline <> '' AND {name}_overdue = 0 AND status IN {}",
            in_list(active_statuses(stage))
        );
        let rows: Vec<(String, String, String)> = sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
        due.extend(
            rows.into_iter()
                .map(|(case_id, district, deadline)| DueDeadline {
                    case_id,
                    district,
                    stage,
                    deadline,
                }),
        );
    }
    tx.commit().await?;
    Ok(due)
}

/// Every summoned unit of an open, not deferred case that has neither
/// arrived nor been flagged late.
pub async fn due_summons(handle: &ProjectionHandle) -> Result<Vec<DueSummons>, ProjectionError> {
    let mut tx = handle.read().await?;
    let sql = format!(
        "SELECT u.case_id, c.district, u.unit_id, u.respond_by FROM case_summoned_units u \
         JOIN cases c ON c.case_id = u.case_id \
         WHERE u.arrived_at = '' AND u.flagged_late = 0 AND c.status IN {}",
        in_list(&OPEN)
    );
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(case_id, district, unit_id, respond_by)| DueSummons {
            case_id,
            district,
            unit_id,
            respond_by,
        })
        .collect())
}
