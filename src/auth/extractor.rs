//! The caller of an API request, taken from its bearer token.

use std::future::{ready, Ready};

use actix_web::{http::header, web, FromRequest, HttpRequest};

use crate::domain::role::Roles;
use crate::error::AppError;
pub use crate::service::actor::Actor as AuthUser;
use crate::state::AppState;

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, AppError> {
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
    Ok(AuthUser {
        id: claims.sub.parse().map_err(|_| bad())?,
        username: claims.name,
        agency_id: match claims.agency {
            Some(a) => Some(a.parse().map_err(|_| bad())?),
            None => None,
        },
        roles: Roles::parse(&claims.roles).map_err(|_| bad())?,
    })
}
