//! `wishes`: the district's wish board, one row per wish with its status,
//! claimant and times, from the `wish` streams. The age band is not stored:
//! it depends on when one looks (see `app::wishes`).

use crate::domain::participation::wishes::{WishEvent, WishStatus};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct WishesProjection;

pub(crate) fn status_name(status: WishStatus) -> String {
    match status {
        WishStatus::Open => "OPEN",
        WishStatus::Claimed => "CLAIMED",
        WishStatus::Fulfilled => "FULFILLED",
        WishStatus::Confirmed => "CONFIRMED",
        WishStatus::Withdrawn => "WITHDRAWN",
    }
    .to_owned()
}

/// Only this projection writes the column; anything else reads as open.
pub(crate) fn status_from_name(name: &str) -> WishStatus {
    match name {
        "CLAIMED" => WishStatus::Claimed,
        "FULFILLED" => WishStatus::Fulfilled,
        "CONFIRMED" => WishStatus::Confirmed,
        "WITHDRAWN" => WishStatus::Withdrawn,
        _ => WishStatus::Open,
    }
}

#[async_trait::async_trait]
impl Projection for WishesProjection {
    fn name(&self) -> &'static str {
        "wishes"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["wish"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/wishes/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/wishes/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = WishEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            WishEvent::Posted(e) => {
                sqlx::query(
                    "INSERT INTO wishes (wish_id, district, community, posted_by, text, posted_at, posted_position, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (wish_id) DO NOTHING",
                )
                .bind(e.wish_id)
                .bind(e.district)
                .bind(e.community)
                .bind(e.posted_by)
                .bind(e.text)
                .bind(e.posted_at)
                .bind(position)
                .bind(status_name(WishStatus::Open))
                .execute(&mut *connection)
                .await?;
            }
            WishEvent::Claimed(e) => {
                let claimant = e.claimant.unwrap_or_default();
                sqlx::query(
                    "UPDATE wishes SET status = $1, claimant_kind = $2, claimant_id = $3, claimed_at = $4 WHERE wish_id = $5",
                )
                .bind(status_name(WishStatus::Claimed))
                .bind(i64::from(claimant.kind))
                .bind(claimant.id)
                .bind(e.claimed_at)
                .bind(e.wish_id)
                .execute(&mut *connection)
                .await?;
            }
            WishEvent::Released(e) => {
                sqlx::query(
                    "UPDATE wishes SET status = $1, claimant_kind = 0, claimant_id = '', claimed_at = '' WHERE wish_id = $2",
                )
                .bind(status_name(WishStatus::Open))
                .bind(e.wish_id)
                .execute(&mut *connection)
                .await?;
            }
            WishEvent::Fulfilled(e) => {
                sqlx::query(
                    "UPDATE wishes SET status = $1, note = $2, fulfilled_at = $3 WHERE wish_id = $4",
                )
                .bind(status_name(WishStatus::Fulfilled))
                .bind(e.note)
                .bind(e.fulfilled_at)
                .bind(e.wish_id)
                .execute(&mut *connection)
                .await?;
            }
            WishEvent::Confirmed(e) => {
                sqlx::query("UPDATE wishes SET status = $1, confirmed_at = $2 WHERE wish_id = $3")
                    .bind(status_name(WishStatus::Confirmed))
                    .bind(e.confirmed_at)
                    .bind(e.wish_id)
                    .execute(&mut *connection)
                    .await?;
            }
            WishEvent::Withdrawn(e) => {
                sqlx::query("UPDATE wishes SET status = $1, withdrawn_at = $2 WHERE wish_id = $3")
                    .bind(status_name(WishStatus::Withdrawn))
                    .bind(e.withdrawn_at)
                    .bind(e.wish_id)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        Ok(())
    }
}
