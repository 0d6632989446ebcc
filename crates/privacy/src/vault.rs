//! The vault: seal and open personal data per data subject, erase a subject
//! by deleting its key (crypto-shredding), compute keyed hashes.
//!
//! Contract:
//! - `seal` creates the subject's data key on first use; concurrent first
//!   seals end with one key (the key store's atomic insert decides, every
//!   sealer uses the winner);
//! - `seal` always consults the key store, so it refuses an erased subject
//!   ([`PrivacyError::SubjectErased`]) whichever process erased it;
//! - after `erase`, `open` of any earlier sealed value of that subject yields
//!   [`Opened::Erased`] (no error: the caller shows nothing). In this process
//!   that holds at once; in other processes within their key cache TTL
//!   ([`KeyCacheConfig`], 30 s by default, zero to disable);
//! - a sealed value opens only for the subject and field it was sealed for,
//!   and only with the master key that wrapped the subject's key; anything
//!   else is a typed error, never garbage;
//! - subject rows record their district: sealing or erasing a subject under
//!   another district is [`PrivacyError::DistrictMismatch`].

use crate::cipher::{decrypt, encrypt, new_data_key, unwrap_data_key, wrap_data_key};
use crate::error::{PrivacyError, PrivacyErrorKind};
use crate::key_cache::{KeyCache, KeyCacheConfig};
use crate::keyed_hash::{keyed_hash, to_hex};
use crate::master_key::{KeyBytes, MasterKey};
use crate::sealed::{Sealed, associated_data, check_field};
use crate::store::{KeyRecord, KeyState, SharedKeyStore};
use crate::subject::{Subject, SubjectId};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// Largest plaintext `seal` accepts: personal fields are short, and a bound
/// keeps a bug from encrypting whole documents into events.
pub const MAX_PLAINTEXT_LEN: usize = 64 * 1024;

/// Cheap to clone: clones share the key store and the key cache.
#[derive(Clone)]
pub struct Vault {
    inner: Arc<Inner>,
}

struct Inner {
    store: SharedKeyStore,
    key_encryption_key: KeyBytes,
    /// Of the master key before a rotation: unwraps keys the rotation has
    /// not reached yet, never wraps.
    previous_key_encryption_key: Option<KeyBytes>,
    index_key: KeyBytes,
    cache: KeyCache,
}

/// What opening a sealed value gives. `Debug` never shows the plaintext.
#[derive(Clone, PartialEq, Eq)]
pub enum Opened {
    Plain(Vec<u8>),
    /// The subject was erased: there is nothing to show.
    Erased,
}

/// Proof of an erasure; every later `erase` of the subject returns the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureReceipt {
    pub subject: SubjectId,
    pub district: DistrictCode,
    /// When the subject was first erased.
    pub erased_at: DateTime<Utc>,
}

impl Vault {
    /// A vault with the default key cache (30 s TTL, 10 000 keys).
    pub fn new(store: SharedKeyStore, master_key: &MasterKey) -> Self {
        Self::with_key_cache(store, master_key, KeyCacheConfig::default())
    }

