//! The database: one connection enum over SQLite and PostgreSQL, the pool, migrations and
//! transactions. This folder is the only place that may `match` on the backend.

mod access;
pub mod account_events;
pub mod agencies;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod campaigns;
pub mod catalogues;
pub mod checkpoints;
pub mod citations;
pub mod consultations;
pub mod dates;
pub mod deadlines;
pub mod document_row;
pub mod documents;
pub mod error;
pub mod expiry;
pub mod files;
pub mod filings;
pub mod history;
pub mod imports;
pub mod interpretations;
mod kept_sql;
pub mod login_throttle;
pub mod numbering;
pub mod public;
pub mod reach;
pub mod reviews;
pub mod schema;
pub mod search_feed;
pub mod search_query;
pub mod settings;
pub mod suggestions;
pub mod users;
mod writer_queue;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use access::{Db, WriteWaitObserver};
pub use error::is_unique_violation;
pub use writer_queue::WriterQueue;

use error::DbError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any key works as long as every instance uses the same one: it serialises migrations of
/// instances that start together on one PostgreSQL database.
const STARTUP_LOCK_KEY: i64 = 0x006e_6f72_6d72_6567;

/// Multi-row INSERT, which diesel cannot compile through the `MultiConnection` enum: the same
/// statement is built once per backend.
macro_rules! insert_many_rows {
    ($conn:expr, $table:expr, $values:expr) => {
        match $conn {
            DbConn::Sqlite(c) => diesel::insert_into($table).values($values).execute(c),
            DbConn::Postgres(c) => diesel::insert_into($table).values($values).execute(c),
        }
    };
}

pub(crate) use insert_many_rows as insert_many;

/// A statement written with `?` placeholders, bound in textual order, for this engine: SQLite
/// takes `?` as it is; PostgreSQL wants `$1, $2, …`. Raw statements in `src/db/` are written
/// this one way, whatever engine they are for: `?` can be assembled from fragments, where
/// SQLite's `$n`, numbered by first appearance, binds wrongly once a statement repeats or
/// reorders one. The one exception is a PostgreSQL-only statement that names a parameter more
/// than once (the registration statements of `db::numbering`), written with PostgreSQL's own
/// `$n`, which SQLite never sees. The statement must hold no `?` inside a string literal.
pub fn placeholders(conn: &DbConn, sql: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => sql.to_string(),
        DbConn::Postgres(_) => numbered(sql),
    }
}

/// `sql` with its `?` numbered `$1, $2, …` in textual order: the PostgreSQL form, for a
/// statement that only PostgreSQL runs and that is worth numbering once rather than per call.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// One connection to whichever engine `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The two engines normreg runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed `DATABASE_URL`. The scheme decides the engine, because SQLite would accept any
/// string as a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() || path.contains(":memory:") {
                return Err(format!(
                    "DATABASE_URL=`{raw}`: expected a file, e.g. sqlite://data/normreg.db"
                ));
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(Self::Postgres(raw.to_string()))
        } else {
            Err(format!(
                "DATABASE_URL=`{}`: expected sqlite://PATH or postgres://user@host:port/db",
                redact(raw)
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Hides a password in a URL before it reaches a log or an error message.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// Opens connections for the pool, with the per-connection SQLite settings.
#[derive(Clone, Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // FULL sync so that nothing acknowledged is lost on power failure; the busy
                // timeout makes writers queue instead of failing. WAL is the file's own
                // setting, made once by `connect` (`use_wal`).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 15000; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Builds the pool, creating the SQLite file's folder when needed.
pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Pool, DbError> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                DbError::internal(format!("cannot create folder {}: {e}", dir.display()))
            })?;
        }
        use_wal(path)?;
    }
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(30))
        .build(Manager { url: url.clone() })
        .map_err(|e| DbError::internal(format!("cannot connect to the database: {e}")))
}

/// Puts the SQLite file in WAL mode (readers run beside the one writer), which the file keeps.
/// Once, before the pool opens its connections: asked of every new connection, the switch
/// can meet another connection opening the file and fail at once with "database is locked",
/// without waiting for the busy timeout.
fn use_wal(path: &std::path::Path) -> Result<(), DbError> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| DbError::internal(format!("cannot open {}: {e}", path.display())))?;
    conn.batch_execute("PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL;")
        .map_err(|e| DbError::internal(format!("cannot use WAL on {}: {e}", path.display())))
}

/// Runs `work` while holding the start-up lock: a PostgreSQL advisory lock, or SQLite's
/// write lock. Instances starting together on one database migrate and seed one at a time.
pub fn with_startup_lock<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    match conn {
        DbConn::Postgres(_) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})"))
                .execute(conn)
                .map_err(DbError::from)?;
            let result = work(conn);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})"))
                .execute(conn)
                .map_err(DbError::from)?;
            result
        }
        DbConn::Sqlite(_) => write_tx(conn, work),
    }
}

/// Applies pending migrations of the connection's engine, then chains the history written
/// before the hash chains existed (`history::backfill`); call it under the start-up lock.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Postgres(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    let applied = applied.map_err(|e| DbError::internal(format!("migration failed: {e}")))?;
    let chained = history::backfill(conn)?;
    if chained > 0 {
        tracing::info!(events = chained, "history chained: events written before the hash chains");
    }
    Ok(applied)
}

/// Runs `work` in one write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, because a
/// deferred transaction that reads and then writes fails with "database is locked" under
/// concurrency instead of waiting its turn. `work` fails with the caller's error (a service
/// operation's `AppError`, or `DbError` inside this folder); either rolls back.
pub fn write_tx<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    write_tx_begun(conn, || {}, work)
}

/// [`write_tx`], calling `begun` once the write transaction has started, i.e. once this
/// writer's wait for the database is over (SQLite's BEGIN IMMEDIATE waits for the one writer).
pub(crate) fn write_tx_begun<T, E, F>(
    conn: &mut DbConn,
    begun: impl FnOnce(),
    work: F,
) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    match conn {
        DbConn::Postgres(_) => {
            let work = |c: &mut DbConn| {
                begun();
                work(c)
            };
            conn.transaction(|c| work(c).map_err(Carried::Work)).map_err(|e| match e {
                Carried::Work(e) => e,
                Carried::Db(e) => DbError::from(e).into(),
            })
        }
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
                .map_err(DbError::from)?;
            begun();
            match work(conn) {
                Ok(value) => {
                    if let Err(e) =
                        <DbConn as Connection>::TransactionManager::commit_transaction(conn)
                    {
                        let _ =
                            <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                        return Err(DbError::from(e).into());
                    }
                    Ok(value)
                }
                Err(e) => {
                    <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
                        .map_err(DbError::from)?;
                    Err(e)
                }
            }
        }
    }
}

/// The error of a PostgreSQL transaction: the work's own, or diesel's from BEGIN or COMMIT.
enum Carried<E> {
    Work(E),
    Db(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for Carried<E> {
    fn from(e: diesel::result::Error) -> Self {
        Carried::Db(e)
    }
}
