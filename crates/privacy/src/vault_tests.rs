//! Vault behaviour over the in-memory key store (no I/O). The same
//! behaviours run against PostgreSQL and SQLite in the integration tests.

use crate::{
    KeyCacheConfig, MasterKey, MemoryKeyStore, Opened, PrivacyError, PrivacyErrorKind, Sealed,
    SharedKeyStore, Subject, Vault,
};
use gongzhi_kernel::DistrictCode;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ID_NUMBER: &[u8] = b"11010519491231002X";

fn district(code: &str) -> Result<DistrictCode, Box<dyn std::error::Error>> {
    Ok(DistrictCode::parse(code)?)
}

fn resident(code: &str) -> Result<Subject, Box<dyn std::error::Error>> {
    Ok(Subject::new(uuid::Uuid::new_v4(), district(code)?))
}

fn vault_over(store: &SharedKeyStore, key: u8) -> Vault {
    Vault::new(store.clone(), &MasterKey::from_bytes([key; 32]))
}

fn new_vault() -> Vault {
    vault_over(&(Arc::new(MemoryKeyStore::new()) as SharedKeyStore), 1)
}

fn kind<T>(result: Result<T, PrivacyError>) -> Option<PrivacyErrorKind> {
    result.err().map(|e| e.kind())
}

#[tokio::test]
async fn seals_and_opens_a_field() -> TestResult {
    let vault = new_vault();
    let person = resident("110105")?;
    let sealed = vault.seal(&person, "id_number", ID_NUMBER).await?;
    assert!(
        !sealed
            .as_bytes()
            .windows(ID_NUMBER.len())
            .any(|w| w == ID_NUMBER)
    );
    let reparsed = Sealed::from_bytes(&sealed.to_bytes())?;
    let opened = vault.open(&person.id, "id_number", &reparsed).await?;
    assert_eq!(opened, Opened::Plain(ID_NUMBER.to_vec()));
    // A fresh nonce each time: the same value never seals alike.
    assert_ne!(sealed, vault.seal(&person, "id_number", ID_NUMBER).await?);
    Ok(())
}

#[tokio::test]
async fn tampered_moved_or_misfiled_values_do_not_open() -> TestResult {
    let vault = new_vault();
    let (person, other) = (resident("110105")?, resident("110105")?);
    let sealed = vault.seal(&person, "id_number", ID_NUMBER).await?;
    vault.seal(&other, "id_number", b"other").await?;

    let mut tampered = sealed.to_bytes();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    let tampered = Sealed::from_bytes(&tampered)?;
    let decryption = Some(PrivacyErrorKind::Decryption);
    assert_eq!(
        kind(vault.open(&person.id, "id_number", &tampered).await),
        decryption
    );
    assert_eq!(
        kind(vault.open(&person.id, "phone", &sealed).await),
        decryption
    );
    assert_eq!(
        kind(vault.open(&other.id, "id_number", &sealed).await),
        decryption
    );
    let stranger = resident("110105")?;
    assert_eq!(
        kind(vault.open(&stranger.id, "id_number", &sealed).await),
        Some(PrivacyErrorKind::UnknownSubject)
    );
    Ok(())
}

#[tokio::test]
async fn erasure_hides_old_values_refuses_new_ones_and_repeats() -> TestResult {
    let vault = new_vault();
    let (person, other) = (resident("110105")?, resident("110105")?);
    let sealed = vault.seal(&person, "phone", b"13812345678").await?;
    let others = vault.seal(&other, "phone", b"13900000000").await?;
    vault.open(&person.id, "phone", &sealed).await?; // warms the key cache

    let receipt = vault.erase(&person).await?;
    assert_eq!(
        vault.open(&person.id, "phone", &sealed).await?,
        Opened::Erased
    );
    assert!(vault.is_erased(&person.id).await?);
    assert_eq!(
        kind(vault.seal(&person, "phone", b"1").await),
        Some(PrivacyErrorKind::SubjectErased)
    );
    assert_eq!(vault.erase(&person).await?, receipt);
    assert_eq!(
        vault.open(&other.id, "phone", &others).await?,
        Opened::Plain(b"13900000000".to_vec())
    );
    assert!(!vault.is_erased(&other.id).await?);
    Ok(())
}

