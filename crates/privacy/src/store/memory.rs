//! The key table in process memory: for unit tests of code that seals and
//! opens (no database needed), and the contract suite runs against it too.
//! Nothing survives the process, so erasure and keys are both forgotten on
//! exit: never use it where data outlives the process.

use super::{KeyRecord, KeyState, KeyStore};
use crate::error::PrivacyError;
use crate::subject::{Subject, SubjectId};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    rows: Mutex<HashMap<SubjectId, KeyRecord>>,
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn rows(&self) -> MutexGuard<'_, HashMap<SubjectId, KeyRecord>> {
        // Every update is a single insert, so a panic elsewhere cannot leave
        // the map half-written.
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl KeyStore for MemoryKeyStore {
    async fn migrate(&self) -> Result<(), PrivacyError> {
        Ok(())
    }

    async fn insert_if_absent(
        &self,
        subject: &Subject,
        wrapped_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError> {
        let mut rows = self.rows();
        let record = rows.entry(subject.id.clone()).or_insert_with(|| KeyRecord {
            subject: subject.id.clone(),
            district: subject.district.clone(),
            // Microseconds, as the databases keep them.
            created_at: now.trunc_subsecs(6),
            state: KeyState::Active {
                wrapped_key: wrapped_key.to_vec(),
            },
        });
        Ok(record.clone())
    }

    async fn find(&self, subject: &SubjectId) -> Result<Option<KeyRecord>, PrivacyError> {
        Ok(self.rows().get(subject).cloned())
    }

    async fn erase(
        &self,
        subject: &Subject,
        now: DateTime<Utc>,
    ) -> Result<KeyRecord, PrivacyError> {
        let now = now.trunc_subsecs(6);
        let mut rows = self.rows();
        let record = rows.entry(subject.id.clone()).or_insert_with(|| KeyRecord {
            subject: subject.id.clone(),
            district: subject.district.clone(),
            created_at: now,
            state: KeyState::Erased { erased_at: now },
        });
        if record.district == subject.district && matches!(record.state, KeyState::Active { .. }) {
            record.state = KeyState::Erased { erased_at: now };
        }
        Ok(record.clone())
    }
}
