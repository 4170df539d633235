//! User accounts, each bound to one agency.

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
use crate::auth::password;
use crate::db::users::UserRow;
use crate::domain::ids::UserId;
use crate::error::{AppError, Problem};
use crate::service::accounts::{self, AccountRequest};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub agency_id: Option<String>,
    #[schema(value_type = Vec<crate::domain::role::Role>)]
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            agency_id: row.agency_id,
            roles: row.roles.split(',').filter(|r| !r.is_empty()).map(String::from).collect(),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// Creates a user (admin).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body(content = AccountRequest, example = json!({"username": "zhang.san", "password": "a long password", "agency_id": "8d3c5f0e-2b1a-4c6d-9e7f-0a1b2c3d4e5f", "roles": ["drafter"]})), responses(
    (status = 201, description = "Created", body = UserView),
    NotAdmin,
    (status = 409, description = "Username taken", body = Problem),
    InvalidFields
))]
#[post("/users")]
pub async fn create_user(caller: Caller, body: ApiJson<AccountRequest>) -> Answer {
    let account = accounts::prepare(&caller.actor, body.0)?;
    let pw = account.password().to_string();
    let hashing = &caller.state.hashing;
    let hash = hashing.run(move || password::hash(&pw)).await?.map_err(AppError::internal)?;
    let row =
        caller.state.write(move |tx, clock| accounts::create(tx, clock, account, hash)).await?;
    Ok(HttpResponse::Created().json(UserView::from(row)))
}

/// Lists users: all for an admin, the caller's agency for everyone else.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of users", body = Paged<UserView>),
    Unauthenticated
))]
#[get("/users")]
pub async fn list_users(caller: Caller, page: Paging) -> Answer {
    let found = caller
        .read(move |conn, actor, _| accounts::list(conn, actor, page.offset(), page.per_page))
        .await?;
    Ok(paged(page, found, UserView::from))
}

/// One user, if in the caller's scope.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(UserId), responses(
    (status = 200, description = "The user", body = UserView),
    (status = 404, description = "No such user in your scope", body = Problem)
))]
#[get("/users/{id}")]
pub async fn get_user(caller: Caller, id: Path<UserId>) -> Answer {
    let row = caller.read(move |conn, actor, _| accounts::get(conn, actor, id.0)).await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}
