//! Agencies: the tree that decides filing authorities and scopes. Creating one (admin), and
//! reading them with the tree (names and codes are public facts).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, agencies::AgencyRow, DbConn};
use crate::domain::agency::{parse_name, parse_prefix, AgencyCode, AgencyKind, AgencyTree};
use crate::domain::clock::Clock;
use crate::domain::ids::AgencyId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;

// An agency as asked for, unchecked.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateAgency)]
pub struct AgencyRequest {
    /// Full name, e.g. 辽宁省人民政府.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Short stable code used in public URLs, e.g. `LN`.
    #[schema(min_length = 1, max_length = 40, pattern = r"^[A-Za-z0-9_-]+$")]
    pub code: String,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub parent_id: Option<AgencyId>,
    /// `government` (default) or `department`.
    #[schema(value_type = Option<crate::domain::agency::AgencyKind>)]
    pub kind: Option<String>,
    /// 机关代字 for 文号, e.g. 辽政规: 1–20 characters without digits, brackets or 号.
    #[schema(min_length = 1, max_length = 20)]
    pub issuance_prefix: Option<String>,
    /// Prefix of the 统一登记号, e.g. LNFS: 1–20 characters without digits, brackets or 号.
    #[schema(min_length = 1, max_length = 20)]
    pub registration_prefix: Option<String>,
    /// Set only when the filing authority is not the one the tree gives.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub filing_authority_id: Option<AgencyId>,
}

fn optional_prefix(
    raw: Option<&str>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let raw = raw?;
    match parse_prefix(raw, field) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

/// The new agency's row, every field checked and each fault named.
fn checked_row(req: AgencyRequest, clock: &dyn Clock) -> Result<AgencyRow, AppError> {
    let mut errors = Vec::new();
    let name =
        parse_name(&req.name).map_err(|e| errors.push(FieldError::new("name", e.to_string())));
    let code = AgencyCode::parse(&req.code)
        .map_err(|e| errors.push(FieldError::new("code", e.to_string())));
    let kind = match req.kind.as_deref() {
        None => Ok(AgencyKind::Government),
        Some(k) => AgencyKind::parse(k).ok_or_else(|| {
            errors.push(FieldError::new("kind", "must be `government` or `department`"))
        }),
    };
    let issuance_prefix =
        optional_prefix(req.issuance_prefix.as_deref(), "issuance_prefix", &mut errors);
    let registration_prefix =
        optional_prefix(req.registration_prefix.as_deref(), "registration_prefix", &mut errors);
    let (Ok(name), Ok(code), Ok(kind)) = (name, code, kind) else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    Ok(AgencyRow {
        id: AgencyId::new(),
        code: code.as_str().to_string(),
        name,
        kind,
        parent_id: req.parent_id,
        issuance_prefix,
        registration_prefix,
        filing_authority_id: req.filing_authority_id,
        created_at: clock.now().naive_utc(),
    })
}

/// Creates an agency (admin): 422 for a field at fault or an unknown parent or filing
/// authority, 409 for a code taken. Answers the row and the tree it now belongs to.
pub fn create(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    req: AgencyRequest,
) -> Result<(AgencyRow, AgencyTree), AppError> {
    actor.require_any(&[Role::Admin])?;
    let row = checked_row(req, clock)?;
    for (field, id) in
        [("parent_id", row.parent_id), ("filing_authority_id", row.filing_authority_id)]
    {
        if let Some(id) = id {
            if db::agencies::find(tx, id)?.is_none() {
                return Err(AppError::invalid(field, "no agency has this id"));
            }
        }
    }
    if db::agencies::find_by_code(tx, &row.code)?.is_some() {
        return Err(AppError::conflict(
            "agency_code_taken",
            format!("an agency with code `{}` exists", row.code),
        ));
    }
    db::agencies::insert(tx, &row)?;
    let detail = serde_json::json!({
        "code": row.code,
        "name": row.name,
        "kind": row.kind.as_str(),
        "parent_id": row.parent_id,
        "issuance_prefix": row.issuance_prefix,
        "registration_prefix": row.registration_prefix,
        "filing_authority_id": row.filing_authority_id,
    });
    let (subject, now) = (format!("agency:{}", row.id), clock.now().naive_utc());
    db::audit::record(tx, &subject, Some(actor.id), now, "created", Some(&detail))?;
    let tree = db::agencies::tree(tx)?;
    Ok((row, tree))
}

/// Agencies, `limit` from `offset`, how many there are, and the tree.
pub fn list(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AgencyRow>, i64, AgencyTree), AppError> {
    let (rows, total) = db::agencies::list(conn, None, offset, limit)?;
    Ok((rows, total, db::agencies::tree(conn)?))
}

/// One agency and the tree; 404 for an unknown id.
pub fn get(conn: &mut DbConn, id: AgencyId) -> Result<(AgencyRow, AgencyTree), AppError> {
    let row = db::agencies::find(conn, id)?.ok_or(AppError::NotFound("agency"))?;
    Ok((row, db::agencies::tree(conn)?))
}
