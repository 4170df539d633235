//! The reads behind the list of deadlines that fall due: documents not yet filed, filings
//! waiting for the agency, drafts under review, suggestions waiting for a reply.

use chrono::NaiveDate;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};

use super::document_row::{parsed, word};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::{documents, filings};
use super::DbConn;
use crate::domain::filing::FilingStatus;
use crate::domain::ids::{AgencyId, DocumentId, FilingId, SuggestionId};
use crate::domain::lifecycle::Status;
use crate::domain::suggestion::SuggestionStatus;

/// A document a deadline is about: id, agency, title and the date the deadline counts from.
pub type DatedDocument = (DocumentId, AgencyId, String, NaiveDate);

/// The documents read that have the date a deadline counts from, their ids parsed.
fn dated(
    rows: Vec<(String, String, String, Option<NaiveDate>)>,
) -> Result<Vec<DatedDocument>, DbError> {
    rows.into_iter()
        .filter_map(|(i, a, t, d)| Some((i, a, t, d?)))
        .map(|(i, a, t, d)| {
            let agency = parsed("documents", &i, "agency_id", &a)?;
            Ok((parsed("documents", &i, "id", &i)?, agency, t, d))
        })
        .collect()
}

/// Published documents of `agencies` never filed, with their publication date. Imported
/// documents were issued before the service and are not filed through it.
pub fn unfiled(conn: &mut DbConn, agencies: &[AgencyId]) -> Result<Vec<DatedDocument>, DbError> {
    let rows = documents::table
        .filter(documents::agency_id.eq_any(id_strings(agencies)))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::imported.eq(false))
        .filter(not(exists(filings::table.filter(filings::document_id.eq(documents::id)))))
        .select((documents::id, documents::agency_id, documents::title, documents::published_on))
        .load(conn)?;
    dated(rows)
}

/// A filing that waits for the agency, with its document's title.
#[derive(Clone, Debug)]
pub struct PendingFiling {
    pub id: FilingId,
    pub document_id: DocumentId,
    pub agency_id: AgencyId,
    pub title: String,
    pub status: FilingStatus,
    pub decided_on: Option<NaiveDate>,
    pub correction_due_on: Option<NaiveDate>,
}

type PendingRow = (String, String, String, String, String, Option<NaiveDate>, Option<NaiveDate>);

/// Filings of `agencies` asked for missing materials or ordered to correct.
pub fn pending_filings(
    conn: &mut DbConn,
    agencies: &[AgencyId],
) -> Result<Vec<PendingFiling>, DbError> {
    let rows: Vec<PendingRow> = filings::table
        .inner_join(documents::table.on(documents::id.eq(filings::document_id)))
        .filter(filings::agency_id.eq_any(id_strings(agencies)))
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
        .load(conn)?;
    rows.into_iter()
        .map(|(id, document_id, agency_id, title, status, decided_on, correction_due_on)| {
            const T: &str = "filings";
            Ok(PendingFiling {
                status: word(T, &id, "status", &status, FilingStatus::parse)?,
                document_id: parsed(T, &id, "document_id", &document_id)?,
                agency_id: parsed(T, &id, "agency_id", &agency_id)?,
                id: parsed(T, &id, "id", &id)?,
                title,
                decided_on,
                correction_due_on,
            })
        })
        .collect()
}

/// Drafts of `agencies` under legality review, with their review due date.
pub fn under_review(
    conn: &mut DbConn,
    agencies: &[AgencyId],
) -> Result<Vec<DatedDocument>, DbError> {
    let rows = documents::table
        .filter(documents::agency_id.eq_any(id_strings(agencies)))
        .filter(documents::status.eq(Status::UnderReview.as_str()))
        .select((documents::id, documents::agency_id, documents::title, documents::review_due_on))
        .load(conn)?;
    dated(rows)
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
    authority_id: AgencyId,
) -> Result<Vec<(SuggestionId, DocumentId, String, NaiveDate)>, DbError> {
    let rows: Vec<OpenSuggestion> = diesel::sql_query(
        "SELECT s.id AS id, s.document_id AS document_id, d.title AS title, s.due_on AS due_on \
         FROM review_suggestions s JOIN documents d ON d.id = s.document_id \
         WHERE s.authority_id = $1 AND s.status = $2",
    )
    .bind::<Text, _>(authority_id.to_string())
    .bind::<Text, _>(SuggestionStatus::Received.as_str())
    .load(conn)?;
    rows.into_iter()
        .map(|s| {
            const T: &str = "review_suggestions";
            let document_id = parsed(T, &s.id, "document_id", &s.document_id)?;
            Ok((parsed(T, &s.id, "id", &s.id)?, document_id, s.title, s.due_on))
        })
        .collect()
}

/// The earliest publication of the agency's published documents, if any.
pub fn first_published_on(
    conn: &mut DbConn,
    agency_id: AgencyId,
) -> Result<Option<NaiveDate>, DbError> {
    Ok(documents::table
        .filter(documents::agency_id.eq(agency_id.to_string()))
        .filter(documents::status.eq(Status::Published.as_str()))
        .select(diesel::dsl::min(documents::published_on))
        .first::<Option<NaiveDate>>(conn)?)
}
