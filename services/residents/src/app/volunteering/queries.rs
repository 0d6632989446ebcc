//! Queries on the `volunteering` read model, each after its `min_position`
//! and only within the asked district.

use super::{VolunteeringApp, VolunteeringAppError};
use crate::app::ParticipationError;
use crate::projections::volunteering::{EARNED, REDEEMED, REFUNDED};
use gongzhi_kernel::DistrictCode;
use sqlx::{Any, Transaction};
use uuid::Uuid;

const DEFAULT_PAGE_SIZE: u32 = 20;
const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceView {
    pub volunteer_id: String,
    pub minutes: i64,
    /// 0 until certified.
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityView {
    pub activity_id: String,
    pub district: String,
    pub community: String,
    pub organiser_id: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub duration_minutes: i64,
    pub points_per_hour: i64,
    pub certified: bool,
    pub certified_at: String,
    /// In order of recording; empty in lists.
    pub attendance: Vec<AttendanceView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub community: Option<String>,
    pub certified: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPage {
    pub activities: Vec<ActivityView>,
    pub next_page_token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerKind {
    Earned,
    Redeemed,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub kind: LedgerKind,
    /// Signed change of the balance.
    pub points: i64,
    pub balance_after: i64,
    pub activity_id: String,
    pub redemption_id: String,
    pub item_id: String,
    pub at: String,
    pub position: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsAccountView {
    pub resident_id: String,
    pub district: String,
    pub balance: i64,
    pub earned: i64,
    pub redeemed: i64,
    pub refunded: i64,
    /// Oldest first.
    pub entries: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueItemView {
    pub item_id: String,
    pub district: String,
    pub name: String,
    pub cost: i64,
    pub stock: u32,
}

type ActivityRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    i64,
);

const SELECT_ACTIVITY: &str = "SELECT activity_id, district, community, organiser_id, title, starts_at, ends_at, \
     duration_minutes, points_per_hour, certified, certified_at, planned_position FROM activities";

fn activity(row: ActivityRow) -> ActivityView {
    ActivityView {
        activity_id: row.0,
        district: row.1,
        community: row.2,
        organiser_id: row.3,
        title: row.4,
        starts_at: row.5,
        ends_at: row.6,
        duration_minutes: row.7,
        points_per_hour: row.8,
        certified: row.9 != 0,
        certified_at: row.10,
        attendance: Vec::new(),
    }
}

async fn close(tx: Transaction<'static, Any>) -> Result<(), VolunteeringAppError> {
    tx.commit().await?;
    Ok(())
}

impl VolunteeringApp {
    pub async fn get_activity(
        &self,
        district: &DistrictCode,
        activity_id: Uuid,
        min_position: u64,
    ) -> Result<ActivityView, VolunteeringAppError> {
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        let row: Option<ActivityRow> = sqlx::query_as(&format!(
            "{SELECT_ACTIVITY} WHERE activity_id = $1 AND district = $2"
        ))
        .bind(activity_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let attendance: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT volunteer_id, minutes, points FROM activity_attendance WHERE activity_id = $1 \
             ORDER BY recorded_position, volunteer_id",
        )
        .bind(activity_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        close(tx).await?;
        let mut view = activity(row.ok_or(ParticipationError::NotFound("activity"))?);
        view.attendance = attendance
            .into_iter()
            .map(|(volunteer_id, minutes, points)| AttendanceView {
                volunteer_id,
                minutes,
                points,
            })
            .collect();
        Ok(view)
    }

    /// Newest scheduled first; `after` is the previous page's token.
    pub async fn list_activities(
        &self,
        district: &DistrictCode,
        filter: &ActivityFilter,
        page_size: u32,
        after: Option<i64>,
        min_position: u64,
    ) -> Result<ActivityPage, VolunteeringAppError> {
        let size = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        // '' and -1 switch a filter off, so one statement serves every mix.
        let rows: Vec<ActivityRow> = sqlx::query_as(&format!(
            "{SELECT_ACTIVITY} WHERE district = $1 AND planned_position < $2 \
             AND ($3 = '' OR community = $3) \
             AND (CAST($4 AS BIGINT) = -1 OR certified = CAST($4 AS BIGINT)) \
             ORDER BY planned_position DESC LIMIT $5"
        ))
        .bind(district.as_str())
        .bind(after.unwrap_or(i64::MAX))
        .bind(filter.community.clone().unwrap_or_default())
        .bind(filter.certified.map_or(-1, i64::from))
        .bind(i64::from(size) + 1)
        .fetch_all(&mut *tx)
        .await?;
        close(tx).await?;
        let more = rows.len() > size as usize;
        let rows: Vec<ActivityRow> = rows.into_iter().take(size as usize).collect();
        let next_page_token = match rows.last() {
            Some(last) if more => last.11.to_string(),
            _ => String::new(),
        };
        Ok(ActivityPage {
            activities: rows.into_iter().map(activity).collect(),
            next_page_token,
        })
    }

    /// A resident's account in this district; balance 0 and no entries when
    /// nothing was ever credited here.
    pub async fn get_points_account(
        &self,
        district: &DistrictCode,
        resident_id: Uuid,
        min_position: u64,
    ) -> Result<PointsAccountView, VolunteeringAppError> {
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        let totals: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT balance, earned, redeemed, refunded FROM points_accounts WHERE resident_id = $1 AND district = $2",
        )
        .bind(resident_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        type LedgerRow = (String, i64, i64, String, String, String, String, i64);
        let rows: Vec<LedgerRow> = match totals {
            Some(_) => {
                sqlx::query_as(
                    "SELECT kind, points, balance_after, activity_id, redemption_id, item_id, at, position \
                     FROM points_ledger WHERE resident_id = $1 ORDER BY position",
                )
                .bind(resident_id.to_string())
                .fetch_all(&mut *tx)
                .await?
            }
            None => Vec::new(),
        };
        close(tx).await?;
        let (balance, earned, redeemed, refunded) = totals.unwrap_or_default();
        let entries = rows
            .into_iter()
            .map(|row| LedgerEntry {
                kind: match row.0.as_str() {
                    EARNED => LedgerKind::Earned,
                    REDEEMED => LedgerKind::Redeemed,
                    REFUNDED => LedgerKind::Refunded,
                    // Only the projection writes this column.
                    _ => LedgerKind::Earned,
                },
                points: row.1,
                balance_after: row.2,
                activity_id: row.3,
                redemption_id: row.4,
                item_id: row.5,
                at: row.6,
                position: u64::try_from(row.7).unwrap_or_default(),
            })
            .collect();
        Ok(PointsAccountView {
            resident_id: resident_id.to_string(),
            district: district.to_string(),
            balance,
            earned,
            redeemed,
            refunded,
            entries,
        })
    }

    /// Every item of the district's catalogue, by name.
    pub async fn list_catalogue(
        &self,
        district: &DistrictCode,
        min_position: u64,
    ) -> Result<Vec<CatalogueItemView>, VolunteeringAppError> {
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT item_id, district, name, cost, stock FROM reward_items WHERE district = $1 ORDER BY name, item_id",
        )
        .bind(district.as_str())
        .fetch_all(&mut *tx)
        .await?;
        close(tx).await?;
        Ok(rows
            .into_iter()
            .map(|(item_id, district, name, cost, stock)| CatalogueItemView {
                item_id,
                district,
                name,
                cost,
                stock: u32::try_from(stock).unwrap_or_default(),
            })
            .collect())
    }
}
