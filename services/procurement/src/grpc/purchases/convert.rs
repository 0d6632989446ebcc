//! Proto fields to application values, each problem a field violation.

use crate::app::purchases::PlanRequest;
use crate::app::queries::PurchaseView;
use crate::domain::purchase::{ContractTerms, Evaluator, MilestonePlan, PurchaseMethod};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use gongzhi_server::Violations;
use uuid::Uuid;

const TITLE_MAX_CHARS: usize = 200;
const ID_MAX_CHARS: usize = 64;
const TEXT_MAX_CHARS: usize = 2000;
const CRITERIA_MAX: usize = 20;
const MILESTONES_MAX: usize = 36;
const INVITED_MAX: usize = 50;

pub fn rfc3339(v: &mut Violations, field: &str, raw: &str) -> Option<DateTime<Utc>> {
    v.check(
        field,
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 time"),
    )
}

fn day(v: &mut Violations, field: &str, raw: &str) -> Option<NaiveDate> {
    v.check(
        field,
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| "must be an ISO 8601 date (YYYY-MM-DD)"),
    )
}

pub fn method(v: &mut Violations, raw: i32) -> Option<PurchaseMethod> {
    match PurchaseMethod::try_from(raw) {
        Ok(PurchaseMethod::Unspecified) => {
            v.add("method", "required");
            None
        }
        Ok(method) => Some(method),
        Err(_) => {
            v.add("method", format!("{raw} is not a purchase method"));
            None
        }
    }
}

pub fn evaluator(v: &mut Violations, raw: i32) -> Option<Evaluator> {
    match Evaluator::try_from(raw) {
        Ok(Evaluator::Unspecified) => {
            v.add(
                "evaluator",
                "required: EVALUATOR_BUYER or EVALUATOR_THIRD_PARTY",
            );
            None
        }
        Ok(evaluator) => Some(evaluator),
        Err(_) => {
            v.add("evaluator", format!("{raw} is not an evaluator"));
            None
        }
    }
}

pub fn plan(v: &mut Violations, r: &pb::PlanPurchaseRequest) -> Option<PlanRequest> {
    let title = v.text("title", &r.title, TITLE_MAX_CHARS);
    let item_code = v.text("item_code", &r.item_code, ID_MAX_CHARS);
    let method = method(v, r.method);
    let justification = v.optional_text("justification", &r.justification, TEXT_MAX_CHARS);
    if r.budget_fen == 0 {
        v.add("budget_fen", "must be above zero");
    }
    if r.invited_provider_ids.len() > INVITED_MAX {
        v.add("invited_provider_ids", format!("at most {INVITED_MAX}"));
    }
    let invited: Option<Vec<Uuid>> = r
        .invited_provider_ids
        .iter()
        .enumerate()
        .map(|(n, id)| v.uuid(&format!("invited_provider_ids[{n}]"), id))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    if r.criteria.len() > CRITERIA_MAX {
        v.add("criteria", format!("at most {CRITERIA_MAX}"));
    }
    let criteria: Option<Vec<(String, u32)>> = r
        .criteria
        .iter()
        .enumerate()
        .map(|(n, c)| {
            v.text(
                &format!("criteria[{n}].criterion_id"),
                &c.criterion_id,
                ID_MAX_CHARS,
            )
            .map(|id| (id, c.weight))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    if r.budget_fen == 0 {
        return None;
    }
    Some(PlanRequest {
        title: title?,
        item_code: item_code?,
        budget_fen: r.budget_fen,
        budget_secured: r.budget_secured,
        method: method?,
        justification: justification?,
        invited: invited?,
        price_weight: r.price_weight,
        criteria: criteria?,
    })
}

pub fn points(v: &mut Violations, bids: &[pb::BidPoints]) -> Option<Vec<(Uuid, Vec<u32>)>> {
    bids.iter()
        .enumerate()
        .map(|(n, b)| {
            let id = v.uuid(&format!("bids[{n}].provider_id"), &b.provider_id);
            if let Some(bad) = b.points.iter().find(|p| **p > 100) {
                v.add(
                    &format!("bids[{n}].points"),
                    format!("each is 0 to 100, got {bad}"),
                );
                return None;
            }
            id.map(|id| (id, b.points.clone()))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

pub fn milestones(v: &mut Violations, r: &pb::SignContractRequest) -> Option<ContractTerms> {
    let contract_id = v.text("contract_id", &r.contract_id, ID_MAX_CHARS);
    let starts_on = day(v, "starts_on", &r.starts_on);
    if r.milestones.len() > MILESTONES_MAX {
        v.add("milestones", format!("at most {MILESTONES_MAX}"));
    }
    let milestones: Option<Vec<MilestonePlan>> = r
        .milestones
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let id = v.text(
                &format!("milestones[{n}].milestone_id"),
                &m.milestone_id,
                ID_MAX_CHARS,
            );
            let title = v.text(&format!("milestones[{n}].title"), &m.title, TITLE_MAX_CHARS);
            let due = day(v, &format!("milestones[{n}].due"), &m.due);
            Some(MilestonePlan {
                milestone_id: id?,
                title: title?,
                due: due?,
                payment_fen: m.payment_fen,
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Some(ContractTerms {
        contract_id: contract_id?,
        starts_on: starts_on?,
        term_months: r.term_months,
        milestones: milestones?,
    })
}

pub fn purchase_view(view: PurchaseView) -> pb::Purchase {
    pb::Purchase {
        purchase_id: view.purchase_id,
        district: view.district,
        title: view.title,
        item_code: view.item_code,
        method: view.method,
        budget_fen: view.budget_fen,
        phase: view.phase,
        deadline: view.deadline,
        bid_count: view.bid_count,
        awarded_provider_id: view.awarded_provider_id,
        contract_id: view.contract_id,
        contract_amount_fen: view.contract_amount_fen,
        paid_fen: view.paid_fen,
        evaluated: view.evaluated,
        evaluation_score: view.evaluation_score,
        satisfaction_count: view.satisfaction.count,
        satisfaction_star_sum: view.satisfaction.star_sum,
        dispatchable: view.grid.dispatchable,
        starts_on: view.grid.starts_on,
        ends_on: view.grid.ends_on,
        grid_cases_dispatched: view.grid.dispatched,
        grid_cases_closed: view.grid.closed,
    }
}
