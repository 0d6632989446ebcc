//! Names on the bus and the JetStream streams behind them.
//!
//! - Subject of an event: `<prefix>.<ctx>.<district>.<aggregate>.<EventType>`,
//!   where `ctx` comes from the proto package, `district` is the event's
//!   district code or [`CITY_DISTRICT_TOKEN`] for city-wide events, `aggregate`
//!   is the stream category and `EventType` the short proto message name.
//! - One stream per context, `<STREAM_PREFIX>_<CTX>`, capturing
//!   `<prefix>.<ctx>.>`, file storage, an explicit duplicate window.
//! - One dead-letter stream `<STREAM_PREFIX>_DLQ` capturing `<prefix>.dlq.>`;
//!   a consumer's dead letters go to `<prefix>.dlq.<durable>`.
//!
//! Stream configs use only fields nats-server 2.9 understands. Each stream
//! keeps `stream_replicas` copies on different servers of a JetStream
//! cluster (1 without a cluster); durable consumers inherit it.

use async_nats::jetstream::{self, stream};
use gongzhi_kernel::RecordedEvent;
use std::time::Duration;

pub const DEFAULT_SUBJECT_PREFIX: &str = "gongzhi";
pub const DEFAULT_STREAM_PREFIX: &str = "GONGZHI";
pub const DEFAULT_SOURCE_BASE: &str = "/gongzhi";
/// District token of events that belong to no district (city-wide events):
/// not a 6-digit code, so `gongzhi.*.500108.>` never matches them and
/// `gongzhi.*.city.>` takes exactly them.
pub const CITY_DISTRICT_TOKEN: &str = "city";
/// The context token under which dead letters live; no bounded context may
/// be called `dlq`.
pub const DLQ_TOKEN: &str = "dlq";
/// JetStream allows at most 5 replicas of a stream.
pub const MAX_STREAM_REPLICAS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusTopology {
    /// First subject token, `gongzhi` in production; tests use their own.
    pub subject_prefix: String,
    /// Stream name prefix, `GONGZHI` in production.
    pub stream_prefix: String,
    /// Window in which JetStream drops a re-published `Nats-Msg-Id`.
    pub duplicate_window: Duration,
    /// How long a stream keeps messages; zero keeps them until limits say
    /// otherwise. Rebuilds read the event store, never the bus.
    pub max_age: Duration,
    /// Copies of each stream in the JetStream cluster, 1 to
    /// [`MAX_STREAM_REPLICAS`]; more than 1 needs at least that many servers.
    pub stream_replicas: usize,
}

