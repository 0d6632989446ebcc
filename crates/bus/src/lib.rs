//! Relay from the event store to NATS JetStream, CloudEvents headers, durable consumers with dead letters.
