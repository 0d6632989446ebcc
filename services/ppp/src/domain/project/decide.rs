//! The project decider.

use super::state::evolve;
use super::{
    Identification, ProjectCommand, ProjectError, ProjectEvent, ProjectFacts, ProjectStage,
    ProjectState, Settlement, Signing,
};
use crate::domain::model::transfers_at_end;
use crate::domain::payment::{check_schedule, period_payment};
use crate::domain::performance::{check_definitions, period_score};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::ppp::v1 as pb;

pub struct Project;

pub(super) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub(super) fn required(field: &'static str, value: &str) -> Result<(), ProjectError> {
    if value.trim().is_empty() {
        return Err(ProjectError::Required { field });
    }
    Ok(())
}

fn score(value: u32) -> Result<u32, ProjectError> {
    if value > 100 {
        return Err(ProjectError::ScoreOutOfRange(value));
    }
    Ok(value)
}

fn existing<'a>(
    state: &'a ProjectState,
    district: &DistrictCode,
    expected: ProjectStage,
) -> Result<&'a ProjectFacts, ProjectError> {
    let ProjectState::Present(facts) = state else {
        return Err(ProjectError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(ProjectError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.stage != expected {
        return Err(ProjectError::WrongStage {
            stage: facts.stage,
            expected,
        });
    }
    Ok(facts)
}

fn once(done: bool, what: &'static str) -> Result<(), ProjectError> {
    if done {
        return Err(ProjectError::AlreadyDone(what));
    }
    Ok(())
}

fn identify(
    district: &DistrictCode,
    id: Identification,
    at: DateTime<Utc>,
) -> Result<ProjectEvent, ProjectError> {
    required("project_id", &id.project_id)?;
    required("name", &id.name)?;
    required("facility", &id.facility)?;
    if !id.community.starts_with(district.as_str()) {
        return Err(ProjectError::CommunityOutsideDistrict {
            community: id.community,
            district: district.to_string(),
        });
    }
    id.rules.check_term(id.model, id.mechanism, id.term_years)?;
    if id.construction_cost.0 == 0 {
        return Err(ProjectError::CostZero);
    }
    if id.performance_linked_percent < id.rules.performance_linked_percent_min
        || id.performance_linked_percent > 100
    {
        return Err(ProjectError::TooLittleLinked {
            percent: id.performance_linked_percent,
            min: id.rules.performance_linked_percent_min,
        });
    }
    let last = id
        .first_year
        .saturating_add(i32::try_from(id.term_years).unwrap_or(i32::MAX))
        .saturating_sub(1);
    if let Some(year) = id
        .government_outlays
        .keys()
        .find(|year| **year < id.first_year || **year > last)
    {
        return Err(ProjectError::OutlayOutsideTerm {
            year: *year,
            first: id.first_year,
            last,
        });
    }
    Ok(ProjectEvent::Identified(pb::ProjectIdentified {
        project_id: id.project_id,
        district: district.to_string(),
        community: id.community,
        name: id.name,
        facility: id.facility,
        model: id.model as i32,
        mechanism: id.mechanism as i32,
        term_years: id.term_years,
        first_year: id.first_year,
        construction_cost_fen: id.construction_cost.0,
        government_outlays: id
            .government_outlays
            .iter()
            .filter(|(_, fen)| fen.0 > 0)
            .map(|(year, fen)| pb::YearAmount {
                year: *year,
                amount_fen: fen.0,
            })
            .collect(),
        performance_linked_percent: id.performance_linked_percent,
        consultation_required: id.consultation_required,
        identified_at: time(at),
        grid: id.grid,
    }))
}

/// What the gate out of the project's stage still needs, if anything.
fn gate(facts: &ProjectFacts) -> Result<ProjectStage, ProjectError> {
    let missing = |missing| ProjectError::GateNotPassed {
        stage: facts.stage,
        missing,
    };
    match facts.stage {
        ProjectStage::Identification => {
            if !facts.vfm_passed {
                return Err(missing("a passed value-for-money evaluation"));
            }
            if !facts.affordable {
                return Err(missing("confirmed fiscal affordability"));
            }
            Ok(ProjectStage::Preparation)
        }
        ProjectStage::Preparation => {
            if !facts.approved {
                return Err(missing("approval"));
            }
            Ok(ProjectStage::Procurement)
        }
        ProjectStage::Procurement => {
            if facts.partner.is_none() {
                return Err(missing("a signed contract"));
            }
            Ok(ProjectStage::Execution)
        }
        ProjectStage::Execution => {
            if facts.settled.is_empty() {
                return Err(missing("a settled period"));
            }
            if !facts.mid_term {
                return Err(missing("the mid-term evaluation"));
            }
            Ok(ProjectStage::Handover)
        }
        // Handover ends with the final evaluation, not with a gate.
        ProjectStage::Handover | ProjectStage::Closed | ProjectStage::Unspecified => {
            Err(missing("the final evaluation"))
        }
        ProjectStage::Withdrawn => Err(ProjectError::WrongStage {
            stage: facts.stage,
            expected: ProjectStage::Identification,
        }),
    }
}

fn sign(
    facts: &ProjectFacts,
    district: &DistrictCode,
    signing: Signing,
) -> Result<ProjectEvent, ProjectError> {
    once(facts.partner.is_some(), "signing")?;
    if facts.qualified_bidders() < 3 {
        return Err(ProjectError::TooFewBidders {
            qualified: facts.qualified_bidders(),
        });
    }
    if !facts.bids.contains_key(&signing.partner_id) {
        return Err(ProjectError::NoBid(signing.partner_id));
    }
    if !facts.negotiated.contains(&signing.partner_id) {
        return Err(ProjectError::GateNotPassed {
            stage: facts.stage,
            missing: "negotiation with the partner",
        });
    }
    check_schedule(
        &signing.schedule,
        facts.construction_cost,
        facts.performance_linked_percent,
    )?;
    check_definitions(&signing.kpis)?;
    Ok(ProjectEvent::ContractSigned(pb::ContractSigned {
        project_id: facts.project_id.clone(),
        district: district.to_string(),
        partner_id: signing.partner_id,
        contract_value_fen: signing.contract_value.0,
        schedule: signing
            .schedule
            .iter()
            .map(|(period, p)| pb::SchedulePeriod {
                period: *period,
                fixed_fen: p.fixed.0,
                performance_linked_fen: p.performance_linked.0,
            })
            .collect(),
        kpis: signing
            .kpis
            .iter()
            .map(|k| pb::Kpi {
                kpi_id: k.kpi_id.clone(),
                kind: k.kind as i32,
                weight: k.weight,
                target: k.target,
                description: k.description.clone(),
            })
            .collect(),
        deduction_per_failure_fen: signing.deduction_per_failure.0,
        signed_on: date(signing.signed_on),
    }))
}

fn settle(
    facts: &ProjectFacts,
    settlement: Settlement,
    at: DateTime<Utc>,
) -> Result<ProjectEvent, ProjectError> {
    if !facts.company || !facts.financing {
        return Err(ProjectError::NotOperating);
    }
    let period = *facts
        .schedule
        .get(&settlement.period)
        .ok_or(ProjectError::PeriodNotScheduled(settlement.period))?;
    if facts.settled.contains(&settlement.period) {
        return Err(ProjectError::PeriodSettled(settlement.period));
    }
    let scored = period_score(&facts.kpis, &settlement.measured)?;
    let recorded = facts
        .recorded_failures
        .get(&settlement.period)
        .copied()
        .unwrap_or(0);
    let failures = u32::try_from(scored.failures.len())
        .unwrap_or(u32::MAX)
        .saturating_add(recorded);
    let paid = period_payment(period, scored.score, failures, facts.deduction_per_failure);
    Ok(ProjectEvent::PeriodSettled(pb::PeriodSettled {
        project_id: facts.project_id.clone(),
        district: facts.district.clone(),
        period: settlement.period,
        kpi_scores: facts
            .kpis
            .iter()
            .zip(&scored.kpis)
            .map(|(kpi, (_, score))| pb::KpiScore {
                kpi_id: kpi.kpi_id.clone(),
                kind: kpi.kind as i32,
                measured: match settlement.measured.get(&kpi.kpi_id) {
                    Some(crate::domain::performance::Measurement::Percent(v))
                    | Some(crate::domain::performance::Measurement::Minutes(v))
                    | Some(crate::domain::performance::Measurement::Cases(v)) => *v,
                    Some(crate::domain::performance::Measurement::Ratings { count, star_sum }) => {
                        if *count == 0 {
                            0
                        } else {
                            star_sum * 100 / count
                        }
                    }
                    None => 0,
                },
                score_basis_points: *score,
            })
            .collect(),
        score_basis_points: scored.score,
        fixed_fen: period.fixed.0,
        performance_linked_fen: period.performance_linked.0,
        performance_paid_fen: paid.performance_paid.0,
        failures,
        deductions_fen: paid.deductions.0,
        payment_fen: paid.payment.0,
        settled_at: time(at),
    }))
}

fn decide(
    state: &ProjectState,
    command: ProjectCommand,
) -> Result<Vec<ProjectEvent>, ProjectError> {
    use ProjectStage as S;
    let event = match command {
        ProjectCommand::Identify {
            district,
            identification,
            at,
        } => {
            if state != &ProjectState::Absent {
                return Err(ProjectError::AlreadyExists);
            }
            identify(&district, identification, at)?
        }
        ProjectCommand::EvaluateVfm {
            district,
            qualitative_score,
            qualitative_threshold,
            ppp_present_value,
            psc_present_value,
        } => {
            let facts = existing(state, &district, S::Identification)?;
            once(facts.vfm_passed, "value-for-money evaluation")?;
            let qualitative_score = score(qualitative_score)?;
            let failed_because = if qualitative_score < qualitative_threshold {
                "QUALITATIVE_BELOW_THRESHOLD"
            } else if ppp_present_value > psc_present_value {
                "PPP_COSTLIER_THAN_PSC"
            } else {
                ""
            };
            ProjectEvent::VfmEvaluated(pb::VfmEvaluated {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                qualitative_score,
                ppp_present_value_fen: ppp_present_value.0,
                psc_present_value_fen: psc_present_value.0,
                passed: failed_because.is_empty(),
                failed_because: failed_because.to_owned(),
            })
        }
        ProjectCommand::ConfirmAffordability {
            district,
            portfolio_revision,
        } => {
            let facts = existing(state, &district, S::Identification)?;
            once(facts.affordable, "affordability")?;
            if !facts.vfm_passed {
                return Err(ProjectError::VfmNotPassed);
            }
            ProjectEvent::AffordabilityConfirmed(pb::AffordabilityConfirmed {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                portfolio_revision,
            })
        }
        ProjectCommand::Advance { district, at } => {
            let ProjectState::Present(facts) = state else {
                return Err(ProjectError::NotFound);
            };
            let facts = existing(state, &district, facts.stage)?;
            let to = gate(facts)?;
            ProjectEvent::StageAdvanced(pb::StageAdvanced {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                from: facts.stage as i32,
                to: to as i32,
                advanced_at: time(at),
            })
        }
        ProjectCommand::SubmitPlan {
            district,
            summary,
            risks,
            at,
        } => {
            let facts = existing(state, &district, S::Preparation)?;
            once(facts.plan_submitted, "the implementation plan")?;
            required("summary", &summary)?;
            if risks
                .iter()
                .any(|r| r.bearer == pb::RiskBearer::Unspecified as i32)
            {
                return Err(ProjectError::Required {
                    field: "risk bearer",
                });
            }
            ProjectEvent::PlanSubmitted(pb::ImplementationPlanSubmitted {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                summary,
                risks,
                submitted_at: time(at),
            })
        }
        ProjectCommand::RecordConsultation {
            district,
            meeting_id,
            motion_id,
            votes_for,
            votes_against,
            passed,
            at,
        } => {
            let facts = existing(state, &district, S::Preparation)?;
            once(facts.consultation_passed, "the consultation")?;
            ProjectEvent::ConsultationRecorded(pb::ConsultationRecorded {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                meeting_id,
                motion_id,
                votes_for,
                votes_against,
                passed,
                recorded_at: time(at),
            })
        }
        ProjectCommand::Approve {
            district,
            approved_by,
            at,
        } => {
            let facts = existing(state, &district, S::Preparation)?;
            once(facts.approved, "approval")?;
            required("approved_by", &approved_by)?;
            if !facts.plan_submitted {
                return Err(ProjectError::PlanMissing);
            }
            if facts.consultation_required && !facts.consultation_passed {
                return Err(ProjectError::ConsultationMissing);
            }
            ProjectEvent::Approved(pb::ProjectApproved {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                approved_by,
                approved_at: time(at),
            })
        }
        ProjectCommand::Prequalify { district, bidders } => {
            let facts = existing(state, &district, S::Procurement)?;
            once(!facts.bidders.is_empty(), "pre-qualification")?;
            let qualified =
                u32::try_from(bidders.iter().filter(|b| b.qualified).count()).unwrap_or(u32::MAX);
            if qualified < 3 {
                return Err(ProjectError::TooFewBidders { qualified });
            }
            for bidder in &bidders {
                required("bidder_id", &bidder.bidder_id)?;
            }
            ProjectEvent::BiddersPrequalified(pb::BiddersPrequalified {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                bidders: bidders
                    .into_iter()
                    .map(|b| pb::Bidder {
                        bidder_id: b.bidder_id,
                        name: b.name,
                        qualified: b.qualified,
                    })
                    .collect(),
                qualified_count: qualified,
            })
        }
        ProjectCommand::ReceiveBid {
            district,
            bidder_id,
            amount,
            at,
        } => {
            let facts = existing(state, &district, S::Procurement)?;
            if facts.bidders.get(&bidder_id) != Some(&true) {
                return Err(ProjectError::NotQualified(bidder_id));
            }
            if facts.bids.contains_key(&bidder_id) {
                return Err(ProjectError::AlreadyBid(bidder_id));
            }
            ProjectEvent::BidReceived(pb::BidReceived {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                bidder_id,
                amount_fen: amount.0,
                received_at: time(at),
            })
        }
        ProjectCommand::Negotiate {
            district,
            bidder_id,
            summary,
        } => {
            let facts = existing(state, &district, S::Procurement)?;
            if !facts.bids.contains_key(&bidder_id) {
                return Err(ProjectError::NoBid(bidder_id));
            }
            required("summary", &summary)?;
            ProjectEvent::NegotiationRecorded(pb::NegotiationRecorded {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                bidder_id,
                summary,
            })
        }
        ProjectCommand::Sign { district, signing } => sign(
            existing(state, &district, S::Procurement)?,
            &district,
            signing,
        )?,
        ProjectCommand::EstablishCompany {
            district,
            company_id,
            on,
        } => {
            let facts = existing(state, &district, S::Execution)?;
            once(facts.company, "the project company")?;
            required("company_id", &company_id)?;
            ProjectEvent::CompanyEstablished(pb::ProjectCompanyEstablished {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                company_id,
                established_on: date(on),
            })
        }
        ProjectCommand::CloseFinancing {
            district,
            amount,
            on,
        } => {
            let facts = existing(state, &district, S::Execution)?;
            once(facts.financing, "financing close")?;
            if amount.0 == 0 {
                return Err(ProjectError::Required { field: "amount" });
            }
            ProjectEvent::FinancingClosed(pb::FinancingClosed {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                amount_fen: amount.0,
                closed_on: date(on),
            })
        }
        ProjectCommand::RecordFailure {
            district,
            period,
            kpi_id,
            description,
        } => {
            let facts = existing(state, &district, S::Execution)?;
            if !facts.schedule.contains_key(&period) {
                return Err(ProjectError::PeriodNotScheduled(period));
            }
            if facts.settled.contains(&period) {
                return Err(ProjectError::PeriodSettled(period));
            }
            if !facts.kpis.iter().any(|k| k.kpi_id == kpi_id) {
                return Err(ProjectError::KpiNotInContract(kpi_id));
            }
            required("description", &description)?;
            ProjectEvent::FailureRecorded(pb::PerformanceFailureRecorded {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                period,
                kpi_id,
                description,
            })
        }
        ProjectCommand::SettlePeriod {
            district,
            settlement,
            at,
        } => settle(existing(state, &district, S::Execution)?, settlement, at)?,
        ProjectCommand::EvaluateMidTerm {
            district,
            score: value,
            summary,
            on,
        } => {
            let facts = existing(state, &district, S::Execution)?;
            once(facts.mid_term, "the mid-term evaluation")?;
            if facts.settled.is_empty() {
                return Err(ProjectError::NothingToEvaluate);
            }
            ProjectEvent::MidTermEvaluated(pb::MidTermEvaluated {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                score: score(value)?,
                summary,
                evaluated_on: date(on),
            })
        }
        ProjectCommand::TestPerformance {
            district,
            passed,
            summary,
            on,
        } => {
            let facts = existing(state, &district, S::Handover)?;
            once(facts.tested, "the performance test")?;
            required("summary", &summary)?;
            ProjectEvent::PerformanceTested(pb::PerformanceTested {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                passed,
                summary,
                tested_on: date(on),
            })
        }
        ProjectCommand::TransferAsset { district, to, on } => {
            let facts = existing(state, &district, S::Handover)?;
            if !transfers_at_end(facts.model) {
                return Err(ProjectError::NoTransferUnderBoo);
            }
            once(facts.transferred, "the asset transfer")?;
            if !facts.tested {
                return Err(ProjectError::GateNotPassed {
                    stage: S::Handover,
                    missing: "a passed performance test",
                });
            }
            required("to", &to)?;
            ProjectEvent::AssetTransferred(pb::AssetTransferred {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                to,
                transferred_on: date(on),
            })
        }
        ProjectCommand::EvaluateFinal {
            district,
            score: value,
            summary,
            on,
        } => {
            let facts = existing(state, &district, S::Handover)?;
            if !facts.tested {
                return Err(ProjectError::GateNotPassed {
                    stage: S::Handover,
                    missing: "a passed performance test",
                });
            }
            if transfers_at_end(facts.model) && !facts.transferred {
                return Err(ProjectError::GateNotPassed {
                    stage: S::Handover,
                    missing: "the asset transfer",
                });
            }
            ProjectEvent::FinalEvaluated(pb::FinalEvaluated {
                project_id: facts.project_id.clone(),
                district: facts.district.clone(),
                score: score(value)?,
                summary,
                evaluated_on: date(on),
            })
        }
        ProjectCommand::Withdraw {
            district,
            reason,
            at,
        } => super::withdraw::withdraw(state, &district, &reason, at)?,
    };
    Ok(vec![event])
}

impl Decider for Project {
    type State = ProjectState;
    type Command = ProjectCommand;
    type Event = ProjectEvent;
    type Error = ProjectError;

    fn decide(
        state: &ProjectState,
        command: ProjectCommand,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        decide(state, command)
    }

    fn evolve(state: ProjectState, event: &ProjectEvent) -> ProjectState {
        evolve(state, event)
    }
}
