//! Read-model views of the application as API messages.

use crate::app::assemblies::AssemblyView;
use crate::app::committees::CommitteeView;
use crate::app::disputes::DisputeView;
use crate::app::estate_list::EstateSummaryView;
use crate::app::estates::EstateView;
use crate::app::fund::FundView;
use crate::app::management::ContractView;
use crate::domain::area::AreaBasis;
use crate::domain::dates::date;
use crate::domain::first_assembly::Eligibility;
use crate::domain::owner_link::ResidentStanding;
use crate::reactors::CompanyRatingView;
use gongzhi_proto::gongzhi::property::v1 as pb;

pub fn contract_of(view: ContractView) -> pb::Contract {
    pb::Contract {
        contract_id: view.contract_id,
        estate_id: view.estate_id,
        kind: view.kind,
        company_id: view.company_id,
        terms: Some(view.terms),
        signed_on: view.signed_on,
        vote: view.vote,
        status: view.status,
        ended_on: view.ended_on,
        dismissal_vote: view.dismissal_vote,
        fees_collected_fen: view.fees_collected_fen,
    }
}

pub fn fund_of(view: FundView) -> pb::Fund {
    pb::Fund {
        estate_id: view.estate_id,
        balance_fen: view.balance_fen,
        approvals: view
            .approvals
            .into_iter()
            .map(|a| pb::FundApproval {
                approval_id: a.approval_id,
                vote: Some(a.vote),
                amount_fen: a.amount_fen,
                remaining_fen: a.remaining_fen,
                purpose: a.purpose,
                approved_on: a.approved_on,
            })
            .collect(),
        entries: view
            .entries
            .into_iter()
            .map(|e| pb::FundEntry {
                entry_id: e.entry_id,
                kind: e.kind,
                amount_fen: e.amount_fen,
                balance_fen: e.balance_fen,
                on: e.on,
                unit_id: e.unit_id,
                approval_id: e.approval_id,
                payee: e.payee,
            })
            .collect(),
    }
}

pub fn rating_of(view: CompanyRatingView) -> pb::CompanyRating {
    pb::CompanyRating {
        company_id: view.company_id,
        count: view.count,
        star_sum: view.star_sum,
        distribution: view.distribution.to_vec(),
    }
}

fn basis_of(basis: Option<AreaBasis>) -> pb::AreaBasis {
    match basis {
        Some(AreaBasis::Register) => pb::AreaBasis::Register,
        Some(AreaBasis::Surveyed) => pb::AreaBasis::Surveyed,
        Some(AreaBasis::Contract) => pb::AreaBasis::Contract,
        None => pb::AreaBasis::Unspecified,
    }
}

fn resident_status_of(standing: Option<ResidentStanding>) -> pb::OwnerResidentStatus {
    match standing {
        None => pb::OwnerResidentStatus::Unspecified,
        Some(ResidentStanding::Registered) => pb::OwnerResidentStatus::Registered,
        Some(ResidentStanding::MovedAway) => pb::OwnerResidentStatus::MovedAway,
        Some(ResidentStanding::Erased) => pb::OwnerResidentStatus::Erased,
        Some(ResidentStanding::NotKnown) => pb::OwnerResidentStatus::NotKnown,
    }
}

pub fn estate_summary_of(view: EstateSummaryView) -> pb::EstateSummary {
    pb::EstateSummary {
        estate_id: view.estate_id,
        district: view.district,
        community: view.community,
        name: view.name,
        developer_id: view.developer_id,
        unit_count: view.unit_count,
        delivered_unit_count: view.delivered_unit_count,
        preparatory_group_formed: view.preparatory_group_formed,
    }
}

pub fn estate_of(view: EstateView) -> pb::Estate {
    let (eligibility, two_years_from) = match view.eligibility {
        Eligibility::HalfDelivered => (pb::FirstAssemblyEligibility::HalfDelivered, None),
        Eligibility::TwoYearsWithAFifth => (pb::FirstAssemblyEligibility::TwoYearsWithAFifth, None),
        Eligibility::NotYet { two_years_from } => {
            (pb::FirstAssemblyEligibility::NotYet, two_years_from)
        }
    };
    pb::Estate {
        estate_id: view.estate_id,
        district: view.district,
        community: view.community,
        name: view.name,
        developer_id: view.developer_id,
        buildings: view.buildings,
        units: view
            .units
            .into_iter()
            .map(|u| pb::EstateUnit {
                unit_id: u.unit_id,
                building_id: u.building_id,
                number: u.number,
                area: u.area.to_string(),
                area_basis: basis_of(u.area_basis) as i32,
                owner_id: u.owner_id,
                resident_id: u.resident_id,
                delivered_on: u.delivered_on,
                owner_resident_status: resident_status_of(u.owner_resident_status) as i32,
            })
            .collect(),
        total_area: view.total_area.to_string(),
        delivered_area: view.delivered_area.to_string(),
        first_delivery_on: view.first_delivery_on.map(date).unwrap_or_default(),
        eligibility: eligibility as i32,
        two_years_from: two_years_from.map(date).unwrap_or_default(),
        preparatory_group_formed: view.preparatory_group_formed,
        preparatory_group_led_by: view.preparatory_group_led_by,
    }
}

pub fn assembly_of(view: AssemblyView) -> pb::Assembly {
    pb::Assembly {
        assembly_id: view.assembly_id,
        estate_id: view.estate_id,
        district: view.district,
        first: view.first,
        convened_by: view.convened_by,
        notice_given_on: view.notice_given_on,
        held_on: view.held_on,
        total_area: view.total_area,
        head_count: view.head_count,
        closed: view.closed,
        closed_at: view.closed_at,
        matters: view
            .matters
            .into_iter()
            .map(|m| pb::MatterResult {
                matter_id: m.matter_id,
                kind: m.kind,
                title: m.title,
                proposal: m.proposal,
                threshold: m.threshold as i32,
                ballots: m.ballots,
                written_ballots: m.written_ballots,
                online_ballots: m.online_ballots,
                decided: m.decided,
                passed: m.passed,
                reason: m.reason as i32,
                explanation: m.explanation,
                tally: m.tally,
            })
            .collect(),
    }
}

pub fn committee_of(view: CommitteeView) -> pb::Committee {
    pb::Committee {
        committee_id: view.committee_id,
        estate_id: view.estate_id,
        district: view.district,
        assembly_id: view.assembly_id,
        matter_id: view.matter_id,
        members: view.members,
        elected_on: view.elected_on,
        filing_due_on: view.filing_due_on,
        filed: view.filed,
        filed_on: view.filed_on,
        filed_late: view.filed_late,
        housing_authority_ref: view.housing_authority_ref,
        street_office_ref: view.street_office_ref,
        flagged_late: view.flagged_late,
        flagged_on: view.flagged_on,
    }
}

pub fn dispute_of(view: DisputeView) -> pb::Dispute {
    pb::Dispute {
        dispute_id: view.dispute_id,
        estate_id: view.estate_id,
        district: view.district,
        complainant: view.complainant,
        complainant_id: view.complainant_id,
        respondent: view.respondent,
        respondent_id: view.respondent_id,
        subject: view.subject,
        filed_on: view.filed_on,
        status: view.status,
        mediator: view.mediator,
        mediation_started_on: view.mediation_started_on,
        level: view.level,
        escalation_reason: view.escalation_reason,
        outcome: view.outcome,
        summary: view.summary,
        resolved_on: view.resolved_on,
    }
}
