//! One way for the operating commands to reach NATS: credentials from the
//! URL, and errors that name the server without its secret.

use anyhow::Context;

fn options(url: &str) -> anyhow::Result<async_nats::ConnectOptions> {
    gongzhi_bus::connect_options(url)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("bad nats url {}", gongzhi_bus::redacted(url)))
}

/// Connects once; an unreachable server is an error now.
pub async fn connect(url: &str) -> anyhow::Result<async_nats::Client> {
    options(url)?.connect(url).await.with_context(|| {
        format!(
            "failed to connect to nats at {}",
            gongzhi_bus::redacted(url)
        )
    })
}

/// Connects, retrying in the background until the server answers.
pub async fn connect_retrying(url: &str) -> anyhow::Result<async_nats::Client> {
    options(url)?
        .retry_on_initial_connect()
        .connect(url)
        .await
        .with_context(|| {
            format!(
                "failed to connect to nats at {}",
                gongzhi_bus::redacted(url)
            )
        })
}
