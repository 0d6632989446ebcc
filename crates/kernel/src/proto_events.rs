//! [`proto_events!`]: an event enum whose variants wrap proto messages, with
//! its [`crate::EventCodec`]. The stored type name is the full proto name
//! (`<package>.<Message>`), so the codec of every context reads the same.
//!
//! The calling crate needs `prost` and names the generated module by an
//! alias (`use gongzhi_proto::gongzhi::property::v1 as pb;`).

/// ```ignore
/// gongzhi_kernel::proto_events! {
///     /// Events of an estate.
///     pub enum EstateEvent in "gongzhi.property.v1" from pb {
///         Registered(EstateRegistered),
///         BuildingAdded(BuildingAdded),
///     }
/// }
/// ```
#[macro_export]
macro_rules! proto_events {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $package:literal from $pb:ident {
            $($variant:ident($message:ident)),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis enum $name {
            $($variant($pb::$message)),+
        }

        impl $crate::EventCodec for $name {
            fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => concat!($package, ".", stringify!($message))),+
                }
            }

            fn encode(&self) -> Vec<u8> {
                match self {
                    $(Self::$variant(event) => ::prost::Message::encode_to_vec(event)),+
                }
            }

            fn decode(event_type: &str, payload: &[u8]) -> Result<Self, $crate::DecodeError> {
                $(
                    if event_type == concat!($package, ".", stringify!($message)) {
                        return <$pb::$message as ::prost::Message>::decode(payload)
                            .map(Self::$variant)
                            .map_err(|e| $crate::DecodeError::Malformed {
                                event_type: event_type.to_owned(),
                                reason: e.to_string(),
                            });
                    }
                )+
                Err($crate::DecodeError::UnknownType(event_type.to_owned()))
            }
        }
    };
}
