//! The consultation figures of a year, counted per agency by the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};

use super::super::document_row::parsed;
use super::super::error::DbError;
use super::super::{placeholders, DbConn};
use crate::domain::ids::{AgencyId, DocumentId};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Text)]
    agency_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    disposition: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many consultations each agency opened between `from` and `to` (inclusive).
pub fn held(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(AgencyId, i64)>, DbError> {
    let sql = placeholders(
        conn,
        "SELECT agency_id, NULL AS disposition, COUNT(*) AS n FROM consultations \
         WHERE opens_on BETWEEN ? AND ? GROUP BY agency_id",
    );
    let rows: Vec<Count> =
        diesel::sql_query(sql).bind::<Date, _>(from).bind::<Date, _>(to).load(conn)?;
    rows.into_iter()
        .map(|r| Ok((parsed("consultations", &r.agency_id, "agency_id", &r.agency_id)?, r.n)))
        .collect()
}

/// How many comments the consultations each agency opened between `from` and `to` received,
/// by disposition (`None`: not disposed yet).
pub fn comments(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(AgencyId, Option<String>, i64)>, DbError> {
    let sql = placeholders(
        conn,
        "SELECT c.agency_id, m.disposition, COUNT(*) AS n FROM consultation_comments m \
         JOIN consultations c ON c.id = m.consultation_id \
         WHERE c.opens_on BETWEEN ? AND ? GROUP BY c.agency_id, m.disposition",
    );
    let rows: Vec<Count> =
        diesel::sql_query(sql).bind::<Date, _>(from).bind::<Date, _>(to).load(conn)?;
    rows.into_iter()
        .map(|r| {
            let agency = parsed("consultations", &r.agency_id, "agency_id", &r.agency_id)?;
            Ok((agency, r.disposition, r.n))
        })
        .collect()
}

#[derive(QueryableByName)]
struct Exemption {
    #[diesel(sql_type = Text)]
    agency_id: String,
    #[diesel(sql_type = Text)]
    document_id: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    reason: String,
}

/// One draft that went without consultation: `(agency, document, title, reason)`.
pub type Exempted = (AgencyId, DocumentId, String, String);

/// The exemptions recorded from `from` up to (not including) `until`, oldest first.
pub fn exemptions(
    conn: &mut DbConn,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<Exempted>, DbError> {
    let sql = placeholders(
        conn,
        "SELECT d.agency_id, d.id AS document_id, d.title, e.reason \
         FROM consultation_exemptions e JOIN documents d ON d.id = e.document_id \
         WHERE e.recorded_at >= ? AND e.recorded_at < ? ORDER BY e.recorded_at, e.id",
    );
    let rows: Vec<Exemption> =
        diesel::sql_query(sql).bind::<Timestamp, _>(from).bind::<Timestamp, _>(until).load(conn)?;
    rows.into_iter()
        .map(|r| {
            const T: &str = "consultation_exemptions";
            Ok((
                parsed(T, &r.document_id, "agency_id", &r.agency_id)?,
                parsed(T, &r.document_id, "document_id", &r.document_id)?,
                r.title,
                r.reason,
            ))
        })
        .collect()
}
