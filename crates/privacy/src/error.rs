//! Typed privacy errors. Callers match on [`PrivacyError::kind`], never on
//! text. No message carries plaintext or key bytes: only subject ids, field
//! names, districts and lengths, which are not personal data.

use crate::sealed::SealedFormatError;
use crate::subject::SubjectId;
use gongzhi_kernel::{DistrictCode, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// The subject was erased; no new personal data may be written for it.
    #[error("subject {subject} was erased; no personal data may be sealed for it")]
    SubjectErased { subject: SubjectId },
    /// Nothing was ever sealed for this subject, so it has no key.
    #[error("subject {subject} has no data key")]
    UnknownSubject { subject: SubjectId },
    /// The subject's key belongs to another district than the caller named.
    #[error("subject {subject} belongs to district {stored}, not {requested}")]
    DistrictMismatch {
        subject: SubjectId,
        stored: DistrictCode,
        requested: DistrictCode,
    },
    /// The ciphertext does not authenticate under this subject's key for this
    /// field: tampered, or moved from another subject or field.
    #[error("sealed value does not open for subject {subject}, field {field:?}")]
    Decryption { subject: SubjectId, field: String },
    /// The stored data key does not unwrap under this master key: the
    /// configured master key is not the one that wrapped it, or the row is
    /// corrupt.
    #[error("data key of subject {subject} does not unwrap under the configured master key")]
    KeyUnwrap { subject: SubjectId },
    /// The master keys given do not fit the stored keys (a rotation's
    /// previous key, or a service's key and previous key); nothing changed.
    #[error("{what}")]
    WrongMasterKey { what: String },
    /// A stored key row is not in a shape this code writes.
    #[error("key record of subject {subject} is corrupt: {reason}")]
    CorruptKeyRecord {
        subject: SubjectId,
        reason: &'static str,
    },
    #[error("field name {field:?} is invalid: {reason}")]
    InvalidField { field: String, reason: &'static str },
    #[error(transparent)]
    Malformed(#[from] SealedFormatError),
    #[error("plaintext of {len} bytes is larger than the limit of {max}")]
    PlaintextTooLarge { len: usize, max: usize },
    #[error("the operating system random number generator failed")]
    Randomness,
    #[error("encryption failed")]
    Encryption,
    #[error("key store unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("key store failed: {0}")]
    Backend(#[source] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrivacyErrorKind {
    SubjectErased,
    UnknownSubject,
    DistrictMismatch,
    Decryption,
    KeyUnwrap,
    WrongMasterKey,
    CorruptKeyRecord,
    InvalidField,
    Malformed,
    PlaintextTooLarge,
    Randomness,
    Encryption,
    Unavailable,
    Backend,
}

impl PrivacyError {
    pub fn kind(&self) -> PrivacyErrorKind {
        match self {
            Self::SubjectErased { .. } => PrivacyErrorKind::SubjectErased,
            Self::UnknownSubject { .. } => PrivacyErrorKind::UnknownSubject,
            Self::DistrictMismatch { .. } => PrivacyErrorKind::DistrictMismatch,
            Self::Decryption { .. } => PrivacyErrorKind::Decryption,
            Self::KeyUnwrap { .. } => PrivacyErrorKind::KeyUnwrap,
            Self::WrongMasterKey { .. } => PrivacyErrorKind::WrongMasterKey,
            Self::CorruptKeyRecord { .. } => PrivacyErrorKind::CorruptKeyRecord,
            Self::InvalidField { .. } => PrivacyErrorKind::InvalidField,
            Self::Malformed(_) => PrivacyErrorKind::Malformed,
            Self::PlaintextTooLarge { .. } => PrivacyErrorKind::PlaintextTooLarge,
            Self::Randomness => PrivacyErrorKind::Randomness,
            Self::Encryption => PrivacyErrorKind::Encryption,
            Self::Unavailable(_) => PrivacyErrorKind::Unavailable,
            Self::Backend(_) => PrivacyErrorKind::Backend,
        }
    }

    /// The platform-wide code, for the one mapping to gRPC status.
    pub fn code(&self) -> ErrorCode {
        match self.kind() {
            PrivacyErrorKind::SubjectErased => ErrorCode::FailedPrecondition,
            PrivacyErrorKind::UnknownSubject => ErrorCode::NotFound,
            PrivacyErrorKind::DistrictMismatch => ErrorCode::PermissionDenied,
            PrivacyErrorKind::InvalidField | PrivacyErrorKind::PlaintextTooLarge => {
                ErrorCode::InvalidArgument
            }
            PrivacyErrorKind::Unavailable => ErrorCode::Unavailable,
            // Stored ciphertexts and keys are never caller input: failing to
            // read them is corruption or misconfiguration, not a bad request.
            PrivacyErrorKind::Decryption
            | PrivacyErrorKind::KeyUnwrap
            | PrivacyErrorKind::WrongMasterKey
            | PrivacyErrorKind::CorruptKeyRecord
            | PrivacyErrorKind::Malformed
            | PrivacyErrorKind::Randomness
            | PrivacyErrorKind::Encryption
            | PrivacyErrorKind::Backend => ErrorCode::Internal,
        }
    }

    /// Maps a sqlx error: lost connections are `Unavailable` (retryable), the
    /// rest `Backend`.
    pub fn from_sqlx(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                Self::Unavailable(error)
            }
            other => Self::Backend(other),
        }
    }

    pub(crate) fn from_migrate(error: sqlx::migrate::MigrateError) -> Self {
        match error {
            sqlx::migrate::MigrateError::Execute(inner) => Self::from_sqlx(inner),
            other => Self::Backend(sqlx::Error::Migrate(Box::new(other))),
        }
    }
}
