//! The board's durable store: [`SqlStore`] implements [`engine::board::Store`] over SQLite
//! (a file) or PostgreSQL, and behaves exactly like [`engine::board::MemoryStore`] (one
//! conformance suite runs against all three).
//!
//! # One code path for both databases
//! `sqlx`'s `Any` driver runs the same SQL on both: only `BIGINT`/`DOUBLE PRECISION`/`TEXT`
//! values cross the boundary (unix seconds, degrees, JSON text), and upserts use
//! `ON CONFLICT`, which both speak. What differs is small and named by [`Backend`]: the
//! placeholders a statement is built with (`?` for SQLite, `$N` for PostgreSQL), the
//! migrations (identity columns vs `AUTOINCREMENT`), how a write transaction starts, and the
//! connection settings. An enum over two pools would have doubled every query for no gain.
//!
//! # Transactions and durability
//! [`engine::board::Store::apply`] is one transaction: the idempotency key is claimed first
//! (`INSERT … ON CONFLICT DO NOTHING`: a concurrent writer with the same key gets the first
//! answer), every update's version is checked against the records as they were before the
//! write (as `MemoryStore` does), then each change is written (an update is
//! `UPDATE … WHERE id = $ AND version = $`), then its event, then the key's answer. Tables
//! declare no foreign keys: the board checks references, and the store accepts what
//! `MemoryStore` accepts. Writers are serialised so that event sequence numbers are in commit order,
//! which the live feed relies on (a reader that saw event `n` never misses a smaller one
//! committed later): SQLite by `BEGIN IMMEDIATE` (plus an in-process lock, so tasks queue
//! instead of polling the file lock), PostgreSQL by a transaction-level advisory lock.
//!
//! Many writes that each update one record ([`engine::board::Store::apply_all`], position
//! reports) are written with a few statements for the whole batch (module `bulk`).
//!
//! SQLite runs in WAL mode with `synchronous=FULL`, so an acknowledged commit survives a
//! kill of the process and a power loss; PostgreSQL keeps its defaults (`fsync` on).
//! Its WAL is copied back into the database file by a background task rather than inside a
//! commit (module `checkpoint`).
//! SQLite keeps its temporary files in memory (`temp_store=MEMORY`: the statement journal
//! of a many-row `UPDATE` inside a transaction, a few pages, is not written to a file). Its
//! page cache keeps the default size (2,000 KiB per connection): in WAL mode a connection
//! drops its cache whenever another one has committed, so with a pool of connections taking
//! turns at writing a larger cache would mostly hold memory, not hits.
//!
//! # Schema
//! Versioned migrations (`server/migrations/{sqlite,postgres}/`) are embedded and applied
//! on [`SqlStore::open`]. A store whose schema is newer than this build knows is refused
//! ([`OpenError::Newer`]) rather than half-understood.
//!
//! Errors never carry SQL or stored values: a full disk is [`StoreError::Full`], a lost or
//! refused connection [`StoreError::Unavailable`], the rest [`StoreError::Internal`] with
//! the database's error code.

mod bulk;
mod checkpoint;
mod rows;
mod schema;
mod sql;
mod tokens;

use std::sync::Once;
use std::time::Duration;

use engine::board::StoreError;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Connection};

pub use schema::KNOWN_SCHEMA;
pub use tokens::{new_token, sha256_hex, token_hash};

