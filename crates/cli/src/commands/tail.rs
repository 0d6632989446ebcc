//! `gongzhi events tail`: live events from NATS, decoded from the CloudEvents
//! headers and the protobuf payload (by reflection, so every type prints).

use crate::args::TailArgs;
use anyhow::{Context, bail};
use futures::StreamExt;
use gongzhi_bus::cloudevents;
use gongzhi_kernel::DistrictCode;
use gongzhi_platform::grpc::payload_json::payload_json;

pub async fn run(args: TailArgs) -> anyhow::Result<()> {
    let prefix = &args.nats.subject_prefix;
    let subject = match &args.district {
        Some(district) => {
            let district = DistrictCode::parse(district).context("--district")?;
            format!("{prefix}.*.{district}.>")
        }
        None => format!("{prefix}.>"),
    };
    let client = crate::commands::nats::connect(&args.nats.nats_url).await?;
    let mut messages = client
        .subscribe(subject.clone())
        .await
        .context("failed to subscribe")?;
    eprintln!("tailing {subject} (ctrl-c to stop)");
    let dead_letters = format!("{prefix}.dlq.");
    let mut printed = 0u64;
    while let Some(message) = messages.next().await {
        if message.subject.as_str().starts_with(&dead_letters) {
            continue;
        }
        let event = match cloudevents::decode(&message) {
            Ok(event) => event,
            Err(error) => {
                eprintln!(
                    "skipping undecodable message on {}: {error}",
                    message.subject
                );
                continue;
            }
        };
        let data = payload_json(&event.event_type, &event.payload);
        if args.json {
            let line = serde_json::json!({
                "subject": message.subject.as_str(),
                "id": event.event_id,
                "type": event.event_type,
                "stream": event.stream.as_str(),
                "revision": event.revision,
                "position": event.position,
                "district": event.metadata.district,
                "time": event.recorded_at.to_rfc3339(),
                "actor": event.metadata.actor,
                "traceparent": event.metadata.traceparent,
                "data": data.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
            });
            println!("{line}");
        } else {
            println!(
                "{:>8} {} {}@{} {} {}",
                event.position,
                event.recorded_at.format("%H:%M:%S%.3f"),
                event.stream,
                event.revision,
                event.short_type(),
                data.unwrap_or_else(|| format!("<{} bytes>", event.payload.len()))
            );
        }
        printed += 1;
        if args.count.is_some_and(|count| printed >= count) {
            return Ok(());
        }
    }
    bail!("nats subscription ended")
}
