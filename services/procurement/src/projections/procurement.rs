//! `procurement`: providers with their contract history, the catalogue of
//! each district, a summary of each purchase, and venture rounds with their
//! projects ([`super::venture`]).
//!
//! Contract: built from the events of streams `provider`, `catalogue`,
//! `purchase` and `ventureround`, and from the residents context's
//! `RatingGiven` of services (stream `rating`) and the grids context's case
//! dispatches, returns and closures ([`super::grid_cases`]); each event is applied once (the checkpoint moves in the same
//! transaction), and rows are keyed by their ids so a replay rebuilds the
//! same tables.

use crate::app::{CATALOGUE_CATEGORY, PROVIDER_CATEGORY, PURCHASE_CATEGORY, VENTURE_CATEGORY};
use crate::domain::catalogue::CatalogueEvent;
use crate::domain::provider::ProviderEvent;
use crate::domain::purchase::PurchaseEvent;
use crate::domain::venture::VentureEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub const PROCUREMENT_PROJECTION: &str = "procurement";

pub struct ProcurementProjection;

fn fen(value: u64) -> i64 {
    // Amounts are bounded by scoring::MAX_FEN, far below i64::MAX.
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn flag(value: bool) -> i64 {
    i64::from(value)
}

async fn provider(connection: &mut AnyConnection, event: ProviderEvent) -> Result<(), sqlx::Error> {
    match event {
        ProviderEvent::Registered(e) => {
            sqlx::query(
                "INSERT INTO providers (provider_id, district, social_credit_code, name, kind, qualifications, contact) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider_id) DO NOTHING",
            )
            .bind(e.provider_id)
            .bind(e.district)
            .bind(e.social_credit_code)
            .bind(e.name)
            .bind(i64::from(e.kind))
            .bind(e.qualifications.join("\n"))
            .bind(e.contact)
            .execute(connection)
            .await?;
        }
        ProviderEvent::QualificationsUpdated(e) => {
            sqlx::query("UPDATE providers SET qualifications = $1 WHERE provider_id = $2")
                .bind(e.qualifications.join("\n"))
                .bind(e.provider_id)
                .execute(connection)
                .await?;
        }
    }
    Ok(())
}

async fn catalogue(
    connection: &mut AnyConnection,
    event: CatalogueEvent,
) -> Result<(), sqlx::Error> {
    match event {
        CatalogueEvent::ItemPublished(e) => {
            sqlx::query(
                "INSERT INTO catalogue_items (district, item_code, name, nature, stable, dispatchable, withdrawn) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (district, item_code) DO NOTHING",
            )
            .bind(e.district)
            .bind(e.item_code)
            .bind(e.name)
            .bind(i64::from(e.nature))
            .bind(flag(e.stable))
            .bind(flag(e.dispatchable))
            .execute(connection)
            .await?;
        }
        CatalogueEvent::ItemWithdrawn(e) => {
            sqlx::query(
                "UPDATE catalogue_items SET withdrawn = 1 WHERE district = $1 AND item_code = $2",
            )
            .bind(e.district)
            .bind(e.item_code)
            .execute(connection)
            .await?;
        }
    }
    Ok(())
}

async fn set_phase(
    connection: &mut AnyConnection,
    purchase_id: &str,
    phase: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE purchases SET phase = $1 WHERE purchase_id = $2")
        .bind(phase)
        .bind(purchase_id)
        .execute(connection)
        .await?;
    Ok(())
}

async fn purchase(
    connection: &mut AnyConnection,
    event: PurchaseEvent,
    position: i64,
) -> Result<(), sqlx::Error> {
    match event {
        PurchaseEvent::Planned(e) => {
            sqlx::query(
                "INSERT INTO purchases (purchase_id, district, title, item_code, method, budget_fen, phase, deadline, bid_count, \
                 awarded_provider_id, contract_id, contract_amount_fen, paid_fen, evaluated, evaluation_score, dispatchable, starts_on, ends_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'PLANNED', '', 0, '', '', 0, 0, 0, 0, 0, '', '') ON CONFLICT (purchase_id) DO NOTHING",
            )
            .bind(e.purchase_id)
            .bind(e.district)
            .bind(e.title)
            .bind(e.item_code)
            .bind(i64::from(e.method))
            .bind(fen(e.budget_fen))
            .execute(connection)
            .await?;
        }
        PurchaseEvent::TenderPublished(e) => {
            sqlx::query(
                "UPDATE purchases SET phase = 'TENDERING', deadline = $1 WHERE purchase_id = $2",
            )
            .bind(e.deadline)
            .bind(e.purchase_id)
            .execute(connection)
            .await?;
        }
        PurchaseEvent::BidSubmitted(e) => {
            sqlx::query("UPDATE purchases SET bid_count = bid_count + 1 WHERE purchase_id = $1")
                .bind(e.purchase_id)
                .execute(connection)
                .await?;
        }
        PurchaseEvent::Scored(e) => set_phase(connection, &e.purchase_id, "SCORED").await?,
        PurchaseEvent::Awarded(e) => {
            sqlx::query("UPDATE purchases SET phase = 'AWARDED', awarded_provider_id = $1 WHERE purchase_id = $2")
                .bind(e.provider_id)
                .bind(e.purchase_id)
                .execute(connection)
                .await?;
        }
        PurchaseEvent::ChallengeResolved(e) if e.upheld => {
            sqlx::query("UPDATE purchases SET phase = 'SCORED', awarded_provider_id = '' WHERE purchase_id = $1")
                .bind(e.purchase_id)
                .execute(connection)
                .await?;
        }
        PurchaseEvent::ContractSigned(e) => {
            sqlx::query(
                "UPDATE purchases SET phase = 'CONTRACTED', contract_id = $1, contract_amount_fen = $2, \
                 dispatchable = $3, starts_on = $4, ends_on = $5 WHERE purchase_id = $6",
            )
            .bind(e.contract_id.clone())
            .bind(fen(e.amount_fen))
            .bind(flag(e.dispatchable))
            .bind(e.starts_on.clone())
            .bind(e.ends_on.clone())
            .bind(e.purchase_id.clone())
            .execute(&mut *connection)
            .await?;
            sqlx::query(
                "INSERT INTO provider_contracts (purchase_id, provider_id, district, contract_id, amount_fen, evaluated, evaluation_score, evaluator, \
                 satisfaction_count, satisfaction_star_sum, position) \
                 VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, $6) ON CONFLICT (purchase_id) DO NOTHING",
            )
            .bind(e.purchase_id)
            .bind(e.provider_id)
            .bind(e.district)
            .bind(e.contract_id)
            .bind(fen(e.amount_fen))
            .bind(position)
            .execute(connection)
            .await?;
        }
        PurchaseEvent::Evaluated(e) => {
            let score = i64::from(e.score);
            sqlx::query(
                "UPDATE purchases SET evaluated = 1, evaluation_score = $1 WHERE purchase_id = $2",
            )
            .bind(score)
            .bind(e.purchase_id.clone())
            .execute(&mut *connection)
            .await?;
            sqlx::query(
                "UPDATE provider_contracts SET evaluated = 1, evaluation_score = $1, evaluator = $2, \
                 satisfaction_count = $3, satisfaction_star_sum = $4 WHERE purchase_id = $5",
            )
            .bind(score)
            .bind(i64::from(e.evaluator))
            .bind(fen(e.satisfaction_count))
            .bind(fen(e.satisfaction_star_sum))
            .bind(e.purchase_id)
            .execute(connection)
            .await?;
        }
        PurchaseEvent::PaymentMade(e) => {
            let phase_if_done = if e.contract_completed {
                "COMPLETED"
            } else {
                "CONTRACTED"
            };
            sqlx::query(
                "UPDATE purchases SET paid_fen = paid_fen + $1, phase = $2 WHERE purchase_id = $3",
            )
            .bind(fen(e.amount_fen))
            .bind(phase_if_done)
            .bind(e.purchase_id)
            .execute(connection)
            .await?;
        }
        PurchaseEvent::QualificationReviewed(_)
        | PurchaseEvent::Challenged(_)
        | PurchaseEvent::ChallengeResolved(_)
        | PurchaseEvent::Monitored(_)
        | PurchaseEvent::MilestoneDelivered(_) => {}
    }
    Ok(())
}

/// Residents' ratings come from the residents context's public contract
/// (the proto message), not from its crate.
const RATING_CATEGORY: &str = "rating";
const RATING_GIVEN: &str = "gongzhi.residents.v1.RatingGiven";

#[derive(Debug, thiserror::Error)]
enum RatingError {
    #[error(transparent)]
    Decode(#[from] prost::DecodeError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

async fn service_rating(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), RatingError> {
    if event.event_type != RATING_GIVEN {
        return Ok(());
    }
    let rating = <residents::RatingGiven as prost::Message>::decode(event.payload.as_slice())?;
    if rating.subject_kind != residents::RatingSubjectKind::Service as i32 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO service_ratings (rating_id, district, subject_id, stars) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (rating_id) DO NOTHING",
    )
    .bind(rating.rating_id)
    .bind(rating.district)
    .bind(rating.subject_id)
    .bind(i64::from(rating.stars))
    .execute(connection)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for ProcurementProjection {
    fn name(&self) -> &'static str {
        PROCUREMENT_PROJECTION
    }

    fn sources(&self) -> Vec<Source> {
        vec![
            Source::new(
                crate::CONTEXT,
                &[
                    PROVIDER_CATEGORY,
                    CATALOGUE_CATEGORY,
                    PURCHASE_CATEGORY,
                    VENTURE_CATEGORY,
                ],
            ),
            Source::new("residents", &[RATING_CATEGORY]),
            Source::new("grids", &[super::grid_cases::CASE_CATEGORY]),
        ]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/procurement/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/procurement/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let failed = |e: &dyn std::fmt::Display| {
            ProjectionError::apply(self.name(), event.event_id, e.to_string())
        };
        let position = i64::try_from(event.position).map_err(|e| failed(&e))?;
        match event.stream.category() {
            PROVIDER_CATEGORY => {
                let decoded = ProviderEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                provider(connection, decoded).await?;
            }
            CATALOGUE_CATEGORY => {
                let decoded = CatalogueEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                catalogue(connection, decoded).await?;
            }
            PURCHASE_CATEGORY => {
                let decoded = PurchaseEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                purchase(connection, decoded, position).await?;
            }
            VENTURE_CATEGORY => {
                let decoded = VentureEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                super::venture::apply(connection, decoded, position).await?;
            }
            RATING_CATEGORY => service_rating(connection, event)
                .await
                .map_err(|e| failed(&e))?,
            super::grid_cases::CASE_CATEGORY => super::grid_cases::apply(connection, event)
                .await
                .map_err(|e| failed(&e))?,
            _ => {}
        }
        Ok(())
    }
}
