//! Stream replicas against the single local nats-server (no cluster): one
//! replica works; more are refused with a message naming the setting, the
//! relay stops instead of retrying forever, and no stream is created.

use super::{CONTEXT, event_data, pg_store};
use crate::support::nats::{connect, shared_nats_url, unique_prefix};
use async_nats::jetstream;
use gongzhi_bus::{
    BusTopology, Relay, RelayConfig, RelayErrorKind, TopologyError, TopologyErrorKind,
};
use gongzhi_eventstore::{ExpectedRevision, StreamName};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

fn topology(replicas: usize) -> BusTopology {
    BusTopology {
        stream_replicas: replicas,
        ..BusTopology::with_prefix(&unique_prefix())
    }
}

async fn stream_exists(jetstream: &jetstream::Context, name: &str) -> anyhow::Result<bool> {
    match jetstream.get_stream(name).await {
        Ok(_) => Ok(true),
        Err(error) => match error.kind() {
            jetstream::context::GetStreamErrorKind::JetStream(inner)
                if inner.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND =>
            {
                Ok(false)
            }
            _ => Err(error.into()),
        },
    }
}

#[tokio::test]
async fn one_replica_is_created_with_one_replica() -> anyhow::Result<()> {
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    let topology = topology(1);
    let info = topology.ensure_context_stream(&jetstream, CONTEXT).await?;
    assert_eq!(info.config.num_replicas, 1);
    jetstream.delete_stream(&info.config.name).await?;
    Ok(())
}

#[tokio::test]
async fn more_replicas_than_servers_are_refused_clearly() -> anyhow::Result<()> {
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    let topology = topology(3);
    let name = topology.context_stream_name(CONTEXT);
    let error = topology
        .ensure_context_stream(&jetstream, CONTEXT)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("3 replicas on one server must be refused"))?;
    assert!(
        matches!(&error, TopologyError::ReplicasNotSupported { stream, replicas: 3 } if *stream == name),
        "{error:?}"
    );
    assert_eq!(error.kind(), TopologyErrorKind::InvalidConfig);
    let message = error.to_string();
    assert!(
        message.contains("GONGZHI_STREAM_REPLICAS") && message.contains("not clustered"),
        "{message}"
    );
    assert!(!stream_exists(&jetstream, &name).await?, "nothing created");
    Ok(())
}

#[tokio::test]
async fn a_relay_asked_for_replicas_the_server_cannot_hold_stops() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    let stream = StreamName::new("thing", Uuid::new_v4())?;
    store
        .append(&stream, ExpectedRevision::NoStream, vec![event_data(0)?])
        .await?;
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    let mut config = RelayConfig::for_context(CONTEXT);
    config.topology = topology(3);
    let dlq = config.topology.dlq_stream_name();
    let relay = Relay::new(store, jetstream.clone(), config);
    // Returns rather than retrying: a guard only against a hang.
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        relay.run(CancellationToken::new()),
    )
    .await?;
    let error = result
        .err()
        .ok_or_else(|| anyhow::anyhow!("the relay must stop on an impossible replica count"))?;
    assert_eq!(error.kind(), RelayErrorKind::InvalidConfig);
    assert!(
        error.to_string().contains("GONGZHI_STREAM_REPLICAS"),
        "{error}"
    );
    assert!(!stream_exists(&jetstream, &dlq).await?, "nothing created");
    Ok(())
}
