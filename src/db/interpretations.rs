//! Queries on interpretations (解释) of published documents.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::parsed;
use super::error::DbError;
use super::schema::{documents, interpretations};
use super::DbConn;
use crate::domain::ids::{AgencyId, DocumentId, InterpretationId, UserId};

/// One interpretation, its ids typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpretationRow {
    pub id: InterpretationId,
    pub document_id: DocumentId,
    pub agency_id: AgencyId,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    pub issuance_number: Option<String>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

/// One row of `interpretations` as stored, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = interpretations)]
struct Stored {
    id: String,
    document_id: String,
    agency_id: String,
    title: String,
    body: String,
    issued_on: NaiveDate,
    issuance_number: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
}

impl TryFrom<Stored> for InterpretationRow {
    type Error = DbError;

    fn try_from(s: Stored) -> Result<Self, DbError> {
        const T: &str = "interpretations";
        Ok(InterpretationRow {
            id: parsed(T, &s.id, "id", &s.id)?,
            document_id: parsed(T, &s.id, "document_id", &s.document_id)?,
            agency_id: parsed(T, &s.id, "agency_id", &s.agency_id)?,
            created_by: parsed(T, &s.id, "created_by", &s.created_by)?,
            title: s.title,
            body: s.body,
            issued_on: s.issued_on,
            issuance_number: s.issuance_number,
            created_at: s.created_at,
        })
    }
}

pub fn insert(conn: &mut DbConn, i: &InterpretationRow) -> Result<(), DbError> {
    let row = Stored {
        id: i.id.to_string(),
        document_id: i.document_id.to_string(),
        agency_id: i.agency_id.to_string(),
        title: i.title.clone(),
        body: i.body.clone(),
        issued_on: i.issued_on,
        issuance_number: i.issuance_number.clone(),
        created_by: i.created_by.to_string(),
        created_at: i.created_at,
    };
    diesel::insert_into(interpretations::table).values(&row).execute(conn)?;
    Ok(())
}

/// The interpretations of one document, in the order they were issued.
pub fn of_document(
    conn: &mut DbConn,
    document_id: DocumentId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<InterpretationRow>, i64), DbError> {
    let document_id = document_id.to_string();
    let total = interpretations::table
        .filter(interpretations::document_id.eq(&document_id))
        .count()
        .get_result(conn)?;
    let rows = interpretations::table
        .filter(interpretations::document_id.eq(document_id))
        .order((
            interpretations::issued_on.asc(),
            interpretations::created_at.asc(),
            interpretations::id.asc(),
        ))
        .offset(offset)
        .limit(limit)
        .load::<Stored>(conn)?;
    let rows = rows.into_iter().map(InterpretationRow::try_from).collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Every interpretation of one document, in the order they were issued (the public answer).
pub fn all_of_document(
    conn: &mut DbConn,
    document_id: DocumentId,
) -> Result<Vec<InterpretationRow>, DbError> {
    Ok(of_document(conn, document_id, 0, i64::MAX)?.0)
}

/// Whether a 文号 is already carried by a document or another interpretation: one number
/// names one act.
pub fn number_taken(conn: &mut DbConn, number: &str) -> Result<bool, DbError> {
    let documents: i64 =
        documents::table.filter(documents::issuance_number.eq(number)).count().get_result(conn)?;
    let interpretations: i64 = interpretations::table
        .filter(interpretations::issuance_number.eq(number))
        .count()
        .get_result(conn)?;
    Ok(documents + interpretations > 0)
}
