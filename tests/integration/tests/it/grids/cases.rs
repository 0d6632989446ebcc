//! Cases end to end: the gRPC service on a real PostgreSQL event store and
//! read model, with the `cases` projection fed by in-process delivery and a
//! fake clock shared by the service and the overdue watcher.

mod access;
mod closed_loop;
mod embedded;
mod overdue;

use crate::support::pg::{TestDb, fresh_database};
use chrono::{DateTime, TimeZone, Utc};
use gongzhi_bus::InProcessDelivery;
use gongzhi_eventstore::{AllFilter, PostgresEventStore, RecordedEvent, SharedEventStore};
use gongzhi_grids::app::cases::{CasesApp, FakeClock};
use gongzhi_grids::app::config::GridsConfig;
use gongzhi_grids::app::overdue::OverdueWatcher;
use gongzhi_grids::grpc::cases::CaseGrpc;
use gongzhi_grids::projections::CasesProjection;
use gongzhi_projections::{ProjectionHandler, ReadModelDb};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;
use gongzhi_server::{AuthConfig, HostConfig, ServiceHost};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

const SECRET: &[u8] = b"grids-cases-test-secret";
pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "500103";
pub const GRID: &str = "500108001002003";
pub const COMMUNITY: &str = "500108001002";
pub const CATEGORY: &str = "component/01/01";
pub const UNIT: &str = "unit-water-affairs";

/// Wednesday 25 November 2026, 10:00 in Chongqing: working time.
pub fn wednesday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 2, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid fixed instant"))
}

/// The cases service built from its parts, as the lead's `build()` will.
pub struct Grids {
    pub app: CasesApp,
    pub store: SharedEventStore,
    pub clock: FakeClock,
    wake: Arc<Notify>,
    addr: SocketAddr,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl Grids {
    /// On the test's PostgreSQL database, as `gongzhi serve` runs it.
    pub async fn start(db: &TestDb, clock: FakeClock) -> anyhow::Result<Self> {
        let store = PostgresEventStore::connect(&db.url).await?;
        store.migrate().await?;
        let read_models = ReadModelDb::postgres(&db.url).await?;
        Self::start_on(Arc::new(store), read_models, clock).await
    }

    pub async fn start_on(
        store: SharedEventStore,
        read_models: ReadModelDb,
        clock: FakeClock,
    ) -> anyhow::Result<Self> {
        let projection = CasesProjection::new();
        let wake = projection.wake();
        let handle = read_models
            .register(Arc::new(projection), store.clone())
            .await?;
        let app = CasesApp::new(
            store.clone(),
            handle.clone(),
            Arc::new(GridsConfig::default()),
            Duration::from_secs(5),
        )
        .with_clock(Arc::new(clock.clone()));
        let shutdown = CancellationToken::new();
        let mut tasks = JoinSet::new();
        for source in handle.sources() {
            let delivery = InProcessDelivery::new(
                store.clone(),
                Arc::new(ProjectionHandler::new(handle.clone())),
                format!("cases-{}", source.context),
                source.filter(),
            );
            tasks.spawn(delivery.run(shutdown.clone()));
        }
        let mut host = ServiceHost::new(HostConfig {
            listen_addr: "127.0.0.1:0".parse()?,
            auth: AuthConfig::new(SECRET.to_vec()),
            drain_timeout: Duration::from_secs(5),
        })
        .add_service("cases", CaseGrpc::new(app.clone()).into_server());
        let addr = host.bind().await?;
        let serving = shutdown.clone();
        tasks.spawn(async move {
            if let Err(error) = host.serve(serving).await {
                panic!("grpc host failed: {error}");
            }
        });
        Ok(Self {
            app,
            store,
            clock,
            wake,
            addr,
            shutdown,
            tasks,
        })
    }

    pub async fn client(&self) -> anyhow::Result<CaseServiceClient<Channel>> {
        Ok(CaseServiceClient::connect(format!("http://{}", self.addr)).await?)
    }

    pub fn watcher(&self) -> OverdueWatcher {
        OverdueWatcher::new(self.app.clone(), self.wake.clone())
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        while let Some(done) = self.tasks.join_next().await {
            done?;
        }
        Ok(())
    }

    /// Every stored event of `event_type` (full proto name), in order.
    pub async fn events(&self, event_type: &str) -> anyhow::Result<Vec<RecordedEvent>> {
        let all = self
            .store
            .read_all(0, &AllFilter::everything(), 10_000)
            .await?;
        Ok(all
            .into_iter()
            .filter(|e| e.event_type == event_type)
            .collect())
    }
}

pub fn token_for(subject: &str, roles: &[&str], districts: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, subject, roles, districts)
}

