//! User accounts, each bound to one agency.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path_id;
use crate::auth::{password, AuthUser};
use crate::db::users::UserRow;
use crate::domain::ids::{AgencyId, UserId};
use crate::error::{AppError, Problem};
use crate::service::accounts::{self, AccountRequest};
use crate::service::paging::{Page, PageQuery, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    /// 10 to 256 characters.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    pub agency_id: uuid::Uuid,
    /// Any of `admin`, `drafter`, `legal_reviewer`, `registrar`, `filing_reviewer`.
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub agency_id: Option<String>,
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
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body = CreateUser, responses(
    (status = 201, description = "Created", body = UserView),
    (status = 403, description = "Not an admin", body = Problem),
    (status = 409, description = "Username taken", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let req = body.0;
    let request = AccountRequest {
        username: req.username,
        password: req.password,
        agency_id: AgencyId(req.agency_id),
        roles: req.roles,
    };
    let account = accounts::prepare(&user, request)?;
    let pw = account.password().to_string();
    let hash = state.hashing.run(move || password::hash(&pw)).await?.map_err(AppError::internal)?;
    let clock = state.clock.clone();
    let row = state.db.write(move |tx| accounts::create(tx, clock.as_ref(), account, hash)).await?;
    let view = UserView::from(row);
    Ok(HttpResponse::Created().json(view))
}

/// Lists users: all for an admin, the caller's agency for everyone else.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(PageQuery), responses(
    (status = 200, description = "A page of users", body = Paged<UserView>),
    (status = 401, description = "No or bad token", body = Problem)
))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    let (rows, total) = state
        .db
        .read(move |conn| accounts::list(conn, &user, page.offset(), page.per_page))
        .await?;
    Ok(HttpResponse::Ok().json(page.wrap(rows.into_iter().map(UserView::from).collect(), total)))
}

/// One user, if in the caller's scope.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, description = "The user", body = UserView),
    (status = 404, description = "No such user in your scope", body = Problem)
))]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: UserId = path_id(&id, "user")?;
    let row = state.db.read(move |conn| accounts::get(conn, &user, id)).await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}
