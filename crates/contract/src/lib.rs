//! The published event contract as an AsyncAPI 3 document
//! (`docs/asyncapi.yaml`), generated from the compiled protos and the bus's
//! own names so it cannot drift: a test compares the committed file with
//! [`asyncapi_yaml`], and `scripts/asyncapi` rewrites and validates it.
//!
//! An event message is a top-level message of an `events.proto` or
//! `*_events.proto` file that no other message uses as a field type (those
//! are parts of events, like `CaseLocation`).

mod proto_source;
mod upcasters;
mod yaml;

pub use upcasters::upcasters;

use gongzhi_bus::cloudevents as ce;
use gongzhi_bus::consumer::{DLQ_CONSUMER, DLQ_DELIVERIES, DLQ_ORIGINAL_SUBJECT, DLQ_REASON};
use gongzhi_bus::relay::RELAY_HEADER;
use gongzhi_bus::topology::{BusTopology, CITY_DISTRICT_TOKEN};
use prost::Message;
use prost_types::FileDescriptorSet;
use proto_source::Catalog;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// AsyncAPI's name for protobuf 3 schemas.
pub const PROTOBUF_SCHEMA_FORMAT: &str = "application/vnd.google.protobuf;version=3";

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("descriptor set does not decode: {0}")]
    Descriptors(#[from] prost::DecodeError),
    #[error("cannot render the contract: {0}")]
    Unsupported(String),
}

/// One event message: `gongzhi.<context>.v1.<name>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventMessage {
    pub context: String,
    pub name: String,
    pub full_name: String,
}

/// Every event message of the compiled protos, by context then name.
pub fn event_messages(set: &FileDescriptorSet) -> Vec<EventMessage> {
    let used: BTreeSet<&str> = set
        .file
        .iter()
        .flat_map(|f| &f.message_type)
        .flat_map(all_fields)
        .filter_map(|f| f.type_name.as_deref())
        .map(|t| t.trim_start_matches('.'))
        .collect();
    let mut events = Vec::new();
    for file in &set.file {
        let file_name = file.name().rsplit('/').next().unwrap_or_default();
        let is_event_file = file_name == "events.proto" || file_name.ends_with("_events.proto");
        let package = file.package();
        let mut segments = package.split('.');
        let (Some("gongzhi"), Some(context)) = (segments.next(), segments.next()) else {
            continue;
        };
        if !is_event_file {
            continue;
        }
        for message in &file.message_type {
            let full_name = format!("{package}.{}", message.name());
            if !used.contains(full_name.as_str()) {
                events.push(EventMessage {
                    context: context.to_owned(),
                    name: message.name().to_owned(),
                    full_name,
                });
            }
        }
    }
    events.sort();
    events
}

fn all_fields(
    message: &prost_types::DescriptorProto,
) -> Box<dyn Iterator<Item = &prost_types::FieldDescriptorProto> + '_> {
    Box::new(
        message
            .field
            .iter()
            .chain(message.nested_type.iter().flat_map(all_fields)),
    )
}

/// The AsyncAPI document of the production topology, as YAML.
pub fn asyncapi_yaml() -> Result<String, ContractError> {
    let set = FileDescriptorSet::decode(gongzhi_proto::FILE_DESCRIPTOR_SET)?;
    let document = asyncapi(&set, &BusTopology::default())?;
    Ok(yaml::to_yaml(&document))
}

