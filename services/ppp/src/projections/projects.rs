//! `ppp_projects`: every project with its stage, gates passed and money
//! paid so far, and every settled period with its score and payment.
//!
//! Contract: built from the `pppproject` streams only; one row per project
//! (written by `ProjectIdentified`, updated by later events) and one per
//! settled period.

use super::column;
use crate::domain::project::ProjectEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub const PROJECTS: &str = "ppp_projects";

pub struct ProjectsProjection;

/// One `UPDATE projects SET <set> WHERE project_id = $1`, binding the
/// position as $2 and `values` from $3 on.
async fn update(
    connection: &mut AnyConnection,
    project_id: &str,
    position: i64,
    set: &str,
    values: &[i64],
) -> Result<(), ProjectionError> {
    let sql = format!("UPDATE projects SET position = $2, {set} WHERE project_id = $1");
    let mut query = sqlx::query(&sql).bind(project_id.to_owned()).bind(position);
    for value in values {
        query = query.bind(*value);
    }
    query.execute(&mut *connection).await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for ProjectsProjection {
    fn name(&self) -> &'static str {
        PROJECTS
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("ppp", &[crate::app::PROJECT_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/projects/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/projects/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = ProjectEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(PROJECTS, event.event_id, e))?;
        let position = column(PROJECTS, event, event.position)?;
        let c = |value: u64| column(PROJECTS, event, value);
        match decoded {
            ProjectEvent::Identified(e) => {
                sqlx::query(
                    "INSERT INTO projects (project_id, district, community, name, facility, grid, model, mechanism, stage, term_years, first_year, construction_cost_fen, consultation_required, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (project_id) DO NOTHING",
                )
                .bind(e.project_id)
                .bind(e.district)
                .bind(e.community)
                .bind(e.name)
                .bind(e.facility)
                .bind(e.grid)
                .bind(i64::from(e.model))
                .bind(i64::from(e.mechanism))
                .bind(i64::from(crate::domain::project::ProjectStage::Identification as i32))
                .bind(i64::from(e.term_years))
                .bind(i64::from(e.first_year))
                .bind(c(e.construction_cost_fen)?)
                .bind(i64::from(e.consultation_required))
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            ProjectEvent::VfmEvaluated(e) => {
                update(
                    connection,
                    &e.project_id,
                    position,
                    "vfm_passed = $3",
                    &[i64::from(e.passed)],
                )
                .await?;
            }
            ProjectEvent::AffordabilityConfirmed(e) => {
                update(connection, &e.project_id, position, "affordable = 1", &[]).await?;
            }
            ProjectEvent::StageAdvanced(e) => {
                update(
                    connection,
                    &e.project_id,
                    position,
                    "stage = $3",
                    &[i64::from(e.to)],
                )
                .await?;
            }
            ProjectEvent::ConsultationRecorded(e) => {
                update(
                    connection,
                    &e.project_id,
                    position,
                    "consultation_passed = $3",
                    &[i64::from(e.passed)],
                )
                .await?;
            }
            ProjectEvent::Approved(e) => {
                update(connection, &e.project_id, position, "approved = 1", &[]).await?;
            }
            ProjectEvent::BiddersPrequalified(e) => {
                update(
                    connection,
                    &e.project_id,
                    position,
                    "qualified_bidders = $3",
                    &[i64::from(e.qualified_count)],
                )
                .await?;
            }
            ProjectEvent::ContractSigned(e) => {
                sqlx::query("UPDATE projects SET position = $2, partner_id = $3, contract_value_fen = $4 WHERE project_id = $1")
                    .bind(e.project_id)
                    .bind(position)
                    .bind(e.partner_id)
                    .bind(c(e.contract_value_fen)?)
                    .execute(&mut *connection)
                    .await?;
            }
            ProjectEvent::PeriodSettled(e) => {
                let failures = i64::from(e.failures);
                let payment = c(e.payment_fen)?;
                update(
                    connection,
                    &e.project_id,
                    position,
                    "periods_settled = periods_settled + 1, paid_fen = paid_fen + $3, failures = failures + $4",
                    &[payment, failures],
                )
                .await?;
                sqlx::query(
                    "INSERT INTO periods (project_id, period, district, score_basis_points, fixed_fen, performance_linked_fen, performance_paid_fen, deductions_fen, failures, payment_fen, settled_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (project_id, period) DO NOTHING",
                )
                .bind(e.project_id)
                .bind(i64::from(e.period))
                .bind(e.district)
                .bind(i64::from(e.score_basis_points))
                .bind(c(e.fixed_fen)?)
                .bind(c(e.performance_linked_fen)?)
                .bind(c(e.performance_paid_fen)?)
                .bind(c(e.deductions_fen)?)
                .bind(failures)
                .bind(payment)
                .bind(e.settled_at)
                .execute(&mut *connection)
                .await?;
            }
            ProjectEvent::FinalEvaluated(e) => {
                let closed = crate::domain::project::ProjectStage::Closed as i32;
                update(
                    connection,
                    &e.project_id,
                    position,
                    "stage = $3",
                    &[i64::from(closed)],
                )
                .await?;
            }
            ProjectEvent::Withdrawn(e) => {
                let withdrawn = crate::domain::project::ProjectStage::Withdrawn as i32;
                update(
                    connection,
                    &e.project_id,
                    position,
                    "stage = $3",
                    &[i64::from(withdrawn)],
                )
                .await?;
            }
            // Steps that change nothing this read model shows.
            ProjectEvent::PlanSubmitted(_)
            | ProjectEvent::BidReceived(_)
            | ProjectEvent::NegotiationRecorded(_)
            | ProjectEvent::CompanyEstablished(_)
            | ProjectEvent::FinancingClosed(_)
            | ProjectEvent::FailureRecorded(_)
            | ProjectEvent::MidTermEvaluated(_)
            | ProjectEvent::PerformanceTested(_)
            | ProjectEvent::AssetTransferred(_) => {}
        }
        Ok(())
    }
}
