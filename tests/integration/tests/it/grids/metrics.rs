//! Case metrics through the real read model: case events made by the case
//! decider are appended to a PostgreSQL store, applied by the
//! `case_metrics` projection and read over gRPC.

use crate::support::pg::{TestDb, fresh_database};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_eventstore::{
    EventData, EventMetadata, ExpectedRevision, PostgresEventStore, SharedEventStore, StreamName,
};
use gongzhi_grids::domain::case::{
    CASE_STREAM_CATEGORY, Case, CaseAction, CaseCommand, CaseDeadlines, CaseEvent, CaseReport,
    CaseSource, CaseState, CaseUrgency,
};
use gongzhi_grids::grpc::metrics::CaseMetricsGrpc;
use gongzhi_grids::projections::{CaseMetricsProjection, MetricsScopeFilter, case_totals};
use gongzhi_kernel::{Decider, DistrictCode, EventCodec};
use gongzhi_projections::{ProjectionHandle, ReadModelDb, Source};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_proto::gongzhi::grids::v1::case_metrics_service_client::CaseMetricsServiceClient;
use gongzhi_server::{AuthConfig, Caller, HostConfig, ServiceHost, TokenIssuer};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel;

pub const SECRET: &[u8] = b"grids-metrics-test-secret";
pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "500103";
const COMMUNITY_ONE: &str = "500108001002";
const GRIDS: [&str; 3] = ["500108001002003", "500108001002004", "500108001003001"];
const UNIT: &str = "city-management-bureau";

/// A store and the `case_metrics` read model on a fresh database.
pub struct GridsParts {
    pub db: TestDb,
    pub store: SharedEventStore,
    pub metrics: ProjectionHandle,
}

pub async fn grids_parts() -> anyhow::Result<GridsParts> {
    let db = fresh_database().await?;
    let store = PostgresEventStore::connect(&db.url).await?;
    store.migrate().await?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&db.url).await?;
    let metrics = read_models
        .register(Arc::new(CaseMetricsProjection), store.clone())
        .await?;
    Ok(GridsParts { db, store, metrics })
}

/// Applies every case event stored so far, in `$all` order.
pub async fn catch_up(store: &SharedEventStore, handle: &ProjectionHandle) -> anyhow::Result<()> {
    let filter = Source::new("grids", &[CASE_STREAM_CATEGORY]).filter();
    let mut after = 0;
    loop {
        let events = store.read_all(after, &filter, 1_000).await?;
        let Some(last) = events.last() else {
            return Ok(());
        };
        after = last.position;
        for event in &events {
            handle.apply(event).await?;
        }
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

/// How one generated case runs.
#[derive(Clone, Copy)]
struct Plan {
    grid: &'static str,
    close_by: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    rework: bool,
    rating: Option<u32>,
}

fn at(month: u32, day: u32, hour: u32) -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("bad test time"))
}

/// 972 cases due in November 2026: 737 closed on time, 174 late, 61 open;
/// the first 10 reworked once, the first 300 closed ones rated 5,4,3,2,1 in
/// turn. Five more are due in December.
fn plans() -> anyhow::Result<Vec<Plan>> {
    let mut plans = Vec::new();
    for i in 0..972usize {
        let closed_at = match i {
            0..737 => Some(at(11, 9, 2)?),
            737..911 => Some(at(11, 12, 2)?),
            _ => None,
        };
        plans.push(Plan {
            grid: GRIDS[i % 3],
            close_by: at(11, 10, 2)?,
            closed_at,
            rework: i < 10,
            rating: (i < 300).then(|| 5 - (i % 5) as u32),
        });
    }
    for _ in 0..5 {
        plans.push(Plan {
            grid: GRIDS[0],
            close_by: at(12, 5, 2)?,
            closed_at: Some(at(12, 4, 2)?),
            rework: false,
            rating: None,
        });
    }
    Ok(plans)
}

