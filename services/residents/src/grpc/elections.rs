//! `ElectionService`: field validation (every violation at once), who may do
//! what, and mapping to and from the application layer. Staff of the
//! district create elections, nominate and count; a resident casts their
//! own ballot, or staff record a paper ballot for them.

use super::access::{ensure_acts_for, ensure_participant_read, ensure_write};
use super::errors::participation_error;
use super::meetings::{MAX_TITLE_CHARS, page_size, page_token};
use super::receipt::receipt;
use super::validate::{Violations, invalid};
use crate::app::elections::{
    CreateElection, ElectionAppError, ElectionPhase, ElectionView, ElectionsApp, GroupResultView,
};
use crate::domain::participation::elections::AgeGroup;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use std::collections::BTreeSet;
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// Age groups of one election.
pub const MAX_GROUPS: usize = 20;
pub const MAX_GROUP_ID_CHARS: usize = 40;
/// Candidates named on one ballot.
pub const MAX_BALLOT_CHOICES: usize = 200;

pub struct ElectionGrpc {
    app: ElectionsApp,
}

impl ElectionGrpc {
    pub fn new(app: ElectionsApp) -> Self {
        Self { app }
    }
}

fn election_error(error: ElectionAppError) -> ApiError {
    participation_error(error, "election")
}

/// Groups in form only (ids present and short); ranges, overlaps and seats
/// are the decider's rules and come back as ELECTION_* reasons.
fn groups(v: &mut Violations, raw: &[pb::ElectionAgeGroup]) -> Option<Vec<AgeGroup>> {
    if raw.is_empty() {
        v.add("groups", "at least one age group is required");
        return None;
    }
    if raw.len() > MAX_GROUPS {
        v.add("groups", format!("at most {MAX_GROUPS} age groups"));
        return None;
    }
    let mut groups = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (index, group) in raw.iter().enumerate() {
        let id = v.text(
            &format!("groups[{index}].group_id"),
            &group.group_id,
            MAX_GROUP_ID_CHARS,
        );
        match id {
            Some(group_id) => groups.push(AgeGroup {
                group_id,
                min_age: group.min_age,
                max_age: (group.max_age != 0).then_some(group.max_age),
                seats: group.seats,
            }),
            None => ok = false,
        }
    }
    ok.then_some(groups)
}

