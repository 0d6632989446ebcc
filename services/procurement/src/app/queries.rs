//! Queries over the `procurement` read model of one district, with
//! read-your-writes through `min_position`.

use super::{AppError, ProcurementApp};
use crate::domain::purchase::Satisfaction;
use gongzhi_kernel::DistrictCode;
use sqlx::{Any, Transaction};

/// Residents' ratings of the service bought by `purchase_id`, exactly.
pub(crate) async fn satisfaction(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    purchase_id: &str,
) -> Result<Satisfaction, sqlx::Error> {
    let (count, star_sum): (i64, i64) = sqlx::query_as(
        // PostgreSQL sums BIGINT as NUMERIC; the cast keeps one row type for both backends.
        "SELECT COUNT(*), CAST(COALESCE(SUM(stars), 0) AS BIGINT) FROM service_ratings \
         WHERE district = $1 AND subject_id = $2",
    )
    .bind(district.as_str())
    .bind(purchase_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Satisfaction {
        count: unsigned(count),
        star_sum: unsigned(star_sum),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderContractView {
    pub purchase_id: String,
    pub contract_id: String,
    pub amount_fen: u64,
    pub evaluated: bool,
    pub evaluation_score: u32,
    pub evaluator: i32,
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderView {
    pub provider_id: String,
    pub district: String,
    pub social_credit_code: String,
    pub name: String,
    pub kind: i32,
    pub qualifications: Vec<String>,
    pub contact: String,
    pub contracts: Vec<ProviderContractView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueItemView {
    pub item_code: String,
    pub name: String,
    pub nature: i32,
    pub stable: bool,
    pub dispatchable: bool,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseView {
    pub purchase_id: String,
    pub district: String,
    pub title: String,
    pub item_code: String,
    pub method: i32,
    pub budget_fen: u64,
    pub phase: String,
    pub deadline: String,
    pub bid_count: u32,
    pub awarded_provider_id: String,
    pub contract_id: String,
    pub contract_amount_fen: u64,
    pub paid_fen: u64,
    pub evaluated: bool,
    pub evaluation_score: u32,
    /// Residents' ratings of this service so far.
    pub satisfaction: Satisfaction,
    pub grid: GridWork,
}

/// Grid cases dispatched to the provider of a dispatchable service during
/// its contract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GridWork {
    pub dispatchable: bool,
    pub starts_on: String,
    pub ends_on: String,
    pub dispatched: u32,
    pub closed: u32,
}

async fn grid_work(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    purchase_id: &str,
    provider_id: &str,
) -> Result<GridWork, sqlx::Error> {
    let (dispatchable, starts_on, ends_on): (i64, String, String) = sqlx::query_as(
        "SELECT dispatchable, starts_on, ends_on FROM purchases WHERE purchase_id = $1",
    )
    .bind(purchase_id)
    .fetch_one(&mut **tx)
    .await?;
    if dispatchable == 0 || provider_id.is_empty() || starts_on.is_empty() {
        return Ok(GridWork {
            dispatchable: dispatchable != 0,
            starts_on,
            ends_on,
            ..GridWork::default()
        });
    }
    let (dispatched, closed): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(closed), 0) AS BIGINT) FROM unit_cases \
         WHERE district = $1 AND unit_id = $2 AND returned = 0 AND dispatched_on >= $3 AND dispatched_on <= $4",
    )
    .bind(district.as_str())
    .bind(provider_id)
    .bind(starts_on.as_str())
    .bind(ends_on.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(GridWork {
        dispatchable: true,
        starts_on,
        ends_on,
        dispatched: small(dispatched),
        closed: small(closed),
    })
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn small(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn enum_number(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(0)
}

type ProviderRow = (String, String, String, String, i64, String, String);
type ContractRow = (String, String, i64, i64, i64, i64, i64, i64);
type CatalogueRow = (String, String, i64, i64, i64, i64);
type PurchaseRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
);

impl ProcurementApp {
    pub async fn provider<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        provider_id: &str,
        min_position: u64,
    ) -> Result<ProviderView, AppError<E>> {
        let mut tx = self.read_after::<E>(min_position).await?;
        let row: Option<ProviderRow> = sqlx::query_as(
            "SELECT provider_id, district, social_credit_code, name, kind, qualifications, contact FROM providers \
             WHERE district = $1 AND provider_id = $2",
        )
        .bind(district.as_str())
        .bind(provider_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((provider_id, district_code, code, name, kind, qualifications, contact)) = row
        else {
            return Err(AppError::NotFound("provider"));
        };
        let contracts: Vec<ContractRow> = sqlx::query_as(
            "SELECT purchase_id, contract_id, amount_fen, evaluated, evaluation_score, evaluator, satisfaction_count, \
             satisfaction_star_sum FROM provider_contracts \
             WHERE district = $1 AND provider_id = $2 ORDER BY position",
        )
        .bind(district.as_str())
        .bind(provider_id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        Ok(ProviderView {
            provider_id,
            district: district_code,
            social_credit_code: code,
            name,
            kind: enum_number(kind),
            qualifications: qualifications.lines().map(str::to_owned).collect(),
            contact,
            contracts: contracts
                .into_iter()
                .map(|c| ProviderContractView {
                    purchase_id: c.0,
                    contract_id: c.1,
                    amount_fen: unsigned(c.2),
                    evaluated: c.3 != 0,
                    evaluation_score: small(c.4),
                    evaluator: enum_number(c.5),
                    satisfaction: Satisfaction {
                        count: unsigned(c.6),
                        star_sum: unsigned(c.7),
                    },
                })
                .collect(),
        })
    }

    pub async fn catalogue_items<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        min_position: u64,
    ) -> Result<Vec<CatalogueItemView>, AppError<E>> {
        let mut tx = self.read_after::<E>(min_position).await?;
        let rows: Vec<CatalogueRow> = sqlx::query_as(
            "SELECT item_code, name, nature, stable, dispatchable, withdrawn FROM catalogue_items \
             WHERE district = $1 ORDER BY item_code",
        )
        .bind(district.as_str())
        .fetch_all(&mut *tx)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(item_code, name, nature, stable, dispatchable, withdrawn)| CatalogueItemView {
                    item_code,
                    name,
                    nature: enum_number(nature),
                    stable: stable != 0,
                    dispatchable: dispatchable != 0,
                    withdrawn: withdrawn != 0,
                },
            )
            .collect())
    }

    pub async fn purchase<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        purchase_id: &str,
        min_position: u64,
    ) -> Result<PurchaseView, AppError<E>> {
        let mut tx = self.read_after::<E>(min_position).await?;
        let row: Option<PurchaseRow> = sqlx::query_as(
            "SELECT purchase_id, district, title, item_code, method, budget_fen, phase, deadline, bid_count, \
             awarded_provider_id, contract_id, contract_amount_fen, paid_fen, evaluated, evaluation_score \
             FROM purchases WHERE district = $1 AND purchase_id = $2",
        )
        .bind(district.as_str())
        .bind(purchase_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(r) = row else {
            return Err(AppError::NotFound("purchase"));
        };
        let satisfaction = satisfaction(&mut tx, district, purchase_id).await?;
        let grid = grid_work(&mut tx, district, purchase_id, &r.9).await?;
        Ok(PurchaseView {
            purchase_id: r.0,
            district: r.1,
            title: r.2,
            item_code: r.3,
            method: enum_number(r.4),
            budget_fen: unsigned(r.5),
            phase: r.6,
            deadline: r.7,
            bid_count: small(r.8),
            awarded_provider_id: r.9,
            contract_id: r.10,
            contract_amount_fen: unsigned(r.11),
            paid_fen: unsigned(r.12),
            evaluated: r.13 != 0,
            evaluation_score: small(r.14),
            satisfaction,
            grid,
        })
    }
}
