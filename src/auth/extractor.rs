//! The caller, taken from the bearer token, and the role checks every handler makes.

use std::future::{ready, Ready};

use actix_web::{http::header, web, FromRequest, HttpRequest};

use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::AppError;
use crate::startup::AppState;

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub agency_id: Option<AgencyId>,
    pub roles: Roles,
}

impl AuthUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!("this needs the role {}", names.join(" or "))))
        }
    }

    /// The caller's agency, or 403 for an account that belongs to none (the bootstrap admin).
    pub fn agency(&self) -> Result<AgencyId, AppError> {
        self.agency_id
            .ok_or_else(|| AppError::Forbidden("this account belongs to no agency".into()))
    }
}

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
