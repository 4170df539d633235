//! User accounts, each bound to one agency: created, listed and changed by the admin.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::paging::{paged, Paging};
use super::path::Path;
use super::responses::{InvalidFields, InvalidFilter, NotAdmin, Unauthenticated};
use super::Answer;
use crate::auth::password;
use crate::db::users::{UserFilter, UserRow};
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::Role;
use crate::error::{AppError, Problem};
use crate::service::account_admin::{self, AccessChange, Temporary};
use crate::service::accounts::{self, AccountRequest};
use crate::service::paging::{PageQuery, Paged};

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub agency_id: Option<String>,
    #[schema(value_type = Vec<Role>)]
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// A disabled account cannot log in, and its tokens are refused.
    pub disabled: bool,
    /// Reset to a temporary password not yet replaced.
    pub password_change_required: bool,
    /// When that temporary password stops logging in; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password_expires_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            agency_id: row.agency_id,
            roles: row.roles.split(',').filter(|r| !r.is_empty()).map(String::from).collect(),
            created_at: row.created_at.and_utc(),
            disabled: row.disabled,
            password_change_required: row.password_change_required,
            temporary_password_expires_at: row
                .temporary_password_until
                .filter(|_| row.password_change_required)
                .map(|until| until.and_utc()),
        }
    }
}

/// Creates a user (admin).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body(content = AccountRequest, example = json!({"username": "zhang.san", "password": "Tulip-Cobalt-Harbour-91", "agency_id": "8d3c5f0e-2b1a-4c6d-9e7f-0a1b2c3d4e5f", "roles": ["drafter"]})), responses(
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
    let row = caller
        .write(move |tx, actor, clock| accounts::create(tx, actor, clock, account, hash))
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only the users of this agency.
    pub agency_id: Option<uuid::Uuid>,
    /// Only the users holding this role.
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
    /// `true`: only disabled accounts; `false`: only enabled ones.
    pub disabled: Option<bool>,
}

impl UserQuery {
    fn filter(self) -> Result<UserFilter, AppError> {
        let role = match self.role.as_deref() {
            None | Some("") => None,
            Some(code) => Some(
                code.parse::<Role>()
                    .map_err(|e| AppError::invalid("role", e.to_string()))?
                    .as_str(),
            ),
        };
        let agency = self.agency_id.map(|a| AgencyId(a).to_string());
        Ok(UserFilter { agency, role, disabled: self.disabled })
    }
}

/// Lists users: all for an admin, the caller's agency for everyone else; filtered by agency,
/// role and whether disabled.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(UserQuery, PageQuery), responses(
    (status = 200, description = "A page of users", body = Paged<UserView>),
    Unauthenticated,
    InvalidFilter
))]
#[get("/users")]
pub async fn list_users(caller: Caller, query: web::Query<UserQuery>, page: Paging) -> Answer {
    let filter = query.into_inner().filter()?;
    let found = caller
        .read(move |conn, actor, _| {
            accounts::list(conn, actor, filter, page.offset(), page.per_page)
        })
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

/// Changes a user's roles, agency, or whether the account is disabled (admin). Disabling
/// ends every token of the account at once, on every instance; role and agency changes
/// take effect on the account's next request.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(UserId), request_body(content = AccessChange, example = json!({"roles": ["drafter", "registrar"], "disabled": false})), responses(
    (status = 200, description = "The user as changed", body = UserView),
    NotAdmin,
    (status = 404, description = "No such user", body = Problem),
    (status = 409, description = "The change would leave no enabled admin", body = Problem),
    InvalidFields
))]
#[patch("/users/{id}")]
pub async fn update_user(caller: Caller, id: Path<UserId>, body: ApiJson<AccessChange>) -> Answer {
    let change = body.0;
    let row = caller
        .write(move |tx, actor, clock| account_admin::update_access(tx, actor, clock, id.0, change))
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemporaryPassword {
    /// Hand it to the user by a safe channel: it logs in once more, with a token good only
    /// for setting a new password.
    pub temporary_password: String,
    /// After this it no longer logs in (`NORMREG_TEMPORARY_PASSWORD_HOURS` after the reset,
    /// default 72); an admin then resets again.
    pub expires_at: DateTime<Utc>,
}

/// Resets a user's password to a temporary one (admin): every token of the account ends,
/// and its next login may only set a new password.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(UserId), responses(
    (status = 200, description = "The temporary password", body = TemporaryPassword),
    NotAdmin,
    (status = 404, description = "No such user", body = Problem)
))]
#[post("/users/{id}/password-reset")]
pub async fn reset_password(caller: Caller, id: Path<UserId>) -> Answer {
    caller.actor.require_any(&[Role::Admin])?;
    let temporary = password::temporary();
    let pw = temporary.clone();
    let hashing = &caller.state.hashing;
    let hash = hashing.run(move || password::hash(&pw)).await?.map_err(AppError::internal)?;
    let stored = Temporary { hash, hours: caller.state.config.temporary_password_hours };
    let until = caller
        .write(move |tx, actor, clock| {
            account_admin::reset_password(tx, actor, clock, id.0, stored)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(TemporaryPassword { temporary_password: temporary, expires_at: until.and_utc() }))
}
