//! Case events as stored bytes: the proto messages of `gongzhi.grids.v1`
//! (`proto/gongzhi/grids/v1/events.proto`), named by their full type.

use super::pb;
use gongzhi_kernel::{DecodeError, EventCodec};
use prost::Message;

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

/// Declares the event enum with one variant per proto message, and its codec,
/// so the three lists (variants, type names, decode arms) cannot drift apart.
macro_rules! case_events {
    ($($variant:ident => $message:ident),+ $(,)?) => {
        #[derive(Debug, Clone, PartialEq)]
        pub enum CaseEvent {
            $($variant(pb::$message),)+
        }

        /// Every case event type name, for subscriptions and filters.
        pub const CASE_EVENT_TYPES: &[&str] = &[
            $(concat!("gongzhi.grids.v1.", stringify!($message)),)+
        ];

        impl EventCodec for CaseEvent {
            fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => concat!("gongzhi.grids.v1.", stringify!($message)),)+
                }
            }

            fn encode(&self) -> Vec<u8> {
                match self {
                    $(Self::$variant(event) => event.encode_to_vec(),)+
                }
            }

            fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
                $(
                    if event_type == concat!("gongzhi.grids.v1.", stringify!($message)) {
                        return Ok(Self::$variant(decode_as(event_type, payload)?));
                    }
                )+
                Err(DecodeError::UnknownType(event_type.to_owned()))
            }
        }
    };
}

case_events! {
    Reported => CaseReported,
    Registered => CaseRegistered,
    Rejected => CaseRejected,
    Merged => CaseMerged,
    DuplicateMerged => DuplicateMerged,
    Dispatched => CaseDispatched,
    Returned => CaseReturned,
    FeedbackGiven => CaseFeedbackGiven,
    Verified => CaseVerified,
    SentToRework => CaseSentToRework,
    Closed => CaseClosed,
    Evaluated => CaseEvaluated,
    Deferred => CaseDeferred,
    Resumed => CaseResumed,
    OverdueFlagged => CaseOverdueFlagged,
    UnitsSummoned => UnitsSummoned,
    SummonsAcknowledged => SummonsAcknowledged,
    UnitArrived => UnitArrived,
    SummonsLateFlagged => SummonsLateFlagged,
}
