//! User accounts, each bound to one agency.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::paging::{Page, PageQuery, Paged};
use super::path_id;
use crate::auth::{password, AuthUser};
use crate::db::{self, users::UserRow};
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::{AppError, FieldError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    /// At least 10 characters.
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

/// A username: 3–64 characters, letters, digits, `.`, `_`, `-`, `@` (ASCII or CJK letters).
pub fn parse_username(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let n = name.chars().count();
    if !(3..=64).contains(&n) {
        return Err("must be 3–64 characters".into());
    }
    if !name.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c)) {
        return Err("may contain only letters, digits, `.`, `_`, `-` and `@`".into());
    }
    Ok(name.to_string())
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
    user.require_any(&[Role::Admin])?;
    let req = body.0;
    let mut errors = Vec::new();
    let username =
        parse_username(&req.username).map_err(|m| errors.push(FieldError::new("username", m)));
    if let Err(m) = password::check_strength(&req.password) {
        errors.push(FieldError::new("password", m));
    }
    let roles =
        Roles::parse(&req.roles).map_err(|e| errors.push(FieldError::new("roles", e.to_string())));
    let (Ok(username), Ok(roles)) = (username, roles) else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let pw = req.password;
    let hash = state.hashing.run(move || password::hash(&pw)).await?.map_err(AppError::internal)?;
    let row = UserRow {
        id: UserId::new().to_string(),
        username,
        password_hash: hash,
        agency_id: Some(AgencyId(req.agency_id).to_string()),
        roles: roles.to_storage(),
        created_at: state.clock.now().naive_utc(),
    };
    let view = state
        .db
        .write(move |conn| {
            if db::agencies::find(conn, row.agency_id.as_deref().unwrap_or_default())?.is_none() {
                return Err(AppError::invalid("agency_id", "no agency has this id"));
            }
            if db::users::find_by_username(conn, &row.username)?.is_some() {
                return Err(AppError::conflict(
                    "username_taken",
                    format!("the username `{}` is taken", row.username),
                ));
            }
            db::users::insert(conn, &row)?;
            Ok(UserView::from(row))
        })
        .await?;
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
    let scope = user_scope(&user);
    let (rows, total) = state
        .db
        .read(move |conn| db::users::list(conn, scope.as_deref(), page.offset(), page.per_page))
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
    let scope = user_scope(&user);
    let row = state
        .db
        .read(move |conn| db::users::find(conn, &id.to_string()))
        .await?
        .filter(|row| scope.is_none() || row.agency_id == scope)
        .ok_or(AppError::NotFound("user"))?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}

/// `None`: every user (admin); otherwise the one agency whose users the caller may see.
fn user_scope(user: &AuthUser) -> Option<String> {
    if user.has(Role::Admin) {
        None
    } else {
        // A non-admin without an agency sees nobody: an id no row has.
        Some(user.agency_id.map(|a| a.to_string()).unwrap_or_default())
    }
}
