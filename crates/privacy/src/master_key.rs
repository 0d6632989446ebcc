//! The master key: 32 bytes from configuration, never printable in clear.
//!
//! It is never used directly. Two sub-keys are derived with HMAC-SHA256 under
//! distinct labels (domain separation), so a key used to wrap data keys is
//! never also used to compute index hashes:
//! - the key-encryption key, label `gongzhi/kek/v1`;
//! - the index key for keyed hashes, label `gongzhi/index/v1`.
//!
//! Changing the master key makes every wrapped data key unreadable (a typed
//! [`crate::PrivacyError::KeyUnwrap`]), and every keyed hash different.

use crate::cipher::fill_random;
use crate::error::PrivacyError;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

pub const MASTER_KEY_LEN: usize = 32;

const KEK_LABEL: &[u8] = b"gongzhi/kek/v1";
const INDEX_LABEL: &[u8] = b"gongzhi/index/v1";

pub(crate) type KeyBytes = Zeroizing<[u8; 32]>;

/// Holds the key bytes; wiped on drop. `Debug` shows only that a key is there.
#[derive(Clone)]
pub struct MasterKey(KeyBytes);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MasterKeyError {
    #[error("master key is not valid base64")]
    NotBase64,
    #[error("master key must be {MASTER_KEY_LEN} bytes, got {actual}")]
    WrongLength { actual: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MasterKeyErrorKind {
    NotBase64,
    WrongLength,
}

impl MasterKeyError {
    pub fn kind(&self) -> MasterKeyErrorKind {
        match self {
            Self::NotBase64 => MasterKeyErrorKind::NotBase64,
            Self::WrongLength { .. } => MasterKeyErrorKind::WrongLength,
        }
    }
}

impl MasterKey {
    /// Parses standard base64 (padding optional, surrounding whitespace
    /// ignored, as configuration files and environment variables add it).
    pub fn from_base64(encoded: &str) -> Result<Self, MasterKeyError> {
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let decoded = Zeroizing::new(
            engine
                .decode(encoded.trim())
                .map_err(|_| MasterKeyError::NotBase64)?,
        );
        let bytes: [u8; MASTER_KEY_LEN] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| MasterKeyError::WrongLength {
                    actual: decoded.len(),
                })?;
        Ok(Self::from_bytes(bytes))
    }

    pub fn from_bytes(bytes: [u8; MASTER_KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A fresh random key, for development setups and key generation tools.
    pub fn generate() -> Result<Self, PrivacyError> {
        let mut bytes = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        fill_random(bytes.as_mut_slice())?;
        Ok(Self(bytes))
    }

    /// The key in standard base64, for a tool that writes it into
    /// configuration. Named so that printing it is never an accident.
    pub fn expose_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.as_slice())
    }

    pub(crate) fn key_encryption_key(&self) -> KeyBytes {
        self.derive(KEK_LABEL)
    }

    pub(crate) fn index_key(&self) -> KeyBytes {
        self.derive(INDEX_LABEL)
    }

    fn derive(&self, label: &[u8]) -> KeyBytes {
        Zeroizing::new(hmac_sha256(self.0.as_slice(), &[label]))
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("hmac accepts keys of any length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn parses_32_bytes_of_base64_with_or_without_padding() {
        let padded = MasterKey::from_base64(KEY_B64);
        assert!(padded.is_ok());
        let unpadded = MasterKey::from_base64(&format!("  {}\n", KEY_B64.trim_end_matches('=')));
        assert_eq!(unpadded.map(|k| k.expose_base64()), Ok(KEY_B64.to_owned()));
    }

    #[test]
    fn refuses_non_base64_and_wrong_lengths() {
        let kinds = |raw: &str| {
            MasterKey::from_base64(raw)
                .map(|_| ())
                .map_err(|e| e.kind())
        };
        assert_eq!(kinds("not base64 !"), Err(MasterKeyErrorKind::NotBase64));
        assert_eq!(
            kinds(""),
            Err(MasterKeyError::WrongLength { actual: 0 }.kind())
        );
        assert_eq!(
            MasterKey::from_base64("AAECAwQFBgcICQoLDA0ODw==").map(|_| ()),
            Err(MasterKeyError::WrongLength { actual: 16 })
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = MasterKey::from_bytes([7; 32]);
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }

    #[test]
    fn sub_keys_are_distinct_and_stable() {
        let key = MasterKey::from_bytes([7; 32]);
        assert_ne!(*key.key_encryption_key(), *key.index_key());
        assert_eq!(
            *key.index_key(),
            *MasterKey::from_bytes([7; 32]).index_key()
        );
        assert_ne!(
            *key.index_key(),
            *MasterKey::from_bytes([8; 32]).index_key()
        );
    }

    #[test]
    fn generated_keys_differ() -> Result<(), PrivacyError> {
        let (a, b) = (MasterKey::generate()?, MasterKey::generate()?);
        assert_ne!(a.expose_base64(), b.expose_base64());
        Ok(())
    }
}
