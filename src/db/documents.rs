//! Queries on documents, their text revisions and events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{
    documents as decoded, parsed, parsed_opt, word, DocumentRow, DocumentWrite,
};
use super::error::DbError;
use super::schema::{document_events, document_revisions, documents};
use super::DbConn;
use crate::domain::document::{Document, DocumentEvent};
use crate::domain::ids::{AgencyId, DocumentId, UserId};
use crate::domain::lifecycle::Status;

pub fn insert(conn: &mut DbConn, doc: &Document) -> Result<(), DbError> {
    diesel::insert_into(documents::table).values(DocumentWrite::from(doc)).execute(conn)?;
    Ok(())
}

/// Writes every column of the document back; callers change it in memory first, inside the
/// transaction that read it.
pub fn save(conn: &mut DbConn, doc: &Document) -> Result<(), DbError> {
    diesel::update(documents::table.find(doc.id.to_string()))
        .set(DocumentWrite::from(doc))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: DocumentId) -> Result<Option<Document>, DbError> {
    let row: Option<DocumentRow> = documents::table.find(id.to_string()).first(conn).optional()?;
    row.map(Document::try_from).transpose()
}

/// Every version of a document, oldest first.
pub fn versions(conn: &mut DbConn, lineage_id: DocumentId) -> Result<Vec<Document>, DbError> {
    decoded(
        documents::table
            .filter(documents::lineage_id.eq(lineage_id.to_string()))
            .order(documents::version.asc())
            .load(conn)?,
    )
}

/// Filters of the internal document list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Agencies the caller may see; `None` is everything (admin).
    pub agencies: Option<Vec<AgencyId>>,
    pub status: Option<Status>,
    /// Substring of the title.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Document>, i64), DbError> {
    let agencies = filter.agencies.as_deref().map(id_strings);
    let build = || {
        let mut q = documents::table.into_boxed();
        if let Some(a) = &agencies {
            q = q.filter(documents::agency_id.eq_any(a.clone()));
        }
        if let Some(s) = filter.status {
            q = q.filter(documents::status.eq(s.as_str()));
        }
        if let Some(text) = &filter.q {
            q = q.filter(documents::title.like(format!("%{}%", escape_like(text))).escape('\\'));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .order((documents::updated_at.desc(), documents::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((decoded(rows)?, total))
}

/// Ids as stored.
pub(crate) fn id_strings<T: ToString>(ids: &[T]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

/// Escapes LIKE wildcards so that user text matches literally.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub fn insert_revision(
    conn: &mut DbConn,
    doc: &Document,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(document_revisions::table)
        .values((
            document_revisions::document_id.eq(doc.id.to_string()),
            document_revisions::revision.eq(doc.revision),
            document_revisions::title.eq(&doc.title),
            document_revisions::body.eq(&doc.body),
            document_revisions::created_by.eq(actor.map(|a| a.to_string())),
            document_revisions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// One row of `document_events` as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = document_events)]
struct EventRow {
    pub id: i64,
    pub document_id: String,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub payload: Option<String>,
}

/// What happened, to be written in the same transaction as the change itself.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    pub document_id: DocumentId,
    pub actor_id: Option<UserId>,
    pub at: NaiveDateTime,
    pub action: &'a str,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub reason: Option<&'a str>,
    pub payload: Option<serde_json::Value>,
}

/// Appends the event to its document's hash chain (`db::history::append`).
pub fn insert_event(conn: &mut DbConn, e: &NewEvent<'_>) -> Result<(), DbError> {
    super::history::append(
        conn,
        &[super::history::EventText {
            document_id: e.document_id.to_string(),
            actor_id: e.actor_id.map(|a| a.to_string()),
            at: e.at,
            action: e.action.to_string(),
            from_status: e.from_status.map(|s| s.as_str().to_string()),
            to_status: e.to_status.map(|s| s.as_str().to_string()),
            reason: e.reason.map(str::to_string),
            payload: e.payload.as_ref().map(|p| p.to_string()),
        }],
    )
}

/// Writes an event that leaves the document's status as it is (an edit, a filing, the end of
/// its validity), in the caller's transaction.
pub fn note_event(
    conn: &mut DbConn,
    doc: &Document,
    actor: UserId,
    at: NaiveDateTime,
    action: &str,
    reason: Option<&str>,
    payload: serde_json::Value,
) -> Result<(), DbError> {
    insert_event(
        conn,
        &NewEvent {
            document_id: doc.id,
            actor_id: Some(actor),
            at,
            action,
            from_status: Some(doc.status),
            to_status: Some(doc.status),
            reason,
            payload: Some(payload),
        },
    )
}

impl TryFrom<EventRow> for DocumentEvent {
    type Error = DbError;

    /// Every column parsed: a broken id, status or payload is an error naming the event.
    fn try_from(r: EventRow) -> Result<Self, DbError> {
        const T: &str = "document_events";
        let id = &r.id;
        let status = |column, value: Option<&str>| {
            value.map(|v| word(T, id, column, v, Status::parse)).transpose()
        };
        Ok(DocumentEvent {
            id: r.id,
            document_id: parsed(T, id, "document_id", &r.document_id)?,
            actor_id: parsed_opt(T, id, "actor_id", r.actor_id.as_deref())?,
            at: r.at,
            from_status: status("from_status", r.from_status.as_deref())?,
            to_status: status("to_status", r.to_status.as_deref())?,
            payload: r
                .payload
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| DbError::decode(T, id, "payload", e))?,
            action: r.action,
            reason: r.reason,
        })
    }
}

/// The events of every version of a document, in order.
pub fn events_of(
    conn: &mut DbConn,
    document_ids: &[DocumentId],
) -> Result<Vec<DocumentEvent>, DbError> {
    use document_events as e;
    let rows: Vec<EventRow> = e::table
        .select(EventRow::as_select())
        .filter(document_events::document_id.eq_any(id_strings(document_ids)))
        .order(document_events::id.asc())
        .load(conn)?;
    rows.into_iter().map(DocumentEvent::try_from).collect()
}

/// Published documents of `agencies` still running whose validity ends in `[from, until]`.
pub fn expiring(
    conn: &mut DbConn,
    agencies: Option<Vec<AgencyId>>,
    from: NaiveDate,
    until: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Document>, i64), DbError> {
    let agencies = agencies.as_deref().map(id_strings);
    let build = || {
        let mut q = documents::table
            .filter(documents::status.eq(Status::Published.as_str()))
            .filter(documents::ended_state.is_null())
            .filter(documents::valid_until.between(from, until))
            .into_boxed();
        if let Some(a) = &agencies {
            q = q.filter(documents::agency_id.eq_any(a.clone()));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .order((documents::valid_until.asc(), documents::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((decoded(rows)?, total))
}
