//! Proposals and complaints through the application layer: the item id
//! derived from the request, times from the participation clock, every
//! command run on `proposal-<uuid>` by the pure decider, queries answered
//! from the `proposals` read model with read-your-writes.
//!
//! Contract: the raiser and every supporter must live in the district now
//! (checked against the resident's own stream). The answerer is the owner
//! when the caller's subject is the owner's id; otherwise only a caller the
//! gRPC layer found to be an administrator of the district may answer, in
//! the owner's place (recorded as `by_admin`). Roles and tenancy are the
//! gRPC layer's; the decider enforces every rule on the item itself.

mod overdue;
mod queries;

pub use overdue::{
    DEFAULT_RESCAN_EVERY, OverdueReport, ProposalOverdueWatcher, SYSTEM_ACTOR, overdue_request_id,
};
pub use queries::{
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ProposalFilter, ProposalPage, ProposalView, StreetProblemView,
};

use super::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::proposals::{
    Owner, Proposal, ProposalCommand, ProposalError, ProposalKind, ProposalOwnerKind,
    ProposalRaise, ProposalState, StreetProblem,
};
use chrono::{DateTime, Utc};
use gongzhi_commands::Receipt;
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// Stream category of proposals and complaints.
pub const PROPOSAL_CATEGORY: &str = "proposal";

pub type ProposalAppError = ParticipationError<ProposalError>;

impl RuleError for ProposalError {
    fn reason(&self) -> &'static str {
        ProposalError::reason(self)
    }

    fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

/// A new item, validated by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct RaiseProposal {
    pub district: DistrictCode,
    pub resident_id: Uuid,
    pub kind: ProposalKind,
    pub title: String,
    pub body: String,
    pub community: CommunityCode,
    pub street_problem: Option<StreetProblem>,
}

/// Who answers: the caller's subject, and whether the caller may answer in
/// the owner's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answerer {
    pub subject: String,
    pub administrator: bool,
}

#[derive(Clone)]
pub struct ProposalsApp {
    participation: ParticipationApp,
    proposals: ProjectionHandle,
}

impl ProposalsApp {
    /// `proposals` is the handle of [`crate::projections::ProposalsProjection`].
    pub fn new(participation: ParticipationApp, proposals: ProjectionHandle) -> Self {
        Self {
            participation,
            proposals,
        }
    }

    pub fn participation(&self) -> &ParticipationApp {
        &self.participation
    }

    pub fn read_model(&self) -> &ProjectionHandle {
        &self.proposals
    }

    async fn run(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
        command: ProposalCommand,
    ) -> Result<Receipt, ProposalAppError> {
        self.participation
            .run::<Proposal>(context, district, PROPOSAL_CATEGORY, proposal_id, command)
            .await
    }

    /// Raises an item; its id is derived from the request, so a retry
    /// answers the same item.
    pub async fn raise(
        &self,
        context: &CommandContext,
        raise: RaiseProposal,
    ) -> Result<(Uuid, Receipt), ProposalAppError> {
        self.participation
            .ensure_resident_here(&raise.district, raise.resident_id)
            .await?;
        let proposal_id = Uuid::new_v5(&context.event_id(0), b"proposal");
        let command = ProposalCommand::Raise {
            district: raise.district.clone(),
            raise: ProposalRaise {
                proposal_id: proposal_id.to_string(),
                kind: raise.kind,
                title: raise.title,
                body: raise.body,
                community: raise.community.as_str().to_owned(),
                raised_by: raise.resident_id.to_string(),
                raised_at: self.participation.now(),
                street_problem: raise.street_problem,
            },
        };
        let receipt = self
            .run(context, &raise.district, proposal_id, command)
            .await?;
        Ok((proposal_id, receipt))
    }

    pub async fn assign(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
        owner: Owner,
        deadline: DateTime<Utc>,
    ) -> Result<Receipt, ProposalAppError> {
        let command = ProposalCommand::Assign {
            district: district.clone(),
            owner,
            deadline,
            assigned_at: self.participation.now(),
        };
        self.run(context, district, proposal_id, command).await
    }

