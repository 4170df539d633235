//! Login and the caller's own account.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::responses::Unauthenticated;
use super::Answer;
use crate::auth::{password, AuthUser};
use crate::db;
use crate::domain::role::Roles;
use crate::error::{AppError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchanges a username and password for a short-lived bearer token.
#[utoipa::path(tag = "accounts", request_body(content = LoginRequest, example = json!({"username": "admin", "password": "a long password"})), responses(
    (status = 200, description = "Logged in", body = TokenResponse),
    (status = 401, description = "Wrong username or password", body = Problem),
    (status = 422, description = "Invalid body", body = Problem),
    (status = 503, description = "Too many logins at once; retry after `Retry-After` seconds", body = Problem)
))]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, body: ApiJson<LoginRequest>) -> Answer {
    let LoginRequest { username, password: given } = body.0;
    if username.len() > 200 || given.len() > 1024 {
        return Err(AppError::Unauthorized("wrong username or password".into()));
    }
    let key = username.clone();
    let found = state.db.read(move |conn| db::users::find_by_username(conn, &username)).await?;
    // Hashing runs on the bounded blocking gate, in the turn of the username (a flood on one
    // account does not hold up another's login); an unknown user pays for a dummy verification.
    let user = state
        .hashing
        .run_for(&key, move || match found {
            Some(u) if password::verify(&given, &u.password_hash) => Some(u),
            Some(_) => None,
            None => {
                password::verify_dummy(&given);
                None
            }
        })
        .await?
        .ok_or_else(|| AppError::Unauthorized("wrong username or password".into()))?;
    let roles = Roles::from_storage(&user.roles)
        .map_err(|e| AppError::internal(format!("stored roles of {}: {e}", user.id)))?;
    let token = state
        .jwt
        .issue(
            &user.id,
            &user.username,
            user.agency_id.clone(),
            roles.iter().map(|r| r.as_str().to_string()).collect(),
            state.clock.now(),
        )
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_seconds,
    }))
}

/// The caller as the token describes them.
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
pub async fn me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(Me {
        id: user.id.to_string(),
        username: user.username,
        agency_id: user.agency_id.map(|a| a.to_string()),
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
    })
}
