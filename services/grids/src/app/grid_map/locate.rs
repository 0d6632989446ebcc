//! Which grid a point lies in.
//!
//! Choice: an in-memory [`GridIndex`] per district, built from the `grid_map`
//! read model and tagged with the read model's checkpoint (source
//! [`GRID_MAP_SOURCE`]). Every query reads the checkpoint (one indexed row)
//! and rebuilds only when it moved, so the polygons are parsed once per map
//! change, not once per query; a city's few thousand grids fit in memory.
//!
//! The checkpoint is read BEFORE the grids: under read-committed isolation
//! the grids may then be newer than the tag, never older, so a stale index
//! is at worst rebuilt once more, never kept. A rebuild of the read model
//! into a new generation switches only when caught up, so an equal
//! checkpoint means equal contents.

use super::{GridMapApp, GridMapError};
use crate::domain::geo::{Boundary, GridIndex, LatLng};
use crate::projections::GRID_MAP_SOURCE;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionError;
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedGrid {
    pub code: String,
    pub community: String,
    pub name: String,
}

/// The live grids of every district as of one checkpoint.
pub(super) struct IndexSnapshot {
    checkpoint: i64,
    districts: BTreeMap<String, DistrictGrids>,
}

#[derive(Default)]
struct DistrictGrids {
    index: GridIndex,
    /// Code -> (community, name).
    names: BTreeMap<String, (String, String)>,
}

type LiveGridRow = (String, String, String, String, String);

impl GridMapApp {
    /// The live grid of `district` containing `point`; `None` when none does.
    pub async fn locate(
        &self,
        district: &DistrictCode,
        point: LatLng,
        min_position: u64,
    ) -> Result<Option<LocatedGrid>, GridMapError> {
        self.grids.wait_for(min_position, self.max_wait).await?;
        let snapshot = self.index_snapshot().await?;
        let Some(grids) = snapshot.districts.get(district.as_str()) else {
            return Ok(None);
        };
        Ok(grids.index.locate(point).map(|code| {
            let (community, name) = grids.names.get(code).cloned().unwrap_or_default();
            LocatedGrid {
                code: code.to_owned(),
                community,
                name,
            }
        }))
    }

    fn cached_index(&self) -> Option<Arc<IndexSnapshot>> {
        // A panic elsewhere cannot leave a half-written Option behind, so a
        // poisoned lock's value is still sound.
        self.index
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn index_snapshot(&self) -> Result<Arc<IndexSnapshot>, GridMapError> {
        let mut tx = self.grids.read().await?;
        let checkpoint: Option<i64> =
            sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE source = $1")
                .bind(GRID_MAP_SOURCE)
                .fetch_optional(&mut *tx)
                .await
                .map_err(ProjectionError::from)?;
        let checkpoint = checkpoint.unwrap_or(0);
        if let Some(cached) = self.cached_index()
            && cached.checkpoint == checkpoint
        {
            tx.commit().await.map_err(ProjectionError::from)?;
            return Ok(cached);
        }
        let rows: Vec<LiveGridRow> = sqlx::query_as(
            "SELECT code, district, community, name, boundary_geojson FROM grids WHERE retired = 0",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(ProjectionError::from)?;
        tx.commit().await.map_err(ProjectionError::from)?;
        let built = Arc::new(build(checkpoint, rows));
        let mut cached = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        // Two queries may rebuild at once; keep the newer.
        if cached.as_ref().is_none_or(|c| c.checkpoint <= checkpoint) {
            *cached = Some(built.clone());
        }
        Ok(built)
    }
}

fn build(checkpoint: i64, rows: Vec<LiveGridRow>) -> IndexSnapshot {
    let mut districts: BTreeMap<String, DistrictGrids> = BTreeMap::new();
    for (code, district, community, name, boundary_geojson) in rows {
        // The decider stored the canonical form of a validated boundary, so
        // this only fails if the read model was tampered with: skip the grid
        // and say so, rather than failing every lookup.
        let boundary = match Boundary::from_geojson(&boundary_geojson) {
            Ok(boundary) => boundary,
            Err(error) => {
                tracing::error!(grid = %code, %error, "stored grid boundary does not parse, grid left out of the index");
                continue;
            }
        };
        let grids = districts.entry(district).or_default();
        grids.index.insert(code.clone(), boundary);
        grids.names.insert(code, (community, name));
    }
    IndexSnapshot {
        checkpoint,
        districts,
    }
}

/// Open311 reports are placed on the live grid map.
#[async_trait::async_trait]
impl crate::open311::GridLocator for GridMapApp {
    async fn locate(
        &self,
        district: &DistrictCode,
        latitude: f64,
        longitude: f64,
    ) -> Option<String> {
        let point = LatLng::new(latitude, longitude).ok()?;
        match GridMapApp::locate(self, district, point, 0).await {
            Ok(found) => found.map(|grid| grid.code),
            Err(error) => {
                tracing::warn!(%error, "cannot locate an Open311 report on the grid map");
                None
            }
        }
    }
}
