//! Read models of the platform context.

mod notices;

pub use notices::{NoticeRow, NoticesProjection, list_notices};