fn actions(case_id: &str, plan: Plan) -> anyhow::Result<Vec<CaseAction>> {
    let reported_at = plan.close_by - TimeDelta::days(8);
    let hours = |n: i64| reported_at + TimeDelta::hours(n);
    let mut actions = vec![
        CaseAction::Report(CaseReport {
            case_id: case_id.to_owned(),
            grid: plan.grid.to_owned(),
            category: "event/01/01".to_owned(),
            source: CaseSource::Patrol,
            urgency: CaseUrgency::Normal,
            description: "暴露垃圾".to_owned(),
            latitude: 29.52,
            longitude: 106.57,
            reported_by: "worker-li".to_owned(),
            reported_at,
            register_deadline: None,
            origin: String::new(),
        }),
        CaseAction::Register {
            registered_at: hours(1),
            deadlines: CaseDeadlines {
                dispatch_by: None,
                handle_by: plan.close_by - TimeDelta::hours(1),
                close_by: Some(plan.close_by),
            },
        },
    ];
    let Some(closed_at) = plan.closed_at else {
        return Ok(actions);
    };
    let feedback = |at| CaseAction::Feedback {
        unit_id: UNIT.to_owned(),
        result: "已清运".to_owned(),
        feedback_at: at,
        verify_deadline: None,
    };
    let verify = |passed: bool, at| CaseAction::Verify {
        passed,
        verifier: "worker-li".to_owned(),
        note: if passed { "" } else { "仍有垃圾" }.to_owned(),
        verified_at: at,
    };
    actions.push(CaseAction::Dispatch {
        unit_id: UNIT.to_owned(),
        dispatched_at: hours(2),
    });
    actions.push(feedback(hours(3)));
    if plan.rework {
        actions.push(verify(false, hours(4)));
        actions.push(feedback(hours(5)));
    }
    actions.push(verify(true, hours(6)));
    actions.push(CaseAction::Close { closed_at });
    if let Some(rating) = plan.rating {
        actions.push(CaseAction::Evaluate {
            rating,
            comment: String::new(),
            evaluated_at: closed_at + TimeDelta::hours(1),
        });
    }
    Ok(actions)
}

/// Runs the plan through the case decider and appends its events.
async fn feed(store: &SharedEventStore, plan: Plan) -> anyhow::Result<()> {
    let district = DistrictCode::parse(DISTRICT)?;
    let case_id = uuid::Uuid::new_v4();
    let mut state = CaseState::default();
    let mut data = Vec::new();
    for action in actions(&case_id.to_string(), plan)? {
        let command = CaseCommand {
            district: district.clone(),
            action,
        };
        let events: Vec<CaseEvent> =
            Case::decide(&state, command).map_err(|e| anyhow::anyhow!("{e}"))?;
        for event in events {
            data.push(EventData {
                event_id: uuid::Uuid::new_v4(),
                event_type: event.event_type().to_owned(),
                payload: event.encode(),
                metadata: EventMetadata::new(Some(district.clone()), "metrics-test"),
            });
            state = Case::evolve(state, &event);
        }
    }
    let stream = StreamName::new(CASE_STREAM_CATEGORY, case_id)?;
    store
        .append(&stream, ExpectedRevision::NoStream, data)
        .await?;
    Ok(())
}

async fn serve(metrics: ProjectionHandle, shutdown: &CancellationToken) -> anyhow::Result<String> {
    let mut host = ServiceHost::new(HostConfig {
        listen_addr: "127.0.0.1:0".parse()?,
        auth: AuthConfig::new(SECRET.to_vec()),
        drain_timeout: Duration::from_secs(5),
    })
    .add_service(
        "case-metrics",
        CaseMetricsGrpc::new(metrics, Duration::from_secs(5)).into_server(),
    );
    let addr = host.bind().await?;
    // Ends when the test cancels `shutdown`; a serve error fails the calls.
    tokio::spawn(host.serve(shutdown.clone()));
    Ok(format!("http://{addr}"))
}

fn query(
    scope: pb::MetricsScope,
    scope_id: &str,
    from: &str,
    to: &str,
) -> pb::GetCaseMetricsRequest {
    pb::GetCaseMetricsRequest {
        district: DISTRICT.into(),
        scope: scope as i32,
        scope_id: scope_id.into(),
        from: from.into(),
        to: to.into(),
        min_position: 0,
    }
}

async fn get(
    client: &mut CaseMetricsServiceClient<Channel>,
    message: pb::GetCaseMetricsRequest,
    token: &str,
) -> Result<pb::GetCaseMetricsResponse, tonic::Status> {
    let mut request = Request::new(message);
    let bearer = format!("Bearer {token}")
        .parse()
        .map_err(|_| tonic::Status::invalid_argument("bad token header"))?;
    request.metadata_mut().insert("authorization", bearer);
    Ok(client.get_case_metrics(request).await?.into_inner())
}

fn percent(rate: Option<&pb::MetricsRate>) -> Option<(u64, u64, &str)> {
    rate.map(|r| (r.numerator, r.denominator, r.percent.as_str()))
}

