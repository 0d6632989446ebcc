//! Two `serve platform` replicas over one database and one durable consumer,
//! as the Kubernetes manifests run them: a query right after a command,
//! sent to either replica, reads its write, whichever replica's consumer
//! applied the event. Before the wait listened for other processes'
//! checkpoints, about half of these queries ran into the max wait instead
//! (59 of 120), and this test failed at its second round.

use super::{SECRET, authorized, list, publish, token};
use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::fresh_database;
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, Started, start_serve};
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const ROUNDS: usize = 120;

fn config(database_url: &str, prefix: &str) -> anyhow::Result<ServeConfig> {
    Ok(ServeConfig {
        services: vec![ServiceName::Platform],
        database_url: database_url.to_owned(),
        nats_url: shared_nats_url(),
        subject_prefix: prefix.to_owned(),
        listen: "127.0.0.1:0".parse()?,
        http_listen: "127.0.0.1:0".parse()?,
        jwt_secret: SECRET.to_vec(),
        master_key: None,
        // Far beyond any wakeup: a query reaching it was never woken.
        max_wait: Duration::from_secs(10),
        drain_timeout: Duration::from_secs(5),
        // The same durable consumers for both, as replicas of one Deployment.
        consumer_prefix: prefix.to_owned(),
        stream_replicas: 1,
        esdb: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_query_reads_its_write_whichever_replica_applied_it() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let mut replicas: Vec<Started> = Vec::new();
    for _ in 0..2 {
        replicas.push(start_serve(config(&db.url, &prefix)?, shutdown.clone()).await?);
    }
    let mut clients = Vec::new();
    for replica in &replicas {
        clients.push(NoticeServiceClient::connect(format!("http://{}", replica.addr)).await?);
    }
    let token = token(&[super::DISTRICT])?;
    for round in 0..ROUNDS {
        // Command on one replica, query on the other, then the same one.
        let (writer, reader) = (round % 2, (round / 2) % 2);
        let published = clients[writer]
            .publish_notice(authorized(
                publish(&format!("req-{round}"), &format!("notice {round}")),
                &token,
            )?)
            .await?
            .into_inner();
        let position = published
            .receipt
            .ok_or_else(|| anyhow::anyhow!("no receipt"))?
            .position;
        let listed = clients[reader]
            .list_notices(authorized(list(position), &token)?)
            .await
            .map_err(|status| {
                anyhow::anyhow!("round {round}: query on replica {reader} failed: {status:?}")
            })?
            .into_inner();
        assert!(
            listed
                .notices
                .iter()
                .any(|n| n.notice_id == published.notice_id),
            "round {round}: the query reads its write"
        );
    }
    shutdown.cancel();
    for replica in replicas {
        replica.task.await??;
    }
    Ok(())
}
