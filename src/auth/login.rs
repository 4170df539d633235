//! Password checks under the login throttle: a login, and the current password a user gives
//! to set a new one. Each runs the throttle's `begin` (429 for a try too early, else the try
//! charged as a failure in advance), the argon2 check on the bounded hashing gate, and the
//! throttle's `finish`. A known and an unknown username cost the same: the same statements,
//! and one argon2 verification (of a dummy hash for an unknown or disabled account).

use std::net::IpAddr;

use crate::auth::jwt::Subject;
use crate::auth::{password, Bearer};
use crate::db::users::UserRow;
use crate::domain::account::password_expired;
use crate::domain::role::Roles;
use crate::error::{AppError, FieldError};
use crate::service::sign_in::{self, Attempt, Charge, Outcome};
use crate::service::{account_admin, accounts};
use crate::state::AppState;

/// A successful login.
pub struct SignedIn {
    pub access_token: String,
    /// The account has a temporary password: the token may only set a new one.
    pub password_change_required: bool,
}

/// The same answer for an unknown username, a wrong password and a disabled account, so
/// that none of them can be told from the others.
fn refused() -> AppError {
    AppError::Unauthorized("wrong username or password".into())
}

/// Logs `username` in from `address` with `given`.
pub async fn sign_in(
    state: &AppState,
    address: IpAddr,
    username: String,
    given: String,
) -> Result<SignedIn, AppError> {
    let attempt = Attempt::new(&username, address);
    let name = username.clone();
    // On a bare connection (`read`): the throttle's counts are not registry data, and the
    // public caches need not hear of them.
    let (charge, found) = state
        .read(move |conn, clock| {
            let charge = sign_in::begin(conn, clock, attempt)?;
            Ok((charge, sign_in::account(conn, &name)?))
        })
        .await?;
    let user = verify(state, &username, found, given, charge).await?.ok_or_else(refused)?;
    let roles = Roles::from_storage(&user.roles)
        .map_err(|e| AppError::internal(format!("stored roles of {}: {e}", user.id)))?;
    let subject = Subject {
        user_id: &user.id,
        username: &user.username,
        agency: user.agency_id.clone(),
        roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
        epoch: user.token_epoch,
        password_change_only: user.password_change_required,
    };
    let access_token = state.jwt.issue(subject, state.clock.now()).map_err(AppError::internal)?;
    Ok(SignedIn { access_token, password_change_required: user.password_change_required })
}

/// The answer to a right temporary password given after its hours: the owner learns why,
/// and nobody else can get here without the password.
fn expired() -> AppError {
    AppError::Unauthorized(
        "this temporary password has expired: ask an administrator to reset the password again"
            .into(),
    )
}

/// Checks `given` against the account `found` on the hashing gate, in `username`'s turn, and
/// settles the charged try: the account when the password is right, has not expired (a
/// reset's temporary one) and the account is enabled. An expired password counts as a
/// failed try.
async fn verify(
    state: &AppState,
    username: &str,
    found: Option<UserRow>,
    given: String,
    charge: Charge,
) -> Result<Option<UserRow>, AppError> {
    let checked = state
        .hashing
        .run_for(username, move || {
            let matches = match &found {
                Some(u) => password::verify(&given, &u.password_hash),
                None => password::verify_dummy(&given),
            };
            found.filter(|u| matches && !u.disabled)
        })
        .await;
    let now = state.clock.now().naive_utc();
    let expired_password = matches!(&checked,
        Ok(Some(u)) if password_expired(u.temporary_password_until, now));
    let outcome = match &checked {
        Ok(Some(_)) if !expired_password => Outcome::Succeeded,
        Ok(_) => Outcome::Failed,
        Err(_) => Outcome::NotTried,
    };
    state.read(move |conn, _| sign_in::finish(conn, charge, outcome)).await?;
    if expired_password {
        return Err(expired());
    }
    Ok(checked?)
}

/// The bearer's new password, given its current one: checked under the same throttle as a
/// login, the new one checked for strength, then saved; every other token ends.
pub async fn change_own_password(
    state: &AppState,
    address: IpAddr,
    bearer: Bearer,
    current: String,
    new: String,
) -> Result<(), AppError> {
    if new == current {
        return Err(AppError::invalid("new_password", "must differ from the current password"));
    }
    let credential = bearer.credential.clone();
    let (actor, charge, found) = state
        .read(move |conn, clock| {
            let actor = accounts::authenticate(conn, &credential)?;
            let charge = sign_in::begin(conn, clock, Attempt::new(&actor.username, address))?;
            let found = sign_in::account(conn, &actor.username)?;
            Ok((actor, charge, found))
        })
        .await?;
    let username = actor.username.clone();
    if verify(state, &username, found, current, charge).await?.is_none() {
        return Err(AppError::invalid_fields(vec![FieldError::new(
            "current_password",
            "is not the current password",
        )]));
    }
    let name = username.clone();
    let hash = state
        .hashing
        .run_for(&username, move || {
            password::check_strength(&new, &[&name])
                .map_err(|m| AppError::invalid("new_password", m))?;
            password::hash(&new).map_err(AppError::internal)
        })
        .await??;
    let credential = bearer.credential;
    state
        .write(move |tx, clock| {
            // Checked again in the transaction: the account may have been disabled meanwhile.
            let actor = accounts::authenticate(tx, &credential)?;
            account_admin::set_own_password(tx, &actor, clock, &credential, hash)
        })
        .await
}
