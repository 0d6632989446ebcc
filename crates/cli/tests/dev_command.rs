//! The real `gongzhi dev` binary: starts with no external services, answers
//! a gRPC health check, and stops cleanly on SIGTERM.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn gongzhi_dev_answers_health_and_stops_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongzhi"))
        .args([
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--http-listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();

    // The banner names the bound address: "gongzhi dev: every service on ADDR (...)".
    let addr = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("gongzhi dev: every service on ") {
                return Ok(rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned());
            }
        }
        anyhow::bail!("gongzhi dev exited before it listened")
    })
    .await??;

    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let mut health = HealthClient::new(channel);
    let answer = health
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await?
        .into_inner();
    assert_eq!(answer.status(), ServingStatus::Serving);

    let pid = child
        .id()
        .ok_or_else(|| anyhow::anyhow!("child has no pid"))?;
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await?;
    assert!(killed.success());
    let status = tokio::time::timeout(PATIENCE, child.wait()).await??;
    assert!(status.success(), "gongzhi dev exited with {status}");
    let mut stopped = false;
    while let Some(line) = lines.next_line().await? {
        stopped |= line.contains("gongzhi dev: stopped");
    }
    assert!(stopped, "gongzhi dev did not report a clean stop");
    Ok(())
}
