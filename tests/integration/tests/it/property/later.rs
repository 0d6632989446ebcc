//! Later in an estate's life: the owners dismiss the company they hired by
//! the vote of a later assembly, and a dispute mediation cannot settle is
//! escalated and decided.

use super::*;
use pb::{BallotChoice as B, MatterKind as K};

#[tokio::test]
async fn a_later_vote_dismisses_the_company_and_a_dispute_is_escalated() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let staff = street()?;
    let (estate_id, owners, _) = delivered_estate(&mut c).await?;

    let first = convene(
        &mut c,
        &estate_id,
        vec![matter("hire", K::HireOrDismissManager, COMPANY)],
    )
    .await?;
    for i in 0..4 {
        vote(&mut c, &first, "hire", owners.get(i)?, B::For).await?;
    }
    close(&mut c, &first).await?;
    let hire = pb::HireCompanyRequest {
        request_id: "hire".into(),
        district: DISTRICT.into(),
        estate_id: estate_id.clone(),
        company_id: COMPANY.into(),
        terms: Some(terms()),
        vote: vote_ref(&first, "hire"),
        signed_on: "2026-03-20".into(),
    };
    let hired = c
        .management
        .hire_company(authorized(hire, &staff)?)
        .await?
        .into_inner();

    // A later (not first) assembly votes the company out: 3 of 4 taking part.
    let later = c
        .assemblies
        .convene_assembly(authorized(
            pb::ConveneAssemblyRequest {
                request_id: "convene-later".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                first: false,
                held_on: "2026-04-20".into(),
                matters: vec![matter("dismiss", K::HireOrDismissManager, "解聘物业公司")],
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .assembly_id;
    for i in 0..3 {
        vote(&mut c, &later, "dismiss", owners.get(i)?, B::For).await?;
    }
    vote(&mut c, &later, "dismiss", owners.get(3)?, B::Against).await?;
    close(&mut c, &later).await?;
    let dismiss = |request_id: &str| pb::DismissCompanyRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        estate_id: estate_id.clone(),
        vote: vote_ref(&later, "dismiss"),
        dismissed_on: "2026-04-21".into(),
    };
    let dismissed = c
        .management
        .dismiss_company(authorized(dismiss("dismiss"), &staff)?)
        .await?
        .into_inner();
    let head = service.head().await?;
    refused(
        c.management
            .dismiss_company(authorized(dismiss("dismiss-again"), &staff)?)
            .await,
        Code::FailedPrecondition,
        "NO_CONTRACT_RUNNING",
    )?;
    assert_eq!(service.head().await?, head);
    let contracts = c
        .management
        .list_contracts(authorized(
            pb::ListContractsRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                min_position: position(dismissed.receipt.as_ref()),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .contracts;
    let contract = contracts
        .iter()
        .find(|k| k.contract_id == hired.contract_id)
        .ok_or_else(|| anyhow::anyhow!("the hired contract is listed"))?;
    assert_eq!(contract.status, pb::ContractStatus::Dismissed as i32);
    assert_eq!(contract.ended_on, "2026-04-21");
    assert_eq!(contract.dismissal_vote, vote_ref(&later, "dismiss"));

    // A dispute the residents' committee cannot settle goes up and is decided.
    let dispute_id = c
        .disputes
        .file_dispute(authorized(
            pb::FileDisputeRequest {
                request_id: "dispute".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                complainant: pb::DisputeParty::Committee as i32,
                complainant_id: "committee".into(),
                respondent: pb::DisputeParty::Company as i32,
                respondent_id: COMPANY.into(),
                subject: "解聘后拒不移交共用部位资料".into(),
                filed_on: String::new(),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .dispute_id;
    let escalate = pb::EscalateDisputeRequest {
        request_id: "escalate-early".into(),
        district: DISTRICT.into(),
        dispute_id: dispute_id.clone(),
        level: pb::EscalationLevel::StreetOffice as i32,
        reason: "物业公司拒绝调解".into(),
        escalated_on: String::new(),
    };
    let head = service.head().await?;
    refused(
        c.disputes
            .escalate_dispute(authorized(escalate.clone(), &staff)?)
            .await,
        Code::FailedPrecondition,
        "DISPUTE_NOT_MEDIATED",
    )?;
    assert_eq!(service.head().await?, head);
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
    let mut escalate = escalate;
    escalate.request_id = "escalate".into();
    c.disputes
        .escalate_dispute(authorized(escalate, &staff)?)
        .await?;
    let decided = c
        .disputes
        .resolve_dispute(authorized(
            pb::ResolveDisputeRequest {
                request_id: "decide".into(),
                district: DISTRICT.into(),
                dispute_id: dispute_id.clone(),
                outcome: pb::DisputeOutcome::Decided as i32,
                summary: "街道办责令十日内移交资料".into(),
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
                min_position: position(decided.receipt.as_ref()),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .dispute
        .ok_or_else(|| anyhow::anyhow!("GetDispute answers with a dispute"))?;
    assert_eq!(
        (dispute.status, dispute.level, dispute.outcome),
        (
            pb::DisputeStatus::Resolved as i32,
            pb::EscalationLevel::StreetOffice as i32,
            pb::DisputeOutcome::Decided as i32
        )
    );
    assert_eq!(dispute.escalation_reason, "物业公司拒绝调解");

    service.stop().await
}
