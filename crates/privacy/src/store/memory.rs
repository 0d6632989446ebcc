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
    index_key: Mutex<Option<Vec<u8>>>,
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

    async fn count_active(&self) -> Result<u64, PrivacyError> {
        let rows = self.rows();
        let active = rows
            .values()
            .filter(|r| matches!(r.state, KeyState::Active { .. }))
            .count();
        Ok(u64::try_from(active).unwrap_or(u64::MAX))
    }

    async fn active_after(
        &self,
        after: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<(SubjectId, Vec<u8>)>, PrivacyError> {
        let rows = self.rows();
        let mut active: Vec<(SubjectId, Vec<u8>)> = rows
            .values()
            .filter(|r| after.is_none_or(|after| r.subject.as_str() > after.as_str()))
            .filter_map(|r| match &r.state {
                KeyState::Active { wrapped_key } => Some((r.subject.clone(), wrapped_key.clone())),
                KeyState::Erased { .. } => None,
            })
            .collect();
        active.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        active.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(active)
    }

    async fn replace_wrapped_key(
        &self,
        subject: &SubjectId,
        current: &[u8],
        replacement: &[u8],
    ) -> Result<bool, PrivacyError> {
        let mut rows = self.rows();
        let Some(record) = rows.get_mut(subject) else {
            return Ok(false);
        };
        match &mut record.state {
            KeyState::Active { wrapped_key } if wrapped_key.as_slice() == current => {
                *wrapped_key = replacement.to_vec();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn find_index_key(&self) -> Result<Option<Vec<u8>>, PrivacyError> {
        Ok(self
            .index_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone())
    }

    async fn replace_index_key(
        &self,
        current: Option<&[u8]>,
        replacement: &[u8],
    ) -> Result<bool, PrivacyError> {
        let mut stored = self
            .index_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if stored.as_deref() != current {
            return Ok(false);
        }
        *stored = Some(replacement.to_vec());
        Ok(true)
    }
}
