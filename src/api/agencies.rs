//! Agencies: the tree that decides filing authorities and scopes.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::paging::{Page, PageQuery, Paged};
use super::path_id;
use crate::auth::AuthUser;
use crate::db::{self, agencies::AgencyRow};
use crate::domain::agency::{parse_name, parse_prefix, AgencyCode, AgencyKind, AgencyTree};
use crate::domain::ids::AgencyId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgency {
    /// Full name, e.g. 辽宁省人民政府.
    pub name: String,
    /// Short stable code used in public URLs, e.g. `LN`.
    pub code: String,
    pub parent_id: Option<uuid::Uuid>,
    /// `government` (default) or `department`.
    pub kind: Option<String>,
    /// 机关代字 for 文号, e.g. 辽政规.
    pub issuance_prefix: Option<String>,
    /// Prefix of the 统一登记号, e.g. LNFS.
    pub registration_prefix: Option<String>,
    /// Set only when the filing authority is not the one the tree gives.
    pub filing_authority_id: Option<uuid::Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub issuance_prefix: Option<String>,
    pub registration_prefix: Option<String>,
    /// The filing authority in effect: explicit, or derived from the tree.
    pub filing_authority_id: Option<String>,
    /// Whether `filing_authority_id` was set explicitly rather than derived.
    pub filing_authority_explicit: bool,
    pub created_at: DateTime<Utc>,
}

impl AgencyView {
    pub fn from_row(row: AgencyRow, tree: &AgencyTree) -> Self {
        let derived = row
            .id
            .parse::<AgencyId>()
            .ok()
            .and_then(|id| tree.filing_authority(id))
            .map(|a| a.to_string());
        Self {
            filing_authority_explicit: row.filing_authority_id.is_some(),
            filing_authority_id: derived,
            id: row.id,
            code: row.code,
            name: row.name,
            kind: row.kind,
            parent_id: row.parent_id,
            issuance_prefix: row.issuance_prefix,
            registration_prefix: row.registration_prefix,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// Creates an agency (admin).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = CreateAgency, responses(
    (status = 201, description = "Created", body = AgencyView),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not an admin", body = Problem),
    (status = 409, description = "Code taken", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<CreateAgency>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::Admin])?;
    let req = body.0;
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
    let row = AgencyRow {
        id: AgencyId::new().to_string(),
        code: code.as_str().to_string(),
        name,
        kind: kind.as_str().to_string(),
        parent_id: req.parent_id.map(|p| p.to_string()),
        issuance_prefix,
        registration_prefix,
        filing_authority_id: req.filing_authority_id.map(|p| p.to_string()),
        created_at: state.clock.now().naive_utc(),
    };
    let view = state
        .db
        .write(move |conn| {
            for (field, id) in
                [("parent_id", &row.parent_id), ("filing_authority_id", &row.filing_authority_id)]
            {
                if let Some(id) = id {
                    if db::agencies::find(conn, id)?.is_none() {
                        return Err(AppError::invalid(field, "no agency has this id"));
                    }
                }
            }
            if db::agencies::find_by_code(conn, &row.code)?.is_some() {
                return Err(AppError::conflict(
                    "agency_code_taken",
                    format!("an agency with code `{}` exists", row.code),
                ));
            }
            db::agencies::insert(conn, &row)?;
            let tree = db::agencies::tree(conn)?;
            Ok(AgencyView::from_row(row, &tree))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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

/// Lists agencies (any signed-in user: names and codes are public facts).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of agencies", body = Paged<AgencyView>),
    (status = 401, description = "No or bad token", body = Problem)
))]
#[get("/agencies")]
pub async fn list_agencies(
    state: web::Data<AppState>,
    _user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let (rows, total, tree) = state
        .db
        .read(move |conn| {
            let (rows, total) = db::agencies::list(conn, None, page.offset(), page.per_page)?;
            Ok((rows, total, db::agencies::tree(conn)?))
        })
        .await?;
    let items = rows.into_iter().map(|r| AgencyView::from_row(r, &tree)).collect();
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}

/// One agency.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, description = "The agency", body = AgencyView),
    (status = 404, description = "No such agency", body = Problem)
))]
#[get("/agencies/{id}")]
pub async fn get_agency(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: AgencyId = path_id(&id, "agency")?;
    let view = state
        .db
        .read(move |conn| {
            let row =
                db::agencies::find(conn, &id.to_string())?.ok_or(AppError::NotFound("agency"))?;
            Ok(AgencyView::from_row(row, &db::agencies::tree(conn)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
