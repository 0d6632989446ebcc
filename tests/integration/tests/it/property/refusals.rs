//! Refusals: spending from the fund without a passed vote, a second ballot
//! from one owner on one matter, an even-sized committee. Each answers a
//! clear gRPC error with a stable reason and writes nothing: the store's
//! head position is the same before and after, and the read models still
//! show the state from before.

use super::*;
use gongzhi_property::app::committees::committee_id;
use pb::{BallotChoice as B, MatterKind as K};

#[tokio::test]
async fn refused_commands_answer_why_and_change_nothing() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let staff = street()?;
    let (estate_id, owners, _) = delivered_estate(&mut c).await?;
    let assembly_id = convene(
        &mut c,
        &estate_id,
        vec![
            matter("elect", K::ElectCommittee, "选举第一届业主委员会"),
            matter("fund", K::UseMaintenanceFund, "外墙翻新，50万元"),
        ],
    )
    .await?;

    // A second ballot from the same owner on the same matter, whatever the
    // request id or channel, is refused; the first one stands.
    let first = vote(&mut c, &assembly_id, "elect", owners.get(0)?, B::For).await?;
    let head = service.head().await?;
    let mut again = ballot(&assembly_id, "elect", owners.get(0)?, B::Against);
    again.request_id = "second-ballot".into();
    again.channel = pb::BallotChannel::Online as i32;
    let status = refused(
        c.assemblies
            .cast_ballot(authorized(again, &owner(owners.get(0)?)?)?)
            .await,
        Code::FailedPrecondition,
        "BALLOT_ALREADY_CAST",
    )?;
    assert!(status.message().contains("elect"), "{}", status.message());
    assert_eq!(service.head().await?, head, "nothing was written");
    // An owner cannot vote for another owner either.
    let status = c
        .assemblies
        .cast_ballot(authorized(
            ballot(&assembly_id, "fund", owners.get(0)?, B::For),
            &owner(owners.get(1)?)?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("voting for another owner is refused"))?;
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(service.head().await?, head);
    let open = get_assembly(&mut c, &assembly_id, first).await?;
    assert_eq!(
        open.matters
            .iter()
            .map(|m| (m.matter_id.as_str(), m.ballots))
            .collect::<Vec<_>>(),
        vec![("elect", 1), ("fund", 0)]
    );

    for i in 1..4 {
        vote(&mut c, &assembly_id, "elect", owners.get(i)?, B::For).await?;
    }
    for i in 0..4 {
        vote(&mut c, &assembly_id, "fund", owners.get(i)?, B::Against).await?;
    }
    let closed = close(&mut c, &assembly_id).await?;
    let assembly = get_assembly(&mut c, &assembly_id, closed).await?;
    let fund_matter = assembly
        .matters
        .iter()
        .find(|m| m.matter_id == "fund")
        .ok_or_else(|| anyhow::anyhow!("fund matter"))?;
    assert!(!fund_matter.passed);
    assert_eq!(
        fund_matter.reason,
        pb::MatterOutcomeReason::AgreeingAreaBelowThreshold as i32
    );

    let deposited = c
        .management
        .deposit_to_fund(authorized(
            pb::DepositToFundRequest {
                request_id: "deposit".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                unit_id: String::new(),
                amount_fen: 500_000,
                deposited_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let before = get_fund(&mut c, &estate_id, position(deposited.receipt.as_ref())).await?;
    let head = service.head().await?;

    // Spending needs an approved use; there is none.
    let spend = pb::SpendFromFundRequest {
        request_id: "spend-without-vote".into(),
        district: DISTRICT.into(),
        estate_id: estate_id.clone(),
        approval_id: "no-such-approval".into(),
        amount_fen: 100_000,
        payee: "某装饰公司".into(),
        spent_on: String::new(),
    };
    refused(
        c.management
            .spend_from_fund(authorized(spend, &staff)?)
            .await,
        Code::FailedPrecondition,
        "FUND_APPROVAL_NOT_FOUND",
    )?;
    // A use is approved only on a passed fund-use vote: not on the failed
    // one, not on a vote about another matter.
    let approve = |request_id: &str, matter_id: &str| pb::ApproveFundUseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        estate_id: estate_id.clone(),
        vote: vote_ref(&assembly_id, matter_id),
        amount_fen: 100_000,
        purpose: "外墙翻新".into(),
        approved_on: String::new(),
    };
    let status = refused(
        c.management
            .approve_fund_use(authorized(approve("approve-failed", "fund"), &staff)?)
            .await,
        Code::FailedPrecondition,
        "DECISION_NOT_PASSED",
    )?;
    assert!(status.message().contains("fund"), "{}", status.message());
    refused(
        c.management
            .approve_fund_use(authorized(approve("approve-other", "elect"), &staff)?)
            .await,
        Code::FailedPrecondition,
        "DECISION_WRONG_MATTER",
    )?;
    // Bad input is INVALID_ARGUMENT with every field at once.
    let mut zero = approve("approve-zero", "fund");
    zero.amount_fen = 0;
    zero.purpose = String::new();
    let status = c
        .management
        .approve_fund_use(authorized(zero, &staff)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("zero amount is refused"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, vec!["amount_fen", "purpose"]);
    assert_eq!(service.head().await?, head, "no refusal wrote anything");
    assert_eq!(get_fund(&mut c, &estate_id, head).await?, before);

    // An even-sized committee is refused; no committee exists after it.
    let mut six: Vec<String> = owners.0.clone();
    six.push(Uuid::new_v4().to_string());
    six.push(Uuid::new_v4().to_string());
    let elect = |request_id: &str, members: Vec<String>| pb::ElectCommitteeRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        assembly_id: assembly_id.clone(),
        matter_id: "elect".into(),
        members,
    };
    let status = refused(
        c.assemblies
            .elect_committee(authorized(elect("elect-six", six.clone()), &staff)?)
            .await,
        Code::FailedPrecondition,
        "COMMITTEE_SIZE_EVEN",
    )?;
    assert!(status.message().contains('6'), "{}", status.message());
    assert_eq!(service.head().await?, head);
    let would_be = committee_id(Uuid::parse_str(&assembly_id)?, "elect");
    let missing = get_committee(&mut c, &would_be.to_string(), head).await;
    assert_eq!(missing.err().map(|s| s.code()), Some(Code::NotFound));

    // The decision is still good for an odd committee.
    six.pop();
    let elected = c
        .assemblies
        .elect_committee(authorized(elect("elect-five", six), &staff)?)
        .await?
        .into_inner();
    assert_eq!(elected.committee_id, would_be.to_string());

    service.stop().await
}
