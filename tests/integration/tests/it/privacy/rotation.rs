//! Master key rotation against every key store backend: values sealed under
//! the old key open after the rotation under the new key only, keyed hashes
//! stay, a second run changes nothing, a wrong previous key is refused
//! before anything changes, and a vault holding both keys serves throughout.

use super::{kind, master_key, resident};
use gongzhi_kernel::DistrictCode;
use gongzhi_privacy::{
    KeyCacheConfig, KeyReplacement, MasterKey, Opened, PrivacyErrorKind, SharedKeyStore, SubjectId,
    Vault, rotate_master_key,
};

/// Everything a rotation may change: every key row and the index key.
async fn key_table(
    store: &SharedKeyStore,
) -> anyhow::Result<(Vec<(SubjectId, Vec<u8>)>, Option<Vec<u8>>)> {
    Ok((
        store.active_after(None, 10_000).await?,
        store.find_index_key().await?,
    ))
}

async fn service_vault(
    store: &SharedKeyStore,
    key: &MasterKey,
    previous: Option<&MasterKey>,
) -> Result<Vault, gongzhi_privacy::PrivacyError> {
    Vault::load(store.clone(), key, previous, KeyCacheConfig::disabled()).await
}

pub async fn rotation_reopens_sealed_values_under_the_new_key_only(
    store: SharedKeyStore,
) -> anyhow::Result<()> {
    let (old, new) = (master_key(1), master_key(2));
    let before = Vault::new(store.clone(), &old);
    let mut sealed = Vec::new();
    for n in 0..5 {
        let person = resident("110105")?;
        let value = format!("1380000000{n}");
        sealed.push((
            person.clone(),
            value.clone(),
            before.seal(&person, "phone", value.as_bytes()).await?,
        ));
    }
    let erased = resident("110105")?;
    before.seal(&erased, "phone", b"1").await?;
    before.erase(&erased).await?;
    let district = DistrictCode::parse("110105")?;
    let hash = before.keyed_hash_hex(&district, "11010519491231002X");

    let mut seen = Vec::new();
    let done = rotate_master_key(store.as_ref(), &old, &new, 2, |p| seen.push(p.checked)).await?;
    assert_eq!(
        (
            done.total,
            done.checked,
            done.rewrapped,
            done.already_current,
            done.skipped
        ),
        (5, 5, 5, 0, 0)
    );
    assert_eq!(seen, vec![0, 2, 4, 5], "progress after every batch");

    let after = service_vault(&store, &new, None).await?;
    for (person, value, sealed) in &sealed {
        assert_eq!(
            after.open(&person.id, "phone", sealed).await?,
            Opened::Plain(value.as_bytes().to_vec())
        );
    }
    assert_eq!(
        after.open(&erased.id, "phone", &sealed[0].2).await?,
        Opened::Erased
    );
    assert_eq!(
        after.keyed_hash_hex(&district, "11010519491231002X"),
        hash,
        "keyed hashes must not change"
    );
    let old_only = Vault::with_key_cache(store.clone(), &old, KeyCacheConfig::disabled());
    assert_eq!(
        kind(old_only.open(&sealed[0].0.id, "phone", &sealed[0].2).await),
        Some(PrivacyErrorKind::KeyUnwrap)
    );
    assert_eq!(
        kind(service_vault(&store, &old, None).await),
        Some(PrivacyErrorKind::WrongMasterKey)
    );
    Ok(())
}

pub async fn rotating_again_changes_nothing(store: SharedKeyStore) -> anyhow::Result<()> {
    let (old, new) = (master_key(1), master_key(2));
    let person = resident("110105")?;
    let sealed = Vault::new(store.clone(), &old)
        .seal(&person, "phone", b"13812345678")
        .await?;
    rotate_master_key(store.as_ref(), &old, &new, 100, |_| {}).await?;
    let rotated = key_table(&store).await?;

    let again = rotate_master_key(store.as_ref(), &old, &new, 100, |_| {}).await?;
    assert_eq!(
        (again.checked, again.rewrapped, again.already_current),
        (1, 0, 1)
    );
    assert_eq!(key_table(&store).await?, rotated);
    assert_eq!(
        service_vault(&store, &new, None)
            .await?
            .open(&person.id, "phone", &sealed)
            .await?,
        Opened::Plain(b"13812345678".to_vec())
    );
    Ok(())
}

pub async fn a_wrong_previous_key_is_refused_and_changes_nothing(
    store: SharedKeyStore,
) -> anyhow::Result<()> {
    let (old, new, wrong) = (master_key(1), master_key(2), master_key(3));
    let vault = Vault::new(store.clone(), &old);
    for _ in 0..3 {
        vault.seal(&resident("110105")?, "phone", b"1").await?;
    }
    let untouched = key_table(&store).await?;

    let refused = rotate_master_key(store.as_ref(), &wrong, &new, 2, |_| {}).await;
    let message = refused
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert_eq!(kind(refused), Some(PrivacyErrorKind::WrongMasterKey));
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(key_table(&store).await?, untouched);
    assert_eq!(untouched.1, None);
    Ok(())
}

pub async fn services_holding_both_keys_serve_during_the_rotation(
    store: SharedKeyStore,
) -> anyhow::Result<()> {
    let (old, new) = (master_key(1), master_key(2));
    let early = resident("110105")?;
    let early_sealed = Vault::new(store.clone(), &old)
        .seal(&early, "phone", b"1")
        .await?;
    let during = service_vault(&store, &new, Some(&old)).await?;
    assert_eq!(
        during.open(&early.id, "phone", &early_sealed).await?,
        Opened::Plain(b"1".to_vec())
    );
    let late = resident("110105")?;
    let late_sealed = during.seal(&late, "phone", b"2").await?;

    let done = rotate_master_key(store.as_ref(), &old, &new, 10, |_| {}).await?;
    assert_eq!((done.rewrapped, done.already_current), (1, 1));
    assert_eq!(
        during.open(&early.id, "phone", &early_sealed).await?,
        Opened::Plain(b"1".to_vec())
    );
    let after = service_vault(&store, &new, None).await?;
    assert_eq!(
        after.open(&early.id, "phone", &early_sealed).await?,
        Opened::Plain(b"1".to_vec())
    );
    assert_eq!(
        after.open(&late.id, "phone", &late_sealed).await?,
        Opened::Plain(b"2".to_vec())
    );
    Ok(())
}

pub async fn a_batch_swap_skips_keys_changed_meanwhile(
    store: SharedKeyStore,
) -> anyhow::Result<()> {
    let vault = Vault::new(store.clone(), &master_key(1));
    let (kept, erased) = (resident("110105")?, resident("110105")?);
    vault.seal(&kept, "phone", b"1").await?;
    vault.seal(&erased, "phone", b"2").await?;
    let read = store.active_after(None, 10).await?;
    vault.erase(&erased).await?;

    let replacements: Vec<KeyReplacement> = read
        .into_iter()
        .map(|(subject, current)| KeyReplacement {
            replacement: vec![9; current.len()],
            subject,
            current,
        })
        .collect();
    let replaced = store.replace_wrapped_keys(&replacements).await?;
    assert_eq!(replaced, vec![kept.id.clone()]);
    assert!(
        store
            .active_after(None, 10)
            .await?
            .iter()
            .all(|(s, _)| *s == kept.id)
    );
    assert!(vault.is_erased(&erased.id).await?, "the erasure won");
    assert_eq!(
        store.replace_wrapped_keys(&replacements).await?,
        vec![],
        "a second swap finds nothing unchanged"
    );
    Ok(())
}