/// Distinct candidate ids; an empty ballot is allowed (a blank vote).
fn candidates(v: &mut Violations, raw: &[String]) -> Option<Vec<Uuid>> {
    if raw.len() > MAX_BALLOT_CHOICES {
        v.add(
            "candidate_ids",
            format!("at most {MAX_BALLOT_CHOICES} candidates"),
        );
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut ids = Vec::with_capacity(raw.len());
    for (index, value) in raw.iter().enumerate() {
        let field = format!("candidate_ids[{index}]");
        let id = v.uuid(&field, value)?;
        if !seen.insert(id) {
            v.add(&field, "named twice");
            return None;
        }
        ids.push(id);
    }
    Some(ids)
}

fn phase(phase: ElectionPhase) -> pb::ElectionPhase {
    match phase {
        ElectionPhase::Nominating => pb::ElectionPhase::Nominating,
        ElectionPhase::Voting => pb::ElectionPhase::Voting,
        ElectionPhase::Counted => pb::ElectionPhase::Counted,
    }
}

fn group(group: AgeGroup) -> pb::ElectionAgeGroup {
    pb::ElectionAgeGroup {
        group_id: group.group_id,
        min_age: group.min_age,
        max_age: group.max_age.unwrap_or(0),
        seats: group.seats,
    }
}

fn result(result: GroupResultView) -> pb::ElectionGroupResult {
    pb::ElectionGroupResult {
        group_id: result.group_id,
        seats: result.seats,
        tallies: result
            .tallies
            .into_iter()
            .map(|(candidate_id, votes)| pb::ElectionCandidateTally {
                candidate_id,
                votes,
            })
            .collect(),
        elected: result.elected,
        runoff_candidates: result.runoff_candidates,
        runoff_seats: result.runoff_seats,
        vacant_seats: result.vacant_seats,
    }
}

fn election(view: ElectionView) -> pb::Election {
    pb::Election {
        election_id: view.election_id,
        district: view.district,
        community: view.community,
        title: view.title,
        groups: view.groups.into_iter().map(group).collect(),
        eligible_voters: view.eligible_voters,
        ballots_cast: view.ballots_cast,
        phase: phase(view.phase).into(),
        opened_at: view.opened_at,
        counted_at: view.counted_at,
        candidates: view
            .candidates
            .into_iter()
            .map(|(candidate_id, group_id)| pb::ElectionCandidate {
                candidate_id,
                group_id,
            })
            .collect(),
        results: view.results.into_iter().map(result).collect(),
    }
}

#[tonic::async_trait]
impl pb::election_service_server::ElectionService for ElectionGrpc {
    async fn create_election(
        &self,
        request: Request<pb::CreateElectionRequest>,
    ) -> Result<Response<pb::CreateElectionResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let community = v.community(&r.community, district.as_ref());
        let title = v.text("title", &r.title, MAX_TITLE_CHARS);
        let groups = groups(&mut v, &r.groups);
        v.finish()?;
        let (Some(district), Some(community), Some(title), Some(groups)) =
            (district, community, title, groups)
        else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let created = self
            .app
            .create(
                &context,
                CreateElection {
                    district,
                    community,
                    title,
                    groups,
                },
            )
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::CreateElectionResponse {
            election_id: created.election_id.to_string(),
            receipt: Some(receipt(&created.receipt)),
            eligible_voters: created.eligible_voters,
        }))
    }

    async fn nominate_candidate(
        &self,
        request: Request<pb::NominateCandidateRequest>,
    ) -> Result<Response<pb::NominateCandidateResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, election_id) =
            v.target(&r.request_id, &r.district, "election_id", &r.election_id);
        let candidate = v.uuid("resident_id", &r.resident_id);
        v.finish()?;
        let (Some(district), Some(election_id), Some(candidate)) =
            (district, election_id, candidate)
        else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (written, group_id) = self
            .app
            .nominate(&context, district, election_id, candidate)
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::NominateCandidateResponse {
            receipt: Some(receipt(&written)),
            group_id,
        }))
    }

    async fn cast_ballot(
        &self,
        request: Request<pb::CastBallotRequest>,
    ) -> Result<Response<pb::CastBallotResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, election_id) =
            v.target(&r.request_id, &r.district, "election_id", &r.election_id);
        let voter = v.uuid("resident_id", &r.resident_id);
        let candidates = candidates(&mut v, &r.candidate_ids);
        v.finish()?;
        let (Some(district), Some(election_id), Some(voter), Some(candidates)) =
            (district, election_id, voter, candidates)
        else {
            return Err(invalid());
        };
        ensure_acts_for(&caller, &district, &voter)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .cast_ballot(&context, district, election_id, voter, candidates)
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::CastBallotResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn count_election(
        &self,
        request: Request<pb::CountElectionRequest>,
    ) -> Result<Response<pb::CountElectionResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, election_id) =
            v.target(&r.request_id, &r.district, "election_id", &r.election_id);
        v.finish()?;
        let (Some(district), Some(election_id)) = (district, election_id) else {
            return Err(invalid());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .count(&context, district, election_id)
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::CountElectionResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_election(
        &self,
        request: Request<pb::GetElectionRequest>,
    ) -> Result<Response<pb::GetElectionResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let election_id = v.uuid("election_id", &r.election_id);
        v.finish()?;
        let (Some(district), Some(election_id)) = (district, election_id) else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .get(&district, election_id, r.min_position)
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::GetElectionResponse {
            election: Some(election(view)),
        }))
    }

    async fn list_elections(
        &self,
        request: Request<pb::ListElectionsRequest>,
    ) -> Result<Response<pb::ListElectionsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let community = if r.community.is_empty() {
            Some(None)
        } else {
            v.community(&r.community, district.as_ref()).map(Some)
        };
        let size = page_size(&mut v, r.page_size);
        let after = page_token(&mut v, &r.page_token);
        v.finish()?;
        let (Some(district), Some(community), Some(size), Some(after)) =
            (district, community, size, after)
        else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let (elections, next) = self
            .app
            .list(&district, community.as_ref(), size, after, r.min_position)
            .await
            .map_err(election_error)?;
        Ok(Response::new(pb::ListElectionsResponse {
            elections: elections.into_iter().map(election).collect(),
            next_page_token: next.map(|p| p.to_string()).unwrap_or_default(),
        }))
    }
}
