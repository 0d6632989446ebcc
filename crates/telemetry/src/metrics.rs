//! The platform's metric instruments, from the global meter. Build a
//! [`Metrics`] after [`crate::init`]: instruments bind to the meter provider
//! installed when they are created (before init, they record nothing).

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Metrics {
    rpc_duration: Histogram<f64>,
    rpc_errors: Counter<u64>,
    append_latency: Histogram<f64>,
    append_conflicts: Counter<u64>,
    relay_lag: Gauge<u64>,
    projection_lag: Gauge<u64>,
    projection_lag_time: Gauge<f64>,
    consumer_pending: Gauge<u64>,
    redeliveries: Counter<u64>,
    dead_letters: Counter<u64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Cheap: the SDK returns the same instruments for the same names.
    pub fn new() -> Self {
        let meter = opentelemetry::global::meter("gongzhi");
        Self {
            rpc_duration: meter
                .f64_histogram("gongzhi.rpc.server.duration")
                .with_unit("ms")
                .with_description("time to answer one rpc, by service, method and grpc status code")
                .build(),
            rpc_errors: meter
                .u64_counter("gongzhi.rpc.server.errors")
                .with_unit("{call}")
                .with_description("rpcs answered with a status other than OK, by status")
                .build(),
            append_latency: meter
                .f64_histogram("gongzhi.eventstore.append.duration")
                .with_unit("ms")
                .with_description("time to append one batch of events to a stream")
                .build(),
            append_conflicts: meter
                .u64_counter("gongzhi.eventstore.append.conflicts")
                .with_unit("{append}")
                .with_description("appends refused because another writer moved the stream first")
                .build(),
            relay_lag: meter
                .u64_gauge("gongzhi.relay.lag")
                .with_unit("{event}")
                .with_description("events committed to the store but not yet published to nats")
                .build(),
            projection_lag: meter
                .u64_gauge("gongzhi.projection.lag")
                .with_unit("{event}")
                .with_description("store head position minus the projection's checkpoint")
                .build(),
            projection_lag_time: meter
                .f64_gauge("gongzhi.projection.lag.time")
                .with_unit("s")
                .with_description(
                    "age of the oldest event the projection has not applied; 0 when caught up",
                )
                .build(),
            consumer_pending: meter
                .u64_gauge("gongzhi.consumer.pending")
                .with_unit("{message}")
                .with_description(
                    "messages in the stream not yet delivered to the durable consumer",
                )
                .build(),
            redeliveries: meter
                .u64_counter("gongzhi.consumer.redeliveries")
                .with_unit("{message}")
                .with_description("messages delivered again after a failed or missing ack")
                .build(),
            dead_letters: meter
                .u64_counter("gongzhi.consumer.dead_letters")
                .with_unit("{message}")
                .with_description("messages sent to the dead-letter subject")
                .build(),
        }
    }

    /// One answered rpc; `code` is its gRPC status code.
    pub fn record_rpc(&self, service: &str, method: &str, code: i32, elapsed: Duration) {
        let attributes = [
            KeyValue::new("rpc.service", service.to_owned()),
            KeyValue::new("rpc.method", method.to_owned()),
            KeyValue::new("rpc.grpc.status_code", i64::from(code)),
        ];
        self.rpc_duration
            .record(elapsed.as_secs_f64() * 1000.0, &attributes);
        if code != 0 {
            self.rpc_errors.add(1, &attributes);
        }
    }

    pub fn add_append_conflict(&self, backend: &'static str) {
        self.add_append_conflicts(backend, 1);
    }

    pub fn add_append_conflicts(&self, backend: &'static str, count: u64) {
        self.append_conflicts
            .add(count, &[KeyValue::new("backend", backend)]);
    }

    /// `backend` is the event store's `backend_name()`.
    pub fn record_append_latency(&self, elapsed: Duration, backend: &'static str) {
        self.append_latency.record(
            elapsed.as_secs_f64() * 1000.0,
            &[KeyValue::new("backend", backend)],
        );
    }

    pub fn record_relay_lag(&self, lag: u64) {
        self.relay_lag.record(lag, &[]);
    }

    pub fn record_projection_lag(&self, projection: &str, lag: u64) {
        self.projection_lag
            .record(lag, &[KeyValue::new("projection", projection.to_owned())]);
    }

    pub fn record_projection_lag_time(&self, projection: &str, seconds: f64) {
        self.projection_lag_time.record(
            seconds,
            &[KeyValue::new("projection", projection.to_owned())],
        );
    }

    pub fn record_consumer_pending(&self, consumer: &str, pending: u64) {
        self.consumer_pending
            .record(pending, &[KeyValue::new("consumer", consumer.to_owned())]);
    }

    pub fn add_redelivery(&self, consumer: &str) {
        self.add_redeliveries(consumer, 1);
    }

    pub fn add_redeliveries(&self, consumer: &str, count: u64) {
        self.redeliveries
            .add(count, &[KeyValue::new("consumer", consumer.to_owned())]);
    }

    pub fn add_dead_letter(&self, consumer: &str) {
        self.add_dead_letters(consumer, 1);
    }

    pub fn add_dead_letters(&self, consumer: &str, count: u64) {
        self.dead_letters
            .add(count, &[KeyValue::new("consumer", consumer.to_owned())]);
    }
}