#[tokio::test]
async fn published_figures_come_out_of_the_read_model() -> anyhow::Result<()> {
    let parts = grids_parts().await?;
    let plans = plans()?;
    for plan in &plans {
        feed(&parts.store, *plan).await?;
    }
    catch_up(&parts.store, &parts.metrics).await?;
    let shutdown = CancellationToken::new();
    let mut client =
        CaseMetricsServiceClient::connect(serve(parts.metrics.clone(), &shutdown).await?).await?;
    let reader = token(&["street_officer"], &[DISTRICT])?;

    let november = query(pb::MetricsScope::District, "", "2026-11-01", "2026-12-01");
    let district = get(&mut client, november.clone(), &reader).await?;
    assert_eq!(
        (district.due, district.closed, district.closed_on_time),
        (972, 911, 737)
    );
    assert_eq!(
        percent(district.closure_rate.as_ref()),
        Some((911, 972, "93.72%"))
    );
    assert_eq!(
        percent(district.on_time_closure_rate.as_ref()),
        Some((737, 972, "75.82%"))
    );
    assert_eq!(
        percent(district.rework_rate.as_ref()),
        Some((10, 911, "1.10%"))
    );
    assert_eq!(district.reworks, 10);
    // 300 rated 5,4,3,2,1 in turn: 120 satisfied, 60 basically, 120 not.
    assert_eq!(
        percent(district.satisfaction_rate.as_ref()),
        Some((120, 300, "40.00%"))
    );
    assert_eq!(
        (district.basically_satisfied, district.dissatisfied),
        (60, 120)
    );

    // Scopes: the grid alone, and its community with a second grid.
    let expect = |grids: &[&str]| {
        let of_scope = || {
            plans
                .iter()
                .take(972)
                .filter(|plan| grids.contains(&plan.grid))
        };
        (
            of_scope().count() as u64,
            of_scope().filter(|p| p.closed_at.is_some()).count() as u64,
        )
    };
    let grid = get(
        &mut client,
        query(pb::MetricsScope::Grid, GRIDS[0], "2026-11-01", "2026-12-01"),
        &reader,
    )
    .await?;
    assert_eq!((grid.due, grid.closed), expect(&GRIDS[..1]));
    let community = get(
        &mut client,
        query(
            pb::MetricsScope::Community,
            COMMUNITY_ONE,
            "2026-11-01",
            "2026-12-01",
        ),
        &reader,
    )
    .await?;
    assert_eq!((community.due, community.closed), expect(&GRIDS[..2]));
    assert!(community.due > grid.due);
    let unit = get(
        &mut client,
        query(
            pb::MetricsScope::Department,
            UNIT,
            "2026-11-01",
            "2026-12-01",
        ),
        &reader,
    )
    .await?;
    assert_eq!(unit.closed, 911);

    // The five December cases count only in December.
    let december = get(
        &mut client,
        query(pb::MetricsScope::District, "", "2026-12-01", "2027-01-01"),
        &reader,
    )
    .await?;
    assert_eq!((december.due, december.closed_on_time), (5, 5));
    assert_eq!(
        percent(december.satisfaction_rate.as_ref()),
        Some((0, 0, "n/a"))
    );

    // Tenancy and input checks.
    let stranger = token(&["district_admin"], &[OTHER_DISTRICT])?;
    let refused = get(&mut client, november.clone(), &stranger).await;
    assert_eq!(
        refused.err().map(|s| s.code()),
        Some(tonic::Code::PermissionDenied)
    );
    let city = token(&["city_reader"], &[])?;
    assert_eq!(get(&mut client, november, &city).await?.due, 972);
    let backwards = query(pb::MetricsScope::Grid, "123", "2026-12-01", "2026-11-01");
    let invalid = get(&mut client, backwards, &reader).await;
    assert_eq!(
        invalid.err().map(|s| s.code()),
        Some(tonic::Code::InvalidArgument)
    );
    shutdown.cancel();
    Ok(())
}

#[tokio::test]
async fn sqlite_and_postgres_read_models_agree() -> anyhow::Result<()> {
    let parts = grids_parts().await?;
    // Every 31st plan keeps every grid and kind of outcome, and the test short.
    for plan in plans()?.iter().step_by(31) {
        feed(&parts.store, *plan).await?;
    }
    let dir = tempfile::tempdir()?;
    let sqlite = ReadModelDb::sqlite(dir.path())
        .await?
        .register(Arc::new(CaseMetricsProjection), parts.store.clone())
        .await?;
    catch_up(&parts.store, &parts.metrics).await?;
    catch_up(&parts.store, &sqlite).await?;
    let from = chrono::NaiveDate::from_ymd_opt(2026, 11, 1);
    let to = chrono::NaiveDate::from_ymd_opt(2027, 1, 1);
    let (Some(from), Some(to)) = (from, to) else {
        anyhow::bail!("bad test dates");
    };
    for scope in [
        MetricsScopeFilter::District,
        MetricsScopeFilter::Grid(GRIDS[1].to_owned()),
        MetricsScopeFilter::Worker("worker-li".to_owned()),
    ] {
        let postgres = case_totals(&parts.metrics, DISTRICT, &scope, from, to).await?;
        let embedded = case_totals(&sqlite, DISTRICT, &scope, from, to).await?;
        assert_eq!(postgres, embedded, "{scope:?}");
        assert!(postgres.due > 0 && postgres.closed > 0 && postgres.rated > 0);
    }
    Ok(())
}
