//! Tower layer that admits a request only with a valid bearer token and puts
//! the verified [`Caller`] in its extensions; health, reflection and the
//! host's public services pass without one. A host may also accept the token
//! as the password of Basic credentials. Refusals are `Unauthenticated` with
//! a message saying why.

use crate::auth::{Caller, TokenVerifier};
use crate::error::ApiError;
use crate::paths::is_public;
use futures::future::{BoxFuture, FutureExt};
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// Who the layer admits without a token, and which credentials it reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthPolicy {
    /// Path prefixes (`/pkg.Service/`) reachable without a token.
    pub public_prefixes: Vec<String>,
    /// Accept `Basic base64(<user>:<token>)` besides `Bearer <token>`.
    pub accept_basic: bool,
}

#[derive(Clone)]
pub(crate) struct AuthLayer {
    verifier: Arc<TokenVerifier>,
    policy: Arc<AuthPolicy>,
}

impl AuthLayer {
    pub(crate) fn new(verifier: TokenVerifier, policy: AuthPolicy) -> Self {
        Self {
            verifier: Arc::new(verifier),
            policy: Arc::new(policy),
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            verifier: self.verifier.clone(),
            policy: self.policy.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct AuthService<S> {
    inner: S,
    verifier: Arc<TokenVerifier>,
    policy: Arc<AuthPolicy>,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for AuthService<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        let path = request.uri().path();
        let public_service = self
            .policy
            .public_prefixes
            .iter()
            .any(|prefix| path.starts_with(prefix.as_str()));
        if is_public(path) || public_service {
            return self.inner.call(request).boxed();
        }
        let header = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        let verified = if self.policy.accept_basic {
            self.verifier.verify_bearer_or_basic(header)
        } else {
            self.verifier.verify_header(header)
        };
        match verified {
            Ok(caller) => {
                tracing::Span::current().record("enduser.id", caller.subject.as_str());
                request.extensions_mut().insert::<Caller>(caller);
                self.inner.call(request).boxed()
            }
            Err(error) => {
                tracing::info!(reason = ?error.kind(), "request refused: {error}");
                let status = tonic::Status::from(ApiError::from(error));
                futures::future::ready(Ok(status.into_http())).boxed()
            }
        }
    }
}
