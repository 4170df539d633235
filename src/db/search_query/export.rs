//! The live catalogue read in slices for the bulk export: published documents in force on a
//! day, in a fixed order, each slice starting after the last document of the one before
//! (keyset paging), so that every slice is read from the index whatever its depth.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};

use super::sql::{Bind, Sql};
use super::{document_ids, push_document_filters, PublicFilter};
use crate::db::error::DbError;
use crate::db::DbConn;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;

/// Where the previous slice ended: its last document's publication date and id.
pub type Cursor = (NaiveDate, DocumentId);

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Date)]
    published_on: NaiveDate,
}

/// Up to `limit` published documents in force on `day`, oldest publication first (then by
/// id), after `after`; with each its cursor.
pub fn in_force_slice(
    conn: &mut DbConn,
    day: NaiveDate,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<(DocumentId, Cursor)>, DbError> {
    let filter = PublicFilter {
        validity: Some(Validity::InForce),
        day: Some(day),
        ..PublicFilter::default()
    };
    let mut sql = Sql::default();
    sql.push("SELECT d.id AS id, d.published_on AS published_on FROM documents d WHERE d.published_on IS NOT NULL");
    push_document_filters(&mut sql, &filter);
    if let Some((on, id)) = after {
        sql.push(" AND (d.published_on > ")
            .bind(Bind::Date(on))
            .push(" OR (d.published_on = ")
            .bind(Bind::Date(on))
            .push(" AND d.id > ")
            .bind(Bind::Text(id.to_string()))
            .push("))");
    }
    sql.push(" ORDER BY d.published_on ASC, d.id ASC LIMIT ").bind(Bind::Int(limit));
    let rows: Vec<KeyRow> = sql.query(conn).load(conn)?;
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.published_on).collect();
    let ids = document_ids(rows.into_iter().map(|r| r.id))?;
    Ok(ids.into_iter().zip(dates).map(|(id, on)| (id, (on, id))).collect())
}
