//! `property_contracts`: every contract of an estate with its terms, the
//! vote it relies on and its status, and every fee collected under it.
//!
//! Contract: built from `management` and `propertyfee` streams; one plain
//! write per event.

use super::{decode, fen, position};
use crate::domain::{FeeEvent, ManagementEvent};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::property::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct ContractsProjection;

const NAME: &str = "property_contracts";

struct Signed {
    estate_id: String,
    district: String,
    contract_id: String,
    company_id: String,
    kind: pb::ContractKind,
    terms: pb::ContractTerms,
    signed_on: String,
    vote: pb::VoteReference,
}

async fn signed(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
    s: Signed,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO contracts (contract_id, estate_id, district, kind, company_id, scope, quality, monthly_fee_fen, \
         starts_on, ends_on, liabilities, signed_on, vote_assembly_id, vote_matter_id, status, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT (contract_id) DO NOTHING",
    )
    .bind(s.contract_id)
    .bind(s.estate_id)
    .bind(s.district)
    .bind(i64::from(s.kind as i32))
    .bind(s.company_id)
    .bind(s.terms.scope)
    .bind(s.terms.quality)
    .bind(fen(NAME, event, s.terms.monthly_fee_per_square_metre_fen)?)
    .bind(s.terms.starts_on)
    .bind(s.terms.ends_on)
    .bind(s.terms.liabilities)
    .bind(s.signed_on)
    .bind(s.vote.assembly_id)
    .bind(s.vote.matter_id)
    .bind(i64::from(pb::ContractStatus::Running as i32))
    .bind(position(NAME, event)?)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn management(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    match decode::<ManagementEvent>(NAME, event)? {
        ManagementEvent::PreliminarySigned(e) => {
            let s = Signed {
                estate_id: e.estate_id,
                district: e.district,
                contract_id: e.contract_id,
                company_id: e.company_id,
                kind: pb::ContractKind::Preliminary,
                terms: e.terms.unwrap_or_default(),
                signed_on: e.signed_on,
                vote: pb::VoteReference::default(),
            };
            signed(connection, event, s).await
        }
        ManagementEvent::ServiceSigned(e) => {
            let s = Signed {
                estate_id: e.estate_id,
                district: e.district,
                contract_id: e.contract_id,
                company_id: e.company_id,
                kind: pb::ContractKind::Service,
                terms: e.terms.unwrap_or_default(),
                signed_on: e.signed_on,
                vote: e.vote.unwrap_or_default(),
            };
            signed(connection, event, s).await
        }
        ManagementEvent::PreliminaryEnded(e) => {
            sqlx::query("UPDATE contracts SET status = $1, ended_on = $2 WHERE contract_id = $3")
                .bind(i64::from(pb::ContractStatus::Ended as i32))
                .bind(e.ended_on)
                .bind(e.contract_id)
                .execute(&mut *connection)
                .await?;
            Ok(())
        }
        ManagementEvent::Dismissed(e) => {
            let vote = e.vote.unwrap_or_default();
            sqlx::query(
                "UPDATE contracts SET status = $1, ended_on = $2, dismissal_assembly_id = $3, dismissal_matter_id = $4 \
                 WHERE contract_id = $5",
            )
            .bind(i64::from(pb::ContractStatus::Dismissed as i32))
            .bind(e.dismissed_on)
            .bind(vote.assembly_id)
            .bind(vote.matter_id)
            .bind(e.contract_id)
            .execute(&mut *connection)
            .await?;
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl Projection for ContractsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(
            crate::CONTEXT,
            &[crate::app::MANAGEMENT_CATEGORY, crate::app::FEE_CATEGORY],
        )]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/contracts/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/contracts/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if event.stream.category() == crate::app::MANAGEMENT_CATEGORY {
            return management(connection, event).await;
        }
        let FeeEvent::Collected(e) = decode::<FeeEvent>(NAME, event)?;
        sqlx::query(
            "INSERT INTO contract_fees (fee_id, estate_id, district, unit_id, contract_id, period, amount_fen, collected_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fee_id) DO NOTHING",
        )
        .bind(e.fee_id)
        .bind(e.estate_id)
        .bind(e.district)
        .bind(e.unit_id)
        .bind(e.contract_id)
        .bind(e.period)
        .bind(fen(NAME, event, e.amount_fen)?)
        .bind(e.collected_on)
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}
