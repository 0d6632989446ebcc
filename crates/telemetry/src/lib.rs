//! Tracing and OpenTelemetry setup, one W3C propagator for gRPC metadata and NATS headers.