/// Which database a [`SqlStore`] speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// The board's store in SQLite or PostgreSQL.
#[derive(Debug)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Writers of this process take turns here (rather than on SQLite's file lock or
    /// PostgreSQL's advisory lock); the one whose turn it is commits every queued write.
    write_lock: tokio::sync::Mutex<()>,
    /// Writes waiting for a commit, with where their answers go.
    pending: std::sync::Mutex<Vec<(engine::board::Write, sql::Reply)>>,
    /// SQLite's WAL checkpoints, in the background (module `checkpoint`).
    _checkpoints: Option<checkpoint::Checkpointer>,
}

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database was written by a newer build.
    #[error(
        "the store was written by a newer vmeste (schema {found}, this build knows up to {known}); refusing to downgrade"
    )]
    Newer {
        /// Schema version found in the store.
        found: i64,
        /// Newest schema version this build knows.
        known: i64,
    },
    /// The file exists but is not an SQLite database (or is damaged).
    #[error("{0} is not a vmeste store: the file is not an SQLite database or is damaged")]
    NotADatabase(String),
    /// The database could not be reached.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The target is neither a file path nor a `sqlite:` or `postgres://` URL.
    #[error(
        "{0:?} is not a store: give a file path, sqlite:PATH or postgres://USER@HOST/DB (none: no board)"
    )]
    UnknownScheme(String),
    /// Applying the migrations failed.
    #[error("the store's schema could not be brought up to date: {0}")]
    Migrate(String),
}

/// Most connections a store keeps open.
const MAX_CONNECTIONS: u32 = 8;
/// How long a writer waits for SQLite's file lock held by another process.
const BUSY_TIMEOUT_MS: u32 = 10_000;
/// How long a caller waits for a free connection before [`StoreError::Unavailable`].
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

impl SqlStore {
    /// Opens the store at `url_or_path`: `postgres://…` (or `postgresql://…`) is a
    /// PostgreSQL database; `sqlite://PATH` or a plain path is an SQLite file, created when
    /// missing. Brings the schema up to date.
    ///
    /// # Errors
    /// [`OpenError`]: unreachable, not a database, written by a newer build, or the
    /// migrations failed.
    pub async fn open(url_or_path: &str) -> Result<SqlStore, OpenError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let (backend, url) = locate(url_or_path)?;
        let options = AnyPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Durable commits (WAL + fsync at each commit), waits instead of
                    // failing on another process's lock.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA temp_store = MEMORY",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    for pragma in [
                        format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"),
                        format!(
                            "PRAGMA wal_autocheckpoint = {}",
                            checkpoint::WAL_AUTOCHECKPOINT_PAGES
                        ),
                    ] {
                        sqlx::query(sqlx::AssertSqlSafe(pragma))
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        if backend == Backend::Sqlite {
            // One connection first: a pool retries a failing connection until its timeout,
            // which would hide "not a database" behind "no connection free".
            let mut first = sqlx::AnyConnection::connect(&url)
                .await
                .map_err(|e| open_error(backend, url_or_path, &e))?;
            let checked = sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut first)
                .await;
            let _ = first.close().await;
            checked.map_err(|e| open_error(backend, url_or_path, &e))?;
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| open_error(backend, url_or_path, &e))?;
        let store = SqlStore {
            pool,
            backend,
            write_lock: tokio::sync::Mutex::new(()),
            pending: std::sync::Mutex::new(Vec::new()),
            _checkpoints: None,
        };
        schema::migrate(&store.pool, backend)
            .await
            .map_err(|e| match e {
                schema::SchemaError::Newer { found, known } => OpenError::Newer { found, known },
                schema::SchemaError::Sql(e) => open_error(backend, url_or_path, &e),
                schema::SchemaError::Migrate(m) => OpenError::Migrate(m),
            })?;
        let store = SqlStore {
            _checkpoints: match backend {
                Backend::Sqlite => checkpoint::Checkpointer::start(&store.pool),
                Backend::Postgres => None,
            },
            ..store
        };
        Ok(store)
    }

    /// Which database this is.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The backend and the driver URL for what the user typed.
fn locate(url_or_path: &str) -> Result<(Backend, String), OpenError> {
    if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url_or_path.to_owned()));
    }
    // A URL scheme other than SQLite's (`memory:`, `mysql://`, `http://`) is no file name to
    // create; one letter before the colon is a Windows drive.
    if let Some((scheme, _)) = url_or_path.split_once(':')
        && scheme.len() > 1
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        && scheme != "sqlite"
    {
        return Err(OpenError::UnknownScheme(url_or_path.to_owned()));
    }
    let path = url_or_path
        .strip_prefix("sqlite://")
        .or_else(|| url_or_path.strip_prefix("sqlite:"))
        .unwrap_or(url_or_path);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let query = if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        query.to_owned()
    };
    Ok((Backend::Sqlite, format!("sqlite://{path}?{query}")))
}

