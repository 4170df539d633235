//! Who acts: the caller of an operation, its agency and roles, and the role checks every
//! operation makes. The HTTP edge makes one from a bearer token (`auth::extractor`).

use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::AppError;

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub agency_id: Option<AgencyId>,
    pub roles: Roles,
}

impl Actor {
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

/// What a validly signed bearer token claims, before it is checked against the account on
/// the request's own connection ([`crate::service::accounts::authenticate`]).
#[derive(Clone, Debug)]
pub struct Credential {
    pub user_id: UserId,
    /// The account's token epoch when the token was issued.
    pub epoch: i64,
    /// The token's own id.
    pub token_id: Option<String>,
    /// The token of a temporary password: good only for setting a new password.
    pub password_change_only: bool,
}
