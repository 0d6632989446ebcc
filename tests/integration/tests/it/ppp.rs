//! The ppp service end to end, served with residents and grids as
//! `gongzhi serve` runs them, against real PostgreSQL and NATS JetStream:
//! a project's whole life through its gates, the portfolio cap under
//! concurrent reservations, payments set by residents' ratings, bad input
//! refused with nothing written, a withdrawn project freeing its share of
//! the cap, and the OCDS export checked against the shipped schemas.

/// Sends one project RPC as `$walk`'s officer; answers the receipt's
/// position.
macro_rules! step {
    ($walk:ident, $ppp:ident, $rpc:ident, $request:expr) => {
        $ppp.projects()
            .$rpc(authorized($request, &$walk.token)?)
            .await
            .map(|answer| position(answer.into_inner().receipt))
    };
}

mod consultation;
mod embedded;
mod life;
mod portfolio;
mod ratings;
mod refusals;
mod walk;
mod withdraw;

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use chrono::{DateTime, TimeZone, Utc};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, ServeOverrides, Started, start_serve_with};
use gongzhi_eventstore::{Direction, ReadFrom, StoreErrorKind, StreamName};
use gongzhi_kernel::FakeClock;
use gongzhi_privacy::MasterKey;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_proto::gongzhi::ppp::v1::portfolio_service_client::PortfolioServiceClient;
use gongzhi_proto::gongzhi::ppp::v1::project_service_client::ProjectServiceClient;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic_types::StatusExt;

const SECRET: &[u8] = b"ppp-test-secret";
pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "500103";
pub const COMMUNITY: &str = "500108001002";
pub const SITE: &str = "500108001002003";

/// 1 March 2027, 09:00 in China: every rating and step falls in 2027.
fn march_2027() -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2027, 3, 1, 1, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("no such time"))
}

/// Where a test sends project commands.
pub trait Api {
    fn projects(&mut self) -> &mut ProjectServiceClient<Channel>;
}

impl Api for Ppp {
    fn projects(&mut self) -> &mut ProjectServiceClient<Channel> {
        &mut self.projects
    }
}

impl Api for Clients {
    fn projects(&mut self) -> &mut ProjectServiceClient<Channel> {
        &mut self.projects
    }
}

/// gRPC clients of the ppp service.
pub struct Clients {
    pub projects: ProjectServiceClient<Channel>,
}

pub struct Ppp {
    _db: TestDb,
    pub started: Started,
    pub projects: ProjectServiceClient<Channel>,
    pub portfolio: PortfolioServiceClient<Channel>,
    /// The clock of every hosted service but grids.
    pub clock: FakeClock,
    shutdown: CancellationToken,
}

impl Ppp {
    pub async fn start() -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        crate::support::nats::connect(&shared_nats_url()).await?;
        let prefix = unique_prefix();
        let shutdown = CancellationToken::new();
        let clock = FakeClock::at(march_2027()?);
        let started = start_serve_with(
            ServeConfig {
                services: vec![ServiceName::Residents, ServiceName::Grids, ServiceName::Ppp],
                database_url: db.url.clone(),
                nats_url: shared_nats_url(),
                subject_prefix: prefix.clone(),
                listen: "127.0.0.1:0".parse()?,
                http_listen: "127.0.0.1:0".parse()?,
                jwt_secret: SECRET.to_vec(),
                master_key: Some(MasterKey::generate()?.expose_base64()),
                max_wait: Duration::from_secs(10),
                drain_timeout: Duration::from_secs(5),
                consumer_prefix: prefix,
                stream_replicas: 1,
                esdb: None,
            },
            ServeOverrides {
                clock: Some(Arc::new(clock.clone())),
                ..ServeOverrides::default()
            },
            shutdown.clone(),
        )
        .await?;
        let url = format!("http://{}", started.addr);
        Ok(Self {
            _db: db,
            projects: ProjectServiceClient::connect(url.clone()).await?,
            portfolio: PortfolioServiceClient::connect(url).await?,
            started,
            clock,
            shutdown,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.started.addr)
    }

    /// Another connection to the same server, for concurrent calls.
    pub async fn clone_clients(&self) -> anyhow::Result<Clients> {
        let url = format!("http://{}", self.started.addr);
        Ok(Clients {
            projects: ProjectServiceClient::connect(url).await?,
        })
    }

