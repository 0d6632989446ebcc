//! `property_fund`: each estate's maintenance fund balance, approved uses
//! with what they have left, and the ledger of deposits and spendings.
//!
//! Contract: built from `fund` streams only. Balances are taken from the
//! events (which carry the balance after them), never summed here, so the
//! read model shows exactly what the ledger decided.

use super::{decode, fen, position};
use crate::domain::FundEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::property::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct FundProjection;

const NAME: &str = "property_fund";

struct Entry {
    entry_id: String,
    estate_id: String,
    district: String,
    kind: pb::FundEntryKind,
    amount_fen: u64,
    balance_fen: u64,
    on: String,
    unit_id: String,
    approval_id: String,
    payee: String,
}

async fn entry(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
    e: Entry,
) -> Result<(), ProjectionError> {
    let balance = fen(NAME, event, e.balance_fen)?;
    sqlx::query(
        "INSERT INTO fund_entries (entry_id, estate_id, district, kind, amount_fen, balance_fen, entry_on, unit_id, approval_id, payee, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (entry_id) DO NOTHING",
    )
    .bind(e.entry_id)
    .bind(e.estate_id.clone())
    .bind(e.district.clone())
    .bind(i64::from(e.kind as i32))
    .bind(fen(NAME, event, e.amount_fen)?)
    .bind(balance)
    .bind(e.on)
    .bind(e.unit_id)
    .bind(e.approval_id)
    .bind(e.payee)
    .bind(position(NAME, event)?)
    .execute(&mut *connection)
    .await?;
    sqlx::query(
        "INSERT INTO fund_balances (estate_id, district, balance_fen) VALUES ($1, $2, $3) \
         ON CONFLICT (estate_id) DO UPDATE SET balance_fen = excluded.balance_fen",
    )
    .bind(e.estate_id)
    .bind(e.district)
    .bind(balance)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for FundProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(crate::CONTEXT, &[crate::app::FUND_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/fund/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/fund/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match decode::<FundEvent>(NAME, event)? {
            FundEvent::Deposited(e) => {
                let deposit = Entry {
                    entry_id: e.deposit_id,
                    estate_id: e.estate_id,
                    district: e.district,
                    kind: pb::FundEntryKind::Deposit,
                    amount_fen: e.amount_fen,
                    balance_fen: e.balance_fen,
                    on: e.deposited_on,
                    unit_id: e.unit_id,
                    approval_id: String::new(),
                    payee: String::new(),
                };
                entry(connection, event, deposit).await?;
            }
            FundEvent::UseApproved(e) => {
                let vote = e.vote.unwrap_or_default();
                let amount = fen(NAME, event, e.amount_fen)?;
                sqlx::query(
                    "INSERT INTO fund_approvals (approval_id, estate_id, district, assembly_id, matter_id, amount_fen, remaining_fen, purpose, approved_on, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (approval_id) DO NOTHING",
                )
                .bind(e.approval_id)
                .bind(e.estate_id)
                .bind(e.district)
                .bind(vote.assembly_id)
                .bind(vote.matter_id)
                .bind(amount)
                .bind(amount)
                .bind(e.purpose)
                .bind(e.approved_on)
                .bind(position(NAME, event)?)
                .execute(&mut *connection)
                .await?;
            }
            FundEvent::Spent(e) => {
                sqlx::query("UPDATE fund_approvals SET remaining_fen = $1 WHERE approval_id = $2")
                    .bind(fen(NAME, event, e.approval_remaining_fen)?)
                    .bind(e.approval_id.clone())
                    .execute(&mut *connection)
                    .await?;
                let spending = Entry {
                    entry_id: e.spending_id,
                    estate_id: e.estate_id,
                    district: e.district,
                    kind: pb::FundEntryKind::Spending,
                    amount_fen: e.amount_fen,
                    balance_fen: e.balance_fen,
                    on: e.spent_on,
                    unit_id: String::new(),
                    approval_id: e.approval_id,
                    payee: e.payee,
                };
                entry(connection, event, spending).await?;
            }
        }
        Ok(())
    }
}
