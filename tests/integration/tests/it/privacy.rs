//! The vault contract, written once and run against every key store backend:
//! PostgreSQL (fresh database per test, sharing the event store's pool and
//! migrations table), SQLite on a file (sharing the SQLite event store's
//! pool), and process memory. `privacy_tests!` instantiates every case per
//! backend, as `privacy::<backend>::<case>`.

use crate::support::pg::{TestDb, fresh_database};
use anyhow::Context;
use gongzhi_eventstore::{PostgresEventStore, SqliteEventStore};
use gongzhi_kernel::DistrictCode;
use gongzhi_privacy::{
    KeyCacheConfig, KeyState, KeyStore, MasterKey, MemoryKeyStore, Opened, PostgresKeyStore,
    PrivacyErrorKind, Sealed, SharedKeyStore, SqliteKeyStore, Subject, Vault,
};
use std::sync::Arc;
use std::time::Duration;

mod rotation;
pub use rotation::{
    a_batch_swap_skips_keys_changed_meanwhile, a_wrong_previous_key_is_refused_and_changes_nothing,
    rotating_again_changes_nothing, rotation_reopens_sealed_values_under_the_new_key_only,
    services_holding_both_keys_serve_during_the_rotation,
};

/// Bound on every await that depends on the key store making progress.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct KeyStoreFixture {
    pub store: SharedKeyStore,
    _database: Option<TestDb>,
    _directory: Option<tempfile::TempDir>,
}

pub async fn pg_key_store() -> anyhow::Result<KeyStoreFixture> {
    let database = fresh_database().await?;
    // Other components' migrations share `_sqlx_migrations`; both must apply,
    // in either order, and again.
    PostgresEventStore::new(database.pool.clone())
        .migrate()
        .await?;
    let store = PostgresKeyStore::new(database.pool.clone());
    store.migrate().await?;
    store.migrate().await?;
    PostgresEventStore::new(database.pool.clone())
        .migrate()
        .await?;
    Ok(KeyStoreFixture {
        store: Arc::new(store),
        _database: Some(database),
        _directory: None,
    })
}

pub async fn sqlite_key_store() -> anyhow::Result<KeyStoreFixture> {
    let directory = tempfile::tempdir()?;
    let events = SqliteEventStore::open(directory.path().join("gongzhi.db")).await?;
    events.migrate().await?;
    let store = SqliteKeyStore::new(events.pool().clone());
    store.migrate().await?;
    store.migrate().await?;
    events.migrate().await?;
    Ok(KeyStoreFixture {
        store: Arc::new(store),
        _database: None,
        _directory: Some(directory),
    })
}

pub async fn memory_key_store() -> anyhow::Result<KeyStoreFixture> {
    Ok(KeyStoreFixture {
        store: Arc::new(MemoryKeyStore::new()),
        _database: None,
        _directory: None,
    })
}

fn master_key(byte: u8) -> MasterKey {
    MasterKey::from_bytes([byte; 32])
}

/// A vault with no key cache: it stands for another process, seeing only
/// what the key store says.
fn uncached_vault(store: &SharedKeyStore, key: u8) -> Vault {
    Vault::with_key_cache(store.clone(), &master_key(key), KeyCacheConfig::disabled())
}

fn resident(district: &str) -> anyhow::Result<Subject> {
    Ok(Subject::new(
        uuid::Uuid::new_v4(),
        DistrictCode::parse(district)?,
    ))
}

fn kind<T>(result: Result<T, gongzhi_privacy::PrivacyError>) -> Option<PrivacyErrorKind> {
    result.err().map(|e| e.kind())
}

