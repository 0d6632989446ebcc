//! A PPP project as a pure decider over stream `pppproject-<uuid>`: five
//! stages, each closed by a gate that checks its work is done.
//!
//! Contract (the gate out of each stage):
//! - identification: value for money passed (qualitative score at least the
//!   threshold, PPP present value at most the public sector comparator) and
//!   fiscal affordability confirmed (reserved in the district portfolio);
//! - preparation: implementation plan submitted, residents consulted and in
//!   favour where the district requires it, project approved (approval
//!   itself needs the plan and the consultation);
//! - procurement: at least 3 qualified bidders pre-qualified, the partner's
//!   bid received and negotiated, contract signed with a schedule that ties
//!   enough of the construction cost to performance and KPIs whose weights
//!   add up to 100;
//! - execution: project company established, financing closed, at least one
//!   period settled, mid-term evaluation done; a period is settled once,
//!   after company and financing, its payment set by its performance score;
//! - handover: performance test passed, asset transferred (except BOO,
//!   which keeps it), final evaluation, which closes the project.
//!
//! A command of another stage is refused: no stage is skipped and none
//! revisited. Every command acts in the project's own district.
//!
//! Withdrawal: until its contract is signed (identification, preparation,
//! procurement without a partner) a project can be withdrawn with a reason;
//! it then stays in the withdrawn stage, where every command is refused.
//! Freeing its portfolio reservation is the application's second step.

mod command;
mod decide;
mod error;
mod state;
mod withdraw;

pub use command::{Bid, Identification, ProjectCommand, Settlement, Signing};
pub use decide::Project;
pub use error::ProjectError;
pub use state::{ProjectFacts, ProjectState};

gongzhi_kernel::proto_events! {
    /// Stream `pppproject-<uuid>`.
    pub enum ProjectEvent in "gongzhi.ppp.v1" from pb {
        Identified(ProjectIdentified),
        VfmEvaluated(VfmEvaluated),
        AffordabilityConfirmed(AffordabilityConfirmed),
        StageAdvanced(StageAdvanced),
        PlanSubmitted(ImplementationPlanSubmitted),
        ConsultationRecorded(ConsultationRecorded),
        Approved(ProjectApproved),
        BiddersPrequalified(BiddersPrequalified),
        BidReceived(BidReceived),
        NegotiationRecorded(NegotiationRecorded),
        ContractSigned(ContractSigned),
        CompanyEstablished(ProjectCompanyEstablished),
        FinancingClosed(FinancingClosed),
        FailureRecorded(PerformanceFailureRecorded),
        PeriodSettled(PeriodSettled),
        MidTermEvaluated(MidTermEvaluated),
        PerformanceTested(PerformanceTested),
        AssetTransferred(AssetTransferred),
        FinalEvaluated(FinalEvaluated),
        Withdrawn(ProjectWithdrawn),
    }
}

use gongzhi_proto::gongzhi::ppp::v1 as pb;
pub use pb::ProjectStage;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod withdraw_tests;
