//! Running counters of case outcomes and the metrics derived from them.

use super::outcome::{CaseOutcome, Satisfaction};
use super::rate::Rate;
use serde::{Deserialize, Serialize};

/// Integer counters, one aggregate per scope and period. Counters saturate
/// at `u64::MAX` instead of wrapping, which no real district reaches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseTotals {
    pub cases: u64,
    pub due: u64,
    /// Closed among the due-to-close cases.
    pub closed: u64,
    /// Closed on time among the due-to-close cases.
    pub closed_on_time: u64,
    /// Closed due-to-close cases that needed at least one rework.
    pub closed_with_rework: u64,
    /// Every rework of every case, closed or not.
    pub reworks: u64,
    pub overdue: u64,
    pub deferred: u64,
    pub responded: u64,
    pub resolved: u64,
    pub rated: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
}

/// A snapshot of [`CaseTotals`] with the rates spelled out; see the module
/// docs for each definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMetrics {
    pub cases: u64,
    pub due: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub reworks: u64,
    pub overdue: u64,
    pub deferred: u64,
    pub closure_rate: Rate,
    pub on_time_closure_rate: Rate,
    pub rework_rate: Rate,
    pub response_rate: Rate,
    pub resolution_rate: Rate,
    pub satisfaction_rate: Rate,
}

impl CaseTotals {
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a CaseOutcome>) -> Self {
        let mut totals = Self::default();
        for outcome in outcomes {
            totals.add(outcome);
        }
        totals
    }

    pub fn add(&mut self, outcome: &CaseOutcome) {
        self.merge(&Self::single(outcome));
    }

    /// Takes back an outcome added earlier, e.g. when a late rating changes
    /// a case's outcome: remove the old one, add the new one. Removing an
    /// outcome that was never added leaves counters clamped at zero.
    pub fn remove(&mut self, outcome: &CaseOutcome) {
        let single = Self::single(outcome);
        self.combine(&single, u64::saturating_sub);
    }

    pub fn merge(&mut self, other: &CaseTotals) {
        self.combine(other, u64::saturating_add);
    }

    pub fn merged(mut self, other: &CaseTotals) -> Self {
        self.merge(other);
        self
    }

    pub fn metrics(&self) -> CaseMetrics {
        CaseMetrics {
            cases: self.cases,
            due: self.due,
            closed: self.closed,
            closed_on_time: self.closed_on_time,
            reworks: self.reworks,
            overdue: self.overdue,
            deferred: self.deferred,
            closure_rate: Rate::new(self.closed, self.due),
            on_time_closure_rate: Rate::new(self.closed_on_time, self.due),
            rework_rate: Rate::new(self.closed_with_rework, self.closed),
            response_rate: Rate::new(self.responded, self.cases),
            resolution_rate: Rate::new(self.resolved, self.cases),
            satisfaction_rate: Rate::new(self.satisfied, self.rated),
        }
    }

    /// The totals of exactly one outcome: the single place where the
    /// counting rules live.
    fn single(outcome: &CaseOutcome) -> Self {
        let closed = outcome.due_to_close && outcome.closed;
        let rating = |wanted: Satisfaction| u64::from(outcome.satisfaction == Some(wanted));
        Self {
            cases: 1,
            due: u64::from(outcome.due_to_close),
            closed: u64::from(closed),
            closed_on_time: u64::from(closed && outcome.closed_on_time),
            closed_with_rework: u64::from(closed && outcome.reworks > 0),
            reworks: u64::from(outcome.reworks),
            overdue: u64::from(outcome.overdue),
            deferred: u64::from(outcome.deferred),
            responded: u64::from(outcome.responded),
            resolved: u64::from(outcome.resolved),
            rated: u64::from(outcome.satisfaction.is_some()),
            satisfied: rating(Satisfaction::Satisfied),
            basically_satisfied: rating(Satisfaction::BasicallySatisfied),
            dissatisfied: rating(Satisfaction::Dissatisfied),
        }
    }

    fn combine(&mut self, other: &CaseTotals, op: fn(u64, u64) -> u64) {
        let Self {
            cases,
            due,
            closed,
            closed_on_time,
            closed_with_rework,
            reworks,
            overdue,
            deferred,
            responded,
            resolved,
            rated,
            satisfied,
            basically_satisfied,
            dissatisfied,
        } = self;
        // Destructuring makes a new counter a compile error here until it is
        // combined too.
        for (mine, theirs) in [
            (cases, other.cases),
            (due, other.due),
            (closed, other.closed),
            (closed_on_time, other.closed_on_time),
            (closed_with_rework, other.closed_with_rework),
            (reworks, other.reworks),
            (overdue, other.overdue),
            (deferred, other.deferred),
            (responded, other.responded),
            (resolved, other.resolved),
            (rated, other.rated),
            (satisfied, other.satisfied),
            (basically_satisfied, other.basically_satisfied),
            (dissatisfied, other.dissatisfied),
        ] {
            *mine = op(*mine, theirs);
        }
    }
}

impl<'a> FromIterator<&'a CaseOutcome> for CaseTotals {
    fn from_iter<I: IntoIterator<Item = &'a CaseOutcome>>(outcomes: I) -> Self {
        Self::of(outcomes)
    }
}

impl<'a> Extend<&'a CaseOutcome> for CaseTotals {
    fn extend<I: IntoIterator<Item = &'a CaseOutcome>>(&mut self, outcomes: I) {
        for outcome in outcomes {
            self.add(outcome);
        }
    }
}