pub fn grid_worker() -> anyhow::Result<String> {
    token_for("worker-li", &["grid_worker"], &[DISTRICT])
}

pub fn command_center() -> anyhow::Result<String> {
    token_for("centre-500108", &["command_center"], &[DISTRICT])
}

pub fn department(unit: &str) -> anyhow::Result<String> {
    token_for(unit, &["department"], &[DISTRICT])
}

pub use crate::support::auth::authorized;

pub fn report_request(request_id: &str) -> pb::ReportCaseRequest {
    pb::ReportCaseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        grid: GRID.into(),
        category: CATEGORY.into(),
        source: pb::CaseSource::Patrol as i32,
        urgency: pb::CaseUrgency::Normal as i32,
        description: "井盖缺失".into(),
        location: Some(pb::CaseLocation {
            latitude: 29.52,
            longitude: 106.54,
        }),
        reported_by: String::new(),
    }
}

/// Reports and registers a case; returns its id.
pub async fn registered_case(
    client: &mut CaseServiceClient<Channel>,
    request_id: &str,
) -> anyhow::Result<String> {
    let reported = client
        .report_case(authorized(report_request(request_id), &grid_worker()?)?)
        .await?
        .into_inner();
    let register = pb::RegisterCaseRequest {
        request_id: format!("{request_id}-register"),
        district: DISTRICT.into(),
        case_id: reported.case_id.clone(),
    };
    client
        .register_case(authorized(register, &command_center()?)?)
        .await?;
    Ok(reported.case_id)
}

pub async fn dispatch(
    client: &mut CaseServiceClient<Channel>,
    request_id: &str,
    case_id: &str,
    unit: &str,
) -> anyhow::Result<pb::CommandReceipt> {
    let request = pb::DispatchCaseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        case_id: case_id.into(),
        unit_id: unit.into(),
    };
    let response = client
        .dispatch_case(authorized(request, &command_center()?)?)
        .await?;
    receipt(response.into_inner().receipt)
}

pub async fn feedback(
    client: &mut CaseServiceClient<Channel>,
    request_id: &str,
    case_id: &str,
    unit: &str,
) -> anyhow::Result<pb::CommandReceipt> {
    let request = pb::GiveFeedbackRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        case_id: case_id.into(),
        unit_id: String::new(),
        result: "已补装井盖".into(),
    };
    let response = client
        .give_feedback(authorized(request, &department(unit)?)?)
        .await?;
    receipt(response.into_inner().receipt)
}

pub async fn verify(
    client: &mut CaseServiceClient<Channel>,
    request_id: &str,
    case_id: &str,
    passed: bool,
) -> anyhow::Result<pb::CommandReceipt> {
    let request = pb::VerifyCaseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        case_id: case_id.into(),
        passed,
        note: if passed {
            String::new()
        } else {
            "井盖尺寸不符".into()
        },
    };
    let response = client
        .verify_case(authorized(request, &command_center()?)?)
        .await?;
    receipt(response.into_inner().receipt)
}

pub fn receipt(receipt: Option<pb::CommandReceipt>) -> anyhow::Result<pb::CommandReceipt> {
    receipt.ok_or_else(|| anyhow::anyhow!("a command answers with a receipt"))
}

/// The case as the read model shows it once it has applied `position`.
pub async fn get(
    client: &mut CaseServiceClient<Channel>,
    case_id: &str,
    position: u64,
) -> anyhow::Result<pb::Case> {
    let request = pb::GetCaseRequest {
        district: DISTRICT.into(),
        case_id: case_id.into(),
        min_position: position,
    };
    client
        .get_case(authorized(request, &command_center()?)?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("GetCase answers with a case"))
}
