//! Automatic expiry (自动失效): one set-based run records an `expired` event for every
//! published document whose validity has run out, exactly once each, however many instances
//! run it at once.
//!
//! A document's validity already follows from its `valid_until` on any day
//! (`domain::validity::validity_on`), so nothing about the document changes when it expires;
//! what must happen is that the expiry is recorded, once. The documents still waiting for that
//! are kept in the narrow `expiry_watch` queue: a run moves its due rows into events and
//! deletes them, so it costs what falls due, never a rewrite of wide document rows (a first
//! version that rewrote a million documents took 23 s on SQLite) nor a scan of every document
//! that expired in past years. Whatever publishes, continues or ends a document keeps the
//! queue in step through [`watch`] and [`unwatch`], in the same transaction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};

use super::error::DbError;
use super::history::{append, EventText};
use super::schema::expiry_watch;
use super::{insert_many, placeholders, write_tx, DbConn};
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;
use crate::domain::validity::Validity;

/// Why a document expired, as history shows it. Not stored with each of possibly a million
/// events (it would add a sixth to the run's writes); [`reason_of`] supplies it when read.
pub const REASON: &str = "有效期届满，自动失效";

/// The reason shown for an event of `action` that has none stored.
pub fn reason_of(action: &str) -> Option<&'static str> {
    (action == Validity::Expired.as_str()).then_some(REASON)
}

/// Records the expiry of every watched document valid until before `as_of`; answers how many
/// were recorded in this run. Idempotent: a second run finds nothing left to do.
pub fn expire_due(
    conn: &mut DbConn,
    as_of: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    // The event is named after the validity it records.
    let (expired, published) = (Validity::Expired.as_str(), Status::Published.as_str());
    write_tx(conn, |conn| {
        let due: Vec<String> = match conn {
            // The DELETE locks the rows it takes: a concurrent run waits, then finds them gone.
            DbConn::Postgres(_) => diesel::sql_query(placeholders(
                conn,
                "DELETE FROM expiry_watch WHERE valid_until < ? RETURNING document_id",
            ))
            .bind::<Date, _>(as_of)
            .load::<Due>(conn)?,
            // BEGIN IMMEDIATE already serialises writers; SQLite has no writable CTEs, so the
            // due rows are read first from the same condition, then leave the queue.
            DbConn::Sqlite(_) => {
                let due = diesel::sql_query(
                    "SELECT document_id FROM expiry_watch WHERE valid_until < ? ORDER BY document_id",
                )
                .bind::<Date, _>(as_of)
                .load::<Due>(conn)?;
                diesel::sql_query("DELETE FROM expiry_watch WHERE valid_until < ?")
                    .bind::<Date, _>(as_of)
                    .execute(conn)?;
                due
            }
        }
        .into_iter()
        .map(|d| d.document_id)
        .collect();
        // Each event joins its document's chain, in batches (`db::history::append`).
        for chunk in due.chunks(1_000) {
            let events: Vec<EventText> = chunk
                .iter()
                .map(|id| EventText {
                    document_id: id.clone(),
                    actor_id: None,
                    at,
                    action: expired.to_string(),
                    from_status: Some(published.to_string()),
                    to_status: Some(published.to_string()),
                    reason: None,
                    payload: None,
                })
                .collect();
            append(conn, &events)?;
        }
        Ok(due.len())
    })
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Text)]
    document_id: String,
}

/// Puts a published document in the queue, or moves its date (a continuation); call in the
/// transaction that publishes or continues it.
pub fn watch(
    conn: &mut DbConn,
    document_id: DocumentId,
    valid_until: NaiveDate,
) -> Result<(), DbError> {
    let sql = placeholders(
        conn,
        "INSERT INTO expiry_watch (document_id, valid_until) VALUES (?, ?) \
         ON CONFLICT (document_id) DO UPDATE SET valid_until = excluded.valid_until",
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(document_id.to_string())
        .bind::<Date, _>(valid_until)
        .execute(conn)?;
    Ok(())
}

/// Puts many new documents in the queue at once (an import).
pub fn watch_new(conn: &mut DbConn, rows: &[(DocumentId, NaiveDate)]) -> Result<(), DbError> {
    for chunk in rows.chunks(1_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, until)| {
                (expiry_watch::document_id.eq(id.to_string()), expiry_watch::valid_until.eq(*until))
            })
            .collect();
        insert_many!(conn, expiry_watch::table, &values)?;
    }
    Ok(())
}

/// Takes a document out of the queue: it ended otherwise (repealed, declared invalid, revoked,
/// amended) and will never expire.
pub fn unwatch(conn: &mut DbConn, document_id: DocumentId) -> Result<(), DbError> {
    diesel::delete(expiry_watch::table.find(document_id.to_string())).execute(conn)?;
    Ok(())
}
