//! The property service end to end, started as `gongzhi serve property`
//! starts it (PostgreSQL event store and read models, NATS JetStream relay
//! and durable consumers), with a fake clock so dates of record and the
//! 30-day filing deadline are fixed.

mod access;
mod cycle;
mod direct;
mod late_filing;
mod later;
mod lists;
mod owner_links;
mod ratings;
mod refusals;

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use chrono::{DateTime, TimeZone, Utc};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, ServeOverrides, Started, start_serve_with};
use gongzhi_kernel::{DistrictCode, FakeClock};
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_proto::gongzhi::property::v1::assembly_service_client::AssemblyServiceClient;
use gongzhi_proto::gongzhi::property::v1::dispute_service_client::DisputeServiceClient;
use gongzhi_proto::gongzhi::property::v1::estate_service_client::EstateServiceClient;
use gongzhi_proto::gongzhi::property::v1::management_service_client::ManagementServiceClient;
use gongzhi_server::{AuthConfig, Caller, TokenIssuer};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;
use uuid::Uuid;

const SECRET: &[u8] = b"property-test-secret";
pub const DISTRICT: &str = "500108";
pub const COMMUNITY: &str = "500108001002";
/// Unified social credit codes of the companies in these tests.
pub const DEVELOPER: &str = "91350100M000100Y43";
pub const COMPANY: &str = "91110000600037341L";

/// Monday 2 March 2026, 10:00 in Chongqing: "today" is 2026-03-02.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid fixed instant"))
}

pub struct Property {
    _db: TestDb,
    pub started: Started,
    shutdown: CancellationToken,
}

/// gRPC clients of the four property services.
pub struct Clients {
    pub estates: EstateServiceClient<Channel>,
    pub assemblies: AssemblyServiceClient<Channel>,
    pub management: ManagementServiceClient<Channel>,
    pub disputes: DisputeServiceClient<Channel>,
    /// The street office's header, for helpers that answer with the
    /// service's own status.
    pub street: Bearer,
}

impl Property {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_hosting(vec![ServiceName::Property]).await
    }

    /// Hosts `services` in one process (residents needs a master key).
    pub async fn start_hosting(services: Vec<ServiceName>) -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        crate::support::nats::connect(&shared_nats_url()).await?;
        let master_key = services
            .contains(&ServiceName::Residents)
            .then(|| gongzhi_privacy::MasterKey::generate().map(|k| k.expose_base64()))
            .transpose()?;
        let prefix = unique_prefix();
        let shutdown = CancellationToken::new();
        let clock = FakeClock::at(monday_morning());
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
        Ok(Self {
            _db: db,
            started,
            shutdown,
        })
    }

    pub async fn clients(&self) -> anyhow::Result<Clients> {
        clients(&format!("http://{}", self.started.addr)).await
    }

    /// The store's head: unchanged across a refusal proves it wrote nothing.
    pub async fn head(&self) -> anyhow::Result<u64> {
        Ok(self.started.store.head_position().await?)
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
    }
}

pub async fn clients(url: &str) -> anyhow::Result<Clients> {
    Ok(Clients {
        estates: EstateServiceClient::connect(url.to_owned()).await?,
        assemblies: AssemblyServiceClient::connect(url.to_owned()).await?,
        management: ManagementServiceClient::connect(url.to_owned()).await?,
        disputes: DisputeServiceClient::connect(url.to_owned()).await?,
        street: Bearer::new(&street()?)?,
    })
}

pub fn token_for(subject: &str, roles: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, subject, roles, &[DISTRICT])
}

/// Street office staff of the district: forms the preparatory group and
/// records everything else.
pub fn street() -> anyhow::Result<String> {
    token_for("street-officer-wang", &["street_officer"])
}

pub fn owner(owner_id: &str) -> anyhow::Result<String> {
    token_for(owner_id, &["owner"])
}

pub use crate::support::auth::{Bearer, authorized};

pub fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

