//! Service bootstrap: tonic server with health, reflection, error mapping, auth, idempotency, graceful shutdown.
