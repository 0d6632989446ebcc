//! One small enum of error codes that every layer's errors map into, and that
//! the server crate maps once to gRPC status codes with rich details.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// Malformed input; carries field violations.
    InvalidArgument,
    /// A domain rule refused the command; carries a reason code.
    FailedPrecondition,
    /// Optimistic concurrency lost; the caller may retry.
    Conflict,
    NotFound,
    AlreadyExists,
    Unauthenticated,
    PermissionDenied,
    /// A bounded wait (read-your-writes, shutdown) ran out.
    DeadlineExceeded,
    /// A dependency is down; retrying later may work.
    Unavailable,
    /// A bug or an unexpected backend failure; never used for bad input.
    Internal,
}
