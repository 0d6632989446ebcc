//! Representative elections by age group in stream `election-<uuid>`, and
//! the `elections` read model.
//!
//! Contract:
//! - The electorate is the registry's: adult residents of the community on
//!   the day the election opens (see [`Electorate`]), counted when it is
//!   created, once the `residents` read model holds every event so far.
//! - A candidate's age group is found from their age on that day, computed
//!   from their ID number; the caller never names an age or a group.
//! - Candidates and voters are adult residents living in the community.
//! - The decider runs first on the current state as a dry run, so a refusal
//!   of the election itself (not found, closed, voted twice, ...) is reported
//!   before the registry is asked; then the command runs for real, deciding
//!   again against the latest state (race-safe).
//! - A retried request answers its first receipt before anything is checked.

use super::electorate::{Electorate, day_in_china};
use super::participation::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::elections::{
    AgeGroup, Election, ElectionCommand, ElectionError, ElectionFacts, ElectionState,
};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use uuid::Uuid;

mod view;

pub use view::{ElectionPhase, ElectionView, GroupResultView};

pub const ELECTION_CATEGORY: &str = "election";

pub type ElectionAppError = ParticipationError<ElectionError>;

impl RuleError for ElectionError {
    fn reason(&self) -> &'static str {
        ElectionError::reason(self)
    }

    fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

/// An election whose every field is already valid in form; the decider
/// checks the groups.
#[derive(Debug, Clone)]
pub struct CreateElection {
    pub district: DistrictCode,
    pub community: CommunityCode,
    pub title: String,
    pub groups: Vec<AgeGroup>,
}

#[derive(Debug, Clone)]
pub struct Created {
    pub election_id: Uuid,
    pub receipt: Receipt,
    pub eligible_voters: u32,
}

#[derive(Clone)]
pub struct ElectionsApp {
    participation: ParticipationApp,
    electorate: Electorate,
    elections: ProjectionHandle,
}

fn domain(error: ElectionError) -> ElectionAppError {
    ParticipationError::Command(CommandError::Domain(error))
}

impl ElectionsApp {
    pub fn new(
        participation: ParticipationApp,
        electorate: Electorate,
        elections: ProjectionHandle,
    ) -> Self {
        Self {
            participation,
            electorate,
            elections,
        }
    }

    pub async fn create(
        &self,
        context: &CommandContext,
        command: CreateElection,
    ) -> Result<Created, ElectionAppError> {
        let election_id = Uuid::new_v5(&context.event_id(0), b"election");
        let district = command.district;
        let receipt = match self.earlier(context).await? {
            Some(receipt) => receipt,
            None => {
                let now = self.participation.now();
                let eligible_voters = self
                    .electorate
                    .count_adults(&district, command.community.as_str(), day_in_china(now))
                    .await?;
                let open = ElectionCommand::Open {
                    election_id: election_id.to_string(),
                    district: district.clone(),
                    community: command.community.as_str().to_owned(),
                    title: command.title,
                    groups: command.groups,
                    eligible_voters,
                    opened_at: now,
                };
                self.participation
                    .run::<Election>(context, &district, ELECTION_CATEGORY, election_id, open)
                    .await?
            }
        };
        let election_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(election_id);
        let eligible_voters = match self.state(election_id).await? {
            ElectionState::Present(facts) => facts.eligible_voters,
            ElectionState::Absent => 0,
        };
        Ok(Created {
            election_id,
            receipt,
            eligible_voters,
        })
    }

