//! The venture-round part of the `procurement` read model: each round with
//! the amount funded so far, and each project's status and money.

use crate::domain::venture::VentureEvent;
use sqlx::AnyConnection;

fn fen(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

async fn project_status(
    connection: &mut AnyConnection,
    project_id: &str,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE venture_projects SET status = $1 WHERE project_id = $2")
        .bind(status)
        .bind(project_id)
        .execute(connection)
        .await?;
    Ok(())
}

pub(super) async fn apply(
    connection: &mut AnyConnection,
    event: VentureEvent,
    position: i64,
) -> Result<(), sqlx::Error> {
    match event {
        VentureEvent::Opened(e) => {
            sqlx::query(
                "INSERT INTO venture_rounds (round_id, district, title, total_budget_fen, cap_per_project_fen, call_deadline, funded_fen) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (round_id) DO NOTHING",
            )
            .bind(e.round_id)
            .bind(e.district)
            .bind(e.title)
            .bind(fen(e.total_budget_fen))
            .bind(fen(e.cap_per_project_fen))
            .bind(e.call_deadline)
            .execute(connection)
            .await?;
        }
        VentureEvent::Applied(e) => {
            sqlx::query(
                "INSERT INTO venture_projects (project_id, round_id, district, provider_id, title, requested_fen, status, \
                 pitch_score, funded_fen, released_fen, mid_term_passed, grade, final_score, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'APPLIED', 0, 0, 0, 0, 0, 0, $7) ON CONFLICT (project_id) DO NOTHING",
            )
            .bind(e.project_id)
            .bind(e.round_id)
            .bind(e.district)
            .bind(e.provider_id)
            .bind(e.title)
            .bind(fen(e.requested_fen))
            .bind(position)
            .execute(connection)
            .await?;
        }
        VentureEvent::Screened(e) => {
            let status = if e.passed {
                "SCREENED_IN"
            } else {
                "SCREENED_OUT"
            };
            project_status(connection, &e.project_id, status).await?;
        }
        VentureEvent::PitchReviewed(e) => {
            sqlx::query("UPDATE venture_projects SET status = 'PITCHED', pitch_score = $1 WHERE project_id = $2")
                .bind(i64::from(e.score))
                .bind(e.project_id)
                .execute(connection)
                .await?;
        }
        VentureEvent::Funded(e) => {
            sqlx::query("UPDATE venture_projects SET status = 'FUNDED', funded_fen = $1 WHERE project_id = $2")
                .bind(fen(e.amount_fen))
                .bind(e.project_id)
                .execute(&mut *connection)
                .await?;
            sqlx::query(
                "UPDATE venture_rounds SET funded_fen = funded_fen + $1 WHERE round_id = $2",
            )
            .bind(fen(e.amount_fen))
            .bind(e.round_id)
            .execute(connection)
            .await?;
        }
        VentureEvent::TrancheReleased(e) => {
            sqlx::query("UPDATE venture_projects SET released_fen = released_fen + $1 WHERE project_id = $2")
                .bind(fen(e.amount_fen))
                .bind(e.project_id)
                .execute(connection)
                .await?;
        }
        VentureEvent::MidTermReviewed(e) => {
            sqlx::query("UPDATE venture_projects SET mid_term_passed = $1 WHERE project_id = $2")
                .bind(i64::from(e.passed))
                .bind(e.project_id)
                .execute(connection)
                .await?;
        }
        VentureEvent::Graded(e) => {
            sqlx::query(
                "UPDATE venture_projects SET status = 'GRADED', grade = $1, final_score = $2 WHERE project_id = $3",
            )
            .bind(i64::from(e.grade))
            .bind(i64::from(e.score))
            .bind(e.project_id)
            .execute(connection)
            .await?;
        }
    }
    Ok(())
}
