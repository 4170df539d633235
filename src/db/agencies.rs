//! Queries on agencies and the tree they form.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::document_row::{parsed, parsed_opt};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::agencies;
use super::DbConn;
use crate::domain::agency::{AgencyKind, AgencyNode, AgencyTree};
use crate::domain::ids::AgencyId;

/// One agency, its ids and kind typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyRow {
    pub id: AgencyId,
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_id: Option<AgencyId>,
    pub issuance_prefix: Option<String>,
    pub registration_prefix: Option<String>,
    /// Set only when the filing authority is not the one the tree gives.
    pub filing_authority_id: Option<AgencyId>,
    pub created_at: NaiveDateTime,
}

/// One row of `agencies` as stored, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = agencies)]
pub(crate) struct Stored {
    id: String,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<String>,
    issuance_prefix: Option<String>,
    registration_prefix: Option<String>,
    filing_authority_id: Option<String>,
    created_at: NaiveDateTime,
}

fn kind_of(id: &str, kind: &str) -> Result<AgencyKind, DbError> {
    AgencyKind::parse(kind)
        .ok_or_else(|| DbError::decode("agencies", id, "kind", format!("unknown kind `{kind}`")))
}

impl TryFrom<Stored> for AgencyRow {
    type Error = DbError;

    fn try_from(s: Stored) -> Result<Self, DbError> {
        Ok(AgencyRow {
            id: parsed("agencies", &s.id, "id", &s.id)?,
            kind: kind_of(&s.id, &s.kind)?,
            parent_id: parsed_opt("agencies", &s.id, "parent_id", s.parent_id.as_deref())?,
            filing_authority_id: parsed_opt(
                "agencies",
                &s.id,
                "filing_authority_id",
                s.filing_authority_id.as_deref(),
            )?,
            code: s.code,
            name: s.name,
            issuance_prefix: s.issuance_prefix,
            registration_prefix: s.registration_prefix,
            created_at: s.created_at,
        })
    }
}

/// Stored rows, as agencies; the first broken row fails the read.
pub(crate) fn decoded(rows: Vec<Stored>) -> Result<Vec<AgencyRow>, DbError> {
    rows.into_iter().map(AgencyRow::try_from).collect()
}

fn first(row: Option<Stored>) -> Result<Option<AgencyRow>, DbError> {
    row.map(AgencyRow::try_from).transpose()
}

pub fn insert(conn: &mut DbConn, a: &AgencyRow) -> Result<(), DbError> {
    let row = Stored {
        id: a.id.to_string(),
        code: a.code.clone(),
        name: a.name.clone(),
        kind: a.kind.as_str().to_string(),
        parent_id: a.parent_id.map(|p| p.to_string()),
        issuance_prefix: a.issuance_prefix.clone(),
        registration_prefix: a.registration_prefix.clone(),
        filing_authority_id: a.filing_authority_id.map(|f| f.to_string()),
        created_at: a.created_at,
    };
    diesel::insert_into(agencies::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: AgencyId) -> Result<Option<AgencyRow>, DbError> {
    first(agencies::table.find(id.to_string()).first(conn).optional()?)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> Result<Option<AgencyRow>, DbError> {
    first(agencies::table.filter(agencies::code.eq(code)).first(conn).optional()?)
}

/// The agencies with these ids.
pub fn by_ids(conn: &mut DbConn, ids: &[AgencyId]) -> Result<Vec<AgencyRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    decoded(agencies::table.filter(agencies::id.eq_any(id_strings(ids))).load(conn)?)
}

/// Every agency, by code.
pub fn all(conn: &mut DbConn) -> Result<Vec<AgencyRow>, DbError> {
    decoded(agencies::table.order(agencies::code.asc()).load(conn)?)
}

/// A page of agencies, limited to `only` when given (the caller's scope).
pub fn list(
    conn: &mut DbConn,
    only: Option<&[AgencyId]>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AgencyRow>, i64), DbError> {
    let mut count = agencies::table.count().into_boxed();
    let mut page = agencies::table.order(agencies::code.asc()).into_boxed();
    if let Some(ids) = only {
        count = count.filter(agencies::id.eq_any(id_strings(ids)));
        page = page.filter(agencies::id.eq_any(id_strings(ids)));
    }
    let total = count.get_result(conn)?;
    let rows = decoded(page.offset(offset).limit(limit).load(conn)?)?;
    Ok((rows, total))
}

/// The whole tree; agencies number in the thousands at most. A stored id or kind that does
/// not parse fails the read: a node silently left out would move filing authorities.
pub fn tree(conn: &mut DbConn) -> Result<AgencyTree, DbError> {
    let rows: Vec<(String, Option<String>, String, Option<String>)> = agencies::table
        .select((agencies::id, agencies::parent_id, agencies::kind, agencies::filing_authority_id))
        .load(conn)?;
    let nodes = rows
        .into_iter()
        .map(|(id, parent, kind, filing)| {
            Ok(AgencyNode {
                id: parsed("agencies", &id, "id", &id)?,
                parent_id: parsed_opt("agencies", &id, "parent_id", parent.as_deref())?,
                kind: kind_of(&id, &kind)?,
                filing_authority_id: parsed_opt(
                    "agencies",
                    &id,
                    "filing_authority_id",
                    filing.as_deref(),
                )?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(AgencyTree::new(nodes))
}
