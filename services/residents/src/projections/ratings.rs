//! `ratings`: every satisfaction rating with its subject, rater, stars and
//! comment, for summaries per subject and lists per subject or community.
//!
//! Contract: built only from `RatingGiven` (stream category `rating`), one
//! row per rating id; a redelivered event changes nothing.

use crate::domain::participation::ratings::RatingEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct RatingsProjection;

#[async_trait::async_trait]
impl Projection for RatingsProjection {
    fn name(&self) -> &'static str {
        "ratings"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["rating"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/ratings/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/ratings/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let RatingEvent::Given(e) = RatingEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        sqlx::query(
            "INSERT INTO ratings (rating_id, district, community, subject_kind, subject_id, rater, stars, comment, rated_at, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (rating_id) DO NOTHING",
        )
        .bind(e.rating_id)
        .bind(e.district)
        .bind(e.community)
        .bind(i64::from(e.subject_kind))
        .bind(e.subject_id)
        .bind(e.rater)
        .bind(i64::from(e.stars))
        .bind(e.comment)
        .bind(e.rated_at)
        .bind(position)
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}
