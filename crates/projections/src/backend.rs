//! Where read models live: one PostgreSQL database with a schema per
//! generation, or (embedded mode) a directory with a SQLite file per
//! generation.

use crate::handle::{Generations, ProjectionHandle, SqliteGeneration};
use crate::notify::CheckpointListener;
use crate::{Backend, Projection, ProjectionError};
use gongzhi_eventstore::SharedEventStore;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::RwLock;

/// Connections applying events, shared by every projection of the process.
const APPLIER_CONNECTIONS: u32 = 4;

#[derive(Clone)]
pub enum ReadModelDb {
    /// `listener` is this process's one connection listening for checkpoint
    /// moves made by other processes (replicas) on the same database;
    /// `appliers` is a pool of its own for applying events, so appliers
    /// never queue behind queries: with hundreds of read-your-writes queries
    /// waiting, one shared pool made the applier they wait for wait for them.
    Postgres {
        pool: AnyPool,
        listener: Arc<CheckpointListener>,
        appliers: AnyPool,
    },
    /// Embedded mode: one process, so in-process wakeups suffice.
    Sqlite { dir: PathBuf },
}

impl ReadModelDb {
    pub async fn postgres(url: &str) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await?;
        let mut registry = sqlx::migrate!("./migrations/postgres/registry");
        registry.set_ignore_missing(true);
        registry.run(&pool).await?;
        let listener = CheckpointListener::start(url).await?;
        let appliers = AnyPoolOptions::new()
            .max_connections(APPLIER_CONNECTIONS)
            .connect(url)
            .await?;
        Ok(Self::Postgres {
            pool,
            listener,
            appliers,
        })
    }

    pub async fn sqlite(dir: impl Into<PathBuf>) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let dir = dir.into();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| ProjectionError::Database(sqlx::Error::Io(e)))?;
        Ok(Self::Sqlite { dir })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres { .. } => Backend::Postgres,
            Self::Sqlite { .. } => Backend::Sqlite,
        }
    }

    /// Makes sure the projection's live generation exists and is migrated,
    /// and returns the handle that applies events and serves queries.
    pub async fn register(
        &self,
        projection: Arc<dyn Projection>,
        store: SharedEventStore,
    ) -> Result<ProjectionHandle, ProjectionError> {
        let name = projection.name();
        check_name(name)?;
        let generations = match self {
            Self::Postgres {
                pool,
                listener,
                appliers,
            } => {
                sqlx::query(
                    "INSERT INTO projections.registry (name, active_generation) VALUES ($1, 1) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .execute(pool)
                .await?;
                let active: i64 = sqlx::query_scalar(
                    "SELECT active_generation FROM projections.registry WHERE name = $1",
                )
                .bind(name)
                .fetch_one(pool)
                .await?;
                migrate_pg_generation(pool, projection.as_ref(), active).await?;
                Generations::Postgres {
                    pool: pool.clone(),
                    listener: listener.clone(),
                    appliers: appliers.clone(),
                }
            }
            Self::Sqlite { dir } => {
                let active = read_active_file(dir, name).await?;
                let pool = open_sqlite_generation(dir, projection.as_ref(), active).await?;
                Generations::Sqlite {
                    dir: dir.clone(),
                    active: Arc::new(RwLock::new(SqliteGeneration {
                        number: active,
                        pool,
                    })),
                }
            }
        };
        Ok(ProjectionHandle::new(projection, store, generations))
    }
}

pub(crate) fn check_name(name: &str) -> Result<(), ProjectionError> {
    let ok = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.len() <= 40;
    if ok {
        Ok(())
    } else {
        Err(ProjectionError::BadName(name.to_owned()))
    }
}

/// Schema of one generation; `name` is checked by [`check_name`], so quoting
/// is not needed and the identifier is safe to format into SQL.
pub(crate) fn schema_name(name: &str, generation: i64) -> String {
    format!("rm_{name}_g{generation}")
}

pub(crate) async fn migrate_pg_generation(
    pool: &AnyPool,
    projection: &dyn Projection,
    generation: i64,
) -> Result<(), ProjectionError> {
    let schema = schema_name(projection.name(), generation);
    // A detached connection: its search_path is changed for the migrators and
    // it must never go back to the pool like that.
    let mut connection = pool.acquire().await?.detach();
    connection
        .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
        .await?;
    connection
        .execute(format!("SET search_path TO {schema}").as_str())
        .await?;
    let mut runtime = sqlx::migrate!("./migrations/postgres/generation");
    runtime.set_ignore_missing(true);
    runtime.run_direct(&mut connection).await?;
    let mut own = projection.migrator(Backend::Postgres);
    own.set_ignore_missing(true);
    own.run_direct(&mut connection).await?;
    sqlx::Connection::close(connection).await?;
    Ok(())
}

pub(crate) fn sqlite_file(dir: &Path, name: &str, generation: i64) -> PathBuf {
    dir.join(format!("{}.db", schema_name(name, generation)))
}

pub(crate) async fn open_sqlite_generation(
    dir: &Path,
    projection: &dyn Projection,
    generation: i64,
) -> Result<AnyPool, ProjectionError> {
    let file = sqlite_file(dir, projection.name(), generation);
    let url = format!("sqlite://{}?mode=rwc", file.display());
    // One connection: the embedded mode has a single writer, and SQLite would
    // answer a second one with SQLITE_BUSY.
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let mut runtime = sqlx::migrate!("./migrations/sqlite/generation");
    runtime.set_ignore_missing(true);
    runtime.run(&pool).await?;
    let mut own = projection.migrator(Backend::Sqlite);
    own.set_ignore_missing(true);
    own.run(&pool).await?;
    Ok(pool)
}

fn active_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.active"))
}

pub(crate) async fn read_active_file(dir: &Path, name: &str) -> Result<i64, ProjectionError> {
    match tokio::fs::read_to_string(active_file(dir, name)).await {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| ProjectionError::BadName(format!("{name}: unreadable generation file"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(1),
        Err(e) => Err(ProjectionError::Database(sqlx::Error::Io(e))),
    }
}

/// Written to a temporary file then renamed, so a crash leaves the old or the
/// new generation, never a torn number.
pub(crate) async fn write_active_file(
    dir: &Path,
    name: &str,
    generation: i64,
) -> Result<(), ProjectionError> {
    let target = active_file(dir, name);
    let temporary = target.with_extension("active.tmp");
    let io = |e| ProjectionError::Database(sqlx::Error::Io(e));
    tokio::fs::write(&temporary, generation.to_string())
        .await
        .map_err(io)?;
    tokio::fs::rename(&temporary, &target).await.map_err(io)?;
    Ok(())
}
