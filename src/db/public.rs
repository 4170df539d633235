//! Reads for the public catalogue, limited to published documents so that nothing
//! unpublished can leak through a public path by mistake, and citizens' review suggestions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::agencies::AgencyRow;
use super::documents::DocumentRow;
use super::error::DbError;
use super::schema::{agencies, document_events, documents, review_suggestions};
use super::DbConn;

const PUBLISHED: &str = "published";

/// A published document by id; `None` for any other status.
pub fn find_published(conn: &mut DbConn, id: &str) -> Result<Option<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::id.eq(id))
        .filter(documents::status.eq(PUBLISHED))
        .first(conn)
        .optional()?)
}

/// The published document carrying one of `numbers` as its 文号 or 登记号.
pub fn find_published_by_number(
    conn: &mut DbConn,
    numbers: &[String],
) -> Result<Option<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::status.eq(PUBLISHED))
        .filter(
            documents::issuance_number
                .eq_any(numbers.to_vec())
                .or(documents::registration_number.eq_any(numbers.to_vec())),
        )
        .order(documents::version.desc())
        .first(conn)
        .optional()?)
}

/// The published documents with these ids, in the order of `ids`.
pub fn published_in_order(conn: &mut DbConn, ids: &[String]) -> Result<Vec<DocumentRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<DocumentRow> = documents::table
        .filter(documents::id.eq_any(ids.to_vec()))
        .filter(documents::status.eq(PUBLISHED))
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok(rows)
}

/// The published versions of a document, oldest first; drafts of a pending amendment are
/// left out.
pub fn published_versions(
    conn: &mut DbConn,
    lineage_id: &str,
) -> Result<Vec<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::lineage_id.eq(lineage_id))
        .filter(documents::status.eq(PUBLISHED))
        .order(documents::version.asc())
        .load(conn)?)
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
pub fn agencies_by_id(conn: &mut DbConn, ids: &[String]) -> Result<Vec<AgencyRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(agencies::table.filter(agencies::id.eq_any(ids.to_vec())).load(conn)?)
}

/// Every agency, by code, for the filters of the public pages.
pub fn all_agencies(conn: &mut DbConn) -> Result<Vec<AgencyRow>, DbError> {
    Ok(agencies::table.order(agencies::code.asc()).load(conn)?)
}

/// The latest events the public may follow (publication, repeal, expiry …), newest first,
/// with the published document each is about. Actors are not loaded.
pub fn public_events(
    conn: &mut DbConn,
    actions: &[&str],
    limit: i64,
) -> Result<Vec<(i64, NaiveDateTime, String, DocumentRow)>, DbError> {
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
    let ids: Vec<String> = events.iter().map(|e| e.3.clone()).collect();
    let docs = published_in_order(conn, &ids)?;
    Ok(events
        .into_iter()
        .filter_map(|(id, at, action, doc_id)| {
            docs.iter().find(|d| d.id == doc_id).map(|d| (id, at, action, d.clone()))
        })
        .collect())
}

/// One citizens' review suggestion (审查建议).
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = review_suggestions)]
pub struct SuggestionRow {
    pub id: String,
    pub tracking_code: String,
    pub document_id: String,
    /// The filing authority that must answer it.
    pub authority_id: String,
    pub content: String,
    /// For the authority only; never on a public path.
    pub contact: Option<String>,
    /// SHA-256 of the client address, for rate limiting.
    pub client_key: String,
    pub status: String,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reply: Option<String>,
    pub outcome: Option<String>,
    pub replied_on: Option<NaiveDate>,
    pub replied_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert_suggestion(conn: &mut DbConn, s: &SuggestionRow) -> Result<(), DbError> {
    diesel::insert_into(review_suggestions::table).values(s).execute(conn)?;
    Ok(())
}

pub fn find_suggestion_by_code(
    conn: &mut DbConn,
    tracking_code: &str,
) -> Result<Option<SuggestionRow>, DbError> {
    Ok(review_suggestions::table
        .filter(review_suggestions::tracking_code.eq(tracking_code))
        .first(conn)
        .optional()?)
}

pub fn find_suggestion(conn: &mut DbConn, id: &str) -> Result<Option<SuggestionRow>, DbError> {
    Ok(review_suggestions::table.find(id).first(conn).optional()?)
}

/// The suggestions an authority must answer, oldest deadline first.
pub fn suggestions_for(
    conn: &mut DbConn,
    authority_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<SuggestionRow>, i64), DbError> {
    let of_authority = review_suggestions::authority_id.eq(authority_id);
    let total = review_suggestions::table.filter(of_authority).count().get_result(conn)?;
    let rows = review_suggestions::table
        .filter(of_authority)
        .order((
            review_suggestions::due_on.asc(),
            review_suggestions::created_at.asc(),
            review_suggestions::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Records the authority's reply.
pub fn reply_to_suggestion(conn: &mut DbConn, s: &SuggestionRow) -> Result<(), DbError> {
    diesel::update(review_suggestions::table.find(&s.id))
        .set((
            review_suggestions::status.eq(&s.status),
            review_suggestions::reply.eq(&s.reply),
            review_suggestions::outcome.eq(&s.outcome),
            review_suggestions::replied_on.eq(s.replied_on),
            review_suggestions::replied_by.eq(&s.replied_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many suggestions one client address sent since `since`.
pub fn suggestions_from_client_since(
    conn: &mut DbConn,
    client_key: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(review_suggestions::table
        .filter(review_suggestions::client_key.eq(client_key))
        .filter(review_suggestions::created_at.gt(since))
        .count()
        .get_result(conn)?)
}
