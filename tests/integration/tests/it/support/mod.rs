//! Test helpers: a fresh PostgreSQL database per test, a private nats-server
//! per fault test, unique stream prefixes.

pub mod auth;
pub mod nats;
pub mod pg;
