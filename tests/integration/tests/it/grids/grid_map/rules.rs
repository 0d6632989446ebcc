//! Refused transitions, bad input and tenancy: every refusal names why, and
//! nothing is written for a refused request.

use super::*;
use gongzhi_eventstore::{Direction, ReadFrom, StoreErrorKind, StreamName};
use tonic::{Code, Status};
use tonic_types::StatusExt;

fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

fn fields(status: &Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

fn worker(request_id: &str, worker_id: &str, duty: pb::Duty) -> pb::AssignWorkerRequest {
    pb::AssignWorkerRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        grid: GRID_A.into(),
        worker_id: worker_id.into(),
        duty: duty as i32,
    }
}

async fn workers_of(
    client: &mut GridMapServiceClient<Channel>,
    min_position: u64,
) -> anyhow::Result<Vec<(String, i32)>> {
    let grid = client
        .get_grid(authorized(
            pb::GetGridRequest {
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                min_position,
            },
            &command_center()?,
        )?)
        .await?
        .into_inner()
        .grid
        .ok_or_else(|| anyhow::anyhow!("no grid in the answer"))?;
    Ok(grid
        .workers
        .into_iter()
        .map(|w| (w.worker_id, w.duty))
        .collect())
}

#[tokio::test]
async fn workers_are_assigned_per_duty_and_released_with_it() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;
    define(&mut client, GRID_A, SQUARE_WITH_HOLE).await?;
    let officer = token(&["street_officer"], &[DISTRICT])?;

    let assigned = client
        .assign_worker(authorized(
            worker("w1", "worker-1", pb::Duty::Safety),
            &officer,
        )?)
        .await?
        .into_inner()
        .receipt
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
    assert!(!assigned.replayed);
    let again = client
        .assign_worker(authorized(
            worker("w1", "worker-1", pb::Duty::Safety),
            &officer,
        )?)
        .await?
        .into_inner()
        .receipt
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
    assert!(again.replayed, "a retried request_id writes nothing new");
    assert_eq!(again.position, assigned.position);

    let twice = client
        .assign_worker(authorized(
            worker("w1-bis", "worker-1", pb::Duty::Safety),
            &officer,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a second assignment to one duty was accepted"))?;
    assert_eq!(twice.code(), Code::FailedPrecondition);
    assert_eq!(reason(&twice).as_deref(), Some("WORKER_ALREADY_ASSIGNED"));

    let not_carried = client
        .assign_worker(authorized(
            worker("w2", "worker-2", pb::Duty::Population),
            &officer,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a duty the grid lacks was staffed"))?;
    assert_eq!(
        reason(&not_carried).as_deref(),
        Some("GRID_DUTY_NOT_CARRIED")
    );

    let not_assigned = client
        .unassign_worker(authorized(
            pb::UnassignWorkerRequest {
                request_id: "u-nobody".into(),
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                worker_id: "worker-9".into(),
                duty: pb::Duty::Safety as i32,
            },
            &officer,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("an absent worker was unassigned"))?;
    assert_eq!(
        reason(&not_assigned).as_deref(),
        Some("WORKER_NOT_ASSIGNED")
    );

    // 多网合一: a second worker on the other duty, then safety is dropped.
    client
        .assign_worker(authorized(
            worker("w3", "worker-3", pb::Duty::Sanitation),
            &officer,
        )?)
        .await?;
    let changed = client
        .change_grid_duties(authorized(
            pb::ChangeGridDutiesRequest {
                request_id: "duties".into(),
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                duties: vec![pb::Duty::Sanitation as i32, pb::Duty::Population as i32],
            },
            &officer,
        )?)
        .await?
        .into_inner()
        .receipt
        .map_or(0, |r| r.position);
    assert_eq!(
        workers_of(&mut client, changed).await?,
        vec![("worker-3".to_owned(), pb::Duty::Sanitation as i32)]
    );

    let retired = client
        .retire_grid(authorized(
            pb::RetireGridRequest {
                request_id: "retire".into(),
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                reason: "merged into a larger grid".into(),
            },
            &officer,
        )?)
        .await?
        .into_inner()
        .receipt
        .map_or(0, |r| r.position);
    assert!(workers_of(&mut client, retired).await?.is_empty());
    let after_retire = client
        .assign_worker(authorized(
            worker("w4", "worker-4", pb::Duty::Sanitation),
            &officer,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a retired grid was staffed"))?;
    assert_eq!(reason(&after_retire).as_deref(), Some("GRID_RETIRED"));
    let redefined = client
        .define_grid(authorized(
            definition("define-again", GRID_A, SQUARE_WITH_HOLE),
            &officer,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a grid was defined twice"))?;
    assert_eq!(reason(&redefined).as_deref(), Some("GRID_ALREADY_DEFINED"));

    // A retired grid no longer locates points, nor lists by default.
    let located = client
        .locate_point(authorized(locate(29.502, 106.502, retired), &officer)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(located, Some(Code::NotFound));
    let listed = client
        .list_grids(authorized(
            pb::ListGridsRequest {
                district: DISTRICT.into(),
                min_position: retired,
                ..Default::default()
            },
            &officer,
        )?)
        .await?
        .into_inner();
    assert!(listed.grids.is_empty());

    let unknown = client
        .retire_grid(authorized(
            pb::RetireGridRequest {
                request_id: "retire-b".into(),
                district: DISTRICT.into(),
                grid: GRID_B.into(),
                reason: "never drawn".into(),
            },
            &officer,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(unknown, Some(Code::NotFound));
    service.stop().await
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;

    let mut bad = definition("bad-1", GRID_A, "{not geojson");
    bad.name = " ".into();
    bad.duties = vec![];
    let refused = client
        .define_grid(authorized(bad, &command_center()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a bad definition was accepted"))?;
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(fields(&refused), vec!["name", "boundary_geojson", "duties"]);

    let open_ring = r#"{"type":"Polygon","coordinates":[[[106.50,29.50],[106.51,29.50],[106.51,29.51],[106.50,29.51]]]}"#;
    let refused = client
        .define_grid(authorized(
            definition("bad-2", GRID_A, open_ring),
            &command_center()?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("an open ring was accepted"))?;
    let violations = refused
        .get_details_bad_request()
        .map(|bad| bad.field_violations)
        .unwrap_or_default();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, "boundary_geojson");
    assert!(
        violations[0].description.contains("not closed"),
        "{}",
        violations[0].description
    );

    // A code of a community that does not exist, and one of another district.
    let refused = client
        .define_grid(authorized(
            definition("bad-3", "500108001001001", EAST_SQUARE),
            &command_center()?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("an unknown community was accepted"))?;
    assert_eq!(fields(&refused), vec!["grid"]);
    let refused = client
        .define_grid(authorized(
            definition("bad-4", "500103001003001", EAST_SQUARE),
            &command_center()?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("another district's grid was accepted"))?;
    assert_eq!(fields(&refused), vec!["grid"]);

    let refused = client
        .locate_point(authorized(locate(95.0, 200.0, 0), &command_center()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a point off the globe was accepted"))?;
    assert_eq!(refused.code(), Code::InvalidArgument);

    let stream = StreamName::new("grid", GRID_A)?;
    let written = service
        .store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await
        .err()
        .map(|e| e.kind());
    assert_eq!(written, Some(StoreErrorKind::StreamNotFound));
    service.stop().await
}

#[tokio::test]
async fn callers_of_another_district_are_refused() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;
    let last = define(&mut client, GRID_A, SQUARE_WITH_HOLE).await?;

    let foreign = token(&["district_admin"], &[OTHER_DISTRICT])?;
    let write = client
        .define_grid(authorized(
            definition("x-1", GRID_B, EAST_SQUARE),
            &foreign,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(write, Some(Code::PermissionDenied));
    let read = client
        .get_grid(authorized(
            pb::GetGridRequest {
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                min_position: last,
            },
            &foreign,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(read, Some(Code::PermissionDenied));
    let locate_there = client
        .locate_point(authorized(locate(29.502, 106.502, last), &foreign)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(locate_there, Some(Code::PermissionDenied));

    // A grid worker of the district reads the map but does not draw it.
    let grid_worker = token(&["grid_worker"], &[DISTRICT])?;
    let drawn = client
        .define_grid(authorized(
            definition("x-2", GRID_B, EAST_SQUARE),
            &grid_worker,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(drawn, Some(Code::PermissionDenied));
    client
        .locate_point(authorized(locate(29.502, 106.502, last), &grid_worker)?)
        .await?;

    // The city administrator draws anywhere.
    client
        .define_grid(authorized(
            definition("x-3", GRID_B, EAST_SQUARE),
            &city_admin()?,
        )?)
        .await?;
    let stream = StreamName::new("grid", GRID_B)?;
    let events = service
        .store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    assert_eq!(events.len(), 1, "only the city administrator's definition");
    service.stop().await
}
