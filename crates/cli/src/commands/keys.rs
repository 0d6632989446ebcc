//! `gongzhi keys rotate`: re-wraps every person's data key under a new
//! master key (see `gongzhi_privacy::rotation`), with a progress bar. Key
//! values come from the environment or flags and are never printed.

use crate::args::RotateKeysArgs;
use anyhow::Context;
use gongzhi_privacy::{KeyStore, MasterKey, PostgresKeyStore, rotate_master_key};
use indicatif::{ProgressBar, ProgressStyle};

pub async fn rotate(args: RotateKeysArgs) -> anyhow::Result<()> {
    let next = MasterKey::from_base64(&args.master_key)
        .context("GONGZHI_MASTER_KEY (--master-key) is not a base64 32-byte key")?;
    let previous = MasterKey::from_base64(&args.previous_master_key).context(
        "GONGZHI_PREVIOUS_MASTER_KEY (--previous-master-key) is not a base64 32-byte key",
    )?;
    if next.expose_base64() == previous.expose_base64() {
        anyhow::bail!("the new and the previous master key are the same key");
    }
    let store = PostgresKeyStore::connect(&args.database_url)
        .await
        .context("failed to connect to the key store")?;
    store
        .migrate()
        .await
        .context("failed to migrate the key store")?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} keys ({per_sec}, eta {eta})",
        )
        .context("bad progress template")?
        .progress_chars("=> "),
    );
    bar.set_message("re-wrapping");
    let done = rotate_master_key(&store, &previous, &next, args.batch_size, |progress| {
        bar.set_length(progress.total);
        bar.set_position(progress.checked);
    })
    .await
    .context("master key rotation stopped")?;
    bar.finish_with_message("re-wrapped");
    println!(
        "{} key(s): {} re-wrapped, {} already under the new key, {} erased or changed meanwhile",
        done.checked, done.rewrapped, done.already_current, done.skipped
    );
    println!(
        "every data key and the index key are now under the new master key; \
         restart the services with GONGZHI_MASTER_KEY = the new key and without GONGZHI_PREVIOUS_MASTER_KEY"
    );
    Ok(())
}
