//! The real KurrentDB client (crates.io `kurrentdb`) against `gongzhi`'s
//! EventStoreDB surface: appends with every expected-revision kind, the
//! wrong-expected-version error, idempotent retries, reads both ways,
//! `$all`, live subscriptions, and the guards (read-only by default,
//! districts, tokens, Gongzhi's own streams).

mod support;

use kurrentdb::{
    AppendToStreamOptions, Client, CurrentRevision, DeleteStreamOptions, EventData, ReadAllOptions,
    ReadStreamOptions, ResolvedEvent, StreamPosition, StreamState, SubscribeToAllOptions,
    SubscribeToStreamOptions, Subscription, SubscriptionEvent, TombstoneStreamOptions,
};
use support::{PATIENCE, Server, TestResult, WRITER_ROLE, Writes, stream};

const DISTRICT: &str = "500108";
const OTHER_DISTRICT: &str = "500103";

fn event(event_type: &str, n: u32) -> Result<EventData, serde_json::Error> {
    Ok(EventData::json(event_type, &serde_json::json!({ "n": n }))?.id(uuid::Uuid::new_v4()))
}

fn writer(server: &Server) -> Result<Client, support::Error> {
    server.client(&[WRITER_ROLE], &[DISTRICT])
}

async fn collect(mut read: kurrentdb::ReadStream) -> kurrentdb::Result<Vec<ResolvedEvent>> {
    let mut events = Vec::new();
    while let Some(event) = read.next().await? {
        events.push(event);
    }
    Ok(events)
}

fn revisions(events: &[ResolvedEvent]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e.get_original_event().revision)
        .collect()
}

async fn append(
    client: &Client,
    stream: &str,
    state: StreamState,
    events: Vec<EventData>,
) -> kurrentdb::Result<kurrentdb::WriteResult> {
    let options = AppendToStreamOptions::default().stream_state(state);
    client.append_to_stream(stream, &options, events).await
}

/// Waits (bounded) until the subscription has confirmed: from then on the
/// server has fixed its starting point, so an append is sure to be seen.
async fn confirmed(subscription: &mut Subscription) -> TestResult {
    loop {
        let next = tokio::time::timeout(PATIENCE, subscription.next_subscription_event()).await??;
        if let SubscriptionEvent::Confirmed(_) = next {
            return Ok(());
        }
    }
}