    /// How many events the project's stream holds (0 when it has none).
    pub async fn events(&self, project_id: &str) -> anyhow::Result<usize> {
        self.stream_len(&format!("pppproject-{project_id}")).await
    }

    pub async fn stream_len(&self, stream: &str) -> anyhow::Result<usize> {
        let stream = StreamName::parse(stream)?;
        match self
            .started
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10_000)
            .await
        {
            Ok(events) => Ok(events.len()),
            Err(e) if e.kind() == StoreErrorKind::StreamNotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
    }
}

pub fn token_for(subject: &str, roles: &[&str], districts: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, subject, roles, districts)
}

pub fn officer() -> anyhow::Result<String> {
    token_for("ppp-officer-500108", &["ppp_officer"], &[DISTRICT])
}

pub use crate::support::auth::authorized;

/// The ErrorInfo reason of a refusal, or what happened instead.
pub fn reason<T: std::fmt::Debug>(result: Result<T, tonic::Status>) -> String {
    match result {
        Ok(answer) => format!("accepted: {answer:?}"),
        Err(status) => status
            .get_details_error_info()
            .map(|info| info.reason)
            .unwrap_or_else(|| format!("{:?}: {}", status.code(), status.message())),
    }
}

/// The fields of an INVALID_ARGUMENT, sorted.
pub fn bad_fields<T>(result: Result<T, tonic::Status>) -> Vec<String> {
    let mut fields: Vec<String> = result
        .err()
        .and_then(|status| status.get_details_bad_request())
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    fields.sort();
    fields
}

pub fn position(receipt: Option<pb::CommandReceipt>) -> u64 {
    receipt.map_or(0, |r| r.position)
}

/// Outlays per year of a 20-year term from 2027.
pub fn outlays(per_year: u64) -> Vec<pb::YearAmount> {
    (2027..2047)
        .map(|year| pb::YearAmount {
            year,
            amount_fen: per_year,
        })
        .collect()
}

/// A BOT elderly-care centre over 2027..=2046, 10 000 000 fen to build.
pub fn identification(
    request_id: &str,
    project_id: &str,
    mechanism: pb::PaymentMechanism,
    per_year: u64,
) -> pb::IdentifyProjectRequest {
    pb::IdentifyProjectRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        project_id: project_id.into(),
        community: COMMUNITY.into(),
        name: "南坪社区养老服务中心".into(),
        facility: "elderly-care centre".into(),
        model: pb::OperationModel::BuildOperateTransfer as i32,
        mechanism: mechanism as i32,
        term_years: 20,
        first_year: 2027,
        construction_cost_fen: 10_000_000,
        government_outlays: outlays(per_year),
        performance_linked_percent: 30,
        grid: SITE.into(),
    }
}

/// The district's budget: 10 000 000 fen a year over the term.
pub async fn budgets(ppp: &mut Ppp) -> anyhow::Result<u64> {
    let mut last = 0;
    for year in 2027..2047 {
        let answer = ppp
            .portfolio
            .set_budget(authorized(
                pb::SetBudgetRequest {
                    request_id: format!("budget-{year}"),
                    district: DISTRICT.into(),
                    year,
                    expenditure_fen: 10_000_000,
                },
                &officer()?,
            )?)
            .await?
            .into_inner();
        last = position(answer.receipt);
    }
    Ok(last)
}

/// Identifies the project and passes value for money.
pub async fn identify_and_evaluate(
    ppp: &mut Ppp,
    project_id: &str,
    mechanism: pb::PaymentMechanism,
    per_year: u64,
) -> anyhow::Result<()> {
    let token = officer()?;
    ppp.projects
        .identify_project(authorized(
            identification(
                &format!("identify-{project_id}"),
                project_id,
                mechanism,
                per_year,
            ),
            &token,
        )?)
        .await?;
    ppp.projects
        .evaluate_value_for_money(authorized(
            pb::EvaluateValueForMoneyRequest {
                request_id: format!("vfm-{project_id}"),
                district: DISTRICT.into(),
                project_id: project_id.into(),
                qualitative_score: 75,
                ppp_present_value_fen: 9_000_000,
                psc_present_value_fen: 9_500_000,
            },
            &token,
        )?)
        .await?;
    Ok(())
}
