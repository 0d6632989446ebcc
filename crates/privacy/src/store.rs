//! The key table: one row per data subject holding its wrapped data key, or a
//! tombstone once erased. One interface, three backends (PostgreSQL schema
//! `privacy`, SQLite table `privacy_subject_keys`, process memory for unit
//! tests), run by one contract test suite.
//!
//! Contract:
//! - rows are never deleted; erasure drops the wrapped key and records
//!   `erased_at`, so an erased subject can never get a new key;
//! - [`KeyStore::insert_if_absent`] is atomic: of concurrent first inserts for
//!   one subject exactly one row wins, and every caller gets that row back;
//! - [`KeyStore::erase`] is idempotent and keeps the first `erased_at`; it
//!   leaves a row of another district untouched and returns it, so the caller
//!   can refuse.

pub mod memory;
pub mod postgres;
pub mod sqlite;

use crate::error::PrivacyError;
use crate::subject::{Subject, SubjectId};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use std::fmt;
use std::sync::Arc;

pub use memory::MemoryKeyStore;
pub use postgres::PostgresKeyStore;
pub use sqlite::SqliteKeyStore;

pub type SharedKeyStore = Arc<dyn KeyStore>;

#[async_trait::async_trait]
pub trait KeyStore: Send + Sync + 'static {
    /// Applies the key table migrations (versions `4001..`), sharing
    /// `_sqlx_migrations` with the other components.
    async fn migrate(&self) -> Result<(), PrivacyError>;

    /// Stores `wrapped_key` for `subject` unless the subject already has a
    /// row (keyed or erased); returns the row as stored afterwards.
    async fn insert_if_absent(
        &self,
        subject: &Subject,
        wrapped_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError>;

    async fn find(&self, subject: &SubjectId) -> Result<Option<KeyRecord>, PrivacyError>;

    /// Drops the subject's wrapped key, leaving a tombstone erased at `now`
    /// (or at the first erasure's time); creates the tombstone when the
    /// subject never had a key. Returns the row as stored afterwards.
    async fn erase(&self, subject: &Subject, now: DateTime<Utc>)
    -> Result<KeyRecord, PrivacyError>;

    /// How many subjects hold a key (not erased): the work of a rotation.
    async fn count_active(&self) -> Result<u64, PrivacyError>;

    /// Up to `limit` subjects holding a key, in subject id order, after
    /// `after` (from the start when `None`): a rotation pages with it.
    async fn active_after(
        &self,
        after: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<(SubjectId, Vec<u8>)>, PrivacyError>;

    /// Replaces the subject's wrapped key only while it is still `current`
    /// (compare and swap, one statement); `false` when the row was erased or
    /// rewritten meanwhile, which leaves it as it is.
    async fn replace_wrapped_key(
        &self,
        subject: &SubjectId,
        current: &[u8],
        replacement: &[u8],
    ) -> Result<bool, PrivacyError>;

    /// [`Self::replace_wrapped_key`] for many keys; returns the subjects
    /// whose key was replaced. Backends may do it in one statement.
    async fn replace_wrapped_keys(
        &self,
        replacements: &[KeyReplacement],
    ) -> Result<Vec<SubjectId>, PrivacyError> {
        let mut replaced = Vec::new();
        for r in replacements {
            if self
                .replace_wrapped_key(&r.subject, &r.current, &r.replacement)
                .await?
            {
                replaced.push(r.subject.clone());
            }
        }
        Ok(replaced)
    }

    /// The index key wrapped under the key-encryption key, once a rotation
    /// stored it (see [`crate::rotation`]); `None` before the first rotation.
    async fn find_index_key(&self) -> Result<Option<Vec<u8>>, PrivacyError>;

    /// Stores the wrapped index key if the stored one is still `current`
    /// (`None`: none stored yet); `false` when another writer came first.
    async fn replace_index_key(
        &self,
        current: Option<&[u8]>,
        replacement: &[u8],
    ) -> Result<bool, PrivacyError>;
}

/// One compare-and-swap of [`KeyStore::replace_wrapped_keys`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReplacement {
    pub subject: SubjectId,
    pub current: Vec<u8>,
    pub replacement: Vec<u8>,
}

/// Subject ids read back from a table were written by this code.
pub(crate) fn stored_subject(raw: &str) -> Result<SubjectId, PrivacyError> {
    SubjectId::parse(raw).map_err(|_| {
        PrivacyError::Backend(sqlx::Error::Decode(
            format!("stored subject id {raw:?} is invalid").into(),
        ))
    })
}

#[derive(Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub subject: SubjectId,
    pub district: DistrictCode,
    pub created_at: DateTime<Utc>,
    pub state: KeyState,
}

#[derive(Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The data key, wrapped under the key-encryption key.
    Active {
        wrapped_key: Vec<u8>,
    },
    Erased {
        erased_at: DateTime<Utc>,
    },
}

impl KeyRecord {
    /// Builds a record from the table's columns, refusing shapes this code
    /// never writes.
    pub(crate) fn from_columns(
        subject: &SubjectId,
        district: &str,
        wrapped_key: Option<Vec<u8>>,
        created_at: DateTime<Utc>,
        erased_at: Option<DateTime<Utc>>,
    ) -> Result<Self, PrivacyError> {
        let corrupt = |reason| PrivacyError::CorruptKeyRecord {
            subject: subject.clone(),
            reason,
        };
        let district =
            DistrictCode::parse(district).map_err(|_| corrupt("stored district is invalid"))?;
        let state = match (wrapped_key, erased_at) {
            (Some(wrapped_key), None) => KeyState::Active { wrapped_key },
            (None, Some(erased_at)) => KeyState::Erased { erased_at },
            (Some(_), Some(_)) => return Err(corrupt("row has a key and is erased")),
            (None, None) => return Err(corrupt("row has no key and is not erased")),
        };
        Ok(Self {
            subject: subject.clone(),
            district,
            created_at,
            state,
        })
    }
}

impl fmt::Debug for KeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRecord")
            .field("subject", &self.subject)
            .field("district", &self.district)
            .field("created_at", &self.created_at)
            .field("state", &self.state)
            .finish()
    }
}

impl fmt::Debug for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Active { wrapped_key } => {
                write!(f, "Active({} bytes wrapped)", wrapped_key.len())
            }
            Self::Erased { erased_at } => write!(f, "Erased({erased_at})"),
        }
    }
}