    pub fn with_key_cache(
        store: SharedKeyStore,
        master_key: &MasterKey,
        cache: KeyCacheConfig,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                key_encryption_key: master_key.key_encryption_key(),
                previous_key_encryption_key: None,
                index_key: master_key.index_key(),
                cache: KeyCache::new(cache),
            }),
        }
    }

    /// The vault as services run it: the index key as a rotation stored it
    /// (else derived from the previous master key if given, else from
    /// `master_key`), and keys wrapped under `previous` still open, so
    /// services keep working while `gongzhi keys rotate` runs. Refuses keys
    /// that open neither the stored index key nor the first stored data key.
    pub async fn load(
        store: SharedKeyStore,
        master_key: &MasterKey,
        previous: Option<&MasterKey>,
        cache: KeyCacheConfig,
    ) -> Result<Self, PrivacyError> {
        let key_encryption_key = master_key.key_encryption_key();
        let previous_key_encryption_key = previous.map(MasterKey::key_encryption_key);
        let keks = Keks {
            current: &key_encryption_key,
            previous: previous_key_encryption_key.as_ref(),
        };
        let index_key = match store.find_index_key().await? {
            Some(wrapped) => keks.unwrap(&index_key_subject(), &wrapped).map_err(|_| {
                PrivacyError::WrongMasterKey {
                    what: "the stored index key opens under neither the master key nor the previous master key".into(),
                }
            })?,
            None => previous.unwrap_or(master_key).index_key(),
        };
        if let Some((subject, wrapped)) = store.active_after(None, 1).await?.into_iter().next() {
            keks.unwrap(&subject, &wrapped).map_err(|_| PrivacyError::WrongMasterKey {
                what: format!(
                    "the data key of subject {subject} opens under neither the master key nor the previous master key"
                ),
            })?;
        }
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                key_encryption_key,
                previous_key_encryption_key,
                index_key,
                cache: KeyCache::new(cache),
            }),
        })
    }

    fn keks(&self) -> Keks<'_> {
        Keks {
            current: &self.inner.key_encryption_key,
            previous: self.inner.previous_key_encryption_key.as_ref(),
        }
    }

    pub fn store(&self) -> &SharedKeyStore {
        &self.inner.store
    }

    pub async fn seal(
        &self,
        subject: &Subject,
        field: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, PrivacyError> {
        check_field(field)?;
        if plaintext.len() > MAX_PLAINTEXT_LEN {
            return Err(PrivacyError::PlaintextTooLarge {
                len: plaintext.len(),
                max: MAX_PLAINTEXT_LEN,
            });
        }
        self.sealer(subject).await?.seal(field, plaintext)
    }

    /// The subject's data key for sealing several fields of one command:
    /// the key store is consulted once here (creating the key on first use,
    /// refusing an erased subject) instead of once per field.
    pub async fn sealer(&self, subject: &Subject) -> Result<Sealer, PrivacyError> {
        let epoch = self.inner.cache.erasure_epoch();
        let record = match self.inner.store.find(&subject.id).await? {
            Some(record) => record,
            None => self.create_key(subject).await?,
        };
        check_district(&record, &subject.district)?;
        let KeyState::Active { wrapped_key } = &record.state else {
            return Err(PrivacyError::SubjectErased {
                subject: subject.id.clone(),
            });
        };
        let data_key = self.keks().unwrap(&subject.id, wrapped_key)?;
        self.inner
            .cache
            .insert(&subject.id, &data_key, epoch, Instant::now());
        Ok(Sealer {
            subject: subject.id.clone(),
            data_key,
        })
    }

    pub async fn open(
        &self,
        subject: &SubjectId,
        field: &str,
        sealed: &Sealed,
    ) -> Result<Opened, PrivacyError> {
        check_field(field)?;
        let Some(data_key) = self.data_key_for_open(subject).await? else {
            return Ok(Opened::Erased);
        };
        let aad = associated_data(subject, field);
        decrypt(&data_key, &aad, sealed.encrypted())
            .map(Opened::Plain)
            .ok_or_else(|| PrivacyError::Decryption {
                subject: subject.clone(),
                field: field.to_owned(),
            })
    }

    /// Deletes the subject's data key, keeping a tombstone; idempotent. A
    /// subject that never had a key gets a tombstone too, so nothing can be
    /// sealed for it later.
    pub async fn erase(&self, subject: &Subject) -> Result<ErasureReceipt, PrivacyError> {
        let erased = self.inner.store.erase(subject, Utc::now()).await;
        // Evict whatever the store answered: on an error the key may be gone.
        self.inner.cache.evict_erased(&subject.id);
        let record = erased?;
        check_district(&record, &subject.district)?;
        match record.state {
            KeyState::Erased { erased_at } => Ok(ErasureReceipt {
                subject: record.subject,
                district: record.district,
                erased_at,
            }),
            KeyState::Active { .. } => Err(PrivacyError::CorruptKeyRecord {
                subject: subject.id.clone(),
                reason: "key still present after erasure",
            }),
        }
    }

    /// Asks the key store (never the cache) whether the subject was erased;
    /// `false` for a subject the store has never seen.
    pub async fn is_erased(&self, subject: &SubjectId) -> Result<bool, PrivacyError> {
        let record = self.inner.store.find(subject).await?;
        Ok(matches!(
            record.map(|r| r.state),
            Some(KeyState::Erased { .. })
        ))
    }

    /// HMAC-SHA256 under the index key of the district and the normalised
    /// value (see [`crate::keyed_hash`]).
    pub fn keyed_hash(&self, district: &DistrictCode, value: &str) -> [u8; 32] {
        keyed_hash(&self.inner.index_key, district, value)
    }

    /// [`Self::keyed_hash`] as 64 lowercase hex digits.
    pub fn keyed_hash_hex(&self, district: &DistrictCode, value: &str) -> String {
        to_hex(&self.keyed_hash(district, value))
    }

    async fn create_key(&self, subject: &Subject) -> Result<KeyRecord, PrivacyError> {
        let data_key = new_data_key()?;
        let wrapped = wrap_data_key(&self.inner.key_encryption_key, &subject.id, &data_key)?;
        self.inner
            .store
            .insert_if_absent(subject, &wrapped, Utc::now())
            .await
    }

    /// The subject's data key, from the cache or the store; `None` when erased.
    async fn data_key_for_open(
        &self,
        subject: &SubjectId,
    ) -> Result<Option<KeyBytes>, PrivacyError> {
        if let Some(key) = self.inner.cache.get(subject, Instant::now()) {
            return Ok(Some(key));
        }
        let epoch = self.inner.cache.erasure_epoch();
        let record =
            self.inner
                .store
                .find(subject)
                .await?
                .ok_or_else(|| PrivacyError::UnknownSubject {
                    subject: subject.clone(),
                })?;
        let KeyState::Active { wrapped_key } = &record.state else {
            return Ok(None);
        };
        let key = self.keks().unwrap(subject, wrapped_key)?;
        self.inner
            .cache
            .insert(subject, &key, epoch, Instant::now());
        Ok(Some(key))
    }
}

