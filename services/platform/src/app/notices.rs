use crate::domain::{Notice, NoticeBody, NoticeCommand, NoticeError, NoticeTitle};
use crate::projections::{NoticeRow, list_notices};
use gongzhi_commands::{CommandError, Receipt, execute};
use gongzhi_eventstore::{SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_server::CommandContext;
use std::time::Duration;
use uuid::Uuid;

pub const NOTICE_CATEGORY: &str = "notice";

#[derive(Debug, Clone)]
pub struct PublishNotice {
    pub district: DistrictCode,
    pub title: NoticeTitle,
    pub body: NoticeBody,
}

#[derive(Debug, Clone)]
pub struct WithdrawNotice {
    pub district: DistrictCode,
    pub notice_id: Uuid,
    pub reason: String,
}

#[derive(Clone)]
pub struct NoticeApp {
    store: SharedEventStore,
    notices: ProjectionHandle,
    max_wait: Duration,
}

impl NoticeApp {
    pub fn new(store: SharedEventStore, notices: ProjectionHandle, max_wait: Duration) -> Self {
        Self {
            store,
            notices,
            max_wait,
        }
    }

    /// Publishes a notice. Its id derives from the request, so a retry
    /// answers with the same notice rather than a second one.
    pub async fn publish(
        &self,
        context: &CommandContext,
        command: PublishNotice,
    ) -> Result<(Uuid, Receipt), CommandError<NoticeError>> {
        let notice_id = Uuid::new_v5(&context.event_id(0), b"notice");
        let stream = StreamName::new(NOTICE_CATEGORY, notice_id).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(command.district.clone()));
        let receipt = execute::<Notice>(
            self.store.as_ref(),
            &stream,
            NoticeCommand::Publish {
                notice_id: notice_id.to_string(),
                district: command.district,
                title: command.title,
                body: command.body,
                by: context.caller.subject.clone(),
            },
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await?;
        let notice_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(notice_id);
        Ok((notice_id, receipt))
    }

    pub async fn withdraw(
        &self,
        context: &CommandContext,
        command: WithdrawNotice,
    ) -> Result<Receipt, CommandError<NoticeError>> {
        let stream =
            StreamName::new(NOTICE_CATEGORY, command.notice_id).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(command.district.clone()));
        execute::<Notice>(
            self.store.as_ref(),
            &stream,
            NoticeCommand::Withdraw {
                notice_id: command.notice_id.to_string(),
                district: command.district,
                reason: command.reason,
                by: context.caller.subject.clone(),
            },
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await
    }

    /// Lists a district's notices; with `min_position`, first waits until
    /// the read model holds every notice event up to that position.
    pub async fn list(
        &self,
        district: &DistrictCode,
        min_position: u64,
        include_withdrawn: bool,
    ) -> Result<(Vec<NoticeRow>, u64), ProjectionError> {
        self.notices.wait_for(min_position, self.max_wait).await?;
        let rows = list_notices(&self.notices, district.as_str(), include_withdrawn).await?;
        let position = self
            .notices
            .checkpoints()
            .await?
            .values()
            .copied()
            .max()
            .unwrap_or(0);
        Ok((rows, position.max(min_position)))
    }
}

/// A command writes a handful of events; past u32 there is no such command.
fn event_index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
