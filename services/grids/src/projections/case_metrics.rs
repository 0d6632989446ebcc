//! `case_metrics`: one row per case with where it belongs and its outcome so
//! far, built from the case events (stream category `case`). Metrics queries
//! fold the rows of a scope and period into
//! [`crate::domain::metrics::CaseTotals`]; Open311 reads the
//! same rows as service requests.
//!
//! Contract:
//! - Scope columns: grid from the report; community, street and district are
//!   its first 12, 9 and 6 digits; worker is the reporter of a patrol report
//!   (empty otherwise); unit is the unit the case is dispatched to, cleared
//!   when the unit returns it or it is deferred.
//! - Period: a case counts in the period holding its `period_date`, the local
//!   (UTC+8) date of its close deadline; a case with a close deadline is due
//!   to close (应结案) exactly in that period. Without a close deadline the
//!   date is the registration date, else the report date, and the case is
//!   not due anywhere.
//! - Outcome: closed and on time come from `CaseClosed`; reworks is the
//!   latest rework count; overdue is any overdue flag; deferred means in the
//!   deferred backlog now; responded means dispatched with no overdue flag on
//!   the register or dispatch stage; resolved means rated 3 to 5; ratings 4-5
//!   are satisfied, 3 basically satisfied, 1-2 dissatisfied.
//! - Events for a case whose report was never seen change nothing (the report
//!   is always the first event of a case stream); case event types this
//!   build does not know are skipped.

mod apply;
mod queries;

pub use queries::{
    CaseRequestRow, MetricsScopeFilter, OutcomeRow, RequestFilter, case_requests, case_totals,
    outcome_of,
};

use crate::domain::case::CASE_STREAM_CATEGORY;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct CaseMetricsProjection;

#[async_trait::async_trait]
impl Projection for CaseMetricsProjection {
    fn name(&self) -> &'static str {
        "case_metrics"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("grids", &[CASE_STREAM_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/case_metrics/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/case_metrics/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        apply::apply(self.name(), connection, event).await
    }
}
