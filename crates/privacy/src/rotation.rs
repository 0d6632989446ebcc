//! Master key rotation: every subject's data key is re-wrapped under the new
//! master key's key-encryption key; sealed values, events and read models are
//! untouched, because the data keys themselves stay the same.
//!
//! Contract:
//! - Online: each key is replaced by compare and swap (a batch per
//!   statement where the backend can), so a concurrent erasure wins (the
//!   row is left erased) and services that hold
//!   the new key plus the previous one ([`crate::Vault::load`]) keep sealing
//!   and opening throughout.
//! - Refuses before changing anything when the previous key does not open
//!   the first key still wrapped under it (or the stored index key).
//! - Resumable and idempotent: a key that already opens under the new master
//!   key is left alone, so a run stopped half-way is simply run again, and a
//!   run after a completed rotation changes nothing.
//! - Keyed hashes stay valid: ID-number claims are streams named by the
//!   hash, so the index key must never change. The first rotation stores the
//!   index key (so far derived from the previous master key) wrapped under
//!   the new one; later rotations re-wrap it like a data key.

use crate::cipher::wrap_data_key;
use crate::error::PrivacyError;
use crate::master_key::MasterKey;
use crate::store::{KeyReplacement, KeyStore};
use crate::subject::SubjectId;
use crate::vault::{Keks, index_key_subject};

/// Counts so far; `checked` of `total` keys looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotationProgress {
    /// Keys (not erased) when the run started; new subjects may add more.
    pub total: u64,
    pub checked: u64,
    /// Re-wrapped by this run.
    pub rewrapped: u64,
    /// Already under the new master key (an earlier run, or created by a
    /// service that has the new key).
    pub already_current: u64,
    /// Erased or changed by someone else between read and write.
    pub skipped: u64,
}

/// Re-wraps the index key and every data key from `previous` to `next`,
/// `batch_size` keys per read. `progress` is called after every batch.
pub async fn rotate_master_key(
    store: &dyn KeyStore,
    previous: &MasterKey,
    next: &MasterKey,
    batch_size: u32,
    mut progress: impl FnMut(&RotationProgress),
) -> Result<RotationProgress, PrivacyError> {
    let previous_kek = previous.key_encryption_key();
    let next_kek = next.key_encryption_key();
    let only_next = Keks {
        current: &next_kek,
        previous: None,
    };
    let only_previous = Keks {
        current: &previous_kek,
        previous: None,
    };
    let batch_size = batch_size.max(1);

    check_previous_key(store, &only_next, &only_previous, batch_size).await?;
    rotate_index_key(store, previous, &only_next, &only_previous).await?;

    let mut counts = RotationProgress {
        total: store.count_active().await?,
        ..RotationProgress::default()
    };
    progress(&counts);
    let mut after: Option<SubjectId> = None;
    loop {
        let batch = store.active_after(after.as_ref(), batch_size).await?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = Some(last.clone());
        let mut replacements = Vec::new();
        for (subject, wrapped) in batch {
            counts.checked += 1;
            if only_next.unwrap(&subject, &wrapped).is_ok() {
                counts.already_current += 1;
                continue;
            }
            // Checked for the first such key above; a later one that still
            // fails is a corrupt row or a third key: stop, name it. Keys of
            // this batch are not written then, earlier batches are.
            let data_key = only_previous.unwrap(&subject, &wrapped)?;
            let replacement = wrap_data_key(&next_kek, &subject, &data_key)?;
            replacements.push(KeyReplacement {
                subject,
                current: wrapped,
                replacement,
            });
        }
        if !replacements.is_empty() {
            let replaced = store.replace_wrapped_keys(&replacements).await?;
            let replaced = u64::try_from(replaced.len()).unwrap_or(u64::MAX);
            let attempted = u64::try_from(replacements.len()).unwrap_or(u64::MAX);
            counts.rewrapped += replaced;
            counts.skipped += attempted.saturating_sub(replaced);
        }
        counts.total = counts.total.max(counts.checked);
        progress(&counts);
    }
    Ok(counts)
}

/// The first key not yet under `next` must open under `previous`: otherwise
/// the previous key is wrong, and nothing may be written.
async fn check_previous_key(
    store: &dyn KeyStore,
    only_next: &Keks<'_>,
    only_previous: &Keks<'_>,
    batch_size: u32,
) -> Result<(), PrivacyError> {
    let mut after: Option<SubjectId> = None;
    loop {
        let batch = store.active_after(after.as_ref(), batch_size).await?;
        let Some((last, _)) = batch.last() else {
            return Ok(());
        };
        after = Some(last.clone());
        for (subject, wrapped) in &batch {
            if only_next.unwrap(subject, wrapped).is_ok() {
                continue;
            }
            return match only_previous.unwrap(subject, wrapped) {
                Ok(_) => Ok(()),
                Err(_) => Err(PrivacyError::WrongMasterKey {
                    what: format!(
                        "the previous master key does not open the data key of subject {subject}; nothing was changed"
                    ),
                }),
            };
        }
    }
}