impl Default for BusTopology {
    fn default() -> Self {
        Self {
            subject_prefix: DEFAULT_SUBJECT_PREFIX.to_owned(),
            stream_prefix: DEFAULT_STREAM_PREFIX.to_owned(),
            duplicate_window: Duration::from_secs(120),
            max_age: Duration::from_secs(7 * 24 * 3600),
            stream_replicas: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    #[error("subject prefix {0:?} must be one token of ascii letters, digits, '_' or '-'")]
    InvalidSubjectPrefix(String),
    #[error("stream prefix {0:?} must be ascii letters, digits, '_' or '-'")]
    InvalidStreamPrefix(String),
    #[error(
        "stream replicas {0} out of range: must be between 1 and {MAX_STREAM_REPLICAS} (--stream-replicas / GONGZHI_STREAM_REPLICAS)"
    )]
    InvalidStreamReplicas(usize),
    #[error(
        "stream {stream} wants {replicas} replicas but the nats server is not clustered: set --stream-replicas / GONGZHI_STREAM_REPLICAS to 1, or run a JetStream cluster of at least {replicas} servers"
    )]
    ReplicasNotSupported { stream: String, replicas: usize },
    #[error(
        "stream {stream} wants {replicas} replicas but fewer JetStream servers are available ({source}): start the missing servers or lower --stream-replicas / GONGZHI_STREAM_REPLICAS"
    )]
    NotEnoughServers {
        stream: String,
        replicas: usize,
        #[source]
        source: jetstream::context::CreateStreamError,
    },
    #[error("failed to create or update stream {stream}: {source}")]
    EnsureStream {
        stream: String,
        #[source]
        source: jetstream::context::CreateStreamError,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyErrorKind {
    InvalidConfig,
    Unavailable,
}

impl TopologyError {
    pub fn kind(&self) -> TopologyErrorKind {
        match self {
            Self::InvalidSubjectPrefix(_)
            | Self::InvalidStreamPrefix(_)
            | Self::InvalidStreamReplicas(_)
            | Self::ReplicasNotSupported { .. } => TopologyErrorKind::InvalidConfig,
            // A cluster server may be restarting: worth retrying.
            Self::NotEnoughServers { .. } | Self::EnsureStream { .. } => {
                TopologyErrorKind::Unavailable
            }
        }
    }
}

impl BusTopology {
    /// A topology with the given subject prefix and its uppercase as stream
    /// prefix, as tests want.
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            subject_prefix: prefix.to_owned(),
            stream_prefix: prefix.to_ascii_uppercase(),
            ..Self::default()
        }
    }

    pub fn validate(&self) -> Result<(), TopologyError> {
        if !is_safe_token(&self.subject_prefix) {
            return Err(TopologyError::InvalidSubjectPrefix(
                self.subject_prefix.clone(),
            ));
        }
        if !is_safe_token(&self.stream_prefix) {
            return Err(TopologyError::InvalidStreamPrefix(
                self.stream_prefix.clone(),
            ));
        }
        if !(1..=MAX_STREAM_REPLICAS).contains(&self.stream_replicas) {
            return Err(TopologyError::InvalidStreamReplicas(self.stream_replicas));
        }
        Ok(())
    }

    pub fn event_subject(&self, event: &RecordedEvent) -> String {
        let district = event
            .metadata
            .district
            .as_ref()
            .map_or(CITY_DISTRICT_TOKEN, |d| d.as_str());
        format!(
            "{}.{}.{}.{}.{}",
            self.subject_prefix,
            subject_token(event.context()),
            subject_token(district),
            subject_token(event.stream.category()),
            subject_token(event.short_type()),
        )
    }

    /// `<prefix>.<ctx>.>`: every subject of one context.
    pub fn context_subjects(&self, context: &str) -> String {
        format!("{}.{}.>", self.subject_prefix, subject_token(context))
    }

    pub fn context_stream_name(&self, context: &str) -> String {
        format!(
            "{}_{}",
            self.stream_prefix,
            subject_token(context).to_ascii_uppercase()
        )
    }

    pub fn dlq_stream_name(&self) -> String {
        format!("{}_{}", self.stream_prefix, DLQ_TOKEN.to_ascii_uppercase())
    }

    /// `<prefix>.dlq`, to which a consumer appends its durable name.
    pub fn dlq_subject_prefix(&self) -> String {
        format!("{}.{DLQ_TOKEN}", self.subject_prefix)
    }

    /// Creates the context's stream or brings its config up to date.
    pub async fn ensure_context_stream(
        &self,
        jetstream: &jetstream::Context,
        context: &str,
    ) -> Result<stream::Info, TopologyError> {
        let name = self.context_stream_name(context);
        self.ensure_stream(jetstream, name, self.context_subjects(context))
            .await
    }

    pub async fn ensure_dlq_stream(
        &self,
        jetstream: &jetstream::Context,
    ) -> Result<stream::Info, TopologyError> {
        let subjects = format!("{}.>", self.dlq_subject_prefix());
        self.ensure_stream(jetstream, self.dlq_stream_name(), subjects)
            .await
    }

    async fn ensure_stream(
        &self,
        jetstream: &jetstream::Context,
        name: String,
        subjects: String,
    ) -> Result<stream::Info, TopologyError> {
        self.validate()?;
        let config = stream::Config {
            name: name.clone(),
            subjects: vec![subjects],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            duplicate_window: self.duplicate_window,
            max_age: self.max_age,
            num_replicas: self.stream_replicas,
            ..stream::Config::default()
        };
        jetstream
            .create_or_update_stream(config)
            .await
            .map_err(|source| self.stream_error(name, source))
    }

    /// Names the replica setting when the server cannot place the replicas,
    /// since its own message does not say which setting asked for them.
    fn stream_error(
        &self,
        stream: String,
        source: jetstream::context::CreateStreamError,
    ) -> TopologyError {
        use jetstream::ErrorCode;
        use jetstream::context::CreateStreamErrorKind;
        let code = match source.kind() {
            CreateStreamErrorKind::JetStream(error) => Some(error.error_code()),
            _ => None,
        };
        let replicas = self.stream_replicas;
        match code {
            Some(ErrorCode::STREAM_REPLICAS_NOT_SUPPORTED) if replicas > 1 => {
                TopologyError::ReplicasNotSupported { stream, replicas }
            }
            Some(ErrorCode::INSUFFICIENT_RESOURCES) if replicas > 1 => {
                TopologyError::NotEnoughServers {
                    stream,
                    replicas,
                    source,
                }
            }
            _ => TopologyError::EnsureStream { stream, source },
        }
    }
}

