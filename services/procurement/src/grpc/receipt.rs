//! The receipt every command answers with.

use gongzhi_commands::Receipt;
use gongzhi_proto::gongzhi::procurement::v1 as pb;

pub fn receipt(receipt: &Receipt) -> Option<pb::CommandReceipt> {
    Some(pb::CommandReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    })
}
