//! The procurement service end to end, started as `gongzhi serve
//! procurement` starts it, against real PostgreSQL and NATS JetStream, with
//! a fake clock so deadlines and standstills are crossed on purpose.

mod embedded;
mod grid_dispatch;
mod open_tender;
mod refusals;
mod venture;

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use chrono::{DateTime, TimeZone, Utc};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, ServeOverrides, Started, start_serve_with};
use gongzhi_eventstore::{Direction, ReadFrom, StoreErrorKind, StreamName};
use gongzhi_kernel::{DistrictCode, FakeClock, SocialCreditCode};
use gongzhi_privacy::MasterKey;
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use gongzhi_proto::gongzhi::procurement::v1::catalogue_service_client::CatalogueServiceClient;
use gongzhi_proto::gongzhi::procurement::v1::provider_service_client::ProviderServiceClient;
use gongzhi_proto::gongzhi::procurement::v1::purchase_service_client::PurchaseServiceClient;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic_types::StatusExt;

const SECRET: &[u8] = b"procurement-test-secret";
pub const DISTRICT: &str = "500108";

pub struct Procurement {
    /// Held so the test's database lives as long as the service.
    _db: TestDb,
    pub started: Started,
    pub clock: FakeClock,
    pub providers: ProviderServiceClient<Channel>,
    pub catalogue: CatalogueServiceClient<Channel>,
    pub purchases: PurchaseServiceClient<Channel>,
    /// The buying officer's header, for helpers that answer with the
    /// service's own status.
    pub buyer: Bearer,
    shutdown: CancellationToken,
}

/// 4 January 2027, 09:00 UTC.
pub fn start_time() -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("no such time"))
}

impl Procurement {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_hosting(vec![ServiceName::Procurement]).await
    }

    /// Residents beside procurement, as for ratings of purchased services.
    pub async fn start_with_residents() -> anyhow::Result<Self> {
        Self::start_hosting(vec![ServiceName::Procurement, ServiceName::Residents]).await
    }

    /// Grids beside procurement, as for cases dispatched to providers.
    pub async fn start_with_grids() -> anyhow::Result<Self> {
        Self::start_hosting(vec![ServiceName::Procurement, ServiceName::Grids]).await
    }

    async fn start_hosting(services: Vec<ServiceName>) -> anyhow::Result<Self> {
        let master_key = if services.contains(&ServiceName::Residents) {
            Some(MasterKey::generate()?.expose_base64())
        } else {
            None
        };
        let db = fresh_database().await?;
        crate::support::nats::connect(&shared_nats_url()).await?;
        let prefix = unique_prefix();
        let shutdown = CancellationToken::new();
        let clock = FakeClock::at(start_time()?);
        let started = start_serve_with(
            ServeConfig {
                services,
                database_url: db.url.clone(),
                nats_url: shared_nats_url(),
                subject_prefix: prefix.clone(),
                listen: "127.0.0.1:0".parse()?,
                http_listen: "127.0.0.1:0".parse()?,
                jwt_secret: SECRET.to_vec(),
                master_key,
                max_wait: Duration::from_secs(5),
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
            providers: ProviderServiceClient::connect(url.clone()).await?,
            catalogue: CatalogueServiceClient::connect(url.clone()).await?,
            purchases: PurchaseServiceClient::connect(url).await?,
            buyer: Bearer::new(&buyer()?)?,
            started,
            clock,
            shutdown,
        })
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
    }

    /// Events in stream `<category>-<id>`: a refusal must leave it as it was.
    pub async fn events_in(&self, category: &str, id: &str) -> anyhow::Result<usize> {
        let stream = StreamName::new(category, uuid::Uuid::parse_str(id)?)?;
        match self
            .started
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10_000)
            .await
        {
            Ok(events) => Ok(events.len()),
            Err(error) if error.kind() == StoreErrorKind::StreamNotFound => Ok(0),
            Err(error) => Err(error.into()),
        }
    }
}

pub fn token(roles: &[&str], districts: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(
        SECRET,
        &format!("tester-{}", roles.join("-")),
        roles,
        districts,
    )
}

/// A token whose subject is `subject`: a provider acting as a grid unit.
pub fn token_for(subject: &str, roles: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, subject, roles, &[DISTRICT])
}

pub fn buyer() -> anyhow::Result<String> {
    token(&["street_officer"], &[DISTRICT])
}

pub use crate::support::auth::{Bearer, authorized};

/// A valid unified social credit code for the `n`th test organisation
/// (civil affairs, social organisation, in district 500108).
pub fn social_credit_code(n: u32) -> anyhow::Result<String> {
    let body = format!("52500108MJ{n:07}");
    let check =
        SocialCreditCode::check_char(&body).ok_or_else(|| anyhow::anyhow!("bad body {body}"))?;
    Ok(format!("{body}{check}"))
}

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

/// The fields named by an INVALID_ARGUMENT answer.
pub fn violated_fields<T>(result: Result<T, tonic::Status>) -> Vec<String> {
    result
        .err()
        .and_then(|status| status.get_details_bad_request())
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

pub fn position(receipt: Option<pb::CommandReceipt>) -> u64 {
    receipt.map_or(0, |r| r.position)
}
