//! Reads for the public catalogue, limited to published documents so that nothing
//! unpublished can leak through a public path by mistake.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::agencies::AgencyRow;
use super::document_row::{documents as decoded, parsed, DocumentRow};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::{document_events, documents};
use super::DbConn;
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;

const PUBLISHED: &str = Status::Published.as_str();

/// A published document by id; `None` for any other status.
pub fn find_published(conn: &mut DbConn, id: DocumentId) -> Result<Option<Document>, DbError> {
    let row: Option<DocumentRow> = documents::table
        .filter(documents::id.eq(id.to_string()))
        .filter(documents::status.eq(PUBLISHED))
        .first(conn)
        .optional()?;
    row.map(Document::try_from).transpose()
}

/// The published document carrying one of `numbers` as its 文号 or 登记号.
pub fn find_published_by_number(
    conn: &mut DbConn,
    numbers: &[String],
) -> Result<Option<Document>, DbError> {
    let row: Option<DocumentRow> = documents::table
        .filter(documents::status.eq(PUBLISHED))
        .filter(
            documents::issuance_number
                .eq_any(numbers.to_vec())
                .or(documents::registration_number.eq_any(numbers.to_vec())),
        )
        .order(documents::version.desc())
        .first(conn)
        .optional()?;
    row.map(Document::try_from).transpose()
}

/// The published documents with these ids, in the order of `ids`.
pub fn published_in_order(conn: &mut DbConn, ids: &[DocumentId]) -> Result<Vec<Document>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut docs = decoded(
        documents::table
            .filter(documents::id.eq_any(id_strings(ids)))
            .filter(documents::status.eq(PUBLISHED))
            .load(conn)?,
    )?;
    docs.sort_by_key(|d| ids.iter().position(|i| *i == d.id));
    Ok(docs)
}

/// The published versions of a document, oldest first; drafts of a pending amendment are
/// left out.
pub fn published_versions(
    conn: &mut DbConn,
    lineage_id: DocumentId,
) -> Result<Vec<Document>, DbError> {
    decoded(
        documents::table
            .filter(documents::lineage_id.eq(lineage_id.to_string()))
            .filter(documents::status.eq(PUBLISHED))
            .order(documents::version.asc())
            .load(conn)?,
    )
}

/// The version of everything public: the id of the latest event. Every change of a document
/// writes an event in its own transaction, so the value moves with each committed change, on
/// every instance sharing the database. Answered from the primary key's index.
pub fn catalogue_version(conn: &mut DbConn) -> Result<i64, DbError> {
    let max: Option<i64> =
        document_events::table.select(diesel::dsl::max(document_events::id)).first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The agencies with these ids.
pub fn agencies_by_id(conn: &mut DbConn, ids: &[AgencyId]) -> Result<Vec<AgencyRow>, DbError> {
    super::agencies::by_ids(conn, ids)
}

/// Every agency, by code, for the filters of the public pages.
pub fn all_agencies(conn: &mut DbConn) -> Result<Vec<AgencyRow>, DbError> {
    super::agencies::all(conn)
}

/// The latest events the public may follow (publication, repeal, expiry …), newest first,
/// with the published document each is about. Actors are not loaded.
pub fn public_events(
    conn: &mut DbConn,
    actions: &[&str],
    limit: i64,
) -> Result<Vec<(i64, NaiveDateTime, String, Document)>, DbError> {
    let actions: Vec<String> = actions.iter().map(|a| (*a).to_string()).collect();
    let events: Vec<(i64, NaiveDateTime, String, String)> = document_events::table
        .filter(document_events::action.eq_any(actions))
        .order(document_events::id.desc())
        .limit(limit)
        .select((
            document_events::id,
            document_events::at,
            document_events::action,
            document_events::document_id,
        ))
        .load(conn)?;
    let events = events
        .into_iter()
        .map(|(id, at, action, doc)| {
            Ok((id, at, action, parsed("document_events", &id, "document_id", &doc)?))
        })
        .collect::<Result<Vec<(i64, NaiveDateTime, String, DocumentId)>, DbError>>()?;
    let ids: Vec<DocumentId> = events.iter().map(|e| e.3).collect();
    let docs = published_in_order(conn, &ids)?;
    Ok(events
        .into_iter()
        .filter_map(|(id, at, action, doc_id)| {
            docs.iter().find(|d| d.id == doc_id).map(|d| (id, at, action, d.clone()))
        })
        .collect())
}

/// The latest event with one of `actions` of each of the documents `ids`: its document, time
/// and action. A document without such an event is left out.
pub fn latest_events_of(
    conn: &mut DbConn,
    ids: &[DocumentId],
    actions: &[&str],
) -> Result<Vec<(DocumentId, NaiveDateTime, String)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let actions: Vec<String> = actions.iter().map(|a| (*a).to_string()).collect();
    let events: Vec<(String, NaiveDateTime, String)> = document_events::table
        .filter(document_events::document_id.eq_any(id_strings(ids)))
        .filter(document_events::action.eq_any(actions))
        .order(document_events::id.desc())
        .select((document_events::document_id, document_events::at, document_events::action))
        .load(conn)?;
    let mut latest: Vec<(DocumentId, NaiveDateTime, String)> = Vec::new();
    for (doc, at, action) in events {
        let id = parsed("document_events", &doc, "document_id", &doc)?;
        // Newest first: the first event seen of a document is its latest.
        if !latest.iter().any(|(d, _, _)| *d == id) {
            latest.push((id, at, action));
        }
    }
    Ok(latest)
}
