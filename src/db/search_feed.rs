//! The change feed the search index follows, read from the database: the document events
//! written in the same transaction as every publication, amendment, repeal, expiry,
//! declaration and revocation. Nothing outside the database (no message, no in-memory
//! signal) tells an instance that a document changed, so a crash loses nothing.
//!
//! SQLite has one writer: event ids become visible in the order they were given, and the
//! feed's watermark is the last id read. On PostgreSQL a transaction that took a lower id may
//! commit after one with a higher id, and a reader asking for ids above the last it saw would
//! miss it. So each event carries its transaction id (`tx`, migration 000028); the watermark is
//! the oldest transaction still running when the feed was last read
//! (`pg_snapshot_xmin`), and each read returns every visible event of a transaction at or
//! above it: all events of transactions that committed since, whatever their ids. Events are
//! then read again until the watermark passes them; the reader skips those it has applied.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::document_row::{documents as decoded, parsed};
use super::error::DbError;
use super::schema::documents;
use super::DbConn;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;

/// Where the feed was last read: an event id on SQLite, a transaction id on PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watermark {
    Sqlite(i64),
    Postgres(i64),
}

impl Watermark {
    /// As the index stores it in its commit.
    pub fn encode(self) -> String {
        match self {
            Self::Sqlite(n) => format!("sqlite:{n}"),
            Self::Postgres(n) => format!("postgres:{n}"),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (engine, n) = s.split_once(':')?;
        let n = n.parse().ok()?;
        match engine {
            "sqlite" => Some(Self::Sqlite(n)),
            "postgres" => Some(Self::Postgres(n)),
            _ => None,
        }
    }
}

/// Events read from the feed: (event id, document), in id order; and where to read next.
#[derive(Clone, Debug)]
pub struct FeedRead {
    pub events: Vec<(i64, DocumentId)>,
    pub next: Watermark,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = Nullable<BigInt>)]
    n: Option<i64>,
}

#[derive(QueryableByName)]
struct EventRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    document_id: String,
}

fn number(conn: &mut DbConn, sql: &str) -> Result<Option<i64>, DbError> {
    Ok(diesel::sql_query(sql).get_result::<Number>(conn)?.n)
}

/// The watermark of now: taken before a rebuild reads the documents, so that whatever
/// commits during the rebuild is replayed after it.
pub fn now(conn: &mut DbConn) -> Result<Watermark, DbError> {
    Ok(match conn {
        DbConn::Sqlite(_) => Watermark::Sqlite(
            number(conn, "SELECT MAX(id) AS n FROM document_events")?.unwrap_or(0),
        ),
        DbConn::Postgres(_) => Watermark::Postgres(
            number(conn, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS n")?
                .unwrap_or(0),
        ),
    })
}

/// Whether `w` could have been read from this database: a watermark from another engine, or
/// beyond anything this database has written (a database restored or recreated under the
/// index), is not.
pub fn plausible(conn: &mut DbConn, w: Watermark) -> Result<bool, DbError> {
    Ok(match (conn, w) {
        (c @ DbConn::Sqlite(_), Watermark::Sqlite(n)) => {
            n <= number(c, "SELECT MAX(id) AS n FROM document_events")?.unwrap_or(0)
        }
        (c @ DbConn::Postgres(_), Watermark::Postgres(n)) => {
            n <= number(c, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n")?
                .unwrap_or(0)
        }
        _ => false,
    })
}

/// The events after `w`, at most `limit` on SQLite (read again from the returned watermark
/// for more); on PostgreSQL every event of the transactions at or above it.
pub fn since(conn: &mut DbConn, w: Watermark, limit: i64) -> Result<FeedRead, DbError> {
    let (rows, next): (Vec<EventRow>, Watermark) = match w {
        Watermark::Sqlite(after) => {
            let rows: Vec<EventRow> = diesel::sql_query(
                "SELECT id, document_id FROM document_events WHERE id > ? ORDER BY id LIMIT ?",
            )
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(limit)
            .load(conn)?;
            let next = rows.last().map_or(after, |r| r.id);
            (rows, Watermark::Sqlite(next))
        }
        Watermark::Postgres(from) => {
            // The horizon first: every transaction below it has ended, so the events read
            // next include all of theirs.
            let horizon = match now(conn)? {
                Watermark::Postgres(h) => h.max(from),
                Watermark::Sqlite(_) => from,
            };
            let rows = diesel::sql_query(
                "SELECT id, document_id FROM document_events WHERE tx >= $1 ORDER BY id",
            )
            .bind::<BigInt, _>(from)
            .load(conn)?;
            (rows, Watermark::Postgres(horizon))
        }
    };
    let events = rows
        .into_iter()
        .map(|r| Ok((r.id, parsed("document_events", &r.id, "document_id", &r.document_id)?)))
        .collect::<Result<_, DbError>>()?;
    Ok(FeedRead { events, next })
}

/// The number of published documents: what a complete index holds.
pub fn published_count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(documents::table
        .filter(documents::status.eq(Status::Published.as_str()))
        .count()
        .get_result(conn)?)
}

/// Published documents in id order after `after`, `limit` at a time: a rebuild's pages.
pub fn published_after(
    conn: &mut DbConn,
    after: Option<DocumentId>,
    limit: i64,
) -> Result<Vec<Document>, DbError> {
    let mut query = documents::table
        .filter(documents::status.eq(Status::Published.as_str()))
        .order(documents::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(documents::id.gt(after.to_string()));
    }
    decoded(query.load(conn)?)
}

/// The current state of each of `ids` and of every other version of their documents (an
/// amendment ends the version it replaces in the same transaction): the published ones, and
/// the ids of those no longer published.
pub fn current(
    conn: &mut DbConn,
    ids: &[DocumentId],
) -> Result<(Vec<Document>, Vec<DocumentId>), DbError> {
    let strings: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let lineages: Vec<String> = documents::table
        .filter(documents::id.eq_any(&strings))
        .select(documents::lineage_id)
        .distinct()
        .load(conn)?;
    let rows = decoded(
        documents::table
            .filter(documents::id.eq_any(&strings).or(documents::lineage_id.eq_any(lineages)))
            .load(conn)?,
    )?;
    let (published, other): (Vec<Document>, Vec<Document>) =
        rows.into_iter().partition(|d| d.status == Status::Published);
    let mut gone: Vec<DocumentId> = other.into_iter().map(|d| d.id).collect();
    // An id the table no longer holds (a draft deleted) leaves the index too.
    gone.extend(ids.iter().filter(|id| !published.iter().any(|d| d.id == **id)).copied());
    Ok((published, gone))
}