/// Seals fields of one subject with the key [`Vault::sealer`] read; lives
/// for one command, so an erasure is refused by the next command's lookup.
pub struct Sealer {
    subject: SubjectId,
    data_key: KeyBytes,
}

impl Sealer {
    pub fn seal(&self, field: &str, plaintext: &[u8]) -> Result<Sealed, PrivacyError> {
        check_field(field)?;
        if plaintext.len() > MAX_PLAINTEXT_LEN {
            return Err(PrivacyError::PlaintextTooLarge {
                len: plaintext.len(),
                max: MAX_PLAINTEXT_LEN,
            });
        }
        let aad = associated_data(&self.subject, field);
        Ok(Sealed::from_encrypted(encrypt(
            &self.data_key,
            &aad,
            plaintext,
        )?))
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealer {{ subject: {}, key: <redacted> }}", self.subject)
    }
}

/// The current key-encryption key and, during a rotation, the previous one.
pub(crate) struct Keks<'a> {
    pub current: &'a KeyBytes,
    pub previous: Option<&'a KeyBytes>,
}

impl Keks<'_> {
    pub(crate) fn unwrap(
        &self,
        subject: &SubjectId,
        wrapped: &[u8],
    ) -> Result<KeyBytes, PrivacyError> {
        match (
            unwrap_data_key(self.current, subject, wrapped),
            self.previous,
        ) {
            (Err(error), Some(previous)) if error.kind() == PrivacyErrorKind::KeyUnwrap => {
                unwrap_data_key(previous, subject, wrapped)
            }
            (result, _) => result,
        }
    }
}

/// The index key is wrapped like a data key, bound to this name instead of a
/// subject id (it lives in its own table, so the name cannot collide).
pub(crate) fn index_key_subject() -> SubjectId {
    SubjectId::parse("gongzhi/index-key/v1")
        .unwrap_or_else(|_| unreachable!("the name is a valid subject id"))
}

fn check_district(record: &KeyRecord, requested: &DistrictCode) -> Result<(), PrivacyError> {
    if &record.district == requested {
        return Ok(());
    }
    Err(PrivacyError::DistrictMismatch {
        subject: record.subject.clone(),
        stored: record.district.clone(),
        requested: requested.clone(),
    })
}

impl Opened {
    pub fn into_plain(self) -> Option<Vec<u8>> {
        match self {
            Self::Plain(bytes) => Some(bytes),
            Self::Erased => None,
        }
    }

    pub fn is_erased(&self) -> bool {
        matches!(self, Self::Erased)
    }
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain(bytes) => write!(f, "Plain(<{} bytes redacted>)", bytes.len()),
            Self::Erased => f.write_str("Erased"),
        }
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault { keys: <redacted> }")
    }
}
