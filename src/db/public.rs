//! Reads for the public catalogue, limited to published documents so that nothing
//! unpublished can leak through a public path by mistake, and citizens' review suggestions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};

use super::agencies::AgencyRow;
use super::documents::DocumentRow;
use super::schema::{agencies, document_events, documents};
use super::DbConn;
use crate::error::AppError;

const PUBLISHED: &str = "published";

/// A published document by id; `None` for any other status.
pub fn find_published(conn: &mut DbConn, id: &str) -> Result<Option<DocumentRow>, AppError> {
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
) -> Result<Option<DocumentRow>, AppError> {
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
pub fn published_in_order(conn: &mut DbConn, ids: &[String]) -> Result<Vec<DocumentRow>, AppError> {
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
) -> Result<Vec<DocumentRow>, AppError> {
    Ok(documents::table
        .filter(documents::lineage_id.eq(lineage_id))
        .filter(documents::status.eq(PUBLISHED))
        .order(documents::version.asc())
        .load(conn)?)
}

/// The version of everything public: the id of the latest event. Every change of a document
/// writes an event in its own transaction, so the value moves with each committed change, on
/// every instance sharing the database. Answered from the primary key's index.
pub fn catalogue_version(conn: &mut DbConn) -> Result<i64, AppError> {
    let max: Option<i64> =
        document_events::table.select(diesel::dsl::max(document_events::id)).first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The agencies with these ids.
pub fn agencies_by_id(conn: &mut DbConn, ids: &[String]) -> Result<Vec<AgencyRow>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(agencies::table.filter(agencies::id.eq_any(ids.to_vec())).load(conn)?)
}

/// Every agency, by code, for the filters of the public pages.
pub fn all_agencies(conn: &mut DbConn) -> Result<Vec<AgencyRow>, AppError> {
    Ok(agencies::table.order(agencies::code.asc()).load(conn)?)
}

/// The latest events the public may follow (publication, repeal, expiry …), newest first,
/// with the published document each is about. Actors are not loaded.
pub fn public_events(
    conn: &mut DbConn,
    actions: &[&str],
    limit: i64,
) -> Result<Vec<(i64, NaiveDateTime, String, DocumentRow)>, AppError> {
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
#[derive(Clone, Debug, QueryableByName)]
pub struct SuggestionRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub tracking_code: String,
    #[diesel(sql_type = Text)]
    pub document_id: String,
    /// The filing authority that must answer it.
    #[diesel(sql_type = Text)]
    pub authority_id: String,
    #[diesel(sql_type = Text)]
    pub content: String,
    /// For the authority only; never on a public path.
    #[diesel(sql_type = Nullable<Text>)]
    pub contact: Option<String>,
    /// SHA-256 of the client address, for rate limiting.
    #[diesel(sql_type = Text)]
    pub client_key: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Date)]
    pub received_on: NaiveDate,
    #[diesel(sql_type = Date)]
    pub due_on: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub reply: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub outcome: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub replied_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub replied_by: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
}

const SUGGESTION_COLUMNS: &str = "id, tracking_code, document_id, authority_id, content, contact, \
     client_key, status, received_on, due_on, reply, outcome, replied_on, replied_by, created_at";

pub fn insert_suggestion(conn: &mut DbConn, s: &SuggestionRow) -> Result<(), AppError> {
    diesel::sql_query(format!(
        "INSERT INTO review_suggestions ({SUGGESTION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind::<Text, _>(&s.id)
    .bind::<Text, _>(&s.tracking_code)
    .bind::<Text, _>(&s.document_id)
    .bind::<Text, _>(&s.authority_id)
    .bind::<Text, _>(&s.content)
    .bind::<Nullable<Text>, _>(&s.contact)
    .bind::<Text, _>(&s.client_key)
    .bind::<Text, _>(&s.status)
    .bind::<Date, _>(s.received_on)
    .bind::<Date, _>(s.due_on)
    .bind::<Nullable<Text>, _>(&s.reply)
    .bind::<Nullable<Text>, _>(&s.outcome)
    .bind::<Nullable<Date>, _>(s.replied_on)
    .bind::<Nullable<Text>, _>(&s.replied_by)
    .bind::<Timestamp, _>(s.created_at)
    .execute(conn)?;
    Ok(())
}

pub fn find_suggestion_by_code(
    conn: &mut DbConn,
    tracking_code: &str,
) -> Result<Option<SuggestionRow>, AppError> {
    Ok(diesel::sql_query(format!(
        "SELECT {SUGGESTION_COLUMNS} FROM review_suggestions WHERE tracking_code = $1"
    ))
    .bind::<Text, _>(tracking_code)
    .get_result(conn)
    .optional()?)
}

pub fn find_suggestion(conn: &mut DbConn, id: &str) -> Result<Option<SuggestionRow>, AppError> {
    Ok(diesel::sql_query(format!(
        "SELECT {SUGGESTION_COLUMNS} FROM review_suggestions WHERE id = $1"
    ))
    .bind::<Text, _>(id)
    .get_result(conn)
    .optional()?)
}

/// The suggestions an authority must answer, oldest deadline first.
pub fn suggestions_for(
    conn: &mut DbConn,
    authority_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<SuggestionRow>, i64), AppError> {
    let total: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM review_suggestions WHERE authority_id = $1")
            .bind::<Text, _>(authority_id)
            .get_result(conn)?;
    let rows = diesel::sql_query(format!(
        "SELECT {SUGGESTION_COLUMNS} FROM review_suggestions WHERE authority_id = $1 \
         ORDER BY due_on ASC, created_at ASC, id ASC LIMIT $2 OFFSET $3"
    ))
    .bind::<Text, _>(authority_id)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)?;
    Ok((rows, total.n))
}

/// Records the authority's reply.
pub fn reply_to_suggestion(conn: &mut DbConn, s: &SuggestionRow) -> Result<(), AppError> {
    diesel::sql_query(
        "UPDATE review_suggestions SET status = $1, reply = $2, outcome = $3, replied_on = $4, \
         replied_by = $5 WHERE id = $6",
    )
    .bind::<Text, _>(&s.status)
    .bind::<Nullable<Text>, _>(&s.reply)
    .bind::<Nullable<Text>, _>(&s.outcome)
    .bind::<Nullable<Date>, _>(s.replied_on)
    .bind::<Nullable<Text>, _>(&s.replied_by)
    .bind::<Text, _>(&s.id)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many suggestions one client address sent since `since`.
pub fn suggestions_from_client_since(
    conn: &mut DbConn,
    client_key: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    let c: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM review_suggestions WHERE client_key = $1 AND created_at > $2",
    )
    .bind::<Text, _>(client_key)
    .bind::<Timestamp, _>(since)
    .get_result(conn)?;
    Ok(c.n)
}
