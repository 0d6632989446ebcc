//! An event stored in an old shape is read back in the current one.
//!
//! The old shape is a plausible history of `NoticePublished`: before schema
//! version 1 it carried title and body as one `text` field (3, "title\n\nbody")
//! and the publisher in field 4. Such an event is written as those bytes
//! with metadata that predates `schema_version` (the key is removed in the
//! database, as metadata written then looked). A store given the upcaster
//! returns it as a current `NoticePublished`, through every read path, and
//! the platform's own codec decodes it.

use crate::support::pg::fresh_database;
use futures::StreamExt;
use gongzhi_eventstore::{
    AllFilter, Direction, EventData, EventMetadata, EventStore, ExpectedRevision,
    PostgresEventStore, ReadFrom, StreamName, Upcasters,
};
use gongzhi_kernel::event::CURRENT_SCHEMA_VERSION;
use gongzhi_kernel::{DistrictCode, EventCodec, Upcaster};
use gongzhi_platform::domain::NoticeEvent;
use gongzhi_proto::gongzhi::platform::v1 as pb;
use prost::Message;

const NOTICE_PUBLISHED: &str = "gongzhi.platform.v1.NoticePublished";

/// `NoticePublished` as schema version 0 wrote it.
#[derive(Clone, PartialEq, prost::Message)]
struct NoticePublishedV0 {
    #[prost(string, tag = "1")]
    notice_id: String,
    #[prost(string, tag = "2")]
    district: String,
    #[prost(string, tag = "3")]
    text: String,
    #[prost(string, tag = "4")]
    published_by: String,
}

fn notice_published_from_v0(payload: &[u8]) -> Result<Vec<u8>, String> {
    let old = NoticePublishedV0::decode(payload).map_err(|e| e.to_string())?;
    let (title, body) = old.text.split_once("\n\n").unwrap_or((&old.text, ""));
    Ok(pb::NoticePublished {
        notice_id: old.notice_id,
        district: old.district,
        title: title.to_owned(),
        body: body.to_owned(),
        published_by: old.published_by,
    }
    .encode_to_vec())
}

fn upcasters() -> Upcasters {
    Upcasters::new(vec![Upcaster {
        event_type: NOTICE_PUBLISHED,
        from_version: 0,
        upcast: notice_published_from_v0,
    }])
}

#[tokio::test]
async fn an_event_in_an_old_shape_is_read_in_the_current_one() -> anyhow::Result<()> {
    let database = fresh_database().await?;
    let writer = PostgresEventStore::connect(&database.url).await?;
    writer.migrate().await?;

    let stream = StreamName::parse("notice-0b6f1e0e")?;
    let old_payload = NoticePublishedV0 {
        notice_id: "0b6f1e0e".into(),
        district: "500108".into(),
        text: "Water cut\n\nNo water on Friday 9:00-12:00.".into(),
        published_by: "staff-1".into(),
    }
    .encode_to_vec();
    let event_id = uuid::Uuid::now_v7();
    let mut metadata = EventMetadata::new(Some(DistrictCode::parse("500108")?), "staff-1");
    metadata.schema_version = 0;
    writer
        .append(
            &stream,
            ExpectedRevision::NoStream,
            vec![EventData {
                event_id,
                event_type: NOTICE_PUBLISHED.into(),
                payload: old_payload.clone(),
                metadata,
            }],
        )
        .await?;
    let stripped = sqlx::query(
        "UPDATE eventstore.events SET metadata = metadata - 'schema_version' WHERE event_id = $1",
    )
    .bind(event_id)
    .execute(&database.pool)
    .await?;
    assert_eq!(stripped.rows_affected(), 1);

    // Without the upcaster the old bytes come back as stored.
    let raw = writer
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].payload, old_payload);

    let expected = pb::NoticePublished {
        notice_id: "0b6f1e0e".into(),
        district: "500108".into(),
        title: "Water cut".into(),
        body: "No water on Friday 9:00-12:00.".into(),
        published_by: "staff-1".into(),
    };
    let store = PostgresEventStore::connect(&database.url)
        .await?
        .with_upcasters(upcasters());
    let by_stream = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    let by_all = store.read_all(0, &AllFilter::default(), 10).await?;
    let by_id = store.find_event(event_id).await?;
    let mut subscription = store.subscribe_all(0, AllFilter::default());
    let by_subscription =
        tokio::time::timeout(std::time::Duration::from_secs(20), subscription.next()).await?;
    let read = [
        by_stream.into_iter().next(),
        by_all.into_iter().next(),
        by_id,
        by_subscription.transpose()?,
    ];
    for event in read {
        let event = event.ok_or_else(|| anyhow::anyhow!("the old event was not read"))?;
        assert_eq!(event.event_id, event_id);
        assert_eq!(event.metadata.schema_version, CURRENT_SCHEMA_VERSION);
        assert_eq!(
            NoticeEvent::decode(&event.event_type, &event.payload)?,
            NoticeEvent::Published(expected.clone())
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_old_event_that_cannot_be_upcast_is_a_corrupt_read() -> anyhow::Result<()> {
    let database = fresh_database().await?;
    let store = PostgresEventStore::connect(&database.url)
        .await?
        .with_upcasters(upcasters());
    store.migrate().await?;
    let stream = StreamName::parse("notice-bad")?;
    let mut metadata = EventMetadata::new(None, "staff-1");
    metadata.schema_version = 0;
    store
        .append(
            &stream,
            ExpectedRevision::NoStream,
            vec![EventData {
                event_id: uuid::Uuid::now_v7(),
                event_type: NOTICE_PUBLISHED.into(),
                payload: vec![0xff, 0xff, 0xff],
                metadata,
            }],
        )
        .await?;
    let read = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await;
    assert!(matches!(
        read.map_err(|e| e.kind()),
        Err(gongzhi_eventstore::StoreErrorKind::Corrupt)
    ));
    Ok(())
}
