//! The key table in SQLite, `privacy_subject_keys` (SQLite has no schemas;
//! migrations in `migrations/sqlite`). For the embedded `gongzhi dev`; usually
//! shares the pool of the SQLite event store. Writes are single autocommit
//! statements, so the pool's busy timeout serializes concurrent writers.

use super::{KeyRecord, KeyStore, stored_subject};
use crate::error::PrivacyError;
use crate::subject::{Subject, SubjectId};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct SqliteKeyStore {
    pool: SqlitePool,
}

impl SqliteKeyStore {
    /// Opens (creating if missing) the database file in WAL mode.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, PrivacyError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(PrivacyError::from_sqlx)?;
        Ok(Self::new(pool))
    }

    /// A private in-memory table. Every in-memory connection is its own
    /// database, so the pool holds exactly one connection, forever.
    pub async fn open_in_memory() -> Result<Self, PrivacyError> {
        let options =
            SqliteConnectOptions::from_str("sqlite::memory:").map_err(PrivacyError::from_sqlx)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(PrivacyError::from_sqlx)?;
        Ok(Self::new(pool))
    }

    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl KeyStore for SqliteKeyStore {
    async fn migrate(&self) -> Result<(), PrivacyError> {
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        // Other components keep their own version ranges in the same table.
        migrator.set_ignore_missing(true);
        migrator
            .run(&self.pool)
            .await
            .map_err(PrivacyError::from_migrate)
    }

    async fn insert_if_absent(
        &self,
        subject: &Subject,
        wrapped_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError> {
        sqlx::query(
            "INSERT INTO privacy_subject_keys (subject_id, district, wrapped_key, created_at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (subject_id) DO NOTHING",
        )
        .bind(subject.id.as_str())
        .bind(subject.district.as_str())
        .bind(wrapped_key)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        self.find(&subject.id)
            .await?
            .ok_or_else(|| PrivacyError::CorruptKeyRecord {
                subject: subject.id.clone(),
                reason: "row missing right after insert",
            })
    }

    async fn find(&self, subject: &SubjectId) -> Result<Option<KeyRecord>, PrivacyError> {
        let row = sqlx::query(
            "SELECT district, wrapped_key, created_at, erased_at \
             FROM privacy_subject_keys WHERE subject_id = ?1",
        )
        .bind(subject.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let district: String = row.try_get("district").map_err(PrivacyError::from_sqlx)?;
        KeyRecord::from_columns(
            subject,
            &district,
            row.try_get("wrapped_key")
                .map_err(PrivacyError::from_sqlx)?,
            row.try_get("created_at").map_err(PrivacyError::from_sqlx)?,
            row.try_get("erased_at").map_err(PrivacyError::from_sqlx)?,
        )
        .map(Some)
    }

    async fn erase(
        &self,
        subject: &Subject,
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError> {
        sqlx::query(
            "INSERT INTO privacy_subject_keys \
                 (subject_id, district, wrapped_key, created_at, erased_at) \
             VALUES (?1, ?2, NULL, ?3, ?3) \
             ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = excluded.erased_at \
             WHERE privacy_subject_keys.district = excluded.district \
               AND privacy_subject_keys.erased_at IS NULL",
        )
        .bind(subject.id.as_str())
        .bind(subject.district.as_str())
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        self.find(&subject.id)
            .await?
            .ok_or_else(|| PrivacyError::CorruptKeyRecord {
                subject: subject.id.clone(),
                reason: "row missing right after erasure",
            })
    }

    async fn count_active(&self) -> Result<u64, PrivacyError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM privacy_subject_keys WHERE wrapped_key IS NOT NULL",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn active_after(
        &self,
        after: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<(SubjectId, Vec<u8>)>, PrivacyError> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT subject_id, wrapped_key FROM privacy_subject_keys \
             WHERE wrapped_key IS NOT NULL AND (?1 IS NULL OR subject_id > ?1) \
             ORDER BY subject_id LIMIT ?2",
        )
        .bind(after.map(SubjectId::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        rows.into_iter()
            .map(|(id, key)| Ok((stored_subject(&id)?, key)))
            .collect()
    }

    async fn replace_wrapped_key(
        &self,
        subject: &SubjectId,
        current: &[u8],
        replacement: &[u8],
    ) -> Result<bool, PrivacyError> {
        let done = sqlx::query(
            "UPDATE privacy_subject_keys SET wrapped_key = ?3 \
             WHERE subject_id = ?1 AND wrapped_key = ?2",
        )
        .bind(subject.as_str())
        .bind(current)
        .bind(replacement)
        .execute(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        Ok(done.rows_affected() == 1)
    }

    async fn find_index_key(&self) -> Result<Option<Vec<u8>>, PrivacyError> {
        sqlx::query_scalar("SELECT wrapped_key FROM privacy_index_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(PrivacyError::from_sqlx)
    }

    async fn replace_index_key(
        &self,
        current: Option<&[u8]>,
        replacement: &[u8],
    ) -> Result<bool, PrivacyError> {
        let done =
            match current {
                None => {
                    sqlx::query(
                        "INSERT INTO privacy_index_key (id, wrapped_key) VALUES (1, ?1) \
                 ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(replacement)
                    .execute(&self.pool)
                    .await
                }
                Some(current) => sqlx::query(
                    "UPDATE privacy_index_key SET wrapped_key = ?2, updated_at = CURRENT_TIMESTAMP \
                 WHERE id = 1 AND wrapped_key = ?1",
                )
                .bind(current)
                .bind(replacement)
                .execute(&self.pool)
                .await,
            }
            .map_err(PrivacyError::from_sqlx)?;
        Ok(done.rows_affected() == 1)
    }
}
