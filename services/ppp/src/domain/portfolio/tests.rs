use super::*;
use crate::domain::money::Fen;
use gongzhi_kernel::{Decider, DistrictCode};
use std::collections::BTreeMap;

pub(super) fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

pub(super) fn budget(year: i32, fen: u64) -> PortfolioCommand {
    PortfolioCommand::SetBudget {
        district: district(),
        year,
        expenditure: Fen(fen),
    }
}

pub(super) fn reserve(
    project: &str,
    government_pays: bool,
    outlays: &[(i32, u64)],
) -> PortfolioCommand {
    PortfolioCommand::Reserve {
        district: district(),
        reservation: Reservation {
            project_id: project.into(),
            government_pays,
            outlays: outlays
                .iter()
                .map(|(y, f)| (*y, Fen(*f)))
                .collect::<BTreeMap<_, _>>(),
        },
        caps: Caps::default(),
    }
}

fn run(state: PortfolioState, command: PortfolioCommand) -> PortfolioState {
    let events = Portfolio::decide(&state, command).expect("accepted");
    events.iter().fold(state, Portfolio::evolve)
}

fn budgets() -> PortfolioState {
    run(
        run(PortfolioState::default(), budget(2027, 1_000_000)),
        budget(2028, 1_000_000),
    )
}

#[test]
fn exactly_ten_percent_is_allowed_one_fen_more_is_not() {
    let state = run(
        budgets(),
        reserve("p1", false, &[(2027, 60_000), (2028, 60_000)]),
    );
    assert!(Portfolio::decide(&state, reserve("p2", false, &[(2027, 40_000)])).is_ok());
    assert_eq!(
        Portfolio::decide(
            &state,
            reserve("p2", false, &[(2027, 40_000), (2028, 40_001)])
        )
        .map_err(|e| e.reason()),
        Err("PPP_CAP_EXCEEDED")
    );
}

#[test]
fn government_pays_stops_at_five_percent() {
    let state = run(budgets(), reserve("p1", false, &[(2027, 30_000)]));
    // 3% + 2% = 5%: allowed; 3% + 2.0001%: not, though far below 10%.
    assert!(Portfolio::decide(&state, reserve("p2", true, &[(2027, 20_000)])).is_ok());
    assert_eq!(
        Portfolio::decide(&state, reserve("p2", true, &[(2027, 20_001)])).map_err(|e| e.reason()),
        Err("GOVERNMENT_PAYS_CAP_EXCEEDED")
    );
    // A user-pays project may still go up to 10%.
    assert!(Portfolio::decide(&state, reserve("p2", false, &[(2027, 70_000)])).is_ok());
}

#[test]
fn every_year_of_the_term_needs_a_budget() {
    assert_eq!(
        Portfolio::decide(&budgets(), reserve("p1", false, &[(2027, 1), (2029, 1)])),
        Err(PortfolioError::BudgetUnknown { year: 2029 })
    );
}

#[test]
fn a_project_reserves_once_and_release_frees_its_years() {
    let state = run(budgets(), reserve("p1", false, &[(2027, 100_000)]));
    assert_eq!(
        Portfolio::decide(&state, reserve("p1", false, &[(2027, 1)])),
        Err(PortfolioError::AlreadyReserved("p1".into()))
    );
    assert!(Portfolio::decide(&state, reserve("p2", false, &[(2027, 1)])).is_err());
    let released = run(
        state,
        PortfolioCommand::Release {
            district: district(),
            project_id: "p1".into(),
            reason: "abandoned".into(),
        },
    );
    assert!(Portfolio::decide(&released, reserve("p2", false, &[(2027, 100_000)])).is_ok());
}
