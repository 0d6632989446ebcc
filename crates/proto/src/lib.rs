//! Generated gRPC and event messages of every Gongzhi context, with the file descriptor set for reflection.