#[tokio::test]
async fn erasing_an_unknown_subject_blocks_later_seals() -> TestResult {
    let vault = new_vault();
    let person = resident("110105")?;
    vault.erase(&person).await?;
    assert_eq!(
        kind(vault.seal(&person, "phone", b"1").await),
        Some(PrivacyErrorKind::SubjectErased)
    );
    Ok(())
}

#[tokio::test]
async fn another_master_key_gets_a_typed_error() -> TestResult {
    let store: SharedKeyStore = Arc::new(MemoryKeyStore::new());
    let person = resident("110105")?;
    let sealed = vault_over(&store, 1).seal(&person, "phone", b"1").await?;
    let stranger = vault_over(&store, 2);
    assert_eq!(
        kind(stranger.open(&person.id, "phone", &sealed).await),
        Some(PrivacyErrorKind::KeyUnwrap)
    );
    assert_eq!(
        kind(stranger.seal(&person, "phone", b"1").await),
        Some(PrivacyErrorKind::KeyUnwrap)
    );
    Ok(())
}

#[tokio::test]
async fn a_subject_stays_in_its_district() -> TestResult {
    let vault = new_vault();
    let person = resident("110105")?;
    vault.seal(&person, "phone", b"1").await?;
    let elsewhere = Subject::new(person.id.clone(), district("500108")?);
    let mismatch = Some(PrivacyErrorKind::DistrictMismatch);
    assert_eq!(kind(vault.seal(&elsewhere, "phone", b"1").await), mismatch);
    assert_eq!(kind(vault.erase(&elsewhere).await), mismatch);
    assert!(!vault.is_erased(&person.id).await?);
    Ok(())
}

#[tokio::test]
async fn errors_and_debug_output_never_show_plaintext() -> TestResult {
    let vault = Vault::with_key_cache(
        Arc::new(MemoryKeyStore::new()),
        &MasterKey::from_bytes([1; 32]),
        KeyCacheConfig::disabled(),
    );
    let person = resident("110105")?;
    let sealed = vault.seal(&person, "id_number", ID_NUMBER).await?;
    let opened = vault.open(&person.id, "id_number", &sealed).await?;
    let wrong_field = vault.open(&person.id, "phone", &sealed).await;
    vault.erase(&person).await?;
    let after_erasure = vault.seal(&person, "id_number", ID_NUMBER).await;
    let secret = std::str::from_utf8(ID_NUMBER)?;
    for shown in [
        format!("{opened:?} {sealed:?} {vault:?}"),
        format!("{wrong_field:?}"),
        format!("{after_erasure:?}"),
        wrong_field.err().map(|e| e.to_string()).unwrap_or_default(),
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    Ok(())
}

#[tokio::test]
async fn refuses_bad_fields_and_huge_values() -> TestResult {
    let vault = new_vault();
    let person = resident("110105")?;
    assert_eq!(
        kind(vault.seal(&person, "", b"1").await),
        Some(PrivacyErrorKind::InvalidField)
    );
    let huge = vec![0u8; crate::MAX_PLAINTEXT_LEN + 1];
    assert_eq!(
        kind(vault.seal(&person, "notes", &huge).await),
        Some(PrivacyErrorKind::PlaintextTooLarge)
    );
    Ok(())
}

#[test]
fn keyed_hashes_depend_on_district_value_and_master_key() -> TestResult {
    let vault = new_vault();
    let (here, there) = (district("110105")?, district("110106")?);
    let id = "11010519491231002X";
    let hash = vault.keyed_hash_hex(&here, id);
    assert_eq!(hash.len(), 64);
    assert_eq!(hash, vault.keyed_hash_hex(&here, "11010519491231002x"));
    assert_ne!(hash, vault.keyed_hash_hex(&there, id));
    assert_ne!(hash, vault.keyed_hash_hex(&here, "110105194912310037"));
    let other_key = vault_over(&(Arc::new(MemoryKeyStore::new()) as SharedKeyStore), 2);
    assert_ne!(hash, other_key.keyed_hash_hex(&here, id));
    Ok(())
}