    pub async fn support(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
        resident_id: Uuid,
    ) -> Result<Receipt, ProposalAppError> {
        self.participation
            .ensure_resident_here(district, resident_id)
            .await?;
        let command = ProposalCommand::Support {
            district: district.clone(),
            resident_id: resident_id.to_string(),
            supported_at: self.participation.now(),
        };
        self.run(context, district, proposal_id, command).await
    }

    pub async fn answer(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
        answerer: Answerer,
        answer: String,
    ) -> Result<Receipt, ProposalAppError> {
        let state = self
            .participation
            .state::<Proposal>(PROPOSAL_CATEGORY, proposal_id)
            .await?;
        let (answered_by, admin) = answered_by(&state, answerer);
        let command = ProposalCommand::Answer {
            district: district.clone(),
            answered_by,
            admin,
            answer,
            answered_at: self.participation.now(),
        };
        self.run(context, district, proposal_id, command).await
    }

    pub async fn close(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
    ) -> Result<Receipt, ProposalAppError> {
        let command = ProposalCommand::Close {
            district: district.clone(),
            closed_at: self.participation.now(),
        };
        self.run(context, district, proposal_id, command).await
    }

    /// Flags an assigned, unanswered item past its deadline (the watcher's
    /// command).
    pub async fn flag_overdue(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        proposal_id: Uuid,
    ) -> Result<Receipt, ProposalAppError> {
        let command = ProposalCommand::FlagOverdue {
            district: district.clone(),
            now: self.participation.now(),
        };
        self.run(context, district, proposal_id, command).await
    }
}

/// The owner answers as the owner; anyone else answers as a worker under
/// their own subject, in the owner's place only if an administrator (the
/// decider refuses the rest).
fn answered_by(state: &ProposalState, answerer: Answerer) -> (Owner, bool) {
    if let ProposalState::Present(facts) = state
        && let Some(owner) = &facts.owner
        && owner.id == answerer.subject
    {
        return (owner.clone(), false);
    }
    let stand_in = Owner {
        kind: ProposalOwnerKind::Worker,
        id: answerer.subject,
    };
    (stand_in, answerer.administrator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::participation::proposals::ProposalFacts;
    use std::collections::BTreeSet;

    fn assigned_to(owner: Owner) -> ProposalState {
        ProposalState::Present(ProposalFacts {
            proposal_id: "p".into(),
            district: "500108".into(),
            kind: ProposalKind::Complaint,
            raised_at: None,
            owner: Some(owner),
            deadline: None,
            supporters: BTreeSet::new(),
            answered: false,
            flagged_overdue: false,
            closed: false,
        })
    }

    fn committee() -> Owner {
        Owner {
            kind: ProposalOwnerKind::Committee,
            id: "committee-7".into(),
        }
    }

    #[test]
    fn the_owner_answers_as_the_owner_even_with_an_admin_role() {
        let answerer = Answerer {
            subject: "committee-7".into(),
            administrator: true,
        };
        assert_eq!(
            answered_by(&assigned_to(committee()), answerer),
            (committee(), false)
        );
    }

    #[test]
    fn an_administrator_answers_in_the_owners_place_under_their_own_id() {
        let answerer = Answerer {
            subject: "admin-1".into(),
            administrator: true,
        };
        let (by, admin) = answered_by(&assigned_to(committee()), answerer);
        assert_eq!(by.id, "admin-1");
        assert!(admin);
    }

    #[test]
    fn anyone_else_is_not_the_owner() {
        let answerer = Answerer {
            subject: "worker-9".into(),
            administrator: false,
        };
        let (by, admin) = answered_by(&assigned_to(committee()), answerer);
        assert_ne!(by, committee());
        assert!(!admin);
    }

    #[test]
    fn not_found_and_another_district_hide_the_item() {
        assert!(ProposalError::NotFound.hides_existence());
        assert!(
            ProposalError::WrongDistrict {
                given: "a".into(),
                actual: "b".into()
            }
            .hides_existence()
        );
        assert!(!ProposalError::NotOwner.hides_existence());
    }
}
