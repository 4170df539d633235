//! Automatic expiry (自动失效): one set-based statement records an `expired` event for every
//! published document whose validity has run out, exactly once each, however many instances
//! run it at once.
//!
//! Why an event and not a rewrite of the document: a document's validity already follows from
//! its `valid_until` on any day (`domain::validity::validity_on`), so nothing about the
//! document changes when it expires; what must happen is that the expiry is recorded, once.
//! Rewriting a million wide rows (texts included) took 23 s on SQLite; inserting a million
//! narrow events is what the 5-second target allows. A unique index on the `expired` events
//! makes "once" a database guarantee rather than a hope.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Text, Timestamp};

use super::{write_tx, DbConn};
use crate::error::AppError;

const REASON: &str = "有效期届满，自动失效";

/// Records the expiry of every published document valid until before `as_of`; answers how many
/// were recorded in this run. Idempotent: a second run finds nothing left to do.
pub fn expire_due(
    conn: &mut DbConn,
    as_of: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    write_tx(conn, |conn| {
        match conn {
        // A concurrent run inserting the same document waits on the unique index entry and,
        // once the first commits, skips it: one event per document.
        DbConn::Postgres(_) => Ok(diesel::sql_query(
            "INSERT INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload) \
             SELECT d.id, NULL, $2, 'expired', 'published', 'published', $3, \
                    '{\"valid_until\":\"' || to_char(d.valid_until, 'YYYY-MM-DD') || '\"}' \
             FROM documents d \
             WHERE d.status = 'published' AND d.ended_state IS NULL AND d.valid_until < $1 \
               AND NOT EXISTS (SELECT 1 FROM document_events e \
                               WHERE e.document_id = d.id AND e.action = 'expired') \
             ON CONFLICT (document_id) WHERE action = 'expired' DO NOTHING",
        )
        .bind::<Date, _>(as_of)
        .bind::<Timestamp, _>(at)
        .bind::<Text, _>(REASON)
        .execute(conn)?),
        // BEGIN IMMEDIATE already serialises writers. SQLite numbers `$n` parameters by first
        // appearance, so the statement uses `?` and binds in textual order.
        DbConn::Sqlite(_) => Ok(diesel::sql_query(
            "INSERT OR IGNORE INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload) \
             SELECT d.id, NULL, ?, 'expired', 'published', 'published', ?, \
                    '{\"valid_until\":\"' || d.valid_until || '\"}' \
             FROM documents d \
             WHERE d.status = 'published' AND d.ended_state IS NULL AND d.valid_until < ? \
               AND NOT EXISTS (SELECT 1 FROM document_events e \
                               WHERE e.document_id = d.id AND e.action = 'expired')",
        )
        .bind::<Timestamp, _>(at)
        .bind::<Text, _>(REASON)
        .bind::<Date, _>(as_of)
        .execute(conn)?),
    }
    })
}