pub async fn seals_and_opens_through_stored_bytes(store: SharedKeyStore) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let person = resident("110105")?;
    let id_number = vault
        .seal(&person, "id_number", b"11010519491231002X")
        .await?;
    let phone = vault
        .seal(&person, "phone", "138 1234 5678".as_bytes())
        .await?;
    // Another process reads the stored bytes back.
    let reader = uncached_vault(&store, 1);
    let id_number = Sealed::from_bytes(&id_number.to_bytes())?;
    let phone = Sealed::from_bytes(&phone.into_bytes())?;
    assert_eq!(
        reader.open(&person.id, "id_number", &id_number).await?,
        Opened::Plain(b"11010519491231002X".to_vec())
    );
    assert_eq!(
        reader.open(&person.id, "phone", &phone).await?,
        Opened::Plain("138 1234 5678".as_bytes().to_vec())
    );
    assert!(!reader.is_erased(&person.id).await?);
    Ok(())
}

pub async fn erasure_shreds_every_earlier_value_of_that_subject_only(
    store: SharedKeyStore,
) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let (person, neighbour) = (resident("110105")?, resident("110105")?);
    let mut sealed = Vec::new();
    for (field, value) in [
        ("id_number", "11010519491231002X"),
        ("phone", "13812345678"),
    ] {
        sealed.push((field, vault.seal(&person, field, value.as_bytes()).await?));
        sealed.push((field, vault.seal(&person, field, value.as_bytes()).await?));
    }
    let neighbours = vault.seal(&neighbour, "phone", b"13900000000").await?;
    for (field, value) in &sealed {
        // Warms the cache: erasure must evict it.
        assert!(!vault.open(&person.id, field, value).await?.is_erased());
    }

    let receipt = vault.erase(&person).await?;
    assert_eq!(receipt.subject, person.id);
    assert_eq!(receipt.district, person.district);

    let elsewhere = uncached_vault(&store, 1);
    for reader in [&vault, &elsewhere] {
        for (field, value) in &sealed {
            assert_eq!(reader.open(&person.id, field, value).await?, Opened::Erased);
        }
        assert_eq!(
            reader.open(&neighbour.id, "phone", &neighbours).await?,
            Opened::Plain(b"13900000000".to_vec())
        );
        assert!(reader.is_erased(&person.id).await?);
        assert!(!reader.is_erased(&neighbour.id).await?);
    }
    let row = store
        .find(&person.id)
        .await?
        .context("tombstone row kept")?;
    assert_eq!(
        row.state,
        KeyState::Erased {
            erased_at: receipt.erased_at
        }
    );
    Ok(())
}

pub async fn erasure_is_idempotent(store: SharedKeyStore) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let person = resident("110105")?;
    vault.seal(&person, "phone", b"13812345678").await?;
    let first = vault.erase(&person).await?;
    assert_eq!(vault.erase(&person).await?, first);
    assert_eq!(uncached_vault(&store, 1).erase(&person).await?, first);
    // A subject never sealed for is erased too, and stays erased.
    let never_sealed = resident("110105")?;
    let receipt = vault.erase(&never_sealed).await?;
    assert_eq!(vault.erase(&never_sealed).await?, receipt);
    assert!(vault.is_erased(&never_sealed.id).await?);
    Ok(())
}

pub async fn sealing_after_erasure_is_refused(store: SharedKeyStore) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let person = resident("110105")?;
    vault.seal(&person, "phone", b"13812345678").await?;
    // Erased by another process: seal never trusts the cache for erasure.
    uncached_vault(&store, 1).erase(&person).await?;
    for field in ["phone", "id_number"] {
        assert_eq!(
            kind(vault.seal(&person, field, b"new").await),
            Some(PrivacyErrorKind::SubjectErased)
        );
    }
    let never_sealed = resident("110105")?;
    vault.erase(&never_sealed).await?;
    assert_eq!(
        kind(vault.seal(&never_sealed, "phone", b"new").await),
        Some(PrivacyErrorKind::SubjectErased)
    );
    Ok(())
}

