//! The same registry in `gongzhi dev`: SQLite, in-process delivery, a
//! generated master key, no NATS or PostgreSQL.

use super::*;
use gongzhi_cli::runtime::{DevConfig, start_dev};

#[tokio::test]
async fn the_embedded_mode_registers_and_reads_back() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let mut client = ResidentServiceClient::connect(format!("http://{}", dev.started.addr)).await?;
    let registered = client
        .register_resident(authorized(registration("dev-1"), &dev.token)?)
        .await?
        .into_inner();
    let position = registered.receipt.map_or(0, |r| r.position);
    let request = pb::GetResidentRequest {
        district: DISTRICT.into(),
        resident_id: registered.resident_id,
        min_position: position,
    };
    let found = client
        .get_resident(authorized(request, &dev.token)?)
        .await?
        .into_inner()
        .resident
        .ok_or_else(|| anyhow::anyhow!("no resident"))?;
    assert_eq!(
        (found.name.as_str(), found.id_number.as_str()),
        (NAME, ID_NUMBER),
        "the dev token is city-wide and sees clear data"
    );
    shutdown.cancel();
    dev.started.task.await?
}
