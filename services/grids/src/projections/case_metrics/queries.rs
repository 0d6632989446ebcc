//! Reads of the `case_metrics` rows: metrics totals per scope and period,
//! and service requests for Open311.

use crate::domain::metrics::{CaseOutcome, CaseTotals, Satisfaction};
use chrono::NaiveDate;
use gongzhi_projections::{ProjectionError, ProjectionHandle};

/// Which cases of a district a metrics query covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsScopeFilter {
    District,
    Street(String),
    Community(String),
    Grid(String),
    Department(String),
    Worker(String),
}

impl MetricsScopeFilter {
    /// The column and value to match; `None` for the whole district.
    fn column(&self) -> Option<(&'static str, &str)> {
        match self {
            Self::District => None,
            Self::Street(id) => Some(("street", id)),
            Self::Community(id) => Some(("community", id)),
            Self::Grid(id) => Some(("grid", id)),
            Self::Department(id) => Some(("unit", id)),
            Self::Worker(id) => Some(("worker", id)),
        }
    }
}

/// The outcome flags of one row, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OutcomeRow {
    pub due: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    pub reworks: i64,
    pub overdue: i64,
    pub deferred: i64,
    pub dispatched: i64,
    pub response_overdue: i64,
    pub rating: i64,
}

/// The outcome a row contributes (definitions in the parent module docs).
pub fn outcome_of(row: &OutcomeRow) -> CaseOutcome {
    let satisfaction = match row.rating {
        4..=5 => Some(Satisfaction::Satisfied),
        3 => Some(Satisfaction::BasicallySatisfied),
        1..=2 => Some(Satisfaction::Dissatisfied),
        _ => None,
    };
    CaseOutcome {
        due_to_close: row.due != 0,
        closed: row.closed != 0,
        closed_on_time: row.closed_on_time != 0,
        reworks: u32::try_from(row.reworks).unwrap_or(0),
        overdue: row.overdue != 0,
        deferred: row.deferred != 0,
        responded: row.dispatched != 0 && row.response_overdue == 0,
        resolved: (3..=5).contains(&row.rating),
        satisfaction,
    }
}

/// Totals of the cases of `district` in `scope` whose period date lies in
/// `[from, to)`.
pub async fn case_totals(
    handle: &ProjectionHandle,
    district: &str,
    scope: &MetricsScopeFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CaseTotals, ProjectionError> {
    let mut sql = "SELECT due, closed, closed_on_time, reworks, overdue, deferred, dispatched, \
                   response_overdue, rating FROM case_metrics \
                   WHERE district = $1 AND period_date >= $2 AND period_date < $3"
        .to_owned();
    if let Some((column, _)) = scope.column() {
        // `column` is one of the fixed names above, never caller text.
        sql.push_str(&format!(" AND {column} = $4"));
    }
    let mut query = sqlx::query_as::<_, OutcomeRow>(&sql)
        .bind(district.to_owned())
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(to.format("%Y-%m-%d").to_string());
    if let Some((_, value)) = scope.column() {
        query = query.bind(value.to_owned());
    }
    let mut tx = handle.read().await?;
    let rows = query.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let mut totals = CaseTotals::default();
    for row in &rows {
        totals.add(&outcome_of(row));
    }
    Ok(totals)
}

/// A case as an Open311 service request.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseRequestRow {
    pub case_id: String,
    pub district: String,
    pub grid: String,
    pub category: String,
    pub description: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: String,
    pub status_notes: String,
    pub unit: String,
    pub reported_ms: i64,
    pub updated_ms: i64,
}

impl CaseRequestRow {
    /// Open311's two statuses: a rejected, merged, closed or evaluated case
    /// is closed; every other is open.
    pub fn is_closed(&self) -> bool {
        matches!(
            self.status.as_str(),
            "closed" | "evaluated" | "rejected" | "merged"
        )
    }
}

/// Service requests of one district; every set field narrows the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub district: String,
    pub case_ids: Vec<String>,
    pub category: Option<String>,
    /// Reported at or after, milliseconds since the epoch.
    pub reported_from_ms: Option<i64>,
    /// Reported at or before, milliseconds since the epoch.
    pub reported_to_ms: Option<i64>,
    /// `Some(true)` closed only, `Some(false)` open only.
    pub closed: Option<bool>,
    pub limit: u32,
}

/// The filter's requests, newest first, at most `limit`.
pub async fn case_requests(
    handle: &ProjectionHandle,
    filter: &RequestFilter,
) -> Result<Vec<CaseRequestRow>, ProjectionError> {
    let mut sql = "SELECT case_id, district, grid, category, description, latitude, longitude, \
                   status, status_notes, unit, reported_ms, updated_ms FROM case_metrics \
                   WHERE district = $1"
        .to_owned();
    let mut texts = vec![filter.district.clone()];
    let mut ints = Vec::new();
    if !filter.case_ids.is_empty() {
        let first = texts.len() + 1;
        let marks: Vec<String> = (0..filter.case_ids.len())
            .map(|i| format!("${}", first + i))
            .collect();
        sql.push_str(&format!(" AND case_id IN ({})", marks.join(", ")));
        texts.extend(filter.case_ids.iter().cloned());
    }
    if let Some(category) = &filter.category {
        texts.push(category.clone());
        sql.push_str(&format!(" AND category = ${}", texts.len()));
    }
    match filter.closed {
        Some(true) => sql.push_str(" AND status IN ('closed', 'evaluated', 'rejected', 'merged')"),
        Some(false) => {
            sql.push_str(" AND status NOT IN ('closed', 'evaluated', 'rejected', 'merged')")
        }
        None => {}
    }
    for (bound, op) in [
        (filter.reported_from_ms, ">="),
        (filter.reported_to_ms, "<="),
    ] {
        if let Some(ms) = bound {
            ints.push(ms);
            sql.push_str(&format!(
                " AND reported_ms {op} ${}",
                texts.len() + ints.len()
            ));
        }
    }
    sql.push_str(&format!(
        " ORDER BY reported_ms DESC, case_id LIMIT {}",
        filter.limit
    ));
    let mut query = sqlx::query_as::<_, CaseRequestRow>(&sql);
    for text in texts {
        query = query.bind(text);
    }
    for int in ints {
        query = query.bind(int);
    }
    let mut tx = handle.read().await?;
    let rows = query.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_map_to_satisfaction_and_resolution() {
        let rated = |rating| {
            outcome_of(&OutcomeRow {
                rating,
                ..OutcomeRow::default()
            })
        };
        assert_eq!(rated(5).satisfaction, Some(Satisfaction::Satisfied));
        assert_eq!(rated(4).satisfaction, Some(Satisfaction::Satisfied));
        assert_eq!(
            rated(3).satisfaction,
            Some(Satisfaction::BasicallySatisfied)
        );
        assert_eq!(rated(2).satisfaction, Some(Satisfaction::Dissatisfied));
        assert_eq!(rated(1).satisfaction, Some(Satisfaction::Dissatisfied));
        assert_eq!(rated(0).satisfaction, None);
        assert!(rated(3).resolved && !rated(2).resolved && !rated(0).resolved);
    }

    #[test]
    fn a_response_is_a_dispatch_without_an_early_overdue_flag() {
        let row = OutcomeRow {
            dispatched: 1,
            ..OutcomeRow::default()
        };
        assert!(outcome_of(&row).responded);
        let late = OutcomeRow {
            response_overdue: 1,
            overdue: 1,
            ..row
        };
        assert!(!outcome_of(&late).responded);
        assert!(outcome_of(&late).overdue);
    }
}
