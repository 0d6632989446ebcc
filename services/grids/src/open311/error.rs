//! Open311 errors: an HTTP status and the GeoReport v2 error body
//! `[{"code": <status>, "description": "..."}]`. Bad input is always a 4xx;
//! internal failures are logged and answered with a generic 500 that leaks
//! no database text.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {description}")]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open311ErrorKind {
    BadRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    Unavailable,
    Internal,
}

impl Open311Error {
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn unauthenticated(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    pub fn unavailable(description: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, description)
    }

    /// Logs `cause` and answers without its text.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %cause, "open311 request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }

    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
        }
    }

    pub fn kind(&self) -> Open311ErrorKind {
        match self.status {
            StatusCode::BAD_REQUEST => Open311ErrorKind::BadRequest,
            StatusCode::UNAUTHORIZED => Open311ErrorKind::Unauthenticated,
            StatusCode::FORBIDDEN => Open311ErrorKind::Forbidden,
            StatusCode::NOT_FOUND => Open311ErrorKind::NotFound,
            StatusCode::SERVICE_UNAVAILABLE => Open311ErrorKind::Unavailable,
            _ => Open311ErrorKind::Internal,
        }
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
