//! Representative elections end to end: age groups filled from registered
//! residents of different birth years (ages from their ID numbers, never
//! from the caller), one ballot per voter, the count per group with a tie at
//! the cut-off reported for a run-off. Every refusal is checked to have
//! written nothing and changed nothing.

use super::meetings::{code, march_first, reason};
use super::*;
use gongzhi_eventstore::{Direction, ReadFrom, StreamName};
use gongzhi_kernel::FakeClock;
use gongzhi_proto::gongzhi::residents::v1::election_service_client::ElectionServiceClient;
use std::collections::BTreeMap;
use std::sync::Arc;
use tonic::Code;

const OTHER_COMMUNITY: &str = "500108001003";

fn group(id: &str, min_age: u32, max_age: u32, seats: u32) -> pb::ElectionAgeGroup {
    pb::ElectionAgeGroup {
        group_id: id.into(),
        min_age,
        max_age,
        seats,
    }
}

struct Polls {
    service: Residents,
    elections: ElectionServiceClient<Channel>,
}

impl Polls {
    async fn events_in(&self, election_id: &str) -> anyhow::Result<usize> {
        let stream = StreamName::new("election", uuid::Uuid::parse_str(election_id)?)?;
        Ok(self
            .service
            .started
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10_000)
            .await?
            .len())
    }

    async fn get(&mut self, election_id: &str, min_position: u64) -> anyhow::Result<pb::Election> {
        self.elections
            .get_election(authorized(
                pb::GetElectionRequest {
                    district: DISTRICT.into(),
                    election_id: election_id.into(),
                    min_position,
                },
                &community_worker()?,
            )?)
            .await?
            .into_inner()
            .election
            .ok_or_else(|| anyhow::anyhow!("no election in the answer"))
    }

    async fn nominate(
        &mut self,
        request_id: &str,
        election_id: &str,
        resident_id: &str,
    ) -> Result<pb::NominateCandidateResponse, tonic::Status> {
        let request = pb::NominateCandidateRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            election_id: election_id.into(),
            resident_id: resident_id.into(),
        };
        let token = community_worker().map_err(|e| tonic::Status::internal(e.to_string()))?;
        let request =
            authorized(request, &token).map_err(|e| tonic::Status::internal(e.to_string()))?;
        Ok(self
            .elections
            .nominate_candidate(request)
            .await?
            .into_inner())
    }

    async fn ballot(
        &mut self,
        request_id: &str,
        election_id: &str,
        voter: &str,
        choices: &[&String],
        token: &str,
    ) -> Result<u64, tonic::Status> {
        let request = pb::CastBallotRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            election_id: election_id.into(),
            resident_id: voter.into(),
            candidate_ids: choices.iter().map(|c| (*c).clone()).collect(),
        };
        let request =
            authorized(request, token).map_err(|e| tonic::Status::internal(e.to_string()))?;
        let answer = self.elections.cast_ballot(request).await?.into_inner();
        Ok(answer.receipt.map_or(0, |r| r.position))
    }
}