async fn rotate_index_key(
    store: &dyn KeyStore,
    previous: &MasterKey,
    only_next: &Keks<'_>,
    only_previous: &Keks<'_>,
) -> Result<(), PrivacyError> {
    let name = index_key_subject();
    let stored = store.find_index_key().await?;
    let index_key = match &stored {
        Some(wrapped) if only_next.unwrap(&name, wrapped).is_ok() => return Ok(()),
        Some(wrapped) => only_previous.unwrap(&name, wrapped).map_err(|_| {
            PrivacyError::WrongMasterKey {
                what: "the previous master key does not open the stored index key; nothing was changed"
                    .into(),
            }
        })?,
        None => previous.index_key(),
    };
    let rewrapped = wrap_data_key(only_next.current, &name, &index_key)?;
    if store
        .replace_index_key(stored.as_deref(), &rewrapped)
        .await?
    {
        return Ok(());
    }
    // Another rotation stored it first; fine if it ends under `next`.
    match store.find_index_key().await? {
        Some(wrapped) if only_next.unwrap(&name, &wrapped).is_ok() => Ok(()),
        _ => Err(PrivacyError::WrongMasterKey {
            what: "another rotation changed the index key at the same time; run again".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SharedKeyStore;
    use crate::{KeyCacheConfig, MemoryKeyStore, Opened, PrivacyErrorKind, Subject, Vault};
    use gongzhi_kernel::DistrictCode;
    use std::sync::Arc;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn person() -> Result<Subject, Box<dyn std::error::Error>> {
        Ok(Subject::new(
            uuid::Uuid::new_v4(),
            DistrictCode::parse("110105")?,
        ))
    }

    #[tokio::test]
    async fn sealed_values_open_under_the_new_key_only_and_hashes_stay() -> TestResult {
        let store: SharedKeyStore = Arc::new(MemoryKeyStore::new());
        let (old, new) = (
            MasterKey::from_bytes([1; 32]),
            MasterKey::from_bytes([2; 32]),
        );
        let before = Vault::new(store.clone(), &old);
        let people = [person()?, person()?, person()?];
        let mut sealed = Vec::new();
        for p in &people {
            sealed.push(before.seal(p, "phone", b"13800000000").await?);
        }
        let erased = person()?;
        before.seal(&erased, "phone", b"1").await?;
        before.erase(&erased).await?;
        let district = DistrictCode::parse("110105")?;
        let hash = before.keyed_hash_hex(&district, "11010519491231002X");

        let done = rotate_master_key(store.as_ref(), &old, &new, 2, |_| {}).await?;
        assert_eq!(
            (done.total, done.rewrapped, done.already_current),
            (3, 3, 0)
        );

        let after = Vault::load(store.clone(), &new, None, KeyCacheConfig::default()).await?;
        for (p, s) in people.iter().zip(&sealed) {
            assert_eq!(
                after.open(&p.id, "phone", s).await?,
                Opened::Plain(b"13800000000".to_vec())
            );
        }
        assert_eq!(after.keyed_hash_hex(&district, "11010519491231002X"), hash);
        let stale = Vault::new(store.clone(), &old);
        let refused = stale.open(&people[0].id, "phone", &sealed[0]).await;
        assert_eq!(
            refused.map_err(|e| e.kind()),
            Err(PrivacyErrorKind::KeyUnwrap)
        );
        let refused = Vault::load(store.clone(), &old, None, KeyCacheConfig::default()).await;
        assert_eq!(
            refused.map(|_| ()).map_err(|e| e.kind()),
            Err(PrivacyErrorKind::WrongMasterKey)
        );

        let again = rotate_master_key(store.as_ref(), &old, &new, 2, |_| {}).await?;
        assert_eq!((again.rewrapped, again.already_current), (0, 3));
        Ok(())
    }

    #[tokio::test]
    async fn a_wrong_previous_key_changes_nothing() -> TestResult {
        let store: SharedKeyStore = Arc::new(MemoryKeyStore::new());
        let (old, new) = (
            MasterKey::from_bytes([1; 32]),
            MasterKey::from_bytes([2; 32]),
        );
        let p = person()?;
        Vault::new(store.clone(), &old)
            .seal(&p, "phone", b"1")
            .await?;
        let before = store.active_after(None, 10).await?;

        let wrong = MasterKey::from_bytes([3; 32]);
        let refused = rotate_master_key(store.as_ref(), &wrong, &new, 10, |_| {}).await;
        assert_eq!(
            refused.map(|_| ()).map_err(|e| e.kind()),
            Err(PrivacyErrorKind::WrongMasterKey)
        );
        assert_eq!(store.active_after(None, 10).await?, before);
        assert_eq!(store.find_index_key().await?, None);
        Ok(())
    }

    #[tokio::test]
    async fn a_vault_with_the_previous_key_serves_during_the_rotation() -> TestResult {
        let store: SharedKeyStore = Arc::new(MemoryKeyStore::new());
        let (old, new) = (
            MasterKey::from_bytes([1; 32]),
            MasterKey::from_bytes([2; 32]),
        );
        let p = person()?;
        let sealed = Vault::new(store.clone(), &old)
            .seal(&p, "phone", b"1")
            .await?;
        let during =
            Vault::load(store.clone(), &new, Some(&old), KeyCacheConfig::disabled()).await?;
        assert_eq!(
            during.open(&p.id, "phone", &sealed).await?,
            Opened::Plain(b"1".to_vec())
        );
        let fresh = person()?;
        let fresh_sealed = during.seal(&fresh, "phone", b"2").await?;

        let done = rotate_master_key(store.as_ref(), &old, &new, 10, |_| {}).await?;
        assert_eq!((done.rewrapped, done.already_current), (1, 1));
        let after = Vault::load(store.clone(), &new, None, KeyCacheConfig::disabled()).await?;
        assert_eq!(
            after.open(&p.id, "phone", &sealed).await?,
            Opened::Plain(b"1".to_vec())
        );
        assert_eq!(
            after.open(&fresh.id, "phone", &fresh_sealed).await?,
            Opened::Plain(b"2".to_vec())
        );
        Ok(())
    }
}
