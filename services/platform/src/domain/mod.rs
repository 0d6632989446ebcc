//! The notice aggregate as a pure decider. No I/O, no async.

mod notice;
mod text;

pub use notice::{Notice, NoticeCommand, NoticeError, NoticeEvent, NoticeState};
pub use text::{NoticeBody, NoticeTitle, TextError};
