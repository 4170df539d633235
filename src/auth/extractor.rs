//! The bearer token of an API request: its signature and lifetime checked here, without the
//! database; whether its account still stands (enabled, token not ended) is checked on the
//! request's own connection when it runs an operation (`api::caller`).

use std::future::{ready, Ready};

use actix_web::{http::header, web, FromRequest, HttpRequest};

use crate::domain::role::Roles;
use crate::error::AppError;
use crate::service::actor::{Actor, Credential};
use crate::state::AppState;

/// A validly signed, unexpired token: what it claims, not yet checked against the account.
#[derive(Clone, Debug)]
pub struct Bearer {
    /// The caller as the token describes them when it was issued.
    pub claimed: Actor,
    pub credential: Credential,
}

impl FromRequest for Bearer {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(bearer(req))
    }
}

fn bearer(req: &HttpRequest) -> Result<Bearer, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("missing Authorization: Bearer <token>".into()))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::Unauthorized("Authorization must be `Bearer <token>`".into()))?;
    let claims = state
        .jwt
        .verify(token, state.clock.now())
        .map_err(|why| AppError::Unauthorized(format!("invalid token: {why}")))?;
    let bad = || AppError::Unauthorized("invalid token: malformed claims".into());
    let id = claims.sub.parse().map_err(|_| bad())?;
    let claimed = Actor {
        id,
        username: claims.name,
        agency_id: match claims.agency {
            Some(a) => Some(a.parse().map_err(|_| bad())?),
            None => None,
        },
        roles: Roles::parse(&claims.roles).map_err(|_| bad())?,
    };
    let credential = Credential {
        user_id: id,
        epoch: claims.ver,
        token_id: claims.jti,
        password_change_only: claims.pwd_change_only,
    };
    Ok(Bearer { claimed, credential })
}
