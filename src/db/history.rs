//! The hash chains of history (`domain::history`): [`append`] is the one way a document event
//! is written, [`super::audit::record`] the one way any other event is; both lock the chain's
//! row in `history_heads` first, so two transactions appending to one chain take turns (the
//! second reads the head the first committed) while different chains never wait for each
//! other. Also the start-up backfill of rows written before the chain, and the reads of
//! `normreg verify`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::error::DbError;
use super::kept_sql::{KeptSql, Param};
use super::schema::document_events;
use super::{insert_many, placeholders, DbConn};
use crate::domain::history::{self, DocumentEventFields, Head, GENESIS};

/// Rows per statement: well under either engine's limit of bound parameters.
const CHUNK: usize = 500;

type Multi = <DbConn as Connection>::Backend;

/// A document event to append, its columns as stored.
#[derive(Clone, Debug)]
pub struct EventText {
    pub document_id: String,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub payload: Option<String>,
}

#[derive(QueryableByName)]
struct HeadRow {
    #[diesel(sql_type = Text)]
    chain: String,
    #[diesel(sql_type = BigInt)]
    length: i64,
    #[diesel(sql_type = Text)]
    head: String,
}

/// `?, ?, …` for `n` parameters.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The heads of `chains` (sorted, distinct), locked until the transaction ends: on PostgreSQL
/// `FOR UPDATE`, which also answers the head as the last holder of the lock committed it; on
/// SQLite the transaction's write lock already excludes every other writer.
fn select_heads(conn: &mut DbConn, chains: &[String]) -> Result<Vec<HeadRow>, DbError> {
    let lock = if matches!(conn, DbConn::Postgres(_)) { " FOR UPDATE" } else { "" };
    let sql = format!(
        "SELECT chain, length, head FROM history_heads WHERE chain IN ({}) ORDER BY chain{lock}",
        marks(chains.len())
    );
    let mut q = diesel::sql_query(placeholders(conn, &sql)).into_boxed::<Multi>();
    for c in chains {
        q = q.bind::<Text, _>(c.clone());
    }
    Ok(q.load(conn)?)
}

/// Locks the heads of `chains` (sorted, distinct) and answers them; a chain never seen starts
/// at length 0 after [`GENESIS`]. On PostgreSQL its row is created first (`ON CONFLICT DO
/// NOTHING` waits for a concurrent creator), so that even the first two appends to a new chain
/// take turns.
pub fn lock_heads(
    conn: &mut DbConn,
    chains: &[String],
) -> Result<HashMap<String, (i64, String)>, DbError> {
    let mut out = HashMap::new();
    for chunk in chains.chunks(CHUNK) {
        let mut found = select_heads(conn, chunk)?;
        // SQLite's write transaction excludes every other writer: a missing head is simply
        // a new chain, written by `set_heads`.
        if found.len() < chunk.len() && matches!(conn, DbConn::Postgres(_)) {
            let missing: Vec<&String> =
                chunk.iter().filter(|c| !found.iter().any(|h| &h.chain == *c)).collect();
            let sql = format!(
                "INSERT INTO history_heads (chain, length, head) VALUES {} \
                 ON CONFLICT (chain) DO NOTHING",
                vec![format!("(?, 0, '{GENESIS}')"); missing.len()].join(", ")
            );
            let mut q = diesel::sql_query(placeholders(conn, &sql)).into_boxed::<Multi>();
            for c in &missing {
                q = q.bind::<Text, _>((*c).clone());
            }
            q.execute(conn)?;
            found = select_heads(conn, chunk)?;
        }
        out.extend(found.into_iter().map(|h| (h.chain, (h.length, h.head))));
    }
    Ok(out)
}

/// Moves the heads on, in the transaction that locked them.
pub fn set_heads(conn: &mut DbConn, heads: &[Head]) -> Result<(), DbError> {
    for chunk in heads.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO history_heads (chain, length, head) VALUES {} \
             ON CONFLICT (chain) DO UPDATE SET length = excluded.length, head = excluded.head",
            vec!["(?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = diesel::sql_query(placeholders(conn, &sql)).into_boxed::<Multi>();
        for h in chunk {
            q = q
                .bind::<Text, _>(h.chain.clone())
                .bind::<BigInt, _>(h.length)
                .bind::<Text, _>(h.head.clone());
        }
        q.execute(conn)?;
    }
    Ok(())
}

