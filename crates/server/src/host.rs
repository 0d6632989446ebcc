//! [`ServiceHost`]: the gRPC server every service runs in.
//!
//! Contract:
//! - serves the added services plus `grpc.health.v1.Health` and reflection
//!   (v1 and v1alpha, from [`gongzhi_proto::FILE_DESCRIPTOR_SET`]); each added
//!   service and the overall `""` report SERVING once serving starts;
//! - every business call needs a valid bearer token (health, reflection and
//!   services added with [`ServiceHost::add_public_service`] do not; a host
//!   may take the token as a Basic password too) and runs in a server span
//!   that continues the caller's W3C trace;
//! - [`ServiceHost::serve`] returns after its shutdown token is cancelled: all
//!   services turn NOT_SERVING, new business calls are refused with
//!   `Unavailable`, in-flight calls finish (bounded by `drain_timeout`), then
//!   the listener closes and connections are closed.

use crate::auth::{AuthConfig, TokenVerifier};
use crate::auth_layer::{AuthLayer, AuthPolicy};
use crate::drain::{DrainLayer, DrainState};
use crate::trace_layer::TraceLayer;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tonic::body::Body;
use tonic::server::NamedService;
use tonic::service::{Routes, RoutesBuilder};
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;

const HEALTH_SERVICE: &str = "grpc.health.v1.Health";
const REFLECTION_SERVICES: [&str; 2] = [
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Port 0 picks a free port; [`ServiceHost::bind`] tells which.
    pub listen_addr: SocketAddr,
    pub auth: AuthConfig,
    /// Upper bound on the whole drain once shutdown starts.
    pub drain_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build the reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("grpc server failed: {0}")]
    Serve(#[from] tonic::transport::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostErrorKind {
    Bind,
    Reflection,
    Serve,
}

impl HostError {
    pub fn kind(&self) -> HostErrorKind {
        match self {
            Self::Bind { .. } => HostErrorKind::Bind,
            Self::Reflection(_) => HostErrorKind::Reflection,
            Self::Serve(_) => HostErrorKind::Serve,
        }
    }
}

pub struct ServiceHost {
    config: HostConfig,
    routes: RoutesBuilder,
    /// `(label for logs, full gRPC service name)`.
    services: Vec<(&'static str, &'static str)>,
    auth_policy: AuthPolicy,
    /// Descriptor sets for reflection besides Gongzhi's own.
    descriptor_sets: Vec<&'static [u8]>,
    listener: Option<TcpListener>,
}

impl ServiceHost {
    pub fn new(config: HostConfig) -> Self {
        Self {
            config,
            routes: Routes::builder(),
            services: Vec::new(),
            auth_policy: AuthPolicy::default(),
            descriptor_sets: Vec::new(),
            listener: None,
        }
    }

    /// Adds a service every caller may reach without a token, like health:
    /// for discovery calls that protocols make before presenting credentials.
    pub fn add_public_service<S>(mut self, name: &'static str, service: S) -> Self
    where
        S: tower::Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.auth_policy
            .public_prefixes
            .push(format!("/{}/", S::NAME));
        self.add_service(name, service)
    }

    /// Also accepts the bearer token as the password of Basic credentials,
    /// for clients that only speak user and password.
    pub fn accept_basic_credentials(mut self) -> Self {
        self.auth_policy.accept_basic = true;
        self
    }

    /// Registers the descriptors of services that are not in `proto/`, so
    /// reflection describes them too.
    pub fn with_descriptor_set(mut self, encoded: &'static [u8]) -> Self {
        self.descriptor_sets.push(encoded);
        self
    }

    /// Adds a tonic service. `name` labels it in logs; health and reflection
    /// use its full gRPC name (`S::NAME`).
    pub fn add_service<S>(mut self, name: &'static str, service: S) -> Self
    where
        S: tower::Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.routes.add_service(service);
        self.services.push((name, S::NAME));
        self
    }

    /// Binds the listener now, so the caller learns the port before serving.
    pub async fn bind(&mut self) -> Result<SocketAddr, HostError> {
        let listener = self.take_or_bind_listener().await?;
        let local_addr = self.local_addr(&listener)?;
        self.listener = Some(listener);
        Ok(local_addr)
    }

