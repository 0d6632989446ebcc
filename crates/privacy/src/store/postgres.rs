//! The key table in PostgreSQL, schema `privacy` (migrations in
//! `migrations/postgres`). Usually shares the pool of the event store.

use super::{KeyRecord, KeyReplacement, KeyStore, stored_subject};
use crate::error::PrivacyError;
use crate::subject::{Subject, SubjectId};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};

#[derive(Clone, Debug)]
pub struct PostgresKeyStore {
    pool: PgPool,
}

impl PostgresKeyStore {
    pub async fn connect(url: &str) -> Result<Self, PrivacyError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await
            .map_err(PrivacyError::from_sqlx)?;
        Ok(Self::new(pool))
    }

    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl KeyStore for PostgresKeyStore {
    async fn migrate(&self) -> Result<(), PrivacyError> {
        let mut migrator = sqlx::migrate!("./migrations/postgres");
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
        // A concurrent insert of the same subject blocks this one until it
        // commits; then ours does nothing and the read below sees the winner.
        // The common case (no such subject yet) is one round trip.
        let inserted = sqlx::query(
            "INSERT INTO privacy.subject_keys (subject_id, district, wrapped_key, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (subject_id) DO NOTHING \
             RETURNING district, wrapped_key, created_at, erased_at",
        )
        .bind(subject.id.as_str())
        .bind(subject.district.as_str())
        .bind(wrapped_key)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        if let Some(row) = inserted {
            return record_from_row(&subject.id, &row);
        }
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
             FROM privacy.subject_keys WHERE subject_id = $1",
        )
        .bind(subject.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        row.map(|row| record_from_row(subject, &row)).transpose()
    }

    async fn erase(
        &self,
        subject: &Subject,
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError> {
        // One statement, so a concurrent first seal either lands before (and
        // is erased here) or after (and finds the tombstone).
        sqlx::query(
            "INSERT INTO privacy.subject_keys AS k \
                 (subject_id, district, wrapped_key, created_at, erased_at) \
             VALUES ($1, $2, NULL, $3, $3) \
             ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = EXCLUDED.erased_at \
             WHERE k.district = EXCLUDED.district AND k.erased_at IS NULL",
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
            "SELECT count(*) FROM privacy.subject_keys WHERE wrapped_key IS NOT NULL",
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
            "SELECT subject_id, wrapped_key FROM privacy.subject_keys \
             WHERE wrapped_key IS NOT NULL AND ($1::text IS NULL OR subject_id > $1) \
             ORDER BY subject_id LIMIT $2",
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
            "UPDATE privacy.subject_keys SET wrapped_key = $3 \
             WHERE subject_id = $1 AND wrapped_key = $2",
        )
        .bind(subject.as_str())
        .bind(current)
        .bind(replacement)
        .execute(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        Ok(done.rows_affected() == 1)
    }

    async fn replace_wrapped_keys(
        &self,
        replacements: &[KeyReplacement],
    ) -> Result<Vec<SubjectId>, PrivacyError> {
        // One statement per batch: a rotation of many keys is bound by
        // commits, not by the cipher. Each row is still compared and swapped.
        let subjects: Vec<&str> = replacements.iter().map(|r| r.subject.as_str()).collect();
        let currents: Vec<&[u8]> = replacements.iter().map(|r| r.current.as_slice()).collect();
        let news: Vec<&[u8]> = replacements
            .iter()
            .map(|r| r.replacement.as_slice())
            .collect();
        let replaced: Vec<String> = sqlx::query_scalar(
            "UPDATE privacy.subject_keys AS k SET wrapped_key = v.replacement \
             FROM UNNEST($1::text[], $2::bytea[], $3::bytea[]) AS v(subject_id, current, replacement) \
             WHERE k.subject_id = v.subject_id AND k.wrapped_key = v.current \
             RETURNING k.subject_id",
        )
        .bind(subjects)
        .bind(currents)
        .bind(news)
        .fetch_all(&self.pool)
        .await
        .map_err(PrivacyError::from_sqlx)?;
        replaced.iter().map(|id| stored_subject(id)).collect()
    }

    async fn find_index_key(&self) -> Result<Option<Vec<u8>>, PrivacyError> {
        sqlx::query_scalar("SELECT wrapped_key FROM privacy.index_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(PrivacyError::from_sqlx)
    }

    async fn replace_index_key(
        &self,
        current: Option<&[u8]>,
        replacement: &[u8],
    ) -> Result<bool, PrivacyError> {
        let done = match current {
            None => {
                sqlx::query(
                    "INSERT INTO privacy.index_key (id, wrapped_key) VALUES (1, $1) \
                 ON CONFLICT (id) DO NOTHING",
                )
                .bind(replacement)
                .execute(&self.pool)
                .await
            }
            Some(current) => {
                sqlx::query(
                    "UPDATE privacy.index_key SET wrapped_key = $2, updated_at = now() \
                 WHERE id = 1 AND wrapped_key = $1",
                )
                .bind(current)
                .bind(replacement)
                .execute(&self.pool)
                .await
            }
        }
        .map_err(PrivacyError::from_sqlx)?;
        Ok(done.rows_affected() == 1)
    }
}

fn record_from_row(
    subject: &SubjectId,
    row: &sqlx::postgres::PgRow,
) -> Result<KeyRecord, PrivacyError> {
    let district: String = row.try_get("district").map_err(PrivacyError::from_sqlx)?;
    KeyRecord::from_columns(
        subject,
        &district,
        row.try_get("wrapped_key")
            .map_err(PrivacyError::from_sqlx)?,
        row.try_get("created_at").map_err(PrivacyError::from_sqlx)?,
        row.try_get("erased_at").map_err(PrivacyError::from_sqlx)?,
    )
}