    /// Nominates a resident into the age group their age falls in; answers
    /// the group.
    pub async fn nominate(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        election_id: Uuid,
        candidate: Uuid,
    ) -> Result<(Receipt, String), ElectionAppError> {
        if let Some(receipt) = self.earlier(context).await? {
            let group_id = match self.state(election_id).await? {
                ElectionState::Present(facts) => facts
                    .candidates
                    .get(&candidate.to_string())
                    .cloned()
                    .unwrap_or_default(),
                ElectionState::Absent => String::new(),
            };
            return Ok((receipt, group_id));
        }
        let nominate = |group_id: String| ElectionCommand::Nominate {
            district: district.clone(),
            candidate_id: candidate.to_string(),
            group_id,
        };
        // Any existing group stands in for the dry run: the group is only
        // known once the age is.
        let state = self.state(election_id).await?;
        let stand_in = match &state {
            ElectionState::Present(facts) => facts
                .groups
                .first()
                .map(|g| g.group_id.clone())
                .unwrap_or_default(),
            ElectionState::Absent => String::new(),
        };
        let facts = dry_run(&state, nominate(stand_in))?;
        let age = self
            .electorate
            .adult_in(&district, &facts.community, candidate, election_day(facts))
            .await?;
        let Some(group) = facts
            .groups
            .iter()
            .find(|g| g.min_age <= age && g.max_age.is_none_or(|max_age| age <= max_age))
        else {
            return Err(ParticipationError::Refused {
                reason: "ELECTION_NO_GROUP_FOR_AGE",
                message: format!(
                    "the candidate's age of {age} on election day is in none of the election's age groups"
                ),
            });
        };
        let group_id = group.group_id.clone();
        let receipt = self
            .participation
            .run::<Election>(
                context,
                &district,
                ELECTION_CATEGORY,
                election_id,
                nominate(group_id.clone()),
            )
            .await?;
        Ok((receipt, group_id))
    }

    pub async fn cast_ballot(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        election_id: Uuid,
        voter: Uuid,
        candidates: Vec<Uuid>,
    ) -> Result<Receipt, ElectionAppError> {
        if let Some(receipt) = self.earlier(context).await? {
            return Ok(receipt);
        }
        let ballot = ElectionCommand::CastBallot {
            district: district.clone(),
            voter_id: voter.to_string(),
            candidate_ids: candidates.iter().map(Uuid::to_string).collect(),
        };
        let state = self.state(election_id).await?;
        let facts = dry_run(&state, ballot.clone())?;
        self.electorate
            .adult_in(&district, &facts.community, voter, election_day(facts))
            .await?;
        self.participation
            .run::<Election>(context, &district, ELECTION_CATEGORY, election_id, ballot)
            .await
    }

    /// Closes the election and counts it.
    pub async fn count(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        election_id: Uuid,
    ) -> Result<Receipt, ElectionAppError> {
        let close = ElectionCommand::Close {
            district: district.clone(),
            closed_at: self.participation.now(),
        };
        self.participation
            .run::<Election>(context, &district, ELECTION_CATEGORY, election_id, close)
            .await
    }

    pub async fn get(
        &self,
        district: &DistrictCode,
        election_id: Uuid,
        min_position: u64,
    ) -> Result<ElectionView, ElectionAppError> {
        let mut tx = self
            .participation
            .read_after(&self.elections, min_position)
            .await?;
        let Some(mut election) = view::election(&mut tx, district, election_id).await? else {
            tx.commit().await?;
            return Err(ParticipationError::NotFound("election"));
        };
        view::details(&mut tx, &mut election).await?;
        tx.commit().await?;
        Ok(election)
    }

    /// Elections in the order created, after the page token's position.
    pub async fn list(
        &self,
        district: &DistrictCode,
        community: Option<&CommunityCode>,
        page_size: u32,
        after: i64,
        min_position: u64,
    ) -> Result<(Vec<ElectionView>, Option<i64>), ElectionAppError> {
        let mut tx = self
            .participation
            .read_after(&self.elections, min_position)
            .await?;
        let page = view::page(&mut tx, district, community, page_size, after).await?;
        tx.commit().await?;
        Ok(page)
    }

    async fn state(&self, election_id: Uuid) -> Result<ElectionState, ElectionAppError> {
        self.participation
            .state::<Election>(ELECTION_CATEGORY, election_id)
            .await
    }

    async fn earlier(&self, context: &CommandContext) -> Result<Option<Receipt>, ElectionAppError> {
        Ok(super::replay::earlier_receipt(self.participation.store(), context).await?)
    }
}

/// The election's own refusal of `command`, if any, before the registry is
/// asked anything.
fn dry_run(
    state: &ElectionState,
    command: ElectionCommand,
) -> Result<&ElectionFacts, ElectionAppError> {
    Election::decide(state, command).map_err(domain)?;
    match state {
        ElectionState::Present(facts) => Ok(facts),
        ElectionState::Absent => Err(domain(ElectionError::NotFound)),
    }
}

/// Ages count on the day the election opened, in China.
fn election_day(facts: &ElectionFacts) -> chrono::NaiveDate {
    day_in_china(facts.opened_at.unwrap_or_default())
}
