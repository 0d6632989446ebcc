//! The grid map service end to end against real PostgreSQL: define grids
//! with real codes, locate points, staff duties, refused transitions, bad
//! input, tenancy, and the population per grid from residents' events.
//!
//! Until `gongzhi serve grids` exists, [`GridMap::start`] builds the service
//! from its parts (store, read models, in-process delivery, a
//! `ServiceHost` on port 0); swap it for `start_serve` once wired.

mod embedded;
mod map;
mod population;
mod rules;

use crate::support::pg::{TestDb, fresh_database};
use gongzhi_bus::InProcessDelivery;
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_grids::app::grid_map::GridMapApp;
use gongzhi_grids::grpc::grid_map::GridMapGrpc;
use gongzhi_grids::projections::{GridMapProjection, GridPopulationProjection};
use gongzhi_kernel::DistrictCode;
use gongzhi_privacy::{MasterKey, Vault};
use gongzhi_projections::{ProjectionHandle, ProjectionHandler, ReadModelDb};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_proto::gongzhi::grids::v1::grid_map_service_client::GridMapServiceClient;
use gongzhi_server::{AuthConfig, CITY_ADMIN_ROLE, Caller, HostConfig, ServiceHost, TokenIssuer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

const SECRET: &[u8] = b"grid-map-test-secret";
pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "500103";
/// Two unit grids of 桐梓坪社区, 铜元局街道, 南岸区.
pub const GRID_A: &str = "500108001002001";
pub const GRID_B: &str = "500108001002002";
pub const COMMUNITY: &str = "500108001002";
pub const STREET: &str = "500108001";

/// Grid A: a 0.01-degree square with a hole in the middle.
pub const SQUARE_WITH_HOLE: &str = r#"{"type":"Polygon","coordinates":[
  [[106.50,29.50],[106.51,29.50],[106.51,29.51],[106.50,29.51],[106.50,29.50]],
  [[106.504,29.504],[106.506,29.504],[106.506,29.506],[106.504,29.506],[106.504,29.504]]]}"#;
/// Grid B: the square east of A, sharing its edge at longitude 106.51.
pub const EAST_SQUARE: &str = r#"{"type":"Polygon","coordinates":[
  [[106.51,29.50],[106.52,29.50],[106.52,29.51],[106.51,29.51],[106.51,29.50]]]}"#;

pub struct GridMap {
    /// Held so the database outlives the service; dropped with it.
    _db: TestDb,
    pub store: SharedEventStore,
    pub vault: Vault,
    addr: SocketAddr,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl GridMap {
    pub async fn start() -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        let store = PostgresEventStore::connect(&db.url).await?;
        store.migrate().await?;
        let store: SharedEventStore = Arc::new(store);
        let master_key = MasterKey::generate()?.expose_base64();
        let vault = gongzhi_cli::runtime::postgres_vault(&db.url, Some(&master_key)).await?;
        let read_models = ReadModelDb::postgres(&db.url).await?;
        let grids = read_models
            .register(Arc::new(GridMapProjection), store.clone())
            .await?;
        let population = read_models
            .register(
                Arc::new(GridPopulationProjection::new(Some(vault.clone()))),
                store.clone(),
            )
            .await?;
        let shutdown = CancellationToken::new();
        let mut tasks = JoinSet::new();
        for handle in [&grids, &population] {
            spawn_delivery(&mut tasks, &store, handle, &shutdown);
        }
        let app = GridMapApp::new(store.clone(), grids, population, Duration::from_secs(5));
        let mut host = ServiceHost::new(HostConfig {
            listen_addr: "127.0.0.1:0".parse()?,
            auth: AuthConfig::new(SECRET.to_vec()),
            drain_timeout: Duration::from_secs(5),
        })
        .add_service("grid-map", GridMapGrpc::new(app).into_server());
        let addr = host.bind().await?;
        let serving = shutdown.clone();
        // Ends when the test stops the service; a serve error fails the
        // test's next call, which is where it shows.
        tasks.spawn(async move {
            if let Err(error) = host.serve(serving).await {
                eprintln!("grid map test host failed: {error}");
            }
        });
        Ok(Self {
            _db: db,
            store,
            vault,
            addr,
            shutdown,
            tasks,
        })
    }

    pub async fn client(&self) -> anyhow::Result<GridMapServiceClient<Channel>> {
        Ok(GridMapServiceClient::connect(format!("http://{}", self.addr)).await?)
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        while let Some(joined) = self.tasks.join_next().await {
            joined?;
        }
        Ok(())
    }
}

/// One in-process delivery loop per source of the projection; each ends on
/// shutdown and retries store errors from its checkpoint inside.
fn spawn_delivery(
    tasks: &mut JoinSet<()>,
    store: &SharedEventStore,
    handle: &ProjectionHandle,
    shutdown: &CancellationToken,
) {
    for source in handle.sources() {
        let handler = Arc::new(ProjectionHandler::new(handle.clone()));
        let name = format!("{}-{}", handle.name(), source.context);
        let delivery = InProcessDelivery::new(store.clone(), handler, name, source.filter());
        tasks.spawn(delivery.run(shutdown.clone()));
    }
}

pub fn token(roles: &[&str], districts: &[&str]) -> anyhow::Result<String> {
    let caller = Caller {
        subject: format!("tester-{}", roles.join("-")),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        districts: districts
            .iter()
            .map(|d| DistrictCode::parse(d))
            .collect::<Result<_, _>>()?,
    };
    Ok(TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(600))?)
}

pub fn command_center() -> anyhow::Result<String> {
    token(&["command_center"], &[DISTRICT])
}

pub fn city_admin() -> anyhow::Result<String> {
    token(&[CITY_ADMIN_ROLE], &[])
}

pub use crate::support::auth::authorized;

pub fn definition(request_id: &str, grid: &str, boundary: &str) -> pb::DefineGridRequest {
    pb::DefineGridRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        grid: grid.into(),
        name: format!("桐梓坪{}号网格", &grid[12..]),
        boundary_geojson: boundary.into(),
        duties: vec![pb::Duty::Safety as i32, pb::Duty::Sanitation as i32],
    }
}

/// Defines a grid as the command centre; returns the receipt position.
pub async fn define(
    client: &mut GridMapServiceClient<Channel>,
    grid: &str,
    boundary: &str,
) -> anyhow::Result<u64> {
    let response = client
        .define_grid(authorized(
            definition(&format!("define-{grid}"), grid, boundary),
            &command_center()?,
        )?)
        .await?
        .into_inner();
    Ok(response.receipt.map_or(0, |r| r.position))
}

pub fn locate(latitude: f64, longitude: f64, min_position: u64) -> pb::LocatePointRequest {
    pb::LocatePointRequest {
        district: DISTRICT.into(),
        latitude,
        longitude,
        min_position,
    }
}
