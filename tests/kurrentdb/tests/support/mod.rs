//! A real `gongzhi serve` with its EventStoreDB surface on a free port, over
//! a fresh PostgreSQL database, and KurrentDB clients for it.
//!
//! The binary is the workspace's `target/debug/gongzhi` (this crate builds
//! into the same target directory); `GONGZHI_BIN` overrides it. Readiness is
//! the server's own log line naming the bound address, not a sleep.

use kurrentdb::Client;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Bound on every wait for the server or for a subscription's next message.
pub const PATIENCE: Duration = Duration::from_secs(60);

const JWT_SECRET: &str = "kurrentdb-client-tests";
const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const READY_MESSAGE: &str = "serving the eventstoredb surface";

pub const WRITER_ROLE: &str = "eventstore_writer";

fn gongzhi_bin() -> Result<PathBuf, Error> {
    if let Some(path) = std::env::var_os("GONGZHI_BIN") {
        return Ok(PathBuf::from(path));
    }
    // <target>/debug/deps/<test binary> -> <target>/debug/gongzhi
    let exe = std::env::current_exe()?;
    let debug = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("test binary is not under <target>/debug/deps")?;
    let bin = debug.join(format!("gongzhi{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        return Err(format!(
            "{} is missing: run `cargo build -p gongzhi-cli` first (or set GONGZHI_BIN)",
            bin.display()
        )
        .into());
    }
    Ok(bin)
}

/// A database of its own on the test PostgreSQL server, dropped afterwards.
struct Database {
    server_url: String,
    name: String,
}

impl Database {
    fn create() -> Result<Self, Error> {
        let server_url = std::env::var("GONGZHI_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned());
        let name = format!("kurrentdb_{}", uuid::Uuid::new_v4().simple());
        psql(&server_url, &format!("CREATE DATABASE {name}"))?;
        Ok(Self { server_url, name })
    }

    fn url(&self) -> String {
        match self.server_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{}", self.name),
            None => format!("{}/{}", self.server_url, self.name),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let dropped = psql(
            &self.server_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        if let Err(error) = dropped {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

fn psql(url: &str, sql: &str) -> Result<(), Error> {
    let output = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .map_err(|e| format!("cannot run psql (PostgreSQL's client): {e}"))?;
    if !output.status.success() {
        return Err(format!("psql {sql:?}: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    Ok(())
}

/// Whether the surface accepts appends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    Off,
    External,
}

/// A running `gongzhi serve platform` with the surface; killed on drop.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    _database: Database,
}

impl Server {
    pub fn start(writes: Writes) -> Result<Self, Error> {
        let database = Database::create()?;
        let writes = match writes {
            Writes::Off => "off",
            Writes::External => "external",
        };
        let mut child = Command::new(gongzhi_bin()?)
            .args([
                "serve",
                "platform",
                "--listen",
                "127.0.0.1:0",
                "--http-listen",
                "127.0.0.1:0",
                "--esdb-listen",
                "127.0.0.1:0",
                "--esdb-writes",
                writes,
                "--log-json",
            ])
            .env("GONGZHI_DATABASE_URL", database.url())
            .env("GONGZHI_JWT_SECRET", JWT_SECRET)
            .env("RUST_LOG", "info")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let (ready_tx, ready_rx) = mpsc::channel();
        // Reads the log until the process ends: the address once it is
        // logged, and keeps the pipe drained so the server never blocks.
        std::thread::spawn(move || {
            let mut tail = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = ready_addr(&line) {
                    let _ = ready_tx.send(Ok(addr));
                }
                tail.push(line);
                if tail.len() > 40 {
                    tail.remove(0);
                }
            }
            let _ = ready_tx.send(Err(tail.join("\n")));
        });
        let addr = match ready_rx.recv_timeout(PATIENCE) {
            Ok(Ok(addr)) => addr,
            Ok(Err(log)) => {
                let _ = child.wait();
                return Err(format!("gongzhi exited before serving:\n{log}").into());
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("gongzhi did not start serving in time".into());
            }
        };
        Ok(Self {
            child,
            addr,
            _database: database,
        })
    }

    /// A client authenticated with a token for `roles` in `districts`.
    pub fn client(&self, roles: &[&str], districts: &[&str]) -> Result<Client, Error> {
        let token = self.token(roles, districts)?;
        let settings = format!("kurrentdb://tester:{token}@{}?tls=false", self.addr).parse()?;
        Ok(Client::new(settings)?)
    }

    /// A client that presents no credentials at all.
    pub fn anonymous_client(&self) -> Result<Client, Error> {
        let settings = format!("kurrentdb://{}?tls=false", self.addr).parse()?;
        Ok(Client::new(settings)?)
    }

    fn token(&self, roles: &[&str], districts: &[&str]) -> Result<String, Error> {
        let mut command = Command::new(gongzhi_bin()?);
        command
            .args([
                "token",
                "--subject",
                "kurrentdb-test",
                "--jwt-secret",
                JWT_SECRET,
            ])
            .stdin(Stdio::null());
        for role in roles {
            command.args(["--role", role]);
        }
        for district in districts {
            command.args(["--district", district]);
        }
        let output = command.output()?;
        if !output.status.success() {
            return Err(
                format!("gongzhi token: {}", String::from_utf8_lossy(&output.stderr)).into(),
            );
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in the surface's "serving" log line (JSON logs).
fn ready_addr(line: &str) -> Option<SocketAddr> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let fields = value.get("fields")?;
    if fields.get("message")?.as_str()? != READY_MESSAGE {
        return None;
    }
    fields.get("addr")?.as_str()?.parse().ok()
}

/// A stream name of `category` no other test uses.
pub fn stream(category: &str) -> String {
    format!("{category}-{}", uuid::Uuid::new_v4().simple())
}