/// The refusal of a call that must fail with `code` and `reason`.
pub fn refused<T: std::fmt::Debug>(
    result: Result<tonic::Response<T>, Status>,
    code: Code,
    expected_reason: &str,
) -> anyhow::Result<Status> {
    let status = match result {
        Ok(response) => anyhow::bail!("expected {code:?} {expected_reason}, got {response:?}"),
        Err(status) => status,
    };
    anyhow::ensure!(status.code() == code, "expected {code:?}, got {status:?}");
    anyhow::ensure!(
        reason(&status).as_deref() == Some(expected_reason),
        "expected reason {expected_reason}, got {status:?}"
    );
    anyhow::ensure!(!status.message().is_empty(), "a refusal says why");
    Ok(status)
}

pub fn position(receipt: Option<&pb::CommandReceipt>) -> u64 {
    receipt.map_or(0, |r| r.position)
}

/// The owners of the test estate.
pub struct Owners(pub Vec<String>);

impl Owners {
    pub fn new(n: usize) -> Self {
        Self((0..n).map(|_| Uuid::new_v4().to_string()).collect())
    }

    pub fn get(&self, i: usize) -> anyhow::Result<&str> {
        self.0
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| anyhow::anyhow!("no owner {i}"))
    }
}

/// Units of the test estate: (unit id, register area in m²). 500 m² in all.
pub const UNITS: [(&str, &str); 5] = [
    ("B1-101", "80.00"),
    ("B1-102", "90.00"),
    ("B1-201", "100.00"),
    ("B1-202", "110.00"),
    ("B1-301", "120.00"),
];

/// Registers an estate with one building and [`UNITS`], delivers the first
/// four units to four owners (380 m², so half is delivered; the last unit
/// stays the developer's) and forms the preparatory group. Answers the
/// estate id, the owners and the last position written.
pub async fn delivered_estate(c: &mut Clients) -> anyhow::Result<(String, Owners, u64)> {
    let staff = street()?;
    let estate_id = c
        .estates
        .register_estate(authorized(
            pb::RegisterEstateRequest {
                request_id: "register-estate".into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                name: "铜元局小区".into(),
                developer_id: DEVELOPER.into(),
            },
            &staff,
        )?)
        .await?
        .into_inner()
        .estate_id;
    c.estates
        .add_building(authorized(
            pb::AddBuildingRequest {
                request_id: "add-b1".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                building_id: "B1".into(),
                name: "1号楼".into(),
            },
            &staff,
        )?)
        .await?;
    for (unit_id, area) in UNITS {
        c.estates
            .add_unit(authorized(
                pb::AddUnitRequest {
                    request_id: format!("add-{unit_id}"),
                    district: DISTRICT.into(),
                    estate_id: estate_id.clone(),
                    unit_id: unit_id.into(),
                    building_id: "B1".into(),
                    number: unit_id.into(),
                    register_area: area.into(),
                    surveyed_area: String::new(),
                    contract_area: String::new(),
                },
                &staff,
            )?)
            .await?;
    }
    let owners = Owners::new(4);
    for (i, (unit_id, _)) in UNITS.iter().take(4).enumerate() {
        c.estates
            .deliver_unit(authorized(
                pb::DeliverUnitRequest {
                    request_id: format!("deliver-{unit_id}"),
                    district: DISTRICT.into(),
                    estate_id: estate_id.clone(),
                    unit_id: (*unit_id).into(),
                    owner_id: owners.get(i)?.into(),
                    resident_id: String::new(),
                    delivered_on: "2026-01-15".into(),
                    resident_min_position: 0,
                },
                &staff,
            )?)
            .await?;
    }
    let mut members: Vec<pb::PreparatoryGroupMember> = owners
        .0
        .iter()
        .map(|o| pb::PreparatoryGroupMember {
            member_id: o.clone(),
            role: "owner".into(),
        })
        .collect();
    members.push(pb::PreparatoryGroupMember {
        member_id: "street-officer-wang".into(),
        role: "street office".into(),
    });
    let formed = c
        .estates
        .form_preparatory_group(authorized(
            pb::FormPreparatoryGroupRequest {
                request_id: "prep-group".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                led_by: "street-officer-wang".into(),
                members,
            },
            &staff,
        )?)
        .await?
        .into_inner();
    Ok((estate_id, owners, position(formed.receipt.as_ref())))
}

