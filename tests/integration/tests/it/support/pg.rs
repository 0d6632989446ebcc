//! A fresh PostgreSQL database per test, so tests run in parallel without
//! seeing each other's rows. The server comes from `GONGZHI_TEST_DATABASE_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); each test gets
//! `gz_t_<uuid>` on it, dropped (best effort) when the [`TestDb`] drops so
//! repeated runs do not pile databases up.

use anyhow::Context;
use sqlx::{Connection, PgConnection, PgPool, postgres::PgPoolOptions};

const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestDb {
    /// Connection URL of the fresh database, for code under test that
    /// connects by itself.
    pub url: String,
    pub pool: PgPool,
    pub name: String,
}

/// The URL of the server that hosts the per-test databases.
pub fn server_url() -> String {
    std::env::var("GONGZHI_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned())
}

/// Creates `gz_t_<uuid>` on the test server and connects a small pool to it.
pub async fn fresh_database() -> anyhow::Result<TestDb> {
    let server = server_url();
    let name = format!("gz_t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&server)
        .await
        .with_context(|| format!("failed to connect to the test server {server}"))?;
    sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&mut admin)
        .await
        .with_context(|| format!("failed to create database {name}"))?;
    // Closing is a courtesy; the database exists whatever happens here.
    let _ = admin.close().await;

    let url = with_database(&server, &name);
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await
        .with_context(|| format!("failed to connect to {name}"))?;
    Ok(TestDb { url, pool, name })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on, so
        // the drop gets its own thread and runtime. It is joined so the
        // database is gone before the test binary exits. `WITH (FORCE)` ends
        // the connections of pools still alive (clones held by the store).
        let name = self.name.clone();
        let server = server_url();
        let dropper = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(mut admin) = PgConnection::connect(&server).await else {
                    return;
                };
                let _ = sqlx::query(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                    .execute(&mut admin)
                    .await;
                let _ = admin.close().await;
            });
        });
        let _ = dropper.join();
    }
}

/// Replaces the database of a PostgreSQL URL, keeping any query string.
fn with_database(server_url: &str, database: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{database}?{query}"),
        None => format!("{host_part}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "gz_t_1"),
            "postgres://u@h:5432/gz_t_1"
        );
        assert_eq!(
            with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
