//! The whole life of an item: raised by a resident, assigned by staff,
//! supported by several residents, answered by its owner, closed; then read
//! back one by one and as filtered pages.

use super::*;

#[tokio::test]
async fn an_item_is_raised_owned_supported_answered_and_closed() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut proposals = proposals_client(&service).await?;
    let mut people = Vec::new();
    for n in 1..=4 {
        people.push(register_nth(&mut residents, n).await?.0);
    }
    let (raiser, supporters) = (&people[0], &people[1..]);
    let worker = community_worker()?;

    let (proposal_id, _) = raise(
        &mut proposals,
        raise_request("raise-1", raiser),
        &resident_token(raiser)?,
    )
    .await?;
    // A retry of the same request answers the same item and writes nothing.
    let retried = proposals
        .raise_proposal(authorized(
            raise_request("raise-1", raiser),
            &resident_token(raiser)?,
        )?)
        .await?
        .into_inner();
    assert_eq!(retried.proposal_id, proposal_id);
    assert!(retried.receipt.is_some_and(|r| r.replayed));

    let deadline = days_from_now(3);
    proposals
        .assign_proposal(authorized(
            assign_request("assign-1", &proposal_id, "worker-wang", &deadline),
            &worker,
        )?)
        .await?;

    // Two residents support for themselves, staff records a third on paper.
    for (n, supporter) in supporters.iter().enumerate() {
        let token = if n < 2 {
            resident_token(supporter)?
        } else {
            worker.clone()
        };
        proposals
            .support_proposal(authorized(
                support_request(&format!("support-{n}"), &proposal_id, supporter),
                &token,
            )?)
            .await?;
    }
    let supported = get(&mut proposals, &proposal_id, head(&service).await?, &worker).await?;
    assert_eq!(supported.support_count, 3);
    assert_eq!(supported.status, pb::ProposalStatus::Assigned as i32);
    assert_eq!(
        supported.owner.as_ref().map(|o| (o.kind, o.id.as_str())),
        Some((pb::ProposalOwnerKind::Worker as i32, "worker-wang"))
    );
    assert!(!supported.deadline.is_empty());

    let owner = staff("worker-wang", &["community_worker"], &[DISTRICT])?;
    let answered = proposals
        .answer_proposal(authorized(
            answer_request("answer-1", &proposal_id),
            &owner,
        )?)
        .await?
        .into_inner();
    let closed = proposals
        .close_proposal(authorized(close_request("close-1", &proposal_id), &worker)?)
        .await?
        .into_inner();
    assert!(
        closed.receipt.as_ref().map(|r| r.position) > answered.receipt.as_ref().map(|r| r.position)
    );

    let position = closed.receipt.map_or(0, |r| r.position);
    let item = get(&mut proposals, &proposal_id, position, &worker).await?;
    assert_eq!(item.status, pb::ProposalStatus::Closed as i32);
    assert_eq!(item.answer, "已协调物业，本周内增设四把座椅。");
    assert_eq!(
        item.answered_by.as_ref().map(|o| o.id.as_str()),
        Some("worker-wang")
    );
    assert!(!item.answered_by_admin);
    assert!(!item.answered_at.is_empty() && !item.closed_at.is_empty());
    assert_eq!(item.support_count, 3);
    assert!(!item.overdue);
    assert_eq!(item.raised_by, *raiser, "staff see who raised it");

    // Residents read every item; only the raiser sees that it was them.
    let by_raiser = get(&mut proposals, &proposal_id, 0, &resident_token(raiser)?).await?;
    assert_eq!(by_raiser.raised_by, *raiser);
    let by_neighbour = get(
        &mut proposals,
        &proposal_id,
        0,
        &resident_token(&supporters[0])?,
    )
    .await?;
    assert_eq!(by_neighbour.raised_by, "");
    assert_eq!(by_neighbour.answer, item.answer, "the answer is public");
    service.stop().await
}

#[tokio::test]
async fn items_are_listed_by_filter_and_page() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut proposals = proposals_client(&service).await?;
    let (resident, _) = register_nth(&mut residents, 1).await?;
    let token = resident_token(&resident)?;
    let worker = community_worker()?;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            raise(
                &mut proposals,
                raise_request(&format!("p-{n}"), &resident),
                &token,
            )
            .await?
            .0,
        );
    }
    let (complaint, _) = raise(
        &mut proposals,
        complaint_request("c-1", &resident, "路灯"),
        &token,
    )
    .await?;
    proposals
        .assign_proposal(authorized(
            assign_request("assign-c", &complaint, "worker-wang", &days_from_now(2)),
            &worker,
        )?)
        .await?;
    let position = head(&service).await?;
    let list = |kind: pb::ProposalKind,
                status: pb::ProposalStatus,
                page_size: u32,
                page_token: String| pb::ListProposalsRequest {
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        kind: kind as i32,
        status: status as i32,
        overdue_only: false,
        page_size,
        page_token,
        min_position: position,
    };

    let complaints = proposals
        .list_proposals(authorized(
            list(
                pb::ProposalKind::Complaint,
                pb::ProposalStatus::Unspecified,
                0,
                String::new(),
            ),
            &token,
        )?)
        .await?
        .into_inner();
    assert_eq!(
        complaints
            .proposals
            .iter()
            .map(|p| p.proposal_id.as_str())
            .collect::<Vec<_>>(),
        vec![complaint.as_str()]
    );
    let street = complaints.proposals[0].street_problem.clone();
    assert_eq!(street.map(|s| s.grid), Some(GRID.to_owned()));

    // Open proposals, one per page, every id once, in id order.
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = proposals
            .list_proposals(authorized(
                list(
                    pb::ProposalKind::Proposal,
                    pb::ProposalStatus::Open,
                    1,
                    page_token,
                ),
                &worker,
            )?)
            .await?
            .into_inner();
        assert!(page.proposals.len() <= 1);
        seen.extend(page.proposals.into_iter().map(|p| p.proposal_id));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    ids.sort();
    assert_eq!(seen, ids);

    let overdue = proposals
        .list_proposals(authorized(
            pb::ListProposalsRequest {
                overdue_only: true,
                ..list(
                    pb::ProposalKind::Unspecified,
                    pb::ProposalStatus::Unspecified,
                    0,
                    String::new(),
                )
            },
            &worker,
        )?)
        .await?
        .into_inner();
    assert!(overdue.proposals.is_empty(), "nothing is past its deadline");
    service.stop().await
}
