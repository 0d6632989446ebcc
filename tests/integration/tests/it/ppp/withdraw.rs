//! A project withdrawn before signing frees its share of the fiscal cap:
//! the room it held goes to a project the cap refused before; a retry
//! replays; a signed project is not withdrawable and nothing is written.

use super::walk::Walk;
use super::*;

async fn portfolio(ppp: &mut Ppp, min_position: u64) -> anyhow::Result<pb::GetPortfolioResponse> {
    Ok(ppp
        .portfolio
        .get_portfolio(authorized(
            pb::GetPortfolioRequest {
                district: DISTRICT.into(),
                min_position,
            },
            &officer()?,
        )?)
        .await?
        .into_inner())
}

async fn stage(ppp: &mut Ppp, walk: &Walk, min_position: u64) -> anyhow::Result<i32> {
    let project = ppp
        .projects
        .get_project(authorized(
            pb::GetProjectRequest {
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                min_position,
            },
            &walk.token,
        )?)
        .await?
        .into_inner()
        .project
        .ok_or_else(|| anyhow::anyhow!("no project in the answer"))?;
    Ok(project.stage)
}

#[tokio::test]
async fn a_withdrawn_project_frees_its_room_under_the_cap() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let portfolio_stream = format!("pppportfolio-{DISTRICT}");
    // Viability-gap projects of 6% each: one fits under 10%, two do not.
    let first = Walk::new("a5a5a5a5-0000-4000-8000-000000000001")?;
    let second = Walk::new("b6b6b6b6-0000-4000-8000-000000000002")?;
    for walk in [&first, &second] {
        identify_and_evaluate(
            &mut ppp,
            &walk.project_id,
            pb::PaymentMechanism::ViabilityGap,
            600_000,
        )
        .await?;
    }
    first.confirm_affordability(&mut ppp).await?;
    first.advance(&mut ppp, 1).await?;
    assert_eq!(
        reason(second.confirm_affordability(&mut ppp).await),
        "PPP_CAP_EXCEEDED"
    );

    let portfolio_before = ppp.stream_len(&portfolio_stream).await?;
    let project_before = ppp.events(&first.project_id).await?;
    let withdrawn = first
        .withdraw(&mut ppp, "  site needed for flood works ")
        .await?;
    assert_eq!(withdrawn.stream, format!("pppproject-{}", first.project_id));
    assert!(!withdrawn.replayed);
    // The withdrawal on the project, the release on the portfolio.
    assert_eq!(ppp.events(&first.project_id).await?, project_before + 1);
    assert_eq!(
        ppp.stream_len(&portfolio_stream).await?,
        portfolio_before + 1
    );
    // The receipt's position covers the release: the portfolio read at it
    // no longer holds the first project.
    let freed = portfolio(&mut ppp, withdrawn.position).await?;
    assert!(freed.project_ids.is_empty(), "{:?}", freed.project_ids);
    assert!(freed.years.iter().all(|y| y.reserved_fen == 0));
    assert_eq!(
        stage(&mut ppp, &first, withdrawn.position).await?,
        pb::ProjectStage::Withdrawn as i32
    );

    // The room is free: the project the cap refused now fits (the same
    // request id: the refusal wrote nothing to replay).
    let confirmed = second.confirm_affordability(&mut ppp).await?;
    let after = portfolio(&mut ppp, confirmed).await?;
    assert_eq!(after.project_ids, vec![second.project_id.clone()]);
    assert_eq!(after.years.len(), 20);
    assert!(after.years.iter().all(|y| y.reserved_fen == 600_000));

    // A retry answers the same receipt and writes nothing.
    let head = ppp.started.store.head_position().await?;
    let retried = first
        .withdraw(&mut ppp, "site needed for flood works")
        .await?;
    assert_eq!(
        (
            retried.stream.as_str(),
            retried.stream_revision,
            retried.position
        ),
        (
            withdrawn.stream.as_str(),
            withdrawn.stream_revision,
            withdrawn.position
        )
    );
    assert!(retried.replayed);
    assert_eq!(ppp.started.store.head_position().await?, head);
    // A second withdrawal, a new request, is refused; so is any other step.
    let again = ppp
        .projects
        .withdraw_project(authorized(
            pb::WithdrawProjectRequest {
                request_id: format!("withdraw-again-{}", first.project_id),
                district: DISTRICT.into(),
                project_id: first.project_id.clone(),
                reason: "again".into(),
            },
            &first.token,
        )?)
        .await;
    assert_eq!(reason(again), "PROJECT_NOT_WITHDRAWABLE");
    assert_eq!(
        reason(first.advance(&mut ppp, 2).await),
        "PROJECT_WRONG_STAGE"
    );
    assert_eq!(ppp.started.store.head_position().await?, head);
    ppp.stop().await
}

