//! Graceful drain. Once draining starts, new business calls are refused with
//! `Unavailable` (clients retry on another replica) while in-flight ones run
//! to completion; health and reflection keep answering so probes see
//! NOT_SERVING rather than a dead socket.

use crate::paths::is_public;
use futures::future::{BoxFuture, FutureExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::sync::watch;
use tower::{Layer, Service};

#[derive(Debug)]
pub(crate) struct DrainState {
    draining: AtomicBool,
    in_flight: watch::Sender<usize>,
}

impl DrainState {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            draining: AtomicBool::new(false),
            in_flight: watch::Sender::new(0),
        })
    }

    pub(crate) fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub(crate) fn in_flight(&self) -> usize {
        *self.in_flight.borrow()
    }

    /// Resolves once no admitted call is running.
    pub(crate) async fn idle(&self) {
        let mut in_flight = self.in_flight.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = in_flight.wait_for(|count| *count == 0).await;
    }

    fn admit(self: &Arc<Self>) -> Option<InFlight> {
        if self.draining.load(Ordering::SeqCst) {
            return None;
        }
        self.in_flight.send_modify(|count| *count += 1);
        Some(InFlight(self.clone()))
    }
}

/// One admitted call; leaving decrements the count even if the call panics
/// or is cancelled.
struct InFlight(Arc<DrainState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0
            .in_flight
            .send_modify(|count| *count = count.saturating_sub(1));
    }
}

#[derive(Clone)]
pub(crate) struct DrainLayer {
    state: Arc<DrainState>,
}

impl DrainLayer {
    pub(crate) fn new(state: Arc<DrainState>) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for DrainLayer {
    type Service = DrainService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DrainService {
            inner,
            state: self.state.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct DrainService<S> {
    inner: S,
    state: Arc<DrainState>,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for DrainService<S>
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

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        if is_public(request.uri().path()) {
            return self.inner.call(request).boxed();
        }
        let Some(in_flight) = self.state.admit() else {
            let status =
                tonic::Status::unavailable("server is shutting down, retry on another instance");
            return futures::future::ready(Ok(status.into_http())).boxed();
        };
        let future = self.inner.call(request);
        async move {
            let result = future.await;
            drop(in_flight);
            result
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_waits_for_admitted_calls_and_draining_refuses_new_ones() {
        let state = DrainState::new();
        let call = state.admit();
        assert_eq!(state.in_flight(), 1);
        state.start_draining();
        assert!(state.admit().is_none());
        let idle = tokio::spawn({
            let state = state.clone();
            async move { state.idle().await }
        });
        drop(call);
        let finished = tokio::time::timeout(std::time::Duration::from_secs(5), idle).await;
        assert!(matches!(finished, Ok(Ok(()))));
        assert_eq!(state.in_flight(), 0);
    }
}
