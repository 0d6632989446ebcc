//! Service bootstrap: the tonic host with health, reflection, bearer auth and
//! trace propagation ([`host`]), one error type mapped to rich gRPC statuses
//! ([`error`]), the per-command context that makes retries idempotent
//! ([`command`]), and signal-driven graceful shutdown ([`shutdown`]).

pub mod auth;
mod auth_layer;
pub mod command;
mod drain;
pub mod error;
pub mod host;
mod paths;
pub mod shutdown;
pub mod store_error;
mod trace_layer;
pub mod violations;

pub use auth::{
    AuthConfig, AuthError, AuthErrorKind, CITY_ADMIN_ROLE, Caller, Claims, TokenIssuer,
    TokenVerifier,
};
pub use command::{CommandContext, GONGZHI_NAMESPACE, MAX_REQUEST_ID_LEN, validate_request_id};
pub use error::{ApiError, FieldViolation};
pub use host::{HostConfig, HostError, HostErrorKind, ServiceHost};
pub use shutdown::shutdown_on_signals;
pub use tokio_util::sync::CancellationToken;
pub use violations::Violations;
