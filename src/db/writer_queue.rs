//! An instance's queue of SQLite writers: every write transaction of the instance that goes
//! through it waits here, in process, for the one writer's turn before `BEGIN IMMEDIATE`.
//!
//! SQLite has one writer; a connection that finds it busy sleeps in SQLite's busy handler
//! (1, 2, 5, 10 … ms) and wakes long after the lock was free, so with many clients most of a
//! write's time went on sleeping. Queued here, the next writer starts the moment the last one
//! commits. Other processes (a CLI command) still meet the busy timeout. PostgreSQL's writers
//! never wait here: its row locks let writes of different rows run together.

use std::sync::{Arc, Mutex};

use super::{write_tx_begun, DbConn, DbError};

/// Cloned into every write of one instance (`Db`); clones share one queue.
#[derive(Clone, Default)]
pub struct WriterQueue(Arc<Mutex<()>>);

impl WriterQueue {
    /// [`super::write_tx`], after this instance's earlier SQLite writers have committed: for
    /// an operation that opens its own write transaction on a bare connection (registration).
    pub fn write_tx<T, E, F>(&self, conn: &mut DbConn, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<DbError>,
    {
        self.write_tx_begun(conn, || {}, work)
    }

    /// [`super::write_tx_begun`] in this queue's turn on SQLite; at once on PostgreSQL.
    pub(crate) fn write_tx_begun<T, E, F>(
        &self,
        conn: &mut DbConn,
        begun: impl FnOnce(),
        work: F,
    ) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<DbError>,
    {
        if matches!(conn, DbConn::Postgres(_)) {
            return write_tx_begun(conn, begun, work);
        }
        // A panicked writer rolled its transaction back; the queue itself holds no data.
        let _turn = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        write_tx_begun(conn, begun, work)
    }
}
