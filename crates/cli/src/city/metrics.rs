//! `city_metrics`: per district, residents registered and erased, grid
//! cases reported and closed, counted from the city stream.
//!
//! Positions in the city stream come from several event stores (one per
//! district), so checkpoints are kept per context *and district*: each
//! district's events of a context arrive in that district's `$all` order,
//! and a redelivered one is skipped as usual.

use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::time::Duration;

pub const CITY_METRICS: &str = "city_metrics";
const REGISTERED: &str = "gongzhi.residents.v1.ResidentRegistered";
const ERASED: &str = "gongzhi.residents.v1.ResidentDataErased";
const REPORTED: &str = "gongzhi.grids.v1.CaseReported";
const CLOSED: &str = "gongzhi.grids.v1.CaseClosed";
/// Checkpoint district of events that belong to no district; the city
/// stream never takes them (its sources filter by district), kept total.
const NO_DISTRICT: &str = "city";

pub struct CityMetricsProjection;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistrictMetrics {
    pub district: String,
    pub residents_registered: i64,
    pub residents_erased: i64,
    pub cases_reported: i64,
    pub cases_closed: i64,
}

fn counter(event_type: &str) -> Option<&'static str> {
    match event_type {
        REGISTERED => Some("residents_registered"),
        ERASED => Some("residents_erased"),
        REPORTED => Some("cases_reported"),
        CLOSED => Some("cases_closed"),
        _ => None,
    }
}

fn district_of(event: &RecordedEvent) -> &str {
    event
        .metadata
        .district
        .as_ref()
        .map_or(NO_DISTRICT, |d| d.as_str())
}

/// The checkpoint key of one context in one district.
pub fn checkpoint_key(context: &str, district: &str) -> String {
    format!("{context}@{district}")
}

#[gongzhi_bus::async_trait]
impl Projection for CityMetricsProjection {
    fn name(&self) -> &'static str {
        CITY_METRICS
    }

    fn sources(&self) -> Vec<Source> {
        vec![
            Source::new("residents", &["resident"]),
            Source::new("grids", &["case"]),
        ]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/city/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/city/sqlite"),
        }
    }

    fn checkpoint_key(&self, source: &Source, event: &RecordedEvent) -> String {
        checkpoint_key(&source.context, district_of(event))
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let (Some(column), Some(district)) = (counter(&event.event_type), &event.metadata.district)
        else {
            return Ok(());
        };
        // `column` is one of four fixed names, never input.
        let statement = format!(
            "INSERT INTO city_district_metrics (district, {column}) VALUES ($1, 1) \
             ON CONFLICT (district) DO UPDATE SET {column} = city_district_metrics.{column} + 1"
        );
        sqlx::query(&statement)
            .bind(district.as_str().to_owned())
            .execute(&mut *connection)
            .await?;
        Ok(())
    }
}

/// Counts of every district the city has heard of, by district code.
pub async fn city_totals(
    handle: &ProjectionHandle,
) -> Result<Vec<DistrictMetrics>, ProjectionError> {
    let mut tx = handle.read().await?;
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT district, residents_registered, residents_erased, cases_reported, cases_closed \
         FROM city_district_metrics ORDER BY district",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(district, residents_registered, residents_erased, cases_reported, cases_closed)| {
                DistrictMetrics {
                    district,
                    residents_registered,
                    residents_erased,
                    cases_reported,
                    cases_closed,
                }
            },
        )
        .collect())
}

/// Waits, at most `timeout`, until the city read model has applied a
/// district's events of `context` up to that district's `$all` position
/// (as its relay reported it published). Woken by checkpoint moves, never
/// by polling.
pub async fn wait_for_district(
    handle: &ProjectionHandle,
    context: &str,
    district: &str,
    position: u64,
    timeout: Duration,
) -> Result<(), ProjectionError> {
    let key = checkpoint_key(context, district);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut moved = handle.checkpoint_changes();
    loop {
        moved.borrow_and_update();
        let checkpoints = handle.checkpoints().await?;
        if checkpoints.get(&key).is_some_and(|p| *p >= position) {
            return Ok(());
        }
        let woke = tokio::time::timeout_at(deadline, moved.changed()).await;
        if !matches!(woke, Ok(Ok(()))) {
            return Err(ProjectionError::NotCaughtUp {
                projection: format!("{CITY_METRICS} ({key})"),
                wanted: position,
                waited: timeout,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_the_four_event_types() {
        assert_eq!(counter(REGISTERED), Some("residents_registered"));
        assert_eq!(counter(CLOSED), Some("cases_closed"));
        assert_eq!(counter("gongzhi.residents.v1.ResidentMovedIn"), None);
    }
}
