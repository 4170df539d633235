//! Login and the caller's own account.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::ApiJson;
use super::responses::{InvalidFields, LoginThrottled, Unauthenticated};
use super::Answer;
use crate::auth::{client_address, login as sign_in, Bearer};
use crate::error::{AppError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "Tulip-Cobalt-Harbour-91"}))]
pub struct LoginRequest {
    #[schema(max_length = 200)]
    pub username: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// `true` after a password reset: the token is good only for `POST /api/v1/me/password`.
    pub password_change_required: bool,
}

/// Exchanges a username and password for a short-lived bearer token.
///
/// Failed logins are counted per username and client address, per address and per username
/// (README, "Accounts and passwords"): past a few failures each further try from the same
/// address must wait a growing delay, and a try within it is answered 429 with `Retry-After`.
#[utoipa::path(tag = "accounts", request_body(content = LoginRequest, example = json!({"username": "admin", "password": "Tulip-Cobalt-Harbour-91"})), responses(
    (status = 200, description = "Logged in", body = TokenResponse),
    (status = 401, description = "Wrong username or password", body = Problem),
    (status = 422, description = "Invalid body", body = Problem),
    LoginThrottled,
    (status = 503, description = "Too many logins at once; retry after `Retry-After` seconds", body = Problem)
))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> Answer {
    let LoginRequest { username, password } = body.0;
    if username.len() > 200 || password.len() > 1024 {
        return Err(AppError::Unauthorized("wrong username or password".into()));
    }
    let address = client_address::of(&req);
    let signed_in = sign_in::sign_in(&state, address, username, password).await?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: signed_in.access_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_seconds,
        password_change_required: signed_in.password_change_required,
    }))
}

/// The caller as their account is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub agency_id: Option<String>,
    #[schema(value_type = Vec<crate::domain::role::Role>)]
    pub roles: Vec<String>,
}

/// Who am I?
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, description = "The caller", body = Me),
    Unauthenticated
))]
#[get("/me")]
pub async fn me(caller: Caller) -> Answer {
    let user = caller.read(|_, actor, _| Ok(actor.clone())).await?;
    Ok(HttpResponse::Ok().json(Me {
        id: user.id.to_string(),
        username: user.username,
        agency_id: user.agency_id.map(|a| a.to_string()),
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
    }))
}

// A new password for the caller's own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "Tulip-Cobalt-Harbour-91", "new_password": "Granite-Meadow-Lantern-47"}))]
pub struct PasswordChange {
    /// The password in use (the temporary one after a reset).
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// 10 to 256 characters, hard to guess (zxcvbn score at least 3 of 4), not the current one.
    #[schema(min_length = 10, max_length = 256)]
    pub new_password: String,
}

/// Sets the caller's own password; every other token of the account stops working at once.
///
/// The token of a temporary password (after a reset) may do this and nothing else, and ends
/// with the change: log in again with the new password.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), request_body(content = PasswordChange, example = json!({"current_password": "Tulip-Cobalt-Harbour-91", "new_password": "Granite-Meadow-Lantern-57"})), responses(
    (status = 204, description = "Changed; every other token of the account has ended"),
    Unauthenticated,
    InvalidFields,
    LoginThrottled,
    (status = 503, description = "Too many password checks at once; retry after `Retry-After` seconds", body = Problem)
))]
#[post("/me/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ApiJson<PasswordChange>,
) -> Answer {
    let PasswordChange { current_password, new_password } = body.0;
    if current_password.len() > 1024 {
        return Err(AppError::invalid("current_password", "is not the current password"));
    }
    let address = client_address::of(&req);
    sign_in::change_own_password(&state, address, bearer, current_password, new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
