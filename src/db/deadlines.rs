//! The reads behind the list of deadlines that fall due: documents not yet filed, filings
//! waiting for the agency, drafts under review, suggestions waiting for a reply.

use chrono::NaiveDate;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};

use super::error::DbError;
use super::schema::{documents, filings};
use super::DbConn;
use crate::domain::filing::FilingStatus;
use crate::domain::lifecycle::Status;

/// A document a deadline is about: id, agency, title and the date the deadline counts from.
pub type DatedDocument = (String, String, String, NaiveDate);

/// Published documents of `agencies` never filed, with their publication date. Imported
/// documents were issued before the service and are not filed through it.
pub fn unfiled(conn: &mut DbConn, agencies: &[String]) -> Result<Vec<DatedDocument>, DbError> {
    let rows: Vec<(String, String, String, Option<NaiveDate>)> = documents::table
        .filter(documents::agency_id.eq_any(agencies.to_vec()))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::imported.eq(false))
        .filter(not(exists(filings::table.filter(filings::document_id.eq(documents::id)))))
        .select((documents::id, documents::agency_id, documents::title, documents::published_on))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(i, a, t, p)| Some((i, a, t, p?))).collect())
}

/// A filing that waits for the agency, with its document's title.
#[derive(Clone, Debug, Queryable)]
pub struct PendingFiling {
    pub id: String,
    pub document_id: String,
    pub agency_id: String,
    pub title: String,
    pub status: String,
    pub decided_on: Option<NaiveDate>,
    pub correction_due_on: Option<NaiveDate>,
}

/// Filings of `agencies` asked for missing materials or ordered to correct.
pub fn pending_filings(
    conn: &mut DbConn,
    agencies: &[String],
) -> Result<Vec<PendingFiling>, DbError> {
    Ok(filings::table
        .inner_join(documents::table.on(documents::id.eq(filings::document_id)))
        .filter(filings::agency_id.eq_any(agencies.to_vec()))
        .filter(filings::status.eq_any([
            FilingStatus::SupplementRequired.as_str(),
            FilingStatus::CorrectionRequired.as_str(),
        ]))
        .select((
            filings::id,
            filings::document_id,
            filings::agency_id,
            documents::title,
            filings::status,
            filings::decided_on,
            filings::correction_due_on,
        ))
        .load(conn)?)
}

/// Drafts of `agencies` under legality review, with their review due date.
pub fn under_review(conn: &mut DbConn, agencies: &[String]) -> Result<Vec<DatedDocument>, DbError> {
    let rows: Vec<(String, String, String, Option<NaiveDate>)> = documents::table
        .filter(documents::agency_id.eq_any(agencies.to_vec()))
        .filter(documents::status.eq(Status::UnderReview.as_str()))
        .select((documents::id, documents::agency_id, documents::title, documents::review_due_on))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(i, a, t, d)| Some((i, a, t, d?))).collect())
}

#[derive(QueryableByName)]
struct OpenSuggestion {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    document_id: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Date)]
    due_on: NaiveDate,
}

/// Review suggestions addressed to `authority_id` and not yet answered: (suggestion id,
/// document id, document title, reply due date).
pub fn unanswered_suggestions(
    conn: &mut DbConn,
    authority_id: &str,
) -> Result<Vec<(String, String, String, NaiveDate)>, DbError> {
    let rows: Vec<OpenSuggestion> = diesel::sql_query(
        "SELECT s.id AS id, s.document_id AS document_id, d.title AS title, s.due_on AS due_on \
         FROM review_suggestions s JOIN documents d ON d.id = s.document_id \
         WHERE s.authority_id = $1 AND s.status = 'received'",
    )
    .bind::<Text, _>(authority_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|s| (s.id, s.document_id, s.title, s.due_on)).collect())
}

/// The earliest publication of the agency's published documents, if any.
pub fn first_published_on(
    conn: &mut DbConn,
    agency_id: &str,
) -> Result<Option<NaiveDate>, DbError> {
    Ok(documents::table
        .filter(documents::agency_id.eq(agency_id))
        .filter(documents::status.eq(Status::Published.as_str()))
        .select(diesel::dsl::min(documents::published_on))
        .first::<Option<NaiveDate>>(conn)?)
}
