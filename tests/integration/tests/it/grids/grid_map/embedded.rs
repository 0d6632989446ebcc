//! The same read model and queries on SQLite, as `gongzhi dev` runs them:
//! proves the projection's SQL and the queries' placeholders are portable.

use super::*;
use gongzhi_eventstore::SqliteEventStore;
use gongzhi_grids::app::grid_map::GridFilter;
use gongzhi_grids::domain::geo::{Duty, GridCode, GridCommand, GridDefinition, LatLng};
use gongzhi_server::CommandContext;

fn definition_of(code: &str, boundary: &str) -> anyhow::Result<GridCommand> {
    let code = GridCode::parse(code)?;
    Ok(GridCommand::Define(GridDefinition {
        community: code.community().to_owned(),
        code,
        district: DistrictCode::parse(DISTRICT)?,
        name: "网格".into(),
        boundary_geojson: boundary.into(),
        duties: [Duty::Safety].into_iter().collect(),
    }))
}

#[tokio::test]
async fn the_grid_map_reads_the_same_on_sqlite() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = SqliteEventStore::open(dir.path().join("events.db")).await?;
    store.migrate().await?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::sqlite(dir.path().join("read_models")).await?;
    let grids = read_models
        .register(Arc::new(GridMapProjection), store.clone())
        .await?;
    let population = read_models
        .register(Arc::new(GridPopulationProjection::new(None)), store.clone())
        .await?;
    let shutdown = CancellationToken::new();
    let mut tasks = JoinSet::new();
    spawn_delivery(&mut tasks, &store, &grids, &shutdown);
    let app = GridMapApp::new(store, grids, population, Duration::from_secs(5));

    let caller = Caller {
        subject: "dev".into(),
        roles: vec![CITY_ADMIN_ROLE.into()],
        districts: Vec::new(),
    };
    let district = DistrictCode::parse(DISTRICT)?;
    let mut last = 0;
    for (code, boundary) in [(GRID_A, SQUARE_WITH_HOLE), (GRID_B, EAST_SQUARE)] {
        let context = CommandContext::new(caller.clone(), &format!("define-{code}"))?;
        let receipt = app
            .run(
                &context,
                &district,
                &GridCode::parse(code)?,
                definition_of(code, boundary)?,
            )
            .await?;
        last = receipt.position;
    }

    let located = app
        .locate(&district, LatLng::new(29.505, 106.515)?, last)
        .await?
        .map(|grid| grid.code);
    assert_eq!(located.as_deref(), Some(GRID_B));
    let grid = app.get_grid(&district, GRID_A, last).await?;
    assert_eq!((grid.street.as_str(), grid.duties.len()), (STREET, 1));
    let first = app
        .list_grids(
            &district,
            &GridFilter::Community(COMMUNITY.into()),
            false,
            1,
            None,
            last,
        )
        .await?;
    assert_eq!(first.grids.len(), 1);
    assert_eq!(first.next_page_token, GRID_A);
    let second = app
        .list_grids(
            &district,
            &GridFilter::Community(COMMUNITY.into()),
            false,
            1,
            Some(&first.next_page_token),
            last,
        )
        .await?;
    let codes: Vec<_> = second.grids.iter().map(|g| g.code.as_str()).collect();
    assert_eq!(codes, vec![GRID_B]);
    assert!(second.next_page_token.is_empty());

    shutdown.cancel();
    while let Some(joined) = tasks.join_next().await {
        joined?;
    }
    Ok(())
}