    async fn take_or_bind_listener(&mut self) -> Result<TcpListener, HostError> {
        if let Some(listener) = self.listener.take() {
            return Ok(listener);
        }
        let addr = self.config.listen_addr;
        TcpListener::bind(addr)
            .await
            .map_err(|source| HostError::Bind { addr, source })
    }

    fn local_addr(&self, listener: &TcpListener) -> Result<SocketAddr, HostError> {
        listener.local_addr().map_err(|source| HostError::Bind {
            addr: self.config.listen_addr,
            source,
        })
    }

    /// Serves until `shutdown` is cancelled, then drains (see the module docs).
    pub async fn serve(mut self, shutdown: CancellationToken) -> Result<(), HostError> {
        let listener = self.take_or_bind_listener().await?;
        let local_addr = self.local_addr(&listener)?;
        let (health, health_service) = tonic_health::server::health_reporter();
        let grpc_names: Vec<&'static str> = self
            .services
            .iter()
            .map(|(_, grpc_name)| *grpc_name)
            .collect();
        let routes = self
            .routes
            .routes()
            .add_service(health_service)
            .add_service(reflection(&grpc_names, &self.descriptor_sets).build_v1()?)
            .add_service(reflection(&grpc_names, &self.descriptor_sets).build_v1alpha()?);
        set_status(&health, &grpc_names, ServingStatus::Serving).await;

        let drain = DrainState::new();
        let layers = tower::ServiceBuilder::new()
            .layer(TraceLayer::default())
            .layer(DrainLayer::new(drain.clone()))
            .layer(AuthLayer::new(
                TokenVerifier::new(&self.config.auth),
                self.auth_policy.clone(),
            ));
        let stop_accepting = CancellationToken::new();
        let server = tonic::transport::Server::builder()
            .layer(layers)
            .add_routes(routes)
            .serve_with_incoming_shutdown(
                TcpIncoming::from(listener).with_nodelay(Some(true)),
                stop_accepting.clone().cancelled_owned(),
            );
        tokio::pin!(server);
        let labels: Vec<&str> = self.services.iter().map(|(label, _)| *label).collect();
        tracing::info!(%local_addr, services = ?labels, "serving grpc");

        tokio::select! {
            result = &mut server => {
                // Only a transport failure ends the server before shutdown.
                result?;
                return Ok(());
            }
            () = shutdown.cancelled() => {}
        }

        let deadline = Instant::now() + self.config.drain_timeout;
        set_status(&health, &grpc_names, ServingStatus::NotServing).await;
        drain.start_draining();
        tracing::info!(
            in_flight = drain.in_flight(),
            "shutting down, draining in-flight calls"
        );
        if tokio::time::timeout_at(deadline, drain.idle())
            .await
            .is_err()
        {
            tracing::warn!(
                in_flight = drain.in_flight(),
                "drain timed out, abandoning in-flight calls"
            );
        }
        stop_accepting.cancel();
        match tokio::time::timeout_at(deadline, &mut server).await {
            Ok(result) => result?,
            // Dropping the server future closes the remaining connections.
            Err(_) => tracing::warn!("connections still open at the drain deadline, closing them"),
        }
        tracing::info!(%local_addr, "grpc server stopped");
        Ok(())
    }
}

fn reflection<'a>(
    grpc_names: &[&'static str],
    descriptor_sets: &[&'static [u8]],
) -> tonic_reflection::server::Builder<'a> {
    let mut builder = tonic_reflection::server::Builder::configure();
    for encoded in descriptor_sets {
        builder = builder.register_encoded_file_descriptor_set(encoded);
    }
    let mut builder = builder
        .register_encoded_file_descriptor_set(gongzhi_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        // Both versions' descriptors in both builders, since both names are listed.
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET)
        .include_reflection_service(false);
    // Advertise what this host serves, not every service in the descriptors.
    for name in grpc_names
        .iter()
        .chain([HEALTH_SERVICE].iter())
        .chain(REFLECTION_SERVICES.iter())
    {
        builder = builder.with_service_name(*name);
    }
    builder
}

async fn set_status(
    health: &tonic_health::server::HealthReporter,
    grpc_names: &[&str],
    status: ServingStatus,
) {
    for name in grpc_names {
        health.set_service_status(name, status).await;
    }
    health.set_service_status("", status).await;
}
