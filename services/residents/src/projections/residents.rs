//! `residents`: one row per resident with sealed personal fields, plus the
//! needs tags (opened here, deleted on erasure) for listing and counting.

use crate::app::sealing::{NEEDS_TAGS, decode_tags};
use crate::domain::ResidentEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_privacy::{Opened, Sealed, SubjectId, Vault};
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct ResidentsProjection {
    vault: Vault,
}

impl ResidentsProjection {
    pub fn new(vault: Vault) -> Self {
        Self { vault }
    }

    /// Needs tags in clear, or none when the resident was erased.
    async fn open_tags(
        &self,
        resident_id: &str,
        sealed: Option<&pb::SealedValue>,
        event: &RecordedEvent,
    ) -> Result<Vec<pb::NeedsTag>, ProjectionError> {
        let fail = |reason: String| ProjectionError::apply(self.name(), event.event_id, reason);
        let Some(sealed) = sealed else {
            return Ok(Vec::new());
        };
        let subject = SubjectId::parse(resident_id).map_err(|e| fail(e.to_string()))?;
        let sealed = Sealed::from_bytes(&sealed.ciphertext).map_err(|e| fail(e.to_string()))?;
        // A key-store outage is retryable (the runtime redelivers); only a
        // value that cannot be decrypted at all is this event's fault.
        match self.vault.open(&subject, NEEDS_TAGS, &sealed).await {
            Ok(Opened::Plain(bytes)) => Ok(decode_tags(&String::from_utf8_lossy(&bytes))),
            Ok(Opened::Erased) => Ok(Vec::new()),
            Err(error) => Err(ProjectionError::Database(sqlx::Error::Protocol(format!(
                "privacy vault: {error}"
            )))),
        }
    }
}

fn blob(value: &Option<pb::SealedValue>) -> Option<Vec<u8>> {
    value.as_ref().map(|v| v.ciphertext.clone())
}

#[async_trait::async_trait]
impl Projection for ResidentsProjection {
    fn name(&self) -> &'static str {
        "residents"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["resident"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/residents/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/residents/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = ResidentEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            ResidentEvent::Registered(e) => {
                sqlx::query(
                    "INSERT INTO residents (resident_id, district, community, grid, residency, sex, birth_year, name, id_number, phone, dwelling) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (resident_id) DO NOTHING",
                )
                .bind(e.resident_id.clone())
                .bind(e.district.clone())
                .bind(e.community.clone())
                .bind(e.grid.clone())
                .bind(i64::from(e.residency))
                .bind(i64::from(e.sex))
                .bind(i64::from(e.birth_year))
                .bind(blob(&e.name))
                .bind(blob(&e.id_number))
                .bind(blob(&e.phone))
                .bind(blob(&e.dwelling))
                .execute(&mut *connection)
                .await?;
            }
            ResidentEvent::MovedOut(e) => {
                sqlx::query("UPDATE residents SET moved_out = 1 WHERE resident_id = $1")
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            ResidentEvent::MovedIn(e) => {
                sqlx::query("UPDATE residents SET moved_out = 0, community = $1, grid = $2, dwelling = $3 WHERE resident_id = $4")
                    .bind(e.community.clone())
                    .bind(e.grid.clone())
                    .bind(blob(&e.dwelling))
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            ResidentEvent::DwellingChanged(e) => {
                sqlx::query("UPDATE residents SET community = $1, grid = $2, dwelling = $3 WHERE resident_id = $4")
                    .bind(e.community.clone())
                    .bind(e.grid.clone())
                    .bind(blob(&e.dwelling))
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            ResidentEvent::ContactDetailsUpdated(e) => {
                sqlx::query("UPDATE residents SET phone = $1 WHERE resident_id = $2")
                    .bind(blob(&e.phone))
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            ResidentEvent::NeedsTagsChanged(e) => {
                let tags = self
                    .open_tags(&e.resident_id, e.tags.as_ref(), event)
                    .await?;
                sqlx::query("DELETE FROM resident_tags WHERE resident_id = $1")
                    .bind(e.resident_id.clone())
                    .execute(&mut *connection)
                    .await?;
                for tag in tags {
                    sqlx::query("INSERT INTO resident_tags (resident_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(e.resident_id.clone())
                        .bind(i64::from(tag as i32))
                        .execute(&mut *connection)
                        .await?;
                }
            }
            ResidentEvent::DataErased(e) => {
                sqlx::query(
                    "UPDATE residents SET erased = 1, name = NULL, id_number = NULL, phone = NULL, dwelling = NULL WHERE resident_id = $1",
                )
                .bind(e.resident_id.clone())
                .execute(&mut *connection)
                .await?;
                sqlx::query("DELETE FROM resident_tags WHERE resident_id = $1")
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        Ok(())
    }
}
