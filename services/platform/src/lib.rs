//! The platform context: district notices (公告), the smallest complete slice
//! of the core (command, store, relay, projection, read-your-writes query),
//! and the operators' admin API.
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! platform` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod projections;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::platform::v1::notice_service_server::NoticeServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.platform.v1.*` and NATS subjects.
pub const CONTEXT: &str = "platform";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[app::notices::NOTICE_CATEGORY];

pub struct PlatformDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Longest a query waits for its `min_position`.
    pub max_wait: Duration,
}

pub struct PlatformService {
    pub notices: NoticeServiceServer<grpc::NoticeGrpc>,
    /// Read models to feed (through NATS or in-process delivery) and report.
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: PlatformDeps) -> Result<PlatformService, ProjectionError> {
    let notices = deps
        .read_models
        .register(Arc::new(projections::NoticesProjection), deps.store.clone())
        .await?;
    let app = app::NoticeApp::new(deps.store, notices.clone(), deps.max_wait);
    Ok(PlatformService {
        notices: NoticeServiceServer::new(grpc::NoticeGrpc::new(app)),
        projections: vec![notices],
    })
}
