//! Changes to an existing account, each written with its account event in one transaction:
//! an admin changes roles and agency, disables and enables, resets a password; a user sets
//! their own password. Ending tokens is the account's `token_epoch` moving on (see
//! `domain::account`); roles and agency are read fresh on every request, so they need not.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::accounts::{parse_roles, record};
use crate::db::{self, users::UserRow, DbConn};
use crate::domain::account::{temporary_password_until, AccountAction};
use crate::domain::clock::Clock;
use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::{Role, Roles};
use crate::error::AppError;
use crate::service::actor::{Actor, Credential};

// What an admin changes of an account; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateUser, example = json!({"roles": ["drafter", "registrar"], "disabled": false}))]
pub struct AccessChange {
    /// The whole new set of roles, at least one.
    #[schema(value_type = Option<Vec<Role>>, min_items = 1)]
    pub roles: Option<Vec<String>>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub agency_id: Option<AgencyId>,
    /// `true` ends every token of the account at once and refuses its logins.
    pub disabled: Option<bool>,
}

/// Applies an admin's change to the account `id`: 404 for no such account, 422 for unknown
/// roles or agency, 409 when it would leave no enabled admin. Disabling ends every token.
pub fn update_access(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: UserId,
    change: AccessChange,
) -> Result<UserRow, AppError> {
    actor.require_any(&[Role::Admin])?;
    let roles = match &change.roles {
        Some(codes) => {
            Some(parse_roles("roles", codes).map_err(|e| AppError::invalid_fields(vec![e]))?)
        }
        None => None,
    };
    // In turn among account changes, every read below sees the change before this one; the
    // caller, authenticated before its turn, must still be an enabled admin after it.
    db::users::lock_admin_changes(tx)?;
    match db::users::find(tx, actor.id)? {
        Some(me) if is_enabled_admin(&me) => {}
        Some(me) if me.disabled => {
            return Err(AppError::Unauthorized("this account is disabled".into()))
        }
        _ => return Err(AppError::Forbidden("this account is no longer an admin".into())),
    }
    let before = db::users::find(tx, id)?.ok_or(AppError::NotFound("user"))?;
    if let Some(agency) = change.agency_id {
        if db::agencies::find(tx, agency)?.is_none() {
            return Err(AppError::invalid("agency_id", "no agency has this id"));
        }
    }
    let mut after = before.clone();
    if let Some(roles) = &roles {
        after.roles = roles.to_storage();
    }
    if let Some(agency) = change.agency_id {
        after.agency_id = Some(agency.to_string());
    }
    if let Some(disabled) = change.disabled {
        after.disabled = disabled;
    }
    if is_enabled_admin(&before)
        && !is_enabled_admin(&after)
        && db::users::other_enabled_admins(tx, &before.id)? == 0
    {
        return Err(AppError::conflict(
            "last_admin",
            "this would leave no enabled admin; make another account admin first",
        ));
    }
    let disabling = after.disabled && !before.disabled;
    db::users::update_access(tx, &after, disabling)?;
    let mut events = Vec::new();
    if after.roles != before.roles {
        let detail = serde_json::json!({"from": before.roles, "to": after.roles});
        events.push((AccountAction::RolesChanged, Some(detail)));
    }
    if after.agency_id != before.agency_id {
        let detail = serde_json::json!({"from": before.agency_id, "to": after.agency_id});
        events.push((AccountAction::AgencyChanged, Some(detail)));
    }
    if after.disabled != before.disabled {
        let action = if after.disabled { AccountAction::Disabled } else { AccountAction::Enabled };
        events.push((action, None));
    }
    for (action, detail) in events {
        record(tx, clock, Some(actor), &after.id, action, detail)?;
    }
    Ok(db::users::find(tx, id)?.unwrap_or(after))
}

fn is_enabled_admin(row: &UserRow) -> bool {
    !row.disabled && Roles::from_storage(&row.roles).is_ok_and(|r| r.contains(Role::Admin))
}

/// A reset's temporary password, as stored: its hash (made by the edge) and how many hours
/// it logs in (`NORMREG_TEMPORARY_PASSWORD_HOURS`).
pub struct Temporary {
    pub hash: String,
    pub hours: u32,
}

/// An admin's reset of the account `id` to a temporary password: every token ends, and the
/// next login's token may only set a new password. Answers when the temporary password stops
/// logging in.
pub fn reset_password(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: UserId,
    temporary: Temporary,
) -> Result<NaiveDateTime, AppError> {
    actor.require_any(&[Role::Admin])?;
    let row = db::users::find(tx, id)?.ok_or(AppError::NotFound("user"))?;
    let until = temporary_password_until(clock.now().naive_utc(), temporary.hours);
    db::users::set_password(tx, &row.id, &temporary.hash, Some(until), None)?;
    let detail = serde_json::json!({"temporary_password_until": until.and_utc().to_rfc3339()});
    record(tx, clock, Some(actor), &row.id, AccountAction::PasswordReset, Some(detail))?;
    Ok(until)
}

/// The operator's reset from the command line (`normreg reset-password`), for an admin who
/// lost the only admin account: the same as an admin's, recorded with no actor.
pub fn reset_password_by_operator(
    tx: &mut DbConn,
    clock: &dyn Clock,
    username: &str,
    temporary: Temporary,
) -> Result<NaiveDateTime, AppError> {
    let row = db::users::find_by_username(tx, username)?.ok_or(AppError::NotFound("user"))?;
    let until = temporary_password_until(clock.now().naive_utc(), temporary.hours);
    db::users::set_password(tx, &row.id, &temporary.hash, Some(until), None)?;
    let detail = serde_json::json!({
        "by": "command line",
        "temporary_password_until": until.and_utc().to_rfc3339(),
    });
    record(tx, clock, None, &row.id, AccountAction::PasswordReset, Some(detail))?;
    Ok(until)
}

/// The caller's own new password (hashed by the edge, after it checked the current one):
/// every other token of the account ends; the token that made the change is kept, unless it
/// is a temporary password's, which has done its one job.
pub fn set_own_password(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    credential: &Credential,
    new_hash: String,
) -> Result<(), AppError> {
    let id = actor.id.to_string();
    let kept = credential.token_id.as_deref().filter(|_| !credential.password_change_only);
    db::users::set_password(tx, &id, &new_hash, None, kept)?;
    record(tx, clock, Some(actor), &id, AccountAction::PasswordChanged, None)
}
