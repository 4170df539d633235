//! Agencies: the tree that decides filing authorities and scopes.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path_id;
use crate::auth::AuthUser;
use crate::db::agencies::AgencyRow;
use crate::domain::agency::AgencyTree;
use crate::domain::ids::AgencyId;
use crate::error::{AppError, Problem};
use crate::service::agencies::{self, AgencyRequest};
use crate::service::paging::{Page, PageQuery, Paged};
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
    #[schema(value_type = String)]
    pub id: AgencyId,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<AgencyId>,
    pub issuance_prefix: Option<String>,
    pub registration_prefix: Option<String>,
    /// The filing authority in effect: explicit, or derived from the tree.
    #[schema(value_type = Option<String>)]
    pub filing_authority_id: Option<AgencyId>,
    /// Whether `filing_authority_id` was set explicitly rather than derived.
    pub filing_authority_explicit: bool,
    pub created_at: DateTime<Utc>,
}

impl AgencyView {
    pub fn from_row(row: AgencyRow, tree: &AgencyTree) -> Self {
        let derived = tree.filing_authority(row.id);
        Self {
            filing_authority_explicit: row.filing_authority_id.is_some(),
            filing_authority_id: derived,
            id: row.id,
            code: row.code,
            name: row.name,
            kind: row.kind.as_str().to_string(),
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
    let req = body.0;
    let request = AgencyRequest {
        name: req.name,
        code: req.code,
        parent_id: req.parent_id.map(AgencyId),
        kind: req.kind,
        issuance_prefix: req.issuance_prefix,
        registration_prefix: req.registration_prefix,
        filing_authority_id: req.filing_authority_id.map(AgencyId),
    };
    let clock = state.clock.clone();
    let (row, tree) =
        state.db.write(move |tx| agencies::create(tx, &user, clock.as_ref(), request)).await?;
    let view = AgencyView::from_row(row, &tree);
    Ok(HttpResponse::Created().json(view))
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
    let (rows, total, tree) =
        state.db.read(move |conn| agencies::list(conn, page.offset(), page.per_page)).await?;
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
    let (row, tree) = state.db.read(move |conn| agencies::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(AgencyView::from_row(row, &tree)))
}
