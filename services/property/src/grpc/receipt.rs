//! The receipt every command answers with: where its events went and the
//! `$all` position a following query passes as `min_position`.

use gongzhi_commands::Receipt;
use gongzhi_proto::gongzhi::property::v1 as pb;

pub fn receipt(receipt: &Receipt) -> Option<pb::CommandReceipt> {
    Some(pb::CommandReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    })
}
