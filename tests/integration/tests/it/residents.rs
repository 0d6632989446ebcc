//! The residents service end to end, started as `gongzhi serve residents`
//! starts it, against real PostgreSQL and NATS JetStream.

mod access;
mod elections;
mod embedded;
mod erasure;
mod households;
mod meetings;
mod proposals;
mod queries;
mod ratings;
mod registration;
mod volunteering;
mod wishes;

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, ServeOverrides, Started, start_serve_with};
use gongzhi_kernel::DistrictCode;
use gongzhi_privacy::MasterKey;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;
use gongzhi_server::{AuthConfig, CITY_ADMIN_ROLE, Caller, TokenIssuer};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel;

const SECRET: &[u8] = b"residents-test-secret";
pub const DISTRICT: &str = "500108";
pub const COMMUNITY: &str = "500108001002";
pub const GRID: &str = "500108001002003";
pub const OTHER_DISTRICT: &str = "500103";
pub const ID_NUMBER: &str = "11010519491231002X";
pub const NAME: &str = "张三丰";
pub const PHONE: &str = "13812345678";
pub const DWELLING: &str = "铜元局街道1号楼2单元301";

pub struct Residents {
    pub db: TestDb,
    pub started: Started,
    pub master_key: String,
    pub prefix: String,
    shutdown: CancellationToken,
}

impl Residents {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(ServeOverrides::default()).await
    }

    /// Started with a fake clock or a residents config of the test's own.
    pub async fn start_with(overrides: ServeOverrides) -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        // Also sweeps streams that earlier runs left on the shared server.
        crate::support::nats::connect(&shared_nats_url()).await?;
        let master_key = MasterKey::generate()?.expose_base64();
        let prefix = unique_prefix();
        let shutdown = CancellationToken::new();
        let started = start_serve_with(
            ServeConfig {
                services: vec![ServiceName::Residents],
                database_url: db.url.clone(),
                nats_url: shared_nats_url(),
                subject_prefix: prefix.clone(),
                listen: "127.0.0.1:0".parse()?,
                http_listen: "127.0.0.1:0".parse()?,
                jwt_secret: SECRET.to_vec(),
                master_key: Some(master_key.clone()),
                max_wait: Duration::from_secs(5),
                drain_timeout: Duration::from_secs(5),
                consumer_prefix: prefix.clone(),
                stream_replicas: 1,
                esdb: None,
            },
            overrides,
            shutdown.clone(),
        )
        .await?;
        Ok(Self {
            db,
            started,
            master_key,
            prefix,
            shutdown,
        })
    }

    pub async fn client(&self) -> anyhow::Result<ResidentServiceClient<Channel>> {
        Ok(ResidentServiceClient::connect(format!("http://{}", self.started.addr)).await?)
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
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

pub fn district_admin() -> anyhow::Result<String> {
    token(&["district_admin"], &[DISTRICT])
}

pub fn community_worker() -> anyhow::Result<String> {
    token(&["community_worker"], &[DISTRICT])
}

pub fn city_admin() -> anyhow::Result<String> {
    token(&[CITY_ADMIN_ROLE], &[])
}

pub use crate::support::auth::authorized;

pub fn registration(request_id: &str) -> pb::RegisterResidentRequest {
    pb::RegisterResidentRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        grid: GRID.into(),
        residency: pb::Residency::Registered as i32,
        name: NAME.into(),
        id_number: ID_NUMBER.into(),
        phone: PHONE.into(),
        dwelling: DWELLING.into(),
    }
}

/// Registers the standard resident and returns its id and receipt position.
pub async fn register(
    client: &mut ResidentServiceClient<Channel>,
    request_id: &str,
) -> anyhow::Result<(String, u64)> {
    let response = client
        .register_resident(authorized(registration(request_id), &district_admin()?)?)
        .await?
        .into_inner();
    Ok((
        response.resident_id,
        response.receipt.map_or(0, |r| r.position),
    ))
}

/// A valid ID number for the `n`th test resident (n < 1000), born
/// `1950 + n % 60` on 1 January, so tests can register many people and
/// spread them over age groups.
pub fn id_number(n: u32) -> anyhow::Result<String> {
    let body = format!("500108{:04}0101{:03}", 1950 + n % 60, n % 1000);
    let check = gongzhi_kernel::ResidentIdNumber::check_char(&body)
        .ok_or_else(|| anyhow::anyhow!("bad test ID body {body}"))?;
    Ok(format!("{body}{check}"))
}

/// Registers the `n`th test resident (see [`id_number`]) in [`COMMUNITY`]
/// and returns its id and receipt position.
pub async fn register_nth(
    client: &mut ResidentServiceClient<Channel>,
    n: u32,
) -> anyhow::Result<(String, u64)> {
    let mut request = registration(&format!("register-nth-{n}"));
    request.id_number = id_number(n)?;
    request.name = format!("居民{n}");
    let response = client
        .register_resident(authorized(request, &district_admin()?)?)
        .await?
        .into_inner();
    Ok((
        response.resident_id,
        response.receipt.map_or(0, |r| r.position),
    ))
}

/// A resident's own token: role `resident`, subject = resident id.
pub fn resident_token(resident_id: &str) -> anyhow::Result<String> {
    let caller = Caller {
        subject: resident_id.to_owned(),
        roles: vec![gongzhi_residents::grpc::RESIDENT.to_owned()],
        districts: vec![DistrictCode::parse(DISTRICT)?],
    };
    Ok(TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(600))?)
}
