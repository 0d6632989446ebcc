//! One-stream lifecycle steps: each request's own fields checked (all
//! problems at once) and turned into the decider command, once the district
//! is known.

use super::validate::{NAME_MAX_CHARS, TEXT_MAX_CHARS, date, positive_fen, score};
use crate::app::Consultation;
use crate::domain::money::Fen;
use crate::domain::project::{Bid, ProjectCommand, Signing};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_server::Violations;

/// The command, given the request's district.
pub type Build = Box<dyn FnOnce(DistrictCode) -> ProjectCommand + Send>;

/// When a step happens: the request's time or day, from the app's clock.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    pub at: DateTime<Utc>,
    pub today: NaiveDate,
}

pub fn advance(now: Now) -> Option<Build> {
    Some(Box::new(move |district| ProjectCommand::Advance {
        district,
        at: now.at,
    }))
}

pub fn submit_plan(
    v: &mut Violations,
    r: &pb::SubmitImplementationPlanRequest,
    now: Now,
) -> Option<Build> {
    let summary = v.text("summary", &r.summary, TEXT_MAX_CHARS);
    let mut risks = Vec::new();
    for (n, risk) in r.risks.iter().enumerate() {
        if risk.risk.trim().is_empty() {
            v.add(&format!("risks[{n}].risk"), "required");
        }
        match pb::RiskBearer::try_from(risk.bearer) {
            Ok(pb::RiskBearer::Unspecified) | Err(_) => v.add(
                &format!("risks[{n}].bearer"),
                "required: PUBLIC, PRIVATE or SHARED",
            ),
            Ok(_) => risks.push(risk.clone()),
        }
    }
    if r.risks.is_empty() {
        v.add("risks", "required: the plan allocates at least one risk");
    }
    let summary = summary?;
    Some(Box::new(move |district| ProjectCommand::SubmitPlan {
        district,
        summary,
        risks,
        at: now.at,
    }))
}

/// A residents' meeting motion (both ids; its outcome comes from the
/// residents' events) or a vote held here (no ids; its counts given).
pub fn consultation(v: &mut Violations, r: &pb::RecordConsultationRequest) -> Option<Consultation> {
    let meeting_id = v.optional_text("meeting_id", &r.meeting_id, NAME_MAX_CHARS)?;
    let motion_id = v.optional_text("motion_id", &r.motion_id, NAME_MAX_CHARS)?;
    if meeting_id.is_empty() != motion_id.is_empty() {
        v.add(
            "motion_id",
            "a meeting's outcome needs both meeting_id and motion_id",
        );
        return None;
    }
    if meeting_id.is_empty() {
        if r.votes_for == 0 && r.votes_against == 0 {
            v.add("votes_for", "a vote held here needs its counts");
            return None;
        }
        return Some(Consultation::Vote {
            votes_for: r.votes_for,
            votes_against: r.votes_against,
        });
    }
    if r.votes_for != 0 || r.votes_against != 0 {
        v.add(
            "votes_for",
            "a meeting's votes come from its closed motion, not the request",
        );
        return None;
    }
    Some(Consultation::Meeting {
        meeting_id,
        motion_id,
        min_position: r.min_position,
    })
}

pub fn approve(approved_by: String, now: Now) -> Option<Build> {
    Some(Box::new(move |district| ProjectCommand::Approve {
        district,
        approved_by,
        at: now.at,
    }))
}

pub fn prequalify(v: &mut Violations, r: &pb::PrequalifyBiddersRequest) -> Option<Build> {
    let mut bidders = Vec::new();
    for (n, b) in r.bidders.iter().enumerate() {
        let id = v.social_credit_code(&format!("bidders[{n}].bidder_id"), &b.bidder_id);
        let name = v.text(&format!("bidders[{n}].name"), &b.name, NAME_MAX_CHARS);
        if let (Some(bidder_id), Some(name)) = (id, name) {
            bidders.push(Bid {
                bidder_id,
                name,
                qualified: b.qualified,
            });
        }
    }
    if r.bidders.is_empty() {
        v.add("bidders", "required");
    }
    (bidders.len() == r.bidders.len()).then_some(())?;
    Some(Box::new(move |district| ProjectCommand::Prequalify {
        district,
        bidders,
    }))
}

pub fn receive_bid(v: &mut Violations, r: &pb::ReceiveBidRequest, now: Now) -> Option<Build> {
    let bidder_id = v.social_credit_code("bidder_id", &r.bidder_id);
    let amount = positive_fen(v, "amount_fen", r.amount_fen);
    let (bidder_id, amount) = (bidder_id?, amount?);
    Some(Box::new(move |district| ProjectCommand::ReceiveBid {
        district,
        bidder_id,
        amount,
        at: now.at,
    }))
}

