//! A complaint about a street problem becomes a grid case through events
//! only: residents writes `ProposalRaised`, the relay publishes it to NATS,
//! the grids reactor's durable consumer reports the case, and the residents
//! read model learns the case id from grids' `CaseReported`.

use super::*;
use gongzhi_cli::runtime::start_serve;
use gongzhi_eventstore::{
    EventData, EventMetadata, ExpectedRevision, PostgresEventStore, SharedEventStore, StreamName,
};
use gongzhi_grids::app::cases::CasesApp;
use gongzhi_grids::app::config::{DistrictConfig, GridsConfig};
use gongzhi_grids::domain::calendar::{CategoryCatalogue, CategoryKind, MajorClass, MinorClass};
use gongzhi_grids::projections::CasesProjection;
use gongzhi_grids::reactors::{COMPLAINT_CASES, ComplaintCasesReactor, complaint_case, origin_of};
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;
use prost::Message;
use std::sync::Arc;

const CASE_REPORTED: &str = "gongzhi.grids.v1.CaseReported";

/// Longest a test waits for a reactor to take an event from the bus.
const BUS_WAIT: Duration = Duration::from_secs(30);

/// Residents and grids in one process, as `gongzhi serve residents grids`.
async fn start_both() -> anyhow::Result<Residents> {
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
            // An upper bound only: generous, as the path crosses NATS twice
            // on a machine that may be busy.
            max_wait: Duration::from_secs(30),
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

fn reactor(projections: &[ProjectionHandle]) -> anyhow::Result<ProjectionHandle> {
    projections
        .iter()
        .find(|p| p.name() == COMPLAINT_CASES)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the grids service hosts no {COMPLAINT_CASES} reactor"))
}

/// The case the reactor opened for `proposal_id`, once it took the event at
/// `position`.
async fn case_of(
    reactor: &ProjectionHandle,
    proposal_id: &str,
    position: u64,
) -> anyhow::Result<String> {
    reactor.wait_for(position, BUS_WAIT).await?;
    let link = complaint_case(reactor, proposal_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the reactor recorded nothing for {proposal_id}"))?;
    assert_eq!(link.refused, "", "{link:?}");
    Ok(link.case_id)
}

/// Every `CaseReported` in the store whose origin is `proposal_id`.
async fn cases_reported_for(
    store: &SharedEventStore,
    proposal_id: &str,
) -> anyhow::Result<Vec<grids::CaseReported>> {
    let events = store
        .read_all(0, &AllFilter::categories(["case"]), 100_000)
        .await?;
    let mut found = Vec::new();
    for event in events.iter().filter(|e| e.event_type == CASE_REPORTED) {
        let reported = grids::CaseReported::decode(event.payload.as_slice())?;
        if reported.origin == origin_of(proposal_id) {
            found.push(reported);
        }
    }
    Ok(found)
}

#[tokio::test]
async fn a_street_complaint_becomes_a_grid_case_through_nats() -> anyhow::Result<()> {
    let service = start_both().await?;
    let mut residents = service.client().await?;
    let mut proposals = proposals_client(&service).await?;
    let mut cases = CaseServiceClient::connect(format!("http://{}", service.started.addr)).await?;
    let (resident, _) = register_nth(&mut residents, 1).await?;
    let as_resident = resident_token(&resident)?;
    let (lamp, lamp_at) = raise(
        &mut proposals,
        complaint_request("lamp", &resident, "路灯"),
        &as_resident,
    )
    .await?;
    let (noise, noise_at) = raise(
        &mut proposals,
        complaint_request("noise", &resident, "邻居家的狗太吵"),
        &as_resident,
    )
    .await?;
    // A plain proposal is no street problem and opens nothing.
    let (bench, bench_at) = raise(
        &mut proposals,
        raise_request("bench", &resident),
        &as_resident,
    )
    .await?;

    let reactor = reactor(&service.started.projections)?;
    let lamp_case = case_of(&reactor, &lamp, lamp_at).await?;
    let noise_case = case_of(&reactor, &noise, noise_at).await?;
    reactor.wait_for(bench_at, BUS_WAIT).await?;
    assert_eq!(complaint_case(&reactor, &bench).await?, None);

    let position = head(&service).await?;
    let grid_worker = token(&["grid_worker"], &[DISTRICT])?;
    let get_case = |case_id: &str| grids::GetCaseRequest {
        district: DISTRICT.into(),
        case_id: case_id.into(),
        min_position: position,
    };
    let case = cases
        .get_case(authorized(get_case(&lamp_case), &grid_worker)?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("no case"))?;
    assert_eq!(case.grid, GRID);
    assert_eq!(case.community, COMMUNITY);
    assert_eq!(case.category, "component/01/03", "路灯 in the catalogue");
    assert_eq!(case.source, grids::CaseSource::Resident as i32);
    assert_eq!(case.status, grids::CaseStatus::Reported as i32);
    assert_eq!(case.origin, origin_of(&lamp));
    assert_eq!(case.reported_by, resident);
    assert!(case.description.starts_with("路灯不亮"));
    assert!(case.description.contains("铜元局街道1号门口"));
    let noise_row = cases
        .get_case(authorized(get_case(&noise_case), &grid_worker)?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("no case"))?;
    assert_eq!(
        noise_row.category, "event/06/01",
        "no match: the other category"
    );

    let on_grid = cases
        .list_cases(authorized(
            grids::ListCasesRequest {
                district: DISTRICT.into(),
                grid: GRID.into(),
                min_position: position,
                ..Default::default()
            },
            &grid_worker,
        )?)
        .await?
        .into_inner();
    let mut listed: Vec<String> = on_grid.cases.into_iter().map(|c| c.case_id).collect();
    listed.sort();
    let mut expected = vec![lamp_case.clone(), noise_case.clone()];
    expected.sort();
    assert_eq!(listed, expected);

    // The residents read model shows the case, learnt from grids' event.
    let item = get(&mut proposals, &lamp, position, &as_resident).await?;
    assert_eq!(item.grid_case_id, lamp_case);
    assert_eq!(
        get(&mut proposals, &bench, position, &as_resident)
            .await?
            .grid_case_id,
        ""
    );

    // Replaying every complaint (a redelivery, a rebuild) opens nothing new.
    reactor.rebuild(|_| {}).await?;
    assert_eq!(
        complaint_case(&reactor, &lamp).await?.map(|l| l.case_id),
        Some(lamp_case)
    );
    assert_eq!(
        cases_reported_for(&service.started.store, &lamp)
            .await?
            .len(),
        1
    );
    assert_eq!(
        cases_reported_for(&service.started.store, &noise)
            .await?
            .len(),
        1
    );
    service.stop().await
}

/// The case drives the complaint back: dispatching it makes the unit the
/// complaint's owner with the case's handle deadline, closing it answers the
/// complaint in public with the unit's feedback.
#[tokio::test]
async fn the_grid_case_assigns_and_answers_the_complaint() -> anyhow::Result<()> {
    let service = start_both().await?;
    let mut residents = service.client().await?;
    let mut proposals = proposals_client(&service).await?;
    let mut cases = CaseServiceClient::connect(format!("http://{}", service.started.addr)).await?;
    let (resident, _) = register_nth(&mut residents, 1).await?;
    let as_resident = resident_token(&resident)?;
    let (lamp, lamp_at) = raise(
        &mut proposals,
        complaint_request("lamp", &resident, "路灯"),
        &as_resident,
    )
    .await?;
    let case_id = case_of(&reactor(&service.started.projections)?, &lamp, lamp_at).await?;
    let outcomes = service
        .started
        .projections
        .iter()
        .find(|p| p.name() == gongzhi_residents::reactors::COMPLAINT_OUTCOMES)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the residents service hosts no outcomes reactor"))?;

    let centre = token(&["command_center"], &[DISTRICT])?;
    let unit = staff("unit-lighting", &["department"], &[DISTRICT])?;
    cases
        .register_case(authorized(
            grids::RegisterCaseRequest {
                request_id: "register".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
            },
            &centre,
        )?)
        .await?;
    let dispatched = cases
        .dispatch_case(authorized(
            grids::DispatchCaseRequest {
                request_id: "dispatch".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                unit_id: "unit-lighting".into(),
            },
            &centre,
        )?)
        .await?
        .into_inner();
    outcomes
        .wait_for(dispatched.receipt.map_or(0, |r| r.position), BUS_WAIT)
        .await?;
    let position = head(&service).await?;
    let case = cases
        .get_case(authorized(
            grids::GetCaseRequest {
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                min_position: position,
            },
            &centre,
        )?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("no case"))?;
    let handle_deadline = case
        .deadlines
        .iter()
        .find(|d| d.stage == grids::CaseStage::Handle as i32)
        .map(|d| d.deadline.clone())
        .ok_or_else(|| anyhow::anyhow!("a registered case has a handle deadline"))?;
    let owned = get(&mut proposals, &lamp, position, &as_resident).await?;
    assert_eq!(owned.status, pb::ProposalStatus::Assigned as i32);
    assert_eq!(
        owned.owner.map(|o| (o.kind, o.id)),
        Some((
            pb::ProposalOwnerKind::Unit as i32,
            "unit-lighting".to_owned()
        ))
    );
    assert_eq!(owned.deadline, handle_deadline);

    cases
        .give_feedback(authorized(
            grids::GiveFeedbackRequest {
                request_id: "feedback".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                unit_id: String::new(),
                result: "已更换灯泡".into(),
            },
            &unit,
        )?)
        .await?;
    cases
        .verify_case(authorized(
            grids::VerifyCaseRequest {
                request_id: "verify".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                passed: true,
                note: String::new(),
            },
            &centre,
        )?)
        .await?;
    let closed = cases
        .close_case(authorized(
            grids::CloseCaseRequest {
                request_id: "close".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
            },
            &centre,
        )?)
        .await?
        .into_inner();
    outcomes
        .wait_for(closed.receipt.map_or(0, |r| r.position), BUS_WAIT)
        .await?;
    let answered = get(&mut proposals, &lamp, head(&service).await?, &as_resident).await?;
    assert_eq!(answered.status, pb::ProposalStatus::Answered as i32);
    assert_eq!(
        answered.answer,
        format!("网格案件 {case_id} 已办结。处置结果：已更换灯泡")
    );
    assert_eq!(
        answered.answered_by.map(|o| (o.kind, o.id)),
        Some((
            pb::ProposalOwnerKind::Unit as i32,
            "unit-lighting".to_owned()
        ))
    );
    assert!(!answered.answered_by_admin, "the owning unit answered");

    // Replaying the case (a rebuild of the reactor) writes nothing twice.
    let events = proposal_events(&service).await?;
    outcomes.rebuild(|_| {}).await?;
    assert_eq!(proposal_events(&service).await?, events);
    service.stop().await
}

/// A catalogue with no match and no "other" category is a refusal no retry
/// changes: the reactor records it and acknowledges the event.
#[tokio::test]
async fn a_complaint_no_category_fits_is_recorded_and_acknowledged() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let store = PostgresEventStore::connect(&db.url).await?;
    store.migrate().await?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&db.url).await?;
    let cases = read_models
        .register(Arc::new(CasesProjection::new()), store.clone())
        .await?;
    let narrow = CategoryCatalogue::from_classes(vec![MajorClass {
        kind: CategoryKind::Event,
        major: "01".into(),
        name: "市容环境".into(),
        minors: vec![MinorClass {
            minor: "01".into(),
            name: "暴露垃圾".into(),
        }],
    }])?;
    let district = DistrictCode::parse(DISTRICT)?;
    let config = GridsConfig::default().with_district(
        &district,
        DistrictConfig {
            catalogue: narrow,
            ..DistrictConfig::default()
        },
    );
    let app = CasesApp::new(
        store.clone(),
        cases,
        Arc::new(config),
        Duration::from_secs(5),
    );
    let reactor = read_models
        .register(Arc::new(ComplaintCasesReactor::new(app)), store.clone())
        .await?;

    let proposal_id = uuid::Uuid::new_v4();
    let raised = pb::ProposalRaised {
        proposal_id: proposal_id.to_string(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        kind: pb::ProposalKind::Complaint as i32,
        title: "路灯不亮".into(),
        body: "门口路灯坏了".into(),
        raised_by: uuid::Uuid::new_v4().to_string(),
        raised_at: "2026-03-02T02:00:00Z".into(),
        street_problem: complaint_request("x", "y", "路灯").street_problem,
        becomes_grid_case: true,
    };
    store
        .append(
            &StreamName::new("proposal", proposal_id)?,
            ExpectedRevision::NoStream,
            vec![EventData {
                event_id: uuid::Uuid::new_v4(),
                event_type: "gongzhi.residents.v1.ProposalRaised".into(),
                payload: raised.encode_to_vec(),
                metadata: EventMetadata::new(Some(district), "tester"),
            }],
        )
        .await?;
    let event = store
        .read_all(0, &AllFilter::categories(["proposal"]), 10)
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("the event was not stored"))?;

    assert!(
        reactor.apply(&event).await?,
        "applied, so the consumer acknowledges it"
    );
    let link = complaint_case(&reactor, &proposal_id.to_string())
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing recorded"))?;
    assert_eq!(
        (link.case_id.as_str(), link.refused.as_str()),
        ("", "NO_CATEGORY")
    );
    assert!(
        cases_reported_for(&store, &proposal_id.to_string())
            .await?
            .is_empty()
    );
    Ok(())
}

