//! Case metrics as pure, exact, mergeable aggregates.
//!
//! Contract:
//! - A [`CaseOutcome`] is what one case contributes to one reporting period
//!   and scope (grid, community, street, department or worker).
//! - [`CaseTotals`] are integer counters: [`CaseTotals::add`] folds in one
//!   outcome, [`CaseTotals::merge`] adds two aggregates, and merging the
//!   totals of any partition equals aggregating everything at once, so read
//!   models keep running totals and roll them up.
//! - Rates are exact [`Rate`] fractions, rounded half up only when printed;
//!   a zero denominator prints "n/a", never 0% or 100%.
//!
//! Definitions (domain.md, Grids):
//! - closure rate = closed / due to close (结案率);
//! - on-time closure rate = closed on time / due to close (按期结案率);
//!   closed and closed-on-time count only cases due to close in the period;
//! - rework rate = cases with at least one rework / closed, over the same
//!   due-to-close cases (返工率);
//! - response rate = responded / cases (响应率);
//! - resolution rate = resolved / cases (解决率);
//! - satisfaction rate = satisfied / rated (满意率); "basically satisfied"
//!   is rated but not satisfied, and is counted apart.

mod outcome;
mod rate;
mod totals;

#[cfg(test)]
mod rate_tests;
#[cfg(test)]
mod totals_proptests;
#[cfg(test)]
mod totals_tests;

pub use outcome::{CaseOutcome, Satisfaction};
pub use rate::{MAX_DECIMALS, Rate};
pub use totals::{CaseMetrics, CaseTotals};
