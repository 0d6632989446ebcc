//! `grid_population`: residents per unit grid and needs tags per grid, built
//! from the residents context's events on the bus, never by calling it.
//! Needs tags are sealed in those events; with the privacy vault (the same
//! master key) they are opened here, without it they are left out.

use gongzhi_eventstore::RecordedEvent;
use gongzhi_privacy::{Opened, Sealed, SubjectId, Vault};
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::collections::BTreeMap;

/// Field name the residents context seals needs tags under.
const NEEDS_TAGS_FIELD: &str = "needs_tags";

pub struct GridPopulationProjection {
    vault: Option<Vault>,
}

impl GridPopulationProjection {
    pub fn new(vault: Option<Vault>) -> Self {
        Self { vault }
    }

    async fn tags(
        &self,
        resident_id: &str,
        sealed: Option<&residents::SealedValue>,
    ) -> Result<Vec<i64>, ProjectionError> {
        let (Some(vault), Some(sealed)) = (&self.vault, sealed) else {
            return Ok(Vec::new());
        };
        let subject = SubjectId::parse(resident_id)
            .map_err(|e| ProjectionError::apply(self.name(), resident_id, e))?;
        let sealed = Sealed::from_bytes(&sealed.ciphertext)
            .map_err(|e| ProjectionError::apply(self.name(), resident_id, e))?;
        match vault.open(&subject, NEEDS_TAGS_FIELD, &sealed).await {
            Ok(Opened::Plain(bytes)) => Ok(String::from_utf8_lossy(&bytes)
                .split(',')
                .filter_map(residents::NeedsTag::from_str_name)
                .map(|t| i64::from(t as i32))
                .collect()),
            Ok(Opened::Erased) => Ok(Vec::new()),
            Err(error) => Err(ProjectionError::Database(sqlx::Error::Protocol(format!(
                "privacy vault: {error}"
            )))),
        }
    }
}

fn decode<M: Message + Default>(
    projection: &str,
    event: &RecordedEvent,
) -> Result<M, ProjectionError> {
    M::decode(event.payload.as_slice())
        .map_err(|e| ProjectionError::apply(projection, event.event_id, e))
}

async fn place(
    connection: &mut AnyConnection,
    resident_id: String,
    community: String,
    grid: String,
    moved_out: i64,
) -> Result<(), ProjectionError> {
    sqlx::query("UPDATE grid_residents SET community = $1, grid = $2, moved_out = $3 WHERE resident_id = $4")
        .bind(community)
        .bind(grid)
        .bind(moved_out)
        .bind(resident_id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for GridPopulationProjection {
    fn name(&self) -> &'static str {
        "grid_population"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["resident"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/grid_population/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/grid_population/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match event.short_type() {
            "ResidentRegistered" => {
                let e: residents::ResidentRegistered = decode(self.name(), event)?;
                sqlx::query(
                    "INSERT INTO grid_residents (resident_id, district, community, grid, residency) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (resident_id) DO NOTHING",
                )
                .bind(e.resident_id)
                .bind(e.district)
                .bind(e.community)
                .bind(e.grid)
                .bind(i64::from(e.residency))
                .execute(&mut *connection)
                .await?;
            }
            "ResidentMovedOut" => {
                let e: residents::ResidentMovedOut = decode(self.name(), event)?;
                sqlx::query("UPDATE grid_residents SET moved_out = 1 WHERE resident_id = $1")
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            "ResidentMovedIn" => {
                let e: residents::ResidentMovedIn = decode(self.name(), event)?;
                place(connection, e.resident_id, e.community, e.grid, 0).await?;
            }
            "DwellingChanged" => {
                let e: residents::DwellingChanged = decode(self.name(), event)?;
                place(connection, e.resident_id, e.community, e.grid, 0).await?;
            }
            "NeedsTagsChanged" => {
                let e: residents::NeedsTagsChanged = decode(self.name(), event)?;
                let tags = self.tags(&e.resident_id, e.tags.as_ref()).await?;
                sqlx::query("DELETE FROM grid_resident_tags WHERE resident_id = $1")
                    .bind(e.resident_id.clone())
                    .execute(&mut *connection)
                    .await?;
                for tag in tags {
                    sqlx::query("INSERT INTO grid_resident_tags (resident_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(e.resident_id.clone())
                        .bind(tag)
                        .execute(&mut *connection)
                        .await?;
                }
            }
            "ResidentDataErased" => {
                let e: residents::ResidentDataErased = decode(self.name(), event)?;
                sqlx::query("DELETE FROM grid_resident_tags WHERE resident_id = $1")
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            // Contact details carry nothing the grids context needs.
            _ => {}
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridCount {
    pub grid: String,
    pub residents: u64,
    /// Residents per needs tag (the residents context's `NeedsTag` numbers).
    pub tags: BTreeMap<i32, u64>,
}

/// Residents living in each unit grid of a district, and per needs tag.
pub async fn grid_counts(
    handle: &ProjectionHandle,
    district: &str,
) -> Result<Vec<GridCount>, ProjectionError> {
    let mut tx = handle.read().await?;
    let residents: Vec<(String, i64)> = sqlx::query_as(
        "SELECT grid, COUNT(*) FROM grid_residents WHERE district = $1 AND moved_out = 0 AND grid <> '' GROUP BY grid ORDER BY grid",
    )
    .bind(district)
    .fetch_all(&mut *tx)
    .await?;
    let tags: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT r.grid, t.tag, COUNT(*) FROM grid_resident_tags t JOIN grid_residents r ON r.resident_id = t.resident_id \
         WHERE r.district = $1 AND r.moved_out = 0 AND r.grid <> '' GROUP BY r.grid, t.tag",
    )
    .bind(district)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut counts: BTreeMap<String, GridCount> = residents
        .into_iter()
        .map(|(grid, n)| {
            (
                grid.clone(),
                GridCount {
                    grid,
                    residents: u64::try_from(n).unwrap_or(0),
                    tags: BTreeMap::new(),
                },
            )
        })
        .collect();
    for (grid, tag, n) in tags {
        let entry = counts.entry(grid.clone()).or_insert_with(|| GridCount {
            grid,
            ..GridCount::default()
        });
        entry.tags.insert(
            i32::try_from(tag).unwrap_or(0),
            u64::try_from(n).unwrap_or(0),
        );
    }
    Ok(counts.into_values().collect())
}
