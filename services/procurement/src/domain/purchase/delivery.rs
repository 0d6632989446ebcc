//! The contract and its delivery: signing after the standstill, milestones,
//! monitoring, evaluation and payments.

use super::decide::{check_score, existing};
use super::{
    ContractTerms, Evaluator, Phase, PurchaseCommand, PurchaseError, PurchaseEvent, PurchaseFacts,
    PurchaseState, Rules, Satisfaction,
};
use crate::domain::text::{blank, date, time};
use chrono::{DateTime, Months, Utc};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use std::collections::BTreeSet;

pub(super) fn decide(
    state: &PurchaseState,
    command: PurchaseCommand,
) -> Result<Vec<PurchaseEvent>, PurchaseError> {
    use PurchaseCommand as C;
    let contracted = |district| existing(state, district, &[Phase::Contracted], "under contract");
    let event = match command {
        C::SignContract {
            district,
            terms,
            rules,
            at,
        } => sign(
            existing(state, &district, &[Phase::Awarded], "awarded")?,
            terms,
            rules,
            at,
        )?,
        C::Monitor {
            district,
            milestone_id,
            satisfactory,
            note,
            at,
        } => {
            let facts = contracted(&district)?;
            find(facts, &milestone_id)?;
            if !satisfactory && blank(&note) {
                return Err(PurchaseError::Required { field: "note" });
            }
            PurchaseEvent::Monitored(pb::DeliveryMonitored {
                purchase_id: facts.purchase_id.clone(),
                district: facts.district.clone(),
                milestone_id,
                satisfactory,
                note,
                monitored_at: time(at),
            })
        }
        C::Deliver {
            district,
            milestone_id,
            at,
        } => {
            let facts = contracted(&district)?;
            let milestone = find(facts, &milestone_id)?;
            if milestone.delivered {
                return Err(PurchaseError::AlreadyDelivered(milestone_id));
            }
            if milestone.satisfactory == Some(false) {
                return Err(PurchaseError::MonitoringUnsatisfactory(milestone_id));
            }
            PurchaseEvent::MilestoneDelivered(pb::MilestoneDelivered {
                purchase_id: facts.purchase_id.clone(),
                district: facts.district.clone(),
                milestone_id,
                delivered_at: time(at),
            })
        }
        C::Evaluate {
            district,
            evaluator,
            evaluator_name,
            score,
            satisfaction,
            rules,
            at,
        } => {
            let facts = contracted(&district)?;
            evaluate(
                facts,
                evaluator,
                evaluator_name,
                score,
                satisfaction,
                rules,
                at,
            )?
        }
        C::Pay {
            district,
            milestone_id,
            at,
        } => pay(contracted(&district)?, milestone_id, at)?,
        _ => return Err(PurchaseError::Required { field: "command" }),
    };
    Ok(vec![event])
}

fn find<'a>(
    facts: &'a PurchaseFacts,
    milestone_id: &str,
) -> Result<&'a super::state::MilestoneFacts, PurchaseError> {
    facts
        .milestones
        .iter()
        .find(|m| m.milestone_id == milestone_id)
        .ok_or_else(|| PurchaseError::UnknownMilestone(milestone_id.to_owned()))
}

