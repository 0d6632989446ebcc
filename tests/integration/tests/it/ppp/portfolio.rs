//! The district portfolio is the cap's consistency boundary: two projects
//! confirmed at the same moment, each within the 10% cap alone but over it
//! together, end with exactly one reservation; the other is refused with
//! PPP_CAP_EXCEEDED and writes nothing.

use super::walk::Walk;
use super::*;

#[tokio::test]
async fn two_projects_confirmed_at_once_cannot_together_break_the_cap() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    // Viability-gap projects: only the 10% cap applies. 600 000 of a
    // 10 000 000 budget is 6% each, 12% together.
    let first = Walk::new("a1a1a1a1-0000-4000-8000-000000000001")?;
    let second = Walk::new("b2b2b2b2-0000-4000-8000-000000000002")?;
    for walk in [&first, &second] {
        identify_and_evaluate(
            &mut ppp,
            &walk.project_id,
            pb::PaymentMechanism::ViabilityGap,
            600_000,
        )
        .await?;
    }
    let portfolio_before = ppp.stream_len(&format!("pppportfolio-{DISTRICT}")).await?;

    let mut one = ppp.clone_clients().await?;
    let mut two = ppp.clone_clients().await?;
    let (a, b) = tokio::join!(
        first.confirm_affordability(&mut one),
        second.confirm_affordability(&mut two)
    );

    let outcomes = [reason(a.clone()), reason(b.clone())];
    let accepted = outcomes
        .iter()
        .filter(|o| o.starts_with("accepted"))
        .count();
    assert_eq!(accepted, 1, "exactly one fits: {outcomes:?}");
    assert!(
        outcomes.contains(&"PPP_CAP_EXCEEDED".to_owned()),
        "{outcomes:?}"
    );

    // One reservation on the portfolio stream, one confirmation on the
    // winner's project, nothing on the loser's.
    assert_eq!(
        ppp.stream_len(&format!("pppportfolio-{DISTRICT}")).await?,
        portfolio_before + 1
    );
    let (winner, loser) = if a.is_ok() {
        (&first, &second)
    } else {
        (&second, &first)
    };
    assert_eq!(ppp.events(&winner.project_id).await?, 3);
    assert_eq!(ppp.events(&loser.project_id).await?, 2);

    let head = a.as_ref().or(b.as_ref()).copied().unwrap_or(0);
    let portfolio = ppp
        .portfolio
        .get_portfolio(authorized(
            pb::GetPortfolioRequest {
                district: DISTRICT.into(),
                min_position: head,
            },
            &officer()?,
        )?)
        .await?
        .into_inner();
    assert_eq!(portfolio.project_ids, vec![winner.project_id.clone()]);
    assert_eq!(portfolio.years.len(), 20);
    assert!(
        portfolio
            .years
            .iter()
            .all(|y| y.reserved_fen == 600_000 && y.budget_fen == 10_000_000)
    );

    // A retry of the winner's request replays; nothing is written twice.
    let replayed = winner.confirm_affordability(&mut ppp).await?;
    assert_eq!(replayed, head);
    assert_eq!(
        ppp.stream_len(&format!("pppportfolio-{DISTRICT}")).await?,
        portfolio_before + 1
    );
    assert_eq!(ppp.events(&winner.project_id).await?, 3);

    // The loser stays in identification: its gate is still closed.
    assert_eq!(
        reason(loser.advance(&mut ppp, 1).await),
        "PROJECT_GATE_NOT_PASSED"
    );
    ppp.stop().await
}

#[tokio::test]
async fn a_government_pays_project_is_held_to_five_percent() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    // 500 000 is exactly 5%: allowed; another 1 fen a year is not.
    let at_cap = Walk::new("c3c3c3c3-0000-4000-8000-000000000003")?;
    identify_and_evaluate(
        &mut ppp,
        &at_cap.project_id,
        pb::PaymentMechanism::GovernmentPays,
        500_000,
    )
    .await?;
    at_cap.confirm_affordability(&mut ppp).await?;
    let over = Walk::new("d4d4d4d4-0000-4000-8000-000000000004")?;
    identify_and_evaluate(
        &mut ppp,
        &over.project_id,
        pb::PaymentMechanism::GovernmentPays,
        1,
    )
    .await?;
    assert_eq!(
        reason(over.confirm_affordability(&mut ppp).await),
        "GOVERNMENT_PAYS_CAP_EXCEEDED"
    );
    assert_eq!(ppp.events(&over.project_id).await?, 2);
    ppp.stop().await
}

#[tokio::test]
async fn four_projects_racing_for_room_for_three_leave_three_reserved() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    // 300 000 a year is 3%: three fit under 10%, a fourth would make 12%.
    let walks = [
        Walk::new("10000000-0000-4000-8000-000000000001")?,
        Walk::new("20000000-0000-4000-8000-000000000002")?,
        Walk::new("30000000-0000-4000-8000-000000000003")?,
        Walk::new("40000000-0000-4000-8000-000000000004")?,
    ];
    let mut clients = Vec::new();
    for walk in &walks {
        identify_and_evaluate(
            &mut ppp,
            &walk.project_id,
            pb::PaymentMechanism::ViabilityGap,
            300_000,
        )
        .await?;
        clients.push(ppp.clone_clients().await?);
    }
    let outcomes = futures::future::join_all(
        walks
            .iter()
            .zip(clients.iter_mut())
            .map(|(walk, client)| walk.confirm_affordability(client)),
    )
    .await;
    let reasons: Vec<String> = outcomes.iter().cloned().map(reason).collect();
    assert_eq!(
        reasons.iter().filter(|r| r.starts_with("accepted")).count(),
        3,
        "{reasons:?}"
    );
    assert_eq!(
        reasons.iter().filter(|r| *r == "PPP_CAP_EXCEEDED").count(),
        1,
        "{reasons:?}"
    );
    let head = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok())
        .copied()
        .max()
        .unwrap_or(0);
    let portfolio = ppp
        .portfolio
        .get_portfolio(authorized(
            pb::GetPortfolioRequest {
                district: DISTRICT.into(),
                min_position: head,
            },
            &officer()?,
        )?)
        .await?
        .into_inner();
    assert_eq!(portfolio.project_ids.len(), 3);
    assert!(portfolio.years.iter().all(|y| y.reserved_fen == 900_000));
    ppp.stop().await
}
