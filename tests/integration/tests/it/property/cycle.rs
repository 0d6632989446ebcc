//! The full cycle over gRPC, NATS and PostgreSQL: estate delivered -> first
//! assembly eligible -> the assembly elects a committee (and hires a
//! company, approves a fund use, refuses to raise the fund, each with its
//! reason) -> committee filed -> company hired by the passed vote -> fund
//! use approved and spent -> dispute mediated and settled.

use super::*;
use pb::{BallotChoice as B, MatterKind as K};

#[tokio::test]
async fn an_estate_goes_from_delivery_to_a_mediated_dispute() -> anyhow::Result<()> {
    let service = Property::start().await?;
    full_cycle(&mut service.clients().await?).await?;
    service.stop().await
}

/// The same cycle on the embedded SQLite store and read models of
/// `gongzhi dev`, so every read model's SQL runs on both backends.
#[tokio::test]
async fn the_same_cycle_runs_on_the_embedded_backends() -> anyhow::Result<()> {
    let direct = super::direct::Direct::sqlite().await?;
    full_cycle(&mut clients(&direct.url).await?).await?;
    direct.stop().await
}

async fn full_cycle(c: &mut Clients) -> anyhow::Result<()> {
    let staff = street()?;

    let (estate_id, owners, formed) = delivered_estate(c).await?;
    let estate = c
        .estates
        .get_estate(authorized(
            pb::GetEstateRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                min_position: formed,
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .estate
        .ok_or_else(|| anyhow::anyhow!("GetEstate answers with an estate"))?;
    assert_eq!(estate.total_area, "500.00");
    assert_eq!(estate.delivered_area, "380.00");
    assert_eq!(
        estate.eligibility,
        pb::FirstAssemblyEligibility::HalfDelivered as i32
    );
    assert!(estate.preparatory_group_formed);
    assert_eq!(estate.units.len(), 5);
    assert_eq!(estate.first_delivery_on, "2026-01-15");

    // The first assembly: four owners and the developer's unsold unit are
    // five heads on a roll of 500 m².
    let assembly_id = convene(
        c,
        &estate_id,
        vec![
            matter("elect", K::ElectCommittee, "选举第一届业主委员会"),
            matter("hire", K::HireOrDismissManager, COMPANY),
            matter("fund", K::UseMaintenanceFund, "更换2号电梯，30万元"),
            matter("raise", K::RaiseMaintenanceFund, "续筹维修资金"),
        ],
    )
    .await?;
    // One owner votes online for themselves; staff record written ballots.
    let mut online = ballot(&assembly_id, "elect", owners.get(0)?, B::For);
    online.channel = pb::BallotChannel::Online as i32;
    c.assemblies
        .cast_ballot(authorized(online, &owner(owners.get(0)?)?)?)
        .await?;
    for i in 1..4 {
        vote(c, &assembly_id, "elect", owners.get(i)?, B::For).await?;
    }
    for m in ["hire", "fund"] {
        for i in 0..4 {
            vote(c, &assembly_id, m, owners.get(i)?, B::For).await?;
        }
    }
    vote(c, &assembly_id, "raise", owners.get(0)?, B::For).await?;
    vote(c, &assembly_id, "raise", owners.get(1)?, B::For).await?;
    vote(c, &assembly_id, "raise", owners.get(2)?, B::Against).await?;
    vote(c, &assembly_id, "raise", owners.get(3)?, B::Against).await?;
    let closed = close(c, &assembly_id).await?;

    let assembly = get_assembly(c, &assembly_id, closed).await?;
    assert!(assembly.closed);
    assert_eq!(assembly.head_count, 5);
    assert_eq!(assembly.total_area, "500.00");
    let result = |id: &str| {
        assembly
            .matters
            .iter()
            .find(|m| m.matter_id == id)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("matter {id} missing"))
    };
    for id in ["elect", "hire", "fund"] {
        let m = result(id)?;
        assert!(m.decided && m.passed, "{id} passes: {m:?}");
        assert_eq!(m.reason, pb::MatterOutcomeReason::Passed as i32);
        assert_eq!(m.ballots, 4);
    }
    let raise = result("raise")?;
    assert!(raise.decided && !raise.passed);
    assert_eq!(
        raise.reason,
        pb::MatterOutcomeReason::AgreeingAreaBelowThreshold as i32,
        "170 of 380 m² agreeing is below 3/4"
    );
    assert_eq!(
        raise.threshold,
        pb::MatterThreshold::AtLeastThreeQuarters as i32
    );
    let tally = raise.tally.clone().unwrap_or_default();
    assert_eq!(
        tally.participating.map(|p| (p.area, p.heads)),
        Some(("380.00".into(), 4))
    );
    assert_eq!(
        tally.agree.map(|p| (p.area, p.heads)),
        Some(("170.00".into(), 2))
    );
    assert!(
        raise.explanation.contains("170.00 of the 380.00"),
        "{}",
        raise.explanation
    );

    // The committee: five members, filed on the day of election.
    let mut members: Vec<String> = owners.0.clone();
    members.push(Uuid::new_v4().to_string());
    let elected = c
        .assemblies
        .elect_committee(authorized(
            pb::ElectCommitteeRequest {
                request_id: "elect-committee".into(),
                district: DISTRICT.into(),
                assembly_id: assembly_id.clone(),
                matter_id: "elect".into(),
                members: members.clone(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let committee =
        get_committee(c, &elected.committee_id, position(elected.receipt.as_ref())).await?;
    assert_eq!(committee.members, members);
    assert_eq!(committee.elected_on, "2026-03-02");
    assert_eq!(committee.filing_due_on, "2026-04-01");
    assert!(!committee.filed);
    let filed = c
        .assemblies
        .file_committee(authorized(
            pb::FileCommitteeRequest {
                request_id: "file-committee".into(),
                district: DISTRICT.into(),
                committee_id: elected.committee_id.clone(),
                housing_authority_ref: "渝南住备〔2026〕12号".into(),
                street_office_ref: "铜街备〔2026〕3号".into(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let committee =
        get_committee(c, &elected.committee_id, position(filed.receipt.as_ref())).await?;
    assert!(committee.filed && !committee.filed_late && !committee.flagged_late);
    let listed = c
        .assemblies
        .list_committees(authorized(
            pb::ListCommitteesRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                flagged_late_only: false,
                min_position: position(filed.receipt.as_ref()),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .committees;
    assert_eq!(listed, vec![committee]);

    // The developer's preliminary contract, replaced by the company the
    // owners hired by vote; a fee is recorded under the owners' contract.
    c.management
        .sign_preliminary_contract(authorized(
            pb::SignPreliminaryContractRequest {
                request_id: "preliminary".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                company_id: DEVELOPER.into(),
                terms: Some(terms()),
                signed_on: "2025-12-01".into(),
            },
            &staff,
        )?)
        .await?;
    let hired = c
        .management
        .hire_company(authorized(
            pb::HireCompanyRequest {
                request_id: "hire".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                company_id: COMPANY.into(),
                terms: Some(terms()),
                vote: vote_ref(&assembly_id, "hire"),
                signed_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let fee = c
        .management
        .record_fee(authorized(
            pb::RecordFeeRequest {
                request_id: "fee-101-2026-04".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                unit_id: "B1-101".into(),
                period: "2026-04".into(),
                amount_fen: 14_400,
                collected_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let contracts = c
        .management
        .list_contracts(authorized(
            pb::ListContractsRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                min_position: position(fee.receipt.as_ref()),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .contracts;
    let summary: Vec<(i32, &str, i32, u64)> = contracts
        .iter()
        .map(|k| {
            (
                k.kind,
                k.company_id.as_str(),
                k.status,
                k.fees_collected_fen,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                pb::ContractKind::Preliminary as i32,
                DEVELOPER,
                pb::ContractStatus::Ended as i32,
                0
            ),
            (
                pb::ContractKind::Service as i32,
                COMPANY,
                pb::ContractStatus::Running as i32,
                14_400
            ),
        ]
    );
    assert_eq!(
        contracts.get(1).map(|k| k.contract_id.as_str()),
        Some(hired.contract_id.as_str())
    );
    assert_eq!(
        contracts.get(1).and_then(|k| k.vote.clone()),
        vote_ref(&assembly_id, "hire")
    );

    // The fund: a deposit, a use approved by the passed vote, spent.
    c.management
        .deposit_to_fund(authorized(
            pb::DepositToFundRequest {
                request_id: "deposit".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                unit_id: "B1-101".into(),
                amount_fen: 1_000_000,
                deposited_on: String::new(),
            },
            &staff,
        )?)
        .await?;
    let approval = c
        .management
        .approve_fund_use(authorized(
            pb::ApproveFundUseRequest {
                request_id: "approve".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                vote: vote_ref(&assembly_id, "fund"),
                amount_fen: 300_000,
                purpose: "更换2号电梯".into(),
                approved_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let spent = c
        .management
        .spend_from_fund(authorized(
            pb::SpendFromFundRequest {
                request_id: "spend".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                approval_id: approval.approval_id.clone(),
                amount_fen: 250_000,
                payee: "重庆某电梯工程有限公司".into(),
                spent_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let fund = get_fund(c, &estate_id, position(spent.receipt.as_ref())).await?;
    assert_eq!(fund.balance_fen, 750_000);
    let approvals: Vec<(String, u64, u64)> = fund
        .approvals
        .iter()
        .map(|a| (a.approval_id.clone(), a.amount_fen, a.remaining_fen))
        .collect();
    assert_eq!(
        approvals,
        vec![(approval.approval_id.clone(), 300_000, 50_000)]
    );
    let ledger: Vec<(i32, u64, u64)> = fund
        .entries
        .iter()
        .map(|e| (e.kind, e.amount_fen, e.balance_fen))
        .collect();
    assert_eq!(
        ledger,
        vec![
            (pb::FundEntryKind::Deposit as i32, 1_000_000, 1_000_000),
            (pb::FundEntryKind::Spending as i32, 250_000, 750_000),
        ]
    );

    // A dispute between an owner and the company, mediated and settled.
    let dispute_id = c
        .disputes
        .file_dispute(authorized(
            pb::FileDisputeRequest {
                request_id: "dispute".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                complainant: pb::DisputeParty::Owner as i32,
                complainant_id: owners.get(1)?.into(),
                respondent: pb::DisputeParty::Company as i32,
                respondent_id: COMPANY.into(),
                subject: "地下车库渗水长期未修".into(),
                filed_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .dispute_id;
    c.disputes
        .start_mediation(authorized(
            pb::StartMediationRequest {
                request_id: "mediate".into(),
                district: DISTRICT.into(),
                dispute_id: dispute_id.clone(),
                mediator: "铜元局社区居委会".into(),
                started_on: String::new(),
            },
            &staff,
        )?)
        .await?;
    let resolved = c
        .disputes
        .resolve_dispute(authorized(
            pb::ResolveDisputeRequest {
                request_id: "resolve".into(),
                district: DISTRICT.into(),
                dispute_id: dispute_id.clone(),
                outcome: pb::DisputeOutcome::Settled as i32,
                summary: "物业公司两周内完成防水维修".into(),
                resolved_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner();
    let dispute = c
        .disputes
        .get_dispute(authorized(
            pb::GetDisputeRequest {
                district: DISTRICT.into(),
                dispute_id,
                min_position: position(resolved.receipt.as_ref()),
            },
            &owner(owners.get(1)?)?,
        )?)
        .await?
        .into_inner()
        .dispute
        .ok_or_else(|| anyhow::anyhow!("GetDispute answers with a dispute"))?;
    assert_eq!(dispute.status, pb::DisputeStatus::Resolved as i32);
    assert_eq!(dispute.outcome, pb::DisputeOutcome::Settled as i32);
    assert_eq!(dispute.mediator, "铜元局社区居委会");
    assert_eq!(dispute.resolved_on, "2026-03-02");
    Ok(())
}
