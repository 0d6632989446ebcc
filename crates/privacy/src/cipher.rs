//! AES-256-GCM primitives and the wrapped data key format.
//!
//! Every encryption takes a fresh random 96-bit nonce from the operating
//! system. Each data key encrypts only one person's fields (a handful of
//! values over a lifetime), far below the 2^32 random-nonce messages NIST
//! allows per key.
//!
//! Wrapped data key (stored in the key table): `0x01 || nonce(12) ||
//! AES-256-GCM(KEK, data key, AAD = subject id)` = 61 bytes. The AAD ties the
//! wrapped key to its subject: a row copied onto another subject does not
//! unwrap.

use crate::error::PrivacyError;
use crate::master_key::KeyBytes;
use crate::subject::SubjectId;
use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, OsRng, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use zeroize::Zeroizing;

pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
pub const DATA_KEY_LEN: usize = 32;

const WRAP_VERSION: u8 = 1;
const WRAPPED_KEY_LEN: usize = 1 + NONCE_LEN + DATA_KEY_LEN + TAG_LEN;

pub(crate) fn fill_random(buffer: &mut [u8]) -> Result<(), PrivacyError> {
    OsRng
        .try_fill_bytes(buffer)
        .map_err(|_| PrivacyError::Randomness)
}

/// A fresh random data key.
pub(crate) fn new_data_key() -> Result<KeyBytes, PrivacyError> {
    let mut key = Zeroizing::new([0u8; DATA_KEY_LEN]);
    fill_random(key.as_mut_slice())?;
    Ok(key)
}

/// Encrypts under `key` with a fresh nonce; returns `nonce || ciphertext+tag`.
pub(crate) fn encrypt(
    key: &KeyBytes,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, PrivacyError> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    let cipher = Aes256Gcm::new(key.as_slice().into());
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| PrivacyError::Encryption)?;
    let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Decrypts `nonce || ciphertext+tag`; `None` when it does not authenticate
/// (wrong key, wrong AAD, tampered bytes, too short).
pub(crate) fn decrypt(key: &KeyBytes, aad: &[u8], nonce_and_ciphertext: &[u8]) -> Option<Vec<u8>> {
    if nonce_and_ciphertext.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, ciphertext) = nonce_and_ciphertext.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
    let cipher = Aes256Gcm::new(key.as_slice().into());
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

pub(crate) fn wrap_data_key(
    kek: &KeyBytes,
    subject: &SubjectId,
    data_key: &KeyBytes,
) -> Result<Vec<u8>, PrivacyError> {
    let sealed = encrypt(kek, subject.as_str().as_bytes(), data_key.as_slice())?;
    let mut wrapped = Vec::with_capacity(WRAPPED_KEY_LEN);
    wrapped.push(WRAP_VERSION);
    wrapped.extend_from_slice(&sealed);
    Ok(wrapped)
}

pub(crate) fn unwrap_data_key(
    kek: &KeyBytes,
    subject: &SubjectId,
    wrapped: &[u8],
) -> Result<KeyBytes, PrivacyError> {
    let corrupt = |reason| PrivacyError::CorruptKeyRecord {
        subject: subject.clone(),
        reason,
    };
    let Some((&version, rest)) = wrapped.split_first() else {
        return Err(corrupt("empty wrapped key"));
    };
    if version != WRAP_VERSION {
        return Err(corrupt("unknown wrapped key version"));
    }
    if wrapped.len() != WRAPPED_KEY_LEN {
        return Err(corrupt("wrapped key has the wrong length"));
    }
    let plain = Zeroizing::new(decrypt(kek, subject.as_str().as_bytes(), rest).ok_or_else(
        || PrivacyError::KeyUnwrap {
            subject: subject.clone(),
        },
    )?);
    let key: [u8; DATA_KEY_LEN] = plain
        .as_slice()
        .try_into()
        .map_err(|_| corrupt("unwrapped key has the wrong length"))?;
    Ok(Zeroizing::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(raw: &str) -> SubjectId {
        SubjectId::parse(raw).unwrap_or_else(|_| unreachable!("test ids are valid"))
    }

    #[test]
    fn wraps_and_unwraps_a_data_key() -> Result<(), PrivacyError> {
        let kek = Zeroizing::new([1u8; 32]);
        let data_key = new_data_key()?;
        let wrapped = wrap_data_key(&kek, &subject("a"), &data_key)?;
        assert_eq!(wrapped.len(), WRAPPED_KEY_LEN);
        assert_eq!(*unwrap_data_key(&kek, &subject("a"), &wrapped)?, *data_key);
        Ok(())
    }

    #[test]
    fn a_wrapped_key_does_not_unwrap_for_another_subject_or_kek() -> Result<(), PrivacyError> {
        let kek = Zeroizing::new([1u8; 32]);
        let wrapped = wrap_data_key(&kek, &subject("a"), &new_data_key()?)?;
        let kind = |r: Result<KeyBytes, PrivacyError>| r.map(|_| ()).map_err(|e| e.kind());
        assert_eq!(
            kind(unwrap_data_key(&kek, &subject("b"), &wrapped)),
            Err(crate::PrivacyErrorKind::KeyUnwrap)
        );
        assert_eq!(
            kind(unwrap_data_key(
                &Zeroizing::new([2u8; 32]),
                &subject("a"),
                &wrapped
            )),
            Err(crate::PrivacyErrorKind::KeyUnwrap)
        );
        assert_eq!(
            kind(unwrap_data_key(&kek, &subject("a"), &wrapped[..40])),
            Err(crate::PrivacyErrorKind::CorruptKeyRecord)
        );
        Ok(())
    }
}
