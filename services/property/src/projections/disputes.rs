//! `property_disputes`: each dispute with its parties, mediation,
//! escalation level and outcome.
//!
//! Contract: built from `dispute` streams only; one plain write per event.

use super::decode;
use crate::domain::DisputeEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::property::v1::DisputeStatus;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct DisputesProjection;

const NAME: &str = "property_disputes";

fn status(status: DisputeStatus) -> i64 {
    i64::from(status as i32)
}

#[async_trait::async_trait]
impl Projection for DisputesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(crate::CONTEXT, &[crate::app::DISPUTE_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/disputes/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/disputes/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match decode::<DisputeEvent>(NAME, event)? {
            DisputeEvent::Filed(e) => {
                sqlx::query(
                    "INSERT INTO disputes (dispute_id, estate_id, district, complainant, complainant_id, respondent, respondent_id, subject, filed_on, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (dispute_id) DO NOTHING",
                )
                .bind(e.dispute_id)
                .bind(e.estate_id)
                .bind(e.district)
                .bind(i64::from(e.complainant))
                .bind(e.complainant_id)
                .bind(i64::from(e.respondent))
                .bind(e.respondent_id)
                .bind(e.subject)
                .bind(e.filed_on)
                .bind(status(DisputeStatus::Filed))
                .execute(&mut *connection)
                .await?;
            }
            DisputeEvent::MediationStarted(e) => {
                sqlx::query(
                    "UPDATE disputes SET status = $1, mediator = $2, mediation_started_on = $3 WHERE dispute_id = $4",
                )
                .bind(status(DisputeStatus::InMediation))
                .bind(e.mediator)
                .bind(e.started_on)
                .bind(e.dispute_id)
                .execute(&mut *connection)
                .await?;
            }
            DisputeEvent::Escalated(e) => {
                sqlx::query(
                    "UPDATE disputes SET status = $1, level = $2, escalation_reason = $3 WHERE dispute_id = $4",
                )
                .bind(status(DisputeStatus::Escalated))
                .bind(i64::from(e.level))
                .bind(e.reason)
                .bind(e.dispute_id)
                .execute(&mut *connection)
                .await?;
            }
            DisputeEvent::Resolved(e) => {
                sqlx::query(
                    "UPDATE disputes SET status = $1, outcome = $2, summary = $3, resolved_on = $4 WHERE dispute_id = $5",
                )
                .bind(status(DisputeStatus::Resolved))
                .bind(i64::from(e.outcome))
                .bind(e.summary)
                .bind(e.resolved_on)
                .bind(e.dispute_id)
                .execute(&mut *connection)
                .await?;
            }
        }
        Ok(())
    }
}
