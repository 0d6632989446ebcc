//! The system's own watcher for committee filings: an owners' committee not
//! filed by its due date (30 days after election) is flagged late, also when
//! the day passed while the service was down.
//!
//! Contract:
//! - Reads every unfiled, unflagged committee from the `property_committees`
//!   read model; each whose due date is before today by the app's clock gets
//!   `FlagLate` through the normal command path, actor `system`.
//! - The request id derives from the committee, so flagging twice (two
//!   replicas, a crash) is an idempotent replay.
//! - [`LateFilingWatcher::run`] passes at start, whenever the projection
//!   wakes it, and at least every `rescan_every` (the wake can precede the
//!   commit, and days pass without events). A refused flag (the read model
//!   lagging a filing) or a failed pass is logged and retried on the next
//!   pass. On cancel it stops between passes.
//! - [`LateFilingWatcher::tick`] runs one pass now, for tests with a fake
//!   clock.

use super::{AppError, PropertyApp};
use crate::domain::dates::parse_date;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::{Caller, CancellationToken, CommandContext};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

pub const DEFAULT_RESCAN_EVERY: Duration = Duration::from_secs(60);

/// Actor of the commands the system sends itself.
pub const SYSTEM_ACTOR: &str = "system";

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LateFilingReport {
    /// Flags written by this pass (replays not counted).
    pub flagged: usize,
    /// Due flags that were refused or failed; retried on the next pass.
    pub failed: usize,
}

/// The request id of the late flag of `committee_id`.
pub fn late_request_id(committee_id: Uuid) -> String {
    format!("committee-late-{committee_id}")
}

pub struct LateFilingWatcher {
    app: PropertyApp,
    wake: Arc<Notify>,
    rescan_every: Duration,
}

#[derive(Debug, thiserror::Error)]
enum FlagError {
    #[error("read model row has a malformed committee id or district")]
    BadRow,
    #[error(transparent)]
    Context(#[from] gongzhi_server::ApiError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl LateFilingWatcher {
    /// `wake` is [`crate::projections::CommitteesProjection::wake`].
    pub fn new(app: PropertyApp, wake: Arc<Notify>) -> Self {
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

    /// Flags every committee whose due date passed by the app's clock.
    pub async fn tick(&self) -> Result<LateFilingReport, AppError> {
        let today = self.app.today();
        let mut report = LateFilingReport::default();
        for due in self.app.unfiled_committees().await? {
            let Some(due_on) = parse_date(&due.filing_due_on) else {
                continue;
            };
            // Filing on the due date itself is on time.
            if today <= due_on {
                continue;
            }
            match self.flag(&due.committee_id, &due.district).await {
                Ok(true) => report.flagged += 1,
                Ok(false) => {}
                Err(error) => {
                    report.failed += 1;
                    tracing::warn!(committee_id = %due.committee_id, %error, "flagging a late committee filing failed; retried on the next pass");
                }
            }
        }
        Ok(report)
    }

    /// Watches until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.tick().await {
                tracing::warn!(%error, "late filing watcher pass failed; retrying");
            }
            let deadline = tokio::time::Instant::now() + self.rescan_every;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    /// Whether a new flag was written.
    async fn flag(&self, committee_id: &str, district: &str) -> Result<bool, FlagError> {
        let committee = Uuid::parse_str(committee_id).map_err(|_| FlagError::BadRow)?;
        let district = DistrictCode::parse(district).map_err(|_| FlagError::BadRow)?;
        let system = Caller {
            subject: SYSTEM_ACTOR.to_owned(),
            roles: Vec::new(),
            districts: Vec::new(),
        };
        let context = CommandContext::new(system, &late_request_id(committee))?;
        let receipt = self
            .app
            .flag_late_filing(&context, &district, committee)
            .await?;
        Ok(!receipt.replayed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_depends_on_the_committee_only() {
        let committee = Uuid::from_u128(7);
        assert_eq!(late_request_id(committee), late_request_id(committee));
        assert_ne!(
            late_request_id(committee),
            late_request_id(Uuid::from_u128(8))
        );
        assert!(gongzhi_server::validate_request_id(&late_request_id(committee)).is_ok());
    }
}
