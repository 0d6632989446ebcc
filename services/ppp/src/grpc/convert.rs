//! Application views to proto messages.

use crate::app::queries::{PeriodView, PortfolioView, ProjectView};
use gongzhi_commands::Receipt;
use gongzhi_proto::gongzhi::ppp::v1 as pb;

pub fn receipt(receipt: &Receipt) -> pb::CommandReceipt {
    pb::CommandReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    }
}

pub fn project(view: ProjectView) -> pb::Project {
    pb::Project {
        project_id: view.project_id,
        district: view.district,
        community: view.community,
        name: view.name,
        facility: view.facility,
        model: view.model,
        mechanism: view.mechanism,
        stage: view.stage,
        term_years: view.term_years,
        first_year: view.first_year,
        construction_cost_fen: view.construction_cost_fen,
        vfm_passed: view.vfm_passed,
        affordable: view.affordable,
        consultation_required: view.consultation_required,
        consultation_passed: view.consultation_passed,
        approved: view.approved,
        qualified_bidders: view.qualified_bidders,
        partner_id: view.partner_id,
        contract_value_fen: view.contract_value_fen,
        periods_settled: view.periods_settled,
        paid_fen: view.paid_fen,
        failures: view.failures,
        grid: view.grid,
    }
}

pub fn period(view: PeriodView) -> pb::Period {
    pb::Period {
        period: view.period,
        settled: view.settled,
        score_basis_points: view.score_basis_points,
        payment_fen: view.payment_fen,
        performance_linked_fen: view.performance_linked_fen,
        performance_paid_fen: view.performance_paid_fen,
        deductions_fen: view.deductions_fen,
        failures: view.failures,
        rating_count: view.feedback.rating_count,
        rating_star_sum: view.feedback.rating_star_sum,
        grid_cases: view.feedback.grid_cases,
    }
}

pub fn portfolio(district: String, view: PortfolioView) -> pb::GetPortfolioResponse {
    pb::GetPortfolioResponse {
        district,
        years: view
            .years
            .into_iter()
            .map(|y| pb::PortfolioYear {
                year: y.year,
                budget_fen: y.budget_fen,
                reserved_fen: y.reserved_fen,
                government_pays_fen: y.government_pays_fen,
            })
            .collect(),
        project_ids: view.project_ids,
    }
}