pub fn matter(matter_id: &str, kind: pb::MatterKind, proposal: &str) -> pb::AssemblyMatter {
    pb::AssemblyMatter {
        matter_id: matter_id.into(),
        kind: kind as i32,
        title: format!("议题 {matter_id}"),
        proposal: proposal.into(),
    }
}

/// Convenes the first assembly of `estate_id`, held 15 days from today.
pub async fn convene(
    c: &mut Clients,
    estate_id: &str,
    matters: Vec<pb::AssemblyMatter>,
) -> anyhow::Result<String> {
    Ok(c.assemblies
        .convene_assembly(authorized(
            pb::ConveneAssemblyRequest {
                request_id: "convene-first".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.into(),
                first: true,
                held_on: "2026-03-17".into(),
                matters,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .assembly_id)
}

pub fn ballot(
    assembly_id: &str,
    matter_id: &str,
    owner_id: &str,
    choice: pb::BallotChoice,
) -> pb::CastBallotRequest {
    pb::CastBallotRequest {
        request_id: format!("ballot-{matter_id}-{owner_id}"),
        district: DISTRICT.into(),
        assembly_id: assembly_id.into(),
        matter_id: matter_id.into(),
        owner_id: owner_id.into(),
        choice: choice as i32,
        channel: pb::BallotChannel::Written as i32,
    }
}

/// Staff records a written ballot.
pub async fn vote(
    c: &mut Clients,
    assembly_id: &str,
    matter_id: &str,
    owner_id: &str,
    choice: pb::BallotChoice,
) -> anyhow::Result<u64> {
    let cast = c
        .assemblies
        .cast_ballot(authorized(
            ballot(assembly_id, matter_id, owner_id, choice),
            &street()?,
        )?)
        .await?
        .into_inner();
    Ok(position(cast.receipt.as_ref()))
}

pub async fn close(c: &mut Clients, assembly_id: &str) -> anyhow::Result<u64> {
    let closed = c
        .assemblies
        .close_assembly(authorized(
            pb::CloseAssemblyRequest {
                request_id: format!("close-{assembly_id}"),
                district: DISTRICT.into(),
                assembly_id: assembly_id.into(),
            },
            &street()?,
        )?)
        .await?
        .into_inner();
    Ok(position(closed.receipt.as_ref()))
}

pub async fn get_assembly(
    c: &mut Clients,
    assembly_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::Assembly> {
    c.assemblies
        .get_assembly(authorized(
            pb::GetAssemblyRequest {
                district: DISTRICT.into(),
                assembly_id: assembly_id.into(),
                min_position,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .assembly
        .ok_or_else(|| anyhow::anyhow!("GetAssembly answers with an assembly"))
}

pub fn terms() -> pb::ContractTerms {
    pb::ContractTerms {
        scope: "保洁、秩序维护、绿化、共用设施维修".into(),
        quality: "重庆市住宅物业服务二级".into(),
        monthly_fee_per_square_metre_fen: 180,
        starts_on: "2026-04-01".into(),
        ends_on: "2029-03-31".into(),
        liabilities: String::new(),
    }
}

pub fn vote_ref(assembly_id: &str, matter_id: &str) -> Option<pb::VoteReference> {
    Some(pb::VoteReference {
        assembly_id: assembly_id.into(),
        matter_id: matter_id.into(),
    })
}

pub async fn get_fund(
    c: &mut Clients,
    estate_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::Fund> {
    c.management
        .get_fund(authorized(
            pb::GetFundRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.into(),
                min_position,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .fund
        .ok_or_else(|| anyhow::anyhow!("GetFund answers with a fund"))
}

pub async fn get_committee(
    c: &mut Clients,
    committee_id: &str,
    min_position: u64,
) -> Result<pb::Committee, Status> {
    let request = c.street.on(pb::GetCommitteeRequest {
        district: DISTRICT.into(),
        committee_id: committee_id.into(),
        min_position,
    });
    // The service always sets it; an empty committee fails the caller's checks.
    Ok(c.assemblies
        .get_committee(request)
        .await?
        .into_inner()
        .committee
        .unwrap_or_default())
}
