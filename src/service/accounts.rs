//! User accounts, each bound to one agency: creating one (admin), listing and reading them
//! within the caller's scope.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::password;
use crate::db::{self, users::UserRow, DbConn};
use crate::domain::clock::Clock;
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;

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

// An account as asked for, unchecked.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateUser)]
pub struct AccountRequest {
    /// 3–64 letters (ASCII or CJK), digits, `.`, `_`, `-` or `@`.
    #[schema(min_length = 3, max_length = 64)]
    pub username: String,
    /// 10 to 256 characters.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    #[schema(value_type = uuid::Uuid)]
    pub agency_id: AgencyId,
    /// One or more of the roles, e.g. `["drafter"]`.
    #[schema(value_type = Vec<crate::domain::role::Role>, min_items = 1)]
    pub roles: Vec<String>,
}

/// An account an admin may create: made only by [`prepare`], which checks both. Its password
/// is still to be hashed, which the edge does on the hashing gate before [`create`].
#[derive(Debug)]
pub struct NewAccount {
    username: String,
    password: String,
    agency_id: AgencyId,
    roles: Roles,
}

impl NewAccount {
    /// The password to hash.
    pub fn password(&self) -> &str {
        &self.password
    }
}

/// Checks that the caller is an admin, then every field, each fault named.
pub fn prepare(actor: &Actor, req: AccountRequest) -> Result<NewAccount, AppError> {
    actor.require_any(&[Role::Admin])?;
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
    Ok(NewAccount { username, password: req.password, agency_id: req.agency_id, roles })
}

/// Saves the account with its password hash; 422 for an unknown agency, 409 for a username
/// taken.
pub fn create(
    tx: &mut DbConn,
    clock: &dyn Clock,
    account: NewAccount,
    password_hash: String,
) -> Result<UserRow, AppError> {
    let row = UserRow {
        id: UserId::new().to_string(),
        username: account.username,
        password_hash,
        agency_id: Some(account.agency_id.to_string()),
        roles: account.roles.to_storage(),
        created_at: clock.now().naive_utc(),
    };
    if db::agencies::find(tx, account.agency_id)?.is_none() {
        return Err(AppError::invalid("agency_id", "no agency has this id"));
    }
    if db::users::find_by_username(tx, &row.username)?.is_some() {
        return Err(AppError::conflict(
            "username_taken",
            format!("the username `{}` is taken", row.username),
        ));
    }
    db::users::insert(tx, &row)?;
    Ok(row)
}

/// `None`: every user (admin); otherwise the one agency whose users the caller may see.
fn user_scope(actor: &Actor) -> Option<String> {
    if actor.has(Role::Admin) {
        None
    } else {
        // A non-admin without an agency sees nobody: an id no row has.
        Some(actor.agency_id.map(|a| a.to_string()).unwrap_or_default())
    }
}

/// The users the caller may see, `limit` from `offset`, and how many there are: all for an
/// admin, the caller's agency for everyone else.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), AppError> {
    Ok(db::users::list(conn, user_scope(actor).as_deref(), offset, limit)?)
}

/// One user, if in the caller's scope; 404 otherwise.
pub fn get(conn: &mut DbConn, actor: &Actor, id: UserId) -> Result<UserRow, AppError> {
    let scope = user_scope(actor);
    db::users::find(conn, id)?
        .filter(|row| scope.is_none() || row.agency_id == scope)
        .ok_or(AppError::NotFound("user"))
}
