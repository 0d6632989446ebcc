//! A resident's rating of a closed case travels from the residents context
//! to the grids context as `gongzhi serve residents grids` runs them: relay
//! -> JetStream -> the grids reactor's durable consumer -> `EvaluateCase`
//! -> the `cases` and `case_metrics` read models. The same scenario runs in
//! `gongzhi dev` (SQLite, in-process delivery).
//!
//! Waiting without sleeps: the reactor is fed like a projection, so
//! `wait_for(rating position)` on its handle returns once it has handled
//! the rating. The evaluation it wrote lies after that position, so the
//! grids queries then pass the store head as `min_position`.

use super::*;
use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::fresh_database;
use gongzhi_cli::runtime::{DevConfig, dev_secret, start_dev, start_serve};
use gongzhi_grids::app::case_ratings::{CASE_RATINGS, EVALUATED, REFUSED, case_ratings};
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::grids::v1::case_metrics_service_client::CaseMetricsServiceClient;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;

const UNIT: &str = "unit-water-affairs";

async fn start_residents_and_grids() -> anyhow::Result<Residents> {
    let db = fresh_database().await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let master_key = MasterKey::generate()?.expose_base64();
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let started = start_serve(
        ServeConfig {
            services: vec![ServiceName::Residents, ServiceName::Grids],
            database_url: db.url.clone(),
            nats_url: shared_nats_url(),
            subject_prefix: prefix.clone(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            jwt_secret: SECRET.to_vec(),
            master_key: Some(master_key.clone()),
            max_wait: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            consumer_prefix: prefix.clone(),
            stream_replicas: 1,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    Ok(Residents {
        db,
        started,
        master_key,
        prefix,
        shutdown,
    })
}

/// Issues tokens with the deployment's secret.
struct Tokens(Vec<u8>);

impl Tokens {
    /// A caller of the district: `subject` matters for departments (it is
    /// the unit id) and residents (it is the resident id).
    fn issue(&self, subject: &str, roles: &[&str]) -> anyhow::Result<String> {
        let caller = Caller {
            subject: subject.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            districts: vec![DistrictCode::parse(DISTRICT)?],
        };
        Ok(TokenIssuer::new(&AuthConfig::new(self.0.clone()))
            .issue(&caller, Duration::from_secs(600))?)
    }

    fn center(&self) -> anyhow::Result<String> {
        self.issue("centre-500108", &["command_center"])
    }
}

/// Reports and registers a case; with `close`, runs it on to CLOSED.
async fn case(
    client: &mut CaseServiceClient<Channel>,
    tokens: &Tokens,
    name: &str,
    close: bool,
) -> anyhow::Result<String> {
    let center = tokens.center()?;
    let report = grids::ReportCaseRequest {
        request_id: format!("{name}-report"),
        district: DISTRICT.into(),
        grid: GRID.into(),
        category: "component/01/01".into(),
        source: grids::CaseSource::Patrol as i32,
        urgency: grids::CaseUrgency::Normal as i32,
        description: "井盖缺失".into(),
        location: Some(grids::CaseLocation {
            latitude: 29.52,
            longitude: 106.54,
        }),
        reported_by: String::new(),
    };
    let case_id = client
        .report_case(authorized(
            report,
            &tokens.issue("worker-li", &["grid_worker"])?,
        )?)
        .await?
        .into_inner()
        .case_id;
    let register = grids::RegisterCaseRequest {
        request_id: format!("{name}-register"),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
    };
    client.register_case(authorized(register, &center)?).await?;
    if !close {
        return Ok(case_id);
    }
    let dispatch = grids::DispatchCaseRequest {
        request_id: format!("{name}-dispatch"),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: UNIT.into(),
    };
    client.dispatch_case(authorized(dispatch, &center)?).await?;
    let feedback = grids::GiveFeedbackRequest {
        request_id: format!("{name}-feedback"),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: String::new(),
        result: "已补装井盖".into(),
    };
    client
        .give_feedback(authorized(feedback, &tokens.issue(UNIT, &["department"])?)?)
        .await?;
    let verify = grids::VerifyCaseRequest {
        request_id: format!("{name}-verify"),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        passed: true,
        note: String::new(),
    };
    client.verify_case(authorized(verify, &center)?).await?;
    let close = grids::CloseCaseRequest {
        request_id: format!("{name}-close"),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
    };
    client.close_case(authorized(close, &center)?).await?;
    Ok(case_id)
}

async fn get_case(
    client: &mut CaseServiceClient<Channel>,
    tokens: &Tokens,
    case_id: &str,
    min_position: u64,
) -> anyhow::Result<grids::Case> {
    let request = grids::GetCaseRequest {
        district: DISTRICT.into(),
        case_id: case_id.into(),
        min_position,
    };
    client
        .get_case(authorized(request, &tokens.center()?)?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("GetCase answers with a case"))
}

/// Registers a resident of [`COMMUNITY`] and returns their id.
async fn resident(
    client: &mut ResidentServiceClient<Channel>,
    tokens: &Tokens,
) -> anyhow::Result<String> {
    let mut request = registration("hop-resident");
    request.id_number = id_number(1)?;
    Ok(client
        .register_resident(authorized(
            request,
            &tokens.issue("admin", &["district_admin"])?,
        )?)
        .await?
        .into_inner()
        .resident_id)
}

/// Rates a closed and an open case from residents and follows both into
/// grids: the closed case is evaluated, the open one is not.
async fn rating_becomes_evaluation(started: &Started, tokens: &Tokens) -> anyhow::Result<()> {
    let addr = format!("http://{}", started.addr);
    let mut residents = ResidentServiceClient::connect(addr.clone()).await?;
    let mut ratings = RatingServiceClient::connect(addr.clone()).await?;
    let mut cases = CaseServiceClient::connect(addr.clone()).await?;
    let mut metrics = CaseMetricsServiceClient::connect(addr).await?;
    let rater = resident(&mut residents, tokens).await?;
    let token = tokens.issue(&rater, &[gongzhi_residents::grpc::RESIDENT])?;
    let closed = case(&mut cases, tokens, "closed", true).await?;
    let open = case(&mut cases, tokens, "open", false).await?;

    let mut closed_rating = rate(
        "rate-closed",
        &rater,
        pb::RatingSubjectKind::Case,
        &closed,
        5,
    );
    closed_rating.comment = "修得很快".into();
    let rated = ratings
        .rate_subject(authorized(closed_rating, &token)?)
        .await?
        .into_inner();
    // The residents context cannot know the case is still open: it records
    // the rating, and grids refuses to count it.
    let open_rating = rate("rate-open", &rater, pb::RatingSubjectKind::Case, &open, 1);
    let early = ratings
        .rate_subject(authorized(open_rating, &token)?)
        .await?
        .into_inner();
    let last = position(early.receipt.as_ref())?.max(position(rated.receipt.as_ref())?);

    let reactor = started
        .projections
        .iter()
        .find(|p| p.name() == CASE_RATINGS)
        .ok_or_else(|| anyhow::anyhow!("grids registers the case ratings reactor"))?;
    reactor.wait_for(last, Duration::from_secs(20)).await?;
    let head = started.store.head_position().await?;

    let evaluated = get_case(&mut cases, tokens, &closed, head).await?;
    assert_eq!(evaluated.status(), grids::CaseStatus::Evaluated);
    assert_eq!(evaluated.rating, 5);
    let still_open = get_case(&mut cases, tokens, &open, head).await?;
    assert_eq!(still_open.status(), grids::CaseStatus::Registered);
    assert_eq!(still_open.rating, 0);

    let handled = case_ratings(reactor, &closed).await?;
    assert_eq!(
        handled
            .iter()
            .map(|r| (r.outcome.as_str(), r.rating_id.as_str()))
            .collect::<Vec<_>>(),
        vec![(EVALUATED, rated.rating_id.as_str())]
    );
    let refused = case_ratings(reactor, &open).await?;
    assert_eq!(
        refused
            .iter()
            .map(|r| (r.outcome.as_str(), r.reason.as_str()))
            .collect::<Vec<_>>(),
        vec![(REFUSED, "CASE_TRANSITION_NOT_ALLOWED")]
    );

    // The satisfaction rate counts it: the case falls in the period of its
    // close deadline, somewhere in the coming weeks.
    let today = chrono::Utc::now().date_naive();
    let request = grids::GetCaseMetricsRequest {
        district: DISTRICT.into(),
        scope: grids::MetricsScope::District as i32,
        scope_id: String::new(),
        from: (today - chrono::Days::new(2)).to_string(),
        to: (today + chrono::Days::new(400)).to_string(),
        min_position: head,
    };
    let figures = metrics
        .get_case_metrics(authorized(
            request,
            &tokens.issue("worker-li", &["grid_worker"])?,
        )?)
        .await?
        .into_inner();
    assert_eq!((figures.rated, figures.satisfied), (1, 1));
    assert_eq!(
        figures
            .satisfaction_rate
            .map(|r| (r.numerator, r.denominator)),
        Some((1, 1))
    );

    // Residents keep their own count of every rating, counted or not.
    let summary = pb::GetRatingSummaryRequest {
        district: DISTRICT.into(),
        subject_kind: pb::RatingSubjectKind::Case as i32,
        subject_id: open,
        min_position: last,
    };
    let own = ratings
        .get_rating_summary(authorized(summary, &token)?)
        .await?
        .into_inner()
        .summary
        .ok_or_else(|| anyhow::anyhow!("a summary answers with a summary"))?;
    assert_eq!((own.count, own.star_sum), (1, 1));
    Ok(())
}

#[tokio::test]
async fn a_rating_of_a_closed_case_becomes_its_evaluation_in_grids() -> anyhow::Result<()> {
    let service = start_residents_and_grids().await?;
    rating_becomes_evaluation(&service.started, &Tokens(SECRET.to_vec())).await?;
    service.stop().await
}

#[tokio::test]
async fn the_same_hop_works_in_process_in_the_embedded_mode() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let tokens = Tokens(dev_secret(dir.path()).await?);
    rating_becomes_evaluation(&dev.started, &tokens).await?;
    shutdown.cancel();
    dev.started.task.await?
}
