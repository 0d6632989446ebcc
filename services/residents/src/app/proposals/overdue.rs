//! The system's own deadline watcher for proposals and complaints: flags an
//! assigned item whose deadline passed without an answer, also when the
//! deadline passed while the service was down.
//!
//! Contract:
//! - Reads every assigned, unanswered, unflagged item from the `proposals`
//!   read model; each whose deadline has passed by the app's clock gets
//!   `FlagOverdue` through the normal command path, actor `system`.
//! - The request id is derived from the item (an owner and deadline are
//!   given once), so flagging twice, from two replicas or after a crash, is
//!   an idempotent replay.
//! - [`ProposalOverdueWatcher::run`] reads at start, whenever the projection
//!   wakes it, at the earliest deadline still ahead, and at least every
//!   `rescan_every` (the projection's wake can precede its commit). A refused
//!   flag (the read model lagging the stream, e.g. an answer not applied yet)
//!   is logged and retried on the next pass; a failing pass is logged and
//!   retried after `rescan_every`. On cancel it stops between passes.
//! - [`ProposalOverdueWatcher::tick`] runs one pass now, for tests with a
//!   fake clock.

use super::ProposalsApp;
use super::queries::due_proposals;
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionError;
use gongzhi_server::{Caller, CancellationToken, CommandContext};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

pub const DEFAULT_RESCAN_EVERY: Duration = Duration::from_secs(30);

/// Actor of the commands the system sends itself.
pub const SYSTEM_ACTOR: &str = "system";

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverdueReport {
    /// Flags written by this pass (replays not counted).
    pub flagged: usize,
    /// Due flags that were refused or failed; retried on the next pass.
    pub failed: usize,
    /// The earliest deadline still ahead.
    pub next_due: Option<DateTime<Utc>>,
}

pub struct ProposalOverdueWatcher {
    app: ProposalsApp,
    wake: Arc<Notify>,
    rescan_every: Duration,
}

/// The request id of the overdue flag of `proposal_id`: the same on every
/// pass and replica.
pub fn overdue_request_id(proposal_id: Uuid) -> String {
    format!("proposal-overdue-{proposal_id}")
}

fn parse(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

#[derive(Debug, thiserror::Error)]
enum FlagError {
    #[error("read model row has a malformed proposal id or district")]
    BadRow,
    #[error(transparent)]
    Context(#[from] gongzhi_server::ApiError),
    #[error(transparent)]
    App(#[from] super::ProposalAppError),
}

impl ProposalOverdueWatcher {
    /// `wake` is [`crate::projections::ProposalsProjection::wake`] of the
    /// projection `app` reads; the clock is the app's.
    pub fn new(app: ProposalsApp, wake: Arc<Notify>) -> Self {
        Self {
            app,
            wake,
            rescan_every: DEFAULT_RESCAN_EVERY,
        }
    }

    pub fn with_rescan_every(mut self, every: Duration) -> Self {
        self.rescan_every = every;
        self
    }

    /// Flags everything due by the app's clock now.
    pub async fn tick(&self) -> Result<OverdueReport, ProjectionError> {
        let now = self.app.participation.now();
        let mut report = OverdueReport::default();
        for due in due_proposals(&self.app.proposals).await? {
            let Some(deadline) = parse(&due.deadline) else {
                continue;
            };
            if deadline >= now {
                report.next_due = Some(report.next_due.map_or(deadline, |n| n.min(deadline)));
                continue;
            }
            match self.flag(&due.proposal_id, &due.district).await {
                Ok(true) => report.flagged += 1,
                Ok(false) => {}
                Err(error) => {
                    report.failed += 1;
                    tracing::warn!(proposal_id = %due.proposal_id, %error, "flagging an overdue proposal failed; retried on the next pass");
                }
            }
        }
        Ok(report)
    }

    /// Watches until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            let next_due = match self.tick().await {
                Ok(report) => report.next_due,
                Err(error) => {
                    tracing::warn!(%error, "proposal overdue watcher pass failed; retrying");
                    None
                }
            };
            let mut sleep_for = self.rescan_every;
            if let Some(next) = next_due {
                let until_next = (next - self.app.participation.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO);
                // Past the deadline itself, so the decider sees it passed.
                sleep_for = sleep_for.min(until_next + Duration::from_millis(10));
            }
            let deadline = tokio::time::Instant::now() + sleep_for;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    /// Whether a new flag was written.
    async fn flag(&self, proposal_id: &str, district: &str) -> Result<bool, FlagError> {
        let proposal = Uuid::parse_str(proposal_id).map_err(|_| FlagError::BadRow)?;
        let district = DistrictCode::parse(district).map_err(|_| FlagError::BadRow)?;
        let system = Caller {
            subject: SYSTEM_ACTOR.to_owned(),
            roles: Vec::new(),
            districts: Vec::new(),
        };
        let context = CommandContext::new(system, &overdue_request_id(proposal))?;
        let receipt = self.app.flag_overdue(&context, &district, proposal).await?;
        Ok(!receipt.replayed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_depends_on_the_item_only() {
        let item = Uuid::from_u128(42);
        assert_eq!(overdue_request_id(item), overdue_request_id(item));
        assert_ne!(
            overdue_request_id(item),
            overdue_request_id(Uuid::from_u128(43))
        );
        assert!(gongzhi_server::validate_request_id(&overdue_request_id(item)).is_ok());
    }
}
