//! What one case contributes to one period's metrics.

use serde::{Deserialize, Serialize};

/// A resident's rating of a handled case (满意 / 基本满意 / 不满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

/// One case in one period. `closed` and `closed_on_time` only count when
/// `due_to_close` is set (see the module definitions); `closed_on_time`
/// without `closed` is treated as not closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseOutcome {
    /// The case's closing deadline falls in the period (应结案).
    pub due_to_close: bool,
    pub closed: bool,
    pub closed_on_time: bool,
    /// Failed verifications that sent the case back (返工).
    pub reworks: u32,
    pub overdue: bool,
    /// Parked in the deferred backlog (挂账).
    pub deferred: bool,
    /// Acknowledged within the response time (hotline style).
    pub responded: bool,
    /// The problem was actually solved, as judged at evaluation.
    pub resolved: bool,
    pub satisfaction: Option<Satisfaction>,
}