pub fn asyncapi(set: &FileDescriptorSet, topology: &BusTopology) -> Result<Value, ContractError> {
    let catalog = Catalog::new(set);
    let mut by_context: BTreeMap<String, Vec<EventMessage>> = BTreeMap::new();
    for event in event_messages(set) {
        by_context
            .entry(event.context.clone())
            .or_default()
            .push(event);
    }
    let prefix = &topology.subject_prefix;
    let mut channels = Map::new();
    let mut operations = Map::new();
    let mut messages = Map::new();
    for (context, events) in &by_context {
        let mut channel_messages = Map::new();
        let mut operation_messages = Vec::new();
        for event in events {
            let key = format!("{context}.{}", event.name);
            channel_messages.insert(
                event.name.clone(),
                json!({"$ref": format!("#/components/messages/{key}")}),
            );
            operation_messages.push(json!({
                "$ref": format!("#/channels/{context}/messages/{}", event.name)
            }));
            messages.insert(key, event_message(&catalog, event)?);
        }
        let event_types: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        channels.insert(
            context.clone(),
            json!({
                "address": format!("{prefix}.{context}.{{district}}.{{aggregate}}.{{eventType}}"),
                "title": format!("{context} events"),
                "description": format!(
                    "Every event of the {context} context, relayed from the committed event \
                     store. JetStream stream `{}` captures `{}` (file storage, limits \
                     retention, duplicate window {} s on `Nats-Msg-Id`). Consume with a durable \
                     pull consumer and explicit ack.",
                    topology.context_stream_name(context),
                    topology.context_subjects(context),
                    topology.duplicate_window.as_secs(),
                ),
                "parameters": {
                    "district": {"$ref": "#/components/parameters/district"},
                    "aggregate": {"$ref": "#/components/parameters/aggregate"},
                    "eventType": {
                        "description": "Short proto message name of the event.",
                        "enum": event_types,
                    },
                },
                "messages": Value::Object(channel_messages),
            }),
        );
        operations.insert(
            format!("consume-{context}"),
            json!({
                "action": "receive",
                "title": format!("Consume {context} events"),
                "channel": {"$ref": format!("#/channels/{context}")},
                "messages": operation_messages,
            }),
        );
    }
    channels.insert("dlq".into(), dead_letter_channel(topology));
    operations.insert(
        "consume-dlq".into(),
        json!({
            "action": "receive",
            "title": "Inspect dead letters",
            "channel": {"$ref": "#/channels/dlq"},
            "messages": [{"$ref": "#/channels/dlq/messages/DeadLetter"}],
        }),
    );
    messages.insert("DeadLetter".into(), dead_letter_message());
    Ok(json!({
        "asyncapi": "3.1.0",
        "info": {
            "title": "Gongzhi events",
            "version": "1",
            "description": "Every event Gongzhi publishes on NATS JetStream. Generated from \
                proto/ and crates/bus by crates/contract (scripts/asyncapi); do not edit by \
                hand. Payloads are protobuf (binary) in CloudEvents binary mode: every \
                attribute is a header. Additive proto changes keep the contract; `buf \
                breaking` refuses the others.",
        },
        "defaultContentType": ce::PROTOBUF_CONTENT_TYPE,
        "servers": {
            "nats": {
                "host": "localhost:4222",
                "protocol": "nats",
                "description": "The deployment's NATS with JetStream enabled.",
            }
        },
        "channels": Value::Object(channels),
        "operations": Value::Object(operations),
        "components": {
            "parameters": {
                "district": {
                    "description": format!(
                        "6-digit GB/T 2260 district code of the event, `{CITY_DISTRICT_TOKEN}` \
                         for city-wide events."
                    ),
                    "examples": ["500108", CITY_DISTRICT_TOKEN],
                },
                "aggregate": {
                    "description": "Event-store stream category (`resident` for \
                        `resident-<id>`).",
                    "examples": ["resident"],
                },
            },
            "schemas": {"EventHeaders": event_headers()},
            "messages": Value::Object(messages),
        },
    }))
}

fn event_message(catalog: &Catalog<'_>, event: &EventMessage) -> Result<Value, ContractError> {
    let full = format!(".{}", event.full_name);
    let source = catalog.render(&full)?;
    let summary = catalog
        .message_comment(&full)
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "));
    let mut message = json!({
        "name": event.name,
        "title": event.full_name,
        "contentType": ce::PROTOBUF_CONTENT_TYPE,
        "headers": {
            "allOf": [
                {"$ref": "#/components/schemas/EventHeaders"},
                {
                    "type": "object",
                    "properties": {
                        ce::TYPE: {"const": event.full_name},
                        ce::DATASCHEMA: {"const": ce::dataschema(&event.full_name)},
                    },
                },
            ],
        },
        "payload": {
            "schemaFormat": PROTOBUF_SCHEMA_FORMAT,
            "schema": source,
        },
    });
    if let (Some(summary), Some(object)) = (summary, message.as_object_mut()) {
        object.insert("summary".into(), Value::String(summary));
    }
    Ok(message)
}