/// `gongzhi dev`: the same path on SQLite with in-process delivery.
#[tokio::test]
async fn the_embedded_mode_opens_the_case_too() -> anyhow::Result<()> {
    use gongzhi_cli::runtime::{DevConfig, start_dev};
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
    let url = format!("http://{}", dev.started.addr);
    let mut residents = ResidentServiceClient::connect(url.clone()).await?;
    let mut proposals = ProposalServiceClient::connect(url.clone()).await?;
    let resident = residents
        .register_resident(authorized(registration("dev-1"), &dev.token)?)
        .await?
        .into_inner()
        .resident_id;
    let (lamp, at) = raise(
        &mut proposals,
        complaint_request("dev-lamp", &resident, "component/01/03"),
        &dev.token,
    )
    .await?;
    let case_id = case_of(&reactor(&dev.started.projections)?, &lamp, at).await?;
    let position = dev.started.store.head_position().await?;
    let item = get(&mut proposals, &lamp, position, &dev.token).await?;
    assert_eq!(item.grid_case_id, case_id);
    let case = CaseServiceClient::connect(url)
        .await?
        .get_case(authorized(
            grids::GetCaseRequest {
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                min_position: position,
            },
            &dev.token,
        )?)
        .await?
        .into_inner()
        .case
        .ok_or_else(|| anyhow::anyhow!("no case"))?;
    assert_eq!(
        (case.grid.as_str(), case.category.as_str()),
        (GRID, "component/01/03")
    );
    shutdown.cancel();
    dev.started.task.await?
}
