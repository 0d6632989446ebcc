//! Generated code of the EventStoreDB client protocol subset in `proto/`.

// Generated code is not ours to lint.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/esdb_packages.rs"));
}

pub use generated::*;

/// Encoded `google.protobuf.FileDescriptorSet` of the served protocol, for
/// reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/esdb_descriptor.bin"));
