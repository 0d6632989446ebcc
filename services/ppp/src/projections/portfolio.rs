//! `ppp_portfolio`: each district's yearly budgets and the outlays every
//! project reserved against them, for the portfolio query.
//!
//! Contract: built from the `pppportfolio` streams only. The cap itself is
//! decided on the portfolio stream, never from this read model; it only
//! shows what the stream decided.

use super::column;
use crate::domain::portfolio::PortfolioEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub const PORTFOLIO: &str = "ppp_portfolio";

pub struct PortfolioProjection;

#[async_trait::async_trait]
impl Projection for PortfolioProjection {
    fn name(&self) -> &'static str {
        PORTFOLIO
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("ppp", &[crate::app::PORTFOLIO_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/portfolio/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/portfolio/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = PortfolioEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(PORTFOLIO, event.event_id, e))?;
        match decoded {
            PortfolioEvent::BudgetSet(e) => {
                sqlx::query(
                    "INSERT INTO budgets (district, year, expenditure_fen) VALUES ($1, $2, $3) \
                     ON CONFLICT (district, year) DO UPDATE SET expenditure_fen = excluded.expenditure_fen",
                )
                .bind(e.district)
                .bind(i64::from(e.year))
                .bind(column(PORTFOLIO, event, e.expenditure_fen)?)
                .execute(&mut *connection)
                .await?;
            }
            PortfolioEvent::Reserved(e) => {
                for outlay in &e.outlays {
                    sqlx::query(
                        "INSERT INTO reservations (district, project_id, year, amount_fen, government_pays) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (district, project_id, year) DO NOTHING",
                    )
                    .bind(e.district.clone())
                    .bind(e.project_id.clone())
                    .bind(i64::from(outlay.year))
                    .bind(column(PORTFOLIO, event, outlay.amount_fen)?)
                    .bind(i64::from(e.government_pays))
                    .execute(&mut *connection)
                    .await?;
                }
            }
            PortfolioEvent::Released(e) => {
                sqlx::query("DELETE FROM reservations WHERE district = $1 AND project_id = $2")
                    .bind(e.district)
                    .bind(e.project_id)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        Ok(())
    }
}
