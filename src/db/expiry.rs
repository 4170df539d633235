//! Automatic expiry (自动失效): one set-based statement marks every published document whose
//! validity has run out, with exactly one event each, however many instances run it at once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Timestamp};

use super::{write_tx, DbConn};
use crate::error::AppError;

const REASON: &str = "有效期届满，自动失效";

/// Records the expiry of every published document valid until before `as_of`; answers how many
/// expired in this run. Idempotent: a second run finds nothing left to do.
pub fn expire_due(
    conn: &mut DbConn,
    as_of: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    write_tx(conn, |conn| {
        match conn {
        // Under READ COMMITTED a concurrent run waits on the row locks, re-checks
        // `ended_state IS NULL` and skips what the first run took: one event per document.
        DbConn::Postgres(_) => Ok(diesel::sql_query(
            "WITH expired AS ( \
                 UPDATE documents SET ended_state = 'expired', ended_on = valid_until + 1, updated_at = $2 \
                 WHERE status = 'published' AND ended_state IS NULL AND valid_until < $1 \
                 RETURNING id, valid_until) \
             INSERT INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload) \
             SELECT id, NULL, $2, 'expired', 'published', 'published', $3, \
                    '{\"valid_until\":\"' || to_char(valid_until, 'YYYY-MM-DD') || '\"}' FROM expired",
        )
        .bind::<Date, _>(as_of)
        .bind::<Timestamp, _>(at)
        .bind::<diesel::sql_types::Text, _>(REASON)
        .execute(conn)?),
        // BEGIN IMMEDIATE already serialises writers; SQLite has no writable CTEs, so the
        // events are written first from the same condition, then the documents.
        // SQLite numbers `$n` parameters by first appearance, so its statements use `?` and
        // bind in textual order.
        DbConn::Sqlite(_) => {
            let n = diesel::sql_query(
                "INSERT INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload) \
                 SELECT id, NULL, ?, 'expired', 'published', 'published', ?, \
                        '{\"valid_until\":\"' || valid_until || '\"}' \
                 FROM documents WHERE status = 'published' AND ended_state IS NULL AND valid_until < ?",
            )
            .bind::<Timestamp, _>(at)
            .bind::<diesel::sql_types::Text, _>(REASON)
            .bind::<Date, _>(as_of)
            .execute(conn)?;
            diesel::sql_query(
                "UPDATE documents SET ended_state = 'expired', ended_on = date(valid_until, '+1 day'), updated_at = ? \
                 WHERE status = 'published' AND ended_state IS NULL AND valid_until < ?",
            )
            .bind::<Timestamp, _>(at)
            .bind::<Date, _>(as_of)
            .execute(conn)?;
            Ok(n)
        }
        }
    })
}