/// SQLite's "file is not a database" and "database disk image is malformed".
const SQLITE_NOTADB: i64 = 26;
const SQLITE_CORRUPT: i64 = 11;

fn open_error(backend: Backend, what: &str, e: &sqlx::Error) -> OpenError {
    if backend == Backend::Sqlite
        && let Some(code) = sqlite_code(e)
        && (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    {
        return OpenError::NotADatabase(what.to_owned());
    }
    match store_error(e) {
        StoreError::Unavailable(m) | StoreError::Internal(m) => OpenError::Unavailable(m),
        other => OpenError::Unavailable(other.to_string()),
    }
}

/// SQLite's primary result code of a database error.
fn sqlite_code(e: &sqlx::Error) -> Option<i64> {
    let code = e.as_database_error()?.code()?;
    code.parse::<i64>().ok().map(|c| c & 0xff)
}

/// SQLite's "database or disk is full".
const SQLITE_FULL: i64 = 13;
/// SQLite's "unable to open database file".
const SQLITE_CANTOPEN: i64 = 14;
/// PostgreSQL's `disk_full`.
const PG_DISK_FULL: &str = "53100";

/// A driver error as a [`StoreError`], without SQL or values: only the kind and the
/// database's code.
pub(crate) fn store_error(e: &sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            if code == PG_DISK_FULL || code.starts_with("08") || code.starts_with("57P") {
                // 08xxx: connection exceptions; 57P0x: the server is shutting down.
                return if code == PG_DISK_FULL {
                    StoreError::Full
                } else {
                    StoreError::Unavailable(format!("database error {code}"))
                };
            }
            match code.parse::<i64>().map(|c| c & 0xff) {
                Ok(SQLITE_FULL) => StoreError::Full,
                Ok(SQLITE_CANTOPEN) => StoreError::Unavailable(format!("database error {code}")),
                _ => StoreError::Internal(format!("database error {code}")),
            }
        }
        sqlx::Error::Io(io) => StoreError::Unavailable(format!("{:?}", io.kind())),
        sqlx::Error::Tls(_) => StoreError::Unavailable("TLS failure".into()),
        sqlx::Error::PoolTimedOut => StoreError::Unavailable("no connection free in time".into()),
        sqlx::Error::PoolClosed => StoreError::Unavailable("the store is closed".into()),
        sqlx::Error::WorkerCrashed => StoreError::Unavailable("the database worker died".into()),
        sqlx::Error::Protocol(_) => StoreError::Unavailable("protocol error".into()),
        sqlx::Error::Configuration(_) => StoreError::Unavailable("bad store address".into()),
        sqlx::Error::ColumnDecode { index, .. } => {
            StoreError::Internal(format!("stored column {index} not understood"))
        }
        other => StoreError::Internal(format!("{:?}", std::mem::discriminant(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_files_sqlite_or_postgres_urls() {
        let ok = |t: &str| locate(t).ok();
        assert_eq!(
            ok("dispatch.db"),
            Some((Backend::Sqlite, "sqlite://dispatch.db?mode=rwc".to_owned()))
        );
        assert_eq!(
            ok("sqlite:/tmp/a.db"),
            Some((Backend::Sqlite, "sqlite:///tmp/a.db?mode=rwc".to_owned()))
        );
        assert_eq!(
            ok("postgres://u@h/db"),
            Some((Backend::Postgres, "postgres://u@h/db".to_owned()))
        );
        assert!(ok("C:/data/board.db").is_some(), "a drive letter is a path");
        for bad in ["memory:", "mysql://u@h/db", "http://example.invalid/x"] {
            let e = locate(bad).expect_err(bad);
            assert!(matches!(e, OpenError::UnknownScheme(_)), "{bad}: {e}");
            assert!(e.to_string().contains("postgres://"), "{e}");
        }
    }
}
