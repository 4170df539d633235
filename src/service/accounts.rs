//! User accounts, each bound to one agency: creating one (admin), listing and reading them
//! within the caller's scope, and checking on every request that a token's account still
//! stands (`authenticate`). Changes to an existing account are in `account_admin`.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::password;
use crate::db::account_events::AccountEvent;
use crate::db::users::UserFilter;
use crate::db::{self, users::UserRow, DbConn};
use crate::domain::account::{token_standing, AccountAction, Standing, TokenFacts};
use crate::domain::clock::Clock;
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::{AppError, FieldError};
use crate::service::actor::{Actor, Credential};

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
#[schema(as = CreateUser, example = json!({"username": "zhang.san", "password": "Tulip-Cobalt-Harbour-91", "agency_id": "0b6f4d0e-8a55-4d8e-9a3c-1f2e3d4c5b6a", "roles": ["drafter"]}))]
pub struct AccountRequest {
    /// 3–64 letters (ASCII or CJK), digits, `.`, `_`, `-` or `@`.
    #[schema(min_length = 3, max_length = 64)]
    pub username: String,
    /// 10 to 256 characters, and hard to guess (zxcvbn score at least 3 of 4).
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

/// Parses a list of role codes, naming the field at fault.
pub fn parse_roles(field: &str, codes: &[String]) -> Result<Roles, FieldError> {
    Roles::parse(codes).map_err(|e| FieldError::new(field, e.to_string()))
}

/// Checks that the caller is an admin, then every field, each fault named.
pub fn prepare(actor: &Actor, req: AccountRequest) -> Result<NewAccount, AppError> {
    actor.require_any(&[Role::Admin])?;
    let mut errors = Vec::new();
    let username =
        parse_username(&req.username).map_err(|m| errors.push(FieldError::new("username", m)));
    if let Err(m) = password::check_strength(&req.password, &[req.username.trim()]) {
        errors.push(FieldError::new("password", m));
    }
    let roles = parse_roles("roles", &req.roles).map_err(|e| errors.push(e));
    let (Ok(username), Ok(roles)) = (username, roles) else {
        return Err(AppError::invalid_fields(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    Ok(NewAccount { username, password: req.password, agency_id: req.agency_id, roles })
}

/// Saves the account with its password hash and its event; 422 for an unknown agency, 409 for
/// a username taken.
pub fn create(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    account: NewAccount,
    password_hash: String,
) -> Result<UserRow, AppError> {
    actor.require_any(&[Role::Admin])?;
    let row = UserRow::new(
        account.username,
        password_hash,
        Some(account.agency_id.to_string()),
        account.roles.to_storage(),
        clock.now().naive_utc(),
    );
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
    let detail = serde_json::json!({"roles": row.roles, "agency_id": row.agency_id});
    record(tx, clock, Some(actor), &row.id, AccountAction::Created, Some(detail))?;
    Ok(row)
}

/// Records an account event of `actor` (`None`: the operator's command line) on `user_id`.
pub fn record(
    tx: &mut DbConn,
    clock: &dyn Clock,
    actor: Option<&Actor>,
    user_id: &str,
    action: AccountAction,
    detail: Option<serde_json::Value>,
) -> Result<(), AppError> {
    let actor_id = actor.map(|a| a.id.to_string());
    let event = AccountEvent {
        at: clock.now().naive_utc(),
        actor_id: actor_id.as_deref(),
        user_id,
        action,
        detail,
    };
    Ok(db::account_events::record(tx, event)?)
}

/// The account behind a validly signed token, read now: 401 when it is gone, disabled or
/// the token has ended. The actor carries the account's roles and agency as they are now,
/// so a change takes effect on the account's next request.
pub fn authenticate(conn: &mut DbConn, credential: &Credential) -> Result<Actor, AppError> {
    let gone = || AppError::Unauthorized("invalid token: no such account".into());
    let row = db::users::find(conn, credential.user_id)?.ok_or_else(gone)?;
    let standing = Standing {
        disabled: row.disabled,
        token_epoch: row.token_epoch,
        kept_token_id: row.kept_token_id.as_deref(),
    };
    let token = TokenFacts { epoch: credential.epoch, token_id: credential.token_id.as_deref() };
    token_standing(standing, token).map_err(|why| AppError::Unauthorized(why.to_string()))?;
    actor_of(&row)
}

/// The actor an account row makes.
pub fn actor_of(row: &UserRow) -> Result<Actor, AppError> {
    let bad = |what: &str| AppError::internal(format!("stored {what} of user {}", row.id));
    Ok(Actor {
        id: row.id.parse().map_err(|_| bad("id"))?,
        username: row.username.clone(),
        agency_id: match &row.agency_id {
            Some(a) => Some(a.parse().map_err(|_| bad("agency"))?),
            None => None,
        },
        roles: Roles::from_storage(&row.roles).map_err(|_| bad("roles"))?,
    })
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

/// The users the caller may see that match `filter`, `limit` from `offset`, and how many
/// there are: all for an admin, the caller's agency for everyone else.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    mut filter: UserFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), AppError> {
    if let Some(own) = user_scope(actor) {
        if filter.agency.as_ref().is_some_and(|asked| *asked != own) {
            return Ok((Vec::new(), 0));
        }
        filter.agency = Some(own);
    }
    Ok(db::users::list(conn, &filter, offset, limit)?)
}

/// One user, if in the caller's scope; 404 otherwise.
pub fn get(conn: &mut DbConn, actor: &Actor, id: UserId) -> Result<UserRow, AppError> {
    let scope = user_scope(actor);
    db::users::find(conn, id)?
        .filter(|row| scope.is_none() || row.agency_id == scope)
        .ok_or(AppError::NotFound("user"))
}
