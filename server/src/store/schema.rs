//! Versioned migrations, embedded at build time (one directory per backend because identity
//! columns differ), and the refusal to open a store written by a newer build.

use sqlx::AnyPool;
use sqlx::Row;
use sqlx::migrate::Migrator;

use super::Backend;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The newest schema version this build knows (the same for both backends).
pub const KNOWN_SCHEMA: i64 = 2;

#[derive(Debug)]
pub(super) enum SchemaError {
    Newer { found: i64, known: i64 },
    Sql(sqlx::Error),
    Migrate(String),
}

impl From<sqlx::Error> for SchemaError {
    fn from(e: sqlx::Error) -> Self {
        SchemaError::Sql(e)
    }
}

/// The newest schema version stored, 0 for an empty database.
async fn stored_version(pool: &AnyPool, backend: Backend) -> Result<i64, sqlx::Error> {
    let exists = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
        }
    };
    let n: i64 = sqlx::query(exists).fetch_one(pool).await?.try_get(0)?;
    if n == 0 {
        return Ok(0);
    }
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await?;
    row.try_get(0)
}

/// Refuses a newer schema, then applies the migrations this build has and the store lacks.
pub(super) async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), SchemaError> {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    let known = migrator.iter().map(|m| m.version).max().unwrap_or_default();
    debug_assert_eq!(
        known, KNOWN_SCHEMA,
        "KNOWN_SCHEMA names the newest migration"
    );
    let found = stored_version(pool, backend).await?;
    if found > known {
        return Err(SchemaError::Newer { found, known });
    }
    migrator.run(pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(e) => SchemaError::Sql(e),
        other => SchemaError::Migrate(other.to_string()),
    })
}
