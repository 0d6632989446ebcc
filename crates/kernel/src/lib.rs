//! The shared vocabulary of Gongzhi: names and records of the event store, the
//! metadata every event carries, the district that scopes every tenant, and the
//! small error-code enum that every layer maps to gRPC once.

pub mod clock;
pub mod decider;
pub mod district;
pub mod district_settings;
pub mod error_code;
pub mod event;
pub mod identifiers;
pub mod proto_events;
pub mod revision;
pub mod stream_name;
pub mod upcast;

pub use clock::{Clock, FakeClock, SystemClock};
pub use decider::{Decider, DecodeError, EventCodec};
pub use district::DistrictCode;
pub use district_settings::{DistrictSettings, PerDistrict, SettingsError};
pub use error_code::ErrorCode;
pub use event::{EventData, EventMetadata, RecordedEvent};
pub use identifiers::{
    IdNumberError, PhoneNumber, PhoneNumberError, ResidentIdNumber, Sex, SocialCreditCode,
    SocialCreditCodeError,
};
pub use revision::{AppendResult, Direction, ExpectedRevision, ReadFrom};
pub use stream_name::{StreamName, StreamNameError};
pub use upcast::{UpcastError, Upcaster, Upcasters};
