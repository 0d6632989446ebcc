use crate::domain::money::Fen;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use std::collections::BTreeMap;

/// Caps as shares `numerator / denominator` of a year's budget expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub all_numerator: u64,
    pub all_denominator: u64,
    pub government_pays_numerator: u64,
    pub government_pays_denominator: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            all_numerator: 10,
            all_denominator: 100,
            government_pays_numerator: 5,
            government_pays_denominator: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub project_id: String,
    pub government_pays: bool,
    pub outlays: BTreeMap<i32, Fen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortfolioCommand {
    SetBudget {
        district: DistrictCode,
        year: i32,
        expenditure: Fen,
    },
    Reserve {
        district: DistrictCode,
        reservation: Reservation,
        caps: Caps,
    },
    Release {
        district: DistrictCode,
        project_id: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortfolioError {
    #[error("budget expenditure of {0} must be above zero")]
    BudgetZero(i32),
    #[error("the budget of {year} is not known, so the cap cannot be checked")]
    BudgetUnknown { year: i32 },
    #[error("project {0} already holds a reservation")]
    AlreadyReserved(String),
    #[error("project {0} holds no reservation")]
    NotReserved(String),
    #[error("a reservation needs at least one year of outlays")]
    NoOutlays,
    #[error(
        "in {year} the district's PPP outlays would be {total_fen} fen of a {budget_fen} fen budget, more than {cap_numerator}/{cap_denominator}"
    )]
    CapExceeded {
        year: i32,
        total_fen: u64,
        budget_fen: u64,
        cap_numerator: u64,
        cap_denominator: u64,
        government_pays: bool,
    },
    #[error("the portfolio belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
}

impl PortfolioError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::BudgetZero(_) => "BUDGET_ZERO",
            Self::BudgetUnknown { .. } => "BUDGET_UNKNOWN",
            Self::AlreadyReserved(_) => "OUTLAYS_ALREADY_RESERVED",
            Self::NotReserved(_) => "OUTLAYS_NOT_RESERVED",
            Self::NoOutlays => "OUTLAYS_REQUIRED",
            Self::CapExceeded {
                government_pays: true,
                ..
            } => "GOVERNMENT_PAYS_CAP_EXCEEDED",
            Self::CapExceeded { .. } => "PPP_CAP_EXCEEDED",
            Self::WrongDistrict { .. } => "PORTFOLIO_WRONG_DISTRICT",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortfolioState {
    pub district: Option<String>,
    pub budgets: BTreeMap<i32, Fen>,
    pub reservations: BTreeMap<String, Reservation>,
}

impl PortfolioState {
    /// The district's reserved PPP outlays in `year`.
    pub fn total(&self, year: i32) -> u128 {
        self.reservations
            .values()
            .filter_map(|r| r.outlays.get(&year))
            .map(|fen| u128::from(fen.0))
            .sum()
    }
}

pub struct Portfolio;

fn over(total: u128, budget: Fen, numerator: u64, denominator: u64) -> bool {
    total * u128::from(denominator) > u128::from(budget.0) * u128::from(numerator)
}

