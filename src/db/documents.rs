//! Queries on documents, their text revisions, review opinions and events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::error::DbError;
use super::schema::{document_events, document_revisions, documents, reviews};
use super::DbConn;
use crate::domain::lifecycle::Status;

/// One row of `documents`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = documents, treat_none_as_null = true)]
pub struct DocumentRow {
    pub id: String,
    pub lineage_id: String,
    pub version: i32,
    pub agency_id: String,
    pub status: String,
    pub title: String,
    pub body: String,
    pub revision: i32,
    pub provisional: bool,
    pub validity_years: Option<i32>,
    pub legal_basis: Option<String>,
    pub drafting_notes: Option<String>,
    pub affects_rights: bool,
    pub review_due_on: Option<NaiveDate>,
    pub meeting: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub channel: Option<String>,
    pub early_effect_reason: Option<String>,
    pub ended_state: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub ended_reason: Option<String>,
    pub ended_by_document_id: Option<String>,
    pub supersedes_id: Option<String>,
    pub superseded_by_id: Option<String>,
    pub imported: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl DocumentRow {
    /// A first draft (version 1, revision 1) with nothing of the later workflow set yet; the
    /// callers that make documents (drafting, amendment, import) change what differs.
    pub fn draft(
        id: String,
        agency_id: String,
        title: String,
        body: String,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            lineage_id: id.clone(),
            id,
            version: 1,
            agency_id,
            status: Status::Draft.as_str().into(),
            title,
            body,
            revision: 1,
            provisional: false,
            validity_years: None,
            legal_basis: None,
            drafting_notes: None,
            affects_rights: false,
            review_due_on: None,
            meeting: None,
            decided_on: None,
            issuance_number: None,
            registration_number: None,
            published_on: None,
            effective_on: None,
            valid_until: None,
            channel: None,
            early_effect_reason: None,
            ended_state: None,
            ended_on: None,
            ended_reason: None,
            ended_by_document_id: None,
            supersedes_id: None,
            superseded_by_id: None,
            imported: false,
            created_at: at,
            updated_at: at,
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &DocumentRow) -> Result<(), DbError> {
    diesel::insert_into(documents::table).values(row).execute(conn)?;
    Ok(())
}

/// Writes every column of the row back; callers change the row in memory first, inside the
/// transaction that read it.
pub fn save(conn: &mut DbConn, row: &DocumentRow) -> Result<(), DbError> {
    diesel::update(documents::table.find(&row.id)).set(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<DocumentRow>, DbError> {
    Ok(documents::table.find(id).first(conn).optional()?)
}

/// Every version of a document, oldest first.
pub fn versions(conn: &mut DbConn, lineage_id: &str) -> Result<Vec<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::lineage_id.eq(lineage_id))
        .order(documents::version.asc())
        .load(conn)?)
}

/// Filters of the internal document list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Agencies the caller may see; `None` is everything (admin).
    pub agencies: Option<Vec<String>>,
    pub status: Option<String>,
    /// Substring of the title.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DocumentRow>, i64), DbError> {
    let build = || {
        let mut q = documents::table.into_boxed();
        if let Some(a) = &filter.agencies {
            q = q.filter(documents::agency_id.eq_any(a.clone()));
        }
        if let Some(s) = &filter.status {
            q = q.filter(documents::status.eq(s.clone()));
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
    Ok((rows, total))
}

/// Escapes LIKE wildcards so that user text matches literally.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub fn insert_revision(
    conn: &mut DbConn,
    doc: &DocumentRow,
    actor: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(document_revisions::table)
        .values((
            document_revisions::document_id.eq(&doc.id),
            document_revisions::revision.eq(doc.revision),
            document_revisions::title.eq(&doc.title),
            document_revisions::body.eq(&doc.body),
            document_revisions::created_by.eq(actor),
            document_revisions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// One row of `reviews`.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = reviews)]
pub struct ReviewRow {
    pub id: String,
    pub document_id: String,
    pub revision: i32,
    pub reviewer_id: String,
    pub conclusion: String,
    pub opinion: String,
    pub findings: String,
    pub responses: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

pub fn insert_review(conn: &mut DbConn, row: &ReviewRow) -> Result<(), DbError> {
    diesel::insert_into(reviews::table).values(row).execute(conn)?;
    Ok(())
}

pub fn reviews_of(conn: &mut DbConn, document_id: &str) -> Result<Vec<ReviewRow>, DbError> {
    Ok(reviews::table
        .filter(reviews::document_id.eq(document_id))
        .order(reviews::created_at.asc())
        .load(conn)?)
}

/// Records the drafter's responses on the review they answer.
pub fn set_review_responses(
    conn: &mut DbConn,
    review_id: &str,
    responses: &str,
) -> Result<(), DbError> {
    diesel::update(reviews::table.find(review_id))
        .set(reviews::responses.eq(responses))
        .execute(conn)?;
    Ok(())
}

/// One event of a document's history.
#[derive(Clone, Debug, Queryable)]
pub struct EventRow {
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
    pub document_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub at: NaiveDateTime,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub payload: Option<serde_json::Value>,
}

pub fn insert_event(conn: &mut DbConn, e: &NewEvent<'_>) -> Result<(), DbError> {
    diesel::insert_into(document_events::table)
        .values((
            document_events::document_id.eq(e.document_id),
            document_events::actor_id.eq(e.actor_id),
            document_events::at.eq(e.at),
            document_events::action.eq(e.action),
            document_events::from_status.eq(e.from_status),
            document_events::to_status.eq(e.to_status),
            document_events::reason.eq(e.reason),
            document_events::payload.eq(e.payload.as_ref().map(|p| p.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes an event that leaves the document's status as it is (an edit, a filing, the end of
/// its validity), in the caller's transaction.
pub fn note_event(
    conn: &mut DbConn,
    doc: &DocumentRow,
    actor: &str,
    at: NaiveDateTime,
    action: &str,
    reason: Option<&str>,
    payload: serde_json::Value,
) -> Result<(), DbError> {
    insert_event(
        conn,
        &NewEvent {
            document_id: &doc.id,
            actor_id: Some(actor),
            at,
            action,
            from_status: Some(&doc.status),
            to_status: Some(&doc.status),
            reason,
            payload: Some(payload),
        },
    )
}

/// The events of every version of a document, in order.
pub fn events_of(conn: &mut DbConn, document_ids: &[String]) -> Result<Vec<EventRow>, DbError> {
    Ok(document_events::table
        .filter(document_events::document_id.eq_any(document_ids.to_vec()))
        .order(document_events::id.asc())
        .load(conn)?)
}

/// Published documents of `agencies` still running whose validity ends in `[from, until]`.
pub fn expiring(
    conn: &mut DbConn,
    agencies: Option<Vec<String>>,
    from: NaiveDate,
    until: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DocumentRow>, i64), DbError> {
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
    Ok((rows, total))
}
