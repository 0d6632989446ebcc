//! Application layer: runs notice commands against the store and answers
//! queries from the read model. No gRPC types here.

pub(crate) mod notices;

pub use notices::{NoticeApp, PublishNotice, WithdrawNotice};