/// Makes any text a single subject token: characters outside
/// `[A-Za-z0-9_-]` (dots, wildcards, spaces) become `_`.
pub fn subject_token(raw: &str) -> String {
    if raw.is_empty() {
        return "_".to_owned();
    }
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn is_safe_token(raw: &str) -> bool {
    !raw.is_empty()
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::{DistrictCode, EventMetadata, StreamName};

    fn event(event_type: &str, district: Option<&str>) -> RecordedEvent {
        let district = district.map(|d| DistrictCode::parse(d).expect("test district is valid"));
        RecordedEvent {
            event_id: uuid::Uuid::now_v7(),
            stream: StreamName::parse("resident-42").expect("test stream name is valid"),
            revision: 0,
            position: 1,
            event_type: event_type.to_owned(),
            payload: Vec::new(),
            metadata: EventMetadata::new(district, "tester"),
            recorded_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn subject_follows_the_convention() {
        let topology = BusTopology::default();
        let registered = event("gongzhi.residents.v1.ResidentRegistered", Some("500108"));
        assert_eq!(
            topology.event_subject(&registered),
            "gongzhi.residents.500108.resident.ResidentRegistered"
        );
        let city_wide = event("gongzhi.residents.v1.ResidentRegistered", None);
        assert_eq!(
            topology.event_subject(&city_wide),
            "gongzhi.residents.city.resident.ResidentRegistered"
        );
    }

    #[test]
    fn stream_names_and_subjects() {
        let topology = BusTopology::with_prefix("t0123456789");
        assert_eq!(
            topology.context_stream_name("residents"),
            "T0123456789_RESIDENTS"
        );
        assert_eq!(
            topology.context_subjects("residents"),
            "t0123456789.residents.>"
        );
        assert_eq!(topology.dlq_stream_name(), "T0123456789_DLQ");
        assert_eq!(topology.dlq_subject_prefix(), "t0123456789.dlq");
    }

    #[test]
    fn tokens_never_split_or_wildcard() {
        assert_eq!(subject_token("a.b*c >d"), "a_b_c__d");
        assert_eq!(subject_token(""), "_");
    }

    #[test]
    fn stream_replicas_are_one_to_five() {
        let with = |replicas| BusTopology {
            stream_replicas: replicas,
            ..BusTopology::default()
        };
        assert_eq!(BusTopology::default().stream_replicas, 1);
        for replicas in 1..=5 {
            assert!(with(replicas).validate().is_ok(), "{replicas} replicas");
        }
        for replicas in [0, 6, 100] {
            let error = with(replicas)
                .validate()
                .expect_err("out of range is refused");
            assert_eq!(error.kind(), TopologyErrorKind::InvalidConfig);
            assert_eq!(
                error.to_string(),
                format!(
                    "stream replicas {replicas} out of range: must be between 1 and 5 (--stream-replicas / GONGZHI_STREAM_REPLICAS)"
                )
            );
        }
    }

    #[test]
    fn refuses_prefixes_that_are_not_one_token() {
        assert!(BusTopology::with_prefix("a.b").validate().is_err());
        assert!(BusTopology::with_prefix("gongzhi").validate().is_ok());
    }
}
