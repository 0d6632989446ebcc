//! `grid_map`: every unit grid (code, district, street, community, name,
//! canonical boundary GeoJSON, duties, retired flag) and the workers assigned
//! per duty, from the grid aggregate's events (stream category `grid`).
//!
//! Events are applied as facts: the decider already refused anything invalid,
//! so every statement is an idempotent upsert or delete keyed by the grid.

use crate::domain::geo::GridEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

/// Source context of the grid map's events, and the checkpoint they move.
pub const GRID_MAP_SOURCE: &str = "grids";

pub struct GridMapProjection;

/// Duty numbers as stored: sorted, comma-separated; the app's queries read
/// them back.
fn encode_duties(duties: &[i32]) -> String {
    let mut sorted = duties.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The 9-digit street a grid code starts with; the whole code if shorter,
/// which the decider never writes.
fn street_of(code: &str) -> &str {
    code.get(..9).unwrap_or(code)
}

#[async_trait::async_trait]
impl Projection for GridMapProjection {
    fn name(&self) -> &'static str {
        "grid_map"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(GRID_MAP_SOURCE, &["grid"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/grid_map/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/grid_map/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = GridEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            GridEvent::Defined(e) => {
                sqlx::query(
                    "INSERT INTO grids (code, district, street, community, name, boundary_geojson, duties, retired) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (code) DO NOTHING",
                )
                .bind(e.grid.clone())
                .bind(e.district)
                .bind(street_of(&e.grid).to_owned())
                .bind(e.community)
                .bind(e.name)
                .bind(e.boundary_geojson)
                .bind(encode_duties(&e.duties))
                .execute(&mut *connection)
                .await?;
            }
            GridEvent::BoundaryRedrawn(e) => {
                sqlx::query("UPDATE grids SET boundary_geojson = $1 WHERE code = $2")
                    .bind(e.boundary_geojson)
                    .bind(e.grid)
                    .execute(&mut *connection)
                    .await?;
            }
            GridEvent::DutiesChanged(e) => {
                sqlx::query("UPDATE grids SET duties = $1 WHERE code = $2")
                    .bind(encode_duties(&e.duties))
                    .bind(e.grid)
                    .execute(&mut *connection)
                    .await?;
            }
            GridEvent::WorkerAssigned(e) => {
                sqlx::query(
                    "INSERT INTO grid_assignments (code, worker_id, duty) VALUES ($1, $2, $3) \
                     ON CONFLICT (code, worker_id, duty) DO NOTHING",
                )
                .bind(e.grid)
                .bind(e.worker_id)
                .bind(i64::from(e.duty))
                .execute(&mut *connection)
                .await?;
            }
            GridEvent::WorkerUnassigned(e) => {
                sqlx::query(
                    "DELETE FROM grid_assignments WHERE code = $1 AND worker_id = $2 AND duty = $3",
                )
                .bind(e.grid)
                .bind(e.worker_id)
                .bind(i64::from(e.duty))
                .execute(&mut *connection)
                .await?;
            }
            GridEvent::Retired(e) => {
                sqlx::query("UPDATE grids SET retired = 1 WHERE code = $1")
                    .bind(e.grid)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duties_are_stored_sorted_without_duplicates() {
        assert_eq!(encode_duties(&[3, 1, 3]), "1,3");
        assert_eq!(encode_duties(&[]), "");
    }

    #[test]
    fn the_street_is_the_first_nine_digits() {
        assert_eq!(street_of("500108001002001"), "500108001");
    }
}
