//! Agencies: the tree that decides filing authorities and scopes.

use actix_web::{get, post, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{InvalidFields, NotAdmin, Unauthenticated};
use super::Answer;
use crate::db::agencies::AgencyRow;
use crate::domain::agency::AgencyTree;
use crate::domain::ids::AgencyId;
use crate::error::Problem;
use crate::service::agencies::{self, AgencyRequest};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    #[schema(value_type = String)]
    pub id: AgencyId,
    pub code: String,
    pub name: String,
    #[schema(value_type = crate::domain::agency::AgencyKind)]
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
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body(content = AgencyRequest, example = json!({"name": "大连市人民政府", "code": "DL", "issuance_prefix": "大政规", "registration_prefix": "DLFS"})), responses(
    (status = 201, description = "Created", body = AgencyView),
    Unauthenticated, NotAdmin,
    (status = 409, description = "Code taken", body = Problem),
    InvalidFields
))]
#[post("/agencies")]
pub async fn create_agency(caller: Caller, body: ApiJson<AgencyRequest>) -> Answer {
    let (row, tree) =
        caller.write(move |tx, actor, clock| agencies::create(tx, actor, clock, body.0)).await?;
    Ok(HttpResponse::Created().json(AgencyView::from_row(row, &tree)))
}

/// Lists agencies (any signed-in user: names and codes are public facts).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of agencies", body = Paged<AgencyView>),
    Unauthenticated
))]
#[get("/agencies")]
pub async fn list_agencies(caller: Caller, page: Paging) -> Answer {
    let (rows, total, tree) =
        caller.read(move |conn, _, _| agencies::list(conn, page.offset(), page.per_page)).await?;
    Ok(paged(page, (rows, total), |r| AgencyView::from_row(r, &tree)))
}

/// One agency.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(AgencyId), responses(
    (status = 200, description = "The agency", body = AgencyView),
    (status = 404, description = "No such agency", body = Problem)
))]
#[get("/agencies/{id}")]
pub async fn get_agency(caller: Caller, id: Path<AgencyId>) -> Answer {
    let (row, tree) = caller.read(move |conn, _, _| agencies::get(conn, id.0)).await?;
    Ok(HttpResponse::Ok().json(AgencyView::from_row(row, &tree)))
}