pub fn negotiate(v: &mut Violations, r: &pb::RecordNegotiationRequest) -> Option<Build> {
    let bidder_id = v.social_credit_code("bidder_id", &r.bidder_id);
    let summary = v.text("summary", &r.summary, TEXT_MAX_CHARS);
    let (bidder_id, summary) = (bidder_id?, summary?);
    Some(Box::new(move |district| ProjectCommand::Negotiate {
        district,
        bidder_id,
        summary,
    }))
}

pub fn sign(v: &mut Violations, r: &pb::SignContractRequest, now: Now) -> Option<Build> {
    let partner_id = v.social_credit_code("partner_id", &r.partner_id);
    let value = positive_fen(v, "contract_value_fen", r.contract_value_fen);
    let schedule = super::validate::schedule(v, &r.schedule);
    let kpis = super::validate::kpis(v, &r.kpis);
    let signed_on = date(v, "signed_on", &r.signed_on, now.today);
    let signing = Signing {
        partner_id: partner_id?,
        contract_value: value?,
        schedule: schedule?,
        kpis: kpis?,
        deduction_per_failure: Fen(r.deduction_per_failure_fen),
        signed_on: signed_on?,
    };
    Some(Box::new(move |district| ProjectCommand::Sign {
        district,
        signing,
    }))
}

pub fn establish_company(
    v: &mut Violations,
    r: &pb::EstablishProjectCompanyRequest,
    now: Now,
) -> Option<Build> {
    let company_id = v.social_credit_code("company_id", &r.company_id);
    let on = date(v, "established_on", &r.established_on, now.today);
    let (company_id, on) = (company_id?, on?);
    Some(Box::new(move |district| ProjectCommand::EstablishCompany {
        district,
        company_id,
        on,
    }))
}

pub fn close_financing(
    v: &mut Violations,
    r: &pb::CloseFinancingRequest,
    now: Now,
) -> Option<Build> {
    let amount = positive_fen(v, "amount_fen", r.amount_fen);
    let on = date(v, "closed_on", &r.closed_on, now.today);
    let (amount, on) = (amount?, on?);
    Some(Box::new(move |district| ProjectCommand::CloseFinancing {
        district,
        amount,
        on,
    }))
}

pub fn record_failure(
    v: &mut Violations,
    r: &pb::RecordPerformanceFailureRequest,
) -> Option<Build> {
    let kpi_id = v.text("kpi_id", &r.kpi_id, NAME_MAX_CHARS);
    let description = v.text("description", &r.description, TEXT_MAX_CHARS);
    let (kpi_id, description, period) = (kpi_id?, description?, r.period);
    Some(Box::new(move |district| ProjectCommand::RecordFailure {
        district,
        period,
        kpi_id,
        description,
    }))
}

pub fn mid_term(v: &mut Violations, r: &pb::EvaluateMidTermRequest, now: Now) -> Option<Build> {
    let value = score(v, "score", r.score);
    let summary = v.text("summary", &r.summary, TEXT_MAX_CHARS);
    let on = date(v, "evaluated_on", &r.evaluated_on, now.today);
    let (score, summary, on) = (value?, summary?, on?);
    Some(Box::new(move |district| ProjectCommand::EvaluateMidTerm {
        district,
        score,
        summary,
        on,
    }))
}

pub fn test_performance(
    v: &mut Violations,
    r: &pb::TestPerformanceRequest,
    now: Now,
) -> Option<Build> {
    let summary = v.text("summary", &r.summary, TEXT_MAX_CHARS);
    let on = date(v, "tested_on", &r.tested_on, now.today);
    let (summary, on, passed) = (summary?, on?, r.passed);
    Some(Box::new(move |district| ProjectCommand::TestPerformance {
        district,
        passed,
        summary,
        on,
    }))
}

pub fn transfer(v: &mut Violations, r: &pb::TransferAssetRequest, now: Now) -> Option<Build> {
    let to = v.text("to", &r.to, NAME_MAX_CHARS);
    let on = date(v, "transferred_on", &r.transferred_on, now.today);
    let (to, on) = (to?, on?);
    Some(Box::new(move |district| ProjectCommand::TransferAsset {
        district,
        to,
        on,
    }))
}

pub fn final_evaluation(
    v: &mut Violations,
    r: &pb::EvaluateFinalRequest,
    now: Now,
) -> Option<Build> {
    let value = score(v, "score", r.score);
    let summary = v.text("summary", &r.summary, TEXT_MAX_CHARS);
    let on = date(v, "evaluated_on", &r.evaluated_on, now.today);
    let (score, summary, on) = (value?, summary?, on?);
    Some(Box::new(move |district| ProjectCommand::EvaluateFinal {
        district,
        score,
        summary,
        on,
    }))
}
