//! The same service in `gongzhi dev`: SQLite read models, in-process
//! delivery, no NATS or PostgreSQL.

use super::*;
use gongzhi_cli::runtime::{DevConfig, start_dev};

#[tokio::test]
async fn the_embedded_mode_reserves_and_reads_back() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let url = format!("http://{}", dev.started.addr);
    let mut portfolio = PortfolioServiceClient::connect(url.clone()).await?;
    let mut projects = ProjectServiceClient::connect(url).await?;
    for year in 2027..2047 {
        portfolio
            .set_budget(authorized(
                pb::SetBudgetRequest {
                    request_id: format!("budget-{year}"),
                    district: DISTRICT.into(),
                    year,
                    expenditure_fen: 10_000_000,
                },
                &dev.token,
            )?)
            .await?;
    }
    let id = "70000000-0000-4000-8000-000000000007";
    projects
        .identify_project(authorized(
            identification(
                "identify",
                id,
                pb::PaymentMechanism::GovernmentPays,
                400_000,
            ),
            &dev.token,
        )?)
        .await?;
    projects
        .evaluate_value_for_money(authorized(
            pb::EvaluateValueForMoneyRequest {
                request_id: "vfm".into(),
                district: DISTRICT.into(),
                project_id: id.into(),
                qualitative_score: 80,
                ppp_present_value_fen: 1,
                psc_present_value_fen: 2,
            },
            &dev.token,
        )?)
        .await?;
    let confirmed = projects
        .confirm_affordability(authorized(
            pb::ConfirmAffordabilityRequest {
                request_id: "afford".into(),
                district: DISTRICT.into(),
                project_id: id.into(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    let at = position(confirmed.receipt);
    let found = projects
        .get_project(authorized(
            pb::GetProjectRequest {
                district: DISTRICT.into(),
                project_id: id.into(),
                min_position: at,
            },
            &dev.token,
        )?)
        .await?
        .into_inner()
        .project
        .ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert!(found.vfm_passed && found.affordable);
    let reserved = portfolio
        .get_portfolio(authorized(
            pb::GetPortfolioRequest {
                district: DISTRICT.into(),
                min_position: at,
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    assert_eq!(reserved.project_ids, vec![id.to_owned()]);
    assert!(
        reserved
            .years
            .iter()
            .all(|y| y.reserved_fen == 400_000 && y.government_pays_fen == 400_000)
    );
    shutdown.cancel();
    dev.started.task.await?
}
