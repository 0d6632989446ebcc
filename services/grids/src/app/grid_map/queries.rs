//! Queries over the `grid_map` and `grid_population` read models. A grid of
//! another district is not found, so the answer never tells that it exists.

use super::{GridMapApp, GridMapError};
use crate::domain::geo::{Assignment, Duty};
use crate::projections::{GridCount, grid_counts};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionError;
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridView {
    pub code: String,
    pub district: String,
    pub street: String,
    pub community: String,
    pub name: String,
    pub boundary_geojson: String,
    pub duties: Vec<Duty>,
    /// Sorted by worker, then duty.
    pub assignments: Vec<Assignment>,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridFilter {
    All,
    /// 12-digit community code.
    Community(String),
    /// 9-digit street code.
    Street(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridPage {
    pub grids: Vec<GridView>,
    /// The last code of this page when more may follow; empty on the last.
    pub next_page_token: String,
}

type GridRow = (String, String, String, String, String, String, String, i64);

const SELECT_GRID: &str =
    "SELECT code, district, street, community, name, boundary_geojson, duties, retired FROM grids";

fn duties_of(stored: &str) -> Vec<Duty> {
    stored
        .split(',')
        .filter_map(|part| part.trim().parse::<i32>().ok())
        .map(|value| Duty::try_from(value).unwrap_or(Duty::Unspecified))
        .collect()
}

fn view(row: GridRow, assignments: Vec<Assignment>) -> GridView {
    let (code, district, street, community, name, boundary_geojson, duties, retired) = row;
    GridView {
        code,
        district,
        street,
        community,
        name,
        boundary_geojson,
        duties: duties_of(&duties),
        assignments,
        retired: retired != 0,
    }
}

fn assignment(worker_id: String, duty: i64) -> Assignment {
    let duty = i32::try_from(duty)
        .ok()
        .and_then(|value| Duty::try_from(value).ok())
        .unwrap_or(Duty::Unspecified);
    Assignment { worker_id, duty }
}

/// Assignments of the grids of `district` with codes in `(after, last]`.
async fn assignments_between(
    tx: &mut Transaction<'static, Any>,
    district: &str,
    after: &str,
    last: &str,
) -> Result<BTreeMap<String, Vec<Assignment>>, ProjectionError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT a.code, a.worker_id, a.duty FROM grid_assignments a JOIN grids g ON g.code = a.code \
         WHERE g.district = $1 AND a.code > $2 AND a.code <= $3 ORDER BY a.code, a.worker_id, a.duty",
    )
    .bind(district.to_owned())
    .bind(after.to_owned())
    .bind(last.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let mut by_grid: BTreeMap<String, Vec<Assignment>> = BTreeMap::new();
    for (code, worker_id, duty) in rows {
        by_grid
            .entry(code)
            .or_default()
            .push(assignment(worker_id, duty));
    }
    Ok(by_grid)
}

impl GridMapApp {
    pub async fn get_grid(
        &self,
        district: &DistrictCode,
        code: &str,
        min_position: u64,
    ) -> Result<GridView, GridMapError> {
        self.grids.wait_for(min_position, self.max_wait).await?;
        let mut tx = self.grids.read().await?;
        let sql = format!("{SELECT_GRID} WHERE code = $1 AND district = $2");
        let row: Option<GridRow> = sqlx::query_as(&sql)
            .bind(code.to_owned())
            .bind(district.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await
            .map_err(ProjectionError::from)?;
        let Some(row) = row else {
            tx.commit().await.map_err(ProjectionError::from)?;
            return Err(GridMapError::NotFound);
        };
        // Codes are digits only, so "" is below every code.
        let mut assignments = assignments_between(&mut tx, district.as_str(), "", code).await?;
        tx.commit().await.map_err(ProjectionError::from)?;
        Ok(view(row, assignments.remove(code).unwrap_or_default()))
    }

    /// Grids of the district in code order, after the code `after`.
    pub async fn list_grids(
        &self,
        district: &DistrictCode,
        filter: &GridFilter,
        include_retired: bool,
        page_size: u32,
        after: Option<&str>,
        min_position: u64,
    ) -> Result<GridPage, GridMapError> {
        self.grids.wait_for(min_position, self.max_wait).await?;
        let page_size = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        // Placeholders are numbered in the order they appear, which SQLite
        // needs as much as PostgreSQL.
        let (narrow, value, limit) = match filter {
            GridFilter::All => ("", String::new(), "$3"),
            GridFilter::Community(community) => (" AND community = $3", community.clone(), "$4"),
            GridFilter::Street(street) => (" AND street = $3", street.clone(), "$4"),
        };
        let retired = if include_retired {
            ""
        } else {
            " AND retired = 0"
        };
        let sql = format!(
            "{SELECT_GRID} WHERE district = $1 AND code > $2{retired}{narrow} ORDER BY code LIMIT {limit}"
        );
        let after = after.unwrap_or("");
        let mut tx = self.grids.read().await?;
        let mut query = sqlx::query_as::<_, GridRow>(&sql)
            .bind(district.as_str().to_owned())
            .bind(after.to_owned());
        if !narrow.is_empty() {
            query = query.bind(value);
        }
        let mut rows = query
            .bind(i64::from(page_size) + 1)
            .fetch_all(&mut *tx)
            .await
            .map_err(ProjectionError::from)?;
        let more = rows.len() > page_size as usize;
        rows.truncate(page_size as usize);
        let last = rows.last().map(|row| row.0.clone()).unwrap_or_default();
        let mut assignments = if rows.is_empty() {
            BTreeMap::new()
        } else {
            assignments_between(&mut tx, district.as_str(), after, &last).await?
        };
        tx.commit().await.map_err(ProjectionError::from)?;
        let grids = rows
            .into_iter()
            .map(|row| {
                let workers = assignments.remove(&row.0).unwrap_or_default();
                view(row, workers)
            })
            .collect();
        Ok(GridPage {
            grids,
            next_page_token: if more { last } else { String::new() },
        })
    }

    /// Residents per grid of the district (one grid when `grid` is given),
    /// from the residents context's events.
    pub async fn grid_population(
        &self,
        district: &DistrictCode,
        grid: Option<&str>,
        min_position: u64,
    ) -> Result<Vec<GridCount>, GridMapError> {
        self.population
            .wait_for(min_position, self.max_wait)
            .await?;
        let counts = grid_counts(&self.population, district.as_str()).await?;
        Ok(match grid {
            None => counts,
            Some(grid) => {
                let found = counts.into_iter().find(|count| count.grid == grid);
                // A grid nobody lives in counts zero, not "not found".
                vec![found.unwrap_or_else(|| GridCount {
                    grid: grid.to_owned(),
                    ..GridCount::default()
                })]
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_duties_read_back_as_duties() {
        assert_eq!(duties_of("1,3"), vec![Duty::Safety, Duty::Population]);
        assert!(duties_of("").is_empty());
    }
}