fn sign(
    facts: &PurchaseFacts,
    terms: ContractTerms,
    rules: Rules,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    let Some(award) = &facts.award else {
        return Err(PurchaseError::WrongPhase {
            phase: facts.phase,
            expected: "awarded",
        });
    };
    if award.challenger.is_some() {
        return Err(PurchaseError::ChallengePending);
    }
    match award.standstill_ends {
        Some(end) if at > end => {}
        _ => return Err(PurchaseError::StandstillRunning),
    }
    if blank(&terms.contract_id) {
        return Err(PurchaseError::Required {
            field: "contract_id",
        });
    }
    let max = if facts.stable_service && facts.budget_secured {
        rules.max_stable_term_months
    } else {
        rules.max_term_months
    };
    if terms.term_months == 0 || terms.term_months > max {
        return Err(PurchaseError::TermTooLong {
            given: terms.term_months,
            max,
        });
    }
    if terms.milestones.is_empty() {
        return Err(PurchaseError::NoMilestones);
    }
    let mut ids = BTreeSet::new();
    if let Some(twice) = terms
        .milestones
        .iter()
        .find(|m| !ids.insert(m.milestone_id.as_str()))
    {
        return Err(PurchaseError::MilestoneTwice(twice.milestone_id.clone()));
    }
    if terms
        .milestones
        .iter()
        .any(|m| blank(&m.milestone_id) || blank(&m.title))
    {
        return Err(PurchaseError::Required { field: "milestone" });
    }
    let ends = terms
        .starts_on
        .checked_add_months(Months::new(terms.term_months))
        .and_then(|end| end.pred_opt());
    if let Some(outside) = terms
        .milestones
        .iter()
        .find(|m| m.due < terms.starts_on || ends.is_none_or(|end| m.due > end))
    {
        return Err(PurchaseError::MilestoneOutsideTerm(
            outside.milestone_id.clone(),
        ));
    }
    let sum = terms
        .milestones
        .iter()
        .fold(0u64, |sum, m| sum.saturating_add(m.payment_fen));
    if sum != award.price_fen {
        return Err(PurchaseError::PaymentsNotAwarded {
            sum,
            awarded: award.price_fen,
        });
    }
    Ok(PurchaseEvent::ContractSigned(pb::ContractSigned {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        contract_id: terms.contract_id,
        provider_id: award.provider_id.clone(),
        amount_fen: sum,
        starts_on: date(terms.starts_on),
        term_months: terms.term_months,
        milestones: terms
            .milestones
            .into_iter()
            .map(|m| pb::Milestone {
                milestone_id: m.milestone_id,
                title: m.title,
                due: date(m.due),
                payment_fen: m.payment_fen,
            })
            .collect(),
        signed_at: time(at),
        item_code: facts.item_code.clone(),
        dispatchable: facts.dispatchable,
        ends_on: ends.map(date).unwrap_or_default(),
    }))
}

fn evaluate(
    facts: &PurchaseFacts,
    evaluator: Evaluator,
    evaluator_name: String,
    score: u32,
    satisfaction: Satisfaction,
    rules: Rules,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    if facts.evaluation.is_some() {
        return Err(PurchaseError::AlreadyEvaluated);
    }
    match evaluator {
        Evaluator::Unspecified => return Err(PurchaseError::EvaluatorRequired),
        Evaluator::ThirdParty if blank(&evaluator_name) => {
            return Err(PurchaseError::EvaluatorRequired);
        }
        _ => {}
    }
    if facts.milestones.iter().any(|m| !m.delivered) {
        return Err(PurchaseError::EvaluationTooEarly);
    }
    let score = check_score(score)?;
    Ok(PurchaseEvent::Evaluated(pb::PerformanceEvaluated {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        provider_id: facts.provider_id.clone().unwrap_or_default(),
        evaluator: evaluator as i32,
        evaluator_name: if evaluator == Evaluator::ThirdParty {
            evaluator_name
        } else {
            String::new()
        },
        score,
        passed: score >= rules.pass_mark,
        evaluated_at: time(at),
        satisfaction_count: satisfaction.count,
        satisfaction_star_sum: satisfaction.star_sum,
    }))
}

fn pay(
    facts: &PurchaseFacts,
    milestone_id: String,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    let milestone = find(facts, &milestone_id)?;
    if milestone.paid {
        return Err(PurchaseError::AlreadyPaid(milestone_id));
    }
    if !milestone.delivered {
        return Err(PurchaseError::NotDelivered(milestone_id));
    }
    let is_final = facts
        .milestones
        .last()
        .is_some_and(|m| m.milestone_id == milestone_id);
    if is_final {
        match facts.evaluation {
            None => return Err(PurchaseError::NotEvaluated),
            Some((score, false)) => {
                return Err(PurchaseError::EvaluationFailed { score });
            }
            Some((_, true)) => {}
        }
    }
    let completed = facts
        .milestones
        .iter()
        .all(|m| m.paid || m.milestone_id == milestone_id);
    Ok(PurchaseEvent::PaymentMade(pb::PaymentMade {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        milestone_id,
        amount_fen: milestone.payment_fen,
        paid_at: time(at),
        contract_completed: completed,
    }))
}
