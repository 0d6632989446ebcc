//! TLS to PostgreSQL: the `sslmode`/`sslrootcert` of `GONGZHI_DATABASE_URL`
//! reach every connection a serving process opens (event store, read
//! models, appliers, the checkpoint listener), and a server certificate that
//! does not name the host stops the start instead of falling back.
//!
//! Uses the server's own certificate as the root: Debian's PostgreSQL serves
//! the self-signed `ssl-cert-snakeoil` certificate (CN and SAN `localhost`).

use super::{SECRET, authorized, list, publish, token};
use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, start_serve};
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const SERVER_CERT: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

fn config(database_url: String, prefix: &str) -> anyhow::Result<ServeConfig> {
    Ok(ServeConfig {
        services: vec![ServiceName::Platform],
        database_url,
        nats_url: shared_nats_url(),
        subject_prefix: prefix.to_owned(),
        listen: "127.0.0.1:0".parse()?,
        http_listen: "127.0.0.1:0".parse()?,
        jwt_secret: SECRET.to_vec(),
        master_key: None,
        max_wait: Duration::from_secs(5),
        drain_timeout: Duration::from_secs(5),
        consumer_prefix: prefix.to_owned(),
        stream_replicas: 1,
        esdb: None,
    })
}

/// The test database's URL with the host and TLS settings replaced.
fn url_with(db: &TestDb, host: &str, query: &str) -> String {
    format!("postgres://postgres@{host}:5432/{}?{query}", db.name)
}

/// (connections to the test database, of which encrypted), other than the
/// one asking (the test's pool is only used one query at a time).
async fn connections(db: &TestDb) -> anyhow::Result<(i64, i64)> {
    let (all, encrypted): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE s.ssl) \
         FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
         WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
    )
    .bind(&db.name)
    .fetch_one(&db.pool)
    .await?;
    Ok((all, encrypted))
}

async fn require_server_tls(db: &TestDb) -> anyhow::Result<()> {
    let ssl: String = sqlx::query_scalar("SHOW ssl").fetch_one(&db.pool).await?;
    anyhow::ensure!(
        ssl == "on",
        "this PostgreSQL has ssl = {ssl}; the TLS tests need Debian's default (ssl on, snakeoil certificate)"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_of_a_serving_process_is_verified_tls() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    require_server_tls(&db).await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let url = url_with(
        &db,
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={SERVER_CERT}"),
    );
    let started = start_serve(config(url, &prefix)?, shutdown.clone()).await?;

    // A command read back through the relay, a consumer, an applier and the
    // read-your-writes wait: every kind of connection has been used.
    let mut client = NoticeServiceClient::connect(format!("http://{}", started.addr)).await?;
    let token = token(&[super::DISTRICT])?;
    let published = client
        .publish_notice(authorized(publish("tls-1", "over TLS"), &token)?)
        .await?
        .into_inner();
    let position = published
        .receipt
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?
        .position;
    let listed = client
        .list_notices(authorized(list(position), &token)?)
        .await?
        .into_inner();
    assert!(
        listed
            .notices
            .iter()
            .any(|n| n.notice_id == published.notice_id)
    );

    let (all, encrypted) = connections(&db).await?;
    assert!(all >= 3, "store, read models and listener connect: {all}");
    assert_eq!(encrypted, all, "every connection of the process is TLS");
    shutdown.cancel();
    started.task.await??;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_not_naming_the_host_stops_the_start() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    require_server_tls(&db).await?;
    let prefix = unique_prefix();
    // The certificate names `localhost`, not the address.
    let url = url_with(
        &db,
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={SERVER_CERT}"),
    );
    let started = start_serve(config(url, &prefix)?, CancellationToken::new()).await;
    let error = match started {
        Ok(_) => anyhow::bail!("started against a certificate for another host"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("certificate"), "{error}");
    assert_eq!(connections(&db).await?, (0, 0), "nothing stayed connected");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_disable_is_plain_text() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    require_server_tls(&db).await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let started = start_serve(
        config(url_with(&db, "localhost", "sslmode=disable"), &prefix)?,
        shutdown.clone(),
    )
    .await?;
    let (all, encrypted) = connections(&db).await?;
    assert!(all >= 1, "the process is connected");
    assert_eq!(encrypted, 0, "sslmode=disable is honoured");
    shutdown.cancel();
    started.task.await??;
    Ok(())
}