/// The headers `cloudevents::Encoder` writes, plus the relay's own.
fn event_headers() -> Value {
    let string = |description: &str| json!({"type": "string", "description": description});
    let headers = [
        (
            "Nats-Msg-Id",
            string("Event id (UUID); JetStream drops a re-published id."),
        ),
        (ce::SPECVERSION, json!({"const": ce::SPECVERSION_1_0})),
        (ce::ID, string("Event id (UUID).")),
        (
            ce::SOURCE,
            string("`/gongzhi/<context>`, e.g. `/gongzhi/residents`."),
        ),
        (ce::TYPE, string("Full proto message name of the payload.")),
        (
            ce::SUBJECT,
            string("Event-store stream name, e.g. `resident-<id>`."),
        ),
        (
            ce::TIME,
            string("Recorded time, RFC 3339 UTC, fractional seconds as needed."),
        ),
        (
            ce::DATACONTENTTYPE,
            json!({"const": ce::PROTOBUF_CONTENT_TYPE}),
        ),
        (
            ce::CONTENT_TYPE,
            json!({"const": ce::PROTOBUF_CONTENT_TYPE}),
        ),
        (ce::DATASCHEMA, string("`proto:<full proto message name>`.")),
        (
            ce::TRACEPARENT,
            string("W3C trace context of the command that produced the event, when traced."),
        ),
        (ce::TRACESTATE, string("W3C trace state, when present.")),
        (
            ce::STREAM_REVISION,
            string("Revision in its stream, 0-based and gapless (decimal)."),
        ),
        (
            ce::POSITION,
            string("Global `$all` commit position, strictly increasing (decimal)."),
        ),
        (
            ce::DISTRICT,
            string("District code, when the event has one."),
        ),
        (ce::CORRELATION_ID, string("Correlation id (UUID).")),
        (
            ce::CAUSATION_ID,
            string("Id of the causing event or command (UUID), when known."),
        ),
        (
            ce::ACTOR,
            string("Token subject of the caller or name of the process manager."),
        ),
        (
            ce::SCHEMA_VERSION,
            string(
                "Schema version of the payload (decimal); events are upcast to the current \
                 version before they are published.",
            ),
        ),
        (
            ce::REQUEST_ID,
            string("Client `request_id` of the command, when given."),
        ),
        (
            RELAY_HEADER,
            string("Name of the relay that published it (internal)."),
        ),
        (
            "Nats-Expected-Last-Sequence",
            string("Publish precondition set by the relay (internal; ignore)."),
        ),
    ];
    let required = [
        "Nats-Msg-Id",
        ce::SPECVERSION,
        ce::ID,
        ce::SOURCE,
        ce::TYPE,
        ce::SUBJECT,
        ce::TIME,
        ce::DATACONTENTTYPE,
        ce::CONTENT_TYPE,
        ce::DATASCHEMA,
        ce::STREAM_REVISION,
        ce::POSITION,
        ce::CORRELATION_ID,
        ce::ACTOR,
        ce::SCHEMA_VERSION,
    ];
    let properties: Map<String, Value> = headers
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect();
    json!({
        "type": "object",
        "description": "CloudEvents NATS binding, binary mode. Values never contain CR or LF.",
        "properties": Value::Object(properties),
        "required": required,
    })
}

fn dead_letter_channel(topology: &BusTopology) -> Value {
    json!({
        "address": format!("{}.{{durable}}", topology.dlq_subject_prefix()),
        "title": "Dead letters",
        "description": format!(
            "Events a consumer gave up on (attempts exhausted, permanent failure or \
             undecodable). JetStream stream `{}` captures `{}.>`.",
            topology.dlq_stream_name(),
            topology.dlq_subject_prefix(),
        ),
        "parameters": {
            "durable": {"description": "Durable name of the consumer that gave up."},
        },
        "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
    })
}

fn dead_letter_message() -> Value {
    let string = |description: &str| json!({"type": "string", "description": description});
    json!({
        "name": "DeadLetter",
        "title": "An event a consumer gave up on",
        "summary": "The original payload and headers (minus the `Nats-Expected-*` \
            preconditions, `Nats-Msg-Id` = `<durable>:<stream>:<sequence>`) plus why.",
        "contentType": ce::PROTOBUF_CONTENT_TYPE,
        "headers": {
            "type": "object",
            "properties": {
                DLQ_REASON: string("Why the consumer gave up."),
                DLQ_CONSUMER: string("Durable consumer name."),
                DLQ_ORIGINAL_SUBJECT: string("Subject the event was delivered on."),
                DLQ_DELIVERIES: string("Delivery attempts made (decimal)."),
            },
            "required": [DLQ_REASON, DLQ_CONSUMER, DLQ_ORIGINAL_SUBJECT, DLQ_DELIVERIES],
        },
        "payload": {
            "type": "string",
            "format": "binary",
            "description": "The original event's payload bytes; its type is in `ce-type`.",
        },
    })
}

#[cfg(test)]
mod tests;
