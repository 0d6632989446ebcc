//! The grids service as `gongzhi serve grids` runs it: a case reported over
//! gRPC is read back through the relay, NATS JetStream and the durable
//! consumers that feed the read model.

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::fresh_database;
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, start_serve};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;
use gongzhi_server::{AuthConfig, Caller, TokenIssuer};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::Request;

const SECRET: &[u8] = b"grids-served-secret";

fn authorized<T>(message: T, roles: &[&str]) -> anyhow::Result<Request<T>> {
    let caller = Caller {
        subject: "worker-1".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        districts: vec![DistrictCode::parse("500108")?],
    };
    let token = TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(600))?;
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    Ok(request)
}

#[tokio::test]
async fn a_reported_case_is_read_back_through_nats() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let started = start_serve(
        ServeConfig {
            services: vec![ServiceName::Grids],
            database_url: db.url.clone(),
            nats_url: shared_nats_url(),
            subject_prefix: prefix.clone(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            jwt_secret: SECRET.to_vec(),
            master_key: None,
            max_wait: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            consumer_prefix: prefix,
            stream_replicas: 1,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let mut client = CaseServiceClient::connect(format!("http://{}", started.addr)).await?;
    let report = pb::ReportCaseRequest {
        request_id: "r-1".into(),
        district: "500108".into(),
        grid: "500108001002003".into(),
        category: "component/01/01".into(),
        source: pb::CaseSource::Patrol as i32,
        urgency: pb::CaseUrgency::Normal as i32,
        description: "井盖缺失".into(),
        location: Some(pb::CaseLocation {
            latitude: 29.55,
            longitude: 106.55,
        }),
        reported_by: String::new(),
    };
    let reported = client
        .report_case(authorized(report, &["grid_worker"])?)
        .await?
        .into_inner();
    let position = reported.receipt.map_or(0, |r| r.position);
    let get = pb::GetCaseRequest {
        district: "500108".into(),
        case_id: reported.case_id.clone(),
        min_position: position,
    };
    let found = client
        .get_case(authorized(get, &["grid_worker"])?)
        .await?
        .into_inner();
    let case = found.case.ok_or_else(|| anyhow::anyhow!("no case"))?;
    assert_eq!(case.case_id, reported.case_id);
    assert_eq!(case.grid, "500108001002003");
    shutdown.cancel();
    started.task.await?
}
