//! A purchase of services as a pure decider over stream `purchase-<uuid>`.
//!
//! Contract (in order; a command out of its phase is refused):
//! - plan: a purchasable catalogue item, a budget, a method with its rules
//!   ([`method::rules`]: invited providers, justification, evaluation) and
//!   scoring weights that add up to 100;
//! - publish: a bid deadline at least the method's days away;
//! - bid: before the deadline, at most the budget, once per provider, only
//!   from invited providers unless the tender is open;
//! - review qualification of every bid after the deadline, then score the
//!   qualified bids exactly ([`scoring`]) once enough of them qualified;
//! - award: to the first-ranked qualified bid still standing, starting a
//!   standstill during which bidders may challenge; an upheld challenge
//!   annuls the award and excludes the awardee;
//! - contract: after the standstill with no challenge pending, for the
//!   awarded price split over milestones, term at most 12 months or 36 for a
//!   stable service with a secured budget;
//! - monitoring and delivery of milestones, one evaluation (buyer or third
//!   party) once every milestone is delivered, payments of delivered
//!   milestones, the final one only after an evaluation that passed.

mod award;
mod command;
mod decide;
mod delivery;
mod error;
pub mod method;
pub mod scoring;
mod state;

pub use command::{
    ContractTerms, MilestonePlan, PurchaseCommand, PurchasePlan, Rules, Satisfaction,
};
pub use decide::Purchase;
pub use error::PurchaseError;
pub use state::{Phase, PurchaseFacts, PurchaseState};

gongzhi_kernel::proto_events! {
    /// Stream `purchase-<uuid>`.
    pub enum PurchaseEvent in "gongzhi.procurement.v1" from pb {
        Planned(PurchasePlanned),
        TenderPublished(TenderPublished),
        BidSubmitted(BidSubmitted),
        QualificationReviewed(BidQualificationReviewed),
        Scored(BidsScored),
        Awarded(PurchaseAwarded),
        Challenged(AwardChallenged),
        ChallengeResolved(ChallengeResolved),
        ContractSigned(ContractSigned),
        Monitored(DeliveryMonitored),
        MilestoneDelivered(MilestoneDelivered),
        Evaluated(PerformanceEvaluated),
        PaymentMade(PaymentMade),
    }
}

use gongzhi_proto::gongzhi::procurement::v1 as pb;
pub use pb::{Evaluator, PurchaseMethod};

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
mod contract_tests;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
mod given;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
mod method_tests;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
mod tender_tests;
