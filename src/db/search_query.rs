//! The public catalogue listing without search terms, with the filters of the public API
//! (agency, year, validity on a day), the same SQL on both engines. A search with terms is
//! answered by the search index (`crate::search_index`), not here.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

pub mod export;
mod sql;

use self::sql::{Bind, Sql};
use super::error::DbError;
use super::DbConn;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;
use crate::domain::validity::Validity;

/// Filters of the public catalogue; everything in it is published.
#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    /// Only documents of these agencies.
    pub agencies: Option<Vec<AgencyId>>,
    /// Publication year.
    pub year: Option<i32>,
    /// Only documents with this validity on `day`.
    pub validity: Option<Validity>,
    /// The day validity is judged on.
    pub day: Option<NaiveDate>,
}

/// Appends the condition "`validity` on `day`", the SQL form of `validity_on`: a recorded end
/// wins from its date on; otherwise before `effective_on` not yet effective, after
/// `valid_until` expired, in force in between.
fn push_validity(sql: &mut Sql, validity: Validity, day: NaiveDate) {
    let ended = |sql: &mut Sql| {
        sql.push("(d.ended_state IS NOT NULL AND d.ended_on IS NOT NULL AND d.ended_on <= ")
            .bind(Bind::Date(day))
            .push(")");
    };
    sql.push(" AND (");
    match validity {
        Validity::NotYetEffective => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.effective_on > ").bind(Bind::Date(day));
        }
        Validity::InForce => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.effective_on <= ").bind(Bind::Date(day));
            sql.push(" AND d.valid_until >= ").bind(Bind::Date(day));
        }
        // Expiry is never recorded on the document (it follows from `valid_until`), so no
        // recorded end reads `expired`.
        Validity::Expired => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.valid_until < ").bind(Bind::Date(day));
        }
        ended_kind => {
            ended(sql);
            sql.push(" AND d.ended_state = ").bind(Bind::Text(ended_kind.as_str().to_string()));
        }
    }
    sql.push(")");
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = Text)]
    id: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Appends the filters on what never changes once a document is published, its agency and
/// the year of its publication, over the columns of `table` (`documents` or an index entry).
fn push_facet_filters(sql: &mut Sql, filter: &PublicFilter, table: &str) {
    if let Some(agencies) = &filter.agencies {
        if agencies.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {table}.agency_id IN ("));
            for (i, a) in agencies.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Bind::Text(a.to_string()));
            }
            sql.push(")");
        }
    }
    if let Some(year) = filter.year {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(first), Some(last)) => {
                sql.push(&format!(" AND {table}.published_on >= ")).bind(Bind::Date(first));
                sql.push(&format!(" AND {table}.published_on <= ")).bind(Bind::Date(last));
            }
            _ => {
                sql.push(" AND 1 = 0");
            }
        }
    }
}

/// Appends the filters read from the document `d` itself: published documents only, and the
/// validity on a day.
fn push_document_filters(sql: &mut Sql, filter: &PublicFilter) {
    // Formatted in, not bound: the planners see the constant (partial indexes, estimates).
    sql.push(&format!(" AND d.status = '{}'", Status::Published.as_str()));
    if let (Some(v), Some(day)) = (filter.validity, filter.day) {
        push_validity(sql, v, day);
    }
}

/// A page of the catalogue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListPage {
    /// Document ids, in the order asked for.
    pub ids: Vec<DocumentId>,
    /// The number of documents the list holds.
    pub total: i64,
}

/// A plain listing, newest first (`oldest`: oldest first), counted apart: its page is read
/// from an index without visiting every row, which a count in the same query would force.
pub fn listing(
    conn: &mut DbConn,
    filter: &PublicFilter,
    offset: i64,
    limit: i64,
    oldest: bool,
) -> Result<ListPage, DbError> {
    let mut count = Sql::default();
    count.push("SELECT COUNT(*) AS n FROM documents d WHERE 1 = 1");
    push_facet_filters(&mut count, filter, "d");
    push_document_filters(&mut count, filter);
    let total = count.query(conn).get_result::<CountRow>(conn)?.n;
    if total == 0 || offset >= total {
        return Ok(ListPage { ids: Vec::new(), total });
    }
    let mut page = Sql::default();
    page.push("SELECT d.id AS id FROM documents d WHERE 1 = 1");
    push_facet_filters(&mut page, filter, "d");
    push_document_filters(&mut page, filter);
    let direction = if oldest { "ASC" } else { "DESC" };
    page.push(&format!(" ORDER BY d.published_on {direction}, d.id ASC LIMIT "))
        .bind(Bind::Int(limit))
        .push(" OFFSET ")
        .bind(Bind::Int(offset));
    let hits: Vec<HitRow> = page.query(conn).load(conn)?;
    Ok(ListPage { ids: document_ids(hits.into_iter().map(|h| h.id))?, total })
}

/// Ids read from the index or `documents`, typed; one that does not parse names its row.
fn document_ids(ids: impl IntoIterator<Item = String>) -> Result<Vec<DocumentId>, DbError> {
    ids.into_iter().map(|id| super::document_row::parsed("documents", &id, "id", &id)).collect()
}
