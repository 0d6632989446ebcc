//! Proposals and complaints ("residents raise it, someone owns it") end to
//! end: the gRPC service on real PostgreSQL and NATS, the overdue watcher on
//! a fake clock, and a complaint that becomes a grid case through the bus.

mod flow;
mod grid_case;
mod overdue;
mod refusals;
mod trace;

use super::*;
use gongzhi_eventstore::AllFilter;
use gongzhi_proto::gongzhi::residents::v1::proposal_service_client::ProposalServiceClient;

pub async fn proposals_client(
    service: &Residents,
) -> anyhow::Result<ProposalServiceClient<Channel>> {
    Ok(ProposalServiceClient::connect(format!("http://{}", service.started.addr)).await?)
}

/// A staff token with a subject of its own (the owner of an item answers
/// under its subject).
pub fn staff(subject: &str, roles: &[&str], districts: &[&str]) -> anyhow::Result<String> {
    let caller = Caller {
        subject: subject.to_owned(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        districts: districts
            .iter()
            .map(|d| DistrictCode::parse(d))
            .collect::<Result<_, _>>()?,
    };
    Ok(TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(600))?)
}

pub fn raise_request(request_id: &str, resident_id: &str) -> pb::RaiseProposalRequest {
    pb::RaiseProposalRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        resident_id: resident_id.into(),
        kind: pb::ProposalKind::Proposal as i32,
        title: "增设休息座椅".into(),
        body: "社区广场缺少老人休息的座椅，建议增设。".into(),
        community: COMMUNITY.into(),
        street_problem: None,
    }
}

pub fn complaint_request(
    request_id: &str,
    resident_id: &str,
    category: &str,
) -> pb::RaiseProposalRequest {
    pb::RaiseProposalRequest {
        kind: pb::ProposalKind::Complaint as i32,
        title: "路灯不亮".into(),
        body: "小区门口的路灯坏了一周，晚上很黑。".into(),
        street_problem: Some(pb::ProposalStreetProblem {
            grid: GRID.into(),
            category: category.into(),
            location: Some(pb::ProposalLocation {
                address: "铜元局街道1号门口".into(),
                latitude: 29.55,
                longitude: 106.55,
            }),
        }),
        ..raise_request(request_id, resident_id)
    }
}

/// Raises `request` with `token`; the item id and the receipt position.
pub async fn raise(
    client: &mut ProposalServiceClient<Channel>,
    request: pb::RaiseProposalRequest,
    token: &str,
) -> anyhow::Result<(String, u64)> {
    let raised = client
        .raise_proposal(authorized(request, token)?)
        .await?
        .into_inner();
    Ok((raised.proposal_id, raised.receipt.map_or(0, |r| r.position)))
}

pub fn assign_request(
    request_id: &str,
    proposal_id: &str,
    owner: &str,
    deadline: &str,
) -> pb::AssignProposalRequest {
    pb::AssignProposalRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        proposal_id: proposal_id.into(),
        owner: Some(pb::ProposalOwner {
            kind: pb::ProposalOwnerKind::Worker as i32,
            id: owner.into(),
        }),
        deadline: deadline.into(),
    }
}

pub fn support_request(
    request_id: &str,
    proposal_id: &str,
    resident_id: &str,
) -> pb::SupportProposalRequest {
    pb::SupportProposalRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        proposal_id: proposal_id.into(),
        resident_id: resident_id.into(),
    }
}

pub fn answer_request(request_id: &str, proposal_id: &str) -> pb::AnswerProposalRequest {
    pb::AnswerProposalRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        proposal_id: proposal_id.into(),
        answer: "已协调物业，本周内增设四把座椅。".into(),
    }
}

pub fn close_request(request_id: &str, proposal_id: &str) -> pb::CloseProposalRequest {
    pb::CloseProposalRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        proposal_id: proposal_id.into(),
    }
}

/// The item as `token` sees it once the read model reached `min_position`.
pub async fn get(
    client: &mut ProposalServiceClient<Channel>,
    proposal_id: &str,
    min_position: u64,
    token: &str,
) -> anyhow::Result<pb::Proposal> {
    let request = pb::GetProposalRequest {
        district: DISTRICT.into(),
        proposal_id: proposal_id.into(),
        min_position,
    };
    client
        .get_proposal(authorized(request, token)?)
        .await?
        .into_inner()
        .proposal
        .ok_or_else(|| anyhow::anyhow!("no proposal in the answer"))
}

/// Every stored event of the `proposal` streams: a refusal must leave the
/// count unchanged.
pub async fn proposal_events(service: &Residents) -> anyhow::Result<usize> {
    Ok(service
        .started
        .store
        .read_all(0, &AllFilter::categories(["proposal"]), 100_000)
        .await?
        .len())
}

/// The store's head: a read at this position sees every write so far.
pub async fn head(service: &Residents) -> anyhow::Result<u64> {
    Ok(service.started.store.head_position().await?)
}

pub fn reason(status: &tonic::Status) -> Option<String> {
    use tonic_types::StatusExt;
    status.get_details_error_info().map(|info| info.reason)
}

pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// An RFC 3339 time `days` from now on the system clock.
pub fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::days(days)).to_rfc3339()
}
