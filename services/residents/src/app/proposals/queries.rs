//! Queries over the `proposals` read model: one item, a filtered page, and
//! the deadlines the overdue watcher may have to flag.

use super::{ProposalAppError, ProposalsApp};
use crate::domain::participation::proposals::ProposalKind;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_proto::gongzhi::residents::v1::ProposalStatus;
use sqlx::Row;
use sqlx::any::AnyRow;

pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct StreetProblemView {
    pub grid: String,
    pub category: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// An item as the read model holds it. Times are RFC 3339 UTC, '' when unset;
/// kinds and statuses are proto enum values.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalView {
    pub proposal_id: String,
    pub district: String,
    pub community: String,
    pub kind: i32,
    pub title: String,
    pub body: String,
    pub raised_by: String,
    pub raised_at: String,
    pub street_problem: Option<StreetProblemView>,
    pub status: ProposalStatus,
    /// `(kind, id)`, `None` until assigned.
    pub owner: Option<(i32, String)>,
    pub deadline: String,
    pub support_count: u32,
    pub answer: String,
    pub answered_by: Option<(i32, String)>,
    pub answered_by_admin: bool,
    pub answered_at: String,
    pub closed_at: String,
    pub overdue: bool,
    pub grid_case_id: String,
}

/// Filters of a list, combined; `None`/`false` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalFilter {
    pub community: Option<String>,
    pub kind: Option<ProposalKind>,
    pub status: Option<ProposalStatus>,
    pub overdue_only: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProposalPage {
    pub proposals: Vec<ProposalView>,
    /// The last id of this page when more may follow, else empty.
    pub next_page_token: String,
}

/// An assigned, unanswered, unflagged item and its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueProposal {
    pub proposal_id: String,
    pub district: String,
    pub deadline: String,
}

const SELECT: &str = "SELECT p.*, COALESCE(g.case_id, '') AS grid_case_id FROM proposals p \
     LEFT JOIN proposal_grid_cases g ON g.proposal_id = p.proposal_id";

fn enum_value(row: &AnyRow, column: &str) -> Result<i32, sqlx::Error> {
    Ok(i32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
}

fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn party(row: &AnyRow, kind: &str, id: &str) -> Result<Option<(i32, String)>, sqlx::Error> {
    let id: String = row.try_get(id)?;
    Ok((!id.is_empty()).then_some((enum_value(row, kind)?, id)))
}

fn view(row: &AnyRow) -> Result<ProposalView, sqlx::Error> {
    let street_problem = if flag(row, "street_problem")? {
        Some(StreetProblemView {
            grid: row.try_get("street_grid")?,
            category: row.try_get("street_category")?,
            address: row.try_get("street_address")?,
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
        })
    } else {
        None
    };
    Ok(ProposalView {
        proposal_id: row.try_get("proposal_id")?,
        district: row.try_get("district")?,
        community: row.try_get("community")?,
        kind: enum_value(row, "kind")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        raised_by: row.try_get("raised_by")?,
        raised_at: row.try_get("raised_at")?,
        street_problem,
        status: ProposalStatus::try_from(enum_value(row, "status")?)
            .unwrap_or(ProposalStatus::Unspecified),
        owner: party(row, "owner_kind", "owner_id")?,
        deadline: row.try_get("deadline")?,
        support_count: u32::try_from(row.try_get::<i64, _>("support_count")?).unwrap_or(0),
        answer: row.try_get("answer")?,
        answered_by: party(row, "answered_by_kind", "answered_by_id")?,
        answered_by_admin: flag(row, "answered_by_admin")?,
        answered_at: row.try_get("answered_at")?,
        closed_at: row.try_get("closed_at")?,
        overdue: flag(row, "overdue")?,
        grid_case_id: row.try_get("grid_case_id")?,
    })
}

impl ProposalsApp {
    /// The item in `district`; another district's item is not found.
    pub async fn get(
        &self,
        district: &DistrictCode,
        proposal_id: &str,
        min_position: u64,
    ) -> Result<ProposalView, ProposalAppError> {
        let mut tx = self
            .participation
            .read_after(&self.proposals, min_position)
            .await?;
        let sql = format!("{SELECT} WHERE p.proposal_id = $1 AND p.district = $2");
        let row = sqlx::query(&sql)
            .bind(proposal_id.to_owned())
            .bind(district.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let row = row.ok_or(ProposalAppError::NotFound("proposal"))?;
        Ok(view(&row)?)
    }

    /// Up to `page_size` items (0 means [`DEFAULT_PAGE_SIZE`], at most
    /// [`MAX_PAGE_SIZE`]) with ids after `after`, in id order.
    pub async fn list(
        &self,
        district: &DistrictCode,
        filter: &ProposalFilter,
        page_size: u32,
        after: Option<&str>,
        min_position: u64,
    ) -> Result<ProposalPage, ProposalAppError> {
        let size = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let mut conditions = vec![
            "p.district = $1".to_owned(),
            "p.proposal_id > $2".to_owned(),
        ];
        let mut text_arguments = Vec::new();
        if let Some(community) = &filter.community {
            text_arguments.push(community.clone());
            conditions.push(format!("p.community = ${}", text_arguments.len() + 2));
        }
        // Enum values are numbers of this crate's own types, not caller text.
        if let Some(kind) = filter.kind {
            conditions.push(format!("p.kind = {}", kind as i32));
        }
        if let Some(status) = filter.status {
            conditions.push(format!("p.status = {}", status as i32));
        }
        if filter.overdue_only {
            conditions.push("p.overdue = 1".to_owned());
        }
        // One more than a page tells whether another page follows.
        let sql = format!(
            "{SELECT} WHERE {} ORDER BY p.proposal_id LIMIT {}",
            conditions.join(" AND "),
            size + 1
        );
        let mut tx = self
            .participation
            .read_after(&self.proposals, min_position)
            .await?;
        let mut query = sqlx::query(&sql)
            .bind(district.as_str().to_owned())
            .bind(after.unwrap_or_default().to_owned());
        for argument in text_arguments {
            query = query.bind(argument);
        }
        let rows = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let mut proposals = rows.iter().map(view).collect::<Result<Vec<_>, _>>()?;
        let more = proposals.len() > usize::try_from(size).unwrap_or(usize::MAX);
        proposals.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        let next_page_token = match (more, proposals.last()) {
            (true, Some(last)) => last.proposal_id.clone(),
            _ => String::new(),
        };
        Ok(ProposalPage {
            proposals,
            next_page_token,
        })
    }
}

/// Every assigned, unanswered item not yet flagged, in any district.
pub(super) async fn due_proposals(
    handle: &ProjectionHandle,
) -> Result<Vec<DueProposal>, ProjectionError> {
    let mut tx = handle.read().await?;
    let sql = format!(
        "SELECT proposal_id, district, deadline FROM proposals \
         WHERE status = {} AND overdue = 0 AND deadline <> ''",
        ProposalStatus::Assigned as i32
    );
    let rows: Vec<(String, String, String)> = sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(proposal_id, district, deadline)| DueProposal {
            proposal_id,
            district,
            deadline,
        })
        .collect())
}