#[tokio::test]
async fn a_signed_project_is_not_withdrawn_and_nothing_is_written() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let signed = Walk::new("c7c7c7c7-0000-4000-8000-000000000003")?;
    identify_and_evaluate(
        &mut ppp,
        &signed.project_id,
        pb::PaymentMechanism::ViabilityGap,
        600_000,
    )
    .await?;
    signed.confirm_affordability(&mut ppp).await?;
    signed.advance(&mut ppp, 1).await?;
    signed.prepare(&mut ppp).await?;
    signed.advance(&mut ppp, 2).await?;
    signed.procure(&mut ppp).await?;

    let head = ppp.started.store.head_position().await?;
    // Signed but still in procurement, and then in execution.
    assert_eq!(
        reason(signed.withdraw(&mut ppp, "changed our mind").await),
        "PROJECT_NOT_WITHDRAWABLE"
    );
    assert_eq!(ppp.started.store.head_position().await?, head);
    let executing = signed.advance(&mut ppp, 3).await?;
    let head = ppp.started.store.head_position().await?;
    assert_eq!(
        reason(signed.withdraw(&mut ppp, "changed our mind").await),
        "PROJECT_NOT_WITHDRAWABLE"
    );
    assert_eq!(ppp.started.store.head_position().await?, head);
    let held = portfolio(&mut ppp, executing).await?;
    assert_eq!(held.project_ids, vec![signed.project_id.clone()]);
    assert_eq!(
        stage(&mut ppp, &signed, executing).await?,
        pb::ProjectStage::Execution as i32
    );

    // A reason is required: INVALID_ARGUMENT, nothing read or written.
    assert_eq!(
        bad_fields(signed.withdraw(&mut ppp, "   ").await),
        vec!["reason".to_owned()]
    );
    ppp.stop().await
}

