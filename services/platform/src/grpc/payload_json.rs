//! Event payloads as JSON for operators (`gongzhi events tail`, the admin
//! API), decoded by reflection over the proto descriptors, so every event
//! type of every context is readable without code per type.

use prost_reflect::{DescriptorPool, DynamicMessage};
use std::sync::OnceLock;

fn pool() -> Option<&'static DescriptorPool> {
    static POOL: OnceLock<Option<DescriptorPool>> = OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(gongzhi_proto::FILE_DESCRIPTOR_SET).ok())
        .as_ref()
}

/// JSON of a payload of the given full proto type; `None` when the type is
/// unknown to this build or the bytes do not decode.
pub fn payload_json(event_type: &str, payload: &[u8]) -> Option<String> {
    let descriptor = pool()?.get_message_by_name(event_type)?;
    let message = DynamicMessage::decode(descriptor, payload).ok()?;
    serde_json::to_string(&message).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_proto::gongzhi::platform::v1::NoticePublished;
    use prost::Message;

    #[test]
    fn known_types_decode_to_json() {
        let event = NoticePublished {
            notice_id: "n1".into(),
            title: "停水".into(),
            ..Default::default()
        };
        let json = payload_json(
            "gongzhi.platform.v1.NoticePublished",
            &event.encode_to_vec(),
        );
        assert!(json.is_some_and(|j| j.contains("停水") && j.contains("noticeId")));
        assert_eq!(payload_json("gongzhi.nope.v1.X", &[]), None);
    }
}
