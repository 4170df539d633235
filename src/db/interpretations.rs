//! Queries on interpretations (解释) of published documents.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::error::DbError;
use super::schema::{documents, interpretations};
use super::DbConn;

/// One row of `interpretations`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = interpretations)]
pub struct InterpretationRow {
    pub id: String,
    pub document_id: String,
    pub agency_id: String,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    pub issuance_number: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &InterpretationRow) -> Result<(), DbError> {
    diesel::insert_into(interpretations::table).values(row).execute(conn)?;
    Ok(())
}

/// The interpretations of one document, in the order they were issued.
pub fn of_document(
    conn: &mut DbConn,
    document_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<InterpretationRow>, i64), DbError> {
    let total = interpretations::table
        .filter(interpretations::document_id.eq(document_id))
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
        .load(conn)?;
    Ok((rows, total))
}

/// Every interpretation of one document, in the order they were issued (the public answer).
pub fn all_of_document(
    conn: &mut DbConn,
    document_id: &str,
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