fn reserve(
    state: &PortfolioState,
    district: &DistrictCode,
    reservation: Reservation,
    caps: Caps,
) -> Result<pb::OutlaysReserved, PortfolioError> {
    if state.reservations.contains_key(&reservation.project_id) {
        return Err(PortfolioError::AlreadyReserved(reservation.project_id));
    }
    if reservation.outlays.values().all(|fen| fen.0 == 0) {
        return Err(PortfolioError::NoOutlays);
    }
    let mut year_totals = Vec::new();
    for (year, outlay) in &reservation.outlays {
        let budget = *state
            .budgets
            .get(year)
            .ok_or(PortfolioError::BudgetUnknown { year: *year })?;
        let total = state.total(*year) + u128::from(outlay.0);
        let mut caps_to_check = vec![(caps.all_numerator, caps.all_denominator, false)];
        if reservation.government_pays {
            caps_to_check.push((
                caps.government_pays_numerator,
                caps.government_pays_denominator,
                true,
            ));
        }
        for (numerator, denominator, government_pays) in caps_to_check {
            if over(total, budget, numerator, denominator) {
                return Err(PortfolioError::CapExceeded {
                    year: *year,
                    total_fen: u64::try_from(total).unwrap_or(u64::MAX),
                    budget_fen: budget.0,
                    cap_numerator: numerator,
                    cap_denominator: denominator,
                    government_pays,
                });
            }
        }
        year_totals.push(pb::YearAmount {
            year: *year,
            amount_fen: u64::try_from(total).unwrap_or(u64::MAX),
        });
    }
    Ok(pb::OutlaysReserved {
        district: district.to_string(),
        project_id: reservation.project_id,
        government_pays: reservation.government_pays,
        outlays: reservation
            .outlays
            .iter()
            .map(|(year, fen)| pb::YearAmount {
                year: *year,
                amount_fen: fen.0,
            })
            .collect(),
        year_totals,
    })
}

fn decide(
    state: &PortfolioState,
    command: PortfolioCommand,
) -> Result<PortfolioEvent, PortfolioError> {
    let district = match &command {
        PortfolioCommand::SetBudget { district, .. }
        | PortfolioCommand::Reserve { district, .. }
        | PortfolioCommand::Release { district, .. } => district,
    };
    if let Some(actual) = &state.district
        && actual != district.as_str()
    {
        return Err(PortfolioError::WrongDistrict {
            given: district.to_string(),
            actual: actual.clone(),
        });
    }
    match command {
        PortfolioCommand::SetBudget {
            district,
            year,
            expenditure,
        } => {
            if expenditure.0 == 0 {
                return Err(PortfolioError::BudgetZero(year));
            }
            Ok(PortfolioEvent::BudgetSet(pb::BudgetSet {
                district: district.to_string(),
                year,
                expenditure_fen: expenditure.0,
            }))
        }
        PortfolioCommand::Reserve {
            district,
            reservation,
            caps,
        } => reserve(state, &district, reservation, caps).map(PortfolioEvent::Reserved),
        PortfolioCommand::Release {
            district,
            project_id,
            reason,
        } => {
            if !state.reservations.contains_key(&project_id) {
                return Err(PortfolioError::NotReserved(project_id));
            }
            Ok(PortfolioEvent::Released(pb::OutlaysReleased {
                district: district.to_string(),
                project_id,
                reason,
            }))
        }
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `pppportfolio-<district code>`.
    pub enum PortfolioEvent in "gongzhi.ppp.v1" from pb {
        BudgetSet(BudgetSet),
        Reserved(OutlaysReserved),
        Released(OutlaysReleased),
    }
}

fn evolve(mut state: PortfolioState, event: &PortfolioEvent) -> PortfolioState {
    match event {
        PortfolioEvent::BudgetSet(e) => {
            state.district = Some(e.district.clone());
            state.budgets.insert(e.year, Fen(e.expenditure_fen));
        }
        PortfolioEvent::Reserved(e) => {
            state.district = Some(e.district.clone());
            state.reservations.insert(
                e.project_id.clone(),
                Reservation {
                    project_id: e.project_id.clone(),
                    government_pays: e.government_pays,
                    outlays: e
                        .outlays
                        .iter()
                        .map(|y| (y.year, Fen(y.amount_fen)))
                        .collect(),
                },
            );
        }
        PortfolioEvent::Released(e) => {
            state.reservations.remove(&e.project_id);
        }
    }
    state
}

impl Decider for Portfolio {
    type State = PortfolioState;
    type Command = PortfolioCommand;
    type Event = PortfolioEvent;
    type Error = PortfolioError;

    fn decide(
        state: &PortfolioState,
        command: PortfolioCommand,
    ) -> Result<Vec<PortfolioEvent>, PortfolioError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: PortfolioState, event: &PortfolioEvent) -> PortfolioState {
        evolve(state, event)
    }
}
