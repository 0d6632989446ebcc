//! What a project's history says, folded from its events.

use super::{ProjectEvent, ProjectStage};
use crate::domain::model::{OperationModel, PaymentMechanism};
use crate::domain::money::Fen;
use crate::domain::payment::SchedulePeriod;
use crate::domain::performance::KpiDefinition;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacts {
    pub project_id: String,
    pub district: String,
    pub stage: ProjectStage,
    pub model: OperationModel,
    pub mechanism: PaymentMechanism,
    pub construction_cost: Fen,
    /// Government outlays per year, reserved against the district's cap.
    pub government_outlays: BTreeMap<i32, Fen>,
    pub performance_linked_percent: u32,
    pub consultation_required: bool,
    pub vfm_passed: bool,
    pub affordable: bool,
    pub plan_submitted: bool,
    pub consultation_passed: bool,
    pub approved: bool,
    /// Bidder id -> qualified.
    pub bidders: BTreeMap<String, bool>,
    pub bids: BTreeMap<String, Fen>,
    pub negotiated: BTreeSet<String>,
    pub partner: Option<String>,
    pub schedule: BTreeMap<i32, SchedulePeriod>,
    pub kpis: Vec<KpiDefinition>,
    pub deduction_per_failure: Fen,
    pub company: bool,
    pub financing: bool,
    pub settled: BTreeSet<i32>,
    /// Failures recorded by hand per period, before it is settled.
    pub recorded_failures: BTreeMap<i32, u32>,
    pub mid_term: bool,
    pub tested: bool,
    pub transferred: bool,
    /// Unit grid code of the facility's site, or empty.
    pub grid: String,
}

impl ProjectFacts {
    pub fn qualified_bidders(&self) -> u32 {
        u32::try_from(self.bidders.values().filter(|q| **q).count()).unwrap_or(u32::MAX)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProjectState {
    #[default]
    Absent,
    Present(Box<ProjectFacts>),
}

fn identified(e: &pb::ProjectIdentified) -> ProjectFacts {
    ProjectFacts {
        project_id: e.project_id.clone(),
        district: e.district.clone(),
        stage: ProjectStage::Identification,
        model: OperationModel::try_from(e.model).unwrap_or(OperationModel::Unspecified),
        mechanism: PaymentMechanism::try_from(e.mechanism).unwrap_or(PaymentMechanism::Unspecified),
        construction_cost: Fen(e.construction_cost_fen),
        government_outlays: e
            .government_outlays
            .iter()
            .map(|y| (y.year, Fen(y.amount_fen)))
            .collect(),
        performance_linked_percent: e.performance_linked_percent,
        consultation_required: e.consultation_required,
        vfm_passed: false,
        affordable: false,
        plan_submitted: false,
        consultation_passed: false,
        approved: false,
        bidders: BTreeMap::new(),
        bids: BTreeMap::new(),
        negotiated: BTreeSet::new(),
        partner: None,
        schedule: BTreeMap::new(),
        kpis: Vec::new(),
        deduction_per_failure: Fen::ZERO,
        company: false,
        financing: false,
        settled: BTreeSet::new(),
        recorded_failures: BTreeMap::new(),
        mid_term: false,
        tested: false,
        transferred: false,
        grid: e.grid.clone(),
    }
}

pub(super) fn evolve(state: ProjectState, event: &ProjectEvent) -> ProjectState {
    match (state, event) {
        (ProjectState::Absent, ProjectEvent::Identified(e)) => {
            ProjectState::Present(Box::new(identified(e)))
        }
        (ProjectState::Present(mut facts), event) => {
            apply(&mut facts, event);
            ProjectState::Present(facts)
        }
        (absent, _) => absent,
    }
}

fn apply(facts: &mut ProjectFacts, event: &ProjectEvent) {
    match event {
        ProjectEvent::Identified(_) => {}
        ProjectEvent::VfmEvaluated(e) => facts.vfm_passed = e.passed,
        ProjectEvent::AffordabilityConfirmed(_) => facts.affordable = true,
        ProjectEvent::StageAdvanced(e) => {
            facts.stage = ProjectStage::try_from(e.to).unwrap_or(facts.stage);
        }
        ProjectEvent::PlanSubmitted(_) => facts.plan_submitted = true,
        ProjectEvent::ConsultationRecorded(e) => facts.consultation_passed = e.passed,
        ProjectEvent::Approved(_) => facts.approved = true,
        ProjectEvent::BiddersPrequalified(e) => {
            for bidder in &e.bidders {
                facts
                    .bidders
                    .insert(bidder.bidder_id.clone(), bidder.qualified);
            }
        }
        ProjectEvent::BidReceived(e) => {
            facts.bids.insert(e.bidder_id.clone(), Fen(e.amount_fen));
        }
        ProjectEvent::NegotiationRecorded(e) => {
            facts.negotiated.insert(e.bidder_id.clone());
        }
        ProjectEvent::ContractSigned(e) => {
            facts.partner = Some(e.partner_id.clone());
            facts.schedule = e
                .schedule
                .iter()
                .map(|p| {
                    (
                        p.period,
                        SchedulePeriod {
                            fixed: Fen(p.fixed_fen),
                            performance_linked: Fen(p.performance_linked_fen),
                        },
                    )
                })
                .collect();
            facts.kpis = e
                .kpis
                .iter()
                .map(|k| KpiDefinition {
                    kpi_id: k.kpi_id.clone(),
                    kind: pb::KpiKind::try_from(k.kind).unwrap_or(pb::KpiKind::Unspecified),
                    weight: k.weight,
                    target: k.target,
                    description: k.description.clone(),
                })
                .collect();
            facts.deduction_per_failure = Fen(e.deduction_per_failure_fen);
        }
        ProjectEvent::CompanyEstablished(_) => facts.company = true,
        ProjectEvent::FinancingClosed(_) => facts.financing = true,
        ProjectEvent::FailureRecorded(e) => {
            *facts.recorded_failures.entry(e.period).or_default() += 1;
        }
        ProjectEvent::PeriodSettled(e) => {
            facts.settled.insert(e.period);
        }
        ProjectEvent::MidTermEvaluated(_) => facts.mid_term = true,
        ProjectEvent::PerformanceTested(e) => facts.tested = e.passed,
        ProjectEvent::AssetTransferred(_) => facts.transferred = true,
        ProjectEvent::FinalEvaluated(_) => facts.stage = ProjectStage::Closed,
        ProjectEvent::Withdrawn(_) => facts.stage = ProjectStage::Withdrawn,
    }
}
