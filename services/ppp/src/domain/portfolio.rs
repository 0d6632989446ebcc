//! A district's PPP portfolio and its fiscal cap, as a pure decider over
//! stream `pppportfolio-<district code>`.
//!
//! Contract: for every year of a new project's term the district's budget
//! expenditure must be known. A reservation is refused when, with it, the
//! district's PPP outlays in any of those years would be more than the cap
//! (default 10%) of that year's budget expenditure, and a government-pays
//! reservation when they would be more than the lower cap (default 5%).
//! "More than" excludes the bound: exactly 10% is allowed. Every
//! reservation is decided on this one stream with an expected revision, so
//! two approvals racing each other are serialised and cannot together break
//! the cap. A project reserves once; releasing frees its years.

mod decide;

pub use decide::{
    Caps, Portfolio, PortfolioCommand, PortfolioError, PortfolioEvent, PortfolioState, Reservation,
};

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