#[tokio::test]
async fn every_age_group_gets_its_seats_and_a_tie_at_the_cut_off_goes_to_a_runoff()
-> anyhow::Result<()> {
    let clock = FakeClock::at(march_first()?);
    let service = Residents::start_with(ServeOverrides {
        clock: Some(Arc::new(clock)),
        ..ServeOverrides::default()
    })
    .await?;
    let mut residents = service.client().await?;
    let elections =
        ElectionServiceClient::connect(format!("http://{}", service.started.addr)).await?;
    let mut polls = Polls { service, elections };

    // Born 1950-1953 (72-76), 1970 (56), 1990-1994 (32-36) and 2009 (17).
    let mut people = BTreeMap::new();
    for n in [0, 1, 2, 3, 20, 40, 41, 42, 43, 44, 59] {
        people.insert(n, register_nth(&mut residents, n).await?.0);
    }
    let mut elsewhere = registration("register-elsewhere");
    elsewhere.id_number = id_number(45)?;
    elsewhere.community = OTHER_COMMUNITY.into();
    elsewhere.grid = String::new();
    let neighbour = residents
        .register_resident(authorized(elsewhere, &district_admin()?)?)
        .await?
        .into_inner()
        .resident_id;
    let p = |n: u32| people.get(&n).cloned().unwrap_or_default();
    let worker = community_worker()?;

    let creation =
        |request_id: &str, groups: Vec<pb::ElectionAgeGroup>| pb::CreateElectionRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            title: "2026年居民代表选举".into(),
            groups,
        };
    let overlapping = vec![group("18-40", 18, 40, 2), group("40-60", 40, 60, 1)];
    let refused = polls
        .elections
        .create_election(authorized(creation("e-overlap", overlapping), &worker)?)
        .await;
    assert_eq!(reason(refused), "ELECTION_GROUPS_OVERLAP");
    let refused = polls
        .elections
        .create_election(authorized(creation("e-none", Vec::new()), &worker)?)
        .await;
    assert_eq!(code(refused), Code::InvalidArgument);

    let groups = vec![group("18-40", 18, 40, 2), group("60+", 60, 0, 1)];
    let created = polls
        .elections
        .create_election(authorized(creation("e-create", groups), &worker)?)
        .await?
        .into_inner();
    // Ten adults live in the community: not the 17-year-old, not the neighbour.
    assert_eq!(created.eligible_voters, 10);
    let election_id = created.election_id.clone();

    for n in [40, 41, 42] {
        let placed = polls
            .nominate(&format!("nominate-{n}"), &election_id, &p(n))
            .await?;
        assert_eq!(placed.group_id, "18-40");
    }
    for n in [0, 1] {
        let placed = polls
            .nominate(&format!("nominate-{n}"), &election_id, &p(n))
            .await?;
        assert_eq!(placed.group_id, "60+");
    }
    let before = polls.events_in(&election_id).await?;
    let refusals = [
        ("nominate-20", p(20), "ELECTION_NO_GROUP_FOR_AGE"),
        ("nominate-59", p(59), "RESIDENT_NOT_ADULT"),
        (
            "nominate-neighbour",
            neighbour.clone(),
            "RESIDENT_NOT_IN_COMMUNITY",
        ),
        ("nominate-40-again", p(40), "ELECTION_ALREADY_NOMINATED"),
        (
            "nominate-stranger",
            uuid::Uuid::new_v4().to_string(),
            "RESIDENT_NOT_IN_DISTRICT",
        ),
    ];
    for (request_id, candidate, expected) in refusals {
        let refused = polls.nominate(request_id, &election_id, &candidate).await;
        assert_eq!(reason(refused), expected, "{request_id}");
    }
    assert_eq!(polls.events_in(&election_id).await?, before);

    let (c40, c41, c42, c0, c1) = (p(40), p(41), p(42), p(0), p(1));
    polls
        .ballot("b-2", &election_id, &p(2), &[&c40, &c41, &c0], &worker)
        .await?;
    polls
        .ballot("b-3", &election_id, &p(3), &[&c40, &c41, &c1], &worker)
        .await?;
    let at = polls
        .ballot(
            "b-43",
            &election_id,
            &p(43),
            &[&c40, &c42],
            &resident_token(&p(43))?,
        )
        .await?;
    let before = polls.events_in(&election_id).await?;

    let twice = polls
        .ballot("b-2-again", &election_id, &p(2), &[&c42], &worker)
        .await;
    assert_eq!(reason(twice), "ELECTION_VOTED_TWICE");
    let too_many = polls
        .ballot("b-44", &election_id, &p(44), &[&c0, &c1], &worker)
        .await;
    assert_eq!(reason(too_many), "ELECTION_TOO_MANY_CHOICES");
    let minor = polls
        .ballot("b-59", &election_id, &p(59), &[&c40], &worker)
        .await;
    assert_eq!(reason(minor), "RESIDENT_NOT_ADULT");
    let outsider = polls
        .ballot("b-neighbour", &election_id, &neighbour, &[&c40], &worker)
        .await;
    assert_eq!(reason(outsider), "RESIDENT_NOT_IN_COMMUNITY");
    let for_another = polls
        .ballot(
            "b-for-20",
            &election_id,
            &p(20),
            &[&c40],
            &resident_token(&p(44))?,
        )
        .await;
    assert_eq!(code(for_another), Code::PermissionDenied);
    let late = polls.nominate("nominate-44", &election_id, &p(44)).await;
    assert_eq!(reason(late), "ELECTION_NOMINATIONS_CLOSED");
    assert_eq!(polls.events_in(&election_id).await?, before);
    let seen = polls.get(&election_id, at).await?;
    assert_eq!(seen.ballots_cast, 3, "nothing changed");
    assert_eq!(seen.phase, pb::ElectionPhase::Voting as i32);
    assert!(seen.results.is_empty(), "no tallies before the count");

    // Another district's staff: not found there, refused here.
    let stranger = token(&["community_worker"], &[OTHER_DISTRICT])?;
    let there = pb::GetElectionRequest {
        district: OTHER_DISTRICT.into(),
        election_id: election_id.clone(),
        min_position: at,
    };
    let refused = polls
        .elections
        .get_election(authorized(there, &stranger)?)
        .await;
    assert_eq!(code(refused), Code::NotFound);
    let refused = polls
        .ballot("b-stranger", &election_id, &p(44), &[&c40], &stranger)
        .await;
    assert_eq!(code(refused), Code::PermissionDenied);

    let counted = polls
        .elections
        .count_election(authorized(
            pb::CountElectionRequest {
                request_id: "e-count".into(),
                district: DISTRICT.into(),
                election_id: election_id.clone(),
            },
            &worker,
        )?)
        .await?
        .into_inner();
    let at = counted.receipt.map_or(0, |r| r.position);
    let seen = polls.get(&election_id, at).await?;
    assert_eq!(seen.phase, pb::ElectionPhase::Counted as i32);
    assert_eq!((seen.ballots_cast, seen.eligible_voters), (3, 10));
    let young = &seen.results[0];
    assert_eq!(young.group_id, "18-40");
    let tallies: Vec<(String, u32)> = young
        .tallies
        .iter()
        .map(|t| (t.candidate_id.clone(), t.votes))
        .collect();
    assert_eq!(
        tallies,
        [(c40.clone(), 3), (c41.clone(), 2), (c42.clone(), 1)]
    );
    assert_eq!(young.elected, [c40.clone(), c41.clone()]);
    assert!(young.runoff_candidates.is_empty());
    let senior = &seen.results[1];
    assert_eq!(senior.group_id, "60+");
    assert!(senior.elected.is_empty(), "a tie is never drawn by lot");
    let mut tied = vec![c0.clone(), c1.clone()];
    tied.sort();
    assert_eq!(senior.runoff_candidates, tied);
    assert_eq!(senior.runoff_seats, 1);

    let late = polls
        .ballot("b-44-late", &election_id, &p(44), &[&c40], &worker)
        .await;
    assert_eq!(reason(late), "ELECTION_CLOSED");
    let listed = polls
        .elections
        .list_elections(authorized(
            pb::ListElectionsRequest {
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                page_size: 0,
                page_token: String::new(),
                min_position: at,
            },
            &resident_token(&p(2))?,
        )?)
        .await?
        .into_inner();
    assert_eq!(
        listed.elections.len(),
        1,
        "the refused ones were never created"
    );
    assert_eq!(listed.elections[0].ballots_cast, 3);
    polls.service.stop().await
}