/// Appends document events to their documents' chains, in order, in the caller's transaction:
/// the one funnel of every document event (steps, numbering, expiry, imports).
pub fn append(conn: &mut DbConn, events: &[EventText]) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    if let ([event], DbConn::Sqlite(sqlite)) = (events, &mut *conn) {
        return append_one_sqlite(sqlite, event);
    }
    let mut chains: Vec<String> =
        events.iter().map(|e| history::document_chain(&e.document_id)).collect();
    chains.sort();
    chains.dedup();
    let mut heads = lock_heads(conn, &chains)?;
    let mut links = Vec::with_capacity(events.len());
    for e in events {
        let chain = history::document_chain(&e.document_id);
        let (length, prev) = heads.get(&chain).cloned().unwrap_or((0, GENESIS.to_string()));
        let link = Link::after(e, length, prev);
        heads.insert(chain, (link.seq, link.hash.clone()));
        links.push(link);
    }
    let rows: Vec<_> = links.iter().zip(events).map(|(link, e)| link.row(e)).collect();
    for chunk in rows.chunks(CHUNK) {
        insert_many!(conn, document_events::table, chunk)?;
    }
    let moved: Vec<Head> = chains
        .into_iter()
        .filter_map(|chain| {
            let (length, head) = heads.remove(&chain)?;
            Some(Head { chain, length, head })
        })
        .collect();
    set_heads(conn, &moved)
}

/// One event on SQLite, whose transaction holds the one write lock already. The head read and
/// the event (and a new chain's first head) are statements diesel prepares once per
/// connection and keeps; raw SQL, an `IN` list or an upsert are parsed anew every time (and so
/// is any UPDATE: diesel never keeps one). Time inside the write lock is time every other
/// writer of the registry waits, and a single event is what almost every step appends.
fn append_one_sqlite(conn: &mut diesel::SqliteConnection, e: &EventText) -> Result<(), DbError> {
    use super::schema::history_heads as h;
    let chain = history::document_chain(&e.document_id);
    let found = h::table
        .find(&chain)
        .select((h::length, h::head))
        .first::<(i64, String)>(conn)
        .optional()?;
    let new_chain = found.is_none();
    let (length, prev) = found.unwrap_or((0, GENESIS.to_string()));
    let link = Link::after(e, length, prev);
    diesel::insert_into(document_events::table).values(link.row(e)).execute(conn)?;
    // An insert or an update, not an upsert (never kept prepared): the write lock makes the
    // head just read the one to move. diesel keeps no UPDATE prepared, hence `KeptSql`.
    if new_chain {
        diesel::insert_into(h::table)
            .values((h::chain.eq(&chain), h::length.eq(link.seq), h::head.eq(&link.hash)))
            .execute(conn)?;
    } else {
        struct MoveHead;
        KeptSql::<MoveHead>::new(
            "UPDATE history_heads SET length = ?, head = ? WHERE chain = ?",
            &[Param::BigInt(link.seq), Param::Text(&link.hash), Param::Text(&chain)],
        )
        .execute(conn)?;
    }
    Ok(())
}

/// An event's place in its chain: after the head (`length`, `prev`), hashed.
struct Link {
    seq: i64,
    prev: String,
    hash: String,
    at: NaiveDateTime,
}

impl Link {
    fn after(e: &EventText, length: i64, prev: String) -> Self {
        let at = history::stored_time(e.at);
        let seq = length + 1;
        let hash = DocumentEventFields {
            document_id: &e.document_id,
            seq,
            actor_id: e.actor_id.as_deref(),
            at,
            action: &e.action,
            from_status: e.from_status.as_deref(),
            to_status: e.to_status.as_deref(),
            reason: e.reason.as_deref(),
            payload: e.payload.as_deref(),
        }
        .hash(&prev);
        Link { seq, prev, hash, at }
    }

    /// The event's row with its link.
    #[allow(clippy::type_complexity)]
    fn row<'a>(
        &'a self,
        e: &'a EventText,
    ) -> (
        diesel::dsl::Eq<document_events::document_id, &'a String>,
        diesel::dsl::Eq<document_events::actor_id, Option<&'a str>>,
        diesel::dsl::Eq<document_events::at, NaiveDateTime>,
        diesel::dsl::Eq<document_events::action, &'a String>,
        diesel::dsl::Eq<document_events::from_status, Option<&'a str>>,
        diesel::dsl::Eq<document_events::to_status, Option<&'a str>>,
        diesel::dsl::Eq<document_events::reason, Option<&'a str>>,
        diesel::dsl::Eq<document_events::payload, Option<&'a str>>,
        diesel::dsl::Eq<document_events::seq, Option<i64>>,
        diesel::dsl::Eq<document_events::prev_hash, Option<&'a String>>,
        diesel::dsl::Eq<document_events::hash, Option<&'a String>>,
    ) {
        (
            document_events::document_id.eq(&e.document_id),
            document_events::actor_id.eq(e.actor_id.as_deref()),
            document_events::at.eq(self.at),
            document_events::action.eq(&e.action),
            document_events::from_status.eq(e.from_status.as_deref()),
            document_events::to_status.eq(e.to_status.as_deref()),
            document_events::reason.eq(e.reason.as_deref()),
            document_events::payload.eq(e.payload.as_deref()),
            document_events::seq.eq(Some(self.seq)),
            document_events::prev_hash.eq(Some(&self.prev)),
            document_events::hash.eq(Some(&self.hash)),
        )
    }
}

