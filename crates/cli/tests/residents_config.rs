//! The real `gongzhi dev` binary refuses to start with a residents config it
//! cannot use, and says which variable, district and rule are wrong.

use std::time::Duration;
use tokio::process::Command;

const PATIENCE: Duration = Duration::from_secs(60);

async fn start_with_config(json: &str) -> anyhow::Result<(bool, String)> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("residents.json");
    std::fs::write(&config, json)?;
    let output = tokio::time::timeout(
        PATIENCE,
        Command::new(env!("CARGO_BIN_EXE_gongzhi"))
            .args([
                "dev",
                "--listen",
                "127.0.0.1:0",
                "--http-listen",
                "127.0.0.1:0",
                "--data-dir",
            ])
            .arg(dir.path().join("data"))
            .env("GONGZHI_RESIDENTS_CONFIG", &config)
            .env_remove("GONGZHI_GRIDS_CONFIG")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .kill_on_drop(true)
            .output(),
    )
    .await??;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[tokio::test]
async fn an_unreachable_quorum_stops_the_start_with_a_clear_error() -> anyhow::Result<()> {
    let (started, stderr) =
        start_with_config(r#"{"districts": {"500108": {"meetings": {"quorum_share": "3/3"}}}}"#)
            .await?;
    assert!(
        !started,
        "gongzhi dev started with a quorum nobody can reach"
    );
    assert!(stderr.contains("GONGZHI_RESIDENTS_CONFIG"), "{stderr}");
    assert!(
        stderr.contains("quorum_share of district 500108"),
        "{stderr}"
    );
    Ok(())
}

#[tokio::test]
async fn a_config_that_is_not_json_stops_the_start() -> anyhow::Result<()> {
    let (started, stderr) = start_with_config("quorum = 1/2").await?;
    assert!(!started);
    assert!(
        stderr.contains("GONGZHI_RESIDENTS_CONFIG") && stderr.contains("not valid JSON"),
        "{stderr}"
    );
    Ok(())
}
