//! Generated gRPC and event messages of every Gongzhi context, with the file
//! descriptor set for reflection.
//!
//! Every `.proto` under `<workspace>/proto` is compiled at build time; each
//! proto package `gongzhi.<ctx>.v1` becomes the module `gongzhi::<ctx>::v1`
//! (for example [`gongzhi::platform::v1`]) holding its messages plus the tonic
//! `*_client` and `*_server` modules. A new context's folder is picked up
//! without touching this crate.

// Generated code is not ours to lint.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/gongzhi_packages.rs"));
}

pub use generated::*;

/// Encoded `google.protobuf.FileDescriptorSet` of every Gongzhi proto (with
/// imports), for tonic-reflection and for decoding payloads by type name.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/gongzhi_descriptor.bin"));

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn descriptor_set_names_every_platform_file() -> Result<(), prost::DecodeError> {
        let set = prost_types::FileDescriptorSet::decode(FILE_DESCRIPTOR_SET)?;
        let names: Vec<_> = set.file.iter().filter_map(|f| f.name.as_deref()).collect();
        for expected in [
            "gongzhi/platform/v1/common.proto",
            "gongzhi/platform/v1/notices.proto",
            "gongzhi/platform/v1/events.proto",
            "gongzhi/platform/v1/admin.proto",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn generated_services_carry_their_full_names() {
        use gongzhi::platform::v1::{admin_service_server, notice_service_server};
        assert_eq!(
            notice_service_server::SERVICE_NAME,
            "gongzhi.platform.v1.NoticeService"
        );
        assert_eq!(
            admin_service_server::SERVICE_NAME,
            "gongzhi.platform.v1.AdminService"
        );
    }

    #[test]
    fn event_messages_round_trip() -> Result<(), prost::DecodeError> {
        let event = gongzhi::platform::v1::NoticePublished {
            notice_id: "n-1".into(),
            district: "500108".into(),
            title: "停水通知".into(),
            body: "周六停水".into(),
            published_by: "alice".into(),
        };
        let decoded =
            gongzhi::platform::v1::NoticePublished::decode(event.encode_to_vec().as_slice())?;
        assert_eq!(decoded, event);
        Ok(())
    }
}
