//! A venture round with its projects, from the `procurement` read model.

use super::{AppError, ProcurementApp};
use gongzhi_kernel::DistrictCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VentureProjectRow {
    pub project_id: String,
    pub provider_id: String,
    pub title: String,
    pub requested_fen: u64,
    pub status: String,
    pub pitch_score: u32,
    pub funded_fen: u64,
    pub released_fen: u64,
    pub mid_term_passed: bool,
    pub grade: i32,
    pub final_score: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub round_id: String,
    pub district: String,
    pub title: String,
    pub total_budget_fen: u64,
    pub cap_per_project_fen: u64,
    pub call_deadline: String,
    pub funded_fen: u64,
    pub projects: Vec<VentureProjectRow>,
}

type RoundRow = (String, String, String, i64, i64, String, i64);
type ProjectRow = (
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn small(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

impl ProcurementApp {
    pub async fn round<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        round_id: &str,
        min_position: u64,
    ) -> Result<RoundView, AppError<E>> {
        let mut tx = self.read_after::<E>(min_position).await?;
        let row: Option<RoundRow> = sqlx::query_as(
            "SELECT round_id, district, title, total_budget_fen, cap_per_project_fen, call_deadline, funded_fen \
             FROM venture_rounds WHERE district = $1 AND round_id = $2",
        )
        .bind(district.as_str())
        .bind(round_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((round_id, district_code, title, total, cap, deadline, funded)) = row else {
            return Err(AppError::NotFound("round"));
        };
        let projects: Vec<ProjectRow> = sqlx::query_as(
            "SELECT project_id, provider_id, title, requested_fen, status, pitch_score, funded_fen, released_fen, \
             mid_term_passed, grade, final_score FROM venture_projects WHERE round_id = $1 ORDER BY position",
        )
        .bind(round_id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        Ok(RoundView {
            round_id,
            district: district_code,
            title,
            total_budget_fen: unsigned(total),
            cap_per_project_fen: unsigned(cap),
            call_deadline: deadline,
            funded_fen: unsigned(funded),
            projects: projects
                .into_iter()
                .map(|p| VentureProjectRow {
                    project_id: p.0,
                    provider_id: p.1,
                    title: p.2,
                    requested_fen: unsigned(p.3),
                    status: p.4,
                    pitch_score: small(p.5),
                    funded_fen: unsigned(p.6),
                    released_fen: unsigned(p.7),
                    mid_term_passed: p.8 != 0,
                    grade: i32::try_from(p.9).unwrap_or(0),
                    final_score: small(p.10),
                })
                .collect(),
        })
    }
}
