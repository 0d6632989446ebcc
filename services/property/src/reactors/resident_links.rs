//! Residents the property context knows of (`property_resident_links`), so
//! an owner can be linked to a registered resident without calling the
//! residents context.
//!
//! Contract: consumes the residents context's `resident` streams
//! (`ResidentRegistered`, `ResidentMovedOut`, `ResidentMovedIn`,
//! `DwellingChanged`, `ResidentDataErased`) from its own durable consumer
//! with its checkpoint in the same transaction, like a projection, so it can
//! be rebuilt from the store. It keeps ids and codes only: no sealed field
//! is ever read, so erasure leaves nothing personal here and the link shows
//! "erased" by id. An erased resident stays erased whatever follows.

use crate::app::{AppError, PropertyApp};
use crate::domain::owner_link::{ResidentStanding, check_owner_link, standing};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, Transaction};
use std::collections::HashMap;

pub const RESIDENT_LINKS: &str = "property_resident_links";

pub struct ResidentLinksReactor;

fn decode<M: Message + Default>(event: &RecordedEvent) -> Result<M, ProjectionError> {
    M::decode(event.payload.as_slice())
        .map_err(|e| ProjectionError::apply(RESIDENT_LINKS, event.event_id, e))
}

/// Runs `sql` with `position` as `$1` and `values` as `$2...`; a change
/// of a resident never heard of touches nothing (its registration is the
/// first event of its stream). Placeholders appear in number order, as
/// SQLite binds them by order of appearance.
async fn update(
    connection: &mut AnyConnection,
    sql: &str,
    position: i64,
    values: &[String],
) -> Result<(), ProjectionError> {
    let mut query = sqlx::query(sql).bind(position);
    for value in values {
        query = query.bind(value.clone());
    }
    query.execute(&mut *connection).await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for ResidentLinksReactor {
    fn name(&self) -> &'static str {
        RESIDENT_LINKS
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["resident"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/resident_links/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/resident_links/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(RESIDENT_LINKS, event.event_id, e))?;
        match event.short_type() {
            "ResidentRegistered" => {
                let e: residents::ResidentRegistered = decode(event)?;
                sqlx::query(
                    "INSERT INTO known_residents (resident_id, district, community, position) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (resident_id) DO NOTHING",
                )
                .bind(e.resident_id)
                .bind(e.district)
                .bind(e.community)
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            "ResidentMovedOut" => {
                let e: residents::ResidentMovedOut = decode(event)?;
                update(
                    connection,
                    "UPDATE known_residents SET position = $1, moved_out = 1 WHERE resident_id = $2",
                    position,
                    &[e.resident_id],
                )
                .await?;
            }
            "ResidentMovedIn" => {
                let e: residents::ResidentMovedIn = decode(event)?;
                update(
                    connection,
                    "UPDATE known_residents SET position = $1, moved_out = 0, community = $2 WHERE resident_id = $3",
                    position,
                    &[e.community, e.resident_id],
                )
                .await?;
            }
            "DwellingChanged" => {
                let e: residents::DwellingChanged = decode(event)?;
                update(
                    connection,
                    "UPDATE known_residents SET position = $1, community = $2 WHERE resident_id = $3",
                    position,
                    &[e.community, e.resident_id],
                )
                .await?;
            }
            "ResidentDataErased" => {
                let e: residents::ResidentDataErased = decode(event)?;
                update(
                    connection,
                    "UPDATE known_residents SET position = $1, erased = 1 WHERE resident_id = $2",
                    position,
                    &[e.resident_id],
                )
                .await?;
            }
            // Contact details and needs tags say nothing about standing.
            _ => {}
        }
        Ok(())
    }
}

/// The standing of each of `ids` in `district`; an id registered in another
/// district reads as not known.
pub(crate) async fn standings(
    tx: &mut Transaction<'static, Any>,
    district: &str,
    ids: &[String],
) -> Result<HashMap<String, ResidentStanding>, AppError> {
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT moved_out, erased FROM known_residents WHERE resident_id = $1 AND district = $2",
        )
        .bind(id.clone())
        .bind(district)
        .fetch_optional(&mut **tx)
        .await?;
        out.insert(
            id.clone(),
            standing(row.map(|(moved, erased)| (moved != 0, erased != 0))),
        );
    }
    Ok(out)
}

impl PropertyApp {
    /// Refuses linking `resident_id` as an owner unless the resident is
    /// registered and living in `district`, once this context has learnt of
    /// the residents context's events up to `min_position`.
    pub async fn check_owner_resident(
        &self,
        district: &DistrictCode,
        resident_id: &str,
        min_position: u64,
    ) -> Result<(), AppError> {
        let mut tx = self
            .read_after(&self.read_models.resident_links, min_position)
            .await?;
        let ids = [resident_id.to_owned()];
        let found = standings(&mut tx, district.as_str(), &ids).await?;
        tx.commit().await?;
        let standing = found
            .get(resident_id)
            .copied()
            .unwrap_or(ResidentStanding::NotKnown);
        check_owner_link(resident_id, standing)
            .map_err(|e| AppError::refused(e.reason(), e.to_string()))
    }
}
