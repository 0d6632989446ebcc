//! `notices`: a district's notices, newest first.

use crate::domain::NoticeEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct NoticesProjection;

#[async_trait::async_trait]
impl Projection for NoticesProjection {
    fn name(&self) -> &'static str {
        "notices"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("platform", &["notice"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/notices/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/notices/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = NoticeEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            NoticeEvent::Published(published) => {
                sqlx::query(
                    "INSERT INTO notices (notice_id, district, title, body, published_by, published_at, published_position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (notice_id) DO NOTHING",
                )
                .bind(published.notice_id)
                .bind(published.district)
                .bind(published.title)
                .bind(published.body)
                .bind(published.published_by)
                .bind(event.recorded_at.to_rfc3339())
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            NoticeEvent::Withdrawn(withdrawn) => {
                sqlx::query(
                    "UPDATE notices SET withdrawn = 1, withdrawn_reason = $1 WHERE notice_id = $2",
                )
                .bind(withdrawn.reason)
                .bind(withdrawn.notice_id)
                .execute(&mut *connection)
                .await?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    pub notice_id: String,
    pub district: String,
    pub title: String,
    pub body: String,
    pub published_by: String,
    pub published_at: String,
    pub withdrawn: bool,
    pub withdrawn_reason: String,
}

type Row = (String, String, String, String, String, String, i64, String);

pub async fn list_notices(
    handle: &ProjectionHandle,
    district: &str,
    include_withdrawn: bool,
) -> Result<Vec<NoticeRow>, ProjectionError> {
    let mut tx = handle.read().await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT notice_id, district, title, body, published_by, published_at, withdrawn, withdrawn_reason \
         FROM notices WHERE district = $1 AND ($2 = 1 OR withdrawn = 0) \
         ORDER BY published_position DESC LIMIT 500",
    )
    .bind(district)
    .bind(i64::from(include_withdrawn))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                notice_id,
                district,
                title,
                body,
                published_by,
                published_at,
                withdrawn,
                withdrawn_reason,
            )| NoticeRow {
                notice_id,
                district,
                title,
                body,
                published_by,
                published_at,
                withdrawn: withdrawn != 0,
                withdrawn_reason,
            },
        )
        .collect())
}
