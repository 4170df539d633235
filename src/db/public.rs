//! Reads for the public catalogue: every query here is limited to published documents, so
//! that nothing unpublished can leak through a public path by mistake.

use diesel::prelude::*;

use super::agencies::AgencyRow;
use super::documents::DocumentRow;
use super::schema::{agencies, documents};
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
