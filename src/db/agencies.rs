//! Queries on agencies and the tree they form.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::schema::agencies;
use super::DbConn;
use crate::domain::agency::{AgencyKind, AgencyNode, AgencyTree};

/// One row of `agencies`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub issuance_prefix: Option<String>,
    pub registration_prefix: Option<String>,
    pub filing_authority_id: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &AgencyRow) -> Result<(), DbError> {
    diesel::insert_into(agencies::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<AgencyRow>, DbError> {
    Ok(agencies::table.find(id).first(conn).optional()?)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> Result<Option<AgencyRow>, DbError> {
    Ok(agencies::table.filter(agencies::code.eq(code)).first(conn).optional()?)
}

/// A page of agencies, limited to `only` when given (the caller's scope).
pub fn list(
    conn: &mut DbConn,
    only: Option<&[String]>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AgencyRow>, i64), DbError> {
    let mut count = agencies::table.count().into_boxed();
    let mut page = agencies::table.order(agencies::code.asc()).into_boxed();
    if let Some(ids) = only {
        count = count.filter(agencies::id.eq_any(ids.to_vec()));
        page = page.filter(agencies::id.eq_any(ids.to_vec()));
    }
    let total = count.get_result(conn)?;
    let rows = page.offset(offset).limit(limit).load(conn)?;
    Ok((rows, total))
}

/// The whole tree; agencies number in the thousands at most.
pub fn tree(conn: &mut DbConn) -> Result<AgencyTree, DbError> {
    let rows: Vec<(String, Option<String>, String, Option<String>)> = agencies::table
        .select((agencies::id, agencies::parent_id, agencies::kind, agencies::filing_authority_id))
        .load(conn)?;
    let nodes = rows
        .into_iter()
        .filter_map(|(id, parent, kind, filing)| {
            Some(AgencyNode {
                id: id.parse().ok()?,
                parent_id: parent.and_then(|p| p.parse().ok()),
                kind: AgencyKind::parse(&kind).unwrap_or_default(),
                filing_authority_id: filing.and_then(|f| f.parse().ok()),
            })
        })
        .collect::<Vec<_>>();
    Ok(AgencyTree::new(nodes))
}