pub async fn concurrent_first_seals_create_one_key(store: SharedKeyStore) -> anyhow::Result<()> {
    const SEALERS: usize = 16;
    let person = resident("110105")?;
    let barrier = Arc::new(tokio::sync::Barrier::new(SEALERS));
    let mut sealers = tokio::task::JoinSet::new();
    for n in 0..SEALERS {
        // Each task is its own "process": no shared key cache.
        let vault = uncached_vault(&store, 1);
        let (person, barrier) = (person.clone(), barrier.clone());
        // On error the task returns it and the join below fails the test; on
        // cancel (test end) nothing is left behind but rows in a test database.
        sealers.spawn(async move {
            barrier.wait().await;
            let value = format!("value-{n}");
            let sealed = vault.seal(&person, "phone", value.as_bytes()).await?;
            anyhow::Ok((value, sealed))
        });
    }
    let mut sealed = Vec::with_capacity(SEALERS);
    while let Some(joined) = tokio::time::timeout(PATIENCE, sealers.join_next()).await? {
        sealed.push(joined??);
    }
    assert_eq!(sealed.len(), SEALERS);
    // Every value opens under the one stored key.
    let reader = uncached_vault(&store, 1);
    for (value, sealed) in &sealed {
        assert_eq!(
            reader.open(&person.id, "phone", sealed).await?,
            Opened::Plain(value.as_bytes().to_vec())
        );
    }
    Ok(())
}

pub async fn another_master_key_gets_a_typed_error(store: SharedKeyStore) -> anyhow::Result<()> {
    let person = resident("110105")?;
    let sealed = Vault::new(store.clone(), &master_key(1))
        .seal(&person, "phone", b"13812345678")
        .await?;
    let stranger = uncached_vault(&store, 2);
    assert_eq!(
        kind(stranger.open(&person.id, "phone", &sealed).await),
        Some(PrivacyErrorKind::KeyUnwrap)
    );
    assert_eq!(
        kind(stranger.seal(&person, "phone", b"x").await),
        Some(PrivacyErrorKind::KeyUnwrap)
    );
    Ok(())
}

pub async fn another_district_cannot_seal_or_erase(store: SharedKeyStore) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let person = resident("110105")?;
    let sealed = vault.seal(&person, "phone", b"13812345678").await?;
    let elsewhere = Subject::new(person.id.clone(), DistrictCode::parse("500108")?);
    let mismatch = Some(PrivacyErrorKind::DistrictMismatch);
    assert_eq!(kind(vault.seal(&elsewhere, "phone", b"x").await), mismatch);
    assert_eq!(kind(vault.erase(&elsewhere).await), mismatch);
    assert_eq!(
        uncached_vault(&store, 1)
            .open(&person.id, "phone", &sealed)
            .await?,
        Opened::Plain(b"13812345678".to_vec())
    );
    Ok(())
}

macro_rules! privacy_tests {
    ($backend:ident, $fixture:path) => {
        mod $backend {
            privacy_tests!(@cases $fixture;
                seals_and_opens_through_stored_bytes,
                erasure_shreds_every_earlier_value_of_that_subject_only,
                erasure_is_idempotent,
                sealing_after_erasure_is_refused,
                concurrent_first_seals_create_one_key,
                another_master_key_gets_a_typed_error,
                another_district_cannot_seal_or_erase,
                rotation_reopens_sealed_values_under_the_new_key_only,
                rotating_again_changes_nothing,
                a_wrong_previous_key_is_refused_and_changes_nothing,
                services_holding_both_keys_serve_during_the_rotation,
                a_batch_swap_skips_keys_changed_meanwhile,
            );
        }
    };
    (@cases $fixture:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() -> anyhow::Result<()> {
                let fixture = $fixture().await?;
                super::$case(fixture.store.clone()).await
            }
        )*
    };
}

privacy_tests!(postgres, crate::privacy::pg_key_store);
privacy_tests!(sqlite, crate::privacy::sqlite_key_store);
privacy_tests!(memory, crate::privacy::memory_key_store);
