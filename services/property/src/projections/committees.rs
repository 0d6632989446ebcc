//! `property_committees`: each owners' committee with its members, due
//! date, filing and late flag.
//!
//! Contract: built from `committee` streams only; one plain write per
//! event. After each applied event it wakes the [`Notify`] given by
//! [`CommitteesProjection::wake`] so the late-filing watcher re-reads; the
//! wake may precede the commit, which is why the watcher also re-reads on a
//! timer.

use super::decode;
use crate::domain::CommitteeEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::sync::Arc;
use tokio::sync::Notify;

const NAME: &str = "property_committees";

#[derive(Default)]
pub struct CommitteesProjection {
    wake: Arc<Notify>,
}

impl CommitteesProjection {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notified after every applied event.
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

#[async_trait::async_trait]
impl Projection for CommitteesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(
            crate::CONTEXT,
            &[crate::app::COMMITTEE_CATEGORY],
        )]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/committees/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/committees/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match decode::<CommitteeEvent>(NAME, event)? {
            CommitteeEvent::Elected(e) => {
                sqlx::query(
                    "INSERT INTO committees (committee_id, estate_id, district, assembly_id, matter_id, members, elected_on, filing_due_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (committee_id) DO NOTHING",
                )
                .bind(e.committee_id)
                .bind(e.estate_id)
                .bind(e.district)
                .bind(e.assembly_id)
                .bind(e.matter_id)
                .bind(e.members.join("\n"))
                .bind(e.elected_on)
                .bind(e.filing_due_on)
                .execute(&mut *connection)
                .await?;
            }
            CommitteeEvent::Filed(e) => {
                sqlx::query(
                    "UPDATE committees SET filed = 1, filed_on = $1, filed_late = $2, housing_authority_ref = $3, \
                     street_office_ref = $4 WHERE committee_id = $5",
                )
                .bind(e.filed_on)
                .bind(i64::from(e.late))
                .bind(e.housing_authority_ref)
                .bind(e.street_office_ref)
                .bind(e.committee_id)
                .execute(&mut *connection)
                .await?;
            }
            CommitteeEvent::FlaggedLate(e) => {
                sqlx::query(
                    "UPDATE committees SET flagged_late = 1, flagged_on = $1 WHERE committee_id = $2",
                )
                .bind(e.flagged_on)
                .bind(e.committee_id)
                .execute(&mut *connection)
                .await?;
            }
        }
        self.wake.notify_one();
        Ok(())
    }
}
