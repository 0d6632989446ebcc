//! Settings of one durable pull consumer and the JetStream consumer config
//! they become (fields nats-server 2.9 understands).

use crate::topology::BusTopology;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, pull};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub stream_name: String,
    pub durable_name: String,
    /// Subjects this consumer takes, e.g. `gongzhi.residents.>`; empty for
    /// the whole stream.
    pub filter_subject: String,
    /// Attempts per event before it goes to dead letters.
    pub max_deliver: u32,
    /// Delay before attempt n+1 after n failures: `backoff[n-1]`, the last
    /// entry once past the end.
    pub backoff: Vec<Duration>,
    /// How long the server waits for an ack before redelivering; the runtime
    /// extends it while a handler is still working.
    pub ack_wait: Duration,
    /// 1 keeps events in stream order, which projections need.
    pub max_ack_pending: i64,
    /// Dead letters go to `<dlq_subject_prefix>.<durable_name>`.
    pub dlq_subject_prefix: String,
    /// Messages asked for per pull request.
    pub fetch_batch: usize,
    /// How long one pull request waits for messages (long polling).
    pub fetch_expires: Duration,
    /// Cap of the wait between attempts to reach NATS again.
    pub max_reconnect_backoff: Duration,
}

impl ConsumerConfig {
    pub fn new(
        stream_name: impl Into<String>,
        durable_name: impl Into<String>,
        filter_subject: impl Into<String>,
        dlq_subject_prefix: impl Into<String>,
    ) -> Self {
        Self {
            stream_name: stream_name.into(),
            durable_name: durable_name.into(),
            filter_subject: filter_subject.into(),
            max_deliver: 5,
            backoff: vec![
                Duration::from_secs(1),
                Duration::from_secs(5),
                Duration::from_secs(30),
            ],
            ack_wait: Duration::from_secs(30),
            max_ack_pending: 1,
            dlq_subject_prefix: dlq_subject_prefix.into(),
            fetch_batch: 64,
            fetch_expires: Duration::from_secs(5),
            max_reconnect_backoff: Duration::from_secs(2),
        }
    }

    /// A consumer of every event of one context.
    pub fn for_context(
        topology: &BusTopology,
        context: &str,
        durable_name: impl Into<String>,
    ) -> Self {
        Self::new(
            topology.context_stream_name(context),
            durable_name,
            topology.context_subjects(context),
            topology.dlq_subject_prefix(),
        )
    }

    pub fn dlq_subject(&self) -> String {
        format!(
            "{}.{}",
            self.dlq_subject_prefix,
            crate::topology::subject_token(&self.durable_name)
        )
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        let name_ok = !self.durable_name.is_empty()
            && self
                .durable_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !name_ok {
            return Err(format!(
                "durable name {:?} must be ascii letters, digits, '_' or '-'",
                self.durable_name
            ));
        }
        if self.stream_name.is_empty() {
            return Err("stream name must not be empty".into());
        }
        if self.max_deliver == 0 {
            return Err("max deliver must be at least 1".into());
        }
        if self.max_ack_pending < 1 {
            return Err("max ack pending must be at least 1".into());
        }
        if self.fetch_batch == 0 {
            return Err("fetch batch must be at least 1".into());
        }
        Ok(())
    }

    /// The server-side config. `max_deliver` is left unlimited on purpose:
    /// the runtime counts attempts itself, so an event whose last attempt
    /// died with the process is still dead-lettered on its next delivery
    /// instead of being dropped by the server without a trace.
    pub(crate) fn pull_config(&self) -> pull::Config {
        pull::Config {
            durable_name: Some(self.durable_name.clone()),
            deliver_policy: DeliverPolicy::All,
            ack_policy: AckPolicy::Explicit,
            ack_wait: self.ack_wait,
            filter_subject: self.filter_subject.clone(),
            max_ack_pending: self.max_ack_pending,
            ..pull::Config::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_context_uses_the_topology_names() {
        let config = ConsumerConfig::for_context(
            &BusTopology::default(),
            "residents",
            "residents-directory",
        );
        assert_eq!(config.stream_name, "GONGZHI_RESIDENTS");
        assert_eq!(config.filter_subject, "gongzhi.residents.>");
        assert_eq!(config.dlq_subject(), "gongzhi.dlq.residents-directory");
        assert!(config.validate().is_ok());
    }

    #[test]
    fn refuses_durable_names_nats_cannot_hold() {
        let config = ConsumerConfig::new("S", "a.b", "", "gongzhi.dlq");
        assert!(config.validate().is_err());
    }
}
