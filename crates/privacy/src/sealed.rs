//! The sealed value format, what events and read models store in place of
//! personal data:
//!
//! ```text
//! 0x01 || nonce (12 bytes) || AES-256-GCM ciphertext || tag (16 bytes)
//! ```
//!
//! under the subject's data key, with associated data binding the value to its
//! subject and field (`gongzhi/sealed/v1`, then the subject id and the field
//! name, each prefixed by its length as a big-endian u32, so no two pairs
//! encode alike). A sealed value copied onto another person or another field
//! does not open. The first byte versions the format for later changes.

use crate::cipher::{NONCE_LEN, TAG_LEN};
use crate::error::PrivacyError;
use crate::subject::SubjectId;
use std::fmt;

pub const SEALED_VERSION: u8 = 1;
/// The smallest sealed value: version, nonce, tag of an empty plaintext.
pub const MIN_SEALED_LEN: usize = 1 + NONCE_LEN + TAG_LEN;
/// Longest accepted field name, in bytes.
pub const MAX_FIELD_LEN: usize = 64;

const AAD_LABEL: &[u8] = b"gongzhi/sealed/v1";

/// An encrypted field value. `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealedFormatError {
    #[error("sealed value is empty")]
    Empty,
    #[error("sealed value has unknown format version {version}")]
    UnknownVersion { version: u8 },
    #[error("sealed value of {len} bytes is shorter than the minimum of {MIN_SEALED_LEN}")]
    TooShort { len: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealedFormatErrorKind {
    Empty,
    UnknownVersion,
    TooShort,
}

impl SealedFormatError {
    pub fn kind(&self) -> SealedFormatErrorKind {
        match self {
            Self::Empty => SealedFormatErrorKind::Empty,
            Self::UnknownVersion { .. } => SealedFormatErrorKind::UnknownVersion,
            Self::TooShort { .. } => SealedFormatErrorKind::TooShort,
        }
    }
}

impl Sealed {
    /// Checks the version and minimum length; whether it opens is only known
    /// with the key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealedFormatError> {
        let Some(&version) = bytes.first() else {
            return Err(SealedFormatError::Empty);
        };
        if version != SEALED_VERSION {
            return Err(SealedFormatError::UnknownVersion { version });
        }
        if bytes.len() < MIN_SEALED_LEN {
            return Err(SealedFormatError::TooShort { len: bytes.len() });
        }
        Ok(Self(bytes.to_vec()))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.clone()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Prefixes `nonce || ciphertext+tag` with the version byte.
    pub(crate) fn from_encrypted(nonce_and_ciphertext: Vec<u8>) -> Self {
        let mut bytes = Vec::with_capacity(1 + nonce_and_ciphertext.len());
        bytes.push(SEALED_VERSION);
        bytes.extend_from_slice(&nonce_and_ciphertext);
        Self(bytes)
    }

    /// `nonce || ciphertext+tag`, without the version byte.
    pub(crate) fn encrypted(&self) -> &[u8] {
        &self.0[1..]
    }
}

impl TryFrom<&[u8]> for Sealed {
    type Error = SealedFormatError;
    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        Self::from_bytes(bytes)
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed(v{}, {} bytes)", SEALED_VERSION, self.0.len())
    }
}

/// Field names are labels chosen by code (`id_number`, `phone`), never data.
pub(crate) fn check_field(field: &str) -> Result<(), PrivacyError> {
    let invalid = |reason| PrivacyError::InvalidField {
        field: field.chars().take(MAX_FIELD_LEN).collect(),
        reason,
    };
    if field.is_empty() {
        return Err(invalid("empty"));
    }
    if field.len() > MAX_FIELD_LEN {
        return Err(invalid("longer than 64 bytes"));
    }
    if !field.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("not visible ASCII"));
    }
    Ok(())
}

/// The associated data binding a sealed value to its subject and field.
pub(crate) fn associated_data(subject: &SubjectId, field: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_LABEL.len() + 8 + subject.as_str().len() + field.len());
    aad.extend_from_slice(AAD_LABEL);
    for part in [subject.as_str().as_bytes(), field.as_bytes()] {
        // Both parts are bounded far below u32::MAX (subject ids and fields
        // are checked), so the cast cannot truncate.
        aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        aad.extend_from_slice(part);
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_well_formed_bytes_and_round_trips() {
        let bytes = [&[SEALED_VERSION][..], &[0u8; NONCE_LEN + TAG_LEN + 3]].concat();
        let sealed = Sealed::from_bytes(&bytes);
        assert_eq!(sealed.as_ref().map(Sealed::to_bytes), Ok(bytes.clone()));
        assert_eq!(
            sealed.map(|s| format!("{s:?}")),
            Ok(format!("Sealed(v1, {} bytes)", bytes.len()))
        );
    }

    #[test]
    fn refuses_empty_unknown_version_and_short_input() {
        assert_eq!(Sealed::from_bytes(&[]), Err(SealedFormatError::Empty));
        assert_eq!(
            Sealed::from_bytes(&[2; 64]),
            Err(SealedFormatError::UnknownVersion { version: 2 })
        );
        assert_eq!(
            Sealed::from_bytes(&[SEALED_VERSION; MIN_SEALED_LEN - 1]),
            Err(SealedFormatError::TooShort {
                len: MIN_SEALED_LEN - 1
            })
        );
        assert!(Sealed::from_bytes(&[SEALED_VERSION; MIN_SEALED_LEN]).is_ok());
    }

    #[test]
    fn associated_data_is_unambiguous() -> Result<(), crate::subject::InvalidSubjectId> {
        let ab_c = associated_data(&SubjectId::parse("ab")?, "c");
        let a_bc = associated_data(&SubjectId::parse("a")?, "bc");
        assert_ne!(ab_c, a_bc);
        Ok(())
    }

    #[test]
    fn field_names_are_short_visible_ascii() {
        assert!(check_field("id_number").is_ok());
        for bad in ["", "phone number", "电话", &"f".repeat(MAX_FIELD_LEN + 1)] {
            let kind = check_field(bad).map_err(|e| e.kind());
            assert_eq!(kind, Err(crate::PrivacyErrorKind::InvalidField), "{bad:?}");
        }
    }
}
