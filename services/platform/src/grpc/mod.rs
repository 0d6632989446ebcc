//! Thin tonic adapters: proto <-> domain, validation, error mapping.

mod admin;
mod errors;
mod notices;
pub mod payload_json;

pub use admin::AdminGrpc;
pub use notices::NoticeGrpc;
