//! `Db`, the instance's handle on the database: the pool, and the one read path and write
//! path that move blocking work to the blocking pool inside the request's span, count the
//! writes for the public caches and report each write's wait for the database.

use super::{write_tx_begun, Backend, DbConn, DbError, Pool, WriterQueue};

/// Told, for each write, its engine and the seconds it waited for a connection and the start
/// of its transaction (the metrics' histogram; this layer knows no metrics).
pub type WriteWaitObserver = std::sync::Arc<dyn Fn(Backend, f64) + Send + Sync>;

/// The pool plus the helpers that move blocking database work off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// Advanced after every committed write of this instance, so that caches of what was
    /// read before it know they are stale.
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
    write_waits: Option<WriteWaitObserver>,
    /// This instance's SQLite writers queue here before `BEGIN IMMEDIATE` (see the module).
    sqlite_writer: WriterQueue,
}

impl Db {
    pub fn new(pool: Pool) -> Self {
        Self {
            pool,
            generation: Default::default(),
            write_waits: None,
            sqlite_writer: Default::default(),
        }
    }

    /// Reports every later [`Db::write`]'s wait to `observer`.
    pub fn observe_write_waits(&mut self, observer: WriteWaitObserver) {
        self.write_waits = Some(observer);
    }

    /// How many writes this instance has committed; see [`Db::note_change`].
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Records that data changed outside [`Db::write`] (e.g. the expiry run).
    pub fn note_change(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Runs `work` on the blocking pool with a connection and no transaction (reads).
    /// `work` fails with its own error (a service operation's `AppError`, or a `DbError`).
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // The blocking pool's thread would lose the request's span (its request id) otherwise.
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _in_request = span.enter();
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| DbError::internal(format!("blocking task failed: {e}")))?
    }

    /// Runs a write that is one statement (its own transaction, e.g. registration's numbering
    /// function) on the blocking pool, and advances the write generation like [`Db::write`].
    pub async fn write_statement<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let result = self.read(work).await;
        if result.is_ok() {
            self.note_change();
        }
        result
    }

    /// [`Db::write_statement`] for an operation that reads first on the bare connection and
    /// then opens its own write transaction through the queue it is given
    /// ([`WriterQueue::write_tx`]), so that on SQLite it takes its turn among this instance's
    /// writers instead of sleeping in SQLite's busy handler (registration).
    pub async fn write_queued<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn, &WriterQueue) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let queue = self.sqlite_writer.clone();
        self.write_statement(move |conn| work(conn, &queue)).await
    }

    /// Runs `work` on the blocking pool inside one write transaction.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.write_checked(|_| Ok(()), move |conn, ()| work(conn)).await
    }

    /// [`Db::write`] after `check` (the caller's account, say), whose answer `work` is given.
    /// On PostgreSQL the check runs inside the transaction. On SQLite it runs just before the
    /// writer's turn: a read needs no write lock there, and time spent inside the one writer's
    /// transaction is time every other writer waits (the registration bench). A change to what
    /// `check` reads that commits between the two is seen by the next request.
    pub async fn write_checked<C, T, E, K, F>(&self, check: K, work: F) -> Result<T, E>
    where
        K: FnOnce(&mut DbConn) -> Result<C, E> + Send + 'static,
        F: FnOnce(&mut DbConn, C) -> Result<T, E> + Send + 'static,
        C: Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let observer = self.write_waits.clone();
        let writer = self.sqlite_writer.clone();
        let asked = std::time::Instant::now();
        let result = self
            .read(move |conn| {
                let backend = conn.backend();
                let begun = move || {
                    if let Some(observe) = observer {
                        observe(backend, asked.elapsed().as_secs_f64());
                    }
                };
                if backend == Backend::Postgres {
                    return write_tx_begun(conn, begun, |c| {
                        let checked = check(c)?;
                        work(c, checked)
                    });
                }
                let checked = check(conn)?;
                writer.write_tx_begun(conn, begun, |c| work(c, checked))
            })
            .await;
        if result.is_ok() {
            self.note_change();
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::Instrument;

    use super::*;

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("log buffer").extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_log_line_written_on_the_blocking_pool_carries_the_request_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        tracing::subscriber::set_global_default(subscriber).expect("the one subscriber here");
        let dir = std::env::temp_dir().join(format!("normreg-span-{}", uuid::Uuid::new_v4()));
        let url = crate::db::DatabaseUrl::Sqlite(dir.join("normreg.db"));
        let db = Db::new(crate::db::connect(&url, 1).expect("pool"));
        actix_web::rt::System::new().block_on(async {
            let span = tracing::info_span!("request", request_id = %"rid-42");
            db.read(|_| {
                tracing::warn!("inside the work");
                Ok::<_, DbError>(())
            })
            .instrument(span)
            .await
            .expect("runs");
        });
        let _ = std::fs::remove_dir_all(&dir);
        let logs =
            String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("utf-8");
        let line = logs.lines().find(|l| l.contains("inside the work")).expect("logged");
        assert!(line.contains("request{request_id=rid-42"), "{line}");
    }
}
