//! Queries over the PPP read models, each after waiting (bounded) for the
//! caller's `min_position`. Another district's project is not found.

use super::{AppError, PppApp};
use gongzhi_kernel::DistrictCode;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectView {
    pub project_id: String,
    pub district: String,
    pub community: String,
    pub name: String,
    pub facility: String,
    pub grid: String,
    pub model: i32,
    pub mechanism: i32,
    pub stage: i32,
    pub term_years: u32,
    pub first_year: i32,
    pub construction_cost_fen: u64,
    pub consultation_required: bool,
    pub vfm_passed: bool,
    pub affordable: bool,
    pub consultation_passed: bool,
    pub approved: bool,
    pub qualified_bidders: u32,
    pub partner_id: String,
    pub contract_value_fen: u64,
    pub periods_settled: u32,
    pub paid_fen: u64,
    pub failures: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodView {
    pub period: i32,
    pub settled: bool,
    pub score_basis_points: u32,
    pub fixed_fen: u64,
    pub performance_linked_fen: u64,
    pub performance_paid_fen: u64,
    pub deductions_fen: u64,
    pub failures: u32,
    pub payment_fen: u64,
    pub feedback: FeedbackView,
}

/// Residents' ratings of a facility and grid cases at its site in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackView {
    pub rating_count: u64,
    pub rating_star_sum: u64,
    pub grid_cases: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortfolioYearView {
    pub year: i32,
    pub budget_fen: u64,
    pub reserved_fen: u64,
    pub government_pays_fen: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortfolioView {
    pub years: Vec<PortfolioYearView>,
    pub project_ids: Vec<String>,
}

const SELECT_PROJECT: &str = "SELECT project_id, district, community, name, facility, grid, model, mechanism, stage, term_years, first_year, construction_cost_fen, consultation_required, vfm_passed, affordable, consultation_passed, approved, qualified_bidders, partner_id, contract_value_fen, periods_settled, paid_fen, failures FROM projects";

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn small(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn int(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(0)
}

fn project(row: &sqlx::any::AnyRow) -> Result<ProjectView, sqlx::Error> {
    Ok(ProjectView {
        project_id: row.try_get(0)?,
        district: row.try_get(1)?,
        community: row.try_get(2)?,
        name: row.try_get(3)?,
        facility: row.try_get(4)?,
        grid: row.try_get(5)?,
        model: int(row.try_get(6)?),
        mechanism: int(row.try_get(7)?),
        stage: int(row.try_get(8)?),
        term_years: small(row.try_get(9)?),
        first_year: int(row.try_get(10)?),
        construction_cost_fen: unsigned(row.try_get(11)?),
        consultation_required: row.try_get::<i64, _>(12)? != 0,
        vfm_passed: row.try_get::<i64, _>(13)? != 0,
        affordable: row.try_get::<i64, _>(14)? != 0,
        consultation_passed: row.try_get::<i64, _>(15)? != 0,
        approved: row.try_get::<i64, _>(16)? != 0,
        qualified_bidders: small(row.try_get(17)?),
        partner_id: row.try_get(18)?,
        contract_value_fen: unsigned(row.try_get(19)?),
        periods_settled: small(row.try_get(20)?),
        paid_fen: unsigned(row.try_get(21)?),
        failures: small(row.try_get(22)?),
    })
}

impl PppApp {
    pub async fn project(
        &self,
        district: &DistrictCode,
        project_id: Uuid,
        min_position: u64,
    ) -> Result<ProjectView, AppError> {
        let mut tx = self.read_after(&self.read.projects, min_position).await?;
        let row = sqlx::query(&format!(
            "{SELECT_PROJECT} WHERE project_id = $1 AND district = $2"
        ))
        .bind(project_id.to_string())
        .bind(district.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.as_ref()
            .map(project)
            .transpose()?
            .ok_or(AppError::NotFound)
    }

    pub async fn projects(
        &self,
        district: &DistrictCode,
        min_position: u64,
    ) -> Result<Vec<ProjectView>, AppError> {
        let mut tx = self.read_after(&self.read.projects, min_position).await?;
        let rows = sqlx::query(&format!(
            "{SELECT_PROJECT} WHERE district = $1 ORDER BY project_id"
        ))
        .bind(district.to_string())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.iter().map(project).collect::<Result<_, _>>()?)
    }

    /// Every period of the payment schedule so far settled, plus the
    /// feedback gathered for each, and the periods with feedback but not
    /// yet settled from the project's first year on.
    pub async fn periods(
        &self,
        district: &DistrictCode,
        project_id: Uuid,
        min_position: u64,
    ) -> Result<Vec<PeriodView>, AppError> {
        let found = self.project(district, project_id, min_position).await?;
        let mut tx = self.read_after(&self.read.projects, min_position).await?;
        let rows = sqlx::query(
            "SELECT period, score_basis_points, fixed_fen, performance_linked_fen, performance_paid_fen, deductions_fen, failures, payment_fen \
             FROM periods WHERE project_id = $1 ORDER BY period",
        )
        .bind(project_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut periods = Vec::new();
        for row in &rows {
            let period = int(row.try_get(0)?);
            periods.push(PeriodView {
                period,
                settled: true,
                score_basis_points: small(row.try_get(1)?),
                fixed_fen: unsigned(row.try_get(2)?),
                performance_linked_fen: unsigned(row.try_get(3)?),
                performance_paid_fen: unsigned(row.try_get(4)?),
                deductions_fen: unsigned(row.try_get(5)?),
                failures: small(row.try_get(6)?),
                payment_fen: unsigned(row.try_get(7)?),
                feedback: self
                    .feedback(district, project_id, &found.grid, period, min_position)
                    .await?,
            });
        }
        Ok(periods)
    }

    /// Ratings of the facility and grid cases at its site in `year`.
    pub async fn feedback(
        &self,
        district: &DistrictCode,
        facility_id: Uuid,
        grid: &str,
        year: i32,
        min_position: u64,
    ) -> Result<FeedbackView, AppError> {
        let mut tx = self.read_after(&self.read.feedback, min_position).await?;
        // SUM of a BIGINT is NUMERIC in PostgreSQL: cast back to read it.
        let (count, sum): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(stars), 0) AS BIGINT) FROM facility_ratings WHERE district = $1 AND facility_id = $2 AND year = $3",
        )
        .bind(district.to_string())
        .bind(facility_id.to_string())
        .bind(i64::from(year))
        .fetch_one(&mut *tx)
        .await?;
        let cases: i64 = if grid.is_empty() {
            0
        } else {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM site_cases WHERE district = $1 AND grid = $2 AND year = $3 AND counted = 1",
            )
            .bind(district.to_string())
            .bind(grid.to_owned())
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?
        };
        tx.commit().await?;
        Ok(FeedbackView {
            rating_count: unsigned(count),
            rating_star_sum: unsigned(sum),
            grid_cases: unsigned(cases),
        })
    }

    pub async fn portfolio(
        &self,
        district: &DistrictCode,
        min_position: u64,
    ) -> Result<PortfolioView, AppError> {
        let mut tx = self.read_after(&self.read.portfolio, min_position).await?;
        let budgets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT year, expenditure_fen FROM budgets WHERE district = $1 ORDER BY year",
        )
        .bind(district.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let reserved: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT project_id, year, amount_fen, government_pays FROM reservations WHERE district = $1 ORDER BY project_id, year",
        )
        .bind(district.to_string())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut years: std::collections::BTreeMap<i32, PortfolioYearView> = budgets
            .into_iter()
            .map(|(year, budget)| {
                let year = int(year);
                (
                    year,
                    PortfolioYearView {
                        year,
                        budget_fen: unsigned(budget),
                        ..PortfolioYearView::default()
                    },
                )
            })
            .collect();
        let mut project_ids = Vec::new();
        for (project_id, year, amount, government_pays) in reserved {
            let entry = years.entry(int(year)).or_insert_with(|| PortfolioYearView {
                year: int(year),
                ..PortfolioYearView::default()
            });
            entry.reserved_fen = entry.reserved_fen.saturating_add(unsigned(amount));
            if government_pays != 0 {
                entry.government_pays_fen =
                    entry.government_pays_fen.saturating_add(unsigned(amount));
            }
            if project_ids.last() != Some(&project_id) {
                project_ids.push(project_id);
            }
        }
        Ok(PortfolioView {
            years: years.into_values().collect(),
            project_ids,
        })
    }
}
