//! The same service on the embedded backends (`gongzhi dev`): SQLite event
//! store and SQLite read model, so both migrations of `cases` are exercised.

use super::*;
use gongzhi_eventstore::SqliteEventStore;

#[tokio::test]
async fn cases_run_and_are_flagged_on_sqlite() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = SqliteEventStore::open(dir.path().join("events.db")).await?;
    store.migrate().await?;
    let read_models = ReadModelDb::sqlite(dir.path().join("readmodels")).await?;
    let grids = Grids::start_on(
        Arc::new(store),
        read_models,
        FakeClock::at(wednesday_morning()),
    )
    .await?;
    let mut client = grids.client().await?;
    let case_id = registered_case(&mut client, "embedded").await?;
    let written = dispatch(&mut client, "embedded-dispatch", &case_id, UNIT).await?;
    let case = get(&mut client, &case_id, written.position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Dispatched);
    assert_eq!(case.location.map(|l| l.latitude), Some(29.52));

    grids.clock.advance(chrono::TimeDelta::days(10));
    let pass = grids.watcher().tick().await?;
    // Dispatch was on time; the handle stage is not.
    assert_eq!(pass.flagged, 1, "{pass:?}");
    let flag = grids.events("gongzhi.grids.v1.CaseOverdueFlagged").await?;
    let case = get(&mut client, &case_id, flag[0].position).await?;
    let overdue: Vec<_> = case
        .deadlines
        .iter()
        .filter(|d| d.overdue)
        .map(|d| d.stage())
        .collect();
    assert_eq!(overdue, [pb::CaseStage::Handle]);
    grids.stop().await
}