#[tokio::test]
async fn a_retry_finishes_a_withdrawal_whose_release_was_not_written() -> anyhow::Result<()> {
    use gongzhi_eventstore::{EventData, ExpectedRevision};
    use gongzhi_kernel::{DistrictCode, EventCodec};
    use gongzhi_ppp::domain::project::ProjectEvent;
    use gongzhi_server::{Caller, CommandContext};

    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let walk = Walk::new("d8d8d8d8-0000-4000-8000-000000000004")?;
    identify_and_evaluate(
        &mut ppp,
        &walk.project_id,
        pb::PaymentMechanism::ViabilityGap,
        600_000,
    )
    .await?;
    walk.confirm_affordability(&mut ppp).await?;

    // The withdrawal as the request's first event, written as if the
    // process stopped before the release (the officer's subject and the
    // walk's request id give the same event id the service derives).
    let district = DistrictCode::parse(DISTRICT)?;
    let context = CommandContext::new(
        Caller {
            subject: "ppp-officer-500108".into(),
            roles: vec!["ppp_officer".into()],
            districts: vec![district.clone()],
        },
        &format!("withdraw-{}", walk.project_id),
    )?;
    let event = ProjectEvent::Withdrawn(pb::ProjectWithdrawn {
        project_id: walk.project_id.clone(),
        district: DISTRICT.into(),
        from_stage: pb::ProjectStage::Identification as i32,
        reason: "site lost".into(),
        withdrawn_at: "2027-03-01T01:00:00Z".into(),
    });
    let stream = StreamName::parse(&format!("pppproject-{}", walk.project_id))?;
    let revision = u64::try_from(ppp.events(&walk.project_id).await?)? - 1;
    ppp.started
        .store
        .append(
            &stream,
            ExpectedRevision::Exact(revision),
            vec![EventData {
                event_id: context.event_id(0),
                event_type: event.event_type().to_owned(),
                payload: event.encode(),
                metadata: context.metadata(Some(district)),
            }],
        )
        .await?;
    let portfolio_stream = format!("pppportfolio-{DISTRICT}");
    let portfolio_before = ppp.stream_len(&portfolio_stream).await?;

    let finished = walk.withdraw(&mut ppp, "site lost").await?;
    // Something new was written: the release, nothing on the project.
    assert!(!finished.replayed);
    assert_eq!(finished.stream_revision, revision + 1);
    assert_eq!(
        ppp.stream_len(&portfolio_stream).await?,
        portfolio_before + 1
    );
    assert_eq!(
        ppp.events(&walk.project_id).await?,
        usize::try_from(revision + 2)?
    );
    let freed = portfolio(&mut ppp, finished.position).await?;
    assert!(freed.project_ids.is_empty(), "{:?}", freed.project_ids);
    ppp.stop().await
}

#[tokio::test]
async fn a_reservation_landing_after_a_withdrawal_is_released_by_its_confirmation()
-> anyhow::Result<()> {
    use gongzhi_eventstore::{EventData, ExpectedRevision};
    use gongzhi_kernel::{DistrictCode, EventCodec};
    use gongzhi_ppp::domain::portfolio::PortfolioEvent;
    use gongzhi_server::{Caller, CommandContext};

    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let walk = Walk::new("d8d8d8d8-0000-4000-8000-000000000005")?;
    identify_and_evaluate(
        &mut ppp,
        &walk.project_id,
        pb::PaymentMechanism::ViabilityGap,
        600_000,
    )
    .await?;
    // The race: a confirmation passed its checks, then the withdrawal ran
    // (nothing reserved yet, nothing released), then the confirmation's
    // reservation landed. Written here as the confirmation would have.
    walk.withdraw(&mut ppp, "site lost").await?;
    let district = DistrictCode::parse(DISTRICT)?;
    let context = CommandContext::new(
        Caller {
            subject: "ppp-officer-500108".into(),
            roles: vec!["ppp_officer".into()],
            districts: vec![district.clone()],
        },
        &format!("afford-{}", walk.project_id),
    )?;
    let years: Vec<pb::YearAmount> = (2027..2047)
        .map(|year| pb::YearAmount {
            year,
            amount_fen: 600_000,
        })
        .collect();
    let event = PortfolioEvent::Reserved(pb::OutlaysReserved {
        district: DISTRICT.into(),
        project_id: walk.project_id.clone(),
        government_pays: false,
        outlays: years.clone(),
        year_totals: years,
    });
    ppp.started
        .store
        .append(
            &StreamName::parse(&format!("pppportfolio-{DISTRICT}"))?,
            ExpectedRevision::Any,
            vec![EventData {
                event_id: context.event_id(0),
                event_type: event.event_type().to_owned(),
                payload: event.encode(),
                metadata: context.metadata(Some(district)),
            }],
        )
        .await?;

    // The confirmation goes on, is refused on the withdrawn project, and
    // frees what it reserved.
    let refused = walk.confirm_affordability(&mut ppp).await;
    assert_eq!(reason(refused), "PROJECT_WRONG_STAGE");
    let head = ppp.started.store.head_position().await?;
    let freed = portfolio(&mut ppp, head).await?;
    assert!(freed.project_ids.is_empty(), "{:?}", freed.project_ids);
    ppp.stop().await
}
