//! Personal data you can erase.
//!
//! Sensitive fields (ID numbers, phones, health, needs) are sealed per data
//! subject: each person gets a random 256-bit data key, stored only wrapped
//! (AES-256-GCM) under a key-encryption key derived from the configured
//! [`MasterKey`]. Events and read models hold [`Sealed`] values, never clear
//! text. [`Vault::erase`] deletes the person's key (crypto-shredding): every
//! sealed value of that person, in every event, row and rebuild, then opens as
//! [`Opened::Erased`], while the rest of the history stays valid.
//!
//! Duplicates are found by [`Vault::keyed_hash`] (HMAC under a derived index
//! key), never by storing the value. [`masking`] shows values partly to
//! callers who may not see them in clear.
//!
//! Key cache: `open` keeps unwrapped keys for at most 30 s by default (see
//! [`KeyCacheConfig`]); an erasure evicts at once in the erasing process and
//! within that TTL in others. `seal` never trusts the cache for erasure.
//!
//! Formats (version byte first, so either can change later):
//! - sealed value: `0x01 || nonce(12) || ciphertext || tag(16)`, associated
//!   data = subject id + field name;
//! - wrapped key: `0x01 || nonce(12) || wrapped key(32) || tag(16)`,
//!   associated data = subject id.
//!
//! Usage (a service shares its event store's pool with the key store):
//!
//! ```
//! use gongzhi_kernel::DistrictCode;
//! use gongzhi_privacy::{MasterKey, MemoryKeyStore, Opened, Subject, Vault, masking};
//! use std::sync::Arc;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // In production: `PostgresKeyStore::new(pool)` (then `migrate`), and the
//! // master key from configuration.
//! let master_key = MasterKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
//! let vault = Vault::new(Arc::new(MemoryKeyStore::new()), &master_key);
//! let district = DistrictCode::parse("110105")?;
//! let person = Subject::new(uuid::Uuid::new_v4(), district.clone());
//!
//! // Command side: the event carries sealed bytes and a keyed hash.
//! let sealed = vault.seal(&person, "id_number", b"11010519491231002X").await?;
//! let duplicate_key = vault.keyed_hash_hex(&district, "11010519491231002X");
//! let event_bytes = sealed.to_bytes();
//!
//! // Read side: open, then mask unless the caller may see it in clear.
//! let sealed = gongzhi_privacy::Sealed::from_bytes(&event_bytes)?;
//! let Opened::Plain(id_number) = vault.open(&person.id, "id_number", &sealed).await? else {
//!     unreachable!("not erased yet");
//! };
//! assert_eq!(masking::mask_id_number(std::str::from_utf8(&id_number)?), "110105********002X");
//!
//! // Erasure: every sealed value of the person now opens as `Erased`.
//! vault.erase(&person).await?;
//! assert_eq!(vault.open(&person.id, "id_number", &sealed).await?, Opened::Erased);
//! # let _ = duplicate_key;
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(demo())
//! #     .map_err(|e| e.to_string())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Master key rotation ([`rotation::rotate_master_key`], `gongzhi keys
//! rotate`) re-wraps every data key under a new master key; the index key is
//! kept, so keyed hashes never change.

mod cipher;
pub mod error;
mod key_cache;
pub mod keyed_hash;
pub mod masking;
pub mod master_key;
pub mod rotation;
pub mod sealed;
pub mod store;
pub mod subject;
mod vault;
#[cfg(test)]
mod vault_tests;

pub use error::{PrivacyError, PrivacyErrorKind};
pub use key_cache::KeyCacheConfig;
pub use master_key::{MasterKey, MasterKeyError, MasterKeyErrorKind};
pub use rotation::{RotationProgress, rotate_master_key};
pub use sealed::{Sealed, SealedFormatError, SealedFormatErrorKind};
pub use store::{
    KeyRecord, KeyReplacement, KeyState, KeyStore, MemoryKeyStore, PostgresKeyStore,
    SharedKeyStore, SqliteKeyStore,
};
pub use subject::{InvalidSubjectId, Subject, SubjectId};
pub use vault::{ErasureReceipt, MAX_PLAINTEXT_LEN, Opened, Sealer, Vault};
