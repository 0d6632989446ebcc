//! The event store contract, written once and run against every backend:
//! PostgreSQL (fresh database per test), SQLite on a file, and SQLite in
//! memory. A case is an async fn taking the store as `Arc<dyn EventStore>`;
//! `contract_tests!` instantiates every case per backend, as
//! `store_contract::<backend>::<case>`.

mod appends;
mod idempotency;
mod reads;
mod subscriptions;

use crate::support::pg::{TestDb, fresh_database};
use anyhow::Context;
use gongzhi_eventstore::{
    EventData, EventMetadata, EventStore, PostgresEventStore, SqliteEventStore, StreamName,
};
use gongzhi_kernel::DistrictCode;
use std::sync::Arc;
use std::time::Duration;

/// Bound on every await that depends on the store making progress.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A store under test and whatever must live as long as it.
pub struct StoreFixture {
    pub store: Arc<dyn EventStore>,
    /// The PostgreSQL database behind the store, for backend-specific cases.
    pub database: Option<TestDb>,
    _directory: Option<tempfile::TempDir>,
}

pub async fn pg_store() -> anyhow::Result<StoreFixture> {
    let database = fresh_database().await?;
    let store = PostgresEventStore::connect(&database.url).await?;
    store.migrate().await?;
    Ok(StoreFixture {
        store: Arc::new(store),
        database: Some(database),
        _directory: None,
    })
}

pub async fn sqlite_file_store() -> anyhow::Result<StoreFixture> {
    let directory = tempfile::tempdir()?;
    let store = SqliteEventStore::open(directory.path().join("events.db")).await?;
    store.migrate().await?;
    Ok(StoreFixture {
        store: Arc::new(store),
        database: None,
        _directory: Some(directory),
    })
}

pub async fn sqlite_memory_store() -> anyhow::Result<StoreFixture> {
    let store = SqliteEventStore::open_in_memory().await?;
    store.migrate().await?;
    Ok(StoreFixture {
        store: Arc::new(store),
        database: None,
        _directory: None,
    })
}

/// A stream of `category` no other case uses.
pub fn new_stream(category: &str) -> anyhow::Result<StreamName> {
    Ok(StreamName::new(category, uuid::Uuid::new_v4())?)
}

pub fn event(event_type: &str) -> anyhow::Result<EventData> {
    let mut metadata = EventMetadata::new(Some(DistrictCode::parse("500108")?), "contract-test");
    metadata.request_id = Some(uuid::Uuid::new_v4().to_string());
    Ok(EventData {
        event_id: uuid::Uuid::new_v4(),
        event_type: event_type.to_owned(),
        payload: uuid::Uuid::new_v4().as_bytes().to_vec(),
        metadata,
    })
}

pub fn events(count: usize) -> anyhow::Result<Vec<EventData>> {
    (0..count)
        .map(|_| event("gongzhi.residents.v1.ResidentRegistered"))
        .collect()
}

macro_rules! contract_tests {
    ($backend:ident, $fixture:path) => {
        mod $backend {
            contract_tests!(@cases $fixture;
                appends::appends_to_a_new_stream,
                appends::no_stream_on_an_existing_stream_reports_the_actual_revision,
                appends::stream_exists_and_exact_on_a_missing_stream_report_no_stream,
                appends::exact_revision_must_match,
                appends::any_appends_wherever_the_stream_is,
                appends::empty_append_is_refused,
                appends::oversized_event_is_refused_and_nothing_is_written,
                idempotency::same_ids_at_the_same_place_return_the_original_result,
                idempotency::retry_with_exact_revision_after_success_is_idempotent,
                idempotency::partial_or_misplaced_ids_conflict,
                idempotency::concurrent_identical_appends_write_once,
                reads::reads_forward_backward_from_revision_and_from_end,
                reads::unknown_stream_is_not_found,
                reads::read_all_filters_by_category_and_event_type_prefix,
                reads::read_all_backward_reads_newest_first_before_a_position,
                reads::find_event_locates_an_event_by_id,
                reads::checkpoints_start_at_zero_and_persist,
                subscriptions::catches_up_then_receives_live_events,
                subscriptions::filtered_subscription_skips_other_categories,
                subscriptions::no_gap_when_switching_to_live_under_concurrent_appends,
            );
        }
    };
    (@cases $fixture:path; $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() -> anyhow::Result<()> {
                let fixture = $fixture().await?;
                super::$module::$case(fixture.store.clone()).await
            }
        )*
    };
}

contract_tests!(postgres, crate::store_contract::pg_store);
contract_tests!(sqlite, crate::store_contract::sqlite_file_store);
contract_tests!(sqlite_in_memory, crate::store_contract::sqlite_memory_store);

/// PostgreSQL only: the listening connection can die under a subscription.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_subscription_survives_losing_its_listener() -> anyhow::Result<()> {
    let fixture = pg_store().await?;
    let database = fixture
        .database
        .as_ref()
        .context("postgres fixture has a database")?;
    subscriptions::survives_losing_the_listener_connection(fixture.store.clone(), &database.pool)
        .await
}