/// Every chain's head as stored.
pub fn heads(conn: &mut DbConn) -> Result<Vec<Head>, DbError> {
    use super::schema::history_heads as h;
    let rows: Vec<(String, i64, String)> =
        h::table.select((h::chain, h::length, h::head)).order(h::chain.asc()).load(conn)?;
    Ok(rows.into_iter().map(|(chain, length, head)| Head { chain, length, head }).collect())
}

/// One stored document event with its links, as `verify` reads it.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = document_events)]
pub struct StoredEvent {
    pub id: i64,
    pub document_id: String,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub payload: Option<String>,
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl StoredEvent {
    pub fn fields(&self, seq: i64) -> DocumentEventFields<'_> {
        DocumentEventFields {
            document_id: &self.document_id,
            seq,
            actor_id: self.actor_id.as_deref(),
            at: self.at,
            action: &self.action,
            from_status: self.from_status.as_deref(),
            to_status: self.to_status.as_deref(),
            reason: self.reason.as_deref(),
            payload: self.payload.as_deref(),
        }
    }
}

/// The events of the next `documents` documents after the document id `after` (from the
/// first without it), chain by chain, each chain in its stored order; empty after the last.
pub fn document_events_page(
    conn: &mut DbConn,
    after: Option<&str>,
    documents: i64,
) -> Result<Vec<StoredEvent>, DbError> {
    use document_events as e;
    let mut ids = e::table
        .select(e::document_id)
        .distinct()
        .order(e::document_id.asc())
        .limit(documents)
        .into_boxed();
    if let Some(after) = after {
        ids = ids.filter(e::document_id.gt(after.to_string()));
    }
    let ids: Vec<String> = ids.load(conn)?;
    let Some(last) = ids.last() else { return Ok(Vec::new()) };
    let mut events = e::table
        .select(StoredEvent::as_select())
        .filter(e::document_id.le(last.clone()))
        .order((e::document_id.asc(), e::seq.asc(), e::id.asc()))
        .into_boxed();
    if let Some(after) = after {
        events = events.filter(e::document_id.gt(after.to_string()));
    }
    Ok(events.load(conn)?)
}

/// Chains the document events written before the chain existed (the migration added the
/// columns empty): every document whose events have no hash and whose chain has no head yet,
/// its events in the order they were written. A chain that has a head is never rewritten here:
/// an event without a hash there is a tampering for `verify` to report, not something to mend.
/// Runs under the start-up lock, after the migrations; answers how many events it chained.
pub fn backfill(conn: &mut DbConn) -> Result<usize, DbError> {
    use document_events as e;
    #[derive(QueryableByName)]
    struct Unchained {
        #[diesel(sql_type = Text)]
        document_id: String,
    }
    // The head's chain name, as `history::document_chain` spells it.
    let sql = format!(
        "SELECT DISTINCT document_id FROM document_events e WHERE hash IS NULL \
         AND NOT EXISTS (SELECT 1 FROM history_heads h WHERE h.chain = '{}' || e.document_id) \
         ORDER BY document_id LIMIT {CHUNK}",
        history::document_chain("")
    );
    let mut total = 0;
    loop {
        let todo: Vec<String> = diesel::sql_query(&sql)
            .load::<Unchained>(conn)?
            .into_iter()
            .map(|u| u.document_id)
            .collect();
        if todo.is_empty() {
            return Ok(total);
        }
        // A savepoint when run inside the start-up lock's transaction (SQLite), else its own.
        conn.transaction::<_, DbError, _>(|conn| {
            let rows: Vec<StoredEvent> = e::table
                .select(StoredEvent::as_select())
                .filter(e::document_id.eq_any(&todo))
                .order((e::document_id.asc(), e::id.asc()))
                .load(conn)?;
            let mut heads: Vec<Head> = Vec::new();
            let mut current: Option<(String, i64, String)> = None;
            for row in &rows {
                let (length, prev) = match &current {
                    Some((d, n, h)) if *d == row.document_id => (*n, h.clone()),
                    _ => {
                        if let Some((d, n, h)) = current.take() {
                            heads.push(Head {
                                chain: history::document_chain(&d),
                                length: n,
                                head: h,
                            });
                        }
                        (0, GENESIS.to_string())
                    }
                };
                let seq = length + 1;
                let hash = row.fields(seq).hash(&prev);
                diesel::update(e::table.find(row.id))
                    .set((e::seq.eq(seq), e::prev_hash.eq(&prev), e::hash.eq(&hash)))
                    .execute(conn)?;
                current = Some((row.document_id.clone(), seq, hash));
            }
            if let Some((d, n, h)) = current {
                heads.push(Head { chain: history::document_chain(&d), length: n, head: h });
            }
            total += rows.len();
            set_heads(conn, &heads)
        })?;
    }
}

#[cfg(test)]
mod tests;