async fn next_event(subscription: &mut Subscription) -> Result<ResolvedEvent, support::Error> {
    Ok(tokio::time::timeout(PATIENCE, subscription.next()).await??)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_with_every_expected_revision_kind_and_reads_back() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let name = stream("order");

    let first = append(
        &client,
        &name,
        StreamState::NoStream,
        vec![event("Placed", 0)?, event("Paid", 1)?],
    )
    .await?;
    assert_eq!(first.next_expected_version, 1);
    let second = append(
        &client,
        &name,
        StreamState::StreamExists,
        vec![event("Packed", 2)?],
    )
    .await?;
    assert_eq!(second.next_expected_version, 2);
    assert!(second.position.commit > first.position.commit);
    let third = append(
        &client,
        &name,
        StreamState::StreamRevision(2),
        vec![event("Shipped", 3)?],
    )
    .await?;
    assert_eq!(third.next_expected_version, 3);
    let fourth = append(
        &client,
        &name,
        StreamState::Any,
        vec![event("Delivered", 4)?],
    )
    .await?;
    assert_eq!(fourth.next_expected_version, 4);

    let wrong = append(
        &client,
        &name,
        StreamState::StreamRevision(1),
        vec![event("Late", 5)?],
    )
    .await;
    match wrong {
        Err(kurrentdb::Error::WrongExpectedVersion { expected, current }) => {
            assert_eq!(expected, StreamState::StreamRevision(1));
            assert_eq!(current, CurrentRevision::Current(4));
        }
        other => panic!("expected a wrong expected version, got {other:?}"),
    }
    let missing = append(
        &client,
        &stream("order"),
        StreamState::StreamExists,
        vec![event("X", 0)?],
    )
    .await;
    assert!(matches!(
        missing,
        Err(kurrentdb::Error::WrongExpectedVersion {
            current: CurrentRevision::NoStream,
            ..
        })
    ));

    let forwards = collect(
        client
            .read_stream(name.as_str(), &ReadStreamOptions::default())
            .await?,
    )
    .await?;
    assert_eq!(revisions(&forwards), [0, 1, 2, 3, 4]);
    let first_event = forwards[0].get_original_event();
    assert_eq!(first_event.event_type, "Placed");
    assert!(first_event.is_json);
    assert_eq!(
        first_event.as_json::<serde_json::Value>()?,
        serde_json::json!({ "n": 0 })
    );
    assert_eq!(first_event.stream_id(), name);
    let custom: serde_json::Value = serde_json::from_slice(&first_event.custom_metadata)?;
    assert_eq!(custom["district"], DISTRICT);
    assert_eq!(custom["actor"], "kurrentdb-test");

    let backwards = ReadStreamOptions::default()
        .backwards()
        .position(StreamPosition::End)
        .max_count(3);
    let backwards = collect(client.read_stream(name.as_str(), &backwards).await?).await?;
    assert_eq!(revisions(&backwards), [4, 3, 2]);
    let from_two = ReadStreamOptions::default()
        .position(StreamPosition::Position(2))
        .max_count(2);
    assert_eq!(
        revisions(&collect(client.read_stream(name.as_str(), &from_two).await?).await?),
        [2, 3]
    );

    let not_found = client
        .read_stream(stream("order").as_str(), &ReadStreamOptions::default())
        .await?;
    assert!(matches!(
        collect(not_found).await,
        Err(kurrentdb::Error::ResourceNotFound)
    ));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_append_with_the_same_ids_is_stored_once() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let name = stream("invoice");
    let batch = vec![event("Issued", 0)?, event("Sent", 1)?];
    let first = append(&client, &name, StreamState::NoStream, batch.clone()).await?;
    let retried = append(&client, &name, StreamState::NoStream, batch).await?;
    assert_eq!(retried.next_expected_version, first.next_expected_version);
    assert_eq!(retried.position, first.position);
    let stored = collect(
        client
            .read_stream(name.as_str(), &ReadStreamOptions::default())
            .await?,
    )
    .await?;
    assert_eq!(revisions(&stored), [0, 1]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_all_forwards_and_backwards() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let (a, b) = (stream("order"), stream("invoice"));
    append(
        &client,
        &a,
        StreamState::NoStream,
        vec![event("Placed", 0)?],
    )
    .await?;
    append(
        &client,
        &b,
        StreamState::NoStream,
        vec![event("Issued", 0)?],
    )
    .await?;
    append(
        &client,
        &a,
        StreamState::StreamExists,
        vec![event("Paid", 1)?],
    )
    .await?;

    let forwards = collect(client.read_all(&ReadAllOptions::default()).await?).await?;
    let streams: Vec<String> = forwards
        .iter()
        .map(|e| e.get_original_event().stream_id().to_owned())
        .collect();
    assert_eq!(streams, [a.clone(), b.clone(), a.clone()]);
    let positions: Vec<u64> = forwards
        .iter()
        .map(|e| e.get_original_event().position.commit)
        .collect();
    assert!(positions.windows(2).all(|w| w[1] > w[0]));

    let backwards = ReadAllOptions::default()
        .backwards()
        .position(StreamPosition::End)
        .max_count(2);
    let backwards = collect(client.read_all(&backwards).await?).await?;
    let newest: Vec<u64> = backwards
        .iter()
        .map(|e| e.get_original_event().position.commit)
        .collect();
    assert_eq!(newest, [positions[2], positions[1]]);

    let only_invoices = ReadAllOptions::default()
        .filter(kurrentdb::SubscriptionFilter::on_stream_name().add_prefix("invoice-"));
    let only_invoices = collect(client.read_all(&only_invoices).await?).await?;
    assert_eq!(only_invoices.len(), 1);
    assert_eq!(only_invoices[0].get_original_event().stream_id(), b);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_receive_events_appended_after_subscribing() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let name = stream("order");
    append(
        &client,
        &name,
        StreamState::NoStream,
        vec![event("Placed", 0)?],
    )
    .await?;

    let mut to_stream = client
        .subscribe_to_stream(
            name.as_str(),
            &SubscribeToStreamOptions::default().start_from(StreamPosition::Start),
        )
        .await;
    let mut to_all = client
        .subscribe_to_all(&SubscribeToAllOptions::default().position(StreamPosition::End))
        .await;
    confirmed(&mut to_stream).await?;
    confirmed(&mut to_all).await?;
    // Caught up: the stored event comes first on the stream subscription.
    assert_eq!(
        next_event(&mut to_stream)
            .await?
            .get_original_event()
            .revision,
        0
    );

    let live = event("Paid", 1)?;
    append(&client, &name, StreamState::StreamRevision(0), vec![live]).await?;
    let from_stream = next_event(&mut to_stream).await?;
    assert_eq!(from_stream.get_original_event().revision, 1);
    assert_eq!(from_stream.get_original_event().event_type, "Paid");
    let from_all = next_event(&mut to_all).await?;
    assert_eq!(from_all.get_original_event().stream_id(), name);
    assert_eq!(
        from_all.get_original_event().id,
        from_stream.get_original_event().id
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_server_refuses_appends_and_still_serves_reads() -> TestResult {
    let server = Server::start(Writes::Off)?;
    let client = server.client(&[WRITER_ROLE, "city_admin"], &[DISTRICT])?;
    let refused = append(
        &client,
        &stream("order"),
        StreamState::Any,
        vec![event("Placed", 0)?],
    )
    .await;
    assert!(
        matches!(refused, Err(kurrentdb::Error::AccessDenied)),
        "{refused:?}"
    );
    let everything = collect(client.read_all(&ReadAllOptions::default()).await?).await?;
    assert!(
        everything.is_empty(),
        "the refused append wrote {everything:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gongzhi_streams_and_event_types_are_not_writable() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = server.client(&[WRITER_ROLE, "city_admin"], &[DISTRICT])?;
    let owned = append(
        &client,
        &stream("resident"),
        StreamState::Any,
        vec![event("Registered", 0)?],
    )
    .await;
    assert!(
        matches!(owned, Err(kurrentdb::Error::AccessDenied)),
        "{owned:?}"
    );
    let reserved = append(
        &client,
        &stream("order"),
        StreamState::Any,
        vec![event("gongzhi.residents.v1.ResidentRegistered", 0)?],
    )
    .await;
    assert!(
        matches!(reserved, Err(kurrentdb::Error::AccessDenied)),
        "{reserved:?}"
    );
    let reader = server.client(&[], &[DISTRICT])?;
    let without_role = append(
        &reader,
        &stream("order"),
        StreamState::Any,
        vec![event("Placed", 0)?],
    )
    .await;
    assert!(
        matches!(without_role, Err(kurrentdb::Error::AccessDenied)),
        "{without_role:?}"
    );
    let everything = collect(client.read_all(&ReadAllOptions::default()).await?).await?;
    assert!(
        everything.is_empty(),
        "a refused append wrote {everything:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_districts_and_missing_tokens_see_nothing() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let name = stream("order");
    append(
        &client,
        &name,
        StreamState::NoStream,
        vec![event("Placed", 0)?],
    )
    .await?;

    let neighbour = server.client(&[], &[OTHER_DISTRICT])?;
    let read = neighbour
        .read_stream(name.as_str(), &ReadStreamOptions::default())
        .await?;
    assert!(matches!(
        collect(read).await,
        Err(kurrentdb::Error::AccessDenied)
    ));
    let all = collect(neighbour.read_all(&ReadAllOptions::default()).await?).await?;
    assert!(all.is_empty(), "another district saw {all:?}");
    let mut subscription = neighbour
        .subscribe_to_stream(name.as_str(), &SubscribeToStreamOptions::default())
        .await;
    let denied = tokio::time::timeout(PATIENCE, subscription.next()).await?;
    assert!(
        matches!(denied, Err(kurrentdb::Error::AccessDenied)),
        "{denied:?}"
    );

    let city = server.client(&["city_admin"], &[])?;
    assert_eq!(
        collect(city.read_all(&ReadAllOptions::default()).await?)
            .await?
            .len(),
        1
    );

    let anonymous = server.anonymous_client()?;
    // Refused before the call starts, so the read itself fails.
    let read = anonymous.read_all(&ReadAllOptions::default()).await;
    assert!(
        matches!(read, Err(kurrentdb::Error::AccessDenied)),
        "{read:?}"
    );
    let refused = append(
        &anonymous,
        &stream("order"),
        StreamState::Any,
        vec![event("Placed", 0)?],
    )
    .await;
    assert!(
        matches!(refused, Err(kurrentdb::Error::AccessDenied)),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_hides_a_stream_and_a_tombstone_ends_it() -> TestResult {
    let server = Server::start(Writes::External)?;
    let client = writer(&server)?;
    let read = |name: String| {
        let client = client.clone();
        async move {
            collect(
                client
                    .read_stream(name.as_str(), &ReadStreamOptions::default())
                    .await?,
            )
            .await
        }
    };

    let soft = stream("order");
    append(
        &client,
        &soft,
        StreamState::NoStream,
        vec![event("Placed", 0)?, event("Paid", 1)?],
    )
    .await?;
    client
        .delete_stream(
            soft.as_str(),
            &DeleteStreamOptions::default().stream_state(StreamState::StreamRevision(1)),
        )
        .await?;
    assert!(matches!(
        read(soft.clone()).await,
        Err(kurrentdb::Error::ResourceNotFound)
    ));
    // Deleted, so "no stream" holds again; revisions go on where they were.
    let again = append(
        &client,
        &soft,
        StreamState::NoStream,
        vec![event("Placed", 2)?],
    )
    .await?;
    assert_eq!(again.next_expected_version, 2);
    assert_eq!(revisions(&read(soft.clone()).await?), [2]);
    let backwards = ReadStreamOptions::default()
        .backwards()
        .position(StreamPosition::End);
    let backwards = collect(client.read_stream(soft.as_str(), &backwards).await?).await?;
    assert_eq!(revisions(&backwards), [2]);

    let hard = stream("order");
    append(
        &client,
        &hard,
        StreamState::NoStream,
        vec![event("Placed", 0)?],
    )
    .await?;
    client
        .tombstone_stream(hard.as_str(), &TombstoneStreamOptions::default())
        .await?;
    assert!(matches!(
        read(hard.clone()).await,
        Err(kurrentdb::Error::ResourceDeleted)
    ));
    let refused = append(&client, &hard, StreamState::Any, vec![event("Paid", 1)?]).await;
    assert!(
        matches!(refused, Err(kurrentdb::Error::ResourceDeleted)),
        "{refused:?}"
    );

    let admin = server.client(&[WRITER_ROLE, "city_admin"], &[])?;
    let owned = admin
        .tombstone_stream(
            stream("resident").as_str(),
            &TombstoneStreamOptions::default(),
        )
        .await;
    assert!(
        matches!(owned, Err(kurrentdb::Error::AccessDenied)),
        "{owned:?}"
    );
    let neighbour = server.client(&[WRITER_ROLE], &[OTHER_DISTRICT])?;
    let foreign = neighbour
        .delete_stream(soft.as_str(), &DeleteStreamOptions::default())
        .await;
    assert!(
        matches!(foreign, Err(kurrentdb::Error::AccessDenied)),
        "{foreign:?}"
    );
    assert_eq!(revisions(&read(soft).await?), [2]);
    Ok(())
}
